"""Benchmark of rankings and statistics (issue 6) on a 100,000-contract demo ledger.

    python3 bench/bench_rankings.py [--ledger PATH] [--contracts 100000] [--keep PATH] [--year 2025]

Without --ledger it builds a demo ledger (seed 1, laid out around 2026-06-15; ~20 s)
in a temporary folder, or at --keep. Prints the time of rankings by broker and by
institution and of the statistics for one year (first run, then the median of
five), and of the Excel and PDF exports of them.
Goal (issue 6): each computation <= 0.5 s on 2 cores.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from demo_bench import ROUNDS, TODAY, arguments, ledger_file, registered_in, timed

from broker_desk import rankings
from broker_desk import statistics as market
from broker_desk.ledger import Ledger
from broker_desk.reports import rankings as rankings_report


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    folder = tempfile.TemporaryDirectory()
    out = Path(folder.name)
    path = ledger_file(args, out)

    with Ledger.open(path, create=False) as ledger:
        total = ledger.count("contract")
        registered = registered_in(ledger, args.year)
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
