"""The window's front office for engagements: the 对接项目 page (list with stage and broker
filters; board with a column per stage where a dropped card moves its engagement through the
core), the engagement editor (follow-up timeline, 添加跟进 on Ctrl+J, 签约 into a prefilled
contract) and 工作台's follow-ups due today and overdue."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from broker_desk import frontoffice
from broker_desk.gui.engagement_board import CAP
from broker_desk.gui.engagement_editor import EngagementEditor, FollowupDialog, SigningEditor
from broker_desk.gui.help import shortcut_rows
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.usefixtures("qt_setup")


def _stage(ledger, id_: int) -> str:
    return ledger.conn.execute("SELECT stage FROM engagements WHERE id = ?", [id_]).fetchone()[0]


def _ids(ledger, sql: str, *args) -> list[int]:
    return [i for (i,) in ledger.conn.execute(sql, args)]


@pytest.fixture
def page(window):
    page = window.pages["engagement"]
    window.nav.setCurrentRow(window.stack.indexOf(page))
    page.show_board(True)
    return page


def _drop(board, id_: int, source: str, target: str) -> bool:
    """What a drag of ``id_``'s card from column ``source`` onto column ``target`` hands the model."""
    src = board.models[source]
    data = src.mimeData([src.index(src.row_of(id_))])
    dest = board.models[target]
    assert dest.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert not src.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())  # its own column
    return dest.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())


def test_the_board_has_a_column_per_stage_with_the_ledgers_engagements(page, demo_ledger):
    board = page.board
    assert list(board.models) == ["初步接触", "需求确认", "方案报价", "商务洽谈", "已签约", "已终止"]
    for stage, model in board.models.items():
        expected = _ids(demo_ledger, "SELECT id FROM engagements WHERE stage = ? ORDER BY id DESC", stage)
        assert expected, stage  # the demo has engagements at every stage
        assert model.ids() == expected[:CAP] and model.total == len(expected)
        assert board.headers[stage].text() == f"{stage}（{len(expected)}）"
    first = board.models["商务洽谈"]
    row = first.data(first.index(0), Qt.ItemDataRole.UserRole + 1)
    title = demo_ledger.get("engagement", first.ids()[0])["title"]
    assert row["title"] == title and first.data(first.index(0)) == title
    # the broker filter narrows the board as it does the list
    broker_id = page.filter_widgets["broker"].itemData(1)
    page.filter_widgets["broker"].setCurrentIndex(1)
    mine = _ids(demo_ledger, "SELECT e.id FROM engagements e WHERE e.stage = '商务洽谈' AND e.id IN "
                             "(SELECT engagement_id FROM engagement_brokers WHERE broker_id = ?) ORDER BY e.id DESC",
                broker_id)
    assert board.models["商务洽谈"].ids() == mine


def test_dragging_a_card_to_another_stage_moves_it_and_undo_brings_it_back(window, page, demo_ledger, qtbot):
    board = page.board
    id_ = board.models["初步接触"].ids()[0]
    assert _drop(board, id_, "初步接触", "需求确认") is False  # the view never moves the card itself
    qtbot.waitUntil(lambda: _stage(demo_ledger, id_) == "需求确认")  # moved once the drag has ended
    assert id_ in board.models["需求确认"].ids() and id_ not in board.models["初步接触"].ids()
    assert window.ledger.undo_label() == f"修改对接项目“{demo_ledger.get('engagement', id_)['title']}”"
    assert window.undo_action.isEnabled()
    window.undo()
    assert _stage(demo_ledger, id_) == "初步接触"
    assert id_ in board.models["初步接触"].ids() and id_ not in board.models["需求确认"].ids()


def test_a_refused_move_says_why_and_the_card_stays(window, page, demo_ledger, qtbot, monkeypatch):
    said = []
    monkeypatch.setattr("broker_desk.gui.engagement_board.show_error", lambda _p, e, _t=None: said.append(str(e)))
    board = page.board
    id_, contract_no = demo_ledger.conn.execute(
        "SELECT e.id, c.contract_no FROM engagements e JOIN contracts c ON c.engagement_id = e.id "
        "WHERE e.stage = '已签约' ORDER BY e.id LIMIT 1").fetchone()
    _drop(board, id_, "已签约", "商务洽谈")
    qtbot.waitUntil(lambda: len(said) == 1)
    assert said == [f"对接项目已关联合同 {contract_no}，阶段须保持“已签约”（要改阶段，先解除合同的关联）"]
    assert _stage(demo_ledger, id_) == "已签约"
    assert id_ in board.models["已签约"].ids() and id_ not in board.models["商务洽谈"].ids()
    # 已终止 asks why; cancelled, nothing moves; answered, the reason is kept
    other = board.models["方案报价"].ids()[0]
    monkeypatch.setattr(board, "ask_reason", lambda _name: None)
    assert board.move(other, "已终止") is False and _stage(demo_ledger, other) == "方案报价"
    monkeypatch.setattr(board, "ask_reason", lambda _name: "客户预算取消")
    assert board.move(other, "已终止") is True
    assert (demo_ledger.get("engagement", other)["stage"], demo_ledger.get("engagement", other)["end_reason"]) == (
        "已终止", "客户预算取消")


def test_a_double_click_opens_the_card_once(window, page, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(window, "open_record", lambda entity, id_: opened.append((entity, id_)))
    view, model = page.board.views["方案报价"], page.board.models["方案报价"]
    at = view.visualRect(model.index(1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)  # Qt 6 wants a press first
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert opened == [("engagement", model.ids()[1])]
    view.activated.emit(QModelIndex())  # an index gone with a refresh opens nothing
    assert len(opened) == 1


def test_keys_move_the_current_card_and_a_move_to_signed_starts_signing(window, page, demo_ledger, qtbot,
                                                                        monkeypatch):
    board = page.board
    view = board.views["需求确认"]
    id_ = board.models["需求确认"].ids()[0]
    board.select(id_)
    view.setFocus()
    assert page.selected_id() == id_
    actions = dict(page.named_actions)
    actions["移到下一阶段"].trigger()          # Ctrl+→
    assert _stage(demo_ledger, id_) == "方案报价"
    assert page.selected_id() == id_           # the card stays selected in its new column
    actions["移到上一阶段"].trigger()          # Ctrl+←
    assert _stage(demo_ledger, id_) == "需求确认"
    assert [k.toString() for k in actions["移到下一阶段"].shortcuts()] == ["Ctrl+Right"]
    rows = dict(shortcut_rows(window.named_actions))   # 帮助 → 快捷键 lists them
    assert rows["移到下一阶段"] == "Ctrl+Right" and rows["移到上一阶段"] == "Ctrl+Left"
    assert rows["添加跟进"] == "Ctrl+J"
    asked = []  # the window opens the new contract prefilled from the engagement (closed unsaved here)
    monkeypatch.setattr(SigningEditor, "exec", lambda editor: asked.append(editor.engagement_id))
    negotiating = board.models["商务洽谈"].ids()[0]
    assert board.step(negotiating, 1) is False
    assert asked == [negotiating] and _stage(demo_ledger, negotiating) == "商务洽谈"


def test_the_list_filters_by_stage_and_the_view_chosen_is_remembered(window, page, demo_ledger):
    page.show_board(False)
    assert not page.board_shown() and page.views.currentWidget() is page.table
    page.filter_widgets["stage"].setCurrentIndex(page.filter_widgets["stage"].findData("方案报价"))
    assert page.model.ids() == _ids(demo_ledger, "SELECT id FROM engagements WHERE stage = '方案报价' ORDER BY id DESC")
    from broker_desk.gui.engagements_page import EngagementsPage

    again = EngagementsPage(demo_ledger)
    assert not again.board_shown()
    again.show_board(True)
    assert EngagementsPage(demo_ledger).board_shown()


def _signable(ledger) -> int:
    return ledger.conn.execute(
        "SELECT e.id FROM engagements e WHERE e.stage = '商务洽谈' AND e.demand_id IS NOT NULL "
        "AND e.achievement_id IS NOT NULL AND e.expected_fen IS NOT NULL AND "
        "(SELECT count(*) FROM engagement_brokers b WHERE b.engagement_id = e.id) = 2 ORDER BY e.id LIMIT 1").fetchone()[0]


def test_signing_an_engagement_opens_a_prefilled_contract_and_links_it(window, demo_ledger, qtbot, monkeypatch):
    eid = _signable(demo_ledger)
    eng = demo_ledger.get("engagement", eid)
    demand_id = eng["demand_id"]
    seen = {}

    def fill_and_save(editor):
        inputs = editor.inputs
        seen.update({k: inputs[k].value() for k in ("title", "buyer_id", "seller_id", "achievement_id", "amount_fen",
                                                    "signed_on")})
        seen["brokers"] = editor.brokers.value()
        inputs["contract_no"].set_value("QY-2026-0001")
        if not inputs["category"].value():
            inputs["category"].set_value("技术开发")
        editor._category_changed()
        inputs["subtype"].set_value(inputs["subtype"].itemData(1))
        assert editor.save(), editor.general.text()

    monkeypatch.setattr(SigningEditor, "exec", fill_and_save)
    editor = EngagementEditor(demo_ledger, eid, window)
    qtbot.addWidget(editor)
    assert editor.sign_button.text() == "签约…"
    editor.sign_button.click()
    assert seen == {"title": eng["title"], "buyer_id": eng["demand_client_id"], "seller_id": eng["supply_client_id"],
                    "achievement_id": eng["achievement_id"], "amount_fen": eng["expected_fen"],
                    "signed_on": DEMO_TODAY.isoformat(),
                    "brokers": [(b, f"{bp / 100:g}") for b, bp in eng["brokers"]]}
    cid, no = frontoffice.signed_contract(demo_ledger, eid)
    contract = demo_ledger.get("contract", cid)
    assert (no, contract["engagement_id"], contract["title"], contract["amount_fen"], contract["brokers"]) == (
        "QY-2026-0001", eid, eng["title"], eng["expected_fen"], [tuple(b) for b in eng["brokers"]])
    assert demo_ledger.get("engagement", eid)["stage"] == "已签约"
    assert demo_ledger.get("demand", demand_id)["status"] == "已签约"
    assert editor.inputs["stage"].value() == "已签约"
    assert editor.sign_button.text() == "打开合同 QY-2026-0001"  # signed: the button opens the contract
    assert demo_ledger.undo_label() == f"对接项目“{eng['title']}”签约"


def test_a_followup_added_with_ctrl_j_joins_the_timeline_and_the_ledger(window, demo_ledger, qtbot, monkeypatch):
    eid = _signable(demo_ledger)
    before = frontoffice.timeline(demo_ledger, eid)

    def fill(dialog: FollowupDialog):
        assert dialog.inputs["on_date"].value() == DEMO_TODAY.isoformat()  # today by default
        dialog.inputs["channel"].set_value("走访")
        dialog.inputs["content"].set_value("上门演示样机，对方认可性能指标")
        dialog.inputs["next_step"].set_value("发送报价单")
        dialog.inputs["next_on"].set_value("2026-06-22")
        dialog.apply()

    monkeypatch.setattr(FollowupDialog, "exec", fill)
    editor = EngagementEditor(demo_ledger, eid, window)
    qtbot.addWidget(editor)
    editor.show()
    assert "Ctrl+J" in editor.add_button.toolTip()
    assert editor.timeline.count() == len(before)
    editor.activateWindow()  # keys reach a window's shortcuts only in the active window
    editor.inputs["title"].setFocus()
    qtbot.waitUntil(editor.isActiveWindow)
    qtbot.keyClick(editor.inputs["title"], Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    after = frontoffice.timeline(demo_ledger, eid)
    assert len(after) == len(before) + 1
    new = [r for r in after if r["id"] not in {b["id"] for b in before}][0]
    assert (new["on_date"], new["channel"], new["content"], new["next_step"], new["next_on"], new["done"]) == (
        "2026-06-15", "走访", "上门演示样机，对方认可性能指标", "发送报价单", "2026-06-22", 0)
    assert new["broker_id"] == demo_ledger.get("engagement", eid)["brokers"][0][0]
    assert editor.timeline.count() == len(after)
    assert editor.timeline.item(len(after) - 1).text().split("\n") == [
        f"2026-06-15 · 走访 · {new['broker']}", "上门演示样机，对方认可性能指标", "下一步：发送报价单　2026-06-22"]
    assert editor.timeline_title.text() == f"跟进记录（{len(after)}）"


def test_home_lists_the_followups_due_today_and_overdue(window, demo_ledger, qtbot, monkeypatch):
    due = frontoffice.due_followups(demo_ledger, DEMO_TODAY)
    late = [d for d in due if d.days_late > 0]
    assert late and any(d.days_late == 0 for d in due)  # the demo has both
    tree = window.home.followups
    assert tree.headerItem().text(0) == "应跟进日期"  # the day the next step is due, not the follow-up's own
    assert window.home.titles["followups"].text() == f"今日及逾期跟进（{len(due)}，逾期 {len(late)}）"
    assert [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())] == [
        (d.next_on, d.engagement) for d in due]
    red = {i for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).foreground(0).color().name() == "#c62828"}
    assert red == {i for i, d in enumerate(due) if d.days_late > 0}
    opened = []
    monkeypatch.setattr(window, "open_record", lambda entity, id_: opened.append((entity, id_)))
    tree.itemActivated.emit(tree.topLevelItem(0), 0)  # a double-click (or Enter) opens the engagement
    assert opened == [("engagement", due[0].engagement_id)]


def test_a_new_engagement_starts_at_the_first_stage_today_and_is_saved_before_it_can_be_signed(window, demo_ledger,
                                                                                              qtbot):
    demand = demo_ledger.conn.execute("SELECT id, client_id FROM demands WHERE status = '征集中' LIMIT 1").fetchone()
    editor = window.editor("engagement", None, {"demand_id": demand[0], "title": "新的对接"})  # as 发起对接 opens it
    qtbot.addWidget(editor)
    assert (editor.inputs["stage"].value(), editor.inputs["started_on"].value()) == ("初步接触", DEMO_TODAY.isoformat())
    assert not editor.sign_button.isEnabled() and not editor.add_button.isEnabled()
    assert editor.timeline_hint.isVisibleTo(editor)
    assert editor.save()
    row = demo_ledger.get("engagement", editor.id)
    assert (row["title"], row["stage"], row["demand_client_id"]) == ("新的对接", "初步接触", demand[1])
    assert demo_ledger.get("demand", demand[0])["status"] == "对接中"
    assert editor.id in window.pages["engagement"].board.models["初步接触"].ids()


def test_a_share_given_to_no_broker_is_said_on_save_in_the_engagement_editor_as_in_the_contract_editor(
        window, demo_ledger, qtbot):
    eid = _ids(demo_ledger, "SELECT e.id FROM engagements e WHERE "
               "(SELECT count(*) FROM engagement_brokers b WHERE b.engagement_id = e.id) = 1 ORDER BY e.id LIMIT 1")[0]
    before = demo_ledger.get("engagement", eid)["brokers"]
    for editor in (window.editor("engagement", eid), window.editor("contract", 5)):
        qtbot.addWidget(editor)
        editor.show()
        if editor.entity == "contract":
            editor.tabs.setCurrentIndex(0)
        editor.resize(editor.width(), 420)  # the brokers' table below the fold
        editor.brokers.set_value([(before[0][0], 6000)])
        editor.brokers.add_row()  # a second row: the 40% left, no broker chosen yet
        editor.check()
        assert editor.messages["brokers"].text() == ""  # not "shares total 60%" while the row is new
        saved = editor.save()
        editor.dirty = False  # closed at the end without asking
        assert saved is False
        assert editor.messages["brokers"].text() == "✖ 第 2 行尚未选择经纪人"
        assert editor.isVisible()
        qtbot.waitUntil(lambda e=editor: not e.messages["brokers"].visibleRegion().isEmpty())  # scrolled into view
        if editor.entity == "contract":
            assert editor.tabs.currentIndex() == 1  # the brokers' tab is shown
    assert demo_ledger.get("engagement", eid)["brokers"] == before


def test_the_columns_cards_start_on_one_line_when_a_stage_name_takes_two(window, page, qtbot):
    from PySide6.QtCore import QPoint

    from broker_desk import i18n

    i18n.set_language("en")
    window.resize(1280, 730)
    board = page.board
    board.refresh()
    headers = board.headers.values()
    qtbot.waitUntil(lambda: max(h.height() for h in headers) >= 2 * min(h.fontMetrics().height() for h in headers))
    qtbot.wait(20)
    tops = {stage: view.mapTo(board, QPoint(0, 0)).y() for stage, view in board.views.items()}
    assert len(set(tops.values())) == 1, tops


def test_the_engagement_editor_opens_tall_enough_for_its_brokers_where_the_screen_allows(window, demo_ledger, qtbot):
    from PySide6.QtWidgets import QScrollArea

    from broker_desk.gui import geometry

    eid = _ids(demo_ledger, "SELECT id FROM engagements ORDER BY id LIMIT 1")[0]
    editor = window.editor("engagement", eid)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.wait(20)
    area = editor.brokers.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    room = geometry.available(window).height() - 60
    assert area.verticalScrollBar().maximum() == 0 or editor.height() >= room - 1  # all of it, or all the screen


def test_the_list_shows_an_overdue_next_followup_red_and_none_once_signed_or_ended(window, page, demo_ledger):
    for stage in ("已签约", "已终止"):  # a next step left undone when the engagement was signed or ended
        demo_ledger.conn.execute(
            "UPDATE followups SET done = 0, next_on = '2026-06-01' WHERE id = (SELECT min(f.id) FROM followups f "
            "JOIN engagements e ON e.id = f.engagement_id WHERE e.stage = ?)", [stage])
    demo_ledger.conn.commit()
    page.show_board(False)
    page.refresh()
    model = page.model
    col = [c.key for c in model.columns].index("next_on")
    undone = dict(demo_ledger.conn.execute(
        "SELECT engagement_id, min(next_on) FROM followups WHERE done = 0 GROUP BY engagement_id"))
    stages = dict(demo_ledger.conn.execute("SELECT id, stage FROM engagements"))
    ids = model.ids()
    # the demo has signed and ended engagements with an undone next step, and open ones late
    assert any(stages[i] in ("已签约", "已终止") and undone.get(i) for i in ids)
    shown, red = {}, set()
    for r, id_ in enumerate(ids):
        index = model.index(r, col)
        shown[id_] = model.data(index)
        brush = model.data(index, Qt.ItemDataRole.ForegroundRole)
        if brush is not None and brush.color().name() == "#c62828":
            red.add(id_)
    expected = {i: "" if stages[i] in ("已签约", "已终止") or not undone.get(i) else undone[i] for i in ids}
    assert shown == expected
    late = {i for i, on in expected.items() if on and on < DEMO_TODAY.isoformat()}
    assert late and red == late  # the board's rule: late once the day has passed
