"""Size limits: Config(max_rows=..., max_cells=...) stop a load with a clear InputError.

Small limits stand in for the real ones so the tests stay cheap; the defaults
must sit above Excel's own sheet limit so no real workbook is refused.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from winloss_xl.cli import main
from winloss_xl.config import EXCEL_MAX_ROWS, Config
from winloss_xl.errors import InputError
from winloss_xl.ingest import load_deals

from .builders import write_csv, write_xlsx, write_zip_bomb_xlsx
from .checks import file_hashes
from .corpus import base_rows

ROWS = 50  # deals in every generated input; 8 columns each -> 400 cells


def _inputs(tmp_path):
    rows = base_rows(ROWS)
    return {
        "csv": write_csv(tmp_path / "deals.csv", rows),
        "xlsx": write_xlsx(tmp_path / "deals.xlsx", rows),
        "json": _json(tmp_path / "deals.json", rows),
        "cells": rows,
        "frame": pd.DataFrame(rows[1:], columns=rows[0]),
    }


def _json(path, rows):
    header = rows[0]
    path.write_text(json.dumps([dict(zip(header, r)) for r in rows[1:]]))
    return path


def _label(kind, src):
    return "limit test" if kind in ("cells", "frame") else src.name


def _load(kind, src, config):
    """load_deals; ``name`` labels only in-memory sources (a file is named by its path)."""
    name = "limit test" if kind in ("cells", "frame") else None
    return load_deals(src, config=config, name=name)


KINDS = ["csv", "xlsx", "json", "cells", "frame"]


def test_defaults_sit_above_excels_sheet_limit():
    cfg = Config()
    assert cfg.max_rows > EXCEL_MAX_ROWS
    assert cfg.max_cells >= EXCEL_MAX_ROWS * 16, "a full-height 16-column export must load"


@pytest.mark.parametrize("kind", KINDS)
def test_within_limits_loads(kind, tmp_path):
    src = _inputs(tmp_path)[kind]
    ds = _load(kind, src, Config(max_rows=ROWS, max_cells=ROWS * 8 + 8))
    assert len(ds.deals) == ROWS


@pytest.mark.parametrize("kind", KINDS)
def test_max_rows_is_a_clear_input_error(kind, tmp_path):
    src = _inputs(tmp_path)[kind]
    with pytest.raises(InputError) as err:
        _load(kind, src, Config(max_rows=10))
    msg = err.value.message
    assert _label(kind, src) in msg, msg
    assert "max_rows" in msg and "10" in msg, msg


@pytest.mark.parametrize("kind", KINDS)
def test_max_cells_is_a_clear_input_error(kind, tmp_path):
    src = _inputs(tmp_path)[kind]
    with pytest.raises(InputError) as err:
        _load(kind, src, Config(max_cells=100))
    msg = err.value.message
    assert _label(kind, src) in msg, msg
    assert "max_cells" in msg, msg


@pytest.mark.parametrize("limit", ["max_rows = 10", "max_cells = 100"])
def test_limits_from_a_config_file_end_in_exit_3(limit, tmp_path, capsys):
    deals = write_csv(tmp_path / "deals.csv", base_rows(ROWS))
    cfg = tmp_path / "settings.toml"
    cfg.write_text(limit + "\n")
    before = file_hashes([deals, cfg])
    out = tmp_path / "out" / "report.xlsx"
    out.parent.mkdir()
    rc = main(["analyze", str(deals), "--config", str(cfg), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 3, err
    assert "deals.csv" in err and limit.split()[0] in err, err
    assert not any(out.parent.iterdir())
    assert file_hashes([deals, cfg]) == before


_BOMB_CHILD = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
from winloss_xl.errors import InputError
from winloss_xl.ingest import load_deals
from winloss_xl.config import Config
start = time.perf_counter()
try:
    load_deals(sys.argv[1], config=Config(max_rows=1000, max_cells=10_000))
    print("LOADED", time.perf_counter() - start)
except InputError as exc:
    print("INPUT_ERROR", time.perf_counter() - start, exc.message)
"""


def test_max_rows_stops_a_zip_bomb_before_inflating_it(tmp_path):
    """A 1.1 GB sheet under max_rows=1000 must be refused from its metadata, in seconds.

    Run in a child with a memory cap and a timeout: without a guard the sheet inflates.
    """
    bomb = write_zip_bomb_xlsx(tmp_path / "bomb.xlsx")
    try:
        proc = subprocess.run([sys.executable, "-c", _BOMB_CHILD, str(bomb)], capture_output=True,
                              text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("load_deals(max_rows=1000) on a 1.1 GB sheet did not stop within 30 s")
    assert proc.stdout.startswith("INPUT_ERROR"), (proc.stdout[-500:], proc.stderr[-1500:])
    seconds = float(proc.stdout.split()[1])
    assert "bomb.xlsx" in proc.stdout
    assert seconds < 5, f"took {seconds:.1f} s: the sheet was inflated before the limit was checked"


def test_limits_apply_to_contacts_and_accounts(tmp_path):
    deals = write_csv(tmp_path / "deals.csv", base_rows(5))
    contacts = write_csv(tmp_path / "contacts.csv",
                         [["Opportunity ID", "Contact: Title"]] + [[f"D-{i:04d}", "CFO"] for i in range(50)])
    with pytest.raises(InputError) as err:
        load_deals(deals, contacts=contacts, config=Config(max_rows=20))
    assert "contacts.csv" in err.value.message
