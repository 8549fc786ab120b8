"""winloss-xl doctor: the checks on this Linux machine, a stale add-in in a temporary
startup folder, and the Windows / macOS checks against simulated machines."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import xlwings

import winloss_xl
from winloss_xl import doctor
from winloss_xl.cli import main as cli_main
from winloss_xl.doctor import FIX, NA, OK, Machine
from winloss_xl.excel import install
from winloss_xl.excel.xlam import ADDIN_FILENAME, build_xlam

STATUSES = (OK, FIX, NA)


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli_main(["doctor", *args])
    return code, capsys.readouterr().out


def check_lines(text: str) -> list[str]:
    """The lines between the heading and the verdict: one per check."""
    lines = text.strip().splitlines()
    assert lines[0].startswith("winloss-xl doctor: ")
    assert lines[-1].startswith(("Ready:", "Not ready:"))
    return lines[1:-1]


@pytest.fixture
def no_addin_dir(monkeypatch):
    monkeypatch.delenv(doctor.ADDIN_DIR_ENV, raising=False)


@pytest.fixture
def stale_addin(tmp_path, monkeypatch) -> Path:
    """An add-in stamped by another winloss-xl version, in a temporary startup folder."""
    monkeypatch.setattr(winloss_xl, "__version__", "0.0.9")
    build_xlam(tmp_path / ADDIN_FILENAME, sys.executable)
    monkeypatch.undo()
    monkeypatch.setenv(doctor.ADDIN_DIR_ENV, str(tmp_path))
    return tmp_path / ADDIN_FILENAME


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux view of doctor")
def test_linux_is_ready_and_excel_items_are_not_available(capsys, no_addin_dir) -> None:
    code, out = run(capsys)
    assert code == 0
    head = out.splitlines()[0]
    assert f"Python {sys.version.split()[0]}" in head and f"xlwings {xlwings.__version__}" in head
    lines = check_lines(out)
    assert all(line.split()[0] in STATUSES for line in lines), lines
    assert not [line for line in lines if line.startswith(FIX) and "(optional)" not in line]
    excel = [line for line in lines if line.startswith(NA)]
    assert len(excel) >= 5 and all(line.endswith("not available on Linux") for line in excel)
    for name in ("Python", "xlwings", "pandas", "openpyxl", "winloss-xl", "Command line",
                 "Template", "Excel add-in", "Excel startup folder", "LibreOffice"):
        assert any(line.split(maxsplit=1)[1].startswith(name + ":") for line in lines), name
    assert out.strip().endswith("Ready: the command line works on this machine.")


def test_json_gives_the_same_checks(capsys, no_addin_dir) -> None:
    code, out = run(capsys)
    jcode, jout = run(capsys, "--json")
    data = json.loads(jout)
    assert jcode == code and data["ready"] is (code == 0)
    assert data["python"] == sys.version.split()[0] and data["xlwings"] == xlwings.__version__
    assert [f"{c['status']:<4} {c['name']}" for c in data["checks"]] == [
        line[:5] + line[5:].split(":", 1)[0] for line in check_lines(out)]


def test_a_stale_addin_is_a_fix_and_exit_1(capsys, stale_addin) -> None:
    code, out = run(capsys)
    assert code == 1
    line = next(x for x in check_lines(out) if "Add-in version" in x)
    assert line.startswith(FIX)
    assert f"winloss-xl 0.0.9 -> {winloss_xl.__version__}" in line
    assert "Fix: winloss-xl addin install" in line
    assert out.strip().splitlines()[-1].startswith("Not ready: 1 check(s)")
    jcode, jout = run(capsys, "--json")
    data = json.loads(jout)
    assert jcode == 1 and data["ready"] is False
    stale = [c for c in data["checks"] if c["status"] == FIX and c["required"]]
    assert [c["name"] for c in stale] == ["Add-in version"]


def test_after_addin_install_it_is_ready_again(capsys, stale_addin) -> None:
    install.install_addin(stale_addin.parent, sys.executable, platform="win32")
    code, out = run(capsys)
    assert code == 0, out
    line = next(x for x in check_lines(out) if "Add-in version" in x)
    assert line.startswith(OK) and f"winloss-xl {winloss_xl.__version__}" in line


def test_excel_smoke_test_is_not_available_on_linux(capsys, no_addin_dir, monkeypatch) -> None:
    monkeypatch.setattr(doctor, "check_command_line", lambda: doctor.Check("Command line", OK, "x"))
    machine = Machine(platform="linux")
    checks = doctor.run_checks(machine, excel=True)
    assert checks[-1] == doctor.Check("Excel smoke test", NA, "not available on Linux",
                                      required=False)


# ------------------------------------------------------------ Python and packages

def test_old_python_and_old_packages_are_fixes(monkeypatch) -> None:
    real_metadata, real_version = doctor.metadata.metadata, doctor.metadata.version
    monkeypatch.setattr(doctor.metadata, "metadata",
                        lambda name: {"Requires-Python": ">=3.99"} if name == "winloss-xl"
                        else real_metadata(name))
    check = doctor.check_python()
    assert check.status == FIX and ">=3.99" in check.detail and "3.99" in check.fix
    monkeypatch.setattr(doctor.metadata, "version",
                        lambda name: "1.5.3" if name == "pandas" else real_version(name))
    pandas = next(c for c in doctor.check_packages() if c.name == "pandas")
    assert pandas.status == FIX and "1.5.3" in pandas.detail and ">=2.1" in pandas.detail


@pytest.mark.parametrize("version, spec, ok", [
    ("0.37.8", "==0.37.8", True), ("0.37.9", "==0.37.8", False), ("2.1.0", ">=2.1", True),
    ("2.0.3", ">=2.1", False), ("3.11.7", ">=3.10", True), ("3.9.18", ">=3.10", False),
    ("1.0", "", True),
])
def test_satisfies(version: str, spec: str, ok: bool) -> None:
    assert doctor.satisfies(version, spec) is ok


# -------------------------------------------------------------- simulated machines

def mac(tmp_path: Path, interpreter: str = sys.executable) -> Machine:
    return Machine(platform="darwin", home=tmp_path, env={}, interpreter=interpreter,
                   ask_excel=lambda: None)


def windows(tmp_path: Path, registry=None) -> Machine:
    return Machine(platform="win32", home=tmp_path, env={"APPDATA": str(tmp_path / "Roaming")},
                   registry=registry or (lambda key, value: None))


def test_macos_addin_checks(tmp_path: Path) -> None:
    machine = mac(tmp_path)
    missing = doctor.check_addin(machine)
    assert [c.status for c in missing] == [FIX, NA, NA]
    assert "not installed" in missing[0].detail
    assert doctor.check_applescript(machine).status == FIX
    assert doctor.check_startup_folder(machine).status == FIX
    install.install_addin(None, sys.executable, platform="darwin", home=tmp_path)
    assert [c.status for c in doctor.check_addin(machine)] == [OK, OK, OK]
    assert doctor.check_applescript(machine).status == OK
    assert doctor.check_startup_folder(machine).status == OK
    assert doctor.check_vba_trust(machine).status == NA


def test_macos_addin_python_with_a_space_is_a_fix(tmp_path: Path) -> None:
    """An add-in built by an old install (venv under Application Support)."""
    spaced = tmp_path / "Application Support" / "venv" / "bin" / "python"
    spaced.parent.mkdir(parents=True)
    spaced.write_text("")
    folder = install.startup_folder("darwin", home=tmp_path, ask_excel=lambda: None)
    build_xlam(folder / ADDIN_FILENAME, str(spaced), platform="win32")  # built elsewhere
    check = doctor.check_addin(mac(tmp_path, interpreter=str(spaced)))[2]
    assert check.status == FIX and "contains a space" in check.detail
    assert "~/.winloss-xl" in check.fix


def test_addin_python_that_is_gone_is_a_fix(tmp_path: Path) -> None:
    machine = windows(tmp_path)
    folder = install.startup_folder("win32", env=machine.env)
    install.install_addin(folder, str(tmp_path / "gone" / "python.exe"), platform="win32")
    version, python = doctor.check_addin(machine)[1:]
    assert version.status == FIX and "interpreter" in version.detail
    assert python.status == FIX and "does not exist" in python.detail


@pytest.mark.parametrize("values, status, words", [
    ({}, FIX, "is off"),
    ({r"HKCU\Software\Microsoft\Office\16.0\Excel\Security": 1}, OK, "allowed"),
    ({r"HKCU\Software\Microsoft\Office\16.0\Excel\Security": 0}, FIX, "is off"),
    ({r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security": 0,
      r"HKCU\Software\Microsoft\Office\16.0\Excel\Security": 1}, FIX, "policy"),
    ({r"HKLM\Software\Policies\Microsoft\Office\16.0\Excel\Security": 1}, OK, "Policies"),
])
def test_windows_vba_trust_reads_the_policy_first(tmp_path: Path, values, status, words) -> None:
    seen = []

    def registry(key: str, value: str):
        seen.append(key)
        assert value == "AccessVBOM"
        return values.get(key)

    check = doctor.check_vba_trust(windows(tmp_path, registry))
    assert check.status == status and words in check.detail + check.fix
    assert seen[0] == doctor.VBA_TRUST_KEYS[0]  # the user's policy key is read first


def test_windows_startup_folder_and_no_applescript(tmp_path: Path) -> None:
    machine = windows(tmp_path)
    assert doctor.check_startup_folder(machine).status == FIX
    (tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART").mkdir(parents=True)
    assert doctor.check_startup_folder(machine).status == OK
    assert doctor.check_applescript(machine).status == NA


def test_missing_libreoffice_is_an_optional_fix() -> None:
    check = doctor.check_libreoffice(Machine(which=lambda _name: None))
    assert check.status == FIX and not check.required and "(optional)" in check.line()
    assert doctor.ready([check])


def test_the_smoke_test_uses_only_real_xlwings_members() -> None:
    """doctor --excel cannot run here; every xlwings member it uses exists on both engines."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from live.double import Recorder
    from live.xlwings_api import check_recording, engine_gaps

    rec = Recorder()
    used = {("App", "display_alerts"), ("App", "version"), ("App", "books"), ("App", "calculate"),
            ("App", "quit"), ("App", "alert"), ("Book", "sheets"), ("Book", "set_mock_caller"),
            ("Book", "close"), ("Book", "app"), ("Sheets", "add"), ("Sheets", "__getitem__"),
            ("Sheet", "name"), ("Sheet", "__getitem__"), ("Sheet", "used_range"),
            ("Sheet", "tables"), ("Range", "value"), ("Range", "formula"), ("Range", "formula2"),
            ("Range", "options"), ("Range", "address"), ("Table", "range"),
            ("Books", "add"), ("Books", "open")}
    rec.touched |= used
    rec.sets += [("App", "display_alerts", False), ("Sheet", "name", "Deals"),
                 ("Range", "value", [[1]]), ("Range", "formula", "=1"), ("Range", "formula2", "=1")]
    rec.calls += [("Sheets", "add", ("winloss-xl check",), {}), ("Books", "open", ("x.xlam",), {}),
                  ("Books", "add", (), {}), ("App", "calculate", (), {}),
                  ("Range", "options", (), {"ndim": 2})]
    assert check_recording(rec) == []
    assert engine_gaps(rec) == []
