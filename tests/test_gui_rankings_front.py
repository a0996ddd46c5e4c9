"""The 排行榜 page's extra columns 对接项目数 and 签约率 (issue 17): off by default, a checkbox on
the page that is the ledger's ``rankings.front_office`` setting (the same as in 设置), the rows'
order unchanged, and the page's Excel export with the columns exactly when the page shows them."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from PySide6.QtCore import Qt  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from test_front_office import _funnel_ledger  # noqa: E402

from broker_desk import i18n  # noqa: E402
from broker_desk.gui.rankings_page import RankingsPage  # noqa: E402

TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def front(ledger, make):
    """The funnel ledger of test_front_office with both signed contracts registered in 2026:
    张三 ranks first (HT-1 at 60 % and HT-2), 李四 second (HT-1 at 40 %). 李四 gets one more
    engagement, so by engagements he would come first: 张三 2 engagements, 2 signed; 李四 3, 1."""
    _, li, _ = _funnel_ledger(ledger, make)
    for cid in (1, 2):
        ledger.move(cid, "待提交", "2026-07-03")
        ledger.move(cid, "已受理", "2026-07-04", reg_office="杭州市技术合同登记处")
        ledger.move(cid, "已登记", "2026-07-10", reg_no=f"20263301010000{cid:02d}", today=TODAY)
    demand = ledger.conn.execute("SELECT id FROM demands WHERE title = '需求2'").fetchone()[0]
    ledger.add("engagement", {"title": "对接5", "demand_id": demand, "started_on": "2026-04-01",
                              "brokers": [(li, 100)]})
    return ledger


@pytest.fixture
def page(front, qtbot):
    p = RankingsPage(front, today=TODAY)
    qtbot.addWidget(p)
    p.resize(1366 - 176, 700)
    p.show()
    p.period.set_period(2026)  # (the default is the last complete year)
    return p


def headers(page: RankingsPage) -> list[str]:
    m = page.model
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]


def shown(page: RankingsPage) -> list[list[str]]:
    m = page.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def ranking_sheet(path) -> tuple[list, list[list]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "名次")
    return rows[start], [r for r in rows[start + 1:] if r and r[0] != ""]


def test_the_columns_are_off_by_default_and_the_checkbox_shows_them_in_the_same_order(page, front, tmp_path):
    assert not page.front_office_box.isChecked()
    assert "对接项目数" not in headers(page) and "签约率" not in headers(page)
    plain = shown(page)
    assert [row[:2] for row in plain] == [["1", "张三"], ["2", "李四"]]
    header, body = ranking_sheet(page.export_xlsx(tmp_path / "plain.xlsx"))
    assert header[-1] == "服务客户数" and "签约率" not in header

    page.front_office_box.setChecked(True)
    assert front.setting("rankings.front_office") is True    # saved in the ledger
    assert page.ranking.front_office
    assert headers(page)[-2:] == ["对接项目数", "签约率"]
    rows = shown(page)
    assert [row[:-2] for row in rows] == plain                  # the same rows in the same order …
    assert [row[-2:] for row in rows] == [["2", "100.0%"], ["3", "33.3%"]]  # … though 李四 has more
    assert "对接项目 4 个　签约率 50.0%" in page.totals.text()

    header, body = ranking_sheet(page.export_xlsx(tmp_path / "front.xlsx"))
    assert header[-2:] == ["对接项目数", "签约率"]
    assert [(r[0], r[1], r[-2], r[-1]) for r in body] == [(1.0, "张三", 2.0, 1.0), (2.0, "李四", 3.0, 1 / 3),
                                                           ("合计", "", 4.0, 0.5)]

    page.front_office_box.setChecked(False)
    assert front.setting("rankings.front_office") is False
    assert "签约率" not in headers(page) and shown(page) == plain
    header, _ = ranking_sheet(page.export_xlsx(tmp_path / "again.xlsx"))
    assert "签约率" not in header


def test_by_institution_the_columns_count_each_engagement_once(page, front):
    page.front_office_box.setChecked(True)
    page.set_by("institution")
    assert shown(page) == [["1", "甲中心", "甲中心", "2", "6.00", "6.00", "0.00", "2", "4", "50.0%"]]


def test_the_page_and_the_settings_dialog_are_one_setting(page, front, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(front)
    qtbot.addWidget(dialog)
    dialog.front_office.setChecked(True)
    dialog.accept()
    page.refresh()                     # what the window does after the settings dialog
    assert page.front_office_box.isChecked() and headers(page)[-2:] == ["对接项目数", "签约率"]
    page.front_office_box.setChecked(False)
    again = SettingsDialog(front)
    qtbot.addWidget(again)
    assert not again.front_office.isChecked()


def test_the_columns_in_english(front, qtbot):
    i18n.set_language("en")
    front.set_setting("rankings.front_office", True)
    p = RankingsPage(front, today=TODAY)
    qtbot.addWidget(p)
    p.show()
    p.period.set_period(2026)
    assert p.front_office_box.isChecked() and p.front_office_box.text() == "Show engagements and signing rate"
    assert headers(p)[-2:] == ["Engagements", "Signing rate"]
    assert "4 engagements · signing rate 50.0%" in p.totals.text()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_at_1024_the_extra_columns_fit_without_scrolling_sideways(front, qtbot, language):
    i18n.set_language(language)
    front.set_setting("rankings.front_office", True)
    p = RankingsPage(front, today=TODAY)
    qtbot.addWidget(p)
    p.resize(1024 - 176, 700 - 90)  # the page in a 1024×700 window (beside the navigation)
    p.show()
    p.period.set_period(2026)
    qtbot.wait(20)
    header = p.table.horizontalHeader()
    assert header.count() == 10 and not p.table.horizontalScrollBar().isVisible()
    assert header.length() <= p.table.viewport().width()
    institution = header.sectionSize(2)
    assert institution >= 56 and header.sectionSize(1) >= header.sectionSizeHint(1)  # names never cut
    assert "\n" in headers(p)[5]  # the units on a second line make the room
    for picker in (p.period.from_box, p.period.to_box, *p.by_buttons.values(), p.order_box):
        assert picker.width() >= picker.sizeHint().width()  # the export buttons moved beside the title
