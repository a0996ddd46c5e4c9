"""The print preview's two ways out: Print (the system's print dialog, then each page rendered
for the printer) and Save as PDF (the core's own vector PDF, unchanged)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from .. import i18n
from ..errors import BrokerDeskError
from . import files
from .pdf_pages import PdfPages, print_pages
from .prefs import settings
from .widgets import show_error

i18n.register({
    "gui.print.pdf_filter": ("PDF 文件 (*.pdf)", "PDF files (*.pdf)"),
    "gui.print.saved": ("已保存到 {path}", "Saved to {path}"),
    "gui.print.printed": ("已送往打印机：{pages} 页", "Sent to the printer: {pages} pages"),
})


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "form"


class PrintActions:
    """Print and Save as PDF for a dialog that shows a PDF: a mixin of :class:`PreviewDialog`, which
    gives it ``pdf`` (the bytes shown, None when nothing is), ``view`` (its PageView), ``summary``
    (the label the outcome is told in), ``ledger``, ``contract_id``, ``file_name`` and ``form_title()``."""

    def document_name(self) -> str:
        if self.contract_id is not None and self.ledger is not None:
            record = self.ledger.get("contract", self.contract_id)
            return safe_filename(f"{self.form_title()}-{record.get('contract_no') or self.contract_id}")
        return safe_filename(self.file_name)

    def print_dialog(self) -> None:
        """Ask for a printer (the system's print dialog), then print."""
        from PySide6.QtGui import QPageSize
        from PySide6.QtPrintSupport import (
            QAbstractPrintDialog,
            QPrintDialog,
            QPrinter,
            QPrinterInfo,
        )

        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setDocName(self.document_name())
        if not QPrinterInfo.availablePrinters():  # printing to a file is all there is: suggest a name
            folder = settings().value("print/folder") or str(Path.home())
            printer.setOutputFileName(str(Path(folder) / f"{self.document_name()}.pdf"))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(i18n.tr("gui.print.print").rstrip("…"))
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            printed = self.print_to(printer)
        except BrokerDeskError as e:
            show_error(self, e)
            return
        self.summary.setText(i18n.tr("gui.print.printed", pages=printed))

    def print_to(self, printer) -> int:
        """Print onto ``printer`` (set up by the caller): the pages it asks for, each a full A4 sheet."""
        from PySide6.QtPrintSupport import QPrinter

        if self.pdf is None:
            return 0
        count = self.page_count()
        indexes = list(range(count))
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or count
            indexes = [i for i in indexes if first - 1 <= i <= last - 1]
        elif printer.printRange() == QPrinter.PrintRange.CurrentPage:
            indexes = [self.view.current_page()]
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with_pages = PdfPages(self.pdf)
            try:
                return print_pages(with_pages, printer, indexes)
            finally:
                with_pages.close()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def save_pdf(self) -> None:
        """Ask where, then write the core's PDF there."""
        if self.pdf is None:
            return
        folder = settings().value("print/folder") or str(Path.home())
        name = files.save_file(self, i18n.tr("gui.print.save_pdf"), str(Path(folder) / f"{self.document_name()}.pdf"),
                               i18n.tr("gui.print.pdf_filter"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")
        try:
            self.save_to(path)
        except OSError as e:
            show_error(self, e)
            return
        settings().setValue("print/folder", str(path.parent))
        self.summary.setText(i18n.tr("gui.print.saved", path=path))

    def save_to(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.pdf or b"")
        return path
