"""What the window asks of the ledger on opening and on each keystroke (bench/bench_window.py):
the year's figures read from an index alone (schema 0007), filter years found without a pass over
every contract, and results kept while the ledger is unchanged, never once it has changed."""

from __future__ import annotations

import datetime as dt
import sqlite3

from conftest import DEMO_TODAY
from sqlite_utils import Database

from broker_desk import dashboard, listing
from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations
from broker_desk.listing import list_ids
from broker_desk.registration import ACCEPTED, READY, REGISTERED


def table_reads(ledger, sql: str, params) -> list[tuple]:
    """The bytecode steps of ``sql`` that read a column of a contract's row (none: an index answers
    alone; a deferred seek to the row is then never made)."""
    root = ledger.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contracts'").fetchone()[0]
    steps = list(ledger.conn.execute("EXPLAIN " + sql, params))
    cursors = {p1 for _, op, p1, p2, *_ in steps if op == "OpenRead" and p2 == root}
    assert cursors  # the table is opened (for a row that an index could not answer)
    return [s for s in steps if s[1] == "Column" and s[2] in cursors]


def test_the_years_figures_are_read_from_the_index_alone(demo_ledger):
    led = demo_ledger
    led.conn.execute("ANALYZE")  # whatever the statistics say
    args = [REGISTERED, f"{DEMO_TODAY.year}-01-01", f"{DEMO_TODAY.year + 1}-01-01"]
    plan = " | ".join(r[3] for r in led.conn.execute("EXPLAIN QUERY PLAN " + dashboard.YEAR_FIGURES, args))
    assert "contracts_registered" in plan
    assert table_reads(led, dashboard.YEAR_FIGURES, args) == []
    by_rows = led.conn.execute(
        "SELECT count(*), coalesce(sum(amount_fen), 0), coalesce(sum(amount_fen - deductions_fen), 0), "
        "coalesce(sum(approved_fen), 0) FROM contracts NOT INDEXED WHERE status = ? AND registered_on >= ? "
        "AND registered_on < ? AND tech_given_fen IS NULL", args).fetchone()
    given = led.conn.execute("SELECT count(*) FROM contracts WHERE tech_given_fen IS NOT NULL").fetchone()[0]
    s = dashboard.summary(led, DEMO_TODAY)
    assert s.registered > 0
    if not given:  # the demo derives 技术交易额: the sums read by rows are the index's
        assert (s.registered, s.amount_fen, s.tech_fen, s.approved_fen) == by_rows


def test_a_version_6_ledger_gets_the_wider_registered_index(tmp_path):
    path = tmp_path / "v6.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0007_registered_figures_index")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION >= 7
        columns = [r[2] for r in led.conn.execute("PRAGMA index_info('contracts_registered')")]
        assert columns == ["registered_on", "status", "amount_fen", "tech_fen", "approved_fen"]
        assert dashboard.summary(led, DEMO_TODAY).registered == 0


def test_filter_years_step_down_the_index(ledger, make):
    for day in ("2019-05-01", "2021-01-01", "2021-12-31", "2025-07-07"):
        make.contract(signed_on=day)
    assert listing.signed_years(ledger) == [2025, 2021, 2019]
    assert listing.registered_years(ledger) == []
    c = make.contract(signed_on="2024-02-02")
    ledger.conn.execute("UPDATE contracts SET registered_on = '2024-03-01' WHERE id = ?", [c])
    assert listing.registered_years(ledger) == [2024]
    assert listing.signed_years(ledger) == [2025, 2024, 2021, 2019]


def test_an_empty_search_is_kept_until_the_ledger_changes(ledger, make):
    first = make.contract(signed_on="2025-01-01")
    listed = list_ids(ledger, "contract")
    assert listed == [first]
    listed.append(999)  # the caller's list is its own
    assert list_ids(ledger, "contract") == [first]
    second = make.contract(signed_on="2025-02-01")
    assert list_ids(ledger, "contract") == [second, first]
    listing.prepare(ledger, "contract")  # the search texts read when idle, for the same order
    assert list_ids(ledger, "contract", "HT-") == [second, first]
    ledger.delete("contract", first)
    assert list_ids(ledger, "contract") == [second]
    assert list_ids(ledger, "contract", "HT-") == [second]


def test_typing_on_finds_what_a_fresh_search_finds(demo_ledger):
    led = demo_ledger
    for word in ("研究院", "91", "科技有限"):
        for n in range(1, len(word) + 1):  # one key at a time, narrowing what the key before found
            typed = list_ids(led, "contract", word[:n])
        led.cache.clear()
        assert typed == list_ids(led, "contract", word) == [
            i for i in list_ids(led, "contract") if i in set(led.search("contract", word))]


def test_overdue_is_kept_until_the_ledger_or_the_rule_changes(ledger, make):
    cid = make.contract(signed_on="2025-03-01")
    today = dt.date(2025, 6, 1)
    ledger.move(cid, READY, "2025-04-01", today=today)
    ledger.move(cid, ACCEPTED, "2025-04-02", reg_office="北京市技术市场管理办公室", today=today)
    assert ledger.overdue(today) == [cid]
    assert ledger.overdue(dt.date(2025, 4, 3)) == []  # another day, another answer
    ledger.set_setting("registration.limit_mode", "fixed")
    ledger.set_setting("registration.limit_days", 365)  # the office's own, longer limit
    assert ledger.overdue(today) == []
    ledger.set_setting("registration.limit_days", 30)
    assert ledger.overdue(today) == [cid]
    ledger.move(cid, REGISTERED, "2025-05-20", reg_no="2025110000000001", today=today)
    assert ledger.overdue(today) == []
