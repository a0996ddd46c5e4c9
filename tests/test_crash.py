"""A kill during a large write leaves the ledger as it was: integrity ok, no
half-written contract, nothing of the interrupted action visible."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from broker_desk.check import run as check
from broker_desk.ledger import Ledger

WRITER = textwrap.dedent("""
    import sys
    from broker_desk.ledger import Ledger
    led = Ledger.open(sys.argv[1])
    buyer, seller = int(sys.argv[2]), int(sys.argv[3])
    with led.operation("op.demo", contracts=0) as op:
        for i in range(1_000_000):
            cid = op.insert("contract", {"contract_no": f"K-{i}", "title": "写到一半的合同", "category": "技术服务",
                                         "subtype": "技术服务", "buyer_id": buyer, "seller_id": seller,
                                         "signed_on": "2025-01-01", "amount_fen": 100, "deductions_fen": 0,
                                         "status": "草稿"})
            op.insert("registration_event", {"contract_id": cid, "from_status": "草稿", "to_status": "待提交",
                                              "on_date": "2025-01-02"})
            if i == 2000:
                print("writing", flush=True)
""")


def _state(path):
    with Ledger.open(path, create=False) as led:
        assert led.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        report = check(led)
        assert report.healthy, report.problems
        return (led.count("contract"), led.count("registration_event"),
                led.conn.execute("SELECT count(*) FROM ops").fetchone()[0],
                led.conn.execute("SELECT count(*) FROM changes").fetchone()[0],
                led.conn.execute("SELECT count(*) FROM contract_search").fetchone()[0])


def test_kill_during_a_large_write(tmp_path, make, ledger):
    buyer, seller = make.client(), make.client(name="卖方大学", nature="高等院校")
    make.contract(buyer_id=buyer, seller_id=seller)
    path = ledger.path
    ledger.close()
    before = _state(path)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(buyer), str(seller)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _state(path) == before
    with Ledger.open(path) as led:
        assert led.conn.execute("SELECT count(*) FROM contracts WHERE title = '写到一半的合同'").fetchone()[0] == 0


DEMO = textwrap.dedent("""
    import sys, time
    from broker_desk import demo
    from broker_desk.ledger import Ledger

    def progress(fraction, message):
        if message == "links":  # inside the transaction: contracts written, links not yet
            print("in transaction", flush=True)
            time.sleep(5)

    with Ledger.open(sys.argv[1]) as led:
        demo.generate(led, 20000, seed=1, progress=progress if sys.argv[2] == "pause" else None)
""")


@pytest.mark.parametrize("when", ["pause", 1.0])
def test_kill_during_demo_leaves_nothing_or_everything(tmp_path, when):
    path = tmp_path / "demo.brokerdesk"
    Ledger.open(path).close()
    proc = subprocess.Popen([sys.executable, "-c", DEMO, str(path), str(when)], stdout=subprocess.PIPE, text=True)
    if when == "pause":
        assert proc.stdout.readline().strip() == "in transaction"
    else:
        time.sleep(when)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    contracts, events, ops, changes, search = _state(path)
    assert contracts in (0, 20000)
    assert search == contracts
    assert (ops == 0) == (contracts == 0)


IMPORT = textwrap.dedent("""
    import sys, time
    from broker_desk.ledger import Ledger
    from broker_desk.workbook.importer import import_workbook
    from broker_desk.workbook.importing import rules

    rules.JOURNAL_ROWS = 10  # (from 5,000 rows normally)
    told = []

    def progress(fraction, message):
        if fraction > 0.6 and not told:  # deep in the transaction, pages already in the file
            told.append(led.conn.execute("PRAGMA journal_mode").fetchone()[0])
            print("importing", told[0], flush=True)
            time.sleep(30)

    with Ledger.open(sys.argv[1]) as led:
        led.conn.execute("PRAGMA cache_size = 20")  # pages go into the file early (as a large import's do)
        import_workbook(led, sys.argv[2], progress=progress)
""")


def test_kill_during_a_large_import_leaves_the_ledger_as_it_was(tmp_path, demo_ledger, make, ledger):
    """The import is kept by a rollback journal (see bulk.rollback_journal): killed half-way,
    the journal left behind is rolled back when the ledger is opened next."""
    from broker_desk.workbook.export import export_workbook

    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    make.contract()
    path = ledger.path
    ledger.close()
    before, size = _state(path), path.stat().st_size
    proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(path), str(book)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "importing delete"
    assert path.with_name(path.name + "-journal").exists()
    assert path.stat().st_size > size  # pages written into the file itself already
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _state(path) == before
    with Ledger.open(path) as led:
        assert led.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert led.count("contract") == 1
