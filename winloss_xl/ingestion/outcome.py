"""The outcome of every deal, from all the evidence an export carries.

Evidence, from the most to the least trusted (the CRM computes its flags from
the stage configuration, while stage *names* are whatever a portal calls them):

1. flags: won (``IsWon``, ``Is Closed Won``), lost (``Is closed lost``), closed
   (``IsClosed``, ``Is Deal Closed?``, ``Is Closed (numeric)``) and open
   (``Is Open (numeric)``);
2. the forecast category (``Closed``, ``Omitted``, ``Closed won`` / ``Closed lost``,
   ``Pipeline`` ...);
3. the stage or status text (won / lost / open words, plus the Config's words);
4. the Dynamics status reason;
5. the probability, on deals that are closed but say nothing else (100 won, 0 lost).

The rule: a deal is *closed* when the most trusted source that speaks of it says
so (a won or lost word or flag implies closed); a closed deal is won or lost by
the most trusted source that says which; **a deal that is not won is lost only
when something says it is closed**. A deal nothing says is closed stays open,
whatever its stage is called (so custom pipeline stages such as "Closed Trial"
stay open); the stages nobody recognised are listed with the setting that fixes
them. Where sources disagree the more trusted one decides, and the deals are
counted. One exception keeps closed-deal exports working: when a won flag is
the *only* evidence, FALSE means lost.

Work is done once per distinct combination of evidence values, so a million
rows cost as much as their few dozen combinations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Config
from ..fields import OUTCOME_LOST, OUTCOME_OPEN, OUTCOME_WON, normalize_header
from ..words import (
    DELETED_WORDS,
    DISQUALIFIED_WORDS,
    FALSE_WORDS,
    FORECAST_CLOSED,
    FORECAST_LOST,
    FORECAST_OPEN,
    FORECAST_WON,
    LOST_WORDS,
    NO_DECISION_WORDS,
    OPEN_WORDS,
    TRUE_WORDS,
    WON_WORDS,
)
from .values import is_blank_value, parse_bools, parse_numbers

#: Internal class of a row: an outcome or one of these markers.
BLANK = "blank"
UNKNOWN = "unknown"
DELETED = "deleted"
DROPPED = "dropped"
#: Every class, as the categories of the class column (categorical compares stay fast).
CLASSES: tuple[str, ...] = (OUTCOME_WON, OUTCOME_LOST, OUTCOME_OPEN, BLANK, UNKNOWN, DELETED,
                            DROPPED)
RULE = ("flags, then forecast category, then stage text, then status reason, then probability; "
        "not won is lost only when something says the deal is closed")


def class_series(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical class column from codes into :data:`CLASSES`."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(CLASSES)), index=index)


@dataclass
class OutcomeWords:
    """The word sets of one run: the defaults plus the Config's extra words."""

    won: frozenset[str]
    lost: frozenset[str]
    no_decision: frozenset[str]
    disqualified: frozenset[str]
    open: frozenset[str]

    @classmethod
    def from_config(cls, config: Config) -> OutcomeWords:
        """Defaults overlaid with ``won_words`` / ``lost_words`` / ... from the Config."""
        def extra(words: tuple[str, ...]) -> set[str]:
            return {normalize_header(w) for w in words}

        return cls(
            won=WON_WORDS | extra(config.won_words),
            lost=LOST_WORDS | extra(config.lost_words),
            no_decision=NO_DECISION_WORDS | extra(config.no_decision_words),
            disqualified=DISQUALIFIED_WORDS,
            open=OPEN_WORDS | extra(config.open_words),
        )

    def classify(self, value: object) -> tuple[str, bool]:
        """One stage/status value -> (won/lost/open/blank/unknown/deleted, no_decision).

        Exact words first (the Config's own words included), then any word holding
        "won" or "lost" after normalising ("#09 WON", "Closed Won - Renewal").
        """
        if is_blank_value(value):
            return BLANK, False
        if isinstance(value, (bool, np.bool_)):
            return (OUTCOME_WON if value else OUTCOME_LOST), False
        w = normalize_header(value)
        for words, outcome, nd in ((self.no_decision, OUTCOME_LOST, True),
                                   (self.disqualified, OUTCOME_LOST, True),
                                   (self.won, OUTCOME_WON, False), (self.lost, OUTCOME_LOST, False),
                                   (self.open, OUTCOME_OPEN, False), (DELETED_WORDS, DELETED, False)):
            if w in words:
                return outcome, nd
        if "nodecision" in w or "disqualif" in w or "cancel" in w:
            return OUTCOME_LOST, True
        if "lost" in w or "loss" in w:
            return OUTCOME_LOST, False
        if "won" in w:
            return OUTCOME_WON, False
        if w in TRUE_WORDS:  # a Won/Lost column holding 1/0 or TRUE/FALSE
            return OUTCOME_WON, False
        if w in FALSE_WORDS:
            return OUTCOME_LOST, False
        return UNKNOWN, False


def classify_column(raw: pd.Series, words: OutcomeWords) -> tuple[pd.Series, pd.Series]:
    """Classify a stage/status column: (class per row, no_decision per row)."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    classes = [words.classify(v) for v in uniques]
    cls_arr = np.array([CLASSES.index(c) for c, _ in classes] + [CLASSES.index(BLANK)],
                       dtype=np.int8)
    nd_arr = np.array([n for _, n in classes] + [False], dtype=bool)
    return (class_series(cls_arr[codes], raw.index),
            pd.Series(nd_arr[codes], index=raw.index, dtype=bool))


# ------------------------------------------------------------------ evidence

#: What one piece of evidence says of a row (0: nothing).
(SAYS_NOTHING, SAYS_WON, SAYS_LOST, SAYS_CLOSED, SAYS_OPEN, SAYS_DELETED, SAYS_NOT_WON,
 SAYS_NOT_LOST, SAYS_UNKNOWN) = range(9)
#: Pairs of statements that contradict each other.
_CONTRADICTS: dict[int, frozenset[int]] = {
    SAYS_WON: frozenset({SAYS_LOST, SAYS_OPEN, SAYS_NOT_WON}),
    SAYS_LOST: frozenset({SAYS_WON, SAYS_OPEN, SAYS_NOT_LOST}),
    SAYS_CLOSED: frozenset({SAYS_OPEN}),
    SAYS_OPEN: frozenset({SAYS_WON, SAYS_LOST, SAYS_CLOSED}),
    SAYS_NOT_WON: frozenset({SAYS_WON}),
    SAYS_NOT_LOST: frozenset({SAYS_LOST}),
}
_SAYS_CLOSEDNESS = frozenset({SAYS_WON, SAYS_LOST, SAYS_CLOSED, SAYS_OPEN})
_SAYS_RESULT = {SAYS_WON: OUTCOME_WON, SAYS_LOST: OUTCOME_LOST, SAYS_NOT_WON: OUTCOME_LOST,
                SAYS_NOT_LOST: OUTCOME_WON}


@dataclass
class Evidence:
    """The outcome evidence of every row: one small code array per source, most trusted first."""

    index: pd.Index
    sources: list[tuple[str, np.ndarray]] = field(default_factory=list)
    no_decision: pd.Series | None = None
    #: probability per row, 0..1 (NaN unknown); used on closed deals that say nothing else
    probability: np.ndarray | None = None
    #: the won flag is the only evidence: FALSE then means lost
    lone_won_flag: bool = False

    def add(self, name: str, codes: np.ndarray) -> None:
        """Add a source (less trusted than those added before)."""
        self.sources.append((name, codes.astype(np.int8)))


def flag_codes(raw: pd.Series, true_says: int, false_says: int) -> tuple[np.ndarray, str]:
    """Evidence codes of a TRUE/FALSE (1/0, yes/no) column, and a note on its blanks.

    A column holding only TRUE and blanks (Salesforce Data Loader writes IsWon as 1 or
    nothing) reads blank as FALSE; otherwise a blank says nothing.
    """
    parsed = parse_bools(raw).values
    is_true = parsed.eq(True).to_numpy(dtype=bool)
    is_false = parsed.eq(False).to_numpy(dtype=bool)
    note = ""
    if is_true.any() and not is_false.any():
        is_false = ~is_true
        note = "blank read as FALSE (the column holds only TRUE and blanks)"
    codes = np.zeros(len(raw), dtype=np.int8)
    codes[is_true] = true_says
    codes[is_false] = false_says
    return codes, note


def forecast_codes(raw: pd.Series) -> np.ndarray:
    """Evidence codes of a forecast category column (Closed, Omitted, Closed won, Pipeline ...)."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    table = {**{w: SAYS_WON for w in FORECAST_WON}, **{w: SAYS_LOST for w in FORECAST_LOST},
             **{w: SAYS_CLOSED for w in FORECAST_CLOSED}, **{w: SAYS_OPEN for w in FORECAST_OPEN}}
    per = np.array([table.get(normalize_header(u), SAYS_NOTHING) for u in uniques] + [0],
                   dtype=np.int8)
    return per[codes]


def stage_codes(stage_class: pd.Series) -> np.ndarray:
    """Evidence codes of a classified stage column (an unrecognised name says "unknown")."""
    per = {OUTCOME_WON: SAYS_WON, OUTCOME_LOST: SAYS_LOST, OUTCOME_OPEN: SAYS_OPEN,
           DELETED: SAYS_DELETED, UNKNOWN: SAYS_UNKNOWN}
    lookup = np.array([per.get(c, SAYS_NOTHING) for c in CLASSES] + [0], dtype=np.int8)
    return lookup[stage_class.cat.codes.to_numpy()]


def probability_values(raw: pd.Series) -> np.ndarray:
    """A probability column as 0..1 (a column reaching above 1 is in percent)."""
    values = parse_numbers(raw).values.to_numpy(dtype="float64", na_value=np.nan)
    known = values[~np.isnan(values)]
    if known.size and known.max() > 1:
        values = values / 100.0
    return values


@dataclass
class Decision:
    """The outcome class of every row and what the decision noticed."""

    classes: pd.Series
    no_decision: pd.Series
    #: (deciding source, overruled source) -> rows where they disagreed
    conflicts: dict[tuple[str, str], int] = field(default_factory=dict)
    #: closed deals that said neither won nor lost (left out)
    closed_without_result: int = 0


def decide(ev: Evidence) -> Decision:
    """Apply the rule of this module to every distinct combination of evidence."""
    n = len(ev.index)
    nd = ev.no_decision if ev.no_decision is not None else pd.Series(False, index=ev.index)
    prob = np.zeros(n, dtype=np.int8)
    if ev.probability is not None:
        with np.errstate(invalid="ignore"):
            prob[ev.probability >= 0.995] = SAYS_WON
            prob[ev.probability <= 0.005] = SAYS_LOST
    stacked = np.stack([c for _, c in ev.sources] + [prob], axis=1)
    # one integer per row (each code is below 9): a 1-D unique is far faster than axis=0
    key = (stacked.astype("int64") * (9 ** np.arange(stacked.shape[1], dtype="int64"))).sum(axis=1)
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    combos = stacked[first]
    inverse = inverse.ravel()
    counts = np.bincount(inverse, minlength=len(uniq))
    names = [name for name, _ in ev.sources]
    out = np.empty(len(combos), dtype=np.int8)
    decision = Decision(pd.Series(dtype=object), nd)
    for i, combo in enumerate(combos):
        says, p = [int(x) for x in combo[:-1]], int(combo[-1])
        cls = _decide_one(says, p, names, ev.lone_won_flag)
        out[i] = CLASSES.index(cls)
        clash = _first_clash(says, names)
        if clash is not None and cls not in (BLANK, DELETED):
            decision.conflicts[clash] = decision.conflicts.get(clash, 0) + int(counts[i])
        if cls == DROPPED:
            decision.closed_without_result += int(counts[i])
    decision.classes = class_series(out[inverse], ev.index)
    return decision


def _decide_one(says: list[int], prob: int, names: list[str], lone_won: bool) -> str:
    """The class of one combination of evidence (see the module docstring for the rule)."""
    if SAYS_DELETED in says:
        return DELETED
    if all(s == SAYS_NOTHING for s in says):
        return BLANK
    closedness = next((s for s in says if s in _SAYS_CLOSEDNESS), None)
    result = next((_SAYS_RESULT[s] for s in says if s in _SAYS_RESULT), None)
    if closedness is None:
        if lone_won and result == OUTCOME_LOST:
            return OUTCOME_LOST
        return UNKNOWN if SAYS_UNKNOWN in says else OUTCOME_OPEN
    if closedness == SAYS_OPEN:
        return OUTCOME_OPEN
    if result is not None:
        return result
    if prob in (SAYS_WON, SAYS_LOST):
        return OUTCOME_WON if prob == SAYS_WON else OUTCOME_LOST
    return DROPPED


def _first_clash(says: list[int], names: list[str]) -> tuple[str, str] | None:
    """The first pair of sources that contradict each other (the more trusted one first)."""
    spoken = [(names[i], s) for i, s in enumerate(says) if s in _CONTRADICTS]
    for j in range(1, len(spoken)):
        for i in range(j):
            if spoken[j][1] in _CONTRADICTS[spoken[i][1]]:
                return spoken[i][0], spoken[j][0]
    return None


#: Flag fields: (field, what TRUE says, what FALSE says), most trusted first.
FLAG_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("is_won", SAYS_WON, SAYS_NOT_WON),
    ("is_lost", SAYS_LOST, SAYS_NOT_LOST),
    ("is_closed", SAYS_CLOSED, SAYS_OPEN),
    ("is_open", SAYS_OPEN, SAYS_CLOSED),
)


@dataclass
class Gathered:
    """The evidence of a table, the stage column's own classes and notes on the flags."""

    evidence: Evidence
    stage_class: pd.Series | None
    notes: list[tuple[str, str]] = field(default_factory=list)


def gather_evidence(frame: pd.DataFrame, columns: dict[str, str], words: OutcomeWords) -> Gathered:
    """Read every outcome source ``columns`` names (field -> header) into :class:`Evidence`."""
    ev = Evidence(frame.index)
    notes: list[tuple[str, str]] = []
    nd = pd.Series(False, index=frame.index)
    for fld, true_says, false_says in FLAG_FIELDS:
        col = columns.get(fld)
        if col is not None:
            codes, note = flag_codes(frame[col], true_says, false_says)
            ev.add(col, codes)
            if note:
                notes.append((col, note))
    if columns.get("forecast_category"):
        ev.add(columns["forecast_category"], forecast_codes(frame[columns["forecast_category"]]))
    stage_class = None
    if columns.get("outcome"):
        stage_class, stage_nd = classify_column(frame[columns["outcome"]], words)
        ev.add(columns["outcome"], stage_codes(stage_class))
        nd |= stage_nd
    if columns.get("status_reason"):
        reason_class, reason_nd = classify_column(frame[columns["status_reason"]], words)
        ev.add(columns["status_reason"], stage_codes(reason_class))
        nd |= reason_nd
    if columns.get("probability"):
        ev.probability = probability_values(frame[columns["probability"]])
    ev.no_decision = nd
    ev.lone_won_flag = [name for name, _ in ev.sources] == [columns.get("is_won")]
    return Gathered(ev, stage_class, notes)
