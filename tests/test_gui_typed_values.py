"""What a user types in the registration dialog and the client editor: a doubtful 登记编号
is pointed out beside its field as it is typed; a region may be typed by name."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

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
