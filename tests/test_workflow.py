"""The registration (认定登记) workflow through :meth:`Ledger.move` (DESIGN.md §3).

Every test passes ``today=`` to ``move`` and ``overdue`` so that nothing depends
on the calendar the tests run on.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from broker_desk.errors import BrokerDeskError, ValidationError
from broker_desk.ledger import Ledger
from broker_desk.registration import (
    ACCEPTED,
    CHANGE,
    CORRECTION,
    DRAFT,
    READY,
    REFUSED,
    REGISTERED,
    STATUSES,
    WITHDRAWN,
)

TODAY = dt.date(2025, 6, 30)
SIGNED = "2025-03-01"
OFFICE = "北京技术市场管理办公室"
REG_NO = "2025110101000001"
OTHER_REG_NO = "2025110101000002"

#: DESIGN.md §3: 草稿→待提交→已受理; 已受理→已登记/需补正/不予登记; 需补正→已受理;
#: 已登记→已撤销 (and 变更登记, a step that keeps it 已登记); any status that is not (now)
#: registered may be reopened to 草稿.
EXPECTED_ALLOWED = {
    DRAFT: {READY},
    READY: {ACCEPTED, DRAFT},
    ACCEPTED: {REGISTERED, CORRECTION, REFUSED, DRAFT},
    CORRECTION: {ACCEPTED, DRAFT},
    REGISTERED: {CHANGE, WITHDRAWN},
    REFUSED: {DRAFT},
    WITHDRAWN: {DRAFT},
}

#: The legal path from 草稿 to each status.
PATHS = {
    DRAFT: [],
    READY: [READY],
    ACCEPTED: [READY, ACCEPTED],
    CORRECTION: [READY, ACCEPTED, CORRECTION],
    REGISTERED: [READY, ACCEPTED, REGISTERED],
    REFUSED: [READY, ACCEPTED, REFUSED],
    WITHDRAWN: [READY, ACCEPTED, REGISTERED, WITHDRAWN],
}


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def move_kwargs(to: str, reg_no: str = REG_NO) -> dict:
    """What a move to ``to`` must enter (a reason, the office, a registration number)."""
    kwargs: dict = {"note": f"改为{to}的说明"}
    if to == ACCEPTED:
        kwargs["reg_office"] = OFFICE
    if to == REGISTERED:
        kwargs["reg_no"] = reg_no
    return kwargs


def walk(ledger, contract_id: int, target: str, start: dt.date = dt.date(2025, 4, 1)) -> dt.date:
    """Bring a contract from 草稿 to ``target`` through legal moves, one day apart.

    Returns the date of the last move (the start date when no move was needed)."""
    when = start
    for i, to in enumerate(PATHS[target]):
        when = start + dt.timedelta(days=i)
        ledger.move(contract_id, to, when, today=TODAY, **move_kwargs(to))
    assert ledger.get("contract", contract_id)["status"] == target
    return when


def log_size(ledger) -> tuple[int, int]:
    ops = ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    changes = ledger.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    return ops, changes


def problem_codes(exc: ValidationError) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in exc.errors]


@pytest.fixture
def contract(make) -> int:
    """A 草稿 contract of 1,000,000.00 元 with 200,000.00 元 non-technical costs, signed 2025-03-01."""
    return make.contract(amount_fen=100_000_000, deductions_fen=20_000_000, signed_on=SIGNED)


@pytest.fixture
def make_contract(make):
    def factory(**values) -> int:
        values.setdefault("signed_on", SIGNED)
        return make.contract(**values)

    return factory


# --- every (from, to) pair ---------------------------------------------------------------

def test_the_table_covers_every_status():
    assert set(EXPECTED_ALLOWED) == set(STATUSES) == set(PATHS)
    assert len(STATUSES) == 7


@pytest.mark.parametrize("frm", STATUSES)
def test_allowed_moves_from_each_status(ledger, contract, frm):
    walk(ledger, contract, frm)
    allowed = ledger.allowed_moves(contract)
    assert set(allowed) == EXPECTED_ALLOWED[frm]
    assert len(allowed) == len(set(allowed))


@pytest.mark.parametrize(("frm", "to"), list(itertools.product(STATUSES, STATUSES)))
def test_every_status_pair(ledger, contract, frm, to):
    last = walk(ledger, contract, frm)
    assert set(ledger.allowed_moves(contract)) == EXPECTED_ALLOWED[frm]
    before = ledger.get("contract", contract)
    history = ledger.registration_history(contract)
    size = log_size(ledger)
    assert len(history) == len(PATHS[frm])
    when = last + dt.timedelta(days=3)
    kwargs = move_kwargs(to, reg_no=OTHER_REG_NO)

    if to not in EXPECTED_ALLOWED[frm]:
        with pytest.raises(BrokerDeskError) as info:
            ledger.move(contract, to, when, today=TODAY, **kwargs)
        assert info.value.code == "reg.not_allowed"
        assert not isinstance(info.value, ValidationError)
        message = str(info.value)
        assert f"“{frm}”" in message and f"“{to}”" in message
        for allowed in EXPECTED_ALLOWED[frm]:
            assert allowed in message
        assert ledger.get("contract", contract) == before
        assert ledger.registration_history(contract) == history
        assert log_size(ledger) == size
        return

    changes = ledger.move(contract, to, when, today=TODAY, **kwargs)
    assert changes.op_id is not None
    after = ledger.get("contract", contract)
    assert after["status"] == to
    rows = ledger.registration_history(contract)
    assert rows[:-1] == history
    assert len(rows) == len(history) + 1
    new = rows[-1]
    assert (new["from_status"], new["to_status"], new["on_date"], new["note"]) == (
        frm, to, when.isoformat(), kwargs["note"])
    assert new["user"] == ledger.user
    ops, _ = log_size(ledger)
    assert ops == size[0] + 1
    assert ledger.undo_label() == f"合同“{before['contract_no']}”登记状态改为“{to}”"


def test_unknown_status_is_refused(ledger, contract):
    with pytest.raises(BrokerDeskError) as info:
        ledger.move(contract, "已完成", "2025-04-01", today=TODAY)
    assert info.value.code == "reg.unknown_status"
    assert ledger.registration_history(contract) == []


def test_move_of_a_missing_contract(ledger):
    with pytest.raises(BrokerDeskError) as info:
        ledger.move(999, READY, "2025-04-01", today=TODAY)
    assert info.value.code == "move.missing_contract"
    assert ledger.allowed_moves(999) == ()


def test_a_disallowed_move_says_so_before_checking_what_it_enters(ledger, contract):
    # 草稿 → 已登记 with a malformed number: the move itself is the problem
    with pytest.raises(BrokerDeskError) as info:
        ledger.move(contract, REGISTERED, "2025-04-01", reg_no="abc", today=TODAY)
    assert info.value.code == "reg.not_allowed"


# --- what each move needs ------------------------------------------------------------------

def test_accepted_needs_the_office(ledger, contract):
    walk(ledger, contract, READY)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, ACCEPTED, "2025-04-05", today=TODAY)
    assert problem_codes(info.value) == [("contract.reg_office", "field.required")]
    assert "登记机构为必填项" in str(info.value)
    row = ledger.get("contract", contract)
    assert row["status"] == READY and row["accepted_on"] is None
    assert len(ledger.registration_history(contract)) == 1


def test_accepted_records_office_and_dates(ledger, contract):
    walk(ledger, contract, READY)
    ledger.move(contract, ACCEPTED, "2025-04-05", reg_office=OFFICE, today=TODAY)
    row = ledger.get("contract", contract)
    assert (row["status"], row["reg_office"], row["accepted_on"], row["clock_from"]) == (
        ACCEPTED, OFFICE, "2025-04-05", "2025-04-05")
    event = ledger.registration_history(contract)[-1]
    assert event["note"] is None
    assert '"reg_office": "北京技术市场管理办公室"' in event["details"]


def test_registered_needs_a_number(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, REGISTERED, "2025-04-10", today=TODAY)
    assert problem_codes(info.value) == [("contract.reg_no", "field.required")]
    row = ledger.get("contract", contract)
    assert row["status"] == ACCEPTED and row["reg_no"] is None and row["registered_on"] is None


@pytest.mark.parametrize("to", [CORRECTION, REFUSED, WITHDRAWN])
@pytest.mark.parametrize("note", [None, "", "   ", "\u3000"])
def test_moves_that_need_a_reason(ledger, contract, to, note):
    frm = REGISTERED if to == WITHDRAWN else ACCEPTED
    walk(ledger, contract, frm)
    history = ledger.registration_history(contract)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, to, "2025-04-20", note, today=TODAY)
    assert problem_codes(info.value) == [("contract.note", "reg.needs_reason")]
    assert f"改为“{to}”须填写原因" in str(info.value)
    assert ledger.get("contract", contract)["status"] == frm
    assert ledger.registration_history(contract) == history


def test_the_reason_is_kept_trimmed(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    ledger.move(contract, CORRECTION, "2025-04-20", "  缺少技术性收入核定材料  ", today=TODAY)
    assert ledger.registration_history(contract)[-1]["note"] == "缺少技术性收入核定材料"


def test_approved_amount_defaults_to_the_declared_technology_amount(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    ledger.move(contract, REGISTERED, "2025-04-10", reg_no=REG_NO, today=TODAY)
    row = ledger.get("contract", contract)
    assert row["tech_fen"] == 80_000_000
    assert row["approved_fen"] == 80_000_000
    assert (row["reg_no"], row["registered_on"]) == (REG_NO, "2025-04-10")


def test_approved_amount_follows_a_given_technology_amount(ledger, make_contract):
    c = make_contract(amount_fen=50_000, deductions_fen=10_000, tech_given_fen=30_000)
    walk(ledger, c, ACCEPTED)
    ledger.move(c, REGISTERED, "2025-04-10", reg_no=REG_NO, today=TODAY)
    assert ledger.get("contract", c)["approved_fen"] == 30_000


def test_approved_amount_may_be_lower_or_up_to_the_contract_amount(ledger, contract, make_contract):
    walk(ledger, contract, ACCEPTED)
    ledger.move(contract, REGISTERED, "2025-04-10", reg_no=REG_NO, approved_fen=55_000_000, today=TODAY)
    assert ledger.get("contract", contract)["approved_fen"] == 55_000_000
    other = make_contract(amount_fen=100_000_000, deductions_fen=20_000_000)
    walk(ledger, other, ACCEPTED)
    ledger.move(other, REGISTERED, "2025-04-10", reg_no=OTHER_REG_NO, approved_fen=100_000_000, today=TODAY)
    assert ledger.get("contract", other)["approved_fen"] == 100_000_000


def test_approved_amount_above_the_contract_amount_is_refused(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, REGISTERED, "2025-04-10", reg_no=REG_NO, approved_fen=100_000_001, today=TODAY)
    assert problem_codes(info.value) == [("contract.approved_fen", "contract.approved_over_amount")]
    assert "核定技术交易额不能超过合同成交额" in str(info.value)
    row = ledger.get("contract", contract)
    assert row["status"] == ACCEPTED and row["approved_fen"] is None and row["reg_no"] is None


@pytest.mark.parametrize(("approved", "code"), [
    (-1, "field.negative"),
    (1.5, "field.not_amount"),
    ("100", "field.not_amount"),
    (True, "field.not_amount"),
])
def test_approved_amount_must_be_whole_fen(ledger, contract, approved, code):
    walk(ledger, contract, ACCEPTED)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, REGISTERED, "2025-04-10", reg_no=REG_NO, approved_fen=approved, today=TODAY)
    assert problem_codes(info.value) == [("contract.approved_fen", code)]
    assert ledger.get("contract", contract)["status"] == ACCEPTED


def test_registration_number_is_unique(ledger, contract, make_contract):
    walk(ledger, contract, REGISTERED)
    first_no = ledger.get("contract", contract)["contract_no"]
    other = make_contract(contract_no="HT-OTHER")
    walk(ledger, other, ACCEPTED)
    for typed in (REG_NO, " 2025 1101 0100 0001 ", "２０２５１１０１０１００００01"):
        with pytest.raises(ValidationError) as info:
            ledger.move(other, REGISTERED, "2025-04-10", reg_no=typed, today=TODAY)
        assert problem_codes(info.value) == [("contract.reg_no", "contract.duplicate_reg_no")]
        assert str(info.value) == f"登记编号 {REG_NO} 已用于合同 {first_no}"
    row = ledger.get("contract", other)
    assert row["status"] == ACCEPTED and row["reg_no"] is None


def test_registration_number_is_stored_normalised(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    changes = ledger.move(contract, REGISTERED, "2025-04-10", reg_no=" 2025 1101 0100 0001 ", today=TODAY)
    assert changes.warnings == []
    assert ledger.get("contract", contract)["reg_no"] == REG_NO
    assert ledger.warnings("contract", contract) == []


def test_a_registration_number_of_fifteen_digits_is_a_warning(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    changes = ledger.move(contract, REGISTERED, "2025-04-10", reg_no="202511010100001", today=TODAY)
    assert [(w.field, w.code, w.severity) for w in changes.warnings] == [
        ("contract.reg_no", "idnum.reg_length_setting", "warning")]
    assert changes.warnings[0].message() == (
        "登记编号“202511010100001”为 15 位，本账本的登记编号为 16 位（见“设置”），请核对")
    row = ledger.get("contract", contract)
    assert (row["status"], row["reg_no"]) == (REGISTERED, "202511010100001")
    # kept on the record like any other warning, so the user still sees it later
    assert [w.code for w in ledger.warnings("contract", contract)] == ["idnum.reg_length_setting"]
    # reopening clears the number and so the warning about it
    ledger.move(contract, WITHDRAWN, "2025-04-20", "双方解除", today=TODAY)
    ledger.move(contract, DRAFT, "2025-04-21", today=TODAY)
    assert ledger.warnings("contract", contract) == []


def test_a_malformed_registration_number_is_refused(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, REGISTERED, "2025-04-10", reg_no="2025-AB", today=TODAY)
    assert problem_codes(info.value) == [("contract.reg_no", "idnum.reg_digits")]
    assert ledger.get("contract", contract)["status"] == ACCEPTED


def test_a_date_in_the_future_is_refused(ledger, contract):
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, READY, TODAY + dt.timedelta(days=1), today=TODAY)
    assert problem_codes(info.value) == [("contract.status", "reg.date_future")]
    assert "2025-07-01 晚于今天" in str(info.value)
    assert ledger.registration_history(contract) == []
    # today itself is fine
    ledger.move(contract, READY, TODAY, today=TODAY)
    assert ledger.registration_history(contract)[-1]["on_date"] == "2025-06-30"


def test_the_date_defaults_to_today(ledger, contract):
    ledger.move(contract, READY, today=TODAY)
    assert ledger.registration_history(contract)[-1]["on_date"] == TODAY.isoformat()


def test_a_date_before_the_previous_step_is_refused(ledger, contract):
    ledger.move(contract, READY, "2025-04-10", today=TODAY)
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, ACCEPTED, "2025-04-09", reg_office=OFFICE, today=TODAY)
    assert problem_codes(info.value) == [("contract.status", "reg.date_before_last")]
    assert str(info.value) == "日期 2025-04-09 早于上一步的日期 2025-04-10"
    assert ledger.get("contract", contract)["status"] == READY
    # the same day is fine
    ledger.move(contract, ACCEPTED, "2025-04-10", reg_office=OFFICE, today=TODAY)
    assert ledger.get("contract", contract)["accepted_on"] == "2025-04-10"


def test_a_date_before_signing_is_refused(ledger, contract):
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, READY, "2025-02-28", today=TODAY)
    assert problem_codes(info.value) == [("contract.status", "reg.date_before_signed")]


def test_a_date_that_does_not_exist_is_refused(ledger, contract):
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, READY, "2025-04-31", today=TODAY)
    assert problem_codes(info.value) == [("registration_event.on_date", "idnum.date_bad_day")]


def test_dates_in_common_writings(ledger, contract):
    ledger.move(contract, READY, "2025年4月2日", today=TODAY)
    ledger.move(contract, ACCEPTED, "2025/4/3", reg_office=OFFICE, today=TODAY)
    assert [e["on_date"] for e in ledger.registration_history(contract)] == ["2025-04-02", "2025-04-03"]
    assert ledger.get("contract", contract)["accepted_on"] == "2025-04-03"


def test_all_problems_of_a_move_at_once(ledger, contract):
    walk(ledger, contract, ACCEPTED, start=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError) as info:
        ledger.move(contract, CORRECTION, "2025-04-01", today=TODAY)
    assert sorted(problem_codes(info.value)) == [
        ("contract.note", "reg.needs_reason"), ("contract.status", "reg.date_before_last")]


# --- the office's clock --------------------------------------------------------------------

def test_correction_restarts_the_clock_but_keeps_the_acceptance_date(ledger, contract):
    walk(ledger, contract, ACCEPTED)  # accepted 2025-04-02: 30 calendar days (before 2026-03-01)
    # the 30th day, 2025-05-02, falls in the 劳动节 holiday (5/1–5/5): the next working day
    assert ledger.deadline(ledger.get("contract", contract)) == day("2025-05-06")
    ledger.move(contract, CORRECTION, "2025-04-20", "缺少合同附件", today=TODAY)
    row = ledger.get("contract", contract)
    assert ledger.deadline(row) is None  # the office is not deciding while papers are out
    assert (row["accepted_on"], row["clock_from"]) == ("2025-04-02", "2025-04-02")
    ledger.move(contract, ACCEPTED, "2025-05-10", "补正材料已送达", today=TODAY)
    row = ledger.get("contract", contract)
    assert (row["status"], row["accepted_on"], row["clock_from"]) == (ACCEPTED, "2025-04-02", "2025-05-10")
    assert row["reg_office"] == OFFICE
    assert ledger.deadline(row) == day("2025-06-09")
    event = ledger.registration_history(contract)[-1]
    assert (event["from_status"], event["to_status"], event["note"]) == (CORRECTION, ACCEPTED, "补正材料已送达")


def test_deadline_default_is_thirty_calendar_days(ledger, contract):
    assert ledger.setting("registration.limit_mode") == "rule"
    assert ledger.time_limit() is None
    assert ledger.deadline(ledger.get("contract", contract)) is None  # a draft has no deadline
    ledger.move(contract, READY, "2025-05-30", today=TODAY)
    ledger.move(contract, ACCEPTED, "2025-05-31", reg_office=OFFICE, today=TODAY)
    assert ledger.deadline(ledger.get("contract", contract)) == day("2025-06-30")
    ledger.move(contract, REGISTERED, "2025-06-10", reg_no=REG_NO, today=TODAY)
    assert ledger.deadline(ledger.get("contract", contract)) is None


def _accepted_days_before(ledger, make_contract, days: int, today: dt.date = TODAY) -> int:
    c = make_contract(signed_on="2024-01-02")
    accepted = today - dt.timedelta(days=days)
    ledger.move(c, READY, accepted, today=today)
    ledger.move(c, ACCEPTED, accepted, reg_office=OFFICE, today=today)
    return c


def test_overdue_with_calendar_days(ledger, make_contract):
    c31 = _accepted_days_before(ledger, make_contract, 31)
    c29 = _accepted_days_before(ledger, make_contract, 29)
    c30 = _accepted_days_before(ledger, make_contract, 30)  # deadline is today: not yet overdue
    c45 = _accepted_days_before(ledger, make_contract, 45)
    # decided or waiting on the applicant: never overdue however long ago
    registered = _accepted_days_before(ledger, make_contract, 90)
    ledger.move(registered, REGISTERED, TODAY - dt.timedelta(days=10), reg_no=REG_NO, today=TODAY)
    corrected = _accepted_days_before(ledger, make_contract, 80)
    ledger.move(corrected, CORRECTION, TODAY - dt.timedelta(days=70), "缺材料", today=TODAY)
    # accepted long ago, but the corrected papers came back 5 days ago
    resubmitted = _accepted_days_before(ledger, make_contract, 100)
    ledger.move(resubmitted, CORRECTION, TODAY - dt.timedelta(days=60), "缺材料", today=TODAY)
    ledger.move(resubmitted, ACCEPTED, TODAY - dt.timedelta(days=5), today=TODAY)

    assert ledger.overdue(TODAY) == [c45]  # longest overdue first
    # c31's 30th day is Sunday 2025-06-29: the limit moves on to Monday, today
    assert ledger.deadline(ledger.get("contract", c31)) == TODAY
    assert ledger.deadline(ledger.get("contract", c30)) == TODAY
    assert ledger.deadline(ledger.get("contract", c29)) == TODAY + dt.timedelta(days=1)
    # a day later c31 and c30 are overdue too, two days later c29
    assert ledger.overdue(TODAY + dt.timedelta(days=1)) == [c45, c31, c30]
    assert ledger.overdue(TODAY + dt.timedelta(days=2)) == [c45, c31, c30, c29]
    # c45's 30th day is Sunday 2025-06-15: due Monday the 16th, overdue from the 17th
    assert ledger.overdue(TODAY - dt.timedelta(days=14)) == []
    assert ledger.overdue(TODAY - dt.timedelta(days=13)) == [c45]


def test_overdue_follows_the_limit_setting(ledger, make_contract):
    c20 = _accepted_days_before(ledger, make_contract, 20)
    c10 = _accepted_days_before(ledger, make_contract, 10)
    assert ledger.overdue(TODAY) == []
    ledger.set_setting("registration.limit_days", 15)
    assert ledger.overdue(TODAY) == []  # the rule applies until the office picks its own limit
    ledger.set_setting("registration.limit_mode", "fixed")
    assert ledger.overdue(TODAY) == [c20]
    # the 15th day, Saturday 2025-07-05, moves on to Monday
    assert ledger.deadline(ledger.get("contract", c10)) == TODAY + dt.timedelta(days=7)
    ledger.set_setting("registration.limit_mode", "rule")
    assert ledger.overdue(TODAY) == []


def test_working_days_skip_weekends(ledger, make_contract):
    ledger.set_setting("registration.limit_mode", "fixed")
    ledger.set_setting("registration.limit_working", True)
    ledger.set_setting("registration.limit_days", 10)
    today = dt.date(2025, 6, 21)  # a Saturday
    assert today.weekday() == 5

    def accepted_on(iso: str) -> int:
        c = make_contract(signed_on="2025-01-02")
        ledger.move(c, READY, iso, today=today)
        ledger.move(c, ACCEPTED, iso, reg_office=OFFICE, today=today)
        return c

    friday = accepted_on("2025-06-06")
    saturday = accepted_on("2025-06-07")
    monday = accepted_on("2025-06-09")
    wednesday = accepted_on("2025-06-11")
    assert [day(x).weekday() for x in ("2025-06-06", "2025-06-07", "2025-06-09", "2025-06-11")] == [4, 5, 0, 2]

    def deadline(c):
        return ledger.deadline(ledger.get("contract", c))

    # ten working days: two full weeks, weekends not counted
    assert deadline(friday) == day("2025-06-20")
    assert deadline(saturday) == day("2025-06-20")
    assert deadline(monday) == day("2025-06-23")
    assert deadline(wednesday) == day("2025-06-25")
    assert ledger.overdue(today) == [friday, saturday]
    assert ledger.overdue(day("2025-06-20")) == []          # the deadline day itself
    assert ledger.overdue(day("2025-06-23")) == [friday, saturday]
    assert ledger.overdue(day("2025-06-24")) == [friday, saturday, monday]
    assert ledger.overdue(day("2025-06-26")) == [friday, saturday, monday, wednesday]
    # the same contracts with ten calendar days: three overdue by the 22nd; Wednesday's tenth
    # day is Saturday the 21st, which moves on to Monday the 23rd
    ledger.set_setting("registration.limit_working", False)
    assert deadline(friday) == day("2025-06-16")
    assert deadline(monday) == day("2025-06-19")
    assert deadline(wednesday) == day("2025-06-23")
    assert ledger.overdue(day("2025-06-22")) == [friday, saturday, monday]


def test_settings_persist_in_the_ledger(tmp_path):
    path = tmp_path / "settings.brokerdesk"
    with Ledger.open(path) as led:
        led.set_setting("registration.limit_mode", "fixed")
        led.set_setting("registration.limit_days", 15)
        led.set_setting("registration.limit_working", True)
    with Ledger.open(path) as led:
        assert (led.time_limit().days, led.time_limit().working) == (15, True)
        with pytest.raises(KeyError):
            led.set_setting("registration.no_such_setting", 1)


# --- reopening -------------------------------------------------------------------------------

@pytest.mark.parametrize("frm", [READY, ACCEPTED, CORRECTION, REFUSED, WITHDRAWN])
def test_reopen_clears_the_registration(ledger, contract, frm):
    last = walk(ledger, contract, frm)
    ledger.move(contract, DRAFT, last + dt.timedelta(days=1), "重新准备材料", today=TODAY)
    row = ledger.get("contract", contract)
    assert row["status"] == DRAFT
    assert {k: row[k] for k in ("accepted_on", "clock_from", "reg_no", "registered_on", "approved_fen")} == dict.fromkeys(
        ("accepted_on", "clock_from", "reg_no", "registered_on", "approved_fen"))
    assert ledger.deadline(row) is None
    assert ledger.overdue(TODAY) == []
    assert ledger.registration_history(contract)[-1]["to_status"] == DRAFT
    # the office is remembered for the next hand-in
    assert row["reg_office"] == (None if frm == READY else OFFICE)
    assert ledger.registration_history(contract)[-1]["note"] == "重新准备材料"


def test_a_withdrawn_number_can_be_used_again_after_reopening(ledger, contract, make_contract):
    walk(ledger, contract, WITHDRAWN)
    ledger.move(contract, DRAFT, "2025-04-10", today=TODAY)
    other = make_contract(contract_no="HT-NEW")
    walk(ledger, other, ACCEPTED, start=dt.date(2025, 4, 11))
    ledger.move(other, REGISTERED, "2025-04-20", reg_no=REG_NO, today=TODAY)
    assert ledger.get("contract", other)["reg_no"] == REG_NO


def test_a_resubmission_after_reopening_may_omit_the_office(ledger, contract):
    walk(ledger, contract, REFUSED)
    ledger.move(contract, DRAFT, "2025-04-10", today=TODAY)
    ledger.move(contract, READY, "2025-04-11", today=TODAY)
    ledger.move(contract, ACCEPTED, "2025-04-12", today=TODAY)
    row = ledger.get("contract", contract)
    assert (row["reg_office"], row["accepted_on"], row["clock_from"]) == (OFFICE, "2025-04-12", "2025-04-12")


def test_a_reopened_contract_walks_again(ledger, contract):
    walk(ledger, contract, REFUSED)
    ledger.move(contract, DRAFT, "2025-04-10", today=TODAY)
    walk(ledger, contract, REGISTERED, start=dt.date(2025, 5, 1))
    row = ledger.get("contract", contract)
    assert (row["accepted_on"], row["registered_on"], row["reg_no"]) == ("2025-05-02", "2025-05-03", REG_NO)
    assert [e["to_status"] for e in ledger.registration_history(contract)] == [
        READY, ACCEPTED, REFUSED, DRAFT, READY, ACCEPTED, REGISTERED]


# --- undo / redo of moves --------------------------------------------------------------------

def test_undo_and_redo_of_a_move(ledger, contract):
    walk(ledger, contract, ACCEPTED)
    before = ledger.get("contract", contract)
    history = ledger.registration_history(contract)
    ledger.move(contract, REGISTERED, "2025-04-10", "准予登记", reg_no=REG_NO, today=TODAY)
    moved = ledger.get("contract", contract)
    moved_history = ledger.registration_history(contract)
    assert ledger.undo_label() == f"合同“{before['contract_no']}”登记状态改为“已登记”"

    ledger.undo()
    row = ledger.get("contract", contract)
    assert row["status"] == ACCEPTED
    for key in ("reg_no", "registered_on", "approved_fen", "accepted_on", "clock_from", "reg_office"):
        assert row[key] == before[key], key
    assert ledger.registration_history(contract) == history
    assert set(ledger.allowed_moves(contract)) == EXPECTED_ALLOWED[ACCEPTED]
    assert ledger.search("contract", REG_NO) == []

    ledger.redo()
    row = ledger.get("contract", contract)
    assert (row["status"], row["reg_no"], row["registered_on"], row["approved_fen"]) == (
        REGISTERED, REG_NO, "2025-04-10", 80_000_000)
    assert ledger.registration_history(contract) == moved_history  # same row, same id and uid
    assert {k: row[k] for k in row if k != "updated_at"} == {k: moved[k] for k in moved if k != "updated_at"}
    assert ledger.search("contract", REG_NO) == [contract]


def test_undo_of_a_reopen_restores_the_registration(ledger, contract):
    walk(ledger, contract, WITHDRAWN)
    before = ledger.get("contract", contract)
    ledger.move(contract, DRAFT, "2025-04-10", today=TODAY)
    ledger.undo()
    row = ledger.get("contract", contract)
    assert (row["status"], row["reg_no"], row["accepted_on"], row["approved_fen"]) == (
        WITHDRAWN, before["reg_no"], before["accepted_on"], before["approved_fen"])
    assert len(ledger.registration_history(contract)) == 4


def test_undo_of_several_moves_newest_first(ledger, contract):
    walk(ledger, contract, REGISTERED)
    ledger.undo(2)
    assert ledger.get("contract", contract)["status"] == READY
    assert [e["to_status"] for e in ledger.registration_history(contract)] == [READY]
    ledger.redo()
    assert ledger.get("contract", contract)["status"] == ACCEPTED


def test_a_move_is_in_the_change_log(ledger, contract):
    ledger.set_setting("operator", "王登记")
    walk(ledger, contract, ACCEPTED)
    uid = ledger.get("contract", contract)["uid"]
    rows = [h for h in ledger.history("contract", uid) if h["field"] == "status"]
    assert [(h["user"], h["old"], h["new"]) for h in rows] == [("王登记", DRAFT, READY), ("王登记", READY, ACCEPTED)]
    assert ledger.registration_history(contract)[-1]["user"] == "王登记"


# --- status is not an ordinary field ---------------------------------------------------------

@pytest.mark.parametrize("status", [DRAFT, READY, REGISTERED])
def test_status_cannot_be_changed_by_update(ledger, contract, status):
    with pytest.raises(ValidationError) as info:
        ledger.update("contract", contract, {"status": status})
    assert problem_codes(info.value) == [("contract.status", "reg.not_via_edit")]
    assert str(info.value) == "登记状态只能通过登记流程更改"
    assert ledger.get("contract", contract)["status"] == DRAFT
    assert ledger.registration_history(contract) == []


def test_registration_fields_only_in_their_statuses(ledger, contract):
    with pytest.raises(ValidationError) as info:
        ledger.update("contract", contract, {"reg_no": REG_NO, "registered_on": "2025-04-10"})
    assert sorted(problem_codes(info.value)) == [
        ("contract.reg_no", "contract.status_fields"), ("contract.registered_on", "contract.status_fields")]
    assert ledger.get("contract", contract)["reg_no"] is None


def test_a_registered_contract_may_correct_its_number_by_edit(ledger, contract):
    walk(ledger, contract, REGISTERED)
    ledger.update("contract", contract, {"reg_no": "2025 1101 0100 0009"})
    assert ledger.get("contract", contract)["reg_no"] == "2025110101000009"
    assert ledger.get("contract", contract)["status"] == REGISTERED
