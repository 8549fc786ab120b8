"""Fixtures for the title tests: the O*NET data beside the repository."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ONET = HERE.parents[1].parent / "shared" / "data" / "onet-titles"


@pytest.fixture(scope="session")
def onet_dir() -> Path:
    """O*NET 27.0 alternate titles (CC BY 4.0, USDOL/ETA; read-only)."""
    if not (ONET / "Alternate Titles.txt").exists():
        if os.environ.get("CI"):
            pytest.fail(f"O*NET titles missing at {ONET}")
        pytest.skip("O*NET titles not found beside the repo")
    return ONET
