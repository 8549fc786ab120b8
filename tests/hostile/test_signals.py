"""SIGTERM and SIGINT in the middle of writing a report (issue 17).

The child is the real command line with the write seam (``output._emit``)
wrapped: it writes half the report to the temporary file, says ``HALF`` and
waits on its standard input. The test sees the half-written temporary file,
sends the signal, and then finds the earlier report intact, byte for byte, and
no temporary file left. No sleep decides when the signal lands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from .builders import write_csv
from .corpus import base_rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

CHILD = r"""
import sys
from winloss_xl.cli import main
from winloss_xl.report import output

calls = {"n": 0}
real = output._emit
stop_at = int(sys.argv[1])

def emit(fh, data):
    calls["n"] += 1
    if calls["n"] < stop_at:
        return real(fh, data)
    fh.write(data[: len(data) // 2])
    fh.flush()
    print("HALF", flush=True)
    sys.stdin.read()  # wait here until the signal arrives
    fh.write(data[len(data) // 2:])

output._emit = emit
raise SystemExit(main(sys.argv[2:]))
"""


def _earlier_report(tmp_path: Path, argv: list[str]) -> None:
    rc = subprocess.run([sys.executable, "-m", "winloss_xl", *argv, "-q"], cwd=tmp_path).returncode
    assert rc == 0


def _interrupt(tmp_path: Path, argv: list[str], sig: int, stop_at: int = 1) -> subprocess.CompletedProcess:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(stop_at), *argv], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line == "HALF", (line, proc.stderr.read() if proc.poll() is not None else "")
        temps = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        assert temps, "the write seam was reached without a temporary file"
        assert all(p.stat().st_size > 0 for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)],
                         ids=["SIGTERM", "SIGINT"])
def test_signal_mid_write_keeps_the_earlier_report(tmp_path, sig, code):
    write_csv(tmp_path / "small.csv", base_rows(20))
    write_csv(tmp_path / "deals.csv", base_rows(60))
    _earlier_report(tmp_path, ["analyze", "small.csv", "-o", "report.xlsx"])
    earlier = (tmp_path / "report.xlsx").read_bytes()
    done = _interrupt(tmp_path, ["analyze", "deals.csv", "-o", "report.xlsx"], sig)
    assert done.returncode == code, done.stderr[-1500:]
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert (tmp_path / "report.xlsx").read_bytes() == earlier, "the earlier report was changed"
    openpyxl.load_workbook(tmp_path / "report.xlsx")  # still a whole workbook
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert not left, f"temporary files left: {left}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_split_by_writes_no_part(tmp_path, sig):
    """Stopped while writing the third part: no part is renamed into place, no temp is left."""
    write_csv(tmp_path / "deals.csv", base_rows(80))
    before = sorted(p.name for p in tmp_path.iterdir())
    done = _interrupt(tmp_path, ["analyze", "deals.csv", "--split-by", "Industry", "-o", "r.xlsx"],
                      sig, stop_at=3)
    assert done.returncode in (130, 128 + signal.SIGTERM), done.stderr[-1500:]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
