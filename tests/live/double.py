"""An in-memory double of the xlwings objects the live writer and the button touch.

Each fake class names the real xlwings class it stands for (``REAL``); every public
attribute read, property set and method call (with its arguments) is recorded, so a test
can check each one against the installed xlwings, and the sheet contents can be read back.
Checks the real classes make before touching Excel (argument types, chart types, name
clashes) are mirrored, so misuse fails here.

It models what Excel *does*, not only what it accepts:

* a string written through ``Range.value`` is parsed as typed text (``typed_entry``):
  "001" is stored as 1.0, "1/2" as a date, "True" as a boolean, a leading apostrophe is
  a text prefix, formula-like text is refused;
* Excel's limits: 32,767 characters per cell, row heights up to 409 points;
* the sheet order holds chart sheets too: ``Sheet.index`` counts them, ``book.sheets``
  (Excel's Worksheets) does not, and ``Sheets.add(after=)`` places the sheet the way
  xlwings' Windows engine does (``Worksheets(after.Index + 1)``);
* a user's formula that refers to a cell of a deleted sheet turns into ``#REF!``;
* ``Sheet.clear`` empties values and formats but leaves tables, charts, names, row
  heights and column widths, as Excel's ``Cells.Clear`` does to shapes and sizes.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from xlwings.base_classes import CHART_TYPES

from .typed_entry import ExcelError, typed_entry

#: fake class -> (module attribute path of the real class)
REAL = {
    "App": "xlwings.main.App",
    "Apps": "xlwings.main.Apps",
    "Books": "xlwings.main.Books",
    "Book": "xlwings.main.Book",
    "Sheets": "xlwings.main.Sheets",
    "Sheet": "xlwings.main.Sheet",
    "Range": "xlwings.main.Range",
    "Font": "xlwings.main.Font",
    "Names": "xlwings.main.Names",
    "Name": "xlwings.main.Name",
    "Tables": "xlwings.main.Tables",
    "Table": "xlwings.main.Table",
    "Charts": "xlwings.main.Charts",
    "Chart": "xlwings.main.Chart",
    "ChartAxis": "xlwings.main.ChartAxis",
    "ChartLegend": "xlwings.main.ChartLegend",
    "ConditionalFormats": "xlwings.main.ConditionalFormats",
}

MAX_CELL_CHARS = 32767
MAX_ROW_HEIGHT = 409


@dataclass
class Recorder:
    touched: set[tuple[str, str]] = field(default_factory=set)
    calls: list[tuple[str, str, tuple, dict]] = field(default_factory=list)
    sets: list[tuple[str, str, Any]] = field(default_factory=list)


class Fake:
    """Records public attribute reads, sets and calls under the real class's name."""

    _real = ""

    def __init__(self, rec: Recorder) -> None:
        object.__setattr__(self, "_rec", rec)

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name.startswith("_"):
            return value
        rec: Recorder = object.__getattribute__(self, "_rec")
        key = type(self)._real
        rec.touched.add((key, name))
        if callable(value) and not isinstance(value, (Fake, ComStub)):
            def call(*args: Any, **kwargs: Any) -> Any:
                rec.calls.append((key, name, args, kwargs))
                return value(*args, **kwargs)
            return call
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            rec: Recorder = object.__getattribute__(self, "_rec")
            rec.touched.add((type(self)._real, name))
            rec.sets.append((type(self)._real, name, value))
        object.__setattr__(self, name, value)

    def _dunder(self, name: str, *args: Any) -> None:
        rec: Recorder = object.__getattribute__(self, "_rec")
        rec.touched.add((type(self)._real, name))
        rec.calls.append((type(self)._real, name, args, {}))


class ComStub:
    """Stands for ``.api`` (pywin32 objects): accepts anything, records the path."""

    def __init__(self, log: list[str], path: str = "api") -> None:
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> ComStub:
        return ComStub(self._log, f"{self._path}.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        self._log.append(f"{self._path}.{name} = {value!r}")

    def __call__(self, *args: Any, **kwargs: Any) -> ComStub:
        self._log.append(f"{self._path}()")
        return self


# ---------------------------------------------------------------------------- app/book

class FakeApp(Fake):
    _real = "App"

    def __init__(self, rec: Recorder) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_state", {"screen_updating": True, "calculation": "automatic",
                                              "status_bar": False, "display_alerts": True})
        object.__setattr__(self, "alerts", [])
        object.__setattr__(self, "status_history", [])

    def _prop(name: str):
        def get(self: FakeApp) -> Any:
            return object.__getattribute__(self, "_state")[name]

        def put(self: FakeApp, value: Any) -> None:
            object.__getattribute__(self, "_state")[name] = value
            if name == "status_bar":
                object.__getattribute__(self, "status_history").append(value)
            if name == "calculation" and value not in ("manual", "automatic", "semiautomatic"):
                raise KeyError(value)  # the real impl looks the mode up in a dict

        return property(get, put)

    screen_updating = _prop("screen_updating")
    calculation = _prop("calculation")
    status_bar = _prop("status_bar")
    display_alerts = _prop("display_alerts")

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        assert buttons in ("ok", "ok_cancel", "yes_no", "yes_no_cancel")
        assert mode in (None, "info", "critical")
        object.__getattribute__(self, "alerts").append((prompt, title, mode))
        return "ok"

    @contextlib.contextmanager
    def properties(self, **kwargs: Any):
        saved = {k: getattr(self, k) for k in kwargs}
        for k, v in kwargs.items():
            setattr(self, k, v)
        try:
            yield self
        finally:
            for k, v in saved.items():
                setattr(self, k, v)


class FakeChartSheet:
    """A chart sheet: in the workbook's sheet order, but not one of ``book.sheets``."""

    def __init__(self, name: str) -> None:
        self._name = name


@dataclass
class UserReference:
    """A user's formula in ``holder`` at ``cell`` that refers to ``target!address``."""

    holder: Any
    cell: tuple[int, int]
    target: Any
    address: str

    @property
    def formula(self) -> str:
        """The formula as Excel shows it now: ``#REF!`` once the target sheet is deleted."""
        if self.target._deleted:
            return "=#REF!"
        name = self.target._name
        quoted = f"'{name}'" if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) else name
        return f"={quoted}!{self.address}"


class FakeBook(Fake):
    _real = "Book"

    def __init__(self, rec: Recorder | None = None, name: str = "Pipeline.xlsx") -> None:
        rec = rec or Recorder()
        super().__init__(rec)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_app", FakeApp(rec))
        object.__setattr__(self, "_order", [])  # every sheet, chart sheets included
        object.__setattr__(self, "_sheets", FakeSheets(rec, self))
        object.__setattr__(self, "_table_names", set())
        object.__setattr__(self, "_references", [])

    @property
    def name(self) -> str:
        return object.__getattribute__(self, "_name")

    @property
    def app(self) -> FakeApp:
        return object.__getattribute__(self, "_app")

    @property
    def sheets(self) -> FakeSheets:
        return object.__getattribute__(self, "_sheets")

    # test helpers (not xlwings API)
    def _sheet(self, name: str) -> FakeSheet:
        return object.__getattribute__(self, "_sheets")._by_name(name)

    def _add_input(self, name: str, values: list[list[Any]]) -> FakeSheet:
        sheet = FakeSheet(object.__getattribute__(self, "_rec"), self, name)
        self._order.append(sheet)
        for r, row in enumerate(values, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    sheet._cells[(r, c)] = v
        return sheet

    def _add_chart_sheet(self, name: str, after: str | None = None) -> FakeChartSheet:
        sheet = FakeChartSheet(name)
        names = [s._name.lower() for s in self._order]
        at = names.index(after.lower()) + 1 if after else len(self._order)
        self._order.insert(at, sheet)
        return sheet

    def _order_names(self) -> list[str]:
        """Every sheet's name in tab order, chart sheets included."""
        return [s._name for s in self._order]

    def _refer(self, holder: FakeSheet, cell: tuple[int, int], target: str,
               address: str) -> UserReference:
        """A user's formula ``=target!address`` typed into ``holder`` at ``cell``."""
        ref = UserReference(holder, cell, self._sheet(target), address)
        self._references.append(ref)
        return ref


class FakeSheets(Fake):
    _real = "Sheets"

    def __init__(self, rec: Recorder, book: FakeBook) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_book", book)

    @property
    def _list(self) -> list[FakeSheet]:
        return [s for s in self._book._order if isinstance(s, FakeSheet)]

    def __iter__(self):
        self._dunder("__iter__")
        return iter(self._list)

    def __len__(self) -> int:
        self._dunder("__len__")
        return len(self._list)

    def __getitem__(self, key: int | str) -> FakeSheet:
        self._dunder("__getitem__", key)
        worksheets = self._list
        if isinstance(key, int):
            if key < 0:
                key += len(worksheets)
            if not 0 <= key < len(worksheets):
                raise IndexError(key)
            return worksheets[key]
        return self._by_name(key)

    def _by_name(self, name: str) -> FakeSheet:
        for s in self._list:
            if s._name.lower() == name.lower():
                return s
        raise KeyError(name)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        order = self._book._order
        if name is not None and name.lower() in (s._name.lower() for s in order):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        for other in (before, after):
            if other is not None and not isinstance(other, FakeSheet):
                raise TypeError("before/after must be sheets")
        sheet = FakeSheet(self._rec, self._book, name or f"Sheet{len(order) + 1}")
        if before is not None:
            order.insert(order.index(before), sheet)
        elif after is not None:
            self._add_after(sheet, after)
        else:
            order.insert(0, sheet)  # Excel adds before the active sheet
        return sheet

    def _add_after(self, sheet: FakeSheet, after: FakeSheet) -> None:
        """xlwings' Windows engine: ``Worksheets.Add(Before=Worksheets(after.Index + 1))``,
        where ``Index`` counts chart sheets and ``Worksheets(i)`` does not."""
        order = self._book._order
        worksheets = self._list
        new_index = after.index + 1
        if new_index > len(worksheets):
            order.insert(order.index(after), sheet)  # Add(Before=after) ...
            worksheets = self._list  # ... then Worksheets(Count).Move(Before=Worksheets(Count - 1))
            last, second = worksheets[-1], worksheets[-2]
            order.remove(last)
            order.insert(order.index(second), last)
        else:
            order.insert(order.index(worksheets[new_index - 1]), sheet)

    @property
    def active(self) -> FakeSheet:
        return self._list[0]


# ------------------------------------------------------------------------------- sheet

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _parse_area(text: str) -> tuple[int, int, int, int]:
    parts = text.split(":")
    cells = []
    for p in parts:
        m = _A1.match(p.strip().upper())
        if not m:
            raise ValueError(f"not an address: {text!r}")
        cells.append((int(m.group(2)), _col_index(m.group(1))))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return r1, c1, r2, c2


class FakeSheet(Fake):
    _real = "Sheet"

    def __init__(self, rec: Recorder, book: FakeBook, name: str) -> None:
        super().__init__(rec)
        for k, v in (("_book", book), ("_name", name), ("_cells", {}), ("_formats", {}),
                     ("_widths", {}), ("_heights", {}), ("_merged", []), ("_colors", {}),
                     ("_wrap", set()), ("_fonts", {}), ("_deleted", False), ("_prefixed", set()),
                     ("_rules", []), ("_gridlines", True), ("_clears", 0),
                     ("api_log", []), ("_names", None), ("_tables", None), ("_charts", None)):
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_names", FakeNames(rec, self))
        object.__setattr__(self, "_tables", FakeTables(rec, self))
        object.__setattr__(self, "_charts", FakeCharts(rec, self))

    @property
    def name(self) -> str:
        return object.__getattribute__(self, "_name")

    @property
    def book(self) -> FakeBook:
        return object.__getattribute__(self, "_book")

    @property
    def index(self) -> int:
        """1-based position among *all* sheets, chart sheets included (as in Excel)."""
        return self._book._order.index(self) + 1

    @property
    def names(self) -> FakeNames:
        return object.__getattribute__(self, "_names")

    @property
    def tables(self) -> FakeTables:
        return object.__getattribute__(self, "_tables")

    @property
    def charts(self) -> FakeCharts:
        return object.__getattribute__(self, "_charts")

    @property
    def api(self) -> ComStub:
        return ComStub(object.__getattribute__(self, "api_log"), f"Sheets({self._name!r})")

    @property
    def show_gridlines(self) -> bool:
        return object.__getattribute__(self, "_gridlines")

    @show_gridlines.setter
    def show_gridlines(self, value: bool) -> None:
        object.__setattr__(self, "_gridlines", bool(value))

    @property
    def used_range(self) -> FakeRange:
        keys = [*self._cells, *self._formats, *self._colors, *self._fonts, *self._wrap]
        if not keys:
            return FakeRange(self._rec, self, 1, 1, 1, 1)
        rows = [r for r, _ in keys]
        cols = [c for _, c in keys]
        return FakeRange(self._rec, self, min(rows), min(cols), max(rows), max(cols))

    def range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        if isinstance(cell1, str):
            if cell2 is not None:
                raise TypeError("fake: string + cell2 not supported")
            areas = [_parse_area(a) for a in cell1.split(",")]
            return FakeRange(self._rec, self, *areas[0], areas=areas)
        if isinstance(cell1, FakeRange):
            cell1 = (cell1._r1, cell1._c1)
        if not (isinstance(cell1, tuple) and len(cell1) == 2):
            raise TypeError(f"range({cell1!r})")
        if 0 in cell1:
            raise IndexError("Attempted to access 0-based Range. xlwings/Excel Ranges are 1-based.")
        if cell2 is None:
            return FakeRange(self._rec, self, cell1[0], cell1[1], cell1[0], cell1[1])
        if isinstance(cell2, FakeRange):
            cell2 = (cell2._r2, cell2._c2)
        if 0 in cell2:
            raise IndexError("Attempted to access 0-based Range.")
        return FakeRange(self._rec, self, min(cell1[0], cell2[0]), min(cell1[1], cell2[1]),
                         max(cell1[0], cell2[0]), max(cell1[1], cell2[1]))

    def clear(self) -> None:
        """Values and formats go; tables, charts, names, heights and widths stay."""
        for attr in ("_cells", "_formats", "_colors", "_fonts"):
            getattr(self, attr).clear()
        self._wrap.clear()
        self._prefixed.clear()
        self._merged.clear()
        self._rules.clear()
        object.__setattr__(self, "_clears", self._clears + 1)

    def delete(self) -> None:
        book = self._book
        for t in self._tables._list:
            book._table_names.discard(t._name.lower())
        book._order.remove(self)
        object.__setattr__(self, "_deleted", True)

    def activate(self) -> None:
        object.__setattr__(self._book, "active_sheet", self)

    # helpers for assertions
    def _value(self, row: int, col: int) -> Any:
        return self._cells.get((row, col))


class FakeFont(Fake):
    _real = "Font"

    def __init__(self, rec: Recorder, rng: FakeRange) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_rng", rng)

    def _put(self, key: str, value: Any) -> None:
        rng = object.__getattribute__(self, "_rng")
        for cell in rng._cells_in():
            rng._sheet._fonts.setdefault(cell, {})[key] = value

    def _mk(key: str):
        def get(self: FakeFont) -> Any:
            rng = object.__getattribute__(self, "_rng")
            return rng._sheet._fonts.get((rng._r1, rng._c1), {}).get(key)

        def put(self: FakeFont, value: Any) -> None:
            self._put(key, value)

        return property(get, put)

    bold = _mk("bold")
    italic = _mk("italic")
    size = _mk("size")
    color = _mk("color")
    name = _mk("name")


class _SpecSink:
    """The engine side of ``xlwings.main.ConditionalFormats``: keeps the validated spec."""

    def __init__(self) -> None:
        self.specs: list[tuple[str, dict]] = []

    def add_data_bar(self, spec: dict) -> None:
        self.specs.append(("data_bar", spec))

    def add_color_scale(self, spec: dict) -> None:
        self.specs.append(("color_scale", spec))


class FakeConditionalFormats(Fake):
    """Arguments go through the real ``xlwings.main.ConditionalFormats`` (its own checks
    and conversions); the spec it hands its engine is recorded on the sheet."""

    _real = "ConditionalFormats"

    def __init__(self, rec: Recorder, rng: FakeRange) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_rng", rng)

    def _real_add(self, method: str, *args: Any, **kwargs: Any) -> None:
        from xlwings.main import ConditionalFormats

        sink = _SpecSink()
        getattr(ConditionalFormats(impl=sink), method)(*args, **kwargs)
        rng = object.__getattribute__(self, "_rng")
        for kind, spec in sink.specs:
            rng._sheet._rules.append((kind, rng._r1, rng._c1, rng._r2, rng._c2, spec))

    def add_data_bar(self, *args: Any, **kwargs: Any) -> None:
        self._real_add("add_data_bar", *args, **kwargs)

    def add_color_scale(self, *args: Any, **kwargs: Any) -> None:
        self._real_add("add_color_scale", *args, **kwargs)


class FakeRange(Fake):
    _real = "Range"

    def __init__(self, rec: Recorder, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int,
                 areas: list[tuple[int, int, int, int]] | None = None, ndim: int | None = None
                 ) -> None:
        super().__init__(rec)
        for k, v in (("_sheet", sheet), ("_r1", r1), ("_c1", c1), ("_r2", r2), ("_c2", c2),
                     ("_areas", areas or [(r1, c1, r2, c2)]), ("_ndim", ndim)):
            object.__setattr__(self, k, v)

    def _cells_in(self):
        for r1, c1, r2, c2 in self._areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield (r, c)

    @property
    def sheet(self) -> FakeSheet:
        return object.__getattribute__(self, "_sheet")

    @property
    def address(self) -> str:
        return ",".join(f"${a1(a, b)}:${a1(c, d)}".replace(":", ":$") for a, b, c, d in
                        self._areas)

    @property
    def shape(self) -> tuple[int, int]:
        return (self._r2 - self._r1 + 1, self._c2 - self._c1 + 1)

    @property
    def left(self) -> float:
        return (self._c1 - 1) * 48.0

    @property
    def top(self) -> float:
        return (self._r1 - 1) * 15.0

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        return FakeRange(self._rec, self._sheet, self._r1, self._c1, self._r2, self._c2,
                         self._areas, options.get("ndim"))

    @property
    def value(self) -> Any:
        cells = self._sheet._cells
        grid = [[cells.get((r, c)) for c in range(self._c1, self._c2 + 1)]
                for r in range(self._r1, self._r2 + 1)]
        if self._ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        if isinstance(data, (list, tuple)):
            rows = data if data and isinstance(data[0], (list, tuple)) else [data]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self._store((self._r1 + i, self._c1 + j), v)
        else:
            for key in self._cells_in():
                self._store(key, data)

    def _store(self, key: tuple[int, int], v: Any) -> None:
        """One cell written through Range.Value, as Excel stores it."""
        _check_cell_value(v)
        sheet = self._sheet
        sheet._prefixed.discard(key)
        if v is None:
            sheet._cells.pop(key, None)
            return
        if isinstance(v, str):
            v, prefixed = typed_entry(v, sheet._formats.get(key, "General"))
            if prefixed:
                sheet._prefixed.add(key)
        sheet._cells[key] = v

    @property
    def number_format(self) -> str:
        return self._sheet._formats.get((self._r1, self._c1), "General")

    @number_format.setter
    def number_format(self, value: str) -> None:
        assert isinstance(value, str)
        for key in self._cells_in():
            self._sheet._formats[key] = value

    @property
    def column_width(self) -> float:
        return self._sheet._widths.get(self._c1, 8.43)

    @column_width.setter
    def column_width(self, value: float) -> None:
        assert 0 <= value <= 255
        for c in range(self._c1, self._c2 + 1):
            self._sheet._widths[c] = value

    @property
    def row_height(self) -> float:
        return self._sheet._heights.get(self._r1, 15.0)

    @row_height.setter
    def row_height(self, value: float) -> None:
        # COM raises "Unable to set the RowHeight property" above Excel's limit
        assert 0 <= value <= MAX_ROW_HEIGHT, f"row height {value} > {MAX_ROW_HEIGHT}"
        for r in range(self._r1, self._r2 + 1):
            self._sheet._heights[r] = value

    @property
    def wrap_text(self) -> bool:
        return (self._r1, self._c1) in self._sheet._wrap

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for key in self._cells_in():
            (self._sheet._wrap.add if value else self._sheet._wrap.discard)(key)

    @property
    def color(self) -> Any:
        return self._sheet._colors.get((self._r1, self._c1))

    @color.setter
    def color(self, value: Any) -> None:
        assert value is None or isinstance(value, (tuple, int, str))
        for key in self._cells_in():
            self._sheet._colors[key] = value

    @property
    def font(self) -> FakeFont:
        return FakeFont(self._rec, self)

    @property
    def conditional_formats(self) -> FakeConditionalFormats:
        return FakeConditionalFormats(self._rec, self)

    def merge(self, across: bool = False) -> None:
        self._sheet._merged.append((self._r1, self._c1, self._r2, self._c2))


def _check_cell_value(v: Any) -> None:
    import datetime as dt

    assert v is None or type(v) in (str, int, float, bool, dt.datetime, dt.date), (type(v), v)
    if isinstance(v, float):
        assert v == v and v not in (float("inf"), float("-inf")), v
    if isinstance(v, str):
        # COM refuses longer text; the prefix apostrophe is not part of the value
        assert len(v) - v.startswith("'") <= MAX_CELL_CHARS, f"{len(v)} characters in one cell"


# ------------------------------------------------------------------------- names/tables

class FakeNames(Fake):
    _real = "Names"

    def __init__(self, rec: Recorder, parent: Any) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_items", {})

    def add(self, name: str, refers_to: str) -> FakeName:
        assert " " not in name and refers_to.startswith("=")
        item = FakeName(self._rec, name, refers_to)
        self._items[name.lower()] = item
        return item

    def contains(self, name_or_index: Any) -> bool:
        return str(name_or_index).lower() in self._items

    def __contains__(self, item: Any) -> bool:
        self._dunder("__contains__", item)
        return self.contains(item)


class FakeName(Fake):
    _real = "Name"

    def __init__(self, rec: Recorder, name: str, refers_to: str) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_n", name)
        object.__setattr__(self, "_to", refers_to)


class TableApi:
    """``Table.api``: the ListObject (Windows) / list object reference (macOS).

    ``Unlist()`` / ``convert_to_range()`` turn the table back into plain cells."""

    def __init__(self, table: FakeTable) -> None:
        self._table = table
        self.calls: list[str] = []

    def _unlist(self) -> None:
        table = self._table
        sheet = table._source._sheet
        sheet._tables._list.remove(table)
        sheet._book._table_names.discard(table._name.lower())

    def Unlist(self) -> None:  # the COM name
        self.calls.append("Unlist")
        self._unlist()

    def convert_to_range(self) -> None:
        self.calls.append("convert_to_range")
        self._unlist()


class FakeTable(Fake):
    _real = "Table"

    def __init__(self, rec: Recorder, name: str, source: FakeRange, style: str) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_style", style)
        object.__setattr__(self, "_api", TableApi(self))

    @property
    def name(self) -> str:
        return object.__getattribute__(self, "_name")

    @property
    def api(self) -> TableApi:
        return object.__getattribute__(self, "_api")


class FakeTables(Fake):
    _real = "Tables"

    def __init__(self, rec: Recorder, sheet: FakeSheet) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_list", [])

    def __iter__(self):
        self._dunder("__iter__")
        return iter(list(self._list))

    def add(self, source: Any = None, name: str | None = None, source_type: Any = None,
            link_source: Any = None, has_headers: bool = True, destination: Any = None,
            table_style_name: str = "TableStyleMedium2") -> FakeTable:
        if isinstance(source, str) or not isinstance(source, FakeRange):
            raise TypeError("'source' must be a Range")
        if not isinstance(has_headers, bool):
            raise TypeError("has_headers must be True or False")
        book = self._sheet._book
        name = name or f"Table{len(book._table_names) + 1}"
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_.]*$", name) or name.lower() in book._table_names:
            raise ValueError(f"Excel refuses the table name {name!r}")  # COM error in Excel
        for other in self._list:  # "A table cannot overlap another table"
            o = other._source
            assert (source._r2 < o._r1 or o._r2 < source._r1 or source._c2 < o._c1
                    or o._c2 < source._c1), f"{name} overlaps {other._name}"
        headers = [self._sheet._cells.get((source._r1, c))
                   for c in range(source._c1, source._c2 + 1)]
        assert all(isinstance(h, str) and h for h in headers), headers
        assert len({h.lower() for h in headers}) == len(headers), headers
        assert source._r2 > source._r1, "a table needs a row under its header"
        book._table_names.add(name.lower())
        table = FakeTable(self._rec, name, source, table_style_name)
        self._list.append(table)
        return table


# -------------------------------------------------------------------------------- charts

class FakeChartAxis(Fake):
    _real = "ChartAxis"

    def __init__(self, rec: Recorder) -> None:
        super().__init__(rec)
        for k in ("number_format", "title", "minimum_scale", "maximum_scale", "reverse_order"):
            object.__setattr__(self, k, None)


class FakeChartLegend(Fake):
    _real = "ChartLegend"

    def __init__(self, rec: Recorder) -> None:
        super().__init__(rec)
        object.__setattr__(self, "visible", True)


class FakeChart(Fake):
    _real = "Chart"

    def __init__(self, rec: Recorder, sheet: FakeSheet) -> None:
        super().__init__(rec)
        for k, v in (("_sheet", sheet), ("title", None), ("_type", None), ("source", None),
                     ("x_values", None), ("plot_by", None), ("width", 355.0),
                     ("height", 211.0), ("anchor", None)):
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_value_axis", FakeChartAxis(rec))
        object.__setattr__(self, "_category_axis", FakeChartAxis(rec))
        object.__setattr__(self, "_legend", FakeChartLegend(rec))

    @property
    def chart_type(self) -> str | None:
        return object.__getattribute__(self, "_type")

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        if value not in CHART_TYPES:
            raise ValueError(f"Invalid chart type {value!r}")
        object.__setattr__(self, "_type", value)

    @property
    def value_axis(self) -> FakeChartAxis:
        return object.__getattribute__(self, "_value_axis")

    @property
    def category_axis(self) -> FakeChartAxis:
        return object.__getattribute__(self, "_category_axis")

    @property
    def legend(self) -> FakeChartLegend:
        return object.__getattribute__(self, "_legend")

    def set_source_data(self, source: Any, plot_by: str | None = None) -> None:
        assert isinstance(source, FakeRange)
        # xlwings' macOS engine splits an address on ":": one area only
        assert len(source._areas) == 1, f"multi-area chart source {source.address}"
        assert plot_by in (None, "rows", "columns")
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "plot_by", plot_by)

    def set_x_axis_values(self, source: Any) -> None:
        assert isinstance(source, FakeRange)
        object.__setattr__(self, "x_values", source)

    def delete(self) -> None:
        self._sheet._charts._list.remove(self)


class FakeCharts(Fake):
    _real = "Charts"

    def __init__(self, rec: Recorder, sheet: FakeSheet) -> None:
        super().__init__(rec)
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_list", [])

    def __iter__(self):
        self._dunder("__iter__")
        return iter(list(self._list))

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211,
            chart_type: str | None = None, source: Any = None, plot_by: str | None = None,
            name: str | None = None, anchor: Any = None, style: int | None = 227) -> FakeChart:
        if anchor and (top or left):
            raise ValueError("You must either provide 'anchor' or 'top'/'left', but not both.")
        if plot_by is not None and source is None:
            raise ValueError("'plot_by' requires 'source'.")
        chart = FakeChart(self._rec, self._sheet)
        object.__setattr__(chart, "width", width)
        object.__setattr__(chart, "height", height)
        object.__setattr__(chart, "anchor", anchor)
        if source is not None:
            chart.set_source_data(source, plot_by)
        if chart_type is not None:
            chart.chart_type = chart_type
        self._list.append(chart)
        return chart


__all__ = ["ExcelError", "FakeBook", "Recorder", "UserReference", "a1"]
