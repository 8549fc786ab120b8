"""Read a job title as a persona: seniority, function and a readable label.

How a title is read (the word tables are in :mod:`.vocabulary`):

1. The title is folded (case, Latin accents) and cut into *parts* at punctuation that
   separates roles ("/", ",", "(", "|", " - ", ...) and at conjunctions ("and", "und",
   "et", "y", "og", "och", "i", ...). Phrases are matched first, longest first, so
   "research and development" or "vice president" stay whole.
2. Each word or phrase is looked up; an unknown word may be a compound of two known ones
   ("Vertriebsleiter" = Vertrieb + Leiter, "Finanzvorstand", "Økonomichef").
3. Each part that names a level is a *role*: its seniority is the highest level named; its
   function is the one its level word carries (CFO: Finance), else the first function word
   ("VP Sales & Marketing" is Sales), else a weak one ("Engineer" is IT, but "Sales
   Engineer" is Sales), else Operations or Executive. Parts that name only a function
   lend it to the nearest role ("Sales & Marketing Director").
4. Markers change a role: a *deputy* is one level below ("Deputy CFO" is VP Finance,
   "Stellvertretender Geschäftsführer" is General Manager); an *assistant* is an individual
   contributor, in the executive office when the boss is an executive ("Assistentin der
   Geschäftsführung", "CFO Assistant"), never the boss; the English prefix "Assistant
   Director" / "Assistant CFO" reads as a deputy. A *former* role is not read.
5. Of several roles the strongest wins: the highest level, then a named function over
   the executive office ("Geschäftsführer (CFO)" is CFO, "General Manager and CRO" is
   CRO), then a CEO over an owner over a board member ("Founder & CEO" is CEO).
6. A title with no known word is "Other"; a title in a script the tables do not cover
   (Cyrillic, Chinese, ...) is "Other" too, and :func:`unread_script` says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from . import vocabulary as v


@dataclass(frozen=True)
class TitleInfo:
    """One title read as a persona: label, seniority and function."""

    persona: str
    seniority: str
    function: str


OTHER_INFO = TitleInfo(v.OTHER, v.OTHER, v.OTHER)

_DOTTED_RE = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){2,})")
_SEPARATOR_RE = re.compile(r"[/|,;()\[\]{}+:\u2013\u2014\u2022·]|\s-\s|\s-$|^-\s")
_JOINER_RE = re.compile(r"['’`´\-_.]")
#: Words that join two roles ("CEO and Founder", "Inhaber und Geschäftsführer").
CONJUNCTIONS = frozenset({"and", "und", "et", "y", "e", "en", "og", "och", "i", "oraz", "ja",
                          "ou", "o", "or", "oder", "eller", "lub"})
#: Words that tie an assistant to the boss named after it ("Assistant to the CEO").
_ASSISTANT_LINKS = frozenset({"to", "of", "for", "der", "des", "de", "du", "di", "del", "della",
                              "dla", "van", "till", "til", "da", "do", "al", "la", "the"})
#: Linking letters between the two halves of a compound ("Vertrieb-s-leiter").
_LINKS = ("", "s", "e", "n", "en", "es")
_ENGLISH_ASSISTANT = frozenset({"assistant", "asst"})
#: Unknown words that still change a reading (they are kept in a title's shape).
_SIGNIFICANT = CONJUNCTIONS | _ASSISTANT_LINKS | {"officer"}


#: ASCII punctuation: separators become "|", everything else a space (the fast path).
_ASCII_PUNCTUATION = str.maketrans(
    {c: ("|" if c in "/|,;()[]{}+:" else " ") for c in "!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~"})


def _parts(text: str) -> list[list[str]]:
    """The folded words of a title, cut at role-separating punctuation."""
    s = v.fold(text)
    if "." in s:
        s = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), s)
    if "&" in s:
        s = s.replace("&", " and ")
    if s.isascii():
        if " -" in s or "- " in s:
            s = _SEPARATOR_RE.sub("|", s)
        return [chunk.split() for chunk in s.translate(_ASCII_PUNCTUATION).split("|")
                if not chunk.isspace() and chunk]
    out = []
    for chunk in _SEPARATOR_RE.split(s):
        tokens = v._WORD_RE.findall(_JOINER_RE.sub(" ", chunk))
        if tokens:
            out.append(tokens)
    return out


def unread_script(text: object) -> bool:
    """True when a title holds letters of a script the word tables do not cover
    (Cyrillic, Greek, Arabic, Chinese, Japanese, ...), so it cannot be read."""
    if text is None or (isinstance(text, float) and text != text):
        return False
    s = v.fold(str(text))
    return not s.isascii() and any(ord(c) > 0x24F and c.isalpha() for c in s)


@dataclass
class _Role:
    """One part of a title that names a level, being read.

    Function words are kept in the order they are preferred: words lent by a part
    before this one, words before the level word (nearest first: "Computer Sales
    Representative" is Sales), words after it (first first: "VP Sales & Marketing"),
    words lent by a later part. Each is (function, weak).
    """

    level: str | None
    anchor: v.Entry | None          # the word that gave the level
    functions: list[tuple[str, bool]]
    deputy: bool = False
    assistant: str | None = None    # "boss" (assistant to an executive), "plain" or None
    position: int = 0


class TitleReader:
    """Reads titles with the built-in tables plus company-specific titles:
    ``TitleReader().read("Leiterin Einkauf")`` is a :class:`TitleInfo`.

    ``extra`` maps a phrase to a persona ("Revenue Champion" -> "Director Sales", or
    "Director, Sales"); a configured phrase wins over the built-in meaning of its words.
    Results are cached per distinct title and per title shape (see :meth:`_shape`).
    """

    def __init__(self, extra: Mapping[str, str] | None = None,
                 table: v.Table | None = None) -> None:
        base = table or _default_table()
        entries = dict(base.entries)
        for phrase, spec in (extra or {}).items():
            key = v.words(phrase)
            if not key:
                raise ValueError(f"company title '{phrase}' has no words")
            persona, sen, func = v.parse_persona(spec)
            entries[key] = v.Entry(level=None if sen == v.OTHER else sen,
                                   function=None if func == v.OTHER else func,
                                   persona=persona if persona in v.FIXED_PERSONAS else None)
        self._entries = entries
        #: first word -> the lengths of the phrases starting with it, longest first
        lengths: dict[str, set[int]] = {}
        for key in entries:
            if len(key) > 1:
                lengths.setdefault(key[0], set()).add(len(key))
        self._starts = {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}
        self._lex: dict[str, tuple[tuple[v.Entry, ...], tuple[int, ...], str]] = {}
        self._phrase_words = frozenset(w for key in entries if len(key) > 1 for w in key)
        #: the shape of a title (its known words, unknown ones as one placeholder) -> result
        self._shapes: dict[tuple, TitleInfo] = {}
        self._single: dict[str, v.Entry] = {k[0]: e for k, e in entries.items() if len(k) == 1}
        self.read = lru_cache(maxsize=300_000)(self._read)

    # ---------------------------------------------------------------- reading

    def _read(self, title: object) -> TitleInfo:
        if title is None or (isinstance(title, float) and title != title):
            return OTHER_INFO
        text = str(title).strip()
        if not text:
            return OTHER_INFO
        parts = _parts(text)
        shape = self._shape(parts)
        hit = self._shapes.get(shape)
        if hit is None:
            hit = self._read_items([self._match(tokens) for tokens in parts])
            if len(self._shapes) > 200_000:
                self._shapes.clear()
            self._shapes[shape] = hit
        return hit

    def _shape(self, parts: list[list[str]]) -> tuple[str, ...]:
        """A title's shape: its known words, linking words and words of any phrase in order,
        each run of other words as one "…", parts ended by "|". Titles of the same shape
        read the same ("Leiterin Finanzen EMEA", "Leiterin Finanzen APAC"), so each shape is
        read once (the memo is emptied when it grows large)."""
        lex = self._lex
        shape: list[str] = []
        for tokens in parts:
            previous = "|"
            for word in tokens:
                rec = lex.get(word)
                if rec is None:
                    rec = self._lexeme(word)
                if rec[2] != "…" or previous != "…":
                    shape.append(rec[2])
                    previous = rec[2]
            shape.append("|")
        return tuple(shape)

    def _read_items(self, items: list[list[tuple[str, v.Entry | None]]]) -> TitleInfo:
        if any(self._assistant_to_boss(part) for part in items):
            return _info(v.IC, v.EXECUTIVE)
        roles, loose = self._roles(items)
        if not roles:
            function = _pick_function(loose)
            return OTHER_INFO if function == v.OTHER else _info(v.OTHER, function)
        best = max(roles, key=_strength)
        return _resolve(best)

    # ------------------------------------------------------------- matching

    def _match(self, tokens: list[str]) -> list[tuple[str, v.Entry | None]]:
        """(word, entry) pairs of one part: phrases longest first, then words and compounds."""
        out: list[tuple[str, v.Entry | None]] = []
        key = tuple(tokens)
        i, n = 0, len(tokens)
        entries, lex = self._entries, self._lex
        while i < n:
            word = tokens[i]
            rec = lex.get(word)
            if rec is None:
                rec = self._lexeme(word)
            for size in rec[1]:  # phrases starting here, longest first
                if i + size <= n:
                    entry = entries.get(key[i:i + size])
                    if entry is not None:
                        out.append((" ".join(key[i:i + size]), entry))
                        i += size
                        break
            else:
                i += 1
                if rec[0]:
                    out.extend((word, e) for e in rec[0])
                else:
                    out.append((word, None))
        return out

    def _lexeme(self, word: str) -> tuple[tuple[v.Entry, ...], tuple[int, ...], str]:
        """What one word is: its entries (one, or the parts of a compound, or none), the
        lengths of the phrases it starts (longest first) and its place in a title's shape."""
        entry = self._single.get(word)
        found: tuple[v.Entry, ...] = (entry,) if entry is not None else tuple(
            self._compound(word) or ())
        shape_word = word if found or word in _SIGNIFICANT or word in self._phrase_words else "…"
        rec = (found, self._starts.get(word, ()), shape_word)
        if len(self._lex) > 200_000:
            self._lex.clear()
        self._lex[word] = rec
        return rec

    def _compound(self, word: str, depth: int = 0) -> list[v.Entry] | None:
        """Entries of a compound word ("einkaufsleiter" -> einkauf, leiter), or None; a
        head may itself be a compound once ("vertriebsinnendienstleiter")."""
        if len(word) < 6 or not word.isalpha():
            return None
        entries = self._entries
        for cut in range(2, len(word) - 2):
            tail = entries.get((word[cut:],))
            if tail is None:
                continue
            head = word[:cut]
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                stem = head[: len(head) - len(link)]
                if len(stem) < 2:
                    continue
                known = entries.get((stem,))
                if known is not None:
                    return [known, tail]
                if depth == 0:
                    inner = self._compound(stem, 1)
                    if inner:
                        return [*inner, tail]
        return None

    # ---------------------------------------------------------------- roles

    @staticmethod
    def _assistant_to_boss(part: list[tuple[str, v.Entry | None]]) -> bool:
        """An assistant tied to a boss by a linking word ("assistant to the CEO")."""
        for i, (word, entry) in enumerate(part):
            if entry is not None and entry.marker == "assistant":
                rest = [w for w, _ in part[i + 1:i + 3]]
                if rest and rest[0] in _ASSISTANT_LINKS:
                    return True
                if word in ("executive assistant", "personal assistant"):
                    return True
        return False

    def _roles(self, items: list[list[tuple[str, v.Entry | None]]]) -> tuple[list[_Role], list]:
        """The roles of a title, and the function words of parts that name no role."""
        chunks: list[list[tuple[str, v.Entry | None]]] = []
        for part in items:
            chunk: list[tuple[str, v.Entry | None]] = []
            for word, entry in part:
                if entry is None and word in CONJUNCTIONS:
                    if chunk:
                        chunks.append(chunk)
                    chunk = []
                else:
                    chunk.append((word, entry))
            if chunk:
                chunks.append(chunk)
        roles: list[_Role | None] = []
        loose: list[tuple[int, list[tuple[str, bool]]]] = []
        for pos, chunk in enumerate(chunks):
            if any(e is not None and e.marker == "former" for _, e in chunk):
                continue
            role = _role_of(chunk, pos)
            if role is None:
                loose.append((pos, _functions(chunk)))
            roles.append(role)
        found = [r for r in roles if r is not None]
        if not found:
            return [], loose
        lent_before: dict[int, list] = {}
        for pos, functions in loose:  # lend function words to the nearest role
            earlier = [r for r in found if r.position < pos]
            if earlier:
                earlier[-1].functions += functions
            else:
                target = next(r for r in found if r.position > pos)
                lent_before.setdefault(id(target), []).extend(functions)
        for role in found:
            role.functions[:0] = lent_before.get(id(role), [])
        return found, []


def _functions(chunk) -> list[tuple[str, bool]]:
    return [(e.function, e.weak) for _, e in chunk if e is not None and e.function]


def _role_of(chunk, position: int) -> _Role | None:
    """The role one part names, or None when it names only functions (or nothing)."""
    level, anchor, at, rank = None, None, -1, 0
    lead = deputy = chief = officer = False
    assistant = None
    for i, (word, entry) in enumerate(chunk):
        officer |= word == "officer"
        if entry is None:
            continue
        marker = entry.marker
        if marker == "lead":
            lead = True
        elif marker == "chief":
            chief = True
        elif marker == "deputy":
            deputy = True
        elif marker == "assistant":
            nxt = chunk[i + 1][1] if i + 1 < len(chunk) else None
            if word in _ENGLISH_ASSISTANT and nxt is not None and (nxt.level or nxt.marker == "chief"):
                deputy = True  # "Assistant Director", "Assistant CFO": one level below
            else:
                assistant = "plain"
        if entry.level and v.RANK[entry.level] > rank:
            level, anchor, at, rank = entry.level, entry, i, v.RANK[entry.level]
    if chief:
        chief_level = v.C_LEVEL if officer else v.DIRECTOR
        if v.RANK[chief_level] > rank:
            level, anchor, rank = chief_level, None, v.RANK[chief_level]
    if level is None and lead:
        level = v.MANAGER
    if level is None and assistant is None and not deputy:
        return None
    functions = _functions(chunk[:at][::-1]) + _functions(chunk[at + 1:]) if at >= 0 \
        else _functions(chunk)
    if assistant is not None:
        boss = rank >= v.RANK[v.VP] or any(f == v.EXECUTIVE for f, _ in functions) or (
            anchor is not None and anchor.function == v.EXECUTIVE)
        assistant = "boss" if boss else "plain"
    return _Role(level, anchor, functions, deputy, assistant, position)


def _pick_function(loose) -> str:
    return _first_function([f for _, functions in loose for f in functions])


def _first_function(functions: list[tuple[str, bool]]) -> str:
    """The preferred function: strong words before weak ones, and within each, any other
    function before Operations and Executive; Security over IT ("Computer Security
    Specialist")."""
    for want_weak in (False, True):
        for fallback in (False, True):
            hit = next((f for f, weak in functions if weak == want_weak
                        and (f in v.FALLBACK_FUNCTIONS) == fallback), None)
            if hit is not None and fallback:
                hit = next(f for f in v.FALLBACK_FUNCTIONS
                           if any(g == f and weak == want_weak for g, weak in functions))
            if hit is not None:
                if hit == v.IT and any(f == v.SECURITY for f, _ in functions):
                    return v.SECURITY
                return hit
    return v.OTHER


def _function_of(role: _Role) -> str:
    anchor = role.anchor
    if anchor is not None and anchor.function and not anchor.weak:
        return anchor.function
    functions = role.functions
    if anchor is not None and anchor.function:
        if anchor.function not in v.FALLBACK_FUNCTIONS and not any(
                not weak and f not in v.FALLBACK_FUNCTIONS for f, weak in functions):
            return anchor.function  # "Maintenance Engineer" is engineering, not operations
        functions = [*functions, (anchor.function, True)]
    return _first_function(functions)


def _strength(role: _Role) -> tuple:
    level = _level_of(role)
    function = _function_of(role)
    persona = role.anchor.persona if role.anchor is not None else None
    specific = function not in (v.EXECUTIVE, v.OTHER)
    fixed_rank = {None: 2, v.OWNER: 1, v.BOARD: 0}.get(persona, 2)
    return (v.RANK.get(level, 0), specific, fixed_rank, -role.position)


_BELOW = dict(zip(v.SENIORITIES, (*v.SENIORITIES[1:], v.IC)))


def _level_of(role: _Role) -> str:
    if role.assistant is not None:
        return v.IC
    level = role.level or v.OTHER
    if role.deputy and level in _BELOW:
        level = _BELOW[level]
    return level


def _resolve(role: _Role) -> TitleInfo:
    level = _level_of(role)
    if role.assistant == "boss":
        return _info(v.IC, v.EXECUTIVE)
    function = _function_of(role)
    if role.assistant == "plain" and function == v.OTHER:
        function = v.EXECUTIVE
    anchor = role.anchor
    if (anchor is not None and anchor.persona and not role.deputy and role.assistant is None
            and v.FIXED_PERSONAS[anchor.persona] == (level, function)):
        return TitleInfo(anchor.persona, level, function)
    return _info(level, function)


@lru_cache(maxsize=256)
def _info(seniority: str, function: str) -> TitleInfo:
    return TitleInfo(v.persona_label(seniority, function), seniority, function)


@lru_cache(maxsize=1)
def _default_table() -> v.Table:
    return v.load_tables()


@lru_cache(maxsize=32)
def reader_for(extra: tuple[tuple[str, str], ...] = ()) -> TitleReader:
    """The (cached) reader for a set of company-specific titles."""
    return TitleReader(dict(extra))
