"""The audit trail: one run id on every log line, in --json and on Data Quality; JSON log lines.

The deals carry distinctive account, deal and contact names; none may reach a log line.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from winloss_xl import runlog

sys.path.insert(0, str(Path(__file__).parent / "report"))
from exports import export_frame

#: Names planted in the export; none may appear in any log line.
NAMES = ("Zyxwvut Holdings", "Quorbly Industries", "Jebediah Quarlesworth", "Plinketto renewal")


@pytest.fixture(scope="module")
def deals(tmp_path_factory) -> Path:
    frame = export_frame(300, seed=5)
    frame["Account Name"] = [NAMES[i % 2] for i in range(len(frame))]
    frame["Opportunity Name"] = [f"{NAMES[3]} {i}" for i in range(len(frame))]
    frame["Contact Name"] = NAMES[2]
    path = tmp_path_factory.mktemp("runlog") / "deals.csv"
    frame.to_csv(path, index=False)
    return path


def _run(*argv: str, run_id: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != runlog.ENV_RUN_ID}
    if run_id is not None:
        env[runlog.ENV_RUN_ID] = run_id
    return subprocess.run([sys.executable, "-m", "winloss_xl", *argv], capture_output=True,
                          text=True, timeout=300, env=env)


def _run_id_on_quality_sheet(report: Path) -> str:
    ws = load_workbook(report)["Data Quality"]
    ref = ws.tables["tblDataQuality"].ref
    rows = [[c.value for c in r] for r in ws[ref]]
    details = [r[2] for r in rows[1:] if r[0] == "Run id"]
    assert len(details) == 1, rows
    return str(details[0]).split(":")[0]


def _no_names(text: str) -> None:
    low = text.casefold()
    for name in NAMES:
        for word in name.split():
            if len(word) > 6:  # the distinctive words, not "renewal"-like ones
                assert word.casefold() not in low, f"{word!r} in the log"


def test_run_id_in_every_text_log_line_json_and_data_quality(deals, tmp_path):
    out = tmp_path / "r.xlsx"
    proc = _run("analyze", str(deals), "-o", str(out), "--json", "--period", "2024")
    assert proc.returncode == 0, proc.stderr
    run_id = json.loads(proc.stdout)["run_id"]
    assert re.fullmatch(r"[0-9a-f]{8}", run_id)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) >= 5
    assert all(f"run={run_id}" in line for line in lines), lines
    assert _run_id_on_quality_sheet(out) == run_id
    _no_names(proc.stderr)
    again = _run("analyze", str(deals), "-o", str(tmp_path / "r2.xlsx"), "--json")
    assert json.loads(again.stdout)["run_id"] != run_id  # a new id per run


def test_a_given_run_id_is_carried_through_and_reproduces_the_bytes(deals, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (a, b):
        proc = _run("analyze", str(deals), "-o", str(out), "--json", run_id="job-42.7")
        assert proc.returncode == 0 and json.loads(proc.stdout)["run_id"] == "job-42.7"
    assert a.read_bytes() == b.read_bytes() and _run_id_on_quality_sheet(a) == "job-42.7"
    bad = _run("analyze", str(deals), "-o", str(tmp_path / "c.xlsx"), "--json",
               run_id="no spaces; or $(shell)")
    assert re.fullmatch(r"[0-9a-f]{8}", json.loads(bad.stdout)["run_id"])


def test_json_log_lines_parse_and_hold_no_names(deals, tmp_path):
    out = tmp_path / "j.xlsx"
    proc = _run("analyze", str(deals), "-o", str(out), "--json", "--log-format", "json",
                "--split-by", "Region")
    assert proc.returncode == 0, proc.stderr
    run_id = json.loads(proc.stdout)["run_id"]
    records = [json.loads(line) for line in proc.stderr.strip().splitlines()]
    assert records and all(set(r) == {"time", "level", "run_id", "event", "counts"} for r in records)
    assert {r["run_id"] for r in records} == {run_id}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]) for r in records)
    assert all(isinstance(v, (int, float, type(None))) for r in records for v in r["counts"].values())
    events = [r["event"] for r in records]
    assert events[0] == "start_analyze" and events[-1] == "done"
    loaded = next(r for r in records if r["event"] == "loaded")
    assert loaded["counts"]["deals"] == 300
    analysed = [r["counts"] for r in records if r["event"] == "analysed"]
    assert sum(c["closed_deals"] for c in analysed) == sum(
        r["closed_deals"] for r in json.loads(proc.stdout)["reports"])
    _no_names(proc.stderr)
    assert "deals.csv" not in proc.stderr  # not even file names: events and counts only
    for part in json.loads(proc.stdout)["outputs"]:
        assert _run_id_on_quality_sheet(Path(part)) == run_id


def test_json_error_line_and_inspect_json(deals, tmp_path):
    proc = _run("--log-format", "json", "analyze", str(deals), "--period", "2024Q7")
    assert proc.returncode == 3
    *records, message = proc.stderr.strip().splitlines()
    assert [json.loads(r)["event"] for r in records] == ["start_analyze", "input_error"]
    assert "2024Q7" in message
    inspected = _run("inspect", str(deals), "--json")
    assert re.fullmatch(r"[0-9a-f]{8}", json.loads(inspected.stdout)["run_id"])


def test_json_formatter_drops_the_message_text():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(runlog.JsonLineFormatter())
    logger = logging.getLogger("winloss_xl.test_runlog")
    logger.addHandler(handler)
    try:
        logger.warning("deal %s lost", NAMES[3], extra=runlog.event("x", n=2, name="no text"))
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert record["event"] == "x" and record["counts"] == {"n": 2}
    assert NAMES[3] not in stream.getvalue()
