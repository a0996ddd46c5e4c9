"""Benchmark of the paperwork (PDF forms from templates) on a demo ledger.

    python3 bench/bench_paperwork.py [--contracts 5000] [--batch 1000] [--ledger PATH] [--keep-pdf PATH]

Prints: one 技术合同登记表 rendered warm (median of 20, and each of the five forms once),
a batch of registration forms for 1,000 registered contracts into one PDF (time,
pages, kB per page), and the 登记合同汇总表 of a busy year.
Goals (issue 5): one form warm <= 0.25 s; a batch of 1,000 <= 11 s; <= 10 kB per page.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broker_desk import demo, paperwork  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

GOAL_ONE, GOAL_BATCH, GOAL_KB = 0.25, 11.0, 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=5000, help="demo contracts to build (default 5000)")
    parser.add_argument("--batch", type=int, default=1000, help="registration forms in the batch (default 1000)")
    parser.add_argument("--ledger", type=Path, help="use (or build and keep) this demo ledger")
    parser.add_argument("--keep-pdf", type=Path, help="keep the batch PDF here")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.ledger or Path(folder.name) / "bench.brokerdesk"
    if not path.exists():
        start = time.perf_counter()
        with Ledger.open(path) as ledger:
            demo.generate(ledger, args.contracts, seed=1)
        print(f"demo build: {args.contracts:,} contracts in {time.perf_counter() - start:.1f} s")

    verdicts = []
    with Ledger.open(path, create=False) as ledger:
        ids = [r[0] for r in ledger.conn.execute(
            "SELECT id FROM contracts WHERE status = '已登记' ORDER BY registered_on, reg_no")]
        if len(ids) < args.batch:
            sys.exit(f"the ledger has {len(ids)} registered contracts; the batch needs {args.batch}")
        one = ids[len(ids) // 2]

        start = time.perf_counter()
        paperwork.render(ledger, "技术合同登记表", io.BytesIO(), contract_ids=[one])
        cold = time.perf_counter() - start
        times = []
        for _ in range(20):
            start = time.perf_counter()
            paperwork.render(ledger, "技术合同登记表", io.BytesIO(), contract_ids=[one])
            times.append(time.perf_counter() - start)
        warm = statistics.median(times)
        print(f"one 技术合同登记表: first {cold * 1000:.0f} ms (fonts, template), warm median {warm * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms")
        verdicts.append(("one form warm", warm, GOAL_ONE, "s"))
        for form in ("技术合同认定登记申请表", "技术性收入核定表", "技术经纪服务确认书"):
            paperwork.render(ledger, form, io.BytesIO(), contract_ids=[one], allow_blank=True)
            start = time.perf_counter()
            buffer = io.BytesIO()
            paperwork.render(ledger, form, buffer, contract_ids=[one], allow_blank=True)
            print(f"one {form}: warm {(time.perf_counter() - start) * 1000:.0f} ms, "
                  f"{len(buffer.getvalue()) / 1000:.0f} kB")

        batch = ids[:args.batch]
        target = args.keep_pdf or Path(folder.name) / "batch.pdf"
        start = time.perf_counter()
        result = paperwork.render(ledger, "技术合同登记表", target, contract_ids=batch)
        seconds = time.perf_counter() - start
        size = target.stat().st_size
        per_page = size / 1000 / result.pages
        print(f"batch: {result.contracts:,} 技术合同登记表, {result.pages:,} pages in one PDF in {seconds:.2f} s "
              f"({seconds / result.pages * 1000:.1f} ms/page); {size / 1e6:.2f} MB, {per_page:.1f} kB/page")
        verdicts.append(("batch of 1,000", seconds, GOAL_BATCH, "s"))
        verdicts.append(("size per page", per_page, GOAL_KB, "kB"))

        year = ledger.conn.execute("SELECT substr(registered_on, 1, 4) y FROM contracts WHERE status = '已登记' "
                                   "GROUP BY y ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        start = time.perf_counter()
        buffer = io.BytesIO()
        result = paperwork.render(ledger, "登记合同汇总表", buffer, period=year)
        print(f"登记合同汇总表 {year}: {result.contracts:,} contracts, {result.pages} pages in "
              f"{time.perf_counter() - start:.2f} s, {len(buffer.getvalue()) / 1000 / result.pages:.1f} kB/page")

    print()
    for name, value, goal, unit in verdicts:
        print(f"{name:<16} {value:8.2f} {unit:<3} goal <= {goal:g} {unit:<3} {'met' if value <= goal else 'NOT MET'}")


if __name__ == "__main__":
    main()
