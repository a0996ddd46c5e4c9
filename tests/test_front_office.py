"""The front office (DESIGN §3): 技术需求, 对接项目 and 跟进记录 in the ledger."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations

FRONT_OFFICE = {
    "demands": ["id", "uid", "title", "client_id", "field", "kind", "description", "keywords", "budget_fen",
                "deadline", "broker_id", "source", "status", "published_on", "note", "warnings",
                "created_at", "updated_at"],
    "engagements": ["id", "uid", "title", "demand_id", "achievement_id", "demand_client_id", "supply_client_id",
                    "stage", "expected_fen", "started_on", "end_reason", "note", "warnings",
                    "created_at", "updated_at"],
    "engagement_brokers": ["engagement_id", "broker_id", "share_bp"],
    "followups": ["id", "uid", "engagement_id", "on_date", "channel", "broker_id", "content", "next_step",
                  "next_on", "done", "created_at", "updated_at"],
}


def _schema(conn) -> dict:
    tables = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in FRONT_OFFICE}
    strict = {r[0]: r[1] for r in conn.execute("SELECT name, strict FROM pragma_table_list WHERE schema='main'")}
    fks = {t: sorted((r[2], r[3], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
           for t in (*FRONT_OFFICE, "contracts")}
    contract_cols = [r[1] for r in conn.execute("PRAGMA table_info(contracts)")]
    return {"tables": tables, "strict": {t: strict.get(t) for t in FRONT_OFFICE},
            "fks": fks, "engagement_id": "engagement_id" in contract_cols}


def _check(conn) -> None:
    s = _schema(conn)
    assert s["tables"] == FRONT_OFFICE
    assert s["strict"] == dict.fromkeys(FRONT_OFFICE, 1)
    assert s["engagement_id"]
    assert ("engagements", "engagement_id", "NO ACTION") in s["fks"]["contracts"]
    assert s["fks"]["followups"] == [("brokers", "broker_id", "NO ACTION"),
                                     ("engagements", "engagement_id", "CASCADE")]
    assert s["fks"]["engagement_brokers"] == [("brokers", "broker_id", "NO ACTION"),
                                              ("engagements", "engagement_id", "CASCADE")]
    assert s["fks"]["demands"] == [("brokers", "broker_id", "NO ACTION"), ("clients", "client_id", "NO ACTION")]


def test_a_fresh_ledger_has_the_front_office_tables(tmp_path):
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        assert led.schema_version == SCHEMA_VERSION >= 5
        _check(led.conn)
        defaults = {r[1]: r[4] for r in led.conn.execute("PRAGMA table_info(engagements)")}
        assert defaults["stage"] == "'初步接触'"
        assert {r[1]: r[4] for r in led.conn.execute("PRAGMA table_info(demands)")}["status"] == "'征集中'"


def test_a_version_4_ledger_is_upgraded_with_a_backup(tmp_path, _isolated_home):
    path = tmp_path / "v4.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0005_front_office")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert "demands" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        _check(led.conn)
