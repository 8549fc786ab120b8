"""``winloss-xl doctor [--json] [--excel]``: is this machine ready?

One line per check, OK or FIX (with the fix), or N/A where a check does not apply to
this platform (Excel items on Linux say "not available on Linux"). The exit code is 0
when every way in this platform offers works (on Linux: the command line; on Windows
and macOS also the Analyze button and, on Windows, the formulas), else 1. Optional
items (LibreOffice; on Windows/macOS, the dynamic arrays of the Excel smoke test)
show FIX but do not change the exit code.

``--excel`` (Windows and macOS) also opens Excel through xlwings, runs the Analyze
button's ``main()`` on the bundled demo deals in a new workbook and computes one
formula: the minute-long smoke test an analyst or IT can run.

Everything the checks read about the machine comes through :class:`Machine`, so the
tests run the Windows and macOS checks on any platform, against temporary folders.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata as metadata
import json
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path

from .machine import (
    ADDIN_DIR_ENV,
    FIX,
    NA,
    NOT_ON_LINUX,
    OK,
    PACKAGES,
    VBA_TRUST_KEYS,
    Check,
    Machine,
    addin_folder,
)

__all__ = ["ADDIN_DIR_ENV", "FIX", "NA", "NOT_ON_LINUX", "OK", "PACKAGES", "VBA_TRUST_KEYS", "Check",
           "Machine", "addin_folder", "ready", "run_checks"]


# ------------------------------------------------------------------ Python and packages

def _requirements() -> dict[str, str]:
    """Package name -> version specifier, from winloss-xl's own metadata."""
    out: dict[str, str] = {}
    for req in metadata.requires("winloss-xl") or []:
        if ";" in req:
            continue  # extras and environment markers
        m = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(.*)", req)
        if m:
            out[m.group(1).lower()] = m.group(2).strip()
    return out


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def satisfies(version: str, spec: str) -> bool:
    """``version`` meets ``spec`` (the ``==`` / ``>=`` forms pyproject uses; others pass).

    >>> satisfies("0.37.8", "==0.37.8"), satisfies("2.0.3", ">=2.1"), satisfies("3.1.5", ">=3.1")
    (True, False, True)
    """
    for part in filter(None, (p.strip() for p in spec.split(","))):
        m = re.match(r"(==|>=)\s*(\S+)", part)
        if not m:
            continue
        have, want = _version_tuple(version), _version_tuple(m.group(2))
        if (m.group(1) == "==" and have != want) or (m.group(1) == ">=" and have < want):
            return False
    return True


def check_python() -> Check:
    need = metadata.metadata("winloss-xl").get("Requires-Python") or ""
    have = ".".join(str(p) for p in sys.version_info[:3])
    if satisfies(have, need):
        return Check("Python", OK, f"{have} ({sys.executable}; winloss-xl needs {need})")
    return Check("Python", FIX, f"{have}; winloss-xl needs {need}",
                 f"install Python {need.lstrip('>=')} or newer from https://www.python.org and "
                 "reinstall winloss-xl with it")


def check_packages() -> list[Check]:
    wanted = _requirements()
    out = []
    for name in PACKAGES:
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(Check(name, FIX, "not installed", f"pip install winloss-xl (it brings {name})"))
            continue
        spec = wanted.get(name, "")
        if satisfies(have, spec):
            out.append(Check(name, OK, have + (f" (needs {spec})" if spec else "")))
        else:
            out.append(Check(name, FIX, f"{have}; winloss-xl needs {spec}",
                             f"pip install --upgrade --force-reinstall winloss-xl (brings {name}{spec})"))
    return out


def check_command_line() -> Check:
    """The headless way in: the bundled demo is analysed and its report built in memory."""
    quiet = logging.getLogger("winloss_xl")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # the demo's progress lines are not the doctor's output
    try:
        from .demo_data import demo_dealset
        from .engine import analyze
        from .report.build import build_report
        from .report.xlsx import build_workbook

        analysis = analyze(demo_dealset())
        build_workbook(build_report(analysis))
        closed = analysis.summary_value("Closed deals")
    except Exception as exc:  # any failure here is what the check is for
        return Check("Command line", FIX, f"the demo report failed ({type(exc).__name__}: {exc})",
                     "reinstall winloss-xl (pip install --force-reinstall winloss-xl); if it "
                     "persists, report a bug with this line")
    finally:
        quiet.setLevel(level)
    return Check("Command line", OK, f"the demo report builds ({closed:,.0f} closed deals): "
                 "winloss-xl analyze DEALS -o report.xlsx works")


def check_template() -> Check:
    try:
        from io import BytesIO

        from openpyxl import load_workbook

        from .report.template import template_bytes

        wb = load_workbook(BytesIO(template_bytes()), read_only=False)
        if "Deals" not in wb.sheetnames or "tblDeals" not in wb["Deals"].tables:
            raise ValueError("no Deals sheet with tblDeals")
    except Exception as exc:
        return Check("Template", FIX, f"the bundled WinLoss.xlsx cannot be read ({exc})",
                     "reinstall winloss-xl (pip install --force-reinstall winloss-xl)")
    return Check("Template", OK, "the bundled WinLoss.xlsx is readable "
                 "(winloss-xl template -o WinLoss.xlsx writes a copy)")


# ------------------------------------------------------------------------ the add-in

def check_addin(machine: Machine) -> list[Check]:
    """Built and installed; stamped with this winloss-xl, xlwings and interpreter; and the
    interpreter it names exists (and suits the macOS shell)."""
    from .excel.install import stale_stamps
    from .excel.xlam import ADDIN_FILENAME, built_info, mac_interpreter_problem

    names = ("Excel add-in", "Add-in version", "Add-in Python")
    folder = addin_folder(machine)
    if folder is None:
        return [Check(n, NA, NOT_ON_LINUX, required=False) for n in names]
    target = folder / ADDIN_FILENAME
    install = "winloss-xl addin install (close Excel first)"
    info = built_info(target) if target.is_file() else {}
    if not info:
        state = "not built by winloss-xl" if target.exists() else "not installed"
        return [Check(names[0], FIX, f"{target}: {state}", install),
                Check(names[1], NA, "no add-in", required=False),
                Check(names[2], NA, "no add-in", required=False)]
    out = [Check(names[0], OK, str(target))]
    changes = stale_stamps(info, machine.interpreter)
    if changes:
        out.append(Check(names[1], FIX, "stale: " + "; ".join(changes), install))
    else:
        out.append(Check(names[1], OK, f"winloss-xl {info['winloss-xl']}, xlwings {info['xlwings']}"))
    out.append(_check_addin_python(info.get("interpreter", ""), machine, mac_interpreter_problem))
    return out


def _check_addin_python(interpreter: str, machine: Machine,
                        mac_problem: Callable[[str], str | None]) -> Check:
    name = "Add-in Python"
    if not interpreter or not Path(interpreter).is_file():
        return Check(name, FIX, f"{interpreter or '(none)'} does not exist",
                     "winloss-xl addin install, run with the Python that has winloss-xl")
    problem = mac_problem(interpreter) if machine.system == "macOS" else None
    if problem:
        return Check(name, FIX, f"{interpreter}: {problem}, so Excel for Mac cannot start it",
                     "run install/macos/install.sh again (it installs into ~/.winloss-xl)")
    return Check(name, OK, interpreter)


def check_applescript(machine: Machine) -> Check:
    from .excel.install import applescript_folder, xlwings_applescript

    name = "xlwings AppleScript"
    if machine.system != "macOS":
        return Check(name, NA, "macOS only" if machine.has_excel else NOT_ON_LINUX, required=False)
    src = xlwings_applescript()
    dest = applescript_folder(machine.home) / src.name
    if dest.is_file() and src.is_file() and dest.read_bytes() == src.read_bytes():
        return Check(name, OK, str(dest))
    return Check(name, FIX, f"{dest} is missing or not the one of this xlwings",
                 "winloss-xl addin install (it copies the script)")


def check_startup_folder(machine: Machine) -> Check:
    name = "Excel startup folder"
    if not machine.has_excel:
        return Check(name, NA, NOT_ON_LINUX, required=False)
    folder = machine.startup_folder()
    if folder.is_dir():
        return Check(name, OK, str(folder))
    return Check(name, FIX, f"{folder} does not exist",
                 "start Excel once (it creates the folder), quit it, then winloss-xl addin install")


def check_vba_trust(machine: Machine) -> Check:
    name = "VBA project access (formulas)"
    if machine.system != "Windows":
        return Check(name, NA, "Windows only" if machine.has_excel else NOT_ON_LINUX,
                     required=False)
    read = machine.registry or read_registry
    for key in VBA_TRUST_KEYS:
        value = read(key, "AccessVBOM")
        if value is None:
            continue
        if value == 1:
            return Check(name, OK, f"allowed ({key}\\AccessVBOM = 1)")
        if "Policies" in key:
            return Check(name, FIX, f"turned off by a policy ({key}\\AccessVBOM = {value})",
                         "ask IT to allow 'Trust access to the VBA project object model', then "
                         "run the installer again (the Analyze button works without it)")
        break
    return Check(name, FIX, "'Trust access to the VBA project object model' is off",
                 "Excel > File > Options > Trust Center > Trust Center Settings > Macro "
                 "Settings: tick it, close Excel, run the installer again")


def read_registry(key: str, value: str) -> int | None:
    """A DWORD from the Windows registry (``HKCU\\...`` / ``HKLM\\...``); None when absent."""
    try:
        import winreg  # type: ignore[import-not-found]
    except ImportError:
        return None
    hive, _, sub = key.partition("\\")
    root = {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}[hive]
    try:
        with winreg.OpenKey(root, sub) as handle:
            data, _kind = winreg.QueryValueEx(handle, value)
    except OSError:
        return None
    try:
        return int(data)
    except (TypeError, ValueError):
        return None


def check_libreoffice(machine: Machine) -> Check:
    found = machine.which("soffice") or machine.which("libreoffice")
    if found:
        return Check("LibreOffice", OK, found, required=False)
    return Check("LibreOffice", FIX, "not found (PDF exports and the end-to-end tests use it)",
                 "install LibreOffice (https://www.libreoffice.org; Debian: apt-get install "
                 "libreoffice-calc)", required=False)


# ----------------------------------------------------------------------------- report

def run_checks(machine: Machine | None = None, excel: bool = False) -> list[Check]:
    """Every check, in the order they print."""
    machine = machine or Machine()
    checks = [check_python(), *check_packages(), check_command_line(), check_template(),
              *check_addin(machine), check_applescript(machine), check_startup_folder(machine),
              check_vba_trust(machine), check_libreoffice(machine)]
    if excel:
        if machine.has_excel:
            from .excel.smoke import smoke_test

            checks += smoke_test(machine)
        else:
            checks.append(Check("Excel smoke test", NA, NOT_ON_LINUX, required=False))
    return checks


def ready(checks: list[Check]) -> bool:
    """True when no required check needs a fix."""
    return not any(c.status == FIX and c.required for c in checks)


def render_text(checks: list[Check], machine: Machine) -> str:
    import xlwings

    from . import __version__

    head = (f"winloss-xl doctor: {machine.system}, Python {sys.version.split()[0]}, "
            f"winloss-xl {__version__}, xlwings {xlwings.__version__}")
    fixes = sum(1 for c in checks if c.status == FIX and c.required)
    ways = "the command line works" if not machine.has_excel else "the command line and Excel work"
    tail = (f"Ready: {ways} on this machine." if not fixes
            else f"Not ready: {fixes} check(s) to fix (the FIX lines say how).")
    return "\n".join([head, *(c.line() for c in checks), tail])


def render_json(checks: list[Check], machine: Machine) -> str:
    import xlwings

    from . import __version__

    return json.dumps({
        "ready": ready(checks),
        "platform": machine.system,
        "python": sys.version.split()[0],
        "winloss_xl": __version__,
        "xlwings": xlwings.__version__,
        "checks": [dataclasses.asdict(c) for c in checks],
    }, indent=2)


def run_doctor(args: argparse.Namespace, machine: Machine | None = None) -> int:
    """``winloss-xl doctor [--json] [--excel]``; returns the exit code (0 ready, 1 not)."""
    machine = machine or Machine()
    checks = run_checks(machine, excel=getattr(args, "excel", False))
    print(render_json(checks, machine) if args.json else render_text(checks, machine))
    return 0 if ready(checks) else 1
