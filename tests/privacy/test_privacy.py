"""End-to-end privacy and safety guarantees of the command line.

- No log line, stdout/stderr text or report cell contains an account name, contact
  name, email, phone or deal name from the input (scanned with the input's own values).
- Input files are byte-identical after every run.
- Identical input gives byte-identical output.
- Output is written atomically: killing a run at any moment never leaves a partial
  report where the report belongs (an earlier report stays intact).
- The output may not be one of the inputs.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hostile.builders import write_csv, write_xlsx
from hostile.checks import all_sheet_text, file_hashes, workbook_problems

from winloss_xl.cli import main

ACCOUNTS = ["Zyxwvut Holdings", "Qwplmnb Industries", "Vexqort Logistics LLC", "Brambleworth Ofrax GmbH"]
CONTACTS = [("Jane Qzorblatt", "jane.q@example.org", "+1 555 0101 777"),
            ("Umberto Xylofane", "u.xylofane@example.net", "+44 20 7946 0958"),
            ("Søren Ækvilbrandt", "soren.aekvil@example.com", "(555) 867-5309"),
            ("محمد زخرفان", "m.zakhrafan@example.org", "+971 4 555 0199")]
DEAL_NAMES = ["Project Nightjarvex", "Zyxwvut Holdings - Platform Expansion", "Operation Quillfeather",
              "Vexqort Renewal 2024"]
STREETS = ["42 Gorblax Lane", "7 Rue Pfennigsfeld"]
#: distinctive tokens: none of these may appear anywhere in logs or the report
TOKENS = ["zyxwvut", "qwplmnb", "vexqort", "brambleworth", "ofrax", "qzorblatt", "xylofane",
          "ækvilbrandt", "aekvil", "زخرفان", "zakhrafan", "nightjarvex", "quillfeather", "@example.",
          "555 0101", "7946 0958", "867-5309", "gorblax", "pfennigsfeld"]

STAGES = ["Closed Won", "Closed Lost", "Closed Lost", "Closed Won", "Negotiation/Review"]
INDUSTRIES = ["Software", "Retail", "Healthcare", "Finance"]


def _forbidden() -> list[str]:
    values = [*ACCOUNTS, *DEAL_NAMES, *STREETS]
    for name, email, phone in CONTACTS:
        values += [name, email, phone, *name.split()]
    return sorted({v.lower() for v in values if len(v) >= 5} | set(TOKENS))


def _salesforce_deals(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [[
        "Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
        "Created Date", "Industry", "Lead Source", "Loss Reason", "Primary Contact", "Contact Email",
        "Contact Phone", "Champion Title", "Billing Street", "Description"]]
    for i in range(n):
        name, email, phone = CONTACTS[i % 4]
        stage = STAGES[i % 5]
        rows.append([
            f"006{i:09d}", f"{DEAL_NAMES[i % 4]} #{i}", ACCOUNTS[i % 4], stage, 1000 + 137 * i,
            f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}",
            INDUSTRIES[i % 4], ["Web", "Partner", "Event"][i % 3],
            ["Price", "Timing", "Competitor"][i % 3] if stage == "Closed Lost" else "",
            name, email, phone, ["VP Sales", "CFO", "Head of IT"][i % 3], STREETS[i % 2],
            f"Call {name} at {phone} about {DEAL_NAMES[i % 4]}"])
    return rows


def _contacts(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [["Opportunity ID", "Contact: Full Name", "Contact: Email", "Contact: Title",
                                 "Role", "Phone", "Account Name"]]
    for i in range(n):
        for k in range(2):
            name, email, phone = CONTACTS[(i + k) % 4]
            rows.append([f"006{i:09d}", name, email, ["Chief Financial Officer", "IT Manager",
                                                      "VP Sales", "Procurement Lead"][(i + k) % 4],
                         ["Decision Maker", "Economic Buyer", "Influencer"][(i + k) % 3], phone,
                         ACCOUNTS[i % 4]])
    return rows


def _accounts() -> list[list[object]]:
    rows: list[list[object]] = [["Account Name", "Industry", "Annual Revenue", "Employees", "Website",
                                 "Billing Street", "Account Owner Email"]]
    for i, acc in enumerate(ACCOUNTS):
        rows.append([acc, INDUSTRIES[i], f"{(i + 1) * 20}M", 100 * (i + 1),
                     f"https://{acc.split()[0].lower()}.example.com", STREETS[i % 2], CONTACTS[i][1]])
    return rows


def _hubspot_deals(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [["Record ID", "Deal Name", "Associated Company", "Deal Stage", "Amount",
                                 "Close Date", "Create Date", "Deal Type", "Closed Lost Reason",
                                 "Associated Contact", "Contact email"]]
    for i in range(n):
        rows.append([1000 + i, DEAL_NAMES[i % 4], ACCOUNTS[i % 4],
                     ["closedwon", "closedlost", "closedlost", "closedwon", "appointmentscheduled"][i % 5],
                     f"${1000 + 37 * i:,.2f}", f"2024-0{1 + i % 9}-1{i % 9} 10:15", "2023-11-03 10:15",
                     ["newbusiness", "existingbusiness"][i % 2], ["Price", "Timing"][i % 2],
                     CONTACTS[i % 4][0], CONTACTS[i % 4][1]])
    return rows


def _pipedrive_deals(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Status",
                                 "Deal - Lost reason", "Deal - Won time", "Organization - Name",
                                 "Organization - Industry", "Person - Name", "Person - Email"]]
    for i in range(n):
        status = ["Won", "Lost", "Lost", "Won", "Open"][i % 5]
        rows.append([i + 1, DEAL_NAMES[i % 4], 500 + i, status, "Price" if status == "Lost" else "",
                     "2024-03-01 12:00:00", ACCOUNTS[i % 4], INDUSTRIES[i % 4], CONTACTS[i % 4][0],
                     CONTACTS[i % 4][1]])
    return rows


def _dynamics_deals(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [["Topic", "Potential Customer", "Status", "Status Reason", "Est. Revenue",
                                 "Actual Close Date", "Created On", "Owner", "Contact"]]
    for i in range(n):
        status = ["Won", "Lost", "Lost", "Won", "Open"][i % 5]
        rows.append([DEAL_NAMES[i % 4], ACCOUNTS[i % 4], status,
                     {"Won": "Won", "Lost": "Out-Sold", "Open": "In Progress"}[status], 2000 + i,
                     "3/11/2024", "1/02/2024", ["Ann Owner", "Bob Owner"][i % 2], CONTACTS[i % 4][0]])
    return rows


SHAPES = {"salesforce": _salesforce_deals, "hubspot": _hubspot_deals, "pipedrive": _pipedrive_deals,
          "dynamics": _dynamics_deals}


def _scan(texts: list[tuple[str, str]], forbidden: list[str]) -> list[str]:
    hits = []
    for where, text in texts:
        low = text.lower()
        for f in forbidden:
            if f in low:
                hits.append(f"{where}: {f!r} in {text[:120]!r}")
    return hits


def _run_cli(argv: list[str], capsys, caplog) -> tuple[int, list[tuple[str, str]]]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        rc = main(argv)
    captured = capsys.readouterr()
    texts = [("stdout", captured.out), ("stderr", captured.err)]
    texts += [(f"log {r.name} {r.levelname}", r.getMessage()) for r in caplog.records]
    texts += [(f"log {r.name} exc", str(r.exc_info)) for r in caplog.records if r.exc_info]
    return rc, texts


def _run_subprocess(argv: list[str]) -> tuple[int, list[tuple[str, str]]]:
    proc = subprocess.run([sys.executable, "-m", "winloss_xl", *argv], capture_output=True, text=True,
                          timeout=300)
    return proc.returncode, [("subprocess stdout", proc.stdout), ("subprocess stderr", proc.stderr)]


# --------------------------------------------------------------------------- no leaks


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_no_names_in_logs_or_report(shape, tmp_path, capsys, caplog):
    forbidden = _forbidden()
    deals = write_csv(tmp_path / f"{shape}.csv", SHAPES[shape]())
    extra: list[str] = []
    inputs = [deals]
    if shape == "salesforce":
        contacts = write_csv(tmp_path / "contacts.csv", _contacts())
        accounts = write_xlsx(tmp_path / "accounts.xlsx", _accounts(), sheet="Accounts")
        extra = ["--contacts", str(contacts), "--accounts", str(accounts)]
        inputs += [contacts, accounts]
    before = file_hashes(inputs)
    out = tmp_path / "report.xlsx"
    texts: list[tuple[str, str]] = []
    for argv in (["analyze", str(deals), *extra, "-o", str(out), "--json"],
                 ["inspect", str(deals), *extra], ["inspect", str(deals), *extra, "--json"]):
        rc, t = _run_cli(argv, capsys, caplog)
        assert rc == 0, f"{argv[0]} exit {rc}: {t}"
        texts += [(f"{argv[0]} {w}", s) for w, s in t]
    rc, t = _run_subprocess(["analyze", str(deals), *extra, "-o", str(tmp_path / "report2.xlsx")])
    assert rc == 0, t
    texts += t
    texts += all_sheet_text(out)
    hits = _scan(texts, forbidden)
    assert not hits, f"{len(hits)} leaks, e.g.:\n" + "\n".join(hits[:15])
    assert file_hashes(inputs) == before, "an input file changed"
    assert not workbook_problems(out)


def test_no_names_from_xlsx_workbook_with_all_sheets(tmp_path, capsys, caplog):
    """The template's shape: one workbook holding Deals, Contacts and Accounts sheets."""
    book = write_xlsx(tmp_path / "WinLoss.xlsx", _salesforce_deals(), sheet="Deals",
                      extra_sheets={"Contacts": _contacts(), "Accounts": _accounts()})
    before = file_hashes([book])
    out = tmp_path / "out.xlsx"
    rc, texts = _run_cli(["analyze", str(book), "-o", str(out)], capsys, caplog)
    assert rc == 0, texts
    hits = _scan(texts + all_sheet_text(out), _forbidden())
    assert not hits, f"{len(hits)} leaks, e.g.:\n" + "\n".join(hits[:15])
    assert file_hashes([book]) == before


def test_no_names_in_error_messages(tmp_path, capsys, caplog):
    """An input error must not quote the rows it could not use (only files and columns)."""
    rows = _salesforce_deals(20)
    for r in rows[1:]:
        r[3] = r[2]  # the Stage column holds account names: nothing closes
    deals = write_csv(tmp_path / "bad.csv", rows)
    rc, texts = _run_cli(["analyze", str(deals), "-o", str(tmp_path / "o.xlsx")], capsys, caplog)
    assert rc == 3, texts
    hits = _scan(texts, _forbidden())
    assert not hits, "\n".join(hits[:10])


def _demo_sensitive_values() -> list[str]:
    """Account keys and any name/email-like text the bundled demo data carries."""
    try:
        from winloss_xl.report.run import _demo_dealset
    except ImportError:  # pragma: no cover
        pytest.skip("demo not available")
    ds = _demo_dealset()
    values: set[str] = set()
    for col in ds.deals.columns:
        if col == "account_key" or any(w in str(col).lower() for w in ("name", "email", "mail", "phone")):
            values |= {str(v) for v in ds.deals[col].dropna().unique()}
    for col in ds.contacts.columns:
        if any(w in str(col).lower() for w in ("name", "email", "mail", "phone")):
            values |= {str(v) for v in ds.contacts[col].dropna().unique()}
    return sorted(v.lower() for v in values if len(v.strip()) >= 6)


def test_demo_report_and_logs_hold_no_demo_names(tmp_path, capsys, caplog):
    out = tmp_path / "demo.xlsx"
    rc, texts = _run_cli(["demo", "-o", str(out)], capsys, caplog)
    assert rc == 0, texts
    sensitive = _demo_sensitive_values()
    if not sensitive:
        pytest.skip("the demo data carries no account keys or names to scan for")
    # a value that is also a legitimate report word (e.g. an industry) is not a leak
    report = all_sheet_text(out)
    hits = _scan(texts + report, sensitive)
    assert not hits, f"{len(hits)} demo names leaked, e.g.:\n" + "\n".join(hits[:15])


#: Raw titles as CRMs hold them, with names and companies typed into the title field, in
#: several languages and scripts. The report shows personas, never these strings.
RAW_TITLES = ["CFO at Zyxwvut Holdings", "Kfm. Geschäftsführerin (Brambleworth Ofrax GmbH)",
              "Directrice financière - Vexqort", "Assistant to Jane Qzorblatt", "Директор Ксилофан",
              "Head of IT, Qwplmnb Industries", "VP Sales Nightjarvex EMEA", "Leiterin Einkauf"]


def _titled_contacts(n: int = 60) -> list[list[object]]:
    rows: list[list[object]] = [["Opportunity ID", "Contact: Full Name", "Contact: Email",
                                 "Contact: Title", "Role"]]
    for i in range(n):
        for k in range(3):
            name, email, _phone = CONTACTS[(i + k) % 4]
            rows.append([f"006{i:09d}", name, email, RAW_TITLES[(i * 3 + k) % len(RAW_TITLES)],
                         ["Decision Maker", "Economic Buyer", "Influencer"][(i + k) % 3]])
    return rows


def test_no_raw_titles_in_persona_tables_or_buying_groups(tmp_path, capsys, caplog):
    """The persona, buying-group and decision-maker tables hold labels, never raw titles."""
    deals = write_csv(tmp_path / "deals.csv", _salesforce_deals())
    contacts = write_csv(tmp_path / "contacts.csv", _titled_contacts())
    out = tmp_path / "report.xlsx"
    rc, texts = _run_cli(["analyze", str(deals), "--contacts", str(contacts), "-o", str(out)],
                         capsys, caplog)
    assert rc == 0, texts
    report = all_sheet_text(out)
    tables = {t.split()[0] for w, t in report if " table " in w}
    assert {"tblPersonas", "tblBuyingGroups", "tblDecisionMakers"} <= tables
    forbidden = _forbidden() + [t.lower() for t in RAW_TITLES] + ["ксилофан", "geschäftsführerin"]
    hits = _scan(texts + report, forbidden)
    assert not hits, f"{len(hits)} leaks, e.g.:\n" + "\n".join(hits[:15])
    values = {t for _w, t in report}
    assert {"CFO", "Finance", "Executive assistant"} <= values  # read, as labels


# ------------------------------------------------------------------ determinism etc.


def test_identical_input_gives_identical_bytes(tmp_path, capsys):
    deals = write_csv(tmp_path / "deals.csv", _salesforce_deals())
    contacts = write_csv(tmp_path / "contacts.csv", _contacts())
    before = file_hashes([deals, contacts])
    outs = []
    for k in range(2):
        out = tmp_path / f"r{k}.xlsx"
        assert main(["analyze", str(deals), "--contacts", str(contacts), "-o", str(out)]) == 0
        outs.append(out.read_bytes())
        time.sleep(1.1)  # a timestamp that leaks into the file would differ
    capsys.readouterr()
    assert outs[0] == outs[1], "two runs over the same input gave different bytes"
    assert file_hashes([deals, contacts]) == before
    # the same deals from a copy at another path: still the same report
    copy = tmp_path / "sub"
    copy.mkdir()
    (copy / "deals.csv").write_bytes(deals.read_bytes())
    (copy / "contacts.csv").write_bytes(contacts.read_bytes())
    out3 = tmp_path / "r3.xlsx"
    assert main(["analyze", str(copy / "deals.csv"), "--contacts", str(copy / "contacts.csv"),
                 "-o", str(out3)]) == 0
    capsys.readouterr()
    assert out3.read_bytes() == outs[0], "the report depends on where the input file lives"


def test_demo_is_deterministic(tmp_path, capsys):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["demo", "-o", str(a)]) == 0
    assert main(["demo", "-o", str(b)]) == 0
    capsys.readouterr()
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("which", ["deals", "contacts"])
def test_output_may_not_be_an_input(tmp_path, capsys, which):
    deals = write_csv(tmp_path / "deals.csv", _salesforce_deals(20))
    contacts = write_csv(tmp_path / "contacts.csv", _contacts(20))
    before = file_hashes([deals, contacts])
    target = deals if which == "deals" else contacts
    rc = main(["analyze", str(deals), "--contacts", str(contacts), "-o", str(target)])
    err = capsys.readouterr().err
    assert rc == 3, err
    assert target.name in err
    assert file_hashes([deals, contacts]) == before


def test_output_may_not_be_an_input_by_another_spelling(tmp_path, capsys, monkeypatch):
    deals = write_csv(tmp_path / "deals.csv", _salesforce_deals(20))
    before = file_hashes([deals])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    rc = main(["analyze", "deals.csv", "-o", "sub/../deals.csv"])
    capsys.readouterr()
    assert rc == 3
    os.symlink(deals, tmp_path / "link.xlsx")
    rc = main(["analyze", "deals.csv", "-o", "link.xlsx"])
    capsys.readouterr()
    assert rc in (0, 3)  # replacing the link itself is fine; writing through it is not
    assert file_hashes([deals]) == before


def _big_deals(path: Path, n: int = 60_000) -> Path:
    rows = [["Deal ID", "Stage", "Amount", "Close Date", "Industry", "Lead Source", "Region", "Product"]]
    for i in range(n):
        rows.append([f"B{i}", STAGES[i % 5], 100 + i % 977, f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                     INDUSTRIES[i % 4], ["Web", "Partner", "Event"][i % 3], ["EMEA", "AMER", "APAC"][i % 3],
                     f"P{i % 7}"])
    return write_csv(path, rows)


def _complete_report(data: bytes) -> bool:
    """A whole workbook: a zip whose every member inflates, holding the Summary sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if zf.testzip() is not None:
                return False
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "Summary" in wb.sheetnames
    except Exception:
        return False


def test_killed_run_never_leaves_a_partial_report(tmp_path, capsys):
    """Kill analyze at several moments: the report path holds the earlier report or a complete new one."""
    small = write_csv(tmp_path / "small.csv", _salesforce_deals(20))
    big = _big_deals(tmp_path / "big.csv")
    out = tmp_path / "report.xlsx"
    assert main(["analyze", str(small), "-o", str(out)]) == 0
    capsys.readouterr()
    earlier = out.read_bytes()
    # how long does a full run take?
    start = time.perf_counter()
    full = subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", str(big), "-o",
                           str(tmp_path / "full.xlsx")], capture_output=True, timeout=600)
    total = time.perf_counter() - start
    assert full.returncode == 0, full.stderr[-2000:]
    for frac in (0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98):
        proc = subprocess.Popen([sys.executable, "-m", "winloss_xl", "analyze", str(big), "-o", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(total * frac)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = out.read_bytes()
        assert now == earlier or _complete_report(now), (
            f"after a kill at {frac:.0%} of the run the report is neither the earlier one nor a "
            f"complete workbook ({len(now)} bytes)")
        if now != earlier:
            out.write_bytes(earlier)


@pytest.mark.parametrize("flag", ["--where", "--split-by"])
def test_personal_columns_cannot_be_used_to_slice_the_report(tmp_path, capsys, caplog, flag):
    """Filtering or splitting by an account/contact column would print its values (title, file names)."""
    deals = write_csv(tmp_path / "deals.csv", _salesforce_deals(30))
    value = "Account Name=Zyxwvut Holdings" if flag == "--where" else "Account Name"
    out = tmp_path / "out" / "r.xlsx"
    out.parent.mkdir()
    rc, texts = _run_cli(["analyze", str(deals), flag, value, "-o", str(out)], capsys, caplog)
    made = sorted(p.name for p in out.parent.iterdir())
    if rc == 0:
        report_text = [t for p in out.parent.iterdir() for t in all_sheet_text(p)]
        hits = _scan(report_text + [("file name", n) for n in made], _forbidden())
        assert not hits, "\n".join(hits[:10])
    else:
        assert rc == 3, texts
        assert not made


DEMO_DIR = Path(__file__).resolve().parents[2] / "winloss_xl" / "data"
DEMO_NAME_COLUMNS = ("Opportunity Name", "Account Name", "Contact: Full Name", "Contact: Email")


def _demo_file_names() -> list[str]:
    """Values of the bundled demo files' name/email columns (minus anything that is also an owner)."""
    import csv as _csv

    values: set[str] = set()
    owners: set[str] = set()
    for name in ("demo_deals.csv", "demo_contacts.csv"):
        path = DEMO_DIR / name
        if not path.is_file():
            pytest.skip(f"{name} is not bundled")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in _csv.DictReader(fh):
                owners.add((row.get("Opportunity Owner") or "").lower())
                for col in DEMO_NAME_COLUMNS:
                    v = (row.get(col) or "").strip()
                    if len(v) >= 6:
                        values.add(v.lower())
    return sorted(values - owners)


def test_demo_files_as_inputs_leak_no_names(tmp_path, capsys, caplog):
    """The bundled demo exports run through analyze/inspect: none of their names or emails come out."""
    names = _demo_file_names()
    deals = tmp_path / "demo_deals.csv"
    contacts = tmp_path / "demo_contacts.csv"
    deals.write_bytes((DEMO_DIR / "demo_deals.csv").read_bytes())
    contacts.write_bytes((DEMO_DIR / "demo_contacts.csv").read_bytes())
    before = file_hashes([deals, contacts])
    out = tmp_path / "report.xlsx"
    texts: list[tuple[str, str]] = []
    for argv in (["analyze", str(deals), "--contacts", str(contacts), "-o", str(out), "--json"],
                 ["inspect", str(deals), "--contacts", str(contacts), "--json"]):
        rc, t = _run_cli(argv, capsys, caplog)
        assert rc == 0, t
        texts += t
    hits = _scan(texts + all_sheet_text(out), names)
    assert not hits, f"{len(hits)} demo names leaked, e.g.:\n" + "\n".join(hits[:15])
    assert file_hashes([deals, contacts]) == before
