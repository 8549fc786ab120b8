"""Hostile inputs and situations, round two (issue 17): each one a command line run.

Every case builds its files in a fresh folder and gives the command line
arguments; the runner (``test_round2.py``) runs ``python -m winloss_xl`` as a
child process under a 60 s wall-time and 2 GB memory limit (measured) and
checks the exit code, the message, unchanged inputs, no leftovers and no
personal data in the outputs or the logs.

Classes: damaged packages (bad CRC, corrupt deflate, lying sizes, overlapping
members, too many members) for deals, contacts, accounts, templates and earlier
reports; extreme JSON numbers and strings; far-away sheet corners; unbounded
work (one-line files, duplicate headers, huge cells, wide JSON, zip bombs);
output paths that are not regular files; folders that cannot be written and
file-size limits; report sheet names in other letter case; personal data in
free text, segment values, split-by values and filters; split-by runs that fail
halfway; re-runs onto an earlier report; encodings; template contents that
reach outside the workbook.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from . import builders as B
from .corpus import HEADER, base_rows

# --------------------------------------------------------------------------- types


@dataclass
class Made2:
    """What a case built: the arguments, the inputs that must stay unchanged, and checks."""

    args: list[str]
    inputs: list[Path]
    #: output files (names in the work folder) an exit 0 must leave
    outputs: list[str] = field(default_factory=list)
    #: the file name an exit-3 message must name ("" for none)
    named: str = ""
    #: texts that must appear in no output cell, file name, stdout or stderr line
    forbidden: tuple[str, ...] = ()
    #: extra check on (work folder, run) after the common ones
    check: Callable[[Path, object], None] | None = None
    fsize: int | None = None
    #: restores what the case changed outside its files (e.g. unlocks a folder)
    undo: Callable[[], None] | None = None


@dataclass(frozen=True)
class Case2:
    name: str
    make: Callable[[Path], Made2]
    #: 0, 3, or "either" (0 or 3)
    expect: object
    #: an exit-3 message must contain one of these (case-insensitive)
    words: tuple[str, ...] = ()
    doc: str = ""


ROUND2: list[Case2] = []


def case(name: str, expect: object, **kw) -> Callable[[Callable[[Path], Made2]], Callable[[Path], Made2]]:
    def deco(fn: Callable[[Path], Made2]) -> Callable[[Path], Made2]:
        ROUND2.append(Case2(name=name, make=fn, expect=expect, doc=(fn.__doc__ or "").strip(), **kw))
        return fn
    return deco


def _deals(d: Path, n: int = 40, name: str = "deals.csv") -> Path:
    return B.write_csv(d / name, base_rows(n))


def _analyze(deals: Path, *extra: str, out: str = "report.xlsx") -> list[str]:
    return ["analyze", deals.name, *extra, "-o", out]


def _good_xlsx(d: Path, name: str, rows=None, sheet: str = "Deals") -> Path:
    return B.write_xlsx(d / name, rows if rows is not None else base_rows(40), sheet=sheet)


def _template(d: Path, name: str = "template.xlsx") -> Path:
    """The shipped template (what a user restyles)."""
    from winloss_xl.report.template import template_bytes

    path = d / name
    path.write_bytes(template_bytes())
    return path


def _sheet_text(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def _quality(path: Path) -> list[tuple[str, object, str]]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Data Quality"]
    ref = ws.tables["tblDataQuality"].ref
    return [tuple(c.value for c in row) for row in ws[ref][1:]]


def _quality_has(path: Path, *words: str) -> None:
    rows = _quality(path)
    hit = [r for r in rows if any(w.lower() in f"{r[0]} {r[2]}".lower() for w in words)]
    assert hit, f"no Data Quality row mentions {words}: {[r[0] for r in rows]}"


# ========================================================== damaged packages


def _damaged_xlsx(d: Path, name: str, how: str, member: str = "xl/worksheets/sheet1.xml") -> Path:
    good = _good_xlsx(d, "good-" + name)
    bad = B.rebuild_zip(good, d / name, damage={member: how})
    good.unlink()
    return bad


@case("deals_xlsx_bad_crc", 3, words=("crc", "checksum"))
def deals_bad_crc(d: Path) -> Made2:
    """The deals sheet member fails its CRC (zipfile.BadZipFile before)."""
    bad = _damaged_xlsx(d, "deals.xlsx", "crc")
    return Made2(_analyze(bad), [bad], named="deals.xlsx")


@case("deals_xlsx_corrupt_deflate", 3, words=("damaged",))
def deals_corrupt_deflate(d: Path) -> Made2:
    """Junk in the middle of the sheet's deflate stream (zlib.error before)."""
    bad = _damaged_xlsx(d, "deals.xlsx", "deflate")
    return Made2(_analyze(bad), [bad], named="deals.xlsx")


@case("deals_xlsx_shared_strings_bad_crc", 3, words=("crc", "checksum"))
def deals_sst_crc(d: Path) -> Made2:
    good = _good_xlsx(d, "good.xlsx")
    with zipfile.ZipFile(good) as zf:
        member = next(n for n in zf.namelist() if n.endswith("sharedStrings.xml")) if any(
            n.endswith("sharedStrings.xml") for n in zf.namelist()) else "xl/styles.xml"
    bad = B.rebuild_zip(good, d / "deals.xlsx", damage={member: "crc"})
    good.unlink()
    return Made2(_analyze(bad), [bad], named="deals.xlsx")


@case("deals_xlsx_member_lies_about_size", 3, words=("damaged",))
def deals_short(d: Path) -> Made2:
    """The sheet member declares a third of its real size, with the CRC of that third."""
    bad = _damaged_xlsx(d, "deals.xlsx", "short")
    return Made2(_analyze(bad), [bad], named="deals.xlsx")


@case("deals_xlsx_overlapping_members", 3, words=("damaged", "overlap"))
def deals_overlap(d: Path) -> Made2:
    """200 central-directory entries all pointing at the sheet's data (a 'better zip bomb')."""
    p = B.write_overlapping_xlsx(d / "deals.xlsx", base_rows(20))
    return Made2(_analyze(p), [p], named="deals.xlsx")


@case("deals_xlsx_twelve_thousand_members", 3, words=("parts",))
def deals_many_members(d: Path) -> Made2:
    good = _good_xlsx(d, "good.xlsx")
    extra = {f"xl/media/junk{i:05d}.bin": b"x" for i in range(12_000)}
    bad = B.rebuild_zip(good, d / "deals.xlsx", extra=extra)
    good.unlink()
    return Made2(_analyze(bad), [bad], named="deals.xlsx")


@case("deals_xlsx_truncated_file", 3, words=("damaged", "zip"))
def deals_truncated(d: Path) -> Made2:
    good = _good_xlsx(d, "good.xlsx")
    data = good.read_bytes()
    good.unlink()
    (d / "deals.xlsx").write_bytes(data[: len(data) // 2])
    return Made2(_analyze(d / "deals.xlsx"), [d / "deals.xlsx"], named="deals.xlsx")


@case("contacts_xlsx_bad_crc", 3, words=("crc", "checksum"))
def contacts_bad_crc(d: Path) -> Made2:
    deals = _deals(d)
    good = _good_xlsx(d, "good.xlsx", [["Opportunity ID", "Contact: Title"],
                                       *[[f"D-{i + 1:04d}", "CFO"] for i in range(40)]], "Contacts")
    bad = B.rebuild_zip(good, d / "contacts.xlsx", damage={"xl/worksheets/sheet1.xml": "crc"})
    good.unlink()
    return Made2(_analyze(deals, "--contacts", bad.name), [deals, bad], named="contacts.xlsx")


@case("accounts_xlsx_corrupt_deflate", 3, words=("damaged",))
def accounts_corrupt(d: Path) -> Made2:
    rows = base_rows(40)
    rows[0].append("Account Name")
    for i, r in enumerate(rows[1:]):
        r.append(f"Account {i % 5}")
    deals = B.write_csv(d / "deals.csv", rows)
    good = _good_xlsx(d, "good.xlsx", [["Account Name", "Industry"],
                                       *[[f"Account {i}", "Retail"] for i in range(5)]], "Accounts")
    bad = B.rebuild_zip(good, d / "accounts.xlsx", damage={"xl/worksheets/sheet1.xml": "deflate"})
    good.unlink()
    return Made2(_analyze(deals, "--accounts", bad.name), [deals, bad], named="accounts.xlsx")


@case("template_bad_crc", 3, words=("crc", "checksum"))
def template_bad_crc(d: Path) -> Made2:
    deals = _deals(d)
    good = _template(d, "good.xlsx")
    bad = B.rebuild_zip(good, d / "template.xlsx", damage={"xl/worksheets/sheet2.xml": "crc"})
    good.unlink()
    return Made2(_analyze(deals, "--template", bad.name), [deals, bad], named="template.xlsx")


@case("template_corrupt_deflate", 3, words=("damaged",))
def template_corrupt(d: Path) -> Made2:
    deals = _deals(d)
    good = _template(d, "good.xlsx")
    bad = B.rebuild_zip(good, d / "template.xlsx", damage={"xl/styles.xml": "deflate"})
    good.unlink()
    return Made2(_analyze(deals, "--template", bad.name), [deals, bad], named="template.xlsx")


@case("earlier_report_bad_crc", 3, words=("crc", "checksum"))
def earlier_report_crc(d: Path) -> Made2:
    """-o names an earlier report that is damaged: exit 3, the damaged file left as it was."""
    deals = _deals(d)
    good = _template(d, "good.xlsx")
    B.rebuild_zip(good, d / "report.xlsx", damage={"xl/workbook.xml": "crc"})
    good.unlink()
    return Made2(_analyze(deals), [deals, d / "report.xlsx"], named="report.xlsx")


@case("template_zip_bomb", 3, words=("unpacks",))
def template_bomb(d: Path) -> Made2:
    """A template whose sheet inflates to 1.1 GB (killed after 60 s at 1.2 GB before)."""
    deals = _deals(d)
    bomb = B.write_zip_bomb_xlsx(d / "template.xlsx")
    return Made2(_analyze(deals, "--template", bomb.name), [deals, bomb], named="template.xlsx")


@case("accounts_zip_bomb", 3, words=("unpacks",))
def accounts_bomb(d: Path) -> Made2:
    deals = _deals(d)
    bomb = B.write_zip_bomb_xlsx(d / "accounts.xlsx")
    return Made2(_analyze(deals, "--accounts", bomb.name), [deals, bomb], named="accounts.xlsx")


# ================================================================ JSON extremes


def _json_deals(d: Path, name: str, amount_text: str | None = None, **extra) -> Path:
    deals = []
    for i, r in enumerate(base_rows(30)[1:]):
        rec = dict(zip(HEADER, r))
        rec.update({k: v(i) if callable(v) else v for k, v in extra.items()})
        deals.append(rec)
    text = json.dumps(deals)
    if amount_text is not None:
        text = text.replace('"Amount": 1000,', f'"Amount": {amount_text},')
    (d / name).write_text(text)
    return d / name


@case("json_4000_digit_amount", 0)
def json_4000_digits(d: Path) -> Made2:
    """A 4,000-digit number (OverflowError before)."""
    p = _json_deals(d, "deals.json", "9" * 4000)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"])


@case("json_5000_digit_amount", 0)
def json_5000_digits(d: Path) -> Made2:
    """A 5,000-digit number ('Exceeds the limit (4300 digits)' before)."""
    p = _json_deals(d, "deals.json", "1" + "0" * 4999)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"])


@case("json_huge_exponent_and_long_fraction", 0)
def json_exponent(d: Path) -> Made2:
    p = _json_deals(d, "deals.json", "1" + "0" * 3000 + "." + "5" * 3000 + "e99999")
    return Made2(_analyze(p), [p], outputs=["report.xlsx"])


@case("json_100mb_string", 0)
def json_huge_string(d: Path) -> Made2:
    """One 100 MB loss reason (killed after 60 s before): cut to Excel's cell limit, counted."""
    p = _json_deals(d, "deals.json", Notes=lambda i: "x" * 100_000_000 if i == 3 else "short")
    return Made2(_analyze(p), [p], outputs=["report.xlsx"],
                 check=lambda w, r: _quality_has(w / "report.xlsx", "Long cells cut"))


@case("json_twenty_thousand_keys", 3, words=("keys", "columns"))
def json_wide(d: Path) -> Made2:
    """20,000 deals, each with a key of its own: a 20,000 x 20,000 table."""
    deals = [{"Stage": "Closed Won", f"field{i}": 1} for i in range(20_000)]
    (d / "deals.json").write_text(json.dumps(deals))
    return Made2(_analyze(d / "deals.json"), [d / "deals.json"], named="deals.json")


# ================================================================ far corners


def _far_corner_package(path: Path, part: str = "xl/worksheets/sheet1.xml", prefix: str = "") -> Path:
    """20 deals plus a stray cell at XFD1048576, the sheet stored at ``part``."""
    from .corpus import _addressed_rows

    sheet = _addressed_rows(base_rows(20), '<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                            '<is><t>x</t></is></c></row>')
    if prefix:
        sheet = (sheet.replace("<worksheet xmlns=", f"<{prefix}:worksheet xmlns:{prefix}=")
                 .replace("</worksheet>", f"</{prefix}:worksheet>"))
        for tag in ("sheetData", "row", "c", "is", "t", "v"):
            sheet = sheet.replace(f"<{tag}>", f"<{prefix}:{tag}>").replace(
                f"<{tag} ", f"<{prefix}:{tag} ").replace(f"</{tag}>", f"</{prefix}:{tag}>")
    tmp = B.write_raw_xlsx(path.with_suffix(".tmp.xlsx"), sheet)
    target = part.removeprefix("xl/")
    B.rebuild_zip(tmp, path, edit={"xl/_rels/workbook.xml.rels": lambda b: b.replace(
        b"worksheets/sheet1.xml", target.encode())} if part != "xl/worksheets/sheet1.xml" else {},
        extra={})
    if part != "xl/worksheets/sheet1.xml":
        with zipfile.ZipFile(path) as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        members[part] = members.pop("xl/worksheets/sheet1.xml")
        z = B.RawZip(path)
        for name, data in members.items():
            z.add(name, data)
        z.close()
    tmp.unlink()
    return path


def _counts_check(won: int, lost: int):
    def check(work: Path, run) -> None:
        wb = openpyxl.load_workbook(work / "report.xlsx")
        ws = wb["Summary"]
        ref = ws.tables["tblSummary"].ref
        rows = {r[0].value: r[1].value for r in ws[ref][1:]}
        assert (rows["Won"], rows["Lost"]) == (won, lost), rows
    return check


_W20, _L20 = sum(1 for r in base_rows(20)[1:] if r[1] == "Closed Won"), sum(
    1 for r in base_rows(20)[1:] if r[1] == "Closed Lost")


@case("xlsx_far_corner_sheet_at_unusual_part", "either", words=("cells",))
def far_corner_unusual(d: Path) -> Made2:
    """The sheet lives at xl/data/deals.xml (rels point there) and reaches XFD1048576:
    calamine would abort the process allocating 512 GB."""
    p = _far_corner_package(d / "deals.xlsx", part="xl/data/deals.xml")
    return Made2(_analyze(p), [p], outputs=["report.xlsx"], named="deals.xlsx")


@case("xlsx_far_corner_prefixed_namespace", 0)
def far_corner_prefixed(d: Path) -> Made2:
    """Elements with a namespace prefix (<x:c r="XFD1048576">): read bounded, stray cell dropped."""
    p = _far_corner_package(d / "deals.xlsx", prefix="x")
    return Made2(_analyze(p), [p], outputs=["report.xlsx"], check=_counts_check(_W20, _L20))


@case("xlsx_far_corner_bounded_read", 0)
def far_corner_bounded(d: Path) -> Made2:
    p = _far_corner_package(d / "deals.xlsx")
    def check(work: Path, run) -> None:
        _counts_check(_W20, _L20)(work, run)
        _quality_has(work / "report.xlsx", "Stray cells")
    return Made2(_analyze(p), [p], outputs=["report.xlsx"], check=check)


@case("xlsx_far_corner_contacts", "either", words=("cells",))
def far_corner_contacts(d: Path) -> Made2:
    deals = _deals(d, 20)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    ws.append(["Opportunity ID", "Contact: Title"])
    for i in range(20):
        ws.append([f"D-{i + 1:04d}", "CFO"])
    ws["XFD1048576"] = "x"
    wb.save(d / "contacts.xlsx")
    return Made2(_analyze(deals, "--contacts", "contacts.xlsx"), [deals, d / "contacts.xlsx"],
                 outputs=["report.xlsx"], named="contacts.xlsx")


@case("template_far_corner", 3, words=("cells",))
def template_far_corner(d: Path) -> Made2:
    deals = _deals(d)
    wb = openpyxl.load_workbook(_template(d, "good.xlsx"))
    wb["How to use"]["XFD1048576"] = "x"
    wb.save(d / "template.xlsx")
    (d / "good.xlsx").unlink()
    return Made2(_analyze(deals, "--template", "template.xlsx"), [deals, d / "template.xlsx"],
                 named="template.xlsx")


# ================================================================ unbounded work


@case("csv_50mb_one_line", 3, words=("columns",))
def csv_50mb_line(d: Path) -> Made2:
    """50 MB on one line (killed after 60 s at 1.2 GB before)."""
    (d / "line.csv").write_bytes(b"Stage,Amount," * (50_000_000 // 13))
    return Made2(_analyze(d / "line.csv"), [d / "line.csv"], named="line.csv")


@case("csv_2mb_one_line_duplicate_headers", 3, words=("columns",))
def csv_2mb_line(d: Path) -> Made2:
    """2 MB of repeated headers on one line (over 120 s in pandas' renaming before)."""
    (d / "dups.csv").write_bytes(b"Stage,Amount,Industry," * (2_000_000 // 22) + b"\n")
    return Made2(_analyze(d / "dups.csv"), [d / "dups.csv"], named="dups.csv")


@case("csv_ten_thousand_duplicate_headers", 0)
def csv_many_dups(d: Path) -> Made2:
    """10,000 columns all named 'Notes' beside the deals: made unique in one linear pass."""
    rows = base_rows(30)
    rows[0] = [*rows[0], *(["Notes"] * 10_000)]
    for r in rows[1:]:
        r.extend([""] * 10_000)
    p = B.write_csv(d / "dups.csv", rows)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"])


@case("csv_100mb_cell", 0)
def csv_huge_cell(d: Path) -> Made2:
    """A 100 MB loss reason in a CSV: cut to Excel's cell limit before any text rule runs."""
    rows = base_rows(30)
    for i, r in enumerate(rows[1:]):
        if r[1] == "Closed Lost" and i == 1:
            r[7] = "Price " + "z" * 100_000_000
    p = B.write_csv(d / "bigcell.csv", rows)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"],
                 check=lambda w, r: _quality_has(w / "report.xlsx", "Long cells cut"))


@case("csv_quoted_cell_of_many_lines", 0)
def csv_multiline_cell(d: Path) -> Made2:
    """A quoted 3 MB cell made of short lines (every line is short; the cell is not)."""
    rows = base_rows(30)
    rows[0].append("Notes")
    for i, r in enumerate(rows[1:]):
        r.append("word " * 12 + "\n" if i else ("line of text\n" * 250_000))
    p = B.write_csv(d / "multiline.csv", rows)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"],
                 check=lambda w, r: _quality_has(w / "report.xlsx", "Long cells cut"))


# ================================================================ output paths


@case("output_is_a_fifo", 3, words=("FIFO", "regular"))
def out_fifo(d: Path) -> Made2:
    """-o names a FIFO (hung before)."""
    deals = _deals(d)
    os.mkfifo(d / "report.xlsx")
    return Made2(_analyze(deals), [deals], named="report.xlsx")


@case("output_links_to_dev_full", 3, words=("device", "regular"))
def out_dev_full(d: Path) -> Made2:
    """-o is a symlink to /dev/full (7.6 GB of memory before exit 3)."""
    deals = _deals(d)
    os.symlink("/dev/full", d / "report.xlsx")
    return Made2(_analyze(deals), [deals], named="report.xlsx")


@case("output_links_to_a_fifo", 3, words=("FIFO", "regular"))
def out_link_fifo(d: Path) -> Made2:
    deals = _deals(d)
    os.mkfifo(d / "pipe")
    os.symlink(d / "pipe", d / "report.xlsx")
    return Made2(_analyze(deals), [deals], named="report.xlsx")


@case("output_is_dev_null", 3, words=("device", "regular"))
def out_dev_null(d: Path) -> Made2:
    deals = _deals(d)
    return Made2(["analyze", deals.name, "-o", "/dev/null"], [deals], named="null")


@case("output_is_a_folder", 3, words=("folder", "xlsx"))
def out_folder(d: Path) -> Made2:
    deals = _deals(d)
    (d / "report.xlsx").mkdir()
    return Made2(_analyze(deals), [deals], named="report.xlsx")


@case("deals_input_is_a_fifo", 3, words=("FIFO", "regular"))
def in_fifo(d: Path) -> Made2:
    """The deals 'file' is a FIFO nobody writes to: reading it would wait for ever."""
    os.mkfifo(d / "deals.csv")
    return Made2(_analyze(d / "deals.csv"), [], named="deals.csv")


@case("contacts_input_links_to_dev_zero", 3, words=("device", "regular"))
def in_dev_zero(d: Path) -> Made2:
    """--contacts is a symlink to /dev/zero: reading it would never end."""
    deals = _deals(d)
    os.symlink("/dev/zero", d / "contacts.csv")
    return Made2(_analyze(deals, "--contacts", "contacts.csv"), [deals], named="contacts.csv")


def _lock_folder(folder: Path) -> Callable[[], None]:
    """Make ``folder`` refuse new files even to root (immutable), else read-only; returns the undo."""
    import shutil
    import subprocess

    if os.geteuid() == 0 and shutil.which("chattr") and subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)
    os.chmod(folder, 0o555)
    return lambda: os.chmod(folder, 0o755)


@case("output_folder_not_writable", 3, words=("permission",))
def out_not_writable(d: Path) -> Made2:
    """The output folder refuses new files (PermissionError on the temp file before)."""
    deals = _deals(d)
    (d / "locked").mkdir()
    undo = _lock_folder(d / "locked")
    return Made2(_analyze(deals, out="locked/report.xlsx"), [deals], named="report.xlsx", undo=undo)


@case("file_size_limit_while_writing", 3, words=("too large",))
def out_fsize(d: Path) -> Made2:
    """RLIMIT_FSIZE of 20 KB: the write fails with 'File too large' (a traceback before)."""
    deals = _deals(d)
    return Made2(_analyze(deals), [deals], named="report.xlsx", fsize=20_000)


# ================================================================ sheet names


def _template_with_sheet(d: Path, title: str) -> Path:
    wb = openpyxl.load_workbook(_template(d, "good.xlsx"))
    wb.create_sheet(title)["A1"] = "my own notes"
    wb.save(d / "template.xlsx")
    (d / "good.xlsx").unlink()
    return d / "template.xlsx"


@case("template_sheet_named_summary_lowercase", 3, words=("letter case",))
def template_summary(d: Path) -> Made2:
    """A template sheet 'summary' (ValueError: 'Summary' is not in list before)."""
    deals = _deals(d)
    wb = openpyxl.load_workbook(_template(d, "good.xlsx"))
    del wb["Summary"]
    wb.create_sheet("summary")["A1"] = "mine"
    wb.save(d / "template.xlsx")
    (d / "good.xlsx").unlink()
    return Made2(_analyze(deals, "--template", "template.xlsx"), [deals, d / "template.xlsx"],
                 named="template.xlsx")


@case("template_sheet_named_data_quality_lowercase", 3, words=("letter case",))
def template_dq(d: Path) -> Made2:
    """A template sheet 'data quality' (passed silently before: Excel then refuses the file)."""
    deals = _deals(d)
    t = _template_with_sheet(d, "data quality")
    return Made2(_analyze(deals, "--template", t.name), [deals, t], named="template.xlsx")


@case("earlier_report_sheet_named_PATTERNS", 3, words=("letter case",))
def report_patterns(d: Path) -> Made2:
    deals = _deals(d)
    wb = openpyxl.Workbook()
    wb.active.title = "PATTERNS"
    wb.save(d / "report.xlsx")
    return Made2(_analyze(deals), [deals, d / "report.xlsx"], named="report.xlsx")


# ================================================================ privacy

PLANTED = ("Qwertyson", "Jane Qzorblatt", "Xylofane", "jane.q@example.org", "415 555 0199",
           "Zyxwvut", "+44 20 7946 0958")


def _planted_deals(d: Path, n: int = 60) -> Path:
    rows = [[*HEADER, "Account Name", "Buyer Email", "Champion Title", "Region"]]
    reasons = ["call back Qwertyson on 415 555 0199", "Jane Qzorblatt left the company",
               "email jane.q@example.org re pricing", "Lost to Zyxwvut Holdings' own team",
               "Spoke with Mr Xylofane: too expensive", "Price", "Timing", "Price"]
    for i, r in enumerate(base_rows(n)[1:]):
        r[7] = reasons[i % len(reasons)] if r[1] == "Closed Lost" else ""
        rows.append([*r, ["Zyxwvut Holdings", "Acme Corp", "Brambleworth"][i % 3],
                     ["jane.q@example.org", "u.xylofane@example.net"][i % 2],
                     ["VP Sales (Jane Qzorblatt)", "CFO", "Head of IT"][i % 3],
                     ["EMEA", "AMER", "+44 20 7946 0958"][i % 3]])
    return B.write_csv(d / "deals.csv", rows)


def _categories_count_all(work: Path, run) -> None:
    wb = openpyxl.load_workbook(work / "report.xlsx")
    ws = wb["Loss Reasons"]
    raw = [r for r in ws[ws.tables["tblLossReasonsRaw"].ref][1:]]
    cats = [r for r in ws[ws.tables["tblLossReasons"].ref][1:]]
    assert sum(r[2].value for r in raw) == sum(r[1].value for r in cats), "raw table lost citations"
    assert any("not shown" in str(r[0].value) for r in raw), "nothing folded"


@case("free_text_names_phones_emails", 0)
def privacy_free_text(d: Path) -> Made2:
    """Loss reasons naming people, phones, emails and an account; a buyer-email column."""
    p = _planted_deals(d)
    return Made2(_analyze(p), [p], outputs=["report.xlsx"],
                 forbidden=("Qwertyson", "Qzorblatt", "jane.q@", "415 555", "Zyxwvut Holdings'",
                            "Xylofane"), check=_categories_count_all)


@case("split_by_region_with_a_phone_value", 0)
def privacy_split(d: Path) -> Made2:
    """--split-by Region, one region value being a phone number: no file name or log carries it."""
    p = _planted_deals(d)
    def check(work: Path, run) -> None:
        names = sorted(x.name for x in work.iterdir() if x.suffix == ".xlsx")
        assert len(names) == 3, names
        assert any("part-" in n for n in names), names
    return Made2(_analyze(p, "--split-by", "Region"), [p],
                 outputs=["report-AMER.xlsx", "report-EMEA.xlsx", "report-part-01.xlsx"],
                 forbidden=("7946", "+44"), check=check)


@case("where_value_is_a_phone", "either", words=("Region",))
def privacy_where(d: Path) -> Made2:
    p = _planted_deals(d)
    return Made2(_analyze(p, "--where", "Region=+44 20 7946 0958"), [p], outputs=["report.xlsx"],
                 forbidden=("7946",), named="")


# ================================================================ data safety


@case("split_by_part_collides_with_an_input", 3, words=("overwrite",))
def split_collides(d: Path) -> Made2:
    """One part's file name is the accounts input: exit 3 and no part written at all
    (a partial set of reports was left before)."""
    rows = base_rows(60)
    rows = [rows[0] + ["Account Name"]] + [[*r, f"Acct {i % 7}"] for i, r in enumerate(rows[1:])]
    p = B.write_csv(d / "deals.csv", rows)
    accounts = B.write_xlsx(d / "report-Retail.xlsx", [["Account Name", "Employees"], ["Acct 1", 40]],
                            sheet="Accounts")
    def check(work: Path, run) -> None:
        left = sorted(x.name for x in work.iterdir() if x.name.startswith("report-")
                      and x.name != "report-Retail.xlsx")
        assert not left, f"partial set of reports left: {left}"
    return Made2(["analyze", "deals.csv", "--split-by", "Industry", "--accounts", accounts.name,
                  "-o", "report.xlsx"], [p, accounts], named="report-Retail.xlsx", check=check)


@case("rerun_onto_own_report_gives_first_run_bytes", 0)
def rerun_bytes(d: Path) -> Made2:
    """-o an earlier report of our own: the same bytes as a first run (3 digests before)."""
    import subprocess
    import sys

    deals = _deals(d)
    subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", "deals.csv", "-o", "fresh.xlsx",
                    "-q"], cwd=d, check=True)
    (d / "again.xlsx").write_bytes((d / "fresh.xlsx").read_bytes())
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", "deals.csv", "-o",
                        "again.xlsx", "-q"], cwd=d, check=True)
    def check(work: Path, run) -> None:
        assert (work / "again.xlsx").read_bytes() == (work / "fresh.xlsx").read_bytes()
    return Made2(_analyze(deals, out="again.xlsx"), [deals, d / "fresh.xlsx"], outputs=["again.xlsx"],
                 check=check)


@case("rerun_onto_report_with_user_sheet_is_stable", 0)
def rerun_user_sheet(d: Path) -> Made2:
    import subprocess
    import sys

    deals = _deals(d)
    subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", "deals.csv", "-o", "mine.xlsx",
                    "-q"], cwd=d, check=True)
    wb = openpyxl.load_workbook(d / "mine.xlsx")
    wb.create_sheet("My notes")["A1"] = "keep me"
    wb.save(d / "mine.xlsx")
    subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", "deals.csv", "-o", "mine.xlsx",
                    "-q"], cwd=d, check=True)
    (d / "previous.bin").write_bytes((d / "mine.xlsx").read_bytes())
    def check(work: Path, run) -> None:
        assert (work / "mine.xlsx").read_bytes() == (work / "previous.bin").read_bytes()
        assert openpyxl.load_workbook(work / "mine.xlsx")["My notes"]["A1"].value == "keep me"
    return Made2(_analyze(deals, out="mine.xlsx"), [deals, d / "previous.bin"], outputs=["mine.xlsx"],
                 check=check)


# ================================================================ encodings


def _accented_rows(n: int) -> list[list[object]]:
    rows = base_rows(n)
    rows[0][5] = "Secteur"
    for i, r in enumerate(rows[1:]):
        r[5] = ["Énergie", "Télécoms", "Santé", "Commerce"][i % 4]
    return rows


def _has_text(*texts: str):
    def check(work: Path, run) -> None:
        cells = "\n".join(_sheet_text(work / "report.xlsx"))
        for t in texts:
            assert t in cells, f"{t!r} is not in the report"
    return check


@case("utf8_one_bad_byte_at_row_90000", 0)
def utf8_bad_byte(d: Path) -> Made2:
    """One invalid byte at row 90,000 of 100,000: the file stays UTF-8, the byte is counted."""
    data = bytearray(B.csv_text(_accented_rows(100_000)).encode("utf-8"))
    at = data.index(b"\n", len(data) * 9 // 10) + 1
    data[at:at] = b"\xff"
    (d / "deals.csv").write_bytes(bytes(data))
    def check(work: Path, run) -> None:
        _has_text("Énergie", "Télécoms")(work, run)
        rows = _quality(work / "report.xlsx")
        bad = [r for r in rows if r[0] == "Invalid UTF-8 bytes replaced"]
        assert bad and bad[0][1] == 1, rows
    return Made2(_analyze(d / "deals.csv"), [d / "deals.csv"], outputs=["report.xlsx"], check=check)


def _cjk_deals(d: Path, encoding: str, header: str, values: list[str]) -> Path:
    rows = base_rows(60)
    rows[0].append(header)
    for i, r in enumerate(rows[1:]):
        r.append(values[i % len(values)])
    (d / "deals.csv").write_bytes(B.csv_text(rows).encode(encoding))
    return d / "deals.csv"


@case("gb18030_header_and_values", 0)
def gb18030(d: Path) -> Made2:
    p = _cjk_deals(d, "gb18030", "行业", ["软件", "零售", "金融"])
    return Made2(_analyze(p), [p], outputs=["report.xlsx"], check=_has_text("行业", "软件"))


@case("shift_jis_header_and_values", 0)
def shift_jis(d: Path) -> Made2:
    p = _cjk_deals(d, "shift_jis", "業種", ["ソフトウェア", "小売", "金融"])
    return Made2(_analyze(p), [p], outputs=["report.xlsx"], check=_has_text("業種", "ソフトウェア"))


@case("windows_1252_french", 0)
def cp1252(d: Path) -> Made2:
    (d / "deals.csv").write_bytes(B.csv_text(_accented_rows(60)).encode("cp1252"))
    return Made2(_analyze(d / "deals.csv"), [d / "deals.csv"], outputs=["report.xlsx"],
                 check=_has_text("Énergie", "Télécoms"))


# ================================================================ template contents


def _no_outside_parts(work: Path, run) -> None:
    with zipfile.ZipFile(work / "report.xlsx") as zf:
        names = zf.namelist()
    bad = [n for n in names if n.startswith(("xl/externalLinks/", "xl/connections", "xl/queryTables"))]
    assert not bad, bad
    wb = openpyxl.load_workbook(work / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (c.data_type == "f" and "|" in str(c.value)), f"DDE kept at {c.coordinate}"


@case("template_with_dde_formula", 0)
def template_dde(d: Path) -> Made2:
    """=cmd|' /C calc'!A0 in the template: dropped and said so in Data Quality."""
    deals = _deals(d)
    wb = openpyxl.load_workbook(_template(d, "good.xlsx"))
    wb["How to use"]["D4"] = "=cmd|' /C calc'!A0"
    wb["Config"]["E2"] = "=+MSEXCEL|'\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe'!''"
    wb.save(d / "template.xlsx")
    (d / "good.xlsx").unlink()
    def check(work: Path, run) -> None:
        _no_outside_parts(work, run)
        _quality_has(work / "report.xlsx", "DDE")
    return Made2(_analyze(deals, "--template", "template.xlsx"), [deals, d / "template.xlsx"],
                 outputs=["report.xlsx"], check=check)


_EXT_REL = ('<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>')
_EXT_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r='
             b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
             b'<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
_EXT_LINK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                  b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                  b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  b'relationships/externalLinkPath" Target="file:///C:/secret/payroll.xlsx" '
                  b'TargetMode="External"/></Relationships>')
_CONNECTIONS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<connections xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" '
                b'name="crm" type="1" refreshOnLoad="1"><dbPr connection="DSN=crm;UID=sa;PWD=x" '
                b'command="SELECT * FROM deals"/></connection></connections>')
_CONN_REL = ('<Relationship Id="rIdX8" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/connections" Target="connections.xml"/>')


def _template_with_parts(d: Path, rels: str, extra: dict[str, bytes]) -> Path:
    good = _template(d, "good.xlsx")
    B.rebuild_zip(good, d / "template.xlsx", extra=extra, edit={
        "xl/_rels/workbook.xml.rels": lambda b: b.replace(b"</Relationships>",
                                                          rels.encode() + b"</Relationships>")})
    good.unlink()
    return d / "template.xlsx"


@case("template_with_external_link", 0)
def template_external(d: Path) -> Made2:
    """An external-link part pointing at another workbook: not carried into the report."""
    deals = _deals(d)
    t = _template_with_parts(d, _EXT_REL, {"xl/externalLinks/externalLink1.xml": _EXT_LINK,
                                           "xl/externalLinks/_rels/externalLink1.xml.rels":
                                           _EXT_LINK_RELS})
    def check(work: Path, run) -> None:
        _no_outside_parts(work, run)
        _quality_has(work / "report.xlsx", "External links")
    return Made2(_analyze(deals, "--template", t.name), [deals, t], outputs=["report.xlsx"],
                 forbidden=("payroll",), check=check)


@case("template_with_data_connection", 0)
def template_connection(d: Path) -> Made2:
    """A data connection (DSN, SQL, refresh on open): not carried into the report."""
    deals = _deals(d)
    t = _template_with_parts(d, _CONN_REL, {"xl/connections.xml": _CONNECTIONS})
    def check(work: Path, run) -> None:
        _no_outside_parts(work, run)
        _quality_has(work / "report.xlsx", "Data connections")
    return Made2(_analyze(deals, "--template", t.name), [deals, t], outputs=["report.xlsx"],
                 forbidden=("PWD=", "SELECT *"), check=check)


ROUND2_BY_NAME = {c.name: c for c in ROUND2}
assert len(ROUND2_BY_NAME) == len(ROUND2), "duplicate case names"


def is_special(path: Path) -> bool:
    """A FIFO, device or socket (or a link to one): never hashed or read by the checks."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
