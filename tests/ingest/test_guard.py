"""The guarded reading path: file checks, package checks, JSON numbers, encodings, headers, cells."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hostile import builders as B
from hostile.corpus import base_rows

from winloss_xl.errors import InputError
from winloss_xl.ingest import load_deals
from winloss_xl.ingestion import guard
from winloss_xl.ingestion.encoding import decode_plan, utf8_damage
from winloss_xl.ingestion.readers import _tidy_headers, cut_long_cells

LIMITS = guard.ZipLimits(max_unpacked=256 << 20)


def _xlsx(tmp_path: Path, name: str = "good.xlsx") -> Path:
    return B.write_xlsx(tmp_path / name, base_rows(20))


# --------------------------------------------------------------------- files


def test_fifo_and_device_inputs_are_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(InputError, match="named pipe"):
        guard.check_input_file(tmp_path / "pipe.csv", "pipe.csv")
    os.symlink("/dev/zero", tmp_path / "zero.csv")
    with pytest.raises(InputError, match="device"):
        guard.read_file_bytes(tmp_path / "zero.csv", "zero.csv")
    with pytest.raises(InputError, match="folder"):
        guard.check_input_file(tmp_path, "here")


def test_size_limit_is_checked_before_reading(tmp_path):
    p = tmp_path / "big.csv"
    p.write_bytes(b"x" * 2000)
    with pytest.raises(InputError) as err:
        guard.read_file_bytes(p, "big.csv", max_bytes=1000)
    assert "big.csv" in err.value.message and "size limit" in err.value.message
    assert guard.read_file_bytes(p, "big.csv", max_bytes=2000) == b"x" * 2000


# ------------------------------------------------------------------ packages


def test_a_good_package_passes_and_feeds_every_member(tmp_path):
    seen: dict[str, int] = {}

    def sink_for(name):
        seen[name] = 0
        return lambda data: seen.__setitem__(name, seen[name] + len(data))

    infos = guard.verify_zip(_xlsx(tmp_path), "good.xlsx", LIMITS, sink_for=sink_for)
    assert {i.filename: i.file_size for i in infos if not i.is_dir()} == seen


@pytest.mark.parametrize("how,words", [("crc", "bad CRC"), ("deflate", "corrupt compressed"),
                                       ("short", "larger than it says")])
def test_damaged_members_are_named(tmp_path, how, words):
    bad = B.rebuild_zip(_xlsx(tmp_path), tmp_path / "bad.xlsx",
                        damage={"xl/worksheets/sheet1.xml": how})
    with pytest.raises(InputError) as err:
        guard.verify_zip(bad, "bad.xlsx", LIMITS)
    msg = err.value.message
    assert "bad.xlsx" in msg and "xl/worksheets/sheet1.xml" in msg and words in msg, msg


def test_overlapping_members_are_refused(tmp_path):
    p = B.write_overlapping_xlsx(tmp_path / "overlap.xlsx", base_rows(5), copies=3)
    with pytest.raises(InputError, match=r"overlap|damaged"):
        guard.verify_zip(p, "overlap.xlsx", LIMITS)


def test_member_count_is_read_before_the_directory(tmp_path):
    bad = B.rebuild_zip(_xlsx(tmp_path), tmp_path / "many.xlsx",
                        extra={f"junk/{i}.bin": b"" for i in range(30)})
    with pytest.raises(InputError, match="parts"):
        guard.verify_zip(bad, "many.xlsx", guard.ZipLimits(max_unpacked=1 << 30, max_members=20))


def test_unpacked_total_names_its_setting(tmp_path):
    with pytest.raises(InputError) as err:
        guard.verify_zip(_xlsx(tmp_path), "good.xlsx",
                         guard.ZipLimits(max_unpacked=100, setting="max_cells setting"))
    assert "max_cells setting" in err.value.message


# ---------------------------------------------------------------------- JSON


@pytest.mark.parametrize("literal", ["9" * 4000, "1" + "0" * 4999, "1e99999", "-" + "7" * 5000])
def test_json_numbers_of_any_length(literal):
    value = guard.load_json(f'[{{"Amount": {literal}}}]'.encode(), "x.json")[0]["Amount"]
    assert isinstance(value, float)
    assert abs(value) == float("inf") or abs(value) > 1e300


def test_json_small_integers_stay_integers():
    assert guard.load_json(b'[{"id": 123456789012345678}]', "x.json") == [{"id": 123456789012345678}]


def test_json_errors_are_input_errors():
    with pytest.raises(InputError, match="nested too deeply"):
        guard.load_json(b"[" * 100_000 + b"]" * 100_000, "deep.json")
    with pytest.raises(InputError, match="not UTF-8"):
        guard.load_json(b'[{"a": "\xff"}]', "latin.json")
    with pytest.raises(InputError, match="not valid JSON"):
        guard.load_json(b'[{"a": ', "cut.json")


def test_json_with_a_huge_string_loads_with_the_cell_cut(tmp_path):
    rows = [dict(zip(base_rows(1)[0], r)) for r in base_rows(10)[1:]]
    rows[0]["Notes"] = "n" * 200_000
    (tmp_path / "d.json").write_text(json.dumps(rows))
    ds = load_deals(tmp_path / "d.json")
    cut = [e for e in ds.quality.entries if e.check == "Long cells cut"]
    assert cut and cut[0].count == 1


# ----------------------------------------------------------------- encodings


def test_utf8_with_one_bad_byte_stays_utf8():
    text = "Secteur\n" + "Énergie\n" * 1000
    data = text.encode("utf-8")
    data = data[:5000] + b"\xff" + data[5000:]
    plan = decode_plan(data)
    assert plan.encoding == "utf-8"
    assert plan.notes[0][:2] == ("Invalid UTF-8 bytes replaced", 1)
    assert utf8_damage(data)[0] == 1


@pytest.mark.parametrize("encoding,expected,header", [
    ("gb18030", "gb18030", "行业"), ("shift_jis", "cp932", "業種"), ("cp1252", "cp1252", "Région"),
    ("cp1251", "cp1251", "Отрасль")])
def test_code_pages_are_detected(encoding, expected, header):
    rows = "\n".join(f"D{i},Closed Won,{header}" for i in range(40))
    data = f"Deal ID,Stage,{header}\n{rows}\n".encode(encoding)
    plan = decode_plan(data)
    assert plan.encoding == expected
    assert header in plan.head


# ------------------------------------------------------------ headers, cells


def test_duplicate_headers_get_the_next_free_number():
    frame = pd.DataFrame([[1, 2, 3, 4]], columns=["Amount", "Amount (2)", "Amount", "Amount"])
    out = _tidy_headers(frame, "x.csv")
    assert list(out.columns) == ["Amount", "Amount (2)", "Amount (3)", "Amount (4)"]


def test_too_many_columns_is_an_input_error():
    frame = pd.DataFrame([[0] * (guard.MAX_COLUMNS + 1)])
    with pytest.raises(InputError, match="columns"):
        _tidy_headers(frame, "wide.csv")


@pytest.mark.parametrize("dtype", [object, "str", "category"])
def test_long_cells_are_cut_in_every_text_dtype(dtype):
    long = "y" * (guard.MAX_CELL_CHARS + 10)
    frame = pd.DataFrame({"a": pd.Series([long, "short", long, None], dtype=dtype), "b": [1, 2, 3, 4]})
    assert cut_long_cells(frame) == 2
    lengths = frame["a"].astype(object).map(lambda v: len(v) if isinstance(v, str) else 0)
    assert lengths.max() == guard.MAX_CELL_CHARS
    assert frame["a"].astype(object).iloc[1] == "short"
