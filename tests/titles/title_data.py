"""The hand-labelled titles of labelled_titles.tsv, for the title tests."""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def labelled_titles() -> list[dict[str, str]]:
    """Rows of labelled_titles.tsv: title, seniority, function, group (comment lines skipped)."""
    with open(HERE / "labelled_titles.tsv", encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))
