"""Regenerate docs/report-summary.png (the demo report's Summary sheet as LibreOffice prints
it) and docs/report-patterns.png (the first printed page of the Patterns sheet).

    python docs/render_screenshot.py [--out docs/report-summary.png] [--dpi 110]

Steps: ``winloss-xl demo`` -> headless LibreOffice -> PDF -> ``pdftoppm`` (the sheet's first
page, found with ``pdftotext``) -> cropped to the content. Needs ``soffice``, ``pdftoppm`` and
``pdftotext`` (poppler-utils); uses a private LibreOffice profile in a temp folder.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _bbox(ppm: bytes, margin: int) -> tuple[int, int, int, int]:
    """Bounding box (x, y, w, h) of the non-white pixels of a binary PPM (P6), plus a margin."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6", "expected a binary PPM"
    width, height, data = int(parts[1]), int(parts[2]), parts[4]
    stride = width * 3
    rows = [y for y in range(height) if data[y * stride:(y + 1) * stride].strip(b"\xff")]
    if not rows:
        return 0, 0, width, height
    top, bottom = rows[0], rows[-1]
    left, right = width, 0
    for y in range(top, bottom + 1):
        line = data[y * stride:(y + 1) * stride]
        stripped = line.lstrip(b"\xff")
        if not stripped:
            continue
        left = min(left, (len(line) - len(stripped)) // 3)
        right = max(right, (len(line.rstrip(b"\xff")) - 1) // 3)
    x0, y0 = max(left - margin, 0), max(top - margin, 0)
    x1, y1 = min(right + margin, width - 1), min(bottom + margin, height - 1)
    return x0, y0, x1 - x0 + 1, y1 - y0 + 1


def _first_page_with(pdf: Path, heading: str) -> int:
    """The number of the first PDF page whose text starts a sheet with ``heading``."""
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), 1):
        if page.strip().startswith(heading):
            return number
    return 1


def _crop(pdf: Path, page_no: int, dpi: int, work: Path, out: Path, top: float = 1.0) -> None:
    """Page ``page_no`` of ``pdf`` as a PNG cropped to its content (and to its upper ``top``
    share of that)."""
    page = ["-f", str(page_no), "-l", str(page_no), "-r", str(dpi)]
    ppm = subprocess.run([shutil.which("pdftoppm") or "pdftoppm", *page, str(pdf)], check=True,
                         capture_output=True).stdout
    x, y, w, h = _bbox(ppm, margin=int(dpi * 0.25))
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", *page, "-png", "-singlefile", "-x",
                    str(x), "-y", str(y), "-W", str(w), "-H", str(int(h * top)), str(pdf),
                    str(work / "page")], check=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(work / "page.png", out)


def report_pdf(arguments: list[str], report: Path) -> Path:
    """Run ``winloss-xl ARGUMENTS -o REPORT`` and print the report to a PDF beside it with
    headless LibreOffice (a private profile in the same folder); returns the PDF's path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        sys.exit("needs soffice (LibreOffice), pdftoppm and pdftotext (poppler-utils) on PATH")
    work = report.parent
    subprocess.run([sys.executable, "-m", "winloss_xl", "-q", *arguments, "-o", str(report)],
                   check=True)
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(report)],
                   check=True, capture_output=True, timeout=240)
    return report.with_suffix(".pdf")


def render(out: Path, dpi: int = 110) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf = report_pdf(["demo"], work / "winloss-demo.xlsx")
        _crop(pdf, 1, dpi, work, out)
        _crop(pdf, _first_page_with(pdf, "Patterns:"), dpi, work, out.with_name("report-patterns.png"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "report-summary.png")
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args()
    print(render(args.out, args.dpi))


if __name__ == "__main__":
    main()
