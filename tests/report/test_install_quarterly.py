"""install/linux/winloss-quarterly.sh on a temp folder: newest export, the last complete quarter's
deals only (--period), <year>-Q<n>.xlsx, log, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from contract import check_workbook
from exports import export_frame, write_export
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "install" / "linux" / "winloss-quarterly.sh"

pytestmark = pytest.mark.skipif(sys.platform == "win32" or shutil.which("bash") is None,
                                reason="needs bash")


def _bin(tmp_path: Path) -> str:
    """A winloss-xl launcher for this interpreter (the venv's console script may not be on PATH)."""
    launcher = tmp_path / "winloss-xl"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m winloss_xl "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


def _run(tmp_path: Path, exports: Path, reports: Path, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "WINLOSS_BIN": _bin(tmp_path), **env}
    full.pop("WINLOSS_QUARTER", None) if "WINLOSS_QUARTER" not in env else None
    return subprocess.run(["bash", str(SCRIPT), str(exports), str(reports)], capture_output=True,
                          text=True, timeout=300, env=full)


def _summary(report: Path) -> dict:
    ws = load_workbook(report)["Summary"]
    rows = [[c.value for c in r] for r in ws[ws.tables["tblSummary"].ref]]
    return {r[0]: r[1] for r in rows[1:]}


def _quality(report: Path) -> dict:
    ws = load_workbook(report)["Data Quality"]
    rows = [[c.value for c in r] for r in ws[ws.tables["tblDataQuality"].ref]]
    return {r[0]: r[1] for r in rows[1:]}


def test_newest_export_becomes_the_quarter_report(tmp_path):
    exports, reports = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    old = exports / "old.csv"
    old.write_text("not,a\nuseful,export\n")  # would fail if picked
    os.utime(old, (1_600_000_000, 1_600_000_000))
    (exports / "~$lock.xlsx").write_text("excel lock file")
    os.utime(exports / "~$lock.xlsx", (1_600_000_000, 1_600_000_000))
    write_export(exports / "crm-export.csv", n=300, seed=2)
    proc = _run(tmp_path, exports, reports, WINLOSS_TODAY="2025-10-02")
    assert proc.returncode == 0, proc.stderr + (reports / "winloss-quarterly.log").read_text()
    report = reports / "2025-Q3.xlsx"
    assert report.exists()
    check_workbook(report)
    log = (reports / "winloss-quarterly.log").read_text()
    assert "crm-export.csv" in log and "done:" in log
    assert "Rep 0" not in log  # aggregates only

    again = _run(tmp_path, exports, reports, WINLOSS_QUARTER="2024-Q2")
    assert again.returncode == 0
    assert (reports / "2024-Q2.xlsx").exists()


@pytest.mark.parametrize("today, quarter, first, last", [
    ("2025-10-02", "2025-Q3", "2025-07-01", "2025-09-30"),
    ("2025-01-01", "2024-Q4", "2024-10-01", "2024-12-31"),
    ("2025-06-30", "2025-Q1", "2025-01-01", "2025-03-31"),
])
def test_only_the_last_complete_quarter_is_analysed(tmp_path, today, quarter, first, last):
    exports, reports = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    write_export(exports / "crm-export.csv", n=300, seed=2)
    proc = _run(tmp_path, exports, reports, WINLOSS_TODAY=today)
    assert proc.returncode == 0, proc.stderr + (reports / "winloss-quarterly.log").read_text()
    assert sorted(p.name for p in reports.glob("*.xlsx")) == [f"{quarter}.xlsx"]
    frame = export_frame(300, seed=2)
    close = pd.to_datetime(frame["Close Date"])
    closed = frame["Stage"].isin(["Closed Won", "Closed Lost"])
    inside = closed & (close >= first) & (close <= last)
    assert 0 < inside.sum() < closed.sum()
    summary = _summary(reports / f"{quarter}.xlsx")
    assert summary["Closed deals"] == inside.sum()
    assert summary["Won"] == (inside & (frame["Stage"] == "Closed Won")).sum()
    quality = _quality(reports / f"{quarter}.xlsx")
    assert quality["Closed deals outside the period"] == closed.sum() - inside.sum()
    log = (reports / "winloss-quarterly.log").read_text()
    assert f"deals closed in {quarter.replace('-', '')}" in log


def test_a_malformed_today_is_a_usage_error(tmp_path):
    exports, reports = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    write_export(exports / "crm-export.csv", n=60, seed=2)
    for bad in ("02/10/2025", "2025-13-01"):
        proc = _run(tmp_path, exports, reports, WINLOSS_TODAY=bad)
        assert proc.returncode == 2, bad
        assert "WINLOSS_TODAY" in proc.stderr
    assert not list(reports.glob("*.xlsx"))


def test_failures_exit_non_zero_and_are_logged(tmp_path):
    exports, reports = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    empty = _run(tmp_path, exports, reports)
    assert empty.returncode == 66
    assert "no export" in (reports / "winloss-quarterly.log").read_text()
    (exports / "broken.csv").write_text("a,b\n1,2\n")
    bad = _run(tmp_path, exports, reports)
    assert bad.returncode == 3
    assert "FAILED" in (reports / "winloss-quarterly.log").read_text()
    wrong = _run(tmp_path, exports, reports, WINLOSS_QUARTER="last")
    assert wrong.returncode == 2
    missing = _run(tmp_path, tmp_path / "nope", reports)
    assert missing.returncode == 66
