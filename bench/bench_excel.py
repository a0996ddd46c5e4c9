"""Benchmark of the canonical workbook on a 100,000-contract demo ledger: export,
and (once broker_desk.workbook.importer can) import into an empty ledger and re-import.

    python3 bench/bench_excel.py [--ledger PATH] [--contracts 100000] [--out FILE.xlsx] [--year Y]

The ledger is built at PATH (default /tmp/xl100k.brokerdesk, ~20 s) when the file
does not exist and reused after. Each step runs in a child process of its own,
timed there; its peak memory is the child's maximum resident set size as the
parent sees it (``resource.getrusage(RUSAGE_CHILDREN)`` in a small meter process
that waits for nothing else).
Goals (issue 4): export ≤ 22 s, import ≤ 10 s, peak memory ≤ 500 MB, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broker_desk import backup, demo  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

GOAL_EXPORT_SECONDS = 22
GOAL_PEAK_MB = 500
GOAL_IMPORT_SECONDS = 10


# -- the steps, each run in a child: `bench_excel.py --step NAME ARG...` --------------------

def step_export(ledger_path: str, out: str, year: str = "") -> dict:
    from broker_desk.workbook.export import export_workbook

    with Ledger.open(ledger_path, create=False) as ledger:
        written = export_workbook(ledger, out, year=int(year) if year else None)
    return {"rows": written}


def step_import_empty(workbook: str, ledger_path: str) -> dict:
    """Hook: import the exported workbook into a new, empty ledger."""
    from broker_desk.workbook import importer

    with Ledger.open(ledger_path) as ledger:
        result = importer.import_workbook(ledger, workbook)
    return {"result": _summary(result)}


def step_reimport(workbook: str, ledger_path: str) -> dict:
    """Hook: import the workbook again into the ledger it came from (everything unchanged)."""
    from broker_desk.workbook import importer

    with Ledger.open(ledger_path, create=False) as ledger:
        result = importer.import_workbook(ledger, workbook)
    return {"result": _summary(result)}


def _summary(result) -> str:
    summaries = getattr(result, "summaries", None)
    return repr(summaries if summaries is not None else result)[:400]


STEPS = {"export": step_export, "import-empty": step_import_empty, "reimport": step_reimport}


def run_child_step(name: str, args: list[str]) -> None:
    start = time.perf_counter()
    info = STEPS[name](*args)
    info["seconds"] = time.perf_counter() - start
    print(json.dumps(info, ensure_ascii=False, default=str))


def meter(name: str, args: list[str]) -> None:
    """Run one step as our only child; print its output with its peak memory added."""
    child = subprocess.run([sys.executable, __file__, "--step", name, *args], capture_output=True, text=True)
    if child.returncode != 0:
        print(json.dumps({"error": (child.stderr.strip().splitlines() or ["?"])[-1]}, ensure_ascii=False))
        return
    info = json.loads(child.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    info["peak_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    info["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # a fairer figure when other work shares the cores
    print(json.dumps(info, ensure_ascii=False))


def measure(name: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--meter", name, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the benchmark ------------------------------------------------------------------------

def ensure_ledger(path: Path, contracts: int) -> None:
    if path.exists():
        with Ledger.open(path, create=False) as ledger:
            have = ledger.count("contract")
        print(f"ledger: {path} ({have:,} contracts, reused)")
        return
    start = time.perf_counter()
    with Ledger.open(path) as ledger:
        demo.generate(ledger, contracts, seed=1)
    print(f"ledger: {path} ({contracts:,} contracts, built in {time.perf_counter() - start:.1f} s)")


def bench_export(ledger: Path, out: Path, year: int | None) -> None:
    info = measure("export", str(ledger), str(out), str(year or ""))
    if "error" in info:
        print(f"export: FAILED: {info['error']}")
        return
    verdict = "ok" if info["seconds"] <= GOAL_EXPORT_SECONDS and info["peak_mb"] <= GOAL_PEAK_MB else "OVER GOAL"
    rows = ", ".join(f"{name} {count:,}" for name, count in info["rows"].items())
    print(f"export{f' --year {year}' if year else ''}: {info['seconds']:.1f} s, peak {info['peak_mb']:.0f} MB, "
          f"{out.stat().st_size / 2**20:.1f} MB file ({rows}) [{verdict}; goal ≤ {GOAL_EXPORT_SECONDS} s, "
          f"≤ {GOAL_PEAK_MB} MB]")


def importer_available() -> bool:
    try:
        from broker_desk.workbook import importer
    except ImportError:
        return False
    return hasattr(importer, "import_workbook")


def bench_import(workbook: Path, source: Path, folder: Path) -> None:
    """Import timings: into an empty ledger, then the same workbook into (a copy of) the ledger it came from."""
    if not importer_available():
        print("import: not available yet")
        return
    copy = folder / "reimport.brokerdesk"  # re-import writes: a copy keeps the benchmark repeatable
    with Ledger.open(source, create=False) as ledger:
        backup.copy(ledger, copy)
    for label, info in (
            ("import into an empty ledger", measure("import-empty", str(workbook), str(folder / "empty.brokerdesk"))),
            ("re-import (unchanged)", measure("reimport", str(workbook), str(copy)))):
        if "error" in info:
            print(f"{label}: FAILED: {info['error']}")
        else:
            verdict = ("ok" if info["seconds"] <= GOAL_IMPORT_SECONDS and info["peak_mb"] <= GOAL_PEAK_MB
                       else "OVER GOAL")
            print(f"{label}: {info['seconds']:.1f} s ({info['cpu_seconds']:.1f} s CPU), peak {info['peak_mb']:.0f} MB "
                  f"[{verdict}; goal ≤ {GOAL_IMPORT_SECONDS} s, ≤ {GOAL_PEAK_MB} MB]  {info.get('result', '')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path("/tmp/xl100k.brokerdesk"))
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="the exported workbook (default: a temporary file)")
    parser.add_argument("--year", type=int, help="also time an export of one year")
    parser.add_argument("--no-import", action="store_true", help="skip the import timings")
    args = parser.parse_args()
    ensure_ledger(args.ledger, args.contracts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = args.out or folder / "export.xlsx"
        bench_export(args.ledger, out, None)
        if args.year:
            bench_export(args.ledger, folder / "year.xlsx", args.year)
        if not args.no_import:
            bench_import(out, args.ledger, folder)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--step":
        run_child_step(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 2 and sys.argv[1] == "--meter":
        meter(sys.argv[2], sys.argv[3:])
    else:
        main()
