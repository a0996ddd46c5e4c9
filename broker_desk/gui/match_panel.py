"""The 匹配 panel beside a demand's or an achievement's form: the best records of the other kind
(matching.match_record), each with its score and the reasons it matched; Enter or a double-click
opens one, its 发起对接 button starts an engagement prefilled from the two
(frontoffice.engagement_draft). Matches are worked out off the GUI thread once the editor is
shown, again when the record is saved and on 重新匹配 — never per keystroke."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import frontoffice, i18n, matching
from ..fields import ENTITY_FIELDS, Field, entity_label
from .editors import NOT_IN_FORM, RecordEditor
from .geometry import scrolled
from .jobs import Background
from .titles import clean_title
from .widgets import section_row

#: The records whose editor has a 匹配 panel, and what it finds for them.
MATCHING = matching.OTHER

i18n.register({
    "gui.match.title": ("匹配", "Matches"),
    "gui.match.rematch": ("重新匹配", "Match again"),
    "gui.match.busy": ("正在匹配…", "Matching…"),
    "gui.match.count": ("最合适的 {count} 条{entity}，按得分排列", "The {count} best {entity} records, best first"),
    "gui.match.none": ("没有找到合适的{entity}。填写名称、关键词和描述后按“重新匹配”。",
                       "No {entity} matches yet. Fill in the title, keywords and description, then press “Match again”."),
    "gui.match.failed": ("匹配失败：{error}", "Matching failed: {error}"),
    "gui.match.score": ("得分", "Score"),
    "gui.match.why": ("匹配理由", "Why it matched"),
    "gui.match.start": ("发起对接", "Start engagement"),
    "gui.match.start_tip": ("新建对接项目：本{this}与这条{other}，双方和负责经纪人已填好",
                            "A new engagement between this {this} and this {other}, its parties and broker filled in"),
    "gui.match.hint": ("双击或按 Enter 打开；“发起对接”新建一个对接项目", "Double-click or Enter opens one; “Start engagement” creates an engagement"),
    "gui.match.close": ("关闭", "Close"),
})

TOP = 10


class MatchPanel(QWidget):
    """The best ``find`` records for a record of the other kind. ``rematch(values)`` asks again;
    emits ``openRecord(kind, id)`` and ``startEngagement(id)`` (the result's id)."""

    openRecord = Signal(str, int)
    startEngagement = Signal(int)

    def __init__(self, ledger, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.entity, self.find = ledger, entity, MATCHING[entity]
        self.matches: list[matching.Match] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        top, _ = section_row(i18n.tr("gui.match.title"))
        self.rematch_button = QPushButton(i18n.tr("gui.match.rematch"))
        top.addWidget(self.rematch_button)
        layout.addLayout(top)
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        fields = {f.name: f for f in ENTITY_FIELDS[self.find]}
        party = fields["client_id" if self.find == "demand" else "holder_id"]
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([i18n.tr("gui.match.score"), self._label(fields["title"]) + " / "
                                              + self._label(party), i18n.tr("gui.match.why"), ""])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Interactive,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        header.resizeSection(1, header.fontMetrics().horizontalAdvance("国") * 12)
        # wrapped text takes the lines the new widths need (once the resizing settles)
        self._fit_rows = QTimer(self, singleShot=True, interval=50, timeout=self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._fit_rows.start())
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        open_action = QAction(self.table)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(lambda: self.open_row(self.table.currentRow()))
        self.table.addAction(open_action)
        layout.addWidget(self.table, 1)
        hint = QLabel(i18n.tr("gui.match.hint"))
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.background = Background(ledger, self)
        self.background.done.connect(self._show)
        self.background.failed.connect(lambda e: self.status.setText(i18n.tr("gui.match.failed", error=e)))
        self.busy = False

    @staticmethod
    def _label(f: Field) -> str:
        return f.zh if i18n.get_language() == "zh" else f.en

    def sizeHint(self) -> QSize:
        return QSize(520, 400)

    # -- matching --------------------------------------------------------------------
    def rematch(self, values: dict) -> None:
        """Match the record as ``values`` has it (off the GUI thread)."""
        self.busy = True
        self.status.setText(i18n.tr("gui.match.busy"))
        kind = self.entity
        self.background.run(lambda led: matching.match_record(led, kind, values, TOP))

    def _show(self, matches: list[matching.Match]) -> None:
        self.busy = False
        self.matches = matches
        self.table.setRowCount(len(matches))
        other = i18n.tr(f"match.entity.{self.find}")
        for row, m in enumerate(matches):
            score = QTableWidgetItem(f"{m.score:.0f}")
            score.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            score.setData(Qt.ItemDataRole.UserRole, m.id)
            name = QTableWidgetItem(f"{m.name}\n{m.party}" if m.party else m.name)
            name.setToolTip(m.uid)
            why = QTableWidgetItem("\n".join(r.text for r in m.reasons))
            why.setToolTip(m.why)
            for column, item in enumerate((score, name, why)):
                self.table.setItem(row, column, item)
            start = QPushButton(i18n.tr("gui.match.start"))
            start.setToolTip(i18n.tr("gui.match.start_tip", this=entity_label(self.entity), other=other))
            start.clicked.connect(lambda _=False, id_=m.id: self.startEngagement.emit(id_))
            cell = QWidget()  # the button at its own height, in the middle of a taller row
            box = QVBoxLayout(cell)
            box.setContentsMargins(4, 2, 4, 2)
            box.addWidget(start, 0, Qt.AlignmentFlag.AlignVCenter)
            self.table.setCellWidget(row, 3, cell)
        self.table.resizeRowsToContents()
        self.status.setText(i18n.tr("gui.match.count", count=len(matches), entity=other) if matches
                            else i18n.tr("gui.match.none", entity=other))
        if matches:
            self.table.setCurrentCell(0, 1)

    def start_button(self, row: int) -> QPushButton:
        return self.table.cellWidget(row, 3).findChild(QPushButton)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.matches):
            self.openRecord.emit(self.find, self.matches[row].id)


class MatchingEditor(RecordEditor):
    """A demand's or an achievement's editor: the form (its 状态 included) and the 匹配 panel
    beside it. Saving keeps it open, the matches brought up to date; ``openRecord(entity, id)``
    asks for a result to be opened, ``startEngagement(draft)`` for a new engagement."""

    openRecord = Signal(str, int)
    startEngagement = Signal(object)

    def __init__(self, ledger, entity: str, id_: int | None = None, parent: QWidget | None = None,
                 initial: dict | None = None):
        super().__init__(ledger, entity, id_, parent, initial)
        self.panel.openRecord.connect(self.openRecord)
        self.panel.startEngagement.connect(self.start_engagement)
        self.panel.rematch_button.clicked.connect(self.rematch)
        self._first = True

    def fields(self, names: list[str] | None = None) -> list[Field]:
        shown = [f for f in ENTITY_FIELDS[self.entity] if f.name not in NOT_IN_FORM or f.name == "status"]
        return [f for f in shown if names is None or f.name in names]

    def framed(self, form_area: QWidget) -> QWidget:
        self.panel = MatchPanel(self.ledger, self.entity)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        area = scrolled(form_area)  # never narrower than the form: the panel gives way
        area.setMinimumWidth(form_area.sizeHint().width() + area.verticalScrollBar().sizeHint().width())
        split.addWidget(area)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        return split

    def default_size(self) -> QSize:
        return QSize(1240, self._fitting_height())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first:  # after the editor is on the screen: opening it never waits for matching
            self._first = False
            QTimer.singleShot(0, self.rematch)

    def rematch(self) -> None:
        self.panel.rematch(self.values())

    def after_save(self, changes) -> None:
        self.insist = True
        self.setWindowTitle(clean_title(i18n.tr("gui.edit.edit", entity=entity_label(self.entity),
                                                name=self.ledger.display_name(self.entity, self.record))))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(i18n.tr("gui.match.close"))
        self.rematch()

    def start_engagement(self, other_id: int) -> None:
        """发起对接 on a result: this record saved first if it has changes, then a new engagement's
        values prefilled from the two asked for."""
        if (self.id is None or self.dirty) and not self.save():
            return
        demand, achievement = (self.id, other_id) if self.entity == "demand" else (other_id, self.id)
        self.startEngagement.emit(frontoffice.engagement_draft(
            self.ledger, demand, achievement, getattr(self.parentWidget(), "today", None)))
        self.reload_saved()  # the engagement saved moved the demand to 对接中

    def reload_saved(self) -> None:
        """The record as the ledger now has it, shown while nothing is being edited (saving the
        form as it was would put back what the core changed meanwhile, e.g. 状态 对接中)."""
        if self.id is None or self.dirty:
            return
        touched = set(self.touched)
        self.record = self.ledger.get(self.entity, self.id)
        self.load(self.record)
        self.dirty = False
        self.touched = touched
