"""The front office's funnel in the statistics and their export (issue 17): the 对接漏斗 sheet read
back with python-calamine (and its number formats with openpyxl), the PDF section via pdftotext,
the ``rankings`` command's --front-office and --statistics options."""

from __future__ import annotations

import datetime as dt

import pytest
from pdftools import pdf_text
from python_calamine import CalamineWorkbook
from test_front_office import _funnel_ledger

from broker_desk import i18n, rankings, statistics
from broker_desk.cli import main
from broker_desk.funnel import rate_text
from broker_desk.reports import rankings as rankings_report

TODAY = dt.date(2026, 8, 1)
HEADER = ["经纪人", "技术需求", "对接项目", "签约", "签约率", "签约成交额\n（万元）"]


@pytest.fixture
def front(ledger, make):
    """The funnel ledger of test_front_office: in 2026 3 demands, 3 engagements, 2 signed
    (1,000,001 fen shared 60/40 by 张三 and 李四, 5,000,000 fen by 张三 alone)."""
    _funnel_ledger(ledger, make)
    return ledger


def funnel_rows(path) -> list[list]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("对接漏斗").to_python()
    start = rows.index(HEADER)
    return rows[:start], rows[start + 1:]


def test_the_statistics_carry_the_funnel_of_the_same_period(front):
    s = statistics.compute(front, 2026, today=TODAY)
    t = s.funnel.totals
    assert (s.funnel.first, s.funnel.last) == ("2026-01-01", "2026-12-31")
    assert (t.demands, t.engagements, t.signed, t.signed_fen) == (3, 3, 2, 6_000_001)
    assert [(r.name, r.signed_fen) for r in s.funnel.brokers] == [("李四", 400_000), ("张三", 5_600_001)]
    span = statistics.compute(front, 2025, 2026, today=TODAY).funnel.totals
    assert (span.demands, span.engagements, span.signed) == (4, 4, 2)
    assert rate_text(t.signing_rate) == "66.7%" and rate_text(None) == "—"


def test_the_funnel_sheet_has_a_row_per_broker_and_the_totals_as_numbers(front, tmp_path):
    stats = statistics.compute(front, 2026, today=TODAY)
    path = rankings_report.write_xlsx(front, rankings.compute(front, 2026), stats, tmp_path / "r.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names[-1] == "对接漏斗"
    head, body = funnel_rows(path)
    assert head[0][0] == "2026 年对接漏斗：需求 → 对接 → 签约"
    assert "2026-01-01 至 2026-12-31" in head[1][0]
    assert body == [["李四", 1.0, 2.0, 1.0, 0.5, 0.4],             # 40 % of 1,000,001 fen → 400,000 fen
                    ["张三", 2.0, 2.0, 2.0, 1.0, 5.600001],        # 60 % → 600,001 (rounded once) + 5,000,000
                    ["合计", 3.0, 3.0, 2.0, 2 / 3, 6.000001]]
    from openpyxl import load_workbook

    ws = load_workbook(path)["对接漏斗"]
    total = next(row for row in ws.iter_rows() if row[0].value == "合计")
    assert [c.number_format for c in total[1:]] == ["#,##0", "#,##0", "#,##0", "0.00%", "#,##0.00"]


def test_a_period_without_demands_or_engagements_says_so(front, tmp_path):
    path = rankings_report.write_xlsx(front, rankings.compute(front, 2024),
                                      statistics.compute(front, 2024, today=TODAY), tmp_path / "r.xlsx")
    head, body = funnel_rows(path)
    assert body[0] == ["合计", 0.0, 0.0, 0.0, "", 0.0]
    assert ["本期间没有技术需求或对接项目。", "", "", "", "", ""] in body


def test_the_pdf_with_statistics_ends_with_the_funnel(front, tmp_path):
    stats = statistics.compute(front, 2026, today=TODAY)
    path = rankings_report.write_pdf(front, rankings.compute(front, 2026), tmp_path / "r.pdf", stats)
    text = pdf_text(path, poppler=True)
    section = text[text.index("2026 年对接漏斗：需求 → 对接 → 签约"):]
    lines = [line.split() for line in section.splitlines()]
    assert ["经纪人", "技术需求", "对接项目", "签约", "签约率", "签约成交额（万元）"] in lines
    assert ["李四", "1", "2", "1", "50.0%", "0.40"] in lines
    assert ["张三", "2", "2", "2", "100.0%", "5.60"] in lines
    assert ["合计", "3", "3", "2", "66.7%", "6.00"] in lines


def test_the_pdf_ranking_shows_engagements_and_signing_rate_when_asked(front, tmp_path):
    for cid in (1, 2):
        front.move(cid, "待提交", "2026-07-03")
        front.move(cid, "已受理", "2026-07-04", reg_office="杭州市技术合同登记处")
        front.move(cid, "已登记", "2026-07-10", reg_no=f"20263301010000{cid:02d}", today=TODAY)
    plain = pdf_text(rankings_report.write_pdf(front, rankings.compute(front, 2026), tmp_path / "a.pdf"),
                     poppler=True)
    assert "签约率" not in plain
    text = pdf_text(rankings_report.write_pdf(front, rankings.compute(front, 2026, front_office=True),
                                              tmp_path / "b.pdf"), poppler=True)
    lines = [line.split() for line in text.splitlines()]
    assert any(line[:2] == ["1", "张三"] and line[-2:] == ["2", "100.0%"] for line in lines)
    assert any(line[:2] == ["2", "李四"] and line[-2:] == ["2", "50.0%"] for line in lines)
    assert any(line[:1] == ["合计"] and line[-2:] == ["3", "66.7%"] for line in lines)


def test_the_rankings_command_front_office_and_statistics_options(front, tmp_path, capsys):
    for cid in (1, 2):
        front.move(cid, "待提交", "2026-07-03")
        front.move(cid, "已受理", "2026-07-04", reg_office="杭州市技术合同登记处")
        front.move(cid, "已登记", "2026-07-10", reg_no=f"20263301010000{cid:02d}", today=TODAY)
    db = str(front.path)
    front.close()

    def ranking_header(path) -> list:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("经纪人排行榜").to_python()
        return next(r for r in rows if r and r[0] == "名次")

    out = tmp_path / "r.xlsx"
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(out)]) == 0
    assert ranking_header(out)[-1] == "服务客户数"              # the setting's default: off
    assert funnel_rows(out)[1][-1] == ["合计", 3.0, 3.0, 2.0, 2 / 3, 6.000001]
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(out), "--force", "--front-office"]) == 0
    assert ranking_header(out)[-2:] == ["对接项目数", "签约率"]
    pdf = tmp_path / "r.pdf"
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(pdf)]) == 0
    assert "对接漏斗" not in pdf_text(pdf, poppler=True)           # a PDF is the ranking alone …
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(pdf), "--force", "--statistics"]) == 0
    assert "2026 年对接漏斗：需求 → 对接 → 签约" in pdf_text(pdf, poppler=True)  # … unless asked
    from broker_desk.ledger import Ledger

    with Ledger.open(db) as again:
        again.set_setting("rankings.front_office", True)
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(out), "--force"]) == 0
    assert ranking_header(out)[-2:] == ["对接项目数", "签约率"]   # the ledger's setting …
    assert main(["--db", db, "rankings", "--year", "2026", "--out", str(out), "--force", "--no-front-office"]) == 0
    assert ranking_header(out)[-1] == "服务客户数"              # … unless told otherwise
    capsys.readouterr()


def test_the_funnel_sheet_in_english(front, tmp_path):
    i18n.set_language("en")
    stats = statistics.compute(front, 2026, today=TODAY)
    path = rankings_report.write_xlsx(front, rankings.compute(front, 2026), stats, tmp_path / "r.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("Funnel").to_python()
    header = next(r for r in rows if r and r[0] == "Broker")
    assert header[1:5] == ["Demands", "Engagements", "Signed", "Signing rate"]
    assert rows[-1] == ["Total", 3.0, 3.0, 2.0, 2 / 3, 6.000001]
