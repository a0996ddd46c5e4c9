"""Input widgets for the editors, one per field kind: each has ``value()``,
``set_value()`` and a ``changed`` signal, and keeps the core's normal forms
(money in fen, dates as ISO text, references as ids)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from .. import codes, deductions, i18n
from ..codematch import recognise
from ..errors import BrokerDeskError
from ..idnumbers import check_date
from ..money import daxie, parse_yuan, yuan_text
from .models import code_text

i18n.register({
    "gui.items.placeholder": ("如：设备费 20000；材料费 5000（元，多项用“；”分隔）",
                              "e.g. 设备费 20000；材料费 5000 (yuan; separate items with “；”)"),
    "gui.pick_date": ("选择日期", "Pick a date"),
    "gui.yuan_placeholder": ("元，如 1250000 或 125万", "yuan, e.g. 1250000 or 125万"),
    "gui.date_placeholder": ("如 2025-03-05", "e.g. 2025-03-05"),
})


def calendar_icon() -> QIcon:
    """A small calendar drawn in code (no icon theme is needed)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#4a5a70"), 2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(4, 6, 24, 22, 3, 3)
    painter.fillRect(5, 7, 23, 6, QColor("#2f6fde"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#4a5a70"))
    for row in range(2):
        for col in range(3):
            painter.drawRect(9 + col * 6, 16 + row * 6, 3, 3)
    painter.end()
    return QIcon(pixmap)


class FlagInput(QCheckBox):
    """A yes/no field (kept as 1/0), e.g. 专家审核."""

    changed = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.toggled.connect(self.changed)

    def value(self) -> int:
        return int(self.isChecked())

    def set_value(self, value) -> None:
        self.setChecked(bool(value))


class TextInput(QLineEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value) -> None:
        self.setText("" if value is None else str(value))


class ItemsInput(TextInput):
    """非技术性费用明细, typed as ``设备费 20000；材料费 5000`` (元); stored as JSON by the core."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(i18n.tr("gui.items.placeholder"))

    def set_value(self, value) -> None:
        try:
            self.setText(deductions.text(deductions.parse(value)) if value else "")
        except BrokerDeskError:
            self.setText(str(value))

    def total(self) -> int | None:
        """The items' sum in fen, or None when blank or not (yet) readable."""
        try:
            items = deductions.parse(self.value())
        except BrokerDeskError:
            return None
        return sum(fen for _, fen in items) if items else None


class LongTextInput(QPlainTextEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(64)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.toPlainText().strip() or None

    def set_value(self, value) -> None:
        self.setPlainText("" if value is None else str(value))


class CodeInput(QComboBox):
    """A value from a code table (blank allowed unless required), picked or typed: what is typed
    is taken as the import takes it (codematch.recognise: 软著 selects 计算机软件著作权, 新能源技术
    selects 新能源与高效节能); text that names no item stays, and the core's check names the
    nearest items."""

    changed = Signal()

    def __init__(self, table: str, required: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = table
        self.required = required
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.set_choices(codes.tables().choices(table))
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.currentIndexChanged.connect(self.changed)
        self.lineEdit().textEdited.connect(self.changed)
        self.lineEdit().editingFinished.connect(self._match_text)

    def _match_text(self) -> None:
        """The item the typed text means, selected (the text then reads as its name)."""
        text = self.currentText().strip()
        if text == self.itemText(self.currentIndex()):
            return
        if not text:
            if not self.required:
                self.setCurrentIndex(0)
            return
        found = recognise(self.table, text)
        index = self.findData(found.item.name) if found.item is not None else -1
        if index >= 0:
            self.setCurrentIndex(index)
            self.setEditText(self.itemText(index))
            self.changed.emit()

    def set_choices(self, choices: list[str]) -> None:
        current = self.value()
        self.blockSignals(True)
        self.clear()
        if not self.required:
            self.addItem("", None)
        for choice in choices:
            self.addItem(code_text(self.table, choice), choice)  # the English name in English
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> str | None:
        """The chosen item's name; typed text that is no item's, as typed (the core says what is wrong)."""
        text = self.currentText().strip()
        if self.currentIndex() >= 0 and text == self.itemText(self.currentIndex()):
            return self.currentData()
        return text or None

    def set_value(self, value) -> None:
        index = self.findData(value)
        if index < 0 and value:  # a value the table does not know (an old ledger): keep and show it
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0) if (index >= 0 or not self.required) else -1)
        if index >= 0:
            self.setEditText(self.itemText(index))


class DateInput(QWidget):
    """A date typed in any common form (2025/3/5, 2025年3月5日) or picked from a calendar."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(i18n.tr("gui.date_placeholder"))
        self.edit.textChanged.connect(self.changed)
        button = QToolButton()
        button.setIcon(calendar_icon())
        button.setToolTip(i18n.tr("gui.pick_date"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        button.setMenu(menu)
        self._menu = menu
        layout.addWidget(self.edit, 1)
        layout.addWidget(button)
        self.setFocusProxy(self.edit)

    def _sync_calendar(self) -> None:
        iso = self.value()
        day = dt.date.fromisoformat(iso) if iso else dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, qdate: QDate) -> None:
        self.edit.setText(qdate.toString("yyyy-MM-dd"))
        self._menu.hide()

    def text(self) -> str:
        return self.edit.text().strip()

    def value(self) -> str | None:
        """ISO text when the input is a real date; the raw text otherwise (the core reports it)."""
        text = self.text()
        if not text:
            return None
        iso, _ = check_date(text, "date")
        return iso or text

    def set_value(self, value) -> None:
        self.edit.setText("" if value is None else str(value))


class MoneyInput(QWidget):
    """An amount in 元 as people type it, with its 大写 form shown live."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, show_daxie: bool = True):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(i18n.tr("gui.yuan_placeholder"))
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.textChanged.connect(self._update)
        self.edit.editingFinished.connect(self._tidy)
        layout.addWidget(self.edit)
        self.daxie = QLabel("")
        self.daxie.setObjectName("daxie")
        self.daxie.setVisible(show_daxie)
        layout.addWidget(self.daxie)
        self.setFocusProxy(self.edit)
        self.error: str | None = None

    def _update(self) -> None:
        self.error = None
        try:
            fen = self.fen()
        except BrokerDeskError as e:
            self.error = str(e)
            self.daxie.setText("")
        else:
            self.daxie.setText(daxie(fen) if fen is not None and fen >= 0 else "")
        self.changed.emit()

    def _tidy(self) -> None:
        """Rewrite what was typed (12.5万) as 元 with separators once the field is left."""
        if self.error is None and self.fen() is not None:
            self.edit.setText(yuan_text(self.fen()))

    def fen(self) -> int | None:
        text = self.edit.text().strip()
        return parse_yuan(text) if text else None

    def value(self):
        """Fen, or the raw text when it cannot be read (the core says what is wrong)."""
        try:
            return self.fen()
        except BrokerDeskError:
            return self.edit.text()

    def set_value(self, value) -> None:
        self.edit.setText("" if value is None else yuan_text(value))


class RefInput(QComboBox):
    """A record of another entity chosen by name, with type-ahead."""

    changed = Signal()

    def __init__(self, ledger, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.entity = ledger, entity
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # as wide as the form gives it, not as its longest name: sizing to the contents measures
        # every one of thousands of names each time the editor is laid out
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.reload()
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.currentIndexChanged.connect(self.changed)
        # a name longer than the box shows its start (the name), not its end (the credit code)
        self.currentIndexChanged.connect(lambda _i: self.lineEdit().setCursorPosition(0))
        self.lineEdit().editingFinished.connect(self._match_text)

    def reload(self) -> None:
        current = self.value() if self.count() else None
        sql = {"client": "SELECT id, name || coalesce('（' || credit_code || '）', '') FROM clients ORDER BY name",
               "achievement": "SELECT a.id, a.title || '（' || c.name || '）' FROM achievements a "
                              "JOIN clients c ON c.id = a.holder_id ORDER BY a.id DESC",
               "broker": "SELECT id, name || coalesce('（' || institution || '）', '') FROM brokers ORDER BY name",
               "demand": "SELECT d.id, d.title || '（' || c.name || '）' FROM demands d "
                         "JOIN clients c ON c.id = d.client_id ORDER BY d.id DESC",
               "engagement": "SELECT id, title FROM engagements ORDER BY id DESC"}
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        for id_, label in self.ledger.conn.execute(sql[self.entity]):
            self.addItem(label, id_)
        self.blockSignals(False)
        self.set_value(current)

    def _match_text(self) -> None:
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchContains)
        if index >= 0 and self.currentIndex() != index:
            self.setCurrentIndex(index)

    def value(self) -> int | None:
        if self.currentIndex() > 0 and self.currentText() == self.itemText(self.currentIndex()):
            return self.currentData()
        return self.currentData() if self.currentIndex() > 0 else None

    def set_value(self, value) -> None:
        index = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(index, 0))
