"""The ingestion pipeline: raw table -> canonical deals, contacts and the quality record.

Order of work (each step records what it did in the QualityLog, counts and
column names only):

1. read the source (readers), drop blank rows;
2. plan the columns (mapping) and classify the outcome (outcome);
3. drop footer rows, rows without an outcome, deleted and excluded deals;
4. parse values per column (values) and derive the sales cycle;
5. de-duplicate deal IDs, keep extra dimensions, collect inline contacts;
6. join Accounts and Contacts (joins);
7. finish with ``dealset.canonical_frame``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..dealset import DealSet, canonical_frame, empty_contacts
from ..errors import InputError
from ..quality import QualityLog
from ..schema import (
    CATEGORY_FIELDS,
    CONTACT_COLUMNS,
    DEAL_COLUMNS,
    HEADER_SYNONYMS,
    NO_DECISION_WORDS,
    OUTCOME_LOST,
    OUTCOME_OPEN,
    OUTCOME_WON,
    Config,
    normalize_header,
)
from .header import is_footer_text
from .joins import contacts_from_table, inline_contacts, join_accounts
from .mapping import header_fate, plan_columns
from .outcome import BLANK, DELETED, DROPPED, UNKNOWN, OutcomeWords, classify_column, combine_flags
from .readers import RawTable, read_source
from .values import (
    blank_cells,
    clean_text,
    distinct_texts,
    parse_bools,
    parse_dates,
    parse_numbers,
    parse_scores,
    spread_texts,
)

log = logging.getLogger("winloss_xl.ingest")

#: Earliest close date taken as real; earlier ones are placeholders (1900-01-00, serial 0).
EARLIEST_DATE = pd.Timestamp("1990-01-01")
#: More extra dimensions than this are listed in the column map but not analysed.
MAX_EXTRA_DIMENSIONS = 100
_SPLIT_REASONS = r"\s*(?:;|\||/|\n|\r)\s*"


def source_label(source: Any, name: str | None, default: str) -> str:
    """A short name for messages: the given name, else the file name, else ``default``."""
    if name:
        return str(name)
    if isinstance(source, (str, Path)):
        return Path(source).name
    return default


def build_dealset(
    source: Any,
    *,
    contacts: Any = None,
    accounts: Any = None,
    config: Config | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> DealSet:
    """Implementation of :func:`winloss_xl.ingest.load_deals` (see there)."""
    config = config or Config()
    label = source_label(source, name, "deals")
    raw = read_source(source, label=label, sheet=sheet, config=config, what="deals")
    quality = QualityLog()
    deals, extras, inline, ids_by_row = _build_deals(raw, config, quality)
    contact_frames: list[pd.DataFrame] = []
    if inline is not None and len(inline):
        contact_frames.append(inline)
    if raw.nested_contacts is not None:
        nested = raw.nested_contacts.copy()
        rows = nested.pop("__deal_row__").astype(int) - 1
        nested.insert(0, "deal_id", ids_by_row.reindex(rows.to_numpy()).to_numpy())
        contact_frames.append(contacts_from_table(
            RawTable(nested, label), config, quality, prefix="Contacts (nested): "))
    if accounts is not None:
        acc_label = source_label(accounts, None, "accounts")
        acc_raw = read_source(accounts, label=acc_label, sheet=None, config=config, what="accounts")
        deals = join_accounts(deals, acc_raw, config, quality)
    if contacts is not None:
        con_label = source_label(contacts, None, "contacts")
        con_raw = read_source(contacts, label=con_label, sheet=None, config=config, what="contacts")
        contact_frames.append(contacts_from_table(con_raw, config, quality, prefix="Contacts: "))
    cont = _finish_contacts(contact_frames, deals, quality)
    frame = canonical_frame(deals)
    log.info("loaded %d deals (%d open) and %d contacts from %d source rows",
             len(frame), quality.count_of("Open deals excluded"), len(cont), len(raw.frame))
    return DealSet(frame, cont, quality, extras, label)


# ----------------------------------------------------------------- deals

def _no_outcome_error(raw: RawTable) -> InputError:
    accepted = list(HEADER_SYNONYMS["outcome"]) + list(HEADER_SYNONYMS["is_won"])
    found = ", ".join(f"'{c}'" for c in raw.frame.columns)
    return InputError(
        "no outcome column found (columns found: " + found + ")", file=raw.label,
        expected="a column saying won/lost/open, named one of: " + ", ".join(accepted),
        advice="Rename that column, or set it with --column outcome=\"Your Header\" "
               "(Config sheet: column:outcome)",
    )


def _build_deals(raw: RawTable, config: Config, quality: QualityLog
                 ) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None, pd.Series]:
    frame = raw.frame
    label = raw.label
    for check, count, detail in raw.notes:
        quality.add(check, count, detail)
    if raw.title_rows:
        quality.add("Title rows above the header skipped", raw.title_rows,
                    "report title lines before the column names")
    if len(frame) == 0:
        raise InputError("no deals below the header row", file=label,
                         expected="one row per deal under the column names")
    plan = plan_columns(list(frame.columns), kind="deals", overrides=config.columns, label=label)
    stage_col = plan.column("outcome")
    won_col, closed_col = plan.column("is_won"), plan.column("is_closed")
    if stage_col is None and won_col is None and plan.column("status_reason") is not None:
        # Dynamics exports sometimes carry only the Status Reason (Won / Canceled / Out-Sold).
        stage_col = plan.column("status_reason")
        plan.fields["outcome"] = plan.fields.pop("status_reason")
        plan.fates[stage_col] = "outcome"
    if stage_col is None and won_col is None:
        raise _no_outcome_error(raw)

    # Generated IDs follow the source row order, so nested contacts can find their deal.
    id_col = plan.column("deal_id")
    if id_col is not None:
        ids_all = clean_text(frame[id_col])
    else:
        ids_all = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    missing_id = ids_all.isna()
    if missing_id.any():
        gen = pd.Series([f"row-{i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)
        ids_all = ids_all.where(~missing_id, gen)

    words = OutcomeWords.from_config(config)
    stage_cls = nd = None
    if stage_col is not None:
        stage_cls, nd = classify_column(frame[stage_col], words)

    # A blank row has a blank outcome cell: test the other cells of those rows only. The
    # stage's blank class (empty cells and error texts) holds every empty stage cell.
    if stage_cls is not None:
        maybe_blank = (stage_cls == BLANK).to_numpy()
    else:
        maybe_blank = blank_cells(frame[won_col]).to_numpy()
    candidates = frame.index[maybe_blank]
    blank = pd.Series(False, index=frame.index)
    if len(candidates):
        sub = frame.loc[candidates]
        blank.loc[candidates] = np.logical_and.reduce(
            [blank_cells(sub[c]).to_numpy() for c in sub.columns])
    if blank.any():
        quality.add("Blank rows dropped", int(blank.sum()), "rows with no value in any column")
    cls, nd = combine_flags(stage_cls, nd,
                            frame[won_col] if won_col else None,
                            frame[closed_col] if closed_col else None, frame.index)
    reason_col = plan.column("status_reason")
    if reason_col is not None:
        r_cls, r_nd = classify_column(frame[reason_col], words)
        nd = nd | ((cls == OUTCOME_LOST) & r_nd)
        fill = cls.isin([UNKNOWN, BLANK]) & r_cls.isin([OUTCOME_WON, OUTCOME_LOST])
        cls = cls.where(~fill, r_cls)
    cls = cls.where(~blank, DROPPED)

    # Footer lines (totals, confidentiality, copyright) carry no recognisable outcome.
    suspect = cls.isin([UNKNOWN, BLANK])
    footer = pd.Series(False, index=frame.index)
    if suspect.any():
        sub = frame.loc[suspect]
        firsts = pd.Series([_first_filled(row) for row in sub.itertuples(index=False, name=None)],
                           index=sub.index, dtype=object)
        codes, uniques = pd.factorize(firsts, use_na_sentinel=True)
        flags = np.array([is_footer_text(u) for u in uniques] + [False], dtype=bool)
        footer.loc[sub.index] = flags[codes]
    if footer.any():
        quality.add("Footer rows dropped", int(footer.sum()),
                    "totals, confidentiality or copyright lines")
        cls = cls.where(~footer, DROPPED)
    no_outcome = cls == BLANK
    outcome_desc = stage_col or won_col
    if no_outcome.any():
        quality.add("Rows without an outcome dropped", int(no_outcome.sum()),
                    f"'{outcome_desc}' blank")
    unknown = cls == UNKNOWN
    if unknown.any():
        quality.add("Unrecognised stages counted as open", int(unknown.sum()),
                    f"'{outcome_desc}' values that are not a known won, lost or open word "
                    "(add them as won_words / lost_words / open_words in the config)")
        cls = cls.where(~unknown, OUTCOME_OPEN)
    deleted = cls == DELETED
    if deleted.any():
        quality.add("Deleted deals excluded", int(deleted.sum()), f"'{outcome_desc}' is Deleted")
    keep = cls.isin([OUTCOME_WON, OUTCOME_LOST, OUTCOME_OPEN])
    exclude_col = plan.column("exclude")
    if exclude_col is not None:
        excl = parse_bools(frame[exclude_col]).values.eq(True) & keep
        if excl.any():
            quality.add("Deals excluded on purpose", int(excl.sum()), f"'{exclude_col}' is TRUE")
        keep &= ~excl

    generated = int((missing_id & keep).sum())
    if generated:
        quality.add("Deal IDs generated", generated,
                    "no deal ID column" if id_col is None
                    else f"'{id_col}' blank; row-<n> used instead")
    ids = ids_all
    if not keep.all():  # copying a million-row frame is worth avoiding
        frame, cls, nd, ids = frame.loc[keep], cls.loc[keep], nd.loc[keep], ids_all.loc[keep]
    # Duplicates are counted once: the first row wins. One set answers "any?" for the usual
    # all-unique column more cheaply than duplicated().
    if len(set(ids.to_numpy())) < len(ids):
        dup = ids.duplicated(keep="first")
        quality.add("Duplicate deal IDs", int(dup.sum()),
                    f"'{id_col}' repeated; first row kept, later rows dropped")
        frame, cls, nd, ids = frame.loc[~dup], cls.loc[~dup], nd.loc[~dup], ids.loc[~dup]
    if len(frame) == 0:
        raise InputError("no deals left after dropping blank, footer and excluded rows", file=label,
                         column=outcome_desc, expected="rows with a won, lost or open outcome")
    closed = cls != OUTCOME_OPEN
    if not closed.any():
        raise InputError(
            f"all {len(frame):,} deals are open; a win rate needs closed deals", file=label,
            column=outcome_desc,
            expected="at least one won or lost deal (stages such as Closed Won / Closed Lost)",
            advice="Export closed deals too, or add your stage names as won_words / lost_words",
        )

    out: dict[str, pd.Series] = {"deal_id": ids, "outcome": cls.astype(str).astype(object)}

    # ---- values
    def numbers(field: str) -> pd.Series | None:
        col = plan.column(field)
        if col is None:
            return None
        res = parse_numbers(frame[col], decimal_hint=raw.decimal_hint)
        _record_parse(quality, col, res.bad, "a number")
        if res.note:
            quality.add("Number format", 0, f"'{col}': {res.note}")
        return res.values

    for fld in ("amount", "company_revenue", "employees"):
        vals = numbers(fld)
        if vals is not None:
            out[fld] = vals

    for fld in ("close_date", "created_date"):
        cols = plan.fields.get(fld)
        if not cols:
            continue
        series: pd.Series | None = None
        for col in cols:
            res = parse_dates(frame[col], order=config.date_order)
            _record_parse(quality, col, res.bad, "a date")
            if res.note:
                quality.add("Date format", 0, f"'{col}': {res.note}")
            series = res.values if series is None else series.fillna(res.values)
        assert series is not None
        early = series < EARLIEST_DATE
        if early.any():
            quality.add("Close before 1990" if fld == "close_date" else "Created before 1990",
                        int(early.sum()), f"'{cols[0]}' earlier than 1990 treated as unknown")
            series = series.mask(early)
        out[fld] = series.astype("datetime64[ns]")

    cycle_col = plan.column("sales_cycle_days")
    close, created = out.get("close_date"), out.get("created_date")
    derived = None
    if close is not None and created is not None:
        derived = (close - created).dt.total_seconds() / 86400.0
        after = derived < 0
        if after.any():
            quality.add("Created after close", int(after.sum()),
                        "created date later than close date; sales cycle left empty, outcome kept")
            derived = derived.mask(after)
    if cycle_col is not None:
        res = parse_numbers(frame[cycle_col], decimal_hint=raw.decimal_hint)
        _record_parse(quality, cycle_col, res.bad, "a number of days")
        given = res.values.mask(res.values < 0)
        out["sales_cycle_days"] = given if derived is None else given.fillna(derived)
    elif derived is not None:
        out["sales_cycle_days"] = derived
        quality.add("Sales cycle derived", 0, "close date minus created date, in days")

    score_col = plan.column("qualification_score")
    if score_col is not None:
        res = parse_scores(frame[score_col])
        _record_parse(quality, score_col, res.bad, "a score (0-1, 0-10 or 0-100)")
        quality.add("Score scale", 0, f"'{score_col}': {res.note}")
        out["qualification_score"] = res.values

    for fld in (*CATEGORY_FIELDS, "lost_stage", "account_key"):
        col = plan.column(fld)
        if col is not None:
            out[fld] = clean_text(frame[col])
    if "competitor" in out:
        out["competitor"] = _alias_competitors(out["competitor"], config)

    # ---- loss reasons
    lr_col = plan.column("loss_reason")
    reason = None
    if lr_col is not None:
        reason = clean_text(frame[lr_col])
    elif reason_col is not None:
        reason = clean_text(frame[reason_col]).where(cls == OUTCOME_LOST)
        plan.fates[reason_col] = "loss_reason (lost deals' status reason)"
    if reason is not None:
        out["loss_reason"] = reason
        out["loss_reasons"] = _split_reasons(reason)
        rn = _no_decision_reason(reason)
        nd = nd | (rn & (cls == OUTCOME_LOST))
    out["no_decision"] = (nd & (cls == OUTCOME_LOST)).astype(bool)
    if reason_col is not None and reason_col not in plan.fates:
        plan.fates[reason_col] = "no decision flag (status reason)"

    deals = pd.DataFrame(_all_columns(out, frame.index), index=frame.index)

    # ---- extra dimensions and the column map
    extras: list[str] = []
    extra_values: dict[str, pd.Series] = {}
    for col in plan.unmapped:
        fate, text = header_fate(col), None
        if not fate:
            fate, text = _value_fate(frame[col], config)
        if fate == "extra dimension" and len(extras) >= MAX_EXTRA_DIMENSIONS:
            fate = f"ignored: more than {MAX_EXTRA_DIMENSIONS} extra dimensions"
        plan.fates[col] = fate
        if fate == "extra dimension":
            target = col if col not in DEAL_COLUMNS else f"{col} (source)"
            extra_values[target] = clean_text(frame[col]) if text is None else text
            extras.append(target)
    if extra_values:
        deals = pd.concat([deals, pd.DataFrame(extra_values, index=deals.index)], axis=1)
    skipped = sum(f.startswith("ignored: more than") for f in plan.fates.values())
    if skipped:
        quality.add("Extra columns not used as dimensions", skipped,
                    f"only the first {MAX_EXTRA_DIMENSIONS} extra dimensions are analysed")
    for col in plan.fates:
        if plan.fates[col] in ("outcome", "is_won", "is_closed"):
            plan.fates[col] = {"outcome": "outcome", "is_won": "outcome (won flag)",
                               "is_closed": "outcome (closed flag)"}[plan.fates[col]]
        if plan.fates[col] == "status_reason":
            plan.fates[col] = "no decision flag (status reason)"
        if plan.fates[col] == "exclude":
            plan.fates[col] = "exclude flag"

    inline = None
    if plan.inline_contacts:
        inline, named = inline_contacts(frame, deals["deal_id"], plan.inline_contacts)
        for col in named:
            plan.fates[col] = "ignored: personal (names, not job titles)"
    for col in raw.frame.columns:
        quality.map_column(col, plan.fates.get(col, "ignored"))
    counts = cls.value_counts()
    n_open, n_won, n_lost = (int(counts.get(k, 0)) for k in (OUTCOME_OPEN, OUTCOME_WON, OUTCOME_LOST))
    quality.add("Deals read", len(deals), f"{n_won:,} won, {n_lost:,} lost, {n_open:,} open")
    quality.add("Open deals excluded", n_open, "still open: excluded from win rates and counted")
    n_nd = int(deals["no_decision"].sum())
    if n_nd:
        quality.add("No decision / disqualified losses", n_nd,
                    "counted as losses; also reported without them")
    if "amount" in deals:
        miss = int((deals["amount"].isna() & closed).sum())
        quality.add("Closed deals without amount", miss, "")
    if "close_date" in deals:
        quality.add("Closed deals without close date",
                    int((deals["close_date"].isna() & closed).sum()), "")
    return deals, extras, inline, ids_all


def _all_columns(out: dict[str, pd.Series], index: pd.Index) -> dict[str, Any]:
    """Every canonical column in order (missing ones empty), built in one go.

    ``canonical_frame`` would add the missing ones too, one insert at a time;
    on a million rows building them here first is noticeably faster.
    """
    n = len(index)
    cols: dict[str, Any] = {}
    for col in DEAL_COLUMNS:
        if col in out:
            cols[col] = out[col]
        elif col == "no_decision":
            cols[col] = np.zeros(n, dtype=bool)
        elif col in ("close_date", "created_date"):
            cols[col] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        elif col in ("amount", "sales_cycle_days", "company_revenue", "employees",
                     "qualification_score"):
            cols[col] = np.full(n, np.nan)
        elif col == "loss_reasons":
            arr = np.empty(n, dtype=object)
            arr[:] = [()] * n
            cols[col] = arr
        else:
            cols[col] = np.full(n, None, dtype=object)
    return cols


def _first_filled(row: tuple) -> object:
    for v in row:
        if v is not None and not (isinstance(v, float) and v != v) and v is not pd.NA \
                and not (isinstance(v, str) and v == ""):
            return v
    return None


def _record_parse(quality: QualityLog, col: str, bad: int, expected: str) -> None:
    if bad:
        quality.add("Unparseable values", bad, f"'{col}': not {expected}; left empty")


def _value_fate(raw: pd.Series, config: Config) -> tuple[str, pd.Series | None]:
    """Fate of an unmapped column decided by its distinct values, and its category text
    when that was worked out on the way (so an extra dimension is not read twice)."""
    if ptypes.is_bool_dtype(raw):
        return "extra dimension", None
    if ptypes.is_numeric_dtype(raw):
        return ("ignored: empty" if raw.isna().all() else "ignored: number (not a known field)",
                None)
    if ptypes.is_datetime64_any_dtype(raw):
        return "ignored: date", None
    codes, uniques, texts = distinct_texts(raw)
    blank = np.array([t is None for t in texts] + [True], dtype=bool)
    nonblank = int((~blank[codes]).sum())
    filled = [(u, t) for u, t in zip(uniques, texts) if t is not None]
    if nonblank == 0 or not filled:
        return "ignored: empty", None
    kinds = {type(u) for u, _ in filled[:500]}
    if all(issubclass(k, (int, float, np.number)) and not issubclass(k, bool) for k in kinds):
        return "ignored: number (not a known field)", None
    if all(issubclass(k, pd.Timestamp) or k.__name__ in ("datetime", "date") for k in kinds):
        return "ignored: date", None
    seen = {t for _, t in filled}
    distinct = len(seen)
    if distinct == 1:
        return "ignored: one value only", None
    if distinct <= config.max_levels and distinct <= max(2, nonblank // 2):
        return "extra dimension", spread_texts(codes, texts, raw.index)
    sample = list(seen)[:500]
    if sum(map(len, sample)) / len(sample) > 30 or sum(" " in t for t in sample) > len(sample) / 2:
        return "ignored: free text", None
    if distinct >= 0.9 * nonblank:
        return "ignored: ID", None
    return f"ignored: too many values ({distinct:,})", None


def _alias_competitors(values: pd.Series, config: Config) -> pd.Series:
    table = config.competitor_alias_table()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = []
    for u in uniques:
        alias = table.get(normalize_header(u))
        mapped.append(u if alias is None else (alias or None))
    arr = np.array([*mapped, None], dtype=object)
    return pd.Series(arr[codes], index=values.index, dtype=object)


def _split_reasons(reason: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(reason, use_na_sentinel=True)
    parts = []
    for u in uniques:
        items = [p.strip() for p in pd.Series([u]).str.split(_SPLIT_REASONS, regex=True)[0]]
        parts.append(tuple(p for p in items if p))
    arr = np.empty(len(parts) + 1, dtype=object)
    for i, p in enumerate(parts):
        arr[i] = p
    arr[-1] = ()
    return pd.Series(arr[codes], index=reason.index, dtype=object)


def _no_decision_reason(reason: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(reason, use_na_sentinel=True)
    flags = [normalize_header(u) in NO_DECISION_WORDS or "nodecision" in normalize_header(u)
             for u in uniques]
    arr = np.array([*flags, False], dtype=bool)
    return pd.Series(arr[codes], index=reason.index, dtype=bool)


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
