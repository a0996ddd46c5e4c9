"""Large imports: new records wait in memory and are written together, and a contracts sheet
larger than the ledger has the contracts' indexes built once at the end. The outcome must be
the ledger a row-by-row import gives: same rows, same indexes, search and uniqueness intact."""

from __future__ import annotations

import pytest
from workbooks import write_xlsx

from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook
from broker_desk.workbook.importing import rules as import_rules


@pytest.fixture
def bulk(monkeypatch):
    """The bulk path for small files too (normally from 5,000 contracts)."""
    monkeypatch.setattr(import_rules, "BULK_ROWS", 10)
    monkeypatch.setattr(import_rules, "BATCH", 97)  # several batches, a partial one last
    monkeypatch.setattr(import_rules, "CHUNK", 13)  # cells converted in several chunks too


def _schema(led):
    return sorted(led.conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def _columns(led) -> str:
    """Every column of contracts but the time stamps."""
    return ", ".join(r[1] for r in led.conn.execute("PRAGMA table_xinfo(contracts)")
                     if r[1] not in ("created_at", "updated_at"))


def _contents(led):
    return {
        "contracts": led.conn.execute(f"SELECT {_columns(led)} FROM contracts ORDER BY id").fetchall(),
        "brokers": led.conn.execute("SELECT * FROM contract_brokers ORDER BY contract_id, broker_id").fetchall(),
        "events": led.conn.execute("SELECT contract_id, from_status, to_status, on_date, note FROM registration_events "
                                   "ORDER BY id").fetchall(),
        "search": led.conn.execute("SELECT * FROM contract_search ORDER BY id").fetchall(),
    }


def test_bulk_import_gives_the_same_ledger_as_row_by_row(demo_ledger, tmp_path, monkeypatch):
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    with Ledger.open(tmp_path / "row.brokerdesk") as slow:
        monkeypatch.setattr(import_rules, "BULK_ROWS", 10**9)
        monkeypatch.setattr(import_rules, "BATCH", 1)
        assert import_workbook(slow, book).written
        expected, expected_schema = _contents(slow), _schema(slow)
    monkeypatch.setattr(import_rules, "BULK_ROWS", 10)
    monkeypatch.setattr(import_rules, "BATCH", 97)
    with Ledger.open(tmp_path / "bulk.brokerdesk") as fast:
        result = import_workbook(fast, book)
        assert result.written and not result.errors
        got = _contents(fast)
        assert _schema(fast) == expected_schema  # every index and trigger is back
        assert fast.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert fast.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        title = fast.get("contract", 6)["title"]
        assert 6 in fast.search("contract", title[2:8])
        # the triggers work again: a renamed party is found under its new name
        seller = fast.get("contract", 6)["seller_id"]
        fast.update("client", seller, {"name": "改名后的卖方研究院"})
        assert 6 in fast.search("contract", "改名后的卖方")
    for name in ("contracts", "brokers", "events", "search"):
        assert got[name] == expected[name], name


def test_new_records_take_record_ids_that_sort_as_they_were_added(demo_ledger, tmp_path, monkeypatch):
    """Records a sheet brings without 记录ID get new ones, made a stock at a time: still UUIDv7s,
    distinct, sorting in the order the records were added (ids) across several stocks."""
    import openpyxl

    monkeypatch.setattr(import_rules, "UID_STOCK", 7)
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    wb = openpyxl.load_workbook(book)
    for ws in (wb["客户"], wb["技术合同"]):  # (the other sheets' records are named by their 记录ID elsewhere)
        assert ws.cell(1, 1).value == "记录ID"
        for row in range(2, ws.max_row + 1):
            ws.cell(row, 1).value = None
    wb.save(book)
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        assert import_workbook(led, book).written
        for table in ("contracts", "clients"):
            uids = [u for (u,) in led.conn.execute(f"SELECT uid FROM {table} ORDER BY id")]
            assert len(uids) > 20 and uids == sorted(set(uids)), table
            assert all(import_rules.UID_LIKE.match(u) and u[14] == "7" for u in uids), table


def test_bulk_import_keeps_unique_keys(ledger, tmp_path, bulk):
    headers = ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "登记状态", "受理日期",
               "登记机构", "登记编号", "登记日期"]
    rows = [[f"HT-{i}", f"项目{i}", "技术服务", "甲公司", "乙大学", "2025-03-05", 1000, "草稿", None, None, None, None]
            for i in range(40)]
    rows[30] = ["HT-5", "重复的合同编号", "技术服务", "甲公司", "乙大学", "2025-03-05", 1000, "草稿",
                None, None, None, None]
    path = write_xlsx(tmp_path / "dup.xlsx", {"技术合同": [headers, *rows]})
    result = import_workbook(ledger, path)
    assert not result.written and ledger.count("contract") == 0
    assert [p.line() for p in result.errors][0].startswith("dup.xlsx:技术合同:32:")
    assert _schema(ledger) == _schema_of_new(tmp_path)  # the rolled-back import left the indexes


def _schema_of_new(tmp_path):
    with Ledger.open(tmp_path / "fresh.brokerdesk") as fresh:
        return _schema(fresh)


def test_a_cancelled_bulk_import_leaves_the_ledger_and_its_indexes(demo_ledger, tmp_path, bulk):
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    with Ledger.open(tmp_path / "target.brokerdesk") as target:
        before = _schema(target)
        calls = {"n": 0}

        def cancelled():
            calls["n"] += 1
            return calls["n"] > 8  # well into the contracts sheet

        with pytest.raises(BrokerDeskError):
            import_workbook(target, book, cancelled=cancelled)
        assert target.count("contract") == 0 and target.count("client") == 0
        assert _schema(target) == before


def test_the_largest_sheet_loads_from_the_start_and_the_next_ones_ahead(demo_ledger, tmp_path, monkeypatch):
    """The contracts sheet (the largest, though the money sheets come after it) is loaded beside the
    others from the start; each sheet being imported has the next ones loading, within the budget."""
    from broker_desk.workbook.reader import WorkbookReader

    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    aside, loads = [], []
    monkeypatch.setattr(import_rules, "ASIDE_CELLS", 100)
    monkeypatch.setattr(import_rules, "AHEAD_CELLS", 10**9)
    real_aside, real_load = WorkbookReader.load_aside, WorkbookReader.load
    monkeypatch.setattr(WorkbookReader, "load_aside", lambda self, name: (aside.append(name), real_aside(self, name)))
    monkeypatch.setattr(WorkbookReader, "load", lambda self, name: (loads.append(name), real_load(self, name)))
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        result = import_workbook(led, book)
        assert result.written and not result.errors
        assert led.count("contract") == demo_ledger.count("contract")
    assert aside == ["技术合同"]
    # the first sheet read already has every later one (but the contracts) loading behind it
    assert loads[:3] == ["经纪人", "客户", "科技成果"]
    assert loads.index("付款计划") < loads.index("登记进度") + 3  # past the contracts, which load aside


def _imported_reading(demo_ledger, tmp_path, monkeypatch) -> list[tuple[str, tuple[str, ...]]]:
    """Export the demo and import it into a new ledger: each sheet read, with those loading ahead of it."""
    from broker_desk.workbook.reader import WorkbookReader

    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    seen = []
    real_read = WorkbookReader.read
    monkeypatch.setattr(WorkbookReader, "read", lambda self, name, overrides=None, then=(), stream=False: (
        seen.append((name, tuple(then))), real_read(self, name, overrides, then, stream))[1])
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        assert import_workbook(led, book).written
    return seen


def test_sheets_load_ahead_only_within_the_budget(demo_ledger, tmp_path, monkeypatch):
    monkeypatch.setattr(import_rules, "AHEAD_CELLS", 1)  # only the next sheet loads ahead
    seen = _imported_reading(demo_ledger, tmp_path, monkeypatch)
    assert all(len(then) <= 1 for _, then in seen) and seen[0] == ("经纪人", ("客户",))


@pytest.mark.parametrize("budget", ["wide", "narrow"])
def test_a_sheet_loads_beside_the_largest_only_within_the_xml_budget(demo_ledger, tmp_path, monkeypatch, budget):
    """Beside the largest sheet (loading from the start), another sheet loads ahead only while the
    two sheets' XML stays within BESIDE_XML; else it waits until it is the next one."""
    monkeypatch.setattr(import_rules, "ASIDE_CELLS", 100)
    monkeypatch.setattr(import_rules, "AHEAD_CELLS", 10**9)
    monkeypatch.setattr(import_rules, "BESIDE_XML", 10**12 if budget == "wide" else 1)
    first, then = (seen := _imported_reading(demo_ledger, tmp_path, monkeypatch))[0]
    assert first == "经纪人"
    if budget == "wide":
        assert "登记进度" in then and "技术合同" not in then
    else:  # every sheet before the contracts has only the next one loading ahead
        assert then == ("客户",)
        assert [t for name, t in seen if name == "跟进记录"] == [("登记进度",)]


def test_a_large_import_is_kept_by_a_rollback_journal_then_by_the_log_again(demo_ledger, tmp_path, monkeypatch):
    """A large import writes through a rollback journal (each new page once, not to the log and
    then again into the file), and the ledger is back in WAL mode, synchronous NORMAL, after."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    monkeypatch.setattr(import_rules, "JOURNAL_ROWS", 10)
    modes = []
    with Ledger.open(tmp_path / "journal.brokerdesk") as led:
        raw = led.conn
        result = import_workbook(led, book, progress=lambda f, m: modes.append(
            (raw.execute("PRAGMA journal_mode").fetchone()[0], raw.execute("PRAGMA synchronous").fetchone()[0])))
        assert result.written and not result.errors
        assert set(modes) == {("delete", 2)}  # synchronous FULL meanwhile
        assert led.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert led.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
        assert led.count("contract") == demo_ledger.count("contract")
        assert led.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not (tmp_path / "journal.brokerdesk-journal").exists()


def test_a_large_import_keeps_the_log_while_another_connection_has_the_ledger(demo_ledger, tmp_path, monkeypatch):
    """The journal cannot change while another connection has the file open: the import goes
    through the log as usual, and that connection reads the ledger as it was meanwhile."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    monkeypatch.setattr(import_rules, "JOURNAL_ROWS", 10)
    path = tmp_path / "shared.brokerdesk"
    modes, seen = [], []
    with Ledger.open(path) as led, Ledger.open(path) as other:
        def progress(fraction, message):
            modes.append(led.conn.execute("PRAGMA journal_mode").fetchone()[0])
            seen.append(other.count("contract"))
        result = import_workbook(led, book, progress=progress)
        assert result.written and not result.errors
        assert set(modes) == {"wal"} and set(seen) == {0}
        assert other.count("contract") == demo_ledger.count("contract")


def _asking(led, book):
    """Import ``book`` into ``led``: the result, and every statement the import ran on the ledger."""
    asked: list[str] = []
    led.conn.set_trace_callback(asked.append)
    try:
        return import_workbook(led, book), asked
    finally:
        led.conn.set_trace_callback(None)


def test_what_the_ledger_holds_none_of_is_not_asked_for(demo_ledger, tmp_path):
    """Kinds the ledger holds no record of when the import starts: their 记录IDs and next ids are
    known without asking the ledger (a question waits for the writer to finish what it was given)
    — and the ids still follow those given before, to records since deleted."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    with Ledger.open(tmp_path / "target.brokerdesk") as target:
        for name in ("甲公司", "乙公司", "丙公司"):
            target.add("client", {"name": name})
        for id_ in (1, 2, 3):
            target.delete("client", id_)
        assert target.count("client") == 0
        result, asked = _asking(target, book)
        assert result.written and not result.errors
        read = [s for s in asked if s.startswith(("SELECT uid, id FROM", "SELECT seq FROM sqlite_sequence"))]
        assert read == []
        ids = [i for (i,) in target.conn.execute("SELECT id FROM clients ORDER BY id")]
        assert ids[0] == 4 and ids == list(range(4, 4 + demo_ledger.count("client")))
        assert target.count("payment_plan") == demo_ledger.count("payment_plan") > 0
        # the same file again: now the ledger holds them, and is asked
        again, asked = _asking(target, book)
        assert again.written and not again.errors
        assert {s for s in asked if s.startswith("SELECT uid, id FROM")} >= {
            "SELECT uid, id FROM clients", "SELECT uid, id FROM payment_plans"}
        assert all(s.inserted == 0 for s in again.summaries.values())
