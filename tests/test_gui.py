"""The window driven as a user drives it (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox  # noqa: E402

from broker_desk.gui import jobs  # noqa: E402
from broker_desk.gui.app import load_fonts  # noqa: E402
from broker_desk.gui.contract_editor import ContractEditor  # noqa: E402
from broker_desk.gui.editors import RecordEditor  # noqa: E402
from broker_desk.gui.registration_panel import MoveDialog  # noqa: E402


def on_next_dialog(callback, attempts: int = 50):
    """Run ``callback(dialog)`` on the next modal dialog once it is shown."""
    def poll(left=attempts):
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if left:
                QTimer.singleShot(20, lambda: poll(left - 1))
            return
        callback(dialog)
    QTimer.singleShot(0, poll)


def test_the_shipped_font_has_chinese(qapp):
    family = load_fonts()
    assert family and "Noto" in family
    assert QApplication.font().family() == family


def test_home_page_shows_the_demo_year_and_overdue_cases_first(window, demo_ledger):
    home = window.home
    assert home.cards[0].value.text().replace(",", "").isdigit()
    assert int(home.cards[0].value.text().replace(",", "")) == demo_ledger.conn.execute(
        "SELECT count(*) FROM contracts WHERE status = '已登记' AND registered_on LIKE '2026-%'").fetchone()[0]
    overdue = demo_ledger.overdue(DEMO_TODAY)
    assert home.cards[3].value.text() == str(len(overdue))
    first = home.accepted.topLevelItem(0)
    assert first.data(0, Qt.ItemDataRole.UserRole) in overdue
    assert "超期" in first.text(5)
    assert first.text(4) == demo_ledger.deadline(demo_ledger.get("contract", first.data(0, Qt.ItemDataRole.UserRole))).isoformat()


def test_search_filters_the_table_as_you_type(window, qtbot):
    window.nav.setCurrentRow(1)
    page = window.pages["contract"]
    total = page.model.rowCount()
    assert total == 1500 and "1,500" in page.count.text()
    page.search.insert("研")  # typed one character at a time, as an input method commits them
    page.search.insert("究")
    narrowed = page.model.rowCount()
    assert 0 < narrowed < total
    for row in range(min(narrowed, 30)):
        r = page.model.row(row)
        assert "研究" in (r["title"] + r["buyer"] + r["seller"] + r["contract_no"])
    page.search.clear()
    assert page.model.rowCount() == total


def test_status_filter_and_overdue_filter(window, demo_ledger):
    page = window.pages["contract"]
    combo = page.filter_widgets["status"]
    combo.setCurrentIndex(combo.findData("已登记"))
    registered = demo_ledger.conn.execute("SELECT count(*) FROM contracts WHERE status = '已登记'").fetchone()[0]
    assert page.model.rowCount() == registered
    window.show_overdue()
    assert set(page.model.ids()) == set(demo_ledger.overdue(DEMO_TODAY))


def test_create_client_and_contract_through_the_editors(window, demo_ledger, qtbot):
    editor = RecordEditor(demo_ledger, "client", parent=window)
    qtbot.addWidget(editor)
    editor.show()
    editor.inputs["name"].setText("杭州测试新材料有限公司")
    editor.inputs["nature"].set_value("企业")
    editor.inputs["credit_code"].setText("91330106MA2H0XXXX")  # 17 characters: shape error
    editor.check()
    message = editor.messages["credit_code"]
    assert message.isVisible() and "18 位" in message.text()
    assert editor.save() is False
    editor.inputs["credit_code"].setText("91110108MA01ABCD1X")  # check character should be E: a warning
    editor.check()
    assert "校验位不符" in editor.messages["credit_code"].text()
    assert editor.save() is True
    client_id = editor.id
    assert demo_ledger.get("client", client_id)["credit_code"] == "91110108MA01ABCD1X"
    assert demo_ledger.warnings("client", client_id)

    contract = ContractEditor(demo_ledger, parent=window)
    qtbot.addWidget(contract)
    i = contract.inputs
    i["contract_no"].setText("GUI-2026-001")
    i["title"].setText("界面测试技术开发")
    i["category"].set_value("技术开发")
    assert i["subtype"].findData("委托开发") >= 0 and i["subtype"].findData("专利权转让") < 0
    i["subtype"].set_value("委托开发")
    i["buyer_id"].set_value(client_id)
    i["seller_id"].set_value(1)
    i["signed_on"].set_value("2026/3/5")
    i["amount_fen"].edit.setText("12.5万")
    assert i["amount_fen"].daxie.text() == "壹拾贰万伍仟元整"
    i["deductions_fen"].edit.setText("5000")
    contract.brokers.add_row(1)
    contract.brokers.add_row(2)
    assert "份额合计 100%" in contract.brokers.total.text()
    assert contract.save() is True
    saved = demo_ledger.get("contract", contract.id)
    assert (saved["amount_fen"], saved["tech_fen"], saved["signed_on"]) == (12_500_000, 12_000_000, "2026-03-05")
    assert saved["brokers"] == [(1, 5000), (2, 5000)]


def test_itemized_costs_in_the_editor_give_the_total(window, demo_ledger, qtbot):
    cid = demo_ledger.add("contract", {
        "contract_no": "GUI-ITEMS-1", "title": "费用明细测试", "category": "技术开发", "subtype": "委托开发",
        "buyer_id": 1, "seller_id": 2, "signed_on": "2026-04-01", "amount_fen": 50_000_000}).id
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    items, total = editor.inputs["deduction_items"], editor.inputs["deductions_fen"]
    assert total.isEnabled() and items.placeholderText().startswith("如：设备费")
    items.setText("设备费 20000；材料费 5000.5")
    assert total.value() == 2_500_050 and not total.isEnabled()
    assert editor.save() is True
    saved = demo_ledger.get("contract", cid)
    assert saved["deductions"] == [("设备费", 2_000_000), ("材料费", 500_050)]
    assert saved["tech_fen"] == 50_000_000 - 2_500_050
    again = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(again)
    assert again.inputs["deduction_items"].text() == "设备费 20,000.00；材料费 5,000.50"
    assert not again.inputs["deductions_fen"].isEnabled()


def test_walk_a_contract_through_the_registration_panel(window, demo_ledger, qtbot, make):
    cid = demo_ledger.add("contract", {
        "contract_no": "GUI-WALK-1", "title": "流程测试", "category": "技术服务", "subtype": "技术服务",
        "buyer_id": 1, "seller_id": 2, "signed_on": "2026-04-01", "amount_fen": 50_000_000}).id
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    panel = editor.panel
    panel.today = DEMO_TODAY

    def move(to: str, **fill) -> None:
        assert to in panel.move_buttons, (to, list(panel.move_buttons))

        def fill_and_ok(dialog):
            assert isinstance(dialog, MoveDialog)
            for name, value in fill.items():
                getattr(dialog, name).set_value(value)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        on_next_dialog(fill_and_ok)
        panel.move_buttons[to].click()
        assert demo_ledger.get("contract", cid)["status"] == to

    assert set(panel.move_buttons) == {"待提交"}
    assert "已登记" not in panel.move_buttons  # a refused move is not offered
    move("待提交", date="2026-04-10")
    move("已受理", date="2026-04-20", office="杭州市技术合同登记处")
    assert set(panel.move_buttons) == {"已登记", "需补正", "不予登记", "草稿"}
    move("需补正", date="2026-05-02", note="合同签章不全")
    move("已受理", date="2026-05-10")
    assert demo_ledger.get("contract", cid)["clock_from"] == "2026-05-10"
    move("已登记", date="2026-06-01", reg_no="2026330101000999")
    row = demo_ledger.get("contract", cid)
    assert (row["reg_no"], row["approved_fen"]) == ("2026330101000999", 50_000_000)
    assert set(panel.move_buttons) == {"变更登记", "已撤销"}
    assert panel.history.topLevelItemCount() == 5
    assert panel.history.topLevelItem(2).text(2) == "合同签章不全"


def test_a_registration_change_from_the_panel(window, demo_ledger, qtbot):
    """变更登记: a button on a registered contract's panel, a dialog asking the date and what
    changed; the contract stays 已登记 and the step shows in its history."""
    cid = next(i for (i,) in demo_ledger.conn.execute("SELECT id FROM contracts WHERE status = '已登记' ORDER BY id"))
    registered_on = demo_ledger.get("contract", cid)["registered_on"]
    editor = ContractEditor(demo_ledger, cid, parent=window)
    qtbot.addWidget(editor)
    panel = editor.panel
    panel.today = DEMO_TODAY
    rows = panel.history.topLevelItemCount()
    button = panel.move_buttons["变更登记"]
    assert button.text() == "变更登记…" and panel.move_buttons["已撤销"].text() == "改为“已撤销”…"
    seen = {}

    def fill_and_ok(dialog):
        assert isinstance(dialog, MoveDialog)
        seen["title"] = dialog.windowTitle()
        seen["hint"] = dialog.note.placeholderText()
        dialog.date.set_value(DEMO_TODAY.isoformat())
        dialog.note.set_value("合同金额由 50 万元变更为 60 万元")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    on_next_dialog(fill_and_ok)
    with qtbot.waitSignal(panel.moved, timeout=3000):
        button.click()
    assert seen["title"] == "变更登记（仍为已登记）" and seen["hint"].startswith("如：合同金额由")
    row = demo_ledger.get("contract", cid)
    assert (row["status"], row["registered_on"]) == ("已登记", registered_on)
    assert panel.history.topLevelItemCount() == rows + 1
    last = panel.history.topLevelItem(rows)
    assert [last.text(c) for c in range(3)] == [DEMO_TODAY.isoformat(), "已登记 → 变更登记", "合同金额由 50 万元变更为 60 万元"]
    assert last.text(3) == demo_ledger.user
    assert set(panel.move_buttons) == {"变更登记", "已撤销"}  # still registered
    assert panel.status.text() == "已登记"


def test_a_move_without_its_reason_is_refused_in_the_dialog(demo_ledger, qtbot):
    cid = next(i for (i,) in demo_ledger.conn.execute("SELECT id FROM contracts WHERE status = '已受理'"))
    dialog = MoveDialog(demo_ledger, demo_ledger.get("contract", cid), "需补正", today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.apply()
    assert "须填写原因" in dialog.error.text()
    assert demo_ledger.get("contract", cid)["status"] == "已受理"


def test_undo_an_edit(window, demo_ledger, qtbot):
    editor = RecordEditor(demo_ledger, "client", 5, parent=window)
    qtbot.addWidget(editor)
    old = demo_ledger.get("client", 5)["contact"]
    editor.inputs["contact"].setText("新的联系人")
    assert editor.save()
    window.refresh_all()
    assert demo_ledger.get("client", 5)["contact"] == "新的联系人"
    assert window.undo_action.isEnabled() and "修改客户" in window.undo_action.text()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo_ledger.get("client", 5)["contact"] == old
    assert "重做" in window.redo_action.text() and window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert demo_ledger.get("client", 5)["contact"] == "新的联系人"


def test_deleting_a_client_in_use_is_refused_kindly(window, demo_ledger, qtbot):
    window.nav.setCurrentRow(2)
    page = window.pages["client"]
    page.table.selectRow(0)
    client_id = page.selected_id()
    seen = {}

    def answer_yes(box):
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()
        on_next_dialog(read_refusal)

    def read_refusal(box):
        seen["text"] = box.text()
        box.accept()

    on_next_dialog(answer_yes)
    window.delete_action.trigger()
    assert "不能删除客户" in seen["text"]
    assert demo_ledger.get("client", client_id) is not None


def test_lists_fetch_rows_lazily(window):
    model = window.pages["contract"].model
    model.refresh()
    assert not model._rows  # nothing fetched until painted or asked for
    model.data(model.index(10, 1))
    assert 0 < len(model._rows) <= 200


def test_english_lists_show_english_statuses(demo_ledger, qtbot):
    from broker_desk import i18n
    from broker_desk.gui.lists import ListPage

    i18n.set_language("en")
    page = ListPage(demo_ledger, "contract")
    qtbot.addWidget(page)
    column = next(i for i, c in enumerate(page.model.columns) if c.key == "status")
    shown = {page.model.data(page.model.index(r, column)) for r in range(200)}
    assert "Registered" in shown and "已登记" not in shown
    assert page.filter_widgets["status"].findText("Registered") > 0
    assert page.filter_widgets["status"].itemData(page.filter_widgets["status"].findText("Registered")) == "已登记"


def test_jobs_run_in_a_worker_thread_and_report_back(qtbot):
    import threading

    from broker_desk.errors import BrokerDeskError

    jobs.SYNCHRONOUS = False
    main = threading.get_ident()
    seen = {}

    def work(progress, cancelled):
        seen["thread"] = threading.get_ident()
        progress(0.5, "一半")
        return 42

    assert jobs.run_job(None, "测试", work) == 42
    assert seen["thread"] != main

    def fails(progress, cancelled):
        raise BrokerDeskError("ledger.missing", path="x")

    with pytest.raises(BrokerDeskError):
        jobs.run_job(None, "测试", fails)


def test_history_lists_who_changed_which_field(demo_ledger, qtbot):
    from broker_desk.gui.history import HistoryDialog

    demo_ledger.update("client", 3, {"contact": "历史联系人"})
    dialog = HistoryDialog(demo_ledger, "client", 3)
    qtbot.addWidget(dialog)
    rows = [[dialog.tree.topLevelItem(i).text(c) for c in range(5)] for i in range(dialog.tree.topLevelItemCount())]
    assert rows[0][2] == "新建"
    assert rows[-1][2] == "联系人" and rows[-1][4] == "历史联系人"


def test_history_shows_money_and_items_as_typed(ledger, make, qtbot):
    from broker_desk.gui.history import HistoryDialog

    cid = make.contract(amount_fen=100_000_000)
    ledger.update("contract", cid, {"amount_fen": 125_000_050, "deduction_items": "设备费 2万"})
    dialog = HistoryDialog(ledger, "contract", cid)
    qtbot.addWidget(dialog)
    rows = {dialog.tree.topLevelItem(i).text(2): (dialog.tree.topLevelItem(i).text(3), dialog.tree.topLevelItem(i).text(4))
            for i in range(dialog.tree.topLevelItemCount())}
    assert rows["合同成交额"] == ("1,000,000.00 元", "1,250,000.50 元")
    assert rows["非技术性费用明细"] == ("", "设备费 20,000.00")
    assert rows["非技术性费用"] == ("0.00 元", "20,000.00 元")


def test_opening_an_old_ledger_upgrades_it_and_shows_it(tmp_path, qtbot, _isolated_home):
    import shutil
    from pathlib import Path

    from broker_desk.gui.startup import Controller

    path = tmp_path / "old.brokerdesk"
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.brokerdesk", path)
    controller = Controller()
    assert controller.open(path)
    qtbot.addWidget(controller.window)
    assert controller.ledger.schema_version >= 2
    assert controller.window.pages["contract"].model.rowCount() == 30
    assert list((_isolated_home / "backups" / "old").glob("old-v1-before-upgrade-*"))
    controller.close_ledger(backup_on_close=True)
    assert list((_isolated_home / "backups" / "old").glob("old-close-*"))


def test_latest_changes_open_the_record_they_were_about(window, demo_ledger, qtbot, monkeypatch):
    demo_ledger.update("contract", 7, {"note": "最近修改"})
    window.refresh_all()
    opened = []
    monkeypatch.setattr(window, "open_record", lambda entity, id_: opened.append((entity, id_)))
    window.home.openRecord.disconnect()
    window.home.openRecord.connect(window.open_record)
    item = window.home.recent.topLevelItem(0)
    assert "修改技术合同" in item.text(2)
    window.home._activated(item)
    assert opened == [("contract", 7)]


def test_settings_dialog_changes_the_time_limit(demo_ledger, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    before = len(demo_ledger.overdue(DEMO_TODAY))
    dialog = SettingsDialog(demo_ledger)
    qtbot.addWidget(dialog)
    assert not dialog.days.isEnabled()  # 按规定 until the office picks its own limit
    dialog.limit_mode.setCurrentIndex(dialog.limit_mode.findData("fixed"))
    assert dialog.days.isEnabled()
    dialog.days.setValue(10)
    dialog.office.setText("杭州市技术合同登记处")
    dialog.accept()
    assert demo_ledger.setting("registration.limit_mode") == "fixed"
    assert demo_ledger.setting("registration.limit_days") == 10
    assert demo_ledger.setting("office_name") == "杭州市技术合同登记处"
    assert len(demo_ledger.overdue(DEMO_TODAY)) > before


def test_office_settings_reach_the_printed_forms(demo_ledger, qtbot, tmp_path):
    from pdftools import pdf_text

    from broker_desk import paperwork
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(demo_ledger)
    qtbot.addWidget(dialog)
    dialog.office.setText("杭州市技术合同登记处")
    dialog.office_fields["office_code"].setText("330101")
    dialog.office_fields["office_phone"].setText("0571-88886666")
    dialog.accept()
    assert demo_ledger.setting("office_code") == "330101"
    out = tmp_path / "summary.pdf"
    paperwork.render(demo_ledger, "登记合同汇总表", out, period="2026-05")
    assert "330101" in pdf_text(out).replace(" ", "")


def test_qt_calls_keep_the_reference_count_of_none(qapp):
    """PySide6 6.12.0 under CPython < 3.12 took a reference from None on each void call until the
    interpreter aborted; pyproject keeps such a build out, and this test catches it if one comes."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):  # a broken build loses 1,000 references here, short of aborting
        label.setText("x")
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
