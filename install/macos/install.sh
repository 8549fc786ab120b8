#!/usr/bin/env bash
# Install (or remove) winloss-xl and its Excel "Win/Loss" ribbon add-in for the current user.
#
#   install/macos/install.sh               install, or bring an install up to date
#   install/macos/install.sh --uninstall   remove the add-in and the Python environment
#   install/macos/install.sh --dry-run     print what would be done, change nothing
#
# Safe to run again: every step checks what is already there.
#   1. a private Python environment in ~/.winloss-xl/venv (a path without spaces:
#      Excel for Mac starts Python through the shell with the path unquoted)
#   2. the add-in winloss_xl.xlam in Excel's startup folder, plus the xlwings AppleScript
#      Excel needs to run Python (rebuilt when winloss-xl, xlwings or Python changed)
#   3. the workbook template at ~/Documents/WinLoss.xlsx (never overwritten)
#   4. a check of the result: winloss-xl doctor
#
# Environment: WINLOSS_HOME (install folder, no spaces), WINLOSS_SOURCE (what to pip
# install), PYTHON (the Python 3.11+ to build the environment with).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WINLOSS_HOME="${WINLOSS_HOME:-$HOME/.winloss-xl}"
# where versions before 0.2 installed (its path has a space, which the add-in cannot use)
OLD_HOME="$HOME/Library/Application Support/winloss-xl"
VENV="$WINLOSS_HOME/venv"
CLI="$VENV/bin/winloss-xl"
TEMPLATE="$HOME/Documents/WinLoss.xlsx"
STARTUP="$HOME/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
PYTHON="${PYTHON:-python3}"
if [[ -z "${WINLOSS_SOURCE:-}" ]]; then
  if [[ -f "$REPO/pyproject.toml" ]]; then WINLOSS_SOURCE="$REPO"; else WINLOSS_SOURCE="winloss-xl"; fi
fi

MODE="install"
DRY=0
for arg in "$@"; do
  case "$arg" in
    --uninstall) MODE="uninstall" ;;
    --dry-run) DRY=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

say()  { printf '  %s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
stop() { printf '\nStopped: %s\n' "$*" >&2; exit 1; }
run()  {
  if [[ $DRY -eq 1 ]]; then printf '  would run: %s\n' "$*"; else "$@"; fi
}

excel_running() {
  [[ $DRY -eq 0 ]] && pgrep -x "Microsoft Excel" >/dev/null 2>&1
}

if [[ "$MODE" == "uninstall" ]]; then
  step "Removing winloss-xl"
  if excel_running; then stop "Excel is open. Please quit Excel first (Cmd-Q), then run this again."; fi
  if [[ -x "$CLI" || $DRY -eq 1 ]]; then
    run "$CLI" addin remove || stop "the add-in could not be removed (see above)."
  elif [[ -f "$STARTUP/winloss_xl.xlam" ]]; then
    run rm -f "$STARTUP/winloss_xl.xlam"
    say "Removed the add-in."
  else
    say "The add-in was not installed."
  fi
  if [[ -d "$VENV" || $DRY -eq 1 ]]; then
    run rm -rf "$VENV"
    say "Removed the Python environment: $VENV"
  fi
  say "Your workbooks (including $TEMPLATE) were left as they are."
  say "The xlwings AppleScript in ~/Library/Application Scripts/com.microsoft.Excel stays:"
  say "other xlwings add-ins may use it."
  printf '\nDone. Restart Excel and the Win/Loss tab is gone.\n'
  exit 0
fi

step "1/4  Python environment"
if excel_running; then stop "Excel is open. Please quit Excel first (Cmd-Q), then run this again."; fi
case "$WINLOSS_HOME" in
  *[[:space:]]*) stop "WINLOSS_HOME ($WINLOSS_HOME) contains a space. Excel for Mac cannot start a Python whose path has one: choose a folder without spaces, such as ~/.winloss-xl." ;;
esac
if [[ -d "$OLD_HOME/venv" ]]; then
  say "An earlier install is in $OLD_HOME (a path with a space, which the add-in cannot use)."
  run rm -rf "$OLD_HOME/venv"
  say "Removed its Python environment; the new one goes to $VENV."
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  command -v "$PYTHON" >/dev/null 2>&1 || stop "Python 3.11 or newer is needed: install it from https://www.python.org, then run this again."
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
    || stop "Python 3.11 or newer is needed (found $("$PYTHON" -V 2>&1)). Install it from https://www.python.org."
  run mkdir -p "$WINLOSS_HOME"
  run "$PYTHON" -m venv "$VENV"
  say "Created $VENV"
else
  say "Using $VENV"
fi
run "$VENV/bin/python" -m pip install --quiet --upgrade pip
run "$VENV/bin/python" -m pip install --quiet --upgrade "$WINLOSS_SOURCE" \
  || stop "installing winloss-xl from $WINLOSS_SOURCE failed (see above)."
say "winloss-xl is installed."

step "2/4  Excel add-in (Win/Loss tab)"
run "$CLI" addin install || stop "the add-in could not be installed (see above)."
say "Cell formulas such as =WINRATE_BY(...) are Windows-only: classic xlwings formulas do not"
say "run in Excel for Mac. On the Mac, use the Analyze button; it writes the same tables."

step "3/4  Workbook template"
if [[ -f "$TEMPLATE" ]]; then
  say "Kept your existing $TEMPLATE"
else
  run mkdir -p "$HOME/Documents"
  run "$CLI" template -o "$TEMPLATE" || stop "the template could not be written to $TEMPLATE"
  say "Template: $TEMPLATE"
fi

step "4/4  Check"
run "$CLI" doctor || say "winloss-xl doctor found something to fix (the FIX lines above say what)."

printf '\nDone. Quit and restart Excel (Cmd-Q), open %s,\n' "$TEMPLATE"
printf 'paste your deals into the Deals sheet and click Win/Loss > Analyze.\n'
printf 'The first time, Excel asks to enable macros and to let the add-in run a script: allow both.\n'
printf 'To remove everything later: %s --uninstall\n' "$0"
