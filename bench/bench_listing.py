"""Benchmark of the list queries (broker_desk.listing) on a 100,000-contract demo ledger.

    python3 bench/bench_listing.py [--ledger PATH] [--contracts 100000] [--rounds 20] [--without-0002]

The ledger is built at PATH (default /tmp/list100k.brokerdesk, ~17 s) when the
file does not exist and reused after. Prints p50/p95 of each list query and of
fetch_rows for a page of 200. ``--without-0002`` runs the same on a temporary
copy without the indexes of migration 0002 (what they buy).
Goal (issue 5): each contract list ≤ ~60 ms, a page of 200 rows ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broker_desk import demo, listing  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402
from broker_desk.listing import Filters  # noqa: E402

TODAY = dt.date.today()
CONTRACT_LISTS: dict[str, dict] = {
    "default order (signed ↓)": {},
    "text 科技": {"text": "科技"},
    "status 已登记": {"filters": Filters(status="已登记")},
    "sorted by amount ↓": {"sort_key": "amount_fen", "descending": True},
    # not in the goal, for comparison
    "text 中药有效成分": {"text": "中药有效成分"},
    "status 已受理": {"filters": Filters(status="已受理")},
    "text 大学 + status 已登记": {"text": "大学", "filters": Filters(status="已登记")},
    "category + year 2025": {"filters": Filters(category="技术服务", year=2025)},
    "registered in 2025": {"filters": Filters(registered_year=2025)},
    "overdue": {"filters": Filters(overdue=True)},
    "sorted by deadline": {"sort_key": "deadline"},
    "status 已登记, by amount": {"filters": Filters(status="已登记"), "sort_key": "amount_fen"},
    "sorted by title": {"sort_key": "title"},
    "sorted by buyer": {"sort_key": "buyer"},
    "sorted by brokers": {"sort_key": "brokers"},
}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def timed(label: str, run: Callable[[], object], rounds: int) -> None:
    run()  # the first run reads the pages in, as opening the window does
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(run())  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<34} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} {size:>10,}")


def without_0002(path: Path, folder: str) -> Path:
    """A copy of the ledger with the indexes of schema 1 only."""
    copy = Path(folder) / "v1-indexes.brokerdesk"
    shutil.copy(path, copy)
    with Ledger.open(copy) as ledger:
        ledger.conn.execute("DROP INDEX IF EXISTS contracts_listing")
        ledger.conn.execute("DROP INDEX IF EXISTS contracts_by_amount")
        ledger.conn.execute("CREATE INDEX IF NOT EXISTS contracts_signed ON contracts(signed_on)")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "list100k.brokerdesk")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--without-0002", action="store_true", help="measure without the listing indexes")
    args = parser.parse_args()
    if not args.ledger.exists():
        start = time.perf_counter()
        with Ledger.open(args.ledger) as ledger:
            demo.generate(ledger, args.contracts)
        print(f"built {args.ledger} ({args.contracts:,} contracts) in {time.perf_counter() - start:.1f} s")
    folder = tempfile.TemporaryDirectory()
    path = without_0002(args.ledger, folder.name) if args.without_0002 else args.ledger

    with Ledger.open(path) as ledger:
        n = ledger.count("contract")
        print(f"{path}: {n:,} contracts, schema {ledger.schema_version}"
              + (" without the 0002 indexes" if args.without_0002 else ""))
        print(f"{'list_ids (contracts)':<34} {'p50 ms':>8} {'p95 ms':>8} {'ids':>10}")
        for label, query in CONTRACT_LISTS.items():
            timed(label, lambda q=query: listing.list_ids(ledger, "contract", today=TODAY, **q), args.rounds)
        for entity in ("client", "achievement", "broker"):
            timed(f"{entity}s, default order", lambda e=entity: listing.list_ids(ledger, e), args.rounds)

        print(f"{'fetch_rows (200 ids)':<34} {'p50 ms':>8} {'p95 ms':>8} {'rows':>10}")
        ids = listing.list_ids(ledger, "contract")
        pages = [ids[i:i + 200] for i in range(0, len(ids), len(ids) // 10)][:10]
        found = listing.list_ids(ledger, "contract", "大学", sort_key="amount_fen")
        rounds = iter(range(10**9))
        timed("contracts, pages across the list", lambda: listing.fetch_rows(
            ledger, "contract", pages[next(rounds) % len(pages)], TODAY), args.rounds)
        timed("contracts, text 大学 by amount", lambda: listing.fetch_rows(ledger, "contract", found[:200]),
              args.rounds)
        for entity in ("client", "achievement", "broker"):
            page = listing.list_ids(ledger, entity)[:200]
            timed(f"{entity}s", lambda e=entity, p=page: listing.fetch_rows(ledger, e, p), args.rounds)
        print(f"{'facets':<34} {'p50 ms':>8} {'p95 ms':>8} {'brokers':>10}")
        timed("facets", lambda: listing.facets(ledger)["brokers"], args.rounds)
    folder.cleanup()


if __name__ == "__main__":
    main()
