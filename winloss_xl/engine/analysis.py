"""The Analysis result type and the ``analyze`` orchestrator.

Each engine module (patterns, losses, personas, qualification, trend,
recommend) computes its own tables; this module runs them in order and
gathers the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..dealset import DealSet
from ..schema import Config

#: Contract table names, in report order.
CONTRACT_TABLES: tuple[str, ...] = (
    "tblSummary",
    "tblPatterns",
    "tblOwners",
    "tblDrivers",
    "tblTrend",
    "tblLossReasons",
    "tblCompetitors",
    "tblPersonas",
    "tblCommittee",
    "tblQualification",
    "tblRecommendations",
    "tblDataQuality",
    "tblColumnMap",
)


@dataclass(frozen=True)
class Finding:
    """One statement with its evidence, used for recommendations and the summary's sentences.

    ``strength`` orders findings (higher = stronger evidence, e.g. -log10 q);
    ``sentence`` is plain English with no account, contact or deal names.
    """

    area: str
    sentence: str
    evidence: str
    strength: float
    significant: bool


@dataclass
class Analysis:
    """Everything the report shows, as plain tables and sentences.

    Attributes:
        tables: contract name -> DataFrame (every name in CONTRACT_TABLES is present,
            possibly with no rows), plus extra tables (e.g. tblLossReasonsRaw, tblLossStages,
            tblDecisionMakers).
        notes: table name -> one sentence saying why a table is empty or how to read it.
        findings: significant and leaning findings, strongest first.
        sentences: named plain-English sentences for the Summary sheet
            (e.g. "trend": latest vs previous quarter; "lead_rate": which rate leads).
        config: the settings used.
    """

    tables: dict[str, pd.DataFrame]
    notes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    sentences: dict[str, str] = field(default_factory=dict)
    config: Config = field(default_factory=Config)

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (KeyError names the tables that exist)."""
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"{name} not in analysis; have {sorted(self.tables)}") from None

    def summary_value(self, metric: str) -> object:
        """One Value of tblSummary by its Metric label."""
        t = self.tables["tblSummary"]
        hit = t.loc[t["Metric"] == metric, "Value"]
        if hit.empty:
            raise KeyError(f"no summary metric {metric!r}")
        return hit.iloc[0]


def analyze(dealset: DealSet, config: Config | None = None) -> Analysis:
    """Run the whole analysis. Implemented in the engine issue."""
    raise NotImplementedError("engine not built yet")


def filter_deals(dealset: DealSet, where: dict[str, str]) -> DealSet:
    """Keep deals whose column equals the value for every COL=VALUE pair."""
    raise NotImplementedError("engine not built yet")


def split_deals(dealset: DealSet, by: str) -> dict[str, DealSet]:
    """One DealSet per value of ``by`` (region, segment, ...)."""
    raise NotImplementedError("engine not built yet")
