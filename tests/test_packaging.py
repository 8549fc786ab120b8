"""Supported Pythons, stated once and enforced: pyproject, README and the build backend agree."""

from __future__ import annotations

import ast
import glob
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_requires_python_and_readme_say_3_11():
    project = _pyproject()
    assert project["project"]["requires-python"] == ">=3.11"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11 or newer" in readme and "3.10" not in readme
    # read, not imported: the backend imports setuptools, which a 3.12+ venv may not have
    source = (REPO / "backend" / "winloss_backend.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    minimum = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                   and any(getattr(t, "id", "") == "MINIMUM" for t in n.targets))
    assert minimum == (3, 11)
    assert any(isinstance(n, ast.ImportFrom) and n.module == "setuptools.build_meta"
               and n.names[0].name == "*" for n in tree.body)
    assert project["build-system"]["build-backend"] == "winloss_backend"
    assert project["build-system"]["backend-path"] == ["backend"]


def _older_pythons() -> list[str]:
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    found = sorted(glob.glob(f"{root}/versions/3.*/bin/python3"))
    return [p for p in found if re.search(r"/3\.(?:[6-9]|10)\.", p)]


@pytest.mark.skipif(not _older_pythons(), reason="no Python older than 3.11 on this machine")
def test_the_build_stops_on_an_old_python_with_one_line():
    old = _older_pythons()[-1]
    proc = subprocess.run([old, "-c", "import sys; sys.path.insert(0, 'backend'); "
                                      "import winloss_backend"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs Python 3.11 or newer" in lines[0], proc.stderr
