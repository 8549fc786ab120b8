"""The data-quality record: what ingestion mapped, parsed, fixed and left out.

Nobody should have to trust the report blindly, so every decision ingestion
takes (a column mapped, a row dropped, a value it could not parse) is written
here and ends up on the report's Data Quality sheet (tblDataQuality,
tblColumnMap). Entries hold counts and column names only, never row values,
so the record is safe to log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class QualityEntry:
    """One line of tblDataQuality: a check, how many rows it touched, and a detail."""

    check: str
    count: int
    detail: str = ""


@dataclass
class QualityLog:
    """Collects data-quality entries and the column map during one load.

    >>> log = QualityLog()
    >>> log.add("Blank rows dropped", 2, "rows with no value in any column")
    >>> log.map_column("Stage", "Outcome", "outcome", "exact name")
    >>> log.to_frame().iloc[0]["Count"]
    2
    """

    entries: list[QualityEntry] = field(default_factory=list)
    #: (Source column, Mapped to, Role, How matched)
    column_map: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, check: str, count: int, detail: str = "") -> None:
        """Record a check; entries with a zero count are kept only when they carry a detail."""
        if count or detail:
            self.entries.append(QualityEntry(check, int(count), detail))

    def map_column(self, source: str, fate: str, role: str = "", how: str = "") -> None:
        """Record what a source column became ("Deal size", "extra dimension", "left out: ..."),
        its role (attribute, process measure, outcome, identifier, personal) and how that was
        decided ("exact name", "similar name ...", "setting", "values")."""
        self.column_map.append((str(source), fate, role, how))

    def set_role(self, source: str, fate: str, role: str, how: str) -> None:
        """Change the column-map entry of ``source`` (a later phase decided more)."""
        self.column_map = [(s, fate, role, how) if s == source else (s, f, r, h)
                           for s, f, r, h in self.column_map]

    def extend(self, other: QualityLog, prefix: str = "") -> None:
        """Append another log's entries (e.g. the Contacts file's), with an optional prefix."""
        for e in other.entries:
            self.entries.append(QualityEntry(f"{prefix}{e.check}", e.count, e.detail))
        for src, fate, role, how in other.column_map:
            self.column_map.append((f"{prefix}{src}", fate, role, how))

    def copy(self) -> QualityLog:
        """An independent copy (a filtered WinLoss adds entries without touching its source)."""
        return QualityLog(list(self.entries), list(self.column_map))

    def fates(self) -> dict[str, str]:
        """Source column -> what it became ("Deal size", "extra dimension ...", "left out: ...")."""
        return {s: f for s, f, _, _ in self.column_map}

    def roles(self) -> dict[str, str]:
        """Source column -> its role (attribute, process measure, outcome, identifier, personal)."""
        return {s: r for s, _, r, _ in self.column_map}

    def count_of(self, check: str) -> int:
        """Total count recorded under ``check`` (0 when absent)."""
        return sum(e.count for e in self.entries if e.check == check)

    def to_frame(self) -> pd.DataFrame:
        """tblDataQuality: Check, Count, Detail."""
        return pd.DataFrame(
            [(e.check, e.count, e.detail) for e in self.entries],
            columns=["Check", "Count", "Detail"],
        ).astype({"Count": "int64"})

    def column_map_frame(self) -> pd.DataFrame:
        """tblColumnMap: Source column, Mapped to, Role, How matched."""
        return pd.DataFrame(self.column_map,
                            columns=["Source column", "Mapped to", "Role", "How matched"])
