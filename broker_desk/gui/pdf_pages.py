"""A PDF held in memory, its pages rasterised with pdfium (pypdfium2) on request, and printing
those pages onto a printer. QtPdf is not part of the PySide6 wheels we use, hence pdfium.

Printing paints each page rendered at the printer's resolution (up to :data:`PRINT_DPI`) onto
the printer's pages.
"""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter

from .. import i18n
from ..errors import BrokerDeskError

i18n.register({
    "gui.print.cannot_print": ("无法开始打印：打印机不可用。", "Could not start printing: the printer is not available."),
})

#: pdfium is not thread-safe: every call into it holds this lock.
PDFIUM_LOCK = threading.RLock()

#: The highest resolution pages are rendered at for a printer.
PRINT_DPI = 300


class PdfPages:
    """A PDF held in memory whose pages render to images on request."""

    def __init__(self, data: bytes):
        self.data = bytes(data)
        with PDFIUM_LOCK:
            self._doc = pdfium.PdfDocument(self.data)
            self.sizes = []  # (width, height) of each page in points
            for i in range(len(self._doc)):
                page = self._doc[i]
                self.sizes.append(tuple(page.get_size()))
                page.close()

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, scale: float, *, for_print: bool = False) -> QImage:
        """Page ``index`` at ``scale`` pixels per point, as a QImage owning its pixels."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                                     fill_color=(255, 255, 255, 255),
                                     optimize_mode="print" if for_print else None)
                formats = {"RGBX": QImage.Format.Format_RGBX8888, "RGBA": QImage.Format.Format_RGBA8888,
                           "RGB": QImage.Format.Format_RGB888, "BGRX": QImage.Format.Format_RGB32,
                           "BGRA": QImage.Format.Format_ARGB32, "L": QImage.Format.Format_Grayscale8}
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               formats[bitmap.mode]).copy()  # copied: the bitmap's memory is freed with it
                bitmap.close()
            finally:
                page.close()
        return image

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()


def print_pages(pages: PdfPages, printer, indexes: list[int] | None = None) -> int:
    """Paint ``pages`` (all, or ``indexes``) onto ``printer``, one PDF page per sheet; returns the count."""
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrinter

    indexes = list(range(len(pages))) if indexes is None else indexes
    if not indexes:
        return 0
    printer.setFullPage(True)
    dpi = min(printer.resolution(), PRINT_DPI)

    def orient(index: int) -> None:
        w, h = pages.sizes[index]
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait)

    orient(indexes[0])
    painter = QPainter()
    if not painter.begin(printer):
        raise BrokerDeskError("gui.print.cannot_print")
    try:
        for n, index in enumerate(indexes):
            if n:
                orient(index)
                printer.newPage()
            w, h = pages.sizes[index]
            paper = printer.paperRect(QPrinter.Unit.DevicePixel)
            fit = min(paper.width() / w, paper.height() / h)  # same paper size: the whole sheet
            target = QRectF(0, 0, w * fit, h * fit)
            target.moveCenter(QPointF(paper.width() / 2, paper.height() / 2))
            image = pages.image(index, dpi / 72, for_print=True)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(indexes)

