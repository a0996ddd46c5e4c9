"""Code values typed in the editors as people write them: the shared code combo box takes them
as the import does (issue 14 point 1, "the same tolerance in the editors")."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")

from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from broker_desk.gui.editors import RecordEditor  # noqa: E402
from broker_desk.gui.inputs import CodeInput  # noqa: E402


def _type(qtbot, box: CodeInput, text: str) -> None:
    """``text`` typed into the box as an input method commits it, and the field left."""
    box.lineEdit().clear()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(box.lineEdit(), event)
    assert box.lineEdit().text() == text
    box.lineEdit().editingFinished.emit()  # Tab, a click elsewhere


@pytest.mark.parametrize("table, typed, name", [
    ("ip_type", "软著", "计算机软件著作权"),                 # an alias
    ("ip_type", "实用新型专利", "实用新型"),
    ("ip_type", "发明专利申请", "专利申请"),
    ("tech_field", "生物医药", "生物、医药和医疗器械"),       # punctuation set aside
    ("tech_field", "新能源技术", "新能源与高效节能"),         # close: shown selected, so the user sees it
    ("socio_goal", "卫生事业发展", "卫生"),
    ("socio_goal", "促进工业发展", "促进工业发展"),           # the exact name
])
def test_typing_a_known_form_selects_the_item(qtbot, table, typed, name):
    box = CodeInput(table)
    qtbot.addWidget(box)
    _type(qtbot, box, typed)
    assert (box.currentData(), box.currentText(), box.value()) == (name, name, name)


def test_text_that_names_no_item_stays_for_the_core_to_refuse(qtbot):
    box = CodeInput("ip_type")
    qtbot.addWidget(box)
    box.set_value("发明专利")
    _type(qtbot, box, "专利权")  # which patent?
    assert box.currentText() == "专利权" and box.value() == "专利权"
    _type(qtbot, box, "")
    assert box.value() is None


def test_the_achievement_editor_saves_the_name_of_an_item_typed_as_an_alias(ledger, make, qtbot):
    holder = make.client(name="中国农业科学院某某研究所", nature="科研机构")
    editor = RecordEditor(ledger, "achievement")
    qtbot.addWidget(editor)
    editor.show()
    editor.inputs["title"].setText("高产抗病水稻新品种")
    editor.inputs["holder_id"].set_value(holder)
    _type(qtbot, editor.inputs["ip_type"], "商标")
    editor.check()
    assert editor.messages["ip_type"].text() == "✖ 知识产权类型“商标”不在可选值中（可选：发明专利、实用新型、外观设计、" \
        "专利申请、技术秘密、计算机软件著作权、集成电路布图设计专有权、生物、医药新品种、植物新品种、其他知识产权、未涉及知识产权）"
    assert editor.save() is False
    _type(qtbot, editor.inputs["ip_type"], "植物新品种权")
    _type(qtbot, editor.inputs["field"], "现代农业")
    assert editor.save() is True
    saved = ledger.get("achievement", editor.id)
    assert (saved["ip_type"], saved["field"], saved["maturity"]) == ("植物新品种", "农业", None)


def test_the_import_dialog_maps_an_unknown_value_by_hand_and_remembers_it(ledger, tmp_path, qtbot):
    from test_code_values import _book, _row, _values

    from broker_desk.gui.import_dialog import ImportDialog

    path = _book(tmp_path, [_row("G1", "人工智能", "专利权", "工业发展"), _row("G2", "人工智能", "软著", "工业发展")])
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    dialog.show()
    dialog.check()
    assert dialog.tabs.tabText(2) == "值的对应（2）"
    rows = [[dialog.values.topLevelItem(i).text(c) for c in (0, 1)] for i in range(dialog.values.topLevelItemCount())]
    assert rows == [["人工智能", "技术合同 · 技术领域"], ["专利权", "技术合同 · 知识产权类型"]]
    assert dialog.values.topLevelItem(1).toolTip(0) == "最接近的：发明专利、专利申请、实用新型"
    field_box, ip_box = dialog.value_boxes[("tech_field", "人工智能")], dialog.value_boxes[("ip_type", "专利权")]
    field_box.setCurrentIndex(field_box.findData("电子信息"))
    ip_box.setCurrentIndex(ip_box.findData("发明专利"))
    assert ledger.setting("import.value_map") == {"tech_field": {"人工智能": "电子信息"}, "ip_type": {"专利权": "发明专利"}}
    dialog.check()  # the hand mappings are taken at once: nothing left to map
    assert dialog.tabs.count() == 2 and not dialog.value_boxes
    dialog.run_import()
    assert dialog.result.written
    assert [v[3:5] for v in _values(ledger)] == [("电子信息", "发明专利"), ("电子信息", "计算机软件著作权")]
