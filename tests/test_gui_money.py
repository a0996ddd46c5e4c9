"""The window's money views: the contract editor's 付款与佣金 tab (plan, 已到账/未到账, overdue in
red, a receipt against an item in one click, payouts), the home page's payments due, the
statistics page's money received and the commission statement view with its export."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from python_calamine import CalamineWorkbook

from broker_desk import commission, payments
from broker_desk.gui.contract_editor import ContractEditor
from broker_desk.money import yuan_text
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.usefixtures("qt_setup")


def _overdue_contract(ledger) -> int:
    return payments.due_payments(ledger, DEMO_TODAY, overdue_only=True)[0].contract_id


def _accept(monkeypatch, fill=None, seen=None):
    """Editors answer at once: ``fill(editor)`` then 保存 (``seen`` collects the editors)."""
    def exec_(editor):
        if seen is not None:
            seen.append(editor)
        if fill:
            fill(editor)
        editor.save()
        return editor.result() == QDialog.DialogCode.Accepted
    monkeypatch.setattr("broker_desk.gui.money_panel.MoneyEditor.exec", exec_)


def test_money_tab_shows_the_plan_overdue_in_red_and_takes_a_receipt(demo_ledger, window, qtbot, monkeypatch):
    cid = _overdue_contract(demo_ledger)
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    panel = editor.money_panel
    assert editor.tabs.tabText(editor.tabs.count() - 1) == "付款与佣金"
    st = payments.status(demo_ledger, cid, DEMO_TODAY)
    assert panel.plan.rowCount() == len(st.plan)
    late = [r for r, p in enumerate(st.plan) if p.overdue(DEMO_TODAY)]
    assert late
    row = late[0]
    assert panel.plan.item(row, 7).text().startswith("逾期")
    assert panel.plan.item(row, 0).foreground().color().name() == "#c62828"
    assert panel.plan.item(row, 6).text() == yuan_text(st.plan[row].open_fen)
    assert f"已到账 {yuan_text(st.received_fen)} 元" in panel.summary.text()
    # one click on the item's 收款 button, the outstanding amount, today and the buyer as payer offered: OK
    seen = []
    _accept(monkeypatch, seen=seen)
    panel.plan.cellWidget(row, 8).click()
    buyer = demo_ledger.get("client", demo_ledger.get("contract", cid)["buyer_id"])["name"]
    assert buyer and seen[0].inputs["payer"].value() == buyer
    assert payments.status(demo_ledger, cid, DEMO_TODAY).receipts[-1]["payer"] == buyer
    after = payments.status(demo_ledger, cid, DEMO_TODAY)
    assert after.plan[row].open_fen == 0 and not after.plan[row].overdue(DEMO_TODAY)
    assert after.received_fen == st.received_fen + st.plan[row].open_fen
    assert panel.plan.item(row, 7).text() == "已到账"
    assert panel.receipts.rowCount() == len(st.receipts) + 1
    demo_ledger.undo()
    assert payments.status(demo_ledger, cid, DEMO_TODAY).received_fen == st.received_fen


def test_money_tab_payout_and_warning(demo_ledger, window, qtbot, monkeypatch):
    cid = next(c for (c,) in demo_ledger.conn.execute(
        "SELECT c.id FROM contracts c WHERE commission_fen > 0 AND EXISTS (SELECT 1 FROM contract_brokers b "
        "WHERE b.contract_id = c.id) AND EXISTS (SELECT 1 FROM receipts r WHERE r.contract_id = c.id) ORDER BY id"))
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    panel = editor.money_panel
    broker = commission.of_contract(demo_ledger, cid)[0]
    assert panel.brokers.item(0, 0).text() == broker.name
    assert panel.brokers.item(0, 3).text() == yuan_text(broker.earned_fen)
    # paying a fen more than earned is saved, with the warning shown
    _accept(monkeypatch, lambda d: d.inputs["amount_fen"].set_value(broker.earned_fen - broker.paid_fen + 1))
    panel.brokers.cellWidget(0, 6).click()
    assert "超过其已挣得的" in panel.notice.text() and panel.notice.isVisibleTo(panel)
    assert commission.of_contract(demo_ledger, cid)[0].outstanding_fen == -1
    assert panel.brokers.item(0, 5).text() == "-0.01"


def test_home_lists_payments_due_and_overdue(window, demo_ledger):
    due = payments.due_payments(demo_ledger, DEMO_TODAY)
    tree = window.home.payments
    assert tree.topLevelItemCount() == min(len(due), 200)
    first = tree.topLevelItem(0)
    assert first.text(0) == due[0].contract_no and first.text(4) == yuan_text(due[0].open_fen)
    assert first.foreground(0).color().name() == "#c62828"
    assert f"{len(due)} 笔" in window.home.titles["payments"].text()


def test_statistics_show_money_received(window, demo_ledger, qtbot):
    page = window.statistics
    page.reload()
    got = payments.received(demo_ledger, page.statistics.year_to)
    assert page.money_cards["rate"].value.text() == f"{got.rate:.1%}"
    bars = page.money_charts["month"].bars()
    assert len(bars) == 12 and sum(b.value for b in bars) == pytest.approx(got.total_fen / 1_000_000)


def test_commission_view_and_export(window, demo_ledger, qtbot, tmp_path):
    from broker_desk.gui.commission_view import CommissionDialog

    dialog = CommissionDialog(demo_ledger, window, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    statements = commission.statements(demo_ledger, DEMO_TODAY.year)
    assert dialog.tree.topLevelItemCount() == len(statements)
    dialog.broker.setCurrentIndex(dialog.broker.findData(statements[0].broker_id))
    assert dialog.tree.topLevelItemCount() == 1
    head = dialog.tree.topLevelItem(0)
    assert head.childCount() == len(statements[0].lines)
    assert head.text(10) == yuan_text(statements[0].total("outstanding_fen"))
    out = dialog.export(".xlsx", tmp_path / "s.xlsx")
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["汇总", statements[0].broker]
    out = dialog.export(".pdf", tmp_path / "s")  # the suffix is added; the shared export line says where
    assert out == tmp_path / "s.pdf" and out.read_bytes().startswith(b"%PDF")
    assert "已导出到" in dialog.exporter.status.text() and str(out) in dialog.exporter.status.text()


def test_settings_choose_how_commission_is_earned(demo_ledger, window, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(demo_ledger, window)
    qtbot.addWidget(dialog)
    assert dialog.commission_mode.currentData() == "arrival"
    dialog.commission_mode.setCurrentIndex(dialog.commission_mode.findData("registration"))
    dialog.accept()
    assert demo_ledger.setting("commission.mode") == "registration" == commission.mode(demo_ledger)


# -- editing the money records: double-click or Enter opens the record in its editor --------------
def _contract_with(ledger, table: str) -> int:
    return ledger.conn.execute(f"SELECT contract_id FROM {table} GROUP BY contract_id HAVING count(*) >= 2 "
                               "ORDER BY contract_id LIMIT 1").fetchone()[0]


def _row_of(table, id_) -> int:
    from PySide6.QtCore import Qt

    return next(r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == id_)


def test_plan_item_amount_edited_by_double_click_and_undone(demo_ledger, window, qtbot, monkeypatch):
    cid = _contract_with(demo_ledger, "payment_plans")
    plan_id, seq, amount = demo_ledger.conn.execute(
        "SELECT id, seq, amount_fen FROM payment_plans WHERE contract_id = ? AND amount_fen > 0 ORDER BY seq LIMIT 1",
        [cid]).fetchone()
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    panel = editor.money_panel
    seen = []
    _accept(monkeypatch, lambda e: e.inputs["amount_fen"].set_value(amount - 12345), seen)
    row = _row_of(panel.plan, plan_id)
    panel.plan.doubleClicked.emit(panel.plan.model().index(row, 2))
    # the editor came prefilled with the saved item, the contract not asked
    assert seen[0].record["id"] == plan_id and "contract_id" not in seen[0].inputs
    assert seen[0].inputs["seq"].value() == str(seq)
    assert seen[0].windowTitle().startswith("付款计划：")
    assert demo_ledger.get("payment_plan", plan_id)["amount_fen"] == amount - 12345
    assert panel.plan.item(row, 3).text() == yuan_text(amount - 12345)
    assert demo_ledger.undo_label().startswith("修改")
    demo_ledger.undo()
    assert demo_ledger.get("payment_plan", plan_id)["amount_fen"] == amount


def test_receipt_date_and_amount_edited_by_enter_and_undone(demo_ledger, window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    cid = _contract_with(demo_ledger, "receipts")
    rec = demo_ledger.conn.execute("SELECT id, received_on, amount_fen FROM receipts WHERE contract_id = ? "
                                   "ORDER BY id LIMIT 1", [cid]).fetchone()
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    editor.show()
    panel = editor.money_panel
    editor.tabs.setCurrentIndex(editor.tabs.count() - 1)

    def fill(e):
        assert e.inputs["received_on"].value() == rec[1] and e.inputs["amount_fen"].value() == rec[2]
        e.inputs["received_on"].set_value("2026-03-02")
        e.inputs["amount_fen"].set_value(100)
    seen = []
    _accept(monkeypatch, fill, seen)
    row = _row_of(panel.receipts, rec[0])
    panel.receipts.setCurrentCell(row, 0)
    editor.activateWindow()  # keys reach a widget's shortcuts only in the active window
    panel.receipts.setFocus()
    qtbot.waitUntil(panel.receipts.hasFocus)
    qtbot.keyClick(panel.receipts, Qt.Key.Key_Return)
    assert len(seen) == 1  # Enter opened the receipt, and did not save and close the contract editor
    assert editor.isVisible()
    got = demo_ledger.get("receipt", rec[0])
    assert (got["received_on"], got["amount_fen"]) == ("2026-03-02", 100)
    assert any(panel.receipts.item(r, 0).text() == "2026-03-02" for r in range(panel.receipts.rowCount()))
    demo_ledger.undo()
    got = demo_ledger.get("receipt", rec[0])
    assert (got["received_on"], got["amount_fen"]) == (rec[1], rec[2])


def test_receipt_editor_says_what_is_wrong_and_keeps_the_record(demo_ledger, window, qtbot):
    from broker_desk.gui.money_panel import MoneyEditor

    rec = demo_ledger.conn.execute("SELECT id, contract_id, amount_fen FROM receipts ORDER BY id LIMIT 1").fetchone()
    e = MoneyEditor(demo_ledger, "receipt", rec[0], window, fixed={"contract_id": rec[1]})
    qtbot.addWidget(e)
    e.inputs["received_on"].set_value(None)
    assert not e.save()
    assert e.messages["received_on"].text() == "✖ 到账日期为必填项"
    assert demo_ledger.get("receipt", rec[0])["received_on"] is not None
    # a receipt moved to another instalment of its contract (or to none)
    plan = demo_ledger.conn.execute("SELECT id FROM payment_plans WHERE contract_id = ? ORDER BY seq",
                                    [rec[1]]).fetchall()
    assert e.inputs["plan_id"].count() == len(plan) + 1 and e.inputs["plan_id"].itemText(0) == "（未对应期次）"


def test_payout_edited_from_the_commission_view_and_undone(demo_ledger, window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from broker_desk.gui.commission_view import CommissionDialog

    pid, cid, bid, paid_on, amount = demo_ledger.conn.execute(
        "SELECT id, contract_id, broker_id, paid_on, amount_fen FROM commission_payouts "
        "WHERE paid_on LIKE ? ORDER BY id LIMIT 1", [f"{DEMO_TODAY.year}%"]).fetchone()
    dialog = CommissionDialog(demo_ledger, window, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.broker.setCurrentIndex(dialog.broker.findData(bid))
    head = dialog.tree.topLevelItem(0)
    line = next(head.child(i) for i in range(head.childCount())
                if head.child(i).data(0, Qt.ItemDataRole.UserRole) == cid)
    before = line.text(9)
    assert dialog.line_editor(head) is None  # a broker's line opens no contract: it folds and unfolds
    assert head.isExpanded() and dialog.tree.rootIsDecorated()
    dialog.tree.setCurrentItem(head)
    dialog.open_line()
    assert not head.isExpanded()
    dialog.open_line()
    assert head.isExpanded()
    editor = dialog.line_editor(line)
    qtbot.addWidget(editor)
    panel = editor.money_panel
    assert editor.tabs.currentIndex() == editor.tabs.count() - 1  # 付款与佣金
    assert panel.lower.currentIndex() == 1
    _accept(monkeypatch, lambda e: (e.inputs["amount_fen"].set_value(amount + 500),
                                    e.inputs["note"].set_value("补发")))
    panel.payouts.doubleClicked.emit(panel.payouts.model().index(_row_of(panel.payouts, pid), 1))
    got = demo_ledger.get("commission_payout", pid)
    assert (got["amount_fen"], got["note"], got["broker_id"], got["paid_on"]) == (amount + 500, "补发", bid, paid_on)
    dialog.refresh()
    line = next(dialog.tree.topLevelItem(0).child(i) for i in range(dialog.tree.topLevelItem(0).childCount())
                if dialog.tree.topLevelItem(0).child(i).data(0, Qt.ItemDataRole.UserRole) == cid)
    assert line.text(9) != before
    demo_ledger.undo()
    assert demo_ledger.get("commission_payout", pid)["amount_fen"] == amount
