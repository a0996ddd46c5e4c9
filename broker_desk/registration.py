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

#: Allowed moves; any status but 草稿 and 已登记 may also be reopened to 草稿.
ALLOWED: dict[str, tuple[str, ...]] = {
    DRAFT: (READY,),
    READY: (ACCEPTED, DRAFT),
    ACCEPTED: (REGISTERED, CORRECTION, REFUSED, DRAFT),
    CORRECTION: (ACCEPTED, DRAFT),
    REGISTERED: (WITHDRAWN,),
    REFUSED: (DRAFT,),
    WITHDRAWN: (DRAFT,),
}
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


@dataclass(frozen=True)
class TimeLimit:
    """The office's decision time limit, counted from the clock date."""

    days: int = 30
    working: bool = False  # working days skip Saturdays and Sundays (public holidays are not known)

    def deadline(self, start: dt.date) -> dt.date:
        if not self.working:
            return start + dt.timedelta(days=self.days)
        day, left = start, self.days
        while left > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def latest_start_overdue(self, today: dt.date) -> dt.date:
        """The last clock date whose deadline has passed by ``today``."""
        if not self.working:
            return today - dt.timedelta(days=self.days + 1)
        start = today - dt.timedelta(days=self.days)
        while self.deadline(start) >= today:
            start -= dt.timedelta(days=1)
        return start


def allowed_moves(status: str) -> tuple[str, ...]:
    return ALLOWED.get(status, ())


def _status_name(status: str) -> str:
    if i18n.get_language() == "zh":
        return status
    from . import codes

    return codes.tables().english("registration_status", status)


status_name = _status_name  # a status in the user's language (the change log names moves with it)


def check_move(frm: str, to_status: str) -> None:
    """Refuse a move the workflow does not allow (before looking at what it enters)."""
    if to_status not in STATUSES:
        raise BrokerDeskError("reg.unknown_status", value=to_status)
    if to_status not in allowed_moves(frm):
        allowed = "、".join(_status_name(s) for s in allowed_moves(frm)) or i18n.tr("reg.none")
        raise BrokerDeskError("reg.not_allowed", frm=_status_name(frm), to=_status_name(to_status),
                              allowed=allowed)


def plan_move(contract: dict[str, Any], to_status: str, on_date: str, note: str | None,
              fields: dict[str, Any], last_date: str | None, today: dt.date) -> dict[str, Any]:
    """The contract columns a move changes, or a refusal that says why.

    ``fields`` holds what the move enters: ``reg_office`` (受理), ``reg_no`` and
    ``approved_fen`` (登记). Dates are ISO text already checked by the caller.
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

    changes: dict[str, Any] = {"status": to_status}
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
