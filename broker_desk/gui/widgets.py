"""Small widgets shared by the screens: status badges, summary cards, a read-only
record table, a dialog base that remembers its geometry, and a kind error box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QTableView,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError, ValidationError
from .models import STATUS_COLOURS
from .titles import clean_title

i18n.register({
    "gui.error_title": ("无法完成", "Could not be done"),
})


class StatusDelegate(QStyledItemDelegate):
    """Paints a registration status as a coloured rounded badge."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        colours = STATUS_COLOURS.get(index.data(Qt.ItemDataRole.UserRole) or text)
        if not colours:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight().color().lighter(185))
        metrics = QFontMetrics(option.font)
        width = metrics.horizontalAdvance(text) + 16
        height = min(option.rect.height() - 6, metrics.height() + 4)
        rect = QRectF(option.rect.x() + 6, option.rect.center().y() - height / 2 + 1, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colours[0]))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(colours[1]))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 20, size.height())


class Card(QFrame):
    """A figure with a caption, for the home page."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardLabel")
        self.detail = QLabel("")
        self.detail.setObjectName("muted")
        for w in (self.caption, self.detail):  # long captions wrap, never widen the page
            w.setWordWrap(True)
        for w in (self.caption, self.value, self.detail):
            layout.addWidget(w)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def record_table(model, open_row: Callable[[int], None]) -> QTableView:
    """A read-only table of records, one selected row at a time; Enter or a double-click
    opens the current row (``open_row(row)``)."""
    table = QTableView()
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    opens_rows(table, open_row)
    return table


def opens_rows(view: QAbstractItemView, open_row: Callable[[int], None]) -> None:
    """Enter or a double-click on ``view`` opens its current row (``open_row(row)``); Enter is
    taken here, so in a dialog it does not also press the dialog's default button."""
    view.doubleClicked.connect(lambda index: open_row(index.row()))
    open_action = QAction(view)
    open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
    open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    open_action.triggered.connect(lambda: open_row(view.currentIndex().row()))
    view.addAction(open_action)


def list_tree(headers: list[str], stretch: set[int], right: tuple[int, ...] = ()) -> QTreeWidget:
    """A flat list of a few columns, one row selected at a time: the ``stretch`` columns take
    the room left, the others fit their contents; the ``right`` ones are headed to the right
    (numbers)."""
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setHeaderLabels(headers)
    header = tree.header()
    header.setStretchLastSection(False)
    for i in range(len(headers)):
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if i in stretch else
                                    QHeaderView.ResizeMode.ResizeToContents)
    for i in right:
        tree.headerItem().setTextAlignment(i, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return tree


def fit_tree_height(tree: QTreeWidget, least: int = 3, most: int | None = None) -> None:
    """Make a :func:`list_tree` exactly as tall as its rows (at least ``least``, at most ``most``,
    beyond which it scrolls): a short list in a scrolling page leaves no empty rows below it."""
    count = tree.topLevelItemCount()
    rows = max(count, least) if most is None else min(max(count, least), most)
    row_height = tree.sizeHintForRow(0) if count else tree.fontMetrics().height() + 6
    tree.setFixedHeight(tree.header().sizeHint().height() + rows * row_height + 2 * tree.frameWidth() + 2)


def title_row(title: str) -> tuple[QHBoxLayout, QLabel, QLabel]:
    """A page's top row: its title on the left and, pushed to the right, a muted status text
    (a count, "computing…"); returns the row (to add more to its right) and both labels."""
    row = QHBoxLayout()
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    status = QLabel("")
    status.setObjectName("muted")
    row.addWidget(heading)
    row.addStretch(1)
    row.addWidget(status)
    return row, heading, status


def section_row(title: str = "") -> tuple[QHBoxLayout, QLabel]:
    """A section's heading row: its title on the left; what the caller adds (buttons) goes to
    the right. Returns the row and the title's label."""
    row = QHBoxLayout()
    heading = QLabel(title)
    heading.setObjectName("sectionTitle")
    row.addWidget(heading)
    row.addStretch(1)
    return row, heading


class FilterBox(QComboBox):
    """A filter's drop-down: as wide as its current choice needs, so that what is chosen ("All
    categories", a broker's name) reads in full in either language; its list opens as wide as
    the widest choice. A row of them that does not fit moves under the search box instead."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentIndexChanged.connect(lambda _i: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        metrics = self.fontMetrics()
        text = QSize(metrics.horizontalAdvance(self.currentText()), metrics.height())
        size = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, self)
        return QSize(size.width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        view = self.view()
        widest = view.sizeHintForColumn(0) + 2 * view.frameWidth()
        if self.count() > self.maxVisibleItems():
            widest += view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(max(self.width(), widest))
        super().showPopup()


class Reflow(QWidget):
    """Widgets in a grid whose number of columns follows the room: ``steps`` lists (least width,
    columns) from the widest; :meth:`arrange` is called with the width the page has (a page
    in a scroll area never scrolls sideways because a row of cards was too wide)."""

    def __init__(self, widgets: list[QWidget], steps: list[tuple[int, int]], spacing: int = 12,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.widgets, self.steps = widgets, steps
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(spacing)
        self.columns = 0
        self._place(steps[0][1])

    def columns_for(self, width: int) -> int:
        return next((n for least, n in self.steps if width >= least), self.steps[-1][1])

    def arrange(self, width: int) -> None:
        n = self.columns_for(width)
        if n != self.columns:
            self._place(n)

    def _place(self, n: int) -> None:
        for w in self.widgets:
            self.grid.removeWidget(w)
        for c in range(max(n, self.columns)):
            self.grid.setColumnStretch(c, 1 if c < n else 0)
        for i, w in enumerate(self.widgets):
            self.grid.addWidget(w, i // n, i % n)
        self.columns = n


class Dialog(QDialog):
    """A dialog with OK/Cancel that remembers its size (calibre's gui2 Dialog), always within the
    screen (:mod:`.geometry`)."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None, buttons=None):
        super().__init__(parent)
        self.setWindowTitle(clean_title(title))
        self._name = name
        self.layout_ = QVBoxLayout(self)
        self.body = QWidget(self)
        self.layout_.addWidget(self.body)
        self.buttons = QDialogButtonBox(
            buttons or (QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel), self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self._placed = False

    def showEvent(self, event) -> None:
        if not self._placed:  # the size a subclass set is the default; the one the user left wins
            self._placed = True
            from . import geometry

            geometry.remember(self, f"dialogs/{self._name}", self.size())
        super().showEvent(event)


def attempt(label: QLabel, action: Callable[[], object]) -> tuple[bool, object]:
    """Run a dialog's ledger action: (True, its result), or (False, None) with the refusal in the
    user's words in ``label`` (the dialog stays open to be corrected)."""
    try:
        return True, action()
    except ValidationError as e:
        label.setText("\n".join(p.message() for p in e.errors))
    except BrokerDeskError as e:
        label.setText(str(e))
    return False, None


def show_error(parent: QWidget | None, error: Exception, title: str | None = None) -> None:
    """A short message in the user's words, with the rest under "show details"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or i18n.tr("gui.error_title"))
    if isinstance(error, ValidationError):
        lines = [p.message() for p in error.errors]
        box.setText(lines[0] if len(lines) == 1 else "\n".join(f"• {line}" for line in lines))
    elif isinstance(error, BrokerDeskError):
        box.setText(str(error))
    else:
        box.setText(str(error) or error.__class__.__name__)
        box.setDetailedText(repr(error))
    box.exec()
