"""The contract list's bar and columns (issue 15 leftovers): filter drop-downs that read in full in
either language at 1024 px, and a column dragged to a new place that stays there while the list is
searched, rebuilt and opened again; the home page filled when first shown when the window opens on
another page, and its tables one under the other in the 1280 px window it first opens in."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QBoxLayout  # noqa: E402

from broker_desk import i18n  # noqa: E402


def contract_page(ledger, qtbot, width: int):
    from broker_desk.gui.lists import ListPage

    page = ListPage(ledger, "contract")
    qtbot.addWidget(page)
    page.resize(width - 176, 600)  # the page beside the navigation
    page.show()
    qtbot.wait(20)
    return page


def reads_in_full(box) -> bool:
    """The current choice of a drop-down fits the room its frame and arrow leave."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    return box.fontMetrics().horizontalAdvance(box.currentText()) <= field.width()


def filters_placed(page) -> bool:
    """The filters beside the search box or under it, within the page, never over it."""
    search, row = page.search.geometry(), page.filter_row.geometry()
    if page.bar.direction() == QBoxLayout.Direction.LeftToRight:
        beside = row.left() > search.right()
    else:
        beside = row.top() > search.bottom()
    return beside and row.right() < page.width() and search.width() >= page.search.minimumWidth()


FILTERS = ("category", "status", "year", "broker")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_contract_filters_read_in_full_at_1024(demo_ledger, qtbot, language):
    i18n.set_language(language)
    page = contract_page(demo_ledger, qtbot, 1024)
    for key in FILTERS:
        box = page.filter_widgets[key]
        assert reads_in_full(box), (box.currentText(), box.width())
    assert filters_placed(page)
    # a longer choice widens its drop-down, and its list shows every choice whole
    status = page.filter_widgets["status"]
    status.setCurrentIndex(status.count() - 2)  # 不予登记, Refused
    qtbot.wait(20)
    assert reads_in_full(status) and filters_placed(page)
    status.showPopup()
    view = status.view()
    assert view.width() >= view.sizeHintForColumn(0)
    status.hidePopup()


def test_contract_filters_move_under_the_search_box_when_there_is_no_room(demo_ledger, qtbot):
    i18n.set_language("en")
    page = contract_page(demo_ledger, qtbot, 1366)
    assert page.bar.direction() == QBoxLayout.Direction.LeftToRight and filters_placed(page)
    margins = page.layout().contentsMargins()
    need = page.search.minimumWidth() + page.bar.spacing() + page.filter_row.sizeHint().width()
    page.resize(need + margins.left() + margins.right() - 1, 600)  # a little too narrow for one row
    qtbot.wait(20)
    assert page.bar.direction() == QBoxLayout.Direction.TopToBottom and filters_placed(page)
    assert all(reads_in_full(page.filter_widgets[k]) for k in FILTERS)
    page.resize(1366 - 176, 600)
    qtbot.wait(20)
    assert page.bar.direction() == QBoxLayout.Direction.LeftToRight and filters_placed(page)


def drag(widget, start: QPoint, end: QPoint) -> None:
    """A real mouse drag: press, moves with the button held, release (QTest's moves hold no button)."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, pos: QPoint, button, buttons) -> None:
        local = QPointF(pos)
        event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    steps = 8
    for i in range(1, steps + 1):
        send(QEvent.Type.MouseMove, start + (end - start) * i / steps, none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)


def visual_keys(page) -> list[str]:
    header = page.table.horizontalHeader()
    shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    return [page.model.columns[i].key for i in sorted(shown, key=header.visualIndex)]


def test_a_dragged_column_keeps_its_place(demo_ledger, qtbot):
    page = contract_page(demo_ledger, qtbot, 1366)
    header = page.table.horizontalHeader()
    keys = [c.key for c in page.model.columns]
    amount, title = keys.index("amount_fen"), keys.index("title")
    before = visual_keys(page)
    assert before.index("amount_fen") > before.index("title")
    # drag 合同成交额 by its header onto 项目名称
    y = header.height() // 2
    start = QPoint(header.sectionViewportPosition(amount) + header.sectionSize(amount) // 2, y)
    end = QPoint(header.sectionViewportPosition(title) + 5, y)
    drag(header.viewport(), start, end)
    moved = visual_keys(page)
    assert moved != before and moved.index("amount_fen") == before.index("title")
    assert sorted(moved) == sorted(before)
    # searching and refreshing rebuild the rows, not the order of the columns
    page.search.setText("科技")
    page.refresh()
    page.search.clear()
    assert visual_keys(page) == moved
    # a list opened again (another window, the next start) has them in the same order
    again = contract_page(demo_ledger, qtbot, 1366)
    assert visual_keys(again) == moved
    # and a main window's list as well
    from broker_desk.gui.main_window import MainWindow

    window = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(window)
    assert visual_keys(window.pages["contract"]) == moved


def test_home_is_filled_when_first_shown_if_the_window_opens_on_another_page(demo_ledger, qtbot):
    from broker_desk import dashboard
    from broker_desk.gui.main_window import MainWindow
    from broker_desk.gui.prefs import settings

    settings().setValue("main/page", 1)  # the contract list was in front when the window last closed
    window = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.wait(20)
    home = window.home
    assert window.stack.currentWidget() is window.pages["contract"]
    assert home.accepted.topLevelItemCount() == 0  # not read before it is wanted
    window.nav.setCurrentRow(0)
    qtbot.wait(20)
    s = dashboard.summary(demo_ledger, DEMO_TODAY)
    assert home.accepted.topLevelItemCount() == len(s.accepted) > 0
    assert home.cards[0].value.text() == f"{s.registered:,}"
    # shown once, it follows the ledger as before
    demo_ledger.update("contract", 7, {"note": "最近修改"})
    window.refresh_all()
    assert "修改技术合同" in home.recent.topLevelItem(0).text(2)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_home_tables_stack_in_the_window_as_first_opened(demo_ledger, qtbot, language):
    from broker_desk.gui.home import HomePage

    i18n.set_language(language)
    page = HomePage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(page)
    page.resize(1280 - 176, 700)  # the window opens at 1280 px where the screen has room
    page.show()
    qtbot.wait(20)
    assert page.grid.columns == 1
    assert page.accepted.header().sectionSize(1) >= 200  # titles read, not cut to a character
    page.resize(1366 - 176, 700)  # maximised on a 1366 px screen: side by side
    qtbot.wait(20)
    assert page.grid.columns == 2


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return])
def test_down_or_enter_in_the_search_box_moves_into_the_lists_first_row(demo_ledger, qtbot, key):
    page = contract_page(demo_ledger, qtbot, 1366)
    page.activateWindow()
    page.focus_search()
    qtbot.waitUntil(page.search.hasFocus)
    page.search.setText("技术")
    assert page.model.rowCount() > 1
    qtbot.keyClick(page.search, key)
    assert page.table.hasFocus() and not page.search.hasFocus()
    assert page.table.currentIndex().row() == 0 and page.selected_id() == page.model.id_at(0)
    # the keyboard goes on down the list from there
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected_id() == page.model.id_at(1)


def test_down_in_the_search_box_of_the_engagement_board_moves_to_a_card(demo_ledger, qtbot):
    from broker_desk.gui.engagements_page import EngagementsPage

    page = EngagementsPage(demo_ledger)
    qtbot.addWidget(page)
    page.resize(1190, 600)
    page.show()
    page.show_board(True)
    page.activateWindow()
    page.focus_search()
    qtbot.waitUntil(page.search.hasFocus)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    first = page.board.views["初步接触"]
    assert first.hasFocus() and page.selected_id() == page.board.models["初步接触"].ids()[0]
