"""What the report benchmarks (bench_rankings.py, bench_rewards.py) share: the demo ledger's
day and rounds, the ``--ledger/--contracts/--keep/--year`` arguments, building the demo ledger
when none is given, the count of the year's registered contracts, and timing a call."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broker_desk import demo  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

TODAY = dt.date(2026, 6, 15)
ROUNDS = 5


def timed(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` and the seconds it took."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def arguments(description: str) -> argparse.ArgumentParser:
    """A parser with ``--ledger``, ``--contracts``, ``--keep`` and ``--year`` (last year by default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--ledger", type=Path, help="use this ledger instead of building one")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the ledger here and keep it")
    parser.add_argument("--year", type=int, default=TODAY.year - 1)
    return parser


def ledger_file(args, out: Path) -> Path:
    """``--ledger``, else a demo ledger of ``--contracts`` (seed 1, around :data:`TODAY`) built at
    ``--keep`` or in ``out``; exits when the file to build exists."""
    if args.ledger:
        return args.ledger
    path = args.keep or out / "bench.brokerdesk"
    if path.exists():
        sys.exit(f"{path} exists; choose a new file or pass it with --ledger")
    with Ledger.open(path) as ledger:
        _, seconds = timed(demo.generate, ledger, args.contracts, seed=1, today=TODAY)
    print(f"demo build: {args.contracts:,} contracts in {seconds:.1f} s")
    return path


def registered_in(ledger, year: int) -> int:
    """How many contracts were registered (and are still 已登记) in ``year``."""
    return ledger.conn.execute(
        "SELECT count(*) FROM contracts WHERE status = '已登记' AND registered_on BETWEEN ? AND ?",
        [f"{year}-01-01", f"{year}-12-31"]).fetchone()[0]
