"""The one guarded path for reading a user's file: limits first, parsing after.

Every file the tool reads — deals, contacts and accounts exports, report
templates and earlier reports — passes through here before any parser sees it:

- :func:`check_input_file`: a regular file (never a FIFO, a device or a folder,
  which would hang or never end), not empty, not larger than
  :data:`MAX_FILE_BYTES`;
- :func:`read_file_bytes`: the bytes, read with that ceiling enforced even when
  the file grows while it is read;
- :func:`verify_zip`: an .xlsx package checked member by member before a reader
  opens it: the number of members, every member's compression method, declared
  and real sizes, its CRC and its deflate stream (a damaged member is a clear
  message, not ``zipfile.BadZipFile`` or ``zlib.error``), overlapping members
  (the "better zip bomb"), unpacked totals and ratios;
- :func:`load_json`: JSON parsed with numbers of any length (no ``OverflowError``
  or "Exceeds the limit (4300 digits)") and nesting refused past the parser's depth.

A breach is an :class:`~winloss_xl.errors.InputError` that names the file and
the limit, so the command line exits 3 with a message. The limits are listed,
with what the user sees, in ``docs/limits.md``; keep the two in step.

XML inside a package is never parsed here: sheet parts are parsed by
python-calamine (Rust, no entity expansion) and by openpyxl through defusedxml.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Largest input file read at all (deals, contacts, accounts, JSON). A 1,000,000-row CRM
#: export is about 110 MiB; Excel's own sheet limit as CSV stays well under this.
MAX_FILE_BYTES = 1 << 30
#: Largest template or earlier report on disk (they hold styles and report sheets).
MAX_BASE_FILE_BYTES = 64 << 20
#: Largest total a template or earlier report may unpack to (openpyxl loads it whole).
MAX_BASE_UNPACKED = 256 << 20
#: Most cells a template or earlier report may span, summed over its sheets (openpyxl
#: holds every cell as a Python object, about 0.5 KiB each with its style).
MAX_BASE_CELLS = 2_000_000
#: Most members an .xlsx package may hold (real workbooks hold tens to a few hundred).
MAX_ZIP_MEMBERS = 10_000
#: A member above this size may not unpack more than MAX_ZIP_RATIO times its stored size.
RATIO_CHECK_BYTES = 100 << 20
MAX_ZIP_RATIO = 100
#: Most columns a table may have (Excel's own sheet limit, column XFD).
MAX_COLUMNS = 16_384
#: Longest cell text kept (Excel's own cell limit); longer cells are cut and counted.
MAX_CELL_CHARS = 32_767
#: Longest header kept; longer headers are cut (they are labels, not data).
MAX_HEADER_CHARS = 255
#: Digits above which a JSON integer is read as a float (inf when out of range).
JSON_INT_DIGITS = 18

_CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIG = 0x04034B50
_EOCD_SIG = b"PK\x05\x06"


def _mib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


# ------------------------------------------------------------------------ files


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe (FIFO)", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input_file(path: Path, label: str, *, max_bytes: int = MAX_FILE_BYTES,
                     what: str = "file") -> os.stat_result:
    """The file's stat after checking it is a non-empty regular file within ``max_bytes``.

    Symlinks are followed: a link to ``/dev/zero`` or to a FIFO is refused like
    the device itself (reading it would never end or never start).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", file=os.path.abspath(path),
                         expected="an existing file") from None
    except OSError as exc:
        raise InputError(f"the {what} cannot be read ({exc.strerror or type(exc).__name__})",
                         file=label, advice="Check the path and the file's permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a folder, not a file", file=label, expected=f"a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"is {file_kind(st.st_mode)}, not a regular file", file=label,
                         expected=f"a {what} saved on disk",
                         advice="Save the export as a file and pass that file's path")
    if st.st_size == 0:
        raise InputError("the file is empty", file=label,
                         expected="a header row and at least one deal below it")
    if st.st_size > max_bytes:
        raise InputError(f"the file is {_mib(st.st_size)}", file=label,
                         expected=f"at most {_mib(max_bytes)} (the input file size limit)",
                         advice="Filter the export to the period or pipeline you want to analyse")
    return st


def read_file_bytes(path: Path, label: str, *, max_bytes: int = MAX_FILE_BYTES,
                    what: str = "file") -> bytes:
    """The whole file, after :func:`check_input_file`; never more than ``max_bytes``."""
    check_input_file(path, label, max_bytes=max_bytes, what=what)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"the {what} cannot be read ({exc.strerror or type(exc).__name__})",
                         file=label, advice="Check the file's permissions") from None
    if len(data) > max_bytes:  # it grew while we read it
        raise InputError(f"the file is over {_mib(max_bytes)}", file=label,
                         expected=f"at most {_mib(max_bytes)} (the input file size limit)")
    return data


# -------------------------------------------------------------------------- zip


@dataclass(frozen=True)
class ZipLimits:
    """What a package may hold: members, total unpacked bytes, and which file it is."""

    max_unpacked: int
    #: the setting that raises ``max_unpacked`` ("max_cells setting"), or "" when fixed
    setting: str = ""
    max_members: int = MAX_ZIP_MEMBERS


def _damaged(label: str, problem: str, what: str) -> InputError:
    return InputError(f"the {what} is damaged: {problem}", file=label,
                      expected="an .xlsx workbook saved by Excel",
                      advice="Open it in Excel and save it again, or export it again")


def _entry_count(path: Path) -> int | None:
    """Members named by the end-of-central-directory record (None when there is none)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.seek(max(0, size - (22 + 0xFFFF)))
        tail = fh.read()
    at = tail.rfind(_EOCD_SIG)
    if at < 0 or at + 22 > len(tail):
        return None
    return struct.unpack_from("<H", tail, at + 10)[0]


def _infolist(path: Path, label: str, what: str) -> list[Any]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return zf.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
            struct.error, UnicodeDecodeError):
        raise InputError(f"the {what} is damaged (not a valid .xlsx zip package)", file=label,
                         expected="an .xlsx workbook saved by Excel",
                         advice="Open it in Excel and save it again") from None


def _check_declared(infos: list[Any], label: str, limits: ZipLimits, what: str) -> None:
    unpacked = 0
    for info in infos:
        unpacked += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_BYTES and ratio > MAX_ZIP_RATIO:
            raise InputError(
                f"a part of the {what} unpacks {ratio:,.0f} times larger than it is stored "
                f"({_mib(info.file_size)}), which real workbooks never do", file=label,
                expected="an .xlsx workbook saved by Excel",
                advice="Open it in Excel and save it again, or export the deals as CSV")
    if unpacked > limits.max_unpacked:
        setting = f" ({limits.setting})" if limits.setting else ""
        raise InputError(f"the {what} unpacks to {_mib(unpacked)}", file=label,
                         expected=f"at most {_mib(limits.max_unpacked)}{setting}",
                         advice="Save only the sheets you need, or export the deals as CSV")


def _data_spans(fh: Any, infos: list[Any], label: str, what: str) -> list[tuple[Any, int]]:
    """(info, offset of its data) per member; refuses members that overlap or lie."""
    spans = []
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError(f"the {what} holds an encrypted part ({info.filename})", file=label,
                             expected="an unprotected .xlsx workbook",
                             advice="Remove the password in Excel and save it again")
        if info.compress_type not in (0, 8):
            raise _damaged(label, f"part {info.filename} uses an unknown compression", what)
        fh.seek(info.header_offset)
        head = fh.read(_LOCAL_HEADER.size)
        if len(head) < _LOCAL_HEADER.size or _LOCAL_HEADER.unpack(head)[0] != _LOCAL_SIG:
            raise _damaged(label, f"part {info.filename} has no local header", what)
        name_len, extra_len = _LOCAL_HEADER.unpack(head)[9:11]
        spans.append((info, info.header_offset + _LOCAL_HEADER.size + name_len + extra_len))
    ordered = sorted(spans, key=lambda s: s[0].header_offset)
    for (info, start), (nxt, _) in pairwise(ordered):
        if start + info.compress_size > nxt.header_offset:
            raise _damaged(label, f"parts {info.filename} and {nxt.filename} overlap "
                                  "(a zip bomb shape)", what)
    return spans


def _inflate_member(fh: Any, info: Any, start: int, label: str, what: str,
                    sink: Callable[[bytes], None] | None) -> None:
    """Stream one member, checking its deflate stream, real size and CRC; feed ``sink``."""
    fh.seek(start)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == 8 else None
    produced = crc = 0
    try:
        while left > 0 and not (inflater is not None and inflater.eof):
            raw = fh.read(min(_CHUNK, left))
            if not raw:
                raise _damaged(label, f"part {info.filename} is cut short", what)
            left -= len(raw)
            buf = raw
            while buf:
                out = inflater.decompress(buf, _CHUNK) if inflater is not None else buf
                buf = inflater.unconsumed_tail if inflater is not None else b""
                produced += len(out)
                if produced > info.file_size:
                    raise _damaged(label, f"part {info.filename} unpacks larger than it says",
                                   what)
                crc = zlib.crc32(out, crc)
                if sink is not None and out:
                    sink(out)
                if inflater is not None and inflater.eof:
                    break
    except zlib.error:
        raise _damaged(label, f"part {info.filename} has a corrupt compressed stream",
                       what) from None
    if inflater is not None and not inflater.eof:
        raise _damaged(label, f"part {info.filename} has a truncated compressed stream", what)
    if produced != info.file_size:
        raise _damaged(label, f"part {info.filename} unpacks to another size than it says", what)
    if crc != info.CRC:
        raise _damaged(label, f"part {info.filename} fails its checksum (bad CRC)", what)


def verify_zip(path: Path, label: str, limits: ZipLimits, *, what: str = "workbook",
               sink_for: Callable[[str], Callable[[bytes], None] | None] | None = None
               ) -> list[Any]:
    """Check an .xlsx package before any reader opens it; returns its ``ZipInfo`` list.

    Every member is inflated once as a stream (1 MiB at a time, never held whole);
    ``sink_for(member name)`` may return a callable that receives the member's
    bytes as they come (the sheet-extent scan uses this). Raises
    :class:`InputError` for anything a real Excel file never does.
    """
    count = _entry_count(path)
    if count is None:
        raise InputError(f"the {what} is damaged (not a valid .xlsx zip package)", file=label,
                         expected="an .xlsx workbook saved by Excel",
                         advice="Open it in Excel and save it again")
    if count >= min(limits.max_members, 0xFFFF):
        raise InputError(f"the {what} holds {count:,} or more parts", file=label,
                         expected=f"at most {limits.max_members:,} (real workbooks hold a few "
                                  "hundred at most)", advice="Open it in Excel and save it again")
    infos = _infolist(path, label, what)
    _check_declared(infos, label, limits, what)
    with open(path, "rb") as fh:
        for info, start in _data_spans(fh, infos, label, what):
            if info.is_dir():
                continue
            sink = sink_for(info.filename) if sink_for is not None else None
            _inflate_member(fh, info, start, label, what, sink)
    return infos


# ------------------------------------------------------------------------- JSON


def _json_int(text: str) -> int | float:
    """An integer literal; past :data:`JSON_INT_DIGITS` digits a float (``inf`` when too big).

    Python refuses ``int()`` of over 4,300 digits and ``float(int)`` overflows, so a
    5,000-digit number would otherwise end the run with a traceback.
    """
    if len(text) <= JSON_INT_DIGITS:
        return int(text)
    return float(text)


def load_json(data: bytes, label: str) -> Any:
    """Parse JSON bytes (UTF-8, BOM allowed) into Python values, or raise InputError."""
    expected = "a list of deals, or an object with a \"deals\" list"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (an invalid byte at position {exc.start:,})", file=label,
                         expected="a JSON file saved as UTF-8") from None
    try:
        return json.loads(text, parse_int=_json_int)
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be a deals export", file=label,
                         expected=expected) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (JSONDecodeError at {exc.lineno}:{exc.colno})",
                         file=label, expected=expected) from None
    except (ValueError, OverflowError) as exc:
        raise InputError(f"the JSON holds a value that cannot be read ({type(exc).__name__})",
                         file=label, expected=expected) from None
