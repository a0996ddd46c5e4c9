"""Registration time limits as DESIGN §3 has them: two regimes by the date of acceptance, China's
working-day calendar (chinesecalendar, with its 调休 working weekends), the dates an office adds,
the office's own fixed limit, the 专家审核 flag (schema 0004) and the warning on a deadline that
reaches into a year whose calendar nobody knows."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import python_calamine
from sqlite_utils import Database
from workbooks import write_xlsx

from broker_desk import check, dashboard, workcalendar
from broker_desk.errors import BrokerDeskError
from broker_desk.ledger import Ledger
from broker_desk.ledger.schema import SCHEMA_VERSION, migrations
from broker_desk.listing import Filters, fetch_rows, list_ids
from broker_desk.registration import (
    ACCEPTED,
    CORRECTION,
    LARGE_LIMIT,
    NEW_LIMIT,
    OLD_LIMIT,
    READY,
    Deadlines,
    TimeLimit,
)
from broker_desk.workbook import importer
from broker_desk.workbook.export import export_workbook

D = dt.date.fromisoformat
TODAY = D("2026-12-07")
OFFICE = "北京技术市场管理办公室"


def rule(office: dict | None = None, override: TimeLimit | None = None) -> Deadlines:
    return Deadlines(workcalendar.Calendar(office), override)


# -- the calendar -----------------------------------------------------------------------------------

@pytest.mark.parametrize("iso, working", [
    ("2026-01-01", False), ("2026-01-02", False), ("2026-01-04", True),    # 元旦; Sunday the 4th works (调休)
    ("2026-02-14", True), ("2026-02-15", False), ("2026-02-23", False),    # 春节: Sat 2/14 works, 2/15–2/23 off
    ("2026-02-24", True), ("2026-02-28", True), ("2026-03-01", False),     # Sat 2/28 works, Sun 3/1 does not
    ("2026-09-20", True), ("2026-10-01", False), ("2026-10-05", False),    # 国庆 10/1–10/7 off, Sun 9/20 works
    ("2026-10-07", False), ("2026-10-08", True), ("2026-10-10", True),     # Sat 10/10 works
    ("2026-10-11", False), ("2026-10-12", True),
    ("2027-01-01", True), ("2027-01-02", False),                           # unknown year: plain weekdays
])
def test_working_days_of_the_official_calendar(iso, working):
    assert workcalendar.Calendar().is_working(D(iso)) is working


def test_the_library_knows_2004_to_2026_and_no_later():
    assert workcalendar.library_years() == (2004, 2026)
    cal = workcalendar.Calendar()
    assert (cal.known(2026), cal.known(2027), cal.known(2003)) == (True, False, False)
    assert workcalendar.Calendar({"2027": {"complete": True, "days": []}}).known(2027)


def test_counting_working_days_across_a_holiday_and_a_year_end():
    cal = workcalendar.Calendar()
    assert cal.add_working_days(D("2026-09-28"), 1) == D("2026-09-29")
    assert cal.add_working_days(D("2026-09-30"), 1) == D("2026-10-08")   # over 国庆
    assert cal.add_working_days(D("2026-10-09"), 1) == D("2026-10-10")   # the 调休 Saturday
    assert cal.add_working_days(D("2026-12-30"), 3) == D("2027-01-04")   # 31 Dec, then Fri 1 and Mon 4 Jan 2027
    assert cal.next_working(D("2026-10-01")) == D("2026-10-08")
    assert cal.next_working(D("2026-10-08")) == D("2026-10-08")
    assert cal.next_working(D("2025-12-31")) == D("2025-12-31")
    assert cal.next_working(D("2026-01-01")) == D("2026-01-04")          # a Sunday that works


def test_an_office_date_overrides_the_library():
    office = {"2026": {"complete": False, "days": [["2026-10-10", "holiday", "本机构不调休"],
                                                   ["2026-10-11", "workday", "补班"]]}}
    cal = workcalendar.Calendar(office)
    assert (cal.is_working(D("2026-10-10")), cal.is_working(D("2026-10-11"))) == (False, True)
    assert cal.add_working_days(D("2026-10-09"), 1) == D("2026-10-11")


# -- the two regimes: DESIGN §3's worked examples and more -----------------------------------------

def test_worked_example_new_regime():
    """Accepted 2026-09-28, 15 working days (the 2026 calendar: 国庆 10/1–10/7 off, Sat 10/10 working)."""
    due = rule().due("2026-09-28", "2026-09-28", 100_000_00)
    assert (due.on, due.limit, due.unknown_years) == (D("2026-10-23"), NEW_LIMIT, ())
    plain = [d for d in (D("2026-09-28") + dt.timedelta(days=i) for i in range(1, 40)) if d.weekday() < 5]
    assert plain[14] == D("2026-10-19")  # what plain weekdays would have given


def test_worked_example_old_regime():
    """30 calendar days from 2026-09-05 end on 10/5, a holiday: the limit moves on to 10/8."""
    assert rule(override=OLD_LIMIT).due("2026-09-05", "2026-09-05").on == D("2026-10-08")


@pytest.mark.parametrize("accepted, due", [
    ("2025-12-02", "2026-01-04"),  # 30th day 元旦 2026-01-01; 1/2 off, 1/3 Saturday off, Sunday 1/4 works
    ("2026-01-15", "2026-02-14"),  # 30th day the 调休 Saturday before 春节: a working day, it stays
    ("2026-01-16", "2026-02-24"),  # 30th day 2026-02-15, the first day of 春节: after the holiday
    ("2025-04-02", "2025-05-06"),  # 30th day in 劳动节 2025 (5/1–5/5)
    ("2026-02-28", "2026-03-30"),  # the last day of the old rule: 30 calendar days
])
def test_old_regime_rolls_a_last_day_off_forward(accepted, due):
    d = rule().due(accepted, accepted)
    assert (d.on, d.limit) == (D(due), OLD_LIMIT)


def test_the_new_rules_start_on_2026_03_01():
    assert rule().due("2026-02-28", "2026-02-28").limit == OLD_LIMIT
    assert rule().due("2026-03-01", "2026-03-01").on == D("2026-03-20")  # 15 working days, Sunday not counted
    assert rule().due("2026-03-01", "2026-03-01").limit == NEW_LIMIT


@pytest.mark.parametrize("tech_fen, expert, limit, due", [
    (499_999_999, 0, NEW_LIMIT, "2026-10-23"),
    (500_000_000, 0, LARGE_LIMIT, "2026-11-13"),   # 5,000,000 元 exactly: 30 working days
    (100_000_00, 1, LARGE_LIMIT, "2026-11-13"),    # 专家审核
    (None, 0, NEW_LIMIT, "2026-10-23"),
])
def test_large_cases_and_expert_review_take_thirty_working_days(tech_fen, expert, limit, due):
    d = rule().due("2026-09-28", "2026-09-28", tech_fen, expert)
    assert (d.limit, d.on) == (limit, D(due))


def test_a_deadline_into_an_unknown_year_says_so_and_the_office_can_add_the_year():
    due = rule().due("2026-12-15", "2026-12-15")
    assert (due.on, due.unknown_years) == (D("2027-01-05"), (2027,))  # 1 Jan 2027 counted as a working day
    assert due.warning() == ("2027 年的节假日安排程序尚不知道，暂按周一至周五计算工作日，"
                             "请在“设置 → 工作日日历”中补充")
    office = {"2027": {"complete": False, "days": [["2027-01-01", "holiday", "元旦"]]}}
    assert rule(office).due("2026-12-15", "2026-12-15").on == D("2027-01-06")
    office["2027"]["complete"] = True  # the office entered the whole year: no warning any more
    assert rule(office).due("2026-12-15", "2026-12-15").warning() is None
    assert rule().due("2026-12-01", "2026-12-01").unknown_years == ()  # ends 2026-12-22


def test_an_office_override_replaces_the_rule():
    assert rule(override=TimeLimit(20, True)).due("2026-09-28", "2026-09-28", 9_000_000_00, 1).on == D("2026-10-30")
    assert rule(override=TimeLimit(10, False)).due("2025-06-11", "2025-06-11").on == D("2025-06-23")  # Sat → Mon


# -- on the ledger ---------------------------------------------------------------------------------

def _accept(ledger, make, on: str, **values) -> int:
    values.setdefault("signed_on", "2025-01-02")
    c = make.contract(**values)
    ledger.move(c, READY, on, today=TODAY)
    ledger.move(c, ACCEPTED, on, reg_office=OFFICE, today=TODAY)
    return c


def test_the_clock_restarts_after_correction_under_the_regime_of_acceptance(ledger, make):
    old = _accept(ledger, make, "2026-02-20")
    ledger.move(old, CORRECTION, "2026-02-25", "缺少合同附件", today=TODAY)
    ledger.move(old, ACCEPTED, "2026-03-10", "补正材料已送达", today=TODAY)
    due = ledger.due(ledger.get("contract", old))
    assert (due.limit, due.on) == (OLD_LIMIT, D("2026-04-09"))  # 30 calendar days from the papers' arrival
    new = _accept(ledger, make, "2026-09-21")  # 中秋 (Fri 9/25) and 国庆 off, Sat 10/10 working
    assert ledger.deadline(ledger.get("contract", new)) == D("2026-10-19")
    ledger.move(new, CORRECTION, "2026-09-25", "缺少技术性收入核定表", today=TODAY)
    assert ledger.deadline(ledger.get("contract", new)) is None
    ledger.move(new, ACCEPTED, "2026-09-28", "补正材料已送达", today=TODAY)
    assert ledger.deadline(ledger.get("contract", new)) == D("2026-10-23")


def test_expert_review_flag_lengthens_the_deadline_everywhere(ledger, make):
    c = _accept(ledger, make, "2026-09-28")
    assert ledger.get("contract", c)["expert_review"] == 0
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-23")
    ledger.update("contract", c, {"expert_review": "是"})
    row = ledger.get("contract", c)
    assert (row["expert_review"], ledger.deadline(row)) == (1, D("2026-11-13"))
    assert fetch_rows(ledger, "contract", [c], today=D("2026-11-01"))[c]["deadline"] == "2026-11-13"
    home = dashboard.summary(ledger, today=D("2026-11-01"))
    assert [(x.id, x.deadline, x.days_left) for x in home.accepted] == [(c, "2026-11-13", 12)]
    assert ledger.overdue(D("2026-11-13")) == [] and ledger.overdue(D("2026-11-16")) == [c]
    ledger.update("contract", c, {"expert_review": False})
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-23")
    with pytest.raises(Exception) as info:
        ledger.update("contract", c, {"expert_review": "也许"})
    assert "专家审核应填“是”或“否”，收到“也许”" in str(info.value)


def test_large_amount_takes_thirty_working_days_on_the_ledger(ledger, make):
    c = _accept(ledger, make, "2026-09-28", amount_fen=600_000_000, deductions_fen=100_000_000)  # 500 万元
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-11-13")
    ledger.update("contract", c, {"deductions_fen": 100_000_001})
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-23")


def test_list_sort_and_overdue_filter_follow_each_cases_own_limit(ledger, make):
    early_expert = _accept(ledger, make, "2026-09-01", expert_review=1)   # 30 working days: 2026-10-19
    later_plain = _accept(ledger, make, "2026-09-10")                    # 15 working days (Sun 9/20 works): 10-08
    old = _accept(ledger, make, "2026-02-27")                            # 30 calendar days: 2026-03-30
    by_due = list_ids(ledger, "contract", sort_key="deadline", today=D("2026-10-12"))
    assert [i for i in by_due if i in (early_expert, later_plain, old)] == [old, later_plain, early_expert]
    assert list_ids(ledger, "contract", filters=Filters(overdue=True), today=D("2026-10-12")) == \
        [i for i in by_due if i in (old, later_plain)]
    assert ledger.overdue(D("2026-10-12")) == [old, later_plain]
    rows = fetch_rows(ledger, "contract", [early_expert, later_plain], today=D("2026-10-12"))
    assert [(rows[i]["deadline"], rows[i]["days_left"]) for i in (early_expert, later_plain)] == [
        ("2026-10-19", 7), ("2026-10-08", -4)]


def test_an_office_date_and_the_override_change_the_ledgers_deadlines(ledger, make):
    c = _accept(ledger, make, "2026-09-28")
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-23")
    ledger.set_setting("calendar.office", {"2026": {"complete": False, "days": [
        ["2026-10-16", "holiday", "本地放假"]]}})
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-26")
    assert fetch_rows(ledger, "contract", [c], today=D("2026-10-01"))[c]["deadline"] == "2026-10-26"
    ledger.set_setting("registration.limit_mode", "fixed")   # 30 calendar days (the default numbers)
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-28")
    ledger.set_setting("registration.limit_mode", "rule")
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-26")


def test_unknown_year_is_said_on_the_home_page_and_by_check(ledger, make):
    c = _accept(ledger, make, "2026-12-04", contract_no="HT-跨年")   # 15 working days: 2026-12-25
    far = _accept(ledger, make, "2026-12-07", contract_no="HT-2027", expert_review=1)
    assert ledger.due(ledger.get("contract", c)).warning() is None
    home = {x.id: x for x in dashboard.summary(ledger, today=TODAY).accepted}
    assert home[c].deadline_note is None
    assert home[far].deadline == "2027-01-18" and "2027 年的节假日安排程序尚不知道" in home[far].deadline_note
    report = check.run(ledger, TODAY)
    assert report.healthy
    assert report.notes == ["提示：1 份已受理合同的办结期限延伸到 2027 年，程序尚无该年的节假日安排，暂按周一至周五计算工作日"
                            "（如 HT-2027）；请在“设置 → 工作日日历”中补充"]


def test_check_prints_the_unknown_year_line(tmp_path, capsys):
    from broker_desk import cli

    path = tmp_path / "x.brokerdesk"
    with Ledger.open(path) as led:
        b = led.add("client", {"name": "甲公司"}).id
        s = led.add("client", {"name": "乙大学"}).id
        c = led.add("contract", {"contract_no": "HT-1", "title": "项目", "category": "技术开发", "buyer_id": b,
                                 "seller_id": s, "signed_on": "2026-11-02", "amount_fen": 100, "expert_review": 1}).id
        led.move(c, READY, "2026-12-01", today=TODAY)
        led.move(c, ACCEPTED, "2026-12-07", reg_office=OFFICE, today=TODAY)
    assert cli.main(["--db", str(path), "check"]) == 0
    out = capsys.readouterr().out
    assert "提示：1 份已受理合同的办结期限延伸到 2027 年" in out


# -- schema 0004 ------------------------------------------------------------------------------------

def test_a_version_3_ledger_gets_the_flag_and_keeps_its_own_time_limit(tmp_path):
    path = tmp_path / "v3.brokerdesk"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="0004_expert_review")
    conn.execute("INSERT INTO settings (key, value) VALUES ('registration.limit_days', '20')")
    conn.close()
    with Ledger.open(path) as led:
        assert led.schema_version == SCHEMA_VERSION
        assert led.upgrade_backup is not None and led.upgrade_backup.exists()
        assert led.setting("registration.limit_mode") == "fixed"   # the office's 20 days stay its own
        assert led.time_limit() == TimeLimit(20, False)
        columns = {r[1]: r for r in led.conn.execute("PRAGMA table_info(contracts)")}
        assert columns["expert_review"][3:5] == (1, "0")  # NOT NULL DEFAULT 0
    fresh = tmp_path / "fresh.brokerdesk"
    with Ledger.open(fresh) as led:
        assert led.setting("registration.limit_mode") == "rule" and led.time_limit() is None


# -- the workbook's 专家审核 column -------------------------------------------------------------------

def test_expert_review_column_exports_and_imports(ledger, make, tmp_path):
    yes = make.contract(contract_no="HT-YES", expert_review=1)
    make.contract(contract_no="HT-NO")
    out = tmp_path / "out.xlsx"
    export_workbook(ledger, out)
    sheet = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("技术合同").to_python()
    col = sheet[0].index("专家审核")
    assert sorted((r[1], r[col]) for r in sheet[1:]) == [("HT-NO", "否"), ("HT-YES", "是")]
    again = importer.import_workbook(ledger, out)
    assert (again.summaries["技术合同"].inserted, again.summaries["技术合同"].updated) == (0, 0)
    book = write_xlsx(tmp_path / "in.xlsx", {"技术合同": [
        ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "专家审核"],
        ["HT-NEW1", "新项目一", "技术开发", "甲方公司", "乙方大学", D("2026-05-01"), 1000.0, "是"],
        ["HT-NEW2", "新项目二", "技术开发", "甲方公司", "乙方大学", D("2026-05-01"), 1000.0, None],
        ["HT-NEW3", "新项目三", "技术开发", "甲方公司", "乙方大学", D("2026-05-01"), 1000.0, "否"]]})
    result = importer.import_workbook(ledger, book)
    assert result.summaries["技术合同"].inserted == 3
    flags = dict(ledger.conn.execute("SELECT contract_no, expert_review FROM contracts WHERE contract_no LIKE 'HT-NEW%'"))
    assert flags == {"HT-NEW1": 1, "HT-NEW2": 0, "HT-NEW3": 0}
    assert ledger.get("contract", yes)["expert_review"] == 1
    bad = write_xlsx(tmp_path / "bad.xlsx", {"技术合同": [
        ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "专家审核"],
        ["HT-BAD", "项目", "技术开发", "甲方公司", "乙方大学", D("2026-05-01"), 1000.0, "待定"]]})
    result = importer.import_workbook(ledger, bad)
    assert [p.line() for p in result.problems] == ["bad.xlsx:技术合同:2:H（专家审核）: 专家审核应填“是”或“否”，收到“待定”"]


# -- the office's dates as a file ---------------------------------------------------------------------

def test_office_dates_go_to_csv_and_back(tmp_path):
    entries = [workcalendar.Entry(D("2027-01-01"), workcalendar.HOLIDAY, "元旦"),
               workcalendar.Entry(D("2027-02-06"), workcalendar.WORKDAY, "春节调休上班")]
    text = workcalendar.to_csv(entries)
    assert text.splitlines() == ["日期,类型,说明", "2027-01-01,放假,元旦", "2027-02-06,上班,春节调休上班"]
    assert workcalendar.from_csv("\ufeff" + text, "日历.csv") == entries
    office = workcalendar.with_year({}, 2027, entries, complete=True)
    assert office == {"2027": {"complete": True, "days": [["2027-01-01", "holiday", "元旦"],
                                                         ["2027-02-06", "workday", "春节调休上班"]]}}
    assert workcalendar.office_entries(office, 2027) == (entries, True)
    assert workcalendar.with_year(office, 2027, [], complete=False) == {}
    with pytest.raises(BrokerDeskError) as info:
        workcalendar.from_csv("日期,类型,说明\n2027-13-01,放假,\n", "日历.csv")
    assert str(info.value) == "日历.csv：第 2 行：日期“2027-13-01”不是 YYYY-MM-DD 形式的日期"
    with pytest.raises(BrokerDeskError) as info:
        workcalendar.from_csv("2027-01-01,休市,\n", "日历.csv")
    assert str(info.value) == "日历.csv：第 1 行：类型“休市”应为“放假”或“上班”"
