"""What every report the program writes to Excel and to PDF shares (rankings and statistics,
reward estimates, commission statements …), in one place to import it from: ``from .common import X``.

- :mod:`.flow` — the file name checked (.xlsx or .pdf), the writer chosen by it, progress in
  :class:`Steps` that raises :class:`Cancelled` (writers then return None and write nothing);
- :mod:`.values` — dates, moments and amounts as Excel cell values and as PDF cell texts;
- :mod:`.xlsx` — cell formats by column kind, :class:`Table`, title block, page setup, charts,
  :func:`write_workbook`;
- :mod:`.pdf` — paragraph styles, :func:`pdf_table`, the numbered canvas, :func:`build_pdf`;

and here the column headers and lines that several reports print.
"""

from __future__ import annotations

from .. import i18n
from .flow import CHECK_EVERY, EXTENSIONS, Cancelled, ProgressFn, Steps, check_target, write_either
from .pdf import (
    MARGIN,
    build_pdf,
    fit,
    header_markup,
    nice_step,
    numbered_canvas,
    page_width,
    pdf_styles,
    pdf_table,
)
from .values import count_cell, iso_day, percent_cell, wan, wan_value, when, yuan, yuan_cell
from .xlsx import (
    CHART_BLUE,
    COUNT,
    MONEY,
    TOTAL_FILL,
    Formats,
    Table,
    apply_widths,
    bar_chart,
    page_setup,
    pixels,
    shown_width,
    title_block,
    wrapped_header,
    write_workbook,
)

__all__ = [
    "CHART_BLUE", "CHECK_EVERY", "COUNT", "EXTENSIONS", "Cancelled", "Formats", "MARGIN", "MONEY", "ProgressFn",
    "Steps", "TOTAL_FILL", "Table", "apply_widths", "bar_chart", "build_pdf", "check_target", "count_cell", "fit",
    "header_markup", "iso_day", "nice_step", "numbered_canvas", "page_setup", "page_width", "pdf_styles",
    "pdf_table", "percent_cell", "pixels", "shown_width", "title_block", "wan", "wan_value", "when",
    "wrapped_header", "write_either", "write_workbook", "yuan", "yuan_cell",
]

i18n.register({
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
})
