"""Settings of a run: every key, its range and default, checked in one place.

Three sources give the same :class:`Config`: a TOML file (``--config``), the
template's two-column ``Config`` sheet, and a formula's optional ``config``
range. Every key is known and checked: an unknown key (anywhere, also inside
``[columns]`` or ``[join]``) is an :class:`~winloss_xl.errors.InputError`
naming the nearest valid key; a value outside its range names the range.
Messages show values trimmed, so a huge value cannot flood a message.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InputError
from .fields import FIELD_BY_NAME, normalize_header
from .words import DEFAULT_COMPETITOR_ALIASES

#: Default company-revenue bands: (label, low inclusive, high exclusive).
DEFAULT_REVENUE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("0-10M", 0.0, 10e6),
    ("10-50M", 10e6, 50e6),
    ("50-100M", 50e6, 100e6),
    ("100M+", 100e6, float("inf")),
)
EXCEL_MAX_ROWS = 1_048_576
#: Keys of the ``[join]`` table.
JOIN_KEYS: tuple[str, ...] = ("accounts_key", "contacts_key", "deals_account_key")
#: Fields a ``[columns]`` entry may set (derived columns such as no_decision are not read).
OVERRIDABLE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in FIELD_BY_NAME.values() if f.synonyms)
#: Longest value a message repeats.
SHOWN_CHARS = 60


@dataclass(frozen=True)
class Config:
    """Every setting of a run, with the defaults DESIGN.md gives.

    >>> Config().min_deals, Config().min_accounts
    (5, 5)
    >>> Config.from_pairs([["min_deals", 3]]).min_deals
    3
    """

    min_deals: int = 5
    #: a segment with fewer distinct accounts is "Too few accounts" (when accounts are known)
    min_accounts: int = 5
    fdr: float = 0.10
    confidence: float = 0.95
    #: which rate leads the summary: "all" (no-decision counts as loss) or "excl_no_decision"
    lead_rate: str = "all"
    revenue_bands: tuple[tuple[str, float, float], ...] = DEFAULT_REVENUE_BANDS
    #: number of quantile bands for numeric dimensions and fallback revenue bands
    quantile_bands: int = 4
    fiscal_year_start_month: int = 1
    #: "close" (default) or "created" (cohort view)
    trend_by: str = "close"
    #: the qualification threshold in use today, on the score's own scale (0.7, 7 or 70)
    current_threshold: float = 0.7
    #: canonical field -> source header, overriding the synonyms
    columns: Mapping[str, str] = field(default_factory=dict)
    #: source headers left out of the analysis
    exclude: tuple[str, ...] = ()
    #: join keys: accounts_key, contacts_key, deals_account_key -> header
    join: Mapping[str, str] = field(default_factory=dict)
    won_words: tuple[str, ...] = ()
    lost_words: tuple[str, ...] = ()
    no_decision_words: tuple[str, ...] = ()
    open_words: tuple[str, ...] = ()
    competitor_aliases: Mapping[str, str] = field(default_factory=dict)
    #: dates in text: "auto", "mdy" or "dmy"
    date_order: str = "auto"
    max_rows: int = 2_000_000
    max_cells: int = 60_000_000
    #: maximum distinct values for a text column to become an extra dimension
    max_levels: int = 50
    top_drivers: int = 15
    #: company-specific job titles: phrase -> persona ("Revenue Champion" = "Director Sales")
    titles: Mapping[str, str] = field(default_factory=dict)

    # ---- construction -----------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read a TOML file (top-level keys and the ``[columns]``, ``[join]``,
        ``[competitor_aliases]`` and ``[titles]`` tables)."""
        from .ingestion.guard import read_file_bytes

        p = Path(path)
        # guarded like every input: a folder, a FIFO or a device is refused, not read forever
        raw = read_file_bytes(p, str(p.resolve()), max_bytes=MAX_CONFIG_BYTES, what="config file")
        try:
            data = tomllib.loads(raw.decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError, ValueError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else _trim(exc)
            raise InputError(
                f"config file is not valid TOML ({reason})", file=str(p),
                expected="lines such as min_deals = 5 and a [columns] table",
            ) from None
        return cls.from_mapping(data, source=str(p))

    @classmethod
    def from_pairs(cls, rows: Any, source: str = "Config sheet") -> Config:
        """Read two-column key/value rows (the template's ``Config`` sheet, a formula's range).

        ``column:outcome`` (or ``columns.outcome``) sets a column, ``join:accounts_key`` a
        join key, ``competitor:MSFT`` an alias, ``title:Revenue Champion`` a company-specific
        job title (value: a persona). Blank rows and keys starting with ``#`` are skipped.
        """
        data: dict[str, Any] = {}
        tables: dict[str, dict[str, str]] = {"columns": {}, "join": {}, "competitor_aliases": {},
                                             "titles": {}}
        prefixes = (("column:", "columns"), ("columns.", "columns"), ("join:", "join"),
                    ("join.", "join"), ("competitor:", "competitor_aliases"),
                    ("competitor_aliases.", "competitor_aliases"), ("title:", "titles"),
                    ("titles.", "titles"))
        for row in rows or []:
            if not row or row[0] is None:
                continue
            key = str(row[0]).strip()
            value = row[1] if len(row) > 1 else None
            if not key or key.startswith("#") or value is None or str(value).strip() == "":
                continue
            for prefix, table in prefixes:
                if key.lower().startswith(prefix):
                    tables[table][key[len(prefix):].strip()] = str(value).strip()
                    break
            else:
                data[key.lower().replace(" ", "_")] = value
        data.update({name: table for name, table in tables.items() if table})
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "config") -> Config:
        """Validate and convert a plain mapping; unknown keys and bad values are input errors."""
        known = [f.name for f in fields(cls)]
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = str(key).strip().lower().replace(" ", "_").replace("-", "_")
            if name not in known:
                raise unknown_key_error(str(key), known, source)
            kwargs[name] = _coerce(name, value, source)
        cfg = cls(**kwargs)
        cfg.validate(source)
        return cfg

    def merged(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (``None`` values are ignored), validated."""
        out = replace(self, **{k: v for k, v in changes.items() if v is not None})
        out.validate("settings")
        return out

    def validate(self, source: str = "config") -> None:
        """Raise :class:`InputError` for a setting outside its range."""
        for name, (low, high, what) in _RANGES.items():
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
                raise InputError(f"setting '{name}' is {_shown(value)}", file=source,
                                 expected=what)
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise InputError(f"setting '{name}' is {_shown(getattr(self, name))}", file=source,
                                 expected=" or ".join(f"'{a}'" for a in allowed))
        if self.titles:
            self._validate_titles(source)

    def _validate_titles(self, source: str) -> None:
        """Every [titles] entry must name a persona the reader knows."""
        from .titles import TitleReader

        try:
            TitleReader(self.titles)
        except ValueError as exc:
            raise InputError(f"[titles] has an entry the reader cannot use: {_trim(exc)}",
                             file=source,
                             expected='lines such as "Revenue Champion" = "Director Sales"') from None

    def competitor_alias_table(self) -> dict[str, str]:
        """Default aliases overlaid with the configured ones, keys normalised."""
        table = dict(DEFAULT_COMPETITOR_ALIASES)
        table.update({normalize_header(k): str(v) for k, v in self.competitor_aliases.items()})
        return table

    def join_key(self, name: str) -> str | None:
        """The configured header of a join key (``accounts_key``, ...), else None."""
        return self.join.get(name)


#: A settings file larger than this is not a settings file (1 MiB holds ~30,000 lines).
MAX_CONFIG_BYTES = 1 << 20

#: The largest false-discovery rate a user may set. The driver screen
#: (engine/patterns.SCREEN_P) is safe below it: a candidate whose screening p exceeds the
#: screen has an exact p above this bound (tests/test_stats.py checks every table up to 40
#: deals and random ones up to 200,000).
MAX_FDR = 0.25

#: name -> (lowest, highest, what a user should write)
_RANGES: dict[str, tuple[float, float, str]] = {
    "min_deals": (3, 10_000, "a whole number of at least 3 (default 5)"),
    "min_accounts": (1, 10_000, "a whole number of at least 1 (default 5)"),
    "fdr": (1e-6, MAX_FDR, f"a number above 0 and at most {MAX_FDR} (default 0.10)"),
    "confidence": (0.5, 0.999, "a number from 0.5 to 0.999 (default 0.95)"),
    "quantile_bands": (2, 10, "a whole number from 2 to 10 (default 4)"),
    "fiscal_year_start_month": (1, 12, "a month number from 1 to 12"),
    "current_threshold": (0, 100, "a score from 0 to 100 on the score's own scale (default 0.7)"),
    "max_rows": (1, 50_000_000, "a whole number from 1 to 50,000,000 (default 2,000,000)"),
    "max_cells": (1, 1_000_000_000, "a whole number from 1 to 1,000,000,000 (default 60,000,000)"),
    "max_levels": (2, 10_000, "a whole number from 2 to 10,000 (default 50)"),
    "top_drivers": (1, 1_000, "a whole number from 1 to 1,000 (default 15)"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "lead_rate": ("all", "excl_no_decision"),
    "trend_by": ("close", "created"),
    "date_order": ("auto", "mdy", "dmy"),
}
_INTEGERS = ("min_deals", "min_accounts", "quantile_bands", "fiscal_year_start_month",
             "max_rows", "max_cells", "max_levels", "top_drivers")
_WORD_LISTS = ("won_words", "lost_words", "no_decision_words", "open_words", "exclude")


def _trim(value: object) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


def _shown(value: object) -> str:
    return repr(value) if len(repr(value)) <= SHOWN_CHARS else repr(value)[:SHOWN_CHARS] + "..."


def unknown_key_error(key: str, known: list[str], source: str, where: str = "") -> InputError:
    """An InputError naming an unknown key and the nearest valid one."""
    near = difflib.get_close_matches(key.strip().lower(), known, n=1, cutoff=0.5)
    hint = f"did you mean '{near[0]}'? " if near else ""
    return InputError(f"unknown setting '{_trim(key)}'{where}", file=source,
                      expected=hint + "one of: " + ", ".join(sorted(known)))


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a number, not TRUE/FALSE")
    text = str(value).strip()
    number = float(text.rstrip("%"))
    if not math.isfinite(number):
        raise ValueError("a finite number")
    if name in _INTEGERS:
        if number != int(number):
            raise ValueError("a whole number")
        return int(number)
    if name in ("fdr", "confidence") and (text.endswith("%") or number > 1):
        return number / 100
    return number


def _table(name: str, value: Any, source: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"a [{name}] table of name = value pairs")
    out = {str(k).strip(): str(v).strip() for k, v in value.items()
           if not isinstance(v, Mapping)}
    if len(out) != len(value):
        raise ValueError(f"[{name}] entries of the form name = \"value\" (no nested tables)")
    if name == "columns":
        for key in out:
            if key.lower().replace(" ", "_") not in OVERRIDABLE_FIELDS:
                raise unknown_key_error(key, list(OVERRIDABLE_FIELDS), source, " in [columns]")
        return {k.lower().replace(" ", "_"): v for k, v in out.items()}
    if name == "join":
        for key in out:
            if key.lower() not in JOIN_KEYS:
                raise unknown_key_error(key, list(JOIN_KEYS), source, " in [join]")
        return {k.lower(): v for k, v in out.items()}
    return out


def _coerce(name: str, value: Any, source: str) -> Any:
    """Turn a TOML / sheet value into the type the setting expects."""
    try:
        if name in _RANGES:
            return _number(name, value)
        if name in _WORD_LISTS:
            items = value if isinstance(value, (list, tuple)) else str(value).split(",")
            return tuple(str(v).strip() for v in items if str(v).strip())
        if name in ("columns", "join", "competitor_aliases", "titles"):
            return _table(name, value, source)
        if name == "revenue_bands":
            return parse_revenue_bands(value)
        if name in _CHOICES:
            return str(value).strip().lower()
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(f"setting '{name}' has value {_shown(value)}", file=source,
                         expected=str(exc) or "a value of the right type") from None
    return value


def parse_revenue_bands(value: Any) -> tuple[tuple[str, float, float], ...]:
    """Parse band edges such as ``"0, 10M, 50M, 100M"`` or ``[0, 1e7, 5e7]`` into bands.

    >>> [b[0] for b in parse_revenue_bands("0,10M,50M")]
    ['0-10M', '10-50M', '50M+']
    """
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    edges = sorted({_parse_money_word(v) for v in items if str(v).strip() != ""})
    if len(edges) < 2:
        raise ValueError("at least two band edges, such as 0, 10M, 50M")
    if len(edges) > 20:
        raise ValueError("at most 20 band edges")
    return tuple((band_label(low, high), low, high)
                 for low, high in zip(edges, [*edges[1:], float("inf")]))


def band_label(low: float, high: float) -> str:
    """Readable band label; a unit both ends share is written once, as in the defaults.

    >>> band_label(10e6, 50e6), band_label(0, 10e6), band_label(500e3, 2e6), band_label(1e8, float("inf"))
    ('10-50M', '0-10M', '500K-2M', '100M+')
    """
    if high == float("inf"):
        return f"{short_money(low)}+"
    lo, hi = short_money(low), short_money(high)
    if lo[-1:].isalpha() and lo[-1:] == hi[-1:]:
        lo = lo[:-1]
    return f"{lo}-{hi}"


def _parse_money_word(text: Any) -> float:
    s = str(text).strip().upper().replace("$", "").replace(",", "")
    mult = {"K": 1e3, "M": 1e6, "B": 1e9}.get(s[-1:], 1.0)
    number = float(s[:-1] if mult != 1.0 else s) * mult
    if not math.isfinite(number):
        raise ValueError("finite band edges such as 0, 10M, 50M")
    return number


def short_money(value: float) -> str:
    """Readable short amount: 10000000 -> '10M', 2500 -> '2.5K', 0 -> '0'.

    >>> short_money(50_000_000), short_money(2500), short_money(0)
    ('50M', '2.5K', '0')
    """
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            number = value / size
            return (f"{number:.0f}" if number == int(number) else f"{number:.1f}") + suffix
    return f"{value:.0f}" if value == int(value) else f"{value:g}"
