"""Schema m0006: 付款计划, 到账记录 and 佣金发放 in a fresh ledger and in an upgraded one."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations

MONEY = {
    "payment_plans": ["id", "uid", "contract_id", "seq", "kind", "due_on", "amount_fen", "condition", "note",
                      "warnings", "created_at", "updated_at"],
    "receipts": ["id", "uid", "contract_id", "received_on", "amount_fen", "payer", "plan_id", "voucher", "note",
                 "warnings", "created_at", "updated_at"],
    "commission_payouts": ["id", "uid", "contract_id", "broker_id", "paid_on", "amount_fen", "note", "warnings",
                           "created_at", "updated_at"],
}


def _check(conn) -> None:
    assert {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in MONEY} == MONEY
    strict = {r[0]: r[1] for r in conn.execute("SELECT name, strict FROM pragma_table_list WHERE schema='main'")}
    assert {t: strict.get(t) for t in MONEY} == dict.fromkeys(MONEY, 1)
    fks = {t: sorted((r[2], r[3], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list({t})")) for t in MONEY}
    assert fks["payment_plans"] == [("contracts", "contract_id", "CASCADE")]
    assert fks["receipts"] == [("contracts", "contract_id", "CASCADE"), ("payment_plans", "plan_id", "SET NULL")]
    assert fks["commission_payouts"] == [("brokers", "broker_id", "NO ACTION"),
                                         ("contracts", "contract_id", "CASCADE")]


def test_a_fresh_ledger_has_the_money_tables(tmp_path):
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        assert led.schema_version == SCHEMA_VERSION >= 6
        _check(led.conn)


def test_a_version_5_ledger_is_upgraded_with_a_backup(tmp_path, _isolated_home):
    path = tmp_path / "v5.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0006_money")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    assert "receipts" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        _check(led.conn)


def test_deleting_a_contract_deletes_its_money_rows(tmp_path):
    with Ledger.open(tmp_path / "x.brokerdesk") as led:
        c = led.conn
        c.execute("INSERT INTO clients (uid, name, created_at, updated_at) VALUES ('c1', 'A', '', '')")
        c.execute("INSERT INTO brokers (uid, name, created_at, updated_at) VALUES ('b1', '张三', '', '')")
        c.execute("INSERT INTO contracts (uid, contract_no, title, category, buyer_id, seller_id, signed_on, "
                  "amount_fen, created_at, updated_at) VALUES ('k1', 'N1', 'T', '技术开发', 1, 1, '2024-01-01', "
                  "100, '', '')")
        c.execute("INSERT INTO payment_plans (uid, contract_id, seq, amount_fen, created_at, updated_at) "
                  "VALUES ('p1', 1, 1, 50, '', '')")
        c.execute("INSERT INTO receipts (uid, contract_id, received_on, amount_fen, plan_id, created_at, updated_at) "
                  "VALUES ('r1', 1, '2024-02-01', 50, 1, '', '')")
        c.execute("INSERT INTO commission_payouts (uid, contract_id, broker_id, paid_on, amount_fen, created_at, "
                  "updated_at) VALUES ('o1', 1, 1, '2024-03-01', 5, '', '')")
        c.execute("DELETE FROM contracts WHERE id = 1")
        assert [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in MONEY] == [0, 0, 0]
