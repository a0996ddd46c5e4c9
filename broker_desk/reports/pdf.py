"""A report's PDF side (reportlab, every font embedded — see :mod:`broker_desk.pdffonts`):

- :func:`pdf_styles` — paragraph styles (title, subtitle, info, h2, cell, head, num);
- :func:`pdf_table` — a table of ``(header, width in points, kind)`` columns, kind ``text``
  (wraps when too long), ``num`` (right-aligned) or ``center``; the header repeats on every
  page; an optional bold totals row;
- :func:`build_pdf` — A4 portrait, the numbered canvas ("第 N 页 共 M 页" and a left footer),
  title/author/creator/subject metadata, the real creation date (:func:`pdffonts.date_stamp`),
  written all-or-nothing;
- :func:`nice_step`, :func:`page_width` for charts drawn on the page.

Cells are texts: see :mod:`broker_desk.reports.values` (:func:`~.values.yuan_cell`,
:func:`~.values.wan`, :func:`~.values.count_cell`, :func:`~.values.percent_cell`).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__, outfiles, pdffonts
from ..i18n import tr
from ..workbook.writing import HEADER_FILL, Cancelled
from .flow import CHECK_EVERY, ProgressFn, Steps
from .xlsx import TOTAL_FILL

__all__ = ["MARGIN", "build_pdf", "fit", "header_markup", "nice_step", "numbered_canvas", "page_width", "pdf_styles",
           "pdf_table"]

#: The PDF page margin in points (15 mm).
MARGIN = 42


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
