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

import pandas as pd

from .. import stats
from ..config import Config
from ..dealset import DealSet
from . import findings as found
from . import losses, patterns, qualification, recommend, summary, trend
from .changes import CHANGE_COLUMNS, CHANGE_TABLES, LOSS_CHANGE_COLUMNS, Comparison, decline_action
from .changes import DRIVER_COLUMNS as CHANGE_DRIVER_COLUMNS
from .findings import Finding
from .followup import FOLLOWUP_COLUMNS
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
    # the Changes sheet: filled by the session's comparison of two periods (engine/changes.py)
    "tblChanges",
    "tblChangeDrivers",
    "tblChangeLossReasons",
    "tblFollowUp",
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


@dataclass
class _Parts:
    """What the analysis gathers while it runs: tables, notes, sentences, findings and the
    Data Quality rows it adds."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    sentences: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    quality: list[tuple[str, int, str]] = field(default_factory=list)


def analyze(dealset: DealSet, config: Config | None = None, *, prepared: Any = None) -> Analysis:
    """Run the whole analysis of ``dealset`` (pure: no I/O, deterministic).

    Every table of :data:`CONTRACT_TABLES` is present (with its contract
    columns, possibly without rows and then with a note in ``notes``), plus
    tblLossReasonsRaw, tblLossStages (when a lost stage is recorded) and
    tblTrendCohort (when ``config.trend_by`` is "created").
    """
    cfg = config or Config()
    prep = prepared if prepared is not None else prepare(dealset, cfg)
    out = _Parts(notes=dict(prep.notes))
    _summary_part(prep, out)
    parts = _pattern_part(prep, out)
    _trend_part(prep, out)
    _loss_part(prep, out)
    _persona_part(dealset, cfg, out)
    qual = _qualification_part(prep, out)
    _findings_part(prep, parts, qual, out)
    _quality_part(dealset, prep, out)
    return _finished(out, cfg, dealset.currency)


def _summary_part(prep: Any, out: _Parts) -> None:
    cfg = prep.config
    out.tables["tblSummary"] = summary.summary_table(prep)
    out.sentences["win_rate"] = summary.win_rate_sentence(prep)
    out.sentences["lead_rate"] = f"The leading rate is: {summary.LEAD_LABELS[cfg.lead_rate]}."
    if prep.n == 0:
        out.notes["tblSummary"] = "There are no closed (won or lost) deals, so no rates can be computed."


def _pattern_part(prep: Any, out: _Parts) -> list[Any]:
    """tblPatterns, tblDrivers and tblOwners with their notes; returns the per-dimension parts."""
    cfg, tables, notes = prep.config, out.tables, out.notes
    tables["tblPatterns"] = patterns.patterns_table(prep)
    few_accounts = int((tables["tblPatterns"]["Verdict"] == stats.TOO_FEW_ACCOUNTS).sum())
    if few_accounts:
        out.quality.append(("Segments with too few accounts", few_accounts,
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
    return parts


def _trend_part(prep: Any, out: _Parts) -> None:
    """tblTrend (and tblTrendCohort when trend_by is "created") with notes and sentences."""
    cfg, tables, notes, sentences = prep.config, out.tables, out.notes, out.sentences
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


def _loss_part(prep: Any, out: _Parts) -> None:
    """Loss reasons and competitors."""
    loss_tables, loss_notes = losses.loss_tables(prep)
    out.tables.update(loss_tables)
    out.notes.update(loss_notes)
    comp, comp_note = losses.competitors_table(prep)
    out.tables["tblCompetitors"] = comp
    out.notes["tblCompetitors"] = comp_note


def _persona_part(dealset: DealSet, cfg: Config, out: _Parts) -> None:
    """Personas and committees (engine.personas); without contacts nothing is joined."""
    persona_deals = dealset.deals[["deal_id", "outcome"]]
    if dealset.contacts is None or len(dealset.contacts) == 0:
        persona_deals = persona_deals.iloc[:0]  # skip scanning a million deal keys
    persona = persona_analysis(persona_deals, dealset.contacts, cfg)
    out.tables.update(persona.tables)
    out.notes.update(persona.notes)
    out.findings.extend(persona.findings)
    out.quality.extend(persona.quality)


def _qualification_part(prep: Any, out: _Parts) -> Any:
    """tblQualification (and the AUC row of tblSummary); returns the qualification result."""
    tables, notes, sentences = out.tables, out.notes, out.sentences
    qual = qualification.qualification(prep)
    if qual is None:
        tables["tblQualification"] = _empty(qualification.QUAL_COLUMNS)
        notes["tblQualification"] = qualification.missing_note(prep)
        sentences["qualification"] = notes["tblQualification"]
        return None
    tables["tblQualification"] = qual.table
    sentences["qualification"] = qual.sentence
    notes["tblQualification"] = (f"A deal passes a threshold when its score is at or above it. "
                                 f"AUC {qual.auc:.2f}.")
    summary_rows = pd.DataFrame([("Qualification AUC", qual.auc, "0.5 = no better than chance")],
                                columns=summary.SUMMARY_COLUMNS).astype({"Value": "object"})
    tables["tblSummary"] = pd.concat([tables["tblSummary"], summary_rows], ignore_index=True)
    return qual


def _findings_part(prep: Any, parts: list[Any], qual: Any, out: _Parts) -> None:
    """Findings from every table, tblRecommendations and the headlines."""
    cfg, tables = prep.config, out.tables
    overall = prep.total_won / prep.n if prep.n else float("nan")
    conf = cfg.confidence
    findings = out.findings
    findings.extend(found.pattern_findings(parts, overall, cfg.fdr, conf))
    findings.extend(found.driver_findings(tables["tblDrivers"], overall, conf))
    findings.extend(found.owner_findings(tables["tblOwners"], conf))
    findings.extend(found.competitor_findings(tables["tblCompetitors"], conf))
    findings.extend(found.loss_findings(tables["tblLossReasons"], prep.n - prep.total_won, cfg.fdr))
    findings.extend(found.trend_finding(trend.trend_change(tables["tblTrend"]) if not
                                        tables["tblTrend"].empty else None, out.sentences["trend"],
                                        cfg.fdr))
    findings.extend(found.qualification_finding(qual, cfg.fdr))
    out.findings = recommend.sort_findings(findings)
    tables["tblRecommendations"] = recommend.recommendations_table(out.findings, cfg.fdr)
    if tables["tblRecommendations"].empty:
        out.notes["tblRecommendations"] = ("No finding is significant or leaning enough to support a "
                                           "recommendation; more closed deals would sharpen the picture.")
    tables["tblActions"] = recommend.actions_table(out.findings, cfg.fdr, overall, prep.n)
    _headlines(out.sentences, out.findings, tables)


def _quality_part(dealset: DealSet, prep: Any, out: _Parts) -> None:
    """tblDataQuality (ingestion's record plus the analysis' rows) and tblColumnMap."""
    tables, notes = out.tables, out.notes
    dq = dealset.quality.to_frame()
    extra = pd.DataFrame([*prep.quality, *out.quality], columns=["Check", "Count", "Detail"])
    tables["tblDataQuality"] = pd.concat([dq, extra], ignore_index=True).astype({"Count": "int64"}) \
        if len(extra) else dq
    if tables["tblDataQuality"].empty:
        notes["tblDataQuality"] = "Nothing to report: no rows were dropped, fixed or left unparsed."
    tables["tblColumnMap"] = _column_map(dealset, prep.left_out)
    if tables["tblColumnMap"].empty:
        notes["tblColumnMap"] = "The deals were given as an already-canonical table; no columns were mapped."


def _finished(out: _Parts, cfg: Config, currency: str | None = None) -> Analysis:
    """Every contract table present (empty ones with a note), in contract order, extras after."""
    tables, notes = out.tables, out.notes
    for name in CONTRACT_TABLES:
        if name not in tables:
            tables[name] = _empty(_CONTRACT_COLUMNS.get(name, []))
            notes.setdefault(name, "Two periods are compared by the session (WinLoss.compare), not "
                             "by one analysis." if name in CHANGE_TABLES else "Not computed for this input.")
        elif tables[name].empty and name not in notes:
            notes[name] = "Nothing to show for these deals."
    ordered = {name: tables[name] for name in CONTRACT_TABLES}
    ordered.update({k: v for k, v in tables.items() if k not in ordered})
    return Analysis(ordered, notes, out.findings, out.sentences, cfg, currency)


_CONTRACT_COLUMNS: dict[str, list[str]] = {
    "tblChanges": CHANGE_COLUMNS, "tblChangeDrivers": CHANGE_DRIVER_COLUMNS,
    "tblChangeLossReasons": LOSS_CHANGE_COLUMNS, "tblFollowUp": FOLLOWUP_COLUMNS,
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


def with_comparison(analysis: Analysis, comparison: Comparison) -> Analysis:
    """A copy of ``analysis`` that also holds the Changes sheet's tables, notes and sentences
    ("change" for the Summary, "change_periods" for the sheet's subtitle)."""
    ch = comparison.changes
    named = ch.comparable or not ch.current.startswith("the ")  # no close dates: no periods
    periods = (f"{ch.current} (current) against {ch.baseline} (baseline)." if named
               else "No two periods to compare: the note below says why.")
    notes = comparison.notes()
    if comparison.source:  # under the follow-up table: the subtitle stays one short line
        notes["tblFollowUp"] = f"Recommendations followed up: {comparison.source}. " + notes.get(
            "tblFollowUp", "")
    tables = {**analysis.tables, **comparison.tables()}
    tables["tblActions"] = recommend.with_follow_up_action(analysis.tables["tblActions"],
                                                           decline_action(ch))
    return Analysis(tables=tables,
                    notes={**analysis.notes, **notes}, findings=analysis.findings,
                    sentences={**analysis.sentences, "change": comparison.sentence(),
                               "change_periods": periods},
                    config=analysis.config, currency=analysis.currency)
