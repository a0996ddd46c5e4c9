"""Benchmark of reward estimates (issue 18) on a 100,000-contract demo ledger.

    python3 bench/bench_rewards.py [--ledger PATH] [--contracts 100000] [--keep PATH] [--year 2025]

Without --ledger it builds a demo ledger (seed 1, laid out around 2026-06-15) in a temporary
folder, or at --keep. For every shipped policy (``policies/``) it prints the time of the
year's estimate (first run, then the median of five) and of its Excel and PDF reports.
Goal (issue 18): each estimate <= 1 s.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from demo_bench import ROUNDS, arguments, ledger_file, registered_in, timed

from broker_desk import policy, rewards
from broker_desk.ledger import Ledger
from broker_desk.reports import rewards as report

GOAL = 1.0


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--no-files", action="store_true", help="time the estimates only")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    out = Path(folder.name)
    path = ledger_file(args, out)

    failed = False
    with Ledger.open(path, create=False) as ledger:
        registered = registered_in(ledger, args.year)
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
