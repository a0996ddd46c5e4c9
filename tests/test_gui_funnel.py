"""The 统计 page's 对接漏斗 section (issue 17) against the core's funnel (pytest-qt, offscreen):
the steps, 签约率 and 签约成交额, the table per broker and its sorting, the period picker, English,
and the 设置 checkbox for the rankings' extra columns."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QScrollArea  # noqa: E402
from test_front_office import _funnel_ledger  # noqa: E402

from broker_desk import i18n, rankings  # noqa: E402
from broker_desk.gui.statistics_page import StatisticsPage  # noqa: E402

TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def front(ledger, make):
    """2026: 3 demands, 3 engagements, 2 signed; 王五 has a demand and no engagement."""
    _funnel_ledger(ledger, make)
    wang = make.broker(name="王五", institution="乙中心")
    client = ledger.conn.execute("SELECT id FROM clients WHERE name = '甲公司'").fetchone()[0]
    ledger.add("demand", {"title": "需求王", "client_id": client, "broker_id": wang, "published_on": "2026-04-01"})
    return ledger


def stats_page(ledger, qtbot, width: int = 1366 - 176, height: int = 900) -> StatisticsPage:
    page = StatisticsPage(ledger, today=TODAY)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    page.period.set_period(2026)  # (the default is the last complete year)
    qtbot.wait(20)
    return page


def test_the_section_shows_the_periods_funnel(front, qtbot):
    page = stats_page(front, qtbot)
    f = page.funnel
    assert page.statistics.year_from == 2026
    assert f.title.text() == "2026 年对接漏斗：需求 → 对接 → 签约"
    assert [(b.label, b.value, b.text) for b in f.chart.bars()] == [
        ("技术需求", 4.0, "4"), ("对接项目", 3.0, "3"), ("已签约", 2.0, "2")]
    assert (f.cards["rate"].value.text(), f.cards["rate"].detail.text()) == ("66.7%", "签约 2 / 对接 3")
    assert f.cards["amount"].value.text() == "6.00"             # 6,000,001 fen in 万元
    header = f.table.headerItem()
    assert [header.text(c) for c in range(6)] == ["经纪人", "需求", "对接", "签约", "签约率", "签约成交额（万元）"]
    assert f.rows() == [["李四", "1", "2", "1", "50.0%", "0.40"],      # 40 % of 1,000,001 fen
                        ["王五", "1", "0", "0", "—", "0.00"],
                        ["张三", "2", "2", "2", "100.0%", "5.60"]]    # 60 % of it + 5,000,000 fen
    assert f.table.isVisible() and not f.empty.isVisible()
    assert f.table.height() >= f.table.header().height() + 3 * f.table.sizeHintForRow(0)  # every row, no scrolling


def test_the_table_sorts_by_any_column_by_value(front, qtbot):
    f = stats_page(front, qtbot).funnel
    table = f.table
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in f.rows()] == ["张三", "李四", "王五"]
    table.sortByColumn(3, Qt.SortOrder.DescendingOrder)     # 签约 2, 1, 0
    assert [r[0] for r in f.rows()] == ["张三", "李四", "王五"]
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)     # 需求 2, then 1 and 1 in the name order
    assert [r[0] for r in f.rows()] == ["张三", "李四", "王五"]
    table.sortByColumn(4, Qt.SortOrder.AscendingOrder)      # 签约率: no engagement (—) last
    assert [r[0] for r in f.rows()] == ["李四", "张三", "王五"]
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)      # equal counts keep the name order
    assert [r[0] for r in f.rows()] == ["王五", "李四", "张三"]
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)      # the core's name order (pinyin), not code points
    assert [r[0] for r in f.rows()] == [r.name for r in page_funnel(front).brokers] == ["李四", "王五", "张三"]


def page_funnel(ledger):
    from broker_desk import funnel

    return funnel.compute(ledger, 2026)


def test_the_section_follows_the_period_picker(front, qtbot):
    page = stats_page(front, qtbot)
    offered = [page.period.from_box.itemData(i) for i in range(page.period.from_box.count())]
    assert offered == [2026, 2025]  # no registered contract: the years of the demands and engagements
    page.period.set_period(2025)
    f = page.funnel
    assert [b.value for b in f.chart.bars()] == [1.0, 1.0, 0.0]
    assert f.cards["rate"].value.text() == "0.0%" and f.cards["amount"].value.text() == "0.00"
    assert f.rows() == [["李四", "1", "1", "0", "0.0%", "0.00"]]
    assert f.title.text().startswith("2025 年对接漏斗")
    page.period.set_period(2025, 2026)
    assert [b.value for b in f.chart.bars()] == [5.0, 4.0, 2.0]
    assert [r[:4] for r in f.rows()] == [["李四", "2", "3", "1"], ["王五", "1", "0", "0"], ["张三", "2", "2", "2"]]


def test_an_empty_period_says_so(ledger, qtbot):
    f = stats_page(ledger, qtbot).funnel
    assert [b.value for b in f.chart.bars()] == [0.0, 0.0, 0.0]
    assert f.cards["rate"].value.text() == "—" and f.rows() == []
    assert f.empty.isVisible() and not f.table.isVisible()


def test_the_section_in_english_fits_at_1024(front, qtbot):
    i18n.set_language("en")
    page = stats_page(front, qtbot, 1024 - 176, 620)
    f = page.funnel
    assert f.title.text() == "Front office funnel, 2026: demands → engagements → signed"
    assert [b.label for b in f.chart.bars()] == ["Demands", "Engagements", "Signed"]
    assert f.cards["rate"].detail.text() == "2 of 3 signed"
    assert [f.table.headerItem().text(c) for c in range(6)] == [
        "Broker", "Demands", "Engagements", "Signed", "Signing rate", "Signed (10k yuan)"]
    scroll = page.findChild(QScrollArea)
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()
    header = f.table.header()
    last = header.sectionViewportPosition(5) + header.sectionSize(5)
    assert last <= f.table.viewport().width()  # every column in view
    assert header.sectionSize(0) >= 80  # the names keep room


def test_the_settings_dialog_turns_the_rankings_extra_columns_on_and_off(front, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(front)
    qtbot.addWidget(dialog)
    assert not dialog.front_office.isChecked()
    dialog.front_office.setChecked(True)
    dialog.accept()
    assert front.setting("rankings.front_office") is True
    assert rankings.compute(front, 2026).front_office
    again = SettingsDialog(front)
    qtbot.addWidget(again)
    assert again.front_office.isChecked()
    again.front_office.setChecked(False)
    again.accept()
    assert not rankings.compute(front, 2026).front_office


def test_a_double_click_on_a_broker_opens_the_broker(window, demo_ledger, qtbot, monkeypatch):
    opened = []

    class Editor:
        def __init__(self, entity, id_):
            opened.append((entity, id_))

        def exec(self):
            return 0

    monkeypatch.setattr(window, "editor", Editor)
    window.nav.setCurrentRow(window.stack.indexOf(window.statistics))
    table = window.statistics.funnel.table
    assert table.topLevelItemCount() > 1
    item = table.topLevelItem(1)
    rect = table.visualItemRect(item)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt 6 wants a press first
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    name = demo_ledger.conn.execute("SELECT name FROM brokers WHERE id = ?", [opened[0][1]]).fetchone()[0]
    assert opened == [("broker", opened[0][1])] and name == item.text(0)
