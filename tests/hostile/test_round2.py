"""Run every round-two hostile case (round2.py) as a command line child process.

For each case, measured on the child alone:
- it ends by itself within 60 s and peaks under 2 GB resident (RLIMIT_DATA 2 GB
  besides, so a runaway fails here instead of waking the OOM killer);
- exit code 0 or 3 as the case expects, never 1, never a signal, no traceback;
- an exit-3 message names the file and says what the limit or problem is;
- every input is byte-identical afterwards, and so is every file that was
  there before; no temporary file is left; an exit 3 adds no file at all;
- an exit 0 leaves exactly the expected reports, each one Excel can open;
- none of the case's planted personal data appears in stdout, stderr, any
  report cell or any file name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from .checks import all_sheet_text, workbook_problems
from .limited import MEMORY_LIMIT, WALL_LIMIT, run_cli
from .round2 import ROUND2, Case2, Made2, is_special


def _snapshot(work: Path) -> dict[str, str]:
    """name -> sha256 (or a marker) of everything in the work folder."""
    out = {}
    for p in sorted(work.rglob("*")):
        rel = str(p.relative_to(work))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif is_special(p):
            out[rel] = "special"
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _hashes(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if not is_special(p)}


def _allowed(expect: object) -> set[int]:
    return {0, 3} if expect == "either" else {int(expect)}  # type: ignore[arg-type]


def _check_message(case: Case2, made: Made2, stderr: str) -> None:
    if made.named:
        assert made.named in stderr, f"exit-3 message does not name {made.named!r}: {stderr[-800:]}"
    if case.words:
        assert any(w.lower() in stderr.lower() for w in case.words), (
            f"exit-3 message mentions none of {case.words}: {stderr[-800:]}")


def _leaks(made: Made2, texts: list[tuple[str, str]]) -> list[str]:
    hits = []
    for where, text in texts:
        low = text.lower()
        hits += [f"{where}: {f!r}" for f in made.forbidden if f.lower() in low]
    return hits


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in ROUND2])
def test_round2(case: Case2, tmp_path: Path, record_property) -> None:
    record_property("hostile_case", case.name)
    work = tmp_path / "work"
    work.mkdir()
    made = case.make(work)
    try:
        before = _snapshot(work)
        inputs = _hashes(made.inputs)
        run = run_cli(made.args, work, fsize=made.fsize)
        assert run.rc is not None or run.signal is not None, (
            f"{case.name}: still running after {WALL_LIMIT:.0f} s (killed)")
        assert run.signal is None, f"{case.name}: died of signal {run.signal}: {run.stderr[-1500:]}"
        assert run.max_rss_mb < MEMORY_LIMIT / 2**20, f"{case.name}: peak memory {run.max_rss_mb} MB"
        assert run.seconds < WALL_LIMIT, f"{case.name}: took {run.seconds:.1f} s"
        assert "Traceback" not in run.stderr, f"{case.name}: traceback:\n{run.stderr[-2500:]}"
        assert run.rc in _allowed(case.expect), (
            f"{case.name}: exit {run.rc}, expected {case.expect}: {run.stderr[-1500:]}")
        assert _hashes(made.inputs) == inputs, f"{case.name}: an input changed"
        after = _snapshot(work)
        changed = sorted(k for k in before if k in after and after[k] != before[k]
                         and k not in made.outputs)
        assert not changed, f"{case.name}: files changed that were there before: {changed}"
        added = sorted(set(after) - set(before))
        temps = [k for k in after if k.endswith(".tmp")]
        assert not temps, f"{case.name}: temporary files left: {temps}"
        texts = [("stdout", run.stdout), ("stderr", run.stderr)]
        if run.rc == 3:
            _check_message(case, made, run.stderr)
            assert not added, f"{case.name}: exit 3 but new files: {added}"
        else:
            assert set(added) <= set(made.outputs) | set(before), (
                f"{case.name}: unexpected new files {added} (expected {made.outputs})")
            for name in made.outputs:
                out = work / name
                assert out.is_file(), f"{case.name}: exit 0 but no {name}"
                problems = workbook_problems(out)
                assert not problems, f"{case.name}: {name}: " + "; ".join(problems[:5])
                texts += all_sheet_text(out)
            texts += [("file name", k) for k in added]
            if made.check is not None:
                made.check(work, run)
        leaks = _leaks(made, texts)
        assert not leaks, f"{case.name}: personal data leaked:\n" + "\n".join(leaks[:10])
    finally:
        if made.undo is not None:
            made.undo()
