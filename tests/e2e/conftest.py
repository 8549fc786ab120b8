"""Headless LibreOffice for the end-to-end tests.

The tests are marked ``libreoffice``. Without ``soffice`` they skip, unless
``WINLOSS_REQUIRE_LIBREOFFICE=1`` (CI) makes a missing LibreOffice a failure.
One private profile per test session; conversions are batched (one soffice
start converts every workbook) because LibreOffice starts slowly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 240


class LibreOffice:
    def __init__(self, exe: str, profile: Path) -> None:
        self.exe = exe
        self.profile = profile

    def convert(self, files: list[Path], target: str, outdir: Path) -> subprocess.CompletedProcess:
        """``soffice --convert-to target`` for all ``files`` in one start; raises on failure."""
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = [self.exe, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", target, "--outdir", str(outdir),
               *map(str, files)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "HOME": str(self.profile.parent)})
        assert proc.returncode == 0, proc.stderr
        assert "Error" not in proc.stderr, proc.stderr
        return proc


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory) -> LibreOffice:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("WINLOSS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (WINLOSS_REQUIRE_LIBREOFFICE=1) but missing")
        pytest.skip("LibreOffice (soffice) not installed")
    base = tmp_path_factory.mktemp("lo")
    return LibreOffice(exe, base / "profile")
