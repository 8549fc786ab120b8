"""Output safety: where a report may go, how it gets there, and what it may be built on.

Rules (DESIGN.md, "Rules that keep users' data safe"):

- the output is a regular file or nothing: a FIFO, a device, a folder or a
  symlink leading to one is refused before any work (opening a FIFO hangs,
  ``/dev/full`` or ``/dev/zero`` never end);
- the output may not be an input (:func:`check_output`);
- bytes go to a temporary file beside the target and are renamed into place
  with ``os.replace``; SIGTERM and SIGINT while writing remove the temporary
  file first, so a stopped run leaves the earlier report as it was;
- several reports (``--split-by``) are written as one :class:`OutputBatch`:
  every part to a temporary file, renamed only when all of them succeeded;
- a folder that cannot be written, a full disk or a file-size limit is an
  :class:`InputError` (exit 3) naming the file, never a traceback;
- a template or earlier report is read through the ingestion guard (size,
  zip members, extents) and openpyxl's defusedxml parsing (:func:`open_base`);
  an earlier report that holds only sheets winloss-xl made is not used as a
  base at all, so a re-run gives the same bytes as a first run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Signals that, while a report is being written, remove its temporary file(s) first.
CLEANUP_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s)


# --------------------------------------------------------------------- targets

def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def check_target(path: Path) -> None:
    """Refuse an output path whose end is anything but a regular file (or nothing yet).

    ``os.stat`` follows symlinks, so a link to ``/dev/full`` or to a FIFO is
    refused like the device or FIFO itself. A dangling link is fine: the rename
    replaces the link, never what it points to.
    """
    from ..ingestion.guard import file_kind

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"the output path cannot be checked ({exc.strerror})", file=str(path),
                         expected="a path to a new or existing .xlsx file") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"the output path is {file_kind(st.st_mode)}, not a regular file",
                         file=str(path), expected="a path to a new or existing .xlsx file",
                         advice="Choose another name with -o")


def check_output(path: Path, inputs: Iterable[str | os.PathLike | None]) -> None:
    """Refuse an output path that is one of the inputs, or that is not a regular file."""
    path = Path(path)
    check_target(path)
    for src in inputs:
        if src is None:
            continue
        if _same_file(path, Path(src)):
            raise InputError("the report would overwrite an input file", file=str(path),
                             expected="an output path (-o) different from every input")


# ------------------------------------------------------------------- writing

def _emit(fh: Any, data: bytes) -> None:
    """Write ``data`` to the temporary file (the seam the crash and signal tests hook)."""
    view = memoryview(data)
    for start in range(0, len(view), 1 << 20):
        fh.write(view[start:start + (1 << 20)])


def _write_error(path: Path, exc: OSError) -> InputError:
    """An OSError while writing, as a message the user can act on (exit 3)."""
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError("the report cannot be written there (permission denied)", file=str(path),
                          advice="Choose a folder you may write to with -o")
    if code == errno.EFBIG:
        return InputError("the file system refused a file this large (File too large)",
                          file=str(path), advice="Raise the file-size limit (ulimit -f) or write "
                                                 "to another disk with -o")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return InputError("the disk is full", file=str(path),
                          advice="Free some space or write to another disk with -o")
    return InputError(f"the report cannot be written ({exc.strerror or type(exc).__name__})",
                      file=str(path), advice="Check the output folder and try again")


def _on_signal(signum: int, frame: Any) -> None:
    """SIGINT -> KeyboardInterrupt; SIGTERM -> SystemExit(143): both unwind through cleanup."""
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    print("winloss-xl: stopped by a signal; the earlier report is unchanged.", file=sys.stderr)
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """While the block runs, SIGTERM / SIGINT unwind it (so its cleanup runs) instead of killing."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (e.g. not in a UDF server)
        return
    previous = {}
    try:
        for sig in CLEANUP_SIGNALS:
            previous[sig] = signal.signal(sig, _on_signal)
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _mode_for(path: Path) -> int:
    """The permission bits the report gets: the earlier file's, else 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class OutputBatch:
    """Reports written together: each to a temporary file beside it, all renamed at the end.

    Use as a context manager: :meth:`stage` each report, then :meth:`commit`.
    Leaving the block without committing (an error, SIGTERM, SIGINT) removes
    every temporary file, so either every report is replaced or none is.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []
        self._signals: contextlib.AbstractContextManager[None] | None = None

    def __enter__(self) -> OutputBatch:
        self._signals = _cleanup_on_signals()
        self._signals.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.discard()
        finally:
            if self._signals is not None:
                self._signals.__exit__(*exc)

    def stage(self, path: Path, data: bytes) -> None:
        """Write ``data`` to a new temporary file in ``path``'s folder."""
        path = Path(path)
        check_target(path)
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise InputError("the output folder does not exist", file=str(path),
                             expected="an existing folder")
        try:
            fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise _write_error(path, exc) from None
        tmp = Path(name)
        self._staged.append((tmp, path))
        try:
            with os.fdopen(fd, "wb") as fh:
                _emit(fh, data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode_for(path))
        except OSError as exc:
            raise _write_error(path, exc) from None

    def commit(self) -> list[Path]:
        """Rename every staged file into place; returns the report paths."""
        done = []
        for tmp, path in self._staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _write_error(path, exc) from None
            done.append(path)
        self._staged = [(t, p) for t, p in self._staged if p not in done]
        return done

    def discard(self) -> None:
        """Remove the temporary files not renamed yet."""
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged = []


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    with OutputBatch() as batch:
        batch.stage(Path(path), data)
        batch.commit()
    return Path(path)


# ------------------------------------------------------------- base workbooks

def open_base(path: Path, what: str) -> Any:
    """Open a template or an earlier report through the guard, then openpyxl (defusedxml).

    The guard refuses what openpyxl would choke on or load without end: a
    non-regular file, a damaged or oversized package, sheets spanning more than
    ``MAX_BASE_CELLS``. External links are not loaded (``keep_links=False``).
    """
    import openpyxl
    from openpyxl import load_workbook

    from ..ingestion import guard
    from ..ingestion.readers import measured_extents

    label = str(path)
    advice = ("Make a fresh one with 'winloss-xl template -o FILE' and restyle it again"
              if what == "template" else "Choose another output name or delete the file")
    if not openpyxl.DEFUSEDXML:
        # openpyxl uses defusedxml when it is installed (it is a dependency) unless the
        # environment turns it off; we never parse a user's workbook XML unhardened.
        raise InputError(f"{what} cannot be opened safely: OPENPYXL_DEFUSEDXML is set to False",
                         file=label, advice="unset OPENPYXL_DEFUSEDXML and run again")
    guard.check_input_file(path, label, max_bytes=guard.MAX_BASE_FILE_BYTES, what=what)
    try:
        extents = measured_extents(path, label, guard.ZipLimits(guard.MAX_BASE_UNPACKED),
                                   what=what)
    except InputError as exc:
        raise InputError(f"{what} is not a readable .xlsx workbook ({exc.problem})", file=label,
                         expected="an .xlsx file saved by Excel or winloss-xl",
                         advice=advice) from None
    cells = sum(e.cells for e in extents)
    if cells > guard.MAX_BASE_CELLS:
        raise InputError(f"the {what}'s sheets span {cells:,} cells", file=label,
                         expected=f"at most {guard.MAX_BASE_CELLS:,} cells in a {what}",
                         advice=advice)
    try:
        return load_workbook(path, keep_vba=False, keep_links=False, rich_text=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise InputError(f"{what} is not a readable .xlsx workbook ({type(exc).__name__})",
                         file=label, expected="an .xlsx file saved by Excel or winloss-xl",
                         advice=advice) from None


