"""The Analysis result type and the ``analyze`` orchestrator.

Each engine module computes its own tables; this module runs them in order and
gathers the results:

- :mod:`.prepare` codes every dimension of the closed deals once (text factorised,
  numbers in readable bands, see :mod:`.bands`);
- :mod:`.summary` (tblSummary), :mod:`.patterns` (tblPatterns, tblDrivers, tblOwners),
  :mod:`.trend` (tblTrend, tblTrendCohort), :mod:`.losses` (tblLossReasons,
  tblLossReasonsRaw, tblLossStages, tblCompetitors), :mod:`.personas` (tblPersonas,
  tblCommittee, ...), :mod:`.qualification` (tblQualification);
- :mod:`.recommend` turns significant (and leaning) results into findings and
  tblRecommendations; the three strongest become ``sentences["headline_1..3"]``.

Every statistic comes from :mod:`winloss_xl.stats`. Each table with tests is one
Benjamini-Hochberg family. ``analyze`` is pure (no I/O, no printing) and
deterministic (stable sorts with explicit tie-breaks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..config import Config
from ..dealset import DealSet
from ..errors import InputError
from . import findings as found
from . import losses, patterns, qualification, recommend, summary, trend
from .findings import Finding
from .personas import persona_analysis
from .prepare import NOT_RECORDED, prepare

#: Contract table names, in report order.
CONTRACT_TABLES: tuple[str, ...] = (
    "tblActions",
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
    #: the export's currency code when one is known ("USD"); amounts carry no symbol otherwise
    currency: str | None = None

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




def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def analyze(dealset: DealSet, config: Config | None = None, *, prepared: Any = None) -> Analysis:
    """Run the whole analysis of ``dealset`` (pure: no I/O, deterministic).

    Every table of :data:`CONTRACT_TABLES` is present (with its contract
    columns, possibly without rows and then with a note in ``notes``), plus
    tblLossReasonsRaw, tblLossStages (when a lost stage is recorded) and
    tblTrendCohort (when ``config.trend_by`` is "created").
    """
    cfg = config or Config()
    prep = prepared if prepared is not None else prepare(dealset, cfg)
    quality: list[tuple[str, int, str]] = []  # what the analysis adds to Data Quality
    tables: dict[str, pd.DataFrame] = {}
    notes: dict[str, str] = dict(prep.notes)
    sentences: dict[str, str] = {}
    findings: list[Finding] = []
    overall = prep.total_won / prep.n if prep.n else float("nan")
    conf = cfg.confidence

    tables["tblSummary"] = summary.summary_table(prep)
    sentences["win_rate"] = summary.win_rate_sentence(prep)
    sentences["lead_rate"] = f"The leading rate is: {summary.LEAD_LABELS[cfg.lead_rate]}."
    if prep.n == 0:
        notes["tblSummary"] = "There are no closed (won or lost) deals, so no rates can be computed."

    # patterns, drivers, owners
    tables["tblPatterns"] = patterns.patterns_table(prep)
    few_accounts = int((tables["tblPatterns"]["Verdict"] == stats.TOO_FEW_ACCOUNTS).sum())
    if few_accounts:
        quality.append(("Segments with too few accounts", few_accounts,
                             f"segments of fewer than {cfg.min_accounts} distinct accounts (min_accounts): "
                             "shown, never tested or recommended, because deals of one account are "
                             "not independent evidence"))
    parts = patterns.by_dimension(prep, tables["tblPatterns"])
    if not parts:
        notes["tblPatterns"] = ("No dimension with at least two recorded values was found among the "
                                "closed deals, so there are no segments to compare.")
    else:
        tested = int(tables["tblPatterns"]["p-value"].notna().sum())
        notes["tblPatterns"] = (
            f"Each segment is tested against the rest of the closed deals (Fisher exact); q-values are "
            f"Benjamini-Hochberg corrected over all {tested} tests in this table; significant means "
            f"q <= {cfg.fdr:g}. Segments under {cfg.min_deals} deals are shown as Too few deals and "
            "not tested.")
    if prep.n:
        drivers, family = patterns.drivers_table(prep)
    else:
        drivers, family = patterns.empty(patterns.DRIVER_COLUMNS), 0
    tables["tblDrivers"] = drivers
    if drivers.empty:
        notes["tblDrivers"] = (
            f"No two-condition segment differs significantly from the overall win rate and from both "
            f"of its single conditions ({family:,} combinations tested)." if family
            else "There are too few deals or dimensions to combine into drivers.")
    else:
        notes["tblDrivers"] = (
            f"Two-condition segments whose win rate differs, in the same direction, from the overall "
            f"rate and from each condition alone; BH-corrected over {family:,} combinations; the top "
            f"{cfg.top_drivers} by strength of evidence.")
    owners, owner_note = patterns.owners_table(prep)
    tables["tblOwners"] = owners
    notes["tblOwners"] = owner_note

    # trend
    tables["tblTrend"] = trend.trend_table(prep, "close_date")
    if tables["tblTrend"].empty:
        notes["tblTrend"] = "No close dates were recorded, so win rate cannot be shown over time."
    else:
        start = "January" if cfg.fiscal_year_start_month == 1 else pd.Timestamp(
            year=2000, month=cfg.fiscal_year_start_month, day=1).strftime("%B")
        notes["tblTrend"] = (f"Win rate by quarter of the close date (fiscal year starting in {start}); "
                             "a quarter is complete when the data reaches its last day. The latest "
                             "complete quarter is compared with the one before it.")
    sentences["trend"] = trend.trend_sentence(tables["tblTrend"], cfg.fdr) if not tables["tblTrend"].empty \
        else notes["tblTrend"]
    if cfg.trend_by == "created":
        cohort = trend.trend_table(prep, "created_date")
        tables["tblTrendCohort"] = cohort
        if cohort.empty:
            notes["tblTrendCohort"] = "No created dates were recorded, so there is no cohort view."
            sentences["trend_cohort"] = notes["tblTrendCohort"]
        else:
            notes["tblTrendCohort"] = ("Win rate of the deals created in each quarter (cohort view). "
                                       "Recent cohorts still hold open deals, so their rates may move.")
            sentences["trend_cohort"] = trend.trend_sentence(cohort, cfg.fdr, "closed deals created then,")

    # losses and competitors
    loss_tables, loss_notes = losses.loss_tables(prep)
    tables.update(loss_tables)
    notes.update(loss_notes)
    comp, comp_note = losses.competitors_table(prep)
    tables["tblCompetitors"] = comp
    notes["tblCompetitors"] = comp_note

    # personas (another module's contract)
    # without contacts there is nothing to join: skip scanning a million deal keys
    persona_deals = dealset.deals[["deal_id", "outcome"]]
    if dealset.contacts is None or len(dealset.contacts) == 0:
        persona_deals = persona_deals.iloc[:0]
    persona = persona_analysis(persona_deals, dealset.contacts, cfg)
    tables.update(persona.tables)
    notes.update(persona.notes)
    findings.extend(persona.findings)

    # qualification
    qual = qualification.qualification(prep)
    if qual is None:
        tables["tblQualification"] = _empty(qualification.QUAL_COLUMNS)
        notes["tblQualification"] = qualification.missing_note(prep)
        sentences["qualification"] = notes["tblQualification"]
    else:
        tables["tblQualification"] = qual.table
        sentences["qualification"] = qual.sentence
        notes["tblQualification"] = (f"A deal passes a threshold when its score is at or above it. "
                                     f"AUC {qual.auc:.2f}.")
        summary_rows = pd.DataFrame([("Qualification AUC", qual.auc, "0.5 = no better than chance")],
                                    columns=summary.SUMMARY_COLUMNS).astype({"Value": "object"})
        tables["tblSummary"] = pd.concat([tables["tblSummary"], summary_rows], ignore_index=True)

    # findings and recommendations
    findings.extend(found.pattern_findings(parts, overall, cfg.fdr, conf))
    findings.extend(found.driver_findings(drivers, overall, conf))
    findings.extend(found.owner_findings(owners, conf))
    findings.extend(found.competitor_findings(comp, conf))
    findings.extend(found.loss_findings(tables["tblLossReasons"], prep.n - prep.total_won, cfg.fdr))
    findings.extend(found.trend_finding(trend.trend_change(tables["tblTrend"]) if not
                                            tables["tblTrend"].empty else None, sentences["trend"], cfg.fdr))
    findings.extend(found.qualification_finding(qual, cfg.fdr))
    findings = recommend.sort_findings(findings)
    tables["tblRecommendations"] = recommend.recommendations_table(findings, cfg.fdr)
    if tables["tblRecommendations"].empty:
        notes["tblRecommendations"] = ("No finding is significant or leaning enough to support a "
                                       "recommendation; more closed deals would sharpen the picture.")
    tables["tblActions"] = recommend.actions_table(findings, cfg.fdr, overall, prep.n)
    _headlines(sentences, findings, tables)

    # data quality and column map
    dq = dealset.quality.to_frame()
    extra = pd.DataFrame([*prep.quality, *quality, *persona.quality],
                         columns=["Check", "Count", "Detail"])
    tables["tblDataQuality"] = pd.concat([dq, extra], ignore_index=True).astype({"Count": "int64"}) \
        if len(extra) else dq
    if tables["tblDataQuality"].empty:
        notes["tblDataQuality"] = "Nothing to report: no rows were dropped, fixed or left unparsed."
    tables["tblColumnMap"] = _column_map(dealset, prep.left_out)
    if tables["tblColumnMap"].empty:
        notes["tblColumnMap"] = "The deals were given as an already-canonical table; no columns were mapped."

    for name in CONTRACT_TABLES:
        if name not in tables:
            tables[name] = _empty(_CONTRACT_COLUMNS.get(name, []))
            notes.setdefault(name, "Not computed for this input.")
        elif tables[name].empty and name not in notes:
            notes[name] = "Nothing to show for these deals."
    ordered = {name: tables[name] for name in CONTRACT_TABLES}
    ordered.update({k: v for k, v in tables.items() if k not in ordered})
    return Analysis(ordered, notes, findings, sentences, cfg, dealset.currency)


_CONTRACT_COLUMNS: dict[str, list[str]] = {
    "tblPersonas": ["Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with",
                    "Share of wins", "Share of losses", "Win rate with", "Win rate without", "Lift",
                    "q-value", "Verdict", "Typical role"],
    "tblCommittee": ["Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"],
}


def _column_map(dealset: DealSet, left_out: dict[str, str]) -> pd.DataFrame:
    """tblColumnMap, with the columns the engine found to restate the outcome marked so."""
    table = dealset.quality.column_map_frame()
    sources = {col: header for header, col in reversed(list(dealset.headers.items()))}
    for name, reason in left_out.items():
        rows = table["Source column"] == sources.get(name, name)
        table.loc[rows, ["Mapped to", "Role", "How matched"]] = [f"left out: {reason}", "outcome",
                                                                 "values"]
    return table


def _headlines(sentences: dict[str, str], findings: list[Finding], tables: dict[str, pd.DataFrame]) -> None:
    """headline_1..3: the three strongest findings, filled with plain facts when there are fewer."""
    lines: list[str] = []
    used: set[str] = set()
    for f in findings:
        if len(lines) >= 3 or not f.significant:
            break
        if f.process:
            continue  # a process measure partly follows from the outcome: never a headline
        if f.recommendation and f.recommendation in used:
            continue  # two faces of one finding (e.g. 1 contact vs 2 contacts)
        used.add(f.recommendation)
        lines.append(f.sentence)
    fallback = [sentences.get("win_rate", "")]
    loss = tables.get("tblLossReasons")
    if loss is not None and not loss.empty:
        # a reason nobody recorded is no finding: the headline names a recorded one, or none
        named = loss[~loss["Loss reason"].astype(str).isin([losses.UNSPECIFIED, NOT_RECORDED])]
        if not named.empty:
            top = named.iloc[0]
            fallback.append(f"The most cited loss reason is {str(top['Loss reason']).lower()} "
                            f"({top['Share of losses']:.0%} of loss reasons).")
    fallback.append(sentences.get("trend", ""))
    for s in fallback:
        if len(lines) >= 3:
            break
        if s and s not in lines:
            lines.append(s)
    for i, s in enumerate(lines[:3], start=1):
        sentences[f"headline_{i}"] = s


def _column_lookup(dealset: DealSet, name: str) -> str:
    """The deals column a user means by ``name``: canonical field, readable label or extra header."""
    from ..fields import DEAL_COLUMNS, field_label, normalize_header

    wanted = normalize_header(name)
    candidates: list[tuple[str, str]] = []
    for col in DEAL_COLUMNS:
        if col in ("loss_reasons",):
            continue
        candidates.append((col, col))
        candidates.append((field_label(col), col))
    for col in dealset.extra_dimensions:
        candidates.append((col, col))
    for label, col in candidates:
        if normalize_header(label) == wanted:
            return col
    available = sorted({field_label(c) for c in DEAL_COLUMNS
                        if c not in ("loss_reasons", "account_key", "deal_id")
                        and dealset.deals[c].notna().any()} | set(dealset.extra_dimensions),
                       key=str.casefold)
    raise InputError("no such column to filter or split by", column=str(name),
                     expected="one of: " + ", ".join(available))


def _value_key(value: object) -> str:
    return str(value).strip().casefold()


def filter_deals(dealset: DealSet, where: dict[str, str]) -> DealSet:
    """Keep deals whose column equals the value for every COL=VALUE pair.

    Columns are matched case-insensitively by canonical name, readable label
    ("Lead source") or extra-dimension header; values are compared as trimmed,
    case-insensitive text. An unknown column raises :class:`InputError` naming
    it and listing the available ones.
    """
    deals = dealset.deals
    keep = np.ones(len(deals), dtype=bool)
    for name, value in where.items():
        col = _column_lookup(dealset, name)
        series = deals[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            try:
                day = pd.Timestamp(str(value).strip()).normalize()
            except ValueError:
                raise InputError(f"'{value}' is not a date", column=str(name),
                                 expected="a date such as 2025-03-31") from None
            keep &= (series.dt.normalize() == day).to_numpy(dtype=bool)
            continue
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            try:
                number = float(str(value).replace(",", "").strip())
            except ValueError:
                raise InputError(f"'{value}' is not a number", column=str(name),
                                 expected="a number such as 5000") from None
            keep &= np.isclose(series.to_numpy(dtype="float64"), number, rtol=0, atol=1e-9)
            continue
        text = series.astype("object").map(lambda v: None if v is None or v != v else _value_key(v))
        keep &= (text == _value_key(value)).to_numpy(dtype=bool)
    return dealset.with_deals(deals[keep])


def split_deals(dealset: DealSet, by: str) -> dict[str, DealSet]:
    """One DealSet per recorded value of ``by`` (region, segment, ...), in sorted order.

    Deals without a value are left out. Values are grouped after trimming;
    keys are the trimmed values, sorted case-insensitively.
    """
    col = _column_lookup(dealset, by)
    series = dealset.deals[col].astype("object")
    text = series.map(lambda v: None if v is None or v != v or str(v).strip() == "" else str(v).strip())
    out: dict[str, DealSet] = {}
    for value in sorted(text.dropna().unique(), key=lambda s: (s.casefold(), s)):
        out[value] = dealset.with_deals(dealset.deals[(text == value).to_numpy()])
    return out
