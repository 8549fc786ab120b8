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
    assert result.changes == (f"xlwings 0.30.0 -> {real}",)
    assert built_info(result.path)["xlwings"] == real
    assert "0.30.0" in result.message()


def test_new_interpreter_rebuilds(tmp_path: Path) -> None:
    install.install_addin(tmp_path, "/old/python", platform="win32")
    result = install.install_addin(tmp_path, "/new/python", platform="win32")
    assert result.action == "rebuilt"
    assert result.changes == ("interpreter /old/python -> /new/python",)
    assert built_info(result.path)["interpreter"] == "/new/python"
    assert "interpreter /old/python -> /new/python" in result.message()


def test_rebuilds_after_a_winloss_xl_upgrade(tmp_path: Path, monkeypatch) -> None:
    """A new release's ribbon and settings reach the add-in."""
    import winloss_xl

    real = winloss_xl.__version__
    monkeypatch.setattr(winloss_xl, "__version__", "0.0.9")
    install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert built_info(tmp_path / "winloss_xl.xlam")["winloss-xl"] == "0.0.9"
    monkeypatch.setattr(winloss_xl, "__version__", real)
    result = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert result.action == "rebuilt"
    assert result.changes == (f"winloss-xl 0.0.9 -> {real}",)
    assert built_info(result.path)["winloss-xl"] == real
    assert f"winloss-xl 0.0.9 -> {real}" in result.message()
    again = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert again.action == "unchanged"


def test_an_add_in_without_stamps_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "winloss_xl.xlam").write_bytes(b"not a zip")
    result = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert result.action == "installed" and built_info(result.path)["interpreter"] == "/venv/bin/python"


def test_installed_file_mode_is_0644(tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "winloss_xl.xlam"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    old = os.umask(0o077)
    try:
        result = install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    finally:
        os.umask(old)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o644


def test_macos_install_refuses_a_path_with_a_space_before_any_change(tmp_path: Path) -> None:
    spaced = str(tmp_path / "Application Support" / "venv" / "bin" / "python")
    with pytest.raises(InputError, match="contains a space"):
        install.install_addin(None, spaced, platform="darwin", home=tmp_path)
    assert not install.startup_folder("darwin", home=tmp_path).exists()
    assert not install.applescript_folder(tmp_path).exists()


def test_macos_startup_folder_from_a_running_excel(tmp_path: Path) -> None:
    reported = tmp_path / "Excel says"
    assert install.startup_folder("darwin", ask_excel=lambda: reported) == reported
    fallback = install.startup_folder("darwin", home=tmp_path, ask_excel=lambda: None)
    assert fallback == (tmp_path / "Library/Group Containers/UBF8T346G9.Office"
                        / "User Content.localized/Startup.localized/Excel")


def test_excel_startup_path_asks_only_a_running_excel(monkeypatch) -> None:
    """No Excel running (or none on this platform): None, and no Excel is started."""
    import xlwings as xw

    class NoApps:
        def keys(self):
            return []

        @property
        def active(self):  # pragma: no cover - must not be reached
            raise AssertionError("would start Excel")

    monkeypatch.setattr(xw, "apps", NoApps())
    assert install.excel_startup_path() is None

    class App:
        startup_path = "/Users/ana/Library/Startup/Excel"

    class OneApp(NoApps):
        def keys(self):
            return [4711]

        @property
        def active(self):
            return App()

    monkeypatch.setattr(xw, "apps", OneApp())
    assert install.excel_startup_path() == Path("/Users/ana/Library/Startup/Excel")


def test_startup_path_members_exist_in_xlwings() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from live.double import Recorder
    from live.xlwings_api import check_recording, engine_gaps

    rec = Recorder()
    rec.touched |= {("App", "startup_path"), ("Apps", "keys"), ("Apps", "active")}
    rec.calls.append(("Apps", "keys", (), {}))
    assert check_recording(rec) == [] and engine_gaps(rec) == []


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


def test_cli_build_on_macos_names_the_space(tmp_path: Path, monkeypatch, capsys) -> None:
    """`winloss-xl addin build` run by a Python under ~/Library/Application Support."""
    import sys

    from winloss_xl.excel import xlam

    monkeypatch.setattr(xlam.sys, "platform", "darwin")
    monkeypatch.setattr(sys, "executable",
                        "/Users/ana/Library/Application Support/winloss-xl/venv/bin/python")
    assert cli_main(["addin", "build", "-o", str(tmp_path / "winloss_xl.xlam")]) == 3
    err = capsys.readouterr().err
    assert "contains a space" in err and "~/.winloss-xl" in err
    assert not (tmp_path / "winloss_xl.xlam").exists()


def test_another_name_of_the_same_python_is_not_a_change(tmp_path: Path) -> None:
    """`python -m winloss_xl` and the `winloss-xl` command see venv/bin/python vs python3."""
    install.install_addin(tmp_path, "/venv/bin/python", platform="win32")
    assert install.install_addin(tmp_path, "/venv/bin/python3", platform="win32").action == "unchanged"
    assert install.same_interpreter(r"C:\env\Scripts\python.exe", r"C:\env\Scripts\python.exe")
    assert not install.same_interpreter("/venv/bin/python", "/other/bin/python")
    assert not install.same_interpreter("/venv/bin/python", "/venv/bin/pythonw")
