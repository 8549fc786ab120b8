"""Which text encoding a CSV export is in, decided from its bytes.

Order of evidence:

1. a byte-order mark (UTF-8 or UTF-16) decides;
2. bytes that are valid UTF-8 throughout are UTF-8;
3. a file that is mostly valid UTF-8 (its multi-byte sequences outnumber the
   invalid bytes) is UTF-8 with a few damaged bytes: those are read as U+FFFD
   and counted for the Data Quality sheet, so one bad byte at row 90,000 does
   not turn every ``Énergie`` in the file into ``Ã‰nergie``;
4. otherwise charset-normalizer chooses among the code pages CRM exports come
   in (Windows-1252 first, then GB18030, Shift-JIS, Big5, EUC-KR, Cyrillic,
   Central European, Greek, Turkish); its choice is noted. Windows-1252 is the
   fallback when nothing fits, as Excel on Western Windows saves CSV in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Code pages tried by charset-normalizer, in order of preference on a tie.
CANDIDATES: tuple[str, ...] = ("cp1252", "gb18030", "cp932", "big5", "cp949", "cp1251", "cp1250",
                               "cp1253", "cp1254")
#: Bytes handed to the detector (the head of the file; detection is slow on more).
DETECT_BYTES = 256 * 1024
#: Characters of the decoded head given to the header finder.
HEAD_CHARS = 200_000
_REPLACEMENT = "\ufffd"
# ideographs, CJK punctuation, full-width forms (not the half-width katakana U+FF61-FF9F,
# which GB18030 bytes become when read as Shift-JIS)
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x3000, 0x303F), (0xFF00, 0xFF60))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF))
_HANGUL = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
#: East Asian code pages and the Unicode blocks of the script each is made for.
_NATIVE: dict[str, tuple[tuple[int, int], ...]] = {
    "gb18030": _HAN, "big5": _HAN, "cp932": _HAN + _KANA, "cp949": _HANGUL}
_HIGH = bytes(range(128, 256))


@dataclass
class DecodePlan:
    """The encoding to read the whole file with, the decoded head, and notes for Data Quality."""

    encoding: str
    head: str
    notes: list[tuple[str, int, str]] = field(default_factory=list)


def decode_plan(data: bytes) -> DecodePlan:
    """Decide how to decode ``data`` (a whole text export); see the module docstring."""
    if data.startswith(b"\xef\xbb\xbf"):
        return DecodePlan("utf-8-sig", data[3:HEAD_CHARS].decode("utf-8", errors="replace"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return DecodePlan("utf-16", data[:2 * HEAD_CHARS].decode("utf-16", errors="replace"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return DecodePlan("utf-8", data[:HEAD_CHARS].decode("utf-8", errors="ignore"))
    bad, multibyte = utf8_damage(data)
    if multibyte > bad:
        note = ("Invalid UTF-8 bytes replaced", bad,
                "bytes that are not UTF-8 were read as '\ufffd'; the rest of the file is UTF-8")
        return DecodePlan("utf-8", data[:HEAD_CHARS].decode("utf-8", errors="replace"), [note])
    encoding, how = detect_code_page(data[:DETECT_BYTES])
    plan = DecodePlan(encoding, data[:HEAD_CHARS].decode(encoding, errors="replace"))
    plan.notes.append(("Encoding detected", 0, f"not UTF-8; read as {encoding} ({how})"))
    return plan


def utf8_damage(data: bytes) -> tuple[int, int]:
    """(invalid sequences, valid multi-byte characters) when ``data`` is read as UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - data.count(b"\xef\xbf\xbd")
    high = len(data) - len(data.translate(None, _HIGH))
    # each valid multi-byte character holds 2-4 high bytes; each invalid sequence 1-3
    multibyte = max(0, (high - bad * 3)) // 2
    return bad, multibyte


def detect_code_page(sample: bytes) -> tuple[str, str]:
    """(encoding, how it was chosen) for bytes that are not UTF-8."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return "cp1252", "charset-normalizer is not installed"
    matches = list(from_bytes(sample, cp_isolation=list(CANDIDATES)))
    if not matches:
        return "cp1252", "no candidate fits every byte; Windows-1252 as Excel writes it"
    best = min(m.chaos for m in matches)
    close = [m.encoding for m in matches if m.chaos <= best + 0.01]
    pick = next((enc for enc in CANDIDATES if enc in close), close[0])
    latin = pick in ("cp1252", "cp1250", "cp1254")
    if pick in _NATIVE or (latin and _looks_double_byte(sample.decode(pick, errors="replace"))):
        return _cjk_by_script(sample, pick), "detected by charset-normalizer and script"
    return _western(sample, pick), "detected by charset-normalizer"


def _looks_double_byte(text: str) -> bool:
    """True when the non-ASCII characters of a one-byte reading come in runs, not alone.

    Latin-script text read as Windows-1252 has its accented letters between ASCII
    ones (``Télécoms``); Chinese or Japanese read so comes out as runs of
    symbols (``è¡Œä¸š``). The detector picks a one-byte page for a few
    repeated ideographs; this sends such files to the East Asian choice.
    """
    wide = [i for i, ch in enumerate(text) if ord(ch) > 127]
    if len(wide) < 4:
        return False
    at = set(wide)
    paired = sum(1 for i in wide if i - 1 in at or i + 1 in at)
    return paired / len(wide) >= 0.6


def _in_ranges(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in ranges)


def native_share(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` in the script ``encoding`` is made for."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return 0.0
    ranges = _NATIVE[encoding]
    return sum(_in_ranges(ch, ranges) for ch in wide) / len(wide)


def _cjk_by_script(sample: bytes, pick: str) -> str:
    """Among the East Asian pages that read ``sample`` without error, the one whose script it is.

    The detector cannot tell GB18030 from EUC-KR or Shift-JIS on a few headers
    (they all read the bytes). A reading counts when at least 90% of its
    non-ASCII characters are in its page's script (Chinese read as Korean gives
    few Hangul; read as Shift-JIS, half-width katakana). When Chinese and
    Japanese readings both count, the bytes decide: Shift-JIS kanji start with
    bytes 0x81-0x9F, which common GB2312 text never has.
    """
    shares = {}
    for enc in _NATIVE:
        try:
            shares[enc] = native_share(sample.decode(enc), enc)
        except UnicodeDecodeError:
            continue
    fits = [enc for enc in CANDIDATES if shares.get(enc, 0.0) >= 0.9]
    if not fits:
        return pick if pick in _NATIVE else "cp1252"
    if "cp932" in fits and len(fits) > 1:
        high = len(sample) - len(sample.translate(None, _HIGH))
        low_high = len(sample) - len(sample.translate(None, bytes(range(0x80, 0xA0))))
        return "cp932" if high and low_high / high >= 0.2 else next(e for e in fits if e != "cp932")
    return pick if pick in fits else fits[0]


def _western(sample: bytes, encoding: str) -> str:
    """Windows-1252 when it reads ``sample`` exactly as the detected Central European page does.

    The detector reports cp1250 for French or German text whose letters both pages share.
    """
    if encoding != "cp1250":
        return encoding
    try:
        if sample.decode("cp1252") == sample.decode("cp1250"):
            return "cp1252"
    except UnicodeDecodeError:
        pass
    return encoding
