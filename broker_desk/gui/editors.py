"""Editors for brokers, clients, achievements and contracts, built from the
data dictionary: required fields marked, inline messages beside each field
(errors block saving; warnings such as a credit code whose check character does
not match are shown but do not), Ctrl+S saves, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError, ValidationError
from ..fields import ENTITY_FIELDS, Field, entity_label
from . import geometry
from .geometry import scrolled
from .inputs import (
    CodeInput,
    DateInput,
    FlagInput,
    ItemsInput,
    LongTextInput,
    MoneyInput,
    RefInput,
    TextInput,
)
from .region_input import RegionInput
from .titles import clean_title

i18n.register({
    "gui.edit.new": ("新建{entity}", "New {entity}"),
    "gui.edit.edit": ("{entity}：{name}", "{entity}: {name}"),
    "gui.edit.save": ("保存", "Save"),
    "gui.edit.discard_title": ("放弃修改？", "Discard changes?"),
    "gui.edit.discard": ("修改尚未保存，确定关闭吗？", "The changes are not saved. Close anyway?"),
    "gui.edit.new_client": ("新建…", "New…"),
    "gui.edit.required_hint": ("带 * 的为必填项", "Fields marked * are required"),
    "gui.history": ("修改记录…", "History…"),
})

FLAG_TEXTS = {"gui.edit.flag.expert_review": ("登记机构组织专家审核（办理时限为 30 个工作日）",
                                             "The office sends the case to expert review (30 working days)")}
i18n.register(FLAG_TEXTS)

#: Fields edited elsewhere (the registration panel) or derived.
NOT_IN_FORM = {"status", "reg_office", "accepted_on", "reg_no", "registered_on", "approved_fen", "brokers"}
LONG_TEXT = {"note", "summary", "address", "inventors", "description"}


def make_input(ledger, field: Field) -> QWidget:
    if field.kind == "code":
        return CodeInput(field.table, required=field.required)
    if field.kind == "date":
        return DateInput()
    if field.kind == "fen":
        return MoneyInput()
    if field.kind == "ref":
        return RefInput(ledger, field.table)
    if field.kind == "items":
        return ItemsInput()
    if field.kind == "flag":
        return FlagInput(i18n.tr(f"gui.edit.flag.{field.name}") if f"gui.edit.flag.{field.name}" in FLAG_TEXTS else "")
    if field.name in LONG_TEXT:
        return LongTextInput()
    if field.name == "region":
        return RegionInput()
    return TextInput()


class FieldMessage(QLabel):
    """The message under an editor's field. One line's room is always kept, so the form does
    not jump as messages come and go, and a message that wraps gets the lines it needs (a
    word-wrapped label in a form is otherwise given one line and its second is cut off)."""

    COLOURS = {True: "#c62828", False: "#a86400"}

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(False)  # its height is worked out here, for the width it was given
        self.setSizePolicy(policy)
        self._fit()

    def show_message(self, text: str, error: bool = True) -> None:
        self.setText(text)
        self.setStyleSheet(f"color: {self.COLOURS[error]};")
        self._fit()

    def _fit(self) -> None:
        room = self.fontMetrics().boundingRect(0, 0, 1000, 1000, Qt.TextFlag.TextWordWrap, "国").height()
        if self.text() and self.width() > 0:
            room = max(room, self.heightForWidth(self.width()))
        if self.minimumHeight() != room:
            self.setMinimumHeight(room)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.minimumHeight())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class RecordEditor(QDialog):
    """Edits one record (``id_`` None: a new one). Emits ``saved(id, changes)``."""

    saved = Signal(int, object)

    def __init__(self, ledger, entity: str, id_: int | None = None, parent: QWidget | None = None,
                 initial: dict | None = None):
        super().__init__(parent)
        self.ledger, self.entity, self.id = ledger, entity, id_
        self.record = ledger.get(entity, id_) if id_ is not None else None
        name = ledger.display_name(entity, self.record) if self.record else ""
        self.setWindowTitle(clean_title(i18n.tr("gui.edit.edit", entity=entity_label(entity), name=name) if self.record
                                        else i18n.tr("gui.edit.new", entity=entity_label(entity))))
        self.inputs: dict[str, QWidget] = {}
        self.messages: dict[str, FieldMessage] = {}
        #: "required" is said of a field once the user has changed it or pressed 保存 (a record
        #: already saved says it at once: its gaps are not the user's typing in progress)
        self.touched: set[str] = set()
        self.insist = id_ is not None
        self.labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        self.form_area = self.build()
        # a form taller than the screen scrolls (tabs scroll each page), the buttons stay in view
        layout.addWidget(self.framed(self.form_area), 1)
        self.general = QLabel("")
        self.general.setObjectName("error")
        self.general.setWordWrap(True)
        layout.addWidget(self.general)
        bottom = QHBoxLayout()
        if self.record is not None:
            history = QPushButton(i18n.tr("gui.history"))
            history.clicked.connect(self.show_history)
            bottom.addWidget(history)
        hint = QLabel(i18n.tr("gui.edit.required_hint"))
        hint.setObjectName("muted")
        bottom.addWidget(hint)
        bottom.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(i18n.tr("gui.edit.save"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.load(self.record or initial or {})
        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self._timed_check)
        for widget in self.inputs.values():
            widget.changed.connect(self._timer.start)
        self.dirty = False
        for name, widget in self.inputs.items():
            widget.changed.connect(self._mark_dirty)
            widget.changed.connect(lambda n=name: self.touched.add(n))
        QApplication.instance().focusChanged.connect(self._focus_moved)
        geometry.remember(self, f"editors/{entity}", self.default_size())
        self.check()

    def framed(self, form_area: QWidget) -> QWidget:
        """What the form is shown in: tabs as they are, a form in a scroll area."""
        return form_area if isinstance(form_area, QTabWidget) else scrolled(form_area)

    def default_size(self) -> QSize:
        """The editor's size the first time it opens (then as it was last closed)."""
        return QSize(720 if self.entity == "contract" else 560, self._fitting_height())

    def _fitting_height(self) -> int:
        """Tall enough for the whole form where the screen allows, else the screen's height
        (the form scrolls inside: each field keeps a line for its message)."""
        screen = (self.parentWidget() or self).screen() or QApplication.primaryScreen()
        room = screen.availableGeometry().height() - 60 if screen is not None else 700  # the title bar
        want = self.form_area.sizeHint().height() + 110  # the hint and the buttons below the form
        return max(360, min(want, room))

    # -- building --------------------------------------------------------------------
    def fields(self, names: list[str] | None = None) -> list[Field]:
        fields = [f for f in ENTITY_FIELDS[self.entity] if f.name not in NOT_IN_FORM]
        return [f for f in fields if names is None or f.name in names]

    def build(self) -> QWidget:
        box = QWidget()
        box.setLayout(self.form(self.fields()))
        return box

    def form(self, fields: list[Field]) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(2)  # each field keeps a line for its message below it
        for f in fields:
            widget = self.make_input(f)
            self.inputs[f.name] = widget
            label = QLabel(("* " if f.required else "") + (f.zh if i18n.get_language() == "zh" else f.en))
            if f.required:
                label.setStyleSheet("font-weight: bold;")
            self.labels[f.name] = label
            message = FieldMessage()
            self.messages[f.name] = message
            column = QVBoxLayout()
            column.setSpacing(1)
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            if f.kind == "ref" and f.table == "client":
                add = QPushButton(i18n.tr("gui.edit.new_client"))
                add.clicked.connect(lambda _=False, w=widget: self.new_client(w))
                row.addWidget(add)
            column.addLayout(row)
            column.addWidget(message)
            form.addRow(label, column)
        return form

    def make_input(self, field: Field) -> QWidget:
        """The input of ``field`` (an editor of its own kind of record may give another)."""
        return make_input(self.ledger, field)

    def show_history(self) -> None:
        from .history import HistoryDialog

        HistoryDialog(self.ledger, self.entity, self.id, self).exec()

    def new_client(self, target: RefInput) -> None:
        editor = RecordEditor(self.ledger, "client", parent=self)
        editor.saved.connect(lambda id_, _c: (self.reload_refs(), target.set_value(id_)))
        editor.exec()

    def reload_refs(self) -> None:
        for widget in self.inputs.values():
            if isinstance(widget, RefInput):
                widget.reload()

    # -- values ----------------------------------------------------------------------
    def load(self, record: dict) -> None:
        for name, widget in self.inputs.items():
            widget.set_value(record.get(name))

    def values(self) -> dict:
        return {name: widget.value() for name, widget in self.inputs.items()}

    def _focus_moved(self, old: QWidget | None, _new: QWidget | None) -> None:
        """Leaving a field counts as having been to it."""
        for name, widget in self.inputs.items():
            if old is not None and (old is widget or widget.isAncestorOf(old)) and name not in self.touched:
                self.touched.add(name)
                self._timer.start()

    def _mark_dirty(self) -> None:
        self.dirty = True

    def _timed_check(self) -> None:
        if self.isVisible():  # a closed editor no longer asks the ledger (it may be closed too)
            self.check()

    def check(self) -> list:
        """Run the core's validation and show each problem beside its field."""
        problems = self.ledger.validate(self.entity, self.values(), self.id)
        self.show_problems(problems)
        return problems

    def quiet(self, problem) -> bool:
        """A field not filled in yet that the user has not come to, or one whose input is still
        being filled in (a broker row with a share but no broker: no "shares total 60%" yet): not said yet."""
        name = problem.field.rsplit(".", 1)[-1]
        return ((problem.code == "field.required" and not self.insist and name not in self.touched)
                or bool(self.unfinished(name)))

    def unfinished(self, name: str) -> str:
        """What saving would drop from input ``name``, said by the input ("" when nothing)."""
        said = getattr(self.inputs.get(name), "unfinished", None)
        return said() if said is not None else ""

    def reveal(self, widget: QWidget) -> None:
        """Bring ``widget`` into view: the tab it is on made current, its scroll area scrolled to it."""
        child, parent = widget, widget.parentWidget()
        area = None
        while parent is not None and parent is not self:
            if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
                parent.parentWidget().setCurrentWidget(child)
            if area is None and isinstance(parent, QScrollArea):
                area = parent
            child, parent = parent, parent.parentWidget()
        if area is not None:  # once the message just shown has its height
            QTimer.singleShot(0, lambda: area.ensureWidgetVisible(widget, 0, 8))

    def show_problems(self, problems) -> None:
        by_field: dict[str, list] = {}
        general = []
        for p in problems:
            if self.quiet(p):
                continue
            name = p.field.rsplit(".", 1)[-1]
            (by_field.setdefault(name, []) if name in self.messages else general).append(p)
        for name, label in self.messages.items():
            found = by_field.get(name, [])
            errors = [p for p in found if p.is_error]
            label.show_message("\n".join(("✖ " if p.is_error else "⚠ ") + p.message() for p in found), bool(errors))
            widget = self.inputs[name]
            widget.setProperty("invalid", bool(errors))
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.general.setText("\n".join(p.message() for p in general if p.is_error))

    def save(self) -> bool:
        self.insist = True  # 保存 pressed: every missing field is said now
        for name in self.inputs:
            said = self.unfinished(name)
            if said:  # something typed that saving would drop (a share given to no broker): said, not dropped
                self.messages[name].show_message(said)
                self.reveal(self.messages[name])
                return False
        values = self.values()
        try:
            changes = self.write(values)
        except ValidationError as e:
            self.show_problems(e.problems)
            return False
        except BrokerDeskError as e:
            self.general.setText(str(e))
            return False
        self.dirty = False
        self.record = self.ledger.get(self.entity, self.id)
        self.saved.emit(self.id, changes)
        self.after_save(changes)
        return True

    def write(self, values: dict):
        """Save ``values`` through the core (a subclass may save them another way); the Changes."""
        if self.id is None:
            changes = self.ledger.add(self.entity, values)
            self.id = changes.id
            return changes
        return self.ledger.update(self.entity, self.id, values)

    def after_save(self, changes) -> None:
        self.accept()

    def reject(self) -> None:
        if self.dirty and QMessageBox.question(self, i18n.tr("gui.edit.discard_title"),
                                               i18n.tr("gui.edit.discard")) != QMessageBox.StandardButton.Yes:
            return
        super().reject()



def group(title: str, layout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box


def tabs(*pages: tuple[str, QWidget]) -> QTabWidget:
    widget = QTabWidget()
    for title, page in pages:
        widget.addTab(scrolled(page), title)
    return widget
