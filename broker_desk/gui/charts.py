"""Charts drawn with QPainter (the program ships PySide6-Essentials, without
QtCharts): a horizontal bar chart for ranked or labelled figures and a column
chart for figures by month, in the window's colours. Each chart keeps the bars
it shows (:meth:`bars`) so that a test, or a caller, can read what is drawn.

A bar is hovered for its tooltip; ``barActivated(index)`` reports a click or
Enter on one when the chart is ``clickable``."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from .. import i18n

i18n.register({
    "gui.chart.empty": ("暂无数据", "No data"),
})

BAR = QColor("#3d7be6")         # the app's highlight (#2f6fde), a shade lighter
BAR_HOVER = QColor("#2459b8")
TRACK = QColor("#f1f4f9")
GRID = QColor("#e6eaf0")
AXIS = QColor("#cfd6e0")
TEXT = QColor("#3a4659")
MUTED = QColor("#67738a")


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` sets its length, ``text`` is written beside it."""

    label: str
    value: float
    text: str
    tip: str = ""       # the tooltip (default: label and text)
    short: str = ""     # a shorter text for a narrow column, if ``text`` does not fit


class _Chart(QWidget):
    barActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._hover: int | None = None
        self.clickable = False
        self.empty_text = i18n.tr("gui.chart.empty")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = list(bars)
        self._hover = None
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        """What the chart shows, in drawing order."""
        return list(self._bars)

    def set_clickable(self, clickable: bool) -> None:
        self.clickable = clickable

    # -- shared drawing --------------------------------------------------------------------
    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, self.font().pointSizeF() * 0.9))
        return font

    def _painter(self) -> QPainter:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        return painter

    def _draw_empty(self, painter: QPainter) -> None:
        painter.setPen(MUTED)
        painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.empty_text)

    def _bar_colour(self, index: int) -> QColor:
        return BAR_HOVER if index == self._hover else BAR

    # -- hover and click ---------------------------------------------------------------------
    def _bar_at(self, pos: QPointF) -> int | None:
        for i, rect in enumerate(self._hit_rects()):
            if rect.contains(pos):
                return i
        return None

    def _hit_rects(self) -> list[QRectF]:  # pragma: no cover - each chart has its own
        return []

    def mouseMoveEvent(self, event) -> None:
        index = self._bar_at(event.position())
        if index != self._hover:
            self._hover = index
            self.update()
        if index is None:
            QToolTip.hideText()
            self.unsetCursor()
        else:
            bar = self._bars[index]
            QToolTip.showText(event.globalPosition().toPoint(), bar.tip or f"{bar.label}：{bar.text}", self)
            if self.clickable:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        index = self._bar_at(event.position())
        if self.clickable and index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.barActivated.emit(index)
        super().mouseReleaseEvent(event)


class BarChart(_Chart):
    """Horizontal bars, one labelled row each, in the order given; the value at the bar's end.

    ``set_compact(True)`` sets closer rows in two columns (1–5 left, 6–10 right) for a
    chart below a table, where height is short."""

    MARGIN = 6
    GAP = 28  # between two columns of bars

    def __init__(self, parent: QWidget | None = None, max_label_share: float = 0.42):
        super().__init__(parent)
        self.max_label_share = max_label_share
        self.compact = False

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def _columns(self) -> int:
        return 2 if self.compact and len(self._bars) > 3 else 1

    def _rows(self) -> int:
        return math.ceil(len(self._bars) / self._columns())

    def _row_height(self) -> float:
        height = QFontMetricsF(self.font()).height()
        return max(20.0, height + 6) if self.compact else max(24.0, height + 11)

    def sizeHint(self) -> QSize:
        return QSize(420, int(self._row_height() * max(self._rows(), 3) + 2 * self.MARGIN))

    def minimumSizeHint(self) -> QSize:  # every bar, always: a chart with bars cut off would mislead
        return QSize(240, self.sizeHint().height())

    def set_bars(self, bars: list[Bar]) -> None:
        super().set_bars(bars)
        self.setMinimumHeight(self.sizeHint().height())

    def _layout(self) -> tuple[float, float, float, float, float]:
        """(a column's width, label width, bars' offset in the column, their length, row height)."""
        fm = QFontMetricsF(self.font())
        small = QFontMetricsF(self._small_font())
        columns = self._columns()
        column_w = (self.width() - 2 * self.MARGIN - (columns - 1) * self.GAP) / columns
        label_w = min(max((fm.horizontalAdvance(b.label) for b in self._bars), default=0) + 4,
                      column_w * self.max_label_share)
        value_w = max((small.horizontalAdvance(b.text) for b in self._bars), default=0) + 10
        return column_w, label_w, label_w + 10, max(column_w - label_w - 10 - value_w, 10.0), self._row_height()

    def _cell(self, index: int, column_w: float, row: float) -> tuple[float, float]:
        """The top left corner of bar ``index``'s row (columns fill top to bottom)."""
        column, line = divmod(index, self._rows())
        return self.MARGIN + column * (column_w + self.GAP), self.MARGIN + line * row

    def _hit_rects(self) -> list[QRectF]:
        column_w, _label_w, _offset, _area, row = self._layout()
        return [QRectF(*self._cell(i, column_w, row), column_w, row) for i in range(len(self._bars))]

    def paintEvent(self, _event) -> None:
        painter = self._painter()
        if not self._bars:
            self._draw_empty(painter)
            return
        column_w, label_w, offset, area, row = self._layout()
        top_value = max((b.value for b in self._bars), default=0) or 1
        fm = QFontMetricsF(self.font())
        small_font = self._small_font()
        thickness = max(10.0, row * 0.58)
        for i, bar in enumerate(self._bars):
            x, y = self._cell(i, column_w, row)
            # the label, right-aligned against the bars, shortened with … when too long
            painter.setFont(self.font())
            painter.setPen(TEXT)
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w)
            painter.drawText(QRectF(x, y, label_w, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            track = QRectF(x + offset, y + (row - thickness) / 2, area, thickness)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRACK)
            painter.drawRoundedRect(track, 3, 3)
            length = area * max(bar.value, 0) / top_value
            if length > 0:
                painter.setBrush(self._bar_colour(i))
                painter.drawRoundedRect(QRectF(track.x(), track.y(), max(length, 3.0), thickness), 3, 3)
            painter.setFont(small_font)
            painter.setPen(TEXT)
            painter.drawText(QRectF(track.x() + max(length, 0) + 6, y, column_w, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)
        painter.end()


def nice_step(top: float, ticks: int = 4) -> float:
    """A round gridline step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` lines up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power  # pragma: no cover


def tick_text(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:g}"


class ColumnChart(_Chart):
    """Vertical columns over labelled slots (months), with a light value grid."""

    MARGIN = 6

    def sizeHint(self) -> QSize:
        return QSize(520, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 180)

    def _layout(self) -> tuple[QRectF, float, float]:
        """(plot rectangle, the grid's top value, its step)."""
        small = QFontMetricsF(self._small_font())
        top_value = max((b.value for b in self._bars), default=0)
        step = nice_step(top_value)
        grid_top = step * max(1, math.ceil(top_value / step)) if top_value > 0 else step * 4
        axis_w = max(small.horizontalAdvance(tick_text(grid_top)), small.horizontalAdvance("0")) + 8
        line = small.height()
        plot = QRectF(self.MARGIN + axis_w, self.MARGIN + line + 4,
                      self.width() - 2 * self.MARGIN - axis_w, self.height() - 2 * self.MARGIN - 2 * line - 10)
        return plot, grid_top, step

    def _slots(self, plot: QRectF) -> list[QRectF]:
        n = len(self._bars)
        slot = plot.width() / n if n else 0
        return [QRectF(plot.x() + i * slot, plot.y(), slot, plot.height()) for i in range(n)]

    def _hit_rects(self) -> list[QRectF]:
        plot, _top, _step = self._layout()
        return [QRectF(s.x(), 0, s.width(), self.height()) for s in self._slots(plot)]

    def value_texts(self) -> list[str]:
        """The figure written over each column at the chart's width (see :meth:`value_layout`)."""
        return self.value_layout()[0]

    def _tiny_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.75))
        return font

    def value_layout(self) -> tuple[list[str], QFont]:
        """The figures over the columns and their font: one form for all of them (every ``text``
        if all fit, else every ``short``, in the small font or, narrower still, a smaller one),
        never 630.19 beside 630; where even that does not fit a column, none."""
        small_font = self._small_font()
        if not self._bars:
            return [], small_font
        room = self._slots(self._layout()[0])[0].width() - 2
        for font in (small_font, self._tiny_font()):
            metrics = QFontMetricsF(font)
            for form in ("text", "short"):
                texts = [getattr(b, form) for b in self._bars]
                if any(texts) and all(metrics.horizontalAdvance(t) <= room for t in texts if t):
                    return texts, font
        metrics = QFontMetricsF(self._tiny_font())
        return ([t if metrics.horizontalAdvance(t) <= room else "" for t in (b.short or b.text for b in self._bars)],
                self._tiny_font())

    def paintEvent(self, _event) -> None:
        painter = self._painter()
        if not self._bars:
            self._draw_empty(painter)
            return
        plot, grid_top, step = self._layout()
        small_font = self._small_font()
        small = QFontMetricsF(small_font)
        painter.setFont(small_font)
        # the grid and its values
        value = 0.0
        while value <= grid_top + step / 2:
            y = plot.bottom() - plot.height() * value / grid_top
            painter.setPen(QPen(AXIS if value == 0 else GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(MUTED)
            painter.drawText(QRectF(self.MARGIN, y - small.height() / 2, plot.left() - self.MARGIN - 6, small.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tick_text(value))
            value += step
        slots = self._slots(plot)
        slot_w = slots[0].width()
        column_w = min(max(slot_w * 0.62, 2.0), 46.0)
        # every label if they fit, else every second, third … one
        widest = max(small.horizontalAdvance(b.label) for b in self._bars) + 6
        every = max(1, math.ceil(widest / slot_w)) if slot_w > 0 else 1
        texts, value_font = self.value_layout()
        value_height = QFontMetricsF(value_font).height()
        for i, (bar, slot) in enumerate(zip(self._bars, slots, strict=True)):
            height = plot.height() * max(bar.value, 0) / grid_top
            x = slot.center().x() - column_w / 2
            if height > 0:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self._bar_colour(i))
                rect = QRectF(x, plot.bottom() - height, column_w, height)
                radius = min(3.0, column_w / 3, height / 2)
                painter.drawRoundedRect(rect, radius, radius)
            text = texts[i]
            if text:
                painter.setFont(value_font)
                painter.setPen(TEXT)
                painter.drawText(QRectF(slot.x(), plot.bottom() - height - value_height - 2, slot_w, value_height),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, text)
                painter.setFont(small_font)
            if i % every == 0:
                painter.setPen(MUTED)
                painter.drawText(QRectF(slot.center().x() - widest, plot.bottom() + 4, 2 * widest, small.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, bar.label)
        painter.end()


class ChartCard(QFrame):
    """A chart in a white card with its title (and a muted note under it)."""

    def __init__(self, title: str, chart: _Chart, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        self.title = QLabel(title)
        self.title.setObjectName("chartTitle")
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.hide()
        self.chart = chart
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(chart, 1)

    def set_title(self, title: str, note: str = "") -> None:
        self.title.setText(title)
        self.note.setText(note)
        self.note.setVisible(bool(note))
