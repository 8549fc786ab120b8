"""Byte-level builders for hostile inputs: CSV, xlsx (openpyxl and raw), OLE2, zip bombs.

Everything here writes into a directory the caller owns (a pytest tmp dir);
nothing binary is committed to the repository.
"""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

# ----------------------------------------------------------------------------- CSV


def csv_text(rows: Sequence[Sequence[object]], sep: str = ",", newline: str = "\n") -> str:
    """Rows as CSV text (values str()-ed, None -> empty), quoting when needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    quote_all = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = ["" if v is None else v for v in row]
        # a bare CR/LF inside a field must be quoted (the csv module only quotes lineterminator chars)
        if any(isinstance(v, str) and ("\r" in v or "\n" in v) for v in cells):
            quote_all.writerow(cells)
        else:
            writer.writerow(cells)
    return buf.getvalue()


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8",
              sep: str = ",", newline: str = "\n", bom: bool = False) -> Path:
    text = csv_text(rows, sep=sep, newline=newline)
    data = text.encode(encoding)
    if bom and encoding.lower().replace("-", "") in ("utf8",):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------- xlsx (openpyxl)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "Deals",
               above: Sequence[Sequence[object]] = (), merge_title: bool = False,
               extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
               first_sheet: dict[str, Sequence[Sequence[object]]] | None = None) -> Path:
    """Write ``rows`` (header first) to ``sheet``; ``above`` lines go first (title lines)."""
    wb = Workbook()
    default = wb.active
    if first_sheet:
        for name, data in first_sheet.items():
            ws0 = wb.create_sheet(name)
            for r in data:
                ws0.append(list(r))
    ws = wb.create_sheet(sheet)
    wb.remove(default)
    for r in above:
        ws.append(list(r))
    if merge_title and above:
        width = max(len(rows[0]) if rows else 1, 2)
        ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=width)
    for r in rows:
        ws.append(list(r))
    for name, data in (extra_sheets or {}).items():
        ws2 = wb.create_sheet(name)
        for r in data:
            ws2.append(list(r))
    wb.save(path)
    return path


# ------------------------------------------------------------------------ raw zip / xlsx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{shared}'
    '</Types>'
)
_SHARED_OVERRIDE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '{doctype}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '{shared}</Relationships>'
)
_WB_RELS_SHARED = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(value: object, raw_text: bool = False) -> str:
    """One ``<c>`` element: numbers as ``<v>``, text inline (``raw_text`` keeps entity refs)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    text = str(value) if raw_text else _xml_escape(str(value))
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def rows_xml(rows: Iterable[Sequence[object]], raw_text: bool = False) -> str:
    return "".join("<row>" + "".join(cell_xml(v, raw_text) for v in r) + "</row>" for r in rows)


def _dos_time() -> tuple[int, int]:
    # fixed 2020-01-01 00:00 so generated files are reproducible
    return 0, ((2020 - 1980) << 9) | (1 << 5) | 1


class RawZip:
    """A minimal zip writer that also accepts pre-deflated payloads (for zip bombs)."""

    def __init__(self, path: Path) -> None:
        self.fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.central: list[bytes] = []
        self.count = 0

    def add(self, name: str, data: bytes) -> None:
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        comp = co.compress(data) + co.flush()
        self.add_deflated(name, [comp], zlib.crc32(data), len(data))

    def add_deflated(self, name: str, pieces: Iterable[bytes], crc: int, usize: int) -> None:
        pieces = list(pieces) if not isinstance(pieces, list) else pieces
        csize = sum(len(p) for p in pieces)
        t, d = _dos_time()
        raw = name.encode()
        offset = self.fh.tell()
        self.fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, t, d, crc & 0xFFFFFFFF,
                                  csize, usize, len(raw), 0) + raw)
        for p in pieces:
            self.fh.write(p)
        self.central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, t, d,
                                        crc & 0xFFFFFFFF, csize, usize, len(raw), 0, 0, 0, 0, 0,
                                        offset) + raw)
        self.count += 1

    def close(self) -> None:
        start = self.fh.tell()
        for c in self.central:
            self.fh.write(c)
        size = self.fh.tell() - start
        self.fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, self.count, self.count, size,
                                  start, 0))
        self.fh.close()


def write_raw_xlsx(path: Path, sheet_xml: str | None = None, *, shared_xml: str | None = None,
                   workbook_doctype: str = "", sheet_name: str = "Deals",
                   rows: Sequence[Sequence[object]] | None = None) -> Path:
    """A hand-made xlsx: either ``sheet_xml`` verbatim or ``rows`` written inline."""
    if sheet_xml is None:
        sheet_xml = SHEET_OPEN + rows_xml(rows or []) + SHEET_CLOSE
    z = RawZip(path)
    z.add("[Content_Types].xml",
          _CONTENT_TYPES.format(shared=_SHARED_OVERRIDE if shared_xml else "").encode())
    z.add("_rels/.rels", _RELS.encode())
    z.add("xl/workbook.xml", _WORKBOOK.format(doctype=workbook_doctype, name=sheet_name).encode())
    z.add("xl/_rels/workbook.xml.rels",
          _WB_RELS.format(shared=_WB_RELS_SHARED if shared_xml else "").encode())
    z.add("xl/worksheets/sheet1.xml", sheet_xml.encode())
    if shared_xml:
        z.add("xl/sharedStrings.xml", shared_xml.encode())
    z.close()
    return path


def billion_laughs_doctype(root: str, depth: int = 10) -> str:
    """The classic entity-expansion DOCTYPE; ``&lol{depth-1};`` expands to 10**depth 'lol's."""
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, depth):
        ents.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(ents) + "\n]>\n"


def write_zip_bomb_xlsx(path: Path, inflated_bytes: int = 1_100_000_000) -> Path:
    """An xlsx whose sheet XML inflates to ``inflated_bytes`` (> 1 GB) from a few MB.

    The deflate stream is built from one compressed 8 MB chunk of repeated rows,
    ended with a full flush so the same compressed bytes can be repeated; the
    generator costs well under a second of CPU (plus one CRC pass).
    """
    header = SHEET_OPEN + rows_xml([["Deal ID", "Stage", "Amount"]])
    row = rows_xml([["D-1", "Closed Won", 1000]]).encode()
    chunk = row * ((8 << 20) // len(row))
    n_chunks = max(1, inflated_bytes // len(chunk))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_c = co.compress(header.encode()) + co.flush(zlib.Z_FULL_FLUSH)
    chunk_c = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    tail_c = co.compress(SHEET_CLOSE.encode()) + co.flush(zlib.Z_FINISH)
    crc = zlib.crc32(header.encode())
    for _ in range(n_chunks):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(SHEET_CLOSE.encode(), crc)
    usize = len(header) + n_chunks * len(chunk) + len(SHEET_CLOSE)
    z = RawZip(path)
    z.add("[Content_Types].xml", _CONTENT_TYPES.format(shared="").encode())
    z.add("_rels/.rels", _RELS.encode())
    z.add("xl/workbook.xml", _WORKBOOK.format(doctype="", name="Deals").encode())
    z.add("xl/_rels/workbook.xml.rels", _WB_RELS.format(shared="").encode())
    z.add_deflated("xl/worksheets/sheet1.xml", [head_c, *([chunk_c] * n_chunks), tail_c], crc, usize)
    z.close()
    return path


# -------------------------------------------------------------------------- OLE2 / CFB

_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int = _NOSTREAM, right: int = _NOSTREAM,
               start: int = _END, size: int = 0) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    entry = raw.ljust(64, b"\x00")
    entry += struct.pack("<HBB", len(raw), kind, 1 if kind else 0)
    entry += struct.pack("<III", _NOSTREAM, right, child)
    entry += b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
    entry += struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def write_ole2(path: Path, streams: Sequence[tuple[str, bytes]]) -> Path:
    """A valid OLE2 compound file (v3, 512-byte sectors) holding ``streams`` at the root.

    Each stream is padded to at least 4096 bytes so it lives in regular sectors
    (no mini stream needed). Names must be given in CFB order (shorter first).
    """
    padded = [(n, d.ljust(4096, b"\x00")) for n, d in streams]
    sectors: list[bytes] = []
    fat: list[int] = [_FATSECT, _END]  # sector 0 = FAT, sector 1 = directory
    entries = [_dir_entry("Root Entry", 5, child=1 if padded else _NOSTREAM)]
    next_sector = 2
    for i, (name, data) in enumerate(padded):
        n = (len(data) + 511) // 512
        start = next_sector
        for k in range(n):
            fat.append(start + k + 1 if k < n - 1 else _END)
            sectors.append(data[k * 512:(k + 1) * 512].ljust(512, b"\x00"))
        next_sector += n
        right = i + 2 if i + 1 < len(padded) else _NOSTREAM
        entries.append(_dir_entry(name, 2, right=right, start=start, size=len(data)))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0))
    assert len(fat) <= 128 and len(entries) == 4, "builder supports small files only"
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(512, b"\xff")
    header = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, _END, 0, _END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    assert len(header) == 512
    path.write_bytes(bytes(header) + fat_sector + b"".join(entries) + b"".join(sectors))
    return path


def biff_workbook_stream() -> bytes:
    """The start of a BIFF8 Workbook stream: a BOF record, as in a legacy .xls."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + eof


# ------------------------------------------------------------------- damaged packages


def deflate(data: bytes) -> bytes:
    """Raw deflate of ``data`` (as zip members store it)."""
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def rebuild_zip(src: Path, dst: Path, *, damage: dict[str, str] | None = None,
                extra: dict[str, bytes] | None = None,
                edit: dict[str, object] | None = None) -> Path:
    """Copy the package ``src`` to ``dst`` member by member, damaging or adding some.

    ``damage`` maps a member name to how it is spoiled: ``"crc"`` (a wrong CRC-32),
    ``"deflate"`` (junk in the middle of its compressed stream), ``"short"`` (it
    declares fewer bytes than it unpacks to, with the CRC of that prefix).
    ``edit`` maps a member to a function of its bytes; ``extra`` adds members.
    """
    import zipfile

    damage, extra, edit = damage or {}, extra or {}, edit or {}
    with zipfile.ZipFile(src) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    z = RawZip(dst)
    for name, data in [*members, *extra.items()]:
        if name in edit:
            data = edit[name](data)
        how = damage.get(name)
        comp = deflate(data)
        if how == "crc":
            z.add_deflated(name, [comp], zlib.crc32(data) ^ 0x5A5A5A5A, len(data))
        elif how == "deflate":
            mid = len(comp) // 2
            junk = bytes((b ^ 0xFF) for b in comp[mid:mid + 64])
            z.add_deflated(name, [comp[:mid] + junk + comp[mid + 64:]], zlib.crc32(data), len(data))
        elif how == "short":
            keep = len(data) // 3
            z.add_deflated(name, [comp], zlib.crc32(data[:keep]), keep)
        else:
            z.add_deflated(name, [comp], zlib.crc32(data), len(data))
    z.close()
    return dst


def write_overlapping_xlsx(path: Path, rows: Sequence[Sequence[object]], copies: int = 200) -> Path:
    """A package whose central directory names one sheet's data many times (overlapping members)."""
    write_raw_xlsx(path, rows=rows)
    import zipfile

    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        data = path.read_bytes()
        cd_start = data.index(b"PK\x01\x02")
    central = data[cd_start:data.index(b"PK\x05\x06")]
    entry_at = central.index(b"xl/worksheets/sheet1.xml") - 46
    entry = central[entry_at:entry_at + 46 + len("xl/worksheets/sheet1.xml")]
    extra_entries = b""
    for k in range(copies):
        name = f"xl/media/copy{k:04d}.xml".encode()
        e = bytearray(entry[:46]) + name
        struct.pack_into("<H", e, 28, len(name))
        extra_entries += bytes(e)
    count = struct.unpack_from("<H", data, data.index(b"PK\x05\x06") + 10)[0] + copies
    new_central = central + extra_entries
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(new_central), cd_start, 0)
    path.write_bytes(data[:cd_start] + new_central + eocd)
    assert info.file_size > 0
    return path
