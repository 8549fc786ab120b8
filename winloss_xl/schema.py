"""Canonical deal fields, header synonyms, outcome words and the run configuration.

This module is the one mapping table of the project: every header synonym and
every outcome word lives here, and ingestion, the formulas and the report all
read it from here.

The canonical deals frame (what :func:`winloss_xl.ingest.load_deals` returns in
``DealSet.deals``) has one row per deal, open deals included, and these columns
(a field the export lacks is present and empty):

==================== =============== ==============================================
column               dtype           meaning
==================== =============== ==============================================
deal_id              str             key; generated ``row-<n>`` when the export has none
outcome              str             ``won`` / ``lost`` / ``open``
no_decision          bool            a loss through no decision or disqualification
amount               float           deal value (NaN when unknown)
close_date           datetime64[ns]  NaT when unknown
created_date         datetime64[ns]  NaT when unknown
sales_cycle_days     float           given, or close - created; NaN when impossible
industry ... competitor  str / NA    categorical dimensions (see CATEGORY_FIELDS)
company_revenue      float           in currency units (25M -> 25_000_000)
employees            float
loss_reason          str / NA        raw reason text as exported (cleaned of spaces)
loss_reasons         object (tuple)  the reasons split on ``;`` ``|`` ``/`` newline
qualification_score  float           normalised to 0..1
lost_stage           str / NA        stage at which a lost deal died, when exported
account_key          str / NA        join key to Accounts; never reported
==================== =============== ==============================================

Extra dimensions (other low-cardinality text columns) follow under their own
source header and are listed in ``DealSet.extra_dimensions``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# --------------------------------------------------------------------------- fields

OUTCOME_WON = "won"
OUTCOME_LOST = "lost"
OUTCOME_OPEN = "open"

#: Categorical dimensions, in the order the report shows them.
CATEGORY_FIELDS: tuple[str, ...] = (
    "industry",
    "region",
    "lead_source",
    "deal_type",
    "product",
    "owner",
    "competitor",
)
#: Numeric fields shown as readable bands.
NUMERIC_DIMENSION_FIELDS: tuple[str, ...] = (
    "company_revenue",
    "employees",
    "amount",
    "sales_cycle_days",
)
DATE_FIELDS: tuple[str, ...] = ("close_date", "created_date")

#: Every canonical column of the deals frame, in order.
DEAL_COLUMNS: tuple[str, ...] = (
    "deal_id",
    "outcome",
    "no_decision",
    "amount",
    "close_date",
    "created_date",
    "sales_cycle_days",
    "industry",
    "company_revenue",
    "employees",
    "region",
    "lead_source",
    "deal_type",
    "product",
    "owner",
    "competitor",
    "loss_reason",
    "loss_reasons",
    "qualification_score",
    "lost_stage",
    "account_key",
)

#: Columns of the contacts frame (``DealSet.contacts``). Names and emails never get here.
CONTACT_COLUMNS: tuple[str, ...] = ("deal_id", "title", "role", "department", "seniority")

#: Readable labels used in reports ("Dimension" column, chart titles, messages).
FIELD_LABELS: dict[str, str] = {
    "deal_id": "Deal ID",
    "outcome": "Outcome",
    "amount": "Deal size",
    "close_date": "Close date",
    "created_date": "Created date",
    "sales_cycle_days": "Sales cycle",
    "industry": "Industry",
    "company_revenue": "Company revenue",
    "employees": "Employees",
    "region": "Region",
    "lead_source": "Lead source",
    "deal_type": "Deal type",
    "product": "Product",
    "owner": "Owner",
    "competitor": "Competitor",
    "loss_reason": "Loss reason",
    "qualification_score": "Qualification score",
    "lost_stage": "Lost at stage",
    "account_key": "Account",
}


def field_label(name: str) -> str:
    """Readable label of a canonical field; extra dimensions keep their header."""
    return FIELD_LABELS.get(name, name)


# ------------------------------------------------------------------ header synonyms

#: Prefixes CRMs put in front of headers ("Deal - Value", "Account: Industry").
HEADER_PREFIXES: tuple[str, ...] = (
    "deal",
    "opportunity",
    "opp",
    "account",
    "organization",
    "organisation",
    "company",
    "contact",
)


_SUFFIX_C = re.compile(r"__c$", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(header: object) -> str:
    """Lower-case a header and drop spaces, punctuation and ``__c`` suffixes.

    >>> normalize_header("Close Date")
    'closedate'
    >>> normalize_header("Loss_Reason__c")
    'lossreason'
    """
    text = "" if header is None else str(header)
    return _normalize_text(text)


@lru_cache(maxsize=65_536)
def _normalize_text(text: str) -> str:
    return _NON_ALNUM.sub("", _SUFFIX_C.sub("", text.strip()).lower())


def header_variants(header: object) -> list[str]:
    """The normalised header, then the same without a CRM object prefix.

    >>> header_variants("Deal - Lost reason")
    ['deallostreason', 'lostreason']
    """
    raw = "" if header is None else str(header).strip()
    return list(_variants(raw))


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


_PREFIX_PATTERNS = tuple(re.compile(rf"^{p}\s*(?:[-:.|>]|\s)\s*(.+)$", re.DOTALL)
                         for p in HEADER_PREFIXES)


#: field -> accepted headers (already in any spelling; normalised on use).
#: Order matters only for ties: the first synonym a table offers wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "outcome": (
        "Outcome", "Stage", "StageName", "Stage Name", "Deal Stage", "deal_stage", "Status",
        "Deal Status", "Won/Lost", "Win/Loss", "Result", "Opportunity Status", "Sales Stage",
    ),
    "is_won": ("IsWon", "Is Won", "Won", "Is Closed Won", "Closed Won"),
    "is_closed": ("IsClosed", "Is Closed", "Closed"),
    "status_reason": ("Status Reason", "statuscode", "Status Code"),
    "deal_id": (
        "Deal ID", "Opportunity ID", "opportunity_id", "Record ID", "Id", "Deal Id", "ID",
        "Opportunity Id", "Opp ID", "Deal Number", "Opportunity Number",
    ),
    "amount": (
        "Amount", "Deal Value", "Value", "close_value", "Close Value", "Est. Revenue",
        "Estimated Revenue", "Actual Revenue", "ACV", "ARR", "Deal Amount", "Opportunity Amount",
        "Amount (converted)", "Total Contract Value", "TCV", "Revenue", "Deal Size",
    ),
    "close_date": (
        "Close Date", "CloseDate", "close_date", "Actual Close Date", "Won time", "Lost time",
        "Closed Date", "Date Closed", "Est. Close Date", "Estimated Close Date", "Close time",
        "Closed On",
    ),
    "created_date": (
        "Created Date", "CreatedDate", "Create Date", "Created On", "engage_date",
        "Deal created", "Created", "Creation Date", "Date Created", "Add time", "Open Date",
    ),
    "sales_cycle_days": (
        "Days to close", "Age", "Sales Cycle", "Sales Cycle Days", "Cycle Days", "Deal Age",
        "Days Open", "Opportunity Age",
    ),
    "industry": ("Industry", "Sector", "Vertical", "Account Industry", "Industry Vertical"),
    "company_revenue": (
        "Annual Revenue", "Company Revenue", "AnnualRevenue", "Account Revenue",
        "Company Annual Revenue", "Organization Revenue",
    ),
    "employees": (
        "Employees", "NumberOfEmployees", "Number of Employees", "Employee Count",
        "Company Size", "Headcount", "No. of Employees",
    ),
    "region": (
        "Region", "Billing Country", "Country", "Territory", "Sales Region", "Geo",
        "regional_office", "Regional Office", "Office Location", "office_location",
        "BillingCountry", "Market",
    ),
    "lead_source": ("Lead Source", "LeadSource", "Source", "Original Source", "Channel"),
    "deal_type": ("Type", "Deal Type", "Opportunity Type", "Business Type", "New/Renewal"),
    "product": ("Product", "Product Name", "Product Line", "Primary Product", "Plan"),
    "owner": (
        "Owner", "Opportunity Owner", "Deal owner", "Deal Owner", "sales_agent", "Sales Agent",
        "Sales Rep", "Rep", "Account Executive", "AE", "OwnerId", "Owner Name", "Salesperson",
    ),
    "competitor": (
        "Competitor", "Primary Competitor", "Main Competitor", "Competitors",
        "Competitor Name", "Lost to", "Lost To Competitor",
    ),
    "loss_reason": (
        "Loss Reason", "Closed Lost Reason", "Lost reason", "Reason Lost", "Loss_Reason",
        "Lost Reason Category", "Reason for Loss", "Win/Loss Reason", "Closed Reason",
    ),
    "qualification_score": (
        "Qualification Score", "ICP Score", "Lead Score", "HubSpot Score", "Score",
        "Fit Score", "Deal Score", "MEDDIC Score",
    ),
    "lost_stage": ("Lost Stage", "Stage Lost", "Lost at Stage", "Last Stage", "Previous Stage"),
    "account_key": (
        "Account Name", "Account ID", "AccountId", "Company", "account", "Account",
        "Associated Company", "Organization - Name", "Organization", "Potential Customer",
        "Company Name", "Customer", "Client",
    ),
    "exclude": ("Exclude", "Exclude from analysis", "Exclude from Analysis", "Ignore", "Skip"),
}

#: Contact tables (a separate export, or the nested JSON).
CONTACT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "deal_id": ("Opportunity ID", "Deal ID", "Record ID", "OpportunityId", "Deal", "Deal Id"),
    "title": ("Title", "Contact: Title", "Job Title", "Jobtitle", "Position", "Contact Title"),
    "role": ("Role", "Contact Role", "Opportunity Role", "Buying Role", "Buyer Role"),
    "department": ("Department", "Function", "Team"),
    "seniority": ("Seniority", "Level", "Management Level", "Job Level"),
}

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

#: Headers that are personal or free text: never dimensions, never printed.
PERSONAL_HEADER_WORDS: tuple[str, ...] = (
    "name", "email", "e-mail", "mail", "phone", "mobile", "address", "street", "zip",
    "postcode", "postal", "linkedin", "contact", "title", "description", "notes", "note",
    "comment", "comments", "topic", "subject", "next step", "nextstep", "url", "website",
)

#: In an Accounts table a header that would mean ``amount`` on a deal means the
#: account's own revenue (Maven's ``revenue``, "Revenue", "Annual Revenue").
ACCOUNT_FIELD_REDIRECTS: dict[str, str] = {"amount": "company_revenue"}

#: Headers whose values are set by the outcome itself (leakage): never dimensions.
OUTCOME_DERIVED_HEADERS: tuple[str, ...] = (
    "Probability", "Probability (%)", "Forecast Category", "ForecastCategory",
    "ForecastCategoryName", "Closed Won Reason", "Won Reason", "Win Reason", "Won Reasons",
    "Deal probability", "Weighted Amount", "Expected Revenue", "Forecast amount",
    "Stage Duration", "Days in Stage", "Last Stage Change Date", "Is Deleted", "IsDeleted",
    "Close Reason Detail", "Next Step", "NextStep",
)

#: Headers that are identifiers: never dimensions, never printed.
ID_HEADER_WORDS: tuple[str, ...] = ("id", "key", "number", "guid", "uuid", "code", "ref")

#: First-cell texts that mark a report footer or subtotal row (normalised prefix match).
FOOTER_WORDS: tuple[str, ...] = (
    "grandtotal", "grandtotals", "total", "totals", "subtotal", "sum", "count",
    "confidentialinformation", "confidential", "copyright", "generatedby",
    "reportgenerated", "filteredby", "poweredby", "allrightsreserved",
)

#: Cells Excel or a CRM writes for "no value".
BLANK_CELL_TEXTS: frozenset[str] = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!",
    "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!",
    "#BUSY!", "N/A", "n/a", "NULL", "null", "NaN", "nan", "None", "none", "-", "--", "(blank)",
    "(empty)", "nil",
})

# ----------------------------------------------------------------- outcome words

#: Normalised stage/status words (see ``normalize_header``) and their outcome.
WON_WORDS: frozenset[str] = frozenset({
    "won", "closedwon", "win", "wins", "closedwin", "booked", "signed", "yes", "true",
    "dealwon", "09won", "closedwonrenewal", "contractsigned",
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
    "decisionmakerboughtin", "contractsent", "new", "active", "pending",
})
#: Pipedrive and others: deleted records are excluded from the analysis and counted.
DELETED_WORDS: frozenset[str] = frozenset({"deleted", "removed", "archived", "merged"})
TRUE_WORDS: frozenset[str] = frozenset({"true", "yes", "y", "x", "1", "wahr", "ja", "oui"})
FALSE_WORDS: frozenset[str] = frozenset({"false", "no", "n", "0", "falsch", "nein", "non", ""})

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
    "none": "",
    "na": "",
    "nocompetitor": "",
    "unknown": "",
}

# ------------------------------------------------------------------------ config

#: Default company-revenue bands: (label, low inclusive, high exclusive).
DEFAULT_REVENUE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("0-10M", 0.0, 10e6),
    ("10-50M", 10e6, 50e6),
    ("50-100M", 50e6, 100e6),
    ("100M+", 100e6, float("inf")),
)

# Excel's own sheet limits; our defaults sit just above them.
EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class Config:
    """Every setting of a run, with the defaults DESIGN.md gives.

    Build one from a TOML file (:meth:`from_toml`), from the ``Config`` sheet's
    two-column values (:meth:`from_pairs`), or from keyword arguments; combine
    with :meth:`merged`.

    >>> Config().min_deals
    5
    >>> Config.from_pairs([["min_deals", 3]]).min_deals
    3
    """

    min_deals: int = 5
    fdr: float = 0.10
    confidence: float = 0.95
    #: which rate leads the summary: "all" (no-decision counts as loss) or "excl_no_decision"
    lead_rate: str = "all"
    revenue_bands: tuple[tuple[str, float, float], ...] = DEFAULT_REVENUE_BANDS
    #: number of quantile bands for deal size, cycle and fallback revenue bands
    quantile_bands: int = 4
    fiscal_year_start_month: int = 1
    #: "close" (default) or "created" (cohort view)
    trend_by: str = "close"
    current_threshold: float = 0.7
    #: canonical field -> source header, overriding the synonyms
    columns: Mapping[str, str] = field(default_factory=dict)
    #: extra stage/status words
    won_words: tuple[str, ...] = ()
    lost_words: tuple[str, ...] = ()
    no_decision_words: tuple[str, ...] = ()
    open_words: tuple[str, ...] = ()
    competitor_aliases: Mapping[str, str] = field(default_factory=dict)
    #: dates in text: "auto", "mdy" or "dmy"
    date_order: str = "auto"
    max_rows: int = 2_000_000
    max_cells: int = 60_000_000
    #: maximum distinct values for a text column to become an extra dimension
    max_levels: int = 50
    top_drivers: int = 15
    #: company-specific job titles: phrase -> persona ("Revenue Champion" = "Director Sales")
    titles: Mapping[str, str] = field(default_factory=dict)

    # ---- construction -----------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read a TOML file (top-level keys, ``[columns]``, ``[competitor_aliases]`` and ``[titles]``
        tables)."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise InputError("config file not found", file=str(p)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(
                f"config file is not valid TOML ({exc})", file=str(p),
                expected="lines such as min_deals = 5 and a [columns] table",
            ) from None
        return cls.from_mapping(data, source=str(p))

    @classmethod
    def from_pairs(cls, rows: Any, source: str = "Config sheet") -> Config:
        """Read two-column key/value rows (the template's ``Config`` sheet).

        Keys such as ``column:outcome`` (or ``columns.outcome``) set a column
        override; ``competitor:MSFT`` sets an alias; ``title:Revenue Champion`` adds a
        company-specific job title (value: a persona). Blank rows and rows whose
        key starts with ``#`` are skipped.
        """
        data: dict[str, Any] = {}
        columns: dict[str, str] = {}
        aliases: dict[str, str] = {}
        titles: dict[str, str] = {}
        for row in rows or []:
            if not row or row[0] is None:
                continue
            key = str(row[0]).strip()
            value = row[1] if len(row) > 1 else None
            if not key or key.startswith("#") or value is None or str(value).strip() == "":
                continue
            low = key.lower()
            for prefix, target in (("column:", columns), ("columns.", columns),
                                   ("competitor:", aliases), ("competitor_aliases.", aliases),
                                   ("title:", titles), ("titles.", titles)):
                if low.startswith(prefix):
                    target[key[len(prefix):].strip()] = str(value).strip()
                    break
            else:
                data[low.replace(" ", "_")] = value
        if columns:
            data["columns"] = columns
        if aliases:
            data["competitor_aliases"] = aliases
        if titles:
            data["titles"] = titles
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "config") -> Config:
        """Validate and convert a plain mapping; unknown keys are an input error."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = str(key).strip().lower().replace(" ", "_").replace("-", "_")
            if name not in known:
                raise InputError(
                    f"unknown setting '{key}'", file=source,
                    expected="one of: " + ", ".join(sorted(known)),
                )
            kwargs[name] = _coerce_setting(name, value, source)
        cfg = cls(**kwargs)
        cfg.validate(source)
        return cfg

    def merged(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self, source: str = "config") -> None:
        """Raise :class:`InputError` for settings outside their range."""
        if not 3 <= self.min_deals <= 10_000:
            raise InputError(f"min_deals is {self.min_deals}", file=source,
                             expected="a whole number of at least 3 (default 5)")
        if not 0 < self.fdr < 1:
            raise InputError(f"fdr is {self.fdr}", file=source, expected="a number between 0 and 1")
        if not 0.5 <= self.confidence < 1:
            raise InputError(f"confidence is {self.confidence}", file=source,
                             expected="a number such as 0.95")
        if self.lead_rate not in ("all", "excl_no_decision"):
            raise InputError(f"lead_rate is '{self.lead_rate}'", file=source,
                             expected="'all' or 'excl_no_decision'")
        if self.trend_by not in ("close", "created"):
            raise InputError(f"trend_by is '{self.trend_by}'", file=source,
                             expected="'close' or 'created'")
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise InputError(f"fiscal_year_start_month is {self.fiscal_year_start_month}",
                             file=source, expected="a month number from 1 to 12")
        if self.date_order not in ("auto", "mdy", "dmy"):
            raise InputError(f"date_order is '{self.date_order}'", file=source,
                             expected="'auto', 'mdy' or 'dmy'")
        if not 2 <= self.quantile_bands <= 10:
            raise InputError(f"quantile_bands is {self.quantile_bands}", file=source,
                             expected="a whole number from 2 to 10")
        self._validate_titles(source)

    def _validate_titles(self, source: str) -> None:
        """Every [titles] entry must name a persona the reader knows."""
        from .titles import TitleReader

        try:
            TitleReader(self.titles)
        except ValueError as exc:
            raise InputError(f"[titles] has an entry the reader cannot use: {exc}", file=source,
                             expected='lines such as "Revenue Champion" = "Director Sales"') from None

    def competitor_alias_table(self) -> dict[str, str]:
        """Default aliases overlaid with the configured ones, keys normalised."""
        table = dict(DEFAULT_COMPETITOR_ALIASES)
        table.update({normalize_header(k): str(v) for k, v in self.competitor_aliases.items()})
        return table


def _coerce_setting(name: str, value: Any, source: str) -> Any:
    """Turn a TOML / sheet value into the type the field expects."""
    try:
        if name in ("min_deals", "quantile_bands", "fiscal_year_start_month", "max_rows",
                    "max_cells", "max_levels", "top_drivers"):
            return int(float(value))
        if name in ("fdr", "confidence", "current_threshold"):
            number = float(str(value).strip().rstrip("%"))
            return number / 100 if str(value).strip().endswith("%") or number > 1 else number
        if name in ("won_words", "lost_words", "no_decision_words", "open_words"):
            items = value if isinstance(value, (list, tuple)) else str(value).split(",")
            return tuple(str(v).strip() for v in items if str(v).strip())
        if name in ("columns", "competitor_aliases", "titles"):
            if not isinstance(value, Mapping):
                raise ValueError("a table of name = value pairs")
            return {str(k): str(v) for k, v in value.items()}
        if name == "revenue_bands":
            return parse_revenue_bands(value)
        if name in ("lead_rate", "trend_by", "date_order"):
            return str(value).strip().lower()
    except (TypeError, ValueError) as exc:
        raise InputError(f"setting '{name}' has value {value!r}", file=source,
                         expected=str(exc) if "table" in str(exc) else "a value of the right type"
                         ) from None
    return value


def parse_revenue_bands(value: Any) -> tuple[tuple[str, float, float], ...]:
    """Parse band edges such as ``"0, 10M, 50M, 100M"`` or ``[0, 1e7, 5e7]`` into bands.

    >>> [b[0] for b in parse_revenue_bands("0,10M,50M")]
    ['0-10M', '10-50M', '50M+']
    """
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    edges = sorted({_parse_money_word(v) for v in items if str(v).strip() != ""})
    if len(edges) < 2:
        raise ValueError("at least two band edges, such as 0, 10M, 50M")
    bands = []
    for low, high in zip(edges, [*edges[1:], float("inf")]):
        bands.append((band_label(low, high), low, high))
    return tuple(bands)


def band_label(low: float, high: float) -> str:
    """Readable band label; a unit both ends share is written once, as in the defaults.

    >>> band_label(10e6, 50e6), band_label(0, 10e6), band_label(500e3, 2e6), band_label(1e8, float("inf"))
    ('10-50M', '0-10M', '500K-2M', '100M+')
    """
    if high == float("inf"):
        return f"{_short_money(low)}+"
    lo, hi = _short_money(low), _short_money(high)
    if lo[-1:].isalpha() and lo[-1:] == hi[-1:]:
        lo = lo[:-1]
    return f"{lo}-{hi}"


def _parse_money_word(text: Any) -> float:
    s = str(text).strip().upper().replace("$", "").replace(",", "")
    mult = {"K": 1e3, "M": 1e6, "B": 1e9}.get(s[-1:], 1.0)
    return float(s[:-1] if mult != 1.0 else s) * mult


def _short_money(value: float) -> str:
    """Readable short amount: 10000000 -> '10M', 2500 -> '2.5K', 0 -> '0'."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            number = value / size
            return (f"{number:.0f}" if number == int(number) else f"{number:.1f}") + suffix
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def short_money(value: float) -> str:
    """Public form of the readable short amount used for band labels.

    >>> short_money(50_000_000)
    '50M'
    """
    return _short_money(value)
