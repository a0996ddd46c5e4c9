"""付款计划, 到账记录 and 佣金发放 in the workbook: template, export (read back with
python-calamine), import with its row errors, round trip and re-import."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from broker_desk.ledger import Ledger
from broker_desk.workbook import importer
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.template import write_template
from tests.workbooks import write_xlsx

PLAN_HEAD = ["记录ID", "合同编号", "卖方", "期次", "类型", "约定日期", "约定金额（元）", "条件", "备注"]
RECEIPT_HEAD = ["记录ID", "合同编号", "卖方", "到账日期", "金额（元）", "付款方", "期次", "凭证号", "备注"]
PAYOUT_HEAD = ["记录ID", "合同编号", "卖方", "经纪人", "发放日期", "金额（元）", "备注"]


@pytest.fixture
def money_ledger(ledger, make):
    a = make.broker(name="张三")
    seller = make.client(name="某某大学", nature="高等院校")
    cid = make.contract(contract_no="HT-1", seller_id=seller, amount_fen=20_000_000, commission_fen=1_000_000,
                        brokers=[(a, 100)])
    p1 = ledger.add("payment_plan", {"contract_id": cid, "seq": 1, "kind": "预付款", "due_on": "2025-02-01",
                                     "amount_fen": 6_000_050, "condition": "签订后 10 日内"}).id
    ledger.add("payment_plan", {"contract_id": cid, "seq": 2, "kind": "提成", "note": "销售额 3%"})
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-02-05", "amount_fen": 6_000_050,
                           "payer": "买方公司", "plan_id": p1, "voucher": "PZ-001"})
    ledger.add("receipt", {"contract_id": cid, "received_on": "2025-03-05", "amount_fen": 1})
    ledger.add("commission_payout", {"contract_id": cid, "broker_id": a, "paid_on": "2025-03-10",
                                     "amount_fen": 300_000, "note": "首笔"})
    return ledger


def _sheet(path, name):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _money(ledger):
    q = {"payment_plans": "SELECT uid, contract_id, seq, kind, due_on, amount_fen, condition, note FROM payment_plans",
         "receipts": "SELECT uid, contract_id, received_on, amount_fen, payer, plan_id, voucher, note FROM receipts",
         "commission_payouts": "SELECT uid, contract_id, broker_id, paid_on, amount_fen, note FROM commission_payouts"}
    return {t: sorted(ledger.conn.execute(sql).fetchall()) for t, sql in q.items()}


def test_template_has_the_money_sheets(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path)
    assert [str(h).rstrip("*") for h in _sheet(path, "付款计划")[0]] == PLAN_HEAD
    assert [str(h).rstrip("*") for h in _sheet(path, "到账记录")[0]] == RECEIPT_HEAD
    assert [str(h).rstrip("*") for h in _sheet(path, "佣金发放")[0]] == PAYOUT_HEAD


def test_export_writes_the_money_sheets(money_ledger, tmp_path):
    out = tmp_path / "x.xlsx"
    export_workbook(money_ledger, out)
    plans = _sheet(out, "付款计划")
    assert plans[0] == PLAN_HEAD
    assert plans[1][1:] == ["HT-1", "某某大学", "1", "预付款", dt.date(2025, 2, 1), 60000.5, "签订后 10 日内", ""]
    assert plans[2][1:] == ["HT-1", "某某大学", "2", "提成", "", "", "", "销售额 3%"]
    receipts = _sheet(out, "到账记录")
    assert receipts[1][1:] == ["HT-1", "某某大学", dt.date(2025, 2, 5), 60000.5, "买方公司", "1", "PZ-001", ""]
    assert receipts[2][1:] == ["HT-1", "某某大学", dt.date(2025, 3, 5), 0.01, "", "", "", ""]
    assert _sheet(out, "佣金发放")[1][1:] == ["HT-1", "某某大学", "张三", dt.date(2025, 3, 10), 3000.0, "首笔"]


def test_round_trip_is_exact_and_reimport_changes_nothing(money_ledger, tmp_path):
    out = tmp_path / "x.xlsx"
    export_workbook(money_ledger, out)
    before = _money(money_ledger)
    with Ledger.open(tmp_path / "fresh.brokerdesk") as fresh:
        result = importer.import_workbook(fresh, out)
        assert result.written and not result.errors, [p.line() for p in result.problems]
        assert {n: (s.inserted, s.rejected) for n, s in result.summaries.items() if n in (
            "付款计划", "到账记录", "佣金发放")} == {"付款计划": (2, 0), "到账记录": (2, 0), "佣金发放": (1, 0)}
        got = _money(fresh)
        # same uids and values (ids are the fresh ledger's own, equal here as both start empty)
        assert got == before
        again = tmp_path / "y.xlsx"
        export_workbook(fresh, again)
        for name in ("付款计划", "到账记录", "佣金发放"):
            assert _sheet(again, name) == _sheet(out, name)
    ops = money_ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    result = importer.import_workbook(money_ledger, out)
    assert not result.errors
    assert {n: s.unchanged for n, s in result.summaries.items() if n in ("付款计划", "到账记录", "佣金发放")} == {
        "付款计划": 2, "到账记录": 2, "佣金发放": 1}
    assert _money(money_ledger) == before
    assert money_ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0] == ops  # nothing to undo


def test_import_rows_without_record_ids_and_their_errors(money_ledger, tmp_path):
    before = _money(money_ledger)
    path = write_xlsx(tmp_path / "in.xlsx", {
        "付款计划": [PLAN_HEAD,
                 [None, "HT-1", "某某大学", "第3期", "尾款", dt.date(2025, 9, 1), 50000, None, None],
                 [None, "HT-9", "某某大学", 1, "尾款", None, 5, None, None],          # no such contract
                 [None, "HT-1", "某某大学", "x", None, None, 5, None, None]],        # 期次 not a number
        "到账记录": [RECEIPT_HEAD,
                 [None, "HT-1", "某某大学", dt.date(2025, 9, 2), 50000, None, 3, None, None],
                 [None, "HT-1", "某某大学", dt.date(2025, 9, 3), 1, None, 7, None, None]],  # no 7th item
        "佣金发放": [PAYOUT_HEAD,
                 [None, "HT-1", "某某大学", "王五", dt.date(2025, 9, 9), 1, None],   # unknown broker
                 [None, "HT-1", "某某大学", "张三", dt.date(2025, 9, 9), -1, None]],  # negative
    })
    result = importer.import_workbook(money_ledger, path)
    assert not result.written and _money(money_ledger) == before  # all or nothing
    lines = sorted((p.sheet, p.row, p.message) for p in result.errors)
    assert [(s, r) for s, r, _ in lines] == [("付款计划", 3), ("付款计划", 4), ("佣金发放", 2), ("佣金发放", 3),
                                             ("到账记录", 3)]
    assert "找不到合同 HT-9（卖方 某某大学）" in lines[0][2]
    assert "期次" in lines[1][2]
    assert "找不到经纪人“王五”" in lines[2][2] and "不能为负数" in lines[3][2]
    assert "没有第 7 期" in lines[4][2]
    # the good rows alone: written; importing them again adds nothing
    good = write_xlsx(tmp_path / "good.xlsx", {
        "付款计划": [PLAN_HEAD, [None, "HT-1", "某某大学", "第3期", "尾款", dt.date(2025, 9, 1), 50000, None, None]],
        "到账记录": [RECEIPT_HEAD, [None, "HT-1", "某某大学", dt.date(2025, 9, 2), 50000, None, 3, None, None]]})
    result = importer.import_workbook(money_ledger, good)
    assert result.written and not result.errors
    row = money_ledger.conn.execute("SELECT r.amount_fen, p.seq FROM receipts r JOIN payment_plans p "
                                    "ON p.id = r.plan_id WHERE r.received_on = '2025-09-02'").fetchone()
    assert row == (5_000_000, 3)
    after = _money(money_ledger)
    result = importer.import_workbook(money_ledger, good)
    assert _money(money_ledger) == after
    assert [s.unchanged for n, s in result.summaries.items()] == [1, 1]
