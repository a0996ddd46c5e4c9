"""What the screens that show a report over a period share (the 排行榜 and 统计 pages, the
奖补测算 dialog): the years to offer and the one chosen at first, the 期间 picker, a page that
computes again after a change in the ledger, a read-only table model of rows shown as texts,
and the export to Excel or PDF (the two buttons, where to save, the job with progress and a
Cancel button, and the line that says what came of it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from .. import i18n, listing
from . import files, jobs
from .prefs import settings
from .widgets import show_error

i18n.register({
    "gui.period": ("期间", "Period"),
    "gui.period.to": ("至", "to"),
    "gui.period.year": ("{year} 年", "{year}"),
    "gui.report.export_xlsx": ("导出 Excel…", "Export to Excel…"),
    "gui.report.export_pdf": ("导出 PDF…", "Export to PDF…"),
    "gui.report.exported": ("已导出到 {path}", "Exported to {path}"),
    "gui.report.cancelled": ("已取消导出，没有写入文件", "Export cancelled; no file was written"),
    "gui.report.open_file": ("打开", "Open"),
})

#: The setting that remembers the folder of the last export.
FOLDER_SETTING = "rankings/folder"


def years_to_offer(ledger, today: dt.date) -> list[int]:
    """Every year from the first to the last with a registered contract, newest first (this year if none)."""
    found = listing.registered_years(ledger)
    if not found:
        return [today.year]
    return list(range(max(found), min(found) - 1, -1))


def default_year(years: list[int], today: dt.date) -> int:
    """The last complete year if it has registrations, else this year, else the latest offered."""
    for year in (today.year - 1, today.year):
        if year in years:
            return year
    return years[0] if years else today.year


class PeriodPicker(QWidget):
    """期间 [from] 至 [to]: whole years; the other end follows so that from ≤ to."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.from_box = QComboBox()
        self.to_box = QComboBox()
        layout.addWidget(QLabel(i18n.tr("gui.period")))
        layout.addWidget(self.from_box)
        layout.addWidget(QLabel(i18n.tr("gui.period.to")))
        layout.addWidget(self.to_box)
        self.from_box.currentIndexChanged.connect(lambda _i: self._follow(self.from_box))
        self.to_box.currentIndexChanged.connect(lambda _i: self._follow(self.to_box))

    def set_years(self, years: list[int], default: int) -> None:
        """Offer ``years``; keep the chosen period if still offered, else choose ``default``."""
        current = self.period() if self.offered() else (default, default)
        if current[0] not in years or current[1] not in years:
            current = (default, default)
        for box, year in ((self.from_box, current[0]), (self.to_box, current[1])):
            with QSignalBlocker(box):
                box.clear()
                for y in years:
                    box.addItem(i18n.tr("gui.period.year", year=y), y)
                box.setCurrentIndex(box.findData(year))

    def set_period(self, year_from: int, year_to: int | None = None) -> None:
        year_to = year_from if year_to is None else year_to
        for box, year in ((self.from_box, year_from), (self.to_box, year_to)):
            with QSignalBlocker(box):
                box.setCurrentIndex(box.findData(year))
        self.changed.emit()

    def period(self) -> tuple[int, int]:
        return self.from_box.currentData(), self.to_box.currentData()

    def offered(self) -> bool:
        """Whether the years to choose from have been filled in."""
        return self.from_box.count() > 0

    def _follow(self, moved: QComboBox) -> None:
        year_from, year_to = self.period()
        if year_from is not None and year_to is not None and year_from > year_to:
            other = self.to_box if moved is self.from_box else self.from_box
            with QSignalBlocker(other):
                other.setCurrentIndex(other.findData(year_from if moved is self.from_box else year_to))
        self.changed.emit()


class PeriodPage(QWidget):
    """A page computed for a period of years picked in ``self.period`` (a :class:`PeriodPicker`):
    after a change in the ledger it computes again now if shown, else when next shown.
    Subclasses build ``self.period`` and give ``reload()``, which clears ``_stale``."""

    period: PeriodPicker

    def __init__(self, ledger, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self._stale = True

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def _fill_years(self) -> None:
        years = years_to_offer(self.ledger, self._today())
        with QSignalBlocker(self.period):
            self.period.set_years(years, default_year(years, self._today()))

    def refresh(self) -> None:
        """After a change in the ledger: again now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._update()

    def _update(self) -> None:
        """The years on offer and the page's figures, as the ledger is now (not before the page is seen)."""
        self._fill_years()
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError


class TextRowsModel(QAbstractTableModel):
    """Read-only rows shown in ``columns``: ``texts(row)`` gives a row's ``{column: text}``, made
    when the row is first asked for (a long report opens at once)."""

    def __init__(self, columns: tuple[str, ...], texts: Callable[[object], dict[str, str]], parent=None):
        super().__init__(parent)
        self.columns, self.texts = columns, texts
        self.rows: list = []
        self._cache: dict[int, dict[str, str]] = {}

    def set_rows(self, rows: list, columns: tuple[str, ...] | None = None) -> None:
        """Show ``rows`` (in ``columns`` from now on, when given: a report may add some)."""
        self.beginResetModel()
        self.rows, self._cache = rows, {}
        if columns is not None:
            self.columns = columns
        self.endResetModel()

    def text(self, row: int, key: str) -> str:
        if row not in self._cache:
            self._cache[row] = self.texts(self.rows[row])
        return self._cache[row][key]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)


def fit_columns(table: QTableView, stretch: int) -> None:
    """Each column as wide as its contents, but column ``stretch``, which takes the room left."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def totals_label() -> QLabel:
    """The line under a report's table that gives its totals."""
    label = QLabel("")
    label.setObjectName("totals")
    label.setWordWrap(True)
    return label


#: ``write(target, progress, cancelled)``: the path written, or None when cancelled.
WriteFn = Callable[[Path, Callable, Callable[[], bool]], Path | None]


class ReportExport:
    """A report's 导出 Excel… and 导出 PDF… (``xlsx_button``, ``pdf_button``; the owner connects
    them) and what follows: where to save (in the folder of the last export), the writing as a job
    with progress and Cancel, and ``status`` saying what came of it (with a link to the file)."""

    def __init__(self, parent: QWidget, busy: str):
        self.parent, self.busy = parent, busy
        self.last: Path | None = None
        self.xlsx_button = QPushButton(i18n.tr("gui.report.export_xlsx"))
        self.pdf_button = QPushButton(i18n.tr("gui.report.export_pdf"))
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.status.setOpenExternalLinks(True)

    def set_enabled(self, enabled: bool) -> None:
        for button in (self.xlsx_button, self.pdf_button):
            button.setEnabled(enabled)

    @staticmethod
    def folder() -> str:
        """The folder of the last export (the home folder at first)."""
        folder = settings().value(FOLDER_SETTING)
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def run(self, suffix: str, path: str | Path | None, name: str, write: WriteFn) -> Path | None:
        """Write the report as ``suffix`` (.xlsx or .pdf) at ``path`` (asked for, ``name`` suggested,
        when None); the file written, or None (no file chosen, cancelled, or failed: said)."""
        title = i18n.tr("gui.report.export_xlsx" if suffix == ".xlsx" else "gui.report.export_pdf")
        if path is None:
            file_filter = "Excel (*.xlsx)" if suffix == ".xlsx" else "PDF (*.pdf)"
            path = files.save_file(self.parent, title, str(Path(self.folder()) / name), file_filter)
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        try:
            written = jobs.run_job(self.parent, self.busy, lambda progress, cancelled: write(target, progress,
                                                                                              cancelled))
        except jobs.Cancelled:
            written = None
        except Exception as e:  # noqa: BLE001 - said to the user
            show_error(self.parent, e, title)
            return None
        if written is None:
            self.status.setText(i18n.tr("gui.report.cancelled"))
            return None
        self.last = Path(written)
        settings().setValue(FOLDER_SETTING, str(self.last.parent))
        url = self.last.resolve().as_uri()
        self.status.setText(f'{i18n.tr("gui.report.exported", path=self.last)}　'
                            f'<a href="{url}">{i18n.tr("gui.report.open_file")}</a>')
        return self.last
