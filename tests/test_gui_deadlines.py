"""The time limits in the window: the settings' rule or own limit, the working-day calendar
table (per year, to a CSV file and back), the deadline and its unknown-year warning in the
registration panel and on the home page, the 专家审核 check box in the contract editor."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_desk.registration import ACCEPTED, READY

pytest.importorskip("PySide6")

D = dt.date.fromisoformat
TODAY = D("2026-12-20")  # moves may not be dated after "today"
OFFICE = "北京技术市场管理办公室"


@pytest.fixture
def accepted(ledger, make):
    def accept(on: str, **values) -> int:
        values.setdefault("signed_on", "2026-01-05")
        c = make.contract(**values)
        ledger.move(c, READY, on, today=TODAY)
        ledger.move(c, ACCEPTED, on, reg_office=OFFICE, today=TODAY)
        return c
    return accept


def test_registration_panel_shows_the_deadline_and_its_limit(ledger, accepted, qtbot, qt_setup):
    from broker_desk.gui.registration_panel import RegistrationPanel

    c = accepted("2026-09-28")
    panel = RegistrationPanel(ledger, c, today=D("2026-10-20"))
    qtbot.addWidget(panel)
    assert "登记机构应在 2026-10-23 前办结（15 个工作日，" in panel.info.text()
    assert panel.deadline_note.isHidden()
    ledger.update("contract", c, {"expert_review": 1})
    panel.refresh()
    assert "登记机构应在 2026-11-13 前办结（30 个工作日，" in panel.info.text()


def test_registration_panel_warns_of_a_year_without_calendar(ledger, accepted, qtbot, qt_setup):
    from broker_desk.gui.registration_panel import RegistrationPanel

    c = accepted("2026-12-07", expert_review=1)
    panel = RegistrationPanel(ledger, c, today=TODAY)
    qtbot.addWidget(panel)
    assert "登记机构应在 2027-01-18 前办结" in panel.info.text()
    assert not panel.deadline_note.isHidden()
    assert panel.deadline_note.text().startswith("2027 年的节假日安排程序尚不知道，暂按周一至周五计算工作日")


def test_home_page_shows_the_deadline_and_marks_an_unknown_year(ledger, accepted, qtbot, qt_setup):
    from broker_desk.gui.home import HomePage

    near = accepted("2026-11-20", contract_no="HT-近")
    far = accepted("2026-12-07", contract_no="HT-远", expert_review=1)
    page = HomePage(ledger)
    qtbot.addWidget(page)
    page.today = TODAY
    page.refresh()
    rows = {page.accepted.topLevelItem(i).text(0): page.accepted.topLevelItem(i)
            for i in range(page.accepted.topLevelItemCount())}
    assert rows["HT-近"].text(4) == ledger.deadline(ledger.get("contract", near)).isoformat() == "2026-12-11"
    assert rows["HT-远"].text(4) == "2027-01-18 ⚠"
    assert rows["HT-远"].toolTip(4).startswith("2027 年的节假日安排程序尚不知道")
    assert far != near


def test_settings_switch_between_the_rule_and_the_offices_own_limit(ledger, accepted, qtbot, qt_setup):
    from broker_desk.gui.settings_dialog import SettingsDialog

    c = accepted("2026-09-28")
    dialog = SettingsDialog(ledger)
    qtbot.addWidget(dialog)
    assert dialog.limit_mode.currentData() == "rule" and not dialog.limit_note.isHidden()
    dialog.limit_mode.setCurrentIndex(dialog.limit_mode.findData("fixed"))
    dialog.days.setValue(20)
    dialog.working.setChecked(True)
    dialog.accept()
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-30")
    dialog = SettingsDialog(ledger)
    qtbot.addWidget(dialog)
    assert (dialog.limit_mode.currentData(), dialog.days.value(), dialog.working.isChecked()) == ("fixed", 20, True)
    dialog.limit_mode.setCurrentIndex(dialog.limit_mode.findData("rule"))
    dialog.accept()
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-10-23")


def test_calendar_table_adds_a_date_that_moves_a_deadline(ledger, accepted, qtbot, qt_setup, tmp_path):
    from broker_desk.gui.calendar_dialog import CalendarDialog

    c = accepted("2026-12-15")
    assert ledger.deadline(ledger.get("contract", c)) == D("2027-01-05")
    dialog = CalendarDialog(ledger, year=2027)
    qtbot.addWidget(dialog)
    assert "程序尚不知道 2027 年的节假日安排" in dialog.about.text() and not dialog.complete.isHidden()
    dialog.add_row()
    dialog.table.item(0, 0).setText("2027-01-01")
    dialog.table.item(0, 2).setText("元旦")
    dialog.complete.setChecked(True)
    dialog.export_csv(str(tmp_path / "2027.csv"))
    assert (tmp_path / "2027.csv").read_bytes().decode("utf-8-sig").splitlines() == ["日期,类型,说明", "2027-01-01,放假,元旦"]
    dialog.accept()
    assert ledger.setting("calendar.office") == {"2027": {"complete": True, "days": [["2027-01-01", "holiday", "元旦"]]}}
    due = ledger.due(ledger.get("contract", c))
    assert (due.on, due.unknown_years) == (D("2027-01-06"), ())
    # a year the library knows: no "entered in full" box; a date outside the year is refused
    dialog = CalendarDialog(ledger, year=2026)
    qtbot.addWidget(dialog)
    assert "程序已内置 2026 年" in dialog.about.text() and dialog.complete.isHidden()
    dialog.add_row()
    dialog.table.item(0, 0).setText("2027-01-02")
    dialog.accept()
    assert dialog.error.text() == "2026 年第 1 行：日期“2027-01-02”不是 2026 年的 YYYY-MM-DD 日期"
    dialog.table.removeRow(0)
    dialog.import_csv(str(tmp_path / "2027.csv"))  # a file of another year goes to that year
    dialog.year.setValue(2027)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "2027-01-01"


def test_contract_editor_has_the_expert_review_box(ledger, accepted, qtbot, qt_setup):
    from broker_desk.gui.contract_editor import ContractEditor

    c = accepted("2026-09-28")
    editor = ContractEditor(ledger, c)
    qtbot.addWidget(editor)
    box = editor.inputs["expert_review"]
    assert box.isChecked() is False
    box.setChecked(True)
    assert editor.save() is True
    assert ledger.get("contract", c)["expert_review"] == 1
    assert ledger.deadline(ledger.get("contract", c)) == D("2026-11-13")
