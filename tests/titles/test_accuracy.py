"""How well titles are read on real-world titles: O*NET and the hand-labelled set.

The O*NET part uses information from the O*NET 27.0 Database by the U.S. Department of
Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0
license (see onet_families.py and SOURCE.txt beside the data).
"""

from __future__ import annotations

import collections

from onet_families import FAMILIES, functions_for, mapped_titles
from title_data import labelled_titles

from winloss_xl.titles import FUNCTIONS, IC, IT, OTHER, SENIORITIES, get_reader

GROUPS = {"en", "de", "fr", "es", "pt", "it", "nl", "nordic", "pl", "owner", "assistant",
          "deputy", "combined", "abbrev", "former", "script"}


def test_onet_function_accuracy_is_at_least_85_percent(onet_dir):
    rows = mapped_titles(onet_dir)
    assert len(rows) > 5000
    read = get_reader().read
    right = sum(read(title).function in accepted for _code, title, accepted in rows)
    share = right / len(rows)
    print(f"O*NET: {right} of {len(rows)} titles ({share:.1%}) get an accepted function")
    assert share >= 0.85


def test_onet_reported_titles_held_out_are_read_as_well(onet_dir):
    """Titles reported by workers, never looked at while the tables were written."""
    rows = mapped_titles(onet_dir, "Sample of Reported Titles.txt", "Reported Job Title")
    assert len(rows) > 1000
    read = get_reader().read
    share = sum(read(title).function in accepted for _c, title, accepted in rows) / len(rows)
    print(f"O*NET reported titles (held out): {share:.1%} get an accepted function")
    assert share >= 0.85


def test_onet_mapping_names_only_our_functions():
    for prefix, accepted in FAMILIES.items():
        assert accepted <= set(FUNCTIONS), prefix
    assert functions_for("11-3031.01") == {"Finance"}
    assert functions_for("15-1212.00") == {"Security", IT}
    assert functions_for("29-1141.00") == frozenset()  # nurses: no counterpart
    assert functions_for("11-1011.00") == frozenset()  # chief executives of every function


def test_labelled_set_is_big_and_covers_every_group():
    rows = labelled_titles()
    assert len(rows) >= 300
    groups = collections.Counter(r["group"] for r in rows)
    assert set(groups) == GROUPS
    for lang in ("de", "fr", "es", "pt", "it", "nl", "nordic", "pl"):
        assert groups[lang] >= 15, lang
    for kind in ("owner", "assistant", "deputy", "combined", "abbrev"):
        assert groups[kind] >= 8, kind
    for r in rows:
        assert r["seniority"] in {"IC", OTHER, *SENIORITIES} - {IC}, r
        assert r["function"] in {"IT", OTHER, *FUNCTIONS} - {IT}, r


def _short(seniority: str, function: str) -> tuple[str, str]:
    return ("IC" if seniority == IC else seniority, "IT" if function == IT else function)


def test_labelled_set_at_least_95_percent_right_on_seniority_and_function():
    rows = labelled_titles()
    read = get_reader().read
    wrong = []
    for r in rows:
        info = read(r["title"])
        got = _short(info.seniority, info.function)
        if got != (r["seniority"], r["function"]):
            wrong.append((r["title"], (r["seniority"], r["function"]), got))
    share = 1 - len(wrong) / len(rows)
    print(f"labelled set: {len(rows) - len(wrong)} of {len(rows)} right ({share:.1%}); {wrong}")
    assert share >= 0.95, wrong[:20]
    by_group = collections.defaultdict(list)
    for r in rows:
        info = read(r["title"])
        by_group[r["group"]].append(_short(info.seniority, info.function)
                                    == (r["seniority"], r["function"]))
    for group, hits in by_group.items():
        assert sum(hits) / len(hits) >= 0.85, group
