"""Benchmark of the window on a 100,000-contract ledger.

    python3 bench/bench_window.py [--ledger PATH] [--contracts 100000]

Prints: time from process start to the main window painted with the contract
list, the time from a keystroke in the search box to the table updated and
repainted (p50/p95 over Chinese and code queries typed one key at a time), and
the process's peak memory. Goals (issue 3): ≤ 0.8 s, ≤ 50 ms, ≤ 250 MB.

Run it under a display (Xvfb) or with QT_QPA_PLATFORM=offscreen. Without
--ledger it builds the demo ledger first (in a child process, so its memory
does not count) and keeps it in /tmp for the next run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["华创", "研究院", "新能源", "科技有限", "9111", "JS2024", "锂电池", "有限公司"]


def process_age() -> float:
    """Seconds since this process was created (Linux: /proc/self/stat)."""
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def build(path: Path, contracts: int) -> None:
    code = ("import sys; from broker_desk.ledger import Ledger; from broker_desk import demo; "
            "led = Ledger.open(sys.argv[1]); demo.generate(led, int(sys.argv[2]), seed=1); led.close()")
    subprocess.run([sys.executable, "-c", code, str(path), str(contracts)], check=True, cwd=ROOT)


def measure(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("BROKER_DESK_HOME", "/tmp/bench-window-home")
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtTest import QTest

    from broker_desk.gui.app import create_app
    from broker_desk.gui.startup import Controller

    app = create_app([sys.argv[0]])
    painted: dict[str, float] = {}

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "list" not in painted:
                painted["list"] = process_age()
            return False

    controller = Controller()
    controller.daily_backup = lambda: None  # measured separately: a backup is not part of opening
    from broker_desk.gui.prefs import settings
    settings().setValue("main/page", 1)  # open on the contract list
    watch = PaintWatch()
    import broker_desk.gui.lists as lists_module
    original = lists_module.ListPage.__init__

    def hooked(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.entity == "contract":
            self.table.viewport().installEventFilter(watch)
    lists_module.ListPage.__init__ = hooked
    controller.open(path)
    deadline = time.monotonic() + 20
    while "list" not in painted and time.monotonic() < deadline:
        app.processEvents()
    print(f"process start → contract list painted: {painted.get('list', float('nan')):.3f} s "
          f"({controller.ledger.count('contract'):,} contracts)")

    page = controller.window.pages["contract"]
    idle_until = time.monotonic() + 1.0  # a person looks at the list a moment before typing
    while time.monotonic() < idle_until:
        app.processEvents()
        time.sleep(0.01)
    times = []
    for query in QUERIES:
        page.search.clear()
        app.processEvents()
        page._prepare()  # what the idle timer does after the box is cleared
        for ch in query:
            t = time.perf_counter()
            if ch.isascii():
                QTest.keyClicks(page.search, ch)
            else:  # what an input method does when it commits a character
                page.search.insert(ch)
            page.table.viewport().repaint()
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            if os.environ.get("BENCH_VERBOSE"):
                print(f"  {page.search.text()!r}: {times[-1]:.1f} ms, {page.model.rowCount()} rows")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"search keystroke → table repainted: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1]:.1f} ms over {len(times)} keystrokes")
    # scrolling far fetches pages lazily
    t = time.perf_counter()
    page.search.clear()
    app.processEvents()
    for fraction in (0.25, 0.5, 0.75, 1.0):
        page.table.scrollTo(page.model.index(int(page.model.rowCount() * fraction) - 1, 0))
        page.table.viewport().repaint()
        app.processEvents()
    print(f"jump through the 100,000-row list (4 jumps): {(time.perf_counter() - t) * 1000:.0f} ms, "
          f"rows cached {len(page.model._rows)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")
    controller.close_ledger(backup_on_close=False)
    sys.stdout.flush()
    os._exit(0)  # skip tearing Qt down object by object: nothing is left to save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path("/tmp/bench-window-100k.brokerdesk"))
    parser.add_argument("--contracts", type=int, default=100_000)
    args = parser.parse_args()
    if not args.ledger.exists():
        print(f"building {args.contracts:,}-contract demo ledger at {args.ledger} …", flush=True)
        build(args.ledger, args.contracts)
    if os.environ.get("BENCH_WINDOW_CHILD"):
        measure(args.ledger)
    else:  # measure in a fresh process, so that its age is the window's start-up alone
        env = dict(os.environ, BENCH_WINDOW_CHILD="1")
        sys.exit(subprocess.run([sys.executable, __file__, "--ledger", str(args.ledger)], env=env).returncode)


if __name__ == "__main__":
    main()
