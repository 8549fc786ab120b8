"""What a title can mean: seniorities, functions, persona labels, and the word tables.

The word tables are data, one file per language under ``winloss_xl/titles/data/``
(``en.txt``, ``de.txt``, ...), so that a Sales Ops user can read and extend them.
Each line is ``phrase | seniority | function | persona``; later columns may be left
out. The file's own header explains the columns; in short:

- *phrase*: one or more words, written naturally ("geschäftsführer", "head of");
  accents, case and punctuation do not matter.
- *seniority*: ``C-level``, ``VP``, ``Director``, ``Manager``, ``IC`` (individual
  contributor), or a marker: ``lead`` (Manager, only when no other word gives a level),
  ``chief`` (C-level with "officer", else Director), ``deputy`` (one level below the role
  it qualifies), ``assistant`` (an assistant: individual contributor, never the boss),
  ``former`` (a past role: that part of the title is not read).
- *function*: one of :data:`FUNCTIONS` (``IT`` is short for ``IT / Engineering``);
  a leading ``~`` makes it weak: it counts only when no other word of the title names a
  function ("Sales Engineer" is Sales, "Engineer" is IT).
- *persona*: a fixed label for the few roles whose name is not made from seniority and
  function ("CIO", "Owner / Partner", "Board member").

A line ``@forms | +in | +innen`` declares the inflected forms of every phrase in that
file: ``+in`` adds an ending ("leiter" -> "leiterin"), ``eur>rice`` replaces one
("directeur" -> "directrice"). A word written out in any file wins over a generated form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

# ------------------------------------------------------------------ seniorities

C_LEVEL = "C-level"
VP = "VP"
DIRECTOR = "Director"
MANAGER = "Manager"
IC = "Individual contributor"
OTHER = "Other"

#: Seniority levels, highest first.
SENIORITIES: tuple[str, ...] = (C_LEVEL, VP, DIRECTOR, MANAGER, IC)
RANK: dict[str, int] = {s: len(SENIORITIES) - i for i, s in enumerate(SENIORITIES)}

# -------------------------------------------------------------------- functions

SALES = "Sales"
MARKETING = "Marketing"
FINANCE = "Finance"
IT = "IT / Engineering"
OPERATIONS = "Operations"
PROCUREMENT = "Procurement"
LEGAL = "Legal"
HR = "HR"
PRODUCT = "Product"
CUSTOMER_SUCCESS = "Customer Success"
SECURITY = "Security"
DATA = "Data"
EXECUTIVE = "Executive"

FUNCTIONS: tuple[str, ...] = (SALES, MARKETING, FINANCE, IT, OPERATIONS, PROCUREMENT, LEGAL, HR,
                              PRODUCT, CUSTOMER_SUCCESS, SECURITY, DATA, EXECUTIVE)
#: Functions that name a role only when no other function word is present, in this order
#: ("Sales Operations Manager" is Sales; "Operations Manager" is Operations).
FALLBACK_FUNCTIONS: tuple[str, ...] = (OPERATIONS, EXECUTIVE)
#: Function names as they appear inside persona labels.
FUNCTION_SHORT: dict[str, str] = {f: f for f in FUNCTIONS} | {IT: "IT"}

# --------------------------------------------------------------------- personas

OWNER = "Owner / Partner"
BOARD = "Board member"
#: Fixed labels that are not made from seniority and function, with their meaning.
FIXED_PERSONAS: dict[str, tuple[str, str]] = {
    "CIO": (C_LEVEL, IT), OWNER: (C_LEVEL, EXECUTIVE), BOARD: (C_LEVEL, EXECUTIVE),
}

#: C-level label by function.
C_LEVEL_LABELS: dict[str, str] = {
    EXECUTIVE: "CEO", FINANCE: "CFO", IT: "CTO", OPERATIONS: "COO", MARKETING: "CMO",
    SECURITY: "CISO", DATA: "CDO", PRODUCT: "CPO", HR: "CHRO", LEGAL: "General Counsel",
    SALES: "CRO", PROCUREMENT: "C-level Procurement", CUSTOMER_SUCCESS: "C-level Customer Success",
}
#: Labels of the executive office below C-level.
EXECUTIVE_LABELS: dict[str, str] = {VP: "General Manager", DIRECTOR: "Chief of Staff",
                                    MANAGER: "Manager (executive office)",
                                    IC: "Executive assistant"}


def persona_label(seniority: str, function: str) -> str:
    """The readable label of a seniority and function ('VP', 'Sales' -> 'VP Sales')."""
    if seniority == OTHER and function == OTHER:
        return OTHER
    if function == OTHER:
        return f"{seniority} (other function)"
    short = FUNCTION_SHORT[function]
    if seniority == OTHER:
        return f"{short} (other level)"
    if seniority == C_LEVEL:
        return C_LEVEL_LABELS[function]
    if function == EXECUTIVE:
        return EXECUTIVE_LABELS[seniority]
    if seniority == IC:
        return f"{short} staff"
    return f"{seniority} {short}"


def is_catch_all(persona: str) -> bool:
    """True for the rows that hold what could not be read: Other, '... (other function)',
    '... (other level)'."""
    return persona == OTHER or persona.endswith(("(other function)", "(other level)"))


def _all_labels() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for s in (*SENIORITIES, OTHER):
        for f in (*FUNCTIONS, OTHER):
            out.setdefault(persona_label(s, f).casefold(), (s, f))
    out.update({k.casefold(): v for k, v in FIXED_PERSONAS.items()})
    return out


_LABELS = _all_labels()
_SENIORITY_NAMES = {s.casefold(): s for s in SENIORITIES} | {"ic": IC, "c level": C_LEVEL,
                                                             "clevel": C_LEVEL, "vp": VP}
_FUNCTION_NAMES = ({f.casefold(): f for f in FUNCTIONS} | {"it": IT, "engineering": IT,
                                                           "customer success": CUSTOMER_SUCCESS,
                                                           OTHER.casefold(): OTHER})


def parse_persona(text: str) -> tuple[str, str, str]:
    """(persona, seniority, function) of a label the reader produces ("Director Sales",
    "CFO", "IT staff", "Owner / Partner") or of "seniority, function" ("Director, Sales").

    Raises ValueError naming the accepted forms.
    """
    raw = " ".join(str(text).split())
    hit = _LABELS.get(raw.casefold())
    if hit is not None:
        fixed = next((k for k in FIXED_PERSONAS if k.casefold() == raw.casefold()), None)
        return (fixed or persona_label(*hit), *hit)
    if "," in raw:
        sen, _, func = (p.strip().casefold() for p in raw.partition(","))
        seniority, function = _SENIORITY_NAMES.get(sen), _FUNCTION_NAMES.get(func)
        if seniority and function:
            return persona_label(seniority, function), seniority, function
    raise ValueError(
        f"'{text}' is not a persona: give a label such as 'Director Sales', 'CFO' or "
        "'IT staff', or 'seniority, function' such as 'Director, Sales' (seniority one of "
        + ", ".join(SENIORITIES) + "; function one of " + ", ".join(FUNCTIONS) + ")")


# ----------------------------------------------------------------- normalisation

#: Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN_EXTRAS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d",
                               "ð": "d", "þ": "th", "ı": "i", "ĸ": "k", "ŋ": "n", "ſ": "s"})


def fold(text: str) -> str:
    """Lower case, Latin accents removed ("Geschäftsführer" -> "geschaftsfuhrer",
    "Økonomichef" -> "okonomichef", "Główny" -> "glowny"); letters of other scripts are
    kept as they are (never deleted)."""
    s = str(text).casefold().translate(_LATIN_EXTRAS)
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> tuple[str, ...]:
    """The folded words of a phrase (letters and digits of any script)."""
    return tuple(_WORD_RE.findall(fold(text)))


# ------------------------------------------------------------------ word tables

#: Markers a seniority column may hold instead of a level.
MARKERS = ("lead", "chief", "deputy", "assistant", "former")


@dataclass(frozen=True)
class Entry:
    """What one phrase of the tables means."""

    level: str | None = None       #: a seniority
    marker: str | None = None      #: one of MARKERS
    function: str | None = None
    weak: bool = False             #: the function counts only when no other word names one
    persona: str | None = None     #: a fixed label (see FIXED_PERSONAS)


@dataclass(frozen=True)
class Table:
    """Every phrase of the word tables: words -> Entry, and the longest phrase length."""

    entries: Mapping[tuple[str, ...], Entry]
    longest: int


def _parse_entry(cols: list[str], where: str) -> Entry:
    sen = cols[1] if len(cols) > 1 else ""
    func = cols[2] if len(cols) > 2 else ""
    persona = cols[3] if len(cols) > 3 else ""
    level = marker = None
    if sen:
        if sen.casefold() in MARKERS:
            marker = sen.casefold()
        elif sen.casefold() in _SENIORITY_NAMES:
            level = _SENIORITY_NAMES[sen.casefold()]
        else:
            raise ValueError(f"{where}: unknown seniority '{sen}'")
    weak = func.startswith("~")
    func = func.lstrip("~").strip()
    function = None
    if func:
        function = _FUNCTION_NAMES.get(func.casefold())
        if function is None or function == OTHER:
            raise ValueError(f"{where}: unknown function '{func}'")
    if persona and persona not in FIXED_PERSONAS:
        raise ValueError(f"{where}: unknown fixed persona '{persona}'")
    return Entry(level, marker, function, weak, persona or None)


def _forms(rule: str, word: str) -> str | None:
    if rule.startswith("+"):
        return word + rule[1:]
    old, _, new = rule.partition(">")
    if old and word.endswith(old) and len(word) > len(old) + 1:
        return word[: -len(old)] + new
    return None


def parse_table(lines: Iterable[str], name: str) -> tuple[dict, dict]:
    """(written entries, generated forms) of one table file's lines."""
    written: dict[tuple[str, ...], Entry] = {}
    rules: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        cols = [c.strip() for c in text.split("|")]
        if cols[0] == "@forms":
            rules += [c for c in cols[1:] if c]
            continue
        key = words(cols[0])
        if not key:
            raise ValueError(f"{name}:{number}: no words in '{cols[0]}'")
        written[key] = _parse_entry(cols, f"{name}:{number}")
    generated: dict[tuple[str, ...], Entry] = {}
    for key, entry in written.items():
        for rule in rules:
            form = _forms(rule, key[-1])
            if form and len(form) >= 4:
                generated.setdefault((*key[:-1], form), entry)
    return written, generated


TABLE_FILES: tuple[str, ...] = ("en", "de", "fr", "es", "pt", "it", "nl", "nordic", "pl")


def load_tables(names: Iterable[str] = TABLE_FILES) -> Table:
    """The built-in word tables, merged (written words win over generated forms)."""
    written: dict[tuple[str, ...], Entry] = {}
    generated: dict[tuple[str, ...], Entry] = {}
    folder = resources.files("winloss_xl.titles") / "data"
    for name in names:
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        w, g = parse_table(text.splitlines(), f"{name}.txt")
        written.update(w)
        for k, v in g.items():
            generated.setdefault(k, v)
    entries = {**generated, **written}
    return Table(entries, max(len(k) for k in entries))
