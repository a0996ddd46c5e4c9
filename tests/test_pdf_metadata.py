"""Every PDF the program writes says what it is and when it was made (pdfinfo's fields), dated by
the clock the tests set (``pdffonts.clock``), so the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DEMO_TODAY
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from rankings_ledger import build

from broker_desk import paperwork, pdffonts, rankings
from broker_desk.reports import rankings as rankings_report

MOMENT = dt.datetime(2026, 12, 7, 18, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def info(path) -> dict[str, str]:
    with open(path, "rb") as f:
        doc = PDFDocument(PDFParser(f))
        raw = doc.info[0]
    return {k: (v.decode("utf-16") if v[:2] in (b"\xfe\xff", b"\xff\xfe") else v.decode("latin-1"))
            if isinstance(v, bytes) else str(v) for k, v in raw.items()}


@pytest.fixture
def at_moment(monkeypatch):
    monkeypatch.setattr(pdffonts, "clock", lambda: MOMENT)


def test_paperwork_pdf_is_dated_and_titled(ledger, make, tmp_path, at_moment):
    cid = make.contract(amount_fen=125_000_000)
    out = tmp_path / "a.pdf"
    form = "技术合同登记表"
    paperwork.render(ledger, form, out, today=DEMO_TODAY, contract_ids=[cid], allow_blank=True)
    meta = info(out)
    assert meta["CreationDate"].startswith("D:20261207180509+08'00'")
    assert meta["ModDate"] == meta["CreationDate"]
    assert meta["Title"] and meta["Author"] == "BrokerDesk" and meta["Creator"].startswith("BrokerDesk ")
    again = tmp_path / "b.pdf"
    paperwork.render(ledger, form, again, today=DEMO_TODAY, contract_ids=[cid], allow_blank=True)
    assert again.read_bytes() == out.read_bytes()  # the clock is the only moving part


def test_ranking_pdf_is_dated_and_titled(ledger, tmp_path, at_moment):
    build(ledger)
    ranking = rankings.compute(ledger, 2024)
    out = rankings_report.write_pdf(ledger, ranking, tmp_path / "r.pdf")
    meta = info(out)
    assert meta["CreationDate"].startswith("D:20261207180509+08'00'")
    assert meta["Title"] == ranking.title and meta["Author"] == "BrokerDesk"
    again = rankings_report.write_pdf(ledger, ranking, tmp_path / "r2.pdf")
    assert again.read_bytes() == out.read_bytes()


def test_the_real_clock_dates_today():
    assert abs(pdffonts._now() - dt.datetime.now().astimezone()) < dt.timedelta(seconds=5)
