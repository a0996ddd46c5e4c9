"""The front office's funnel 需求 → 对接 → 签约 (:mod:`broker_desk.funnel`) in the statistics
export: the Excel sheet 对接漏斗 (a row per broker and the totals; counts as numbers, 签约率 as a
percentage, 签约成交额 in 万元) and its section in the PDF. Written with the statistics
(:mod:`broker_desk.reports.stats`), of the same period."""

from __future__ import annotations

from .. import i18n
from ..funnel import Funnel, FunnelRow, rate_text
from ..i18n import tr
from .common import (
    Formats,
    Table,
    apply_widths,
    page_setup,
    pdf_table,
    title_block,
    wan,
    wan_value,
    when,
)

i18n.register({
    "rx.sheet.funnel": ("对接漏斗", "Funnel"),
    "rx.funnel.title": ("{period}对接漏斗：需求 → 对接 → 签约", "Front office funnel, {period}: demands → engagements → signed"),
    "rx.funnel.period": ("统计期间：{first} 至 {last}（技术需求按发布日期、对接项目按开始日期计入，未填者按录入日期）",
                         "Period: {first} to {last} (demands by publication date, engagements by start date, "
                         "else the day entered)"),
    "rx.funnel.basis": ("签约：其中已签约的对接项目，签约成交额为由其签订的合同的成交额；签约率 = 签约 / 对接。"
                        "经纪人的签约成交额按其在对接项目中的份额计入；合计行每条记录只计一次"
                        "（含未指定经纪人的需求），不等于各行之和。",
                        "Signed: the engagements signed so far, with the turnover of the contracts signed from them; "
                        "signing rate = signed / engagements. A broker's signed turnover counts by the broker's share "
                        "of the engagement; the totals count each record once (demands without a broker included), "
                        "so they are not the sum of the rows."),
    "rx.funnel.broker": ("经纪人", "Broker"),
    "rx.funnel.demands": ("技术需求", "Demands"),
    "rx.funnel.engagements": ("对接项目", "Engagements"),
    "rx.funnel.signed": ("签约", "Signed"),
    "rx.funnel.rate": ("签约率", "Signing rate"),
    "rx.funnel.amount": ("签约成交额（万元）", "Signed turnover (10k yuan)"),
    "rx.funnel.none": ("本期间没有技术需求或对接项目。", "No demand or engagement in this period."),
})

NUMBERS = ("demands", "engagements", "signed", "rate", "amount")


def _values(row: FunnelRow) -> list:
    return [row.demands, row.engagements, row.signed, row.signing_rate, wan_value(row.signed_fen)]


def funnel_sheet(wb, fmt: Formats, statistics, funnel: Funnel) -> None:
    """The sheet 对接漏斗: a row per broker (by name), then the totals."""
    name = tr("rx.sheet.funnel")
    ws = wb.add_worksheet(name)
    columns = [(tr("rx.funnel.broker"), "text"), (tr("rx.funnel.demands"), "count"),
               (tr("rx.funnel.engagements"), "count"), (tr("rx.funnel.signed"), "count"),
               (tr("rx.funnel.rate"), "percent"), (tr("rx.funnel.amount"), "money")]
    top = title_block(ws, fmt, tr("rx.funnel.title", period=statistics.period_text), [
        tr("rx.funnel.period", first=funnel.first, last=funnel.last), tr("rx.funnel.basis"),
        tr("rx.generated_source", when=when(statistics.generated_at), path=statistics.ledger_path)], len(columns))
    widths: dict[int, int] = {0: 12}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, row in enumerate(funnel.brokers, top + 1):
        table.row(r, [row.name, *_values(row)])
    table.row(r + 1, [tr("rx.total"), *_values(funnel.totals)], total=True)
    if not funnel.brokers and not funnel.totals.demands:
        ws.write_string(r + 3, 0, tr("rx.funnel.none"), fmt.info)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 1)
    page_setup(ws, top, landscape=False)


def funnel_story(statistics, funnel: Funnel, styles, width: float) -> list:
    """The PDF section: heading, period and basis, the table per broker with the totals last."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    numbers = [(tr("rx.funnel.demands"), 58, "num"), (tr("rx.funnel.engagements"), 58, "num"),
               (tr("rx.funnel.signed"), 50, "num"), (tr("rx.funnel.rate"), 58, "num"),
               (tr("rx.funnel.amount"), 96, "num")]
    columns = [(tr("rx.funnel.broker"), width - sum(w for _, w, _ in numbers), "text"), *numbers]

    def cells(row: FunnelRow) -> list[str]:
        return [f"{row.demands:,}", f"{row.engagements:,}", f"{row.signed:,}", rate_text(row.signing_rate),
                wan(row.signed_fen)]

    story = [Paragraph(escape(tr("rx.funnel.title", period=statistics.period_text)), styles["h2"]),
             Paragraph(escape(tr("rx.funnel.period", first=funnel.first, last=funnel.last)), styles["info"]),
             Paragraph(escape(tr("rx.funnel.basis")), styles["info"])]
    story.append(pdf_table(columns, [[r.name, *cells(r)] for r in funnel.brokers], styles,
                           [tr("rx.total"), *cells(funnel.totals)]))
    if not funnel.brokers and not funnel.totals.demands:
        story.append(Paragraph(tr("rx.funnel.none"), styles["cell"]))
    return story
