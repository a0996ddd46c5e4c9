"""The front office's sheets (技术需求, 对接项目, 跟进记录) and the 技术合同 sheet's 对接项目 column:
template, export, import, round trip and re-import."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk import frontoffice
from broker_desk.ledger import Ledger
from broker_desk.workbook import schema
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook
from broker_desk.workbook.template import write_template


def _cells(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def office(ledger, make):
    buyer = make.client(name="甲电机有限公司")
    seller = make.client(name="乙工业大学", nature="高等院校")
    zhang, li = make.broker(name="张三"), make.broker(name="李四")
    ach = ledger.add("achievement", {"title": "高效电机控制算法", "holder_id": seller, "transfer_mode": "许可"}).id
    demand = ledger.add("demand", {"title": "电机能效提升", "client_id": buyer, "kind": "技术攻关", "field": "先进制造",
                                   "description": "把电机效率提升到 IE4", "keywords": "电机；能效",
                                   "budget_fen": 50_000_000, "deadline": "2026-12-31", "broker_id": zhang,
                                   "source": "企业走访", "status": "对接中", "published_on": "2026-03-02",
                                   "note": "重点企业"}).id
    other = ledger.add("demand", {"title": "废水处理", "client_id": buyer}).id
    signed = ledger.add("engagement", {"title": "电机控制技术许可", "demand_id": demand, "achievement_id": ach,
                                       "brokers": [(zhang, 60), (li, 40)], "stage": "商务洽谈",
                                       "expected_fen": 30_000_000, "started_on": "2026-04-01", "note": "第一轮"}).id
    ended = ledger.add("engagement", {"title": "废水对接", "demand_id": other, "stage": "已终止",
                                      "end_reason": "预算不足", "brokers": [(li, 100)]}).id
    ledger.add("followup", {"engagement_id": signed, "on_date": "2026-04-02", "channel": "电话", "broker_id": zhang,
                            "content": "初次沟通", "next_step": "上门走访", "next_on": "2026-04-10", "done": 1})
    ledger.add("followup", {"engagement_id": signed, "on_date": "2026-04-10", "channel": "走访", "content": "走访",
                            "next_step": "报价", "next_on": "2026-04-20"})
    ledger.add("followup", {"engagement_id": ended, "on_date": "2026-05-01", "content": "对方放弃"})
    contract = frontoffice.sign(ledger, signed, {"contract_no": "XK-01", "subtype": "专利实施许可"},
                                today=dt.date(2026, 6, 1)).id
    return dict(buyer=buyer, seller=seller, demand=demand, signed=signed, ended=ended, contract=contract)


def test_export_writes_the_three_sheets_and_the_contracts_engagement(ledger, office, tmp_path):
    path = tmp_path / "out.xlsx"
    written = export_workbook(ledger, path)
    assert (written["技术需求"], written["对接项目"], written["跟进记录"]) == (2, 2, 3)
    cells = _cells(path)
    assert cells["技术需求"][0] == ["记录ID", "需求名称", "需求方", "技术领域", "需求类型", "需求描述", "关键词", "预算（元）",
                                "截止日期", "负责经纪人", "来源", "状态", "发布日期", "备注"]
    assert cells["技术需求"][1][1:] == ["电机能效提升", "甲电机有限公司", "先进制造", "技术攻关", "把电机效率提升到 IE4",
                                    "电机；能效", 500000.0, dt.date(2026, 12, 31), "张三", "企业走访", "已签约",
                                    dt.date(2026, 3, 2), "重点企业"]
    assert cells["对接项目"][0] == ["记录ID", "项目名称", "技术需求", "科技成果", "需求方", "供给方", "技术经纪人", "阶段",
                                "预计金额（元）", "开始日期", "终止原因", "备注"]
    assert cells["对接项目"][1][1:] == ["电机控制技术许可", "电机能效提升", "高效电机控制算法", "甲电机有限公司", "乙工业大学",
                                    "张三(60%)；李四(40%)", "已签约", 300000.0, dt.date(2026, 4, 1), "", "第一轮"]
    assert cells["对接项目"][2][1:] == ["废水对接", "废水处理", "", "甲电机有限公司", "", "李四(100%)", "已终止", "", "", "预算不足", ""]
    assert cells["跟进记录"][0] == ["记录ID", "对接项目", "日期", "方式", "经纪人", "内容", "下一步", "下次跟进日期", "已完成"]
    assert [r[1:] for r in cells["跟进记录"][1:]] == [
        ["电机控制技术许可", dt.date(2026, 4, 2), "电话", "张三", "初次沟通", "上门走访", dt.date(2026, 4, 10), "是"],
        ["电机控制技术许可", dt.date(2026, 4, 10), "走访", "", "走访", "报价", dt.date(2026, 4, 20), "否"],
        ["废水对接", dt.date(2026, 5, 1), "", "", "对方放弃", "", "", "否"]]
    contracts = cells["技术合同"]
    at = contracts[0].index("对接项目")
    assert contracts[0][at + 1:] == ["办结期限"]  # after the editable columns, before the read-only one
    assert contracts[1][at] == "电机控制技术许可"


def test_round_trip_into_a_new_ledger_and_reimport_changes_nothing(ledger, office, tmp_path):
    first = tmp_path / "first.xlsx"
    export_workbook(ledger, first)
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        result = import_workbook(new, first)
        assert not result.errors and not result.warnings, [p.line() for p in result.problems]
        for entity in ("demand", "engagement", "followup", "contract"):
            assert new.count(entity) == ledger.count(entity)
        for entity in ("demand", "engagement", "followup"):
            table = {"demand": "demands", "engagement": "engagements", "followup": "followups"}[entity]
            cols = [r[1] for r in ledger.conn.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("id", "created_at", "updated_at", "warnings")]
            sql = f"SELECT {', '.join(cols)} FROM {table} ORDER BY uid"
            assert new.conn.execute(sql).fetchall() == ledger.conn.execute(sql).fetchall(), entity
        shares = "SELECT e.uid, b.name, x.share_bp FROM engagement_brokers x JOIN engagements e ON e.id = x.engagement_id " \
                 "JOIN brokers b ON b.id = x.broker_id ORDER BY e.uid, x.rowid"
        assert new.conn.execute(shares).fetchall() == ledger.conn.execute(shares).fetchall()
        link = "SELECT c.uid, e.uid FROM contracts c JOIN engagements e ON e.id = c.engagement_id"
        assert new.conn.execute(link).fetchall() == ledger.conn.execute(link).fetchall() != []
        second = tmp_path / "second.xlsx"
        export_workbook(new, second)
        assert _cells(second) == _cells(first)
        again = import_workbook(new, first)
        assert not again.errors
        for name in ("技术需求", "对接项目", "跟进记录", "技术合同"):
            s = again.summaries[name]
            assert (s.inserted, s.updated, s.rejected) == (0, 0, 0), name
    again = import_workbook(ledger, first)
    assert [(n, s.inserted, s.updated) for n, s in again.summaries.items() if s.inserted or s.updated] == []


HEAD_D = ["需求名称", "需求方", "需求类型", "预算（万元）", "截止日期", "负责经纪人", "状态"]
HEAD_E = ["项目名称", "技术需求", "需求方", "供给方", "经纪人", "阶段", "终止原因"]
HEAD_F = ["对接项目", "日期", "方式", "内容", "下次跟进日期", "已完成"]


def _book(tmp_path, demands=(), engagements=(), followups=(), contracts=None):
    sheets = {"技术需求": [HEAD_D, *demands], "对接项目": [HEAD_E, *engagements], "跟进记录": [HEAD_F, *followups]}
    if contracts:
        sheets["技术合同"] = contracts
    return write_xlsx(tmp_path / "in.xlsx", sheets)


def test_import_takes_names_synonyms_and_references(ledger, tmp_path):
    path = _book(tmp_path,
                 [["  电机能效提升 ", "甲公司", "技术攻关", 50, dt.date(2026, 12, 31), "张三", "已发布"]],
                 [["电机对接", "电机能效提升", None, "乙大学", "张三、李四", "需求确认", None]],
                 [["电机对接", dt.date(2026, 5, 1), "走访", "走访了车间", dt.date(2026, 5, 8), "否"],
                  ["电机对接", "2026/5/8", "电话", "确认指标", None, "是"]])
    result = import_workbook(ledger, path)
    assert not result.errors, [p.line() for p in result.errors]
    assert [(n, s.inserted) for n, s in result.summaries.items() if s.inserted] == [
        ("技术需求", 1), ("对接项目", 1), ("跟进记录", 2)]
    assert result.summaries["客户"].created == 2 and result.summaries["经纪人"].created == 2
    d = ledger.conn.execute("SELECT d.title, c.name, d.kind, d.budget_fen, d.deadline, b.name, d.status FROM demands d "
                            "JOIN clients c ON c.id = d.client_id JOIN brokers b ON b.id = d.broker_id").fetchone()
    assert d == ("电机能效提升", "甲公司", "技术攻关", 50_000_000, "2026-12-31", "张三", "已发布")
    e = ledger.get("engagement", 1)
    assert (e["title"], e["demand_id"], e["stage"], e["brokers"]) == ("电机对接", 1, "需求确认", [(1, 5000), (2, 5000)])
    assert ledger.get("client", e["demand_client_id"])["name"] == "甲公司"  # from its demand
    assert ledger.get("client", e["supply_client_id"])["name"] == "乙大学"
    rows = ledger.conn.execute("SELECT on_date, channel, next_on, done FROM followups ORDER BY id").fetchall()
    assert rows == [("2026-05-01", "走访", "2026-05-08", 0), ("2026-05-08", "电话", None, 1)]


def test_a_followup_of_an_engagement_that_does_not_exist_is_a_row_error(ledger, tmp_path):
    path = _book(tmp_path, [], [["电机对接", None, "甲公司", None, None, "初步接触", None]],
                 [["电机对接", dt.date(2026, 5, 1), "走访", "走访了车间", None, None],
                  ["不存在的项目", dt.date(2026, 5, 2), "电话", "沟通", None, None],
                  ["电机对接", dt.date(2026, 5, 3), "飞鸽", "", None, "也许"]])
    result = import_workbook(ledger, path)
    assert [p.line() for p in result.errors] == [
        "in.xlsx:跟进记录:3:A（对接项目）: 找不到对接项目“不存在的项目”（账本和本工作簿中都没有）",
        "in.xlsx:跟进记录:4:C（方式）: 方式“飞鸽”不在可选值中（可选：电话、走访、会议、路演、洽谈、邮件、其他）",
        "in.xlsx:跟进记录:4:F（已完成）: 已完成应填“是”或“否”，收到“也许”",
        "in.xlsx:跟进记录:4:D（内容）: 内容为必填项"]
    assert result.written is False
    assert ledger.count("engagement") == 0 and ledger.count("followup") == 0  # all or nothing
    skipped = import_workbook(ledger, path, skip_invalid=True)
    assert skipped.written and ledger.count("engagement") == 1 and ledger.count("followup") == 1
    assert skipped.summaries["跟进记录"].rejected == 2


def test_an_engagement_signed_without_a_contract_is_a_warning(ledger, tmp_path, make):
    path = _book(tmp_path, [], [["甲项目", None, "甲公司", "乙大学", None, "已签约", None],
                                ["乙项目", None, "甲公司", "乙大学", None, "已签约", None],
                                ["丙项目", None, "甲公司", "乙大学", None, "已终止", None]],
                 [], contracts=[["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "对接项目"],
                                ["HT-1", "乙项目许可", "技术许可", "甲公司", "乙大学", dt.date(2026, 6, 1), 100000, "乙项目"]])
    result = import_workbook(ledger, path)
    assert [p.line() for p in result.problems if "对接项目:" in p.line() and "已新建" not in p.line()] == [
        "in.xlsx:对接项目:4:G（终止原因）: 阶段为“已终止”时须填写终止原因",  # found at the end: the contracts come later
        "in.xlsx:对接项目:2:F（阶段）: 阶段为“已签约”，但没有技术合同关联到这个对接项目（技术合同的“对接项目”列）"]
    assert result.written is False
    path.unlink()
    path = _book(tmp_path, [], [["甲项目", None, "甲公司", "乙大学", None, "已签约", None],
                                ["乙项目", None, "甲公司", "乙大学", None, "已签约", None]], [],
                 contracts=[["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "对接项目"],
                            ["HT-1", "乙项目许可", "技术许可", "甲公司", "乙大学", dt.date(2026, 6, 1), 100000, "乙项目"]])
    result = import_workbook(ledger, path)
    assert result.written and [p.line() for p in result.warnings if "阶段" in p.line()] == [
        "in.xlsx:对接项目:2:F（阶段）: 阶段为“已签约”，但没有技术合同关联到这个对接项目（技术合同的“对接项目”列）"]
    c = ledger.conn.execute("SELECT e.title FROM contracts c JOIN engagements e ON e.id = c.engagement_id").fetchall()
    assert c == [("乙项目",)]


def test_the_template_has_the_three_sheets_with_drop_downs(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    cells = _cells(path)
    assert cells["技术需求"][0][:3] == ["记录ID", "需求名称*", "需求方*"]
    assert cells["对接项目"][0][7] == "阶段*"
    assert cells["跟进记录"][0][:3] == ["记录ID", "对接项目*", "日期*"]
    assert "对接项目" in cells["技术合同"][0]
    instructions = "\n".join("\t".join(str(v) for v in row) for row in cells[schema.INSTRUCTIONS])
    assert "初步接触、需求确认、方案报价、商务洽谈、已签约、已终止" in instructions
    assert "技术攻关、成果引进、工艺改进、技术咨询、技术服务、揭榜挂帅、其他" in instructions


def test_a_years_export_keeps_the_engagements_its_contracts_were_signed_from(ledger, office, make, tmp_path):
    make.contract(contract_no="HT-2025", signed_on="2025-03-01")
    path = tmp_path / "2026.xlsx"
    written = export_workbook(ledger, path, year=2026)
    assert (written["技术合同"], written["技术需求"], written["对接项目"], written["跟进记录"]) == (1, 1, 1, 2)
    cells = _cells(path)
    assert [r[1] for r in cells["对接项目"][1:]] == ["电机控制技术许可"]
    assert {r[1] for r in cells["客户"][1:]} == {"甲电机有限公司", "乙工业大学"}
    assert {r[1] for r in cells["经纪人"][1:]} == {"张三", "李四"}
    assert [r[1] for r in cells["科技成果"][1:]] == ["高效电机控制算法"]
    with Ledger.open(tmp_path / "new.brokerdesk") as new:
        result = import_workbook(new, path)
        assert not result.errors and not result.warnings, [p.line() for p in result.problems]
        assert (new.count("engagement"), new.count("followup"), new.count("contract")) == (1, 2, 1)
    written = export_workbook(ledger, tmp_path / "2025.xlsx", year=2025)
    assert (written["技术合同"], written["技术需求"], written["对接项目"], written["跟进记录"]) == (1, 0, 0, 0)
