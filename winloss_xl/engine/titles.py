"""Job titles -> persona (seniority and function) and contact roles -> buying roles.

Data-driven: a phrase table rewrites multi-word forms ("vice president", "head of",
"chief financial officer", "directeur general") into internal tokens, then a token
table gives each word a seniority, a function or an explicit persona. Everything is
compiled once at import; :func:`classify_titles` and :func:`normalize_roles` work on
the unique strings of a column (one parse per distinct spelling, cached), so 100k
contacts cost only as much as their few thousand distinct titles.

Rules, in order:

1. An assistant to someone ("Executive Assistant to the CEO") is an assistant.
2. A named C-level title (CEO, CFO, "Chief Information Officer", "Geschäftsführer",
   "Directeur Général", ...) is that persona.
3. Otherwise seniority is the highest level any word gives (C-level > VP > Director >
   Manager > Individual contributor); "Chief ... Officer" is C-level.
4. Function is the first function word in the title ("VP Sales & Marketing" is Sales),
   Operations and Executive words counting only when nothing else names a function
   ("Marketing Ops" is Marketing).
5. Unknown words are ignored; a title with no known word is "Other" (seniority and
   function "Other") rather than a guess.

Persona labels read like people talk: "VP Sales", "Director IT", "Manager Marketing",
"CFO", "IT staff" (individual contributors), "VP (other function)" when only the level
is known. A label always means one seniority and one function.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

# ------------------------------------------------------------------ vocabularies

C_LEVEL = "C-level"
VP = "VP"
DIRECTOR = "Director"
MANAGER = "Manager"
IC = "Individual contributor"
OTHER = "Other"

#: Seniority levels, highest first.
SENIORITIES: tuple[str, ...] = (C_LEVEL, VP, DIRECTOR, MANAGER, IC)
_RANK = {s: len(SENIORITIES) - i for i, s in enumerate(SENIORITIES)}

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
#: Functions that count only when no other function word is present, in this order.
_FALLBACK_FUNCTIONS: tuple[str, ...] = (OPERATIONS, EXECUTIVE)

#: Function names as they appear inside persona labels.
FUNCTION_SHORT: dict[str, str] = {f: f for f in FUNCTIONS} | {IT: "IT"}

#: Buying roles (normalised), in display order.
CHAMPION = "champion"
DECISION_MAKER = "decision maker"
INFLUENCER = "influencer"
EXECUTIVE_SPONSOR = "executive sponsor"
BLOCKER = "blocker"
OTHER_ROLE = "other"
ROLES: tuple[str, ...] = (CHAMPION, DECISION_MAKER, INFLUENCER, EXECUTIVE_SPONSOR, BLOCKER, OTHER_ROLE)


def role_label(role: str) -> str:
    """Display form of a normalised role: 'decision maker' -> 'Decision maker'."""
    return role[:1].upper() + role[1:]


# Internal tokens the phrase table writes (underscore-prefixed: input text never has them,
# because normalisation turns every non-alphanumeric character into a space).
_SENIORITY_WORDS: dict[str, str] = {
    C_LEVEL: "_c president presidente presidenta founder founders cofounder vorstand vorstands "
             "chairman chairwoman",
    VP: "_vp vp svp evp avp rvp gvp vicepresident vicepresidente vizeprasident vizeprasidentin",
    DIRECTOR: "_dir director directors dir directeur directrice direttore direttrice directora "
              "diretor diretora direktor direktorin head heads leiter leiterin leitung",
    MANAGER: "_mgr manager managers mgr mngr gerente responsable responsabile jefe jefa chef "
             "supervisor supervisora teamleiter teamleiterin csm controller comptroller",
    IC: "_ic engineer engineers ingenieur ingenieurin ingeniero ingeniera ingegnere ingenieure "
        "developer developers programmer analyst analista analyste specialist especialista "
        "specialiste spezialist spezialistin representative rep reps associate coordinator "
        "coordinador coordinadora coordinatrice consultant consultor consultora consulente berater "
        "beraterin administrator admin architect accountant buchhalter buchhalterin comptable "
        "contador contadora buyer einkaufer einkauferin acheteur acheteuse comprador compradora "
        "scientist designer officer agent assistant advisor adviser counsel attorney lawyer "
        "paralegal recruiter generalist technician sdr bdr ae clerk sachbearbeiter "
        "sachbearbeiterin referent referentin staff intern trainee apprentice werkstudent "
        "executive principal mitarbeiter mitarbeiterin empleado empleada employee",
}

_FUNCTION_WORDS: dict[str, str] = {
    SALES: "_sales sales sale selling vertrieb verkauf ventas venta vendas ventes vente vendite "
           "commercial comercial commerciale revenue bizdev channel channels alliances alliance "
           "partnerships gtm sdr bdr ae revops salesops",
    MARKETING: "_mkt marketing mktg mkt brand communications communication comms pr content "
               "growth advertising events mercadeo",
    FINANCE: "_fin finance finances financial finanzen finanz finanzas finanza financier financiere "
             "financiero financiera finanziario financeiro accounting accountant accounts controller "
             "controlling comptroller treasury treasurer tax audit auditor buchhaltung comptabilite "
             "contabilidad contabilita fpa kaufmannischer kaufmannische",
    IT: "_it it ict technology tech technical engineering engineer engineers ingenieur ingeniero "
        "ingegnere software developer developers development devops infrastructure infra systems "
        "system sysadmin network networks cloud platform platforms applications application "
        "architecture architect informatique informatica edv helpdesk programmer qa sistemas "
        "sistemi systemes ti eng scrum technique tecnico tecnica technischer technische "
        "technisch",
    OPERATIONS: "_ops operations operation ops operational operativo operaciones operazioni betrieb "
                "logistics logistik logistique logistica facilities manufacturing production "
                "produktion plant warehouse",
    PROCUREMENT: "_proc procurement purchasing purchase purchases sourcing buyer buying einkauf "
                 "einkaufer einkauferin beschaffung achats achat acheteur acheteuse compras compra "
                 "comprador compradora acquisti approvisionnement vendor vendors supplier suppliers",
    LEGAL: "_legal legal counsel attorney lawyer paralegal juridique juridico juridica legale recht "
           "compliance contracts contract privacy",
    HR: "_hr hr people talent recruiting recruitment recruiter personnel rh rrhh hris benefits "
        "compensation payroll personalwesen",
    PRODUCT: "_product product products produkt produit producto prodotto",
    CUSTOMER_SUCCESS: "_cs support onboarding kundenservice kundendienst csm",
    SECURITY: "_sec security infosec cybersecurity cyber sicherheit seguridad securite sicurezza",
    DATA: "_data data analytics bi insights daten donnees datos dati",
    EXECUTIVE: "_exec president presidente presidenta founder founders cofounder vorstand vorstands "
               "chairman chairwoman",
}

#: Words that name one persona outright: word -> (label, seniority, function).
_EXPLICIT: dict[str, tuple[str, str, str]] = {
    "ceo": ("CEO", C_LEVEL, EXECUTIVE),
    "pdg": ("CEO", C_LEVEL, EXECUTIVE),
    "geschaftsfuhrer": ("CEO", C_LEVEL, EXECUTIVE),
    "geschaftsfuhrerin": ("CEO", C_LEVEL, EXECUTIVE),
    "geschaftsfuhrung": ("CEO", C_LEVEL, EXECUTIVE),
    "vorstandsvorsitzender": ("CEO", C_LEVEL, EXECUTIVE),
    "vorstandsvorsitzende": ("CEO", C_LEVEL, EXECUTIVE),
    "cfo": ("CFO", C_LEVEL, FINANCE),
    "daf": ("CFO", C_LEVEL, FINANCE),
    "cto": ("CTO", C_LEVEL, IT),
    "cio": ("CIO", C_LEVEL, IT),
    "dsi": ("CIO", C_LEVEL, IT),
    "coo": ("COO", C_LEVEL, OPERATIONS),
    "cmo": ("CMO", C_LEVEL, MARKETING),
    "cro": ("CRO", C_LEVEL, SALES),
    "ciso": ("CISO", C_LEVEL, SECURITY),
    "cdo": ("CDO", C_LEVEL, DATA),
    "cpo": ("CPO", C_LEVEL, PRODUCT),
    "chro": ("CHRO", C_LEVEL, HR),
    "_gc": ("General Counsel", C_LEVEL, LEGAL),
    "_cos": ("Chief of Staff", DIRECTOR, EXECUTIVE),
    "_gm": ("General Manager", VP, EXECUTIVE),
}
#: Assistants to someone: wins over every other word of the title.
_ASSISTANT = ("Executive assistant", IC, EXECUTIVE)

#: Multi-word forms -> internal tokens. Matched longest first, on whole words.
_PHRASES: dict[str, str] = {
    # levels
    "vice president": "_vp", "vice presidente": "_vp", "vice presidenta": "_vp",
    "vize prasident": "_vp", "vize prasidentin": "_vp", "v p": "_vp",
    "c level": "_c", "c suite": "_c", "co founder": "_c _exec", "managing director": "_c _exec",
    "head of": "_dir", "executive director": "_dir", "team lead": "_mgr", "team leader": "_mgr",
    "individual contributor": "_ic", "non manager": "_ic",
    "executive assistant": "_ea", "personal assistant": "_ea", "assistant to": "_ea",
    "chief of staff": "_cos", "general manager": "_gm", "gm": "_gm", "general counsel": "_gc",
    "associate general counsel": "_dir _legal", "deputy general counsel": "_dir _legal",
    "assistant general counsel": "_dir _legal",
    # named C-level titles (English and cheap other-language forms)
    "chief executive officer": "ceo", "chief executive": "ceo",
    "chief financial officer": "cfo", "chief finance officer": "cfo",
    "chief technology officer": "cto", "chief technical officer": "cto",
    "chief information officer": "cio", "chief information security officer": "ciso",
    "chief operating officer": "coo", "chief operations officer": "coo",
    "chief marketing officer": "cmo", "chief revenue officer": "cro",
    "chief data officer": "cdo", "chief data and analytics officer": "cdo",
    "chief product officer": "cpo", "chief people officer": "chro",
    "chief human resources officer": "chro", "chief hr officer": "chro",
    "chief legal officer": "_gc",
    "directeur general": "ceo", "directrice generale": "ceo", "director general": "ceo",
    "directora general": "ceo", "direttore generale": "ceo", "gerente general": "ceo",
    "amministratore delegato": "ceo", "consejero delegado": "ceo", "president directeur general": "ceo",
    "mitglied des vorstands": "_c _exec",
    "directeur administratif et financier": "cfo",
    # functions
    "account executive": "_sales _ic", "account manager": "_sales _ic",
    "key account manager": "_sales _ic", "account management": "_sales", "key account": "_sales",
    "business development": "_sales", "revenue operations": "_sales", "go to market": "_sales",
    "product marketing": "_mkt", "demand generation": "_mkt", "demand gen": "_mkt",
    "information technology": "_it", "r and d": "_it", "research and development": "_it",
    "help desk": "_it", "service desk": "_it",
    "human resources": "_hr", "human resource": "_hr", "talent acquisition": "_hr",
    "people operations": "_hr", "people ops": "_hr", "recursos humanos": "_hr",
    "ressources humaines": "_hr", "risorse umane": "_hr", "learning and development": "_hr",
    "customer success": "_cs", "client success": "_cs", "customer experience": "_cs",
    "customer service": "_cs", "customer services": "_cs", "customer support": "_cs",
    "client services": "_cs", "client service": "_cs", "customer care": "_cs", "cx": "_cs",
    "professional services": "_cs", "service client": "_cs", "atencion al cliente": "_cs",
    "information security": "_sec", "it security": "_sec", "cyber security": "_sec",
    "business intelligence": "_data", "data science": "_data", "machine learning": "_data",
    "supply chain": "_ops", "vendor management": "_proc",
    "product owner": "_product _ic", "product management": "_product",
    "fp and a": "_fin", "accounts payable": "_fin", "accounts receivable": "_fin",
}

#: Words that give a level only when no other word does ("Tech Lead" vs "Lead Engineer").
_WEAK_LEVELS: dict[str, str] = {"lead": MANAGER, "leader": MANAGER, "leads": MANAGER}

#: German compounds: suffix -> seniority ("Einkaufsleiter" = head of purchasing).
_COMPOUND_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("leiterin", DIRECTOR), ("leiter", DIRECTOR), ("leitung", DIRECTOR),
    ("direktorin", DIRECTOR), ("direktor", DIRECTOR), ("managerin", MANAGER), ("manager", MANAGER),
    ("mitarbeiterin", IC), ("mitarbeiter", IC), ("referentin", IC), ("referent", IC),
    ("chef", DIRECTOR),
)
#: Compound prefixes that set the level instead of the function.
_COMPOUND_LEVEL_PREFIXES: dict[str, str] = {
    "team": MANAGER, "gruppen": MANAGER, "projekt": MANAGER, "abteilungs": DIRECTOR,
    "bereichs": DIRECTOR,
}
#: Compound prefixes that name a function only inside compounds.
_COMPOUND_FUNCTIONS: dict[str, str] = {"personal": HR, "kunden": CUSTOMER_SUCCESS,
                                       "rechts": LEGAL, "einkaufs": PROCUREMENT,
                                       "vertriebs": SALES, "verkaufs": SALES,
                                       "finanz": FINANCE, "it": IT, "edv": IT}

#: Generic C-level label by function (a named title such as CIO or CRO keeps its own).
_C_LEVEL_LABELS: dict[str, str] = {
    EXECUTIVE: "CEO", FINANCE: "CFO", IT: "CTO", OPERATIONS: "COO", MARKETING: "CMO",
    SECURITY: "CISO", DATA: "CDO", PRODUCT: "CPO", HR: "CHRO", LEGAL: "General Counsel",
    SALES: "C-level Sales", PROCUREMENT: "C-level Procurement",
    CUSTOMER_SUCCESS: "C-level Customer Success",
}
_EXECUTIVE_LABELS: dict[str, str] = {VP: "General Manager", DIRECTOR: "Chief of Staff",
                                     MANAGER: "Manager (executive office)",
                                     IC: "Executive assistant"}


@dataclass(frozen=True)
class TitleInfo:
    """One title read as a persona: label, seniority and function."""

    persona: str
    seniority: str
    function: str


OTHER_INFO = TitleInfo(OTHER, OTHER, OTHER)


def _build_tokens() -> dict[str, tuple[str | None, str | None]]:
    table: dict[str, tuple[str | None, str | None]] = {}
    for level, words in _SENIORITY_WORDS.items():
        for w in words.split():
            table[w] = (level, table.get(w, (None, None))[1])
    for func, words in _FUNCTION_WORDS.items():
        for w in words.split():
            table[w] = (table.get(w, (None, None))[0], func)
    return table


_TOKENS = _build_tokens()
_PHRASE_RE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(_PHRASES, key=len, reverse=True)) + r")\b")
_DOTTED_RE = re.compile(r"\b(?:[a-z]\.){2,}")
_NON_WORD_RE = re.compile(r"[^0-9a-z_]+")


def normalize_text(text: object) -> str:
    """Lower-case ASCII words separated by single spaces ('Sr. Mgr., Ventas' -> 'sr mgr ventas').

    Accents are dropped (Geschäftsführer -> geschaftsfuhrer), dotted abbreviations joined
    (V.P. -> vp), '&' read as 'and', everything else that is not a letter or digit is a space.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    s = s.replace("_", " ")
    s = _DOTTED_RE.sub(lambda m: m.group(0).replace(".", ""), s)
    s = s.replace("&", " and ")
    return _NON_WORD_RE.sub(" ", s).strip()


def _compound(token: str) -> tuple[str | None, str | None]:
    """Seniority and function of a German compound such as 'einkaufsleiter'."""
    for suffix, level in _COMPOUND_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            prefix = token[: -len(suffix)]
            if prefix in _COMPOUND_LEVEL_PREFIXES:
                return _COMPOUND_LEVEL_PREFIXES[prefix], None
            func = _COMPOUND_FUNCTIONS.get(prefix)
            if func is None:
                for candidate in (prefix, prefix[:-1] if prefix.endswith("s") else prefix):
                    known = _TOKENS.get(candidate)
                    if known and known[1]:
                        func = known[1]
                        break
            if func is None and prefix not in _TOKENS:
                continue  # not a compound we know; leave the word unknown
            return level, func
    return None, None


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
        return _C_LEVEL_LABELS[function]
    if function == EXECUTIVE:
        return _EXECUTIVE_LABELS[seniority]
    if seniority == IC:
        return f"{short} staff"
    return f"{seniority} {short}"


@lru_cache(maxsize=200_000)
def parse_title(title: object) -> TitleInfo:
    """Read one job title as a persona.

    >>> parse_title("SVP, Worldwide Sales")
    TitleInfo(persona='VP Sales', seniority='VP', function='Sales')
    >>> parse_title("Head of Procurement").persona
    'Director Procurement'
    >>> parse_title("Chief Financial Officer").persona
    'CFO'
    >>> parse_title("Astronaut").persona
    'Other'
    """
    text = normalize_text(title)
    if not text:
        return OTHER_INFO
    text = _PHRASE_RE.sub(lambda m: _PHRASES[m.group(1)], text)
    tokens = text.split()
    if "_ea" in tokens:
        return TitleInfo(*_ASSISTANT)
    explicit = next((_EXPLICIT[t] for t in tokens if t in _EXPLICIT), None)
    if explicit is not None:
        return TitleInfo(*explicit)
    level_rank = 0
    level = OTHER
    functions: list[str] = []
    for tok in tokens:
        known = _TOKENS.get(tok)
        if known is None:
            known = _compound(tok)
        sen, func = known
        if sen is not None and _RANK[sen] > level_rank:
            level_rank, level = _RANK[sen], sen
        if func is not None:
            functions.append(func)
    if level == OTHER:
        weak = next((_WEAK_LEVELS[t] for t in tokens if t in _WEAK_LEVELS), None)
        if weak is not None:
            level_rank, level = _RANK[weak], weak
    if "chief" in tokens:
        chief_level = C_LEVEL if "officer" in tokens else DIRECTOR
        if _RANK[chief_level] > level_rank:
            level = chief_level
    function = next((f for f in functions if f not in _FALLBACK_FUNCTIONS), None)
    if function is None:
        function = next((f for f in _FALLBACK_FUNCTIONS if f in functions), OTHER)
    return TitleInfo(persona_label(level, function), level, function)


# ----------------------------------------------------------------- seniority / department

_SENIORITY_VALUES: dict[str, str] = {
    **dict.fromkeys(("c level", "c suite", "cxo", "c", "executive", "executives", "owner", "partner",
                     "board", "c level executive", "c suite executive", "chief"), C_LEVEL),
    **dict.fromkeys(("vp", "vp level", "vice president", "svp", "evp", "avp"), VP),
    **dict.fromkeys(("director", "director level", "head", "senior director"), DIRECTOR),
    **dict.fromkeys(("manager", "manager level", "management", "senior manager", "team lead"),
                    MANAGER),
    **dict.fromkeys(("non manager", "individual contributor", "ic", "senior", "entry",
                     "entry level", "staff", "training", "unpaid", "intern", "junior", "mid",
                     "mid level", "associate", "employee", "professional", "non management",
                     "contributor", "specialist"), IC),
}


@lru_cache(maxsize=10_000)
def normalize_seniority(text: object) -> str:
    """A seniority column's value as one of SENIORITIES, or "Other".

    >>> normalize_seniority("VP-Level"), normalize_seniority("Non-Manager")
    ('VP', 'Individual contributor')
    """
    norm = normalize_text(text)
    if not norm:
        return OTHER
    hit = _SENIORITY_VALUES.get(norm)
    return hit if hit is not None else parse_title(text).seniority


@lru_cache(maxsize=10_000)
def normalize_function(text: object) -> str:
    """A department column's value as one of FUNCTIONS, or "Other".

    >>> normalize_function("Engineering"), normalize_function("Purchasing")
    ('IT / Engineering', 'Procurement')
    """
    return parse_title(text).function


# ------------------------------------------------------------------------------ roles

_ROLE_PATTERNS: dict[str, str] = {
    BLOCKER: "blocker|blockers|detractor|detractors|opponent|anti champion|naysayer|saboteur",
    EXECUTIVE_SPONSOR: "executive sponsor|exec sponsor|executive|sponsor|patrocinador|parrain",
    DECISION_MAKER: "economic decision maker|decision maker|decision makers|decision|dm|"
                    "economic buyer|eb|approver|final approver|approval|signer|signatory|"
                    "signing authority|budget holder|budget owner|decider|entscheider|"
                    "decisor|decideur",
    CHAMPION: "champion|champions|coach|advocate|internal champion",
    INFLUENCER: "influencer|influencers|evaluator|technical evaluator|technical buyer|user|"
                "users|business user|end user|user buyer|technical|influenceur|influenciador|"
                "beeinflusser",
}
_ROLE_RE = re.compile("|".join(
    f"(?P<r{i}>\\b(?:{'|'.join(sorted(pat.split('|'), key=len, reverse=True))})\\b)"
    for i, pat in enumerate(_ROLE_PATTERNS.values())))
_ROLE_BY_GROUP = {f"r{i}": role for i, role in enumerate(_ROLE_PATTERNS)}


@lru_cache(maxsize=10_000)
def normalize_role(text: object) -> str:
    """A contact role as one of ROLES; the first role word in the text wins.

    >>> normalize_role("Economic Buyer"), normalize_role("Technical Buyer")
    ('decision maker', 'influencer')
    >>> normalize_role("Is Primary")
    'other'
    """
    norm = normalize_text(text)
    if not norm:
        return OTHER_ROLE
    m = _ROLE_RE.search(norm)
    if m is None:
        return OTHER_ROLE
    return _ROLE_BY_GROUP[m.lastgroup]


# ------------------------------------------------------------------- vectorised forms

def _map_unique(values: pd.Series, func) -> tuple[np.ndarray, list]:
    """Codes of ``values`` and ``func`` applied once per distinct value (NaN -> func(None))."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [func(u) for u in uniques]
    results.append(func(None))  # code -1 (missing) reads the last entry
    return codes, results


def classify_titles(titles: pd.Series) -> pd.DataFrame:
    """Persona, seniority and function of every title, parsed once per distinct spelling."""
    codes, infos = _map_unique(pd.Series(titles, dtype="object"), parse_title)
    cols = {name: np.array([getattr(i, name) for i in infos], dtype=object)[codes]
            for name in ("persona", "seniority", "function")}
    return pd.DataFrame(cols, index=getattr(titles, "index", None))


def normalize_roles(roles: pd.Series) -> pd.Series:
    """Normalised role of every value (see :func:`normalize_role`)."""
    codes, results = _map_unique(pd.Series(roles, dtype="object"), normalize_role)
    return pd.Series(np.array(results, dtype=object)[codes], index=getattr(roles, "index", None),
                     dtype=object)


@dataclass(frozen=True)
class EncodedContacts:
    """Contacts as small integer codes (fast to group) plus what each code means.

    ``persona[i]`` indexes ``infos`` (one TitleInfo per distinct persona label);
    ``role[i]`` indexes :data:`ROLES`.
    """

    persona: np.ndarray
    infos: tuple[TitleInfo, ...]
    role: np.ndarray


def _column(contacts: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in contacts.columns:
        return None
    col = contacts[name]
    return col if col.notna().any() else None


def encode_contacts(contacts: pd.DataFrame) -> EncodedContacts:
    """Read every contact's title (and role) once per distinct spelling.

    The title decides; a given seniority or department column fills in what the title
    leaves unknown ("Director" with department "Finance" is Director Finance).
    """
    n = len(contacts)
    title = _column(contacts, "title")
    if title is None:
        key = np.zeros(n, dtype="int64")
        tinfos: list[TitleInfo] = [OTHER_INFO]
    else:
        key, tinfos = _map_unique(title, parse_title)
        key = np.where(key < 0, len(tinfos) - 1, key).astype("int64")
    given: list[tuple[str, list[str]]] = []
    for col, func, target in (("seniority", normalize_seniority, "seniority"),
                              ("department", normalize_function, "function")):
        values = _column(contacts, col)
        if values is None:
            continue
        codes, results = _map_unique(values, func)
        codes = np.where(codes < 0, len(results) - 1, codes)
        key = key * len(results) + codes
        given.append((target, results))
    combo_codes, combos = pd.factorize(key)
    labels: dict[str, int] = {}
    infos: list[TitleInfo] = []
    combo_to_label = np.empty(len(combos), dtype="int64")
    for j, k in enumerate(combos):
        k = int(k)
        fill: dict[str, str] = {}
        for target, results in reversed(given):
            k, code = divmod(k, len(results))
            fill[target] = results[code]
        info = tinfos[k]
        sen = info.seniority if info.seniority != OTHER else fill.get("seniority", OTHER)
        func = info.function if info.function != OTHER else fill.get("function", OTHER)
        if (sen, func) != (info.seniority, info.function):
            info = TitleInfo(persona_label(sen, func), sen, func)
        if info.persona not in labels:
            labels[info.persona] = len(infos)
            infos.append(info)
        combo_to_label[j] = labels[info.persona]
    persona = combo_to_label[combo_codes] if n else np.zeros(0, dtype="int64")
    role_col = _column(contacts, "role")
    if role_col is None:
        role = np.full(n, ROLES.index(OTHER_ROLE), dtype="int64")
    else:
        rcodes, rvalues = _map_unique(role_col, normalize_role)
        role = np.array([ROLES.index(r) for r in rvalues], dtype="int64")[rcodes]
    return EncodedContacts(persona.astype("int64"), tuple(infos), role)


def classify_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """persona, seniority, function and role of each contact row (same index); see
    :func:`encode_contacts` for the rules."""
    enc = encode_contacts(contacts)
    out = {name: np.array([getattr(i, name) for i in enc.infos] or [OTHER], dtype=object)[enc.persona]
           for name in ("persona", "seniority", "function")}
    out["role"] = np.array(ROLES, dtype=object)[enc.role]
    return pd.DataFrame(out, index=contacts.index)
