"""Fixtures for report tests: a contract-shaped Analysis that needs no engine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_analysis import fake_analysis


@pytest.fixture
def analysis():
    return fake_analysis()


@pytest.fixture
def empty_persona_analysis():
    return fake_analysis(empty_personas=True)
