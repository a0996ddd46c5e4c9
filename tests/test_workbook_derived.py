"""What the export shows beyond the cells a user fills (issue 14 point 2, DESIGN.md §4): the
derived 技术交易额, the read-only 办结期限, and 登记进度's 操作人 — written, read back exactly
with python-calamine, and taken back by ``import`` without changing anything."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk.ledger import Ledger
from broker_desk.workbook import schema
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook
from broker_desk.workbook.template import write_template

TODAY = dt.date(2025, 6, 30)
OFFICE = "北京技术市场管理办公室"


def sheets(path) -> dict[str, list[dict]]:
    """Each sheet's rows as {header: cell} read back by python-calamine ('' for an empty cell)."""
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in book.sheet_names:
        header, *rows = book.get_sheet_by_name(name).to_python()
        out[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return out


def counts(result) -> dict[str, tuple[int, int, int]]:
    return {name: (s.inserted, s.updated, s.rejected) for name, s in result.summaries.items()}


def nothing_changed(result) -> bool:
    return not result.errors and all(s.inserted == s.updated == s.rejected == 0 for s in result.summaries.values())


@pytest.fixture
def book(ledger, make):
    """A ledger of four contracts, by 王五: derived, given, given equal to the derived, and one
    with the office (已受理), and one registered."""
    ledger.set_setting("operator", "王五")
    ids = {
        "derived": make.contract(contract_no="K-1", amount_fen=100_000_000, deductions_fen=20_000_000),
        "given": make.contract(contract_no="K-2", amount_fen=100_000_000, deductions_fen=20_000_000,
                               tech_given_fen=70_000_000),
        "same": make.contract(contract_no="K-3", amount_fen=50_000_000, tech_given_fen=50_000_000),
        "accepted": make.contract(contract_no="K-4", amount_fen=30_000_000, deductions_fen=1_000_000),
    }
    ledger.move(ids["accepted"], "待提交", "2025-05-10", today=TODAY)
    ledger.move(ids["accepted"], "已受理", "2025-05-20", reg_office=OFFICE, note="材料齐全", today=TODAY)
    ledger.move(ids["same"], "待提交", "2025-04-01", today=TODAY)
    ledger.move(ids["same"], "已受理", "2025-04-02", reg_office=OFFICE, today=TODAY)
    ledger.move(ids["same"], "已登记", "2025-04-20", reg_no="2025110101000001", today=TODAY)
    return ids


# -- 技术交易额 ------------------------------------------------------------------------------

def test_tech_amount_is_written_derived_or_given(ledger, book, tmp_path):
    export_workbook(ledger, tmp_path / "out.xlsx")
    rows = {r["合同编号"]: r for r in sheets(tmp_path / "out.xlsx")["技术合同"]}
    assert rows["K-1"]["技术交易额（元）"] == 800_000.0   # 成交额 − 非技术性费用
    assert rows["K-2"]["技术交易额（元）"] == 700_000.0   # given
    assert rows["K-3"]["技术交易额（元）"] == 500_000.0
    assert rows["K-4"]["技术交易额（元）"] == 290_000.0


def test_an_export_goes_into_a_new_ledger_and_back_unchanged(ledger, book, tmp_path):
    export_workbook(ledger, tmp_path / "out.xlsx")
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        new.set_setting("operator", "赵六")
        result = import_workbook(new, tmp_path / "out.xlsx", today=TODAY)
        assert not result.errors and counts(result)["技术合同"] == (4, 0, 0)
        held = dict(new.conn.execute("SELECT contract_no, tech_given_fen FROM contracts"))
        tech = dict(new.conn.execute("SELECT contract_no, tech_fen FROM contracts"))
        # the derived stays derived (a value equal to it is no override), the given stays given
        assert held == {"K-1": None, "K-2": 70_000_000, "K-3": None, "K-4": None}
        assert tech == dict(ledger.conn.execute("SELECT contract_no, tech_fen FROM contracts"))
        # every step keeps who recorded it
        users = new.conn.execute("SELECT DISTINCT user FROM registration_events").fetchall()
        assert users == [("王五",)]
        assert new.conn.execute("SELECT count(*) FROM registration_events").fetchone()[0] == 5
        # its own export, and the first file, go back in changing nothing
        export_workbook(new, tmp_path / "again.xlsx")
        assert nothing_changed(import_workbook(new, tmp_path / "again.xlsx", today=TODAY))
        assert nothing_changed(import_workbook(new, tmp_path / "out.xlsx", today=TODAY))
    result = import_workbook(ledger, tmp_path / "out.xlsx", today=TODAY)
    assert nothing_changed(result)  # K-3 keeps its given value equal to the derived one
    assert ledger.get("contract", book["same"])["tech_given_fen"] == 50_000_000


def _contract_rows(path) -> tuple[list, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    header, *rows = book.get_sheet_by_name("技术合同").to_python()
    return header, [list(r) for r in rows]


def _sent_back(path, out, change) -> None:
    """The exported workbook with its 技术合同 rows changed by ``change(col, row)``."""
    book = CalamineWorkbook.from_path(str(path))
    data = {name: [[None if c == "" else c for c in row] for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names}
    header = data["技术合同"][0]
    col = {h: i for i, h in enumerate(header)}
    for row in data["技术合同"][1:]:
        change(col, row)
    write_xlsx(out, data)


def test_a_tech_amount_typed_as_the_derived_value_is_no_override(ledger, book, tmp_path):
    export_workbook(ledger, tmp_path / "out.xlsx")

    def change(col, row):
        no = row[col["合同编号"]]
        if no == "K-1":  # 成交额 changed, 技术交易额 left as the export wrote it: it follows
            row[col["合同成交额（元）"]] = 1_200_000.0
        elif no == "K-2":  # the override taken back: the derived value typed in
            row[col["技术交易额（元）"]] = 800_000.0
        elif no == "K-4":  # a real override
            row[col["技术交易额（元）"]] = 250_000.0

    _sent_back(tmp_path / "out.xlsx", tmp_path / "back.xlsx", change)
    result = import_workbook(ledger, tmp_path / "back.xlsx", today=TODAY)
    assert not result.errors and counts(result)["技术合同"] == (0, 3, 0)
    got = {no: (given, tech) for no, given, tech in ledger.conn.execute(
        "SELECT contract_no, tech_given_fen, tech_fen FROM contracts")}
    assert got == {"K-1": (None, 100_000_000), "K-2": (None, 80_000_000), "K-3": (50_000_000, 50_000_000),
                   "K-4": (25_000_000, 25_000_000)}


# -- 办结期限 ------------------------------------------------------------------------------------

def test_deadline_column_is_read_only_and_last(ledger, book, tmp_path):
    columns = schema.CONTRACTS.columns
    assert [c.header for c in columns if c.readonly] == ["办结期限"]
    assert columns[-1].header == "办结期限"  # after every column a user may edit
    export_workbook(ledger, tmp_path / "out.xlsx")
    rows = {r["合同编号"]: r for r in sheets(tmp_path / "out.xlsx")["技术合同"]}
    accepted = ledger.get("contract", book["accepted"])
    assert rows["K-4"]["办结期限"] == dt.date(2025, 6, 19) == ledger.deadline(accepted)  # 30 days from 05-20
    assert [rows[no]["办结期限"] for no in ("K-1", "K-2", "K-3")] == ["", "", ""]  # not with the office
    header = openpyxl.load_workbook(tmp_path / "out.xlsx")["技术合同"].cell(1, len(columns))
    assert header.value == "办结期限" and header.font.i and header.fill.fgColor.rgb.endswith("E7E6E6")


def test_deadline_comes_from_the_ledger_for_the_whole_row_of_each_accepted_contract(ledger, book, tmp_path,
                                                                                  monkeypatch):
    """The ledger's rule decides (it may read any column: accepted_on, tech_fen, …), once per
    contract with the office."""
    seen = []

    def deadline(self, contract):
        seen.append(contract)
        return dt.date(2031, 1, 2)

    monkeypatch.setattr(Ledger, "deadline", deadline)
    export_workbook(ledger, tmp_path / "out.xlsx")
    assert [c["contract_no"] for c in seen] == ["K-4"]
    assert {"status", "accepted_on", "clock_from", "tech_fen", "amount_fen", "reg_office"} <= set(seen[0])
    assert seen[0]["tech_fen"] == 29_000_000 and seen[0]["accepted_on"] == "2025-05-20"
    rows = {r["合同编号"]: r for r in sheets(tmp_path / "out.xlsx")["技术合同"]}
    assert rows["K-4"]["办结期限"] == dt.date(2031, 1, 2)


def test_deadline_of_one_year_export(ledger, book, make, tmp_path):
    other = make.contract(contract_no="K-9", signed_on="2024-02-01")
    ledger.move(other, "待提交", "2024-02-02", today=TODAY)
    ledger.move(other, "已受理", "2024-02-05", reg_office=OFFICE, today=TODAY)
    export_workbook(ledger, tmp_path / "2024.xlsx", year=2024)
    rows = sheets(tmp_path / "2024.xlsx")["技术合同"]
    assert [(r["合同编号"], r["办结期限"]) for r in rows] == [("K-9", dt.date(2024, 3, 6))]


def test_an_edited_deadline_is_ignored_on_import(ledger, book, tmp_path):
    export_workbook(ledger, tmp_path / "out.xlsx")

    def change(col, row):
        row[col["办结期限"]] = "明天" if row[col["合同编号"]] == "K-4" else dt.date(2030, 1, 1)

    _sent_back(tmp_path / "out.xlsx", tmp_path / "back.xlsx", change)
    result = import_workbook(ledger, tmp_path / "back.xlsx", today=TODAY)
    assert nothing_changed(result) and not result.problems and not result.unmapped
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        result = import_workbook(new, tmp_path / "back.xlsx", today=TODAY)
        assert not result.problems and counts(result)["技术合同"] == (4, 0, 0)
        assert new.deadline(new.get("contract", 4)) == dt.date(2025, 6, 19)


def test_template_says_the_deadline_is_read_only(tmp_path):
    write_template(tmp_path / "t.xlsx")
    book = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx"))
    assert book.get_sheet_by_name("技术合同").to_python()[0][-1] == "办结期限"
    assert book.get_sheet_by_name("登记进度").to_python()[0] == ["合同编号*", "卖方*", "状态*", "日期*", "说明", "操作人"]
    rows = book.get_sheet_by_name("填写说明").to_python()
    deadline = next(r for r in rows if r[:2] == ["技术合同", "办结期限"])
    assert deadline[3].startswith("只读") and deadline[5] == "只读：导出时写入，导入时忽略"
    assert any("只读列" in r[0] and "办结期限" in r[0] and "导入时忽略" in r[0] for r in rows)
    user = next(r for r in rows if r[:2] == ["登记进度", "操作人"])
    assert "留空时为导入的操作人" in user[3]
    step = next(r for r in rows if r[:2] == ["登记进度", "状态*"])
    assert "变更登记" in step[3] and step[5].endswith("已撤销、变更登记")


# -- 操作人 --------------------------------------------------------------------------------------

HISTORY = ["合同编号", "卖方", "状态", "日期", "说明", "操作人"]
CONTRACT = ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "登记状态", "登记机构", "受理日期"]


def _history_book(path, steps: list[list], odd: bool) -> None:
    """Two accepted contracts and their histories; with ``odd`` a row of an unknown status (the
    steps are then read row by row, not the usual chunk's way)."""
    contracts = [CONTRACT] + [[no, "项目", "技术服务", "甲公司", "乙大学", dt.date(2025, 3, 1), 100_000.0, "已受理",
                               OFFICE, dt.date(2025, 3, 20)] for no in ("H-1", "H-2")]
    if odd:
        steps = [*steps, ["H-9", "乙大学", "未知状态", dt.date(2025, 3, 1), None, "某人"]]
    write_xlsx(path, {"技术合同": contracts, "登记进度": [HISTORY, *steps]})


@pytest.mark.parametrize("odd", [False, True], ids=["usual-chunk", "row-by-row"])
def test_history_keeps_its_operators_blank_is_the_importer(tmp_path, odd):
    steps = [["H-1", "乙大学", "待提交", dt.date(2025, 3, 10), None, "王五"],
             ["H-1", "乙大学", "已受理", dt.date(2025, 3, 20), None, None],
             ["H-2", "乙大学", "待提交", dt.date(2025, 3, 11), "交材料", "钱七"],
             ["H-2", "乙大学", "已受理", dt.date(2025, 3, 20), None, "王五"]]
    _history_book(tmp_path / "h.xlsx", steps, odd)
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        new.set_setting("operator", "赵六")
        result = import_workbook(new, tmp_path / "h.xlsx", skip_invalid=True, today=TODAY)
        assert counts(result)["登记进度"] == (4, 0, 1 if odd else 0)
        got = new.conn.execute("SELECT c.contract_no, e.to_status, e.user FROM registration_events e "
                               "JOIN contracts c ON c.id = e.contract_id ORDER BY e.id").fetchall()
        assert got == [("H-1", "待提交", "王五"), ("H-1", "已受理", "赵六"), ("H-2", "待提交", "钱七"),
                       ("H-2", "已受理", "王五")]
        export_workbook(new, tmp_path / "out.xlsx")
        assert [r["操作人"] for r in sheets(tmp_path / "out.xlsx")["登记进度"]] == ["王五", "赵六", "钱七", "王五"]
        assert nothing_changed(import_workbook(new, tmp_path / "out.xlsx", today=TODAY))


def test_steps_added_to_a_ledger_contract_keep_their_operator(ledger, book, tmp_path):
    """A history carried further in the sheet (the general path's _merge_history): the new step
    keeps its 操作人; the steps the ledger holds keep theirs."""
    export_workbook(ledger, tmp_path / "out.xlsx")
    data = sheets(tmp_path / "out.xlsx")
    contracts = [[r[h] or None for h in r] for r in data["技术合同"]]
    header = list(data["技术合同"][0])
    col = {h: i for i, h in enumerate(header)}
    for row in contracts:
        if row[col["合同编号"]] == "K-4":
            row[col["登记状态"]], seller = "需补正", row[col["卖方"]]
    steps = [[r[h] or None for h in HISTORY] for r in data["登记进度"]]
    steps.append(["K-4", seller, "需补正", dt.date(2025, 6, 1), "缺少附件", "钱七"])
    write_xlsx(tmp_path / "back.xlsx", {"技术合同": [header, *contracts], "登记进度": [HISTORY, *steps]})
    ledger.set_setting("operator", "赵六")
    result = import_workbook(ledger, tmp_path / "back.xlsx", today=TODAY)
    assert not result.errors and counts(result)["登记进度"] == (1, 0, 0)
    users = [e["user"] for e in ledger.registration_history(book["accepted"])]
    assert users == ["王五", "王五", "钱七"]
