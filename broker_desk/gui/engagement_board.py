"""The 对接项目 board: a column per stage of the engagement_stage code table, a card per
engagement (title, client or demand, achievement, brokers, next follow-up, overdue in red).

A column is a QListView over a model that holds the ids of its engagements (at most
``CAP``: a column of thousands says how many more there are) and fetches the cards' rows a
page at a time as they are painted — no widget per card. Dragging a card onto another column
asks :meth:`Board.move` to move it, through the core (change log, undo); a refused move says
why and the card stays where it was. Keys: Ctrl+→ / Ctrl+← move the current card a stage on
or back, its context menu moves it to any stage, Enter opens it.
"""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from .. import codes, frontoffice, i18n, listing
from ..errors import BrokerDeskError
from .models import code_text
from .widgets import show_error

i18n.register({
    "gui.board.column": ("{stage}（{count:,}）", "{stage} ({count:,})"),
    "gui.board.more": ("另有 {count:,} 项未显示，请搜索或筛选", "{count:,} more not shown: search or filter"),
    "gui.board.move_to": ("移到“{stage}”", "Move to “{stage}”"),
    "gui.board.open": ("打开", "Open"),
    "gui.board.next": ("移到下一阶段", "Move to the next stage"),
    "gui.board.previous": ("移到上一阶段", "Move to the previous stage"),
    "gui.board.end_title": ("终止对接项目", "End the engagement"),
    "gui.board.end_reason": ("“{name}”的终止原因：", "Why did “{name}” end?"),
    "gui.board.moved": ("“{name}”已移到“{stage}”（Ctrl+Z 撤销）", "“{name}” moved to “{stage}” (Ctrl+Z undoes it)"),
    "gui.board.no_next": ("未约下次跟进", "No follow-up set"),
    "gui.board.next_on": ("下次 {date}", "Next {date}"),
    "gui.board.overdue": ("逾期{days}天 {date}", "{days}d late {date}"),
    "gui.board.contract": ("合同 {contract}", "Contract {contract}"),
})

MIME = "application/x-brokerdesk-engagement"
CAP = 300       # cards a column holds; the rest are counted, not shown
PAGE = 100      # rows fetched at a time as cards are painted
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def stages() -> list[str]:
    return codes.tables().names("engagement_stage")


class StageModel(QAbstractListModel):
    """The engagements in one stage (at most ``CAP`` of them), their rows fetched as painted.
    A drop of another column's card emits ``dropped(id, stage)``."""

    dropped = Signal(int, str)

    def __init__(self, ledger, stage: str, parent=None):
        super().__init__(parent)
        self.ledger, self.stage = ledger, stage
        self.today: dt.date | None = None
        self.total = 0
        self._ids: list[int] = []
        self._rows: dict[int, dict] = {}

    def refresh(self, text: str = "", broker_id: int | None = None) -> None:
        self.beginResetModel()
        ids = listing.list_ids(self.ledger, "engagement", text,
                               listing.EngagementFilters(stage=self.stage, broker_id=broker_id), today=self.today)
        self.total = len(ids)
        self._ids = ids[:CAP]
        self._rows.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, id_: int) -> int | None:
        return self._ids.index(id_) if id_ in self._ids else None

    def record(self, row: int) -> dict | None:
        if not 0 <= row < len(self._ids):
            return None
        id_ = self._ids[row]
        if id_ not in self._rows:
            page = [i for i in self._ids[max(0, row - PAGE // 4):][:PAGE] if i not in self._rows]
            self._rows.update(listing.fetch_rows(self.ledger, "engagement", page, self.today))
        return self._rows.get(id_)

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        row = self.record(index.row())
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (row or {}).get("title") or ""
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        ids = [self._ids[i.row()] for i in indexes if i.isValid()]
        data.setData(MIME, json.dumps({"ids": ids, "stage": self.stage}).encode())
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        if not data.hasFormat(MIME):
            return False
        return json.loads(bytes(data.data(MIME)).decode()).get("stage") != self.stage

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        for id_ in json.loads(bytes(data.data(MIME)).decode())["ids"]:
            self.dropped.emit(int(id_), self.stage)
        return False  # the card is moved by the ledger and the board refreshed, never by the view


class CardDelegate(QStyledItemDelegate):
    """Paints an engagement as a card: title, client or demand, achievement, brokers, and the
    next follow-up (red once overdue)."""

    LINES = 6  # the title may take two

    def __init__(self, board: Board):
        super().__init__(board)
        self.board = board

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        return QSize(option.rect.width() or 200, QFontMetrics(option.font).height() * self.LINES + 22)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        row = index.data(ROW_ROLE) or {}
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(QPen(QColor("#2f6fde" if selected else "#d5dbe3"), 2 if selected else 1))
        painter.setBrush(QColor("#eef4ff" if selected else "#ffffff"))
        painter.drawRoundedRect(rect, 6, 6)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        text = rect.adjusted(8, 6, -8, -6)
        width = text.width()

        def draw(i: int, value: str, colour: str = "#4a5568", bold: bool = False, lines: int = 1) -> None:
            font = option.font
            font.setBold(bold)
            painter.setFont(font)
            painter.setPen(QColor(colour))
            fm = QFontMetrics(font)
            room = width * lines - (fm.horizontalAdvance("国") * (lines - 1))  # a wrapped line ends short
            elided = fm.elidedText(value, Qt.TextElideMode.ElideRight, room)
            painter.drawText(QRect(text.x(), text.y() + i * line, width, line * lines),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWrapAnywhere),
                             elided)

        draw(0, row.get("title") or "…", "#1a202c", bold=True, lines=2)
        draw(2, row.get("demand_client") or row.get("demand") or "")
        draw(3, row.get("achievement") or row.get("supply_client") or "")
        draw(4, row.get("brokers") or "")
        next_on = row.get("next_on")
        late = self.board.days_late(next_on)
        if row.get("contract_no"):
            draw(5, i18n.tr("gui.board.contract", contract=row["contract_no"]), "#1d6b35")
        elif row.get("stage") in (frontoffice.SIGNED, frontoffice.ENDED):
            pass
        elif next_on and late > 0:
            draw(5, i18n.tr("gui.board.overdue", date=next_on[5:], days=late), "#c62828")  # a recent date: no year
        elif next_on:
            draw(5, i18n.tr("gui.board.next_on", date=next_on))
        elif row:
            draw(5, i18n.tr("gui.board.no_next"), "#9aa4b2")
        painter.restore()


class StageView(QListView):
    """One column's cards; a drop from another column is the model's to take."""

    def __init__(self, model: StageModel, delegate: CardDelegate):
        super().__init__()
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setObjectName("boardColumn")


class Board(QWidget):
    """The columns side by side (scrolling sideways when the window is narrow)."""

    openRequested = Signal(int)
    signRequested = Signal(int)
    moved = Signal(object)  # the Changes of a move made

    COLUMN_WIDTH = 160

    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.today: dt.date | None = None
        self.delegate = CardDelegate(self)
        self.models: dict[str, StageModel] = {}
        self.views: dict[str, StageView] = {}
        self.headers: dict[str, QLabel] = {}
        self.more: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for stage in stages():
            model = StageModel(ledger, stage, self)
            model.dropped.connect(self._dropped)
            view = StageView(model, self.delegate)
            view.customContextMenuRequested.connect(lambda pos, v=view: self._menu(v, pos))
            view.activated.connect(self._open)  # Enter, and a double-click (or the platform's click): once
            view.pressed.connect(lambda _index, v=view: self._only(v))
            column = QVBoxLayout()
            column.setSpacing(4)
            header = QLabel(code_text("engagement_stage", stage))
            header.setObjectName("sectionTitle")
            header.setWordWrap(True)
            header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            more = QLabel("")
            more.setObjectName("muted")
            more.setWordWrap(True)
            more.hide()
            column.addWidget(header)
            column.addWidget(view, 1)
            column.addWidget(more)
            holder = QWidget()
            holder.setLayout(column)
            holder.setMinimumWidth(self.COLUMN_WIDTH)
            row.addWidget(holder, 1)
            self.models[stage], self.views[stage], self.headers[stage], self.more[stage] = model, view, header, more
        self._pending: list[tuple[int, str]] = []
        self.query: tuple[str, int | None] = ("", None)

    # -- filling ---------------------------------------------------------------------
    def refresh(self, text: str = "", broker_id: int | None = None) -> None:
        current = self.selected_id()
        self.query = (text, broker_id)
        for stage, model in self.models.items():
            model.today = self.today
            model.refresh(text, broker_id)
            self.headers[stage].setText(i18n.tr("gui.board.column", stage=code_text("engagement_stage", stage),
                                                count=model.total))
            hidden = model.total - len(model.ids())
            self.more[stage].setVisible(hidden > 0)
            self.more[stage].setText(i18n.tr("gui.board.more", count=hidden) if hidden > 0 else "")
        if current is not None:
            self.select(current)
        QTimer.singleShot(0, self._even_headers)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._even_headers)

    def _even_headers(self) -> None:
        """Every column's header as tall as the tallest (a stage name on two lines, "Proposal and
        quote (12)"), so that the columns' cards start on one line."""
        tallest = max((h.heightForWidth(h.width()) for h in self.headers.values()), default=0)
        for header in self.headers.values():
            header.setMinimumHeight(tallest)

    def days_late(self, next_on: str | None) -> int:
        return frontoffice.days_late(next_on, self.today or dt.date.today())

    # -- selection -------------------------------------------------------------------
    def current_view(self) -> StageView | None:
        """The column whose card is selected (the focused column first)."""
        chosen = [v for v in self.views.values() if v.currentIndex().isValid() and v.selectionModel().hasSelection()]
        focused = [v for v in chosen if v.hasFocus()]
        return (focused or chosen or [None])[0]

    def selected_id(self) -> int | None:
        view = self.current_view()
        return view.currentIndex().data(Qt.ItemDataRole.UserRole) if view is not None else None

    def select(self, id_: int) -> bool:
        """Select ``id_``'s card (the keyboard focus follows it when the board had it)."""
        had_focus = any(v.hasFocus() for v in self.views.values())
        for view in self.views.values():
            view.clearSelection()
        for stage, model in self.models.items():
            row = model.row_of(id_)
            if row is not None:
                view = self.views[stage]
                view.setCurrentIndex(model.index(row))
                view.scrollTo(model.index(row))
                if had_focus:
                    view.setFocus()
                return True
        return False

    def _open(self, index) -> None:
        id_ = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        if id_ is not None:
            self.openRequested.emit(id_)

    def _only(self, chosen: StageView) -> None:
        """One card selected on the board: choosing one in a column clears the others."""
        for view in self.views.values():
            if view is not chosen:
                view.clearSelection()

    def stage_of(self, id_: int) -> str | None:
        row = self.ledger.conn.execute("SELECT stage FROM engagements WHERE id = ?", [id_]).fetchone()
        return row[0] if row else None

    # -- moving ----------------------------------------------------------------------
    def _dropped(self, id_: int, stage: str) -> None:
        """A drop: moved once the drag has ended (a message box inside a drop would hold it)."""
        self._pending.append((id_, stage))
        QTimer.singleShot(0, self._move_pending)

    def _move_pending(self) -> None:
        while self._pending:
            self.move(*self._pending.pop(0))

    def step(self, id_: int | None, by: int) -> bool:
        """Move an engagement a stage on (``by`` 1) or back (−1) in the code table's order."""
        if id_ is None or (stage := self.stage_of(id_)) is None:
            return False
        order = stages()
        i = order.index(stage) + by if stage in order else -1
        return 0 <= i < len(order) and self.move(id_, order[i])

    def ask_reason(self, name: str) -> str | None:
        """The reason an engagement ended, asked when it is moved to 已终止 (None: cancelled)."""
        text, ok = QInputDialog.getText(self, i18n.tr("gui.board.end_title"), i18n.tr("gui.board.end_reason", name=name))
        return text.strip() if ok and text.strip() else None

    def move(self, id_: int, stage: str) -> bool:
        """Move an engagement to ``stage`` through the core: 已签约 starts the signing (a contract
        is made from it), 已终止 asks the reason; a refusal is said and the card stays."""
        record = self.ledger.get("engagement", id_)
        if record is None or record["stage"] == stage:
            return False
        if stage == frontoffice.SIGNED and not frontoffice.signed_contract(self.ledger, id_):
            self.signRequested.emit(id_)
            return False
        values: dict = {"stage": stage}
        if stage == frontoffice.ENDED and not record.get("end_reason"):
            reason = self.ask_reason(record["title"])
            if reason is None:
                return False
            values["end_reason"] = reason
        try:
            changes = self.ledger.update("engagement", id_, values)
        except BrokerDeskError as e:
            show_error(self, e, i18n.tr("gui.board.move_to", stage=code_text("engagement_stage", stage)))
            self.refresh_same()
            return False
        self.moved.emit(changes)
        return True

    def refresh_same(self) -> None:
        """Refresh with the query last asked for."""
        self.refresh(*self.query)

    def _menu(self, view: StageView, pos) -> None:
        index = view.indexAt(pos)
        if not index.isValid():
            return
        id_ = index.data(Qt.ItemDataRole.UserRole)
        view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(i18n.tr("gui.board.open"), lambda: self.openRequested.emit(id_))
        menu.addSeparator()
        here = self.stage_of(id_)
        for stage in stages():
            action = menu.addAction(i18n.tr("gui.board.move_to", stage=code_text("engagement_stage", stage)),
                                    lambda s=stage: self.move(id_, s))
            action.setEnabled(stage != here)
        menu.addSeparator()
        menu.addAction(i18n.tr("gui.board.next"), lambda: self.step(id_, 1)).setShortcut(QKeySequence("Ctrl+Right"))
        menu.addAction(i18n.tr("gui.board.previous"), lambda: self.step(id_, -1)).setShortcut(QKeySequence("Ctrl+Left"))
        menu.exec(view.viewport().mapToGlobal(pos))
