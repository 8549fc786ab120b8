"""Regenerate docs/report-changes.png: the Changes sheet of the Maven report (2017 Q4 against Q3).

    python docs/render_changes.py MAVEN_FOLDER [--out docs/report-changes.png] [--dpi 150]
                                  [--top 0.8]

MAVEN_FOLDER holds the Maven CRM sample's sales_pipeline.csv and accounts.csv. Steps:
``winloss-xl analyze`` (default periods: the latest complete quarter, 2017 Q4, against the
one before) -> headless LibreOffice -> PDF -> ``pdftoppm`` (the Changes sheet's first page,
found by its heading) -> cropped to the content, and to its top part (``--top``: the title,
the note, the rate and mix chart and the drivers table). Needs ``soffice``, ``pdftoppm`` and
``pdftotext``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from render_screenshot import _crop, _first_page_with, report_pdf

HERE = Path(__file__).resolve().parent


def render(maven: Path, out: Path, dpi: int = 150, top: float = 0.8) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf = report_pdf(["analyze", str(maven / "sales_pipeline.csv"), "--accounts",
                          str(maven / "accounts.csv")], work / "maven.xlsx")
        first = _first_page_with(pdf, "What changed, and did our actions work?")
        _crop(pdf, first, dpi, work, out, top=top)  # the upper part of the page
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("maven", type=Path, help="folder with sales_pipeline.csv and accounts.csv")
    parser.add_argument("--out", type=Path, default=HERE / "report-changes.png")
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--top", type=float, default=0.8, help="share of the page height kept")
    args = parser.parse_args()
    print(render(args.maven, args.out, args.dpi, args.top))


if __name__ == "__main__":
    main()
