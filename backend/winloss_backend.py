"""The build backend: setuptools, after one check that this Python can run winloss-xl.

pip does not always check a local project's ``requires-python`` before it resolves the
dependencies, so on an old Python ``pip install .`` ended in a page of "Requires-Python"
lines about xlwings, numpy and pandas. The build runs on the Python being installed
into, so this check stops it first with one line that says what to do.
"""

import sys

MINIMUM = (3, 11)

if sys.version_info < MINIMUM:
    raise SystemExit(
        f"winloss-xl needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; this is Python "
        f"{sys.version.split()[0]}. Create the venv with a newer Python (python3.11 -m venv .venv).")

from setuptools.build_meta import *  # noqa: E402, F403  (the hooks, unchanged)
