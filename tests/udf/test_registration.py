"""xlwings' own UDF registration (xlwings/udfs.py of 0.37.8) accepts our formulas module.

``xlwings.udfs`` needs pywin32, so on Linux ``xw.func`` is a no-op. Here the pywin32
modules are stubbed, the real ``xlfunc``/``xlarg``/``xlret`` decorate a fresh copy of our
module, and the real ``generate_vba_wrapper`` writes the VBA that ``import_udfs`` would
import into the add-in.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import types
from pathlib import Path

import pytest

import winloss_xl.excel.udfs as udfs_module

#: VBA keywords and reserved names (Office VBA language reference), lower case.
_VBA_WORDS = """
addressof alias and any as attribute base binary boolean byref byte byval call case cbool
cbyte ccur cdate cdbl cdec cint clng clnglng clngptr close compare const csng cstr currency
cvar cverr date debug decimal declare defbool defbyte defcur defdate defdbl defdec defint
deflng deflnglng deflngptr defobj defsng defstr defvar dim do double each else elseif empty
end endif enum eqv erase error event exit explicit false for friend function get global
gosub goto if imp implements in input integer is len let lib like line load lock long
longlong longptr loop lset me mid mod module name new next not nothing null object on open
option optional or paramarray preserve print private property public put raiseevent random
read redim rem resume return rset seek select set shared single spc static step stop string
sub tab text then to true type typeof unload unlock until variant wend while width with
withevents write xor
"""
VBA_RESERVED = set(re.findall(r"[a-z]+", _VBA_WORDS))
VBA_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,254}$")


@pytest.fixture(scope="module")
def xlwings_udfs():
    """The real xlwings.udfs module, importable with pywin32 stubbed out."""
    stubs = {}
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        if name not in sys.modules:
            mod = types.ModuleType(name)
            stubs[name] = mod
            sys.modules[name] = mod
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    sys.modules["win32com"].client = sys.modules["win32com.client"]
    try:
        import xlwings.udfs as xu

        yield xu
    finally:
        sys.modules.pop("xlwings.udfs", None)
        for name in stubs:
            sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def registered(xlwings_udfs):
    """A fresh copy of winloss_xl.excel.udfs decorated by xlwings' real Windows decorators."""
    import xlwings

    saved = (xlwings.func, xlwings.arg, xlwings.ret)
    xlwings.func, xlwings.arg, xlwings.ret = (xlwings_udfs.xlfunc, xlwings_udfs.xlarg,
                                              xlwings_udfs.xlret)
    try:
        spec = importlib.util.spec_from_file_location(
            "winloss_xl.excel._udfs_registered", Path(udfs_module.__file__))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = saved
    return module


FORMULA_NAMES = ["WINRATE", "WINRATE_BY", "DEAL_SUMMARY", "LOSS_REASONS", "PERSONAS",
                 "KEY_DRIVERS", "QUAL_THRESHOLD", "WINRATE_CHANGE"]
#: Formulas that take no deals range.
OTHER_FORMULAS = ["TITLE_PERSONA"]
ALL_FORMULAS = FORMULA_NAMES + OTHER_FORMULAS


def test_every_formula_is_registered(registered) -> None:
    found = sorted(n for n in dir(registered) if hasattr(getattr(registered, n), "__xlfunc__"))
    assert found == sorted(ALL_FORMULAS)


def test_title_persona_metadata_xlwings_reads(registered) -> None:
    meta = registered.TITLE_PERSONA.__xlfunc__
    assert meta["name"] == "TITLE_PERSONA" and meta["category"] == "Win/Loss"
    assert meta["sub"] is False and meta["volatile"] is False and meta["ret"]["options"] == {}
    assert 0 < len(meta["ret"]["doc"]) <= 255
    args = {a["name"]: a for a in meta["args"]}
    assert list(args) == ["title", "config"]
    for arg in args.values():
        assert arg["options"] == {"ndim": 2, "err_to_str": True}
        assert VBA_IDENTIFIER.match(arg["name"]) and arg["name"].lower() not in VBA_RESERVED
        assert 0 < len(arg["doc"]) <= 255 and not arg["doc"].startswith("Positional argument")
    assert args["config"]["optional"] is None


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_metadata_xlwings_reads(registered, name) -> None:
    meta = getattr(registered, name).__xlfunc__
    assert meta["name"] == name
    assert meta["category"] == "Win/Loss"
    assert meta["sub"] is False and meta["async_mode"] is None and meta["volatile"] is False
    assert "expand" not in meta["ret"]["options"]  # a 2-D list spills natively
    assert meta["ret"]["options"] == {}            # no type hints turned into converters
    doc = meta["ret"]["doc"]
    assert doc and len(doc) <= 255, len(doc)       # the wizard cuts at 255
    args = {a["name"]: a for a in meta["args"]}
    deals = args["deals"]
    assert deals["options"] == {"ndim": 2, "err_to_str": True}
    for arg in meta["args"]:
        assert VBA_IDENTIFIER.match(arg["name"]), arg["name"]
        assert arg["name"].lower() not in VBA_RESERVED, arg["name"]
        assert arg["name"] != "caller"             # xlwings would inject the calling Range
        assert arg["vba"] is None
        assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
        assert len(arg["doc"]) <= 255
    assert name.lower() not in VBA_RESERVED and VBA_IDENTIFIER.match(name)
    assert not re.match(r"^[A-Za-z]{1,3}[0-9]+$", name)  # not a cell reference (A1, XFD1)


def test_generated_vba_wrapper(registered, xlwings_udfs) -> None:
    out = io.StringIO()
    addin_book = types.SimpleNamespace(Name="winloss_xl.xlam")
    xlwings_udfs.generate_vba_wrapper("winloss_xl.excel.udfs", registered, out, addin_book)
    vba = out.getvalue()
    assert "Function WINRATE(deals, Optional column, Optional value, Optional config)" in vba
    assert "Function WINRATE_BY(deals, by, Optional min_deals, Optional bands, Optional config)" in vba
    assert "Function PERSONAS(deals, Optional contacts, Optional config)" in vba
    assert "Function DEAL_SUMMARY(deals, Optional config)" in vba
    assert "Function TITLE_PERSONA(title, Optional config)" in vba
    for name in ALL_FORMULAS:
        assert f'XLPy.CallUDF("winloss_xl.excel.udfs", "{name}", ' in vba
    # an add-in's wrappers pass the active workbook, not the add-in itself
    assert "ActiveWorkbook, Application.Caller" in vba and "ThisWorkbook" not in vba
    assert vba.count("End Function") == len(ALL_FORMULAS)


def test_optional_defaults_reach_python(registered) -> None:
    """A missing optional argument becomes the Python default (call_udf's rule)."""
    for name in ALL_FORMULAS:
        meta = getattr(registered, name).__xlfunc__
        for arg in meta["args"]:
            if "optional" in arg:
                assert arg["optional"] is None
