"""The window as a new user met it (issue 15): what was broken, what did not fit.

Each test here failed on the code before its fix."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QPushButton  # noqa: E402

from broker_desk import i18n  # noqa: E402
from broker_desk.gui import jobs  # noqa: E402


@pytest.fixture(autouse=True)
def _discard_without_asking(monkeypatch):
    """An editor left with changes closes at the end of a test without its modal question."""
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)


def visible_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


# -- 1. a finished job leaves no window behind ------------------------------------------
def test_a_finished_job_leaves_no_progress_window_whatever_its_timing(qtbot, monkeypatch):
    """Jobs ending before, at and after the moment the progress window appears, run from inside
    a modal dialog (as the print preview and batch print run theirs): afterwards, and also once
    QProgressDialog's own 4-second timer would have fired, no progress window is left."""
    monkeypatch.setattr(jobs, "SYNCHRONOUS", False)
    host = QDialog()
    qtbot.addWidget(host)
    seen: dict[str, object] = {}

    def job(seconds):
        def work(progress, cancelled):
            progress(0.15, "正在生成表单…")
            time.sleep(seconds)
            progress(1.0, "正在保存 PDF")
            return seconds
        return work

    def inside_host():
        threshold = jobs.SHOW_AFTER_MS / 1000
        seen["results"] = [jobs.run_job(host, "正在生成表单…", job(s))
                           for s in (0.05, threshold, threshold + 0.4)]
        seen["right_after"] = [w for w in visible_windows() if w is not host]
        qtbot.wait(4500)  # QProgressDialog's own timer shows a dialog 4 s after it was made
        seen["later"] = [w for w in visible_windows() if w is not host]
        seen["dialogs"] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        host.reject()

    QTimer.singleShot(0, inside_host)
    host.exec()
    assert seen["results"] == [0.05, jobs.SHOW_AFTER_MS / 1000, jobs.SHOW_AFTER_MS / 1000 + 0.4]
    assert seen["right_after"] == []
    assert seen["later"] == []
    assert seen["dialogs"] == []
    assert visible_windows() == []


def test_a_slow_job_shows_its_progress_and_can_be_cancelled(qtbot, monkeypatch):
    monkeypatch.setattr(jobs, "SYNCHRONOUS", False)
    shown = {}

    def work(progress, cancelled):
        progress(0.5, "一半")
        deadline = time.monotonic() + 5
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.02)
        return None

    def press_cancel():
        dialogs = [w for w in visible_windows() if isinstance(w, QProgressDialog)]
        shown["dialogs"] = [(d.labelText(), d.value()) for d in dialogs]
        for d in dialogs:
            d.findChild(QPushButton).click()  # 取消

    QTimer.singleShot(jobs.SHOW_AFTER_MS + 300, press_cancel)
    with pytest.raises(jobs.Cancelled):
        jobs.run_job(None, "导出", work)
    assert shown["dialogs"] == [("导出\n一半", 500)]
    assert visible_windows() == []


# -- 2. a contract opened from 工作台 closes once ------------------------------------------
def test_a_contract_opened_from_home_opens_once(window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(window, "open_record", lambda entity, id_: opened.append((entity, id_)))
    tree = window.home.ready
    assert tree.topLevelItemCount() > 0
    item = tree.topLevelItem(0)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [("contract", item.data(0, Qt.ItemDataRole.UserRole))]
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert len(opened) == 2


# -- 4. change-log descriptions in the user's language ---------------------------------------
SHOW_LOG = """
import sys
from broker_desk import i18n
from broker_desk.ledger import Ledger
i18n.set_language(sys.argv[2])
with Ledger.open(sys.argv[1], create=False) as led:
    print(led.redo_label() or led.undo_label())
    print(led.recent_ops()[0]["label"])
    print(led.recent_ops()[1]["label"])
"""


@pytest.mark.parametrize("language, lines", [
    ("en", ["Import x.xlsx", "Import x.xlsx", "Contract “HT-1” moved to “Ready to submit”"]),
    ("zh", ["导入 x.xlsx", "导入 x.xlsx", "合同“HT-1”登记状态改为“待提交”"]),
])
def test_the_change_log_speaks_the_users_language_in_a_fresh_window(tmp_path, language, lines):
    """An import written in Chinese is described in the language of whoever looks later, by a
    program that has imported nothing but the ledger (as a window opening a ledger has not)."""
    import subprocess
    import sys

    from broker_desk.ledger import Ledger

    path = tmp_path / "log.brokerdesk"
    with Ledger.open(path) as led:
        with led.operation("op.move", name="HT-1", status="待提交") as op:
            op.op_id  # noqa: B018 - an action with no rows still leaves its entry
        with led.operation("import.op", file="x.xlsx") as op:
            op.op_id  # noqa: B018 - an action with no rows still leaves its entry
    out = subprocess.run([sys.executable, "-c", SHOW_LOG, str(path), language], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == lines


def test_every_action_label_is_known_to_the_ledger_alone():
    """Each code given to ``ledger.operation`` is registered by the time the ledger is imported."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    import broker_desk

    root = Path(broker_desk.__file__).parent
    codes = {m for p in root.rglob("*.py") for m in re.findall(r"\.operation\(\s*\"([\w.]+)\"", p.read_text("utf-8"))}
    assert {"op.add", "import.op", "op.demo"} <= codes
    script = "import sys\nfrom broker_desk import i18n\nimport broker_desk.ledger\n" \
             "print(' '.join(c for c in sys.argv[1:] if not i18n.known(c)))"
    out = subprocess.run([sys.executable, "-c", script, *sorted(codes)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_the_undo_button_names_the_action_in_english(demo_ledger, qtbot):
    from broker_desk.gui.main_window import MainWindow

    i18n.set_language("en")
    with demo_ledger.operation("import.op", file="x.xlsx") as op:
        op.op_id  # noqa: B018
    w = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(w)
    assert w.undo_action.text() == "Undo: Import x.xlsx"
    assert w.home.recent.topLevelItem(0).text(2) == "Import x.xlsx"


# -- 5. adding a broker ----------------------------------------------------------------------
def test_adding_a_broker_keeps_the_shares_typed_and_asks_nothing_of_the_empty_row(demo_ledger, qtbot):
    from broker_desk.gui.contract_editor import ContractEditor

    editor = ContractEditor(demo_ledger, 5)
    qtbot.addWidget(editor)
    editor.show()
    brokers = editor.brokers
    add = next(b for b in brokers.findChildren(QPushButton) if b.text() == "添加经纪人")
    brokers.set_value([])
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)

    def shown() -> str:
        editor.check()
        return "\n".join(m.text() for m in editor.messages.values()) + editor.general.text()

    assert brokers.table.cellWidget(0, 0).value() is None
    assert "None" not in shown() and "不存在" not in shown()
    brokers.table.cellWidget(0, 0).set_value(1)
    share = brokers.table.cellWidget(0, 1)
    share.clear()
    qtbot.keyClicks(share, "60")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert [brokers.table.cellWidget(r, 1).text() for r in range(2)] == ["60", "40"]
    assert brokers.table.cellWidget(1, 0).value() is None
    assert "None" not in shown() and "不存在" not in shown()
    brokers.table.cellWidget(1, 0).set_value(2)
    assert brokers.value() == [(1, "60"), (2, "40")]
    assert "份额合计 100%" in brokers.total.text()
    assert editor.save() is True
    assert demo_ledger.get("contract", 5)["brokers"] == [(1, 6000), (2, 4000)]


# -- 3. hover and selection stand out in every drop-down -------------------------------------
def _luminance(colour) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _row_colours(image, rect):
    """The background of a row (its commonest colour) and the contrast of its text on it."""
    from collections import Counter

    rect = rect.intersected(image.rect())
    pixels = Counter(image.pixel(x, y) for y in range(rect.top(), rect.bottom()) for x in range(rect.left(), rect.right()))
    from PySide6.QtGui import QColor

    background = QColor.fromRgb(pixels.most_common(1)[0][0])
    return background, max(_contrast(background, QColor.fromRgb(p)) for p in pixels)


def test_the_highlighted_item_of_a_drop_down_stands_out(qtbot):
    from PySide6.QtCore import QItemSelectionModel

    from broker_desk.gui.inputs import CodeInput

    combo = CodeInput("contract_category", required=True)
    qtbot.addWidget(combo)
    combo.show()
    combo.showPopup()
    view = combo.view()
    view.selectionModel().setCurrentIndex(view.model().index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.wait(50)
    image = view.viewport().grab().toImage()
    plain, _ = _row_colours(image, view.visualRect(view.model().index(3, 0)))
    lit, contrast = _row_colours(image, view.visualRect(view.model().index(1, 0)))
    combo.hidePopup()
    assert _contrast(plain, lit) > 1.15  # the highlighted row is seen as such
    assert contrast >= 7  # and its text is read on it


def test_the_highlighted_item_of_a_menu_stands_out(qtbot):
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    qtbot.addWidget(menu)
    actions = [menu.addAction(text) for text in ("新建", "打开", "删除")]
    menu.popup(menu.pos())
    menu.setActiveAction(actions[1])
    qtbot.wait(50)
    image = menu.grab().toImage()
    plain, _ = _row_colours(image, menu.actionGeometry(actions[2]))
    lit, contrast = _row_colours(image, menu.actionGeometry(actions[1]))
    menu.close()
    assert _contrast(plain, lit) > 1.15
    assert contrast >= 7


# -- 10. "required" said quietly, room kept for messages ------------------------------------------
def test_a_new_record_says_required_only_once_the_user_got_there(demo_ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor

    editor = RecordEditor(demo_ledger, "client")
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.check()
    assert [m.text() for m in editor.messages.values() if m.text()] == []
    assert not editor.inputs["name"].property("invalid")
    assert not editor.save()  # 保存 says what is missing
    assert "名称为必填项" in editor.messages["name"].text()
    assert editor.inputs["name"].property("invalid")

    editor = RecordEditor(demo_ledger, "client")
    qtbot.addWidget(editor)
    editor.show()
    editor.inputs["name"].setText("杭")  # a field changed is a field the user has been to
    editor.inputs["name"].setText("")
    editor.check()
    assert "名称为必填项" in editor.messages["name"].text()


def test_messages_keep_their_room_and_get_the_lines_they_need(demo_ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor

    editor = RecordEditor(demo_ledger, "client")
    qtbot.addWidget(editor)
    editor.resize(900, 700)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.wait(50)
    below = editor.inputs["nature"]
    top = below.mapTo(editor, below.rect().topLeft()).y()
    message = editor.messages["credit_code"]
    assert message.isVisible() and message.height() >= message.fontMetrics().lineSpacing()  # room kept while empty
    editor.inputs["credit_code"].setText("91330106MA2H0XXXX")  # a one-line error
    editor.check()
    qtbot.wait(20)
    assert message.text() and below.mapTo(editor, below.rect().topLeft()).y() == top  # nothing moved
    editor.inputs["credit_code"].setText("91110108MA01ABCD1X")  # a warning of two lines at this width
    editor.check()
    editor.resize(560, 1)  # as small as its layout lets it be
    qtbot.wait(20)
    lines = message.fontMetrics().lineSpacing()
    assert message.heightForWidth(message.width()) >= 2 * lines
    assert message.height() >= message.heightForWidth(message.width())  # its second line is not cut
    assert below.mapTo(editor, below.rect().topLeft()).y() >= message.mapTo(editor, message.rect().bottomLeft()).y()


# -- 11. file dialogs ------------------------------------------------------------------------
def test_file_dialog_titles_are_clean(monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    import broker_desk.gui.startup  # noqa: F401 - the menu texts used as titles
    from broker_desk.gui import files
    from broker_desk.gui.titles import clean_title

    assert clean_title("新建账本(&N)…") == "新建账本"
    assert clean_title("导入 Excel(&I)…") == "导入 Excel"
    assert clean_title("&Import workbook…") == "Import workbook"
    assert clean_title("Save && close...") == "Save & close"
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda _p, title, *_a: (asked.append(title), "")[1:]))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda _p, title, *_a: (asked.append(title), "")[1:]))
    assert files.save_file(None, i18n.tr("gui.file.new"), str(tmp_path)) == ""
    assert files.open_file(None, i18n.tr("gui.excel.import")) == ""
    assert asked == ["新建账本", "导入 Excel"]


def test_qts_own_file_dialog_speaks_chinese(qapp, tmp_path):
    """Where the platform has no file dialog of its own, Qt's is in Chinese: Qt's catalogue
    from PySide6's translations folder, and the labels it lacks."""
    from PySide6.QtWidgets import QFileDialog, QLabel

    from broker_desk.gui.app import install_translations

    install_translations(qapp, "zh")
    try:
        dialog = QFileDialog(None, "t", str(tmp_path))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        buttons = [b.text() for b in dialog.findChildren(QPushButton)]
        dialog.deleteLater()
    finally:
        install_translations(qapp, "en")
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    assert not any("Look in" in t or "Files of" in t for t in labels)
    assert "取消" in buttons


def test_dates_follow_the_language_where_the_system_names_no_locale(monkeypatch):
    import os

    from broker_desk.gui.app import use_language_for_dates

    for name in ("LC_ALL", "LC_TIME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    use_language_for_dates("zh")
    assert os.environ["LC_TIME"] == "zh_CN.UTF-8"
    monkeypatch.setenv("LC_TIME", "de_DE.UTF-8")  # the user's own choice stays
    use_language_for_dates("zh")
    assert os.environ["LC_TIME"] == "de_DE.UTF-8"


# -- 17. titles and the sort arrow ------------------------------------------------------------
def test_window_titles_name_the_program_once_and_start_with_a_capital(demo_ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor
    from broker_desk.gui.main_window import MainWindow

    w = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(w)
    QApplication.setApplicationDisplayName(i18n.tr("gui.app_name"))
    assert w.windowTitle() == f"{demo_ledger.path.name} — 技术经纪人工作台"
    assert w.windowTitle().count("技术经纪人工作台") == 1
    assert w.windowTitle().endswith(QApplication.applicationDisplayName())  # so Qt adds it no more
    i18n.set_language("en")
    editor = RecordEditor(demo_ledger, "contract", 1)
    qtbot.addWidget(editor)
    assert editor.windowTitle().startswith("Contract: ")
    assert RecordEditor(demo_ledger, "client").windowTitle() == "New client"


def test_the_sort_arrow_stays_off_the_header_text(demo_ledger, qtbot):
    from PySide6.QtGui import QColor

    from broker_desk.gui.lists import ListPage

    page = ListPage(demo_ledger, "contract")
    qtbot.addWidget(page)
    page.resize(1200, 400)
    page.show()
    qtbot.waitExposed(page)
    header = page.table.horizontalHeader()
    column = next(i for i in range(header.count()) if page.model.headerData(i, header.orientation()) == "合同成交额")

    def section():
        qtbot.wait(20)
        x = header.sectionViewportPosition(column)
        return header.grab().toImage().copy(x, 0, header.sectionSize(column), header.height())

    plain = section()
    page._sort(column)
    assert header.sortIndicatorSection() == column
    sorted_ = section()
    background = QColor(plain.pixel(2, plain.height() // 2))
    text = [(x, y) for y in range(plain.height()) for x in range(plain.width() - 2)
            if abs(QColor(plain.pixel(x, y)).lightness() - background.lightness()) > 40]
    left, right = min(x for x, _ in text), max(x for x, _ in text)
    top, bottom = min(y for _, y in text), max(y for _, y in text)
    arrow = [(x, y) for y in range(plain.height()) for x in range(plain.width()) if plain.pixel(x, y) != sorted_.pixel(x, y)]
    assert arrow  # the arrow is drawn
    assert not [p for p in arrow if left <= p[0] <= right and top <= p[1] <= bottom]  # and not over the text


def test_a_broker_row_still_being_filled_in_is_said_on_save_not_before(demo_ledger, qtbot):
    from broker_desk.gui.contract_editor import ContractEditor

    editor = ContractEditor(demo_ledger, 5)
    qtbot.addWidget(editor)
    editor.brokers.set_value([(1, 6000)])
    editor.brokers.add_row()
    editor.check()
    assert editor.messages["brokers"].text() == ""  # not "add up to 60%" while the row is new
    assert editor.save() is False
    assert "第 2 行尚未选择经纪人" in editor.messages["brokers"].text()
    assert demo_ledger.get("contract", 5)["brokers"] != [(1, 6000)]
