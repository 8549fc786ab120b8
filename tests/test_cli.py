"""The command line: demo / analyze / template, exit codes, --json, --where, --split-by, safety."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from winloss_xl.cli import build_parser, main

sys.path.insert(0, str(Path(__file__).parent / "report"))
from contract import check_workbook
from exports import export_frame, write_export


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def export(tmp_path_factory) -> Path:
    return write_export(tmp_path_factory.mktemp("cli") / "deals.csv", n=400, hostile=True)


@pytest.fixture(scope="session")
def first_run(export, tmp_path_factory):
    """One analyze run shared by several tests: (exit code, stdout JSON, output, input hash before)."""
    out = tmp_path_factory.mktemp("cli-out") / "report.xlsx"
    before = sha(export)
    proc = subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", str(export), "-o", str(out),
                           "--json"], capture_output=True, text=True, timeout=300)
    return proc, out, before


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["analyze"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["--help"]) == 0
    assert "demo" in build_parser().format_help()


def test_analyze_succeeds_with_json_and_plain_logs(first_run, export):
    proc, out, _before = first_run
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["outputs"] == [str(out)]
    assert 0 < data["win_rate"] < 1 and data["ci_low"] <= data["win_rate"] <= data["ci_high"]
    assert data["closed_deals"] == data["won"] + data["lost"]
    assert len(data["findings"]) <= 3
    # the Changes sheet's periods and its Summary sentence, as the workbook states them
    change = data["change"]
    summary = load_workbook(out, read_only=True)["Summary"]
    texts = [c for row in summary.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert change["sentence"] and any(change["sentence"] in t for t in texts)
    assert change["baseline"] != change["current"]
    check_workbook(out)
    # not a terminal: plain timestamped log lines, aggregates only (no deal ids)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO ", proc.stderr, re.M)
    assert "D1," not in proc.stderr and "Rep 0" not in proc.stderr


def test_input_hash_unchanged(first_run, export):
    _, _, before = first_run
    assert sha(export) == before


def test_formula_like_industry_is_text(first_run):
    _, out, _ = first_run
    wb = load_workbook(out)
    index = wb.sheetnames.index("Patterns") + 1
    with zipfile.ZipFile(out) as z:
        xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
    assert '<t>=HYPERLINK("http://x","y")</t>' in xml
    assert not re.search(r"<f[ >]", xml)
    ws = wb["Patterns"]
    assert '=HYPERLINK("http://x","y")' in [c.value for row in ws.iter_rows() for c in row]


def test_two_runs_byte_identical(first_run, export, tmp_path):
    _, out, _ = first_run
    again = tmp_path / "again.xlsx"
    assert main(["-q", "analyze", str(export), "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_output_equal_to_input_exit_3(export, capsys):
    before = sha(export)
    code = main(["analyze", str(export), "-o", str(export)])
    assert code == 3 and sha(export) == before
    assert "overwrite an input" in capsys.readouterr().err


def test_foreign_summary_sheet_exit_3(export, tmp_path, capsys):
    out = tmp_path / "mine.xlsx"
    wb = Workbook()
    wb.active.title = "Summary"
    wb.active["A1"] = "quarterly notes"
    wb.save(out)
    before = sha(out)
    assert main(["-q", "analyze", str(export), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "sheet 'Summary' exists and was not created by winloss-xl; rename or delete it" in err
    assert sha(out) == before


def test_template_then_rerun_keeps_input_sheets(tmp_path):
    tpl = tmp_path / "WinLoss.xlsx"
    assert main(["-q", "template", "-o", str(tpl)]) == 0
    assert main(["-q", "template", "-o", str(tpl)]) == 3  # never overwrites
    wb = load_workbook(tpl)
    ws = wb["Deals"]
    frame = export_frame(300, seed=5)
    headers = [c.value for c in ws[1]]
    ws.delete_rows(1, ws.max_row)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and v != v) else v for v in row])
    ws.tables["tblDeals"].ref = f"A1:{ws.cell(len(frame) + 1, len(frame.columns)).coordinate}"
    del headers
    wb.save(tpl)
    deals_before = [list(r) for r in load_workbook(tpl)["Deals"].iter_rows(values_only=True)]
    out = tmp_path / "report.xlsx"
    tpl_hash = sha(tpl)
    assert main(["-q", "analyze", str(tpl), "--template", str(tpl), "-o", str(out)]) == 0
    assert sha(tpl) == tpl_hash  # the workbook read as input and template is unchanged
    first = load_workbook(out)
    assert first.sheetnames[:5] == ["How to use", "Deals", "Contacts", "Accounts", "Config"]
    check_workbook(out)
    # re-run into the tool's own report: generated sheets replaced, inputs untouched
    assert main(["-q", "analyze", str(tpl), "-o", str(out), "--min-deals", "3"]) == 0
    again = load_workbook(out)
    assert again.sheetnames == first.sheetnames
    assert [list(r) for r in again["Deals"].iter_rows(values_only=True)] == deals_before
    check_workbook(out)


def test_where_and_split_by(export, tmp_path, capsys):
    out = tmp_path / "by.xlsx"
    assert main(["-q", "analyze", str(export), "-o", str(out), "--split-by", "Region", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = sorted(Path(p).name for p in data["outputs"])
    assert "by-North-America.xlsx" in names and len(names) == 5
    assert all(re.fullmatch(r"by-[A-Za-z0-9._-]+\.xlsx", n) for n in names)
    assert sum(r["closed_deals"] for r in data["reports"]) > 0
    for p in data["outputs"]:
        assert Path(p).exists()
    only = tmp_path / "emea.xlsx"
    assert main(["-q", "analyze", str(export), "-o", str(only), "--where", "Region=EMEA", "--json"]) == 0
    emea = json.loads(capsys.readouterr().out)
    by_region = {r["segment"]: r for r in data["reports"]}
    assert emea["closed_deals"] == by_region["EMEA"]["closed_deals"]
    assert main(["-q", "analyze", str(export), "--where", "Region"]) == 3


def test_quiet_prints_errors_only(export, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "winloss_xl", "analyze", str(export), "-q",
                           "-o", str(tmp_path / "q.xlsx")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout == ""
    bad = subprocess.run([sys.executable, "-m", "winloss_xl", "-q", "analyze",
                          str(tmp_path / "missing.csv")], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 3 and "missing.csv" in bad.stderr


def test_min_deals_out_of_range_exit_3(export, tmp_path):
    assert main(["-q", "analyze", str(export), "-o", str(tmp_path / "x.xlsx"), "--min-deals", "1"]) == 3


def test_demo_writes_a_contract_workbook(tmp_path):
    out = tmp_path / "demo.xlsx"
    assert main(["-q", "demo", "-o", str(out)]) == 0
    check_workbook(out)


def test_maven_sample_command(maven_dir, tmp_path):
    """The acceptance command: analyze the Maven sample with its accounts file."""
    out = tmp_path / "maven.xlsx"
    proc = subprocess.run([sys.executable, "-m", "winloss_xl", "analyze",
                           str(maven_dir / "sales_pipeline.csv"), "--accounts",
                           str(maven_dir / "accounts.csv"), "-o", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    where = check_workbook(out)
    assert where["tblSummary"] == "Summary" and where["tblColumnMap"] == "Data Quality"


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, []

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text.append(s)

    def flush(self) -> None:
        pass


def test_progress_lines_on_a_terminal_and_quiet(caplog):
    from winloss_xl.report.run import Progress

    tty = _Stream(True)
    p = Progress(stream=tty, total=3)
    p.stage("Reading deals.csv")
    p.stage("Analysing 10 deals")
    p.done("Wrote 1 report(s)")
    out = "".join(tty.text)
    assert "[1/3] Reading deals.csv" in out and "[2/3] Analysing 10 deals" in out
    quiet = _Stream(True)
    q = Progress(quiet=True, stream=quiet)
    q.stage("x")
    q.done("y")
    assert quiet.text == []
    pipe = _Stream(False)
    with caplog.at_level("INFO", logger="winloss_xl"):
        Progress(stream=pipe).stage("Reading deals.csv")
    assert pipe.text == [] and "Reading deals.csv" in caplog.text


def test_safe_file_part():
    from winloss_xl.report.run import safe_file_part

    assert safe_file_part("North America/East") == "North-America-East"
    assert safe_file_part("../../etc") == "etc"
    assert safe_file_part("CON") == "segment-CON"
    assert safe_file_part("") == "segment-blank"
    assert safe_file_part("=cmd|' /C calc'!A0").startswith("cmd")


def test_where_matching_nothing_and_missing_folder_exit_3(export, tmp_path, capsys):
    assert main(["-q", "analyze", str(export), "-o", str(tmp_path / "x.xlsx"),
                 "--where", "Region=Mars"]) == 3
    err = capsys.readouterr().err
    assert "no deal has Region = 'Mars'" in err and str(export) in err
    regions = export_frame(400, hostile=True)["Region"].dropna().str.strip().unique()
    assert all(r in err for r in regions if r), err  # the valid values are listed
    assert main(["-q", "analyze", str(export), "-o", str(tmp_path / "nope" / "x.xlsx")]) == 3
    assert main(["-q", "analyze", str(export), "-o", str(tmp_path / "x.xlsm")]) == 3
    assert not list(tmp_path.iterdir())


def test_file_not_found_shows_the_full_path(export, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["-q", "analyze", "missing.csv", "-o", "r.xlsx"]) == 3
    assert f"{tmp_path / 'missing.csv'}: file not found" in capsys.readouterr().err
    for flag in ("--accounts", "--contacts", "--template"):
        assert main(["-q", "analyze", str(export), flag, "gone.xlsx", "-o", "r.xlsx"]) == 3
        assert f"{tmp_path / 'gone.xlsx'}: file not found" in capsys.readouterr().err, flag
    assert not (tmp_path / "r.xlsx").exists()


def test_output_is_checked_before_any_work(tmp_path, monkeypatch, capsys):
    from winloss_xl.report import run

    def no_analysis():
        raise AssertionError("the analysis started before -o was checked")

    monkeypatch.setattr(run, "_demo_dealset", no_analysis)
    missing = tmp_path / "missing" / "dir"
    assert main(["-q", "demo", "-o", str(missing / "x.xlsx")]) == 3
    assert f"{missing}: the output folder does not exist" in capsys.readouterr().err
    assert main(["-q", "demo", "-o", str(tmp_path / "x.xlsm")]) == 3
    assert ".xlsx" in capsys.readouterr().err
    # analyze: the folder is refused before the (missing) deals file is even opened
    assert main(["-q", "analyze", str(tmp_path / "no-deals.csv"), "-o", str(missing / "x.xlsx")]) == 3
    assert "output folder does not exist" in capsys.readouterr().err


def _readme_commands() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [line.strip() for block in blocks for line in block.replace("\\\n", " ").splitlines()
            if line.strip()]


def test_readme_commands_run_from_the_venv_and_their_outputs_are_ignored():
    import fnmatch

    commands = _readme_commands()
    assert commands
    for line in commands:
        for part in re.split(r"&&|;", line):
            assert not part.strip().startswith(("winloss-xl", "python -m", "pytest", "ruff")), line
    ignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text().splitlines()
    rooted = [p[1:] for p in ignore if p.startswith("/")]
    outputs = [m for line in commands for m in re.findall(r"-o\s+(\S+\.xlsx)", line)]
    assert "maven.xlsx" in outputs
    for name in outputs:
        assert any(fnmatch.fnmatch(name, pat) for pat in rooted), f"{name} is not in .gitignore"


def test_a_reader_that_leaves_early_is_no_traceback(export, tmp_path):
    # `analyze --json | head -1`: the pipe is closed before the JSON is written
    proc = subprocess.Popen([sys.executable, "-m", "winloss_xl", "analyze", str(export), "-o",
                             str(tmp_path / "r.xlsx"), "--json", "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert (tmp_path / "r.xlsx").exists()
