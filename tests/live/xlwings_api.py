"""Check recorded uses of the double against the installed xlwings classes.

Two levels:

1. the public class (``xlwings.main.Sheet`` ...): the member exists, a property that was set
   has a setter, and every recorded call binds to the real signature;
2. the desktop engines behind it (``xlwings/_xlwindows.py``, ``_xlmac.py``, read as source so
   this runs on Linux): whatever the public member reaches through ``self.impl.X`` (directly
   or through other members of the same class) must exist on the engine's class of the same
   name. 0.37.8 has such gaps (e.g. ``Sheet.freeze_panes`` and ``Names.__iter__`` need impl
   members the desktop engines lack), and they would only fail on a user's desk.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from pathlib import Path
from typing import Any

import xlwings

from .double import REAL, Recorder

XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
ENGINES = ("_xlwindows.py", "_xlmac.py")


def real_class(key: str) -> type:
    module, _, name = REAL[key].rpartition(".")
    return getattr(importlib.import_module(module), name)


def _lookup(cls: type, attr: str) -> Any:
    for klass in cls.__mro__:
        if attr in vars(klass):
            return vars(klass)[attr]
    raise AttributeError(attr)


def check_recording(rec: Recorder) -> list[str]:
    """Problems with the recorded uses, checked against the public xlwings classes."""
    problems: list[str] = []
    for key, attr in sorted(rec.touched):
        cls = real_class(key)
        try:
            member = _lookup(cls, attr)
        except AttributeError:
            problems.append(f"{cls.__name__}.{attr} does not exist in xlwings {xlwings.__version__}")
            continue
        was_set = any(k == key and a == attr for k, a, _ in rec.sets)
        if isinstance(member, property) and was_set and member.fset is None:
            problems.append(f"{cls.__name__}.{attr} is read-only")
    for key, attr, args, kwargs in rec.calls:
        cls = real_class(key)
        try:
            member = _lookup(cls, attr)
        except AttributeError:
            continue  # reported above
        if isinstance(member, property):
            problems.append(f"{cls.__name__}.{attr} is a property, called like a method")
            continue
        func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            continue
        bound_args = args if isinstance(member, staticmethod) else (None, *args)
        if isinstance(member, classmethod):
            bound_args = (cls, *args)
        try:
            sig.bind(*bound_args, **kwargs)
        except TypeError as exc:
            problems.append(f"{cls.__name__}.{attr}{sig} cannot take args={args!r} "
                            f"kwargs={kwargs!r}: {exc}")
    return sorted(set(problems))


# ----------------------------------------------------------------------- engine level

@functools.cache
def _classes(path: Path) -> dict[str, ast.ClassDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _members(cls: ast.ClassDef) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node)
    return out


def _engine_members(engine: Path, name: str) -> set[str] | None:
    """Members of the engine class ``name`` and of its bases defined in the same file."""
    classes = _classes(engine)
    if name not in classes:
        return None
    seen: set[str] = set()
    todo = [name]
    members: set[str] = set()
    while todo:
        cname = todo.pop()
        if cname in seen or cname not in classes:
            continue
        seen.add(cname)
        cls = classes[cname]
        members.update(_members(cls))
        for base in cls.bases:
            if isinstance(base, ast.Name):
                todo.append(base.id)  # base_classes.X (abstract stubs) are not followed
        # attributes assigned in __init__ (self.xl = ...) count as members
        for node in ast.walk(cls):
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and isinstance(node.value, ast.Name) and node.value.id == "self"):
                members.add(node.attr)
    return members


def _impl_uses(main_cls: ast.ClassDef, attr: str) -> set[str]:
    """``self.impl.X`` names reached from ``attr`` of a public class (transitively)."""
    members = _members(main_cls)
    uses: set[str] = set()
    seen: set[str] = set()
    todo = [attr]
    while todo:
        name = todo.pop()
        if name in seen or name not in members:
            continue
        seen.add(name)
        for node in members[name]:
            for sub in ast.walk(node):
                if not isinstance(sub, ast.Attribute):
                    continue
                inner = sub.value
                if (isinstance(inner, ast.Attribute) and inner.attr == "impl"
                        and isinstance(inner.value, ast.Name) and inner.value.id == "self"):
                    uses.add(sub.attr)
                elif isinstance(inner, ast.Name) and inner.id == "self" and sub.attr in members:
                    todo.append(sub.attr)
    return uses


def engine_gaps(rec: Recorder) -> list[str]:
    """Public members used whose engine implementation is missing on Windows or macOS."""
    main_classes = _classes(XLWINGS_DIR / "main.py")
    problems = []
    for key, attr in sorted(rec.touched):
        cname = real_class(key).__name__
        if cname not in main_classes or attr == "api":
            continue
        needed = _impl_uses(main_classes[cname], attr)
        for engine in ENGINES:
            have = _engine_members(XLWINGS_DIR / engine, cname)
            if have is None:
                continue
            for name in sorted(needed - have):
                problems.append(f"{cname}.{attr} needs {engine[:-3]}.{cname}.{name}, "
                                "which does not exist")
    return problems
