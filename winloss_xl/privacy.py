"""The one place that decides whether a text from the input may leave the tool.

The rule (DESIGN.md, README "Data safety"): logs and reports hold aggregates
only. Free text leaves the tool only as a category, or as a raw value that

- at least :data:`MIN_SHARED_DEALS` deals share, and
- names no one: no email address, web address, phone number or personal name
  (:func:`looks_personal`), and none of the input's own identifying values
  (account keys and the like, passed as ``known``).

Use it at every exit:

- a table of raw values with counts: :func:`shareable_values` (which values may
  be shown) and :func:`hide_unshareable` (the table with the others folded into
  one "not shown" row per group, so totals still add up);
- one value about to become a file name, a report title or a log line:
  :func:`may_show` (count and content) or :func:`looks_personal` (content only);
- a whole column (ingestion: may this column be a segment, a ``--split-by`` or
  ``--where`` column?): :func:`personal_share` gives the share of its distinct
  values that look personal; :data:`PERSONAL_COLUMN_SHARE` is the threshold.

Detection is by pattern, so it errs on the side of hiding: a raw reason that
merely looks like "call back Smith" is folded away; it still counts in its
category. Patterns cannot know every name: the input's own name columns
(accounts, contacts, owners) should be passed as ``known`` where they exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

#: Fewest deals that must share a raw free-text value before it may be shown.
MIN_SHARED_DEALS = 3
#: A column whose distinct values look personal at least this often is a personal column.
PERSONAL_COLUMN_SHARE = 0.2
#: Label of the row that stands for values not shown.
NOT_SHOWN = "(not shown: free text of fewer than 3 deals, or naming someone)"
#: Characters of a text examined (longer texts are examined on their first part only,
#: and so are treated as personal unless that part is clearly not).
SCAN_CHARS = 2_000



def _word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (for the word lists below)."""
    return frozenset(text.split())


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|@[\w-]+\.[a-z]{2,}", re.IGNORECASE)
_WEB = re.compile(r"\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|org|net|io|co|biz|info|de|uk|fr|nl|"
                  r"es|it|ch|se|dk|no|fi|jp|cn|in|au|ca|us|eu|gov|edu)\b", re.IGNORECASE)
# a run of digits and phone separators holding at least 7 digits (dates are removed first)
_PHONE = re.compile(r"(?:\+|\b)\d[\d\s().\-/]{5,}\d\b")
_DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
#: A word of letters (any script), as names are written: "Søren", "O'Neil", "Jean-Luc".
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_HONORIFICS = _word_set("mr mrs ms miss mx dr prof sir madam herr frau mme mlle sr sra")
# a verb of contacting a person, then a word: "call back Smith", "spoke with Jane"
_CONTACTED = re.compile(r"\b(?:call(?:ed)?(?:\s+back)?|ring|rang|phone[ds]?|e-?mail(?:ed)?|"
                        r"ask(?:ed)?|spoke\s+(?:to|with)|talk(?:ed)?\s+(?:to|with)|met\s+with|"
                        r"meet(?:ing)?\s+with|per|cc|attn|contact(?:ed)?|ping(?:ed)?|"
                        r"according\s+to)\s+(?:mr\.?\s+|ms\.?\s+)?(" + _NAME_WORD + ")",
                        re.IGNORECASE)
# a word, then what people do: "Xylofane left", "Jane Doe quit", "Søren wants a discount"
_ACTED = re.compile("(" + _NAME_WORD + r")\s+(?:left|quit|resigned|retired|joined|moved|said|says|"
                    r"wants|wanted|asked|refused|declined|went\s+on\s+leave|is\s+out|was\s+fired|"
                    r"passed|ghosted)\b")
_WORDS = re.compile(_NAME_WORD)
#: Words before "left", "said", ... that are roles, not people ("Champion left").
_ROLES = _word_set("""
champion sponsor contact buyer cfo ceo cto cio coo cmo vp svp evp director manager head lead
owner rep representative team customer client company procurement legal decision maker budget
holder stakeholder economic technical executive user admin partner vendor competitor incumbent
board it finance security sales marketing management leadership exec key main primary our their
the a an who which that he she they we someone everyone nobody person
""")
#: Capitalised words after a contacting verb that are not people (products, teams, words).
_NOT_PEOPLE = _word_set("""
the a an our their his her its my your we they it this that them us me him team
procurement legal finance it security management board customer client vendor partner sales
marketing support purchasing ops operations accounting hr leadership exec executives
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december q1 q2 q3 q4 next last end eoq eoy year quarter
week month email phone mail
""")
#: Common given names (many languages); a listed name followed by a capitalised word, or
#: after a contacting verb, marks a text as naming someone.
GIVEN_NAMES = _word_set("""
aaron abdul abdullah adam adrian agnes ahmed aisha alan albert alejandro alex alexander alexandra
alexis ali alice alicia alison amanda amir amy ana andrea andreas andrew andy angela ann anna anne
anthony antonio arjun arthur ashley barbara ben benjamin bernard beth betty bill bob brandon brian
bruce bryan carl carlos carol caroline catherine charles charlie chen chris christian christina
christine christopher claire claudia craig daniel david deborah dennis diana diego dmitri donald
donna dorothy douglas edward elena elizabeth emily emma eric erik evelyn fatima fernando frank
gary george gerald giovanni grace greg gregory hannah hans harold harry heather helen henry hiroshi
hugo ian igor irene isabel jack jacob james jamie jan jane janet jason jean jeff jeffrey jennifer
jeremy jerry jessica jim joan joe john jonathan jorge jose joseph joshua juan judith julia julie
justin karen karl kate katherine kathleen keith kelly ken kenneth kevin kim kimberly larry laura
lauren lee leo linda lisa liz lucas lucy luis luke maria marie mark martha martin mary matt
matthew megan melissa michael michelle mike mohamed mohammed muhammad nancy natalie nathan nicholas
nicole olga oliver olivia omar pamela patricia patrick paul paula peter philip pierre priya rachel
rahul raj ralph raymond rebecca richard rick robert roger ronald rose ruth ryan sam samantha samuel
sandra sara sarah scott sean sergei sharon shirley simon sofia sophie stefan stephanie stephen
steve steven susan thomas tim timothy todd tom tony tyler victoria vincent walter wei william yuki
yusuf zachary zoe
""")


def _scan_text(text: object) -> str:
    return str(text)[:SCAN_CHARS]


def has_contact_details(text: object) -> bool:
    """True when ``text`` holds an email address, a web address or a phone number."""
    t = _scan_text(text)
    if _EMAIL.search(t) or _WEB.search(t):
        return True
    t = _DATE.sub(" ", t)
    return any(sum(ch.isdigit() for ch in m.group(0)) >= 7 for m in _PHONE.finditer(t))


def _capital(word: str) -> bool:
    return word[:1].isupper()


def names_a_person(text: object) -> bool:
    """True when ``text`` looks like it names a person ("Mr Smith", "call back Jones",
    "Jane Doe", "Xylofane left"); written for any alphabet's capital letters."""
    t = _scan_text(text)
    words = _WORDS.findall(t)
    for word, nxt in zip(words, [*words[1:], ""]):
        low = word.lower()
        named_next = _capital(nxt) and nxt.lower() not in _NOT_PEOPLE
        if low in _HONORIFICS and named_next:
            return True
        if low in GIVEN_NAMES and _capital(word) and (named_next or not nxt):
            return True
    for rx, stop in ((_CONTACTED, _NOT_PEOPLE), (_ACTED, _ROLES)):
        for m in rx.finditer(t):
            if _capital(m.group(1)) and m.group(1).lower() not in stop:
                return True
    return False


_WORD = re.compile(r"\w+")
#: Words of company names too common to stand for one company on their own.
_GENERIC_WORDS = _word_set("""
holdings holding industries industry group global international systems solutions services
technologies technology company corporation limited partners capital consulting logistics
software health healthcare financial finance bank insurance energy retail media foods north
south east west united american european national general first city
""")
#: Longest known value matched, in words.
_MAX_KNOWN_WORDS = 6


def _known_in(text: str, known: Iterable[str]) -> bool:
    """True when a run of words of ``text`` equals a known value (word n-grams, not substrings)."""
    if not known:
        return False
    known = known if isinstance(known, (set, frozenset)) else frozenset(known)
    words = _WORD.findall(text.casefold())
    for n in range(1, _MAX_KNOWN_WORDS + 1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) in known:
                return True
    return False


def normalize_known(values: Iterable[object], min_chars: int = 4) -> frozenset[str]:
    """Identifying values of the input (account keys, contact names) ready for ``known=``.

    Each value as its casefolded words, plus its first word alone when that word
    is distinctive (5+ letters, not a generic word such as "Holdings"), so
    "Zyxwvut" alone is recognised as the account "Zyxwvut Holdings". Values
    shorter than ``min_chars`` are left out (they would match ordinary words).
    """
    out = set()
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        words = _WORD.findall(str(v).casefold())
        joined = " ".join(words)
        if len(joined) >= min_chars:
            out.add(joined)
        if words and len(words[0]) >= 5 and words[0] not in _GENERIC_WORDS \
                and not words[0].isdigit():
            out.add(words[0])
    return frozenset(out)


def looks_personal(text: object, known: Iterable[str] = ()) -> bool:
    """True when ``text`` holds an email, web address, phone number or personal name,
    or one of the input's identifying values ``known`` (see :func:`normalize_known`).

    >>> looks_personal("call back Qwertyson on 415 555 0199")
    True
    >>> looks_personal("Price too high"), looks_personal("Went with a competitor")
    (False, False)
    """
    if text is None:
        return False
    t = _scan_text(text)
    if not t.strip():
        return False
    return has_contact_details(t) or names_a_person(t) or _known_in(t, frozenset(known))


def may_show(text: object, deals: int, known: Iterable[str] = ()) -> bool:
    """True when a raw value shared by ``deals`` deals may appear in a report, log or file name."""
    return deals >= MIN_SHARED_DEALS and not looks_personal(text, known)


def shareable_values(values: Sequence[object], counts: Sequence[int],
                     known: Iterable[str] = ()) -> list[bool]:
    """Per value: may it be shown (at least MIN_SHARED_DEALS deals, names no one)?"""
    known = frozenset(known)
    return [may_show(v, int(n), known) for v, n in zip(values, counts)]


def hide_unshareable(table: pd.DataFrame, value_col: str, count_col: str,
                     group_cols: Sequence[str] = (), sum_cols: Sequence[str] = (),
                     known: Iterable[str] = ()) -> pd.DataFrame:
    """``table`` with every value that may not be shown folded into one :data:`NOT_SHOWN` row.

    One folded row per combination of ``group_cols`` (e.g. per category), with
    ``count_col`` and ``sum_cols`` summed, so the table's totals are unchanged.
    Row order is kept; folded rows go last, in group order.
    """
    if table.empty:
        return table
    ok = pd.Series(shareable_values(table[value_col].tolist(), table[count_col].tolist(), known),
                   index=table.index)
    if ok.all():
        return table
    shown, hidden = table[ok], table[~ok]
    if group_cols:
        folded = hidden.groupby(list(group_cols), sort=True, dropna=False)[
            [count_col, *sum_cols]].sum().reset_index()
    else:
        folded = hidden[[count_col, *sum_cols]].sum().to_frame().T
    folded[value_col] = NOT_SHOWN
    folded = folded.reindex(columns=table.columns)
    return pd.concat([shown, folded], ignore_index=True)[list(table.columns)]


def personal_share(values: Iterable[object], known: Iterable[str] = ()) -> float:
    """Share of the distinct non-blank ``values`` that look personal (0 when there are none).

    For ingestion: a column at or above :data:`PERSONAL_COLUMN_SHARE` (a column of
    buyers' emails, of contact names) is a personal column: never a segment,
    never a ``--split-by`` or ``--where`` column.
    """
    distinct = {str(v) for v in values if v is not None and str(v).strip() and v == v}
    if not distinct:
        return 0.0
    known = frozenset(known)
    return sum(looks_personal(v, known) for v in distinct) / len(distinct)


def safe_label(value: object, deals: int, index: int, known: Iterable[str] = ()) -> str:
    """``value`` when it may be shown, else a neutral stand-in such as ``part-03``.

    For texts built from data values: ``--split-by`` file names, report titles and log lines.
    """
    if may_show(value, deals, known):
        return str(value)
    return f"part-{index:02d}"
