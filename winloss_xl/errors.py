"""Errors a user can hit, as messages a user can act on.

Every problem with the *input* (an unreadable file, a missing column, a value
that cannot be parsed, a sheet that would be overwritten) is raised as
:class:`InputError`. The command line turns it into exit code 3, the formulas
into a ``#WINLOSS!`` cell and the ribbon button into a message box. Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """The input cannot be analysed; the message says where, what and how to fix it.

    Example:
        >>> print(InputError("no outcome column", file="q4.csv",
        ...                  expected="a Stage, Status or Won column"))
        q4.csv: no outcome column. Expected a Stage, Status or Won column.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        column: str | None = None,
        expected: str | None = None,
        advice: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.column = column
        self.expected = expected
        self.advice = advice
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One readable paragraph: file, column, problem, expectation, advice."""
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.column:
            where.append(f"column '{self.column}'")
        head = ", ".join(where)
        text = f"{head}: {self.problem}" if head else self.problem
        if self.expected:
            text += f". Expected {self.expected}"
        if self.advice:
            text += f". {self.advice}"
        if not text.endswith("."):
            text += "."
        return text

    def with_file(self, file: str) -> InputError:
        """Return the same error naming ``file`` when it did not name one yet."""
        if self.file is None:
            self.file = file
            self.args = (self.message,)
        return self
