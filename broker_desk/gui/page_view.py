"""The pages of a PDF one under another on a grey desk, as the print preview shows them:
rendered lazily, only the pages in sight, at the zoom shown; zoom steps and fit to width or page."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QWidget

from .. import i18n
from .pdf_pages import PdfPages

i18n.register({
    "gui.print.loading": ("正在显示…", "Loading…"),
})

#: Zoom steps (1.0 = actual size on screen).
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH, FIT_PAGE = "width", "page"


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

