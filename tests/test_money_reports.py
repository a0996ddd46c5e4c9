"""佣金对账单 to .xlsx (read back with python-calamine) and .pdf (pdftotext, embedded fonts),
and the `commission` and `payments` commands."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from broker_desk import commission
from broker_desk.cli import main
from broker_desk.ledger import Ledger
from broker_desk.reports import commission as report
from tests.pdftools import fonts, pdf_text


@pytest.fixture
def db(tmp_path):
    """张三 60 % and 李四 40 % of a 200,000.00 元 contract with 10,000.00 元 佣金; 50,000 arrived
    in 2025, 1,000.00 paid to 张三; an instalment of 30,000 overdue since 2025-03-01."""
    path = tmp_path / "m.brokerdesk"
    with Ledger.open(path) as led:
        a = led.add("broker", {"name": "张三", "institution": "某转移中心"}).id
        b = led.add("broker", {"name": "李四"}).id
        buyer = led.add("client", {"name": "甲公司"}).id
        seller = led.add("client", {"name": "乙大学"}).id
        cid = led.add("contract", {"contract_no": "HT-7", "title": "某技术开发", "category": "技术开发",
                                   "subtype": "委托开发", "buyer_id": buyer, "seller_id": seller,
                                   "signed_on": "2025-01-10", "amount_fen": 20_000_000, "commission_fen": 1_000_000,
                                   "brokers": [(a, 60), (b, 40)]}).id
        led.add("payment_plan", {"contract_id": cid, "seq": 1, "due_on": "2025-02-01", "amount_fen": 5_000_000})
        led.add("payment_plan", {"contract_id": cid, "seq": 2, "due_on": "2025-03-01", "amount_fen": 3_000_000})
        led.add("receipt", {"contract_id": cid, "received_on": "2025-02-03", "amount_fen": 5_000_000})
        led.add("commission_payout", {"contract_id": cid, "broker_id": a, "paid_on": "2025-04-01",
                                      "amount_fen": 100_000})
    return path


def test_statement_xlsx_read_back(db, tmp_path):
    out = tmp_path / "c.xlsx"
    with Ledger.open(db) as led:
        report.write_xlsx(led, commission.statements(led, 2025), out)
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["汇总", "张三", "李四"]
    summary = book.get_sheet_by_name("汇总").to_python()
    rows = {r[0]: r for r in summary if r and r[0] in ("张三", "李四", "合计")}
    # 张三: 10,000 × 60 % × 1/4 = 1,500 earned, 1,000 paid, 500 outstanding
    assert rows["张三"][2:] == [1, 1500.0, 1500.0, 1000.0, 1000.0, 500.0]
    assert rows["李四"][2:] == [1, 1000.0, 1000.0, 0.0, 0.0, 1000.0]
    assert rows["合计"][2:] == [2, 2500.0, 2500.0, 1000.0, 1000.0, 1500.0]
    zhang = book.get_sheet_by_name("张三").to_python()
    line = next(r for r in zhang if r and r[0] == "HT-7")
    assert line == ["HT-7", "某技术开发", 200000.0, 50000.0, 10000.0, 0.6, 6000.0, 1500.0, 1500.0, 1000.0,
                    1000.0, 500.0]
    assert any("按到账计提" in str(r[0]) for r in zhang if r)


def test_statement_pdf_text_and_fonts(db, tmp_path):
    out = tmp_path / "c.pdf"
    with Ledger.open(db) as led:
        report.write_pdf(led, commission.statements(led, 2025, broker_ids=[1]), out)
    text = pdf_text(out)
    assert "佣金对账单 — 张三" in text and "某转移中心" in text and "2025-01-01 至 2025-12-31" in text
    line = next(ln for ln in text.splitlines() if "HT-7" in ln).split()
    assert line[-5:] == ["60%", "10,000.00", "1,500.00", "1,000.00", "500.00"]
    assert "第1页共1页" in text.replace(" ", "")
    assert all(f.embedded for f in fonts(out))


def test_commission_command(db, tmp_path, capsys):
    out = tmp_path / "li.xlsx"
    assert main(["--db", str(db), "commission", "--year", "2025", "--broker", "李四", "--out", str(out)]) == 0
    assert "经纪人 1 名" in capsys.readouterr().out
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["汇总", "李四"]
    assert main(["--db", str(db), "commission", "--year", "2025", "--broker", "王五", "--out",
                 str(tmp_path / "x.pdf")]) == 2
    assert "没有名为“王五”的经纪人" in capsys.readouterr().err
    assert main(["--db", str(db), "commission", "--year", "2025", "--out", str(tmp_path / "x.txt")]) == 2


def test_payments_command(db, capsys, monkeypatch):
    class Today(dt.date):
        @classmethod
        def today(cls):
            return cls(2025, 3, 20)

    monkeypatch.setattr("broker_desk.payments.dt.date", Today)
    assert main(["--db", str(db), "payments", "--overdue"]) == 0
    out = capsys.readouterr().out
    assert "2025-03-01  HT-7" in out and "30,000.00" in out and "逾期 19 天" in out
    assert "共 1 笔未到账，合计 30,000.00 元，其中逾期 1 笔" in out
    assert main(["--db", str(db), "payments", "--year", "2024"]) == 0
    assert "共 0 笔" in capsys.readouterr().out


def test_many_brokers_go_to_one_details_sheet_with_subtotals(db, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "SHEET_PER_BROKER", 1)
    out = tmp_path / "all.xlsx"
    with Ledger.open(db) as led:
        report.write_xlsx(led, commission.statements(led, 2025), out)
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["汇总", "明细"]
    rows = [r for r in book.get_sheet_by_name("明细").to_python() if r and r[0] in ("张三", "李四", "合计")]
    assert [r[:2] for r in rows] == [["张三", "HT-7"], ["张三", "小计"], ["李四", "HT-7"], ["李四", "小计"],
                                     ["合计", ""]]
    assert rows[1][-5:] == [1500.0, 1500.0, 1000.0, 1000.0, 500.0]
    assert rows[4][-6:] == [10000.0, 2500.0, 2500.0, 1000.0, 1000.0, 1500.0]
