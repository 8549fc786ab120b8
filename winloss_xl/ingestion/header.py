"""Find the header row under report title lines, and recognise footer rows.

Salesforce XLSX reports put a title, a filter description and a blank line
above the real header and end with "Grand Totals" and "Confidential
Information" lines; spreadsheets pasted by hand often start at row 3. The
header is the row among the first few that names the most known fields
(synonyms from :mod:`winloss_xl.fields`); failing that, the first row made of
text labels only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..fields import CONTACT_FIELDS, FIELDS, INLINE_CONTACT_ROLES, header_variants, normalize_header
from ..words import FOOTER_WORDS
from .values import is_blank_value

#: Rows scanned for the header.
HEADER_SCAN_ROWS = 30
_NUMBER_OR_DATE = re.compile(r"^[\s$€£(+-]*[\d.,]+[%)\sKkMmBb]*$|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@lru_cache(maxsize=1)
def known_headers() -> frozenset[str]:
    """Every normalised synonym of every field (deals, contacts, inline contacts)."""
    out: set[str] = set()
    for words in [*(f.synonyms for f in FIELDS), *CONTACT_FIELDS.values()]:
        out.update(normalize_header(w) for w in words)
    out.update(normalize_header(h) for h in INLINE_CONTACT_ROLES)
    return frozenset(out)


def _is_label(value: object) -> bool:
    """A cell that could be a column label: non-blank text that is not a number or date."""
    if not isinstance(value, str) or is_blank_value(value):
        return False
    return not _NUMBER_OR_DATE.match(value.strip())


@lru_cache(maxsize=65_536)
def _label_kind(text: str) -> int:
    """0: not a label, 1: a label, 2: a label naming a known field (cached per text)."""
    if not _is_label(text):
        return 0
    known = known_headers()
    return 2 if any(v in known for v in header_variants(text)) else 1


def header_score(row: Sequence[object]) -> tuple[int, int]:
    """(known field names in the row, text labels in the row)."""
    hits = labels = 0
    for cell in row:
        if not isinstance(cell, str) or len(cell) > 200:
            if isinstance(cell, str) and _is_label(cell):
                labels += 1
            continue
        kind = _label_kind(cell)
        if kind:
            labels += 1
            hits += kind == 2
    return hits, labels


def find_header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the header row among the first rows, or None when none looks like one.

    >>> find_header_row([["Pipeline report"], [], ["Stage", "Amount"], ["Won", 5]])
    2
    """
    best: tuple[int, int] | None = None
    best_i: int | None = None
    first_label_row: int | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        filled = [c for c in row if not is_blank_value(c)]
        if not filled:
            continue
        hits, labels = header_score(row)
        if hits and labels >= 2 and (best is None or (hits, labels) > best):
            best, best_i = (hits, labels), i
        if first_label_row is None and len(filled) >= 2 and labels == len(filled):
            first_label_row = i
    if best_i is not None:
        return best_i
    return first_label_row


_FOOTER_FIRST = frozenset({w[0] for w in FOOTER_WORDS} | {"©", "("})


def is_footer_text(value: object) -> bool:
    """True for the first cell of a totals / confidentiality / copyright line.

    >>> is_footer_text("Grand Totals (6 records)"), is_footer_text("Total"), is_footer_text("Totex")
    (True, True, False)
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text[:1].lower() not in _FOOTER_FIRST:
        return False
    if text.startswith(("©", "(c)", "(C)")):
        return True
    norm = normalize_header(text)
    if not norm:
        return False
    if norm.startswith(tuple(w for w in FOOTER_WORDS if len(w) > 8)):
        return True
    first = re.sub(r"[^a-z]", "", text.lower().split(None, 1)[0].split("(")[0])
    return first in FOOTER_WORDS
