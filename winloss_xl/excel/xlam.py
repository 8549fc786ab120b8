"""Build ``winloss_xl.xlam`` from the xlwings ribbon add-in template, by editing zip entries.

The template is ``quickstart_addin_ribbon.xlam`` shipped inside the *installed* xlwings
package (nothing of it is committed to this repository). openpyxl cannot be used: it
refuses ``.xlam`` files and, on save, drops the 2007-type ribbon relationship, so the
ribbon would vanish. Instead every zip entry is copied with its own ``ZipInfo`` and only
these parts are rewritten:

* ``customUI/customUI.xml`` -- a "Win/Loss" tab with an "Analyze" button whose onAction
  stays ``RibbonMyAddin.RunMain`` (that macro imports the module named after the add-in
  file and calls ``main()``, hence the fixed file name ``winloss_xl.xlam``);
* ``xl/workbook.xml`` -- the disabled settings sheet ``_myaddin.conf`` is renamed to
  ``myaddin.conf`` (the name the VBA reads);
* the settings sheet's XML and ``xl/sharedStrings.xml`` -- keys in column A from A1 down
  (the VBA stops at the first blank and upper-cases keys, so keys are unique), values in B;
* ``docProps/core.xml`` -- the description records the winloss-xl and xlwings versions
  and the interpreter the add-in was built with, so ``winloss-xl addin install`` can
  rebuild after an upgrade of either, or a new Python.

On macOS the interpreter must be a path the shell takes as one word: xlwings' AppleScript
builds ``PythonInterpreter & " -B -u ..."`` and runs it with ``do shell script``, unquoted
(its VBA turns the setting into a POSIX path inside a quoted AppleScript string first). A
path with a space (``~/Library/Application Support/...``) cannot start Python, so
:func:`build_xlam` refuses it with a message that says what to do.

The file is written with mode 0644 (Excel, backup tools and other users of the machine
read the startup folder).

``xl/vbaProject.bin``, ``_rels/.rels`` and ``[Content_Types].xml`` are copied byte for byte.
XML is read with defusedxml; edits are made on the text so namespace declarations that
``mc:Ignorable`` refers to survive untouched.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import defusedxml.ElementTree as DET

from ..errors import InputError

ADDIN_FILENAME = "winloss_xl.xlam"
UDF_MODULE = "winloss_xl.excel.udfs"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
CONF_SHEET_DISABLED = "_myaddin.conf"
CONF_SHEET = "myaddin.conf"
RIBBON_ACTION = "RibbonMyAddin.RunMain"

#: Parts that must stay byte-identical to the template.
UNTOUCHED_PARTS = ("xl/vbaProject.bin", "_rels/.rels", "[Content_Types].xml")

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CUSTOM_UI = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="winlossTab" label="Win/Loss">
                <group id="winlossGroup" label="Win/Loss analysis">
                    <button id="winlossAnalyze" label="Analyze" size="large" \
onAction="RibbonMyAddin.RunMain" imageMso="MacroPlay" \
screentip="Analyze the deals in this workbook" \
supertip="Reads the Deals sheet (and Contacts, Accounts, Config when present) and writes \
the Summary, Patterns, Drivers, Loss Reasons, Personas, Recommendations and Data Quality \
sheets. Only sheets made by winloss-xl are replaced." />
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""

_VERSION_RE = re.compile(r"built with xlwings ([0-9][^\s;]*)")
_WINLOSS_RE = re.compile(r"add-in of winloss-xl ([0-9][^\s;]*)")
_INTERPRETER_RE = re.compile(r"interpreter: (.+?)\s*$")
#: Characters the macOS shell takes literally in an unquoted word.
_MAC_SAFE_CHAR = re.compile(r"[\w/.+,:@%=~-]")
ADDIN_MODE = 0o644


def template_path() -> Path:
    """The ribbon add-in template inside the installed xlwings package."""
    import xlwings

    path = Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME
    if not path.is_file():
        raise InputError(
            f"the installed xlwings {xlwings.__version__} has no {TEMPLATE_NAME}",
            file=str(path.parent),
            advice="Reinstall winloss-xl so that the pinned xlwings version is installed",
        )
    return path


def conf_rows(interpreter: str) -> list[tuple[str, str | bool]]:
    """The settings sheet, top to bottom: (key in column A, value in column B).

    ``Interpreter_Mac`` never holds a path the macOS shell would split: an add-in built
    elsewhere with such a path (a Windows user folder with a space) leaves it empty, and
    a build for macOS refuses the path (:func:`check_mac_interpreter`).
    """
    mac = interpreter if mac_interpreter_problem(interpreter) is None else ""
    return [
        ("Interpreter_Win", interpreter),
        ("Interpreter_Mac", mac),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("UDF Modules", UDF_MODULE),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
        ("ADD_WORKBOOK_TO_PYTHONPATH", False),
    ]


def mac_interpreter_problem(interpreter: str) -> str | None:
    """Why Excel for Mac could not start ``interpreter`` through xlwings; None when it can.

    >>> mac_interpreter_problem("/Users/ana/.winloss-xl/venv/bin/python") is None
    True
    >>> mac_interpreter_problem("/Users/ana/Library/Application Support/winloss-xl/venv/bin/python")
    'it contains a space'
    """
    if not interpreter.startswith("/"):
        return "it is not an absolute path"
    bad = sorted({ch for ch in interpreter if not _MAC_SAFE_CHAR.fullmatch(ch)})
    if not bad:
        return None
    if bad == [" "]:
        return "it contains a space"
    shown = " ".join("space" if ch == " " else repr(ch) for ch in bad)
    return f"it contains characters the shell does not take literally ({shown})"


def check_mac_interpreter(interpreter: str) -> None:
    """Raise InputError when Excel for Mac could not start ``interpreter``."""
    problem = mac_interpreter_problem(interpreter)
    if problem:
        raise InputError(
            f"the add-in cannot use the Python at '{interpreter}': {problem}",
            expected="a path without spaces or shell characters, because Excel for Mac starts "
                     "Python through the shell with the path unquoted (xlwings' AppleScript)",
            advice="Run install/macos/install.sh again (it installs into ~/.winloss-xl), or "
                   "create the environment in a folder without spaces (python3 -m venv "
                   "~/.winloss-xl/venv), install winloss-xl there and run its "
                   "'winloss-xl addin install'",
        )


def build_xlam(output: Path, interpreter: str, template: Path | None = None,
               platform: str | None = None) -> Path:
    """Write the add-in to ``output`` (its file name must be ``winloss_xl.xlam``).

    ``platform`` (default: this one) is where the add-in will run; on macOS an
    interpreter path the shell would split is refused (see :func:`check_mac_interpreter`).
    """
    import xlwings

    output = Path(output)
    if output.name != ADDIN_FILENAME:
        raise InputError(
            f"the add-in file is named '{output.name}'",
            expected=f"'{ADDIN_FILENAME}': the Analyze button imports the module named after "
                     "the add-in file",
        )
    interpreter = str(interpreter)
    if not interpreter.strip():
        raise InputError("no Python interpreter given for the add-in")
    if (platform or sys.platform) == "darwin":
        check_mac_interpreter(interpreter)
    template = Path(template) if template else template_path()
    with zipfile.ZipFile(template) as src:
        names = src.namelist()
        for part in ("customUI/customUI.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
                     *UNTOUCHED_PARTS):
            if part not in names:
                raise InputError(f"the add-in template has no {part}", file=str(template))
        workbook_xml = src.read("xl/workbook.xml")
        sheet_part = _conf_sheet_part(workbook_xml, src.read("xl/_rels/workbook.xml.rels"))
        replacements = {
            "customUI/customUI.xml": CUSTOM_UI.encode("utf-8"),
            "xl/workbook.xml": _rename_conf_sheet(workbook_xml),
        }
        sheet_xml, sst_xml = _fill_conf_sheet(
            src.read(sheet_part), src.read("xl/sharedStrings.xml"), conf_rows(interpreter))
        replacements[sheet_part] = sheet_xml
        replacements["xl/sharedStrings.xml"] = sst_xml
        if "docProps/core.xml" in names:
            replacements["docProps/core.xml"] = _stamp_core(
                src.read("docProps/core.xml"), xlwings.__version__, interpreter)
        for part, data in replacements.items():
            if part.endswith(".xml"):
                DET.fromstring(data)  # well-formed, or fail here rather than in Excel

        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".winloss_xl-", suffix=".xlam.tmp",
                                        dir=str(output.parent))
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp_name, "w") as dst:
                for info in src.infolist():
                    data = replacements.get(info.filename)
                    if data is None:
                        data = src.read(info.filename)
                    # a copy of the template's ZipInfo keeps name, date, compression and
                    # comment of every entry; zipfile gives attribute-less entries 0o600,
                    # so the template's attributes are put back before the central
                    # directory (written on close) records them
                    entry = copy.copy(info)
                    with dst.open(entry, "w") as fh:
                        fh.write(data)
                    entry.external_attr = info.external_attr
            os.chmod(tmp_name, ADDIN_MODE)  # mkstemp made it 0600
            os.replace(tmp_name, output)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return output


def built_info(path: Path) -> dict[str, str]:
    """What an existing add-in file records: ``winloss-xl`` and ``xlwings`` versions and
    ``interpreter``.

    Returns an empty dict when the file is not a readable add-in built by us.
    """
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}
    try:
        root = DET.fromstring(core)
    except Exception:
        return {}
    desc = root.find("{http://purl.org/dc/elements/1.1/}description")
    text = (desc.text or "") if desc is not None else ""
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = _WINLOSS_RE.search(line)
        if m:
            out["winloss-xl"] = m.group(1)
        m = _VERSION_RE.search(line)
        if m:
            out["xlwings"] = m.group(1)
        m = _INTERPRETER_RE.search(line)
        if m:
            out["interpreter"] = m.group(1)
    return out


# --------------------------------------------------------------------------- parts

def _conf_sheet_part(workbook_xml: bytes, rels_xml: bytes) -> str:
    """The zip path of the worksheet named ``_myaddin.conf`` (or already ``myaddin.conf``)."""
    wb = DET.fromstring(workbook_xml)
    rid = None
    for sheet in wb.iter(f"{{{_NS_MAIN}}}sheet"):
        if sheet.get("name") in (CONF_SHEET_DISABLED, CONF_SHEET):
            rid = sheet.get(f"{{{_NS_REL}}}id")
            break
    if rid is None:
        raise InputError(f"the add-in template has no sheet named {CONF_SHEET_DISABLED}")
    rels = DET.fromstring(rels_xml)
    for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise InputError(f"the add-in template's sheet {CONF_SHEET_DISABLED} has no part")


def _rename_conf_sheet(workbook_xml: bytes) -> bytes:
    text = workbook_xml.decode("utf-8")
    old = f'name="{CONF_SHEET_DISABLED}"'
    if old not in text:
        if f'name="{CONF_SHEET}"' in text:
            return workbook_xml
        raise InputError(f"the add-in template has no sheet named {CONF_SHEET_DISABLED}")
    return text.replace(old, f'name="{CONF_SHEET}"', 1).encode("utf-8")


def _fill_conf_sheet(sheet_xml: bytes, sst_xml: bytes,
                     rows: list[tuple[str, str | bool]]) -> tuple[bytes, bytes]:
    """Rewrite the settings sheet's cells and the shared strings they use."""
    sst_root = DET.fromstring(sst_xml)  # validates; the new table is written below
    if sst_root.tag != f"{{{_NS_MAIN}}}sst":
        raise InputError("the add-in template's shared strings are not a string table")
    keys = [k.upper() for k, _ in rows]
    if len(set(keys)) != len(keys):  # the VBA's Dictionary.Add fails on a repeated key
        raise ValueError("repeated settings key")
    strings: list[str] = []

    def sidx(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    xml_rows = []
    for r, (key, value) in enumerate(rows, start=1):
        cells = [f'<c r="A{r}" s="1" t="s"><v>{sidx(key)}</v></c>']
        if isinstance(value, bool):
            cells.append(f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>')
        elif value != "":
            cells.append(f'<c r="B{r}" s="1" t="s"><v>{sidx(str(value))}</v></c>')
        spans = "1:2" if len(cells) == 2 else "1:1"
        xml_rows.append(f'<row r="{r}" spans="{spans}">{"".join(cells)}</row>')
    sheet_data = "<sheetData>" + "".join(xml_rows) + "</sheetData>"

    text = sheet_xml.decode("utf-8")
    DET.fromstring(sheet_xml)
    text, n = re.subn(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", lambda _m: sheet_data, text,
                      count=1, flags=re.S)
    if n != 1:
        raise InputError("the add-in template's settings sheet has no cell data")
    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{len(rows)}" />',
                  text, count=1)
    # the widest value is a path: make column B wide enough to read it
    text = re.sub(r'(<col min="2" max="2" width=")[^"]*(")', r"\g<1>60\g<2>", text, count=1)

    sst_head = sst_xml.decode("utf-8").split("<sst", 1)[0]
    items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    refs = len(rows) + sum(1 for _, v in rows if isinstance(v, str) and v)
    sst = (f'{sst_head}<sst xmlns="{_NS_MAIN}" count="{refs}" '
           f'uniqueCount="{len(strings)}">{items}</sst>')
    return text.encode("utf-8"), sst.encode("utf-8")


def _stamp_core(core_xml: bytes, xlwings_version: str, interpreter: str) -> bytes:
    """Record the xlwings version and interpreter in the core properties' description."""
    from .. import __version__

    DET.fromstring(core_xml)
    desc = escape(
        f"Win/Loss ribbon add-in of winloss-xl {__version__}; built with xlwings "
        f"{xlwings_version}\ninterpreter: {interpreter}")
    text = core_xml.decode("utf-8")
    text, n = re.subn(r"<dc:description\s*/>|<dc:description>.*?</dc:description>",
                      lambda _m: f"<dc:description>{desc}</dc:description>", text, count=1,
                      flags=re.S)
    if n != 1:
        text = text.replace("</cp:coreProperties>",
                            f"<dc:description>{desc}</dc:description></cp:coreProperties>", 1)
    text = re.sub(r"<dc:title\s*/>", "<dc:title>winloss-xl Win/Loss add-in</dc:title>", text,
                  count=1)
    return text.encode("utf-8")
