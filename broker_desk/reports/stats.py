"""The statistics part of the rankings report (issue 6): one Excel sheet each for 合同类别,
技术领域, 买方地区, 月份, 主要买卖方 and 登记时长与超期 (with charts where they help), and the
same tables in the PDF, followed by the front office's funnel (:mod:`.funnel`). Written by
:mod:`broker_desk.reports.rankings`."""

from __future__ import annotations

import datetime as dt

from .. import i18n
from ..i18n import tr
from ..rankings import measure_label
from .common import (
    MONEY,
    Formats,
    Table,
    apply_widths,
    bar_chart,
    page_setup,
    pdf_table,
    pixels,
    title_block,
    wan,
    wan_value,
    when,
)
from .funnel import funnel_story

i18n.register({
    "rx.sheet.category": ("按合同类别", "By category"),
    "rx.sheet.field": ("按技术领域", "By field"),
    "rx.sheet.province": ("按买方地区", "By buyer province"),
    "rx.sheet.month": ("按月份", "By month"),
    "rx.sheet.parties": ("主要买方卖方", "Top buyers and sellers"),
    "rx.sheet.duration": ("登记时长与超期", "Duration and overdue"),
    "rx.stats.title": ("{period}技术合同登记统计", "Registered technology contracts, {period}"),
    "rx.category": ("合同类别", "Category"),
    "rx.field": ("技术领域", "Field"),
    "rx.province": ("买方所在省份", "Buyer's province"),
    "rx.month": ("月份", "Month"),
    "rx.top_buyers": ("成交额前十的买方", "Top ten buyers by turnover"),
    "rx.top_sellers": ("成交额前十的卖方", "Top ten sellers by turnover"),
    "rx.party": ("名称", "Name"),
    "rx.duration": ("登记用时（受理日期至登记日期，天）", "Time to register (acceptance to registration, days)"),
    "rx.duration.count": ("合同数", "Contracts"),
    "rx.duration.median": ("中位数（天）", "Median (days)"),
    "rx.duration.p90": ("第 90 百分位（天）", "90th percentile (days)"),
    "rx.overdue": ("截至 {day} 超过办理时限的已受理合同：{count} 份", "Accepted contracts past the time limit on {day}: {count}"),
    "rx.clock_from": ("计时起点", "Clock from"),
    "rx.reg_office": ("登记机构", "Registration office"),
    "rx.accepted_on": ("受理日期", "Accepted"),
    "rx.deadline": ("办理期限", "Deadline"),
    "rx.days_over": ("超期天数", "Days over"),
})


def group_sheet(wb, fmt: Formats, statistics, key: str, label_header: str, groups, chart_kind: str,
                 chart_rows: int | None = None) -> None:
    """One statistics grouping: the table (amounts in 万元, to the fen) and a chart below it."""
    name = tr(f"rx.sheet.{key}")
    ws = wb.add_worksheet(name)
    columns = [(label_header, "text"), (tr("rx.contracts"), "count"), (tr("rx.amount_wan"), "money"),
               (tr("rx.tech_wan"), "money"), (tr("rx.approved_wan"), "money")]
    top = title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=when(statistics.generated_at), path=statistics.ledger_path)],
        len(columns))
    widths: dict[int, int] = {0: 14}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, g in enumerate(groups, top + 1):
        table.row(r, [g.label, g.contracts, wan_value(g.amount_fen), wan_value(g.tech_fen),
                      wan_value(g.approved_fen)])
    t = statistics.totals
    table.row(r + 1, [tr("rx.total"), t.contracts, wan_value(t.amount_fen), wan_value(t.tech_fen),
                      wan_value(t.approved_fen)], total=True)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 1)
    page_setup(ws, top, landscape=False)
    shown = len(groups) if chart_rows is None else min(chart_rows, len(groups))
    if shown:
        title = tr("rx.chart.unit_wan", measure=measure_label("amount"))
        horizontal = chart_kind == "bar"
        chart = bar_chart(wb, name, (0, top + 1, top + shown), (2, top + 1, top + shown), title, MONEY,
                           horizontal=horizontal, labels=horizontal)
        if key == "month":
            line = wb.add_chart({"type": "line"})
            line.add_series({"name": tr("rx.contracts"), "categories": [name, top + 1, 0, top + shown, 0],
                             "values": [name, top + 1, 1, top + shown, 1], "y2_axis": True,
                             "line": {"color": "#C55A11", "width": 2}, "marker": {"type": "circle", "size": 4}})
            line.set_y2_axis({"num_format": "#,##0", "num_font": {"size": 9}, "min": 0})
            chart.combine(line)
            chart.set_legend({"position": "bottom"})
            chart.set_title({"name": f"{title}、{tr('rx.contracts')}", "name_font": {"size": 12, "bold": True}})
        height = 120 + 26 * shown if horizontal else 360
        chart.set_size({"width": max(560, pixels(widths, len(columns))), "height": max(300, height)})
        ws.insert_chart(r + 3, 0, chart)
        if r > 30:  # a long table: the chart on a page of its own rather than cut by a page break
            ws.set_h_pagebreaks([r + 2])


def parties_sheet(wb, fmt: Formats, statistics) -> None:
    name = tr("rx.sheet.parties")
    ws = wb.add_worksheet(name)
    columns = [(tr("rx.rank"), "rank"), (tr("rx.party"), "text"), (tr("rx.contracts"), "count"),
               (tr("rx.amount_wan"), "money")]
    r = title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=when(statistics.generated_at), path=statistics.ledger_path)], 4)
    widths: dict[int, int] = {}
    table = Table(ws, fmt, columns, widths)
    for heading, parties in ((tr("rx.top_buyers"), statistics.top_buyers),
                             (tr("rx.top_sellers"), statistics.top_sellers)):
        ws.write_string(r, 0, heading, fmt.subtitle)
        table.header(r + 1)
        r += 2
        for i, p in enumerate(parties, 1):
            table.row(r, [i, p.name, p.contracts, wan_value(p.amount_fen)])
            r += 1
        r += 1
    apply_widths(ws, widths)
    page_setup(ws, None, landscape=False)


def duration_sheet(wb, fmt: Formats, ledger, statistics) -> None:
    from ..statistics import overdue_rows

    name = tr("rx.sheet.duration")
    ws = wb.add_worksheet(name)
    r = title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=when(statistics.generated_at), path=statistics.ledger_path)], 8)
    widths: dict[int, int] = {}
    ws.write_string(r, 0, tr("rx.duration"), fmt.subtitle)
    d = statistics.duration
    table = Table(ws, fmt, [(tr("rx.duration.count"), "count"), (tr("rx.duration.median"), "days"),
                             (tr("rx.duration.p90"), "count")], widths)
    table.header(r + 1)
    table.row(r + 2, [d.count, d.median_days, d.p90_days])
    r += 4
    ws.write_string(r, 0, tr("rx.overdue", day=statistics.overdue_as_of.isoformat(), count=statistics.overdue.count),
                    fmt.subtitle)
    rows = overdue_rows(ledger, statistics)
    if rows:
        table = Table(ws, fmt, [(tr("rx.contract_no"), "text"), (tr("rx.title"), "text"),
                                 (tr("rx.seller"), "text"), (tr("rx.reg_office"), "text"),
                                 (tr("rx.accepted_on"), "date"), (tr("rx.clock_from"), "date"),
                                 (tr("rx.deadline"), "date"), (tr("rx.days_over"), "count")], widths)
        table.header(r + 1)
        for i, o in enumerate(rows, r + 2):
            table.row(i, [o["contract_no"], o["title"], o["seller"], o["reg_office"],
                          *(dt.date.fromisoformat(o[k]) if o[k] else None
                            for k in ("accepted_on", "clock_from", "deadline")), o["days_over"]])
    for col in (1, 2, 3):
        widths[col] = min(widths.get(col, 30), 34)
    apply_widths(ws, widths)
    page_setup(ws, None)


def statistics_story(ledger, statistics, styles, width: float) -> list:
    from reportlab.platypus import Paragraph, Spacer

    story = [Paragraph(tr("rx.stats.title", period=statistics.period_text), styles["h2"])]
    numbers = [(tr("rx.contracts"), 62, "num"), (tr("rx.amount_wan"), 86, "num"),
               (tr("rx.tech_wan"), 86, "num"), (tr("rx.approved_wan"), 96, "num")]
    label_width = width - sum(w for _, w, _ in numbers)
    t = statistics.totals
    total = [tr("rx.total"), f"{t.contracts:,}", wan(t.amount_fen), wan(t.tech_fen), wan(t.approved_fen)]
    for key, header, groups in (("category", tr("rx.category"), statistics.by_category),
                                ("field", tr("rx.field"), statistics.by_field),
                                ("province", tr("rx.province"), statistics.by_province),
                                ("month", tr("rx.month"), statistics.by_month)):
        story.append(Paragraph(tr(f"rx.sheet.{key}"), styles["h2"]))
        rows = [[g.label, f"{g.contracts:,}", wan(g.amount_fen), wan(g.tech_fen), wan(g.approved_fen)]
                for g in groups]
        story.append(pdf_table([(header, label_width, "text"), *numbers], rows, styles, total))
    party_columns = [(tr("rx.rank"), 32, "center"), (tr("rx.party"), width - 32 - 62 - 96, "text"),
                     (tr("rx.contracts"), 62, "num"), (tr("rx.amount_wan"), 96, "num")]
    for heading, parties in ((tr("rx.top_buyers"), statistics.top_buyers),
                             (tr("rx.top_sellers"), statistics.top_sellers)):
        story.append(Paragraph(heading, styles["h2"]))
        story.append(pdf_table(party_columns, [[str(i), p.name, f"{p.contracts:,}", wan(p.amount_fen)]
                                                for i, p in enumerate(parties, 1)], styles))
    d = statistics.duration
    story.append(Paragraph(tr("rx.duration"), styles["h2"]))
    story.append(pdf_table([(tr("rx.duration.count"), width / 3, "num"), (tr("rx.duration.median"), width / 3, "num"),
                             (tr("rx.duration.p90"), width / 3, "num")],
                            [[f"{d.count:,}", "" if d.median_days is None else f"{d.median_days:g}",
                              "" if d.p90_days is None else str(d.p90_days)]], styles))
    story.append(Spacer(1, 6))
    story.append(Paragraph(tr("rx.overdue", day=statistics.overdue_as_of.isoformat(),
                              count=statistics.overdue.count), styles["h2"]))
    if statistics.funnel is not None:
        story += funnel_story(statistics, statistics.funnel, styles, width)
    return story


