"""Money after signing in the sample ledger (:mod:`broker_desk.demo`): payment plans of every
payment method's shape (``resources/plan_templates.json``), money received (most on time, some
late, some missing), royalties, and commission paid out to the brokers.

Only the latest contracts carry money records (at most :data:`MAX_CONTRACTS`, those signed in
the last 18 months), so that the sample stays quick to build, export and import whatever its
size. Its own random generator (from the demo's seed) leaves the rest of the demo as it was.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from . import commission, payments

MAX_CONTRACTS = 1200
WINDOW_DAYS = 548
SHAPES = ("一次总付", "分期支付", "提成支付", "提成支付附加预付入门费", "先使用后付费", "零门槛费+阶段性支付+提成")
SHAPE_WEIGHTS = (3, 6, 1, 1, 2, 2)


def generate(seed: int, today: dt.date, contracts: list[dict], broker_links: list[tuple], stamp: str):
    """Rows for payment_plans, receipts and commission_payouts (tuples in the column order of
    :data:`COLUMNS`) for the latest of ``contracts`` (whose ``payment`` may be set to the shape
    chosen)."""
    rng = random.Random(seed * 7919 + 18)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    first = (today - dt.timedelta(days=WINDOW_DAYS)).isoformat()
    recent = [c for c in contracts if c["signed_on"] >= first]
    if len(recent) > MAX_CONTRACTS:
        recent = sorted(rng.sample(recent, MAX_CONTRACTS), key=lambda c: c["id"])
    chosen = {c["id"] for c in recent}
    shares: dict[int, list[tuple[int, int]]] = {}
    for cid, broker_id, share in broker_links:
        if cid in chosen:
            shares.setdefault(cid, []).append((broker_id, share))
    plans, receipts, payouts = [], [], []
    iso_today = today.isoformat()
    for c in recent:
        shape = rng.choices(SHAPES, weights=SHAPE_WEIGHTS)[0]
        c["payment"] = shape
        amount = c["amount_fen"]
        items = payments.plan_from_template(shape, amount, c["signed_on"])
        payer = None  # the buyer, as most receipts leave it
        received = 0
        last_day = None
        for item in items:
            plan_id = len(plans) + 1
            plans.append((plan_id, uid(), c["id"], item["seq"], item["kind"], item["due_on"], item["amount_fen"],
                          item["condition"], None, None, stamp, stamp))
            due = item["due_on"]
            if due is None or due > iso_today:
                continue
            due_day = dt.date.fromisoformat(due)
            if item["amount_fen"] is None:  # a royalty: a part of what the plan leaves of 成交额, when it came
                if rng.random() < 0.6:
                    got = min(amount * rng.randrange(5, 30) // 100 // 100 * 100, amount - received)
                    day = due_day + dt.timedelta(days=rng.randrange(0, 60))
                    if day <= today and got:
                        receipts.append((len(receipts) + 1, uid(), c["id"], day.isoformat(), got, payer, plan_id,
                                         f"PZ{day:%Y%m%d}{len(receipts) + 1:05d}", "提成", None, stamp, stamp))
                        received += got
                        last_day = max(last_day or day, day)
                continue
            if not item["amount_fen"]:
                continue
            roll = rng.random()
            if roll < 0.72:
                day = due_day + dt.timedelta(days=rng.randrange(-5, 15))
            elif roll < 0.87:
                day = due_day + dt.timedelta(days=rng.randrange(30, 150))  # late
            else:
                continue  # missing: overdue
            if day > today:
                continue
            linked = plan_id if rng.random() < 0.7 else None
            receipts.append((len(receipts) + 1, uid(), c["id"], day.isoformat(), item["amount_fen"], payer, linked,
                             f"PZ{day:%Y%m%d}{len(receipts) + 1:05d}", None, None, stamp, stamp))
            received += item["amount_fen"]
            last_day = max(last_day or day, day)
        if not c["commission_fen"] or last_day is None:
            continue
        for broker_id, share in shares.get(c["id"], ()):
            earned = commission.earned(c["commission_fen"], share, amount, received, False)
            if earned <= 0 or rng.random() < 0.35:
                continue  # not yet paid out
            day = last_day + dt.timedelta(days=rng.randrange(10, 45))
            if day > today:
                continue
            paid = earned if rng.random() < 0.8 else earned // 2
            payouts.append((len(payouts) + 1, uid(), c["id"], broker_id, day.isoformat(), paid, None, None,
                            stamp, stamp))
    return plans, receipts, payouts


COLUMNS = {
    "payment_plans": ("id", "uid", "contract_id", "seq", "kind", "due_on", "amount_fen", "condition", "note",
                      "warnings", "created_at", "updated_at"),
    "receipts": ("id", "uid", "contract_id", "received_on", "amount_fen", "payer", "plan_id", "voucher", "note",
                 "warnings", "created_at", "updated_at"),
    "commission_payouts": ("id", "uid", "contract_id", "broker_id", "paid_on", "amount_fen", "note", "warnings",
                           "created_at", "updated_at"),
}
ENTITY = {"payment_plans": "payment_plan", "receipts": "receipt", "commission_payouts": "commission_payout"}


def write(conn, op_id: int, rows: tuple[list, list, list]) -> dict[str, int]:
    """Insert the rows (in the demo's transaction) and log them as the demo's inserts."""
    counts = {}
    for (table, cols), table_rows in zip(COLUMNS.items(), rows, strict=True):
        if table_rows:
            conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             table_rows)
            conn.executemany("INSERT INTO changes (op_id, entity, uid, action) VALUES (?, ?, ?, 'insert')",
                             [(op_id, ENTITY[table], r[1]) for r in table_rows])
        counts[ENTITY[table]] = len(table_rows)
    return counts
