"""The README's command synopsis names every command and option the parser has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from winloss_xl.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _synopsis() -> str:
    """The first code block under the README's "Command line" heading."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1]
    return re.search(r"```\n(.*?)```", section, re.S).group(1)


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"": parser, **sub.choices}


def _lines_of(command: str, synopsis: str) -> str:
    """The synopsis lines of one command: its first line and the indented lines after it."""
    if not command:
        return synopsis
    lines = synopsis.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"winloss-xl {command}"))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if line.startswith("winloss-xl "):
            break
        block.append(line)
    return "\n".join(block)


def test_every_command_is_in_the_synopsis():
    synopsis = _synopsis()
    for command in _commands():
        if command:
            assert re.search(rf"^winloss-xl {command}\b", synopsis, re.M), command


def _missing(synopsis: str) -> list[str]:
    """Options of the parser that the synopsis lines of their command do not name."""
    missing = []
    commands = _commands()
    general = {o for a in commands[""]._actions for o in a.option_strings}
    for command, parser in commands.items():
        lines = _lines_of(command, synopsis)
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.option_strings:
                continue  # a positional: its metavar is shown, checked by the commands test
            if command and set(action.option_strings) <= general:
                continue  # -q, --log-format after any command: stated once, on the general line
            named = (re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", lines)
                     for o in action.option_strings)
            if not any(named):
                missing.append(f"{command or 'winloss-xl'} {max(action.option_strings, key=len)}")
    return missing


def test_every_option_of_every_command_is_in_its_synopsis_lines():
    assert _missing(_synopsis()) == []


def test_the_check_finds_a_missing_option():
    # guards the test above: a synopsis whose inspect line lost --json must be caught
    synopsis = _synopsis()
    start = synopsis.index("winloss-xl inspect")
    end = synopsis.index("winloss-xl template")
    doctored = synopsis[:start] + synopsis[start:end].replace("[--json]", "") + synopsis[end:]
    assert _missing(doctored) == ["inspect --json"]
