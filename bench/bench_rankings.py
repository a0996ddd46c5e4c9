"""Benchmark of rankings and statistics (issue 6) on a 100,000-contract demo ledger.

    python3 bench/bench_rankings.py [--ledger PATH] [--contracts 100000] [--keep PATH] [--year 2025]

Without --ledger it builds a demo ledger (seed 1, laid out around 2026-06-15; ~20 s)
in a temporary folder, or at --keep. Prints the time of rankings by broker and by
institution and of the statistics for one year (first run, then the median of
five), and of the Excel and PDF exports of them.
Goal (issue 6): each computation <= 0.5 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broker_desk import demo, rankings  # noqa: E402
from broker_desk import statistics as market  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402
from broker_desk.reports import rankings as rankings_report  # noqa: E402

TODAY = dt.date(2026, 6, 15)
ROUNDS = 5


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, help="use this ledger instead of building one")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the ledger here and keep it")
    parser.add_argument("--year", type=int, default=TODAY.year - 1)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    out = Path(folder.name)
    if args.ledger:
        path = args.ledger
    else:
        path = args.keep or out / "bench.brokerdesk"
        if path.exists():
            sys.exit(f"{path} exists; choose a new file or pass it with --ledger")
        with Ledger.open(path) as ledger:
            _, seconds = timed(demo.generate, ledger, args.contracts, seed=1, today=TODAY)
        print(f"demo build: {args.contracts:,} contracts in {seconds:.1f} s")

    with Ledger.open(path, create=False) as ledger:
        total = ledger.count("contract")
        registered = ledger.conn.execute(
            "SELECT count(*) FROM contracts WHERE status = '已登记' AND registered_on BETWEEN ? AND ?",
            [f"{args.year}-01-01", f"{args.year}-12-31"]).fetchone()[0]
        print(f"ledger: {total:,} contracts; {registered:,} registered in {args.year}; "
              f"{ledger.count('broker'):,} brokers")
        jobs = {
            "ranking by broker": lambda: rankings.compute(ledger, args.year),
            "ranking by institution": lambda: rankings.compute(ledger, args.year, by="institution"),
            "statistics": lambda: market.compute(ledger, args.year, today=TODAY),
        }
        results = {}
        print(f"{'computation':<24} {'first s':>8} {'median s':>9} {'rows':>6}")
        for name, job in jobs.items():
            results[name], first = timed(job)
            times = [timed(job)[1] for _ in range(ROUNDS)]
            rows = getattr(results[name], "rows", None)
            shown = len(rows) if rows is not None else len(results[name].by_province)
            print(f"{name:<24} {first:8.3f} {statistics.median(times):9.3f} {shown:6}")

        stats = results["statistics"]
        print(f"{'export':<32} {'s':>6} {'size KB':>8}")
        for name in ("ranking by broker", "ranking by institution"):
            ranking = results[name]
            key = name.split()[-1]
            target = out / f"{key}.xlsx"
            _, seconds = timed(rankings_report.write_xlsx, ledger, ranking, stats, target)
            print(f"{'xlsx ' + key + ' + statistics':<32} {seconds:6.2f} {target.stat().st_size / 1024:8.0f}")
            target = out / f"{key}.pdf"
            _, seconds = timed(rankings_report.write_pdf, ledger, ranking, target)
            print(f"{'pdf ' + key:<32} {seconds:6.2f} {target.stat().st_size / 1024:8.0f}")
        target = out / "broker-stats.pdf"
        _, seconds = timed(rankings_report.write_pdf, ledger, results["ranking by broker"], target, statistics=stats)
        print(f"{'pdf broker + statistics':<32} {seconds:6.2f} {target.stat().st_size / 1024:8.0f}")
    folder.cleanup()


if __name__ == "__main__":
    main()
