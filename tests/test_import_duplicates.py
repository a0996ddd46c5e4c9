"""A row that repeats an earlier row of the same workbook: named by the column that makes it the
same record and by values a person knows (a seller or a holder by name), never an internal id —
for every sheet with a natural identity."""

from __future__ import annotations

import datetime as dt

from workbooks import write_xlsx

from broker_desk import i18n
from broker_desk.workbook.importer import import_workbook

SELLER = "某某科技有限公司"
CODE = "91110108MA01ABCD1E"
CONTRACT = ["合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）", "登记状态",
            "受理日期", "登记机构", "登记编号", "登记日期"]


def contract(no: str = "BR-008", seller: str = SELLER, status: str = "已受理", reg_no: str | None = None) -> list:
    registered = status == "已登记"
    return [no, "锂电池正极材料研发", "技术开发", "委托开发", "甲方有限公司", seller, dt.date(2025, 3, 5), 100000,
            status, dt.date(2025, 3, 6), "浙江省技术市场", reg_no, dt.date(2025, 3, 20) if registered else None]


def book(tmp_path, **sheets):
    return write_xlsx(tmp_path / "dup.xlsx", {name.replace("_", ""): rows for name, rows in sheets.items()})


def lines(result) -> list[str]:
    return [p.line() for p in result.problems if "同一条记录" in p.message or "Same record" in p.message]


def test_clients_by_code_and_by_name(ledger, tmp_path):
    result = import_workbook(ledger, book(tmp_path, 客户=[
        ["名称", "统一社会信用代码"], [SELLER, None], [SELLER, None], ["乙公司", CODE], ["乙公司（改名）", CODE]]),
        skip_invalid=True)
    assert lines(result) == [
        f"dup.xlsx:客户:3:A（名称）: 与第 2 行是同一条记录（名称 {SELLER}）",
        f"dup.xlsx:客户:5:B（统一社会信用代码）: 与第 4 行是同一条记录（统一社会信用代码 {CODE}）"]
    assert ledger.count("client") == 2


def test_brokers_and_achievements(ledger, tmp_path):
    result = import_workbook(ledger, book(tmp_path, 客户=[["名称", "联系人"], [SELLER, "王五"]], 经纪人=[
        ["姓名", "证书编号"], ["张三", None], ["张三", None], ["李四", "JJ-01"], ["李四", "JJ-01"]],
        科技成果=[["成果名称", "持有方"], ["高效电机控制技术", SELLER], ["高效电机控制技术", SELLER]]),
        skip_invalid=True)
    assert lines(result) == [
        "dup.xlsx:经纪人:3:A（姓名）: 与第 2 行是同一条记录（姓名 张三）",
        "dup.xlsx:经纪人:5:A（姓名）: 与第 4 行是同一条记录（姓名 李四，证书编号 JJ-01）",
        f"dup.xlsx:科技成果:3:A（成果名称）: 与第 2 行是同一条记录（成果名称 高效电机控制技术，持有方 {SELLER}）"]


def test_contracts_name_the_seller_not_its_id(ledger, tmp_path):
    rows = [CONTRACT] + [contract(f"BR-00{i}") for i in range(1, 8)] + [contract(), contract(),
                                                                        contract("BR-009", CODE)]
    result = import_workbook(ledger, book(tmp_path, 客户=[["名称", "统一社会信用代码"], ["乙公司", CODE]],
                                          技术合同=rows + [contract("BR-009", "乙公司"),
                                                          contract("BR-020", status="已登记", reg_no="2025330101000001"),
                                                          contract("BR-020", status="已登记", reg_no="2025330101000001")]),
                             skip_invalid=True)
    assert lines(result) == [
        f"dup.xlsx:技术合同:10:A（合同编号）: 与第 9 行是同一条记录（合同编号 BR-008，卖方 {SELLER}）",
        "dup.xlsx:技术合同:12:A（合同编号）: 与第 11 行是同一条记录（合同编号 BR-009，卖方 乙公司）",
        f"dup.xlsx:技术合同:14:A（合同编号）: 与第 13 行是同一条记录（合同编号 BR-020，卖方 {SELLER}，"
        "登记编号 2025330101000001）"]
    assert ledger.count("contract") == 10


def test_a_repeated_step_of_the_registration_history(ledger, tmp_path):
    history = [["合同编号", "卖方", "状态", "日期"], ["BR-008", SELLER, "待提交", dt.date(2025, 3, 5)],
               ["BR-008", SELLER, "已受理", dt.date(2025, 3, 6)], ["BR-008", SELLER, "已受理", dt.date(2025, 3, 6)]]
    result = import_workbook(ledger, book(tmp_path, 技术合同=[CONTRACT, contract()], 登记进度=history),
                             skip_invalid=True)
    assert [p.line() for p in result.errors] == [
        f"dup.xlsx:登记进度:4:A（合同编号）: 与第 3 行是同一条记录（合同编号 BR-008，卖方 {SELLER}，状态 已受理，"
        "日期 2025-03-06）"]


def test_a_repeated_record_id(ledger, tmp_path):
    uid = "0b9d5a4e-54a5-4c1e-9d0e-000000000001"
    result = import_workbook(ledger, book(tmp_path, 经纪人=[["记录ID", "姓名"], [uid, "张三"], [uid, "张三丰"]]),
                             skip_invalid=True)
    assert lines(result) == [f"dup.xlsx:经纪人:3:A（记录ID）: 与第 2 行是同一条记录（记录ID {uid}）"]


def test_the_first_row_still_stands_for_references(ledger, tmp_path):
    """The repeated client row is refused, not the client: contracts naming it come in."""
    result = import_workbook(ledger, book(tmp_path, 客户=[["名称", "联系人"], [SELLER, "王五"], [SELLER, "赵六"]],
                                          技术合同=[CONTRACT, contract()]), skip_invalid=True)
    assert [p.line() for p in result.errors] == [f"dup.xlsx:客户:3:A（名称）: 与第 2 行是同一条记录（名称 {SELLER}）"]
    assert ledger.count("contract") == 1


def test_in_english(ledger, tmp_path):
    i18n.set_language("en")
    result = import_workbook(ledger, book(tmp_path, 技术合同=[CONTRACT, contract(), contract()]), skip_invalid=True)
    assert lines(result) == [
        f"dup.xlsx:技术合同:3:A（合同编号）: Same record as row 2 (Contract no. BR-008, Seller {SELLER})"]
