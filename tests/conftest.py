"""Shared fixtures: paths to the shared Maven sample and tmp workbooks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Reports carry the run id (Data Quality); a fixed id keeps "same input, same bytes" testable.
# tests/test_runlog.py clears it to check that each run gets its own random id.
os.environ.setdefault("WINLOSS_RUN_ID", "test-run")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MAVEN = SHARED / "data" / "maven-crm"


@pytest.fixture(scope="session")
def maven_dir() -> Path:
    """The public Maven CRM sample (read-only)."""
    if not (MAVEN / "sales_pipeline.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"Maven sample missing at {MAVEN}")
        pytest.skip("Maven sample not found beside the repo")
    return MAVEN
