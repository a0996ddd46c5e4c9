"""What the home page (工作台) shows: this year's registered business, the
cases waiting on the broker or the office, and the latest changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .registration import ACCEPTED, CORRECTION, READY, REGISTERED


@dataclass
class Case:
    id: int
    contract_no: str
    title: str
    seller: str
    status: str
    date: str | None          # when it reached this status (accepted: when the clock started)
    deadline: str | None = None
    days_left: int | None = None
    deadline_note: str | None = None   # the deadline reaches into a year whose calendar is unknown


@dataclass
class Summary:
    year: int
    registered: int = 0
    amount_fen: int = 0
    tech_fen: int = 0
    approved_fen: int = 0
    ready: list[Case] = field(default_factory=list)
    accepted: list[Case] = field(default_factory=list)
    correction: list[Case] = field(default_factory=list)
    overdue: int = 0
    recent: list[dict] = field(default_factory=list)


#: This year's registered business: read from the contracts_registered index alone (schema 0007).
YEAR_FIGURES = ("SELECT count(*), coalesce(sum(amount_fen), 0), coalesce(sum(tech_fen), 0), "
                "coalesce(sum(approved_fen), 0) FROM contracts "
                "WHERE status = ? AND registered_on >= ? AND registered_on < ?")

_CASES = """
    SELECT c.id, c.contract_no, c.title, s.name, c.status,
           coalesce(c.clock_from, (SELECT max(on_date) FROM registration_events e WHERE e.contract_id = c.id)),
           c.accepted_on, c.tech_fen, c.expert_review
    FROM contracts c JOIN clients s ON s.id = c.seller_id
    WHERE c.status = ? ORDER BY bd_due(c.status, c.accepted_on, c.clock_from, c.tech_fen, c.expert_review), 6, c.id
    LIMIT ?"""


def summary(ledger, today: dt.date | None = None, limit: int = 200) -> Summary:
    today = today or dt.date.today()
    out = Summary(year=today.year)
    row = ledger.conn.execute(YEAR_FIGURES, [REGISTERED, f"{today.year}-01-01", f"{today.year + 1}-01-01"]).fetchone()
    out.registered, out.amount_fen, out.tech_fen, out.approved_fen = row
    rule = ledger.deadlines()
    for status, target in ((READY, out.ready), (ACCEPTED, out.accepted), (CORRECTION, out.correction)):
        for id_, no, title, seller, st, date, accepted_on, tech_fen, expert in ledger.conn.execute(
                _CASES, [status, limit]):
            case = Case(id_, no, title, seller, st, date)
            if status == ACCEPTED and date:
                due = rule.due(accepted_on, date, tech_fen, expert)
                case.deadline, case.days_left = due.on.isoformat(), (due.on - today).days
                case.deadline_note = due.warning()
            target.append(case)
    out.accepted.sort(key=lambda c: (c.days_left if c.days_left is not None else 10**6, c.id))
    out.overdue = len(ledger.overdue(today))
    out.recent = ledger.recent_ops(12)
    return out
