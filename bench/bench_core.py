"""Benchmark of the ledger core on a 100,000-contract demo ledger.

    python3 bench/bench_core.py [--contracts 100000] [--keep PATH]

Prints: demo build time, search latency p50/p95 per query length (1, 2, 3 and
6 Chinese characters, and credit-code prefixes), and `check` time.
Goal (issue 2): search p95 <= 50 ms for every query length on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broker_desk import check, demo  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

QUERIES = {
    "1 char": ["华", "科", "新", "研", "药", "电", "海", "智", "京", "材"],
    "2 chars": ["新能", "大学", "科技", "研究", "电池", "检测", "生物", "北京", "智能", "材料"],
    "3 chars": ["新能源", "研究所", "生物医", "锂电池", "机器人", "有限公", "研究院", "传感器", "技术开", "工业大"],
    "6 chars": ["高性能锂电池", "工业机器人视", "技术转移中心", "新能源汽车热", "中药有效成分", "科技有限公司",
                "碳化硅功率器", "智慧农业物联", "稀土永磁材料", "可降解包装材"],
    "credit-code prefix": ["9111", "91440300", "12110", "9132", "913301", "12420100", "91510", "121", "9161", "91370"],
}
ROUNDS = 10


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the ledger here and keep it")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "bench.brokerdesk"
    if path.exists():
        sys.exit(f"{path} exists; choose a new file")

    start = time.perf_counter()
    with Ledger.open(path) as ledger:
        counts = demo.generate(ledger, args.contracts, seed=1)
    build = time.perf_counter() - start
    print(f"demo build: {args.contracts:,} contracts, {counts['registration_event']:,} registration steps "
          f"in {build:.1f} s ({path.stat().st_size / 2**20:.0f} MB)")

    with Ledger.open(path) as ledger:
        ledger.search("contract", "预热")  # first touch reads the pages in, as opening the window does
        print(f"{'query':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits (mean)':>12}")
        for kind, queries in QUERIES.items():
            times, hits = [], []
            for _ in range(ROUNDS):
                for q in queries:
                    t = time.perf_counter()
                    ids = ledger.search("contract", q)
                    times.append((time.perf_counter() - t) * 1000)
                    hits.append(len(ids))
            print(f"{kind:<20} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f} "
                  f"{max(times):8.1f} {statistics.mean(hits):12,.0f}")
        for entity, q in (("client", "科技"), ("achievement", "电池"), ("broker", "王")):
            t = time.perf_counter()
            n = len(ledger.search(entity, q))
            print(f"{entity + ' ' + q:<20} {(time.perf_counter() - t) * 1000:8.1f} ms  ({n} hits)")
        t = time.perf_counter()
        report = check.run(ledger)
        print(f"check: {time.perf_counter() - t:.2f} s, healthy={report.healthy}")
    folder.cleanup()


if __name__ == "__main__":
    main()
