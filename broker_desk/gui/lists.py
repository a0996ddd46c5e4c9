"""The list screens (技术合同, 客户, 科技成果, 技术需求, 经纪人): a search box that filters as
you type, filters that make sense per list, a lazily fetched table whose
column choice and widths are remembered, and a count of what is shown."""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .. import codes, i18n, listing
from .columns import ColumnFitter
from .models import LedgerTableModel, code_label
from .prefs import settings
from .widgets import FilterBox, StatusDelegate, record_table, title_row

i18n.register({
    "gui.list.contract": ("技术合同", "Contracts"),
    "gui.list.client": ("客户", "Clients"),
    "gui.list.achievement": ("科技成果", "Achievements"),
    "gui.list.broker": ("经纪人", "Brokers"),
    "gui.search.contract": ("搜索合同编号、项目名称、登记编号、买卖方名称或信用代码（Ctrl+F）",
                            "Search contract no., title, registration no., parties or credit codes (Ctrl+F)"),
    "gui.search.client": ("搜索名称或统一社会信用代码（Ctrl+F）", "Search name or credit code (Ctrl+F)"),
    "gui.search.achievement": ("搜索成果名称、专利号或关键词（Ctrl+F）", "Search title, patent no. or keywords (Ctrl+F)"),
    "gui.search.broker": ("搜索姓名、证书编号或所属机构（Ctrl+F）", "Search name, certificate no. or institution (Ctrl+F)"),
    "gui.count": ("共 {count:,} 条", "{count:,} shown"),
    "gui.filter.all_categories": ("全部类别", "All categories"),
    "gui.filter.all_statuses": ("全部状态", "All statuses"),
    "gui.filter.all_years": ("全部年度", "All years"),
    "gui.filter.year": ("{year} 年签订", "Signed {year}"),
    "gui.filter.all_brokers": ("全部经纪人", "All brokers"),
    "gui.filter.overdue": ("仅看超期", "Overdue only"),
    "gui.filter.clear": ("清除筛选", "Clear filters"),
    "gui.columns": ("显示的列", "Columns shown"),
    "gui.columns.auto": ("自动列宽", "Fit columns to the window"),
    "gui.filter.ids_clear": ("显示全部", "Show all"),
    "gui.list.empty": ("还没有{entity}。按 Ctrl+N 新建，或用 文件 → 导入 Excel（Ctrl+I）从工作簿导入；按 F1 查看使用说明。",
                       "No {entity} yet. Press Ctrl+N to add one, or import a workbook (File → Import workbook, "
                       "Ctrl+I); F1 opens the user guide."),
})


class ListPage(QWidget):
    """One list: emits ``openRequested(id)`` on Enter or double-click."""

    openRequested = Signal(int)

    def __init__(self, ledger, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.entity = entity
        self.model = LedgerTableModel(ledger, entity, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)

        top, _, self.count = title_row(i18n.tr(f"gui.list.{entity}"))
        layout.addLayout(top)

        # the search box and the filters in one row, or the filters in a row of their own under
        # it when the page is too narrow for both (English at 1024 px)
        self.bar = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.search = QLineEdit()
        self.search.setPlaceholderText(i18n.tr(f"gui.search.{entity}"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._query)
        self.search.setMinimumWidth(180)
        self.search.installEventFilter(self)  # Down or Enter: on into the list (focus_list)
        self.bar.addWidget(self.search, 1)
        self.filter_widgets: dict[str, QWidget] = {}
        # the filters (a list page of its own adds its own), in a row that can move under the search box
        self.filter_row: QWidget | None = QWidget()
        self.filter_row.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.filter_row.setMinimumWidth(1)  # the row never holds the page wide: it moves instead
        row = QHBoxLayout(self.filter_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.add_filters(row)
        if row.count():
            row.addStretch(1)  # a row of its own: the filters keep to the left
            self.bar.addWidget(self.filter_row)
        else:
            self.filter_row.deleteLater()
            self.filter_row = None
        layout.addLayout(self.bar)
        # a chosen set of contracts (a ranking row's, say): said above the table until cleared
        self.ids: tuple[int, ...] | None = None
        self.ids_bar = QWidget()
        chip = QHBoxLayout(self.ids_bar)
        chip.setContentsMargins(0, 0, 0, 0)
        self.ids_label = QLabel("")
        self.ids_label.setObjectName("filterChip")
        chip.addWidget(self.ids_label)
        ids_clear = QPushButton(i18n.tr("gui.filter.ids_clear"))
        ids_clear.clicked.connect(self.clear_ids)
        chip.addWidget(ids_clear)
        chip.addStretch(1)
        self.ids_bar.hide()
        layout.addWidget(self.ids_bar)

        self.empty_hint = QLabel(i18n.tr("gui.list.empty", entity=i18n.tr(f"gui.list.{entity}").lower()))
        self.empty_hint.setObjectName("filterChip")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        layout.addWidget(self.empty_hint)

        self.table = record_table(self.model, self._open)
        self.table.setSortingEnabled(False)  # the model sorts in SQL; header clicks are wired below
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the default order is the list's own
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self._delegate = StatusDelegate(self.table)
        for i, column in enumerate(self.model.columns):
            if column.kind == "status":
                self.table.setItemDelegateForColumn(i, self._delegate)
        layout.addWidget(self.table, 1)

        self.model.countChanged.connect(lambda n: self.count.setText(i18n.tr("gui.count", count=n)))
        self.model.countChanged.connect(self._hint_if_empty)
        self._idle = QTimer(self, singleShot=True, interval=400, timeout=self._prepare)
        self._restore_columns()
        self.model.refresh()
        self._prepare_later()

    def _hint_if_empty(self, shown: int) -> None:
        """An empty list that is empty because the ledger has none says how to add the first."""
        empty = shown == 0 and not self.model.text and self.ids is None and not any(
            (w.currentIndex() > 0) if isinstance(w, QComboBox) else w.isChecked() for w in self.filter_widgets.values())
        self.empty_hint.setVisible(empty and self.model.ledger.count(self.entity) == 0)

    # -- filters ----------------------------------------------------------------------
    def add_filters(self, bar: QHBoxLayout) -> None:
        """The filters beside the search box (a list page of its own adds its own)."""
        if self.entity == "contract":
            self._contract_filters(bar)

    def filter_combo(self, bar: QHBoxLayout, name: str, all_text: str, items: list[tuple[str, object]]) -> QComboBox:
        """A drop-down filter: ``all_text`` (no filter) first, then ``items`` as (text, value)."""
        box = FilterBox()
        box.addItem(all_text, None)
        for text, data in items:
            box.addItem(text, data)
        box.currentIndexChanged.connect(self._query)
        self.filter_widgets[name] = box
        bar.addWidget(box)
        return box

    def clear_button(self, bar: QHBoxLayout) -> None:
        """清除筛选: every filter back to all."""
        clear = QPushButton(i18n.tr("gui.filter.clear"))
        clear.clicked.connect(lambda: self.clear_filters())
        bar.addWidget(clear)

    def _contract_filters(self, bar: QHBoxLayout) -> None:
        combo = functools.partial(self.filter_combo, bar)
        ledger = self.model.ledger
        combo("category", i18n.tr("gui.filter.all_categories"),
              [(code_label("category", c), c) for c in codes.tables().names("contract_category")])
        combo("status", i18n.tr("gui.filter.all_statuses"),
              [(code_label("status", s), s) for s in codes.tables().names("registration_status")])
        combo("year", i18n.tr("gui.filter.all_years"),
              [(i18n.tr("gui.filter.year", year=y), y) for y in listing.signed_years(ledger)])
        combo("broker", i18n.tr("gui.filter.all_brokers"), [(n, i) for i, n in listing.broker_choices(ledger)])
        overdue = QCheckBox(i18n.tr("gui.filter.overdue"))
        overdue.toggled.connect(self._query)
        self.filter_widgets["overdue"] = overdue
        bar.addWidget(overdue)
        self.clear_button(bar)

    def filters(self) -> listing.AnyFilters | None:
        """The list's filters as chosen (a list page of its own gives its own kind)."""
        w = self.filter_widgets
        if self.entity != "contract":
            return None
        return listing.Filters(category=w["category"].currentData(), status=w["status"].currentData(),
                               year=w["year"].currentData(), broker_id=w["broker"].currentData(),
                               overdue=w["overdue"].isChecked(), ids=self.ids)

    def show_ids(self, ids: list[int], caption: str) -> None:
        """Show only these contracts (every other filter and the search cleared), ``caption`` saying which."""
        self.ids = tuple(ids)
        self.ids_label.setText(caption)
        self.ids_bar.show()
        with QSignalBlocker(self.search):
            self.search.clear()
        self.clear_filters(keep_ids=True)

    def clear_ids(self) -> None:
        self.ids = None
        self.ids_bar.hide()
        self._query()

    def clear_filters(self, keep_ids: bool = False) -> None:
        if not keep_ids:
            self.ids = None
            self.ids_bar.hide()
        for widget in self.filter_widgets.values():
            with QSignalBlocker(widget):
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(0)
                else:
                    widget.setChecked(False)
        self._query()

    def show_overdue(self) -> None:
        self.clear_filters()
        self.filter_widgets["overdue"].setChecked(True)

    def _query(self, *_args) -> None:
        self.model.set_query(self.search.text(), self.filters() or listing.Filters())
        self._prepare_later()
        self._place_filters()  # a filter's choice may be wider than the one before

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_filters()

    def _place_filters(self) -> None:
        """The filters beside the search box when both fit at their least, else under it."""
        if self.filter_row is None:
            return
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        need = self.search.minimumWidth() + self.bar.spacing() + self.filter_row.sizeHint().width()
        way = QBoxLayout.Direction.TopToBottom if need > room else QBoxLayout.Direction.LeftToRight
        if self.bar.direction() != way:
            self.bar.setDirection(way)

    def _prepare_later(self) -> None:
        """While the user is idle, get the next search keystroke ready (see listing.prepare)."""
        if not self.search.text():
            self._idle.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._prepare_later()

    def _prepare(self) -> None:
        if not self.isVisible():  # only the list in front (its ledger may even be closed by now)
            return
        m = self.model
        listing.prepare(m.ledger, m.entity, m.filters, m.sort_key, m.descending, m.today)

    def refresh(self) -> None:
        current = self.selected_id()
        self.model.refresh()
        self._prepare_later()
        if current is not None:
            self.select(current)

    # -- table ------------------------------------------------------------------------
    def _sort(self, section: int) -> None:
        header = self.table.horizontalHeader()
        column = self.model.columns[section]
        descending = not (self.model.sort_key == column.key and self.model.descending)
        if self.model.sort_key != column.key:
            descending = column.kind in ("money", "date", "int")  # the biggest and newest first
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(section, order)
        self.model.sort(section, order)
        self._prepare_later()

    def _open(self, row: int) -> None:
        id_ = self.model.id_at(row)
        if id_ is not None:
            self.openRequested.emit(id_)

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select(self, id_: int) -> None:
        row = self.model.row_of(id_)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_list(self) -> bool:
        """Focus the list on its first row (False when it has none): Down or Enter in the search box."""
        if not self.model.rowCount():
            return False
        header = self.table.horizontalHeader()
        column = next((c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)), 0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(self.model.index(0, column))
        self.table.selectRow(0)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            return self.focus_list()
        return super().eventFilter(watched, event)

    def _column_menu(self, pos) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(i18n.tr("gui.columns"), self)
        for i, column in enumerate(self.model.columns):
            action = menu.addAction(column.header())
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda on, i=i: (header.setSectionHidden(i, not on), self._refit()))
        menu.addSeparator()
        menu.addAction(i18n.tr("gui.columns.auto"), self.auto_columns)
        menu.exec(header.mapToGlobal(pos))

    def _refit(self) -> None:
        if not self.fitter.manual:
            self.fitter.fit()
        self.save_columns()

    def _restore_columns(self) -> None:
        header = self.table.horizontalHeader()
        state = settings().value(f"columns/{self.entity}")
        if state is None or not header.restoreState(state):
            for i, column in enumerate(self.model.columns):
                header.setSectionHidden(i, not column.default_visible)
        manual = str(settings().value(f"columns_manual/{self.entity}", "false")).lower() == "true"
        self.fitter = ColumnFitter(self.table, self.model.columns, manual=manual and state is not None)
        header.sectionResized.connect(lambda *_: self.save_columns())
        header.sectionMoved.connect(lambda *_: self.save_columns())

    def auto_columns(self) -> None:
        self.fitter.auto()
        self.save_columns()

    def save_columns(self) -> None:
        settings().setValue(f"columns/{self.entity}", self.table.horizontalHeader().saveState())
        settings().setValue(f"columns_manual/{self.entity}", self.fitter.manual)
