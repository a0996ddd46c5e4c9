"""The 对接项目 page: the list (search, stage and broker filters, sorting, as the other lists)
or the board (a column per stage, cards dragged between them); which one is remembered.
Ctrl+→ / Ctrl+← move the selected engagement a stage on or back, Ctrl+J adds a follow-up."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QWidget

from .. import i18n, listing
from .engagement_board import Board, stages
from .lists import ListPage
from .models import code_text
from .prefs import settings

i18n.register({
    "gui.list.engagement": ("对接项目", "Engagements"),
    "gui.search.engagement": ("搜索项目名称或备注（Ctrl+F）", "Search title or note (Ctrl+F)"),
    "gui.filter.all_stages": ("全部阶段", "All stages"),
    "gui.engagements.list": ("列表", "List"),
    "gui.engagements.board": ("看板", "Board"),
    "gui.engagements.view_tip": ("列表或看板（看板中拖动卡片即可改变阶段）", "List or board (drag a card to change its stage)"),
    "gui.followup.add": ("添加跟进(&J)…", "Add a follow-up (&J)…"),
})

VIEW_KEY = "engagements/view"


class EngagementsPage(ListPage):
    """对接项目: a :class:`ListPage` whose table can give way to the :class:`Board`.
    ``changed(changes)`` after a move made here; ``signRequested(id)`` when a card is
    moved to 已签约 (the window opens the new contract); ``followupRequested(id)``."""

    changed = Signal(object)
    signRequested = Signal(int)
    followupRequested = Signal(int)

    def __init__(self, ledger, entity: str = "engagement", parent: QWidget | None = None):
        self.board = Board(ledger)
        super().__init__(ledger, entity, parent)
        self.views = QStackedWidget()
        self.layout().replaceWidget(self.table, self.views)
        self.views.addWidget(self.table)
        self.views.addWidget(self.board)
        self.board.openRequested.connect(self.openRequested)
        self.board.signRequested.connect(self.signRequested)
        self.board.moved.connect(self.changed)
        self.named_actions: list[tuple[str, QAction]] = []
        for key, keys, slot in (("gui.board.next", "Ctrl+Right", lambda: self.board.step(self.selected_id(), 1)),
                                ("gui.board.previous", "Ctrl+Left", lambda: self.board.step(self.selected_id(), -1)),
                                ("gui.followup.add", "Ctrl+J", self._followup)):
            action = QAction(i18n.tr(key), self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.named_actions.append((i18n.tr(key), action))
        self.show_board(str(settings().value(VIEW_KEY, "board")) == "board")

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.filter_combo(bar, "stage", i18n.tr("gui.filter.all_stages"),
                          [(code_text("engagement_stage", s), s) for s in stages()])
        brokers = listing.broker_choices(self.model.ledger)
        self.filter_combo(bar, "broker", i18n.tr("gui.filter.all_brokers"), [(n, i) for i, n in brokers])
        self.toggle = QButtonGroup(self)
        for i, key in enumerate(("gui.engagements.list", "gui.engagements.board")):
            button = QPushButton(i18n.tr(key))
            button.setCheckable(True)
            button.setObjectName("segment")
            button.setToolTip(i18n.tr("gui.engagements.view_tip"))
            self.toggle.addButton(button, i)
            bar.addWidget(button)
        self.toggle.idClicked.connect(lambda i: self.show_board(i == 1))

    def filters(self) -> listing.EngagementFilters:
        w = self.filter_widgets
        return listing.EngagementFilters(stage=w["stage"].currentData(), broker_id=w["broker"].currentData())

    def board_shown(self) -> bool:
        return self.views.currentWidget() is self.board

    def show_board(self, on: bool) -> None:
        self.toggle.button(1 if on else 0).setChecked(True)
        self.views.setCurrentWidget(self.board if on else self.table)
        self.filter_widgets["stage"].setEnabled(not on)  # the board shows every stage side by side
        settings().setValue(VIEW_KEY, "board" if on else "list")
        self._fill_board()

    def _query(self, *args) -> None:
        super()._query(*args)
        self._fill_board()

    def _fill_board(self) -> None:
        if hasattr(self, "views") and self.board_shown():
            self.board.today = self.model.today
            self.board.refresh(self.search.text(), self.filter_widgets["broker"].currentData())

    def refresh(self) -> None:
        super().refresh()
        self._fill_board()

    def selected_id(self) -> int | None:
        if hasattr(self, "views") and self.board_shown():
            return self.board.selected_id()
        return super().selected_id()

    def focus_list(self) -> bool:
        """The board's first card (of the first column that has one) when the board is shown."""
        if not self.board_shown():
            return super().focus_list()
        for view in self.board.views.values():
            if view.model().rowCount():
                view.setFocus(Qt.FocusReason.OtherFocusReason)
                view.setCurrentIndex(view.model().index(0, 0))
                return True
        return False

    def select(self, id_: int) -> None:
        super().select(id_)
        if self.board_shown():
            self.board.select(id_)

    def _followup(self) -> None:
        if (id_ := self.selected_id()) is not None:
            self.followupRequested.emit(id_)
