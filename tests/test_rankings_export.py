"""Rankings to Excel and PDF, and the ``rankings`` command (issue 6): the figures read back
with a second reader (python-calamine; pdftotext or pdfplumber), the charts, the fonts,
the all-or-nothing write."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from pdftools import fonts, pdf_text
from rankings_ledger import BROKERS_2024, INSTITUTIONS_2024, TODAY, TOTALS_2024, build
from report_tools import ledger_file, sheets, table_after

from broker_desk import rankings, statistics
from broker_desk.cli import main
from broker_desk.money import wan_text
from broker_desk.reports import rankings as rankings_report


@pytest.fixture
def hand(ledger):
    build(ledger)
    return ledger


def yuan(fen: int) -> float:
    return fen / 100


# -- Excel ---------------------------------------------------------------------------------------------

def test_xlsx_ranking_sheet_read_back(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    stats = statistics.compute(hand, 2024, today=TODAY)
    path = rankings_report.write_xlsx(hand, ranking, stats, tmp_path / "r.xlsx")
    assert path == tmp_path / "r.xlsx"
    book = sheets(path)
    assert list(book) == ["经纪人排行榜", "前十名", "计入明细", "按合同类别", "按技术领域", "按买方地区", "按月份",
                          "主要买方卖方", "登记时长与超期", "对接漏斗"]
    rows = book["经纪人排行榜"]
    assert rows[0][0] == "2024 年技术经纪人排行榜"
    block = [r[0] for r in rows[1:7]]
    assert "统计期间：2024-01-01 至 2024-12-31（登记日期在此期间、状态为已登记的技术合同）" in block
    assert f"排序规则：{ranking.rule_text}" in block
    assert any(str(line).startswith("生成时间：") for line in block)
    assert f"数据来源：{ranking.ledger_path}" in block
    header, body = table_after(rows, "名次")
    assert [h.replace("\n", "") for h in header] == ["名次", "姓名", "所属机构", "登记合同数", "成交额（万元）",
                                                     "核定技术交易额（万元）", "佣金（万元）", "服务客户数"]
    expected = [[rank, name, inst, n, a / 1e6, p / 1e6, c / 1e6, k]
                for rank, name, inst, n, a, p, c, k in BROKERS_2024]
    assert body[:-1] == expected  # real numbers: 万元 as on the screen and in the PDF, counts as integers
    n, a, p, c, k = TOTALS_2024
    assert body[-1] == ["合计", "", "", n, a / 1e6, p / 1e6, c / 1e6, k]


def test_xlsx_number_formats_frozen_header_and_charts(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    path = rankings_report.write_xlsx(hand, ranking, statistics.compute(hand, 2024, today=TODAY),
                                      tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
        assert len(charts) == 5  # the top ten, and one per category, field, province and month sheet
        top = z.read("xl/charts/chart1.xml").decode()
        assert "<c:barChart>" in top and "前十名!$B$6:$B$11<" in top  # the six rows
        styles = z.read("xl/styles.xml").decode()
        assert 'formatCode="#,##0.00"' in styles and 'formatCode="#,##0"' in styles
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
        assert 'state="frozen"' in sheet1 and "<cols>" in sheet1


def test_xlsx_top_ten_sheet(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    path = rankings_report.write_xlsx(hand, ranking, None, tmp_path / "r.xlsx")
    book = sheets(path)
    assert list(book) == ["经纪人排行榜", "前十名", "计入明细"]  # no statistics given: no statistics sheets
    _, body = table_after(book["前十名"], "名次")
    assert [(r[0], r[1], r[3]) for r in body] == [(rank, name, approved / 1_000_000)
                                                  for rank, name, _, _, _, approved, _, _ in BROKERS_2024]


def test_xlsx_contributions_let_anyone_check_a_figure(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    path = rankings_report.write_xlsx(hand, ranking, None, tmp_path / "r.xlsx")
    header, body = table_after(sheets(path)["计入明细"], "名次")
    assert [h.replace("\n", "") for h in header][:10] == [
        "名次", "经纪人", "合同编号", "登记编号", "项目名称", "登记日期", "买方", "卖方", "经纪人及份额", "份额"]
    by_name: dict[str, list] = {}
    for row in body:
        by_name.setdefault(row[1], []).append(row)
    assert list(by_name) == [name for _, name, *_ in BROKERS_2024]
    for rank, name, _, contracts, amount, approved, commission, _ in BROKERS_2024:
        *items, subtotal = by_name[name]
        assert subtotal[2] == "小计" and subtotal[3] == f"{contracts} 份合同"
        assert subtotal[13:16] == [yuan(amount), yuan(approved), yuan(commission)]
        assert len(items) == contracts and {r[0] for r in by_name[name]} == {rank}
        # the counted amounts add up to the figure (to the fen)
        assert round(sum(r[13] for r in items), 2) == yuan(amount)
        assert round(sum(r[14] for r in items), 2) == yuan(approved)
    k1 = next(r for r in by_name["李四"] if r[2] == "HT-K1")
    assert k1[5] == dt.date(2024, 3, 10) and k1[8] == "张三(60%)；李四(40%)" and k1[9] == 0.4
    assert k1[10:16] == [1_000_000.0, 900_000.0, 30_000.0, 400_000.0, 360_000.0, 12_000.0]


def test_xlsx_institution_ranking(hand, tmp_path):
    ranking = rankings.compute(hand, 2024, by="institution")
    path = rankings_report.write_xlsx(hand, ranking, None, tmp_path / "i.xlsx")
    book = sheets(path)
    assert list(book)[0] == "机构排行榜"
    _, body = table_after(book["机构排行榜"], "名次")
    assert body[:-1] == [[rank, name, n, a / 1e6, p / 1e6, c / 1e6, k]
                         for rank, name, n, a, p, c, k in INSTITUTIONS_2024]


def test_xlsx_statistics_sheets(hand, tmp_path):
    stats = statistics.compute(hand, 2024, today=TODAY)
    path = rankings_report.write_xlsx(hand, rankings.compute(hand, 2024), stats, tmp_path / "r.xlsx")
    book = sheets(path)
    _, body = table_after(book["按合同类别"], "合同类别")
    assert body == [[g.label, g.contracts, g.amount_fen / 1e6, g.tech_fen / 1e6, g.approved_fen / 1e6]
                    for g in stats.by_category] + [["合计", 7, 285.0, 280.0, 270.0]]
    _, body = table_after(book["按月份"], "月份")
    assert [r[0] for r in body] == [f"2024-{m:02d}" for m in range(1, 13)] + ["合计"]
    _, body = table_after(book["按买方地区"], "买方所在省份")
    assert [r[:3] for r in body[:-1]] == [["北京市", 3, 155.0], ["上海市", 2, 60.0], ["（未填地区）", 1, 40.0],
                                         ["广东省", 1, 30.0]]
    parties = book["主要买方卖方"]
    _, buyers = table_after(parties, "名次")
    assert buyers[0] == [1, "北京甲公司", 2, 130.0]
    duration = book["登记时长与超期"]
    _, body = table_after(duration, "合同数")
    assert body[0][:3] == [7, 20.0, 45]
    assert any("截至 2024-12-31 超过办理时限的已受理合同：1 份" in str(r[0]) for r in duration)
    _, overdue = table_after(duration, "合同编号")
    assert overdue[0][0] == "HT-K8" and overdue[0][-1] == 29  # due Monday 2024-12-02 (the 30th day a Sunday)


def test_xlsx_cancelled_or_failed_leaves_nothing(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.xlsx"
    assert rankings_report.write_xlsx(hand, ranking, None, target, cancelled=lambda: True) is None
    assert list(folder.iterdir()) == []
    target.write_bytes(b"old")
    calls = iter([False, False, True])
    seen = []
    assert rankings_report.write_xlsx(hand, ranking, None, target, progress=lambda f, m: seen.append(f),
                                      cancelled=lambda: next(calls, True)) is None
    assert target.read_bytes() == b"old" and sorted(p.name for p in folder.iterdir()) == ["r.xlsx"]
    assert seen and all(0 <= f <= 1 for f in seen)
    # a write that fails half-way leaves no file either
    with pytest.raises(ZeroDivisionError):
        rankings_report.write_xlsx(hand, ranking, None, folder / "x.xlsx", progress=lambda f, m: 1 / 0)
    assert sorted(p.name for p in folder.iterdir()) == ["r.xlsx"]


# -- PDF -------------------------------------------------------------------------------------------------

def wan(fen: int) -> str:
    whole, frac = wan_text(fen).split(".")
    return f"{int(whole):,}.{frac}"


def test_pdf_text_has_every_rank_and_figure(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    path = rankings_report.write_pdf(hand, ranking, tmp_path / "r.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "2024 年技术经纪人排行榜" in lines
    assert "统计期间：2024-01-01 至 2024-12-31（登记日期在此期间、状态为已登记的技术合同）" in lines
    assert any(line.startswith("排序规则：按核定技术交易额、登记合同数从高到低排序，数值相同者名次并列")
               for line in lines)
    for rank, name, inst, n, a, p, c, k in BROKERS_2024:
        expected = " ".join(str(x) for x in (rank, name, inst, n, wan(a), wan(p), wan(c), k) if x != "")
        assert expected in lines, expected
    n, a, p, c, k = TOTALS_2024
    assert f"合计 {n} {wan(a)} {wan(p)} {wan(c)} {k}" in lines
    assert "前十名：核定技术交易额（万元）" in lines
    assert "第1页共1页" in text.replace(" ", "")  # pdftotext drops the spaces between hanzi and digits
    found = fonts(path)
    assert found and all(f.embedded for f in found), found
    assert all("NotoSansSC" in f.name for f in found), found


def test_pdf_pages_repeat_the_header_and_count_pages(demo_ledger, tmp_path):
    ranking = rankings.compute(demo_ledger, 2025)
    # a long ranking: the demo's rows, repeated under new names and ranks
    rows = [rankings.RankingRow(i + 1, i + 1, f"经纪人{i + 1:03d}", row.institution, *figures)
            for i, row in enumerate(ranking.rows * 12)
            for figures in [(row.contracts, row.amount_fen, row.approved_fen, row.commission_fen, row.clients)]]
    ranking.rows = rows
    stats = statistics.compute(demo_ledger, 2025, today=dt.date(2026, 6, 15))
    path = rankings_report.write_pdf(demo_ledger, ranking, tmp_path / "r.pdf", statistics=stats)
    pages = [p for p in pdf_text(path).split("\f") if p.strip()]
    total = len(pages)
    assert total >= 4
    for number, page in enumerate(pages, 1):
        assert f"第{number}页共{total}页" in page.replace(" ", "")
    table_pages = [p for p in pages if re.search(r"经纪人\d{3}", p)]
    assert len(table_pages) >= 3
    for page in table_pages:  # the table's header on every page it runs over
        assert "名次" in page and "登记合同数" in page and "所属机构" in page
    last = next(p for p in pages if f"经纪人{len(rows):03d}" in p)
    assert "合计" in last
    stats_start = next(i for i, p in enumerate(pages) if "2025 年技术合同登记统计" in p)
    assert stats_start > pages.index(last)  # the statistics start on a page of their own
    assert "登记用时" in pages[-1] and "超过办理时限的已受理合同：" in pages[-1]
    assert all(f.embedded for f in fonts(path))


def test_pdf_institutions_and_empty_ranking(hand, tmp_path):
    ranking = rankings.compute(hand, 2024, by="institution")
    text = pdf_text(rankings_report.write_pdf(hand, ranking, tmp_path / "i.pdf"))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for rank, name, n, a, p, c, k in INSTITUTIONS_2024:
        assert f"{rank} {name} {n} {wan(a)} {wan(p)} {wan(c)} {k}" in lines
    empty = rankings.compute(hand, 2010)
    text = pdf_text(rankings_report.write_pdf(hand, empty, tmp_path / "e.pdf"))
    assert "本期间没有计入排行榜的登记合同。" in text


def test_pdf_cancelled_leaves_nothing(hand, tmp_path):
    ranking = rankings.compute(hand, 2024)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.pdf"
    assert rankings_report.write_pdf(hand, ranking, target, cancelled=lambda: True) is None
    assert list(folder.iterdir()) == []
    target.write_bytes(b"old")
    ticks = iter([False, False, False])  # cancelled while the pages are being laid out
    assert rankings_report.write_pdf(hand, ranking, target, cancelled=lambda: not next(ticks, False)) is None
    assert target.read_bytes() == b"old" and [p.name for p in folder.iterdir()] == ["r.pdf"]


# -- the command ------------------------------------------------------------------------------------------

@pytest.fixture
def db(tmp_path):
    return ledger_file(tmp_path, build)


def test_cli_rankings_xlsx_and_pdf(db, tmp_path, capsys):
    out = tmp_path / "排行榜.xlsx"
    assert main(["--db", db, "rankings", "--year", "2024", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已写出“2024 年技术经纪人排行榜”：6 行，计入合同 6 份" in said and str(out) in said
    _, body = table_after(sheets(out)["经纪人排行榜"], "名次")
    assert [r[1] for r in body[:-1]] == [name for _, name, *_ in BROKERS_2024]
    assert "按合同类别" in sheets(out)
    pdf = tmp_path / "机构.pdf"
    assert main(["--db", db, "rankings", "--year", "2024", "--to-year", "2025", "--by", "institution",
                 "--out", str(pdf)]) == 0
    assert "2024—2025 年技术经纪人所属机构排行榜" in capsys.readouterr().out
    assert "2024—2025 年技术经纪人所属机构排行榜" in pdf_text(pdf)


@pytest.mark.parametrize("args, message", [
    (["--year", "2025", "--to-year", "2024", "--out", "{dir}/r.xlsx"], "截止年份 2024 早于起始年份 2025"),
    (["--year", "2024", "--out", "{dir}/r.docx"], "不是 .xlsx 或 .pdf 文件名"),
    (["--year", "2024", "--out", "{dir}/no/such/r.xlsx"], "不存在"),
    (["--year", "2024", "--by", "team", "--out", "{dir}/r.xlsx"], "参数有误"),
    (["--out", "{dir}/r.xlsx"], "参数有误"),
])
def test_cli_rankings_bad_arguments(db, tmp_path, capsys, args, message):
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    try:
        code = main(["--db", db, "rankings", *args])
    except SystemExit as e:  # argparse's own refusals
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith(("错误", "参数有误"))]) == 1
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("hand.brokerdesk")]


def test_cli_rankings_refuses_to_overwrite_without_force(db, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    assert main(["--db", db, "rankings", "--year", "2024", "--out", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"old"
    assert main(["--db", db, "rankings", "--year", "2024", "--out", str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
