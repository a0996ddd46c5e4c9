"""Writing in batches: new records wait in memory with the ids they will have and go to a
:class:`~broker_desk.ledger.bulk.BulkWriter` together (written on the other core while the import
checks the next rows); records a row needs at once (a party it names) are written at once."""

from __future__ import annotations

from contextlib import contextmanager

from ...errors import BrokerDeskError
from ...fields import TABLES
from ...ledger.bulk import BulkWriter, SyncingConnection, WriteFailed
from ...ledger.journal import new_uids
from . import rules  # its sizes are read as the import goes (tests change them)


@contextmanager
def writing(ledger, op, job):
    """New records go to a :class:`BulkWriter` (written on the other core while the import checks
    the next rows); every other statement of the import, the ledger's and the rules' first waits
    for it. A batch that cannot be written fails the import, which then writes nothing."""
    raw = ledger.conn
    writer = BulkWriter(raw)
    proxy = SyncingConnection(raw, writer)
    saved = ledger.db.conn, op.conn, job.conn
    ledger.conn = ledger.db.conn = op.conn = job.conn = proxy
    job.writer = writer
    try:
        yield
        writer.sync()
    except WriteFailed as e:
        writer.close(abandon=True)
        raise BrokerDeskError("import.write_failed", file=job.result.file, detail=str(e)) from None
    except BaseException:
        writer.close(abandon=True)
        raise
    else:
        writer.close()
    finally:
        ledger.conn = raw
        ledger.db.conn, op.conn, job.conn = saved
        job.writer = None



class Batches:
    """The import's writing stage (a part of :class:`~.run.Import`)."""

    # -- new records wait and are written together ------------------------------------------------
    def new_id(self, entity: str) -> int:
        """The id a new record will have (ids are given, so records can wait to be written)."""
        id_ = self.next_ids.get(entity)
        if id_ is None:
            table = TABLES[entity]
            if entity in self.still_empty:  # (the ledger holds none: no need to wait for the writer)
                seq, top = self.sequences_before.get(table), None
            else:
                seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
                seq, top = seq and seq[0], self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            id_ = max(seq or 0, top or 0) + 1
        self.next_ids[entity] = id_ + 1
        return id_

    def new_uid(self) -> str:
        """A new record's 记录ID, from a stock made a batch at a time (a tenth of the cost of
        making each alone; they sort in the order they are handed out, as one by one)."""
        stock = self.uid_stock
        if not stock:
            stock += reversed(new_uids(rules.UID_STOCK))
        return stock.pop()

    def flush(self) -> None:
        """Queue the records waiting to the writer (one statement per table); a constraint the checks did not
        foresee fails the whole import, which then writes nothing."""
        if not self.pending:
            return
        rows, entity = self.pending, self.pending_entity
        self.pending = []
        self.op.insert_many(entity, rows, self.writer)  # a batch that fails fails the import (see writing)
        if entity == "contract":
            self.write_events()  # the steps of the contracts just written

    def queue_new(self, entity: str, out: dict) -> int:
        """A new record of the sheet waits to be written with the others (see :meth:`flush`): its id."""
        id_ = out["id"] = self.new_id(entity)
        pending = self.pending
        pending.append(out)
        if len(pending) >= rules.BATCH:
            self.flush()
        return id_

    def record(self, entity: str, id_: int) -> dict:
        """The record as the ledger holds it — written first if it is one still waiting (an
        earlier row of this sheet brought it in)."""
        if entity == self.fetched_entity and id_ in self.fetched:
            return self.fetched[id_]
        pending = self.pending  # (their ids follow one another: see new_id)
        if pending and pending[0]["id"] <= id_ <= pending[-1]["id"]:
            self.flush()
        return self.ledger.get(entity, id_)

    def fetch(self, names: list[str], columns: list[list]) -> None:
        """The next rows of a sheet, a list of values per field: the ledger's records they name by
        记录ID are fetched together (a re-import compares every row with its record)."""
        self.fetched, self.fetched_histories = {}, {}
        entity = self.fetched_entity
        if "uid" in names and self.ledger_held[entity]:
            ids = [i for i in map(self.uids(entity).get, filter(None, columns[names.index("uid")])) if i is not None]
            if ids:
                self.fetched = self.ledger.get_many(entity, ids)
                if entity == "contract" and self.history:
                    self.fetched_histories = self.stored_histories(set(self.fetched), self.fetched)

    def insert_now(self, entity: str, out: dict) -> int:
        """A record written at once (a party a row names): never an id a waiting record holds."""
        if entity == self.pending_entity:
            self.flush()
            self.next_ids.pop(entity, None)
        return self.op.insert(entity, out, log_snapshot=False)

    def suspend_indexes(self, rows: int) -> None:
        """Many new contracts: build the contracts' indexes once at the end instead of row by row.
        Worth it when the sheet brings more than twice the contracts the ledger holds; with fewer,
        many rows may be contracts the ledger has (a re-import), and looking those up without
        the indexes would cost far more than keeping the indexes up to date."""
        from ...ledger.schema import suspend_indexes

        if rows >= rules.BULK_ROWS and rows > 2 * self.ledger.count("contract"):
            self.restore_indexes = suspend_indexes(self.conn, "contracts")
