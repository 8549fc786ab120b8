"""Excel cell formulas (xlwings UDFs): the report's tables, live, from a deals range.

``deals`` is the whole deals range *including its header row* (``Deals!A1:P900``, or
``tblDeals[#All]`` for an Excel Table). The raw cell values go through the same
ingestion (:func:`winloss_xl.load_deals` on the 2-D list) and the same engine as the
headless report, so every number equals the report's. Each formula returns a 2-D list
with a header row, which spills on dynamic-array Excel.

Nothing here raises into Excel: any problem becomes one ``#WINLOSS! ...`` text cell.
Parsed deals and results are cached by the *content* of the range (a small LRU), so many
formulas over the same range parse it once.

xlwings facts this module relies on (0.37.8): the Excel name is the Python function name;
argument names become VBA parameter names (so: valid, non-reserved VBA identifiers, never
``caller``); the wizard shows the docstring and ``doc=`` texts cut at 255 characters;
``ndim=2, err_to_str=True`` hands over a list of lists with error cells as ``"#N/A"``
text; a returned 2-D list spills natively, so there is no ``@xw.ret(expand=...)``.
"""

from __future__ import annotations

import logging
import math
import traceback
from pathlib import Path
from typing import Any

import pandas as pd
import xlwings as xw

from ..errors import InputError
from ..schema import (
    FIELD_LABELS,
    HEADER_SYNONYMS,
    LOST_WORDS,
    OPEN_WORDS,
    WON_WORDS,
    Config,
    normalize_header,
)
from .cache import ContentIndex, LRUCache, content_key, gc_paused
from .values import frame_rows, to_cell

log = logging.getLogger("winloss_xl.udfs")

ERROR_PREFIX = "#WINLOSS! "
NO_HEADER = ("the range has no header row: include it (e.g. Deals!A1:P900, or tblDeals[#All] "
             "for a Table)")
CATEGORY = "Win/Loss"
DEALS_DOC = ("The deals range with its header row, e.g. Deals!A1:P900, or tblDeals[#All] for a "
             "Table.")

_CONTENTS = ContentIndex(8)  # range content -> token (exact equality)
_DEALSETS = LRUCache(8)   # content token(s) -> DealSet
_PREPARED = LRUCache(16)  # (content, settings) -> Prepared
_PATTERNS = LRUCache(16)  # (content, settings) -> tblPatterns
_ANALYSES = LRUCache(8)   # (content, contacts content) -> Analysis
_RESULTS = LRUCache(64)   # (content, settings, dimension) -> WINRATE_BY rows


def clear_caches() -> None:
    """Forget every cached parse and result (tests, benchmarks)."""
    for cache in (_CONTENTS, _DEALSETS, _PREPARED, _PATTERNS, _ANALYSES, _RESULTS):
        cache.clear()


# --------------------------------------------------------------------------- formulas

@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("column", doc="Optional: only deals whose column (e.g. \"Industry\") equals value.")
@xw.arg("value", doc="Optional: the value the column must have, e.g. \"Retail\".")
def WINRATE(deals, column=None, value=None):
    """Win rate of the closed deals (won / (won + lost)), as a fraction; open deals are left out. With column and value: the win rate of the deals whose column equals value."""  # noqa: E501
    return _safely(lambda: _winrate(deals, column, value), scalar=True)


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("by", doc="The dimension, e.g. \"Industry\", \"Region\", \"Company revenue\" or a column "
                  "header of the range.")
@xw.arg("min_deals", doc="Optional: smallest segment that is tested (default 5, at least 3).")
@xw.arg("bands", doc="Optional: revenue band edges such as \"0,10M,50M,100M\", or a number of "
                     "quantile bands for other numeric columns.")
def WINRATE_BY(deals, by, min_deals=None, bands=None):
    """Win rate by segment of one dimension, with 95% interval, lift, p- and q-value and verdict: the Patterns table's rows for that dimension."""  # noqa: E501
    return _safely(lambda: _winrate_by(deals, by, min_deals, bands))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
def DEAL_SUMMARY(deals):
    """Summary metrics of the deals (closed, won, lost, win rate with interval, amounts, cycle): the report's tblSummary."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblSummary"))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
def LOSS_REASONS(deals):
    """Why deals are lost: lost deals and lost amount by loss reason, with shares: the report's tblLossReasons."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblLossReasons"))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("contacts", ndim=2, err_to_str=True,
        doc="Optional: contact roles with their header row (deal key, title, role), e.g. "
            "Contacts!A1:E3000.")
def PERSONAS(deals, contacts=None):
    """Buyer personas on won and lost deals: win rate with and without each persona, lift, q-value and verdict: the report's tblPersonas."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblPersonas", contacts))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
def KEY_DRIVERS(deals):
    """Two-condition segments whose win rate differs significantly from the overall rate: the report's tblDrivers."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblDrivers"))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
def QUAL_THRESHOLD(deals):
    """How well a qualification-score threshold separates won from lost deals (accuracy, precision, recall): the report's tblQualification."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblQualification"))


#: The formulas, in the order DESIGN.md lists them.
FORMULAS = (WINRATE, WINRATE_BY, DEAL_SUMMARY, LOSS_REASONS, PERSONAS, KEY_DRIVERS,
            QUAL_THRESHOLD)


# --------------------------------------------------------------------------- plumbing

def _safely(compute, scalar: bool = False) -> Any:
    """Run a formula; every failure becomes one ``#WINLOSS!`` text cell."""
    try:
        with gc_paused():
            return compute()
    except InputError as exc:
        # the missing-header hint is given word for word (docs quote it)
        text = ERROR_PREFIX + (NO_HEADER if exc.problem == NO_HEADER else exc.message)
    except RecursionError:
        text = ERROR_PREFIX + "the range is too deeply nested to read."
    except MemoryError:
        text = ERROR_PREFIX + "the range is too large to analyse in a formula; use the Analyze button."
    except Exception as exc:  # a bug: no traceback in the cell, a short hint instead
        # where, not what: an exception's text may quote cell values (account names)
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        log.error("formula failed: %s at %s", type(exc).__name__, where)
        text = (ERROR_PREFIX + f"unexpected problem ({type(exc).__name__}). Check that the range "
                "is a deals export with its header row.")
    return text if scalar else [[text]]


def _rows(values: Any, what: str = "deals") -> list[list[Any]]:
    """The argument as a 2-D list (xlwings gives one with ndim=2; be lenient for VBA callers)."""
    if values is None:
        raise InputError(f"the {what} range is empty", advice="Select the range with its header row")
    if not isinstance(values, (list, tuple)):
        return [[values]]
    if values and not isinstance(values[0], (list, tuple)):
        return [list(values)]
    return values  # type: ignore[return-value]


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


_OUTCOME_WORDS = (WON_WORDS | LOST_WORDS | OPEN_WORDS) - {"won", "new", "open", "active",
                                                           "pending", "demo", "discovery"}


def _check_header(rows: list[list[Any]]) -> None:
    """Refuse a range whose first row is data (e.g. tblDeals without [#All])."""
    if not rows or not rows[0]:
        raise InputError("the deals range is empty", advice="Select the range with its header row")
    first = [v for v in rows[0] if v is not None and v != ""]
    if not first:
        if len(rows) == 1:
            raise InputError("the deals range is empty",
                             advice="Select the range with its header row")
        raise InputError(NO_HEADER)
    if any(not _is_text(v) for v in first):
        raise InputError(NO_HEADER)
    if any(normalize_header(v) in _OUTCOME_WORDS for v in first):
        raise InputError(NO_HEADER)


def _dealset(deals: Any, contacts: Any = None) -> tuple[Any, Any]:
    """(content key, DealSet) of a deals range (and optional contacts range), cached."""
    from ..ingest import load_deals

    rows = _rows(deals)
    crow = None if contacts is None or contacts == "" else _rows(contacts, "contacts")
    key = (_token(rows), None if crow is None else _token(crow))

    def parse() -> Any:
        _check_header(rows)
        if crow is not None:
            _check_header_contacts(crow)
        return load_deals(rows, contacts=crow, name="deals range")

    return key, _DEALSETS.get_or_compute(key, parse)


def _token(rows: Any) -> Any:
    """A key for a range's content: an exact-equality token, or a hash for odd shapes.

    The lookup comes first: a hit proves the rows are lists, so the pass over the row types
    (a fifth of a warm formula's time) is spent only on a miss.
    """
    if isinstance(rows, list):
        found = _CONTENTS.find(rows)
        if found is not None:
            return found
        if set(map(type, rows)) <= {list}:
            added = _CONTENTS.add(rows)
            if added is not None:
                return added
    return content_key(rows)


def _check_header_contacts(rows: list[list[Any]]) -> None:
    first = [v for v in (rows[0] if rows else []) if v is not None and v != ""]
    if not first or any(not _is_text(v) for v in first):
        raise InputError("the contacts range has no header row: include it (e.g. "
                         "Contacts!A1:E3000, or tblContacts[#All] for a Table)")


def _settings(min_deals: Any = None, bands: Any = None) -> Config:
    data: dict[str, Any] = {}
    if not _missing(min_deals):
        data["min_deals"] = min_deals
    if not _missing(bands):
        if isinstance(bands, (int, float)) and not isinstance(bands, bool):
            data["quantile_bands"] = bands
        else:
            data["revenue_bands"] = str(bands)
    return Config.from_mapping(data, source="formula arguments") if data else Config()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _prepared(key: Any, dealset: Any, cfg: Config) -> Any:
    from ..engine.prepare import prepare

    return _PREPARED.get_or_compute((key, repr(cfg)), lambda: prepare(dealset, cfg))


def _patterns(key: Any, dealset: Any, cfg: Config) -> pd.DataFrame:
    """tblPatterns for these settings: every dimension, corrected as one family (as the report)."""
    from ..engine import patterns

    def compute() -> pd.DataFrame:
        prep = _prepared(key, dealset, cfg)
        return patterns.patterns_table(prep)

    return _PATTERNS.get_or_compute((key, repr(cfg)), compute)


def _analysis(deals: Any, contacts: Any = None) -> Any:
    from ..engine import analyze

    key, dealset = _dealset(deals, contacts)
    return _ANALYSES.get_or_compute(key, lambda: analyze(dealset))


def _table(deals: Any, name: str, contacts: Any = None) -> list[list[Any]]:
    analysis = _analysis(deals, contacts)
    frame = analysis.table(name)
    rows = frame_rows(frame, blank="", guard=False)
    if frame.empty:
        note = analysis.notes.get(name, "No rows.")
        rows.append([note] + [""] * (len(rows[0]) - 1))
    return rows


def _label_keys(label: str, field: str | None) -> set[str]:
    keys = {normalize_header(label)}
    if field:
        keys.add(normalize_header(field))
        keys.update(normalize_header(s) for s in HEADER_SYNONYMS.get(field, ()))
    return keys


def _resolve_dimension(prep: Any, by: Any) -> Any:
    """The engine dimension named by a label ("Industry"), field ("industry") or header ("Sector")."""
    if _missing(by):
        raise InputError("no dimension given", expected="a name such as \"Industry\" or \"Region\"")
    wanted = normalize_header(by)
    for dim in prep.dims:
        if wanted in _label_keys(dim.label, dim.field):
            return dim
    return None


def _winrate_by(deals: Any, by: Any, min_deals: Any, bands: Any) -> list[list[Any]]:
    key, dealset = _dealset(deals)
    cfg = _settings(min_deals, bands)
    prep = _prepared(key, dealset, cfg)
    if prep.n == 0:
        raise InputError("there are no closed (won or lost) deals in the range")
    dim = _resolve_dimension(prep, by)
    if dim is None:
        labels = ", ".join(d.label for d in prep.dims) or "none"
        raise InputError(f"no dimension '{by}' among these deals", expected=f"one of: {labels}")

    def compute() -> list[list[Any]]:
        table = _patterns(key, dealset, cfg)
        rows = table[table["Dimension"] == dim.label].drop(columns=["Dimension"])
        return frame_rows(rows, blank="", guard=False)

    rows = _RESULTS.get_or_compute((key, repr(cfg), dim.label), compute)
    return [list(r) for r in rows]  # a copy: the caller may change what it gets


def _winrate(deals: Any, column: Any, value: Any) -> float:
    from ..engine import summary

    key, dealset = _dealset(deals)
    prep = _prepared(key, dealset, Config())
    if prep.n == 0:
        raise InputError("there are no closed (won or lost) deals in the range")
    if _missing(column):
        table = summary.summary_table(prep)
        rate = table.loc[table["Metric"] == "Win rate", "Value"].iloc[0]
        return float(rate)
    if _missing(value):
        raise InputError(f"a column ('{column}') was given without a value",
                         expected="a value to filter on, e.g. WINRATE(deals, \"Industry\", \"Retail\")")
    dim = _resolve_dimension(prep, column)
    if dim is not None:
        want = _norm_value(value)
        for idx, level in enumerate(dim.levels):
            if _norm_value(level) == want:
                mask = dim.codes == idx
                return float(prep.won[mask].sum() / mask.sum())
        shown = ", ".join(dim.levels[:12]) + (", ..." if dim.size > 12 else "")
        raise InputError(f"no closed deals with {dim.label} = '{value}'",
                         expected=f"one of: {shown}")
    col = _closed_column(prep, column)
    mask = col.map(_norm_value) == _norm_value(value)
    if not mask.any():
        raise InputError(f"no closed deals with {column} = '{value}'")
    return float(prep.won[mask.to_numpy()].sum() / int(mask.sum()))


def _closed_column(prep: Any, column: Any) -> pd.Series:
    wanted = normalize_header(column)
    closed = prep.closed
    for name in closed.columns:
        label = FIELD_LABELS.get(str(name))
        if wanted in _label_keys(label or str(name), str(name) if label else None):
            return closed[name]
    raise InputError(f"no column '{column}' among these deals")


def _norm_value(value: Any) -> str:
    cell = to_cell(value, blank="", guard=False)
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip().casefold()


# --------------------------------------------------------------------------- TITLE_PERSONA
# Job titles -> personas (issue 18). Self-contained: it reads titles only, no deals range,
# so it is not among FORMULAS (the deals formulas) and shares none of their caches.

TITLE_DOC = ("One job title, or a column of titles (e.g. Contacts!C2:C3000), as the report "
             "reads them.")
CONFIG_DOC = ("Optional: a two-column key/value range like the Config sheet; rows such as "
              "title:Revenue Champion | Director Sales add company-specific titles.")


@xw.func(category=CATEGORY)
@xw.arg("title", ndim=2, err_to_str=True, doc=TITLE_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def TITLE_PERSONA(title, config=None):
    """Persona, seniority and function of a job title, as the report reads it; a column of titles spills one row per title (blank cells stay blank)."""  # noqa: E501
    return _safely(lambda: _title_persona(title, config))


def _title_persona(title: Any, config: Any) -> list[list[Any]]:
    from ..titles import get_reader
    from .addin import _config_rows  # the Config sheet's own reading (header row skipped)

    titles = {} if _missing(config) else Config.from_pairs(
        _config_rows(_rows(config, "config")), source="config range").titles
    read = get_reader(titles).read
    if title is None:
        return [["", "", ""]]
    cells = [v for row in _rows(title, "title") for v in (row if isinstance(row, (list, tuple))
                                                         else [row])]
    out: list[list[Any]] = []
    for value in cells:
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(["", "", ""])
            continue
        info = read(value if isinstance(value, str) else str(to_cell(value, blank="", guard=False)))
        out.append([info.persona, info.seniority, info.function])
    return out or [["", "", ""]]
