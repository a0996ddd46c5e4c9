"""Shared helpers for every report the program writes to Excel and to PDF (rankings and
statistics, reward estimates, commission statements …).

Excel side (xlsxwriter, through :func:`broker_desk.workbook.writing.atomic_workbook`):

- :class:`Formats` — the cell formats, one per column *kind*, plain and for a totals row;
- :class:`Table` — a table of ``(header, kind)`` columns: a header row (a long header breaks
  before its unit), data rows, a totals row (``total=True``); column widths fitted as it goes;
- :func:`title_block` + :func:`apply_widths` — a title and info lines over the table, written
  once the widths are known so that a long line wraps inside its merged cells;
- :func:`page_setup` (A4, fitted to the width, "第 N 页 共 M 页" footer), :func:`bar_chart`;
- :func:`write_workbook` — a report's workbook, its properties and sheets, all-or-nothing.

Column kinds: ``text``, ``money`` (a value in 元 or 万元 — pass :func:`yuan` or
:func:`wan_value` of the fen —, shown ``#,##0.00``), ``count`` (integer, ``#,##0``), ``date``
(a :class:`datetime.date`), ``percent`` (a fraction: 0.025 shows 2.50%), ``rank`` (centred),
``days`` (one decimal). ``None`` or ``""`` writes an empty bordered cell; a string in a number
column is written as text (e.g. "合计").

PDF side (reportlab, every font embedded — see :mod:`broker_desk.pdffonts`):

- :func:`pdf_styles` — paragraph styles (title, subtitle, info, h2, cell, head, num);
- :func:`pdf_table` — a table of ``(header, width in points, kind)`` columns, kind ``text``
  (wraps when too long), ``num`` (right-aligned) or ``center``; the header repeats on every
  page; an optional bold totals row;
- :func:`build_pdf` — A4 portrait, the numbered canvas ("第 N 页 共 M 页" and a left footer),
  title/author/creator/subject metadata, the real creation date (:func:`pdffonts.date_stamp`),
  written all-or-nothing;
- money as text: :func:`yuan_cell` (``1,234.56``, 元) and :func:`wan` (``3,228.62``, 万元);
  :func:`count_cell` (``1,234``); :func:`percent_cell` (``2.5%``).

:class:`Steps` reports progress and raises :class:`Cancelled` when ``cancelled()`` says so;
writers catch it and return None (nothing is written then). :func:`check_target` and
:func:`write_either` take a report's file name: .xlsx or .pdf.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__, i18n, outfiles, pdffonts
from ..errors import BrokerDeskError
from ..i18n import tr
from ..money import wan_text, yuan_text
from ..workbook.writing import HEADER_FILL, MAX_WIDTH, Cancelled, atomic_workbook, text_width

__all__ = [
    "CHART_BLUE", "CHECK_EVERY", "COUNT", "EXTENSIONS", "Cancelled", "Formats", "MARGIN", "MONEY", "ProgressFn",
    "Steps", "TOTAL_FILL", "Table", "apply_widths", "bar_chart", "build_pdf", "check_target", "count_cell", "fit",
    "header_markup", "iso_day", "nice_step", "numbered_canvas", "page_setup", "pdf_styles", "pdf_table",
    "percent_cell", "pixels", "shown_width", "title_block", "wan", "wan_value", "when", "wrapped_header",
    "write_either", "write_workbook", "yuan", "yuan_cell",
]

i18n.register({
    "rx.bad_extension": ("“{path}”不是 .xlsx 或 .pdf 文件名", "“{path}” is not an .xlsx or .pdf file name"),
    "rx.total": ("合计", "Total"),
    "rx.generated_source": ("生成时间：{when}　数据来源：{path}", "Generated {when} from {path}"),
    "rx.rank": ("名次", "Rank"),
    "rx.contracts": ("登记合同数", "Contracts"),
    "rx.amount": ("成交额（元）", "Turnover (yuan)"),
    "rx.approved": ("核定技术交易额（元）", "Approved (yuan)"),
    "rx.amount_wan": ("成交额（万元）", "Turnover (10k yuan)"),
    "rx.approved_wan": ("核定技术交易额（万元）", "Approved (10k yuan)"),
    "rx.tech_wan": ("技术交易额（万元）", "Technology turnover (10k yuan)"),
    "rx.contract_no": ("合同编号", "Contract no."),
    "rx.reg_no": ("登记编号", "Registration no."),
    "rx.title": ("项目名称", "Project"),
    "rx.registered_on": ("登记日期", "Registered"),
    "rx.buyer": ("买方", "Buyer"),
    "rx.seller": ("卖方", "Seller"),
    "rx.chart.unit_wan": ("{measure}（万元）", "{measure} (10k yuan)"),
    "rx.page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "rx.progress.sheet": ("正在写入“{sheet}”", "Writing “{sheet}”"),
    "rx.progress.pdf": ("正在排版 PDF", "Laying out the PDF"),
    "rx.progress.saving": ("正在保存文件", "Saving the file"),
})

ProgressFn = outfiles.ProgressFn
MONEY = "#,##0.00"
COUNT = "#,##0"
TOTAL_FILL = "#F2F2F2"
CHART_BLUE = "#2F6DB5"
#: Rows between two looks at ``cancelled()`` in long sheets.
CHECK_EVERY = 1000
#: The PDF page margin in points (15 mm).
MARGIN = 42
#: What a report may be written as.
EXTENSIONS = (".xlsx", ".pdf")


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path if a report may be written there (.xlsx or .pdf); else a BrokerDeskError."""
    return outfiles.check_target(path, EXTENSIONS, "rx.bad_extension", overwrite)


def write_either(path: str | Path, xlsx: Callable[[Path], Path | None],
                 pdf: Callable[[Path], Path | None]) -> Path | None:
    """``xlsx(path)`` or ``pdf(path)``, by the file's extension (another: a BrokerDeskError)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return pdf(path)
    if path.suffix.lower() == ".xlsx":
        return xlsx(path)
    raise BrokerDeskError("rx.bad_extension", path=path)


class Steps:
    """Progress in steps; raises :class:`Cancelled` as soon as ``cancelled()`` says so."""

    def __init__(self, total: int, progress: ProgressFn | None, cancelled: Callable[[], bool] | None):
        self.total, self.done = max(total, 1), 0
        self.progress, self.cancelled = progress, cancelled
        self.message = ""

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled

    def step(self, message: str) -> None:
        self.check()
        self.message = message
        if self.progress is not None:
            self.progress(min(self.done / self.total, 0.99), message)
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(1.0, tr("rx.progress.saving"))


# -- values ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def iso_day(text: str) -> dt.date:
    """A ledger's ``YYYY-MM-DD`` as a date for a ``date`` cell (once per distinct day: a column
    repeats its days)."""
    return dt.date.fromisoformat(text)


def when(moment: dt.datetime) -> str:
    """A moment as the reports show it: 2024-06-30 14:05."""
    return moment.strftime("%Y-%m-%d %H:%M")


def yuan(fen: int) -> float:
    """An Excel ``money`` cell value in 元: the double nearest the amount (as the canonical export writes)."""
    return fen / 100


def wan_value(fen: int) -> float:
    """An Excel ``money`` cell value in 万元 (to the fen: shown with two decimals, summed exactly enough)."""
    return fen / 1_000_000


def wan(fen: int) -> str:
    """万元 as text, two decimals and thousands separators: 3,228.62."""
    text = wan_text(fen)
    whole, _, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{decimals}"


def yuan_cell(fen: int | None) -> str:
    """元 as text for a PDF cell: 1,234.56 (empty for None)."""
    return "" if fen is None else yuan_text(fen)


def count_cell(n: int | None) -> str:
    """A count as text for a PDF cell: 1,234 (empty for None)."""
    return "" if n is None else f"{n:,}"


def percent_cell(fraction: Decimal | float | None) -> str:
    """A fraction as a percentage for a PDF cell, without useless zeros: 0.025 -> 2.5%."""
    if fraction is None:
        return ""
    text = f"{Decimal(str(fraction)) * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


# -- Excel ----------------------------------------------------------------------------------------

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
            elif kind in ("count", "money", "percent", "days", "rank") and not isinstance(value, str):
                ws.write_number(r, col, value, f)
            elif kind == "date" and isinstance(value, dt.date):
                ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), f)
            else:
                ws.write_string(r, col, str(value), f)
            self._fit(c, shown_width(value, kind) + 2)


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


# -- PDF -------------------------------------------------------------------------------------------

def pdf_styles():
    """The paragraph styles of every report PDF, by name."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = pdffonts.register()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=24, alignment=TA_CENTER,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=10.5, leading=15, alignment=TA_CENTER,
                                   textColor=colors.HexColor("#333333")),
        "info": ParagraphStyle("info", fontName=regular, fontSize=8, leading=11,
                               textColor=colors.HexColor("#595959")),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=11, alignment=TA_CENTER),
        "num": ParagraphStyle("num", fontName=regular, fontSize=8.5, leading=11, alignment=TA_RIGHT),
    }


def numbered_canvas(footer_left: str):
    """A reportlab canvas class that holds the pages back until the end, so each can say
    第 N 页 共 M 页 (centred) and ``footer_left``; dated by :func:`pdffonts.date_stamp`."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    regular, _ = pdffonts.register()

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []
            pdffonts.date_stamp(self)

        def showPage(self):  # noqa: N802 - reportlab's name
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(regular, 8)
                self.setFillColor(colors.HexColor("#595959"))
                self.drawCentredString(width / 2, 22, tr("rx.page", page=self._pageNumber, pages=total))
                self.drawString(MARGIN, 22, footer_left)
                super().showPage()
            super().save()

    return NumberedCanvas


def nice_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``rough`` (at least 1)."""
    if rough <= 1:
        return 1
    power = 10 ** (len(str(int(rough))) - 1)
    return next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= rough)


def fit(text: str, width: float, style, size: float = 8.5):
    """Plain text when it fits the column (fast), else a wrapping Paragraph."""

    from reportlab.platypus import Paragraph

    text = text or ""
    if pdffonts.text_width(text, size) <= width - 6:
        return text
    return Paragraph(escape(text), style)


def header_markup(header: str, width: float) -> str:
    """A header that does not fit its column breaks before its unit: 成交额<br/>（万元）."""
    text = escape(header)
    if pdffonts.text_width(header, 8.5, bold=True) > width - 6:
        text = text.replace("（", "<br/>（", 1)
    return text


def pdf_table(columns: list[tuple[str, float, str]], rows: list[list], styles, total: list | None = None,
              steps: Steps | None = None):
    """A table with a repeated header: columns (header, width, kind 'text'|'num'|'center'),
    rows of strings (see :func:`yuan_cell`, :func:`wan`, :func:`count_cell`); ``total`` a bold last row."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    regular, bold = pdffonts.register()
    data = [[Paragraph(header_markup(h, w), styles["head"]) for h, w, _ in columns]]
    for i, row in enumerate(rows):
        data.append([fit(v, w, styles["cell"]) if kind == "text" else v
                     for v, (_, w, kind) in zip(row, columns, strict=True)])
        if steps is not None and i % CHECK_EVERY == 0:
            steps.check()
    if total is not None:
        data.append(total)
    table = Table(data, colWidths=[w for _, w, _ in columns], repeatRows=1)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 11),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
        ("LINEABOVE", (0, 0), (-1, 0), 1, colors.HexColor("#404040")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#404040")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for c, (_, _, kind) in enumerate(columns):
        if kind == "num":
            commands.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
        elif kind == "center":
            commands.append(("ALIGN", (c, 1), (c, -1), "CENTER"))
    if len(data) > 3:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -2 if total else -1),
                         [colors.white, colors.HexColor("#F7F9FC")]))
    if total is not None:
        commands += [("FONTNAME", (0, -1), (-1, -1), bold),
                     ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor(TOTAL_FILL)),
                     ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.HexColor("#404040")),
                     ("LINEBELOW", (0, -1), (-1, -1), 1, colors.HexColor("#404040"))]
    table.setStyle(TableStyle(commands))
    return table


def page_width() -> float:
    """The width of the text on an A4 page, in points."""
    from reportlab.lib.pagesizes import A4

    return A4[0] - 2 * MARGIN


def build_pdf(path: Path, story: list, *, title: str, subject: str, steps: Steps,
              progress: ProgressFn | None = None, footer: str | None = None) -> Path | None:
    """Lay ``story`` out on A4 portrait pages at ``path`` (all-or-nothing, see
    :func:`outfiles.replacing`): the numbered canvas with ``footer`` (default ``title``) at the
    left foot, PDF metadata title/subject/author/creator and the real date. Returns the path,
    or None when cancelled through ``steps`` (nothing is written then)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    _, page_height = A4
    width = page_width()
    try:
        with outfiles.replacing(path) as part:

            def on_page(canvas, doc):
                steps.check()
                if progress is not None:
                    progress(min(0.5 + 0.01 * doc.page, 0.95), tr("rx.progress.pdf"))

            doc = BaseDocTemplate(str(part), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                  bottomMargin=MARGIN + 6, title=title, author="BrokerDesk",
                                  creator=f"BrokerDesk {__version__}", invariant=1, subject=subject,
                                  **pdffonts.canvas_options())
            frame = Frame(MARGIN, MARGIN + 6, width, page_height - 2 * MARGIN - 6, id="body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
            doc.build(story, canvasmaker=numbered_canvas(title if footer is None else footer))
            steps.step(tr("rx.progress.saving"))
    except Cancelled:
        return None
    steps.finish()
    return Path(path)
