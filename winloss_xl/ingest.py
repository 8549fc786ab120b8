"""Any CRM export in, one canonical deals table out (see dealset.py for its columns).

The work is split into small modules under :mod:`winloss_xl.ingestion`; this
module is the stable public entry point the engine, the formulas and the
ribbon button call.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import Config
from .dealset import DealSet
from .ingestion.pipeline import build_dealset

Source = str | Path | pd.DataFrame | list

__all__ = ["Source", "load_deals"]


def load_deals(
    source: Source,
    *,
    contacts: Source | None = None,
    accounts: Source | None = None,
    config: Config | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> DealSet:
    """Load deals (plus optional contacts and accounts) into a canonical DealSet.

    ``source`` is a path (.csv .tsv .txt .xlsx .xlsm .json), a DataFrame, or a 2-D
    list of cell values as xlwings hands them over (header row first). ``name``
    labels a non-file source in messages. ``contacts`` and ``accounts`` accept
    the same kinds. Open deals are kept with outcome ``open``; every decision
    (column map, dropped rows, unparseable values) is in ``DealSet.quality``.

    Raises:
        InputError: the input cannot be analysed (the message names the file,
            the column and what was expected).
    """
    return build_dealset(source, contacts=contacts, accounts=accounts, config=config,
                         sheet=sheet, name=name)
