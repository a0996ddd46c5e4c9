"""Benchmark of reward estimates (issue 18) on a 100,000-contract demo ledger.

    python3 bench/bench_rewards.py [--ledger PATH] [--contracts 100000] [--keep PATH] [--year 2025]

Without --ledger it builds a demo ledger (seed 1, laid out around 2026-06-15) in a temporary
folder, or at --keep. For every shipped policy (``policies/``) it prints the time of the
year's estimate (first run, then the median of five) and of its Excel and PDF reports.
Goal (issue 18): each estimate <= 1 s.
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

from broker_desk import demo, policy, rewards  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402
from broker_desk.reports import rewards as report  # noqa: E402

TODAY = dt.date(2026, 6, 15)
ROUNDS = 5
GOAL = 1.0


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
    parser.add_argument("--no-files", action="store_true", help="time the estimates only")
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

    failed = False
    with Ledger.open(path, create=False) as ledger:
        registered = ledger.conn.execute(
            "SELECT count(*) FROM contracts WHERE registered_on BETWEEN ? AND ? AND status = '已登记'",
            [f"{args.year}-01-01", f"{args.year}-12-31"]).fetchone()[0]
        print(f"ledger: {ledger.count('contract'):,} contracts, {registered:,} registered in {args.year}")
        for info in policy.list_policies():
            chosen = policy.find(info.name)
            estimate, first = timed(rewards.estimate, ledger, chosen, args.year)
            runs = [timed(rewards.estimate, ledger, chosen, args.year)[1] for _ in range(ROUNDS)]
            median = statistics.median(runs)
            ok = max(first, median) <= GOAL
            failed |= not ok
            print(f"estimate {info.name}: first {first:.3f} s, median {median:.3f} s "
                  f"({len(estimate.lines):,} lines, {len(estimate.totals):,} beneficiaries, "
                  f"{estimate.total_fen / 100:,.2f} yuan) {'ok' if ok else 'OVER GOAL'}")
            if not args.no_files:
                for suffix in (".xlsx", ".pdf"):
                    _, seconds = timed(report.write, estimate, out / f"{info.name}{suffix}")
                    print(f"  {suffix}: {seconds:.2f} s")
    print(f"goal: each estimate <= {GOAL:.1f} s: {'met' if not failed else 'NOT met'}")


if __name__ == "__main__":
    main()
