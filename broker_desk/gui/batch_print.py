"""Batch printing: one form for every contract registered in a period (a year or
a month) — or the period's 登记合同汇总表 — rendered into one PDF file off the
GUI thread, with progress and cancel. A cancelled or failed batch leaves no file
behind; a finished one can be previewed (and printed) or opened at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError
from . import files, jobs
from .prefs import settings
from .print_actions import safe_filename
from .widgets import Dialog

i18n.register({
    "gui.batch.title": ("批量打印", "Batch print"),
    "gui.batch.intro": ("把一个期间内登记的全部合同的表单生成到一个 PDF 文件，可预览后打印。",
                        "Puts the form of every contract registered in a period into one PDF file to preview and print."),
    "gui.batch.form": ("表单", "Form"),
    "gui.batch.per_contract": ("{title}（每份合同一份）", "{title} (one per contract)"),
    "gui.batch.per_period": ("{title}（整个期间一份）", "{title} (one for the period)"),
    "gui.batch.period": ("登记期间", "Registered in"),
    "gui.batch.year_suffix": (" 年", ""),
    "gui.batch.whole_year": ("全年", "Whole year"),
    "gui.batch.month": ("{month} 月", "Month {month}"),
    "gui.batch.count": ("该期间登记的合同：{count:,} 份", "Contracts registered in the period: {count:,}"),
    "gui.batch.none": ("该期间没有登记的合同。", "No contracts were registered in this period."),
    "gui.batch.allow_blank": ("缺少资料的栏目留空打印（由经办人手填）", "Leave boxes blank where data is missing (filled by hand)"),
    "gui.batch.file": ("保存到", "Save to"),
    "gui.batch.browse": ("浏览…", "Browse…"),
    "gui.batch.generate": ("生成 PDF", "Make PDF"),
    "gui.batch.working": ("正在生成批量表单…", "Making the batch…"),
    "gui.batch.no_file": ("请选择保存的文件。", "Choose the file to save to."),
    "gui.batch.replace": ("文件 {path} 已存在，替换它吗？", "{path} exists. Replace it?"),
    "gui.batch.cancelled": ("已取消，没有生成文件。", "Cancelled; no file was made."),
    "gui.batch.more": ("……另有 {count:,} 份", "… and {count:,} more"),
    "gui.batch.missing_hint": ("请补全这些合同，或勾选“缺少资料的栏目留空打印”。",
                               "Fill these in, or tick “Leave boxes blank where data is missing”."),
    "gui.batch.failed": ("未能生成：{error}", "Not made: {error}"),
    "gui.batch.done": ("已生成 {pages:,} 页（{contracts:,} 份合同）：\n{path}",
                       "Made {pages:,} pages ({contracts:,} contracts):\n{path}"),
    "gui.batch.blanks": ("其中 {count:,} 份合同有留空的栏目，需经办人手填。",
                         "{count:,} contracts have boxes left blank to fill by hand."),
    "gui.batch.preview": ("预览并打印", "Preview and print"),
    "gui.batch.open": ("用其他程序打开", "Open in another program"),
    "gui.batch.close": ("关闭", "Close"),
})


def period_text(year: int, month: int | None) -> str:
    """The core's period: ``2025`` or ``2025-03``."""
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


class BatchPrintDialog(Dialog):
    def __init__(self, ledger, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(i18n.tr("gui.batch.title"), "batch_print", parent)
        from .. import paperwork

        self.ledger, self.today = ledger, today
        self.result = None
        self.output: Path | None = None
        self._auto_path = True
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(i18n.tr("gui.batch.generate"))
        self.ok_button = ok

        form = QFormLayout(self.body)
        form.setContentsMargins(4, 4, 4, 4)
        form.setVerticalSpacing(12)
        intro = QLabel(i18n.tr("gui.batch.intro"))
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        form.addRow(intro)

        self.forms = [f for f in paperwork.list_forms() if f.in_use and not f.error]
        self.form_box = QComboBox()
        for f in self.forms:
            key = "gui.batch.per_period" if f.per == "period" else "gui.batch.per_contract"
            self.form_box.addItem(i18n.tr(key, title=f.title), f.name)
        wanted = settings().value("print/batch_form")
        if (index := self.form_box.findData(wanted)) >= 0:
            self.form_box.setCurrentIndex(index)
        self.form_box.currentIndexChanged.connect(self._changed)
        form.addRow(i18n.tr("gui.batch.form"), self.form_box)

        day = today or dt.date.today()
        last_month = day.replace(day=1) - dt.timedelta(days=1)
        period = QHBoxLayout()
        self.year_box = QSpinBox()
        self.year_box.setRange(1985, 2100)
        self.year_box.setSuffix(i18n.tr("gui.batch.year_suffix"))
        self.year_box.setValue(last_month.year)
        self.year_box.setMinimumWidth(96)
        self.month_box = QComboBox()
        self.month_box.addItem(i18n.tr("gui.batch.whole_year"), None)
        for m in range(1, 13):
            self.month_box.addItem(i18n.tr("gui.batch.month", month=m), m)
        self.month_box.setCurrentIndex(last_month.month)
        self.month_box.setMinimumWidth(96)
        self.year_box.valueChanged.connect(self._changed)
        self.month_box.currentIndexChanged.connect(self._changed)
        period.addWidget(self.year_box)
        period.addWidget(self.month_box)
        period.addStretch(1)
        form.addRow(i18n.tr("gui.batch.period"), period)
        self.count_label = QLabel("")
        form.addRow("", self.count_label)

        self.blank_box = QCheckBox(i18n.tr("gui.batch.allow_blank"))
        self.blank_box.setChecked(settings().value("print/batch_blank", "false") == "true")
        form.addRow("", self.blank_box)

        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setMinimumWidth(380)
        self.path_edit.textEdited.connect(lambda _t: setattr(self, "_auto_path", False))
        browse = QPushButton(i18n.tr("gui.batch.browse"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(i18n.tr("gui.batch.file"), row)

        self.status = QLabel("")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self._changed()
        if settings().value("dialogs/batch_print") is None:
            self.resize(620, self.sizeHint().height())

    # -- choices ---------------------------------------------------------------------------
    def form(self) -> str | None:
        return self.form_box.currentData()

    def form_info(self):
        return next((f for f in self.forms if f.name == self.form()), None)

    def period(self) -> str:
        return period_text(self.year_box.value(), self.month_box.currentData())

    def set_period(self, year: int, month: int | None = None) -> None:
        self.year_box.setValue(year)
        self.month_box.setCurrentIndex(month or 0)

    def set_form(self, name: str) -> None:
        self.form_box.setCurrentIndex(self.form_box.findData(name))

    def _changed(self, *_args) -> None:
        from .. import paperwork

        try:
            self.count = len(paperwork.registered_in(self.ledger, self.period()))
        except BrokerDeskError as e:
            self.count = 0
            self.count_label.setText(str(e))
        else:
            self.count_label.setText(i18n.tr("gui.batch.count", count=self.count) if self.count
                                     else i18n.tr("gui.batch.none"))
        self.count_label.setStyleSheet("font-weight: bold;" if self.count else "color: #a86400;")
        info = self.form_info()
        self.blank_box.setEnabled(info is not None)
        self.ok_button.setEnabled(bool(self.count) and info is not None)
        self.status.setText("")
        if self._auto_path and info is not None:
            folder = Path(settings().value("print/folder") or Path.home())
            self.path_edit.setText(str(folder / f"{safe_filename(info.title + '-' + self.period())}.pdf"))

    def browse(self) -> None:
        name = files.save_file(self, i18n.tr("gui.batch.file"), self.path_edit.text(), i18n.tr("gui.print.pdf_filter"))
        if name:
            self.path_edit.setText(name if name.lower().endswith(".pdf") else name + ".pdf")
            self._auto_path = False
            self._confirmed = Path(self.path_edit.text())  # the file dialog asked about replacing it

    # -- making it -----------------------------------------------------------------------
    def accept(self) -> None:
        if self.generate():
            self.offer()
            super().accept()

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def generate(self) -> bool:
        """Render the batch into the chosen file (all or nothing); True when it was made."""
        from .. import paperwork
        from ..ledger import Ledger

        target = self.target()
        if target is None:
            self._status(i18n.tr("gui.batch.no_file"), error=True)
            return False
        if target.exists() and getattr(self, "_confirmed", None) != target and QMessageBox.question(
                self, i18n.tr("gui.batch.title"), i18n.tr("gui.batch.replace", path=target)) \
                != QMessageBox.StandardButton.Yes:
            return False
        info, period, allow_blank = self.form_info(), self.period(), self.blank_box.isChecked()
        path, today = self.ledger.path, self.today

        def work(progress, cancelled):
            with Ledger.open(path, create=False) as led:  # the core writes the file whole or not at all
                return paperwork.render(led, info.name, target, period=period, allow_blank=allow_blank,
                                        progress=progress, cancelled=cancelled, today=today)

        settings().setValue("print/batch_form", info.name)
        settings().setValue("print/batch_blank", "true" if allow_blank else "false")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.result = jobs.run_job(self, i18n.tr("gui.batch.working"), work)
        except (jobs.Cancelled, paperwork.Cancelled):
            self._status(i18n.tr("gui.batch.cancelled"))
            return False
        except paperwork.MissingData as e:
            lines = e.lines()
            shown = lines[:6] + ([i18n.tr("gui.batch.more", count=len(lines) - 6)] if len(lines) > 6 else [])
            self._status("\n".join([i18n.tr("paperwork.missing", form=e.form, count=len(lines)), *shown,
                                     i18n.tr("gui.batch.missing_hint")]), error=True)
            return False
        except (BrokerDeskError, OSError) as e:
            self._status(i18n.tr("gui.batch.failed", error=e), error=True)
            return False
        self.output = target
        settings().setValue("print/folder", str(target.parent))
        return True

    def _status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c62828;" if error else "color: #67738a;")

    def summary(self) -> str:
        result = self.result
        text = i18n.tr("gui.batch.done", pages=result.pages, contracts=result.contracts, path=self.output)
        blanks = sum(1 for fields in (result.missing or {}).values() if fields)
        if blanks:
            text += "\n" + i18n.tr("gui.batch.blanks", count=blanks)
        return text

    def offer(self) -> None:
        """The batch is made: preview it, open it elsewhere, or just close."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(i18n.tr("gui.batch.title"))
        box.setText(self.summary())
        preview = box.addButton(i18n.tr("gui.batch.preview"), QMessageBox.ButtonRole.AcceptRole)
        open_ = box.addButton(i18n.tr("gui.batch.open"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(i18n.tr("gui.batch.close"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(preview)
        box.exec()
        if box.clickedButton() is preview:
            self.preview()
        elif box.clickedButton() is open_:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output)))

    def preview(self):
        from .print_preview import PreviewDialog

        dialog = PreviewDialog(pdf=self.output.read_bytes(), name=self.output.stem,
                               parent=self.parentWidget() or self)
        dialog.exec()
        dialog.deleteLater()
        return dialog
