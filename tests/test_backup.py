"""Backups are consistent copies; restore checks before it replaces anything."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from broker_desk import backup
from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger


def test_backup_holds_the_last_write_of_a_wal_ledger(ledger, make, tmp_path):
    make.client(name="最后写入的客户")
    assert (tmp_path / "test.brokerdesk-wal").stat().st_size > 0  # the write is still in the WAL
    target = backup.copy(ledger, tmp_path / "copy.brokerdesk")
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT name FROM clients").fetchall() == [("最后写入的客户",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert not (tmp_path / "copy.brokerdesk-wal").exists()


def test_automatic_backups_rotate(ledger, make, _isolated_home):
    make.client()
    made = [backup.automatic(ledger, "daily", keep=3) for _ in range(5)]
    kept = sorted((_isolated_home / "backups" / "test").glob("test-daily-*.brokerdesk"))
    assert kept == made[-3:]


def test_restore_replaces_and_keeps_a_safety_copy(tmp_path, make, ledger):
    make.client(name="备份时就有的客户")
    saved = backup.copy(ledger, tmp_path / "saved.brokerdesk")
    make.client(name="备份之后才加的客户")
    path = ledger.path
    ledger.close()
    safety, restored = backup.restore(path, saved)
    with restored:
        names = [n for (n,) in restored.conn.execute("SELECT name FROM clients ORDER BY id")]
    assert names == ["备份时就有的客户"]
    conn = sqlite3.connect(safety)
    assert [n for (n,) in conn.execute("SELECT name FROM clients ORDER BY id")] == [
        "备份时就有的客户", "备份之后才加的客户"]
    conn.close()


@pytest.mark.parametrize("content", [b"", b"not a ledger at all", b"SQLite format 3\x00" + b"\x00" * 100])
def test_restore_refuses_what_is_not_a_ledger(tmp_path, make, ledger, content):
    make.client(name="不能丢的客户")
    path = ledger.path
    ledger.close()
    junk = tmp_path / "junk.brokerdesk"
    junk.write_bytes(content)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(BrokerDeskError):
        backup.restore(path, junk)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with Ledger.open(path) as led:
        assert led.count("client") == 1


def test_restore_refuses_a_foreign_database(tmp_path, ledger):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (y)")
    conn.close()
    with pytest.raises(BrokerDeskError) as e:
        backup.restore(ledger.path, other)
    assert e.value.code == "ledger.foreign"


def test_restore_into_a_new_place(tmp_path, make, ledger):
    make.client(name="搬家的客户")
    saved = backup.copy(ledger, tmp_path / "saved.brokerdesk")
    safety, restored = backup.restore(tmp_path / "new" / "ledger.brokerdesk", saved)
    with restored:
        assert safety is None
        assert restored.count("client") == 1
