"""Benchmark of money after signing on a 100,000-contract demo ledger (issue 18).

    python3 bench/bench_money.py [--ledger PATH] [--contracts 100000] [--year Y] [--out FILE.xlsx]

1. The demo ledger is built at PATH (default /tmp/money100k.brokerdesk) when missing, timed, with
   the share of the money records (demo_money.generate) in it.
2. 佣金对账单 of every broker for a year (default: last year) to .xlsx: computing the statements
   and writing the workbook. Goal ≤ 5 s.
3. The contract editor of a contract with a plan and receipts, opened (built, shown, painted) N
   times, median — with its 付款与佣金 tab and, for comparison, without it (today's editor, the
   tab replaced by an empty widget). Goal: as fast as today's editor.

Run the window part with QT_QPA_PLATFORM=offscreen (set here when no display is given).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broker_desk import commission, demo, demo_money  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

GOAL_STATEMENTS_SECONDS = 5.0


def build(path: Path, contracts: int) -> None:
    spent = {}
    original = demo_money.generate

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent["money"] = time.perf_counter() - start

    demo_money.generate = timed
    start = time.perf_counter()
    with Ledger.open(path) as led:
        counts = demo.generate(led, contracts, seed=1)
    demo_money.generate = original
    print(f"demo build: {time.perf_counter() - start:.1f} s for {contracts:,} contracts "
          f"(money records {spent.get('money', 0):.2f} s of it: {counts['payment_plan']:,} plan items, "
          f"{counts['receipt']:,} receipts, {counts['commission_payout']:,} payouts)")


def statements(path: Path, year: int, out: Path) -> None:
    from broker_desk.reports import commission as report

    with Ledger.open(path, create=False) as led:
        start = time.perf_counter()
        found = commission.statements(led, year)
        computed = time.perf_counter() - start
        report.write_xlsx(led, found, out)
        total = time.perf_counter() - start
    lines = sum(len(s.lines) for s in found)
    verdict = "OK" if total <= GOAL_STATEMENTS_SECONDS else "OVER"
    print(f"statements {year}: {len(found)} brokers, {lines:,} lines: computed {computed:.2f} s, "
          f"with .xlsx {total:.2f} s (goal ≤ {GOAL_STATEMENTS_SECONDS:g} s: {verdict}) → {out}")


def editor(path: Path, rounds: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QApplication, QWidget

    from broker_desk.gui import contract_editor
    from broker_desk.gui.app import apply_style, load_fonts

    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with Ledger.open(path, create=False) as led:
        cid = led.conn.execute(
            "SELECT c.id FROM contracts c WHERE (SELECT count(*) FROM payment_plans p WHERE p.contract_id = c.id) >= 3 "
            "AND (SELECT count(*) FROM receipts r WHERE r.contract_id = c.id) >= 2 "
            "AND EXISTS (SELECT 1 FROM contract_brokers b WHERE b.contract_id = c.id) ORDER BY c.id LIMIT 1").fetchone()[0]

        cpu: list[float] = []

        def open_once() -> float:
            start, start_cpu = time.perf_counter(), time.process_time()
            e = contract_editor.ContractEditor(led, cid)
            e.show()
            e.tabs.setCurrentIndex(e.tabs.count() - 1)  # the tab a person looks at here
            app.processEvents()
            e.repaint()
            took = time.perf_counter() - start
            cpu.append(time.process_time() - start_cpu)
            e.dirty = False
            e.close()
            e.deleteLater()
            app.processEvents()
            return took

        def median(label: str) -> float:
            open_once()  # warm up
            cpu.clear()
            times = [open_once() for _ in range(rounds)]
            m = statistics.median(times)
            print(f"contract editor {label}: median {m * 1000:.0f} ms, p90 "
                  f"{sorted(times)[int(0.9 * (len(times) - 1))] * 1000:.0f} ms over {rounds} opens "
                  f"(CPU median {statistics.median(cpu) * 1000:.0f} ms: a shared machine's figure to compare)")
            return m

        with_tab = median("with 付款与佣金 (plan, receipts, commission)")
        real = contract_editor.MoneyPanel

        class Empty(QWidget):  # the editor as it was: no money tab content
            changed = Signal(object)

            def __init__(self, *args, **kwargs):
                super().__init__()

        contract_editor.MoneyPanel = Empty
        try:
            without = median("without it (today's editor)")
        finally:
            contract_editor.MoneyPanel = real
        print(f"editor with the money tab / without: {with_tab / without:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "money100k.brokerdesk")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bench_commission.xlsx")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if not args.ledger.exists():
        build(args.ledger, args.contracts)
    statements(args.ledger, args.year, args.out)
    editor(args.ledger, args.rounds)


if __name__ == "__main__":
    main()
