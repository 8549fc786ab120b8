"""Buyer personas: who is in the deals we win, compared with the deals we lose.

Placeholder until the personas issue lands: returns the contract tables with no rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..schema import Config
from .analysis import Finding

PERSONA_COLUMNS = ["Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with",
                   "Share of wins", "Share of losses", "Win rate with", "Win rate without",
                   "Lift", "q-value", "Verdict", "Typical role"]
COMMITTEE_COLUMNS = ["Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"]


@dataclass
class PersonaResult:
    """Persona tables (tblPersonas, tblCommittee, tblDecisionMakers), notes and findings."""

    tables: dict[str, pd.DataFrame]
    notes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    frequency_only: bool = False


def persona_analysis(deals: pd.DataFrame, contacts: pd.DataFrame, config: Config) -> PersonaResult:
    """Persona and buying-committee tables for the closed ``deals`` and their ``contacts``."""
    return PersonaResult(
        tables={"tblPersonas": pd.DataFrame(columns=PERSONA_COLUMNS),
                "tblCommittee": pd.DataFrame(columns=COMMITTEE_COLUMNS)},
        notes={"tblPersonas": "No contacts were given, so there are no personas to compare."},
    )
