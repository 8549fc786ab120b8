"""``winloss-xl doctor --excel``: a one-minute smoke test in the real Excel (Windows, macOS).

Opens a hidden Excel through xlwings, pastes the bundled demo deals into a new
workbook's Deals sheet, runs the Analyze button's ``winloss_xl.main()`` on it (through
xlwings' mock caller, as RunPython would), checks the report sheets and that the win
rate equals the headless analysis of the same cells, checks that formulas spill
(dynamic arrays), and on Windows computes ``=WINRATE(...)`` through the installed add-in.
Nothing is saved; the workbook is closed and Excel quits.
"""

from __future__ import annotations

import contextlib
import csv
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..machine import Check, Machine

START_FIX = ("install Microsoft Excel, start it once and accept its licence; on macOS allow "
             "your terminal to control Excel (System Settings > Privacy & Security > Automation)")


def smoke_test(machine: Machine) -> list[Check]:
    """The Excel checks, each one line; Excel is always quit at the end."""
    from ..machine import FIX, OK, Check

    try:
        import xlwings as xw

        app = xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel, no licence, no automation permission
        return [Check("Excel starts", FIX, f"xlwings could not start Excel ({type(exc).__name__}: "
                      f"{exc})", START_FIX)]
    checks = [Check("Excel starts", OK, f"Excel {app.version} through xlwings {xw.__version__}")]
    book = None
    try:
        app.display_alerts = False
        book = app.books.add()
        checks.append(_analyze_button(book))
        checks.append(_dynamic_arrays(book))
        checks.append(_formula(app, book, machine))
    finally:
        with contextlib.suppress(Exception):
            if book is not None:
                book.close()
        with contextlib.suppress(Exception):
            app.quit()
    return checks


def demo_rows() -> list[list[str]]:
    """The bundled demo deals as the text cells of a CSV (Excel converts them as on paste)."""
    from ..demo_data import DEALS_FILE, data_dir

    with open(data_dir() / DEALS_FILE, newline="", encoding="utf-8") as fh:
        return [row for row in csv.reader(fh)]


@contextlib.contextmanager
def _collected_alerts() -> Iterator[list[str]]:
    """Message boxes of the button collected instead of shown (a hidden Excel would hang)."""
    import xlwings as xw

    shown: list[str] = []
    real = xw.App.alert

    def collect(self: Any, prompt: str, *args: Any, **kwargs: Any) -> str:
        shown.append(prompt)
        return "ok"

    xw.App.alert = collect  # type: ignore[method-assign]
    try:
        yield shown
    finally:
        xw.App.alert = real  # type: ignore[method-assign]


def _analyze_button(book: Any) -> Check:
    import xlwings as xw

    import winloss_xl

    from ..machine import FIX, OK, Check
    from ..report.model import GENERATED_SHEETS

    name = "Analyze button (main())"
    sheet = book.sheets[0]
    sheet.name = "Deals"
    sheet["A1"].value = demo_rows()
    with _collected_alerts() as shown:
        book.set_mock_caller()
        try:
            winloss_xl.main()
        finally:
            if "_mock_caller" in vars(xw.Book):
                del xw.Book._mock_caller
    if shown:
        return Check(name, FIX, f"it stopped with: {shown[0]}", "see docs/excel.md, Troubleshooting")
    missing = [n for n in GENERATED_SHEETS if n not in [s.name for s in book.sheets]]
    if missing:
        return Check(name, FIX, f"no sheet {', '.join(missing)} after the run",
                     "run winloss-xl addin install again; report a bug if it persists")
    got, want = _win_rates(book)
    if got is None or not math.isclose(got, want, abs_tol=1e-9):
        return Check(name, FIX, f"Summary says win rate {got}, the same cells analysed headless "
                     f"give {want}", "report a bug with this line")
    return Check(name, OK, f"the demo report was written; win rate {got:.1%} as headless")


def _win_rates(book: Any) -> tuple[float | None, float]:
    from ..engine import analyze
    from ..ingest import load_deals

    values = book.sheets["Deals"].used_range.options(ndim=2).value
    want = float(analyze(load_deals(values, name="Deals sheet")).summary_value("Win rate"))
    rows = book.sheets["Summary"].tables["tblSummary"].range.options(ndim=2).value
    got = next((r[1] for r in rows[1:] if r[0] == "Win rate"), None)
    return (float(got) if isinstance(got, (int, float)) else None), want


def _dynamic_arrays(book: Any) -> Check:
    from ..machine import FIX, OK, Check

    name = "Formulas spill (dynamic arrays)"
    sheet = book.sheets.add("winloss-xl check")
    sheet["A1"].formula2 = "=SEQUENCE(3)"
    book.app.calculate()
    if sheet["A3"].value == 3:
        return Check(name, OK, "formula tables spill", required=False)
    return Check(name, FIX, "this Excel shows only the top-left cell of a formula's table",
                 "the formulas need Microsoft 365 or Excel 2021 or newer; the Analyze button "
                 "works in every version", required=False)


def _formula(app: Any, book: Any, machine: Machine) -> Check:
    from ..machine import FIX, NA, OK, Check, addin_folder
    from .udfs import WINRATE
    from .xlam import ADDIN_FILENAME

    name = "A formula (=WINRATE)"
    if machine.system != "Windows":
        return Check(name, NA, "the formulas are Windows-only (classic xlwings formulas)",
                     required=False)
    folder = addin_folder(machine)
    addin = folder / ADDIN_FILENAME if folder is not None else None
    if addin is None or not addin.is_file():
        return Check(name, FIX, "the add-in is not installed", "run the installer again")
    app.books.open(str(addin))
    deals = book.sheets["Deals"]
    address = deals.used_range.address.replace("$", "")
    cell = book.sheets["winloss-xl check"]["C1"]
    cell.formula = f"=WINRATE(Deals!{address})"
    app.calculate()
    got = cell.value
    want = WINRATE(deals.used_range.options(ndim=2).value)
    if isinstance(got, (int, float)) and math.isclose(got, want, abs_tol=1e-9):
        return Check(name, OK, f"=WINRATE over the demo gives {got:.1%}, as in Python")
    return Check(name, FIX, f"=WINRATE gave {got!r} (Python gives {want!r})",
                 "turn on 'Trust access to the VBA project object model' and run the installer "
                 "again, so that it imports the formulas into the add-in")
