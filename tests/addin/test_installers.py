"""The analyst installers: syntax, the commands they run, and their uninstall paths."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SH = REPO / "install" / "macos" / "install.sh"
PS1 = REPO / "install" / "windows" / "install.ps1"


def run_sh(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "WINLOSS_HOME": str(home / "wl")}
    return subprocess.run(["bash", str(SH), *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_install_sh_syntax() -> None:
    assert subprocess.run(["bash", "-n", str(SH)], capture_output=True).returncode == 0
    assert os.access(SH, os.X_OK)


def test_install_sh_dry_run_names_the_steps(tmp_path: Path) -> None:
    out = run_sh("--dry-run", home=tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "-m venv" in text and "pip install" in text
    assert re.search(r"winloss-xl addin install$", text, re.M)
    assert re.search(r"winloss-xl template -o .*/Documents/WinLoss\.xlsx$", text, re.M)
    assert "Windows-only" in text  # classic xlwings formulas, said plainly
    assert not (tmp_path / "wl").exists()  # a dry run changes nothing


def test_install_sh_default_home_has_no_space(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("WINLOSS_HOME", None)
    out = subprocess.run(["bash", str(SH), "--dry-run"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    venv = f"{tmp_path}/.winloss-xl/venv"
    assert f"-m venv {venv}" in out.stdout
    assert re.search(r"winloss-xl doctor$", out.stdout, re.M)
    assert "Application Support" not in out.stdout


def test_install_sh_refuses_a_home_with_a_space(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "WINLOSS_HOME": str(tmp_path / "my env")}
    out = subprocess.run(["bash", str(SH), "--dry-run"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 1
    assert "contains a space" in out.stderr and "~/.winloss-xl" in out.stderr


def test_install_sh_moves_off_the_old_spaced_home(tmp_path: Path) -> None:
    old = tmp_path / "Library" / "Application Support" / "winloss-xl" / "venv"
    old.mkdir(parents=True)
    out = run_sh("--dry-run", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"would run: rm -rf {old}" in out.stdout
    assert old.is_dir()  # a dry run changes nothing


def test_install_sh_uninstall_dry_run(tmp_path: Path) -> None:
    out = run_sh("--uninstall", "--dry-run", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert re.search(r"winloss-xl addin remove$", out.stdout, re.M)
    assert "rm -rf" in out.stdout and "left as they are" in out.stdout


def test_install_sh_keeps_an_existing_template(tmp_path: Path) -> None:
    (tmp_path / "Documents").mkdir()
    (tmp_path / "Documents" / "WinLoss.xlsx").write_bytes(b"my data")
    out = run_sh("--dry-run", home=tmp_path)
    assert "Kept your existing" in out.stdout and "template -o" not in out.stdout


def test_install_sh_rejects_unknown_options(tmp_path: Path) -> None:
    assert run_sh("--frobnicate", home=tmp_path).returncode == 2
    helped = run_sh("--help", home=tmp_path)
    assert helped.returncode == 0 and "--uninstall" in helped.stdout


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck not installed")
def test_install_sh_shellcheck() -> None:
    assert subprocess.run(["shellcheck", "-S", "warning", str(SH)]).returncode == 0


def test_install_ps1_commands() -> None:
    text = PS1.read_text(encoding="utf-8")
    assert "[switch]$Uninstall" in text
    assert "& $Cli addin install" in text and "& $Cli addin remove" in text
    assert r"HKCU:\Software\Microsoft\Office\16.0\Excel\Security" in text
    assert "AccessVBOM" in text and "Trust access to the VBA project object model" in text
    assert 'xw.import_udfs("winloss_xl.excel.udfs", book.api)' in text
    assert "book.save()" in text
    # MacroOptions fails on a hidden workbook: Excel and the add-in are shown while importing
    assert (text.index("app.visible = True") < text.index("IsAddin = False")
            < text.index("window.Visible = True") < text.index("import_udfs(")
            < text.index("IsAddin = True"))
    # a policy key overrides the user's Trust Center setting, and is read first
    assert r"HKCU:\Software\Policies\Microsoft\Office\16.0\Excel\Security" in text
    assert r"HKLM:\Software\Policies\Microsoft\Office\16.0\Excel\Security" in text
    assert text.index("foreach ($key in $PolicyKeys)") < text.index("Get-AccessVBOM $TrustKey")
    assert "& $Cli doctor" in text
    assert "Excel 2021" in text
    assert "& $Cli template -o $Template" in text and "MyDocuments" in text
    assert r"Microsoft\Excel\XLSTART" in text
    assert "Get-Process -Name EXCEL" in text  # close Excel first
    # a first line in plain language for every step
    assert text.count('Step "') >= 5


@pytest.mark.skipif(not shutil.which("pwsh"), reason="PowerShell not installed")
def test_install_ps1_parses() -> None:
    cmd = ("$e=$null; [System.Management.Automation.Language.Parser]::ParseFile("
           f"'{PS1}', [ref]$null, [ref]$e) | Out-Null; if ($e.Count) {{ $e; exit 1 }}")
    assert subprocess.run(["pwsh", "-NoProfile", "-Command", cmd]).returncode == 0
