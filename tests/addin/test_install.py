"""install / remove run against a temporary startup folder on any platform."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlwings

from winloss_xl.cli import main as cli_main
from winloss_xl.errors import InputError
from winloss_xl.excel import install
from winloss_xl.excel.xlam import built_info


def test_startup_folders(tmp_path: Path) -> None:
    win = install.startup_folder("win32", env={"APPDATA": r"C:\Users\ana\AppData\Roaming"})
    assert str(win).replace("\\", "/").endswith("Microsoft/Excel/XLSTART")
    mac = install.startup_folder("darwin", home=tmp_path)
    assert mac == (tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content.localized"
                   / "Startup.localized/Excel")
    assert install.applescript_folder(tmp_path) == (
        tmp_path / "Library/Application Scripts/com.microsoft.Excel")
    with pytest.raises(InputError, match="Windows and macOS"):
        install.startup_folder("linux")


def test_install_is_idempotent_and_remove(tmp_path: Path) -> None:
    first = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert first.action == "installed" and first.path == tmp_path / "winloss_xl.xlam"
    stamp = first.path.stat().st_mtime_ns
    second = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert second.action == "unchanged"
    assert first.path.stat().st_mtime_ns == stamp  # imported formulas would survive
    assert "up to date" in second.message()
    assert install.remove_addin(tmp_path, platform="win32") == first.path
    assert not first.path.exists()
    assert install.remove_addin(tmp_path, platform="win32") is None


def test_rebuilds_after_xlwings_upgrade(tmp_path: Path, monkeypatch) -> None:
    real = xlwings.__version__
    monkeypatch.setattr(xlwings, "__version__", "0.30.0")
    install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert built_info(tmp_path / "winloss_xl.xlam")["xlwings"] == "0.30.0"
    monkeypatch.setattr(xlwings, "__version__", real)
    result = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert result.action == "rebuilt" and result.previous_version == "0.30.0"
    assert built_info(result.path)["xlwings"] == real
    assert "0.30.0" in result.message()


def test_new_interpreter_rebuilds(tmp_path: Path) -> None:
    install.install_addin(tmp_path, "/old/python", platform="win32")
    result = install.install_addin(tmp_path, "/new/python", platform="win32")
    assert result.action == "installed"
    assert built_info(result.path)["interpreter"] == "/new/python"


def test_open_copy_says_close_excel_first(tmp_path: Path) -> None:
    install.install_addin(tmp_path, "/old/python", platform="win32")
    (tmp_path / "~$winloss_xl.xlam").write_bytes(b"owner")
    with pytest.raises(InputError, match="close Excel first"):
        install.install_addin(tmp_path, "/new/python", platform="win32")
    with pytest.raises(InputError, match="close Excel first"):
        install.remove_addin(tmp_path, platform="win32")


def test_locked_file_says_close_excel_first(tmp_path: Path, monkeypatch) -> None:
    install.install_addin(tmp_path, "/old/python", platform="win32")
    real_open = open

    def locked(path, mode="r", *a, **k):
        if str(path).endswith("winloss_xl.xlam") and "+" in mode:
            raise PermissionError(13, "The process cannot access the file")
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", locked)
    with pytest.raises(InputError, match="close Excel first"):
        install.remove_addin(tmp_path, platform="win32")


def test_macos_installs_the_applescript(tmp_path: Path) -> None:
    result = install.install_addin(None, "/venv/bin/python", platform="darwin", home=tmp_path)
    assert result.path == install.startup_folder("darwin", home=tmp_path) / "winloss_xl.xlam"
    script = install.applescript_folder(tmp_path) / f"xlwings-{xlwings.__version__}.applescript"
    assert result.applescript == script and script.is_file()
    assert script.read_bytes() == install.xlwings_applescript().read_bytes()


def test_cli_build_install_remove(tmp_path: Path, monkeypatch, capsys) -> None:
    assert cli_main(["addin", "build", "-o", str(tmp_path / "winloss_xl.xlam")]) == 0
    assert (tmp_path / "winloss_xl.xlam").is_file()
    assert cli_main(["addin", "build", "-o", str(tmp_path / "other.xlam")]) == 3
    assert "winloss_xl.xlam" in capsys.readouterr().err
    folder = tmp_path / "XLSTART"
    monkeypatch.setenv("WINLOSS_XL_ADDIN_DIR", str(folder))
    monkeypatch.setattr(install.sys, "platform", "win32")
    assert cli_main(["addin", "install"]) == 0
    assert (folder / "winloss_xl.xlam").is_file()
    assert cli_main(["addin", "install"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert cli_main(["addin", "remove"]) == 0
    assert not (folder / "winloss_xl.xlam").exists()
