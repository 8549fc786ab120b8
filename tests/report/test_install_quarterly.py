"""install/linux/winloss-quarterly.sh on a temp folder: newest export, <year>-Q<n>.xlsx, log, exit codes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contract import check_workbook
from exports import write_export

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


def _last_quarter(today: dt.date) -> str:
    q = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"


def test_newest_export_becomes_the_quarter_report(tmp_path):
    exports, reports = tmp_path / "exports", tmp_path / "reports"
    exports.mkdir()
    old = exports / "old.csv"
    old.write_text("not,a\nuseful,export\n")  # would fail if picked
    os.utime(old, (1_600_000_000, 1_600_000_000))
    (exports / "~$lock.xlsx").write_text("excel lock file")
    os.utime(exports / "~$lock.xlsx", (1_600_000_000, 1_600_000_000))
    write_export(exports / "crm-export.csv", n=300, seed=2)
    proc = _run(tmp_path, exports, reports)
    assert proc.returncode == 0, proc.stderr + (reports / "winloss-quarterly.log").read_text()
    report = reports / f"{_last_quarter(dt.date.today())}.xlsx"
    assert report.exists()
    check_workbook(report)
    log = (reports / "winloss-quarterly.log").read_text()
    assert "crm-export.csv" in log and "done:" in log
    assert "Rep 0" not in log  # aggregates only

    again = _run(tmp_path, exports, reports, WINLOSS_QUARTER="2024-Q2")
    assert again.returncode == 0
    assert (reports / "2024-Q2.xlsx").exists()


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
