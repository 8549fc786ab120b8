"""The add-in is built from the installed xlwings template by editing zip entries."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from winloss_xl.errors import InputError
from winloss_xl.excel import xlam
from winloss_xl.excel.addin import build_addin

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
INTERPRETER = "/opt/analyst env/bin/python3"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"), INTERPRETER)


def conf_sheet(path: Path) -> dict[str, object]:
    """Column A keys (A1 down to the first blank) -> column B values, as the VBA reads them."""
    with zipfile.ZipFile(path) as z:
        wb = DET.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") for s in wb.iterfind("m:sheets/m:sheet", NS)]
        assert names == ["myaddin.conf"]
        sst = [("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
               for si in DET.fromstring(z.read("xl/sharedStrings.xml")).iterfind("m:si", NS)]
        sheet = DET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    cells: dict[str, object] = {}
    for c in sheet.iter(f"{{{NS['m']}}}c"):
        v = c.find("m:v", NS)
        if v is None:
            continue
        if c.get("t") == "s":
            cells[c.get("r")] = sst[int(v.text)]
        elif c.get("t") == "b":
            cells[c.get("r")] = v.text == "1"
        else:
            cells[c.get("r")] = v.text
    conf: dict[str, object] = {}
    row = 1
    while cells.get(f"A{row}"):
        key = str(cells[f"A{row}"]).upper()
        assert key not in conf, "the VBA's Dictionary.Add fails on a repeated key"
        conf[key] = cells.get(f"B{row}")
        row += 1
    return conf


def test_file_name_and_valid_zip(built: Path) -> None:
    assert built.name == "winloss_xl.xlam"
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None


def test_every_entry_copied_with_its_metadata(built: Path) -> None:
    with zipfile.ZipFile(xlam.template_path()) as t, zipfile.ZipFile(built) as b:
        ti, bi = t.infolist(), b.infolist()
        assert [i.filename for i in ti] == [i.filename for i in bi]
        for a, c in zip(ti, bi):
            assert (a.date_time, a.compress_type, a.external_attr, a.create_system) == (
                c.date_time, c.compress_type, c.external_attr, c.create_system), a.filename


def test_untouched_parts_are_byte_identical(built: Path) -> None:
    with zipfile.ZipFile(xlam.template_path()) as t, zipfile.ZipFile(built) as b:
        for part in ("xl/vbaProject.bin", "_rels/.rels", "[Content_Types].xml"):
            assert t.read(part) == b.read(part), part
        # the ribbon relationship (2007 extensibility type) is still there
        assert b"2007/relationships/ui/extensibility" in b.read("_rels/.rels")


def test_ribbon_has_win_loss_tab_and_analyze_button(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        ui = DET.fromstring(z.read("customUI/customUI.xml"))
    tabs = list(ui.iter(f"{CUI}tab"))
    assert [t.get("label") for t in tabs] == ["Win/Loss"]
    buttons = list(tabs[0].iter(f"{CUI}button"))
    assert [(b.get("label"), b.get("onAction")) for b in buttons] == [
        ("Analyze", "RibbonMyAddin.RunMain")]


def test_settings_sheet(built: Path) -> None:
    conf = conf_sheet(built)
    assert conf["UDF MODULES"] == "winloss_xl.excel.udfs"
    assert conf["INTERPRETER_WIN"] == INTERPRETER
    # a path with a space never reaches the Mac shell: left empty on a non-Mac build
    assert conf["INTERPRETER_MAC"] is None and " " in INTERPRETER


def test_interpreter_mac_is_the_interpreter_when_the_shell_takes_it(tmp_path: Path) -> None:
    clean = "/opt/analyst-env/bin/python3"
    conf = conf_sheet(build_addin(tmp_path, clean))
    assert conf["INTERPRETER_WIN"] == conf["INTERPRETER_MAC"] == clean
    # anything but the text "true" keeps the workbook's folder off sys.path
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert str(conf["ADD_WORKBOOK_TO_PYTHONPATH"]).lower() != "true"


def test_all_xml_parts_are_well_formed(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                DET.fromstring(z.read(name))
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    # the prefix mc:Ignorable names is still declared
    assert 'mc:Ignorable="x14ac"' in sheet and "xmlns:x14ac=" in sheet


def test_records_the_versions_and_interpreter(built: Path) -> None:
    import xlwings

    import winloss_xl

    info = xlam.built_info(built)
    assert info == {"winloss-xl": winloss_xl.__version__, "xlwings": xlwings.__version__,
                    "interpreter": INTERPRETER}


def test_the_file_is_readable_by_everyone(tmp_path: Path) -> None:
    """0644 whatever the umask (mkstemp alone would leave 0600)."""
    import os
    import stat

    old = os.umask(0o077)
    try:
        out = build_addin(tmp_path, INTERPRETER)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


MAC_DEFAULT_OLD = "/Users/ana/Library/Application Support/winloss-xl/venv/bin/python"


@pytest.mark.parametrize("path, problem", [
    (MAC_DEFAULT_OLD, "contains a space"),
    ("/Users/ana/my\tenv/bin/python", "characters the shell does not take literally"),
    ("/Users/ana/it's/bin/python", "characters the shell does not take literally"),
    ("venv/bin/python", "not an absolute path"),
])
def test_macos_refuses_an_interpreter_the_shell_would_split(tmp_path: Path, path: str,
                                                            problem: str) -> None:
    with pytest.raises(InputError) as err:
        xlam.build_xlam(tmp_path / xlam.ADDIN_FILENAME, path, platform="darwin")
    text = err.value.message
    assert problem in text and path in text
    assert "~/.winloss-xl" in text and "install/macos/install.sh" in text
    assert not (tmp_path / xlam.ADDIN_FILENAME).exists()


def test_macos_takes_the_space_free_default(tmp_path: Path) -> None:
    path = "/Users/ana/.winloss-xl/venv/bin/python3"
    out = xlam.build_xlam(tmp_path / xlam.ADDIN_FILENAME, path, platform="darwin")
    assert conf_sheet(out)["INTERPRETER_MAC"] == path


def test_the_mac_shell_command_runs_with_the_written_interpreter(tmp_path: Path) -> None:
    """xlwings' AppleScript line, rebuilt and run by /bin/sh, reaches the interpreter the
    add-in names: an accepted path survives the unquoted shell word, a refused one does not."""
    import os
    import shutil
    import subprocess
    import sys

    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no /bin/sh")
    ok_dir = tmp_path / "home" / ".winloss-xl" / "bin"
    bad_dir = tmp_path / "home" / "Application Support" / "bin"
    for d in (ok_dir, bad_dir):
        d.mkdir(parents=True)
        os.symlink(sys.executable, d / "python")
    for interpreter, accepted in ((str(ok_dir / "python"), True), (str(bad_dir / "python"), False)):
        assert (xlam.mac_interpreter_problem(interpreter) is None) is accepted
        # set ShellCommand to PythonInterpreter & " -B -u -W ignore -c \"...\" ..."
        command = interpreter + ' -B -u -W ignore -c "print(123)"'
        run = subprocess.run([sh, "-c", command], capture_output=True, text=True)
        assert (run.returncode == 0 and run.stdout.strip() == "123") is accepted, run.stderr


def test_vba_still_holds_run_main(built: Path) -> None:
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(built) as z:
        data = z.read("xl/vbaProject.bin")
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        modules = {name: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()
    ribbon = modules["RibbonMyAddin.bas"]
    assert re.search(r"Sub RunMain\(control As IRibbonControl\)", ribbon)
    assert ".main()" in ribbon and "ThisWorkbook.Name" in ribbon
    import xlwings

    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in modules["xlwings.bas"]
    assert 'PROJECT_NAME As String = "myaddin"' in modules["xlwings.bas"]


def test_wrong_file_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"winloss_xl\.xlam"):
        build_addin(tmp_path / "WinLoss.xlam", INTERPRETER)


def test_build_is_deterministic(tmp_path: Path, built: Path) -> None:
    again = build_addin(tmp_path, INTERPRETER)
    assert again.read_bytes() == built.read_bytes()


def test_interpreter_with_xml_characters(tmp_path: Path) -> None:
    odd = r"C:\Users\O'Brien & Co <x>\venv\Scripts\python.exe"
    out = build_addin(tmp_path, odd)
    assert conf_sheet(out)["INTERPRETER_WIN"] == odd
    assert xlam.built_info(out)["interpreter"] == odd


def test_no_xlwings_content_in_repo() -> None:
    """The add-in is built from the installed xlwings; none of its files is committed."""
    import shutil
    import subprocess

    repo = Path(__file__).resolve().parents[2]
    if shutil.which("git") and (repo / ".git").exists():
        files = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True,
                               check=True).stdout.splitlines()
    else:
        files = [str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()
                 and not {".git", "venv", ".venv"} & set(p.parts)]
    assert [f for f in files if f.endswith((".xlam", ".xlsm", ".bas", ".applescript", ".bin"))] == []
