"""The registration (认定登记) workflow: which moves are allowed, what each move
needs, and the office's decision time limit.

Pure rules, no storage: :meth:`Ledger.move` asks :func:`plan_move` what a move
changes and writes it in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import i18n
from .errors import BrokerDeskError, Problem, ValidationError

DRAFT, READY, ACCEPTED, CORRECTION, REGISTERED, REFUSED, WITHDRAWN = (
    "草稿", "待提交", "已受理", "需补正", "已登记", "不予登记", "已撤销")
STATUSES = (DRAFT, READY, ACCEPTED, CORRECTION, REGISTERED, REFUSED, WITHDRAWN)
#: 变更登记: a registered contract changed afterwards. A dated step of its history, not a
#: status: the contract stays 已登记 (what changed is in the change log).
CHANGE = "变更登记"
#: What a history step may say: a status moved to, or 变更登记.
STEPS = (*STATUSES, CHANGE)
#: The status a step leaves the contract in, where it is not the step itself.
STATUS_AFTER = {CHANGE: REGISTERED}

#: Allowed moves (keyed also by 变更登记, so that a walk along a history may go step by step);
#: any status but 草稿 and 已登记 may also be reopened to 草稿.
ALLOWED: dict[str, tuple[str, ...]] = {
    DRAFT: (READY,),
    READY: (ACCEPTED, DRAFT),
    ACCEPTED: (REGISTERED, CORRECTION, REFUSED, DRAFT),
    CORRECTION: (ACCEPTED, DRAFT),
    REGISTERED: (CHANGE, WITHDRAWN),
    REFUSED: (DRAFT,),
    WITHDRAWN: (DRAFT,),
}
ALLOWED[CHANGE] = ALLOWED[REGISTERED]
#: Moves that must say why.
NEEDS_REASON = (CORRECTION, REFUSED, WITHDRAWN)

i18n.register({
    "reg.unknown_status": ("未知的登记状态“{value}”", "Unknown registration status “{value}”"),
    "reg.not_allowed": ("不能从“{frm}”改为“{to}”：允许的下一步为 {allowed}",
                        "Cannot move from “{frm}” to “{to}”; allowed next: {allowed}"),
    "reg.none": ("无", "none"),
    "reg.needs_reason": ("改为“{to}”须填写原因", "A move to “{to}” needs a reason"),
    "reg.date_before_last": ("日期 {date} 早于上一步的日期 {last}",
                             "The date {date} is before the previous step's date {last}"),
    "reg.date_future": ("日期 {date} 晚于今天", "The date {date} is in the future"),
    "reg.not_via_edit": ("{label}只能通过登记流程更改", "{label} changes only through the registration workflow"),
    "reg.date_before_signed": ("日期 {date} 早于合同签订日期 {signed}",
                               "The date {date} is before the contract was signed ({signed})"),
})


#: Accepted on or after this day: the 2026 办法 (working days); before it: the 2000 办法.
NEW_RULES_FROM = "2026-03-01"
#: A 技术交易额 of at least this (5,000,000 元, in fen) gets the longer limit.
LARGE_CASE_FEN = 5_000_000_00

i18n.register({
    "limit.calendar": ("{days} 个自然日", "{days} calendar days"),
    "limit.working": ("{days} 个工作日", "{days} working days"),
    "limit.old_rule": ("2026 年 3 月 1 日前受理：30 个自然日，末日为休息日或节假日的顺延至其后第一个工作日",
                       "accepted before 1 March 2026: 30 calendar days, a last day off moves to the next working day"),
    "limit.new_rule": ("2026 年 3 月 1 日起受理：15 个工作日；技术交易额 500 万元以上或专家审核的 30 个工作日",
                       "accepted from 1 March 2026: 15 working days; 30 when the technology amount is "
                       "5,000,000 yuan or more or the case goes to expert review"),
    "limit.unknown_years": ("{years} 年的节假日安排程序尚不知道，暂按周一至周五计算工作日，请在“设置 → 工作日日历”中补充",
                            "The holiday calendar of {years} is not known yet; Monday to Friday are counted as "
                            "working days meanwhile (add the dates under Settings → Working-day calendar)"),
})


@dataclass(frozen=True)
class TimeLimit:
    """A decision time limit: ``days`` calendar days (a last day off moves on to the next
    working day) or ``days`` working days, the clock date itself not counted."""

    days: int = 30
    working: bool = False

    def text(self) -> str:
        return i18n.tr("limit.working" if self.working else "limit.calendar", days=self.days)


OLD_LIMIT, NEW_LIMIT, LARGE_LIMIT = TimeLimit(30, False), TimeLimit(15, True), TimeLimit(30, True)


@dataclass(frozen=True)
class Due:
    """A case's deadline: the day, the limit it follows and the years it reaches into whose
    calendar is not known (plain weekdays were counted there)."""

    on: dt.date
    limit: TimeLimit
    unknown_years: tuple[int, ...] = ()

    def warning(self) -> str | None:
        if not self.unknown_years:
            return None
        return i18n.tr("limit.unknown_years", years="、".join(map(str, self.unknown_years)))


class Deadlines:
    """The rule (DESIGN §3 "Registration time limits") over a working-day calendar, or the
    office's fixed ``override``. Results are kept per (limit, clock date): a ledger of any size
    has a few thousand distinct clock dates at most."""

    def __init__(self, calendar, override: TimeLimit | None = None):
        self.calendar = calendar
        self.override = override
        self._memo: dict[tuple[TimeLimit, str], Due] = {}

    def limit(self, accepted_on: str | None, tech_fen: int | None, expert: Any) -> TimeLimit:
        """The limit a case accepted on ``accepted_on`` (ISO) follows."""
        if self.override is not None:
            return self.override
        if accepted_on is not None and accepted_on < NEW_RULES_FROM:
            return OLD_LIMIT
        return LARGE_LIMIT if expert or (tech_fen or 0) >= LARGE_CASE_FEN else NEW_LIMIT

    def due(self, accepted_on: str | None, clock_from: str, tech_fen: int | None = None,
            expert: Any = False) -> Due:
        limit = self.limit(accepted_on or clock_from, tech_fen, expert)
        key = (limit, clock_from)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._count(limit, dt.date.fromisoformat(clock_from))
        return found

    def _count(self, limit: TimeLimit, start: dt.date) -> Due:
        cal = self.calendar
        if limit.working:
            on = cal.add_working_days(start, limit.days)
            first = start + dt.timedelta(days=1)
        else:  # 民法典 第201、203条: the day itself not counted; a last day off moves on
            first = start + dt.timedelta(days=limit.days)
            on = cal.next_working(first)
        return Due(on, limit, cal.unknown_years(first, on))

    def of(self, contract: dict) -> Due | None:
        """The deadline of a contract in 已受理 (a row with status, accepted_on, clock_from,
        tech_fen or its parts, expert_review), or None."""
        if contract.get("status") != ACCEPTED or not contract.get("clock_from"):
            return None
        tech = contract.get("tech_fen")
        if tech is None and contract.get("amount_fen") is not None:
            tech = contract.get("tech_given_fen")
            if tech is None:
                tech = contract["amount_fen"] - (contract.get("deductions_fen") or 0)
        return self.due(contract.get("accepted_on"), contract["clock_from"], tech, contract.get("expert_review"))


def allowed_moves(status: str) -> tuple[str, ...]:
    return ALLOWED.get(status, ())


def status_after(step: str) -> str:
    """The contract's status after a history step (变更登记 keeps it 已登记)."""
    return STATUS_AFTER.get(step, step)


def _status_name(status: str) -> str:
    if i18n.get_language() == "zh":
        return status
    from . import codes

    return codes.tables().english("registration_step", status)


status_name = _status_name  # a status in the user's language (the change log names moves with it)


def check_move(frm: str, to_status: str) -> None:
    """Refuse a move the workflow does not allow (before looking at what it enters)."""
    if to_status not in STEPS:
        raise BrokerDeskError("reg.unknown_status", value=to_status)
    if to_status not in allowed_moves(frm):
        allowed = "、".join(_status_name(s) for s in allowed_moves(frm)) or i18n.tr("reg.none")
        raise BrokerDeskError("reg.not_allowed", frm=_status_name(frm), to=_status_name(to_status),
                              allowed=allowed)


def plan_move(contract: dict[str, Any], to_status: str, on_date: str, note: str | None,
              fields: dict[str, Any], last_date: str | None, today: dt.date) -> dict[str, Any]:
    """The contract columns a move changes, or a refusal that says why.

    ``fields`` holds what the move enters: ``reg_office`` (受理), ``reg_no`` and
    ``approved_fen`` (登记). Dates are ISO text already checked by the caller. A 变更登记
    changes no column: the contract stays 已登记 with its 登记编号 and 登记日期 (so the days
    from 受理 to 登记 stay as they were).
    """
    frm = contract["status"]
    check_move(frm, to_status)
    problems: list[Problem] = []

    def error(name: str, code: str, **args: Any) -> None:
        problems.append(Problem(f"contract.{name}", code, args))

    if on_date > today.isoformat():
        error("status", "reg.date_future", date=on_date)
    if last_date and on_date < last_date:
        error("status", "reg.date_before_last", date=on_date, last=last_date)
    if contract.get("signed_on") and on_date < contract["signed_on"] and to_status != DRAFT:
        error("status", "reg.date_before_signed", date=on_date, signed=contract["signed_on"])
    if to_status in NEEDS_REASON and not (note or "").strip():
        error("note", "reg.needs_reason", to=_status_name(to_status))

    changes: dict[str, Any] = {"status": status_after(to_status)}
    if to_status == ACCEPTED:
        if frm == CORRECTION:  # corrected papers arrived: the clock starts again
            changes["clock_from"] = on_date
        else:
            office = fields.get("reg_office") or contract.get("reg_office")
            if not office:
                error("reg_office", "field.required")
            changes.update(reg_office=office, accepted_on=on_date, clock_from=on_date)
    elif to_status == REGISTERED:
        if not fields.get("reg_no"):
            error("reg_no", "field.required")
        approved = fields.get("approved_fen")
        if approved is None:
            approved = contract["tech_fen"]
        elif isinstance(approved, bool) or not isinstance(approved, int):
            error("approved_fen", "field.not_amount", value=approved)
        elif approved < 0:
            error("approved_fen", "field.negative")
        elif approved > contract["amount_fen"]:
            error("approved_fen", "contract.approved_over_amount")
        changes.update(reg_no=fields.get("reg_no"), registered_on=on_date, approved_fen=approved)
    elif to_status == DRAFT:
        changes.update(accepted_on=None, clock_from=None, reg_no=None, registered_on=None,
                       approved_fen=None)
    if problems:
        raise ValidationError(problems)
    return changes
