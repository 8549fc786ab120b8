"""Run the command line in a child process under a wall-time and a memory limit, measured.

The child gets ``RLIMIT_DATA`` of :data:`MEMORY_LIMIT` (heap and anonymous
mappings: an unbounded read fails with MemoryError, which is a bug exit, instead
of waking the kernel's OOM killer) and is killed after :data:`WALL_LIMIT`
seconds. Its peak resident memory is read from ``wait4`` (this child alone).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: Wall-clock limit for one command line run (issue 17).
WALL_LIMIT = 60.0
#: Memory limit for one run, bytes (issue 17: 2 GB).
MEMORY_LIMIT = 2 * 1024**3


@dataclass
class Run:
    rc: int | None  # None: killed at the wall-time limit
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    signal: int | None = None


def _limits(memory: int, fsize: int | None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def run_cli(args: list[str], cwd: Path, *, wall: float = WALL_LIMIT, memory: int = MEMORY_LIMIT,
            fsize: int | None = None, prefix: list[str] | None = None) -> Run:
    """``python -m winloss_xl ARGS`` in ``cwd``; ``prefix`` replaces ``-m winloss_xl`` (a script)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    out_path, err_path = cwd / ".run-stdout", cwd / ".run-stderr"
    cmd = [sys.executable, *(prefix or ["-m", "winloss_xl"]), *args]
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                preexec_fn=_limits(memory, fsize))
        status = usage = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > wall:
                proc.send_signal(signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                status = None
                break
            time.sleep(0.05)
        proc.returncode = 0  # reaped by wait4; keep Popen from waiting again
    seconds = time.perf_counter() - start
    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    out_path.unlink()
    err_path.unlink()
    rc = sig = None
    if status is not None:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
        else:
            rc = os.WEXITSTATUS(status)
    return Run(rc, stdout, stderr, seconds, usage.ru_maxrss / 1024.0 if usage else 0.0, sig)
