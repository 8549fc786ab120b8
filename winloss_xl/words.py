"""Value vocabularies: the words CRMs and spreadsheets write, and what they mean.

Stage and status words are normalised with :func:`winloss_xl.fields.normalize_header`
("Closed Won" -> ``closedwon``) before they are looked up. A run's Config adds
its own ``won_words`` / ``lost_words`` / ``open_words``.
"""

from __future__ import annotations

import itertools

#: Cells Excel or a CRM writes for "no value" (compared case-insensitively, trimmed).
BLANK_CELL_TEXTS: frozenset[str] = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!",
    "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!",
    "#BUSY!", "N/A", "NULL", "NaN", "None", "-", "--", "(blank)", "(empty)", "nil",
})
BLANKS_UPPER: frozenset[str] = frozenset(t.upper() for t in BLANK_CELL_TEXTS)


def _case_forms(text: str) -> set[str]:
    """Every upper/lower-case spelling of ``text`` ("n/a" -> n/a, N/a, n/A, N/A)."""
    options = [(ch.lower(), ch.upper()) if ch.isalpha() else (ch,) for ch in text]
    return {"".join(chars) for chars in itertools.product(*options)}


#: Every case spelling of every blank text: an exact set lookup decides blanks the same way
#: as the case-insensitive rule (``N/a`` is blank in every code path).
BLANK_SPELLINGS: frozenset[str] = frozenset(
    s for t in BLANK_CELL_TEXTS for s in _case_forms(t))

#: Blank texts that are a real value in a competitor column: "None" means no competitor.
NO_COMPETITOR_WORDS: frozenset[str] = frozenset({"none", "nocompetitor", "nocompetition", "na",
                                                 "nobody", "noone"})
NO_COMPETITOR = "No competitor"

# ----------------------------------------------------------------- outcome words

WON_WORDS: frozenset[str] = frozenset({
    "won", "closedwon", "win", "wins", "closedwin", "booked", "signed", "dealwon", "09won",
    "closedwonrenewal", "contractsigned",
})
LOST_WORDS: frozenset[str] = frozenset({
    "lost", "closedlost", "loss", "lose", "dealost", "deallost", "outsold", "closedlostrenewal",
    "churned", "rejected", "declined",
})
#: Lost through no decision: kept as losses, marked ``no_decision``.
NO_DECISION_WORDS: frozenset[str] = frozenset({
    "closednodecision", "nodecision", "canceled", "cancelled", "closedcanceled",
    "closedcancelled", "noresponse", "nodecisionmade", "stalled", "wentdark", "ghosted",
    "closednoresponse", "donothing", "statusquo",
})
#: Disqualified closes: also kept as losses and marked.
DISQUALIFIED_WORDS: frozenset[str] = frozenset({
    "disqualified", "closeddisqualified", "unqualified", "notqualified", "closedunqualified",
    "dq", "junk", "duplicate",
})
OPEN_WORDS: frozenset[str] = frozenset({
    "open", "prospecting", "qualification", "needsanalysis", "valueproposition",
    "iddecisionmakers", "perceptionanalysis", "proposal", "proposalpricequote",
    "negotiation", "negotiationreview", "engaging", "discovery", "demo", "inprogress",
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
    "decisionmakerboughtin", "contractsent", "new", "active", "pending", "pipeline",
})
#: Pipedrive and others: deleted records are excluded from the analysis and counted.
DELETED_WORDS: frozenset[str] = frozenset({"deleted", "removed", "archived", "merged"})
TRUE_WORDS: frozenset[str] = frozenset({"true", "yes", "y", "x", "1", "wahr", "ja", "oui", "si"})
FALSE_WORDS: frozenset[str] = frozenset({"false", "no", "n", "0", "falsch", "nein", "non", ""})

#: Forecast categories (Salesforce ForecastCategory / Name, HubSpot Forecast category).
FORECAST_WON: frozenset[str] = frozenset({"closedwon", "won"})
FORECAST_LOST: frozenset[str] = frozenset({"closedlost", "lost", "omitted"})
FORECAST_CLOSED: frozenset[str] = frozenset({"closed"})
FORECAST_OPEN: frozenset[str] = frozenset({
    "pipeline", "bestcase", "commit", "mostlikely", "upside", "forecast", "notforecasted",
})

#: First-cell texts that mark a report footer or subtotal row (normalised prefix match).
FOOTER_WORDS: tuple[str, ...] = (
    "grandtotal", "grandtotals", "total", "totals", "subtotal", "sum", "count",
    "confidentialinformation", "confidential", "copyright", "generatedby",
    "reportgenerated", "filteredby", "poweredby", "allrightsreserved",
)

#: Default competitor aliases (normalised variant -> display name). Configurable.
DEFAULT_COMPETITOR_ALIASES: dict[str, str] = {
    "msft": "Microsoft",
    "microsoft": "Microsoft",
    "sfdc": "Salesforce",
    "salesforce": "Salesforce",
    "salesforcecom": "Salesforce",
    "sap": "SAP",
    "oracle": "Oracle",
    "orcl": "Oracle",
    "hubspot": "HubSpot",
    "unknown": "",  # a competitor whose name nobody recorded: not recorded
    **{w: NO_COMPETITOR for w in NO_COMPETITOR_WORDS},
}
