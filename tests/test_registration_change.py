"""变更登记 (DESIGN.md §3): a dated step on a registered contract that keeps it 已登记 — in the
core (rules, the ledger's method, undo, the change log), in every walk over a status history
(check, statistics, import), and through export and import."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk import check, statistics
from broker_desk.errors import BrokerDeskError, ValidationError
from broker_desk.ledger import Ledger
from broker_desk.registration import CHANGE, REGISTERED, WITHDRAWN, allowed_moves, status_after
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook

TODAY = dt.date(2025, 9, 30)
OFFICE = "北京技术市场管理办公室"
REG_NO = "2025110101000001"


@pytest.fixture
def registered(ledger, make) -> int:
    """A contract accepted 2025-04-02 and registered 2025-04-20 (18 days), by 王五."""
    ledger.set_setting("operator", "王五")
    cid = make.contract(contract_no="BG-1", amount_fen=100_000_000, deductions_fen=10_000_000)
    ledger.move(cid, "待提交", "2025-04-01", today=TODAY)
    ledger.move(cid, "已受理", "2025-04-02", reg_office=OFFICE, today=TODAY)
    ledger.move(cid, "已登记", "2025-04-20", reg_no=REG_NO, approved_fen=80_000_000, today=TODAY)
    return cid


def test_the_rules_know_the_step():
    assert allowed_moves(REGISTERED) == (CHANGE, WITHDRAWN)
    assert allowed_moves(CHANGE) == allowed_moves(REGISTERED)  # a history walk goes on from it
    assert status_after(CHANGE) == REGISTERED and status_after(WITHDRAWN) == WITHDRAWN


def test_a_change_keeps_the_contract_registered(ledger, registered):
    before = ledger.get("contract", registered)
    changes = ledger.change_registration(registered, "2025-07-01", "合同金额由 100 万元变更为 120 万元", today=TODAY)
    assert changes.op_id is not None
    after = ledger.get("contract", registered)
    assert after == before  # still 已登记, the same 登记编号, 登记日期 and 核定技术交易额
    assert (after["status"], after["reg_no"], after["registered_on"], after["approved_fen"]) == (
        REGISTERED, REG_NO, "2025-04-20", 80_000_000)
    step = ledger.registration_history(registered)[-1]
    assert (step["from_status"], step["to_status"], step["on_date"], step["note"], step["user"]) == (
        REGISTERED, CHANGE, "2025-07-01", "合同金额由 100 万元变更为 120 万元", "王五")
    # in the change log, named for what it is and for its contract
    assert ledger.undo_label() == "合同“BG-1”变更登记"
    assert ledger.recent_ops(1)[0]["label"] == "合同“BG-1”变更登记"
    assert ledger.recent_ops(1)[0]["record"] == ("contract", registered)
    # still registered: changed again, or cancelled (注销登记, 已撤销) as before
    assert ledger.allowed_moves(registered) == (CHANGE, WITHDRAWN)
    ledger.move(registered, CHANGE, "2025-08-01", today=TODAY)
    ledger.move(registered, WITHDRAWN, "2025-09-01", note="注销登记", today=TODAY)
    steps = [(e["from_status"], e["to_status"]) for e in ledger.registration_history(registered)]
    assert steps[-3:] == [(REGISTERED, CHANGE), (REGISTERED, CHANGE), (REGISTERED, WITHDRAWN)]
    assert ledger.get("contract", registered)["status"] == WITHDRAWN


def test_a_change_is_undone_and_redone(ledger, registered):
    ledger.change_registration(registered, "2025-07-01", "变更", today=TODAY)
    ledger.undo()
    assert [e["to_status"] for e in ledger.registration_history(registered)] == ["待提交", "已受理", "已登记"]
    assert ledger.get("contract", registered)["status"] == REGISTERED
    ledger.redo()
    assert [e["to_status"] for e in ledger.registration_history(registered)][-1] == CHANGE


def test_a_change_is_refused_where_the_rules_say(ledger, registered, make):
    accepted = make.contract()
    ledger.move(accepted, "待提交", "2025-04-01", today=TODAY)
    ledger.move(accepted, "已受理", "2025-04-02", reg_office=OFFICE, today=TODAY)
    with pytest.raises(BrokerDeskError) as info:
        ledger.change_registration(accepted, "2025-05-01", today=TODAY)
    assert str(info.value) == "不能从“已受理”改为“变更登记”：允许的下一步为 已登记、需补正、不予登记、草稿"
    with pytest.raises(ValidationError) as info:
        ledger.change_registration(registered, "2025-04-19", today=TODAY)
    assert [p.message() for p in info.value.errors] == ["日期 2025-04-19 早于上一步的日期 2025-04-20"]
    with pytest.raises(ValidationError):
        ledger.change_registration(registered, "2025-10-01", today=TODAY)  # in the future
    assert len(ledger.registration_history(registered)) == 3


def test_history_walks_are_not_disturbed(ledger, registered):
    """check (the last step against the status), the days from 受理 to 登记, overdue cases."""
    before = statistics.compute(ledger, 2025, today=TODAY)
    ledger.change_registration(registered, "2025-07-01", "变更", today=TODAY)
    report = check.run(ledger, today=TODAY)
    assert report.healthy, report.problems
    after = statistics.compute(ledger, 2025, today=TODAY)
    assert after.duration == before.duration == statistics.Duration(1, 18.0, 18)
    assert after.totals == before.totals and after.totals.contracts == 1
    assert statistics.overdue_on(ledger, dt.date(2025, 8, 1)) == []


def _sheets(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_a_change_goes_out_and_back_in(ledger, registered, tmp_path):
    ledger.change_registration(registered, "2025-07-01", "项目名称变更", today=TODAY)
    export_workbook(ledger, tmp_path / "out.xlsx")
    history = _sheets(tmp_path / "out.xlsx")["登记进度"]
    assert history[0] == ["合同编号", "卖方", "状态", "日期", "说明", "操作人"]
    assert history[-1] == ["BG-1", ledger.get("client", ledger.get("contract", registered)["seller_id"])["name"],
                           "变更登记", dt.date(2025, 7, 1), "项目名称变更", "王五"]
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        result = import_workbook(new, tmp_path / "out.xlsx", today=TODAY)
        assert not result.problems
        assert result.summaries["登记进度"].inserted == 4
        contract = new.get("contract", 1)
        assert (contract["status"], contract["reg_no"], contract["registered_on"]) == (REGISTERED, REG_NO, "2025-04-20")
        steps = [(e["from_status"], e["to_status"], e["on_date"], e["user"]) for e in new.registration_history(1)]
        assert steps[-1] == (REGISTERED, CHANGE, "2025-07-01", "王五")
        assert check.run(new, today=TODAY).healthy
        again = import_workbook(new, tmp_path / "out.xlsx", today=TODAY)
        assert all(s.inserted == s.updated == s.rejected == 0 for s in again.summaries.values())
    again = import_workbook(ledger, tmp_path / "out.xlsx", today=TODAY)
    assert not again.problems
    assert all(s.inserted == s.updated == s.rejected == 0 for s in again.summaries.values())


def test_a_change_added_in_the_sheet_to_a_ledger_contract(ledger, registered, tmp_path):
    """The sheet carries the history one step further: the ledger's contract gets the step, stays
    已登记 (the general path, _merge_history)."""
    export_workbook(ledger, tmp_path / "out.xlsx")
    data = _sheets(tmp_path / "out.xlsx")
    seller = data["登记进度"][1][1]
    data["登记进度"].append(["BG-1", seller, "变更登记", dt.date(2025, 8, 8), "买方名称变更", ""])
    write_xlsx(tmp_path / "back.xlsx", {name: [[None if c == "" else c for c in row] for row in rows]
                                        for name, rows in data.items()})
    ledger.set_setting("operator", "赵六")
    result = import_workbook(ledger, tmp_path / "back.xlsx", today=TODAY)
    assert not result.problems and result.summaries["登记进度"].inserted == 1
    step = ledger.registration_history(registered)[-1]
    assert (step["from_status"], step["to_status"], step["note"], step["user"]) == (
        REGISTERED, CHANGE, "买方名称变更", "赵六")
    assert ledger.get("contract", registered)["status"] == REGISTERED
    # and one more: cancelled (注销登记) after the change, moving from 已登记
    export_workbook(ledger, tmp_path / "again.xlsx")
    data = _sheets(tmp_path / "again.xlsx")
    header = data["技术合同"][0]
    data["技术合同"][1][header.index("登记状态")] = WITHDRAWN
    data["登记进度"].append(["BG-1", seller, WITHDRAWN, dt.date(2025, 9, 9), "注销登记", ""])
    write_xlsx(tmp_path / "back2.xlsx", {name: [[None if c == "" else c for c in row] for row in rows]
                                         for name, rows in data.items()})
    result = import_workbook(ledger, tmp_path / "back2.xlsx", today=TODAY)
    assert not result.problems and result.summaries["登记进度"].inserted == 1
    step = ledger.registration_history(registered)[-1]
    assert (step["from_status"], step["to_status"]) == (REGISTERED, WITHDRAWN)
    assert ledger.get("contract", registered)["status"] == WITHDRAWN


CONTRACT = ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "登记状态", "登记机构", "受理日期",
            "登记编号", "登记日期"]
HISTORY = ["合同编号", "卖方", "状态", "日期", "说明"]


def _book(path, status: str, steps: list[str]) -> None:
    row = ["X-1", "项目", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 1), 100_000.0, status, OFFICE,
           dt.date(2025, 3, 3), "2025110101000777", dt.date(2025, 3, 20)]
    days = [dt.date(2025, 3, 2 + i) for i in range(len(steps))]
    write_xlsx(path, {"技术合同": [CONTRACT, row],
                      "登记进度": [HISTORY, *[["X-1", "乙大学", s, d, None] for s, d in zip(steps, days, strict=True)]]})


def test_import_takes_a_change_after_registration_only(tmp_path):
    with Ledger.open(tmp_path / "a.brokerdesk") as led:
        _book(tmp_path / "ok.xlsx", "已登记", ["待提交", "已受理", "已登记", "变更登记", "变更登记"])
        result = import_workbook(led, tmp_path / "ok.xlsx", today=TODAY)
        assert not result.errors and led.get("contract", 1)["status"] == REGISTERED
        assert [e["from_status"] for e in led.registration_history(1)] == ["草稿", "待提交", "已受理", "已登记", "已登记"]
    with Ledger.open(tmp_path / "b.brokerdesk") as led:
        _book(tmp_path / "early.xlsx", "已登记", ["待提交", "已受理", "变更登记"])
        result = import_workbook(led, tmp_path / "early.xlsx", skip_invalid=True, today=TODAY)
        assert [p.line() for p in result.errors] == ["early.xlsx:登记进度:4:C（状态）: 登记进度不能从“已受理”到“变更登记”"]
    with Ledger.open(tmp_path / "c.brokerdesk") as led:  # 变更登记 is a step, never a contract's status
        _book(tmp_path / "status.xlsx", "变更登记", ["待提交", "已受理", "已登记", "变更登记"])
        result = import_workbook(led, tmp_path / "status.xlsx", skip_invalid=True, today=TODAY)
        assert result.summaries["技术合同"].rejected == 1 and led.count("contract") == 0
        assert any(p.sheet == "技术合同" and "变更登记" in p.message for p in result.errors)
