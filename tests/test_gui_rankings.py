"""The 排行榜 and 统计 pages against the core's figures (pytest-qt, offscreen)."""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from broker_desk import rankings, statistics  # noqa: E402
from broker_desk.gui import jobs  # noqa: E402
from broker_desk.gui.charts import Bar, BarChart, ColumnChart, nice_step  # noqa: E402
from broker_desk.gui.rankings_page import COLUMNS, RankingsPage  # noqa: E402
from broker_desk.gui.report_view import default_year  # noqa: E402
from broker_desk.gui.statistics_page import StatisticsPage  # noqa: E402
from broker_desk.listing import Filters, list_ids  # noqa: E402
from broker_desk.money import to_wan, wan_text  # noqa: E402

YEAR = DEMO_TODAY.year - 1  # the last complete year: the pages' default




@pytest.fixture
def page(demo_ledger, qtbot):
    p = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    return p


@pytest.fixture
def stats_page(demo_ledger, qtbot):
    p = StatisticsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(p)
    p.resize(1400, 1000)
    p.show()
    return p




def shown(page: RankingsPage) -> list[list[str]]:
    m = page.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def expected(ranking: rankings.Ranking) -> list[list[str]]:
    return [[str(r.rank), r.name, r.institution, f"{r.contracts:,}", wan_text(r.amount_fen),
             wan_text(r.approved_fen), wan_text(r.commission_fen), f"{r.clients:,}"] for r in ranking.rows]


# === 排行榜 ======================================================================================

def test_the_page_shows_the_core_ranking_of_the_last_complete_year(page, demo_ledger):
    assert page.period.period() == (YEAR, YEAR)
    core = rankings.compute(demo_ledger, YEAR)
    assert len(core.rows) > 5
    assert page.model.rowCount() == len(core.rows)
    assert shown(page) == expected(core)
    assert len({r.rank for r in core.rows}) > 1
    t = core.totals
    for figure in (f"{t.contracts:,}", wan_text(t.amount_fen), wan_text(t.approved_fen), wan_text(t.commission_fen)):
        assert figure in page.totals.text()
    assert core.rule_text in page.rule.text()
    assert page.title.text() == core.title
    bars = page.chart.bars()  # the top ten, by the measure ranked first (核定技术交易额)
    assert [b.label for b in bars] == [r.name for r in core.rows[:10]]
    assert [b.text for b in bars] == [wan_text(r.approved_fen) for r in core.rows[:10]]
    assert page.xlsx_button.isEnabled() and page.pdf_button.isEnabled()


def test_another_period_and_a_span_of_years(page, demo_ledger):
    page.period.set_period(YEAR - 1)
    assert shown(page) == expected(rankings.compute(demo_ledger, YEAR - 1))
    page.period.to_box.setCurrentIndex(page.period.to_box.findData(YEAR))
    assert page.period.period() == (YEAR - 1, YEAR)
    span = rankings.compute(demo_ledger, YEAR - 1, YEAR)
    assert shown(page) == expected(span)
    assert page.title.text() == span.title and "—" in span.title
    # a first year after the last one moves the last one along
    page.period.from_box.setCurrentIndex(page.period.from_box.findData(YEAR + 1))
    assert page.period.period() == (YEAR + 1, YEAR + 1)


def test_grouping_by_institution_changes_the_rows(page, demo_ledger, qtbot):
    by_broker = shown(page)
    qtbot.mouseClick(page.by_buttons["institution"], Qt.MouseButton.LeftButton)
    assert page.by() == "institution"
    core = rankings.compute(demo_ledger, YEAR, by="institution")
    assert shown(page) == expected(core)
    assert shown(page) != by_broker and len(core.rows) < len(by_broker)
    assert page.table.isColumnHidden(COLUMNS.index("institution"))
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "机构"
    qtbot.mouseClick(page.by_buttons["broker"], Qt.MouseButton.LeftButton)
    assert shown(page) == by_broker
    assert not page.table.isColumnHidden(COLUMNS.index("institution"))


def test_the_order_measure_changes_rule_and_order_and_is_saved_in_the_ledger(page, demo_ledger, qtbot):
    before_rule, before_rows = page.rule.text(), shown(page)
    assert page.order_box.currentData() == "approved"
    page.order_box.setCurrentIndex(page.order_box.findData("contracts"))
    assert demo_ledger.setting("rankings.order") == ["contracts", "approved", "name"]
    core = rankings.compute(demo_ledger, YEAR)  # by the saved setting
    assert core.order == ["contracts", "approved", "name"]
    assert page.rule.text() != before_rule and core.rule_text in page.rule.text()
    assert shown(page) == expected(core) and shown(page) != before_rows
    counts = [r.contracts for r in core.rows]
    assert counts == sorted(counts, reverse=True)
    assert "登记合同数 ▼" == page.model.headerData(COLUMNS.index("contracts"), Qt.Orientation.Horizontal)
    assert [b.text for b in page.chart.bars()] == [f"{r.contracts:,}" for r in core.rows[:10]]
    # a new page on the ledger starts with the saved rule; choosing the first measure again restores it
    again = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(again)
    assert again.order_box.currentData() == "contracts"
    again.set_first_measure("approved")
    assert demo_ledger.setting("rankings.order") == ["approved", "contracts", "name"]


def test_export_to_excel_writes_a_workbook_a_second_reader_confirms(page, demo_ledger, tmp_path):
    from python_calamine import CalamineWorkbook

    core = rankings.compute(demo_ledger, YEAR)
    written = page.export_xlsx(tmp_path / "排行榜")  # the suffix is added
    assert written == tmp_path / "排行榜.xlsx" and written.is_file()
    assert "已导出" in page.status.text() and str(written) in page.status.text()
    book = CalamineWorkbook.from_path(str(written))
    assert "按合同类别" in book.sheet_names  # the statistics of the period come along
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert any(core.title in str(v) for row in rows[:5] for v in row)
    for r in core.rows:
        line = next(row for row in rows if r.name in row and r.institution in row)
        assert r.approved_fen / 1e6 in line and r.amount_fen / 1e6 in line and r.contracts in line


def test_export_to_pdf_writes_a_document_whose_text_has_the_ranking(page, demo_ledger, tmp_path):
    core = rankings.compute(demo_ledger, YEAR)
    written = page.export_pdf(tmp_path / "ranking.pdf")
    assert written == tmp_path / "ranking.pdf" and written.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(written), "-"], capture_output=True, text=True,
                              check=True).stdout
    else:
        pdfplumber = pytest.importorskip("pdfplumber")
        with pdfplumber.open(written) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert core.title in text
    plain = text.replace(",", "")  # the PDF writes 4,852.78 万元
    for r in core.rows[:5]:
        assert r.name in text and wan_text(r.approved_fen) in plain


def test_a_cancelled_or_failed_export_writes_nothing_and_says_so(page, tmp_path, monkeypatch):
    def cancel(_parent, _title, _fn):
        raise jobs.Cancelled()

    monkeypatch.setattr(jobs, "run_job", cancel)
    assert page.export_xlsx(tmp_path / "x.xlsx") is None
    assert not (tmp_path / "x.xlsx").exists() and "取消" in page.status.text()
    monkeypatch.setattr(jobs, "run_job", lambda _p, _t, fn: fn(lambda *_: None, lambda: True))  # cancelled at once
    assert page.export_pdf(tmp_path / "y.pdf") is None
    assert not (tmp_path / "y.pdf").exists() and "取消" in page.status.text()


def test_the_default_year_is_the_last_complete_one_with_registrations():
    assert default_year([2026, 2025, 2024], DEMO_TODAY) == 2025
    assert default_year([2026], DEMO_TODAY) == 2026
    assert default_year([2023, 2022], DEMO_TODAY) == 2023
    assert default_year([], DEMO_TODAY) == 2026


def test_an_empty_ledger_shows_an_empty_ranking(ledger, qtbot):
    p = RankingsPage(ledger, today=DEMO_TODAY)
    qtbot.addWidget(p)
    p.show()
    assert p.period.period() == (DEMO_TODAY.year, DEMO_TODAY.year)
    assert p.model.rowCount() == 0 and p.chart.bars() == []
    assert not p.xlsx_button.isEnabled() and "没有" in p.chart.empty_text
    p.chart.grab()  # paints its empty state


# === a row's contracts ==========================================================================

def test_enter_on_a_broker_row_shows_that_brokers_contracts(window, demo_ledger, qtbot):
    window.nav.setCurrentRow(window.stack.indexOf(window.rankings))
    page = window.rankings
    assert window.stack.currentWidget() is page
    row = 2
    item = page.model.row_at(row)
    window.activateWindow()  # keys reach a widget's shortcuts only in the active window
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus)
    page.table.setCurrentIndex(page.model.index(row, 1))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.nav.currentRow() == 1
    contracts = window.pages["contract"]
    want = rankings.contract_ids(demo_ledger, YEAR, YEAR, "broker", item.key)
    assert len(want) == item.contracts
    assert sorted(contracts.model.ids()) == sorted(want)
    assert contracts.ids_bar.isVisibleTo(contracts) and item.name in contracts.ids_label.text()
    assert str(len(want)) in contracts.ids_label.text()
    qtbot.mouseClick(contracts.ids_bar.findChild(type(page.xlsx_button)), Qt.MouseButton.LeftButton)  # 显示全部
    assert contracts.model.rowCount() == 1500 and not contracts.ids_bar.isVisibleTo(contracts)


def test_a_double_click_or_a_bar_opens_an_institutions_contracts(window, demo_ledger, qtbot):
    window.nav.setCurrentRow(window.stack.indexOf(window.rankings))
    page = window.rankings
    page.set_by("institution")
    item = page.model.row_at(1)
    rect = page.table.visualRect(page.model.index(1, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt 6 wants
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a press first
    want = rankings.contract_ids(demo_ledger, YEAR, YEAR, "institution", item.key)
    assert window.nav.currentRow() == 1
    assert sorted(window.pages["contract"].model.ids()) == sorted(want) and len(want) == item.contracts
    window.nav.setCurrentRow(window.stack.indexOf(window.rankings))
    first = page.model.row_at(0)
    hit = page.chart._hit_rects()[0]
    qtbot.mouseClick(page.chart, Qt.MouseButton.LeftButton, pos=hit.center().toPoint())
    want = rankings.contract_ids(demo_ledger, YEAR, YEAR, "institution", first.key)
    assert window.nav.currentRow() == 1 and sorted(window.pages["contract"].model.ids()) == sorted(want)


def test_the_pages_have_their_place_and_shortcut_after_the_lists(window):
    for key, row, page in (("Ctrl+8", 7, window.rankings), ("Ctrl+9", 8, window.statistics)):
        action = next(a for a in window.actions() if QKeySequence(key) in a.shortcuts())
        window.nav.setCurrentRow(0)
        action.trigger()
        assert window.nav.currentRow() == row and window.stack.currentWidget() is page
        assert window.current_entity() is None
        window.delete_selected()  # nothing to delete on these pages, and no error


def test_the_filter_by_ids_lists_exactly_those_contracts_in_list_order(demo_ledger):
    everything = list_ids(demo_ledger, "contract")
    some = everything[10:40:3]
    assert list_ids(demo_ledger, "contract", filters=Filters(ids=tuple(reversed(some)))) == some
    assert list_ids(demo_ledger, "contract", filters=Filters(ids=())) == []
    assert list_ids(demo_ledger, "contract", "研究", Filters(ids=tuple(some))) == [
        i for i in list_ids(demo_ledger, "contract", "研究") if i in some]


# === computing off the GUI thread ================================================================

def test_the_ranking_is_computed_off_the_gui_thread_and_only_the_latest_answer_shows(demo_ledger, qtbot,
                                                                                      monkeypatch):
    threads = []
    compute = rankings.compute

    def recorded(*args, **kwargs):
        threads.append(threading.get_ident())
        return compute(*args, **kwargs)

    monkeypatch.setattr(rankings, "compute", recorded)
    jobs.SYNCHRONOUS = False
    p = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.computed, timeout=20000):
        p.show()
        assert p.background.busy and p.count.text() == "正在计算…"
    years = []
    p.computed.connect(lambda: years.append(p.ranking.year_from))
    with qtbot.waitSignal(p.computed, timeout=20000):
        p.period.set_period(YEAR - 1)
        p.period.set_period(YEAR)  # asked again before the first answer: that one is dropped
    jobs.wait_for_readers()
    qtbot.wait(100)
    assert len(threads) == 3 and threading.get_ident() not in threads
    assert years == [YEAR] and p.ranking.year_from == YEAR and not p.background.busy
    assert shown(p) == expected(compute(demo_ledger, YEAR))


# === 统计 =========================================================================================

def test_statistics_cards_equal_the_core_figures(stats_page, demo_ledger):
    core = statistics.compute(demo_ledger, YEAR, today=DEMO_TODAY)
    cards = {k: c.value.text() for k, c in stats_page.cards.items()}
    t = core.totals
    assert t.contracts > 100
    assert cards == {"contracts": f"{t.contracts:,}", "amount": wan_text(t.amount_fen),
                     "tech": wan_text(t.tech_fen), "approved": wan_text(t.approved_fen),
                     "median": f"{core.duration.median_days:g}", "overdue": str(core.overdue.count)}
    assert str(core.duration.p90_days) in stats_page.cards["median"].detail.text()
    assert core.overdue_as_of.isoformat() in stats_page.cards["overdue"].detail.text()
    assert stats_page.title.text() == f"{YEAR} 年技术合同登记统计"
    buyers = stats_page.parties["top_buyers"]
    assert [buyers.topLevelItem(i).text(1) for i in range(buyers.topLevelItemCount())] == [
        p.name for p in core.top_buyers]
    sellers = stats_page.parties["top_sellers"]
    assert [sellers.topLevelItem(i).text(3) for i in range(sellers.topLevelItemCount())] == [
        wan_text(p.amount_fen) for p in core.top_sellers]


def test_statistics_charts_have_a_bar_per_group(stats_page, demo_ledger):
    core = statistics.compute(demo_ledger, YEAR, today=DEMO_TODAY)
    charts = stats_page.charts
    assert [b.label for b in charts["category"].bars()] == [g.label for g in core.by_category]
    assert [b.value for b in charts["category"].bars()] == [float(to_wan(g.amount_fen)) for g in core.by_category]
    assert len(charts["field"].bars()) == len(core.by_field) >= 10
    assert len(core.by_province) > 10 and len(charts["province"].bars()) == 10
    assert [b.label for b in charts["province"].bars()] == [g.label for g in core.by_province[:10]]
    assert [b.label for b in charts["month"].bars()] == [f"{m}月" for m in range(1, 13)]
    assert [b.value for b in charts["month"].bars()] == [float(to_wan(g.amount_fen)) for g in core.by_month]
    stats_page.measure_box.setCurrentIndex(stats_page.measure_box.findData("contracts"))
    assert [b.value for b in charts["field"].bars()] == [g.contracts for g in core.by_field]
    assert "登记合同数" in stats_page.chart_cards["field"].title.text()
    for chart in charts.values():
        chart.grab()  # paints


def test_statistics_for_a_span_of_years(stats_page, demo_ledger):
    stats_page.period.from_box.setCurrentIndex(stats_page.period.from_box.findData(YEAR - 2))
    core = statistics.compute(demo_ledger, YEAR - 2, YEAR, today=DEMO_TODAY)
    assert stats_page.cards["contracts"].value.text() == f"{core.totals.contracts:,}"
    months = stats_page.charts["month"].bars()
    assert len(months) == 36 and months[0].label == f"{YEAR - 2}-01" and months[-1].label == f"{YEAR}-12"


def test_the_overdue_card_opens_the_overdue_cases(window, demo_ledger, qtbot):
    window.nav.setCurrentRow(window.stack.indexOf(window.statistics))
    stats = window.statistics
    stats.period.set_period(DEMO_TODAY.year)  # not over yet: overdue as of today
    want = demo_ledger.overdue(DEMO_TODAY)
    assert want and stats.cards["overdue"].value.text() == str(len(want))
    qtbot.mouseClick(stats.cards["overdue"], Qt.MouseButton.LeftButton)
    assert window.nav.currentRow() == 1
    assert sorted(window.pages["contract"].model.ids()) == sorted(want)


def test_a_change_in_the_ledger_is_shown_when_the_page_is_next_shown(window, demo_ledger):
    window.nav.setCurrentRow(window.stack.indexOf(window.rankings))
    page = window.rankings
    top = page.model.row_at(0)
    window.nav.setCurrentRow(0)
    broker = demo_ledger.get("broker", top.key)
    demo_ledger.update("broker", top.key, {"name": broker["name"] + "甲"})
    window.refresh_all()
    assert page.model.text(0, "name") == top.name  # not recomputed while hidden
    window.nav.setCurrentRow(window.stack.indexOf(window.rankings))
    assert page.model.text(0, "name") == top.name + "甲"


# === the charts themselves =========================================================================

def test_bar_chart_rows_and_two_column_layout(qtbot):
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.set_bars([Bar(f"第{i}", 10 - i, str(10 - i)) for i in range(10)])
    one = chart._hit_rects()
    assert len(one) == 10 and one[1].top() > one[0].top() and one[0].left() == one[5].left()
    tall = chart.minimumHeight()
    chart.set_compact(True)
    two = chart._hit_rects()
    assert two[5].left() > two[0].left() and two[5].top() == two[0].top()
    assert chart.minimumHeight() < tall / 1.5
    clicked = []
    chart.barActivated.connect(clicked.append)
    chart.set_clickable(True)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=two[6].center().toPoint())
    assert clicked == [6]
    assert chart._bar_at(QPointF(-5, -5)) is None


def test_column_chart_grid_steps():
    assert nice_step(6810) == 2000 and nice_step(100) == 25 and nice_step(7) == 2 and nice_step(0) == 1
    chart = ColumnChart()
    chart.resize(400, 240)
    chart.set_bars([Bar(f"{m}月", m * 10.0, str(m * 10)) for m in range(1, 13)])
    rects = chart._hit_rects()
    assert len(rects) == 12 and all(a.right() <= b.left() + 0.01 for a, b in zip(rects, rects[1:], strict=False))
    chart.grab()
