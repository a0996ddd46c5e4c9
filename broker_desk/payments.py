"""Money after signing (DESIGN §3): a contract's 付款计划, the money received (到账记录) and
what is due or overdue.

Rules of the three money records (their checks as :class:`~broker_desk.fields.Checker` rules),
the plan shapes of the payment methods (``resources/plan_templates.json``), a contract's money
status, the payments due and overdue across the ledger and the money received by month and by
category with the year's 到账率.

How receipts meet plan items (:func:`allocate`): a receipt against an item pays that item; what
is left (receipts against no item, or more than their item asked) pays the earliest unpaid items
in 期次 order. An item with an amount and a 约定日期 before today that is not fully paid is
overdue. A 提成 item without an amount shows what was received against it and is never overdue.

Money is integer fen throughout.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import codes, i18n
from .fields import Checker
from .paths import resource_files

i18n.register({
    "money.seq_invalid": ("{label}应为正整数（如 1 或“第1期”），收到“{value}”",
                          "{label} must be a whole number from 1 (e.g. 1 or 第1期), got “{value}”"),
    "money.seq_taken": ("该合同已有第 {seq} 期", "The contract already has instalment {seq}"),
    "money.plan_other_contract": ("第 {seq} 期不属于该合同", "Instalment {seq} belongs to another contract"),
    "money.plan_over_amount": ("付款计划合计 {planned} 元超过合同成交额 {amount} 元",
                               "The payment plan totals {planned} yuan, more than the contract amount {amount} yuan"),
    "money.received_over_amount": ("到账合计 {received} 元超过合同成交额 {amount} 元",
                                   "Money received totals {received} yuan, more than the contract amount {amount} yuan"),
    "money.payout_over_earned": ("发给{broker}的佣金合计 {paid} 元超过其已挣得的 {earned} 元",
                                 "Commission paid to {broker} totals {paid} yuan, more than the {earned} yuan earned"),
    "money.name.plan": ("{contract} 第{seq}期", "{contract} instalment {seq}"),
    "money.name.receipt": ("{contract} {date} 到账", "{contract} received {date}"),
    "money.name.payout": ("{contract} 佣金发放（{broker}）", "{contract} commission paid ({broker})"),
    "money.unassigned": ("（未对应期次）", "(no instalment)"),
    "op.apply_plan": ("合同“{name}”按“{method}”生成付款计划", "Contract “{name}”: payment plan from “{method}”"),
})

#: The money records (their rules are here; the change log names them by their contract).
ENTITIES = ("payment_plan", "receipt", "commission_payout")

_SEQ = re.compile(r"^\s*(?:第\s*)?(\d{1,4})\s*(?:期)?\s*$")


def parse_seq(value: Any) -> int | None:
    """期次 as a whole number: 1, "1", "01", "第1期", "1期", 1.0; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 1 else None
    m = _SEQ.match(str(value or "").translate(_FULLWIDTH_DIGITS))
    return int(m.group(1)) if m and int(m.group(1)) >= 1 else None


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def yuan(fen: int) -> str:
    from .money import yuan_text

    return yuan_text(fen)


# -- the records' rules ---------------------------------------------------------------------------
def check_plan(ck: Checker, ledger) -> None:
    if "seq" in ck.values:
        raw = ck.values["seq"]
        seq = parse_seq(raw)
        if seq is None and raw not in (None, ""):
            ck.error("seq", "money.seq_invalid", value=raw)
        ck.out["seq"] = seq
    contract_id, seq = ck.get("contract_id"), ck.get("seq")
    if not contract_id or not seq or any(p.is_error for p in ck.problems):
        return
    own = ck.current.get("id")
    taken = ledger.conn.execute("SELECT 1 FROM payment_plans WHERE contract_id = ? AND seq = ? AND id IS NOT ?",
                                [contract_id, seq, own]).fetchone()
    if taken:
        ck.error("seq", "money.seq_taken", seq=seq)
        return
    amount = ck.get("amount_fen") or 0
    row = ledger.conn.execute(
        "SELECT c.amount_fen, (SELECT coalesce(sum(p.amount_fen), 0) FROM payment_plans p "
        "WHERE p.contract_id = c.id AND p.id IS NOT ?) FROM contracts c WHERE c.id = ?", [own, contract_id]).fetchone()
    if row and row[1] + amount > row[0]:
        ck.warn("amount_fen", "money.plan_over_amount", planned=yuan(row[1] + amount), amount=yuan(row[0]))


def check_receipt(ck: Checker, ledger) -> None:
    contract_id, plan_id = ck.get("contract_id"), ck.get("plan_id")
    if not contract_id or any(p.is_error for p in ck.problems):
        return
    if plan_id:
        r = ledger.conn.execute("SELECT contract_id, seq FROM payment_plans WHERE id = ?", [plan_id]).fetchone()
        if r and r[0] != contract_id:
            ck.error("plan_id", "money.plan_other_contract", seq=r[1])
            return
    own = ck.current.get("id")
    row = ledger.conn.execute(
        "SELECT c.amount_fen, (SELECT coalesce(sum(r.amount_fen), 0) FROM receipts r "
        "WHERE r.contract_id = c.id AND r.id IS NOT ?) FROM contracts c WHERE c.id = ?", [own, contract_id]).fetchone()
    amount = ck.get("amount_fen") or 0
    if row and row[1] + amount > row[0]:
        ck.warn("amount_fen", "money.received_over_amount", received=yuan(row[1] + amount), amount=yuan(row[0]))


def check_payout(ck: Checker, ledger) -> None:
    from . import commission

    contract_id, broker_id = ck.get("contract_id"), ck.get("broker_id")
    if not contract_id or not broker_id or any(p.is_error for p in ck.problems):
        return
    own = ck.current.get("id")
    paid = ledger.conn.execute("SELECT coalesce(sum(amount_fen), 0) FROM commission_payouts WHERE contract_id = ? "
                               "AND broker_id = ? AND id IS NOT ?", [contract_id, broker_id, own]).fetchone()[0]
    paid += ck.get("amount_fen") or 0
    earned = next((s.earned_fen for s in commission.of_contract(ledger, contract_id) if s.broker_id == broker_id), 0)
    if paid > earned:
        name = ledger.conn.execute("SELECT name FROM brokers WHERE id = ?", [broker_id]).fetchone()
        ck.warn("amount_fen", "money.payout_over_earned", broker=name[0] if name else "?",
                paid=yuan(paid), earned=yuan(earned))


def name_label(ledger, entity: str, row: dict) -> dict:
    """How the change log names a money record, as a label rendered when shown (so it follows
    the language): its contract's 合同编号 and what it is."""
    r = ledger.conn.execute("SELECT contract_no FROM contracts WHERE id = ?", [row.get("contract_id")]).fetchone()
    contract = r[0] if r else "?"
    if entity == "payment_plan":
        return {"code": "money.name.plan", "args": {"contract": contract, "seq": row.get("seq")}}
    if entity == "receipt":
        return {"code": "money.name.receipt", "args": {"contract": contract, "date": row.get("received_on")}}
    b = ledger.conn.execute("SELECT name FROM brokers WHERE id = ?", [row.get("broker_id")]).fetchone()
    return {"code": "money.name.payout", "args": {"contract": contract, "broker": b[0] if b else "?"}}


def delete_children(op, conn, entity: str, id_: int) -> None:
    """Before a contract or a plan item goes, log what goes with it, so an undo brings it back:
    a contract's payouts, receipts and plan items; a plan item's link from its receipts."""
    if entity == "contract":
        for table, child in (("commission_payouts", "commission_payout"), ("receipts", "receipt"),
                             ("payment_plans", "payment_plan")):
            for (cid,) in conn.execute(f"SELECT id FROM {table} WHERE contract_id = ? ORDER BY id DESC", [id_]):
                op.delete(child, cid)
    elif entity == "payment_plan":
        for (rid,) in conn.execute("SELECT id FROM receipts WHERE plan_id = ?", [id_]).fetchall():
            op.update("receipt", rid, {"plan_id": None})


# -- plan templates -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def templates() -> dict[str, list[dict]]:
    """The plan shape of each payment method (支付方式 name → items)."""
    data = json.loads((resource_files() / "plan_templates.json").read_text(encoding="utf-8"))
    return data["templates"]


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_from_template(method: str | None, amount_fen: int, signed_on: str | dt.date | None,
                       first_seq: int = 1) -> list[dict]:
    """The plan items a payment method's shape gives for a contract (values for ``ledger.add``
    less ``contract_id``); [] when the method has no shape. Amounts are shares of 成交额, the last
    item with a share taking what rounding left over, so they add up to the amount exactly."""
    shape = templates().get(method or "")
    if not shape:
        return []
    signed = dt.date.fromisoformat(signed_on) if isinstance(signed_on, str) else signed_on
    shared = [i for i, t in enumerate(shape) if t.get("share_bp") is not None]
    total_bp = sum(shape[i]["share_bp"] for i in shared)
    items, given = [], 0
    for i, t in enumerate(shape):
        amount = None
        if t.get("share_bp") is not None:
            if i == shared[-1] and total_bp == 10000:
                amount = amount_fen - given
            else:
                amount = (amount_fen * t["share_bp"] + 5000) // 10000
            given += amount
        due = add_months(signed, t["months"]).isoformat() if signed and t.get("months") is not None else None
        items.append({"seq": first_seq + i, "kind": t["kind"], "due_on": due, "amount_fen": amount,
                      "condition": t.get("condition")})
    return items


def apply_template(ledger, contract_id: int, method: str | None = None):
    """Add the plan of the contract's payment method (or ``method``) after its existing items,
    in one action; returns the :class:`~broker_desk.ledger.journal.Changes`."""
    from .errors import ValidationError

    c = ledger.get("contract", contract_id)
    method = method or c["payment"]
    last = ledger.conn.execute("SELECT coalesce(max(seq), 0) FROM payment_plans WHERE contract_id = ?",
                               [contract_id]).fetchone()[0]
    items = plan_from_template(method, c["amount_fen"], c["signed_on"], last + 1)
    checked, warnings = [], []
    for item in items:
        out, w = ledger.check_record("payment_plan", {"contract_id": contract_id, **item}, None)
        checked.append(out)
        warnings += w
    if not checked:
        raise ValidationError([])
    # the method named in the language the change log is read in (journal.label_text)
    with ledger.operation("op.apply_plan", name=c["contract_no"], method={"table": "payment_method", "value": method}) \
            as op:
        for out in checked:
            op.insert("payment_plan", out)
    op.changes.warnings = warnings
    return op.changes


# -- a contract's money ---------------------------------------------------------------------------
@dataclass
class PlanItem:
    id: int
    seq: int
    kind: str | None
    due_on: str | None
    amount_fen: int | None
    condition: str | None
    note: str | None
    received_fen: int = 0

    @property
    def open_fen(self) -> int:
        """未到账 of the item (0 for an item without an amount)."""
        return max(0, (self.amount_fen or 0) - self.received_fen)

    @property
    def paid(self) -> bool:
        return self.amount_fen is not None and self.received_fen >= self.amount_fen

    def overdue(self, today: dt.date) -> bool:
        return bool(self.amount_fen and self.due_on and self.due_on < today.isoformat() and self.open_fen > 0)


@dataclass
class Status:
    contract_id: int
    amount_fen: int                      # 成交额
    plan: list[PlanItem]
    receipts: list[dict]
    payouts: list[dict]
    today: dt.date
    planned_fen: int = 0                 # what the plan's items add up to
    received_fen: int = 0                # 已到账
    outstanding_fen: int = 0             # 未到账 (成交额 − 已到账, not below 0)
    overdue_fen: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def overdue_items(self) -> list[PlanItem]:
        return [p for p in self.plan if p.overdue(self.today)]


def allocate(plan: list[PlanItem], receipts: list[tuple[int | None, int]]) -> None:
    """Set each item's ``received_fen`` from (plan_id, amount) receipts (see the module's rule)."""
    by_id = {p.id: p for p in plan}
    loose = 0
    for plan_id, amount in receipts:
        item = by_id.get(plan_id)
        if item is None:
            loose += amount
        else:
            item.received_fen += amount
    for p in plan:  # what an item got beyond its amount flows on
        if p.amount_fen is not None and p.received_fen > p.amount_fen:
            loose += p.received_fen - p.amount_fen
            p.received_fen = p.amount_fen
    for p in sorted(plan, key=lambda p: p.seq):
        if loose <= 0:
            break
        if p.amount_fen is not None and p.received_fen < p.amount_fen:
            take = min(loose, p.amount_fen - p.received_fen)
            p.received_fen += take
            loose -= take


def _rows(conn, sql: str, args) -> list[dict]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


def receipt_draft(ledger, contract_id: int, day: dt.date, item: PlanItem | None = None) -> dict[str, Any]:
    """A new receipt of the contract as offered to the user: ``day``, the plan ``item`` and its
    outstanding amount when given, and the buyer (买方) as the payer (付款方)."""
    buyer = ledger.conn.execute("SELECT l.name FROM contracts c JOIN clients l ON l.id = c.buyer_id "
                                "WHERE c.id = ?", [contract_id]).fetchone()
    return {"received_on": day.isoformat(), "plan_id": item.id if item else None,
            "amount_fen": item.open_fen if item is not None and item.open_fen else None,
            "payer": buyer[0] if buyer else None}


def status(ledger, contract_id: int, today: dt.date | None = None) -> Status:
    """A contract's plan with what arrived against each item, its receipts and payouts, totals."""
    today = today or dt.date.today()
    conn = ledger.conn
    amount = conn.execute("SELECT amount_fen FROM contracts WHERE id = ?", [contract_id]).fetchone()[0]
    plan = [PlanItem(**r) for r in _rows(conn, "SELECT id, seq, kind, due_on, amount_fen, condition, note "
                                              "FROM payment_plans WHERE contract_id = ? ORDER BY seq", [contract_id])]
    receipts = _rows(conn, "SELECT r.*, p.seq FROM receipts r LEFT JOIN payment_plans p ON p.id = r.plan_id "
                           "WHERE r.contract_id = ? ORDER BY r.received_on, r.id", [contract_id])
    payouts = _rows(conn, "SELECT o.*, b.name AS broker FROM commission_payouts o JOIN brokers b ON b.id = o.broker_id "
                          "WHERE o.contract_id = ? ORDER BY o.paid_on, o.id", [contract_id])
    allocate(plan, [(r["plan_id"], r["amount_fen"]) for r in receipts])
    st = Status(contract_id, amount, plan, receipts, payouts, today)
    st.planned_fen = sum(p.amount_fen or 0 for p in plan)
    st.received_fen = sum(r["amount_fen"] for r in receipts)
    st.outstanding_fen = max(0, amount - st.received_fen)
    st.overdue_fen = sum(p.open_fen for p in st.overdue_items)
    if st.planned_fen > amount:
        st.warnings.append(i18n.tr("money.plan_over_amount", planned=yuan(st.planned_fen), amount=yuan(amount)))
    if st.received_fen > amount:
        st.warnings.append(i18n.tr("money.received_over_amount", received=yuan(st.received_fen), amount=yuan(amount)))
    return st


# -- across the ledger ----------------------------------------------------------------------------
@dataclass
class Due:
    contract_id: int
    contract_no: str
    title: str
    buyer: str
    plan_id: int
    seq: int
    kind: str | None
    due_on: str
    amount_fen: int
    open_fen: int
    days_late: int                       # > 0: overdue by that many days


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


_CANDIDATES = """
    WITH due AS (SELECT DISTINCT contract_id FROM payment_plans WHERE due_on >= :start AND due_on <= :end
                 AND amount_fen > 0),
         p AS (SELECT contract_id, sum(amount_fen) AS t FROM payment_plans
               WHERE contract_id IN (SELECT contract_id FROM due) GROUP BY contract_id),
         r AS (SELECT contract_id, sum(amount_fen) AS t FROM receipts
               WHERE contract_id IN (SELECT contract_id FROM due) GROUP BY contract_id)
    SELECT p.contract_id FROM p LEFT JOIN r USING (contract_id) WHERE coalesce(r.t, 0) < p.t"""


def due_payments(ledger, today: dt.date | None = None, *, overdue_only: bool = False,
                 year: int | None = None) -> list[Due]:
    """Plan items not fully paid that are overdue (约定日期 before today) or, unless
    ``overdue_only``, due by the end of this month; with ``year`` only those whose 约定日期 falls in
    that year. Overdue first (the longest overdue first), then by date."""
    today = today or dt.date.today()
    end = today - dt.timedelta(days=1) if overdue_only else month_end(today)
    start = "0000-00-00"
    if year is not None:
        start, end = f"{year:04d}-01-01", min(end, dt.date(year, 12, 31))
    conn = ledger.conn
    ids = [r[0] for r in conn.execute(_CANDIDATES, {"start": start, "end": end.isoformat()})]
    if not ids:
        return []
    arg = json.dumps(ids)
    plans: dict[int, list[PlanItem]] = {}
    for r in _rows(conn, "SELECT contract_id, id, seq, kind, due_on, amount_fen, condition, note FROM payment_plans "
                         "WHERE contract_id IN (SELECT value FROM json_each(?)) ORDER BY contract_id, seq", [arg]):
        plans.setdefault(r.pop("contract_id"), []).append(PlanItem(**r))
    paid: dict[int, list] = {}
    for cid, plan_id, amount in conn.execute("SELECT contract_id, plan_id, amount_fen FROM receipts "
                                             "WHERE contract_id IN (SELECT value FROM json_each(?))", [arg]):
        paid.setdefault(cid, []).append((plan_id, amount))
    heads = {r[0]: r[1:] for r in conn.execute(
        "SELECT c.id, c.contract_no, c.title, b.name FROM contracts c JOIN clients b ON b.id = c.buyer_id "
        "WHERE c.id IN (SELECT value FROM json_each(?))", [arg])}
    out = []
    iso_start, iso_end = start, end.isoformat()
    for cid, plan in plans.items():
        allocate(plan, paid.get(cid, []))
        for p in plan:
            if p.amount_fen and p.due_on and iso_start <= p.due_on <= iso_end and p.open_fen > 0:
                no, title, buyer = heads[cid]
                out.append(Due(cid, no, title, buyer, p.id, p.seq, p.kind, p.due_on, p.amount_fen, p.open_fen,
                               (today - dt.date.fromisoformat(p.due_on)).days))
    out.sort(key=lambda d: (d.days_late <= 0, d.due_on, d.contract_id, d.seq))
    return out


@dataclass
class Received:
    year: int
    by_month: list[tuple[str, int]]      # ("2025-01", fen) for each month of the year
    by_category: list[tuple[str, int]]   # (合同类别, fen), in the code table's order, then others
    total_fen: int
    signed_fen: int                      # 成交额 of the contracts signed in the year
    signed_received_fen: int             # what has arrived on them (to date)

    @property
    def rate(self) -> float | None:
        """到账率: what arrived on the year's contracts over their 成交额 (None without any)."""
        return self.signed_received_fen / self.signed_fen if self.signed_fen else None


def received(ledger, year: int) -> Received:
    """Money received in ``year`` by month and by the contracts' 合同类别, and the year's 到账率
    (money received to date on the contracts signed in the year over their 成交额)."""
    conn, start, end = ledger.conn, f"{year:04d}-01-01", f"{year:04d}-12-31"
    months = dict(conn.execute("SELECT substr(received_on, 1, 7), sum(amount_fen) FROM receipts "
                               "WHERE received_on BETWEEN ? AND ? GROUP BY 1", [start, end]))
    by_month = [(f"{year:04d}-{m:02d}", months.get(f"{year:04d}-{m:02d}", 0)) for m in range(1, 13)]
    cats = dict(conn.execute("SELECT c.category, sum(r.amount_fen) FROM receipts r JOIN contracts c "
                             "ON c.id = r.contract_id WHERE r.received_on BETWEEN ? AND ? GROUP BY 1", [start, end]))
    order = codes.tables().names("contract_category")
    by_category = [(n, cats.pop(n, 0)) for n in order] + sorted(cats.items())
    signed, got = conn.execute(
        "SELECT coalesce(sum(amount_fen), 0), coalesce(sum((SELECT coalesce(sum(r.amount_fen), 0) FROM receipts r "
        "WHERE r.contract_id = c.id)), 0) FROM contracts c WHERE signed_on BETWEEN ? AND ?", [start, end]).fetchone()
    return Received(year, by_month, by_category, sum(months.values()), signed, got)
