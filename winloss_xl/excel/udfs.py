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

import xlwings as xw

from ..config import Config
from ..errors import InputError
from ..fields import normalize_header
from ..report.layout import display_frame
from ..session import WinLoss
from ..words import LOST_WORDS, OPEN_WORDS, WON_WORDS
from .cache import ContentIndex, LRUCache, content_key, gc_paused
from .values import frame_rows, to_cell

log = logging.getLogger("winloss_xl.udfs")

ERROR_PREFIX = "#WINLOSS! "
NO_HEADER = ("the range has no header row: include it (e.g. Deals!A1:P900, or tblDeals[#All] "
             "for a Table)")
CATEGORY = "Win/Loss"
DEALS_DOC = ("The deals range with its header row, e.g. Deals!A1:P900, or tblDeals[#All] for a "
             "Table.")

CONFIG_DOC = ("Optional: a two-column key/value range with the keys of the Config sheet, e.g. "
              "Config!A1:B20; the formula then gives the report's rows for those settings.")

_CONTENTS = ContentIndex(8)  # range content -> token (exact equality, types included)
_SESSIONS = LRUCache(8)      # (deals, contacts, config) tokens -> WinLoss
_VARIANTS = LRUCache(16)     # (session key, min_deals, bands) -> WinLoss with those settings
_RESULTS = LRUCache(64)      # (variant key, dimension) -> WINRATE_BY rows


def clear_caches() -> None:
    """Forget every cached parse and result (tests, benchmarks)."""
    for cache in (_CONTENTS, _SESSIONS, _VARIANTS, _RESULTS):
        cache.clear()


# --------------------------------------------------------------------------- formulas

@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("column", doc="Optional: only deals whose column (e.g. \"Industry\") equals value.")
@xw.arg("value", doc="Optional: the value the column must have, e.g. \"Retail\".")
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def WINRATE(deals, column=None, value=None, config=None):
    """Win rate of the closed deals (won / (won + lost)), as a fraction; open deals are left out. With column and value: the win rate of the deals whose column equals value."""  # noqa: E501
    return _safely(lambda: _winrate(deals, column, value, config), scalar=True)


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("by", doc="The dimension, e.g. \"Industry\", \"Region\", \"Company revenue\" or a column "
                  "header of the range.")
@xw.arg("min_deals", doc="Optional: smallest segment that is tested (default 5, at least 3).")
@xw.arg("bands", doc="Optional: revenue band edges such as \"0,10M,50M,100M\", or a number of "
                     "quantile bands for other numeric columns.")
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def WINRATE_BY(deals, by, min_deals=None, bands=None, config=None):
    """Win rate by segment of one dimension, with 95% interval, lift, p- and q-value and verdict: the Patterns table's rows for that dimension. Needs Microsoft 365 or Excel 2021+ to spill."""  # noqa: E501
    return _safely(lambda: _winrate_by(deals, by, min_deals, bands, config))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def DEAL_SUMMARY(deals, config=None):
    """Summary metrics of the deals (closed, won, lost, win rate with interval, amounts, cycle): the report's tblSummary."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblSummary", config=config))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def LOSS_REASONS(deals, config=None):
    """Why deals are lost: lost deals and lost amount by loss reason, with shares: the report's tblLossReasons."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblLossReasons", config=config))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("contacts", ndim=2, err_to_str=True,
        doc="Optional: contact roles with their header row (deal key, title, role), e.g. "
            "Contacts!A1:E3000.")
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def PERSONAS(deals, contacts=None, config=None):
    """Buyer personas on won and lost deals: win rate with and without each persona, lift, q-value and verdict: the report's tblPersonas."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblPersonas", contacts, config))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def KEY_DRIVERS(deals, config=None):
    """Two-condition segments whose win rate differs significantly from the overall rate: the report's tblDrivers."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblDrivers", config=config))


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def QUAL_THRESHOLD(deals, config=None):
    """How well a qualification-score threshold separates won from lost deals (accuracy, precision, recall): the report's tblQualification."""  # noqa: E501
    return _safely(lambda: _table(deals, "tblQualification", config=config))


PERIOD_DOC = ("a period as in --period: 2025Q4, 2025-10, 2025, FY2026Q1 or "
              "2025-10-01..2025-12-31")


@xw.func(category=CATEGORY)
@xw.arg("deals", ndim=2, err_to_str=True, doc=DEALS_DOC)
@xw.arg("by", doc="The dimension, e.g. \"Industry\" or a column header of the range.")
@xw.arg("baseline", doc="Optional: the baseline, " + PERIOD_DOC + "; default the quarter before current.")
@xw.arg("current", doc="Optional: the current period, " + PERIOD_DOC + "; default the latest "
                       "complete quarter.")
@xw.arg("config", ndim=2, err_to_str=True, doc=CONFIG_DOC)
def WINRATE_CHANGE(deals, by, baseline=None, current=None, config=None):
    """How each segment of one dimension changed between two periods: deals and win rate in each, change in points with 95% interval, q-value and verdict: the Changes sheet's tblChanges rows."""  # noqa: E501
    return _safely(lambda: _winrate_change(deals, by, baseline, current, config))


#: The formulas, in the order DESIGN.md lists them.
FORMULAS = (WINRATE, WINRATE_BY, DEAL_SUMMARY, LOSS_REASONS, PERSONAS, KEY_DRIVERS,
            QUAL_THRESHOLD, WINRATE_CHANGE)


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


def _session(deals: Any, contacts: Any = None, config: Any = None) -> tuple[Any, WinLoss]:
    """(content key, WinLoss) of a deals range, an optional contacts range and a config range."""
    rows = _rows(deals)
    crow = None if _missing(contacts) else _rows(contacts, "contacts")
    cfg_rows = None if _missing(config) else _rows(config, "config")
    key = tuple(None if r is None else _token(r) for r in (rows, crow, cfg_rows))

    def build() -> WinLoss:
        _check_header(rows)
        if crow is not None:
            _check_header_contacts(crow)
        settings = Config.from_pairs(cfg_rows, source="config range") if cfg_rows else None
        return WinLoss(rows, contacts=crow, config=settings, name="deals range")

    return key, _SESSIONS.get_or_compute(key, build)


def _variant(deals: Any, min_deals: Any, bands: Any, config: Any) -> tuple[Any, WinLoss]:
    """The session with the formula's own min_deals / bands on top of its config (ingestion shared)."""
    key, session = _session(deals, config=config)
    changes = _settings(min_deals, bands)
    if not changes:
        return key, session
    vkey = (key, tuple(sorted((k, repr(v)) for k, v in changes.items())))
    parsed = Config.from_mapping(changes, source="formula arguments")
    return vkey, _VARIANTS.get_or_compute(vkey, lambda: session.with_config(
        session.config.merged(**{k: getattr(parsed, k) for k in changes})))


def _token(rows: Any) -> Any:
    """A key for a range's content: an exact token (types included), or a hash for odd shapes.

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


def _settings(min_deals: Any = None, bands: Any = None) -> dict[str, Any]:
    """The settings a formula's own min_deals and bands arguments give."""
    data: dict[str, Any] = {}
    if not _missing(min_deals):
        data["min_deals"] = min_deals
    if not _missing(bands):
        if isinstance(bands, (int, float)) and not isinstance(bands, bool):
            data["quantile_bands"] = bands
        else:
            data["revenue_bands"] = str(bands)
    return data


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _table(deals: Any, name: str, contacts: Any = None, config: Any = None) -> list[list[Any]]:
    _, session = _session(deals, contacts, config)
    frame = session.table(name)
    rows = frame_rows(frame, blank="", guard=False)
    if frame.empty:
        note = session.analysis.notes.get(name, "No rows.")
        rows.append([note] + [""] * (len(rows[0]) - 1))
    return rows


def _winrate_by(deals: Any, by: Any, min_deals: Any, bands: Any, config: Any) -> list[list[Any]]:
    key, session = _variant(deals, min_deals, bands, config)
    if session.prepared.n == 0:
        raise InputError("there are no closed (won or lost) deals in the range")
    dim = session.dimension(by)
    rows = _RESULTS.get_or_compute(
        (key, dim.label), lambda: frame_rows(session.patterns(dim.label), blank="", guard=False))
    return [list(r) for r in rows]  # a copy: the caller may change what it gets


def _winrate_change(deals: Any, by: Any, baseline: Any, current: Any, config: Any) -> list[list[Any]]:
    """tblChanges rows of one dimension (without the Dimension column, as WINRATE_BY)."""
    key, session = _session(deals, config=config)
    if session.prepared.n == 0:
        raise InputError("there are no closed (won or lost) deals in the range")
    dim = session.dimension(by)
    periods = (_period_text(baseline), _period_text(current))

    def compute() -> list[list[Any]]:
        # the follow-up is not part of this formula: no recommendations to follow
        comparison = session.compare(*periods, recommendations=())
        table = display_frame("tblChanges", comparison.changes.segments)  # as the report shows it
        rows = table[table["Dimension"] == dim.label].drop(columns=["Dimension"])
        out = frame_rows(rows.reset_index(drop=True), blank="", guard=False)
        if rows.empty:
            note = comparison.changes.note or "No rows."
            out.append([note] + [""] * (len(out[0]) - 1))
        return out

    rows = _RESULTS.get_or_compute((key, "change", dim.label, periods), compute)
    return [list(r) for r in rows]


def _period_text(value: Any) -> str | None:
    """A period argument as text: a typed 2025 arrives as 2025.0, a date cell as a datetime."""
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _winrate(deals: Any, column: Any, value: Any, config: Any) -> float:
    _, session = _session(deals, config=config)
    if session.prepared.n == 0:
        raise InputError("there are no closed (won or lost) deals in the range")
    if _missing(column):
        return session.win_rate()
    if _missing(value):
        raise InputError(f"a column ('{column}') was given without a value",
                         expected="a value to filter on, e.g. WINRATE(deals, \"Industry\", \"Retail\")")
    return session.win_rate({column: to_cell(value, blank="", guard=False)})


# --------------------------------------------------------------------------- TITLE_PERSONA
# Job titles -> personas (issue 18). Self-contained: it reads titles only, no deals range,
# so it is not among FORMULAS (the deals formulas) and shares none of their caches.

TITLE_DOC = ("One job title, or a column of titles (e.g. Contacts!C2:C3000), as the report "
             "reads them.")
TITLE_CONFIG_DOC = ("Optional: a two-column key/value range like the Config sheet; rows such as "
                    "title:Revenue Champion | Director Sales add company-specific titles.")


@xw.func(category=CATEGORY)
@xw.arg("title", ndim=2, err_to_str=True, doc=TITLE_DOC)
@xw.arg("config", ndim=2, err_to_str=True, doc=TITLE_CONFIG_DOC)
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
