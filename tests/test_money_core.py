"""Money after signing, the core: plan items, receipts, payouts, their warnings, undo,
the payment-method plan shapes, due and overdue payments, statistics and commission
(figures computed by hand in the comments)."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_desk import commission, i18n, payments
from broker_desk.errors import ValidationError

TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def deal(ledger, make):
    """成交额 200,000.00 元, 佣金 10,000.00 元, 张三 60 % / 李四 40 %."""
    a, b = make.broker(name="张三"), make.broker(name="李四")
    cid = make.contract(amount_fen=20_000_000, commission_fen=1_000_000, brokers=[(a, 60), (b, 40)],
                        signed_on="2025-01-10", payment="分期支付")
    return {"contract": cid, "a": a, "b": b}


def _codes(problems):
    return sorted((p.field, p.code) for p in problems)


def test_plan_receipt_and_payout_are_records_with_validation(ledger, deal):
    cid = deal["contract"]
    p1 = ledger.add("payment_plan", {"contract_id": cid, "seq": "第1期", "kind": "预付款", "due_on": "2025/2/1",
                                     "amount_fen": 6_000_000}).id
    row = ledger.get("payment_plan", p1)
    assert (row["seq"], row["kind"], row["due_on"], row["amount_fen"]) == (1, "预付款", "2025-02-01", 6_000_000)
    with pytest.raises(ValidationError) as e:
        ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "amount_fen": -1, "kind": "定金"})
    assert _codes(e.value.problems) == [("payment_plan.amount_fen", "field.negative"),
                                        ("payment_plan.kind", "field.not_in_table")]
    with pytest.raises(ValidationError) as e:
        ledger.add("payment_plan", {"contract_id": cid, "seq": 1})
    assert _codes(e.value.problems) == [("payment_plan.seq", "money.seq_taken")]
    with pytest.raises(ValidationError) as e:
        ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-30", "amount_fen": 5})
    assert [p.field for p in e.value.errors] == ["receipt.received_on"]
    with pytest.raises(ValidationError):
        ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-01",
                                         "amount_fen": -100})
    # 提成 may have no amount
    ledger.add("payment_plan", {"contract_id": cid, "seq": 2, "kind": "提成", "condition": "按销售额 3%"})


def test_the_change_log_names_money_records_in_the_language_it_is_read_in(ledger, deal):
    """A receipt's name has words of its own (到账 / received): written in Chinese, read in English."""
    from broker_desk import i18n

    contract_no = ledger.get("contract", deal["contract"])["contract_no"]
    rid = ledger.add("receipt", {"contract_id": deal["contract"], "received_on": "2025-03-01",
                                 "amount_fen": 100}).id
    assert ledger.undo_label() == f"新建到账记录“{contract_no} 2025-03-01 到账”"
    i18n.set_language("en")
    try:
        assert ledger.undo_label() == f"Add money received “{contract_no} received 2025-03-01”"
        ledger.delete("receipt", rid)
    finally:
        i18n.set_language("zh")
    assert ledger.undo_label() == f"删除到账记录“{contract_no} 2025-03-01 到账”"


def test_warnings_are_kept_not_refusals(ledger, deal):
    cid = deal["contract"]
    ok = ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "amount_fen": 15_000_000})
    assert ok.warnings == []
    over = ledger.add("payment_plan", {"contract_id": cid, "seq": 2, "amount_fen": 6_000_000})
    # 150,000 + 60,000 = 210,000 > 200,000
    assert [(w.code, w.args["planned"]) for w in over.warnings] == [("money.plan_over_amount", "210,000.00")]
    assert ledger.warnings("payment_plan", over.id)[0].code == "money.plan_over_amount"
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 19_000_000})
    r = ledger.add("receipt", {"contract_id": cid, "received_on": "2025-03-01", "amount_fen": 2_000_000})
    assert [(w.code, w.args["received"]) for w in r.warnings] == [("money.received_over_amount", "210,000.00")]
    # earned by 张三: 10,000 × 60 % × min(1, 210,000/200,000) = 6,000.00; paying 6,000.01 is over
    fine = ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-02",
                                            "amount_fen": 600_000})
    assert fine.warnings == []
    more = ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-03",
                                            "amount_fen": 1})
    assert [(w.code, w.args["paid"], w.args["earned"]) for w in more.warnings] == [
        ("money.payout_over_earned", "6,000.01", "6,000.00")]
    st = payments.status(ledger, cid, TODAY)
    assert len(st.warnings) == 2


def test_commission_earned_on_partial_payment_split_by_share(ledger, deal):
    cid = deal["contract"]
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 5_000_000})
    got = {c.name: (c.share_bp, c.full_fen, c.earned_fen) for c in commission.of_contract(ledger, cid)}
    # 50,000 of 200,000 arrived: 张三 10,000 × 60 % × 1/4 = 1,500.00; 李四 10,000 × 40 % × 1/4 = 1,000.00
    assert got == {"张三": (6000, 600_000, 150_000), "李四": (4000, 400_000, 100_000)}
    # 33,333.33 more (83,333.33 in all): 张三 6,000 × 8,333,333/20,000,000 = 2,499.9999 → 2,500.00
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-03-01", "amount_fen": 3_333_333})
    got = {c.name: c.earned_fen for c in commission.of_contract(ledger, cid)}
    assert got == {"张三": 250_000, "李四": 166_667}  # 李四 4,000 × 0.41666665 = 1,666.6666 → 1,666.67


def test_commission_is_capped_at_the_full_share(ledger, deal):
    cid = deal["contract"]
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 25_000_000})
    assert [c.earned_fen for c in commission.of_contract(ledger, cid)] == [600_000, 400_000]
    assert commission.earned(1_000_000, 6000, 20_000_000, 30_000_000, False) == 600_000


def test_commission_on_registration(ledger, deal):
    cid = deal["contract"]
    ledger.set_setting("commission.mode", "registration")
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 20_000_000})
    assert [c.earned_fen for c in commission.of_contract(ledger, cid)] == [0, 0]  # paid in full, not registered
    ledger.conn.execute("UPDATE contracts SET status = '已登记', registered_on = '2025-04-01' WHERE id = ?", [cid])
    assert [c.earned_fen for c in commission.of_contract(ledger, cid)] == [600_000, 400_000]
    # a statement of 2025: earned in the year; of 2024 nothing (signed 2025)
    s = commission.statements(ledger, 2025)
    assert [(x.broker, x.total("earned_period_fen")) for x in s] == [("张三", 600_000), ("李四", 400_000)]
    assert commission.statements(ledger, 2024) == []


def test_statement_of_a_period(ledger, make, deal):
    cid = deal["contract"]
    # 2025: 100,000 arrives (half): 张三 earns 3,000.00, is paid 1,000.00
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-05-01", "amount_fen": 10_000_000})
    ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-06-01",
                                     "amount_fen": 100_000})
    # 2026: 50,000 more (3/4 in all): 张三 4,500.00 by the end of 2026, 1,500.00 of it in 2026; paid 2,000.00
    ledger.add("receipt", {"contract_id": cid, "received_on": "2026-02-01", "amount_fen": 5_000_000})
    ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2026-03-01",
                                     "amount_fen": 200_000})
    # a second contract of 张三 alone (100 %), 佣金 1,000.00, 成交额 10,000.00, 2,500.00 arrived in 2026
    c2 = make.contract(amount_fen=1_000_000, commission_fen=100_000, brokers=[(deal["a"], 100)],
                       signed_on="2026-01-05")
    ledger.add("receipt", {"contract_id": c2, "received_on": "2026-04-01", "amount_fen": 250_000})
    (s25,) = commission.statements(ledger, 2025, broker_ids=[deal["a"]])
    (line,) = s25.lines
    assert (line.share_bp, line.full_fen, line.earned_period_fen, line.earned_fen, line.paid_period_fen,
            line.paid_fen, line.outstanding_fen) == (6000, 600_000, 300_000, 300_000, 100_000, 100_000, 200_000)
    (s26,) = commission.statements(ledger, 2026, broker_ids=[deal["a"]])
    assert [(ln.contract_id, ln.earned_period_fen, ln.earned_fen, ln.paid_period_fen, ln.paid_fen,
             ln.outstanding_fen) for ln in s26.lines] == [
        (cid, 150_000, 450_000, 200_000, 300_000, 150_000),
        (c2, 25_000, 25_000, 0, 0, 25_000)]   # 1,000 × 100 % × 2,500/10,000 = 250.00
    assert (s26.total("earned_period_fen"), s26.total("outstanding_fen")) == (175_000, 175_000)
    both = commission.statements(ledger, 2025, 2026)
    assert [(s.broker, s.total("earned_period_fen"), s.total("paid_period_fen")) for s in both] == [
        ("张三", 475_000, 300_000), ("李四", 300_000, 0)]  # 李四: 4,000 × 3/4


def test_money_status_allocates_receipts_and_flags_overdue(ledger, deal):
    cid = deal["contract"]
    ids = [ledger.add("payment_plan", {"contract_id": cid, "seq": i + 1, "due_on": d, "amount_fen": a}).id
           for i, (d, a) in enumerate([("2025-02-01", 6_000_000), ("2025-05-01", 8_000_000),
                                        ("2025-09-01", 6_000_000)])]
    ledger.add("payment_plan", {"contract_id": cid, "seq": 4, "kind": "提成", "due_on": "2025-03-01"})
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-03", "amount_fen": 6_000_000,
                           "plan_id": ids[0]})
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-05-20", "amount_fen": 3_000_000})
    st = payments.status(ledger, cid, TODAY)
    assert [(p.seq, p.received_fen, p.open_fen, p.overdue(TODAY)) for p in st.plan] == [
        (1, 6_000_000, 0, False), (2, 3_000_000, 5_000_000, True), (3, 0, 6_000_000, False), (4, 0, 0, False)]
    assert (st.received_fen, st.outstanding_fen, st.overdue_fen, st.planned_fen) == (
        9_000_000, 11_000_000, 5_000_000, 20_000_000)
    due = payments.due_payments(ledger, TODAY)
    assert [(d.seq, d.open_fen, d.days_late) for d in due] == [(2, 5_000_000, 45)]
    assert payments.due_payments(ledger, dt.date(2025, 9, 10)) == payments.due_payments(
        ledger, dt.date(2025, 9, 10), overdue_only=False)
    sept = payments.due_payments(ledger, dt.date(2025, 9, 1))
    assert [(d.seq, d.days_late) for d in sept] == [(2, 123), (3, 0)]
    assert [d.seq for d in payments.due_payments(ledger, dt.date(2025, 9, 1), overdue_only=True)] == [2]
    assert payments.due_payments(ledger, dt.date(2025, 9, 1), year=2024) == []


def test_received_by_month_category_and_rate(ledger, make, deal):
    cid = deal["contract"]
    c2 = make.contract(amount_fen=5_000_000, category="技术服务", subtype="技术服务", signed_on="2024-12-01")
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-03", "amount_fen": 6_000_000})
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-20", "amount_fen": 1_000_000})
    ledger.add("receipt", {"contract_id": c2, "received_on": "2025-07-01", "amount_fen": 5_000_000})
    got = payments.received(ledger, 2025)
    assert dict(got.by_month)["2025-02"] == 7_000_000 and dict(got.by_month)["2025-07"] == 5_000_000
    assert len(got.by_month) == 12 and got.total_fen == 12_000_000
    assert dict(got.by_category)["技术开发"] == 7_000_000 and dict(got.by_category)["技术服务"] == 5_000_000
    # signed in 2025: only the 200,000 contract, 70,000 arrived: 35 %
    assert got.rate == pytest.approx(0.35)


def test_plan_templates_and_the_new_payment_methods(ledger, make):
    from broker_desk import codes

    assert {"先使用后付费", "零门槛费+阶段性支付+提成"} <= set(codes.tables().names("payment_method"))
    items = payments.plan_from_template("先使用后付费", 10_000_001, "2025-01-31")
    assert [(i["kind"], i["due_on"], i["amount_fen"]) for i in items] == [
        ("其他", "2025-01-31", 0), ("分期款", "2025-07-31", 5_000_001), ("分期款", "2026-01-31", 5_000_000)]
    items = payments.plan_from_template("零门槛费+阶段性支付+提成", 1_000_000, "2025-01-31")
    assert [(i["seq"], i["kind"], i["amount_fen"]) for i in items] == [
        (1, "入门费", 0), (2, "分期款", 300_000), (3, "分期款", 300_000), (4, "提成", None)]
    assert items[1]["due_on"] == "2025-04-30"
    cid = make.contract(amount_fen=1_000_000, payment="零门槛费+阶段性支付+提成", signed_on="2025-01-31")
    ch = payments.apply_template(ledger, cid)
    assert ledger.conn.execute("SELECT count(*), sum(amount_fen) FROM payment_plans WHERE contract_id = ?",
                               [cid]).fetchone() == (4, 600_000)  # the royalty stands for the other 40 %
    assert "payment_plan" in ch.entities
    # the change log names the payment method in the language it is read in
    no = ledger.get("contract", cid)["contract_no"]
    assert ledger.undo_label() == f"合同“{no}”按“零门槛费+阶段性支付+提成”生成付款计划"
    i18n.set_language("en")
    try:
        assert ledger.undo_label() == (f"Contract “{no}”: payment plan from "
                                       "“No entry fee, staged payments and royalties”")
    finally:
        i18n.set_language("zh")
    ledger.undo()
    assert ledger.conn.execute("SELECT count(*) FROM payment_plans").fetchone()[0] == 0


def test_undo_brings_back_a_deleted_contract_with_its_money(ledger, deal):
    cid = deal["contract"]
    p = ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "amount_fen": 100}).id
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 100, "plan_id": p})
    ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-01",
                                     "amount_fen": 1})
    counts = "SELECT (SELECT count(*) FROM payment_plans), (SELECT count(*) FROM receipts), " \
             "(SELECT count(*) FROM commission_payouts), (SELECT plan_id FROM receipts)"
    assert ledger.conn.execute(counts).fetchone() == (1, 1, 1, p)
    ledger.delete("contract", cid)
    assert ledger.conn.execute(counts).fetchone() == (0, 0, 0, None)
    ledger.undo()
    assert ledger.conn.execute(counts).fetchone() == (1, 1, 1, p)
    # a plan item deleted: its receipt loses the link; undo gives it back
    ledger.delete("payment_plan", p)
    assert ledger.conn.execute(counts).fetchone() == (0, 1, 1, None)
    ledger.undo()
    assert ledger.conn.execute(counts).fetchone() == (1, 1, 1, p)
    # a broker who was paid cannot be deleted
    ledger.update("contract", cid, {"brokers": [(deal["b"], 100)]})
    with pytest.raises(Exception, match="合同"):
        ledger.delete("broker", deal["a"])


def test_the_latest_changes_name_a_money_record_by_its_contract(ledger, deal):
    ledger.add("receipt", {"contract_id": deal["contract"], "received_on": "2025-02-01", "amount_fen": 5})
    op = ledger.recent_ops(1)[0]
    assert op["record"] == ("contract", deal["contract"])
    assert "到账" in op["label"] and "HT-" in op["label"]


def test_statement_lists_older_contracts_only_where_something_is_owed(ledger, make, deal):
    """A contract signed before the period has a line when money moved on it by the period's end,
    when it earns without money (成交额 0) or, earned on registration, once registered; not else."""
    a = deal["a"]
    quiet = make.contract(amount_fen=1_000_000, commission_fen=100_000, brokers=[(a, 100)], signed_on="2024-03-01")
    free = make.contract(amount_fen=0, commission_fen=50_000, brokers=[(a, 100)], signed_on="2024-04-01")
    paid = make.contract(amount_fen=1_000_000, commission_fen=100_000, brokers=[(a, 100)], signed_on="2024-05-01")
    ledger.add("receipt", {"contract_id": paid, "received_on": "2024-06-01", "amount_fen": 500_000})
    (s,) = commission.statements(ledger, 2025, broker_ids=[a])
    # deal (signed 2025-01-10) and, from 2024: 成交额 0 earns its 500.00; half arrived earns 500.00 of 1,000
    assert [(ln.contract_id, ln.earned_period_fen, ln.earned_fen, ln.outstanding_fen) for ln in s.lines] == [
        (free, 0, 50_000, 50_000), (paid, 0, 50_000, 50_000), (deal["contract"], 0, 0, 0)]
    ledger.set_setting("commission.mode", "registration")
    ledger.conn.execute("UPDATE contracts SET status = '已登记', registered_on = '2024-07-01' WHERE id = ?", [quiet])
    (s,) = commission.statements(ledger, 2025, broker_ids=[a])
    # on registration: the registered one owes its 1,000.00; the unregistered ones nothing (成交额 0 or not)
    assert [(ln.contract_id, ln.outstanding_fen) for ln in s.lines] == [(quiet, 100_000), (deal["contract"], 0)]
