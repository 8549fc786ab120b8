"""Title -> persona (seniority, function) and role normalisation, table-driven."""

from __future__ import annotations

import pandas as pd
import pytest

from winloss_xl.engine import titles as tt

C, V, D, M, IC, OTH = tt.C_LEVEL, tt.VP, tt.DIRECTOR, tt.MANAGER, tt.IC, tt.OTHER

# (title as exported, persona label, seniority, function)
TITLES = [
    # the examples
    ("VP Sales", "VP Sales", V, "Sales"),
    ("CFO", "CFO", C, "Finance"),
    ("CTO", "CTO", C, "IT / Engineering"),
    ("Director IT", "Director IT", D, "IT / Engineering"),
    ("Head of Procurement", "Director Procurement", D, "Procurement"),
    ("SVP, Worldwide Sales", "VP Sales", V, "Sales"),
    ("Chief Financial Officer", "CFO", C, "Finance"),
    ("Sr. Manager, Marketing Ops", "Manager Marketing", M, "Marketing"),
    ("Software Engineer", "IT staff", IC, "IT / Engineering"),
    # C-level, spelled out, abbreviated, combined
    ("Chief Executive Officer", "CEO", C, "Executive"),
    ("President & CEO", "CEO", C, "Executive"),
    ("Founder and CEO", "CEO", C, "Executive"),
    ("Co-Founder & CTO", "CTO", C, "IT / Engineering"),
    ("C.E.O.", "CEO", C, "Executive"),
    ("chief operating officer", "COO", C, "Operations"),
    ("COO", "COO", C, "Operations"),
    ("Chief Information Officer", "CIO", C, "IT / Engineering"),
    ("Global CIO", "CIO", C, "IT / Engineering"),
    ("Chief Marketing Officer", "CMO", C, "Marketing"),
    ("CRO", "CRO", C, "Sales"),
    ("Chief Revenue Officer", "CRO", C, "Sales"),
    ("Chief Information Security Officer", "CISO", C, "Security"),
    ("Chief Security Officer", "CISO", C, "Security"),
    ("Chief Technology Officer", "CTO", C, "IT / Engineering"),
    ("Chief Data Officer", "CDO", C, "Data"),
    ("Chief People Officer", "CHRO", C, "HR"),
    ("Chief Procurement Officer", "C-level Procurement", C, "Procurement"),
    ("Chief Legal Officer", "General Counsel", C, "Legal"),
    ("General Counsel", "General Counsel", C, "Legal"),
    ("Managing Director", "CEO", C, "Executive"),
    ("  cfo  ", "CFO", C, "Finance"),
    # VP variants
    ("Vice President of Sales", "VP Sales", V, "Sales"),
    ("EVP, Global Sales & Marketing", "VP Sales", V, "Sales"),
    ("AVP Finance", "Director Finance", D, "Finance"),  # assistant VP: one level below VP
    ("Senior Vice President, Engineering", "VP IT", V, "IT / Engineering"),
    ("V.P. Marketing", "VP Marketing", V, "Marketing"),
    ("vp of information technology", "VP IT", V, "IT / Engineering"),
    ("Regional Vice-President Sales", "VP Sales", V, "Sales"),
    ("VP, Customer Success", "VP Customer Success", V, "Customer Success"),
    ("VP Operations", "VP Operations", V, "Operations"),
    ("VP Sales Operations", "VP Sales", V, "Sales"),
    ("General Manager, EMEA", "General Manager", V, "Executive"),
    # directors and heads
    ("Director of Procurement", "Director Procurement", D, "Procurement"),
    ("Dir. Finance", "Director Finance", D, "Finance"),
    ("Head of IT", "Director IT", D, "IT / Engineering"),
    ("Head of Data & Analytics", "Director Data", D, "Data"),
    ("Senior Director, Product Management", "Director Product", D, "Product"),
    ("Director, Information Security", "Director Security", D, "Security"),
    ("Head of People", "Director HR", D, "HR"),
    ("Director Human Resources", "Director HR", D, "HR"),
    ("Head of Legal", "Director Legal", D, "Legal"),
    ("Director of Engineering", "Director IT", D, "IT / Engineering"),
    ("Director, Supply Chain", "Director Operations", D, "Operations"),
    ("Director, Product Marketing", "Director Marketing", D, "Marketing"),
    # managers
    ("IT Manager", "Manager IT", M, "IT / Engineering"),
    ("Procurement Mgr", "Manager Procurement", M, "Procurement"),
    ("Purchasing Manager", "Manager Procurement", M, "Procurement"),
    ("Sales Manager", "Manager Sales", M, "Sales"),
    ("Finance Manager", "Manager Finance", M, "Finance"),
    ("Customer Success Manager", "Manager Customer Success", M, "Customer Success"),
    ("Engineering Manager", "Manager IT", M, "IT / Engineering"),
    ("Product Manager", "Manager Product", M, "Product"),
    ("HR Manager", "Manager HR", M, "HR"),
    ("Team Lead, Data Engineering", "Manager Data", M, "Data"),
    ("Manager, Business Intelligence", "Manager Data", M, "Data"),
    # individual contributors
    ("Senior Software Engineer", "IT staff", IC, "IT / Engineering"),
    ("Data Scientist", "Data staff", IC, "Data"),
    ("Procurement Specialist", "Procurement staff", IC, "Procurement"),
    ("Buyer", "Procurement staff", IC, "Procurement"),
    ("Financial Analyst", "Finance staff", IC, "Finance"),
    ("Account Executive", "Sales staff", IC, "Sales"),
    ("Senior Account Manager", "Sales staff", IC, "Sales"),
    ("Security Engineer", "Security staff", IC, "Security"),
    ("Jr. Marketing Coordinator", "Marketing staff", IC, "Marketing"),
    ("Legal Counsel", "Legal staff", IC, "Legal"),
    ("Solutions Architect", "IT staff", IC, "IT / Engineering"),
    ("Executive Assistant to the CEO", "Executive assistant", IC, "Executive"),
    # other languages
    ("Directeur Commercial", "Director Sales", D, "Sales"),
    ("Directrice Marketing", "Director Marketing", D, "Marketing"),
    ("Directeur des Achats", "Director Procurement", D, "Procurement"),
    ("Directeur Général", "CEO", C, "Executive"),
    ("Leiter Einkauf", "Director Procurement", D, "Procurement"),
    ("Leiterin IT", "Director IT", D, "IT / Engineering"),
    ("Einkaufsleiter", "Director Procurement", D, "Procurement"),
    ("Vertriebsleiterin", "Director Sales", D, "Sales"),
    ("Teamleiter Vertrieb", "Manager Sales", M, "Sales"),
    ("Geschäftsführer", "CEO", C, "Executive"),
    ("Vorstand Finanzen", "CFO", C, "Finance"),
    ("Gerente de Ventas", "Manager Sales", M, "Sales"),
    ("Gerente de TI", "Manager IT", M, "IT / Engineering"),
    ("Responsable Achats", "Manager Procurement", M, "Procurement"),
    ("Jefe de Compras", "Manager Procurement", M, "Procurement"),
    ("Direttore Vendite", "Director Sales", D, "Sales"),
    ("Director de Finanzas", "Director Finance", D, "Finance"),
    ("Abteilungsleiter Einkauf", "Director Procurement", D, "Procurement"),
    ("Kaufmännischer Leiter", "Director Finance", D, "Finance"),
    ("Directeur Technique", "Director IT", D, "IT / Engineering"),
    ("Responsable Informatique", "Manager IT", M, "IT / Engineering"),
    ("Amministratore Delegato", "CEO", C, "Executive"),
    # more real-world spellings
    ("Controller", "Manager Finance", M, "Finance"),
    ("RevOps Manager", "Manager Sales", M, "Sales"),
    ("Associate General Counsel", "Director Legal", D, "Legal"),
    ("VP Eng", "VP IT", V, "IT / Engineering"),
    ("Tech Lead", "Manager IT", M, "IT / Engineering"),
    ("Lead Engineer", "IT staff", IC, "IT / Engineering"),
    ("IT Director / CIO", "CIO", C, "IT / Engineering"),
    ("Executive Vice President & CFO", "CFO", C, "Finance"),
    ("Assistant Vice President, Technology", "Director IT", D, "IT / Engineering"),
    ("Inside Sales Representative", "Sales staff", IC, "Sales"),
    ("Strategic Sourcing Manager", "Manager Procurement", M, "Procurement"),
    ("Head of Talent Acquisition", "Director HR", D, "HR"),
    ("Director of Customer Experience", "Director Customer Success", D, "Customer Success"),
    ("Information Security Analyst", "Security staff", IC, "Security"),
    ("DevOps Engineer", "IT staff", IC, "IT / Engineering"),
    ("Supply Chain Manager", "Manager Operations", M, "Operations"),
    # known level, unknown function; and unknown titles
    ("Project Manager", "Manager (other function)", M, OTH),
    ("Owner", "Owner / Partner", C, "Executive"),
    ("Director", "Director (other function)", D, OTH),
    ("Senior Vice President", "VP (other function)", V, OTH),
    ("Chief Happiness Officer", "C-level (other function)", C, OTH),
    ("Procurement", "Procurement (other level)", OTH, "Procurement"),
    ("Astronaut", "Other", OTH, OTH),
    ("Ninja", "Other", OTH, OTH),
    ("", "Other", OTH, OTH),
    (None, "Other", OTH, OTH),
    ("n/a", "Other", OTH, OTH),
]


def test_table_is_big_enough():
    assert len(TITLES) >= 60


@pytest.mark.parametrize(("title", "persona", "seniority", "function"), TITLES)
def test_title(title, persona, seniority, function):
    got = tt.parse_title(title)
    assert (got.persona, got.seniority, got.function) == (persona, seniority, function)


def test_labels_mean_one_seniority_and_function():
    from winloss_xl.titles.vocabulary import FIXED_PERSONAS

    seen: dict[str, tuple[str, str]] = {}
    combos = [(s, f) for s in (*tt.SENIORITIES, OTH) for f in (*tt.FUNCTIONS, OTH)]
    for s, f in combos:
        seen.setdefault(tt.persona_label(s, f), (s, f))
        assert seen[tt.persona_label(s, f)] == (s, f)
    for label, (s, f) in FIXED_PERSONAS.items():
        if label in seen:
            assert seen[label] == (s, f), label


def test_every_seniority_and_function_is_a_known_value():
    for title, *_ in TITLES:
        got = tt.parse_title(title)
        assert got.seniority in (*tt.SENIORITIES, OTH)
        assert got.function in (*tt.FUNCTIONS, OTH)


# Salesforce contact roles (CRM_EXPORTS.md) and other common spellings
ROLES = [
    ("Decision Maker", "decision maker"),
    ("Economic Buyer", "decision maker"),
    ("Economic Decision Maker", "decision maker"),
    ("Technical Buyer", "influencer"),
    ("Evaluator", "influencer"),
    ("Executive Sponsor", "executive sponsor"),
    ("Influencer", "influencer"),
    ("Business User", "influencer"),
    ("Other", "other"),
    ("champion", "champion"),
    ("CHAMPION", "champion"),
    ("Approver", "decision maker"),
    ("Signer", "decision maker"),
    ("Signatory", "decision maker"),
    ("decision_maker", "decision maker"),
    ("Technical Evaluator", "influencer"),
    ("User", "influencer"),
    ("Blocker", "blocker"),
    ("Detractor", "blocker"),
    ("Anti-Champion", "blocker"),
    ("executive sponsor", "executive sponsor"),
    ("", "other"),
    (None, "other"),
    ("Is Primary", "other"),
]


@pytest.mark.parametrize(("text", "role"), ROLES)
def test_role(text, role):
    assert tt.normalize_role(text) == role


def test_inline_contact_roles_stay_roles():
    from winloss_xl.fields import INLINE_CONTACT_ROLES

    for role in INLINE_CONTACT_ROLES.values():
        assert tt.normalize_role(role) == role


@pytest.mark.parametrize(("text", "level"), [
    ("C-Level", C), ("CXO", C), ("VP-Level", V), ("Vice President", V), ("Director", D),
    ("Manager", M), ("Non-Manager", IC), ("Individual Contributor", IC), ("Entry", IC), ("", OTH),
    ("banana", OTH),
])
def test_seniority_column(text, level):
    assert tt.normalize_seniority(text) == level


def test_department_and_seniority_fill_what_the_title_leaves_unknown():
    contacts = pd.DataFrame({
        "deal_id": ["1", "2", "3", "4"],
        "title": ["Director", None, "VP Sales", "Astronaut"],
        "role": ["Economic Buyer", "Champion", None, "Evaluator"],
        "department": ["Finance", "Engineering", "Marketing", None],
        "seniority": [None, "VP-Level", "Director", None],
    })
    out = tt.classify_contacts(contacts)
    assert out["persona"].tolist() == ["Director Finance", "VP IT", "VP Sales", "Other"]
    assert out["role"].tolist() == ["decision maker", "champion", "other", "influencer"]
    assert list(out.index) == list(contacts.index)
