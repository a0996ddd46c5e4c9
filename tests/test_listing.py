"""The list tables' queries (broker_desk.listing): filters, search, sort, display rows, facets."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from conftest import DEMO_TODAY
from sqlite_utils import Database

from broker_desk import codes, i18n, listing
from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations
from broker_desk.listing import COLUMNS, Filters, facets, fetch_rows, list_ids
from broker_desk.registration import ACCEPTED, READY, REGISTERED, STATUSES

ENTITIES = ("contract", "client", "achievement", "broker", "demand", "engagement")


def sql_ids(ledger, sql: str, params=()) -> set[int]:
    return {i for (i,) in ledger.conn.execute(sql, params)}


def all_ids(ledger, table: str) -> set[int]:
    return sql_ids(ledger, f"SELECT id FROM {table}")


# === default order ==============================================================================

def test_default_orders(demo_ledger):
    led = demo_ledger
    expected = {
        "contract": "SELECT id FROM contracts ORDER BY signed_on DESC, id DESC",
        "client": "SELECT id FROM clients ORDER BY name, id",
        "achievement": "SELECT id FROM achievements ORDER BY id DESC",
        "broker": "SELECT id FROM brokers ORDER BY name, id",
    }
    for entity, sql in expected.items():
        ids = list_ids(led, entity)
        assert ids == [i for (i,) in led.conn.execute(sql)], entity
        assert len(ids) > 10
    assert len(list_ids(led, "contract")) == 1500
    assert list_ids(led, "contract", "   ") == list_ids(led, "contract")  # a blank query is no query


# === filters ====================================================================================

def test_each_filter_narrows_as_direct_sql_counts(demo_ledger):
    led = demo_ledger
    everything = all_ids(led, "contracts")
    busiest = led.conn.execute("SELECT broker_id FROM contract_brokers GROUP BY broker_id "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    cases = [
        (Filters(category="技术服务"), "SELECT id FROM contracts WHERE category = '技术服务'"),
        (Filters(category="技术许可"), "SELECT id FROM contracts WHERE category = '技术许可'"),
        (Filters(status=REGISTERED), "SELECT id FROM contracts WHERE status = '已登记'"),
        (Filters(status="草稿"), "SELECT id FROM contracts WHERE status = '草稿'"),
        (Filters(year=2025), "SELECT id FROM contracts WHERE strftime('%Y', signed_on) = '2025'"),
        (Filters(registered_year=2025), "SELECT id FROM contracts WHERE strftime('%Y', registered_on) = '2025'"),
        (Filters(broker_id=busiest), f"SELECT contract_id FROM contract_brokers WHERE broker_id = {busiest}"),
    ]
    for filters, sql in cases:
        got = list_ids(led, "contract", filters=filters, today=DEMO_TODAY)
        want = sql_ids(led, sql)
        assert len(got) == len(set(got)), filters
        assert set(got) == want, filters
        assert 0 < len(want) < len(everything), filters
    assert list_ids(led, "contract", filters=Filters(year=1999)) == []
    assert list_ids(led, "contract", filters=Filters(status="不存在的状态")) == []


def test_filters_combine_as_an_intersection_in_the_default_order(demo_ledger):
    led = demo_ledger
    filters = Filters(category="技术开发", status=REGISTERED, year=2025)
    got = list_ids(led, "contract", filters=filters)
    want = [i for (i,) in led.conn.execute(
        "SELECT id FROM contracts WHERE category = '技术开发' AND status = '已登记' AND signed_on LIKE '2025-%' "
        "ORDER BY signed_on DESC, id DESC")]
    assert got == want and len(want) > 5
    assert list_ids(led, "contract", filters=Filters()) == list_ids(led, "contract")


def test_overdue_filter_is_ledger_overdue(demo_ledger):
    led = demo_ledger
    got = list_ids(led, "contract", filters=Filters(overdue=True), today=DEMO_TODAY)
    assert set(got) == set(led.overdue(DEMO_TODAY))
    assert len(got) > 0
    assert all(r["status"] == ACCEPTED for r in fetch_rows(led, "contract", got, DEMO_TODAY).values())
    # a later day: more are overdue; working days: the same rule as the ledger's
    later = DEMO_TODAY + dt.timedelta(days=20)
    assert set(list_ids(led, "contract", filters=Filters(overdue=True), today=later)) == set(led.overdue(later))
    assert len(led.overdue(later)) > len(got)
    led.set_setting("registration.limit_mode", "fixed")  # the office's own limit: 30 calendar, then working days
    calendar_later = led.overdue(later)
    assert set(list_ids(led, "contract", filters=Filters(overdue=True), today=later)) == set(calendar_later)
    led.set_setting("registration.limit_working", True)
    got_working = list_ids(led, "contract", filters=Filters(overdue=True), today=later)
    assert set(got_working) == set(led.overdue(later))
    assert len(got_working) < len(calendar_later)  # 30 working days are longer than 30 calendar days
    both = list_ids(led, "contract", filters=Filters(overdue=True, category="技术服务"), today=later)
    assert set(both) == set(led.overdue(later)) & sql_ids(led, "SELECT id FROM contracts WHERE category = '技术服务'")


def test_filters_are_for_contracts_only(demo_ledger):
    with pytest.raises(ValueError):
        list_ids(demo_ledger, "client", filters=Filters(status=REGISTERED))
    assert list_ids(demo_ledger, "client", filters=Filters()) == list_ids(demo_ledger, "client")


# === search =====================================================================================

@pytest.mark.parametrize("text", ["大学", "科技", "技术服务", "91", "研究院", "ｋｙ"])
def test_search_text_as_ledger_search_combined_with_filters(demo_ledger, text):
    led = demo_ledger
    found = set(led.search("contract", text))
    assert set(list_ids(led, "contract", text)) == found
    filters = Filters(status=REGISTERED, category="技术开发")
    narrowed = sql_ids(led, "SELECT id FROM contracts WHERE status = '已登记' AND category = '技术开发'")
    got = list_ids(led, "contract", text, filters)
    assert set(got) == found & narrowed
    by_amount = list_ids(led, "contract", text, filters, sort_key="amount_fen", descending=True)
    assert set(by_amount) == set(got)


def test_search_other_entities_as_ledger_search(demo_ledger):
    led = demo_ledger
    surname = led.conn.execute("SELECT substr(name, 1, 1) FROM brokers ORDER BY id LIMIT 1").fetchone()[0]
    for entity, text in (("client", "科技"), ("client", "大学"), ("achievement", "电池"), ("broker", surname),
                         ("broker", "技术转移")):
        found = led.search(entity, text)
        assert found, (entity, text)
        assert set(list_ids(led, entity, text)) == set(found)
        assert len(list_ids(led, entity, text)) < len(list_ids(led, entity))
    assert list_ids(led, "client", "不会有这样的名字") == []


def test_search_is_case_and_width_insensitive_for_codes(ledger, make):
    cid = make.contract(contract_no="KY-2025-Abc")
    assert list_ids(ledger, "contract", "ky-2025-abc") == [cid]
    assert list_ids(ledger, "contract", "ＫＹ－２０２５") == [cid]
    assert list_ids(ledger, "contract", "50%_") == []  # LIKE's wildcards are literal (and instr has none)


# === sort =======================================================================================

def _key(value):
    return (value is not None, value)


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_column_sorts_both_ways_with_ties_by_id(demo_ledger, entity):
    led = demo_ledger
    everything = list_ids(led, entity)
    rows = fetch_rows(led, entity, everything, DEMO_TODAY)
    for col in COLUMNS[entity]:
        up = list_ids(led, entity, sort_key=col.key, today=DEMO_TODAY)
        down = list_ids(led, entity, sort_key=col.key, descending=True, today=DEMO_TODAY)
        assert sorted(up) == sorted(everything), col.key
        assert down == up[::-1], col.key  # ties reversed too: descending is ascending reversed
        if col.key in ("brokers", "region_name"):  # ordered by the first broker's name, by the region code
            continue
        pairs = [(_key(rows[i][col.key]), i) for i in up]
        assert pairs == sorted(pairs), col.key  # ordered by the shown value, ties by id


def test_ties_are_broken_by_id(ledger, make):
    ids = [make.contract(amount_fen=5_000_00, signed_on="2025-03-01") for _ in range(4)]
    ids.append(make.contract(amount_fen=1_000_00, signed_on="2025-02-01"))
    assert list_ids(ledger, "contract", sort_key="amount_fen") == [ids[4], *ids[:4]]
    assert list_ids(ledger, "contract", sort_key="amount_fen", descending=True) == [*ids[3::-1], ids[4]]
    assert list_ids(ledger, "contract") == [*ids[3::-1], ids[4]]  # signed_on DESC, id DESC
    assert list_ids(ledger, "contract", sort_key="signed_on") == [ids[4], *ids[:4]]


def test_sort_with_search_and_filters(demo_ledger):
    led = demo_ledger
    got = list_ids(led, "contract", "大学", Filters(status=REGISTERED), sort_key="amount_fen", descending=True)
    amounts = [r for (r,) in led.conn.execute(
        f"SELECT amount_fen FROM contracts WHERE id IN ({','.join(map(str, got))})")]
    rows = fetch_rows(led, "contract", got)
    assert [rows[i]["amount_fen"] for i in got] == sorted(amounts, reverse=True)


def test_unknown_sort_key_or_entity(demo_ledger):
    with pytest.raises(ValueError):
        list_ids(demo_ledger, "contract", sort_key="no_such_column")
    with pytest.raises(ValueError):
        list_ids(demo_ledger, "contract", sort_key="name")  # a client column
    with pytest.raises(ValueError):
        list_ids(demo_ledger, "invoice")
    with pytest.raises(ValueError):
        fetch_rows(demo_ledger, "invoice", [1])


# === display rows ===============================================================================

@pytest.fixture
def deal(ledger, make):
    """A contract in 已受理 with two brokers, and one with three unequal shares."""
    buyer = make.client(name="甲方新能源科技有限公司", region="110108", phone="010-12345678")
    seller = make.client(name="乙方理工大学", nature="高等院校")
    zhang, li, wang = make.broker(name="张三"), make.broker(name="李四"), make.broker(name="王五")
    cid = make.contract(buyer_id=buyer, seller_id=seller, contract_no="HT-ACC", amount_fen=1_200_000_00,
                        deductions_fen=200_000_00, brokers=[(zhang, 60), (li, 40)])
    today = dt.date(2025, 4, 20)
    ledger.move(cid, READY, "2025-04-01", today=today)
    ledger.move(cid, ACCEPTED, "2025-04-02", reg_office="北京市技术市场管理办公室", today=today)
    other = make.contract(buyer_id=seller, seller_id=buyer, contract_no="HT-DRAFT",
                          brokers=[(wang, "33.34"), (zhang, "33.33"), (li, "33.33")])
    return dict(cid=cid, other=other, buyer=buyer, seller=seller, zhang=zhang, li=li, wang=wang)


def test_contract_rows(ledger, deal):
    rows = fetch_rows(ledger, "contract", [deal["cid"], deal["other"]], today=dt.date(2025, 4, 20))
    row = rows[deal["cid"]]
    assert (row["buyer"], row["seller"]) == ("甲方新能源科技有限公司", "乙方理工大学")
    assert row["brokers"] == "张三(60%)；李四(40%)"
    assert (row["amount_fen"], row["deductions_fen"], row["tech_fen"]) == (1_200_000_00, 200_000_00, 1_000_000_00)
    assert (row["status"], row["accepted_on"], row["reg_office"]) == (ACCEPTED, "2025-04-02", "北京市技术市场管理办公室")
    # 30 calendar days from the clock date (accepted before 2026-03-01): 2025-05-02 is in the
    # 劳动节 holiday (5/1–5/5), so the limit moves on to the next working day
    assert row["deadline"] == "2025-05-06"
    assert row["days_left"] == 16
    assert row["warnings"] == 0 and row["uid"] == ledger.get("contract", deal["cid"])["uid"]
    assert "clock_from" not in row
    draft = rows[deal["other"]]
    assert draft["brokers"] == "王五(33.34%)；张三(33.33%)；李四(33.33%)"
    assert (draft["buyer"], draft["deadline"], draft["days_left"]) == ("乙方理工大学", None, None)
    for key in ("reg_no", "registered_on", "approved_fen", "commission_fen"):
        assert draft[key] is None


def test_days_left_sign_follows_the_ledgers_overdue(ledger, deal):
    for today, left in ((dt.date(2025, 5, 6), 0), (dt.date(2025, 5, 7), -1), (dt.date(2025, 5, 10), -4)):
        row = fetch_rows(ledger, "contract", [deal["cid"]], today=today)[deal["cid"]]
        assert row["days_left"] == left
        assert (deal["cid"] in ledger.overdue(today)) == (left < 0)
    ledger.set_setting("registration.limit_mode", "fixed")
    ledger.set_setting("registration.limit_days", 10)  # the tenth day, Saturday 2025-04-12, moves on to Monday
    row = fetch_rows(ledger, "contract", [deal["cid"]], today=dt.date(2025, 4, 20))[deal["cid"]]
    assert (row["deadline"], row["days_left"]) == ("2025-04-14", -6)


def test_contract_rows_match_the_records_on_the_demo(demo_ledger):
    led = demo_ledger
    ids = list_ids(led, "contract")[300:500]
    rows = fetch_rows(led, "contract", ids, DEMO_TODAY)
    assert set(rows) == set(ids)
    names = dict(led.conn.execute("SELECT id, name FROM clients"))
    brokers = dict(led.conn.execute("SELECT id, name FROM brokers"))
    for i in ids:
        rec, row = led.get("contract", i), rows[i]
        for key in ("contract_no", "title", "category", "subtype", "signed_on", "amount_fen", "tech_fen",
                    "status", "reg_no", "registered_on", "approved_fen"):
            assert row[key] == rec[key], key
        assert (row["buyer"], row["seller"]) == (names[rec["buyer_id"]], names[rec["seller_id"]])
        assert row["brokers"] == "；".join(f"{brokers[b]}({listing.percent_text(s)}%)" for b, s in rec["brokers"])
        due = led.deadline(rec)
        assert row["deadline"] == (due.isoformat() if due else None)
        assert row["days_left"] == ((due - DEMO_TODAY).days if due else None)
    overdue = led.overdue(DEMO_TODAY)
    assert all(r["days_left"] < 0 for r in fetch_rows(led, "contract", overdue, DEMO_TODAY).values())


def test_fetch_rows_leaves_out_missing_ids_and_keeps_none(demo_ledger):
    assert fetch_rows(demo_ledger, "contract", []) == {}
    assert set(fetch_rows(demo_ledger, "contract", [1, 999_999, 2])) == {1, 2}


def test_client_achievement_and_broker_rows(ledger, deal, make):
    clients = fetch_rows(ledger, "client", [deal["buyer"], deal["seller"]])
    buyer = clients[deal["buyer"]]
    assert (buyer["name"], buyer["region"], buyer["region_name"]) == ("甲方新能源科技有限公司", "110108", "北京市海淀区")
    assert (buyer["phone"], buyer["nature"], buyer["contracts"], buyer["warnings"]) == ("010-12345678", "企业", 2, 0)
    assert (clients[deal["seller"]]["contracts"], clients[deal["seller"]]["region_name"]) == (2, None)
    aid = ledger.add("achievement", {"title": "高效光伏组件", "holder_id": deal["seller"], "price_fen": 50_000_00}).id
    achievement = fetch_rows(ledger, "achievement", [aid])[aid]
    assert (achievement["holder"], achievement["price_fen"], achievement["title"]) == ("乙方理工大学", 50_000_00, "高效光伏组件")
    brokers = fetch_rows(ledger, "broker", [deal["zhang"], deal["wang"]])
    assert (brokers[deal["zhang"]]["name"], brokers[deal["zhang"]]["contracts"]) == ("张三", 2)
    assert brokers[deal["wang"]]["contracts"] == 1


def test_counts_on_the_demo(demo_ledger):
    led = demo_ledger
    for i, row in fetch_rows(led, "client", list_ids(led, "client")[:200]).items():
        n = led.conn.execute("SELECT count(*) FROM contracts WHERE buyer_id = ? OR seller_id = ?", [i, i]).fetchone()[0]
        assert row["contracts"] == n
    for i, row in fetch_rows(led, "broker", list_ids(led, "broker")).items():
        n = led.conn.execute("SELECT count(*) FROM contract_brokers WHERE broker_id = ?", [i]).fetchone()[0]
        assert row["contracts"] == n


def test_every_column_has_its_value_in_the_rows(demo_ledger):
    for entity in ENTITIES:
        ids = list_ids(demo_ledger, entity)[:5]
        for row in fetch_rows(demo_ledger, entity, ids, DEMO_TODAY).values():
            assert {c.key for c in COLUMNS[entity]} | {"id", "uid"} == set(row), entity


# === facets and headers =========================================================================

def test_facets(demo_ledger):
    led = demo_ledger
    f = facets(led)
    years = sorted({int(y) for (y,) in led.conn.execute("SELECT substr(signed_on, 1, 4) FROM contracts")}, reverse=True)
    assert f["years"] == years and len(years) > 2
    assert f["registered_years"] == sorted({int(y) for (y,) in led.conn.execute(
        "SELECT substr(registered_on, 1, 4) FROM contracts WHERE registered_on IS NOT NULL")}, reverse=True)
    categories = {c for (c,) in led.conn.execute("SELECT DISTINCT category FROM contracts")}
    assert set(f["categories"]) == categories
    table = codes.tables().names("contract_category")
    assert f["categories"] == [c for c in table if c in categories]
    statuses = {s for (s,) in led.conn.execute("SELECT DISTINCT status FROM contracts")}
    assert f["statuses"] == [s for s in STATUSES if s in statuses] and len(statuses) >= 5
    assert f["brokers"] == sorted(led.conn.execute("SELECT id, name FROM brokers").fetchall(), key=lambda b: (b[1], b[0]))
    for year in f["years"]:
        assert list_ids(led, "contract", filters=Filters(year=year))


def test_facets_of_an_empty_ledger(ledger):
    assert facets(ledger) == {"years": [], "registered_years": [], "categories": [], "statuses": [], "brokers": []}
    assert list_ids(ledger, "contract", "x", Filters(overdue=True)) == []


def test_column_headers_follow_the_language():
    amount = listing.column("contract", "amount_fen")
    assert amount.header() == "合同成交额" and amount.kind == "money"
    assert listing.column("contract", "buyer").header() == "买方"
    assert listing.column("client", "contracts").header() == "合同数"
    i18n.set_language("en")
    assert amount.header() == "Contract amount"
    assert listing.column("contract", "buyer").header() == "Buyer"
    assert listing.column("contract", "days_left").header() == "Time left"
    for entity in ENTITIES:
        keys = [c.key for c in COLUMNS[entity]]
        assert len(keys) == len(set(keys))
        for c in COLUMNS[entity]:
            assert c.kind in listing.KINDS and c.zh and c.en and c.sort_sql
    assert any(not c.default_visible for c in COLUMNS["contract"])


# === the indexes the contract list walks (schema 0002) ============================================

def plan(ledger, **query) -> str:
    sql, params = listing.list_query(ledger, "contract", **query)
    return " | ".join(r[3] for r in ledger.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_contract_lists_walk_a_covering_index_without_sorting(demo_ledger):
    led = demo_ledger
    led.conn.execute("ANALYZE")  # whatever the statistics say
    for query in ({}, {"filters": Filters(status=REGISTERED)}, {"filters": Filters(category="技术服务", status="草稿")},
                  {"text": "科技"}, {"filters": Filters(registered_year=2025, overdue=True)},
                  {"filters": Filters(year=2025, status=REGISTERED)}):
        p = plan(led, today=DEMO_TODAY, **query)
        assert "COVERING INDEX contracts_listing" in p and "TEMP B-TREE" not in p, (query, p)
    for query in ({}, {"text": "大学", "filters": Filters(status=REGISTERED)}):
        p = plan(led, sort_key="amount_fen", descending=True, **query)
        assert "COVERING INDEX contracts_by_amount" in p and "TEMP B-TREE" not in p, (query, p)


def test_a_version_1_ledger_is_upgraded(tmp_path):
    path = tmp_path / "old.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0002_listing_indexes")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION >= 5
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        indexes = {n for (n,) in led.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"contracts_listing", "contracts_by_amount"} <= indexes
        assert "contracts_signed" not in indexes
        assert list_ids(led, "contract", filters=Filters(status=REGISTERED)) == []
