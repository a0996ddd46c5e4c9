"""A report's Excel side (xlsxwriter, through :func:`broker_desk.workbook.writing.atomic_workbook`):

- :class:`Formats` — the cell formats, one per column *kind*, plain and for a totals row;
- :class:`Table` — a table of ``(header, kind)`` columns: a header row (a long header breaks
  before its unit), data rows (:meth:`Table.row`, or :meth:`Table.rows` for long runs), a totals
  row (``total=True``); column widths fitted as it goes;
- :func:`title_block` + :func:`apply_widths` — a title and info lines over the table, written
  once the widths are known so that a long line wraps inside its merged cells;
- :func:`page_setup` (A4, fitted to the width, "第 N 页 共 M 页" footer), :func:`bar_chart`;
- :func:`write_workbook` — a report's workbook, its properties and sheets, all-or-nothing.

Column kinds: ``text``, ``money`` (a value in 元 or 万元 — pass :func:`~.values.yuan` or
:func:`~.values.wan_value` of the fen —, shown ``#,##0.00``), ``count`` (integer, ``#,##0``),
``date`` (a :class:`datetime.date`), ``percent`` (a fraction: 0.025 shows 2.50%), ``rank``
(centred), ``days`` (one decimal). ``None`` or ``""`` writes an empty bordered cell; a string in
a number column is written as text (e.g. "合计").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import i18n
from ..i18n import tr
from ..workbook.writing import HEADER_FILL, MAX_WIDTH, Cancelled, atomic_workbook, text_width
from .flow import CHECK_EVERY, Steps

__all__ = [
    "CHART_BLUE", "COUNT", "MONEY", "TOTAL_FILL", "WIDTH_SAMPLE", "Formats", "Table", "apply_widths", "bar_chart",
    "page_setup", "pixels", "shown_width", "title_block", "wrapped_header", "write_workbook",
]

i18n.register({
    "rx.page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
})

MONEY = "#,##0.00"
COUNT = "#,##0"
TOTAL_FILL = "#F2F2F2"
CHART_BLUE = "#2F6DB5"
#: Rows of a long run (:meth:`Table.rows`) looked at to fit the column widths.
WIDTH_SAMPLE = 300
#: The kinds written as numbers (unless the value is a string).
NUMBER_KINDS = ("count", "money", "percent", "days", "rank")


class Formats:
    """The cell formats of one workbook: ``cell[kind]`` and ``total[kind]`` for each column kind,
    plus ``title``, ``info``, ``subtitle`` and ``header``."""

    def __init__(self, wb):
        border = {"border": 1, "border_color": "#A6A6A6", "valign": "vcenter"}
        total = {**border, "bold": True, "bg_color": TOTAL_FILL, "top": 2, "top_color": "#595959"}
        self.title = wb.add_format({"bold": True, "font_size": 16, "valign": "vcenter"})
        self.info = wb.add_format({"font_color": "#404040", "text_wrap": True, "valign": "top"})
        self.subtitle = wb.add_format({"bold": True, "font_size": 12})
        self.header = wb.add_format({**border, "bold": True, "bg_color": HEADER_FILL, "text_wrap": True,
                                     "align": "center"})
        self.cell = {
            "text": wb.add_format(border),
            "rank": wb.add_format({**border, "align": "center"}),
            "count": wb.add_format({**border, "num_format": COUNT}),
            "money": wb.add_format({**border, "num_format": MONEY}),
            "percent": wb.add_format({**border, "num_format": "0.00%"}),
            "date": wb.add_format({**border, "num_format": "yyyy-mm-dd", "align": "center"}),
            "days": wb.add_format({**border, "num_format": "0.0"}),
        }
        self.total = {
            "text": wb.add_format(total),
            "rank": wb.add_format({**total, "align": "center"}),
            "count": wb.add_format({**total, "num_format": COUNT}),
            "money": wb.add_format({**total, "num_format": MONEY}),
            "percent": wb.add_format({**total, "num_format": "0.00%"}),
            "date": wb.add_format({**total, "num_format": "yyyy-mm-dd"}),
            "days": wb.add_format({**total, "num_format": "0.0"}),
        }


def wrapped_header(header: str) -> str:
    """核定技术交易额（元） -> 核定技术交易额 + a line break + （元）, when it is long."""
    return header.replace("（", "\n（", 1) if text_width(header) > 14 else header


def shown_width(value, kind: str) -> int:
    """About how many characters wide ``value`` shows in a column of ``kind``."""
    if value is None:
        return 0
    if isinstance(value, str):
        return text_width(value)
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "count":
        return len(f"{value:,}")
    if kind == "date":
        return 10
    if kind == "percent":
        return 7
    return text_width(str(value))


class Table:
    """A table on a sheet: a header row, data rows, an optional totals row; widths fitted.

    ``columns`` are ``(header, kind)`` pairs (see the module for the kinds); ``widths`` is the
    sheet's ``{column: width}`` dict, shared by every table on the sheet and applied at the end
    with :func:`apply_widths`."""

    def __init__(self, ws, fmt: Formats, columns: list[tuple[str, str]], widths: dict[int, int],
                 first_col: int = 0):
        self.ws, self.fmt, self.columns, self.widths, self.col0 = ws, fmt, columns, widths, first_col
        self.sample_left, self.run_rows = WIDTH_SAMPLE, 0  # for rows(): widths from the first rows
        for c, (header, _) in enumerate(columns):  # a long header breaks before its unit
            self._fit(c, max(text_width(line) for line in wrapped_header(header).split("\n")) + 2)

    def _fit(self, c: int, width: int) -> None:
        col = self.col0 + c
        self.widths[col] = min(MAX_WIDTH, max(self.widths.get(col, 0), width))

    def header(self, row: int) -> None:
        texts = [wrapped_header(header) for header, _ in self.columns]
        if any("\n" in text for text in texts):
            self.ws.set_row(row, 32)
        for c, text in enumerate(texts):
            self.ws.write_string(row, self.col0 + c, text, self.fmt.header)

    def row(self, r: int, values: list, total: bool = False) -> None:
        """Write ``values`` (one per column) on row ``r``; ``total`` for the bold totals row."""
        formats = self.fmt.total if total else self.fmt.cell
        ws = self.ws
        for c, ((_, kind), value) in enumerate(zip(self.columns, values, strict=True)):
            col, f = self.col0 + c, formats[kind]
            if value is None or value == "":
                ws.write_blank(r, col, None, f)
            elif kind in NUMBER_KINDS and not isinstance(value, str):
                ws.write_number(r, col, value, f)
            elif kind == "date" and isinstance(value, dt.date):
                ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), f)
            else:
                ws.write_string(r, col, str(value), f)
            self._fit(c, shown_width(value, kind) + 2)

    def rows(self, r: int, rows: Iterable[list], steps: Steps | None = None) -> int:
        """Write ``rows`` (lists of values, one per column) from row ``r + 1`` on, quickly enough
        for tens of thousands: a text column holds strings, any other kind numbers (no dates: use
        :meth:`row`); an empty value is an empty bordered cell. The widths are fitted from the
        first :data:`WIDTH_SAMPLE` rows this table writes this way; ``steps`` is asked every
        :data:`CHECK_EVERY` rows whether to stop. Returns the last row written."""
        ws, cells = self.ws, [self.fmt.cell[kind] for _, kind in self.columns]
        # write_number()/write_string() without their A1-notation decorator (a third of their time)
        write_number = getattr(ws, "_write_number", ws.write_number)
        write_string = getattr(ws, "_write_string", ws.write_string)
        write_blank = getattr(ws, "_write_blank", ws.write_blank)
        numbers = [c for c, (_, kind) in enumerate(self.columns) if kind != "text"]
        texts = [c for c, (_, kind) in enumerate(self.columns) if kind == "text"]
        col0, sample = self.col0, []
        for values in rows:
            r += 1
            for c in numbers:
                value = values[c]
                if value is None or value == "":
                    write_blank(r, col0 + c, None, cells[c])
                else:
                    write_number(r, col0 + c, value, cells[c])
            for c in texts:
                if values[c]:
                    write_string(r, col0 + c, values[c], cells[c])
                else:
                    write_blank(r, col0 + c, None, cells[c])
            if self.sample_left:
                sample.append(values)
                self.sample_left -= 1
            self.run_rows += 1
            if steps is not None and self.run_rows % CHECK_EVERY == 0:
                steps.check()
        for c, (_, kind) in enumerate(self.columns):
            for values in sample:
                self._fit(c, shown_width(values[c], kind) + 2)
        return r


def write_workbook(path: str | Path, steps: Steps, properties: dict, sheets: Callable[[object, Formats], None],
                   in_memory: bool = False) -> Path | None:
    """A report's workbook at ``path``, all-or-nothing: ``properties`` (title, subject …; made by
    BrokerDesk) and what ``sheets(wb, fmt)`` writes, progress and cancelling through ``steps``.
    Returns the path, or None when cancelled (nothing is written then)."""
    path = Path(path)
    try:
        with atomic_workbook(path, in_memory=in_memory) as wb:
            wb.set_properties({**properties, "creator": "BrokerDesk", "author": "BrokerDesk"})
            sheets(wb, Formats(wb))
            steps.step(tr("rx.progress.saving"))
    except Cancelled:
        return None
    steps.finish()
    return path


def page_setup(ws, header_row: int | None = None, landscape: bool = True) -> None:
    """A4, fitted to one page wide, the page number at the foot, ``header_row`` repeated."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer("&C" + tr("rx.page", page="&P", pages="&N"))
    if header_row is not None:
        ws.repeat_rows(header_row)


def title_block(ws, fmt: Formats, title: str, lines: list[str], width_cols: int) -> int:
    """Reserve the title and info lines over ``width_cols`` columns; returns the next free row.

    They are written by :func:`apply_widths`, once the columns' widths are known, so
    that a long line wraps inside its merged cells instead of being cut off."""
    ws.broker_desk_title = (title, lines, width_cols)
    ws.broker_desk_formats = fmt
    return len(lines) + 2


def apply_widths(ws, widths: dict[int, int]) -> None:
    """Set the columns' widths and write the sheet's :func:`title_block`, if any."""
    for col, width in widths.items():
        ws.set_column(col, col, width)
    pending = getattr(ws, "broker_desk_title", None)
    if pending is None:
        return
    title, lines, width_cols = pending
    fmt = ws.broker_desk_formats
    ws.set_row(0, 26)
    ws.merge_range(0, 0, 0, width_cols - 1, title, fmt.title)
    room = max(10, sum(widths.get(c, 8.43) for c in range(width_cols)) - 1)
    for i, line in enumerate(lines, 1):
        needed = -(-text_width(line) // int(room))
        if needed > 1:
            ws.set_row(i, 15 * needed)
        ws.merge_range(i, 0, i, width_cols - 1, line, fmt.info)


def bar_chart(wb, sheet: str, categories: tuple[int, int, int], values: tuple[int, int, int], title: str,
              value_format: str, horizontal: bool = True, labels: bool = True):
    """A one-series bar (or column) chart over cells of ``sheet``: (col, first row, last row)."""
    chart = wb.add_chart({"type": "bar" if horizontal else "column"})
    cat_col, r1, r2 = categories
    val_col, v1, v2 = values
    series = {
        "name": title,
        "categories": [sheet, r1, cat_col, r2, cat_col],
        "values": [sheet, v1, val_col, v2, val_col],
        "fill": {"color": CHART_BLUE}, "border": {"none": True}, "gap": 60,
    }
    if labels:
        series["data_labels"] = {"value": True, "num_format": value_format, "font": {"size": 8}}
    chart.add_series(series)
    value_axis = {"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                  "num_font": {"size": 9}, "min": 0}
    category_axis = {"num_font": {"size": 9}}
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})
    if horizontal:
        category_axis["reverse"] = True  # the first row at the top …
        category_axis["crossing"] = "max"  # … and the value axis still at the bottom
        chart.set_y_axis(category_axis)
        chart.set_x_axis(value_axis)
    else:
        if r2 - r1 > 6:
            category_axis["num_font"] = {"size": 9, "rotation": -45}
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
    return chart


def pixels(widths: dict[int, int], columns: int) -> int:
    """About how wide ``columns`` columns are on screen (Excel: 7 px a character plus padding)."""
    return sum(widths.get(c, 8) * 7 + 5 for c in range(columns))
