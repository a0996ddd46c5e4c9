"""Table models over the ledger: they hold the ids a query returned and fetch
rows a page at a time as the view paints them (never the whole table)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from .. import codes, frontoffice, i18n, listing
from ..errors import BrokerDeskError
from ..money import yuan_text

PAGE = 100  # rows fetched at a time: a screenful and more (a page of 200 costs 3 times as much)

STATUS_COLOURS = {
    "草稿": ("#eceff3", "#4a5568"),
    "待提交": ("#e3edff", "#2451a6"),
    "已受理": ("#fff3d6", "#8a5a00"),
    "需补正": ("#ffe5d4", "#a84300"),
    "已登记": ("#dcf5e3", "#1d6b35"),
    "不予登记": ("#fde1e1", "#a61b1b"),
    "已撤销": ("#e6e6e6", "#555555"),
    # a demand's (技术需求)
    "征集中": ("#eceff3", "#4a5568"),
    "已发布": ("#e3edff", "#2451a6"),
    "对接中": ("#fff3d6", "#8a5a00"),
    "已签约": ("#dcf5e3", "#1d6b35"),
    "已关闭": ("#e6e6e6", "#555555"),
}

i18n.register({
    "gui.days_left": ("剩 {days} 天", "{days} days left"),
    "gui.days_over": ("超期 {days} 天", "{days} days overdue"),
    "gui.due_today": ("今天到期", "due today"),
    "gui.loading": ("…", "…"),
})


_TABLES = {"status": "registration_status", "step": "registration_step", "category": "contract_category",
           "subtype": "contract_subtype"}
_LABELS: dict[tuple[int, str, str], str] = {}


def code_text(table: str, value: str) -> str:
    """A value of the code table ``table`` as shown: its name in the language (``CodeItem.label``:
    the English name where the table has one), the value itself when the table does not know it.
    Remembered per value: a list paints the same few values thousands of times."""
    if i18n.get_language() == "zh":
        return value
    tables = codes.tables()
    key = (id(tables), table, value)
    text = _LABELS.get(key)
    if text is None:
        if len(_LABELS) > 5000:
            _LABELS.clear()
        try:
            item = tables.item(table, value)
        except BrokerDeskError:  # a table the user's files no longer have
            item = None
        text = _LABELS[key] = item.label() if item else value
    return text


def code_label(key: str, value: str) -> str:
    """A contract's status, category or subtype as shown (see :func:`code_text`)."""
    return code_text(_TABLES[key], value) if key in _TABLES else value


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return i18n.tr("gui.days_over", days=-days)
    if days == 0:
        return i18n.tr("gui.due_today")
    return i18n.tr("gui.days_left", days=days)


#: The roles :meth:`LedgerTableModel.data` answers.
_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole,
                                    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
                                    Qt.ItemDataRole.ToolTipRole))


class LedgerTableModel(QAbstractTableModel):
    """Rows of one entity (contract, client, achievement, broker) matching a query."""

    countChanged = Signal(int)

    def __init__(self, ledger, entity: str, parent=None):
        super().__init__(parent)
        self.ledger = ledger
        self.entity = entity
        self.columns = listing.COLUMNS[entity]
        self.text = ""
        self.filters: listing.AnyFilters | None = None
        self.sort_key: str | None = None
        self.descending = False
        self.today: dt.date | None = None
        self._ids: list[int] = []
        self._rows: dict[int, dict] = {}
        self._failed: set[int] = set()

    # -- query -----------------------------------------------------------------------
    def set_query(self, text: str | None = None, filters: listing.AnyFilters | None = None) -> None:
        if text is not None:
            self.text = text
        if filters is not None:
            self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        """Run the query again and drop cached rows (after a change in the ledger)."""
        self.beginResetModel()
        self._ids = listing.list_ids(self.ledger, self.entity, self.text, self.filters, self.sort_key,
                                     self.descending, self.today)
        self._rows.clear()
        self._failed.clear()
        self.endResetModel()
        self.countChanged.emit(len(self._ids))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = self.columns[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.refresh()

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, id_: int) -> int | None:
        try:
            return self._ids.index(id_)
        except ValueError:
            return None

    def ids(self) -> list[int]:
        return list(self._ids)

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header()
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            if self.columns[section].kind in ("money", "int", "percent"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row(self, row: int) -> dict | None:
        """The display row at ``row``, fetching its page on a cache miss."""
        id_ = self.id_at(row)
        if id_ is None or id_ in self._failed:
            return None
        cached = self._rows.get(id_)
        if cached is None:
            start = max(0, row - PAGE // 4)
            page = [i for i in self._ids[start:start + PAGE] if i not in self._rows]
            try:
                fetched = listing.fetch_rows(self.ledger, self.entity, page, self.today)
            except Exception:  # noqa: BLE001 - a row that fails shows greyed, never an exception storm
                fetched = {}
            self._rows.update(fetched)
            self._failed.update(i for i in page if i not in fetched)
            if len(self._rows) > PAGE * 50:  # keep memory flat when scrolling far
                keep = set(self._ids[max(0, row - PAGE * 5): row + PAGE * 5])
                self._rows = {k: v for k, v in self._rows.items() if k in keep}
            cached = self._rows.get(id_)
        return cached

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():  # a view asks ~7 roles a cell: most are none of ours
            return None
        column = self.columns[index.column()]
        row = self.row(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return i18n.tr("gui.loading")
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#9aa4b2"))
            return None
        value = row.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(column, value, row)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("money", "int", "percent"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "days_left" and value is not None and value < 0:
            return QBrush(QColor("#c62828"))
        if (role == Qt.ItemDataRole.ForegroundRole and column.key == "next_on"
                and frontoffice.days_late(value, self.today or dt.date.today()) > 0):
            return QBrush(QColor("#c62828"))  # an overdue next follow-up, red by the board's rule
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "warnings" and value:
            return QBrush(QColor("#a86400"))
        if role == Qt.ItemDataRole.ToolTipRole and column.kind == "text" and value and len(str(value)) > 20:
            return str(value)
        return None

    @staticmethod
    def display(column: listing.Column, value, row: dict) -> str:
        if value is None:
            return ""
        if column.kind == "money":
            return yuan_text(value)
        if column.key == "days_left":
            return days_text(value)
        if column.key == "warnings":
            return f"⚠ {value}" if value else ""
        if column.table:
            return code_text(column.table, value)
        if column.kind == "percent":
            return f"{value / 100:g}%"
        return str(value)
