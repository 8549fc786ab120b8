"""Findings: one statement each, with its evidence, built from the engine's results.

Every engine result that can support a recommendation (segments, drivers, owners,
competitors, loss categories, the trend, the qualification threshold, personas) is
turned into :class:`Finding` records here, with one wording of the evidence.
Strength, which orders everything, is -log10 of the finding's q (or p).

Sentences name dimensions, segments, competitors and loss categories only,
never an account, a contact or a deal; owners are described, not named, in
sentences (the recommendation text names the owner, as tblOwners does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from .. import stats
from ..numbers_text import p_text, points_text
from .prepare import NOT_RECORDED, Dimension


@dataclass(frozen=True)
class Finding:
    """One statement with its evidence, used for recommendations and the summary's sentences.

    ``strength`` orders findings (higher = stronger evidence, e.g. -log10 q);
    ``sentence`` is plain English with no account, contact or deal names.
    """

    area: str
    sentence: str
    evidence: str
    strength: float
    significant: bool
    #: the action this finding supports (tblRecommendations); the sentence is used when empty
    recommendation: str = ""
    #: the effect is large enough to act on (|lift - 1| >= 0.10 and >= 3 points); "High" needs it
    practical: bool = True
    #: an observation about a process measure: never a headline, never "High"
    process: bool = False
    #: the action in a sales leader's words, short (tblActions); the recommendation when empty
    action: str = ""
    #: the evidence in plain words, numbers a leader reads without a statistics course
    #: ("279 deals, 64% won against 42% overall"); tblActions adds the strength word
    plain: str = ""
    #: what the finding is about (a dimension, "Loss reasons", ...): keeps the actions varied
    topic: str = ""

    def strength_words(self) -> str:
        """How strong this finding's evidence is, in words (see :func:`evidence_words`)."""
        return evidence_words(self.q, practical=self.practical, significant=self.significant)

    @property
    def q(self) -> float:
        """The finding's q (or p) back from its strength."""
        return 10 ** -self.strength if self.strength > 0 else 1.0



#: A loss category is "dominant" when significantly more than this share of lost deals cite it.
DOMINANT_SHARE = 0.20
#: A threshold change is worth a "Test further" when it gains at least this many accuracy points.
MIN_THRESHOLD_GAIN = 2.0
#: ... and a significant change must gain at least this many points to be recommended outright.
MIN_SIGNIFICANT_GAIN = 1.0

LOSS_ACTIONS: dict[str, tuple[str, str]] = {
    "Price": ("Pricing", "Review pricing and packaging, and bring value justification earlier in the cycle"),
    "Budget": ("Pricing", "Confirm budget at qualification and offer phased or smaller starting packages"),
    "Timing": ("Process", "Test urgency and the buying timeline at qualification; build a "
                          "nurture path for not-now deals"),
    "Competitor": ("Competition", "Strengthen competitive positioning and battlecards"),
    "No decision": ("Process", "Build the business case for change with the buyer; qualify out stalled "
                               "deals earlier"),
    "Poor fit": ("Qualification", "Tighten qualification so poor-fit deals are screened out earlier"),
    "Champion left": ("Process", "Multi-thread deals: engage more than one sponsor per account"),
    "Product gap": ("Product", "Share the product gaps behind these losses with product management"),
}


#: Evidence in words, settled by q (or p for single tests) and the size of the effect:
#: (word, largest q) from the strongest down. A significant finding without a practical
#: effect (|lift - 1| >= 0.10 and 3 points) is one word weaker.
EVIDENCE_WORDS: tuple[tuple[str, float], ...] = (
    ("very strong evidence", 0.001),
    ("strong evidence", 0.01),
    ("suggestive evidence", 1.0),
)
NOT_YET_SIGNIFICANT = "not yet significant: worth testing"


def evidence_words(q: float, *, practical: bool = True, significant: bool = True) -> str:
    """Strength of evidence in words: "very strong evidence" (q <= 0.001), "strong evidence"
    (q <= 0.01), "suggestive evidence" (significant otherwise); one step weaker without a
    practical effect; "not yet significant: worth testing" for a leaning result.

    >>> evidence_words(1e-9), evidence_words(1e-9, practical=False), evidence_words(0.05)
    ('very strong evidence', 'strong evidence', 'suggestive evidence')
    """
    if not significant:
        return NOT_YET_SIGNIFICANT
    q = 1.0 if q is None or q != q else float(q)
    level = next(i for i, (_, top) in enumerate(EVIDENCE_WORDS) if q <= top * (1 + 1e-9))
    if not practical:
        level = min(level + 1, len(EVIDENCE_WORDS) - 1)
    return EVIDENCE_WORDS[level][0]


def strength_of(q: float) -> float:
    """-log10 q, capped at 300; 0 for missing q."""
    if q is None or math.isnan(q):
        return 0.0
    return float(min(300.0, -math.log10(max(q, 1e-300))))


def _pct(x: float) -> str:
    return f"{x:.0%}" if x == x else "n/a"


def evidence_text(n: int, won: int, rate: float, low: float, high: float, lift: float | None,
                  q: float, conf: float, q_label: str = "q") -> str:
    """'N deals, W won, win rate R (95% CI L-H), lift X, q = Q'."""
    parts = [f"{n:,} deals, {won:,} won, win rate {_pct(rate)} ({conf:.0%} CI {_pct(low)}-{_pct(high)})"]
    if lift is not None and lift == lift:
        parts.append(f"lift {lift:.2f}")
    parts.append(f"{q_label} {p_text(q, equals=True)}")
    return ", ".join(parts)


#: At most this many process observations become recommendations.
MAX_PROCESS = 2


def pattern_findings(parts: list[tuple[Dimension, pd.DataFrame]], overall: float, fdr: float,
                     conf: float) -> list[Finding]:
    """Strong / Poor fit segments (significant) and Leaning ones (test further); process
    measures give at most :data:`MAX_PROCESS` observations, worded as such."""
    out: list[Finding] = []
    process: list[Finding] = []
    for dim, table in parts:
        # owners are judged against their deal mix (tblOwners), competitors against the other
        # competitive deals (tblCompetitors): their raw pattern rows feed no finding
        if dim.field in ("owner", "competitor"):
            continue
        for row in table.to_dict("records"):
            if row["Segment"] == NOT_RECORDED or row["Verdict"] in _NOT_A_FINDING:
                continue
            if dim.is_process:
                if row["Verdict"] in (stats.STRONG, stats.POOR):
                    process.append(_process_finding(dim, row, overall, conf))
                continue
            out.append(_segment_finding(dim, row, overall, conf))
    process = sorted(process, key=lambda f: -f.strength)[:MAX_PROCESS]
    return _icp_wording(out) + process


_NOT_A_FINDING = (stats.IN_LINE, stats.TOO_FEW, stats.TOO_FEW_ACCOUNTS)


def _segment_finding(dim: Dimension, row: dict, overall: float, conf: float) -> Finding:
    significant = row["Verdict"] in (stats.STRONG, stats.POOR)
    strong = row["Verdict"] in (stats.STRONG, stats.LEANING_STRONG)
    seg = f"{dim.label} = {row['Segment']}"
    sentence = (f"Deals with {seg} win {_pct(row['Win rate'])} against {_pct(overall)} overall "
                f"({row['Lift']:.2f} times the overall rate"
                + (")." if significant else "; not significant yet)."))
    rec = (f"Prioritise {seg} deals: aim prospecting and pipeline reviews at them" if strong
           else f"Qualify {seg} deals harder or review how they are sold")
    if not significant:
        rec = f"Test further: {rec[0].lower()}{rec[1:]}"
    q = float(row["q-value"])
    ev = evidence_text(int(row["Deals"]), int(row["Won"]), row["Win rate"], row["CI low"],
                       row["CI high"], row["Lift"], q, conf)
    practical = stats.practical_effect(float(row["Win rate"]), overall, float(row["Lift"]))
    area = "ICP" if dim.field == "company_revenue" else "Targeting"
    who = segment_words(dim.label, str(row["Segment"]))
    action = (f"Prioritise {who} deals: aim prospecting and pipeline reviews at them" if strong
              else f"Qualify {who} deals harder, or change how they are sold")
    if not significant:
        action = f"Test further: {action[0].lower()}{action[1:]}"
    plain = f"{int(row['Deals']):,} deals, {_pct(row['Win rate'])} won against {_pct(overall)} overall"
    return Finding(area, sentence, ev, strength_of(q), significant, rec, practical, action=action,
                   plain=plain, topic=dim.label)


def segment_words(label: str, segment: str) -> str:
    """A segment as a sales leader says it: "Healthcare" for a worded value, "Deal size 0-15K"
    or "Employees 100-400" for a band, a code or a yes/no value.

    >>> segment_words("Industry", "Healthcare"), segment_words("Deal Size Category", "5")
    ('Healthcare', 'Deal Size Category 5')
    """
    worded = sum(ch.isalpha() for ch in segment) >= 3 and segment.lower() not in (
        "yes", "no", "true", "false", "none", "other", "unknown")
    return segment if worded else f"{label} {segment}"


def _process_finding(dim: Dimension, row: dict, overall: float, conf: float) -> Finding:
    seg = f"{dim.label.lower() if dim.label[:1].isupper() and dim.label[1:].islower() else dim.label}" \
          f" of {row['Segment']}"
    lower = row["Win rate"] < overall
    sentence = (f"Process observation: deals with a {seg} win {_pct(row['Win rate'])} against "
                f"{_pct(overall)} overall. This measure grows until a deal closes, so it partly "
                "follows from the outcome.")
    rec = (f"Check whether deals with a {seg} were real opportunities, or were closed out early"
           if lower else f"Look at what happens in deals with a {seg} before pushing for speed")
    q = float(row["q-value"])
    ev = evidence_text(int(row["Deals"]), int(row["Won"]), row["Win rate"], row["CI low"],
                       row["CI high"], row["Lift"], q, conf)
    plain = (f"{int(row['Deals']):,} deals with a {seg}, {_pct(row['Win rate'])} won against "
             f"{_pct(overall)} overall")
    return Finding("Process", sentence, ev, strength_of(q), True, rec, practical=False, process=True,
                   plain=plain, topic=dim.label)


def _icp_wording(findings: list[Finding]) -> list[Finding]:
    """The strongest significant revenue band gets sweet-spot wording; other revenue bands stay
    targeting findings."""
    best = max((f for f in findings if f.area == "ICP" and f.significant and "Prioritise" in
                f.recommendation), key=lambda f: f.strength, default=None)
    out = []
    for f in findings:
        if f.area != "ICP":
            out.append(f)
        elif f is best:
            band = f.recommendation.split(" = ", 1)[1].split(" deals", 1)[0]
            rec = f"Sweet spot: focus prospecting on companies with revenue {band}"
            out.append(replace(f, recommendation=rec, action=rec))
        else:
            out.append(replace(f, area="Targeting"))
    return out


def driver_findings(table: pd.DataFrame, overall: float, conf: float) -> list[Finding]:
    """Every significant driver."""
    out = []
    for row in table.to_dict("records"):
        strong = row["Lift"] > 1
        sentence = (f"Deals with {row['Segment']} win {_pct(row['Win rate'])} against "
                    f"{_pct(overall)} overall, {'more' if strong else 'less'} than either condition "
                    f"alone ({_pct(row['Win rate of first condition'])} and "
                    f"{_pct(row['Win rate of second condition'])}).")
        rec = (f"Make {row['Segment']} part of the ideal customer profile" if strong
               else f"Screen {row['Segment']} deals harder at qualification")
        ev = evidence_text(int(row["Deals"]), int(row["Won"]), row["Win rate"], row["CI low"],
                           row["CI high"], row["Lift"], row["q-value"], conf)
        practical = stats.practical_effect(row["Win rate"], overall, row["Lift"])
        plain = (f"{int(row['Deals']):,} deals, {_pct(row['Win rate'])} won against {_pct(overall)} "
                 "overall")
        parts = [part.split(" = ", 1) for part in str(row["Segment"]).split(" and ")]
        topic = " + ".join(p[0] for p in parts)
        who = " and ".join(segment_words(*p) if len(p) == 2 else p[0] for p in parts)
        action = (f"Make {who} deals part of the ideal customer profile" if strong
                  else f"Screen {who} deals harder at qualification")
        out.append(Finding("ICP", sentence, ev, strength_of(row["q-value"]), True, rec, practical,
                           action=action, plain=plain, topic=topic))
    return out


def owner_findings(table: pd.DataFrame, conf: float) -> list[Finding]:
    """Owners significantly above or below the rate their deal mix predicts (closed deals only)."""
    out = []
    for row in table.to_dict("records"):
        if row["Assessment"] not in ("Above expected", "Below expected"):
            continue
        above = row["Assessment"] == "Above expected"
        sentence = (f"One owner wins {_pct(row['Win rate'])} of deals where their deal mix predicts "
                    f"{_pct(row['Expected win rate'])} ({'above' if above else 'below'} expectation).")
        rec = (f"Learn from {row['Owner']}'s approach and share it with the team" if above
               else f"Review deals and coaching with {row['Owner']}")
        ev = (evidence_text(int(row["Deals"]), int(row["Won"]), row["Win rate"], row["CI low"],
                            row["CI high"], None, row["q-value"], conf)
              + f", expected win rate {_pct(row['Expected win rate'])}")
        expected = row["Expected win rate"]
        practical = stats.practical_effect(row["Win rate"], expected,
                                           row["Win rate"] / expected if expected else float("nan"))
        plain = (f"{int(row['Deals']):,} deals, {_pct(row['Win rate'])} won where their deal mix "
                 f"predicts {_pct(expected)}")
        out.append(Finding("Coaching", sentence, ev, strength_of(row["q-value"]), True, rec, practical,
                           plain=plain, topic="Owners"))
    return out


def competitor_findings(table: pd.DataFrame, conf: float) -> list[Finding]:
    """Competitors we beat or lose to significantly more than in other competitive deals."""
    out = []
    for row in table.to_dict("records"):
        if row["Verdict"] not in (stats.STRONG, stats.POOR):
            continue
        strong = row["Verdict"] == stats.STRONG
        name = row["Competitor"]
        sentence = (f"Against {name} the win rate is {_pct(row['Win rate'])}, "
                    f"{row['Lift']:.2f} times the rate in other competitive deals.")
        rec = (f"Seek out deals against {name} and reuse the arguments that win them" if strong
               else f"Build a battlecard and a proof plan for deals against {name}")
        ev = evidence_text(int(row["Deals"]), int(row["Won"]), row["Win rate"], row["CI low"],
                           row["CI high"], row["Lift"], row["q-value"], conf)
        rest = row["Win rate"] / row["Lift"] if row["Lift"] else float("nan")
        practical = stats.practical_effect(row["Win rate"], rest, row["Lift"])
        plain = (f"{int(row['Deals']):,} deals against {name}, {_pct(row['Win rate'])} won against "
                 f"{_pct(rest)} in other competitive deals")
        out.append(Finding("Competition", sentence, ev, strength_of(row["q-value"]), True, rec,
                           practical, plain=plain, topic="Competitors"))
    return out


def loss_findings(table: pd.DataFrame, lost_deals: int, fdr: float) -> list[Finding]:
    """Loss categories cited by significantly more than DOMINANT_SHARE of lost deals."""
    if table.empty or lost_deals == 0:
        return []
    rows = table[table["Loss reason"].isin(list(LOSS_ACTIONS))]
    if rows.empty:
        return []
    p = stats.share_exceeds_p(rows["Lost deals"].to_numpy(), lost_deals, DOMINANT_SHARE)
    q = stats.benjamini_hochberg(p)
    out = []
    for (_, row), qq in zip(rows.iterrows(), q):
        if qq > fdr:
            continue
        area, action = LOSS_ACTIONS[row["Loss reason"]]
        share = row["Lost deals"] / lost_deals
        sentence = f"{row['Loss reason']} is cited in {share:.0%} of lost deals."
        ev = (f"{int(row['Lost deals']):,} of {lost_deals:,} lost deals; share of losses "
              f"{row['Share of losses']:.0%}; more than {DOMINANT_SHARE:.0%} of losses at "
              f"q {p_text(qq, equals=True)}")
        if isinstance(row.get("Most over-represented in"), str) and row["Most over-represented in"]:
            ev += (f"; most over-represented in {row['Most over-represented in']} "
                   f"(lift {row['Lift there']:.2f})")
        practical = share - DOMINANT_SHARE >= stats.MIN_POINTS
        plain = (f"{int(row['Lost deals']):,} of {lost_deals:,} lost deals ({share:.0%}) cite "
                 f"{str(row['Loss reason']).lower()}")
        out.append(Finding(area, sentence, ev, strength_of(qq), True, action, practical, plain=plain,
                           topic="Loss reasons"))
    return out


def trend_finding(change: tuple[float, float, str, str] | None, sentence: str, fdr: float) -> list[Finding]:
    """The latest quarter's change, when significant."""
    if change is None:
        return []
    diff, p, cur, prev = change
    if p > fdr:
        return []
    rec = (f"Find what changed in {cur}: the win rate fell {points_text(diff)} from {prev}" if diff < 0
           else f"Find what drove the {points_text(diff)} improvement in {cur} and repeat it")
    practical = abs(diff) >= stats.MIN_POINTS * 100
    plain = f"win rate {'down' if diff < 0 else 'up'} {points_text(diff)} from {prev} to {cur}"
    return [Finding("Trend", sentence, f"two-proportion test p {p_text(p, equals=True)}",
                    strength_of(p), True, rec, practical, plain=plain, topic="Trend")]


def qualification_finding(result, fdr: float) -> list[Finding]:
    """A threshold change that improves accuracy (significant, or a test-further near miss)."""
    if result is None or result.best == result.current or result.best_accuracy <= result.current_accuracy:
        return []
    gain = (result.best_accuracy - result.current_accuracy) * 100
    significant = result.mcnemar_p <= fdr and gain >= MIN_SIGNIFICANT_GAIN
    if not significant and gain < MIN_THRESHOLD_GAIN:
        return []
    rec = (f"Change the qualification threshold from {result.shown(result.current)} to "
           f"{result.shown(result.best)}"
           + ("" if significant else " on a trial basis"))
    ev = (f"{result.deals:,} scored deals; accuracy {result.best_accuracy:.0%} vs "
          f"{result.current_accuracy:.0%} "
          f"({points_text(gain, signed=True)}), McNemar p {p_text(result.mcnemar_p, equals=True)}; "
          f"separation (AUC) {result.auc:.2f}")
    sentence = (f"A qualification threshold of {result.shown(result.best)} would classify "
                f"{result.best_accuracy:.0%} of "
                f"deals correctly, against {result.current_accuracy:.0%} today.")
    plain = (f"{result.deals:,} scored deals: {result.best_accuracy:.0%} classified right at "
             f"{result.shown(result.best)}, against {result.current_accuracy:.0%} at "
             f"{result.shown(result.current)}")
    return [Finding("Qualification", sentence, ev, strength_of(result.mcnemar_p), significant, rec,
                    gain >= stats.MIN_POINTS * 100, plain=plain, topic="Qualification")]


