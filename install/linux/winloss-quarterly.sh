#!/usr/bin/env bash
# winloss-quarterly.sh - the quarterly win/loss report, non-interactive (cron, systemd timer).
#
# Picks the newest deals export in EXPORT_DIR, analyses the deals that closed in the last
# complete calendar quarter (analyze --period <year>Q<n>), writes REPORT_DIR/<year>-Q<n>.xlsx,
# appends to a log file, and exits non-zero when anything fails.
#
#   winloss-quarterly.sh [EXPORT_DIR [REPORT_DIR]]
#
# Settings (environment; arguments win over WINLOSS_EXPORT_DIR / WINLOSS_REPORT_DIR):
#   WINLOSS_EXPORT_DIR  folder the CRM export lands in          (default: ./exports)
#   WINLOSS_REPORT_DIR  folder for the reports                  (default: ./reports)
#   WINLOSS_LOG         log file                                (default: REPORT_DIR/winloss-quarterly.log)
#   WINLOSS_BIN         the winloss-xl command                  (default: winloss-xl on PATH)
#   WINLOSS_QUARTER     the quarter to report, e.g. 2025-Q3     (default: last complete quarter)
#   WINLOSS_TODAY       the day the run counts as, YYYY-MM-DD  (default: today; for re-runs, tests)
#   WINLOSS_ARGS        extra analyze options, e.g. "--accounts /data/accounts.csv --config /etc/winloss.toml"
#   WINLOSS_TEMPLATE    a restyled template workbook (analyze --template)
#   WINLOSS_RUN_ID      the run id on the report and its log lines (default: systemd's
#                       INVOCATION_ID when run as a service, else a random one)
#
# Exit codes: 0 done; 3 the export cannot be analysed; 1 or 2 usage/bug; 66 no export found;
# 73 the report folder cannot be created; 75 another run holds the lock.
set -euo pipefail

EXPORT_DIR="${1:-${WINLOSS_EXPORT_DIR:-./exports}}"
REPORT_DIR="${2:-${WINLOSS_REPORT_DIR:-./reports}}"
BIN="${WINLOSS_BIN:-winloss-xl}"
if [[ -z "${WINLOSS_RUN_ID:-}" && -n "${INVOCATION_ID:-}" ]]; then
    export WINLOSS_RUN_ID="$INVOCATION_ID"   # systemd's id of this run, carried into the report
fi

mkdir -p "$REPORT_DIR" || exit 73
LOG="${WINLOSS_LOG:-$REPORT_DIR/winloss-quarterly.log}"

log() { printf '%s winloss-quarterly: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$LOG"; }
fail() { local code=$1; shift; log "FAILED: $*"; echo "winloss-quarterly: $*" >&2; exit "$code"; }

# one run at a time
exec 9>>"$REPORT_DIR/.winloss-quarterly.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    fail 75 "another run is in progress"
fi

# the last complete quarter: the one before the quarter that holds today
# (run on the 2nd of Jan/Apr/Jul/Oct -> the quarter just ended)
if [[ -n "${WINLOSS_QUARTER:-}" ]]; then
    QUARTER="$WINLOSS_QUARTER"
    [[ "$QUARTER" =~ ^[0-9]{4}-Q[1-4]$ ]] || fail 2 "WINLOSS_QUARTER must look like 2025-Q3, got '$QUARTER'"
else
    TODAY="${WINLOSS_TODAY:-$(date +%Y-%m-%d)}"
    [[ "$TODAY" =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ ]] \
        || fail 2 "WINLOSS_TODAY must look like 2026-01-02, got '$TODAY'"
    year=$((10#${BASH_REMATCH[1]}))
    month=$((10#${BASH_REMATCH[2]}))
    (( month >= 1 && month <= 12 )) || fail 2 "WINLOSS_TODAY has no month ${BASH_REMATCH[2]}: '$TODAY'"
    q=$(( (month - 1) / 3 ))          # quarter before the current one, 0 = Q4 of last year
    if (( q == 0 )); then q=4; year=$((year - 1)); fi
    QUARTER="${year}-Q${q}"
fi
PERIOD="${QUARTER/-/}"               # 2025-Q3 -> 2025Q3, as analyze --period reads it

[[ -d "$EXPORT_DIR" ]] || fail 66 "export folder '$EXPORT_DIR' does not exist"
# newest export by modification time; skip hidden files and Excel lock files (~$...)
EXPORT=$(find "$EXPORT_DIR" -maxdepth 1 -type f \
            \( -iname '*.csv' -o -iname '*.tsv' -o -iname '*.txt' -o -iname '*.xlsx' -o -iname '*.xlsm' \
               -o -iname '*.json' \) ! -name '.*' ! -name '~$*' -printf '%T@ %p\n' \
         | sort -n | tail -n 1 | cut -d' ' -f2-)
[[ -n "$EXPORT" ]] || fail 66 "no export (.csv .tsv .txt .xlsx .xlsm .json) in '$EXPORT_DIR'"

OUT="$REPORT_DIR/$QUARTER.xlsx"
log "start: export '$(basename "$EXPORT")', deals closed in $PERIOD -> '$OUT'"

args=(analyze "$EXPORT" --period "$PERIOD" -o "$OUT")
if [[ -n "${WINLOSS_TEMPLATE:-}" ]]; then args+=(--template "$WINLOSS_TEMPLATE"); fi
if [[ -n "${WINLOSS_ARGS:-}" ]]; then
    read -r -a extra <<<"$WINLOSS_ARGS"
    args+=("${extra[@]}")
fi

set +e
"$BIN" "${args[@]}" </dev/null >>"$LOG" 2>&1
status=$?
set -e
if (( status != 0 )); then
    fail "$status" "winloss-xl exited with $status (see $LOG)"
fi
log "done: $OUT"
