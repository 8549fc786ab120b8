"""Title-reader benchmark: 100,000 distinct job titles read cold, as the report reads them.

The titles are made from real-world pieces in the languages the tables cover: a level
word ("VP", "Leiterin", "Directrice", "Kierownik"), a function word or phrase ("Sales",
"Einkauf", "des achats", "ds. Sprzedaży"), and a qualifier or region ("EMEA", "Nord",
"II", "(interim)"), some as compounds ("Vertriebsleiterin"), some combined titles
("Geschäftsführer (CFO)"), assistants and deputies, each title distinct. Seed 7.

- **cold**: a new reader (empty cache) reads every title once through
  ``engine.titles.classify_titles``, the report's path (one read per distinct title);
  the word tables are loaded before timing (the first import does that once).
- **tables**: loading and compiling the word tables once.
- **O*NET**: when the O*NET alternate titles sit beside the repository
  (``../shared/data/onet-titles``, or ``--onet DIR``), the same cold read of their ~43,000
  distinct real titles, scaled to 100,000. (O*NET 27.0 Database, USDOL/ETA, CC BY 4.0.)

Target: cold <= 2 s for 100,000 distinct titles. Prints wall and CPU time (median of
``--repeat`` runs), the load average and pass/fail.

Run from the repository root: ``python benchmarks/bench_titles.py [--titles N] [--repeat R]``.
The same script runs on the reader before issue 18 (it falls back to that module's
cache), which is how docs/benchmarks.md gives a before figure.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ONET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "onet-titles"

LEVELS = ["VP", "SVP", "Director", "Head of", "Senior Manager", "Manager", "Lead", "Specialist",
          "Leiter", "Leiterin", "Teamleiterin", "Directeur", "Directrice", "Responsable",
          "Director de", "Gerente de", "Jefa de", "Diretor de", "Direttore", "Responsabile",
          "Hoofd", "Manager", "Direktør", "Chef", "Kierownik", "Dyrektor ds.", "Deputy",
          "Stellvertretende Leiterin", "Assistant to the", "Chief", "Analyst", "Engineer"]
FUNCTIONS = ["Sales", "Marketing", "Finance", "IT", "Procurement", "Purchasing", "Operations",
             "Legal", "HR", "People", "Product", "Customer Success", "Security", "Data",
             "Vertrieb", "Einkauf", "Finanzen", "Personal", "Logistik", "Controlling",
             "des achats", "commercial", "financier", "informatique", "Ventas", "Compras",
             "Finanzas", "Sistemas", "Vendas", "Suprimentos", "Vendite", "Acquisti",
             "Inkoop", "Verkoop", "ICT", "Salg", "Indkøb", "Økonomi", "Sprzedaży", "Zakupów",
             "Business Development", "Supply Chain", "Information Security", "FP&A",
             "Revenue Operations", "Talent Acquisition", "Key Accounts", "Data & Analytics"]
QUALIFIERS = ["EMEA", "DACH", "Nord", "Süd", "West", "APAC", "LATAM", "Benelux", "Nordics",
              "Iberia", "Global", "Regional", "II", "III", "(interim)", "& Strategy",
              "/ Prokurist", "(CFO)", "- Mittelstand", "Enterprise", "SMB", "Public Sector"]
COMPOUND_HEADS = ["vertriebs", "einkaufs", "finanz", "personal", "produktions", "logistik",
                  "försäljnings", "inköps", "ekonomi", "salgs", "indkøbs", "innkjøps"]
COMPOUND_TAILS = ["leiter", "leiterin", "chef", "direktor", "direktør", "sjef", "managerin",
                  "referentin", "mitarbeiter", "assistentin"]


def make_titles(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct real-world-style titles."""
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        kind = rng.random()
        if kind < 0.15:
            head = rng.choice(COMPOUND_HEADS) + rng.choice(COMPOUND_TAILS)
            title = f"{head.capitalize()} {rng.choice(QUALIFIERS)} {rng.randrange(1, 40)}"
        else:
            title = f"{rng.choice(LEVELS)} {rng.choice(FUNCTIONS)} {rng.choice(QUALIFIERS)}"
            if kind > 0.85:
                title += f" {rng.choice(QUALIFIERS)} {rng.randrange(1, 90)}"
        out.add(title)
    return sorted(out)


def _cold_reader():
    """A function that empties the title cache, for this and the older reader."""
    from winloss_xl.engine import titles as tt

    if not hasattr(tt, "get_reader"):  # the reader before issue 18
        return tt.parse_title.cache_clear
    from winloss_xl.titles import reader as new_reader

    new_reader._default_table()  # tables loaded once, outside the timing

    def clear() -> None:
        new_reader.reader_for.cache_clear()

    return clear


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--onet", type=Path, default=ONET,
                        help="folder with O*NET's 'Alternate Titles.txt' (optional)")
    args = parser.parse_args(argv)

    import pandas as pd

    from winloss_xl.engine import titles as tt

    t0 = time.perf_counter()
    clear = _cold_reader()
    tables = time.perf_counter() - t0
    titles = pd.Series(make_titles(args.titles), dtype="object")
    walls, cpus = [], []
    for _ in range(args.repeat):
        clear()
        w, c = time.perf_counter(), time.process_time()
        out = tt.classify_titles(titles)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    other = float((out["persona"] == "Other").mean())
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"titles: {len(titles):,} distinct; read as Other: {other:.1%}")
    print(f"tables loaded in {tables:.3f} s (once per process)")
    print(f"cold read: wall {wall:.3f} s, CPU {cpu:.3f} s (median of {args.repeat}; "
          f"runs {', '.join(f'{x:.3f}' for x in walls)}); load average {load:.1f}")
    onet = args.onet / "Alternate Titles.txt"
    if onet.exists():
        with open(onet, encoding="utf-8", newline="") as fh:
            real = pd.Series(sorted({r["Alternate Title"] for r in csv.DictReader(fh, delimiter="\t")}),
                             dtype="object")
        walls, cpus = [], []
        for _ in range(args.repeat):
            clear()
            w, c = time.perf_counter(), time.process_time()
            tt.classify_titles(real)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        scale = 100_000 / len(real)
        print(f"O*NET: {len(real):,} distinct real titles: wall {statistics.median(walls):.3f} s, "
              f"CPU {statistics.median(cpus):.3f} s; per 100,000: wall "
              f"{statistics.median(walls) * scale:.3f} s, CPU {statistics.median(cpus) * scale:.3f} s")
    ok = wall <= 2.0
    print(f"target cold <= 2 s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
