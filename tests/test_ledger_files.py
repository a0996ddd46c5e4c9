"""Opening ledger files: new, empty, ours, too new, not a ledger — and the
connection policy (STRICT tables, foreign keys, WAL, migrations)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from broker_desk import i18n
from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger
from broker_desk.ledger import files as ledger_files
from broker_desk.ledger.schema import APPLICATION_ID, SCHEMA_VERSION


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_ledger_runs_every_migration(tmp_path):
    path = tmp_path / "new.brokerdesk"
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.journal_mode == "wal"
        assert led.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert led.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        applied = [r[0] for r in led.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == ["0001_initial", "0002_listing_indexes", "0003_deduction_items", "0004_expert_review",
                           "0005_front_office", "0006_money", "0007_registered_figures_index"]
        assert len(led.meta("ledger_uid")) == 36


def test_empty_file_becomes_a_ledger(tmp_path):
    """A 0-byte file (e.g. made by 'new file' in Explorer) is initialised by the same chain."""
    path = tmp_path / "empty.brokerdesk"
    path.write_bytes(b"")
    with Ledger.open(path, create=False) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.count("contract") == 0
    assert ledger_files.inspect(path) == (ledger_files.LEDGER, SCHEMA_VERSION)


def test_reopening_applies_nothing_and_backs_nothing_up(tmp_path, _isolated_home):
    path = tmp_path / "l.brokerdesk"
    Ledger.open(path).close()
    with Ledger.open(path) as led:
        assert led.upgrade_backup is None
        assert led.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    assert not (_isolated_home / "backups").exists()


def test_tables_are_strict_and_keep_text_as_text(ledger, make):
    strict = {r[0]: r[1] for r in ledger.conn.execute("SELECT name, strict FROM pragma_table_list WHERE schema='main'")}
    for table in ("brokers", "clients", "achievements", "contracts", "contract_brokers", "registration_events",
                  "ops", "changes", "settings", "meta", "contract_search"):
        assert strict[table] == 1, table
    cid = make.client(phone="0012345678", region="110108")
    row = ledger.conn.execute("SELECT phone, typeof(phone), region, typeof(region) FROM clients WHERE id = ?",
                              [cid]).fetchone()
    assert row == ("0012345678", "text", "110108", "text")
    with pytest.raises(sqlite3.IntegrityError, match="in INTEGER column"):
        ledger.conn.execute("INSERT INTO achievements (uid, title, holder_id, created_at, updated_at, price_fen) "
                            "VALUES ('u', 't', ?, 'x', 'x', '12.5')", [cid])


def test_foreign_keys_are_enforced(ledger):
    with pytest.raises(sqlite3.IntegrityError):
        ledger.conn.execute("INSERT INTO achievements (uid, title, holder_id, created_at, updated_at) "
                            "VALUES ('u', 't', 999, 'x', 'x')")


def test_random_bytes_refused_untouched(tmp_path):
    path = tmp_path / "random.brokerdesk"
    path.write_bytes(bytes(range(256)) * 40)
    before = digest(path)
    with pytest.raises(BrokerDeskError) as e:
        Ledger.open(path)
    assert e.value.code == "ledger.not_sqlite"
    assert "不是 BrokerDesk 账本" in str(e.value) and "文件未改动" in str(e.value)
    assert digest(path) == before
    assert not (tmp_path / "random.brokerdesk-wal").exists()


def test_damaged_sqlite_body_refused(tmp_path):
    path = tmp_path / "damaged.brokerdesk"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = digest(path)
    with pytest.raises(BrokerDeskError):
        Ledger.open(path)
    assert digest(path) == before


def test_foreign_sqlite_database_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(BrokerDeskError) as e:
        Ledger.open(path)
    assert e.value.code == "ledger.foreign"
    assert digest(path) == before


def test_newer_version_refused_untouched(tmp_path):
    path = tmp_path / "future.brokerdesk"
    Ledger.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    with pytest.raises(BrokerDeskError) as e:
        Ledger.open(path)
    assert e.value.code == "ledger.too_new"
    assert f"结构版本 {SCHEMA_VERSION + 5}" in str(e.value)
    i18n.set_language("en")
    assert "newer BrokerDesk" in str(e.value)
    assert digest(path) == before


def test_missing_file_is_created_only_when_asked(tmp_path):
    path = tmp_path / "sub" / "missing.brokerdesk"
    with pytest.raises(BrokerDeskError) as e:
        Ledger.open(path, create=False)
    assert e.value.code == "ledger.missing"
    assert not path.exists()
    Ledger.open(path).close()
    assert path.exists()


def test_folder_is_not_a_ledger(tmp_path):
    with pytest.raises(BrokerDeskError) as e:
        Ledger.open(tmp_path)
    assert e.value.code == "ledger.is_dir"


def test_backup_before_upgrade_is_a_readable_copy(tmp_path, make, ledger):
    make.client(name="升级前的客户")
    target = ledger_files.backup_before_upgrade(ledger.conn, ledger.path, 1, tmp_path / "b")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT name FROM clients").fetchall() == [("升级前的客户",)]
    copy.close()


def test_settings_round_trip_and_defaults(ledger):
    assert ledger.setting("registration.limit_days") == 30
    ledger.set_setting("registration.limit_days", 15)
    ledger.set_setting("office_name", "杭州市技术合同登记处")
    assert ledger.setting("registration.limit_days") == 15
    assert ledger.setting("office_name") == "杭州市技术合同登记处"
    with pytest.raises(KeyError):
        ledger.set_setting("no.such.setting", 1)


def test_a_version_1_ledger_upgrades_with_a_backup_first(tmp_path, _isolated_home):
    """tests/data/ledger-v1.brokerdesk was written by schema 1 (30 demo contracts)."""
    import shutil
    from pathlib import Path

    path = tmp_path / "old.brokerdesk"
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.brokerdesk", path)
    before = sqlite3.connect(path)
    rows_before = before.execute("SELECT uid, contract_no, amount_fen, status FROM contracts ORDER BY id").fetchall()
    before.close()
    assert len(rows_before) == 30
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION > 1
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        assert led.conn.execute("SELECT uid, contract_no, amount_fen, status FROM contracts ORDER BY id").fetchall() == rows_before
        indexes = {r[0] for r in led.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"contracts_listing", "contracts_by_amount"} <= indexes
        assert len(led.search("contract", rows_before[0][1])) >= 1
    saved = sqlite3.connect(led.upgrade_backup)
    assert saved.execute("PRAGMA user_version").fetchone()[0] == 1
    assert saved.execute("SELECT count(*) FROM contracts").fetchone()[0] == 30
    saved.close()


def test_looking_at_an_open_ledger_keeps_its_locks_so_another_program_leaves_its_log_alone(tmp_path):
    """A worker thread opens the ledger the window has open (files.inspect first): another program
    (the CLI) closing its own connection afterwards must still see the window's, and leave the
    write-ahead log in place (it once removed it: the window's next read was a disk I/O error)."""
    import subprocess
    import sys

    path = tmp_path / "open.brokerdesk"
    with Ledger.open(path) as led:
        led.conn.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")  # a write: the log is there
        assert ledger_files.inspect(path) == (ledger_files.LEDGER, SCHEMA_VERSION)
        Ledger.open(path, create=False).close()  # as a worker's reader does
        other = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('SELECT 1 FROM meta').fetchall(); c.close()"
        subprocess.run([sys.executable, "-c", other], check=True)
        assert (tmp_path / "open.brokerdesk-wal").exists() and (tmp_path / "open.brokerdesk-shm").exists()
        assert led.conn.execute("SELECT count(*) FROM meta").fetchone()[0] > 0


def test_closing_leaves_the_query_planner_statistics_of_what_changed(tmp_path):
    """Closing runs PRAGMA optimize, sampling (analysis_limit): the contracts' indexes, which the
    session filled and queried, have statistics afterwards, each index's row count among them."""
    from broker_desk import demo

    path = tmp_path / "stats.brokerdesk"
    with Ledger.open(path) as led:
        demo.generate(led, 300, seed=1, today=dt.date(2026, 6, 30))
        seller = led.conn.execute("SELECT seller_id, contract_no FROM contracts LIMIT 1").fetchone()
        assert led.conn.execute("SELECT id FROM contracts WHERE seller_id = ? AND contract_no = ?",
                                list(seller)).fetchone()
    conn = sqlite3.connect(path)
    try:
        stats = dict(conn.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'contracts'").fetchall())
    finally:
        conn.close()
    assert stats["contracts_identity"].split()[0] == "300"
