"""Rankings and statistics to Excel (for checking and further work) and to PDF
(for publishing), issue 6.

Excel (:func:`write_xlsx`): the ranking sheet (a title block: period, the rule,
when and from which ledger file; the table in 元 with ``#,##0.00``, counts as
integers, a totals row; a bar chart of the top ten), a sheet with every row's
contributing contracts (each with its share, full and share-weighted amounts, and
a subtotal per row equal to the ranking's figure, so anyone can check a figure),
and, given statistics, one sheet each for 合同类别, 技术领域, 买方地区, 月份,
主要买卖方 and 登记时长与超期, with charts where they help, and 对接漏斗 (the front
office's funnel of the same period).

PDF (:func:`write_pdf`): A4 portrait; title, period, rule, the top-ten bar chart,
the table in 万元 with its header repeated on every page and "第 N 页 共 M 页" at
the foot; the statistics follow when given. Every font is embedded (see
:mod:`broker_desk.pdffonts`).

Both write ``NAME.part`` beside the target and rename it only when complete: a
cancelled (``cancelled()`` returned True; the function returns None) or failed
export leaves no file behind and an existing target untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from .. import i18n, pdffonts, rankings
from ..funnel import rate_text
from ..i18n import tr
from ..money import to_wan
from ..rankings import ATTRIBUTE, Ranking, all_contributions, measure_label, period_bounds
from .common import (
    CHART_BLUE,
    CHECK_EVERY,
    COUNT,
    MONEY,
    Cancelled,
    Formats,
    ProgressFn,
    Steps,
    Table,
    apply_widths,
    bar_chart,
    build_pdf,
    check_target,
    iso_day,
    nice_step,
    page_setup,
    page_width,
    pdf_styles,
    pdf_table,
    pixels,
    title_block,
    wan,
    wan_value,
    when,
    write_either,
    write_workbook,
    yuan,
)
from .funnel import funnel_sheet
from .stats import duration_sheet, group_sheet, parties_sheet, statistics_story

i18n.register({
    "rx.sheet.broker": ("经纪人排行榜", "Broker ranking"),
    "rx.sheet.institution": ("机构排行榜", "Institution ranking"),
    "rx.sheet.contributions": ("计入明细", "Contributing contracts"),
    "rx.sheet.top": ("前十名", "Top ten"),
    "rx.period": ("统计期间：{first} 至 {last}（登记日期在此期间、状态为已登记的技术合同）",
                  "Period: {first} to {last} (technology contracts in 已登记 status registered in it)"),
    "rx.rule": ("排序规则：{rule}", "Order: {rule}"),
    "rx.generated": ("生成时间：{when}", "Generated: {when}"),
    "rx.source": ("数据来源：{path}", "Ledger: {path}"),
    "rx.basis": ("口径：成交额、核定技术交易额、佣金按经纪人份额计入（逐份合同“份额 × 金额”求和后四舍五入到分）；"
                 "合计行每份合同只计一次、按全额。",
                 "Amounts, approved amounts and commissions count by each broker's share (the sum of share × amount "
                 "over the contracts, rounded half up to the fen once); the totals count each contract once, in full."),
    "rx.broker": ("姓名", "Name"),
    "rx.institution": ("所属机构", "Institution"),
    "rx.institution_name": ("机构名称", "Institution"),
    "rx.commission": ("佣金（元）", "Commission (yuan)"),
    "rx.clients": ("服务客户数", "Clients"),
    "rx.engagements": ("对接项目数", "Engagements"),
    "rx.signing_rate": ("签约率", "Signing rate"),
    "rx.tech": ("技术交易额（元）", "Technology turnover (yuan)"),
    "rx.commission_wan": ("佣金（万元）", "Commission (10k yuan)"),
    "rx.chart.top": ("前十名：{measure}", "Top ten: {measure}"),
    "rx.contrib.title": ("{title}：计入每一行数字的合同", "{title}: the contracts behind each row"),
    "rx.contrib.note": ("每行之后的“小计”即排行榜上的数字；计入金额 = 合同金额 × 份额，小计对计入金额求和后四舍五入到分。",
                        "The subtotal after each row's contracts is the ranking's figure: share × amount, summed, "
                        "rounded half up to the fen."),
    "rx.group.broker": ("经纪人", "Broker"),
    "rx.group.institution": ("所属机构", "Institution"),
    "rx.brokers": ("经纪人及份额", "Brokers and shares"),
    "rx.share": ("份额", "Share"),
    "rx.w_amount": ("计入成交额（元）", "Counted turnover (yuan)"),
    "rx.w_approved": ("计入核定技术交易额（元）", "Counted approved (yuan)"),
    "rx.w_commission": ("计入佣金（元）", "Counted commission (yuan)"),
    "rx.subtotal": ("小计", "Subtotal"),
    "rx.subtotal_contracts": ("{count} 份合同", "{count} contracts"),
    "rx.none": ("本期间没有计入排行榜的登记合同。", "No registered contract counts in this period."),
    "rx.amounts": ("金额", "amounts"),
})

TOP = 10

__all__ = ["TOP", "check_target", "write", "write_pdf", "write_xlsx"]


# -- Excel ----------------------------------------------------------------------------------------


def _ranking_sheet(wb, fmt: Formats, ranking: Ranking) -> str:
    name = tr(f"rx.sheet.{ranking.by}")
    ws = wb.add_worksheet(name)
    broker = ranking.by == "broker"
    columns = [(tr("rx.rank"), "rank")]
    columns += [(tr("rx.broker"), "text"), (tr("rx.institution"), "text")] if broker else [
        (tr("rx.institution_name"), "text")]
    columns += [(tr("rx.contracts"), "count"), (tr("rx.amount_wan"), "money"), (tr("rx.approved_wan"), "money"),
                (tr("rx.commission_wan"), "money"), (tr("rx.clients"), "count")]
    extra = ranking.front_office  # 对接项目数 and 签约率, when asked for

    def front(row) -> list:
        return [row.engagements, row.signing_rate] if extra else []

    if extra:
        columns += [(tr("rx.engagements"), "count"), (tr("rx.signing_rate"), "percent")]
    _, _, first, last = period_bounds(ranking.year_from, ranking.year_to)
    top = title_block(ws, fmt, ranking.title, [
        tr("rx.period", first=first, last=last),
        tr("rx.rule", rule=ranking.rule_text),
        tr("rx.basis"),
        tr("rx.generated", when=when(ranking.generated_at)),
        tr("rx.source", path=ranking.ledger_path),
    ], len(columns))
    widths: dict[int, int] = {}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, row in enumerate(ranking.rows, top + 1):
        names = [row.name, row.institution] if broker else [row.name]
        table.row(r, [row.rank, *names, row.contracts, wan_value(row.amount_fen), wan_value(row.approved_fen),
                      wan_value(row.commission_fen), row.clients, *front(row)])
    t = ranking.totals
    table.row(r + 1, [tr("rx.total"), "", *([""] if broker else []), t.contracts, wan_value(t.amount_fen),
                      wan_value(t.approved_fen), wan_value(t.commission_fen), t.clients, *front(t)], total=True)
    if not ranking.rows:
        ws.write_string(r + 3, 0, tr("rx.none"), fmt.info)
    widths[1] = max(widths.get(1, 0), 10)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 0)
    page_setup(ws, top, landscape=False)
    return name


def _chart_sheet(wb, fmt: Formats, ranking: Ranking) -> None:
    """前十名: the top rows' chart figure (万元 for money) and a bar chart of it."""
    name = tr("rx.sheet.top")
    ws = wb.add_worksheet(name)
    broker = ranking.by == "broker"
    measure = ranking.first_measure
    money = measure in rankings.MONEY
    label = tr("rx.chart.unit_wan", measure=measure_label(measure)) if money else measure_label(measure)
    columns = [(tr("rx.rank"), "rank"), (tr("rx.broker") if broker else tr("rx.institution_name"), "text")]
    columns += [(tr("rx.institution"), "text")] if broker else []
    columns += [(label, "money" if money else "count")]
    top = title_block(ws, fmt, tr("rx.chart.top", measure=label), [ranking.title, ranking.rule_text], len(columns))
    widths: dict[int, int] = {}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    shown = ranking.top(TOP)
    attribute = ATTRIBUTE[measure]
    for r, row in enumerate(shown, top + 1):
        value = getattr(row, attribute)
        table.row(r, [row.rank, row.name, *([row.institution] if broker else []),
                      value / 1_000_000 if money else value])
    widths[1] = max(widths.get(1, 0), 10)
    apply_widths(ws, widths)
    page_setup(ws, None, landscape=False)
    ws.fit_to_pages(1, 1)
    if shown:
        chart = bar_chart(wb, name, (1, top + 1, top + len(shown)), (len(columns) - 1, top + 1, top + len(shown)),
                           label, MONEY if money else COUNT)
        chart.set_size({"width": max(560, pixels(widths, len(columns))), "height": 120 + 30 * len(shown)})
        ws.insert_chart(top + len(shown) + 2, 0, chart)
    else:
        ws.write_string(top + 2, 0, tr("rx.none"), fmt.info)


def _contributions_sheet(wb, fmt: Formats, ledger, ranking: Ranking, steps: Steps) -> None:
    ws = wb.add_worksheet(tr("rx.sheet.contributions"))
    columns = [(tr("rx.rank"), "rank"), (tr(f"rx.group.{ranking.by}"), "text"),
               (tr("rx.contract_no"), "text"), (tr("rx.reg_no"), "text"), (tr("rx.title"), "text"),
               (tr("rx.registered_on"), "date"), (tr("rx.buyer"), "text"), (tr("rx.seller"), "text"),
               (tr("rx.brokers"), "text"), (tr("rx.share"), "percent"),
               (tr("rx.amount"), "money"), (tr("rx.approved"), "money"), (tr("rx.commission"), "money"),
               (tr("rx.w_amount"), "money"), (tr("rx.w_approved"), "money"), (tr("rx.w_commission"), "money")]
    top = title_block(ws, fmt, tr("rx.contrib.title", title=ranking.title), [tr("rx.contrib.note")], 9)
    widths: dict[int, int] = {}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    groups = all_contributions(ledger, ranking)
    r = top
    for row in ranking.rows:
        for item in groups.get(row.key, []):
            r += 1
            bp = item["share_bp"]
            table.row(r, [row.rank, row.name, item["contract_no"], item["reg_no"], item["title"],
                          iso_day(item["registered_on"]),
                          item["buyer"], item["seller"], item["brokers"], bp / 10_000,
                          yuan(item["amount_fen"]), yuan(item["approved_fen"]), yuan(item["commission_fen"]),
                          bp * item["amount_fen"] / 1_000_000, bp * item["approved_fen"] / 1_000_000,
                          bp * item["commission_fen"] / 1_000_000])
            if r % CHECK_EVERY == 0:
                steps.check()
        r += 1
        table.row(r, [row.rank, row.name, tr("rx.subtotal"), tr("rx.subtotal_contracts", count=row.contracts),
                      "", None, "", "", "", None, None, None, None, yuan(row.amount_fen),
                      yuan(row.approved_fen), yuan(row.commission_fen)], total=True)
    for col, cap in ((4, 36), (6, 30), (7, 30), (8, 30)):
        widths[col] = min(widths.get(col, cap), cap)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 3)
    if r > top:
        ws.autofilter(top, 0, r, len(columns) - 1)
    page_setup(ws, top)

def write_xlsx(ledger, ranking: Ranking, statistics, path: str | Path, progress: ProgressFn | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``ranking`` (and ``statistics``, if not None) as an Excel workbook at ``path``.

    Returns the path, or None when ``cancelled()`` said stop (nothing is written then).
    An existing file at ``path`` is replaced (callers ask first, see :func:`check_target`).
    """
    funnel = statistics.funnel if statistics is not None else None
    steps = Steps(3 + (6 if statistics is not None else 0) + (funnel is not None), progress, cancelled)

    def sheets(wb, fmt: Formats) -> None:
        steps.step(tr("rx.progress.sheet", sheet=tr(f"rx.sheet.{ranking.by}")))
        _ranking_sheet(wb, fmt, ranking)
        _chart_sheet(wb, fmt, ranking)
        steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.contributions")))
        _contributions_sheet(wb, fmt, ledger, ranking, steps)
        if statistics is not None:
            for key, header, groups, kind, rows in (
                    ("category", tr("rx.category"), statistics.by_category, "column", None),
                    ("field", tr("rx.field"), statistics.by_field, "bar", None),
                    ("province", tr("rx.province"), statistics.by_province, "bar", 15),
                    ("month", tr("rx.month"), statistics.by_month, "column", None)):
                steps.step(tr("rx.progress.sheet", sheet=tr(f"rx.sheet.{key}")))
                group_sheet(wb, fmt, statistics, key, header, groups, kind, rows)
            steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.parties")))
            parties_sheet(wb, fmt, statistics)
            steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.duration")))
            duration_sheet(wb, fmt, ledger, statistics)
        if funnel is not None:
            steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.funnel")))
            funnel_sheet(wb, fmt, statistics, funnel)

    return write_workbook(path, steps, {"title": ranking.title}, sheets)

# -- PDF -------------------------------------------------------------------------------------------

def _top_chart(ranking: Ranking, width: float):
    """The top-ten horizontal bar chart as a reportlab Drawing (every label in our font)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    regular, bold = pdffonts.register()
    rows = ranking.top(TOP)
    measure = ranking.first_measure
    money = measure in rankings.MONEY
    attribute = {"approved": "approved_fen", "amount": "amount_fen", "commission": "commission_fen",
                 "contracts": "contracts", "clients": "clients"}[measure]
    raw = [getattr(r, attribute) for r in rows]
    values = [float(to_wan(v)) if money else v for v in raw]
    labels = [wan(v) if money else f"{v:,}" for v in raw]
    names = [f"{r.rank}. {r.name}" for r in rows]
    size = 8.5
    label_width = max(pdffonts.text_width(n, size) for n in names) + 8
    value_width = max(pdffonts.text_width(t, 7.5) for t in labels) + 6
    bar_height = 17
    plot_height = bar_height * len(rows)
    height = plot_height + 58
    drawing = Drawing(width, height)
    drawing.initialFontName, drawing.initialFontSize = regular, size  # else the renderer names Helvetica
    title = tr("rx.chart.unit_wan", measure=measure_label(measure)) if money else measure_label(measure)
    drawing.add(String(0, height - 14, tr("rx.chart.top", measure=title), fontName=bold, fontSize=10.5))
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 22
    chart.width = width - label_width - value_width
    chart.height = plot_height
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor(CHART_BLUE)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0
    chart.groupSpacing = 5
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.reverseDirection = 1  # rank 1 at the top
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = colors.HexColor("#808080")
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin = 0
    step = nice_step(max(values, default=0) / 5)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step, -(-max(values, default=0) // step) * step)
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = (lambda v: f"{v:,.0f}") if money or max(values, default=0) >= 10 else None
    chart.valueAxis.strokeColor = colors.HexColor("#808080")
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    chart.valueAxis.gridStrokeWidth = 0.5
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabelArray = [labels]
    chart.barLabelFormat = "values"
    drawing.add(chart)
    return drawing

def _ranking_table(ranking: Ranking, styles, width: float, steps: Steps):
    broker = ranking.by == "broker"
    extra = ranking.front_office  # 对接项目数 and 签约率: the other columns give up some room
    numbers = [(tr("rx.contracts"), 44 if extra else 51, "num"), (tr("rx.amount_wan"), 62 if extra else 68, "num"),
               (tr("rx.approved_wan"), 64 if extra else 70, "num"), (tr("rx.commission_wan"), 56 if extra else 60, "num"),
               (tr("rx.clients"), 44 if extra else 51, "num")]
    if extra:
        numbers += [(tr("rx.engagements"), 46, "num"), (tr("rx.signing_rate"), 46, "num")]

    def front(row) -> list[str]:
        return [f"{row.engagements:,}", rate_text(row.signing_rate)] if extra else []

    fixed = 30 + sum(w for _, w, _ in numbers)
    if broker:
        name_width = 50
        names = [(tr("rx.broker"), name_width, "text"), (tr("rx.institution"), width - fixed - name_width, "text")]
    else:
        names = [(tr("rx.institution_name"), width - fixed, "text")]
    columns = [(tr("rx.rank"), 30, "center"), *names, *numbers]
    rows = []
    for r in ranking.rows:
        rows.append([str(r.rank), r.name, *([r.institution] if broker else []), f"{r.contracts:,}",
                     wan(r.amount_fen), wan(r.approved_fen), wan(r.commission_fen), f"{r.clients:,}", *front(r)])
    t = ranking.totals
    total = [tr("rx.total"), "", *([""] if broker else []), f"{t.contracts:,}", wan(t.amount_fen),
             wan(t.approved_fen), wan(t.commission_fen), f"{t.clients:,}", *front(t)]
    return pdf_table(columns, rows, styles, total, steps)

def write_pdf(ledger, ranking: Ranking, path: str | Path, statistics=None, progress: ProgressFn | None = None,
              cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``ranking`` as a PDF for publishing (A4; see the module). Returns the path, or
    None when cancelled (nothing is written then)."""

    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

    steps = Steps(4, progress, cancelled)
    styles = pdf_styles()
    width = page_width()
    _, _, first, last = period_bounds(ranking.year_from, ranking.year_to)
    try:
        steps.step(tr("rx.progress.pdf"))
        story = [
            Paragraph(escape(ranking.title), styles["title"]),
            Paragraph(escape(tr("rx.period", first=first, last=last)), styles["subtitle"]),
            Spacer(1, 8),
            Paragraph(escape(tr("rx.rule", rule=ranking.rule_text)), styles["cell"]),
            Paragraph(escape(tr("rx.basis")), styles["info"]),
            Paragraph(escape(tr("rx.generated_source", when=when(ranking.generated_at), path=ranking.ledger_path)),
                      styles["info"]),
            Spacer(1, 10),
        ]
        if ranking.rows:
            story += [KeepTogether([_top_chart(ranking, width)]), Spacer(1, 10)]
        else:
            story.append(Paragraph(tr("rx.none"), styles["cell"]))
        steps.step(tr("rx.progress.pdf"))
        story.append(_ranking_table(ranking, styles, width, steps))
        if statistics is not None:
            story += [PageBreak(), *statistics_story(ledger, statistics, styles, width)]
        steps.step(tr("rx.progress.pdf"))
    except Cancelled:
        return None
    return build_pdf(Path(path), story, title=ranking.title, subject=ranking.rule_text, steps=steps,
                     progress=progress)


def write(ledger, ranking: Ranking, statistics, path: str | Path, progress: ProgressFn | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path | None:
    """:func:`write_xlsx` or :func:`write_pdf`, by the file's extension."""
    return write_either(path, lambda p: write_xlsx(ledger, ranking, statistics, p, progress, cancelled),
                        lambda p: write_pdf(ledger, ranking, p, statistics, progress, cancelled))
