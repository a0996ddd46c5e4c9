"""The 技术需求 page, the demand editor and the 匹配 panel of the demand and achievement editors
(pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_gui import on_next_dialog  # noqa: E402

from broker_desk import i18n  # noqa: E402
from broker_desk.gui.demands_page import DemandsPage  # noqa: E402
from broker_desk.gui.main_window import ENTITIES  # noqa: E402
from broker_desk.gui.match_panel import MatchingEditor  # noqa: E402
from broker_desk.money import yuan_text  # noqa: E402


def _demand_page(window):
    window.nav.setCurrentRow(1 + ENTITIES.index("demand"))
    page = window.pages["demand"]
    assert window.stack.currentWidget() is page and window.current_entity() == "demand"
    return page


def test_the_demand_page_comes_after_achievements_and_lists_the_demo_demands(window, demo_ledger):
    texts = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert texts.index("技术需求") == texts.index("科技成果") + 1
    page = _demand_page(window)
    total = demo_ledger.count("demand")
    assert total > 20 and page.model.rowCount() == total and f"{total:,}" in page.count.text()
    newest = demo_ledger.conn.execute(
        "SELECT d.title, c.name, d.budget_fen, d.status FROM demands d JOIN clients c ON c.id = d.client_id "
        "ORDER BY d.id DESC LIMIT 1").fetchone()
    model = page.model
    shown = {c.key: model.data(model.index(0, i)) for i, c in enumerate(model.columns)}
    assert (shown["title"], shown["client"], shown["budget_fen"], shown["status"]) == (
        newest[0], newest[1], yuan_text(newest[2]), newest[3])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "需求名称"


def test_the_demand_filters_and_search_narrow_the_list(window, demo_ledger):
    page = _demand_page(window)
    sql = demo_ledger.conn.execute
    status = page.filter_widgets["status"]
    status.setCurrentIndex(status.findData("已签约"))
    signed = {i for (i,) in sql("SELECT id FROM demands WHERE status = '已签约'")}
    assert signed and set(page.model.ids()) == signed
    client = page.filter_widgets["client"]
    client_id, name = sql("SELECT client_id, c.name FROM demands d JOIN clients c ON c.id = d.client_id "
                          "WHERE status = '已签约' ORDER BY d.id LIMIT 1").fetchone()
    client.setCurrentIndex(client.findData(client_id))
    assert client.currentText() == name
    assert set(page.model.ids()) == {i for (i,) in sql(
        "SELECT id FROM demands WHERE status = '已签约' AND client_id = ?", [client_id])}
    page.clear_filters()
    field = page.filter_widgets["field"]
    value = sql("SELECT field FROM demands GROUP BY field ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    field.setCurrentIndex(field.findData(value))
    assert set(page.model.ids()) == {i for (i,) in sql("SELECT id FROM demands WHERE field = ?", [value])}
    page.clear_filters()
    page.search.setText("工艺改进")
    found = page.model.ids()
    assert found and set(found) == {i for (i,) in sql(
        "SELECT id FROM demands WHERE instr(title || coalesce(keywords, '') || coalesce(description, ''), '工艺改进')")}
    page.search.clear()
    assert page.model.rowCount() == demo_ledger.count("demand")


def test_a_new_client_with_a_demand_joins_the_client_filter(window, demo_ledger):
    page = _demand_page(window)
    new = demo_ledger.add("client", {"name": "阿尔法测试科技有限公司", "nature": "企业"}).id
    assert page.filter_widgets["client"].findData(new) < 0
    did = demo_ledger.add("demand", {"title": "测试需求", "client_id": new}).id
    window.refresh_all()
    client = page.filter_widgets["client"]
    client.setCurrentIndex(client.findData(new))
    assert page.model.ids() == [did]


def test_the_demand_page_in_english_and_empty(ledger, qtbot):
    page = DemandsPage(ledger, "demand")
    qtbot.addWidget(page)
    page.show()
    assert page.empty_hint.isVisible() and "还没有技术需求" in page.empty_hint.text()
    i18n.set_language("en")
    client = ledger.add("client", {"name": "Acme", "nature": "企业"}).id
    ledger.add("demand", {"title": "Battery anode", "client_id": client, "status": "已发布", "budget_fen": 1_000_000})
    page = DemandsPage(ledger, "demand")
    qtbot.addWidget(page)
    page.show()
    assert not page.empty_hint.isVisible()
    headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
    assert headers == ["Demand title", "Demand side", "Technology field"]
    status = page.filter_widgets["status"]
    assert [status.itemText(i) for i in range(3)] == ["All statuses", "Collecting", "Published"]
    column = [c.key for c in page.model.columns].index("status")
    assert page.model.data(page.model.index(0, column)) == "Published"


@pytest.fixture
def water(demo_ledger):
    """A demand whose best achievement is unambiguous, a closed twin of that achievement."""
    led = demo_ledger
    lake = led.add("client", {"name": "太湖水务集团有限公司", "nature": "企业", "region": "320205"}).id
    uni = led.add("client", {"name": "河海测试大学", "nature": "高等院校", "region": "320106"}).id
    good = led.add("achievement", {"title": "蓝藻水华超声波抑藻装置", "holder_id": uni, "keywords": "蓝藻；水华；抑藻",
                                   "field": "环境保护与资源综合利用", "maturity": "中试", "price_fen": 80_0000_00,
                                   "summary": "超声波破坏藻细胞气囊，抑制蓝藻水华。"}).id
    closed = led.add("achievement", {"title": "蓝藻水华超声波抑藻装置（旧版）", "holder_id": uni,
                                     "keywords": "蓝藻；水华；抑藻", "field": "环境保护与资源综合利用",
                                     "status": "已下架"}).id
    broker = led.conn.execute("SELECT min(id) FROM brokers").fetchone()[0]
    demand = led.add("demand", {"title": "湖泊蓝藻水华治理技术", "client_id": lake, "keywords": "蓝藻；抑藻",
                                "field": "环境保护与资源综合利用", "budget_fen": 100_0000_00, "broker_id": broker,
                                "status": "已发布", "description": "寻求物理方法抑制蓝藻，不用化学药剂。"}).id
    return {"lake": lake, "uni": uni, "good": good, "closed": closed, "demand": demand, "broker": broker}


def _open(window, qtbot, entity, id_):
    editor = window.editor(entity, id_)
    assert isinstance(editor, MatchingEditor)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: bool(editor.panel.matches))
    return editor


def test_the_match_panel_shows_the_best_achievement_first_with_its_reasons_and_no_closed_one(window, qtbot, water):
    editor = _open(window, qtbot, "demand", water["demand"])
    panel = editor.panel
    ids = [m.id for m in panel.matches]
    assert ids[0] == water["good"] and water["closed"] not in ids
    table = panel.table
    assert table.item(0, 1).text() == "蓝藻水华超声波抑藻装置\n河海测试大学"
    why = table.item(0, 2).text().split("\n")
    assert why[0].startswith("共同词语：") and "蓝藻" in why[0]
    assert "同一技术领域：环境保护与资源综合利用" in why and "成熟度：中试" in why
    assert "意向价格 80.00 万元，在预算 100.00 万元以内" in why and "同在江苏省" in why
    assert int(table.item(0, 0).text()) > int(table.item(1, 0).text()) if table.rowCount() > 1 else True
    assert "最合适的" in panel.status.text()
    # the achievement's editor finds the demand, and a closed demand never
    editor.reject()
    window.ledger.add("demand", {"title": "蓝藻水华抑藻", "client_id": water["lake"], "keywords": "蓝藻；水华；抑藻",
                                 "status": "已关闭"})
    other = _open(window, qtbot, "achievement", water["good"])
    assert [m.id for m in other.panel.matches] == [water["demand"]]
    assert other.panel.table.item(0, 1).text() == "湖泊蓝藻水华治理技术\n太湖水务集团有限公司"


def test_enter_on_a_match_opens_it(window, qtbot, water):
    editor = _open(window, qtbot, "demand", water["demand"])
    seen = []
    on_next_dialog(lambda d: (seen.append((d.entity, d.id, d.windowTitle())), d.reject()))
    editor.activateWindow()
    table = editor.panel.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert seen == [("achievement", water["good"], "科技成果：蓝藻水华超声波抑藻装置")]


def test_start_engagement_opens_it_prefilled_and_saving_links_demand_and_achievement(window, qtbot, water):
    led = window.ledger
    editor = _open(window, qtbot, "demand", water["demand"])
    before = led.count("engagement")
    seen = {}

    def fill(dialog):
        seen["entity"] = dialog.entity
        seen["values"] = {k: v for k, v in dialog.values().items() if v not in (None, "", [])}
        seen["saved"] = dialog.save()
        if dialog.isVisible():
            dialog.reject()
    on_next_dialog(fill)
    qtbot.mouseClick(editor.panel.start_button(0), Qt.MouseButton.LeftButton)
    assert seen["entity"] == "engagement" and seen["saved"]
    values = seen["values"]
    assert {k: values.get(k) for k in ("title", "demand_id", "achievement_id", "demand_client_id", "supply_client_id",
                                       "stage", "expected_fen")} == {
        "title": "湖泊蓝藻水华治理技术—蓝藻水华超声波抑藻装置", "demand_id": water["demand"],
        "achievement_id": water["good"], "demand_client_id": water["lake"], "supply_client_id": water["uni"],
        "stage": "初步接触", "expected_fen": 80_0000_00}
    assert led.count("engagement") == before + 1
    eid = led.conn.execute("SELECT max(id) FROM engagements").fetchone()[0]
    row = led.get("engagement", eid)
    assert (row["demand_id"], row["achievement_id"], row["demand_client_id"], row["supply_client_id"]) == (
        water["demand"], water["good"], water["lake"], water["uni"])
    assert row["started_on"] == window.today.isoformat()
    if "brokers" in values:  # the engagement's own editor (i17-engage) edits its brokers
        assert row["brokers"] == [(water["broker"], 10000)]
    # the demand moved to 对接中, and its editor, still open, says so: saving it keeps it there
    assert led.get("demand", water["demand"])["status"] == "对接中"
    assert editor.inputs["status"].value() == "对接中" and not editor.dirty
    assert editor.save()
    assert led.get("demand", water["demand"])["status"] == "对接中"


def test_a_new_demand_is_matched_before_and_after_it_is_saved(window, qtbot, water):
    editor = window.editor("demand")
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: "没有找到" in editor.panel.status.text())  # nothing typed yet
    editor.inputs["title"].setText("超声波抑藻")
    editor.inputs["client_id"].set_value(water["lake"])
    qtbot.mouseClick(editor.panel.rematch_button, Qt.MouseButton.LeftButton)
    assert editor.panel.matches[0].id == water["good"] and editor.id is None
    editor.inputs["keywords"].setText("蓝藻；水华")
    editor.inputs["budget_fen"].edit.setText("50万")
    assert editor.save() and editor.isVisible()  # saving keeps the editor and its matches open
    saved = window.ledger.get("demand", editor.id)
    assert (saved["title"], saved["budget_fen"], saved["status"]) == ("超声波抑藻", 50_0000_00, "征集中")
    assert editor.windowTitle() == "技术需求：超声波抑藻"
    top = editor.panel.matches[0]
    assert top.id == water["good"] and "price" not in {r.code for r in top.reasons}  # 80 万 over a 50 万 budget
    assert window.pages["demand"].model.ids()[0] == editor.id


def test_the_editor_opens_before_matching_is_done(window, qtbot, water, monkeypatch):
    from broker_desk.gui import jobs

    calls = []
    monkeypatch.setattr(jobs.Background, "run", lambda self, fn: calls.append(fn))
    editor = window.editor("demand", water["demand"])
    qtbot.addWidget(editor)
    assert calls == []  # building the editor asks nothing
    editor.show()
    qtbot.waitUntil(lambda: len(calls) == 1)
    assert editor.panel.status.text() == "正在匹配…"
    QApplication.processEvents()


def test_a_party_longer_than_its_box_shows_its_name_not_the_end_of_its_credit_code(demo_ledger, qtbot):
    from broker_desk.gui.inputs import RefInput

    box = RefInput(demo_ledger, "client")
    qtbot.addWidget(box)
    box.resize(120, box.sizeHint().height())
    box.show()
    client = demo_ledger.conn.execute("SELECT id, name FROM clients WHERE credit_code IS NOT NULL LIMIT 1").fetchone()
    box.set_value(client[0])
    assert box.currentText().startswith(client[1])
    assert box.lineEdit().cursorPosition() == 0  # the text is shown from its start
