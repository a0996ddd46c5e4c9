"""Importing workbooks: identity and merge, every rejection rule with its place,
all-or-nothing, --skip-invalid, --dry-run, and the exact round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk import demo
from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook

HEADERS = ["记录ID", "合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）",
           "技术经纪人", "登记状态"]


write = write_xlsx  # a workbook written by another program (XlsxWriter)


def contract_row(no="HT-001", title="锂电池正极材料研发", category="技术开发", subtype="委托开发",
                 buyer="杭州甲方科技有限公司", seller="浙江乙方大学", signed=dt.date(2025, 3, 5),
                 amount=1250000, brokers="", status="草稿", uid=""):
    return [uid, no, title, category, subtype, buyer, seller, signed, amount, brokers, status]


@pytest.fixture
def book(tmp_path):
    def make(rows, extra=None, name="in.xlsx"):
        sheets = {"技术合同": [HEADERS, *rows]}
        sheets.update(extra or {})
        return write(tmp_path / name, sheets)
    return make


def contracts(led):
    return led.conn.execute("SELECT contract_no, title, amount_fen, signed_on, status FROM contracts ORDER BY id").fetchall()


def test_new_rows_insert_and_create_their_parties(ledger, book):
    path = book([contract_row(), contract_row(no="HT-002", brokers="张三(60%)；李四(40%)")])
    result = import_workbook(ledger, path)
    assert result.written and not result.errors
    s = result.summaries["技术合同"]
    assert (s.inserted, s.updated, s.unchanged, s.rejected) == (2, 0, 0, 0)
    assert result.summaries["客户"].created == 2 and result.summaries["经纪人"].created == 2
    assert contracts(ledger) == [("HT-001", "锂电池正极材料研发", 125_000_000, "2025-03-05", "草稿"),
                                 ("HT-002", "锂电池正极材料研发", 125_000_000, "2025-03-05", "草稿")]
    names = {n for (n,) in ledger.conn.execute("SELECT name FROM clients")}
    assert names == {"杭州甲方科技有限公司", "浙江乙方大学"}
    shares = ledger.conn.execute("SELECT b.name, cb.share_bp FROM contract_brokers cb JOIN brokers b "
                                 "ON b.id = cb.broker_id ORDER BY cb.rowid").fetchall()
    assert shares == [("张三", 6000), ("李四", 4000)]
    assert any("已新建客户" in p.message for p in result.warnings)
    assert ledger.undo_label() == "导入 in.xlsx"


def test_reimport_is_idempotent_and_a_changed_cell_updates(ledger, book):
    import_workbook(ledger, book([contract_row()]))
    again = import_workbook(ledger, book([contract_row()], name="again.xlsx"))
    s = again.summaries["技术合同"]
    assert (s.inserted, s.updated, s.unchanged) == (0, 0, 1)
    changed = import_workbook(ledger, book([contract_row(amount="130万")], name="changed.xlsx"))
    s = changed.summaries["技术合同"]
    assert (s.inserted, s.updated, s.unchanged) == (0, 1, 0)
    assert ledger.conn.execute("SELECT amount_fen FROM contracts").fetchone()[0] == 130_000_000
    uid = ledger.conn.execute("SELECT uid FROM contracts").fetchone()[0]
    log = [h for h in ledger.history("contract", uid) if h["action"] == "update"]
    assert log[-1]["field"] == "amount_fen" and (log[-1]["old"], log[-1]["new"]) == (125_000_000, 130_000_000)


@pytest.mark.parametrize("row, column, text", [
    (contract_row(amount="一百万"), "I（合同成交额（元））", "无法识别"),
    (contract_row(amount=-5), "I（合同成交额（元））", "负"),
    (contract_row(signed="2023-02-29"), "H（签订日期）", "不存在"),
    (contract_row(subtype="专利权转让"), "E（合同子类）", "不属于合同类别"),
    (contract_row(title=""), "C（项目名称）", "必填"),
    (contract_row(brokers="张三(60%)；李四(30%)"), "J（技术经纪人）", "100%"),
    (contract_row(status="办理中"), "K（登记状态）", "不在可选值中"),
    (contract_row(status="已登记"), "K（登记状态）", "登记编号"),
    (contract_row(buyer="浙江乙方大学"), "G（卖方）", "不能是同一个客户"),
])
def test_each_rejection_names_its_place_and_nothing_is_written(ledger, book, row, column, text):
    path = book([contract_row(no="OK-1"), row])
    result = import_workbook(ledger, path)
    assert not result.written
    assert ledger.count("contract") == 0 and ledger.count("client") == 0
    errors = [p for p in result.errors]
    assert errors, result.problems
    line = errors[0].line()
    assert line.startswith(f"in.xlsx:技术合同:3:{column}: "), line
    assert text in line


def test_skip_invalid_writes_the_good_rows(ledger, book):
    path = book([contract_row(no="OK-1"), contract_row(no="BAD", amount="abc"), contract_row(no="OK-2")])
    result = import_workbook(ledger, path, skip_invalid=True)
    assert result.written
    assert [r[0] for r in contracts(ledger)] == ["OK-1", "OK-2"]
    s = result.summaries["技术合同"]
    assert (s.inserted, s.rejected) == (2, 1)
    assert result.errors[0].row == 3


def test_dry_run_writes_nothing_but_counts(ledger, book):
    result = import_workbook(ledger, book([contract_row(), contract_row(no="HT-2")]), dry_run=True)
    assert not result.written and result.summaries["技术合同"].inserted == 2
    assert ledger.count("contract") == 0 and ledger.count("client") == 0
    assert ledger.undo_label() is None


def test_a_duplicate_row_in_the_file_is_rejected(ledger, book):
    result = import_workbook(ledger, book([contract_row(), contract_row(title="另一个名称")]))
    assert "与第 2 行是同一条记录" in result.errors[0].message


def test_synonyms_wan_header_title_rows_totals_and_old_licences(ledger, tmp_path):
    path = write(tmp_path / "other.xlsx", {"合同台账": [
        ["2024年度技术合同登记台账"],
        [],
        ["合同号", "合同名称", "合同类型", "子类", "甲方", "乙方", "签订时间", "合同金额（万元）", "经纪人"],
        ["A-1", "稀土永磁材料专利实施许可", "技术转让", "专利实施许可", "甲公司", "乙研究院", "2024年3月5日", 12.5, "王五、赵六"],
        [None, None, None, None, None, None, None, None, None],
        ["A-2", "检测服务", "技术服务", "技术服务", "甲公司", "乙研究院", "2024/3/6", "8万", ""],
        ["合计", None, None, None, None, None, None, 20.5, None],
    ]})
    result = import_workbook(ledger, path)
    assert not result.errors, [p.line() for p in result.errors]
    rows = ledger.conn.execute("SELECT contract_no, category, subtype, signed_on, amount_fen FROM contracts "
                               "ORDER BY id").fetchall()
    assert rows == [("A-1", "技术许可", "专利实施许可", "2024-03-05", 12_500_000),
                    ("A-2", "技术服务", "技术服务", "2024-03-06", 8_000_000)]
    shares = [s for (s,) in ledger.conn.execute("SELECT share_bp FROM contract_brokers ORDER BY rowid")]
    assert shares == [5000, 5000]


def test_registration_state_and_history_come_in_together(ledger, tmp_path):
    path = write(tmp_path / "reg.xlsx", {
        "技术合同": [HEADERS + ["登记机构", "受理日期", "登记编号", "登记日期"],
                 contract_row(status="已登记") + ["杭州市技术合同登记处", dt.date(2025, 3, 20), "2025330101000123",
                                                  dt.date(2025, 4, 2)]],
        "登记进度": [["合同编号", "卖方", "状态", "日期", "说明"],
                 ["HT-001", "浙江乙方大学", "待提交", dt.date(2025, 3, 10), None],
                 ["HT-001", "浙江乙方大学", "已受理", dt.date(2025, 3, 20), None],
                 ["HT-001", "浙江乙方大学", "已登记", dt.date(2025, 4, 2), None]],
    })
    result = import_workbook(ledger, path)
    assert not result.errors, [p.line() for p in result.errors]
    c = ledger.get("contract", 1)
    assert (c["status"], c["reg_no"], c["approved_fen"], c["clock_from"]) == ("已登记", "2025330101000123",
                                                                              125_000_000, "2025-03-20")
    steps = [(e["from_status"], e["to_status"]) for e in ledger.registration_history(1)]
    assert steps == [("草稿", "待提交"), ("待提交", "已受理"), ("已受理", "已登记")]
    assert result.summaries["登记进度"].inserted == 3


def test_a_history_that_breaks_the_workflow_is_rejected_with_its_row(ledger, tmp_path):
    path = write(tmp_path / "bad.xlsx", {
        "技术合同": [HEADERS, contract_row(status="待提交")],
        "登记进度": [["合同编号", "卖方", "状态", "日期", "说明"],
                 ["HT-001", "浙江乙方大学", "已受理", dt.date(2025, 3, 10), None]],
    })
    result = import_workbook(ledger, path)
    assert result.errors[0].line().startswith("bad.xlsx:登记进度:2:C（状态）: ")
    assert "不能从“草稿”到“已受理”" in result.errors[0].message
    assert not result.written


def test_cancel_leaves_the_ledger_as_it_was(ledger, book):
    rows = [contract_row(no=f"C-{i}") for i in range(1200)]
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(BrokerDeskError) as e:
        import_workbook(ledger, book(rows), cancelled=cancelled)
    assert e.value.code == "import.cancelled"
    assert ledger.count("contract") == 0 and ledger.count("client") == 0


def _cells(path):
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_round_trip_export_import_export_is_identical(demo_ledger, tmp_path):
    from broker_desk.workbook.export import export_workbook

    first = tmp_path / "first.xlsx"
    export_workbook(demo_ledger, first)
    with Ledger.open(tmp_path / "empty.brokerdesk") as empty:
        result = import_workbook(empty, first)
        assert not result.errors, [p.line() for p in result.errors[:5]]
        second = tmp_path / "second.xlsx"
        export_workbook(empty, second)
        again = import_workbook(empty, first)
    a, b = _cells(first), _cells(second)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name
    for name, summary in again.summaries.items():
        assert (summary.inserted, summary.updated) == (0, 0), name


def test_merging_two_brokers_exports_makes_no_duplicates(tmp_path):
    from broker_desk.workbook.export import export_workbook

    def broker_ledger(name, contract_no):
        with Ledger.open(tmp_path / f"{name}.brokerdesk") as led:
            buyer = led.add("client", {"name": "共同客户科技有限公司", "credit_code": "91110108MA01ABCD1E",
                                       "nature": "企业"}).id
            seller = led.add("client", {"name": f"{name}合作大学", "nature": "高等院校"}).id
            led.add("contract", {"contract_no": contract_no, "title": "联合研发", "category": "技术开发",
                                 "buyer_id": buyer, "seller_id": seller, "signed_on": "2025-05-01",
                                 "amount_fen": 10_000_000})
            out = tmp_path / f"{name}.xlsx"
            export_workbook(led, out)
            return out

    a, b = broker_ledger("甲", "J-1"), broker_ledger("乙", "Y-1")
    with Ledger.open(tmp_path / "office.brokerdesk") as office:
        for path in (a, b, a, b):
            result = import_workbook(office, path)
            assert not result.errors
        assert office.count("contract") == 2
        assert office.count("client") == 3  # the shared buyer once, by its credit code


def test_formula_looking_text_stays_text(ledger, tmp_path):
    from broker_desk.workbook.export import export_workbook

    path = write(tmp_path / "f.xlsx", {"技术合同": [HEADERS, contract_row(title="=SUM(A1:A3)"),
                                                   contract_row(no="+86-1", title="@项目")]})
    assert not import_workbook(ledger, path).errors
    out = tmp_path / "out.xlsx"
    export_workbook(ledger, out)
    titles = [r[2] for r in _cells(out)["技术合同"][1:]]
    assert titles == ["=SUM(A1:A3)", "@项目"]
    from openpyxl import load_workbook

    ws = load_workbook(out)["技术合同"]
    assert ws["C2"].value == "=SUM(A1:A3)" and ws["C2"].data_type == "s"


FIXTURES = __import__("pathlib").Path(__file__).parent / "data" / "workbooks"


@pytest.mark.parametrize("name", ["lo_contracts.xlsx", "lo_contracts.ods", "lo_contracts.xls"])
def test_workbooks_libreoffice_wrote_import_exactly(ledger, name):
    import json

    expected = json.loads((FIXTURES / "lo_contracts_expected.json").read_text(encoding="utf-8"))
    result = import_workbook(ledger, FIXTURES / name, skip_invalid=True)
    errors: dict[int, list] = {}
    for p in result.errors:
        errors.setdefault(p.row, []).append(p)
    # rows 4 and 10 have a 登记编号 (so they are registered) but no 登记日期;
    # row 10's 技术交易额 also exceeds its amount: both problems are listed
    assert set(errors) == {4, 10}, [p.line() for p in result.errors]
    assert [p.line() for p in errors[4]] == [f"{name}:技术合同台账:4:L（登记编号）: 登记状态为“已登记”时须填写登记日期"]
    assert any(p.column.startswith("J（") and "不能超过合同成交额" in p.message for p in errors[10])
    assert result.unmapped == {"技术合同台账": ["序号"]}
    # a rejected row created nothing; its old 14-digit number is still pointed out
    assert [p.line() for p in result.warnings if p.row in errors] == [
        f"{name}:技术合同台账:10:L（登记编号）: 登记编号“24330106000124”为 14 位，本账本的登记编号为 16 位（见“设置”），请核对"]
    created = [p for p in result.warnings if "已新建客户" in p.message]
    assert result.summaries["客户"].created == len(created) == ledger.count("client")
    for row in expected["rows"]:
        if row["row"] in errors:
            continue
        cells, want = row["cells"], row["ledger"]
        got = ledger.conn.execute(
            "SELECT c.title, c.category, c.subtype, b.name, b.credit_code, s.name, c.signed_on, c.amount_fen, "
            "c.tech_given_fen, c.note, c.id FROM contracts c JOIN clients b ON b.id = c.buyer_id "
            "JOIN clients s ON s.id = c.seller_id WHERE c.contract_no = ?", [cells["contract_no"]]).fetchone()
        assert got is not None, cells["contract_no"]
        title, category, subtype, buyer, buyer_code, seller, signed, amount, tech, note, cid = got
        assert (title, category, subtype) == (cells["title"], want["category"], want["subtype"])
        # a 技术交易额 equal to 成交额 − 非技术性费用 (none here) is what the ledger derives: no override
        given = None if cells["tech_given_fen"] == cells["amount_fen"] else cells["tech_given_fen"]
        assert (signed, amount, tech, note) == (cells["signed_on"], cells["amount_fen"], given, cells["note"])
        assert seller == cells["seller_id"]
        if "buyer_credit_code" in want:
            assert buyer_code == want["buyer_credit_code"]
        else:
            assert buyer == cells["buyer_id"]
        brokers = ledger.conn.execute("SELECT b.name, cb.share_bp FROM contract_brokers cb JOIN brokers b "
                                      "ON b.id = cb.broker_id WHERE cb.contract_id = ? ORDER BY cb.rowid",
                                      [cid]).fetchall()
        assert [list(b) for b in brokers] == want["brokers"]


def test_clients_libreoffice_wrote_import_exactly(ledger):
    import json

    expected = json.loads((FIXTURES / "lo_clients_expected.json").read_text(encoding="utf-8"))
    result = import_workbook(ledger, FIXTURES / "lo_clients.xlsx")
    assert not result.errors, [p.line() for p in result.errors]
    for row in expected["rows"]:
        cells = row["cells"]
        got = ledger.conn.execute("SELECT name, credit_code, nature, region, phone, uid FROM clients WHERE name = ?",
                                  [cells["name"]]).fetchone()
        assert got[:5] == (cells["name"], row["ledger"]["credit_code"], cells["nature"], cells["region"], cells["phone"])
        if cells["uid"]:
            assert got[5] == cells["uid"]


def _reg_book(tmp_path, name, status, steps, extra=()):
    head = HEADERS + ["登记机构", "受理日期"]
    row = contract_row(status=status) + list(extra or [None, None])
    history = [["合同编号", "卖方", "状态", "日期", "说明"]] + [
        ["HT-001", "浙江乙方大学", s, d, None] for s, d in steps]
    return write(tmp_path / name, {"技术合同": [head, row], "登记进度": history})


def test_a_later_workbook_moves_the_registration_on_and_an_older_one_does_not_undo_it(ledger, tmp_path):
    first = _reg_book(tmp_path, "1.xlsx", "待提交", [("待提交", dt.date(2025, 3, 10))])
    assert not import_workbook(ledger, first).errors
    later = _reg_book(tmp_path, "2.xlsx", "已受理", [("待提交", dt.date(2025, 3, 10)), ("已受理", dt.date(2025, 3, 20))],
                      ["杭州市技术合同登记处", dt.date(2025, 3, 20)])
    result = import_workbook(ledger, later)
    assert not result.errors, [p.line() for p in result.errors]
    c = ledger.get("contract", 1)
    assert (c["status"], c["reg_office"], c["accepted_on"], c["clock_from"]) == (
        "已受理", "杭州市技术合同登记处", "2025-03-20", "2025-03-20")
    assert result.summaries["技术合同"].updated == 1 and result.summaries["登记进度"].inserted == 1
    assert [e["to_status"] for e in ledger.registration_history(1)] == ["待提交", "已受理"]
    older = import_workbook(ledger, first)  # a broker's older export: the ledger keeps its progress
    assert ledger.get("contract", 1)["status"] == "已受理"
    assert any("登记进度更新" in p.message for p in older.warnings)
    assert any("登记状态与账本不同" in p.message or "登记进度更新" in p.message for p in older.warnings)


def test_undo_of_an_import_takes_its_contracts_and_their_steps_and_redo_brings_both_back(ledger, tmp_path):
    demo_path = tmp_path / "demo.brokerdesk"
    with Ledger.open(demo_path) as source:
        demo.generate(source, 40, seed=3)
        export_workbook(source, tmp_path / "demo.xlsx")
        steps = source.conn.execute("SELECT count(*) FROM registration_events").fetchone()[0]
    assert steps > 40
    result = import_workbook(ledger, tmp_path / "demo.xlsx")
    assert result.written and result.summaries["登记进度"].inserted == steps

    def state():
        return (ledger.conn.execute("SELECT count(*) FROM contracts").fetchone()[0],
                sorted(ledger.conn.execute("SELECT c.contract_no, e.from_status, e.to_status, e.on_date "
                                           "FROM registration_events e JOIN contracts c ON c.id = e.contract_id")))
    imported = state()
    assert imported[0] == 40 and len(imported[1]) == steps
    ledger.undo()
    assert state() == (0, [])
    ledger.redo()
    assert state() == imported


def test_a_blank_non_technical_costs_cell_is_none_and_bad_itemised_costs_are_row_problems(ledger, tmp_path):
    """Two cells people leave blank or mistype: a blank 非技术性费用 is 0 (it failed the whole
    import once, writing NULL); an item with a negative or unreadable amount is that row's problem
    (it raised TypeError once)."""
    headers = ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "非技术性费用（元）",
               "非技术性费用明细"]
    path = write(tmp_path / "costs.xlsx", {"技术合同": [
        headers,
        ["HT-1", "项目一", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 5), 1000, None, None],
        ["HT-2", "项目二", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 5), 1000, None, "设备费 -100"],
        ["HT-3", "项目三", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 5), 1000, None, "设备费 1.2.3"],
        ["HT-4", "项目四", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 5), 1000, None, "设备费 300"]]})
    result = import_workbook(ledger, path, skip_invalid=True)
    assert [p.line() for p in result.errors] == [
        "costs.xlsx:技术合同:3:I（非技术性费用明细）: 第 1 项“设备费”的金额不能为负数",
        "costs.xlsx:技术合同:4:I（非技术性费用明细）: " + result.errors[1].message]
    assert result.errors[1].message.startswith("第 1 项“设备费”的金额“1.2.3”无法识别")
    assert ledger.conn.execute("SELECT contract_no, deductions_fen FROM contracts ORDER BY id").fetchall() == [
        ("HT-1", 0), ("HT-4", 30000)]


def test_a_row_naming_a_contract_an_earlier_row_brought_in_updates_it_and_does_not_crash(ledger, book):
    """The first row has no 记录ID, the second has one the ledger does not know: by 合同编号 and 卖方 it
    names the contract the first row brought in (still waiting to be written), which it updates.
    This raised AttributeError once (the waiting contract was looked up in the ledger)."""
    uid = "0b9d5a4e-54a5-4c1e-9d0e-3f5f1c2a7b11"
    result = import_workbook(ledger, book([contract_row(), contract_row(title="又一行", uid=uid)]))
    assert result.written and not result.errors
    s = result.summaries["技术合同"]
    assert (s.inserted, s.updated, s.rejected) == (1, 1, 0)
    assert contracts(ledger) == [("HT-001", "又一行", 125_000_000, "2025-03-05", "草稿")]


def test_reimport_itemised_costs_said_otherwise_are_unchanged_and_other_costs_update(ledger, tmp_path):
    """非技术性费用明细 as the export writes it, or the same items written otherwise: no change;
    other items: the contract is updated to them."""
    header = ["记录ID", "合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）",
              "非技术性费用（元）", "非技术性费用明细"]
    rows = [[None, f"HT-{n}", "项目", "技术开发", "委托开发", "甲公司", "乙大学", dt.date(2025, 3, 5), 1_000_000,
             200_000, "设备费 150,000.00；材料费 50,000.00"] for n in (1, 2, 3)]
    assert not import_workbook(ledger, write(tmp_path / "first.xlsx", {"技术合同": [header, *rows]})).errors
    uids = [u for (u,) in ledger.conn.execute("SELECT uid FROM contracts ORDER BY id")]
    again = [[uids[0], *rows[0][1:]],
             [uids[1], *rows[1][1:-1], "设备费 150000；材料费 5万"],
             [uids[2], *rows[2][1:-1], "设备费 120000；材料费 80000"]]
    result = import_workbook(ledger, write(tmp_path / "again.xlsx", {"技术合同": [header, *again]}))
    s = result.summaries["技术合同"]
    assert (s.inserted, s.updated, s.unchanged, s.rejected) == (0, 1, 2, 0), [p.line() for p in result.problems]
    assert ledger.conn.execute("SELECT contract_no, deduction_items FROM contracts ORDER BY id").fetchall() == [
        ("HT-1", '[["设备费", 15000000], ["材料费", 5000000]]'), ("HT-2", '[["设备费", 15000000], ["材料费", 5000000]]'),
        ("HT-3", '[["设备费", 12000000], ["材料费", 8000000]]')]


@pytest.mark.parametrize("chunk", [1, 2000])
def test_a_contract_changed_by_one_row_and_named_again_by_a_later_row_takes_the_later_row(ledger, tmp_path,
                                                                                      monkeypatch, chunk):
    """By 记录ID one row changes a contract; a later row names it by (合同编号, 卖方) as it was:
    the later row is compared with the contract as the first row left it, and wins."""
    from broker_desk.workbook.importing import rules as import_rules

    monkeypatch.setattr(import_rules, "CHUNK", chunk)
    header = ["记录ID", "合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）"]
    row = [None, "HT-1", "原来的项目", "技术开发", "委托开发", "甲公司", "乙大学", dt.date(2025, 3, 5), 1_000_000]
    assert not import_workbook(ledger, write(tmp_path / "first.xlsx", {"技术合同": [header, row]})).errors
    uid = ledger.conn.execute("SELECT uid FROM contracts").fetchone()[0]
    changed = [uid, *row[1:2], "改过的项目", *row[3:]]
    result = import_workbook(ledger, write(tmp_path / "again.xlsx", {"技术合同": [header, changed, row]}))
    s = result.summaries["技术合同"]
    assert (s.inserted, s.updated, s.unchanged, s.rejected) == (0, 2, 0, 0), [p.line() for p in result.problems]
    assert ledger.conn.execute("SELECT title FROM contracts").fetchall() == [("原来的项目",)]


def test_a_bulk_import_builds_the_indexes_again_and_keeps_every_search_row(ledger, book, monkeypatch):
    """With the contracts' indexes dropped for a bulk import, the search rows are still kept
    (new contracts, and one changed by a later row), and the indexes are all there afterwards."""
    from broker_desk.workbook.importing import rules as import_rules

    monkeypatch.setattr(import_rules, "BULK_ROWS", 3)
    indexes = ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contracts'")
    before = sorted(indexes.fetchall())
    rows = [contract_row(no=f"HT-{n}", title=f"第{n}个项目", uid=f"0b9d5a4e-54a5-4c1e-9d0e-{n:012d}") for n in range(8)]
    # named again by (合同编号, 卖方): the contract the row above brought in, changed
    result = import_workbook(ledger, book([*rows, contract_row(no="HT-3", title="改名的项目")]))
    assert result.summaries["技术合同"].inserted == 8 and result.summaries["技术合同"].updated == 1
    assert sorted(ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                      "AND tbl_name = 'contracts'").fetchall()) == before
    search = ledger.conn.execute("SELECT id, text FROM contract_search ORDER BY id").fetchall()
    assert len(search) == 8 and search == ledger.conn.execute(
        "SELECT id, text FROM contract_search_text ORDER BY id").fetchall()
    assert [c["title"] for c in map(lambda i: ledger.get("contract", i), ledger.search("contract", "改名"))] == \
        ["改名的项目"]
