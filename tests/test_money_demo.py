"""The sample ledger's money: plans of every payment method's shape, receipts on time, late
and missing, payouts; the same seed and day give the same rows."""

from __future__ import annotations

from broker_desk import demo, payments
from broker_desk.ledger import Ledger
from tests.conftest import DEMO_TODAY


def test_demo_has_plans_of_every_shape_receipts_late_and_missing_and_payouts(demo_ledger):
    conn = demo_ledger.conn
    shapes = {p for (p,) in conn.execute(
        "SELECT DISTINCT c.payment FROM payment_plans p JOIN contracts c ON c.id = p.contract_id")}
    assert shapes == set(payments.templates())
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM payment_plans")}
    assert kinds == {"预付款", "入门费", "分期款", "提成", "尾款", "其他"}
    late = conn.execute("SELECT count(*) FROM receipts r JOIN payment_plans p ON p.id = r.plan_id "
                        "WHERE julianday(r.received_on) - julianday(p.due_on) >= 30").fetchone()[0]
    assert late > 10
    overdue = payments.due_payments(demo_ledger, DEMO_TODAY, overdue_only=True)
    assert len(overdue) > 10 and all(d.days_late > 0 for d in overdue)
    assert conn.execute("SELECT count(*) FROM commission_payouts").fetchone()[0] > 20
    # what the demo wrote passes the rules: no plan over its contract, payouts within what was earned
    assert conn.execute("SELECT count(*) FROM (SELECT p.contract_id FROM payment_plans p JOIN contracts c "
                        "ON c.id = p.contract_id GROUP BY p.contract_id HAVING sum(p.amount_fen) > "
                        "max(c.amount_fen))").fetchone()[0] == 0
    undone = demo_ledger.undo()[0]
    assert {"payment_plan", "receipt", "commission_payout"} <= undone.entities
    assert conn.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0


def test_same_seed_same_money(tmp_path):
    rows = []
    for name in ("a", "b"):
        with Ledger.open(tmp_path / f"{name}.brokerdesk") as led:
            demo.generate(led, 300, seed=5, today=DEMO_TODAY)
            rows.append([led.conn.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in (
                ("payment_plans", "uid, contract_id, seq, kind, due_on, amount_fen"),
                ("receipts", "uid, contract_id, received_on, amount_fen, plan_id"),
                ("commission_payouts", "uid, contract_id, broker_id, paid_on, amount_fen"))])
    assert rows[0] == rows[1] and rows[0][0] and rows[0][1]
