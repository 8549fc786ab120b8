"""The ingestion pipeline: raw table -> canonical deals, contacts and the quality record.

Phases, each a short function that records what it did in the QualityLog
(counts and column names only, never cell values):

1. read the source (:mod:`.readers`, which also finds the header row);
2. map the columns to fields and roles (:mod:`.mapping`);
3. resolve the outcome from all the evidence (:mod:`.outcome`);
4. screen the rows: blank, footer, no outcome, deleted, excluded, repeated IDs
   (:mod:`.screen`);
5. parse the known fields (:mod:`.parse`);
6. decide the extra dimensions (:mod:`.extras`);
7. join Accounts and Contacts (:mod:`.joins`);
8. write the column map and finish with ``dealset.canonical_frame``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import Config
from ..dealset import DealSet, canonical_frame, empty_contacts
from ..errors import InputError
from ..fields import (
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    FIELD_BY_NAME,
    OUTCOME_EVIDENCE,
    OUTCOME_LOST,
    OUTCOME_OPEN,
    OUTCOME_WON,
    PERSONAL,
    field_label,
)
from ..quality import QualityLog
from ..runlog import event
from .extras import extra_dimensions
from .joins import contacts_from_table, inline_contacts, join_accounts
from .mapping import ColumnPlan, plan_columns
from .outcome import (
    BLANK,
    DELETED,
    RULE,
    UNKNOWN,
    Decision,
    OutcomeWords,
    decide,
    gather_evidence,
)
from .parse import loss_reason_columns, parse_fields
from .readers import RawTable, read_source
from .screen import blank_rows, duplicate_ids, excluded_rows, footer_rows
from .values import clean_text

log = logging.getLogger("winloss_xl.ingest")

#: Stage names listed by name in the quality record when at least this many deals share one.
LIST_STAGE_AT = 3
#: At most this many stage names are listed.
LIST_STAGES = 8


def source_label(source: Any, name: str | None, default: str) -> str:
    """A name for messages: the given name, else the file's full path, else ``default``."""
    if name:
        return str(name)
    if isinstance(source, (str, Path)):
        return str(Path(source).absolute())
    return default


def build_dealset(source: Any, *, contacts: Any = None, accounts: Any = None,
                  config: Config | None = None, sheet: str | None = None,
                  name: str | None = None) -> DealSet:
    """Implementation of :func:`winloss_xl.ingest.load_deals` (see there)."""
    config = config or Config()
    label = source_label(source, name, "deals")
    raw = read_source(source, label=label, sheet=sheet, config=config, what="deals")
    quality = QualityLog()
    built = build_deals(raw, config, quality)
    deals = built.deals
    frames: list[pd.DataFrame] = [] if built.inline is None or not len(built.inline) else [built.inline]
    if raw.nested_contacts is not None:
        frames.append(_nested_contacts(raw, built.ids_by_row, config, quality))
    if accounts is not None:
        acc_raw = read_source(accounts, label=source_label(accounts, None, "accounts"), sheet=None,
                              config=config, what="accounts")
        deals, account_headers = join_accounts(deals, acc_raw, config, quality)
        built.headers = {**account_headers, **built.headers}
    if contacts is not None:
        con_raw = read_source(contacts, label=source_label(contacts, None, "contacts"), sheet=None,
                              config=config, what="contacts")
        frames.append(contacts_from_table(con_raw, config, quality, prefix="Contacts: "))
    cont = _finish_contacts(frames, deals, quality)
    frame = canonical_frame(deals)
    log.info("loaded %d deals (%d open) and %d contacts from %d source rows",
             len(frame), quality.count_of("Open deals excluded"), len(cont), len(raw.frame),
             extra=event("loaded", deals=len(frame), open=quality.count_of("Open deals excluded"),
                         contacts=len(cont), source_rows=len(raw.frame)))
    return DealSet(frame, cont, quality, built.extras, Path(label).name if label else label,
                   built.extra_info, built.headers, built.score_scale, built.currency)


@dataclass
class BuiltDeals:
    """The deals table of one export, before joins."""

    deals: pd.DataFrame
    extras: list[str]
    extra_info: dict
    inline: pd.DataFrame | None
    ids_by_row: pd.Series
    headers: dict[str, str]
    score_scale: float
    currency: str | None


def build_deals(raw: RawTable, config: Config, quality: QualityLog) -> BuiltDeals:
    """Phases 2-6 and 8 on the deals table (see the module docstring)."""
    _record_reader(raw, quality)
    overrides = dict(config.columns)
    if config.join_key("deals_account_key"):
        overrides["account_key"] = config.join_key("deals_account_key")
    plan = plan_columns(list(raw.frame.columns), table="deals", overrides=overrides,
                        exclude=config.exclude, label=raw.label)
    _require_outcome(plan, raw)
    ids_all, missing_id = _deal_ids(raw.frame, plan)
    decision = _resolve_outcome(raw.frame, plan, config, quality)
    keep = _screen(raw.frame, plan, decision, quality)
    _record_generated_ids(quality, plan, missing_id & keep)
    frame, cls, nd, ids = _keep_rows(raw.frame, decision, ids_all, keep, plan, quality)
    _require_closed(frame, cls, plan, raw.label)
    parsed = parse_fields(frame, plan, config, quality, raw.decimal_hint)
    out: dict[str, pd.Series] = {"deal_id": ids, "outcome": cls.astype(str).astype(object),
                                 **parsed.columns}
    nd = _loss_reasons(frame, plan, cls, nd, out)
    out["no_decision"] = (nd & (cls == OUTCOME_LOST)).astype(bool)
    deals = pd.DataFrame(_all_columns(out, frame.index), index=frame.index)
    extras = extra_dimensions(frame, [(c, plan.columns[c].role) for c in plan.unmapped], config,
                              set(DEAL_COLUMNS))
    if extras.values:
        deals = pd.concat([deals, pd.DataFrame(extras.values, index=deals.index)], axis=1)
    inline = _inline(frame, deals, plan)
    _record_columns(raw, plan, extras.fates, quality, "sales_cycle_days" in parsed.columns)
    _record_counts(deals, cls, quality)
    headers = _headers(plan, extras)
    return BuiltDeals(deals, list(extras.values), extras.info, inline, ids_all, headers,
                      parsed.score_scale, parsed.currency)


# ------------------------------------------------------------------ phases

def _record_reader(raw: RawTable, quality: QualityLog) -> None:
    for check, count, detail in raw.notes:
        quality.add(check, count, detail)
    if raw.title_rows:
        quality.add("Title rows above the header skipped", raw.title_rows,
                    "report title lines before the column names")
    if len(raw.frame) == 0:
        raise InputError("no deals below the header row", file=raw.label,
                         expected="one row per deal under the column names")


def _require_outcome(plan: ColumnPlan, raw: RawTable) -> None:
    if any(plan.column(f) for f in OUTCOME_EVIDENCE if f != "probability"):
        return
    accepted = [*FIELD_BY_NAME["outcome"].synonyms, *FIELD_BY_NAME["is_won"].synonyms]
    found = ", ".join(f"'{c}'" for c in raw.frame.columns)
    raise InputError(
        "no outcome column found (columns found: " + found + ")", file=raw.label,
        expected="a column saying won/lost/open, named one of: " + ", ".join(accepted),
        advice="Rename that column, or set it with --column outcome=\"Your Header\" "
               "(Config sheet: column:outcome)",
    )


def _deal_ids(frame: pd.DataFrame, plan: ColumnPlan) -> tuple[pd.Series, pd.Series]:
    """Deal IDs of every source row; generated ``row-<n>`` (in source row order, so nested
    contacts find their deal) where the export has none."""
    col = plan.column("deal_id")
    ids = clean_text(frame[col]) if col is not None else pd.Series(
        [None] * len(frame), index=frame.index, dtype=object)
    missing = ids.isna()
    if missing.any():
        gen = pd.Series([f"row-{i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)
        ids = ids.where(~missing, gen)
    return ids, missing


def _resolve_outcome(frame: pd.DataFrame, plan: ColumnPlan, config: Config,
                     quality: QualityLog) -> Decision:
    columns = {f: plan.column(f) for f in OUTCOME_EVIDENCE if plan.column(f)}
    gathered = gather_evidence(frame, columns, OutcomeWords.from_config(config))
    for col, note in gathered.notes:
        quality.add("Outcome flag", 0, f"'{col}': {note}")
    decision = decide(gathered.evidence)
    if len(columns) > 1:
        quality.add("Outcome read from", len(columns), ", ".join(f"'{c}'" for c in columns.values())
                    + f" (rule: {RULE})")
    for (winner, loser), count in sorted(decision.conflicts.items(), key=lambda kv: -kv[1]):
        quality.add("Outcome conflicts", count, f"'{winner}' and '{loser}' disagree; "
                    f"'{winner}' decided")
    if decision.closed_without_result:
        quality.add("Closed deals without a result left out", decision.closed_without_result,
                    "closed, but nothing says won or lost (add the stage to won_words or lost_words)")
    if gathered.stage_class is not None:
        _record_unknown_stages(frame[columns["outcome"]], gathered.stage_class, decision, quality)
    return decision


def _record_unknown_stages(stage: pd.Series, stage_class: pd.Series, decision: Decision,
                           quality: QualityLog) -> None:
    """List the stage names no word list knows: those counted open, and those the flags decided."""
    unknown = (stage_class == UNKNOWN).to_numpy()
    if not unknown.any():
        return
    names = clean_text(stage[unknown])
    final = decision.classes[unknown].astype(str)
    for label, mask in (("counted as open", (final == UNKNOWN).to_numpy()),
                        ("decided by the flags", (final != UNKNOWN).to_numpy())):
        if not mask.any():
            continue
        counts = names[mask].value_counts()
        shown = [f"'{n}' ({c:,})" for n, c in counts.items() if c >= LIST_STAGE_AT][:LIST_STAGES]
        rest = int(mask.sum()) - sum(int(c) for n, c in counts.items()
                                     if f"'{n}' ({c:,})" in shown)
        detail = ", ".join(shown) + (f" and {rest:,} other deals" if rest and shown else "")
        if label == "counted as open":
            quality.add("Unrecognised stages counted as open", int(mask.sum()),
                        (detail + ". " if detail else "") + "If these are closed, add them to "
                        "won_words or lost_words in the config (open_words to confirm they are open)")
        else:
            quality.add("Unrecognised stages read from other columns", int(mask.sum()),
                        (detail + ": " if detail else "") + "their outcome comes from the flags, "
                        "forecast category or probability")


def _screen(frame: pd.DataFrame, plan: ColumnPlan, decision: Decision,
            quality: QualityLog) -> pd.Series:
    """Rows to keep; drops are counted."""
    cls = decision.classes
    blank = blank_rows(frame, (cls == BLANK).to_numpy())
    if blank.any():
        quality.add("Blank rows dropped", int(blank.sum()), "rows with no value in any column")
    footer = footer_rows(frame, cls.isin([UNKNOWN, BLANK]) & ~blank)
    if footer.any():
        quality.add("Footer rows dropped", int(footer.sum()),
                    "totals, confidentiality or copyright lines")
    outcome_col = plan.column("outcome") or plan.column("is_won") or "outcome"
    no_outcome = (cls == BLANK) & ~blank & ~footer
    if no_outcome.any():
        quality.add("Rows without an outcome dropped", int(no_outcome.sum()), f"'{outcome_col}' blank")
    unknown = (cls == UNKNOWN) & ~footer
    if unknown.any():
        decision.classes = cls = cls.where(~unknown, OUTCOME_OPEN)
    deleted = cls == DELETED
    if deleted.any():
        quality.add("Deleted deals excluded", int(deleted.sum()), f"'{outcome_col}' is Deleted")
    keep = cls.isin([OUTCOME_WON, OUTCOME_LOST, OUTCOME_OPEN]) & ~footer & ~blank
    exclude_col = plan.column("exclude")
    if exclude_col is not None:
        excl = excluded_rows(frame[exclude_col]) & keep
        if excl.any():
            quality.add("Deals excluded on purpose", int(excl.sum()), f"'{exclude_col}' is TRUE")
        keep &= ~excl
    return keep.astype(bool)


def _record_generated_ids(quality: QualityLog, plan: ColumnPlan, generated: pd.Series) -> None:
    if generated.any():
        col = plan.column("deal_id")
        quality.add("Deal IDs generated", int(generated.sum()),
                    "no deal ID column" if col is None else f"'{col}' blank; row-<n> used instead")


def _keep_rows(frame: pd.DataFrame, decision: Decision, ids: pd.Series, keep: pd.Series,
               plan: ColumnPlan, quality: QualityLog):
    """The kept rows (a million-row frame is not copied when nothing is dropped), IDs once each."""
    cls, nd = decision.classes, decision.no_decision
    if not keep.all():
        frame, cls, nd, ids = frame.loc[keep], cls.loc[keep], nd.loc[keep], ids.loc[keep]
    dup = duplicate_ids(ids)
    if dup is not None:
        quality.add("Duplicate deal IDs", int(dup.sum()),
                    f"'{plan.column('deal_id')}' repeated; first row kept, later rows dropped")
        frame, cls, nd, ids = frame.loc[~dup], cls.loc[~dup], nd.loc[~dup], ids.loc[~dup]
    return frame, cls, nd, ids


def _require_closed(frame: pd.DataFrame, cls: pd.Series, plan: ColumnPlan, label: str) -> None:
    col = plan.column("outcome") or plan.column("is_won")
    if len(frame) == 0:
        raise InputError("no deals left after dropping blank, footer and excluded rows", file=label,
                         column=col, expected="rows with a won, lost or open outcome")
    if not (cls != OUTCOME_OPEN).any():
        raise InputError(
            f"all {len(frame):,} deals are open; a win rate needs closed deals", file=label,
            column=col, expected="at least one won or lost deal (stages such as Closed Won / Closed Lost)",
            advice="Export closed deals too, or add your stage names as won_words / lost_words",
        )


def _loss_reasons(frame: pd.DataFrame, plan: ColumnPlan, cls: pd.Series, nd: pd.Series,
                  out: dict[str, pd.Series]) -> pd.Series:
    """Fill loss_reason / loss_reasons; returns no-decision including reasons that say so."""
    col, reason = plan.column("loss_reason"), None
    status = plan.column("status_reason")
    if col is not None:
        reason = clean_text(frame[col])
    elif status is not None:  # Dynamics: the lost deals' status reason is their loss reason
        reason = clean_text(frame[status]).where(cls == OUTCOME_LOST)
        plan.columns[status].fate = "loss reason (lost deals' status reason) and outcome"
    if reason is None:
        return nd
    out["loss_reason"], out["loss_reasons"], reason_nd = loss_reason_columns(reason, cls == OUTCOME_LOST)
    return nd | reason_nd


def _all_columns(out: dict[str, pd.Series], index: pd.Index) -> dict[str, Any]:
    """Every canonical column in order (missing ones empty), built in one go: on a million rows
    this is faster than ``canonical_frame`` inserting the missing ones one at a time."""
    n = len(index)
    cols: dict[str, Any] = {}
    for col in DEAL_COLUMNS:
        if col in out:
            cols[col] = out[col]
        elif col == "no_decision":
            cols[col] = np.zeros(n, dtype=bool)
        elif col in ("close_date", "created_date"):
            cols[col] = np.full(n, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
        elif FIELD_BY_NAME[col].kind in ("money", "count", "days", "score"):
            cols[col] = np.full(n, np.nan)
        elif col == "loss_reasons":
            arr = np.empty(n, dtype=object)
            arr[:] = [()] * n
            cols[col] = arr
        else:
            cols[col] = np.full(n, None, dtype=object)
    return cols


def _inline(frame: pd.DataFrame, deals: pd.DataFrame, plan: ColumnPlan) -> pd.DataFrame | None:
    if not plan.inline_contacts:
        return None
    inline, named = inline_contacts(frame, deals["deal_id"], plan.inline_contacts)
    for col in named:
        plan.columns[col].role = PERSONAL
        plan.columns[col].fate = "left out: personal (names, not job titles)"
    return inline


def _record_columns(raw: RawTable, plan: ColumnPlan, fates: dict[str, tuple[str, str]],
                    quality: QualityLog, has_cycle: bool) -> None:
    for col in raw.frame.columns:
        info = plan.columns[col]
        if col in fates:
            fate, role = fates[col]
            how = info.how or "values"
            quality.map_column(col, fate, role, how)
        else:
            quality.map_column(col, info.fate or "left out", info.role, info.how)
    similar = [c for c, i in plan.columns.items() if i.how.startswith("similar")]
    if similar:
        quality.add("Columns matched by similarity", len(similar), ", ".join(
            f"'{c}' as {field_label(plan.columns[c].field or '')}" for c in similar))
    process = [f"'{c}'" for c, (f, r) in fates.items() if r == "process measure"]
    if has_cycle:
        process.insert(0, f"'{plan.column('sales_cycle_days')}'" if plan.column("sales_cycle_days")
                       else "the sales cycle")
    if process:
        quality.add("Process measures (descriptive only)", len(process),
                    ", ".join(process) + ": they accumulate until a deal closes, "
                    "so they are shown in Patterns but never drive a recommendation")


def _record_counts(deals: pd.DataFrame, cls: pd.Series, quality: QualityLog) -> None:
    counts = cls.value_counts()
    n_open, n_won, n_lost = (int(counts.get(k, 0)) for k in (OUTCOME_OPEN, OUTCOME_WON, OUTCOME_LOST))
    closed = (cls != OUTCOME_OPEN).to_numpy()
    quality.add("Deals read", len(deals), f"{n_won:,} won, {n_lost:,} lost, {n_open:,} open")
    quality.add("Open deals excluded", n_open, "still open: excluded from win rates and counted")
    n_nd = int(deals["no_decision"].sum())
    if n_nd:
        quality.add("No decision / disqualified losses", n_nd,
                    "counted as losses; also reported without them")
    quality.add("Closed deals without amount", int((deals["amount"].isna().to_numpy() & closed).sum()),
                "")
    quality.add("Closed deals without close date",
                int((deals["close_date"].isna().to_numpy() & closed).sum()), "")


def _headers(plan: ColumnPlan, extras: Any) -> dict[str, str]:
    """Source header -> deals column, for every column a user may name."""
    out: dict[str, str] = {}
    for col, info in plan.columns.items():
        if info.field in DEAL_COLUMNS:
            out.setdefault(col, info.field)
    for name in extras.values:
        out[name.removesuffix(" (source)")] = name
    return out


def _nested_contacts(raw: RawTable, ids_by_row: pd.Series, config: Config,
                     quality: QualityLog) -> pd.DataFrame:
    nested = raw.nested_contacts.copy()
    rows = nested.pop("__deal_row__").astype(int) - 1
    nested.insert(0, "deal_id", ids_by_row.reindex(rows.to_numpy()).to_numpy())
    return contacts_from_table(RawTable(nested, raw.label), config, quality,
                               prefix="Contacts (nested): ")


def _finish_contacts(frames: list[pd.DataFrame], deals: pd.DataFrame,
                     quality: QualityLog) -> pd.DataFrame:
    if not frames:
        return empty_contacts()
    cont = pd.concat([f.reindex(columns=list(CONTACT_COLUMNS)) for f in frames], ignore_index=True)
    known = cont["deal_id"].isin(set(deals["deal_id"]))
    if (~known).any():
        quality.add("Contacts without a matching deal", int((~known).sum()),
                    "deal key not among the loaded deals (or the deal was dropped)")
    cont = cont.loc[known].reset_index(drop=True)
    quality.add("Contacts read", len(cont), "title and role kept; names and emails dropped")
    return cont.astype(object).where(cont.notna(), None)
