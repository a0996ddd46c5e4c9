"""The bulk writer: batches written in a thread, in order, inside the caller's transaction; a batch
that fails stops the rest and fails the import, which then leaves the ledger as it was."""

from __future__ import annotations

import gc
import sqlite3
import threading

import pytest

from broker_desk import demo
from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger
from broker_desk.ledger.bulk import BulkWriter, SyncingConnection, WriteFailed, gc_paused
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook
from broker_desk.workbook.importing import run as importing_run


@pytest.fixture
def conn(tmp_path):
    c = sqlite3.connect(tmp_path / "t.db", isolation_level=None, check_same_thread=False)
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, fen INTEGER, note TEXT) STRICT")
    yield c
    c.close()


def test_batches_are_written_in_order_with_their_types(conn):
    writer = BulkWriter(conn)
    conn.execute("BEGIN")
    writer.insert("t", ["id", "name", "fen", "note"], [(1, "甲“引号”\n换行", 12_500_000_000, None)])
    writer.insert("t", ["name", "id"], [("乙", 2), ("丙\\", 3)])
    proxy = SyncingConnection(conn, writer)
    assert proxy.execute("SELECT id, name, fen, typeof(fen), note FROM t ORDER BY id").fetchall() == [
        (1, "甲“引号”\n换行", 12_500_000_000, "integer", None), (2, "乙", None, "null", None),
        (3, "丙\\", None, "null", None)]
    conn.execute("ROLLBACK")
    writer.close()
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # all inside the caller's transaction


def test_columns_with_one_value_for_every_row_are_given_once(conn):
    writer = BulkWriter(conn)
    conn.execute("BEGIN")
    many = [(i, f"名{i}") for i in range(1, 1001)]  # statements of 512, 256, …, 8 rows: the writer's thread
    writer.insert("t", ["id", "name"], many, same={"note": "同一", "fen": 7})
    writer.insert("t", ["id"], [(2001,)], same={"name": "单", "fen": None})  # a row at once, on this thread
    rows = SyncingConnection(conn, writer).execute("SELECT id, name, fen, note FROM t ORDER BY id").fetchall()
    assert rows == [(i, f"名{i}", 7, "同一") for i in range(1, 1001)] + [(2001, "单", None, None)]
    conn.execute("CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, op INTEGER, uid TEXT)")
    writer.insert("log", ["uid"], [(f"u{i:04}",) for i in range(1000, 0, -1)], same={"op": 3})
    writer.sync()  # the rows take their ids in the order given (the change log's order)
    assert conn.execute("SELECT op, uid FROM log ORDER BY id").fetchall() == [(3, f"u{i:04}") for i in range(1000, 0, -1)]
    conn.execute("ROLLBACK")
    writer.close()


def test_a_failed_batch_stops_the_rest_and_is_reported_at_the_next_sync(conn):
    writer = BulkWriter(conn)
    conn.execute("BEGIN")
    writer.insert("t", ["id", "name"], [(1, "甲")])
    writer.insert("t", ["id", "name"], [(2, None)])  # NOT NULL
    writer.insert("t", ["id", "name"], [(3, "丙")])
    with pytest.raises(WriteFailed, match="NOT NULL"):
        writer.sync()
    with pytest.raises(WriteFailed):
        writer.insert("t", ["id", "name"], [(4, "丁")])
    assert [i for (i,) in conn.execute("SELECT id FROM t")] == [1]
    conn.execute("ROLLBACK")
    writer.close()


def test_a_few_rows_for_an_idle_writer_are_written_at_once_and_a_big_batch_in_its_thread(conn, monkeypatch):
    threads = []
    write = BulkWriter._write

    def recorded(self, table, columns, rows, same, values):
        threads.append((len(rows), threading.current_thread() is threading.main_thread()))
        write(self, table, columns, rows, same, values)

    monkeypatch.setattr(BulkWriter, "_write", recorded)
    writer = BulkWriter(conn)
    conn.execute("BEGIN")
    writer.insert("t", ["id", "name"], [(1, "甲")])  # a money row's record: no hand-over to wait for
    writer.insert("t", ["id", "name"], [(i, "乙") for i in range(2, 1002)])
    writer.insert("t", ["id", "name"], [(1002, None)])  # NOT NULL: behind the big batch, in the thread
    with pytest.raises(WriteFailed, match="NOT NULL"):
        writer.sync()
    assert threads == [(1, True), (1000, False), (1, False)]
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1001
    conn.execute("ROLLBACK")
    writer.close()


def test_a_failed_write_of_a_few_rows_is_reported_at_the_next_sync_and_stops_the_rest(conn):
    writer = BulkWriter(conn)
    conn.execute("BEGIN")
    writer.insert("t", ["id", "name"], [(1, None)])  # NOT NULL, written at once: said as the thread's failures are
    with pytest.raises(WriteFailed, match="NOT NULL"):
        writer.sync()
    with pytest.raises(WriteFailed, match="NOT NULL"):
        writer.insert("t", ["id", "name"], [(2, "乙")])
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    conn.execute("ROLLBACK")
    writer.close()


def test_an_import_whose_write_fails_leaves_the_ledger_as_it_was(tmp_path, monkeypatch):
    with Ledger.open(tmp_path / "source.brokerdesk") as source:
        demo.generate(source, 30, seed=5)
        export_workbook(source, tmp_path / "book.xlsx")
    statement = BulkWriter.statement

    def broken(table, columns, rows, same=()):
        sql = statement(table, columns, rows, same)
        return sql.replace("registration_events (", "registration_events (no_such_column, ") if \
            table == "registration_events" else sql

    monkeypatch.setattr(BulkWriter, "statement", staticmethod(broken))
    with Ledger.open(tmp_path / "target.brokerdesk") as ledger:
        with pytest.raises(BrokerDeskError) as caught:
            import_workbook(ledger, tmp_path / "book.xlsx")
        assert caught.value.code == "import.write_failed" and "book.xlsx" in str(caught.value)
        counts = [ledger.count(e) for e in ("broker", "client", "achievement", "contract", "registration_event")]
        assert counts == [0, 0, 0, 0, 0]
        assert ledger.undo_label() is None


@pytest.fixture
def collector():
    """The garbage collector as the test found it, running again afterwards whatever happened."""
    was = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was else gc.disable()


def test_the_collector_is_paused_for_a_bulk_job_and_runs_again_after_the_last(collector):
    first, second = gc_paused(), gc_paused()
    with first:
        assert not gc.isenabled()
        with second:
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer job still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the job failed")
    assert gc.isenabled()
    gc.disable()  # off before: left off
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_jobs_in_two_threads_leave_the_collector_running_only_when_both_are_done(collector):
    inside, leave = threading.Event(), threading.Event()

    def job():
        with gc_paused():
            inside.set()
            leave.wait(5)

    other = threading.Thread(target=job)
    with gc_paused():
        other.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's job is still running
    leave.set()
    other.join(5)
    assert gc.isenabled()


def test_an_import_runs_with_the_collector_paused_and_leaves_it_running(tmp_path, monkeypatch, collector):
    with Ledger.open(tmp_path / "source.brokerdesk") as source:
        demo.generate(source, 30, seed=5)
        export_workbook(source, tmp_path / "book.xlsx")
    seen, run = [], importing_run.Import.run

    def running(self):
        seen.append(gc.isenabled())
        return run(self)

    monkeypatch.setattr(importing_run.Import, "run", running)
    with Ledger.open(tmp_path / "target.brokerdesk") as ledger:
        result = import_workbook(ledger, tmp_path / "book.xlsx")
        assert result.written and ledger.count("contract") == 30
    assert seen == [False] and gc.isenabled()


def test_none_is_bound_as_null_through_the_adapter_registry(conn):
    """None is found among sqlite3's adapters (a failed ``__adapt__`` lookup otherwise formats an
    error for every None bound) and still lands as NULL."""
    import broker_desk.ledger.core  # noqa: F401 - registers it

    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)](None) is None
    conn.execute("INSERT INTO t (id, name, fen, note) VALUES (?, ?, ?, ?)", (1, "甲", None, None))
    assert conn.execute("SELECT typeof(fen), note IS NULL FROM t").fetchone() == ("null", 1)
