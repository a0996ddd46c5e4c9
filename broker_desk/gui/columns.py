"""Column widths for the list tables that fit the window: figures, dates and statuses keep
the width they need (never less than their header, in either language); the names and titles
share the room left, down to a minimum, and are elided with … beyond it. So at 1024 px the
contract list still shows 合同成交额 and 登记状态 beside the names; what does not fit after
them scrolls. A width the user drags by hand is kept (and remembered) until 自动列宽."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

from .. import codes, listing
from .models import code_text

#: Preferred widths (px) of the columns by key; by kind for the rest.
WIDTHS = {"title": 250, "name": 250, "buyer": 220, "seller": 220, "holder": 220, "institution": 200,
          "contract_no": 150, "credit_code": 170, "reg_no": 150, "region_name": 170, "brokers": 180,
          "reg_office": 180, "days_left": 90, "warnings": 60, "contracts": 70, "category": 90}
KIND_WIDTHS = {"money": 125, "date": 100, "status": 92}
#: The columns that give way when room is short (names, titles), with the least they keep.
SHRINK = {"title": 130, "name": 150, "buyer": 100, "seller": 100, "holder": 110, "institution": 110,
          "brokers": 80, "region_name": 100, "reg_office": 100, "contact": 70}
#: Columns kept in view: the names before them give way so that they fit (the columns after
#: them may scroll); a list without one is fitted whole.
KEEP_IN_VIEW = {"amount_fen", "status", "price_fen"}
HEADER_ROOM = 34  # padding and the sort arrow beside a header's text
BADGE_ROOM = 32   # the status badge's own padding and its margin in the cell


def preferred_width(column: listing.Column) -> int:
    return WIDTHS.get(column.key) or KIND_WIDTHS.get(column.kind, 110)


def needed_width(column: listing.Column, font: QFont) -> int:
    """The least a column may have: its whole header and, for a status, its widest badge."""
    bold = QFont(font)
    bold.setBold(True)
    need = QFontMetrics(bold).horizontalAdvance(column.header()) + HEADER_ROOM
    if column.kind == "status" and column.table:
        metrics = QFontMetrics(font)
        need = max(need, *(metrics.horizontalAdvance(code_text(column.table, name)) + BADGE_ROOM
                           for name in codes.tables().names(column.table)))
    return need


def fit_widths(preferred: list[int], least: list[int], shrink: list[int | None], room: int) -> list[int]:
    """Widths for columns that want ``preferred``: the ``shrink`` ones (their minimum, None for a
    fixed column) give way in proportion to what they can give when ``room`` is short, and take
    what is left over in proportion to their size when it is wide."""
    widths = [max(p, n) for p, n in zip(preferred, least, strict=True)]
    flexible = [i for i, m in enumerate(shrink) if m is not None]
    if not flexible:
        return widths
    extra = room - sum(widths)
    if extra >= 0:
        total = sum(widths[i] for i in flexible)
        for i in flexible:
            widths[i] += extra * widths[i] // total
        return widths
    floors = {i: max(shrink[i], least[i]) for i in flexible}
    can_give = sum(max(widths[i] - floors[i], 0) for i in flexible)
    if can_give <= 0:
        return widths
    share = min(1.0, -extra / can_give)
    for i in flexible:
        if widths[i] > floors[i]:
            widths[i] = max(floors[i], widths[i] - math.ceil((widths[i] - floors[i]) * share))
    return widths


class ColumnFitter(QObject):
    """Keeps a list table's columns fitted to its width (see the module), until the user drags one."""

    def __init__(self, table: QTableView, columns: tuple[listing.Column, ...], manual: bool = False):
        super().__init__(table)
        self.table, self.columns = table, columns
        self.manual = manual
        self._fitting = False
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setMinimumSectionSize(36)
        header.sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and not self.manual:
            self.fit()
        return False

    def _resized(self, *_args) -> None:
        if not self._fitting and self.table.horizontalHeader().sectionsClickable() and self._by_hand():
            self.manual = True

    def _by_hand(self) -> bool:
        """A section resized while the mouse is down on the header: the user's drag."""
        from PySide6.QtWidgets import QApplication

        return bool(QApplication.mouseButtons() & Qt.MouseButton.LeftButton)

    def auto(self) -> None:
        """Back to fitted widths (the column menu's 自动列宽)."""
        self.manual = False
        self.fit()

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        shown = [i for i in range(len(self.columns)) if not header.isSectionHidden(i)]
        if not shown:
            return
        shown.sort(key=header.visualIndex)
        font = self.table.font()
        cols = [self.columns[i] for i in shown]
        preferred = [preferred_width(c) for c in cols]
        least = [needed_width(c, font) for c in cols]
        shrink = [SHRINK.get(c.key) for c in cols]
        room = self.table.viewport().width()
        kept = [n for n, c in enumerate(cols) if c.key in KEEP_IN_VIEW]
        if kept and sum(map(max, preferred, least)) > room:  # too many: fit up to the last kept column
            end = kept[-1] + 1
            widths = fit_widths(preferred[:end], least[:end], shrink[:end], room)
            widths = [min(w, max(p, n)) for w, p, n in zip(widths, preferred, least, strict=False)]
            widths += [max(p, n) for p, n in zip(preferred[end:], least[end:], strict=True)]
        else:
            widths = fit_widths(preferred, least, shrink, room)
        self._fitting = True
        try:
            for i, width in zip(shown, widths, strict=True):
                if header.sectionSize(i) != width:
                    header.resizeSection(i, width)
        finally:
            self._fitting = False
