"""登记编号 of another length than the ledger's setting, of a future year or of an unknown
province: a warning wherever it comes in (a move, an edit, both import paths) and in
``broker-desk check`` — never a silent pass, never a refusal (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt

from workbooks import write_xlsx

from broker_desk import check
from broker_desk.cli import main
from broker_desk.registration import ACCEPTED, READY, REGISTERED
from broker_desk.workbook.importer import import_workbook

TODAY = dt.date(2025, 6, 30)
FIFTEEN = "202511010100001"
FOURTEEN = "25110101000002"
SIXTEEN = "2025110101000003"
LENGTH_16 = "登记编号“{n}”为 {k} 位，本账本的登记编号为 16 位（见“设置”），请核对"


def registered(ledger, make, reg_no: str, contract_no: str = "BR-008") -> int:
    row = ledger.conn.execute("SELECT id FROM clients WHERE name = '某某科技有限公司'").fetchone()
    seller = row[0] if row else make.client(name="某某科技有限公司")
    cid = make.contract(contract_no=contract_no, seller_id=seller, signed_on="2025-03-01")
    ledger.move(cid, READY, "2025-04-01", today=TODAY)
    ledger.move(cid, ACCEPTED, "2025-04-02", reg_office="北京技术市场管理办公室", today=TODAY)
    ledger.move(cid, REGISTERED, "2025-04-10", reg_no=reg_no, today=TODAY)
    return cid


def test_the_ledger_setting_decides_the_length(ledger, make):
    cid = registered(ledger, make, FOURTEEN)
    assert [w.message() for w in ledger.warnings("contract", cid)] == [LENGTH_16.format(n=FOURTEEN, k=14)]
    ledger.set_setting("registration.number_length", 14)
    other = registered(ledger, make, SIXTEEN, "BR-009")
    assert [w.message() for w in ledger.warnings("contract", other)] == [
        f"登记编号“{SIXTEEN}”为 16 位，本账本的登记编号为 14 位（见“设置”），请核对"]


def test_an_edit_that_types_the_number_warns_and_keeps_it(ledger, make):
    cid = registered(ledger, make, SIXTEEN)
    changes = ledger.update("contract", cid, {"reg_no": FIFTEEN})
    assert [w.message() for w in changes.warnings] == [LENGTH_16.format(n=FIFTEEN, k=15)]
    assert ledger.get("contract", cid)["reg_no"] == FIFTEEN


def _check_lines(ledger) -> list[str]:
    return [p for p in check.run(ledger, TODAY).problems if p.startswith("合同 ")]


def test_check_lists_each_doubtful_number(ledger, make):
    registered(ledger, make, SIXTEEN, "BR-001")
    assert _check_lines(ledger) == [] and check.run(ledger, TODAY).healthy
    registered(ledger, make, FIFTEEN, "BR-008")
    registered(ledger, make, "2026110101000004", "BR-010")   # a year still ahead
    registered(ledger, make, "2025990101000005", "BR-011")   # no province 99
    assert _check_lines(ledger) == [
        f"合同 BR-008（卖方 某某科技有限公司）：{LENGTH_16.format(n=FIFTEEN, k=15)}",
        "合同 BR-010（卖方 某某科技有限公司）：登记编号“2026110101000004”中的年份 2026 尚未到来，请核对",
        "合同 BR-011（卖方 某某科技有限公司）：登记编号“2025990101000005”中的省级代码“99”不存在，请核对",
    ]


def test_check_lists_twenty_and_counts_the_rest(ledger, make, monkeypatch):
    monkeypatch.setattr(check, "REG_NO_LISTED", 2)
    for i in range(5):
        registered(ledger, make, f"2025110101{i:05d}", f"BR-{i}")
    lines = [p for p in check.run(ledger, TODAY).problems if "登记编号" in p]
    assert len(lines) == 3 and lines[-1] == "另有 3 份合同的登记编号需要核对"


def test_cli_check_exits_1_and_names_the_contract(tmp_path, capsys):
    from conftest import Factory

    from broker_desk.ledger import Ledger

    db = tmp_path / "x.brokerdesk"
    with Ledger.open(db) as ledger:
        registered(ledger, Factory(ledger), FIFTEEN)
    capsys.readouterr()
    assert main(["--db", str(db), "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"  合同 BR-008（卖方 某某科技有限公司）：{LENGTH_16.format(n=FIFTEEN, k=15)}" in err


HEADERS = ["合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）",
           "登记状态", "登记机构", "受理日期", "登记编号", "登记日期"]


def _book(tmp_path, numbers: list[str]):
    rows = [[f"HT-{i}", "锂电池正极材料研发", "技术开发", "委托开发", "杭州甲方科技有限公司", "浙江乙方大学",
             dt.date(2025, 3, 5), 1250000, "已登记", "浙江省技术市场", dt.date(2025, 3, 10), number,
             dt.date(2025, 3, 20)] for i, number in enumerate(numbers, 1)]
    return write_xlsx(tmp_path / "reg.xlsx", {"技术合同": [HEADERS, *rows]})


def test_import_reports_the_number(ledger, tmp_path):
    path = _book(tmp_path, ["2025330101000001", FOURTEEN, FIFTEEN, "2025330101000004"])
    result = import_workbook(ledger, path)
    assert not result.errors
    assert [p.line() for p in result.warnings if "登记编号“" in p.message] == [
        f"reg.xlsx:技术合同:3:L（登记编号）: {LENGTH_16.format(n=FOURTEEN, k=14)}",
        f"reg.xlsx:技术合同:4:L（登记编号）: {LENGTH_16.format(n=FIFTEEN, k=15)}",
    ]
    assert {r[0] for r in ledger.conn.execute("SELECT reg_no FROM contracts")} == {
        "2025330101000001", "2025330101000004", FIFTEEN, FOURTEEN}
    assert [w.code for w in ledger.warnings("contract", ledger.conn.execute(
        "SELECT id FROM contracts WHERE reg_no = ?", [FOURTEEN]).fetchone()[0])] == ["idnum.reg_length_setting"]


def test_import_honours_a_fourteen_digit_ledger(ledger, tmp_path):
    ledger.set_setting("registration.number_length", 14)
    result = import_workbook(ledger, _book(tmp_path, [FOURTEEN, "2025330101000004"]))
    assert [p.message for p in result.warnings if "登记编号“" in p.message] == [
        "登记编号“2025330101000004”为 16 位，本账本的登记编号为 14 位（见“设置”），请核对"]
