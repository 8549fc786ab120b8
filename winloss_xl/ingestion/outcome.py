"""Stage / status words and won-closed flags -> won, lost or open (plus no-decision).

All words come from :mod:`winloss_xl.schema` (and the run's Config); this
module only applies them. A stage is classified once per distinct value, so a
million rows cost as much as their few dozen stage names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import (
    DELETED_WORDS,
    DISQUALIFIED_WORDS,
    FALSE_WORDS,
    LOST_WORDS,
    NO_DECISION_WORDS,
    OPEN_WORDS,
    OUTCOME_LOST,
    OUTCOME_OPEN,
    OUTCOME_WON,
    TRUE_WORDS,
    WON_WORDS,
    Config,
    normalize_header,
)
from .values import is_blank_value, parse_bools

#: Internal class of a row: outcome or one of these markers.
BLANK = "blank"
UNKNOWN = "unknown"
DELETED = "deleted"
DROPPED = "dropped"
#: Every class, as the categories of the class column (categorical compares stay fast).
CLASSES: tuple[str, ...] = (OUTCOME_WON, OUTCOME_LOST, OUTCOME_OPEN, BLANK, UNKNOWN, DELETED,
                            DROPPED)


def class_series(codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A categorical class column from codes into :data:`CLASSES`."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(CLASSES)), index=index)


@dataclass
class OutcomeWords:
    """The word sets of one run: schema defaults plus the Config's extra words."""

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

        Exact words first, then any word containing "won" or "lost" after
        normalising ("#09 WON", "Closed Won - Renewal").
        """
        if is_blank_value(value):
            return BLANK, False
        if isinstance(value, (bool, np.bool_)):
            return (OUTCOME_WON if value else OUTCOME_LOST), False
        w = normalize_header(value)
        if w in self.no_decision or w in self.disqualified:
            return OUTCOME_LOST, True
        if w in self.won:
            return OUTCOME_WON, False
        if w in self.lost:
            return OUTCOME_LOST, False
        if w in self.open:
            return OUTCOME_OPEN, False
        if w in DELETED_WORDS:
            return DELETED, False
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


def combine_flags(
    stage_class: pd.Series | None,
    no_decision: pd.Series | None,
    is_won: pd.Series | None,
    is_closed: pd.Series | None,
    index: pd.Index,
) -> tuple[pd.Series, pd.Series]:
    """Merge a stage classification with IsWon / IsClosed flags.

    The stage decides where it is clear; a won flag that is TRUE makes a deal
    won; a closed flag decides open vs closed for stages the words do not
    know. With only a won flag and no stage, FALSE means lost.
    """
    if stage_class is None:
        start = UNKNOWN if (is_won is not None or is_closed is not None) else BLANK
        cls = class_series(np.full(len(index), CLASSES.index(start), dtype=np.int8), index)
    else:
        cls = stage_class.copy()
    nd = pd.Series(False, index=index) if no_decision is None else no_decision.copy()
    if is_won is None and is_closed is None:
        return cls, nd
    won = parse_bools(is_won).values if is_won is not None else None
    closed = parse_bools(is_closed).values if is_closed is not None else None
    unclear = cls.isin([UNKNOWN, BLANK])
    if won is not None:
        w_true = won.eq(True)
        cls[w_true & (cls != DELETED)] = OUTCOME_WON
        nd[w_true] = False
        w_false = won.eq(False)
        if closed is None:
            # A lone won flag: FALSE is lost unless the stage says open.
            cls[w_false & unclear] = OUTCOME_LOST
            cls[w_false & (cls == OUTCOME_WON)] = OUTCOME_LOST
        else:
            c_true = closed.eq(True)
            c_false = closed.eq(False)
            cls[w_false & c_true & (unclear | (cls == OUTCOME_WON) | (cls == OUTCOME_OPEN))] = \
                OUTCOME_LOST
            cls[w_false & c_false & (cls != DELETED)] = OUTCOME_OPEN
    elif closed is not None:
        cls[closed.eq(False) & unclear] = OUTCOME_OPEN
    return cls, nd
