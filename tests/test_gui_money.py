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


def _accept(monkeypatch, fill=None):
    """Dialogs answer at once: ``fill(dialog)`` then OK."""
    def exec_(dialog):
        if fill:
            fill(dialog)
        dialog.apply()
        return dialog.result() == QDialog.DialogCode.Accepted
    monkeypatch.setattr("broker_desk.gui.money_panel.RecordDialog.exec", exec_)


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
    # one click on the item's 收款 button, the outstanding amount and today offered: OK
    _accept(monkeypatch)
    panel.plan.cellWidget(row, 8).click()
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
    _accept(monkeypatch, lambda d: d.fields[0][2].set_value(broker.earned_fen - broker.paid_fen + 1))
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


def test_settings_choose_how_commission_is_earned(demo_ledger, window, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(demo_ledger, window)
    qtbot.addWidget(dialog)
    assert dialog.commission_mode.currentData() == "arrival"
    dialog.commission_mode.setCurrentIndex(dialog.commission_mode.findData("registration"))
    dialog.accept()
    assert demo_ledger.setting("commission.mode") == "registration" == commission.mode(demo_ledger)
