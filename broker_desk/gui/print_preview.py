"""Print preview: a contract's paperwork rendered by the core (broker_desk.paperwork)
shown inside the program, with the choice of form, Print (the system's print
dialog) and Save as PDF.

QtPdf is not part of the PySide6 wheels we use, so pages are rasterised with
pdfium (pypdfium2): lazily, only the pages in sight, at the zoom shown. Printing
paints each page rendered at the printer's resolution (up to 300 dpi) onto the
printer's pages; Save as PDF writes the core's own vector PDF unchanged.
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QIntValidator,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError
from . import files, jobs
from .app import settings
from .widgets import Dialog, show_error

i18n.register({
    "gui.print.title": ("打印预览", "Print preview"),
    "gui.print.title_contract": ("打印预览 — {contract}", "Print preview — {contract}"),
    "gui.print.form": ("表单：", "Form:"),
    "gui.print.form_user": ("{title}（自定义模板）", "{title} (your template)"),
    "gui.print.form_broken": ("{title}（模板有误）", "{title} (broken template)"),
    "gui.print.no_forms": ("没有可用的单页合同表单模板。", "There is no per-contract form to print."),
    "gui.print.print": ("打印…", "Print…"),
    "gui.print.print_tip": ("用系统打印对话框选择打印机并打印（Ctrl+P）", "Choose a printer and print (Ctrl+P)"),
    "gui.print.save_pdf": ("另存为 PDF…", "Save as PDF…"),
    "gui.print.save_pdf_tip": ("把这份表单保存为 PDF 文件（Ctrl+S）", "Save this form as a PDF file (Ctrl+S)"),
    "gui.print.zoom_in": ("放大", "Zoom in"),
    "gui.print.zoom_out": ("缩小", "Zoom out"),
    "gui.print.fit_width": ("适合宽度", "Fit width"),
    "gui.print.fit_page": ("整页", "Whole page"),
    "gui.print.previous": ("上一页", "Previous page"),
    "gui.print.next": ("下一页", "Next page"),
    "gui.print.page_before": ("第", "Page"),
    "gui.print.page_after": ("页，共 {count} 页", "of {count}"),
    "gui.print.page_text": ("第 {page} 页，共 {count} 页", "Page {page} of {count}"),
    "gui.print.rendering": ("正在生成表单…", "Preparing the form…"),
    "gui.print.loading": ("正在显示…", "Loading…"),
    "gui.print.missing": ("这份合同缺少“{form}”需要的资料：{fields}。\n请先在合同中补全；或者留空打印，由经办人在纸上手填。",
                          "This contract lacks what “{form}” needs: {fields}.\n"
                          "Fill them in on the contract, or print with those boxes blank to fill by hand."),
    "gui.print.blank_note": ("以下栏目留空，由经办人手填：{fields}。", "Left blank to fill by hand: {fields}."),
    "gui.print.desk_missing": ("补全合同资料，或勾选上方的“留空打印”，即可预览。",
                               "Complete the contract, or tick “Print with blanks” above, to see the preview."),
    "gui.print.allow_blank": ("留空打印（由经办人手填）", "Print with blanks (filled in by hand)"),
    "gui.print.template_error": ("表单模板有误，无法生成：{error}", "The form's template is broken: {error}"),
    "gui.print.failed": ("无法生成表单：{error}", "Could not prepare the form: {error}"),
    "gui.print.cancelled": ("已取消。", "Cancelled."),
    "gui.print.summary": ("{form} · {pages} 页 · A4", "{form} · {pages} pages · A4"),
    "gui.print.pdf_filter": ("PDF 文件 (*.pdf)", "PDF files (*.pdf)"),
    "gui.print.saved": ("已保存到 {path}", "Saved to {path}"),
    "gui.print.printed": ("已送往打印机：{pages} 页", "Sent to the printer: {pages} pages"),
    "gui.print.cannot_print": ("无法开始打印：打印机不可用。", "Could not start printing: the printer is not available."),
    "gui.print.close": ("关闭", "Close"),
})

#: pdfium is not thread-safe: every call into it holds this lock.
PDFIUM_LOCK = threading.RLock()

#: Zoom steps (1.0 = actual size on screen).
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH, FIT_PAGE = "width", "page"
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


class PageView(QAbstractScrollArea):
    """The pages one under another on a grey desk, each with a soft shadow.

    Emits ``pageChanged(index, count)`` as the page in sight changes and
    ``zoomChanged()`` when the zoom (or the fit mode) changes.
    """

    pageChanged = Signal(int, int)
    zoomChanged = Signal()

    MARGIN = 28
    GAP = 22
    DESK = QColor("#8a919c")
    CACHE = 14

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.zoom = 1.0
        self.fit: str | None = FIT_WIDTH
        self.message = ""
        self._rects: list[QRectF] = []
        self._content = QSize(0, 0)
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._current = 0
        self._render_timer = QTimer(self, singleShot=True, interval=0, timeout=self._render_next)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.verticalScrollBar().setSingleStep(40)

    # -- document ----------------------------------------------------------------------
    def set_document(self, pages: PdfPages | None, message: str = "") -> None:
        """Show ``pages`` from the first page (None: an empty desk, with ``message`` on it)."""
        if self.pages is not None and self.pages is not pages:
            self.pages.close()
        self.pages = pages
        self.message = message
        self._cache.clear()
        self._current = -1
        self._layout()
        self.verticalScrollBar().setValue(0)
        self._scrolled()
        self.viewport().update()

    def page_count(self) -> int:
        return len(self.pages) if self.pages is not None else 0

    def current_page(self) -> int:
        return max(self._current, 0)

    # -- zoom --------------------------------------------------------------------------
    def _dpi(self) -> float:
        return self.logicalDpiX() or 96

    def px_per_point(self) -> float:
        return self.zoom * self._dpi() / 72

    def set_zoom(self, zoom: float) -> None:
        self.fit = None
        self._apply_zoom(min(max(zoom, 0.2), 5.0))

    def set_fit(self, fit: str) -> None:
        self.fit = fit
        self._apply_zoom(self._fit_zoom())

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOMS if z > self.zoom + 0.01), ZOOMS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self.zoom - 0.01), ZOOMS[0]))

    def _fit_zoom(self) -> float:
        if not self.pages:
            return self.zoom
        width = max(w for w, _h in self.pages.sizes) * self._dpi() / 72
        height = max(h for _w, h in self.pages.sizes) * self._dpi() / 72
        available = self.viewport().width() - 2 * self.MARGIN
        if self.verticalScrollBar().isHidden() and self.fit == FIT_WIDTH:
            available -= self.verticalScrollBar().sizeHint().width()  # it will appear once the pages are wide
        zoom = available / width
        if self.fit == FIT_PAGE:
            zoom = min(zoom, (self.viewport().height() - 2 * self.MARGIN) / height)
        return min(max(zoom, 0.2), 5.0)

    def _apply_zoom(self, zoom: float) -> None:
        anchor = self._anchor()
        changed = abs(zoom - self.zoom) > 1e-4
        self.zoom = zoom
        if changed:
            self._layout()
            self._restore_anchor(anchor)
            self.viewport().update()
        self.zoomChanged.emit()

    def _anchor(self) -> tuple[int, float]:
        """The page at the top of the view and how far down it the view starts."""
        y = self.verticalScrollBar().value()
        for i, rect in enumerate(self._rects):
            if rect.bottom() + self.GAP > y:
                return i, (y - rect.top()) / rect.height()
        return 0, 0.0

    def _restore_anchor(self, anchor: tuple[int, float]) -> None:
        index, fraction = anchor
        if index < len(self._rects):
            rect = self._rects[index]
            self.verticalScrollBar().setValue(round(rect.top() + fraction * rect.height()))

    # -- layout ------------------------------------------------------------------------
    def _layout(self) -> None:
        self._rects = []
        scale = self.px_per_point()
        y = self.MARGIN
        widest = 0.0
        for w, h in (self.pages.sizes if self.pages else []):
            rect = QRectF(0, y, w * scale, h * scale)
            self._rects.append(rect)
            widest = max(widest, rect.width())
            y += rect.height() + self.GAP
        height = (y - self.GAP + self.MARGIN) if self._rects else 0
        self._content = QSize(round(widest + 2 * self.MARGIN), round(height))
        self._update_scrollbars()

    def _update_scrollbars(self) -> None:
        view = self.viewport().size()
        v, h = self.verticalScrollBar(), self.horizontalScrollBar()
        v.setRange(0, max(0, self._content.height() - view.height()))
        v.setPageStep(view.height())
        h.setRange(0, max(0, self._content.width() - view.width()))
        h.setPageStep(view.width())

    def _x_offset(self) -> float:
        """Pages are centred when the view is wider than they are."""
        spare = self.viewport().width() - self._content.width()
        return spare / 2 if spare > 0 else -self.horizontalScrollBar().value()

    def page_rect(self, index: int) -> QRectF:
        """Where page ``index`` is in the viewport now."""
        rect = self._rects[index]
        return rect.translated(self._x_offset() + self.MARGIN, -self.verticalScrollBar().value())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit and self.pages:
            self._apply_zoom(self._fit_zoom())
        self._update_scrollbars()

    # -- navigation ----------------------------------------------------------------------
    def go_to_page(self, index: int) -> None:
        if 0 <= index < len(self._rects):
            self.verticalScrollBar().setValue(round(self._rects[index].top() - self.GAP / 2))
            self._scrolled()

    def _scrolled(self, *_args) -> None:
        current = 0
        if self._rects:
            line = self.verticalScrollBar().value() + self.viewport().height() / 3
            current = next((i for i, r in enumerate(self._rects) if r.bottom() + self.GAP / 2 >= line),
                           len(self._rects) - 1)
            if self.verticalScrollBar().value() >= self.verticalScrollBar().maximum() > 0:
                current = max(current, self._last_visible())
        if current != self._current:
            self._current = current
            self.pageChanged.emit(current, self.page_count())
        self.viewport().update()

    def _last_visible(self) -> int:
        visible = self._visible()
        return visible[-1] if visible else 0

    def _visible(self) -> list[int]:
        area = QRectF(self.viewport().rect())
        return [i for i in range(len(self._rects)) if self.page_rect(i).intersects(area)]

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Home:
            self.go_to_page(0)
        elif event.key() == Qt.Key.Key_End:
            self.go_to_page(self.page_count() - 1)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # -- painting ----------------------------------------------------------------------
    def _image_scale(self) -> float:
        return round(self.px_per_point() * self.devicePixelRatioF(), 3)

    def paintEvent(self, event) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), self.DESK)
        if not self._rects:
            if self.message:
                painter.setPen(QColor("#ffffff"))
                font = painter.font()
                font.setPointSizeF(font.pointSizeF() * 1.15)
                painter.setFont(font)
                painter.drawText(self.viewport().rect().adjusted(40, 40, -40, -40),
                                 Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        scale = self._image_scale()
        missing = False
        for i in self._visible():
            rect = self.page_rect(i)
            self._shadow(painter, rect)
            painter.fillRect(rect, Qt.GlobalColor.white)
            image = self._cache.get((i, scale))
            if image is None:
                missing = True
                image = next((img for (j, _s), img in self._cache.items() if j == i), None)  # another zoom's, for now
            if image is not None:
                painter.drawImage(rect, image)
            else:
                painter.setPen(QColor("#9aa4b2"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, i18n.tr("gui.print.loading"))
            painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()
        if missing:
            self._render_timer.start()

    @staticmethod
    def _shadow(painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        for k in range(1, 8):
            painter.setBrush(QColor(0, 0, 0, 22 - k * 2))
            path = QPainterPath()
            path.addRoundedRect(rect.adjusted(-k + 1, -k + 2, k - 1, k + 1), k, k)
            painter.drawPath(path)
        painter.restore()

    def _render_next(self) -> None:
        """Render the page in sight that lacks an image at this zoom (one per turn of the event loop)."""
        if self.pages is None:
            return
        scale = self._image_scale()
        visible = self._visible()
        centre = self.viewport().height() / 2
        todo = sorted((i for i in visible if (i, scale) not in self._cache),
                      key=lambda i: abs(self.page_rect(i).center().y() - centre))
        if not todo:
            return
        self._store((todo[0], scale), self.pages.image(todo[0], scale))
        self.viewport().update()
        if len(todo) > 1:
            self._render_timer.start()

    def _store(self, key: tuple[int, float], image: QImage) -> None:
        self._cache[key] = image
        self._cache.move_to_end(key)
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)

    def render_visible_now(self) -> None:
        """Render every page in sight at once (for screenshots and tests)."""
        while True:
            before = len(self._cache)
            self._render_next()
            if len(self._cache) == before:
                return


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


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "form"


class PreviewDialog(Dialog):
    """The preview of one contract's form (``contract_id``), or of a finished PDF (``pdf``)."""

    def __init__(self, ledger=None, contract_id: int | None = None, parent: QWidget | None = None, *,
                 form: str | None = None, today=None, pdf: bytes | None = None, name: str | None = None):
        title = i18n.tr("gui.print.title")
        if contract_id is not None and ledger is not None:
            title = i18n.tr("gui.print.title_contract",
                            contract=ledger.get("contract", contract_id).get("contract_no") or contract_id)
        elif name:
            title = f"{title} — {name}"
        super().__init__(title, "print_preview", parent,
                         buttons=QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(i18n.tr("gui.print.close"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.ledger, self.contract_id, self.today = ledger, contract_id, today
        self.pdf: bytes | None = None
        self.result = None
        self.missing: list[str] = []
        self.file_name = name or "BrokerDesk"
        self.layout_.setContentsMargins(0, 0, 0, 10)
        self.buttons.setContentsMargins(12, 0, 12, 0)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self._toolbar())
        body.addWidget(self._notice())
        self.view = PageView()
        self.view.pageChanged.connect(self._page_changed)
        self.view.zoomChanged.connect(self._zoom_changed)
        body.addWidget(self.view, 1)
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.layout_.removeWidget(self.buttons)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(14, 0, 0, 0)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        self.layout_.addLayout(bottom)
        for keys, slot in ((QKeySequence.StandardKey.Print, self.print_dialog),
                           (QKeySequence.StandardKey.Save, self.save_pdf),
                           (QKeySequence.StandardKey.ZoomIn, self.view.zoom_in),
                           (QKeySequence("Ctrl+="), self.view.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.view.zoom_out),
                           (QKeySequence("Ctrl+0"), lambda: self.view.set_fit(FIT_WIDTH))):
            QShortcut(keys, self, activated=slot)
        if settings().value("dialogs/print_preview") is None:
            self._default_size()
        self.view.setFocus()
        if pdf is not None:
            self.form_row.setVisible(False)
            self.show_pdf(pdf)
        else:
            self._load_forms(form)
            self.refresh()

    def _default_size(self) -> None:
        screen = QGuiApplication.primaryScreen()
        height = screen.availableGeometry().height() if screen else 1000
        self.resize(960, max(600, min(int(height * 0.9), 1100)))

    # -- building ------------------------------------------------------------------------
    def _toolbar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("previewBar")
        bar.setStyleSheet("QFrame#previewBar { background: #ffffff; border-bottom: 1px solid #dde2ea; }"
                          "QToolButton { padding: 4px 8px; border: 1px solid transparent; border-radius: 4px; }"
                          "QToolButton:hover { background: #eef2f8; border: 1px solid #d5dce7; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(6)
        self.form_row = QWidget()
        form_row = QHBoxLayout(self.form_row)
        form_row.setContentsMargins(0, 0, 0, 0)
        form_row.addWidget(QLabel(i18n.tr("gui.print.form")))
        self.form_box = QComboBox()
        self.form_box.setMinimumWidth(240)
        self.form_box.currentIndexChanged.connect(self._form_changed)
        form_row.addWidget(self.form_box)
        row.addWidget(self.form_row)
        row.addStretch(1)

        def tool(text: str, tip: str, slot) -> QToolButton:
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            row.addWidget(button)
            return button

        self.zoom_out_button = tool("－", i18n.tr("gui.print.zoom_out") + "（Ctrl+-）", lambda: self.view.zoom_out())
        self.zoom_box = QComboBox()
        self.zoom_box.addItem(i18n.tr("gui.print.fit_width"), FIT_WIDTH)
        self.zoom_box.addItem(i18n.tr("gui.print.fit_page"), FIT_PAGE)
        for z in ZOOMS:
            self.zoom_box.addItem(f"{z:.0%}", z)
        self.zoom_box.setMinimumWidth(100)
        self.zoom_box.activated.connect(self._zoom_chosen)
        row.addWidget(self.zoom_box)
        self.zoom_in_button = tool("＋", i18n.tr("gui.print.zoom_in") + "（Ctrl++）", lambda: self.view.zoom_in())
        row.addSpacing(14)
        self.previous_button = tool("▲", i18n.tr("gui.print.previous"),
                                    lambda: self.view.go_to_page(self.view.current_page() - 1))
        row.addWidget(QLabel(i18n.tr("gui.print.page_before")))
        self.page_box = QLineEdit()
        self.page_box.setValidator(QIntValidator(1, 999999, self.page_box))
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_box.setFixedWidth(56)
        self.page_box.editingFinished.connect(self._page_typed)
        row.addWidget(self.page_box)
        self.page_count_label = QLabel(i18n.tr("gui.print.page_after", count=0))
        row.addWidget(self.page_count_label)
        self.next_button = tool("▼", i18n.tr("gui.print.next"),
                                lambda: self.view.go_to_page(self.view.current_page() + 1))
        row.addStretch(1)
        self.save_button = QPushButton(i18n.tr("gui.print.save_pdf"))
        self.save_button.setToolTip(i18n.tr("gui.print.save_pdf_tip"))
        self.save_button.clicked.connect(self.save_pdf)
        row.addWidget(self.save_button)
        self.print_button = QPushButton(i18n.tr("gui.print.print"))
        self.print_button.setObjectName("primary")
        self.print_button.setToolTip(i18n.tr("gui.print.print_tip"))
        self.print_button.clicked.connect(self.print_dialog)
        row.addWidget(self.print_button)
        return bar

    def _notice(self) -> QWidget:
        self.notice = QFrame()
        self.notice.setObjectName("notice")
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(14, 10, 14, 10)
        self.notice_label = QLabel("")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.notice_label, 1)
        self.blank_box = QCheckBox(i18n.tr("gui.print.allow_blank"))
        self.blank_box.toggled.connect(lambda _on: self.refresh())
        row.addWidget(self.blank_box, 0, Qt.AlignmentFlag.AlignVCenter)
        self.notice.setVisible(False)
        return self.notice

    def _set_notice(self, text: str, kind: str = "warning", blank_choice: bool = False) -> None:
        colours = {"warning": ("#fff6e0", "#f0c36d", "#6b4a00"), "info": ("#eef4ff", "#b9cdf3", "#243c6b"),
                   "error": ("#fdecec", "#f3b4b4", "#8a1c1c")}[kind]
        self.notice.setStyleSheet(f"QFrame#notice {{ background: {colours[0]}; border: none;"
                                  f" border-bottom: 1px solid {colours[1]}; }}"
                                  f" QFrame#notice QLabel, QFrame#notice QCheckBox {{ color: {colours[2]}; }}")
        self.notice_label.setText(text)
        self.blank_box.setVisible(blank_choice)
        self.notice.setVisible(bool(text))

    # -- forms ---------------------------------------------------------------------------
    def _load_forms(self, wanted: str | None) -> None:
        from .. import paperwork

        self.forms = [f for f in paperwork.list_forms() if f.per == "contract" and f.in_use]
        wanted = wanted or settings().value("print/form")
        self.form_box.blockSignals(True)
        self.form_box.clear()
        for form in self.forms:
            if form.error:
                text = i18n.tr("gui.print.form_broken", title=form.title)
            elif form.source == "user":
                text = i18n.tr("gui.print.form_user", title=form.title)
            else:
                text = form.title
            self.form_box.addItem(text, form.name)
            if form.error:
                item = self.form_box.model().item(self.form_box.count() - 1)
                item.setEnabled(False)
                item.setToolTip(form.error)
        usable = [i for i, f in enumerate(self.forms) if not f.error]
        chosen = next((i for i in usable if self.forms[i].name == wanted), usable[0] if usable else -1)
        self.form_box.setCurrentIndex(chosen)
        self.form_box.blockSignals(False)

    def reload_forms(self) -> None:
        """Read the templates again (one may have been added or fixed) and render anew."""
        self._load_forms(self.form())
        self.refresh()

    def form_names(self) -> list[str]:
        return [self.form_box.itemData(i) for i in range(self.form_box.count())]

    def form(self) -> str | None:
        return self.form_box.currentData()

    def set_form(self, name: str) -> None:
        self.form_box.setCurrentIndex(self.form_box.findData(name))

    def form_title(self) -> str:
        return next((f.title for f in getattr(self, "forms", []) if f.name == self.form()), self.file_name)

    def _form_changed(self, _index: int) -> None:
        if self.form():
            settings().setValue("print/form", self.form())
        self.blank_box.blockSignals(True)
        self.blank_box.setChecked(False)  # each form asks anew whether blanks are acceptable
        self.blank_box.blockSignals(False)
        self.refresh()

    # -- rendering -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Render the chosen form for the contract again and show it."""
        from .. import paperwork
        from ..ledger import Ledger

        form = self.form()
        if form is None:
            self._show_nothing(i18n.tr("gui.print.no_forms"))
            return
        path, contract_id, today = self.ledger.path, self.contract_id, self.today
        allow_blank = self.blank_box.isChecked()
        self.view.set_document(None, i18n.tr("gui.print.rendering"))

        def work(progress, cancelled):
            out = io.BytesIO()
            with Ledger.open(path, create=False) as led:
                result = paperwork.render(led, form, out, contract_ids=[contract_id], allow_blank=allow_blank,
                                          progress=progress, cancelled=cancelled, today=today)
            return out.getvalue(), result

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            data, result = jobs.run_job(self, i18n.tr("gui.print.rendering"), work)
        except paperwork.MissingData as e:
            self.missing = missing_fields(e, contract_id)
            self._show_nothing(i18n.tr("gui.print.desk_missing"))
            self._set_notice(i18n.tr("gui.print.missing", form=self.form_title(),
                                     fields="、".join(self.missing) or str(e)), "warning", blank_choice=True)
            return
        except paperwork.TemplateError as e:
            self._show_nothing("")
            self._set_notice(i18n.tr("gui.print.template_error", error=e), "error")
            return
        except (jobs.Cancelled, paperwork.Cancelled):
            self._show_nothing(i18n.tr("gui.print.cancelled"))
            return
        except BrokerDeskError as e:
            self._show_nothing("")
            self._set_notice(i18n.tr("gui.print.failed", error=e), "error")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.result = result
        self.missing = list((getattr(result, "missing", None) or {}).get(contract_id, []))
        if allow_blank and self.missing:
            self._set_notice(i18n.tr("gui.print.blank_note", fields="、".join(self.missing)), "info",
                             blank_choice=True)
        else:
            self._set_notice("")
        self.show_pdf(data)

    def show_pdf(self, data: bytes) -> None:
        self.pdf = bytes(data)
        pages = PdfPages(self.pdf)
        self.view.set_document(pages)
        if self.view.fit:
            self.view.set_fit(self.view.fit)
        self._enable(True)
        self.summary.setText(i18n.tr("gui.print.summary", form=self.form_title(), pages=len(pages)))
        self._page_changed(0, len(pages))

    def _show_nothing(self, message: str) -> None:
        self.pdf = None
        self.result = None
        self.view.set_document(None, message)
        self._enable(False)
        self.summary.setText("")
        self._page_changed(0, 0)

    def _enable(self, on: bool) -> None:
        for w in (self.print_button, self.save_button, self.zoom_box, self.zoom_in_button, self.zoom_out_button,
                  self.page_box, self.previous_button, self.next_button):
            w.setEnabled(on)

    def page_count(self) -> int:
        return self.view.page_count()

    def page_text(self) -> str:
        count = self.view.page_count()
        return i18n.tr("gui.print.page_text", page=self.view.current_page() + 1 if count else 0, count=count)

    def _page_changed(self, index: int, count: int) -> None:
        self.page_box.setText(str(index + 1) if count else "")
        self.page_count_label.setText(i18n.tr("gui.print.page_after", count=count))
        self.previous_button.setEnabled(count > 0 and index > 0)
        self.next_button.setEnabled(count > 0 and index < count - 1)

    def _page_typed(self) -> None:
        if self.page_box.text().isdigit():
            self.view.go_to_page(min(int(self.page_box.text()), self.page_count()) - 1)
        self._page_changed(self.view.current_page(), self.page_count())

    def _zoom_chosen(self, index: int) -> None:
        value = self.zoom_box.itemData(index)
        if value in (FIT_WIDTH, FIT_PAGE):
            self.view.set_fit(value)
        else:
            self.view.set_zoom(value)
        self.view.setFocus()

    def _zoom_changed(self) -> None:
        view = self.view
        self.zoom_box.blockSignals(True)
        index = self.zoom_box.findData(view.fit) if view.fit else next(
            (i for i in range(self.zoom_box.count()) if self.zoom_box.itemData(i) == round(view.zoom, 2)), -1)
        if index < 0:
            self.zoom_box.setEditable(True)
            self.zoom_box.lineEdit().setReadOnly(True)
            self.zoom_box.setEditText(f"{view.zoom:.0%}")
        else:
            self.zoom_box.setEditable(False)
            self.zoom_box.setCurrentIndex(index)
        self.zoom_box.blockSignals(False)

    # -- print and save ------------------------------------------------------------------
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

    def done(self, result: int) -> None:
        self.view.set_document(None)
        super().done(result)


def missing_fields(error: BaseException, contract_id: int | None = None) -> list[str]:
    """The fields a :class:`MissingData` names, as labels (whatever shape the core gives them in)."""
    for attr in ("missing", "fields"):
        value = getattr(error, attr, None)
        if isinstance(value, dict):
            value = value.get(contract_id) or [f for fields in value.values() for f in fields]
        if value:
            return [str(v) for v in value]
    return []
