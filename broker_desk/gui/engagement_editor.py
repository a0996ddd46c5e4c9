"""The engagement (对接项目) editor: its fields, the brokers and their shares (the contract
editor's :class:`BrokersTable`), and its follow-up timeline (frontoffice.timeline) with
添加跟进 on Ctrl+J; 签约 opens a new contract prefilled from the engagement
(frontoffice.contract_draft) that is saved through frontoffice.sign — or, once signed, the
contract it was signed into."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .. import frontoffice, i18n
from ..errors import BrokerDeskError
from ..fields import ENTITY_FIELDS, entity_label
from . import geometry
from .contract_editor import BrokersTable, ContractEditor
from .editors import FieldMessage, RecordEditor, make_input
from .geometry import scrolled
from .inputs import LongTextInput
from .models import code_text
from .titles import clean_title
from .widgets import Dialog, attempt, section_row, show_error

i18n.register({
    "gui.engagement.brokers": ("技术经纪人及份额", "Brokers and their shares"),
    "gui.engagement.timeline": ("跟进记录（{count}）", "Follow-ups ({count})"),
    "gui.engagement.add_followup": ("添加跟进…", "Add a follow-up…"),
    "gui.engagement.add_tip": ("记下一次电话、走访、会议等跟进（Ctrl+J）", "Record a call, visit, meeting… (Ctrl+J)"),
    "gui.engagement.save_first": ("保存对接项目后即可添加跟进。", "Save the engagement to add follow-ups."),
    "gui.engagement.sign": ("签约…", "Sign…"),
    "gui.engagement.sign_tip": ("用这个对接项目的双方、成果、经纪人和金额新建技术合同；保存合同即签约",
                                "A new contract from this engagement's parties, achievement, brokers and amount; "
                                "saving it signs the engagement"),
    "gui.engagement.open_contract": ("打开合同 {contract}", "Open contract {contract}"),
    "gui.engagement.next_line": ("下一步：{step}　{on}", "Next: {step}  {on}"),
    "gui.engagement.done": ("（已完成）", " (done)"),
    "gui.followup.title": ("添加跟进：{name}", "Add a follow-up: {name}"),
})

FOLLOWUP_FIELDS = ["on_date", "channel", "broker_id", "content", "next_step", "next_on"]


class FollowupDialog(Dialog):
    """A small form for one follow-up (date default today, channel, broker, content, next step
    and date), saved through frontoffice.record_followup; ``changes`` once saved."""

    def __init__(self, ledger, engagement_id: int, parent: QWidget | None = None, today: dt.date | None = None):
        record = ledger.get("engagement", engagement_id)
        super().__init__(i18n.tr("gui.followup.title", name=record["title"]), "followup", parent)
        self.ledger, self.engagement_id = ledger, engagement_id
        self.changes = None
        form = QFormLayout(self.body)
        self.inputs: dict = {}
        fields = {f.name: f for f in ENTITY_FIELDS["followup"]}
        for name in FOLLOWUP_FIELDS:
            f = fields[name]
            widget = LongTextInput() if name == "content" else make_input(ledger, f)
            if name == "content":
                widget.setMaximumHeight(120)
            self.inputs[name] = widget
            form.addRow(("* " if f.required else "") + (f.zh if i18n.get_language() == "zh" else f.en), widget)
        self.inputs["on_date"].set_value((today or dt.date.today()).isoformat())
        brokers = record.get("brokers") or []
        if brokers:
            self.inputs["broker_id"].set_value(brokers[0][0])
        self.message = FieldMessage()
        form.addRow(self.message)
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self.apply)
        self.resize(520, 420)

    def values(self) -> dict:
        return {"engagement_id": self.engagement_id, **{k: w.value() for k, w in self.inputs.items()}}

    def apply(self) -> None:
        ok, changes = attempt(self.message, lambda: frontoffice.record_followup(self.ledger, self.values()))
        if not ok:
            self.message.show_message(self.message.text())
            return
        self.changes = changes
        self.accept()


class SigningEditor(ContractEditor):
    """A new contract prefilled from an engagement; saving it signs the engagement (one
    undoable action: the contract, the link, stage 已签约 and the demand's status)."""

    def __init__(self, ledger, engagement_id: int, parent: QWidget | None = None, today: dt.date | None = None):
        self.engagement_id = engagement_id
        super().__init__(ledger, None, parent, frontoffice.contract_draft(ledger, engagement_id, today))
        self.dirty = True  # closing without saving asks: the draft is work in progress

    def write(self, values: dict):
        changes = frontoffice.sign(self.ledger, self.engagement_id, values)
        self.id = changes.id
        return changes


def sign_engagement(parent: QWidget, ledger, engagement_id: int, today: dt.date | None = None,
                    on_saved=None) -> int | None:
    """签约: the contract an engagement was signed into, opened; else a new one prefilled from it,
    saved through frontoffice.sign. Returns the contract's id (None: not signed)."""
    linked = frontoffice.signed_contract(ledger, engagement_id)
    if linked is not None:
        editor = ContractEditor(ledger, linked[0], parent)
    else:
        record = ledger.get("engagement", engagement_id)
        if record["stage"] == frontoffice.ENDED:
            show_error(parent, BrokerDeskError("engagement.sign_ended", name=record["title"]))
            return None
        editor = SigningEditor(ledger, engagement_id, parent, today)
    if on_saved is not None:
        editor.saved.connect(on_saved)
    editor.exec()
    return editor.id


class EngagementEditor(RecordEditor):
    def __init__(self, ledger, id_: int | None = None, parent: QWidget | None = None, initial: dict | None = None):
        self.today = getattr(parent, "today", None)
        self._keep_open = False
        if id_ is None:  # a new engagement starts at the first stage, today
            initial = {"stage": frontoffice.FIRST_STAGE, "started_on": (self.today or dt.date.today()).isoformat(),
                       **(initial or {})}
        super().__init__(ledger, "engagement", id_, parent, initial)
        self.dirty = False  # the defaults above are not the user's edits
        if self.record is not None:  # an engagement is named by its 项目名称
            self.setWindowTitle(clean_title(i18n.tr("gui.edit.edit", entity=entity_label("engagement"),
                                                    name=self.record["title"])))
        self.sign_button = QPushButton()
        self.sign_button.setToolTip(i18n.tr("gui.engagement.sign_tip"))
        self.sign_button.clicked.connect(self.sign)
        self.buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.add_action = QAction(i18n.tr("gui.followup.add"), self)
        self.add_action.setShortcut(QKeySequence("Ctrl+J"))
        self.add_action.triggered.connect(self.add_followup)
        self.addAction(self.add_action)
        self._update_sign()
        self.fill_timeline()

    def default_size(self) -> QSize:
        """Tall enough for the form on the left, brokers included, where the screen allows (the
        splitter's own hint is that of a scroll area, a few lines short of it)."""
        room = geometry.available(self.parentWidget() or self).height() - 60
        return QSize(1120, max(self._fitting_height(), min(self.left_form.sizeHint().height() + 110, room)))

    def build(self) -> QWidget:
        left = self.left_form = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.form(self.fields()))
        self.brokers = BrokersTable(self.ledger)
        self.brokers.table.setMinimumHeight(110)
        self.inputs["brokers"] = self.brokers
        self.messages["brokers"] = FieldMessage()
        column.addWidget(QLabel(i18n.tr("gui.engagement.brokers")))
        column.addWidget(self.brokers)
        column.addWidget(self.messages["brokers"])
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(8, 0, 0, 0)
        top, self.timeline_title = section_row()
        self.add_button = QPushButton(i18n.tr("gui.engagement.add_followup"))
        self.add_button.setToolTip(i18n.tr("gui.engagement.add_tip"))
        self.add_button.clicked.connect(self.add_followup)
        top.addWidget(self.add_button)
        side.addLayout(top)
        self.timeline = QListWidget()  # one entry per contact, oldest first: who and how, what, what next
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setSpacing(2)
        side.addWidget(self.timeline, 1)
        self.timeline_hint = QLabel(i18n.tr("gui.engagement.save_first"))
        self.timeline_hint.setObjectName("muted")
        side.addWidget(self.timeline_hint)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scrolled(left))
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        split.setChildrenCollapsible(False)
        return split

    # -- the timeline ----------------------------------------------------------------
    def fill_timeline(self) -> None:
        rows = frontoffice.timeline(self.ledger, self.id) if self.id is not None else []
        self.timeline_title.setText(i18n.tr("gui.engagement.timeline", count=len(rows)))
        self.timeline.clear()
        today = (self.today or dt.date.today()).isoformat()
        for r in rows:
            self.timeline.addItem(self._entry(r, today))
        if rows:
            self.timeline.scrollToBottom()
        saved = self.id is not None
        self.add_button.setEnabled(saved)
        self.timeline_hint.setVisible(not saved)

    @staticmethod
    def _entry(r: dict, today: str) -> QListWidgetItem:
        """A follow-up on the timeline: 日期 · 方式 · 经纪人, what was said, and the next step (red
        while it is due and not done)."""
        head = " · ".join(x for x in (r["on_date"], code_text("followup_channel", r["channel"]) if r["channel"] else "",
                                       r["broker"] or "") if x)
        lines = [head, r["content"]]
        if r["next_step"] or r["next_on"]:
            step = i18n.tr("gui.engagement.next_line", step=r["next_step"] or "", on=r["next_on"] or "").strip()
            lines.append(step + (i18n.tr("gui.engagement.done") if r["done"] else ""))
        item = QListWidgetItem("\n".join(lines))
        item.setData(Qt.ItemDataRole.UserRole, r["id"])
        if r["next_on"] and not r["done"] and r["next_on"] < today:
            item.setForeground(QBrush(QColor("#c62828")))
        return item

    def add_followup(self) -> None:
        """添加跟进 (Ctrl+J): the small follow-up form; saved, it joins the timeline."""
        if self.id is None:
            return
        dialog = FollowupDialog(self.ledger, self.id, self, self.today)
        dialog.exec()
        if dialog.changes is not None:
            self.fill_timeline()
            self.saved.emit(self.id, dialog.changes)

    # -- signing ---------------------------------------------------------------------
    def _update_sign(self) -> None:
        linked = frontoffice.signed_contract(self.ledger, self.id)
        self.sign_button.setText(i18n.tr("gui.engagement.open_contract", contract=linked[1]) if linked
                                 else i18n.tr("gui.engagement.sign"))
        ended = (self.record or {}).get("stage") == frontoffice.ENDED
        self.sign_button.setEnabled(self.id is not None and (linked is not None or not ended))

    def sign(self) -> None:
        """签约: save what was changed first, then the contract (new and prefilled, or the linked one)."""
        if self.dirty:
            self._keep_open = True
            try:
                if not self.save():
                    return
            finally:
                self._keep_open = False
        sign_engagement(self, self.ledger, self.id, self.today, on_saved=self._signed)

    def _signed(self, _contract_id: int, changes) -> None:
        self.record = self.ledger.get("engagement", self.id)
        self.load(self.record)
        self.dirty = False
        self._update_sign()
        self.saved.emit(self.id, changes)

    def after_save(self, changes) -> None:
        if self._keep_open:
            self._update_sign()
            return
        super().after_save(changes)
