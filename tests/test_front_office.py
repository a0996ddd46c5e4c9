"""The front office (DESIGN §3): 技术需求, 对接项目 and 跟进记录 in the ledger."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations

FRONT_OFFICE = {
    "demands": ["id", "uid", "title", "client_id", "field", "kind", "description", "keywords", "budget_fen",
                "deadline", "broker_id", "source", "status", "published_on", "note", "warnings",
                "created_at", "updated_at"],
    "engagements": ["id", "uid", "title", "demand_id", "achievement_id", "demand_client_id", "supply_client_id",
                    "stage", "expected_fen", "started_on", "end_reason", "note", "warnings",
                    "created_at", "updated_at"],
    "engagement_brokers": ["engagement_id", "broker_id", "share_bp"],
    "followups": ["id", "uid", "engagement_id", "on_date", "channel", "broker_id", "content", "next_step",
                  "next_on", "done", "created_at", "updated_at"],
}


def _schema(conn) -> dict:
    tables = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in FRONT_OFFICE}
    strict = {r[0]: r[1] for r in conn.execute("SELECT name, strict FROM pragma_table_list WHERE schema='main'")}
    fks = {t: sorted((r[2], r[3], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
           for t in (*FRONT_OFFICE, "contracts")}
    contract_cols = [r[1] for r in conn.execute("PRAGMA table_info(contracts)")]
    return {"tables": tables, "strict": {t: strict.get(t) for t in FRONT_OFFICE},
            "fks": fks, "engagement_id": "engagement_id" in contract_cols}


def _check(conn) -> None:
    s = _schema(conn)
    assert s["tables"] == FRONT_OFFICE
    assert s["strict"] == dict.fromkeys(FRONT_OFFICE, 1)
    assert s["engagement_id"]
    assert ("engagements", "engagement_id", "NO ACTION") in s["fks"]["contracts"]
    assert s["fks"]["followups"] == [("brokers", "broker_id", "NO ACTION"),
                                     ("engagements", "engagement_id", "CASCADE")]
    assert s["fks"]["engagement_brokers"] == [("brokers", "broker_id", "NO ACTION"),
                                              ("engagements", "engagement_id", "CASCADE")]
    assert s["fks"]["demands"] == [("brokers", "broker_id", "NO ACTION"), ("clients", "client_id", "NO ACTION")]


def test_a_fresh_ledger_has_the_front_office_tables(tmp_path):
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        assert led.schema_version == SCHEMA_VERSION >= 5
        _check(led.conn)
        defaults = {r[1]: r[4] for r in led.conn.execute("PRAGMA table_info(engagements)")}
        assert defaults["stage"] == "'初步接触'"
        assert {r[1]: r[4] for r in led.conn.execute("PRAGMA table_info(demands)")}["status"] == "'征集中'"


def test_a_version_4_ledger_is_upgraded_with_a_backup(tmp_path, _isolated_home):
    path = tmp_path / "v4.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0005_front_office")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert "demands" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        _check(led.conn)


# -- the records ------------------------------------------------------------------------------------

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from broker_desk import frontoffice  # noqa: E402
from broker_desk.errors import BrokerDeskError, ValidationError  # noqa: E402


@pytest.fixture
def office(ledger, make):
    """A demand of 甲公司, an achievement of 乙大学, two brokers."""
    buyer = make.client(name="甲公司")
    seller = make.client(name="乙大学", nature="高等院校")
    zhang, li = make.broker(name="张三"), make.broker(name="李四")
    ach = ledger.add("achievement", {"title": "高效电机控制算法", "holder_id": seller, "field": "先进制造",
                                     "transfer_mode": "许可", "ip_type": "发明专利"}).id
    demand = ledger.add("demand", {"title": "电机能效提升", "client_id": buyer, "kind": "技术攻关",
                                   "field": "先进制造", "budget_fen": 50_000_000, "deadline": "2026/12/31",
                                   "broker_id": zhang}).id
    return dict(buyer=buyer, seller=seller, zhang=zhang, li=li, ach=ach, demand=demand)


def _problems(exc) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in exc.value.problems]


def test_a_demand_is_validated_and_defaults_to_collecting(ledger, office):
    row = ledger.get("demand", office["demand"])
    assert (row["status"], row["deadline"], row["budget_fen"], row["kind"]) == ("征集中", "2026-12-31", 50_000_000, "技术攻关")
    assert len(row["uid"]) == 36
    with pytest.raises(ValidationError) as e:
        ledger.add("demand", {"title": " ", "kind": "买设备", "budget_fen": -1, "deadline": "2026-02-30",
                              "status": "进行中"})
    assert sorted(_problems(e)) == sorted([
        ("demand.kind", "field.not_in_table"), ("demand.budget_fen", "field.negative"),
        ("demand.deadline", "idnum.date_bad_day"), ("demand.status", "field.not_in_table"),
        ("demand.title", "field.required"), ("demand.client_id", "field.required")])


def test_an_engagement_takes_its_sides_brokers_and_stage(ledger, office):
    eid = ledger.add("engagement", {"title": "电机项目对接", "demand_id": office["demand"], "achievement_id": office["ach"],
                                    "brokers": [(office["zhang"], 60), (office["li"], "40")],
                                    "expected_fen": 30_000_000}).id
    row = ledger.get("engagement", eid)
    assert (row["stage"], row["demand_client_id"], row["supply_client_id"]) == ("初步接触", office["buyer"], office["seller"])
    assert row["brokers"] == [(office["zhang"], 6000), (office["li"], 4000)]
    with pytest.raises(ValidationError) as e:
        ledger.update("engagement", eid, {"brokers": [(office["zhang"], 60), (office["li"], 30)]})
    assert _problems(e) == [("engagement.brokers", "contract.shares_sum")]
    assert "经纪人份额合计应为 100%，现为 90%" in str(e.value)
    with pytest.raises(ValidationError) as e:
        ledger.update("engagement", eid, {"stage": "已终止"})
    assert _problems(e) == [("engagement.end_reason", "engagement.end_reason")]
    with pytest.raises(ValidationError) as e:
        ledger.update("engagement", eid, {"supply_client_id": office["buyer"]})
    assert _problems(e) == [("engagement.supply_client_id", "engagement.same_party")]
    changes = ledger.update("engagement", eid, {"stage": "已签约"})
    assert [(w.field, w.code) for w in changes.warnings] == [("engagement.stage", "engagement.unsigned")]
    ledger.update("engagement", eid, {"stage": "已终止", "end_reason": "预算不足"})
    assert ledger.get("engagement", eid)["stage"] == "已终止"


def test_engagement_edits_and_deletes_undo_with_their_brokers_and_followups(ledger, office):
    eid = ledger.add("engagement", {"title": "电机项目对接", "demand_id": office["demand"],
                                    "brokers": [(office["zhang"], 100)]}).id
    f1 = ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-02", "channel": "电话",
                                 "content": "初次电话沟通", "next_step": "上门走访", "next_on": "2026-11-10"}).id
    ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-10", "channel": "走访", "content": "走访"})
    ledger.update("engagement", eid, {"brokers": [(office["zhang"], 50), (office["li"], 50)], "stage": "需求确认"})
    ledger.undo()
    assert ledger.get("engagement", eid)["brokers"] == [(office["zhang"], 10000)]
    assert ledger.get("engagement", eid)["stage"] == "初步接触"
    with pytest.raises(BrokerDeskError) as e:
        ledger.delete("demand", office["demand"])
    assert str(e.value) == "不能删除技术需求“电机能效提升”：1 条对接项目使用它（电机项目对接）"
    with pytest.raises(BrokerDeskError) as e:
        ledger.delete("broker", office["zhang"])
    assert "技术需求" in str(e.value) and "电机能效提升" in str(e.value)
    ledger.delete("engagement", eid)
    assert ledger.count("followup") == 0 and ledger.count("engagement") == 0
    assert ledger.conn.execute("SELECT count(*) FROM engagement_brokers").fetchone()[0] == 0
    assert ledger.undo_label() == "删除对接项目“电机项目对接”"
    ledger.undo()
    assert ledger.count("followup") == 2
    assert ledger.get("followup", f1)["next_on"] == "2026-11-10"
    assert ledger.get("engagement", eid)["brokers"] == [(office["zhang"], 10000)]
    ledger.redo()
    assert ledger.count("followup") == 0


def test_a_followup_is_validated(ledger, office):
    eid = ledger.add("engagement", {"title": "对接", "demand_id": office["demand"]}).id
    with pytest.raises(ValidationError) as e:
        ledger.add("followup", {"engagement_id": 999, "on_date": "2026-11-02", "channel": "飞鸽", "done": "也许",
                                "content": ""})
    assert sorted(_problems(e)) == sorted([
        ("followup.engagement_id", "field.no_such_record"), ("followup.channel", "field.not_in_table"),
        ("followup.done", "field.not_flag"), ("followup.content", "field.required")])
    with pytest.raises(ValidationError) as e:
        ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-02", "content": "电话",
                                "next_on": "2026-11-01"})
    assert _problems(e) == [("followup.next_on", "followup.next_before")]
    fid = ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-02", "content": "电话", "done": "是"}).id
    assert ledger.get("followup", fid)["done"] == 1


def test_signing_makes_a_prefilled_contract_and_links_it_in_one_undoable_action(ledger, office):
    eid = ledger.add("engagement", {"title": "电机控制技术许可", "demand_id": office["demand"],
                                    "achievement_id": office["ach"], "stage": "商务洽谈",
                                    "brokers": [(office["zhang"], 66.67), (office["li"], 33.33)],
                                    "expected_fen": 30_000_000}).id
    draft = frontoffice.contract_draft(ledger, eid, dt.date(2026, 11, 20))
    assert draft == {"title": "电机控制技术许可", "buyer_id": office["buyer"], "seller_id": office["seller"],
                     "achievement_id": office["ach"], "brokers": [(office["zhang"], "66.67"), (office["li"], "33.33")],
                     "amount_fen": 30_000_000, "field": "先进制造", "ip_type": "发明专利", "category": "技术许可",
                     "signed_on": "2026-11-20", "engagement_id": eid}
    with pytest.raises(ValidationError) as e:
        frontoffice.sign(ledger, eid, today=dt.date(2026, 11, 20))
    assert _problems(e) == [("contract.contract_no", "field.required")]
    assert ledger.count("contract") == 0
    ops_before = ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    changes = frontoffice.sign(ledger, eid, {"contract_no": "XK-2026-01", "subtype": "专利实施许可",
                                             "amount_fen": 32_000_000}, today=dt.date(2026, 11, 20))
    assert ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0] == ops_before + 1
    c = ledger.get("contract", changes.id)
    assert (c["contract_no"], c["title"], c["buyer_id"], c["seller_id"], c["achievement_id"], c["amount_fen"],
            c["category"], c["subtype"], c["signed_on"], c["engagement_id"], c["status"]) == (
        "XK-2026-01", "电机控制技术许可", office["buyer"], office["seller"], office["ach"], 32_000_000,
        "技术许可", "专利实施许可", "2026-11-20", eid, "草稿")
    assert c["brokers"] == [(office["zhang"], 6667), (office["li"], 3333)]
    assert ledger.get("engagement", eid)["stage"] == "已签约"
    assert ledger.get("engagement", eid)["warnings"] is None
    assert ledger.get("demand", office["demand"])["status"] == "已签约"
    assert ledger.undo_label() == "对接项目“电机控制技术许可”签约"
    with pytest.raises(BrokerDeskError) as e:
        frontoffice.sign(ledger, eid, {"contract_no": "XK-2"})
    assert str(e.value) == "对接项目“电机控制技术许可”已关联合同 XK-2026-01"
    with pytest.raises(BrokerDeskError):
        ledger.delete("engagement", eid)   # a contract uses it
    ledger.undo()
    assert ledger.count("contract") == 0
    assert ledger.get("engagement", eid)["stage"] == "商务洽谈"
    assert ledger.get("demand", office["demand"])["status"] == "对接中"  # as the engagement left it


def test_signing_can_link_an_existing_contract(ledger, make, office):
    eid = ledger.add("engagement", {"title": "对接", "demand_id": office["demand"], "stage": "已签约"}).id
    assert [w.code for w in ledger.warnings("engagement", eid)] == ["engagement.unsigned"]
    cid = make.contract(buyer_id=office["buyer"], seller_id=office["seller"])
    frontoffice.sign(ledger, eid, contract_id=cid)
    assert ledger.get("contract", cid)["engagement_id"] == eid
    assert ledger.warnings("engagement", eid) == []
    other = ledger.add("engagement", {"title": "另一对接", "demand_id": office["demand"]}).id
    with pytest.raises(BrokerDeskError) as e:
        frontoffice.sign(ledger, other, contract_id=cid)
    assert str(e.value) == f"合同 {ledger.get('contract', cid)['contract_no']} 已关联另一个对接项目“对接”"
    ended = ledger.add("engagement", {"title": "终止的", "stage": "已终止", "end_reason": "对方放弃"}).id
    with pytest.raises(BrokerDeskError) as e:
        frontoffice.sign(ledger, ended, {"contract_no": "X"})
    assert str(e.value) == "对接项目“终止的”已终止，不能签约"


def test_due_followups_oldest_first_per_broker(ledger, office):
    a = ledger.add("engagement", {"title": "甲项目", "demand_id": office["demand"],
                                  "brokers": [(office["zhang"], 100)]}).id
    b = ledger.add("engagement", {"title": "乙项目", "brokers": [(office["li"], 100)]}).id
    done = ledger.add("engagement", {"title": "丙项目", "stage": "已终止", "end_reason": "无预算"}).id
    add = lambda **v: ledger.add("followup", {"on_date": "2026-11-01", "content": "沟通", **v}).id  # noqa: E731
    f1 = add(engagement_id=a, next_step="送样", next_on="2026-11-05")
    f2 = add(engagement_id=b, next_step="报价", next_on="2026-11-03", broker_id=office["zhang"])
    add(engagement_id=a, next_step="签约", next_on="2026-11-20")          # not due yet
    add(engagement_id=a, next_step="回访", next_on="2026-11-02", done=1)  # done
    add(engagement_id=done, next_step="归档", next_on="2026-11-02")       # ended
    f3 = add(engagement_id=b, next_step="走访", next_on="2026-11-10")
    due = frontoffice.due_followups(ledger, dt.date(2026, 11, 10))
    assert [(d.id, d.next_on, d.engagement, d.broker, d.days_late) for d in due] == [
        (f2, "2026-11-03", "乙项目", "张三", 7), (f1, "2026-11-05", "甲项目", "张三", 5),
        (f3, "2026-11-10", "乙项目", "李四", 0)]
    assert [d.id for d in frontoffice.due_followups(ledger, dt.date(2026, 11, 10), office["zhang"])] == [f2, f1]
    assert [d.id for d in frontoffice.due_followups(ledger, dt.date(2026, 11, 10), office["li"])] == [f3]
    assert frontoffice.due_followups(ledger, dt.date(2026, 11, 2)) == []


# -- broker-desk followups ----------------------------------------------------------------------------

def test_followups_command_lists_the_due_next_steps(tmp_path, capsys):
    from broker_desk import cli

    path = tmp_path / "l.brokerdesk"
    with Ledger.open(path) as led:
        client = led.add("client", {"name": "甲公司"}).id
        zhang = led.add("broker", {"name": "张三"}).id
        li = led.add("broker", {"name": "李四"}).id
        a = led.add("engagement", {"title": "甲项目", "demand_client_id": client, "brokers": [(zhang, 100)],
                                   "stage": "方案报价"}).id
        b = led.add("engagement", {"title": "乙项目", "brokers": [(li, 100)]}).id
        led.add("followup", {"engagement_id": a, "on_date": "2026-11-01", "content": "电话", "next_step": "送报价单",
                             "next_on": "2026-11-04"})
        led.add("followup", {"engagement_id": b, "on_date": "2026-11-02", "content": "会议纪要", "next_on": "2026-11-10"})
        led.add("followup", {"engagement_id": b, "on_date": "2026-11-02", "content": "电话", "next_step": "签约",
                             "next_on": "2026-11-30"})
    assert cli.main(["--db", str(path), "followups", "--due-by", "2026-11-10"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "截至 2026-11-10 到期的跟进：2 条",
        "  2026-11-04  逾期 6 天  甲项目（方案报价）  张三  送报价单",
        "  2026-11-10  今天到期  乙项目（初步接触）  李四  会议纪要"]
    assert cli.main(["--db", str(path), "followups", "--due-by", "2026-11-10", "--broker", "李四"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["  2026-11-10  今天到期  乙项目（初步接触）  李四  会议纪要"]
    assert cli.main(["--db", str(path), "followups", "--due-by", "2026-11-03"]) == 0
    assert capsys.readouterr().out == "截至 2026-11-03 没有到期的跟进\n"
    assert cli.main(["--db", str(path), "--lang", "en", "followups", "--due-by", "2026-11-05"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Follow-ups due by 2026-11-05: 1", "  2026-11-04  1 days late  甲项目 (Proposal and quote)  张三  送报价单"]
    assert cli.main(["--db", str(path), "followups", "--broker", "王五"]) == 2
    assert capsys.readouterr().err == "错误：没有名为“王五”的经纪人\n"


# -- the funnel and the rankings' extra columns ---------------------------------------------------------

def _funnel_ledger(ledger, make):
    """Brokers 张三 and 李四; demands and engagements of 2025 and 2026; two engagements of 2026 signed."""
    c1, c2 = make.client(name="甲公司"), make.client(name="乙大学", nature="高等院校")
    zhang, li = make.broker(name="张三", institution="甲中心"), make.broker(name="李四", institution="甲中心")
    d = [ledger.add("demand", {"title": f"需求{i}", "client_id": c1, "broker_id": b, "published_on": day}).id
         for i, (b, day) in enumerate([(zhang, "2026-01-05"), (zhang, "2026-03-01"), (li, "2026-05-01"),
                                       (li, "2025-12-31")])]
    e1 = ledger.add("engagement", {"title": "对接1", "demand_id": d[0], "supply_client_id": c2, "started_on": "2026-02-01",
                                   "brokers": [(zhang, 60), (li, 40)], "stage": "商务洽谈"}).id
    e2 = ledger.add("engagement", {"title": "对接2", "demand_id": d[1], "supply_client_id": c2, "started_on": "2026-03-01",
                                   "brokers": [(zhang, 100)]}).id
    e3 = ledger.add("engagement", {"title": "对接3", "demand_id": d[2], "supply_client_id": c2, "started_on": "2026-06-01",
                                   "brokers": [(li, 100)], "stage": "已终止", "end_reason": "无预算"}).id
    ledger.add("engagement", {"title": "对接4", "demand_id": d[3], "started_on": "2025-12-31", "brokers": [(li, 100)]})
    frontoffice.sign(ledger, e1, {"contract_no": "HT-1", "category": "技术开发", "amount_fen": 1_000_001},
                     today=dt.date(2026, 7, 1))
    frontoffice.sign(ledger, e2, {"contract_no": "HT-2", "category": "技术开发", "amount_fen": 5_000_000},
                     today=dt.date(2026, 7, 2))
    return zhang, li, (e1, e2, e3)


def test_the_funnel_for_a_period_and_per_broker(ledger, make):
    from broker_desk import funnel

    zhang, li, _ = _funnel_ledger(ledger, make)
    f = funnel.compute(ledger, 2026)
    assert (f.first, f.last) == ("2026-01-01", "2026-12-31")
    t = f.totals
    assert (t.demands, t.engagements, t.signed, t.signed_fen, t.signing_rate) == (3, 3, 2, 6_000_001, 2 / 3)
    assert [(r.name, r.demands, r.engagements, r.signed, r.signed_fen) for r in f.brokers] == [
        ("李四", 1, 2, 1, 400_000),             # 40 % of 1,000,001 fen = 400,000.4 → 400,000
        ("张三", 2, 2, 2, 5_600_001)]           # 60 % of 1,000,001 = 600,000.6 → + 5,000,000, rounded once
    assert f.brokers[0].signing_rate == 0.5
    f25 = funnel.compute(ledger, 2025)
    assert (f25.totals.demands, f25.totals.engagements, f25.totals.signed, f25.totals.signing_rate) == (1, 1, 0, 0.0)
    spring = funnel.compute(ledger, 2026, first="2026-02-01", last="2026-03-31")
    assert (spring.totals.demands, spring.totals.engagements, spring.totals.signed) == (1, 2, 2)
    assert funnel.compute(ledger, 2024).totals.signing_rate is None


def test_rankings_show_engagements_and_signing_rate_only_when_asked(ledger, make, tmp_path):
    from broker_desk import rankings, statistics
    from broker_desk.reports import rankings as rankings_export

    zhang, li, (e1, e2, _) = _funnel_ledger(ledger, make)
    for cid, no in ((ledger.get("contract", 1)["id"], "2026"), (ledger.get("contract", 2)["id"], "2026")):
        ledger.move(cid, "待提交", "2026-07-03")
        ledger.move(cid, "已受理", "2026-07-04", reg_office="杭州市技术合同登记处")
        ledger.move(cid, "已登记", "2026-07-10", reg_no=f"{no}3301010000{cid:02d}", today=dt.date(2026, 8, 1))
    plain = rankings.compute(ledger, 2026)
    assert not plain.front_office and [r.engagements for r in plain.rows] == [None, None]
    extra = rankings.compute(ledger, 2026, front_office=True)
    assert [(r.name, r.rank, r.engagements, r.signed, r.signing_rate) for r in extra.rows] == [
        (r.name, r.rank, *{"张三": (2, 2, 1.0), "李四": (2, 1, 0.5)}[r.name]) for r in plain.rows]
    assert [r.name for r in extra.rows] == [r.name for r in plain.rows]  # the order rule is unchanged
    assert (extra.totals.engagements, extra.totals.signed) == (3, 2)
    institutions = rankings.compute(ledger, 2026, by="institution", front_office=True)
    assert [(r.name, r.engagements, r.signed) for r in institutions.rows] == [("甲中心", 3, 2)]
    ledger.set_setting("rankings.front_office", True)
    assert rankings.compute(ledger, 2026).front_office
    path = tmp_path / "r.xlsx"
    rankings_export.write_xlsx(ledger, extra, statistics.compute(ledger, 2026), path)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    header = next(r for r in rows if r and r[0] == "名次")
    assert header[-3:] == ["服务客户数", "对接项目数", "签约率"]
    body = {r[1]: r[-2:] for r in rows[rows.index(header) + 1:] if r and r[1] in ("张三", "李四")}
    assert body == {"张三": [2.0, 1.0], "李四": [2.0, 0.5]}
    assert rows[rows.index(header) + 3][-2:] == [3.0, 2 / 3]
    rankings_export.write_xlsx(ledger, plain, statistics.compute(ledger, 2026), path)
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert next(r for r in rows if r and r[0] == "名次")[-1] == "服务客户数"


# -- the demo's front office ----------------------------------------------------------------------------

def test_the_demo_has_demands_engagements_at_every_stage_and_followups_around_today(demo_ledger):
    from conftest import DEMO_TODAY

    led = demo_ledger
    assert (led.count("demand"), led.count("engagement"), led.count("followup")) == (60, 50, 127)
    stages = {s for (s,) in led.conn.execute("SELECT DISTINCT stage FROM engagements")}
    assert stages == set(frontoffice.STAGES)
    statuses = {s for (s,) in led.conn.execute("SELECT DISTINCT status FROM demands")}
    assert statuses == {"征集中", "已发布", "对接中", "已签约", "已关闭"}
    # every signed engagement is linked to a contract of the same parties, achievement and brokers
    signed = led.conn.execute("SELECT e.id, c.id FROM engagements e JOIN contracts c ON c.engagement_id = e.id").fetchall()
    assert len(signed) == led.conn.execute("SELECT count(*) FROM engagements WHERE stage = '已签约'").fetchone()[0] == 15
    for eid, cid in signed:
        e, c = led.get("engagement", eid), led.get("contract", cid)
        assert (e["demand_client_id"], e["supply_client_id"], e["achievement_id"], e["expected_fen"], e["title"]) == (
            c["buyer_id"], c["seller_id"], c["achievement_id"], c["amount_fen"], c["title"])
        assert e["started_on"] < c["signed_on"]
        if c["brokers"]:
            assert e["brokers"] == c["brokers"]
        assert led.get("demand", e["demand_id"])["status"] == "已签约"
    assert led.conn.execute("SELECT count(*) FROM engagements WHERE stage = '已终止' AND end_reason IS NULL").fetchone()[0] == 0
    assert led.conn.execute("SELECT count(*) FROM followups WHERE next_on < on_date OR on_date > ?",
                            [DEMO_TODAY.isoformat()]).fetchone()[0] == 0
    due = frontoffice.due_followups(led, DEMO_TODAY)
    late = [d for d in due if d.days_late > 0]
    assert len(late) >= 3 and len(due) - len(late) >= 1   # some overdue, some due today
    assert frontoffice.due_followups(led, DEMO_TODAY + dt.timedelta(days=40))[len(due):]  # and some ahead
    assert led.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_lists_and_search_of_demands_and_engagements(ledger, office):
    from broker_desk.listing import fetch_rows, list_ids

    eid = ledger.add("engagement", {"title": "电机项目对接", "demand_id": office["demand"], "achievement_id": office["ach"],
                                    "brokers": [(office["zhang"], 60), (office["li"], 40)], "stage": "方案报价",
                                    "expected_fen": 1_000_000, "started_on": "2026-10-01"}).id
    ledger.add("followup", {"engagement_id": eid, "on_date": "2026-10-02", "content": "电话", "next_on": "2026-10-09"})
    ledger.add("followup", {"engagement_id": eid, "on_date": "2026-10-03", "content": "会议", "next_on": "2026-10-05"})
    row = fetch_rows(ledger, "engagement", [eid])[eid]
    assert {k: row[k] for k in ("title", "demand", "achievement", "demand_client", "supply_client", "brokers",
                                "stage", "expected_fen", "next_on", "contract_no")} == {
        "title": "电机项目对接", "demand": "电机能效提升", "achievement": "高效电机控制算法", "demand_client": "甲公司", "supply_client": "乙大学",
        "brokers": "张三(60%)；李四(40%)", "stage": "方案报价", "expected_fen": 1_000_000, "next_on": "2026-10-05",
        "contract_no": None}
    d = fetch_rows(ledger, "demand", [office["demand"]])[office["demand"]]
    assert (d["title"], d["broker"], d["engagements"], d["status"]) == ("电机能效提升", "张三", 1, "对接中")
    assert list_ids(ledger, "demand", "能效") == [office["demand"]]
    assert ledger.search("engagement", "电机项目") == [eid]
    assert ledger.search("followup", "会议") == [2]


def test_check_counts_the_front_office_and_its_shares(tmp_path, capsys):
    from broker_desk import cli

    path = tmp_path / "l.brokerdesk"
    with Ledger.open(path) as led:
        zhang = led.add("broker", {"name": "张三"}).id
        eid = led.add("engagement", {"title": "甲项目", "brokers": [(zhang, 100)]}).id
        led.add("followup", {"engagement_id": eid, "on_date": "2026-11-01", "content": "电话"})
    assert cli.main(["--db", str(path), "check"]) == 0
    assert "前台：技术需求 0，对接项目 1，跟进记录 1" in capsys.readouterr().out.splitlines()
    with Ledger.open(path) as led:
        led.conn.execute("UPDATE engagement_brokers SET share_bp = 5000")
    assert cli.main(["--db", str(path), "check"]) == 1
    assert "  1 个对接项目的经纪人份额合计不是 100%（如 甲项目）" in capsys.readouterr().err.splitlines()


def test_a_followup_is_edited_and_the_edit_undone(ledger, office):
    eid = ledger.add("engagement", {"title": "对接", "demand_id": office["demand"]}).id
    fid = ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-02", "content": "电话",
                                  "next_step": "报价", "next_on": "2026-11-09"}).id
    ledger.update("followup", fid, {"done": "是", "content": "电话沟通"})
    assert (ledger.get("followup", fid)["done"], ledger.get("followup", fid)["content"]) == (1, "电话沟通")
    assert ledger.undo_label() == "修改跟进记录“2026-11-02”"
    ledger.undo()
    assert (ledger.get("followup", fid)["done"], ledger.get("followup", fid)["content"]) == (0, "电话")


def test_recording_a_followup_takes_up_the_next_steps_due_and_the_timeline(ledger, office):
    eid = ledger.add("engagement", {"title": "对接", "demand_id": office["demand"]}).id
    other = ledger.add("engagement", {"title": "另一对接", "demand_id": office["demand"]}).id
    first = ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-02", "content": "电话",
                                    "next_step": "走访", "next_on": "2026-11-09"}).id
    later = ledger.add("followup", {"engagement_id": eid, "on_date": "2026-11-03", "content": "邮件",
                                    "next_step": "签约", "next_on": "2026-11-30"}).id
    elsewhere = ledger.add("followup", {"engagement_id": other, "on_date": "2026-11-02", "content": "电话",
                                        "next_on": "2026-11-05"}).id
    changes = frontoffice.record_followup(ledger, {"engagement_id": eid, "on_date": "2026-11-10", "channel": "走访",
                                                   "broker_id": office["li"], "content": "走访车间",
                                                   "next_step": "报价", "next_on": "2026-11-17"})
    done = dict(ledger.conn.execute("SELECT id, done FROM followups"))
    assert done == {first: 1, later: 0, elsewhere: 0, changes.id: 0}
    assert [(f["on_date"], f["content"], f["broker"]) for f in frontoffice.timeline(ledger, eid)] == [
        ("2026-11-02", "电话", None), ("2026-11-03", "邮件", None), ("2026-11-10", "走访车间", "李四")]
    assert ledger.undo_label() == "新建跟进记录“2026-11-10”"
    ledger.undo()
    assert dict(ledger.conn.execute("SELECT id, done FROM followups")) == {first: 0, later: 0, elsewhere: 0}


# -- an engagement moves its demand on (issue 17, the window's task) ---------------------------

def test_an_engagement_moves_its_demand_to_in_matchmaking_in_the_same_undoable_action(ledger, office, make):
    assert frontoffice.demand_status(frontoffice.DEMAND_ENGAGED_CODE) == "对接中"
    assert frontoffice.demand_status(frontoffice.DEMAND_SIGNED_CODE) == "已签约"
    ops_before = ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    ledger.add("engagement", {"title": "电机项目对接", "demand_id": office["demand"]})
    assert ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0] == ops_before + 1
    assert ledger.get("demand", office["demand"])["status"] == "对接中"
    uid = ledger.get("demand", office["demand"])["uid"]
    assert [(r["field"], r["old"], r["new"]) for r in ledger.history("demand", uid)
            if r["field"] == "status"] == [("status", "征集中", "对接中")]
    ledger.undo()  # one undo takes back the engagement and the demand's move
    assert ledger.count("engagement") == 0
    assert ledger.get("demand", office["demand"])["status"] == "征集中"
    ledger.redo()
    assert ledger.get("demand", office["demand"])["status"] == "对接中"
    # a published demand moves too; a closed one, or an ended engagement, leaves it as it is
    published = ledger.add("demand", {"title": "已发布的需求", "client_id": office["buyer"], "status": "已发布"}).id
    closed = ledger.add("demand", {"title": "已关闭的需求", "client_id": office["buyer"], "status": "已关闭"}).id
    fresh = ledger.add("demand", {"title": "新需求", "client_id": office["buyer"]}).id
    ledger.add("engagement", {"title": "对接二", "demand_id": published})
    ledger.add("engagement", {"title": "对接三", "demand_id": closed})
    ended = ledger.add("engagement", {"title": "对接四", "stage": "已终止", "end_reason": "对方放弃", "demand_id": fresh}).id
    assert [ledger.get("demand", d)["status"] for d in (published, closed, fresh)] == ["对接中", "已关闭", "征集中"]
    # saving an engagement later on (a demand named afterwards) moves it then
    later = ledger.add("engagement", {"title": "对接五"}).id
    ledger.update("engagement", later, {"demand_id": fresh})
    assert ledger.get("demand", fresh)["status"] == "对接中"
    ledger.undo()
    assert ledger.get("demand", fresh)["status"] == "征集中"
    assert ledger.get("engagement", ended)["stage"] == "已终止"


def test_a_signed_engagement_keeps_its_stage_while_a_contract_is_linked(ledger, office):
    eid = ledger.add("engagement", {"title": "电机控制技术许可", "demand_id": office["demand"],
                                    "achievement_id": office["ach"], "stage": "商务洽谈"}).id
    changes = frontoffice.sign(ledger, eid, {"contract_no": "XK-9", "subtype": "专利实施许可", "amount_fen": 100_000},
                               today=dt.date(2026, 11, 20))
    assert ledger.get("demand", office["demand"])["status"] == "已签约"
    with pytest.raises(ValidationError) as e:
        ledger.update("engagement", eid, {"stage": "商务洽谈"})
    assert _problems(e) == [("engagement.stage", "engagement.leave_signed")]
    assert str(e.value).endswith("对接项目已关联合同 XK-9，阶段须保持“已签约”（要改阶段，先解除合同的关联）")
    ledger.update("engagement", eid, {"note": "已签约，待付款"})  # other edits are fine
    assert ledger.get("demand", office["demand"])["status"] == "已签约"  # and leave the demand signed
    assert ledger.get("contract", changes.id)["engagement_id"] == eid
