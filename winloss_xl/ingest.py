"""Any CRM export in, one canonical deals table out (see schema.py for its columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .dealset import DealSet
from .schema import Config

Source = str | Path | pd.DataFrame | list


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
    labels a non-file source in messages. Raises InputError for input that
    cannot be analysed.
    """
    raise NotImplementedError("ingestion not built yet")


def _unused(_: Any) -> None:  # placeholder so the module imports cleanly
    return None
