"""工作日日历: the dates an office adds to or corrects in China's working-day calendar, a year at
a time (放假 / 上班, the date, a note), kept in the ledger's settings (``calendar.office``) and
written to or read from a CSV file that Excel opens. The counting is the core's
(:mod:`broker_desk.workcalendar`); this dialog only edits the table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import i18n, workcalendar
from ..errors import BrokerDeskError
from . import files
from .widgets import Dialog, show_error

i18n.register({
    "gui.cal.title": ("工作日日历", "Working-day calendar"),
    "gui.cal.year": ("年份", "Year"),
    "gui.cal.known": ("程序已内置 {year} 年国务院公布的节假日和调休安排；这里只需补充或更正本地的日期。",
                      "The State Council's {year} holidays and working weekends are built in; add or correct "
                      "local dates here."),
    "gui.cal.unknown": ("程序尚不知道 {year} 年的节假日安排，暂按周一至周五计算工作日。请按国务院通知录入放假和调休上班的日期，"
                        "录完后勾选下面的“已完整录入”。",
                        "The {year} holiday calendar is not known yet: Monday to Friday are counted meanwhile. "
                        "Enter the days off and working weekends of the State Council's notice, then tick "
                        "“entered in full” below."),
    "gui.cal.complete": ("{year} 年的放假和调休安排已完整录入", "The {year} days off and working weekends are entered in full"),
    "gui.cal.col.date": ("日期", "Date"),
    "gui.cal.col.kind": ("类型", "Kind"),
    "gui.cal.col.note": ("说明", "Note"),
    "gui.cal.add": ("添加日期", "Add a date"),
    "gui.cal.remove": ("删除所选", "Remove selected"),
    "gui.cal.export": ("导出 CSV…", "Export CSV…"),
    "gui.cal.import": ("导入 CSV…", "Import CSV…"),
    "gui.cal.csv": ("CSV 文件 (*.csv)", "CSV files (*.csv)"),
    "gui.cal.bad_date": ("{year} 年第 {row} 行：日期“{value}”不是 {year} 年的 YYYY-MM-DD 日期",
                         "{year}, row {row}: “{value}” is not a YYYY-MM-DD date of {year}"),
    "gui.cal.twice": ("{year} 年：日期 {value} 出现了两次", "{year}: the date {value} appears twice"),
})


class CalendarDialog(Dialog):
    """Edits ``calendar.office``, a year at a time; OK saves every year that was edited."""

    def __init__(self, ledger, parent: QWidget | None = None, year: int | None = None):
        super().__init__(i18n.tr("gui.cal.title"), "calendar", parent)
        self.ledger = ledger
        self.office = dict(ledger.setting("calendar.office") or {})
        layout = QVBoxLayout(self.body)
        top = QHBoxLayout()
        top.addWidget(QLabel(i18n.tr("gui.cal.year")))
        self.year = QSpinBox()
        self.year.setRange(2004, 2099)
        self.year.setValue(year or dt.date.today().year)
        top.addWidget(self.year)
        top.addStretch(1)
        layout.addLayout(top)
        self.about = QLabel("")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([i18n.tr(f"gui.cal.col.{c}") for c in ("date", "kind", "note")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 96)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.complete = QCheckBox("")
        layout.addWidget(self.complete)
        buttons = QHBoxLayout()
        for key, slot in (("add", self.add_row), ("remove", self.remove_rows), ("import", self.import_csv),
                          ("export", self.export_csv)):
            button = QPushButton(i18n.tr(f"gui.cal.{key}"))
            button.clicked.connect(lambda _=False, slot=slot: slot())
            setattr(self, f"{key}_button", button)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.shown_year = self.year.value()
        self._show(self.shown_year)
        self.year.valueChanged.connect(self._year_changed)
        self.resize(620, 520)

    # -- the table of one year ----------------------------------------------------------------------
    def _show(self, year: int) -> None:
        entries, complete = workcalendar.office_entries(self.office, year)
        self.table.setRowCount(0)
        for entry in entries:
            self.add_row(entry)
        known = workcalendar.library_year(year) is not None
        self.about.setText(i18n.tr("gui.cal.known" if known else "gui.cal.unknown", year=year))
        self.complete.setText(i18n.tr("gui.cal.complete", year=year))
        self.complete.setChecked(complete)
        self.complete.setVisible(not known)

    def add_row(self, entry: workcalendar.Entry | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(entry.day.isoformat() if entry else f"{self.shown_year}-"))
        kind = QComboBox()
        for k in (workcalendar.HOLIDAY, workcalendar.WORKDAY):
            kind.addItem(workcalendar.kind_name(k), k)
        kind.setCurrentIndex(max(0, kind.findData(entry.kind if entry else workcalendar.HOLIDAY)))
        self.table.setCellWidget(row, 1, kind)
        self.table.setItem(row, 2, QTableWidgetItem(entry.note if entry else ""))
        if entry is None:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))

    def remove_rows(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def entries(self) -> list[workcalendar.Entry]:
        """The table's dates; a date that is not one of the year's is refused, naming its row."""
        year, out, seen = self.shown_year, [], set()
        for row in range(self.table.rowCount()):
            text = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            note = (self.table.item(row, 2).text() if self.table.item(row, 2) else "").strip()
            if text in ("", f"{year}-") and not note:
                continue  # a row added and left empty
            try:
                day = dt.date.fromisoformat(text.replace("/", "-"))
            except ValueError:
                day = None
            if day is None or day.year != year:
                raise BrokerDeskError("gui.cal.bad_date", year=year, row=row + 1, value=text)
            if day in seen:
                raise BrokerDeskError("gui.cal.twice", year=year, value=day.isoformat())
            seen.add(day)
            out.append(workcalendar.Entry(day, self.table.cellWidget(row, 1).currentData(), note))
        return out

    def _keep(self) -> bool:
        """The shown year's table into the dialog's copy of the setting; False (and why) if it is wrong."""
        try:
            entries = self.entries()
        except BrokerDeskError as e:
            self.error.setText(str(e))
            return False
        self.error.setText("")
        self.office = workcalendar.with_year(self.office, self.shown_year, entries,
                                             self.complete.isChecked() and not self.complete.isHidden())
        return True

    def _year_changed(self, year: int) -> None:
        if not self._keep():
            self.year.blockSignals(True)
            self.year.setValue(self.shown_year)
            self.year.blockSignals(False)
            return
        self.shown_year = year
        self._show(year)

    # -- files -------------------------------------------------------------------------------------
    def export_csv(self, path: str | None = None) -> None:
        if not self._keep():
            return
        if path is None:
            path = files.save_file(self, i18n.tr("gui.cal.export"), f"工作日日历{self.shown_year}.csv",
                                   i18n.tr("gui.cal.csv"))
        if path:
            entries, _ = workcalendar.office_entries(self.office, self.shown_year)
            Path(path).write_text(workcalendar.to_csv(entries), encoding="utf-8-sig", newline="")

    def import_csv(self, path: str | None = None) -> None:
        if not self._keep():
            return
        if path is None:
            path = files.open_file(self, i18n.tr("gui.cal.import"), "", i18n.tr("gui.cal.csv"))
        if not path:
            return
        try:
            entries = workcalendar.from_csv(Path(path).read_text(encoding="utf-8-sig"), Path(path).name)
        except (BrokerDeskError, OSError, UnicodeDecodeError) as e:
            show_error(self, e)
            return
        for year in sorted({e.day.year for e in entries}):
            kept, complete = workcalendar.office_entries(self.office, year)
            merged = {e.day: e for e in kept} | {e.day: e for e in entries if e.day.year == year}
            self.office = workcalendar.with_year(self.office, year, merged.values(), complete)
        self._show(self.shown_year)

    def accept(self) -> None:
        if not self._keep():
            return
        self.ledger.set_setting("calendar.office", self.office)
        super().accept()
