"""The hostile-input corpus: one small generator per case, each with its expected outcome.

A generator writes its input file(s) into a directory and returns a :class:`Made`
(the deals path, optional contacts/accounts paths, and -- for tabular inputs --
the 2-D cell values Excel would hand to a formula). A :class:`Case` pairs the
generator with what must happen:

- ``"ok"``: a result (load_deals + analyze, CLI exit 0), checked by ``check``
  when given (counts, a data-quality entry, preserved text, ...);
- ``"input_error"``: :class:`winloss_xl.errors.InputError` / exit 3, the message
  naming the file (and ``column`` when the case has one, and one of ``any_words``);
- ``"either"``: a clear error or a safe result are both acceptable, but never a
  traceback / exit 1 (used where refusing and coping are both honest answers).

``dangerous`` cases (bombs) are run out of process with a time and memory limit
by the runner, so a missing guard fails the test instead of the machine.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import builders as B

# --------------------------------------------------------------------------- types


@dataclass
class Made:
    deals: Path
    contacts: Path | None = None
    accounts: Path | None = None
    #: a --config TOML file
    config: Path | None = None
    #: header-first 2-D values as Excel would hand them to a formula (None: not tabular)
    cells: list[list[object]] | None = None

    def inputs(self) -> list[Path]:
        return [p for p in (self.deals, self.contacts, self.accounts, self.config) if p is not None]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Made]
    expect: str  # "ok" | "input_error" | "either"
    #: the column an exit-3 message must name (where the case has one)
    column: str | None = None
    #: an exit-3 message must contain at least one of these (case-insensitive)
    any_words: tuple[str, ...] = ()
    #: which input an error must name: "deals", "contacts", "accounts", "config" or "" (the
    #: command line itself, e.g. a --column override naming a header that does not exist)
    error_file: str = "deals"
    #: extra analyze/inspect arguments, and the same as load_deals keywords (config overrides, sheet)
    cli_args: tuple[str, ...] = ()
    lib_kwargs: tuple[tuple[str, object], ...] = ()
    #: extra checks on the loaded DealSet when the outcome is a result
    check: Callable[[object], None] | None = None
    #: expectation for ``inspect`` when it differs (e.g. only-open deals can be inspected)
    inspect_expect: str | None = None
    dangerous: bool = False
    #: wall-clock budget for one run (load + analyze, or one CLI call)
    seconds: float = 60.0
    #: strings from the input that must reach the report only as text, never as formulas
    injections: tuple[str, ...] = ()
    doc: str = ""


CASES: list[Case] = []


def case(name: str, expect: str, **kw) -> Callable[[Callable[[Path], Made]], Callable[[Path], Made]]:
    def deco(fn: Callable[[Path], Made]) -> Callable[[Path], Made]:
        CASES.append(Case(name=name, make=fn, expect=expect, doc=(fn.__doc__ or "").strip(), **kw))
        return fn
    return deco


# ------------------------------------------------------------------------ base data

HEADER = ["Deal ID", "Stage", "Amount", "Close Date", "Created Date", "Industry", "Lead Source",
          "Loss Reason"]
STAGES = ["Closed Won", "Closed Lost", "Closed Lost", "Closed Won", "Prospecting"]
INDUSTRIES = ["Software", "Retail", "Healthcare", "Finance"]
SOURCES = ["Web", "Partner", "Event"]
REASONS = ["Price", "Timing", "Competitor"]


def base_rows(n: int = 20, *, stages: Sequence[str] = STAGES) -> list[list[object]]:
    """A clean deals table (header first): deterministic, so counts are known."""
    rows: list[list[object]] = [list(HEADER)]
    for i in range(n):
        stage = stages[i % len(stages)]
        close = dt.date(2024, 1, 1) + dt.timedelta(days=7 * i)
        created = close - dt.timedelta(days=30 + i)
        rows.append([
            f"D-{i + 1:04d}", stage, 1000 + 250 * i, close.isoformat(), created.isoformat(),
            INDUSTRIES[i % len(INDUSTRIES)], SOURCES[i % len(SOURCES)],
            REASONS[i % len(REASONS)] if stage == "Closed Lost" else "",
        ])
    return rows


def expected_counts(rows: Sequence[Sequence[object]], stage_col: int = 1) -> tuple[int, int, int]:
    won = sum(1 for r in rows[1:] if r[stage_col] == "Closed Won")
    lost = sum(1 for r in rows[1:] if r[stage_col] == "Closed Lost")
    opened = sum(1 for r in rows[1:] if r[stage_col] == "Prospecting")
    return won, lost, opened


def outcome_counts(ds) -> tuple[int, int, int]:
    vc = ds.deals["outcome"].value_counts()
    return int(vc.get("won", 0)), int(vc.get("lost", 0)), int(vc.get("open", 0))


def counts(won: int, lost: int, opened: int | None = None) -> Callable[[object], None]:
    def check(ds) -> None:
        w, lo, o = outcome_counts(ds)
        assert (w, lo) == (won, lost), f"won/lost {(w, lo)} != expected {(won, lost)}"
        if opened is not None:
            assert o == opened, f"open {o} != expected {opened}"
    return check


def all_of(*checks: Callable[[object], None]) -> Callable[[object], None]:
    def check(ds) -> None:
        for c in checks:
            c(ds)
    return check


def quality_mentions(*words: str) -> Callable[[object], None]:
    """Some data-quality entry (check or detail) mentions one of ``words``, with a count > 0."""
    def check(ds) -> None:
        entries = ds.quality.entries
        hit = [e for e in entries if any(w.lower() in f"{e.check} {e.detail}".lower() for w in words)]
        assert hit, f"no data-quality entry mentions {words}; have {[e.check for e in entries]}"
        assert any(e.count > 0 for e in hit), f"entries for {words} all have count 0: {hit}"
    return check


def base_counts(n: int = 20) -> Callable[[object], None]:
    return counts(*expected_counts(base_rows(n)))


def _csv(d: Path, name: str, rows, **kw) -> Made:
    return Made(B.write_csv(d / name, rows, **kw), cells=[list(r) for r in rows])


def _xlsx(d: Path, name: str, rows, **kw) -> Made:
    return Made(B.write_xlsx(d / name, rows, **kw), cells=[list(r) for r in rows])


# ===================================================================== empty / headers


@case("empty_file", "input_error")
def empty_file(d: Path) -> Made:
    """A zero-byte .csv."""
    (d / "empty.csv").write_bytes(b"")
    return Made(d / "empty.csv", cells=[[None]])


@case("whitespace_only", "input_error")
def whitespace_only(d: Path) -> Made:
    """Only blank lines and spaces."""
    (d / "blank.csv").write_text("\n\n   \n\t\n\r\n")
    return Made(d / "blank.csv", cells=[[None], [None]])


@case("header_only_csv", "input_error", inspect_expect="either")
def header_only_csv(d: Path) -> Made:
    """Headers and not a single deal."""
    return _csv(d, "header_only.csv", [HEADER])


@case("header_only_xlsx", "input_error", inspect_expect="either")
def header_only_xlsx(d: Path) -> Made:
    return _xlsx(d, "header_only.xlsx", [HEADER])


@case("header_row7_merged_title_xlsx", "ok", check=base_counts())
def header_row7_merged_title(d: Path) -> Made:
    """A Salesforce-style report: a merged title, filter lines, the header on row 7."""
    above = [["Win/Loss export - CONFIDENTIAL"], [None], ["Filtered By: Close Date = FY2024"],
             ["Generated 2024-12-31 by Admin"], [None], [None]]
    return _xlsx(d, "sf_report.xlsx", base_rows(), above=above, merge_title=True)


@case("duplicated_and_blank_headers", "ok", check=base_counts())
def duplicated_and_blank_headers(d: Path) -> Made:
    """Amount twice (different values), Industry twice, two blank headers with data under them."""
    rows = base_rows()
    out = [[*rows[0], "Amount", "", "Industry", ""]]
    for i, r in enumerate(rows[1:]):
        out.append([*r, i * 3, "junk", "Other", i])
    return _csv(d, "dup_headers.csv", out)


@case("duplicated_outcome_headers", "either", column="Stage", check=None)
def duplicated_outcome_headers(d: Path) -> Made:
    """Two Stage columns that disagree: refusing (naming Stage) or picking one are both honest."""
    rows = base_rows()
    out = [[*rows[0], "Stage"]]
    for r in rows[1:]:
        out.append([*r, "Closed Lost" if r[1] == "Closed Won" else "Closed Won"])
    return _csv(d, "dup_stage.csv", out)


@case("no_outcome_column", "input_error", any_words=("Amount",))
def no_outcome_column(d: Path) -> Made:
    """No stage/status/won column at all: the message lists the columns found."""
    rows = [[r[0], r[2], r[3], r[5]] for r in base_rows()]
    rows[0] = ["Deal ID", "Amount", "Close Date", "Industry"]
    return _csv(d, "no_outcome.csv", rows)


@case("header_with_newlines_and_case", "ok", check=base_counts())
def header_with_newlines(d: Path) -> Made:
    """Headers with embedded newlines, odd case and padding."""
    rows = base_rows()
    rows[0] = ["  deal id ", "STAGE", "Amount\n(USD)", "Close\nDate", "created   date", "INDUSTRY",
               "Lead\tSource", "Loss  Reason"]
    return _csv(d, "odd_headers.csv", rows)


@case("very_long_header", "ok", check=base_counts())
def very_long_header(d: Path) -> Made:
    """One extra column whose header is 100,000 characters long."""
    rows = base_rows()
    rows[0] = [*rows[0], "H" * 100_000]
    for r in rows[1:]:
        r.append("v")
    return _csv(d, "long_header.csv", rows)


@case("five_thousand_columns", "ok", check=base_counts(), seconds=45, dangerous=True)
def five_thousand_columns(d: Path) -> Made:
    """5,000 extra columns (some blank, some numbers, some two-level text) over 20 deals.

    Run out of process (``dangerous``) so a slow path costs the suite at most its budget.
    """
    rows = base_rows()
    extra = [f"Extra {j}" for j in range(5000)]
    out = [[*rows[0], *extra]]
    for i, r in enumerate(rows[1:]):
        vals = []
        for j in range(5000):
            k = j % 3
            vals.append("" if k == 0 else (i * j if k == 1 else ("a" if (i + j) % 2 else "b")))
        out.append([*r, *vals])
    return _csv(d, "wide.csv", out)


@case("trailing_empty_columns", "ok", check=base_counts())
def trailing_empty_columns(d: Path) -> Made:
    """Every line ends with ,,,,, (an Excel export of a wider used range)."""
    rows = [[*r, "", "", "", "", ""] for r in base_rows()]
    return _csv(d, "trailing.csv", rows)


@case("sep_hint_line", "ok", check=base_counts())
def sep_hint_line(d: Path) -> Made:
    """Excel's 'sep=;' hint line above a ';' CSV."""
    text = "sep=;\n" + B.csv_text(base_rows(), sep=";")
    (d / "sephint.csv").write_text(text, encoding="utf-8")
    return Made(d / "sephint.csv", cells=base_rows())


@case("quoted_newlines_in_notes", "ok", check=base_counts())
def quoted_newlines(d: Path) -> Made:
    """A free-text Notes column with line breaks (LF, CRLF, CR) inside quoted fields."""
    rows = base_rows()
    rows[0].append("Notes")
    for i, r in enumerate(rows[1:]):
        r.append(["line one\nline two", "a\r\nb", "c\rd", "plain"][i % 4])
    return _csv(d, "notes_newlines.csv", rows)


# ============================================================================ big cells


@case("one_mb_cell_notes", "ok", check=base_counts())
def one_mb_cell_notes(d: Path) -> Made:
    """A 1 MB free-text Notes cell."""
    rows = base_rows()
    rows[0].append("Notes")
    for i, r in enumerate(rows[1:]):
        r.append("x" * 1_000_000 if i == 3 else "short note")
    return _csv(d, "bigcell_notes.csv", rows)


@case("one_mb_cell_industry", "ok", check=base_counts())
def one_mb_cell_industry(d: Path) -> Made:
    """A 1 MB value in a dimension column (the report cell limit is 32,767 characters)."""
    rows = base_rows()
    for r in rows[1:6]:
        r[5] = "Mega" + "y" * 1_000_000
    return _csv(d, "bigcell_industry.csv", rows)


# ============================================================================= outcomes


@case("only_open_deals", "input_error", column="Stage", inspect_expect="either",
      any_words=("open", "closed", "won", "lost"))
def only_open_deals(d: Path) -> Made:
    """Nothing has closed yet."""
    return _csv(d, "only_open.csv", base_rows(stages=["Prospecting", "Negotiation/Review"]))


@case("only_wins", "ok", check=counts(20, 0))
def only_wins(d: Path) -> Made:
    return _csv(d, "only_wins.csv", base_rows(stages=["Closed Won"]))


@case("only_losses", "ok", check=counts(0, 20))
def only_losses(d: Path) -> Made:
    return _csv(d, "only_losses.csv", base_rows(stages=["Closed Lost"]))


@case("one_deal", "ok", check=counts(1, 0))
def one_deal(d: Path) -> Made:
    return _csv(d, "one_deal.csv", base_rows(1))


@case("outcome_numbers_only", "either", column="Stage")
def outcome_numbers_only(d: Path) -> Made:
    """The Stage column holds 1, 2, 3: no outcome word anywhere."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[1] = i % 3 + 1
    return _csv(d, "stage_numbers.csv", rows)


@case("iswon_isclosed_booleans", "ok", check=counts(8, 8, 4))
def iswon_isclosed(d: Path) -> Made:
    """Data Loader style: IsWon / IsClosed as TRUE/FALSE."""
    rows = [["Id", "IsWon", "IsClosed", "Amount"]]
    for i in range(20):
        closed = i % 5 != 4
        won = closed and i % 2 == 0
        rows.append([f"006{i:012d}", "TRUE" if won else "FALSE", "TRUE" if closed else "FALSE", 100 * i])
    w = sum(1 for r in rows[1:] if r[1] == "TRUE")
    lo = sum(1 for r in rows[1:] if r[1] == "FALSE" and r[2] == "TRUE")
    assert (w, lo) == (8, 8)
    return _csv(d, "dataloader.csv", rows)


@case("nbsp_and_zero_width_outcomes", "ok", check=base_counts())
def nbsp_outcomes(d: Path) -> Made:
    """Stage words with no-break spaces, zero-width spaces and odd case."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[1] = {0: r[1].replace(" ", "\u00a0"), 1: "\u200b" + r[1].upper(), 2: f"  {r[1].lower()}  "}[i % 3]
    return _csv(d, "nbsp.csv", rows)


@case("duplicate_ids_conflicting", "ok",
      check=all_of(lambda ds: _unique_ids(ds), quality_mentions("duplic")))
def duplicate_ids_conflicting(d: Path) -> Made:
    """The same Deal ID three times, once won and once lost; DESIGN: duplicates counted once."""
    rows = base_rows()
    rows.append(["D-0001", "Closed Lost", 999, "2024-02-01", "2024-01-01", "Retail", "Web", "Price"])
    rows.append(["D-0001", "Closed Won", 999, "2024-02-01", "2024-01-01", "Retail", "Web", ""])
    rows.append(["D-0002", "Closed Won", 1, "2024-02-01", "2024-01-01", "Retail", "Web", ""])
    return _csv(d, "dup_ids.csv", rows)


def _unique_ids(ds) -> None:
    ids = ds.deals["deal_id"]
    assert ids.is_unique, f"duplicate deal ids kept: {ids[ids.duplicated()].head().tolist()}"


# ============================================================================== amounts


@case("every_amount_text", "ok",
      check=all_of(base_counts(), lambda ds: _all_nan(ds, "amount")))
def every_amount_text(d: Path) -> Made:
    """Amount holds only words: 'lots', 'TBD', 'ask Bob'."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[2] = ["lots", "TBD", "ask Bob", "n/a", "unknown"][i % 5]
    return _csv(d, "amount_text.csv", rows)


def _all_nan(ds, col: str) -> None:
    values = pd.to_numeric(ds.deals[col], errors="coerce")
    assert values.isna().all(), f"{col} should be empty, got {values.dropna().head().tolist()}"


@case("negative_and_nan_amounts", "ok", check=base_counts())
def negative_and_nan_amounts(d: Path) -> Made:
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[2] = [-5000, "NaN", "nan", "-0", "(1,200)", "inf", "-inf", 1e-300][i % 8]
    return _csv(d, "neg_nan.csv", rows)


@case("huge_amounts_1e308", "ok", check=base_counts())
def huge_amounts(d: Path) -> Made:
    """Amounts near the float limit: sums overflow to infinity."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[2] = ["1e308", "1.7976931348623157e308", "-1e308", "9" * 400][i % 4]
    return _csv(d, "huge_amounts.csv", rows)


@case("subnormal_amounts", "ok", check=base_counts())
def subnormal_amounts(d: Path) -> Made:
    """Denormal floats (5e-324): 10 ** floor(log10(x)) underflows to 0 in band maths."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[2] = ["5e-324", "1e-320", "2.2e-308", "0"][i % 4]
    return _csv(d, "subnormal.csv", rows)


@case("amount_formats", "ok", check=base_counts())
def amount_formats(d: Path) -> Made:
    """'$1,234.50', '(1,200)', '25M', '1.2B', ' 3 000 ', '1.234.567'."""
    rows = base_rows()
    fmts = ["$1,234.50", "(1,200)", "25M", "1.2B", " 3 000 ", "1.234.567", "USD 10", "€5"]
    for i, r in enumerate(rows[1:]):
        r[2] = fmts[i % len(fmts)]
    return _csv(d, "amount_formats.csv", rows)


# ================================================================================ dates


@case("mixed_date_orders", "ok", check=base_counts())
def mixed_date_orders(d: Path) -> Made:
    """One column with US, day-first, ISO and contradictory text dates."""
    rows = base_rows()
    dates = ["3/11/2017", "25/12/2017", "12/25/2017", "2017-03-11", "11.03.2017", "Mar 3 2017",
             "13/13/2017", "31/02/2017"]
    for i, r in enumerate(rows[1:]):
        r[3] = dates[i % len(dates)]
    return _csv(d, "mixed_dates.csv", rows)


@case("dates_1900_and_2200", "ok", check=base_counts())
def dates_1900_2200(d: Path) -> Made:
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[3] = ["1900-01-01", "2200-12-31", "1899-12-30", "9999-12-31", "0001-01-01"][i % 5]
        r[4] = ["2200-01-01", "1900-02-29", "1900-01-01", "2262-04-12", "1677-09-21"][i % 5]
    return _csv(d, "far_dates.csv", rows)


@case("serial_next_to_text_dates_csv", "ok",
      check=all_of(base_counts(), lambda ds: _dates_parsed(ds, 20)))
def serial_next_to_text_dates(d: Path) -> Made:
    """Excel serial numbers (45292 = 2024-01-01) next to ISO text dates in one column."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        if i % 2:
            r[3] = str(45292 + 7 * i)
    return _csv(d, "serial_dates.csv", rows)


def _dates_parsed(ds, n: int) -> None:
    got = int(ds.deals["close_date"].notna().sum())
    assert got == n, f"{got} of {n} close dates parsed"


@case("serial_next_to_text_dates_xlsx", "ok",
      check=all_of(base_counts(), lambda ds: _dates_parsed(ds, 20)))
def serial_next_to_text_dates_xlsx(d: Path) -> Made:
    """Real date cells, serial numbers and text dates in one xlsx column."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        k = i % 3
        if k == 0:
            r[3] = dt.datetime.fromisoformat(r[3])
        elif k == 1:
            r[3] = 45292 + 7 * i
    return _xlsx(d, "serial_dates.xlsx", rows)


@case("dates_as_booleans", "ok", check=base_counts())
def dates_as_booleans(d: Path) -> Made:
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        r[3] = ["TRUE", "FALSE", True, False][i % 4]
        r[4] = ["yes", "no", "", "x"][i % 4]
    return _csv(d, "bool_dates.csv", rows)


# ======================================================================== error / blanks


@case("excel_error_cells", "ok", check=base_counts())
def excel_error_cells(d: Path) -> Made:
    """#N/A, #REF!, #DIV/0!, #VALUE!, #NAME? in every column but the stage."""
    errs = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!"]
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        for j in (0, 2, 3, 4, 5, 6, 7):
            if (i + j) % 3 == 0:
                r[j] = errs[(i + j) % len(errs)]
    return _csv(d, "errors.csv", rows)


@case("error_cells_in_stage", "ok", check=counts(8, 8))
def error_cells_in_stage(d: Path) -> Made:
    """Some Stage cells are #N/A / #REF!: those deals have no outcome (counted, not crashed)."""
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        if r[1] == "Prospecting":
            r[1] = ["#N/A", "#REF!"][i % 2]
    return _csv(d, "stage_errors.csv", rows)


@case("column_only_na", "ok", check=all_of(base_counts(), lambda ds: _all_blank(ds, "industry")))
def column_only_na(d: Path) -> Made:
    rows = base_rows()
    for r in rows[1:]:
        r[5] = "#N/A"
    return _csv(d, "industry_na.csv", rows)


def _all_blank(ds, col: str) -> None:
    s = ds.deals[col]
    bad = s[s.notna() & (s.astype(str).str.strip() != "")]
    assert bad.empty, f"{col} should be blank, got {bad.head().tolist()}"


@case("blank_rows_everywhere", "ok", check=base_counts())
def blank_rows_everywhere(d: Path) -> Made:
    rows = base_rows()
    out = [rows[0], ["", "", ""], *[x for r in rows[1:] for x in (r, [""] * len(r))]]
    return _csv(d, "blank_rows.csv", out)


@case("totals_row", "ok", check=base_counts())
def totals_row(d: Path) -> Made:
    rows = base_rows()
    total = sum(r[2] for r in rows[1:])
    rows.append(["Grand Totals (20 records)", "", total, "", "", "", "", ""])
    rows.append(["Confidential Information - Do Not Distribute", "", "", "", "", "", "", ""])
    return _csv(d, "totals.csv", rows)


@case("totals_footer_xlsx", "ok", check=base_counts())
def totals_footer_xlsx(d: Path) -> Made:
    rows = base_rows()
    rows.append([None] * 8)
    rows.append(["Total", None, sum(r[2] for r in rows[1:21]), None, None, None, None, None])
    rows.append(["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."] + [None] * 7)
    return _xlsx(d, "totals.xlsx", rows, above=[["Opportunities by Stage"], [None]], merge_title=True)


# ============================================================================ encodings


@case("utf16_tab_text", "either", check=base_counts())
def utf16_tab_text(d: Path) -> Made:
    """Excel's 'Unicode Text': UTF-16LE with BOM, tab-separated, saved as .csv."""
    return _csv(d, "unicode.csv", base_rows(), encoding="utf-16", sep="\t", newline="\r\n")


@case("utf16_comma_csv", "either", check=base_counts())
def utf16_comma_csv(d: Path) -> Made:
    return _csv(d, "utf16.csv", base_rows(), encoding="utf-16", sep=",")


@case("windows_1252_csv", "ok",
      check=all_of(base_counts(), lambda ds: _has_value(ds, "industry", "Énergie & Réseaux")))
def windows_1252_csv(d: Path) -> Made:
    rows = base_rows()
    for i, r in enumerate(rows[1:]):
        if i % 2:
            r[5] = "Énergie & Réseaux"
        r[6] = "Salon — Köln"
    return _csv(d, "cp1252.csv", rows, encoding="cp1252", sep=";", newline="\r\n")


def _has_value(ds, col: str, value: str) -> None:
    vals = set(ds.deals[col].dropna().astype(str))
    assert value in vals, f"{value!r} not among {col} values {sorted(vals)[:10]}"


@case("semicolon_decimal_comma", "ok",
      check=all_of(base_counts(), lambda ds: _amount_sum(ds, sum(1000 + 250 * i + 0.5 for i in range(20)))))
def semicolon_decimal_comma(d: Path) -> Made:
    """European Excel: ';' separator, '1.250,50' amounts."""
    rows = base_rows()
    for r in rows[1:]:
        v = r[2] + 0.5
        r[2] = f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return _csv(d, "euro.csv", rows, sep=";")


def _amount_sum(ds, expected: float) -> None:
    got = float(pd.to_numeric(ds.deals["amount"], errors="coerce").sum())
    assert math.isclose(got, expected, rel_tol=1e-9), f"amount sum {got} != {expected}"


@case("bom_semicolon", "ok", check=base_counts())
def bom_semicolon(d: Path) -> Made:
    return _csv(d, "bom_semi.csv", base_rows(), sep=";", bom=True)


@case("crlf_and_lf_mixed", "ok", check=base_counts())
def crlf_and_lf_mixed(d: Path) -> Made:
    lines = B.csv_text(base_rows(), newline="\n").split("\n")
    text = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines) if line)
    (d / "mixed_eol.csv").write_bytes(text.encode())
    return Made(d / "mixed_eol.csv", cells=base_rows())


@case("stray_quote", "either")
def stray_quote(d: Path) -> Made:
    """One field opens a quote it never closes: the rest of the file becomes one cell."""
    text = B.csv_text(base_rows())
    lines = text.split("\n")
    lines[5] = lines[5].replace("Software", '"Software').replace("Retail", '"Retail')
    (d / "stray_quote.csv").write_text("\n".join(lines))
    return Made(d / "stray_quote.csv", cells=base_rows())


@case("binary_garbage_csv", "input_error")
def binary_garbage(d: Path) -> Made:
    rnd = random.Random(7)
    (d / "garbage.csv").write_bytes(bytes(rnd.randrange(256) for _ in range(20_000)))
    return Made(d / "garbage.csv")


@case("nul_bytes_csv", "either")
def nul_bytes(d: Path) -> Made:
    text = B.csv_text(base_rows()).replace("Retail", "Re\x00tail")
    (d / "nul.csv").write_bytes(text.encode())
    return Made(d / "nul.csv")


# ================================================================== file-type confusion


@case("unknown_extension", "input_error")
def unknown_extension(d: Path) -> Made:
    B.write_csv(d / "deals.pdf", base_rows())
    return Made(d / "deals.pdf")


@case("nonexistent_file", "input_error")
def nonexistent_file(d: Path) -> Made:
    return Made(d / "does_not_exist.csv")


@case("directory_as_input", "input_error")
def directory_as_input(d: Path) -> Made:
    (d / "folder.csv").mkdir()
    return Made(d / "folder.csv")


@case("xlsx_renamed_csv", "either", check=base_counts())
def xlsx_renamed_csv(d: Path) -> Made:
    """A real workbook saved with a .csv extension."""
    B.write_xlsx(d / "tmp.xlsx", base_rows())
    (d / "tmp.xlsx").rename(d / "actually_xlsx.csv")
    return Made(d / "actually_xlsx.csv")


@case("csv_renamed_xlsx", "input_error")
def csv_renamed_xlsx(d: Path) -> Made:
    B.write_csv(d / "actually_csv.xlsx", base_rows())
    return Made(d / "actually_csv.xlsx")


@case("truncated_xlsx", "input_error")
def truncated_xlsx(d: Path) -> Made:
    B.write_xlsx(d / "full.xlsx", base_rows(200))
    data = (d / "full.xlsx").read_bytes()
    (d / "full.xlsx").unlink()
    (d / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return Made(d / "truncated.xlsx")


@case("password_protected_xlsx", "input_error", any_words=("password", "encrypt", "protected"))
def password_protected(d: Path) -> Made:
    """An encrypted workbook is an OLE2 compound file with EncryptionInfo/EncryptedPackage."""
    B.write_ole2(d / "locked.xlsx", [("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00"),
                                     ("EncryptedPackage", b"\x00" * 8 + bytes(range(256)) * 20)])
    return Made(d / "locked.xlsx")


@case("legacy_xls", "input_error", any_words=("xlsx",))
def legacy_xls(d: Path) -> Made:
    B.write_ole2(d / "old.xls", [("Workbook", B.biff_workbook_stream())])
    return Made(d / "old.xls")


@case("ole_signature_only_xlsx", "input_error")
def ole_signature_only(d: Path) -> Made:
    """Just the 8-byte OLE signature plus padding, named .xlsx."""
    (d / "sig.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return Made(d / "sig.xlsx")


@case("xlsx_empty_workbook", "input_error")
def xlsx_empty_workbook(d: Path) -> Made:
    B.write_xlsx(d / "empty.xlsx", [])
    return Made(d / "empty.xlsx", cells=[[None]])


@case("xlsx_no_header_numbers", "input_error")
def xlsx_no_header(d: Path) -> Made:
    rows = [[i * j for j in range(6)] for i in range(30)]
    return _xlsx(d, "numbers.xlsx", rows)


@case("xlsx_deals_on_second_sheet", "ok", check=base_counts())
def xlsx_second_sheet(d: Path) -> Made:
    """A cover sheet first; the deals sit on a sheet called 'Export'."""
    return _xlsx(d, "second.xlsx", base_rows(), sheet="Export",
                 first_sheet={"Cover": [["Quarterly export"], ["see next tab"]]})


@case("billion_laughs_sheet", "either", dangerous=True, seconds=20)
def billion_laughs_sheet(d: Path) -> Made:
    """Entity expansion in the sheet XML: must not expand (1e10 'lol's)."""
    sx = (B.billion_laughs_doctype("worksheet") + B.SHEET_OPEN
          + B.rows_xml([["Stage", "Industry"], ["Closed Won", "&lol9;"], ["Closed Lost", "x"]],
                       raw_text=True) + B.SHEET_CLOSE)
    return Made(B.write_raw_xlsx(d / "laughs.xlsx", sx))


@case("billion_laughs_shared_strings", "either", dangerous=True, seconds=20)
def billion_laughs_shared(d: Path) -> Made:
    shared = (B.billion_laughs_doctype("sst")
              + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + "<si><t>Stage</t></si><si><t>Closed Won</t></si><si><t>&lol9;</t></si></sst>")
    sx = (B.SHEET_OPEN + '<row><c t="s"><v>0</v></c><c t="s"><v>2</v></c></row>'
          + '<row><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>' + B.SHEET_CLOSE)
    return Made(B.write_raw_xlsx(d / "laughs_sst.xlsx", sx, shared_xml=shared))


@case("billion_laughs_workbook_xml", "either", dangerous=True, seconds=20)
def billion_laughs_workbook(d: Path) -> Made:
    p = B.write_raw_xlsx(d / "laughs_wb.xlsx", rows=base_rows(),
                         workbook_doctype=B.billion_laughs_doctype("workbook"))
    return Made(p)


@case("xml_external_entity", "either", dangerous=True, seconds=20,
      check=lambda ds: _no_text(ds, "root:"))
def xml_external_entity(d: Path) -> Made:
    """XXE: an external entity pointing at /etc/passwd must never be resolved."""
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    sx = (doctype + B.SHEET_OPEN
          + B.rows_xml([["Stage", "Industry"], ["Closed Won", "&xxe;"], ["Closed Lost", "x"]],
                       raw_text=True) + B.SHEET_CLOSE)
    return Made(B.write_raw_xlsx(d / "xxe.xlsx", sx))


def _no_text(ds, needle: str) -> None:
    for col in ds.deals.columns:
        s = ds.deals[col].astype(str)
        assert not s.str.contains(needle, regex=False).any(), f"{needle!r} leaked into {col}"


def _addressed_rows(rows, extra_cells: str = "", dimension: str = "") -> str:
    """Sheet XML with explicit r= addresses (A1 style), plus raw extra cells after the data."""
    def col(i: int) -> str:
        out = ""
        i += 1
        while i:
            i, rem = divmod(i - 1, 26)
            out = chr(65 + rem) + out
        return out
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{col(c)}{r}"
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
        body.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (B.SHEET_OPEN.replace("<sheetData>", dim + "<sheetData>") + "".join(body) + extra_cells
            + B.SHEET_CLOSE)


@case("xlsx_far_corner_cell", "either", dangerous=True, seconds=20, check=base_counts())
def far_corner_cell(d: Path) -> Made:
    """20 deals plus one stray cell at XFD1048576: the used range claims 17 billion cells."""
    extra = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return Made(B.write_raw_xlsx(d / "far_corner.xlsx", _addressed_rows(base_rows(), extra)))


@case("xlsx_bogus_dimension", "ok", check=base_counts(), seconds=20, dangerous=True)
def bogus_dimension(d: Path) -> Made:
    """A tiny sheet whose <dimension> claims A1:XFD1048576 (some exporters write this)."""
    return Made(B.write_raw_xlsx(d / "bogus_dim.xlsx",
                                 _addressed_rows(base_rows(), dimension="A1:XFD1048576")))


@case("headerless_data_rows", "input_error")
def headerless(d: Path) -> Made:
    """The header row is missing (a Table reference without [#All])."""
    return _csv(d, "no_header.csv", base_rows()[1:])


@case("zip_bomb_xlsx", "input_error", dangerous=True, seconds=15)
def zip_bomb(d: Path) -> Made:
    """A 3.7 MB xlsx whose sheet XML inflates to 1.1 GB (about 8 million rows)."""
    return Made(B.write_zip_bomb_xlsx(d / "bomb.xlsx"))


# ================================================================================= JSON


@case("json_deeply_nested", "input_error")
def json_deeply_nested(d: Path) -> Made:
    """100,000 nested lists: Python's json raises RecursionError, not ValueError."""
    (d / "nested.json").write_text("[" * 100_000 + "]" * 100_000)
    return Made(d / "nested.json")


@case("json_not_a_list", "input_error")
def json_not_a_list(d: Path) -> Made:
    (d / "scalar.json").write_text('{"deals": 42, "outcome": "won"}')
    return Made(d / "scalar.json")


@case("json_truncated", "input_error")
def json_truncated(d: Path) -> Made:
    (d / "cut.json").write_text('[{"deal_id": "A", "outcome": "won", "amount": 10}, {"deal_id": "B", "outc')
    return Made(d / "cut.json")


@case("json_legacy_hostile", "either")
def json_legacy_hostile(d: Path) -> Made:
    """Legacy nested JSON with nulls, wrong types and junk entries."""
    deals = []
    for i in range(20):
        deals.append({"deal_id": i if i % 3 else f"J-{i}", "outcome": ["won", "lost", None, 7][i % 4],
                      "amount": ["1,000", None, 3.5, [1, 2]][i % 4],
                      "account": [{"industry": "Retail", "name": "Zyx"}, None, "text",
                                  {"industry": {"x": 1}}][i % 4],
                      "contacts": [[{"title": "CEO"}], None, "CEO", [None, 5]][i % 4]})
    deals += [None, 5, "deal", []]
    (d / "legacy.json").write_text(json.dumps(deals))
    return Made(d / "legacy.json")


# ============================================================= injection / unicode text


INJECTIONS = ('=HYPERLINK("http://evil.example/x","click")', "+cmd|' /C calc'!A0", "-1+1",
              "@SUM(1)", "\t=1+1", "\r=2+2", "=cmd|'/c notepad'!Z0", "==1")


@case("formula_injection_every_text_column", "ok", check=counts(8, 8, 4), injections=INJECTIONS)
def formula_injection(d: Path) -> Made:
    """Formula-like text in every text column (industry, source, reason, owner, competitor...)."""
    header = [*HEADER, "Owner", "Competitor", "Product", "Region", "Account Name", "Deal Name"]
    rows = [header]
    base = base_rows()
    for i, r in enumerate(base[1:]):
        inj = INJECTIONS[i % len(INJECTIONS)]
        rows.append([r[0], r[1], r[2], r[3], r[4], inj, INJECTIONS[(i + 1) % 8],
                     INJECTIONS[(i + 2) % 8] if r[1] == "Closed Lost" else "",
                     INJECTIONS[(i + 3) % 8], INJECTIONS[(i + 4) % 8], INJECTIONS[i % 3],
                     INJECTIONS[(i + 5) % 8], INJECTIONS[(i + 6) % 8], inj])
    # each text value appears >= 5 times so it can become a reported segment
    return _csv(d, "injection.csv", rows)


@case("formula_injection_in_headers", "ok", check=counts(8, 8, 4), injections=INJECTIONS)
def formula_injection_headers(d: Path) -> Made:
    """Formula-like text as column headers: extra dimensions, column map and table headers."""
    rows = base_rows()
    heads = ['=HYPERLINK("http://evil.example/h","hdr")', "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3"]
    rows[0] = [*rows[0], *heads]
    for i, r in enumerate(rows[1:]):
        r.extend(["x" if i % 2 else "y", "p" if i % 3 else "q", "a" if i % 2 else "b", "m" if i % 4 else "n"])
    return _csv(d, "injection_headers.csv", rows)


@case("rtl_and_emoji", "ok",
      check=all_of(base_counts(), lambda ds: _has_value(ds, "industry", "تجارة التجزئة 🛒")))
def rtl_and_emoji(d: Path) -> Made:
    """Arabic/Hebrew industries and titles, emoji, combining marks, RTL override characters."""
    inds = ["تجارة التجزئة 🛒", "בריאות 🏥", "Software 👩‍💻", "Fi\u0301nance \u202egnp.exe"]
    rows = base_rows()
    rows[0] = [*rows[0], "Champion Title"]
    for i, r in enumerate(rows[1:]):
        r[5] = inds[i % 4]
        r[6] = ["🔥 Web", "שותף", "حدث", "Event"][i % 4]
        r.append(["مدير تقنية المعلومات", "סמנכ״ל כספים", "CTO 🚀", "VP Sales"][i % 4])
    return _csv(d, "rtl.csv", rows)


@case("non_ascii_competitors", "ok", check=base_counts())
def non_ascii_competitors(d: Path) -> Made:
    """Competitors named only in Chinese, Arabic, Hebrew or emoji (no ASCII letters at all)."""
    rows = base_rows()
    rows[0].append("Competitor")
    for i, r in enumerate(rows[1:]):
        r.append(["华为", "سامسونج", "אלביט", "🚀🚀"][i % 4])
    return _csv(d, "competitors_non_ascii.csv", rows)


@case("many_distinct_industries", "ok", check=counts(1200, 1800), seconds=120)
def many_distinct_industries(d: Path) -> Made:
    """3,000 deals in 3,000 different industries."""
    rows = [["Deal ID", "Stage", "Amount", "Industry", "Lead Source"]]
    for i in range(3000):
        rows.append([f"M-{i}", "Closed Won" if i % 5 < 2 else "Closed Lost", 100 + i, f"Industry {i:05d}",
                     SOURCES[i % 3]])
    return _csv(d, "many_industries.csv", rows)


# ==================================================================== contacts / accounts


@case("contacts_unknown_deals", "ok",
      check=all_of(base_counts(), lambda ds: _contacts_known(ds)))
def contacts_unknown_deals(d: Path) -> Made:
    """Contacts for deals that are not in the deals file (and for blank deal ids)."""
    m = _csv(d, "deals.csv", base_rows())
    contacts = [["Opportunity ID", "Contact: Title", "Role", "Email"]]
    for i in range(40):
        deal = f"D-{i + 1:04d}" if i < 10 else (f"GHOST-{i}" if i % 2 else "")
        contacts.append([deal, ["CFO", "VP Sales", "Engineer"][i % 3], "Decision Maker", f"p{i}@example.org"])
    m.contacts = B.write_csv(d / "contacts.csv", contacts)
    return m


def _contacts_known(ds) -> None:
    known = set(ds.deals["deal_id"])
    ghost = set(ds.contacts["deal_id"]) - known
    assert not ghost, f"contacts kept for unknown deals: {sorted(map(str, ghost))[:5]}"


@case("contacts_empty_file", "either", error_file="contacts", check=base_counts())
def contacts_empty_file(d: Path) -> Made:
    m = _csv(d, "deals.csv", base_rows())
    (d / "contacts_empty.csv").write_bytes(b"")
    m.contacts = d / "contacts_empty.csv"
    return m


@case("contacts_is_zip_bomb", "input_error", error_file="contacts", dangerous=True, seconds=15)
def contacts_zip_bomb(d: Path) -> Made:
    m = _csv(d, "deals.csv", base_rows())
    m.contacts = B.write_zip_bomb_xlsx(d / "contacts_bomb.xlsx")
    m.cells = None
    return m


@case("accounts_duplicate_keys", "ok", check=base_counts())
def accounts_duplicate_keys(d: Path) -> Made:
    """The same account twice with conflicting industries, keys differing in case and spaces."""
    rows = base_rows()
    rows[0] = [*rows[0], "Account Name"]
    for i, r in enumerate(rows[1:]):
        r.append(["Zyxwvut Holdings", "Acme Corp", "  acme   corp "][i % 3])
    m = _csv(d, "deals.csv", rows)
    m.accounts = B.write_csv(d / "accounts.csv", [
        ["Account Name", "Industry", "Annual Revenue", "Employees"],
        ["Zyxwvut Holdings", "Retail", "25M", 100],
        ["ZYXWVUT HOLDINGS", "Mining", "x", -5],
        ["acme corp", "Software", "1.2B", "#N/A"],
        ["", "Ghost", "", ""],
    ])
    return m


@case("accounts_wrong_file", "either", error_file="accounts", check=base_counts())
def accounts_wrong_file(d: Path) -> Made:
    """The deals file given again as --accounts (no account key anywhere)."""
    m = _csv(d, "deals.csv", base_rows())
    m.accounts = B.write_csv(d / "accounts.csv", [["Foo", "Bar"], [1, 2]])
    return m


# ======================================================== settings and command line


@case("config_not_toml", "input_error", error_file="config")
def config_not_toml(d: Path) -> Made:
    """--config points at a file that is not TOML (an xlsx zip)."""
    m = _csv(d, "deals.csv", base_rows())
    B.write_xlsx(d / "settings.toml", base_rows(3))
    m.config = d / "settings.toml"
    return m


@case("config_unknown_and_hostile_settings", "input_error", error_file="config",
      any_words=("min_deals", "setting"))
def config_hostile(d: Path) -> Made:
    """Settings out of range, an unknown key, a huge string."""
    m = _csv(d, "deals.csv", base_rows())
    text = 'min_deals = -1\nfdr = "lots"\n__class__ = "x"\nnote = "' + "y" * 100_000 + '"\n'
    (d / "settings.toml").write_text(text)
    m.config = d / "settings.toml"
    return m


@case("config_maps_outcome_to_missing_header", "input_error", column="Deal Phase", error_file="",
      cli_args=("--column", "outcome=Deal Phase"), lib_kwargs=(("columns", {"outcome": "Deal Phase"}),))
def override_missing_header(d: Path) -> Made:
    """--column outcome='Deal Phase' when the export has no such header."""
    return _csv(d, "deals.csv", base_rows())


@case("config_maps_outcome_to_amount", "either", column="Amount",
      cli_args=("--column", "outcome=Amount"), lib_kwargs=(("columns", {"outcome": "Amount"}),))
def override_outcome_to_amount(d: Path) -> Made:
    """--column outcome=Amount: a numeric column as the outcome (nothing closes)."""
    return _csv(d, "deals.csv", base_rows())


@case("sheet_that_does_not_exist", "input_error", any_words=("Nope",),
      cli_args=("--sheet", "Nope"), lib_kwargs=(("sheet", "Nope"),))
def sheet_missing(d: Path) -> Made:
    return _xlsx(d, "deals.xlsx", base_rows())


CASE_BY_NAME: dict[str, Case] = {c.name: c for c in CASES}
assert len(CASE_BY_NAME) == len(CASES), "duplicate case names"
