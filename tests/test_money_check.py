"""``broker-desk check`` on the money records: the rules of the editors and the import
(payments.check_* and the fields' own), each problem said with its record, a contract's totals once."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_desk import check

TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def deal(ledger, make):
    """HT-0003: 成交额 200,000.00 元, 佣金 10,000.00 元, 张三 60 % / 李四 40 %."""
    a, b = make.broker(name="张三"), make.broker(name="李四")
    cid = make.contract(amount_fen=20_000_000, commission_fen=1_000_000, brokers=[(a, 60), (b, 40)],
                        signed_on="2025-01-10", contract_no="HT-0003")
    return {"contract": cid, "a": a, "b": b}


def _money(report) -> list[str]:
    return [p for p in report.problems if p.startswith(("付款计划", "到账记录", "佣金发放", "另有"))]


def test_sound_money_records_are_not_reported(ledger, deal):
    cid = deal["contract"]
    plan = ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "amount_fen": 20_000_000}).id
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 10_000_000,
                           "plan_id": plan})
    # earned: 10,000 × 60 % × 100,000 / 200,000 = 3,000.00
    ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-01",
                                     "amount_fen": 300_000})
    report = check.run(ledger, TODAY)
    assert _money(report) == [] and report.healthy


def test_warnings_of_the_totals_are_said_once_per_contract(ledger, deal):
    cid = deal["contract"]
    for seq, amount in ((1, 15_000_000), (2, 6_000_000)):   # 210,000 planned > 200,000
        ledger.add("payment_plan", {"contract_id": cid, "seq": seq, "amount_fen": amount})
    for day, amount in (("2025-02-01", 12_000_000), ("2025-03-01", 9_000_000)):  # 210,000 received
        ledger.add("receipt", {"contract_id": cid, "received_on": day, "amount_fen": amount})
    # 李四 earned 10,000 × 40 % = 4,000.00 (all the money arrived); paid 2,500 + 2,000 = 4,500
    for amount in (250_000, 200_000):
        ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["b"], "paid_on": "2025-04-01",
                                         "amount_fen": amount})
    assert _money(check.run(ledger, TODAY)) == [
        "付款计划（合同 HT-0003）：付款计划合计 210,000.00 元超过合同成交额 200,000.00 元",
        "到账记录（合同 HT-0003）：到账合计 210,000.00 元超过合同成交额 200,000.00 元",
        "佣金发放（合同 HT-0003）：发给李四的佣金合计 4,500.00 元超过其已挣得的 4,000.00 元",
    ]


def test_records_the_editors_would_refuse_are_named(ledger, deal):
    """Written past the rules (a file edited by hand, an old program): amounts below 0,
    references to a contract, broker or plan item that is not there."""
    cid = deal["contract"]
    plan = ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "amount_fen": 1_000_000}).id
    receipt = ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 500_000,
                                     "plan_id": plan}).id
    payout = ledger.add("commission_payout", {"contract_id": cid, "broker_id": deal["a"], "paid_on": "2025-03-01",
                                              "amount_fen": 100}).id
    other = ledger.add("payment_plan", {"contract_id": cid, "seq": 2, "amount_fen": 100}).id
    conn = ledger.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE payment_plans SET amount_fen = -5 WHERE id = ?", [other])
    conn.execute("UPDATE receipts SET plan_id = 999 WHERE id = ?", [receipt])
    conn.execute("UPDATE commission_payouts SET broker_id = 777 WHERE id = ?", [payout])
    conn.execute("INSERT INTO receipts (uid, contract_id, received_on, amount_fen, created_at, updated_at) "
                 "VALUES ('x1', 555, '2025-05-05', 100, '2025', '2025')")
    conn.execute("PRAGMA ignore_check_constraints = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    assert _money(check.run(ledger, TODAY)) == [
        "付款计划“HT-0003 第2期”：约定金额不能为负数",
        "到账记录“HT-0003 2025-02-01 到账”：期次指向的记录（ID 999）不存在",
        "到账记录“? 2025-05-05 到账”：合同指向的记录（ID 555）不存在",
        "佣金发放“HT-0003 佣金发放（?）”：经纪人指向的记录（ID 777）不存在",
    ]


def test_many_problems_are_summed_up(ledger, deal, monkeypatch):
    monkeypatch.setattr(check, "MONEY_LISTED", 2)
    cid = deal["contract"]
    ledger.conn.execute("PRAGMA ignore_check_constraints = ON")
    for n in range(4):
        ledger.conn.execute("INSERT INTO receipts (uid, contract_id, received_on, amount_fen, created_at, updated_at) "
                            "VALUES (?, ?, '2025-05-0' || ?, -1, '2025', '2025')", [f"u{n}", cid, n + 1])
    ledger.conn.execute("PRAGMA ignore_check_constraints = OFF")
    assert _money(check.run(ledger, TODAY)) == ["到账记录“HT-0003 2025-05-01 到账”：金额不能为负数",
                                                "到账记录“HT-0003 2025-05-02 到账”：金额不能为负数",
                                                "另有 2 处付款计划、到账记录或佣金发放的问题"]


def test_check_in_english(ledger, deal):
    from broker_desk import i18n

    cid = deal["contract"]
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-01", "amount_fen": 20_000_001})
    i18n.set_language("en")
    assert [p for p in check.run(ledger, TODAY).problems if p.startswith("Money")] == [
        "Money received (contract HT-0003): Money received totals 200,000.01 yuan, more than the contract amount "
        "200,000.00 yuan"]


def test_check_command_counts_and_reports_money(ledger, deal, capsys):
    from broker_desk.cli import main

    ledger.add("receipt", {"contract_id": deal["contract"], "received_on": "2025-02-01", "amount_fen": 20_000_001})
    path = str(ledger.path)
    ledger.close()
    assert main(["--db", path, "check"]) == 1
    got = capsys.readouterr()
    out = got.out + got.err
    assert "付款：付款计划 0，到账记录 1，佣金发放 0" in out
    assert "到账记录（合同 HT-0003）：到账合计 200,000.01 元超过合同成交额 200,000.00 元" in out
