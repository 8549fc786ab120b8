"""Job titles as buyer personas: ``read_title("Kfm. Geschäftsführerin") -> ("CFO", "C-level",
"Finance")``.

The reader (:mod:`.reader`) works from word tables kept as data, one file per language
(:mod:`.vocabulary`, ``data/*.txt``); a ``[titles]`` section of the config adds
company-specific titles. The report, :func:`winloss_xl.read_title` and the
``TITLE_PERSONA`` formula all read titles here, so they agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from .reader import OTHER_INFO, TitleInfo, TitleReader, reader_for, unread_script
from .vocabulary import (
    BOARD,
    C_LEVEL,
    CUSTOMER_SUCCESS,
    DATA,
    DIRECTOR,
    EXECUTIVE,
    FINANCE,
    FUNCTIONS,
    HR,
    IC,
    IT,
    LEGAL,
    MANAGER,
    MARKETING,
    OPERATIONS,
    OTHER,
    OWNER,
    PROCUREMENT,
    PRODUCT,
    SALES,
    SECURITY,
    SENIORITIES,
    VP,
    is_catch_all,
    parse_persona,
    persona_label,
)

__all__ = ["BOARD", "CUSTOMER_SUCCESS", "C_LEVEL", "DATA", "DIRECTOR", "EXECUTIVE", "FINANCE",
           "FUNCTIONS", "HR", "IC", "IT", "LEGAL", "MANAGER", "MARKETING", "OPERATIONS", "OTHER",
           "OTHER_INFO", "OWNER", "PROCUREMENT", "PRODUCT", "SALES", "SECURITY", "SENIORITIES",
           "VP", "TitleInfo", "TitleReader", "get_reader", "is_catch_all", "parse_persona",
           "persona_label", "read_title", "unread_script"]


def get_reader(titles: Mapping[str, str] | None = None) -> TitleReader:
    """The reader for the built-in tables plus ``titles`` (phrase -> persona), cached."""
    return reader_for(tuple(sorted((str(k), str(v)) for k, v in (titles or {}).items())))


def read_title(text: object, titles: Mapping[str, str] | None = None) -> tuple[str, str, str]:
    """(persona, seniority, function) of one job title, as the report reads it.

    ``titles`` adds company-specific titles (phrase -> persona, as the config's
    ``[titles]`` section does).

    >>> read_title("Geschäftsführer (CFO)")
    ('CFO', 'C-level', 'Finance')
    >>> read_title("Assistentin der Geschäftsführung")
    ('Executive assistant', 'Individual contributor', 'Executive')
    >>> read_title("Ingénieur commercial")
    ('Sales staff', 'Individual contributor', 'Sales')
    """
    info = get_reader(titles).read(text)
    return info.persona, info.seniority, info.function
