"""What a user types in the registration dialog and the client editor: a doubtful 登记编号
is pointed out beside its field as it is typed; a region may be typed by name."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QFocusEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from broker_desk.gui.registration_panel import MoveDialog, RegistrationPanel  # noqa: E402


def _accepted(ledger) -> dict:
    cid = next(i for (i,) in ledger.conn.execute("SELECT id FROM contracts WHERE status = '已受理' ORDER BY id"))
    return ledger.get("contract", cid)


def test_a_fifteen_digit_number_is_pointed_out_as_it_is_typed(demo_ledger, qtbot):
    contract = _accepted(demo_ledger)
    panel = RegistrationPanel(demo_ledger, contract["id"], today=DEMO_TODAY)
    qtbot.addWidget(panel)
    dialog = MoveDialog(demo_ledger, contract, "已登记", panel, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reg_no_message.isHidden()
    qtbot.keyClicks(dialog.reg_no, "202633010100099")
    assert dialog.reg_no_message.isVisible()
    assert dialog.reg_no_message.text() == (
        "⚠ 登记编号“202633010100099”为 15 位，本账本的登记编号为 16 位（见“设置”），请核对")
    qtbot.keyClicks(dialog.reg_no, "9")  # the sixteenth digit: nothing to say
    assert dialog.reg_no_message.isHidden() and dialog.reg_no_message.text() == ""
    dialog.reg_no.setText("202633010100099")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # a warning does not stop the move
    row = demo_ledger.get("contract", contract["id"])
    assert (row["status"], row["reg_no"]) == ("已登记", "202633010100099")
    panel.refresh()
    assert panel.info.text().splitlines()[-1] == (
        "⚠ 登记编号“202633010100099”为 15 位，本账本的登记编号为 16 位（见“设置”），请核对")


def test_a_number_already_used_is_an_error_beside_the_field(demo_ledger, qtbot):
    used = demo_ledger.conn.execute("SELECT reg_no, contract_no FROM contracts WHERE reg_no IS NOT NULL").fetchone()
    dialog = MoveDialog(demo_ledger, _accepted(demo_ledger), "已登记", today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.reg_no.setText(used[0])
    assert dialog.reg_no_message.text() == f"✖ 登记编号 {used[0]} 已用于合同 {used[1]}"


def focused(widget) -> None:
    """Give ``widget`` the keyboard as a click would (the offscreen platform activates no window;
    a line edit connects its completer when it gets the focus)."""
    widget.setFocus()
    QApplication.sendEvent(widget, QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.MouseFocusReason))


def test_the_client_editor_takes_a_region_by_name_with_a_completer(ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor
    from broker_desk.gui.region_input import RegionInput

    editor = RecordEditor(ledger, "client")
    qtbot.addWidget(editor)
    editor.show()
    region = editor.inputs["region"]
    assert isinstance(region, RegionInput)
    editor.inputs["name"].setText("福州某科技有限公司")
    focused(region)
    region.insert("福")  # as an input method commits them, one character at a time
    region.insert("州")
    completer = region.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    shown = [completer.completionModel().index(i, 0).data() for i in range(completer.completionModel().rowCount())]
    assert shown[:2] == ["福建省福州市 350100", "福建省福州市鼓楼区 350102"]
    assert region.value() == "福州"  # typed, not chosen: the core resolves the name
    editor.check()
    assert editor.messages["region"].text() == ""
    assert editor.save()
    saved = ledger.conn.execute("SELECT region FROM clients WHERE name = '福州某科技有限公司'").fetchone()[0]
    assert saved == "350100"


def test_choosing_from_the_completer_stores_its_code(ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor

    editor = RecordEditor(ledger, "client")
    qtbot.addWidget(editor)
    editor.inputs["name"].setText("鼓楼某公司")
    editor.show()
    region = editor.inputs["region"]
    focused(region)
    region.insert("福")
    region.insert("州")
    popup = region.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # the second offer: 鼓楼区
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert region.text() == "福建省福州市鼓楼区 350102" and region.value() == "350102"
    assert editor.save()
    cid = editor.id
    assert ledger.get("client", cid)["region"] == "350102"
    again = RecordEditor(ledger, "client", cid)
    qtbot.addWidget(again)
    assert again.inputs["region"].text() == "福建省福州市鼓楼区 350102"


def test_an_ambiguous_region_is_said_beside_the_field(ledger, qtbot):
    from broker_desk.gui.editors import RecordEditor

    editor = RecordEditor(ledger, "client")
    qtbot.addWidget(editor)
    editor.inputs["name"].setText("朝阳某公司")
    editor.inputs["region"].setText("朝阳区")
    editor.check()
    assert editor.messages["region"].text() == (
        "✖ 所在地区“朝阳区”可指 2 个地区：北京市朝阳区（110105）、吉林省长春市朝阳区（220104），请写明上级地区或填写代码")
    assert not editor.save() and ledger.count("client") == 0
