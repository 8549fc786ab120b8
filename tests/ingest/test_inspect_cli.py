"""``winloss-xl inspect`` options: --column, --config, --sheet, --contacts, --json."""

from __future__ import annotations

import json
import re
from pathlib import Path

from crm_exports import true_deals, write_salesforce_report_xlsx

from winloss_xl.cli import main


def test_column_override_and_config(tmp_path: Path, capsys) -> None:
    deals = tmp_path / "d.csv"
    deals.write_text("Phase,Value EUR,Closing\nGewonnen,10,2024-01-05\nVerloren,20,2024-01-06\n"
                     "Offen,5,2024-02-01\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('won_words = ["Gewonnen"]\nlost_words = ["Verloren"]\nopen_words = ["Offen"]\n'
                   '[columns]\nclose_date = "Closing"\n', encoding="utf-8")
    rc = main(["inspect", str(deals), "--config", str(cfg), "--column", "outcome=Phase",
               "--column", "amount=Value EUR", "--json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["won"] == 1 and data["summary"]["lost"] == 1
    assert data["summary"]["open_excluded"] == 1
    fates = {r["source_column"]: (r["mapped_to"], r["how_matched"]) for r in data["column_map"]}
    assert fates == {"Phase": ("Outcome", "setting"), "Value EUR": ("Deal size", "setting"),
                     "Closing": ("Close date", "setting")}


def test_bad_column_option_exits_3(tmp_path: Path, capsys) -> None:
    deals = tmp_path / "d.csv"
    deals.write_text("Stage\nWon\n", encoding="utf-8")
    assert main(["inspect", str(deals), "--column", "nonsense"]) == 3
    assert main(["inspect", str(deals), "--column", "flavour=Stage"]) == 3
    assert "FIELD=HEADER" in capsys.readouterr().err


def test_sheet_and_text_tables(tmp_path: Path, capsys) -> None:
    path = write_salesforce_report_xlsx(tmp_path / "r.xlsx", true_deals(20))
    assert main(["inspect", str(path), "--sheet", "Opportunities"]) == 0
    out = capsys.readouterr().out
    assert "Column map" in out and "Data quality" in out
    assert "Footer rows dropped" in out
    assert re.search(r"Opportunity Name +left out: personal or free text +personal", out)
    assert "Account 0" not in out  # no account names
    assert main(["inspect", str(path), "--sheet", "Nope"]) == 3
    assert "Opportunities" in capsys.readouterr().err
