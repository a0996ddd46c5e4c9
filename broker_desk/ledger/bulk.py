"""Writing many rows while the caller goes on working.

A bulk import spends much of its time in SQLite inserting rows it has already
checked. :class:`BulkWriter` hands those inserts to a thread of its own, each
batch as ``INSERT … VALUES (…), (…), …`` statements of as many rows as SQLite
takes parameters: the parameters are bound at once and SQLite inserts the rows
without holding Python's lock, so the import checks the next rows on the other
core meanwhile. (``executemany`` would take the lock back after every row and
gain nothing; a batch as JSON taken apart by ``json_each`` costs SQLite three
times the work.) Everything stays inside the caller's transaction, on the
caller's connection.

While a writer runs, no other statement may run on that connection before
:meth:`BulkWriter.sync` — :class:`SyncingConnection` makes sure of it by
syncing before any statement of its own.
"""

from __future__ import annotations

import functools
import gc
import itertools
import queue
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

_STOP = object()
_FAILED = object()  # a batch written at once failed (see insert)
#: Rows in one INSERT statement at most (fewer when SQLite takes fewer parameters).
_MOST_ROWS = 512
#: Rows written at once on the caller's thread when the writer is idle (fewer than this): handing a
#: row or two over (waking the writer, then waiting for it at the next query, as the money sheets'
#: rows do one by one) costs more than writing them.
_AT_ONCE = 32
#: Seconds a thread holds Python's lock before handing it to a waiting one, while a writer runs.
_SWITCH_INTERVAL = 0.0005


class WriteFailed(Exception):
    """A queued batch could not be written (``error`` says why); the transaction must be dropped."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


class BulkWriter:
    """Inserts batches of rows in a thread, in the order given, on ``conn``."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._parameters = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._queue: queue.Queue = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._abandoned = False
        # Each statement needs Python's lock back to bind the next one's parameters; the thread
        # checking rows holds it for up to the switch interval (5 ms) before handing it over.
        # Handed over sooner, the writer keeps up (an import writes thousands of statements).
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, _SWITCH_INTERVAL))
        self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
        self._thread.start()

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def statement(table: str, columns: Sequence[str], rows: int, same: Sequence[str] = ()) -> str:
        """``INSERT INTO table (columns) VALUES`` with ``rows`` rows of parameters; with ``same``
        columns, ``… SELECT *, ?, … FROM (VALUES …)``: their values come first, once for every row
        (a placeholder numbered ``?NNN`` would do as well, but Python's sqlite3 asks every
        parameter's name, a search through all of them, before binding)."""
        row = f"({', '.join('?' * len(columns))})"
        values = f"VALUES {', '.join([row] * rows)}"
        if not same:
            return f"INSERT INTO {table} ({', '.join(columns)}) {values}"
        return f"INSERT INTO {table} ({', '.join([*columns, *same])}) SELECT *, {', '.join('?' * len(same))} FROM ({values})"

    def insert(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]],
               same: dict[str, Any] | None = None) -> None:
        """Queue ``rows`` (values in ``columns`` order: text, integers or None) for ``table``;
        ``same``: columns with one value for every row (bound once a statement, not once a row)."""
        if self._error is not None:
            raise WriteFailed(self._error)
        if not rows:
            return
        item = (table, tuple(columns), rows, tuple(same or ()), tuple((same or {}).values()))
        if len(rows) < _AT_ONCE and not self._queue.unfinished_tasks:  # idle (only this thread adds work)
            try:
                self._write(*item)
            except Exception as e:  # noqa: BLE001 - the writer takes it for its own: reported at the next sync
                self._queue.put((_FAILED, e))
            return
        self._queue.put(item)

    def _write(self, table: str, columns: tuple[str, ...], rows: list[Sequence[Any]], same: tuple[str, ...],
               values: tuple) -> None:
        """``rows`` as statements of a power of two rows each (a few sizes per table, each
        prepared once and cached: a statement of thousands of parameters takes megabytes)."""
        size = 1 << (min((self._parameters - len(same)) // len(columns), _MOST_ROWS).bit_length() - 1)
        start = 0
        while start < len(rows):
            while len(rows) - start < size:
                size >>= 1
            run = rows[start:start + size]
            self.conn.execute(self.statement(table, columns, size, same), [*values, *itertools.chain.from_iterable(run)])
            start += size

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None and not self._abandoned:  # after a failure the rest is dropped
                    if item[0] is _FAILED:
                        raise item[1]
                    self._write(*item)
            except BaseException as e:  # noqa: BLE001 - handed to the caller at its next sync
                self._error = e
            finally:
                self._queue.task_done()

    def sync(self) -> None:
        """Wait until every queued batch is written; raise :class:`WriteFailed` for the first
        failure (and again at every later sync: nothing more is written after one)."""
        self._queue.join()
        if self._error is not None:
            raise WriteFailed(self._error)

    def close(self, abandon: bool = False) -> None:
        """Stop the thread once the queue is done; ``abandon`` drops what is still queued (the
        caller is giving up its transaction). The statement being run is always let finish."""
        self._abandoned = self._abandoned or abandon
        self._queue.put(_STOP)
        self._thread.join()
        sys.setswitchinterval(self._interval)


class SyncingConnection:
    """Stands in for a connection while a :class:`BulkWriter` uses it: every statement first
    waits for the writer, so the caller sees (and never races) what it queued."""

    def __init__(self, conn: sqlite3.Connection, writer: BulkWriter):
        self._conn, self._writer = conn, writer

    def execute(self, *args, **kwargs):
        self._writer.sync()
        return self._conn.execute(*args, **kwargs)

    def executemany(self, *args, **kwargs):
        self._writer.sync()
        return self._conn.executemany(*args, **kwargs)

    def cursor(self, *args, **kwargs):
        self._writer.sync()
        return self._conn.cursor(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


_paused = 0        # bulk jobs under way with the cyclic garbage collector paused
_restart = False   # whether it was running before the first of them
_pausing = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a bulk job runs (running again when the
    last one ends, if it ran before). Such a job keeps hundreds of thousands of rows and steps
    alive while it makes millions more objects, and every full collection would go through all
    of them again: a 100,000-contract import spent a fifth of its time so. What a bulk job
    throws away goes by reference count; the few cycles it may leave wait for the next
    collection after it."""
    global _paused, _restart
    with _pausing:
        if _paused == 0:
            _restart = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pausing:
            _paused -= 1
            if _paused == 0 and _restart:
                gc.enable()


@contextmanager
def rollback_journal(conn: sqlite3.Connection) -> Iterator[bool]:
    """A very large transaction (a bulk import) kept by a rollback journal instead of the ledger's
    write-ahead log, if no other connection has the ledger open; yields whether it is. In the log
    every page is written twice, there and then into the file when the log is checkpointed; with
    a rollback journal a page new to the file is written once, and only the pages the file had
    are copied aside (SQLite advises a rollback journal for transactions of some 100 MB and
    more). Synchronous FULL meanwhile, so that a power cut cannot spoil the file either; a crash
    or a kill leaves the journal, which the next opening rolls back. Other connections wait
    while the transaction writes (a log would let them read). The ledger's own mode after."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
    switched = False
    if mode == "wal":
        try:  # (refused at once, not waited for, when another connection has the file open)
            switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        except sqlite3.OperationalError:
            pass
    try:
        if switched:
            conn.execute("PRAGMA synchronous = FULL")
        yield switched
    finally:
        if switched:
            try:
                conn.execute(f"PRAGMA journal_mode = {mode}")
                conn.execute(f"PRAGMA synchronous = {synchronous}")
            except sqlite3.Error:  # (the next opening sets the log again)
                pass
