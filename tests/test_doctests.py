"""The examples in the package's docstrings run, module by module, as part of the suite."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import winloss_xl


def _modules() -> list[str]:
    # __main__ runs the command line when imported
    return sorted(m.name for m in pkgutil.walk_packages(winloss_xl.__path__, "winloss_xl.")
                  if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_found():
    # guards the test above: a module known to hold examples is seen to hold them
    finder = doctest.DocTestFinder()
    assert sum(len(t.examples) for t in finder.find(importlib.import_module("winloss_xl.stats"))) >= 5
