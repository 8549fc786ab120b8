<#
.SYNOPSIS
  Installs (or removes) winloss-xl and its Excel "Win/Loss" ribbon add-in for the current user.

.DESCRIPTION
  Safe to run again at any time: every step checks what is already there.
    1. a private Python environment in %LOCALAPPDATA%\winloss-xl\venv with winloss-xl installed
    2. the add-in winloss_xl.xlam in Excel's startup folder (%APPDATA%\Microsoft\Excel\XLSTART),
       rebuilt automatically when winloss-xl, xlwings or Python changed
    3. the cell formulas (=WINRATE_BY(...), ...) imported into the add-in - this needs
       "Trust access to the VBA project object model" (checked, and explained if off; a
       policy set by IT overrides the user's own setting)
    4. the workbook template at Documents\WinLoss.xlsx (never overwritten)
    5. a check of the result: winloss-xl doctor

.PARAMETER Uninstall
  Remove the add-in and the private Python environment. Your workbooks are not touched.

.PARAMETER Source
  Where to install winloss-xl from: this repository (default, when run from a checkout) or a
  package name / wheel file.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install\windows\install.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install\windows\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    [switch]$Uninstall,
    [string]$Source = "",
    [string]$InstallDir = (Join-Path $env:LOCALAPPDATA "winloss-xl")
)

$ErrorActionPreference = "Stop"
$Venv = Join-Path $InstallDir "venv"
$Python = Join-Path $Venv "Scripts\python.exe"
$Cli = Join-Path $Venv "Scripts\winloss-xl.exe"
$AddinDir = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART"
$Addin = Join-Path $AddinDir "winloss_xl.xlam"
$Documents = [Environment]::GetFolderPath("MyDocuments")
$Template = Join-Path $Documents "WinLoss.xlsx"
$TrustKey = "HKCU:\Software\Microsoft\Office\16.0\Excel\Security"
# a policy (set by IT, Group Policy) overrides the user's own Trust Center setting
$PolicyKeys = @(
    "HKCU:\Software\Policies\Microsoft\Office\16.0\Excel\Security",
    "HKLM:\Software\Policies\Microsoft\Office\16.0\Excel\Security"
)

function Say([string]$Message) { Write-Host "  $Message" }
function Step([string]$Message) { Write-Host ""; Write-Host "== $Message" -ForegroundColor Cyan }
function Stop-WithMessage([string]$Message) {
    Write-Host ""
    Write-Host "Stopped: $Message" -ForegroundColor Yellow
    exit 1
}

function Get-AccessVBOM([string]$Key) {
    try { return (Get-ItemProperty -Path $Key -Name AccessVBOM -ErrorAction Stop).AccessVBOM }
    catch { return $null }
}

# $true / $false, and where the answer came from (the policy wins over the user setting)
function Test-VbaTrust {
    foreach ($key in $PolicyKeys) {
        $value = Get-AccessVBOM $key
        if ($null -ne $value) { return @(($value -eq 1), "policy $key") }
    }
    $value = Get-AccessVBOM $TrustKey
    return @(($value -eq 1), "setting $TrustKey")
}

function Assert-ExcelClosed {
    if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) {
        Stop-WithMessage "Excel is open. Please close Excel first (all windows), then run this again."
    }
}

# ------------------------------------------------------------------------------- uninstall
if ($Uninstall) {
    Step "Removing winloss-xl"
    Assert-ExcelClosed
    if (Test-Path $Cli) {
        & $Cli addin remove
        if ($LASTEXITCODE -ne 0) { Stop-WithMessage "the add-in could not be removed (see above)." }
    } elseif (Test-Path $Addin) {
        Remove-Item $Addin
        Say "Removed the add-in: $Addin"
    } else {
        Say "The add-in was not installed."
    }
    if (Test-Path $Venv) {
        Remove-Item -Recurse -Force $Venv
        Say "Removed the Python environment: $Venv"
    }
    Say "Your workbooks (including $Template) were left as they are."
    Write-Host ""
    Write-Host "Done. Restart Excel and the Win/Loss tab is gone." -ForegroundColor Green
    exit 0
}

# --------------------------------------------------------------------------------- install
Step "1/5  Python environment"
Assert-ExcelClosed
if (-not (Test-Path $Python)) {
    if (Get-Command py -ErrorAction SilentlyContinue) { $PyExe = "py"; $PyArgs = @("-3") }
    else { $PyExe = "python"; $PyArgs = @() }
    & $PyExe @PyArgs -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
    if ($LASTEXITCODE -ne 0) {
        Stop-WithMessage "Python 3.11 or newer is needed. Install it from https://www.python.org (tick 'Add python.exe to PATH'), then run this again."
    }
    New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
    & $PyExe @PyArgs -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Stop-WithMessage "could not create $Venv" }
    Say "Created $Venv"
} else {
    Say "Using $Venv"
}
if (-not $Source) {
    $repo = Resolve-Path (Join-Path $PSScriptRoot "..\..")
    $Source = if (Test-Path (Join-Path $repo "pyproject.toml")) { "$repo" } else { "winloss-xl" }
}
& $Python -m pip install --quiet --upgrade pip
& $Python -m pip install --quiet --upgrade "$Source"
if ($LASTEXITCODE -ne 0) { Stop-WithMessage "installing winloss-xl from $Source failed (see above)." }
Say "winloss-xl is installed."

Step "2/5  Excel add-in (Win/Loss tab)"
& $Cli addin install
if ($LASTEXITCODE -ne 0) { Stop-WithMessage "the add-in could not be installed (see above)." }

Step "3/5  Cell formulas (=WINRATE_BY, =DEAL_SUMMARY, ...)"
$trusted, $trustSource = Test-VbaTrust
if (-not $trusted -and $trustSource.StartsWith("policy")) {
    Say "Your organisation's policy ($trustSource) turns off 'Trust access to the VBA"
    Say "project object model', which the formulas need. Ask IT to allow it for you, then"
    Say "run this installer again. (The Analyze button works without it.)"
} elseif (-not $trusted) {
    Say "The formulas need one Excel setting turned on first:"
    Say "  Excel > File > Options > Trust Center > Trust Center Settings... > Macro Settings >"
    Say "  tick 'Trust access to the VBA project object model', click OK, close Excel,"
    Say "  then run this installer again. (The Analyze button works without it.)"
} else {
    $import = @'
import sys
import xlwings as xw
path = sys.argv[1]
app = xw.App(visible=False, add_book=False)
try:
    app.display_alerts = False
    book = app.books.open(path)
    # Excel refuses MacroOptions (the formulas' descriptions) on a hidden workbook, and an
    # add-in is hidden: make Excel and the workbook's window visible first, show the add-in
    # as a workbook while importing, then make it an add-in again
    app.visible = True
    book.api.IsAddin = False
    for window in book.api.Windows:
        window.Visible = True
    xw.import_udfs("winloss_xl.excel.udfs", book.api)
    book.api.IsAddin = True
    book.save()
    book.close()
finally:
    app.quit()
'@
    # run from a file: Windows PowerShell mangles quotes inside a -c argument
    $script = Join-Path $env:TEMP "winloss-xl-import-formulas.py"
    Set-Content -Path $script -Value $import -Encoding UTF8
    & $Python $script $Addin
    Remove-Item $script -ErrorAction SilentlyContinue
    if ($LASTEXITCODE -ne 0) {
        Say "The formulas could not be imported (see above). The Analyze button still works."
    } else {
        Say "Formulas imported into the add-in: WINRATE, WINRATE_BY, DEAL_SUMMARY, LOSS_REASONS,"
        Say "PERSONAS, KEY_DRIVERS, QUAL_THRESHOLD (Insert Function > category 'Win/Loss')."
        Say "They spill whole tables in Microsoft 365 and Excel 2021 or newer; Excel 2016 and"
        Say "2019 show only each table's top-left cell (use the Analyze button there)."
    }
}

Step "4/5  Workbook template"
if (Test-Path $Template) {
    Say "Kept your existing $Template"
} else {
    & $Cli template -o $Template
    if ($LASTEXITCODE -ne 0) { Stop-WithMessage "the template could not be written to $Template" }
    Say "Template: $Template"
}

Step "5/5  Check"
& $Cli doctor
if ($LASTEXITCODE -ne 0) { Say "winloss-xl doctor found something to fix (the FIX lines above say what)." }

Write-Host ""
Write-Host "Done. Start Excel, open $Template, paste your deals into the Deals sheet and click Win/Loss > Analyze." -ForegroundColor Green
Write-Host "To remove everything later: install.ps1 -Uninstall"
