"""非技术性费用明细: itemized non-technical costs, typed, checked, kept, undone,
exported and imported."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk import deductions
from broker_desk.errors import BrokerDeskError, ValidationError
from broker_desk.ledger import Ledger
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook


@pytest.mark.parametrize(("typed", "items"), [
    ("设备费 20000；材料费 5,000.50", [("设备费", 2_000_000), ("材料费", 500_050)]),
    ("设备费：2万元;差旅费=1,200元\n测试化验加工费 300", [("设备费", 2_000_000), ("差旅费", 120_000), ("测试化验加工费", 30_000)]),
    ("设备费２００００", [("设备费", 2_000_000)]),
    ([["设备费", 100]], [("设备费", 100)]),
    ('[["设备费", 100]]', [("设备费", 100)]),
    ("", []),
])
def test_typed_items(typed, items):
    assert deductions.parse(typed) == items


@pytest.mark.parametrize(("typed", "says"), [
    ("设备费", "第 1 项“设备费”应写作“费用名称 金额”"),
    ("设备费 100；材料费 1.234", "第 2 项“材料费”的金额“1.234”无法识别"),
    ("设备费 -5", "第 1 项“设备费”的金额不能为负数"),
    ([["设备费", 1.5]], "第 1 项"),
])
def test_bad_items_say_which_and_why(typed, says):
    with pytest.raises(BrokerDeskError) as e:
        deductions.parse(typed)
    assert says in str(e.value)


def test_items_set_the_total_and_the_technology_amount(ledger, make):
    cid = make.contract(amount_fen=100_000_000, deduction_items="设备费 200000；材料费 50000.5")
    c = ledger.get("contract", cid)
    assert c["deductions"] == [("设备费", 20_000_000), ("材料费", 5_000_050)]
    assert c["deductions_fen"] == 25_000_050
    assert c["tech_fen"] == 100_000_000 - 25_000_050
    assert deductions.text(c["deductions"]) == "设备费 200,000.00；材料费 50,000.50"


def test_a_total_that_disagrees_with_its_items_is_refused(ledger, make):
    with pytest.raises(ValidationError) as e:
        make.contract(deduction_items="设备费 100", deductions_fen=20_000)
    assert "明细合计 100.00 元与非技术性费用 200.00 元不符" in str(e.value)
    cid = make.contract(deduction_items="设备费 100")
    with pytest.raises(ValidationError):  # the total alone, beside items it does not match
        ledger.update("contract", cid, {"deductions_fen": 5})
    ledger.update("contract", cid, {"deduction_items": None, "deductions_fen": 5})
    assert ledger.get("contract", cid)["deductions"] == [] and ledger.get("contract", cid)["deductions_fen"] == 5


def test_items_over_the_amount_are_refused(make):
    with pytest.raises(ValidationError) as e:
        make.contract(amount_fen=10_000, deduction_items="设备费 200")
    assert "超过合同成交额" in str(e.value)


def test_an_item_edit_is_logged_and_undone(ledger, make):
    cid = make.contract(deduction_items="设备费 100")
    ledger.update("contract", cid, {"deduction_items": "设备费 100；材料费 50"})
    assert ledger.get("contract", cid)["deductions_fen"] == 15_000
    ledger.undo()
    c = ledger.get("contract", cid)
    assert c["deductions"] == [("设备费", 10_000)] and c["deductions_fen"] == 10_000


def test_items_round_trip_through_the_workbook(ledger, make, tmp_path):
    make.contract(deduction_items="设备购置费 120000；原材料费 30000.5")
    out = tmp_path / "out.xlsx"
    export_workbook(ledger, out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("技术合同").to_python()
    column = rows[0].index("非技术性费用明细")
    assert rows[1][column] == "设备购置费 120,000.00；原材料费 30,000.50"
    assert rows[1][rows[0].index("非技术性费用（元）")] == 150000.5
    with Ledger.open(tmp_path / "other.brokerdesk") as other:
        result = import_workbook(other, out)
        assert result.written and not result.errors
        assert other.conn.execute("SELECT deduction_items, deductions_fen FROM contracts").fetchall() == \
            ledger.conn.execute("SELECT deduction_items, deductions_fen FROM contracts").fetchall()
        again = import_workbook(other, out)
        assert again.summaries["技术合同"].unchanged == 1 and again.summaries["技术合同"].updated == 0


def test_a_bad_item_in_a_workbook_names_its_cell(ledger, tmp_path):
    headers = ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "非技术性费用明细"]
    path = write_xlsx(tmp_path / "in.xlsx", {"技术合同": [
        headers, ["HT-1", "项目", "技术开发", "甲公司", "乙大学", "2025-03-05", 100000, "设备费 100；材料费"]]})
    result = import_workbook(ledger, path)
    assert not result.written
    lines = [p.line() for p in result.problems]
    assert any(line.startswith("in.xlsx:技术合同:2:H（非技术性费用明细）:") and "第 2 项“材料费”" in line
               for line in lines), lines
