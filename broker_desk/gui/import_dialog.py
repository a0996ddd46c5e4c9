"""The import dialog: which sheets and columns were recognised (a column the
program does not know can be mapped by hand, and the choice is remembered), a
check that lists every problem with its place (a code value no item was found for
can be mapped to one by hand, remembered in the ledger for the next import and the
CLI), then the import itself with progress and cancel, and its summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import codematch, codes, i18n
from ..errors import BrokerDeskError
from ..workbook import importer, reader
from ..workbook.cells import CellError, parse_text
from ..workbook.schema import SHEETS_BY_NAME
from . import geometry
from .geometry import scrolled
from .jobs import run_job
from .prefs import settings
from .widgets import show_error

i18n.register({
    "gui.import.title": ("导入 Excel：{file}", "Import workbook: {file}"),
    "gui.import.reading": ("正在读取 {file}…", "Reading {file}…"),
    "gui.import.checking": ("正在检查…", "Checking…"),
    "gui.import.importing": ("正在导入…", "Importing…"),
    "gui.import.columns": ("列的对应", "Columns"),
    "gui.import.problems": ("问题（{errors} 个错误，{warnings} 个提示）", "Problems ({errors} errors, {warnings} warnings)"),
    "gui.import.sheet_in_file": ("工作表“{name}”→ {sheet}（表头在第 {row} 行，{rows} 行数据）",
                                 "Sheet “{name}” → {sheet} (header in row {row}, {rows} data rows)"),
    "gui.import.header": ("表格中的列", "Column in the file"),
    "gui.import.field": ("导入为", "Imported as"),
    "gui.import.sample": ("示例", "Sample"),
    "gui.import.skip_column": ("（不导入）", "(not imported)"),
    "gui.import.unmapped": ("有 {count} 列无法自动识别，可在“导入为”中手动选择", "{count} columns were not recognised; choose what they are under “Imported as”"),
    "gui.import.check": ("检查", "Check"),
    "gui.import.run": ("导入", "Import"),
    "gui.import.close": ("关闭", "Close"),
    "gui.import.skip_invalid": ("跳过有错误的行，导入其余各行", "Skip rows with errors, import the rest"),
    "gui.import.col.where": ("位置", "Where"),
    "gui.import.col.level": ("级别", "Level"),
    "gui.import.col.message": ("问题", "Problem"),
    "gui.import.error": ("错误", "Error"),
    "gui.import.warning": ("提示", "Warning"),
    "gui.import.would": ("检查结果（尚未写入）：", "Check result (nothing written yet):"),
    "gui.import.done": ("已导入：", "Imported:"),
    "gui.import.values": ("值的对应（{count}）", "Values ({count})"),
    "gui.import.values_hint": ("以下取值在代码表中找不到，可在“对应为”中选择其含义；选择会记住，下次导入（包括命令行）照此识别。"
                               "选好后请再次“检查”或直接“导入”。",
                               "These values are in no code table; choose what each means under “Means”. The choice is "
                               "remembered for the imports to come (the command line too). Check again or import when done."),
    "gui.import.value": ("表格中的值", "Value in the file"),
    "gui.import.value_where": ("位置", "Where"),
    "gui.import.value_means": ("对应为", "Means"),
    "gui.import.value_unmapped": ("（不对应）", "(not mapped)"),
    "gui.import.value_nearest": ("最接近的：{nearest}", "Nearest: {nearest}"),
    "gui.import.refused": ("有错误，未写入任何数据。请修改表格后重试，或勾选“跳过有错误的行”。",
                           "There are errors; nothing was written. Fix the workbook, or choose to skip rows with errors."),
})


class ImportDialog(QDialog):
    """Emits nothing: ``result`` holds the last import (``result.written`` when it wrote)."""

    def __init__(self, ledger, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger, self.path = ledger, Path(path)
        self.result: importer.ImportResult | None = None
        self.sheets: list[reader.RawSheet] = []
        self.setWindowTitle(i18n.tr("gui.import.title", file=self.path.name))
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.columns_page = QWidget()
        self.columns_layout = QVBoxLayout(self.columns_page)
        self.problems = QTreeWidget()
        self.problems.setRootIsDecorated(False)
        self.problems.setAlternatingRowColors(True)
        self.problems.setHeaderLabels([i18n.tr(f"gui.import.col.{c}") for c in ("where", "level", "message")])
        self.problems.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(scrolled(self.columns_page), i18n.tr("gui.import.columns"))
        self.tabs.addTab(self.problems, i18n.tr("gui.import.problems", errors=0, warnings=0))
        self.values_page = QWidget()
        values_layout = QVBoxLayout(self.values_page)
        hint = QLabel(i18n.tr("gui.import.values_hint"))
        hint.setWordWrap(True)
        values_layout.addWidget(hint)
        self.values = QTreeWidget()
        self.values.setRootIsDecorated(False)
        self.values.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.values.setHeaderLabels([i18n.tr(f"gui.import.value{c}") for c in ("", "_where", "_means")])
        values_layout.addWidget(self.values, 1)
        self.value_boxes: dict[tuple[str, str], QComboBox] = {}
        layout.addWidget(self.tabs, 1)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        summary = scrolled(self.summary)  # a long summary scrolls; the dialog does not grow past the screen
        summary.setMaximumHeight(8 * self.fontMetrics().lineSpacing())
        summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        summary.hide()  # until there is something to say
        self.summary_area = summary
        layout.addWidget(summary)
        bottom = QHBoxLayout()
        self.skip_invalid = QCheckBox(i18n.tr("gui.import.skip_invalid"))
        bottom.addWidget(self.skip_invalid)
        bottom.addStretch(1)
        self.check_button = QPushButton(i18n.tr("gui.import.check"))
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton(i18n.tr("gui.import.run"))
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton(i18n.tr("gui.import.close"))
        close.clicked.connect(self.reject)
        for button in (self.check_button, self.import_button, close):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.mapping_boxes: dict[tuple[str, str], QComboBox] = {}
        geometry.remember(self, "dialogs/import", QSize(980, 640))

    # -- reading and the column preview ---------------------------------------------------------
    def load(self) -> bool:
        """Read the workbook (off the GUI thread) and show how its columns map; False if unusable.

        Hand mappings are remembered per canonical sheet (技术合同, 客户…) and header text."""
        saved = settings().value("import/mappings", {}) or {}
        try:
            self.sheets = run_job(self.parentWidget(), i18n.tr("gui.import.reading", file=self.path.name),
                                  lambda p, c: reader.read_workbook(self.path, saved, p, c))
        except BrokerDeskError as e:
            show_error(self.parentWidget(), e)
            return False
        self.show_columns()
        return True

    def show_columns(self) -> None:
        while self.columns_layout.count():
            item = self.columns_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        unmapped = 0
        for raw in self.sheets:
            if raw.sheet is None:
                continue
            self.columns_layout.addWidget(QLabel(i18n.tr(
                "gui.import.sheet_in_file", name=raw.name, sheet=raw.sheet.name, row=raw.header_row,
                rows=len(raw.rows))))
            tree = QTreeWidget()
            tree.setRootIsDecorated(False)
            tree.setHeaderLabels([i18n.tr("gui.import.header"), i18n.tr("gui.import.field"),
                                  i18n.tr("gui.import.sample")])
            tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            mapped = {index: column.header for index, (column, _) in raw.columns.items()}
            for index, header in enumerate(raw.headers):
                if not str(header or "").strip():
                    continue
                sample = "；".join(_shown(row[index]) for _, row in raw.rows[:3]
                                  if index < len(row) and row[index] not in (None, ""))
                item = QTreeWidgetItem([str(header), "", sample])
                tree.addTopLevelItem(item)
                box = QComboBox()
                box.addItem(i18n.tr("gui.import.skip_column"), None)
                for column in SHEETS_BY_NAME[raw.sheet.name].columns:
                    if not column.readonly:  # 办结期限 is written by export, never read: shown as not imported
                        box.addItem(column.header, column.header)
                box.setCurrentIndex(max(0, box.findData(mapped.get(index))))
                if index not in mapped:
                    unmapped += 1
                    item.setForeground(0, QBrush(QColor("#a86400")))
                box.currentIndexChanged.connect(lambda _i, raw=raw, header=str(header), box=box:
                                                self.remap(raw, header, box.currentData()))
                tree.setItemWidget(item, 1, box)
                self.mapping_boxes[(raw.name, str(header))] = box
            tree.resizeColumnToContents(0)
            tree.setColumnWidth(1, 200)
            fit_rows(tree)
            self.columns_layout.addWidget(tree)
        if unmapped:
            note = QLabel(i18n.tr("gui.import.unmapped", count=unmapped))
            note.setStyleSheet("color: #a86400;")
            self.columns_layout.addWidget(note)
        self.columns_layout.addStretch(1)

    def remap(self, raw: reader.RawSheet, header: str, canonical: str | None) -> None:
        """Map a column by hand; remembered for files to come, applied by reading again."""
        saved = settings().value("import/mappings", {}) or {}
        sheet_map = dict(saved.get(raw.sheet.name, {}))
        if canonical:
            sheet_map[header] = canonical
        else:
            sheet_map.pop(header, None)
        saved[raw.sheet.name] = sheet_map
        settings().setValue("import/mappings", saved)
        self.load()

    # -- checking and importing ----------------------------------------------------------------------
    def _run(self, dry_run: bool) -> importer.ImportResult | None:
        title = i18n.tr("gui.import.checking" if dry_run else "gui.import.importing")
        skip = self.skip_invalid.isChecked()
        try:
            return run_job(self, title, lambda p, c: importer.import_sheets(
                self.ledger, self.path.name, self.sheets, dry_run=dry_run, skip_invalid=skip, progress=p,
                cancelled=c))
        except BrokerDeskError as e:
            show_error(self, e)
            return None

    def check(self) -> None:
        result = self._run(dry_run=True)
        if result is not None:
            self.show_result(result, i18n.tr("gui.import.would"))

    def run_import(self) -> None:
        result = self._run(dry_run=False)
        if result is None:
            return
        self.result = result
        if result.written:
            self.show_result(result, i18n.tr("gui.import.done"))
            self.import_button.setEnabled(False)
            self.check_button.setEnabled(False)
        else:
            self.show_result(result, i18n.tr("gui.import.refused"))

    def show_result(self, result: importer.ImportResult, heading: str) -> None:
        self.problems.clear()
        for p in result.problems:
            item = QTreeWidgetItem([f"{p.sheet} 第 {p.row} 行 {p.column}".strip() if i18n.get_language() == "zh"
                                    else f"{p.sheet} row {p.row} {p.column}".strip(),
                                    i18n.tr("gui.import.error" if p.is_error else "gui.import.warning"), p.message])
            item.setForeground(1, QBrush(QColor("#c62828" if p.is_error else "#a86400")))
            item.setToolTip(2, p.line())
            self.problems.addTopLevelItem(item)
        self.tabs.setTabText(1, i18n.tr("gui.import.problems", errors=len(result.errors),
                                        warnings=len(result.warnings)))
        if result.problems:
            self.tabs.setCurrentIndex(1)
        self.show_unknown_values(result)
        self.summary.setText("\n".join([heading, *result.summary_lines()]))
        self.summary_area.show()

    def show_unknown_values(self, result: importer.ImportResult) -> None:
        """The code values no item was found for, each with a box to map it to one by hand."""
        self.values.clear()
        self.value_boxes.clear()
        index = self.tabs.indexOf(self.values_page)
        if not result.unknown_values:
            if index >= 0:
                self.tabs.removeTab(index)
            return
        if index < 0:
            index = self.tabs.addTab(self.values_page, "")
        self.tabs.setTabText(index, i18n.tr("gui.import.values", count=len(result.unknown_values)))
        tables = codes.tables()
        for unknown in result.unknown_values:
            item = QTreeWidgetItem([unknown.value, "；".join(unknown.places), ""])
            if unknown.nearest:
                item.setToolTip(0, i18n.tr("gui.import.value_nearest", nearest="、".join(unknown.nearest)))
            self.values.addTopLevelItem(item)
            box = QComboBox()
            box.addItem(i18n.tr("gui.import.value_unmapped"), None)
            for name in tables.choices(unknown.table):
                box.addItem(name, name)
            box.currentIndexChanged.connect(lambda _i, u=unknown, box=box: codematch.remember(
                self.ledger, u.table, u.value, box.currentData()))
            self.values.setItemWidget(item, 2, box)
            self.value_boxes[(unknown.table, unknown.value)] = box
        self.values.resizeColumnToContents(0)
        self.values.resizeColumnToContents(1)



def fit_rows(tree: QTreeWidget, most: int = 14) -> None:
    """A sheet's column table as tall as its rows (up to ``most``; more scroll inside it): the
    page around the tables scrolls, so every sheet shows its columns, not one row of them."""
    rows = min(max(tree.topLevelItemCount(), 1), most)
    row_height = max(tree.sizeHintForRow(0), tree.fontMetrics().height() + 8) if tree.topLevelItemCount() else 26
    if tree.topLevelItemCount():  # the mapping combo box makes a row taller than its text
        item = tree.topLevelItem(0)
        widget = tree.itemWidget(item, 1)
        if widget is not None:
            row_height = max(row_height, widget.sizeHint().height())
    height = tree.header().sizeHint().height() + rows * row_height + 2 * tree.frameWidth() + 4
    tree.setMinimumHeight(height)
    tree.setMaximumHeight(height if tree.topLevelItemCount() <= most else 16777215)
    tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


def _shown(value) -> str:
    """A cell as a person reads it (1.0 is 1, a date without its midnight)."""
    try:
        return parse_text(value) or ""
    except CellError:
        return str(value)
