"""The field registry: every field the tool knows, declared once.

A :class:`Field` says what a column means (``kind``), how the report names it
(``label``), which headers mean it (``synonyms``), which tables may hold it,
its **role** and whether it is analysed as a dimension. Header matching,
parsing, the canonical deals frame, dimension order and labels all read this
one table; nothing else lists fields.

Roles (DESIGN.md):

- *attribute*: known before or during the deal; may be a dimension, a driver and
  a recommendation;
- *process measure*: accumulates until the deal closes, so it partly follows from
  the outcome (sales cycle, days in stage, activity counts): shown as a descriptive
  pattern, never a driver, a targeting recommendation or a headline finding;
- *outcome*: says or restates the outcome (stage, won/closed flags, forecast
  category, probability, loss reasons): decides the outcome or is left out;
- *identifier* and *personal*: keys, names, emails, phones: joins only, never printed.

Headers are compared after :func:`normalize_header` (case, spaces, punctuation
and ``__c`` dropped), with and without a CRM object prefix ("Deal - ",
"Account: "), and, for fields that allow it, with unit and currency words
dropped ("Opportunity Amount USD" is the amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# ------------------------------------------------------------------- roles

ATTRIBUTE = "attribute"
PROCESS = "process measure"
OUTCOME = "outcome"
IDENTIFIER = "identifier"
PERSONAL = "personal"
ROLES: tuple[str, ...] = (ATTRIBUTE, PROCESS, OUTCOME, IDENTIFIER, PERSONAL)

OUTCOME_WON = "won"
OUTCOME_LOST = "lost"
OUTCOME_OPEN = "open"

# ------------------------------------------------------------------- fields

#: Kinds: how a column's cells are parsed and what its values mean.
#: text (categories), money, count, days, date, score (0-1), flag (true/false),
#: stage (won/lost/open words), probability, reasons, id, key.
KINDS = ("text", "money", "count", "days", "date", "score", "flag", "stage", "probability",
         "reasons", "id", "key", "forecast")


@dataclass(frozen=True)
class Field:
    """One known field: meaning, label, headers, role, and how it is used.

    Attributes:
        name: canonical name (a column of the deals frame when ``in_frame``).
        label: readable label in the report ("Deal size").
        kind: how cells are parsed (see :data:`KINDS`).
        role: one of :data:`ROLES`.
        synonyms: accepted headers, any spelling (normalised on use); the first a
            table offers wins ties.
        tables: tables that may hold it ("deals", "accounts", "contacts").
        dimension: analysed as a dimension when above 0 (text levels or numeric bands); the
            number is its place in the report's dimension order.
        in_frame: kept as a column of the canonical deals frame.
        loose: headers also match with unit, currency and total words dropped.
        coalesce: further matching columns fill the first one's gaps (won time, lost time).
    """

    name: str
    label: str
    kind: str
    role: str
    synonyms: tuple[str, ...]
    tables: tuple[str, ...] = ("deals",)
    dimension: int = 0
    in_frame: bool = True
    loose: bool = False
    coalesce: bool = False


def _f(name: str, label: str, kind: str, role: str, synonyms: tuple[str, ...], **kw) -> Field:
    return Field(name, label, kind, role, synonyms, **kw)


#: Every field, in the order of the canonical deals frame.
FIELDS: tuple[Field, ...] = (
    _f("deal_id", "Deal ID", "id", IDENTIFIER, (
        "Deal ID", "Opportunity ID", "opportunity_id", "Record ID", "Id", "Deal Id", "ID",
        "Opportunity Id", "Opp ID", "Deal Number", "Opportunity Number")),
    _f("outcome", "Outcome", "stage", OUTCOME, (
        "Outcome", "Stage", "StageName", "Stage Name", "Deal Stage", "deal_stage", "Status",
        "Deal Status", "Won/Lost", "Win/Loss", "Result", "Opportunity Status", "Opportunity Result",
        "Sales Stage", "Deal Phase")),
    _f("is_won", "Won flag", "flag", OUTCOME, (
        "IsWon", "Is Won", "Won", "Is Closed Won", "Closed Won", "Deal Won"), in_frame=False),
    _f("is_lost", "Lost flag", "flag", OUTCOME, (
        "IsLost", "Is Lost", "Lost", "Is Closed Lost", "Closed Lost", "Deal Lost"), in_frame=False),
    _f("is_closed", "Closed flag", "flag", OUTCOME, (
        "IsClosed", "Is Closed", "Closed", "Is Deal Closed?", "Is Deal Closed", "Deal Closed",
        "Is Closed (numeric)"), in_frame=False),
    _f("is_open", "Open flag", "flag", OUTCOME, (
        "IsOpen", "Is Open", "Is Open (numeric)", "Open"), in_frame=False),
    _f("forecast_category", "Forecast category", "forecast", OUTCOME, (
        "ForecastCategory", "Forecast Category", "ForecastCategoryName", "Forecast Category Name",
        "Forecast"), in_frame=False),
    _f("probability", "Probability", "probability", OUTCOME, (
        "Probability", "Probability (%)", "Deal probability", "Win Probability",
        "Close Probability"), in_frame=False),
    _f("status_reason", "Status reason", "stage", OUTCOME, (
        "Status Reason", "statuscode", "Status Code"), in_frame=False),
    _f("no_decision", "No decision", "flag", OUTCOME, ()),
    _f("amount", "Deal size", "money", ATTRIBUTE, (
        "Amount", "Deal Value", "Value", "close_value", "Close Value", "Est. Revenue",
        "Estimated Revenue", "Actual Revenue", "ACV", "ARR", "Deal Amount", "Opportunity Amount",
        "Amount (converted)", "Amount in company currency", "Total Contract Value", "TCV",
        "Revenue", "Deal Size"), dimension=4, loose=True),
    _f("close_date", "Close date", "date", ATTRIBUTE, (
        "Close Date", "CloseDate", "close_date", "Actual Close Date", "Won time", "Lost time",
        "Closed Date", "Date Closed", "Est. Close Date", "Estimated Close Date", "Close time",
        "Closed On"), coalesce=True),
    _f("created_date", "Created date", "date", ATTRIBUTE, (
        "Created Date", "CreatedDate", "Create Date", "Created On", "engage_date", "Deal created",
        "Created", "Creation Date", "Date Created", "Add time", "Open Date"), coalesce=True),
    _f("sales_cycle_days", "Sales cycle", "days", PROCESS, (
        "Days to close", "Age", "Sales Cycle", "Sales Cycle Days", "Cycle Days", "Deal Age",
        "Days Open", "Opportunity Age", "Days Identified Through Closing"), dimension=10,
        loose=True),
    _f("industry", "Industry", "text", ATTRIBUTE, (
        "Industry", "Sector", "Vertical", "Account Industry", "Industry Vertical"),
        tables=("deals", "accounts"), dimension=1),
    _f("company_revenue", "Company revenue", "money", ATTRIBUTE, (
        "Annual Revenue", "Company Revenue", "AnnualRevenue", "Account Revenue",
        "Company Annual Revenue", "Organization Revenue"), tables=("deals", "accounts"),
        dimension=2, loose=True),
    _f("employees", "Employees", "count", ATTRIBUTE, (
        "Employees", "NumberOfEmployees", "Number of Employees", "Employee Count", "Company Size",
        "Headcount", "No. of Employees"), tables=("deals", "accounts"), dimension=3, loose=True),
    _f("region", "Region", "text", ATTRIBUTE, (
        "Region", "Billing Country", "Country", "Territory", "Sales Region", "Geo",
        "regional_office", "Regional Office", "Office Location", "office_location",
        "BillingCountry", "Market"), tables=("deals", "accounts"), dimension=5),
    _f("lead_source", "Lead source", "text", ATTRIBUTE, (
        "Lead Source", "LeadSource", "Source", "Original Source", "Channel"), dimension=6),
    _f("deal_type", "Deal type", "text", ATTRIBUTE, (
        "Type", "Deal Type", "Opportunity Type", "Business Type", "New/Renewal"), dimension=7),
    _f("product", "Product", "text", ATTRIBUTE, (
        "Product", "Product Name", "Product Line", "Primary Product", "Plan"), dimension=8),
    _f("owner", "Owner", "text", ATTRIBUTE, (
        "Owner", "Opportunity Owner", "Deal owner", "Deal Owner", "sales_agent", "Sales Agent",
        "Sales Rep", "Rep", "Account Executive", "AE", "OwnerId", "Owner Name", "Salesperson"),
        dimension=9),
    _f("competitor", "Competitor", "text", ATTRIBUTE, (
        "Competitor", "Primary Competitor", "Main Competitor", "Competitors", "Competitor Name",
        "Lost to", "Lost To Competitor"), dimension=11),
    _f("loss_reason", "Loss reason", "reasons", OUTCOME, (
        "Loss Reason", "Closed Lost Reason", "Lost reason", "Reason Lost", "Loss_Reason",
        "Lost Reason Category", "Reason for Loss", "Win/Loss Reason", "Closed Reason")),
    _f("loss_reasons", "Loss reasons", "reasons", OUTCOME, ()),
    _f("qualification_score", "Qualification score", "score", ATTRIBUTE, (
        "Qualification Score", "ICP Score", "Lead Score", "HubSpot Score", "Score", "Fit Score",
        "Deal Score", "MEDDIC Score")),
    _f("lost_stage", "Lost at stage", "text", OUTCOME, (
        "Lost Stage", "Stage Lost", "Lost at Stage", "Last Stage", "Previous Stage")),
    _f("account_key", "Account", "key", IDENTIFIER, (
        "Account Name", "Account ID", "AccountId", "Company", "account", "Account",
        "Associated Company", "Organization - Name", "Organization", "Potential Customer",
        "Company Name", "Customer", "Client"), tables=("deals", "accounts")),
    _f("currency", "Currency", "text", ATTRIBUTE, (
        "Currency", "Deal Currency", "CurrencyIsoCode", "Currency ISO Code",
        "Deal - Currency"), in_frame=False),
    _f("exclude", "Exclude flag", "flag", ATTRIBUTE, (
        "Exclude", "Exclude from analysis", "Ignore", "Skip"), in_frame=False),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

#: Columns of the canonical deals frame, in order (see :mod:`winloss_xl.dealset`).
DEAL_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.in_frame)
#: Fields analysed as dimensions, in report order.
DIMENSION_FIELDS: tuple[str, ...] = tuple(f.name for f in sorted(
    (f for f in FIELDS if f.dimension), key=lambda f: f.dimension))
#: Dimension fields whose values are numbers (shown as readable bands).
NUMERIC_KINDS = frozenset({"money", "count", "days"})
#: Fields of an Accounts table.
ACCOUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if "accounts" in f.tables)
#: Fields that together decide the outcome.
OUTCOME_EVIDENCE: tuple[str, ...] = ("outcome", "is_won", "is_lost", "is_closed", "is_open",
                                     "forecast_category", "probability", "status_reason")


def field(name: str) -> Field:
    """The registry entry of ``name`` (KeyError for an unknown field)."""
    return FIELD_BY_NAME[name]


def field_label(name: str) -> str:
    """Readable label of a canonical field; extra dimensions keep their own header.

    >>> field_label("amount"), field_label("Supplies Group")
    ('Deal size', 'Supplies Group')
    """
    f = FIELD_BY_NAME.get(name)
    return f.label if f is not None else name


def is_numeric_field(name: str) -> bool:
    """True for fields whose values are numbers (money, counts, days)."""
    f = FIELD_BY_NAME.get(name)
    return f is not None and f.kind in NUMERIC_KINDS


# ---------------------------------------------------------- contacts

#: Contact tables (a separate export, or the nested JSON). Names and emails never get in.
CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "deal_id": ("Opportunity ID", "Deal ID", "Record ID", "OpportunityId", "Deal", "Deal Id"),
    "title": ("Title", "Contact: Title", "Job Title", "Jobtitle", "Position", "Contact Title"),
    "role": ("Role", "Contact Role", "Opportunity Role", "Buying Role", "Buyer Role"),
    "department": ("Department", "Function", "Team"),
    "seniority": ("Seniority", "Level", "Management Level", "Job Level"),
}
CONTACT_COLUMNS: tuple[str, ...] = tuple(CONTACT_FIELDS)

#: Inline contact columns on the deals sheet: header -> role.
INLINE_CONTACT_ROLES: dict[str, str] = {
    "Champion Title": "champion",
    "Champion": "champion",
    "Decision Maker Title": "decision maker",
    "Economic Buyer Title": "decision maker",
    "Executive Sponsor Title": "executive sponsor",
    "Influencer Title": "influencer",
    "Technical Buyer Title": "influencer",
    "Primary Contact Title": "other",
    "Contact Title": "other",
    "Blocker Title": "blocker",
}

#: In an Accounts table a header meaning ``amount`` on a deal means the account's own
#: revenue (Maven's ``revenue``, "Revenue"), and ``Id`` is the account key.
ACCOUNT_FIELD_REDIRECTS: dict[str, str] = {"amount": "company_revenue", "deal_id": "account_key"}

# ------------------------------------------------------ header normalisation

#: Prefixes CRMs put in front of headers ("Deal - Value", "Account: Industry").
HEADER_PREFIXES: tuple[str, ...] = (
    "deal", "opportunity", "opp", "account", "organization", "organisation", "company", "contact",
)
#: Words that state a unit, a currency or a total; a loose match ignores them.
UNIT_WORDS: frozenset[str] = frozenset({
    "usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "inr", "sek", "nok", "dkk", "currency",
    "company", "in", "converted", "total", "sum", "of", "the",
})

_SUFFIX_C = re.compile(r"__c$", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORD = re.compile(r"[a-z0-9]+|#")


def normalize_header(header: object) -> str:
    """Lower-case a header and drop spaces, punctuation and ``__c`` suffixes.

    >>> normalize_header("Close Date"), normalize_header("Loss_Reason__c")
    ('closedate', 'lossreason')
    """
    return _normalize_text("" if header is None else str(header))


@lru_cache(maxsize=65_536)
def _normalize_text(text: str) -> str:
    return _NON_ALNUM.sub("", _SUFFIX_C.sub("", text.strip()).lower())


def header_words(header: object) -> tuple[str, ...]:
    """The words of a header, camelCase split: "LastActivityDate" -> ('last', 'activity', 'date').

    >>> header_words("Opportunity Amount USD"), header_words("# Employees")
    (('opportunity', 'amount', 'usd'), ('#', 'employees'))
    """
    return _header_words("" if header is None else str(header))


@lru_cache(maxsize=65_536)
def _header_words(text: str) -> tuple[str, ...]:
    spaced = _CAMEL.sub(r"\1 \2", _SUFFIX_C.sub("", text.strip()))
    return tuple(_WORD.findall(spaced.lower()))


def header_variants(header: object) -> list[str]:
    """The normalised header, then the same without a CRM object prefix.

    >>> header_variants("Deal - Lost reason")
    ['deallostreason', 'lostreason']
    """
    return list(_variants("" if header is None else str(header).strip()))


_PREFIX_PATTERNS = tuple(re.compile(rf"^{p}\s*(?:[-:.|>]|\s)\s*(.+)$", re.DOTALL)
                         for p in HEADER_PREFIXES)


@lru_cache(maxsize=65_536)
def _variants(raw: str) -> tuple[str, ...]:
    out = [normalize_header(raw)]
    lowered = raw.lower()
    for pattern in _PREFIX_PATTERNS:
        m = pattern.match(lowered)
        if m:
            rest = normalize_header(m.group(1))
            if rest and rest not in out:
                out.append(rest)
    return tuple(out)


def loose_variants(header: object) -> list[str]:
    """The header's variants with unit, currency and total words dropped ("Amount USD" -> "amount").

    >>> loose_variants("Opportunity Amount USD"), loose_variants("Amount in company currency")
    (['opportunityamount', 'amount'], ['amount'])
    """
    words = [w for w in header_words(header) if w != "#"]
    kept = [w for w in words if w not in UNIT_WORDS]
    if not kept or kept == words:
        return []
    out = ["".join(kept)]
    if kept[0] in HEADER_PREFIXES and len(kept) > 1:
        out.append("".join(kept[1:]))
    return out


# ------------------------------------------------------- roles by header

#: Header phrases of process measures (matched on whole words, camelCase split).
PROCESS_PATTERNS: tuple[str, ...] = (
    r"elapsed days", r"total days", r"days (in|to|since|open|identified|validated|qualified)",
    r"time in", r"in stage", r"stage (change|duration|age)", r"change count", r"ratio days",
    r"activit(y|ies)", r"\b(calls|emails|meetings|touches|touchpoints|engagements)\b",
    r"number of (times|sales|activities|contacts|associated)", r"last (activity|contacted|engagement)",
    r"next activity", r"duration", r"sales cycle", r"\bage\b", r"push(ed)? count",
    r"has (open activity|overdue task)", r"days to close", r"cycle (days|time|length)",
)
#: Header phrases of columns that restate the outcome.
OUTCOME_PATTERNS: tuple[str, ...] = (
    r"forecast", r"probability", r"weighted (amount|revenue|value)", r"expected revenue",
    r"(won|win) reasons?", r"closed won reason", r"\bis (closed|won|lost|open)\b",
    r"(time in|date entered|date exited|entered|exited).*\b(won|lost)\b",
    r"\b(won|lost|closed) (date|time|amount)\b", r"close reason", r"stage probability",
    r"\bis deleted\b", r"\bdeleted\b", r"next step",
)
#: Header words of identifiers and system columns.
ID_WORDS: frozenset[str] = frozenset({"id", "key", "number", "guid", "uuid", "code", "ref",
                                      "modstamp", "hash"})
SYSTEM_PATTERNS: tuple[str, ...] = (
    r"system ?modstamp", r"last (modified|viewed|referenced)", r"(created|modified) by",
    r"\bmodified (date|on|at)\b", r"\bupdated (at|on)\b", r"external id", r"record source",
)
#: Header words of personal data and free text.
PERSONAL_WORDS: frozenset[str] = frozenset({
    "name", "email", "mail", "phone", "mobile", "address", "street", "zip", "postcode", "postal",
    "linkedin", "contact", "title", "description", "notes", "note", "comment", "comments",
    "topic", "subject", "url", "website", "fax", "firstname", "lastname",
})
#: Header phrases of date-like columns derived from the close date (fiscal period and year).
DATE_LIKE_PATTERNS: tuple[str, ...] = (
    r"fiscal", r"\b(quarter|year|month|week)\b", r"\bperiod\b", r"\bdate\b", r"\btime\b",
)


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_PROCESS_RE = _compile(PROCESS_PATTERNS)
_OUTCOME_RE = _compile(OUTCOME_PATTERNS)
_SYSTEM_RE = _compile(SYSTEM_PATTERNS)
_DATE_LIKE_RE = _compile(DATE_LIKE_PATTERNS)


def _phrase(header: object) -> str:
    return " ".join(w for w in header_words(header) if w != "#")


def role_by_header(header: object) -> tuple[str, str] | None:
    """(role, reason) that a header alone decides, or None when the values must decide.

    >>> role_by_header("Elapsed Days In Sales Stage")
    ('process measure', 'a process measure (accumulates until the deal closes)')
    >>> role_by_header("Is closed lost")[0], role_by_header("Contact Email")[0]
    ('outcome', 'personal')
    """
    phrase = _phrase(header)
    words = set(phrase.split())
    if _OUTCOME_RE.search(phrase):
        return OUTCOME, "restates the outcome"
    if words & PERSONAL_WORDS or "email" in phrase.replace(" ", "") or "phone" in phrase:
        return PERSONAL, "personal or free text"
    if _SYSTEM_RE.search(phrase):
        return IDENTIFIER, "a system column"
    if _PROCESS_RE.search(phrase):
        return PROCESS, "a process measure (accumulates until the deal closes)"
    if words & ID_WORDS or re.search(r"(Id|ID)$", str(header).strip()):
        return IDENTIFIER, "an identifier"
    return None


def is_date_like_header(header: object) -> bool:
    """True for headers naming a date or a period (Fiscal Quarter, LastActivityDate, Close Month)."""
    return bool(_DATE_LIKE_RE.search(_phrase(header)))


def is_competitor_header(header: object) -> bool:
    """True for a column about competitors ("Competitor Type", "Primary Competitor")."""
    return any(w.startswith("competit") for w in header_words(header))
