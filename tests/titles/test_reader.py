"""The title reader's rules, its word tables, company-specific titles and unread scripts."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from winloss_xl import read_title
from winloss_xl.config import Config
from winloss_xl.engine.personas import persona_analysis
from winloss_xl.errors import InputError
from winloss_xl.titles import TitleReader, get_reader, is_catch_all, parse_persona, unread_script
from winloss_xl.titles import vocabulary as v

C, VP, D, M, IC, OTH = "C-level", "VP", "Director", "Manager", "Individual contributor", "Other"

# The issue's examples: (title, persona, seniority, function)
ISSUE_EXAMPLES = [
    ("Owner", "Owner / Partner", C, "Executive"),
    ("Inhaber", "Owner / Partner", C, "Executive"),
    ("Unternehmensinhaber", "Owner / Partner", C, "Executive"),
    ("Partner", "Owner / Partner", C, "Executive"),
    ("Managing Partner", "Owner / Partner", C, "Executive"),
    ("Prokurist", "Director (other function)", D, OTH),
    ("Vorstandsmitglied", "Board member", C, "Executive"),
    ("Geschäftsleitung", "CEO", C, "Executive"),
    ("Finanzvorstand", "CFO", C, "Finance"),
    ("Board Member", "Board member", C, "Executive"),
    ("Gérant", "CEO", C, "Executive"),
    ("Fundador", "Owner / Partner", C, "Executive"),
    ("Assistentin der Geschäftsführung", "Executive assistant", IC, "Executive"),
    ("Assistant CFO", "VP Finance", VP, "Finance"),
    ("CFO Assistant", "Executive assistant", IC, "Executive"),
    ("Deputy CFO", "VP Finance", VP, "Finance"),
    ("Stellvertretender Geschäftsführer", "General Manager", VP, "Executive"),
    ("Geschäftsführer (CFO)", "CFO", C, "Finance"),
    ("Kaufmännischer Geschäftsführer", "CFO", C, "Finance"),
    ("General Manager and Chief Revenue Officer", "CRO", C, "Sales"),
    ("General Manager and CRO", "CRO", C, "Sales"),
    ("Business Developer", "Sales staff", IC, "Sales"),
    ("Ingénieur commercial", "Sales staff", IC, "Sales"),
    ("Technical Sales Manager", "Manager Sales", M, "Sales"),
    ("Director, Corporate Development", "Director (other function)", D, OTH),
    ("Marketing Managerin", "Manager Marketing", M, "Marketing"),
    ("Kfm. Leiter", "Director Finance", D, "Finance"),
    ("KAM", "Sales staff", IC, "Sales"),
    ("BDM", "Manager Sales", M, "Sales"),
    ("CSO", "CRO", C, "Sales"),
    ("CCO", "CRO", C, "Sales"),
    ("Chief Exec", "CEO", C, "Executive"),
    ("Former CFO", OTH, OTH, OTH),
    ("Директор по продажам", OTH, OTH, OTH),
    ("销售总监", OTH, OTH, OTH),
    ("営業部長", OTH, OTH, OTH),
]


@pytest.mark.parametrize(("title", "persona", "seniority", "function"), ISSUE_EXAMPLES)
def test_issue_examples(title, persona, seniority, function):
    assert read_title(title) == (persona, seniority, function)


@pytest.mark.parametrize(("title", "expected"), [
    ("Vertriebsleiterin", "Director Sales"),          # compound, feminine
    ("Einkaufsleiterinnen", "Director Procurement"),   # plural feminine
    ("Økonomidirektør", "Director Finance"),           # ø kept as a letter
    ("Dyrektorka Marketingu", "Director Marketing"),   # ł and feminine forms
    ("Directrice des achats", "Director Procurement"),
    ("Sales & Marketing Director", "Director Sales"),  # function part lent to the role
    ("VP Sales & Marketing", "VP Sales"),
    ("Computer Sales Representative", "Sales staff"),  # nearest modifier before the role
    ("Sales Operations Manager", "Manager Sales"),     # Operations only as a fallback
    ("Computer Security Specialist", "Security staff"),
    ("Maintenance Engineer", "IT staff"),              # an engineer stays in engineering
    ("Founder & CEO", "CEO"),                          # CEO over owner
    ("Chairman & CEO", "CEO"),
    ("Founder & CTO", "CTO"),                          # a named function over the executive
    ("Ex-CFO, now Board Member", "Board member"),      # the former role is not read
    ("Executive Assistant to the CEO and CFO", "Executive assistant"),
    ("Assistant Director of Finance", "Manager Finance"),
    ("Vertriebsassistentin", "Sales staff"),           # assistant in a function, not the boss
])
def test_rules(title, expected):
    assert read_title(title)[0] == expected


def test_every_table_parses_and_no_two_files_disagree_on_a_word():
    folder = resources.files("winloss_xl.titles") / "data"
    seen: dict[tuple[str, ...], tuple[str, v.Entry]] = {}
    disagree = []
    for name in v.TABLE_FILES:
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        assert text.startswith("#"), f"{name}.txt explains its columns first"
        written, generated = v.parse_table(text.splitlines(), name)
        assert written and generated
        for key, entry in written.items():
            if key in seen and seen[key][1] != entry:
                disagree.append((" ".join(key), seen[key][0], name))
            seen.setdefault(key, (name, entry))
    assert not disagree


def test_table_lines_are_checked():
    with pytest.raises(ValueError, match="unknown seniority 'Boss'"):
        v.parse_table(["chef | Boss"], "x.txt")
    with pytest.raises(ValueError, match="unknown function 'Sorcery'"):
        v.parse_table(["wizard | IC | Sorcery"], "x.txt")
    _written, generated = v.parse_table(["@forms | +in | eur>rice", "leiter | Director",
                                        "directeur | Director"], "x.txt")
    assert ("leiterin",) in generated and ("directrice",) in generated
    assert generated[("leiterin",)].level == "Director"


def test_fold_keeps_other_scripts_and_unread_script_says_so():
    assert v.fold("Geschäftsführer") == "geschaftsfuhrer"
    assert v.fold("Główny Księgowy") == "glowny ksiegowy"
    assert v.fold("Директор") == "директор"  # kept, never deleted
    assert unread_script("Директор по продажам") and unread_script("销售总监")
    assert not unread_script("Geschäftsführerin") and not unread_script(None)
    assert not unread_script("Økonomichef")


def test_labels_and_catch_alls():
    assert is_catch_all("Other") and is_catch_all("Director (other function)")
    assert is_catch_all("Finance (other level)") and not is_catch_all("CFO")
    assert parse_persona("Director Sales") == ("Director Sales", D, "Sales")
    assert parse_persona("director, it") == ("Director IT", D, "IT / Engineering")
    assert parse_persona("owner / partner") == ("Owner / Partner", C, "Executive")
    assert parse_persona("cio") == ("CIO", C, "IT / Engineering")
    with pytest.raises(ValueError, match="is not a persona"):
        parse_persona("Chief Wizard")


# ----------------------------------------------------------------- company titles

def test_company_titles_win_over_the_built_in_words():
    reader = TitleReader({"Revenue Champion": "Director Sales", "Zauberer": "IT staff",
                          "Head of Growth": "Director, Marketing"})
    assert reader.read("Revenue Champion EMEA").persona == "Director Sales"
    assert reader.read("Senior Zauberer").persona == "IT staff"
    assert reader.read("Deputy Revenue Champion").persona == "Manager Sales"
    assert reader.read("Head of Growth").persona == "Director Marketing"
    assert get_reader().read("Revenue Champion").persona != "Director Sales"
    assert read_title("Zauberer", {"Zauberer": "IT staff"})[0] == "IT staff"
    assert read_title("Zauberer")[0] == "Other"


def test_titles_config_from_toml_pairs_and_mapping(tmp_path):
    path = tmp_path / "winloss.toml"
    path.write_text('min_deals = 5\n[titles]\n"Revenue Champion" = "Director Sales"\n',
                    encoding="utf-8")
    assert Config.from_toml(path).titles == {"Revenue Champion": "Director Sales"}
    cfg = Config.from_pairs([["title:Revenue Champion", "Director Sales"], ["min_deals", 5]])
    assert cfg.titles == {"Revenue Champion": "Director Sales"}
    with pytest.raises(InputError) as err:
        Config.from_mapping({"titles": {"Revenue Champion": "Chief Wizard"}}, source="t.toml")
    assert "Chief Wizard" in err.value.message and "t.toml" in err.value.message
    with pytest.raises(InputError):
        Config.from_mapping({"titles": "not a table"})


def test_company_titles_reach_the_persona_tables():
    deals = pd.DataFrame({"deal_id": [f"D{i}" for i in range(40)],
                          "outcome": ["won", "lost"] * 20})
    contacts = pd.DataFrame({"deal_id": deals["deal_id"], "title": "Zauberlehrling",
                             "role": "Champion"})
    plain = persona_analysis(deals, contacts, Config())
    assert plain.tables["tblPersonas"]["Persona"].tolist() == ["Other"]
    cfg = Config(titles={"Zauberlehrling": "Director Sales"})
    custom = persona_analysis(deals, contacts, cfg)
    assert custom.tables["tblPersonas"]["Persona"].tolist() == ["Director Sales"]
    assert custom.tables["tblBuyingGroups"]["Function"].tolist() == ["Sales"]


def test_unread_scripts_are_counted_in_data_quality():
    deals = pd.DataFrame({"deal_id": ["A", "B", "C", "D"], "outcome": ["won", "lost", "won", "lost"]})
    contacts = pd.DataFrame({"deal_id": ["A", "B", "C", "D", "A"],
                             "title": ["Директор по продажам", "销售总监", "Astronaut", "CFO",
                                       "Директор по продажам"],
                             "role": "Champion"})
    res = persona_analysis(deals, contacts, Config())
    quality = {check: count for check, count, _detail in res.quality}
    assert quality["Contact titles in a script the reader does not read"] == 3
    assert quality["Contact titles not recognised"] == 4


def test_inline_title_columns_in_other_languages_are_read_as_contacts():
    """A "Champion" column of German and French titles holds titles, not names."""
    from winloss_xl import load_deals

    titles = ["Leiterin Einkauf", "Geschäftsführer", "Directrice financière", "Kfm. Leiter"]
    rows = [["Opportunity ID", "Stage", "Amount", "Champion"]]
    rows += [[f"D{i}", "Closed Won" if i % 2 else "Closed Lost", 1000.0, titles[i % 4]]
             for i in range(20)]
    dealset = load_deals(rows)
    assert len(dealset.contacts) == 20
    assert sorted(set(dealset.contacts["title"])) == sorted(titles)
    names = [["Opportunity ID", "Stage", "Amount", "Champion"]]
    names += [[f"D{i}", "Closed Won", 1000.0, n] for i, n in
              enumerate(["Jane Qzorblatt", "Umberto Xylofane", "Søren Ækvilbrandt"])]
    assert len(load_deals(names).contacts) == 0  # names never become contacts
