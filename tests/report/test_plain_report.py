"""Issue 14: actions first, plain evidence, one q-value sentence, the score's own scale.

Real exports (the demo, Maven with accounts, IBM) through the real pipeline; checks against
independent pandas counts where a number is asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from winloss_xl import analyze, load_deals
from winloss_xl.dealset import DealSet
from winloss_xl.engine.findings import evidence_words
from winloss_xl.report.build import build_report
from winloss_xl.report.cells import p_text
from winloss_xl.report.layout import QVALUE_SENTENCE
from winloss_xl.report.xlsx import write_report

REPO = Path(__file__).resolve().parents[2]
IBM = REPO.parent / "shared" / "data" / "ibm-sales-win-loss" / "WA_Fn-UseC_-Sales-Win-Loss.csv"
EXPONENT = re.compile(r"\d[eE][-+]?\d")


def _sets(maven_dir: Path) -> dict[str, DealSet]:
    from winloss_xl.report.run import _demo_dealset

    out = {"demo": _demo_dealset(),
           "maven": load_deals(str(maven_dir / "sales_pipeline.csv"),
                               accounts=str(maven_dir / "accounts.csv"))}
    if IBM.exists():
        out["ibm"] = load_deals(str(IBM))
    return out


@pytest.fixture(scope="module")
def real(maven_dir):
    return {name: analyze(ds) for name, ds in _sets(maven_dir).items()}


def test_actions_one_to_five_in_plain_words(real):
    assert {"demo", "maven"} <= set(real)
    for name, a in real.items():
        t = a.tables["tblActions"]
        assert list(t.columns[:4]) == ["Priority", "Action", "Evidence", "Area"], name
        assert 1 <= len(t) <= 5, name
        assert t["Priority"].tolist() == list(range(1, len(t) + 1))
        for text in t["Evidence"]:
            assert not EXPONENT.search(text), (name, text)
            assert "q =" not in text and "q <" not in text, (name, text)  # words, not numbers
        for text in a.tables["tblRecommendations"]["Evidence"]:
            assert not EXPONENT.search(text), (name, text)


def test_demo_action_evidence_matches_a_pandas_count(real, maven_dir):
    """The Healthcare action: deals and win rate against an independent count of the demo."""
    from winloss_xl.report.run import _demo_dealset

    deals = _demo_dealset().deals
    closed = deals[deals["outcome"].isin(["won", "lost"])]
    hc = closed[closed["industry"] == "Healthcare"]
    rate, overall = (hc["outcome"] == "won").mean(), (closed["outcome"] == "won").mean()
    t = real["demo"].tables["tblActions"]
    row = t[t["Action"].str.contains("Healthcare")].iloc[0]
    assert row["Evidence"].startswith(f"{len(hc):,} deals, {rate:.0%} won against {overall:.0%} overall")
    assert row["Area"] == "Industry"


def test_nothing_significant_says_so_and_names_a_candidate(real):
    t = real["maven"].tables["tblActions"]
    assert t["Action"].iloc[0].startswith("Keep the current plan")
    overall = real["maven"].summary_value("Win rate")
    assert f"{overall:.0%}" in t["Evidence"].iloc[0]
    assert len(t) == 2 and t["Action"].iloc[1].startswith("Test further")


def test_headline_never_unspecified(real):
    for name, a in real.items():
        for k in ("headline_1", "headline_2", "headline_3"):
            text = a.sentences.get(k, "").lower()
            assert "unspecified" not in text and "not recorded" not in text, (name, text)


def test_p_text_and_words():
    assert p_text(1.5e-34) == "< 0.0001" and p_text(0.0) == "< 0.0001"
    assert p_text(0.00012) == "0.0001" and p_text(0.021) == "0.021" and p_text(0.5) == "0.50"
    assert p_text(float("nan")) == "n/a"
    assert evidence_words(1e-5) == "very strong evidence"
    assert evidence_words(0.005) == "strong evidence"
    assert evidence_words(0.05) == "suggestive evidence"
    assert evidence_words(1e-5, practical=False) == "strong evidence"
    assert evidence_words(0.2, significant=False).startswith("not yet significant")


def _cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]


def test_q_value_sentence_one_and_correct(real, tmp_path):
    docs = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    assert QVALUE_SENTENCE in docs
    fluke = re.compile(r"chance (that )?(a|the) difference[^.]*fluke|q-value is the chance", re.I)
    for name, a in real.items():
        path = write_report(build_report(a), tmp_path / f"{name}.xlsx")
        cells = _cells(path)
        assert not [c for c in cells if fluke.search(c)], name
        assert not [c for c in cells if re.search(r"\d[eE]-\d", c)], name  # no exponents
        about_q = [c for c in cells if "A q-value is" in c]
        assert about_q, name
        assert all(QVALUE_SENTENCE in c for c in about_q), name
        wb = load_workbook(path)
        for ws in wb.worksheets:  # every sheet but Data Quality's note says it or points to it
            text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
            assert QVALUE_SENTENCE in text, (name, ws.title)


def _scored(scale: float, seed: int = 3) -> DealSet:
    rng = np.random.default_rng(seed)
    n = 800
    score = rng.uniform(0, 1, n)
    won = rng.random(n) < 0.2 + 0.6 * score
    shown = np.round(score * scale, 2 if scale == 1 else 0)
    df = pd.DataFrame({"Stage": np.where(won, "Closed Won", "Closed Lost"), "Lead Score": shown,
                       "Deal ID": [f"D{i}" for i in range(n)]})
    return df


@pytest.mark.parametrize("scale", [1, 100])
def test_qualification_table_on_the_scores_own_scale(tmp_path, scale):
    df = _scored(scale)
    path = tmp_path / "deals.csv"
    df.to_csv(path, index=False)
    a = analyze(load_deals(str(path)))
    q = a.tables["tblQualification"]
    assert 0 < len(q) <= 20
    notes = " ".join(q["Note"])
    assert "Current threshold" in notes and "Best accuracy" in notes
    assert q["Threshold"].max() <= scale and q["Threshold"].min() >= df["Lead Score"].min() - 1e-9
    if scale == 100:
        assert q["Threshold"].max() > 1
    # accuracy at each shown threshold against an independent count
    won = df["Stage"] == "Closed Won"
    for row in q.to_dict("records"):
        passing = df["Lead Score"] >= row["Threshold"] - 1e-9
        assert row["Accuracy"] == pytest.approx(((passing & won) | (~passing & ~won)).mean())


def test_other_columns_follow_one_order(real):
    """After the DESIGN.md first columns: counts, rates, interval, lift, p, q, verdict, text."""
    from winloss_xl.report.layout import column_format, column_rank, display_frame
    from winloss_xl.report.tables import TABLES

    for a in real.values():
        for name, frame in a.tables.items():
            shown = display_frame(name, frame)
            decl = TABLES.get(name)
            first = decl.first_columns if decl and decl.first_columns else ()
            rest = [c for c in shown.columns if c not in first]
            if not first:  # an extra table keeps its leading labels
                while rest and column_format(str(rest[0]), shown[rest[0]]) == "text":
                    rest = rest[1:]
            ranks = [column_rank(str(c), column_format(str(c), shown[c])) for c in rest]
            assert ranks == sorted(ranks), (name, rest)
