"""Rankings and statistics to Excel (for checking and further work) and to PDF
(for publishing), issue 6.

Excel (:func:`write_xlsx`): the ranking sheet (a title block: period, the rule,
when and from which ledger file; the table in 元 with ``#,##0.00``, counts as
integers, a totals row; a bar chart of the top ten), a sheet with every row's
contributing contracts (each with its share, full and share-weighted amounts, and
a subtotal per row equal to the ranking's figure, so anyone can check a figure),
and, given statistics, one sheet each for 合同类别, 技术领域, 买方地区, 月份,
主要买卖方 and 登记时长与超期, with charts where they help.

PDF (:func:`write_pdf`): A4 portrait; title, period, rule, the top-ten bar chart,
the table in 万元 with its header repeated on every page and "第 N 页 共 M 页" at
the foot; the statistics follow when given. Every font is embedded (see
:mod:`broker_desk.pdffonts`).

Both write ``NAME.part`` beside the target and rename it only when complete: a
cancelled (``cancelled()`` returned True; the function returns None) or failed
export leaves no file behind and an existing target untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from . import i18n, outfiles, pdffonts
from .errors import BrokerDeskError
from .i18n import tr
from .money import to_wan, wan_text
from .rankings import ATTRIBUTE, Ranking, all_contributions, measure_label, period_bounds
from .workbook.writing import HEADER_FILL, MAX_WIDTH, Cancelled, atomic_workbook, text_width

i18n.register({
    "rx.bad_extension": ("“{path}”不是 .xlsx 或 .pdf 文件名", "“{path}” is not an .xlsx or .pdf file name"),
    "rx.sheet.broker": ("经纪人排行榜", "Broker ranking"),
    "rx.sheet.institution": ("机构排行榜", "Institution ranking"),
    "rx.sheet.contributions": ("计入明细", "Contributing contracts"),
    "rx.sheet.top": ("前十名", "Top ten"),
    "rx.sheet.category": ("按合同类别", "By category"),
    "rx.sheet.field": ("按技术领域", "By field"),
    "rx.sheet.province": ("按买方地区", "By buyer province"),
    "rx.sheet.month": ("按月份", "By month"),
    "rx.sheet.parties": ("主要买方卖方", "Top buyers and sellers"),
    "rx.sheet.duration": ("登记时长与超期", "Duration and overdue"),
    "rx.period": ("统计期间：{first} 至 {last}（登记日期在此期间、状态为已登记的技术合同）",
                  "Period: {first} to {last} (technology contracts in 已登记 status registered in it)"),
    "rx.rule": ("排序规则：{rule}", "Order: {rule}"),
    "rx.generated": ("生成时间：{when}", "Generated: {when}"),
    "rx.source": ("数据来源：{path}", "Ledger: {path}"),
    "rx.basis": ("口径：成交额、核定技术交易额、佣金按经纪人份额计入（逐份合同“份额 × 金额”求和后四舍五入到分）；"
                 "合计行每份合同只计一次、按全额。",
                 "Amounts, approved amounts and commissions count by each broker's share (the sum of share × amount "
                 "over the contracts, rounded half up to the fen once); the totals count each contract once, in full."),
    "rx.generated_source": ("生成时间：{when}　数据来源：{path}", "Generated {when} from {path}"),
    "rx.rank": ("名次", "Rank"),
    "rx.broker": ("姓名", "Name"),
    "rx.institution": ("所属机构", "Institution"),
    "rx.institution_name": ("机构名称", "Institution"),
    "rx.contracts": ("登记合同数", "Contracts"),
    "rx.amount": ("成交额（元）", "Turnover (yuan)"),
    "rx.approved": ("核定技术交易额（元）", "Approved (yuan)"),
    "rx.commission": ("佣金（元）", "Commission (yuan)"),
    "rx.clients": ("服务客户数", "Clients"),
    "rx.engagements": ("对接项目数", "Engagements"),
    "rx.signing_rate": ("签约率", "Signing rate"),
    "rx.tech": ("技术交易额（元）", "Technology turnover (yuan)"),
    "rx.amount_wan": ("成交额（万元）", "Turnover (10k yuan)"),
    "rx.approved_wan": ("核定技术交易额（万元）", "Approved (10k yuan)"),
    "rx.commission_wan": ("佣金（万元）", "Commission (10k yuan)"),
    "rx.tech_wan": ("技术交易额（万元）", "Technology turnover (10k yuan)"),
    "rx.total": ("合计", "Total"),
    "rx.chart.top": ("前十名：{measure}", "Top ten: {measure}"),
    "rx.chart.unit_wan": ("{measure}（万元）", "{measure} (10k yuan)"),
    "rx.contrib.title": ("{title}：计入每一行数字的合同", "{title}: the contracts behind each row"),
    "rx.contrib.note": ("每行之后的“小计”即排行榜上的数字；计入金额 = 合同金额 × 份额，小计对计入金额求和后四舍五入到分。",
                        "The subtotal after each row's contracts is the ranking's figure: share × amount, summed, "
                        "rounded half up to the fen."),
    "rx.group.broker": ("经纪人", "Broker"),
    "rx.group.institution": ("所属机构", "Institution"),
    "rx.contract_no": ("合同编号", "Contract no."),
    "rx.reg_no": ("登记编号", "Registration no."),
    "rx.title": ("项目名称", "Project"),
    "rx.registered_on": ("登记日期", "Registered"),
    "rx.buyer": ("买方", "Buyer"),
    "rx.seller": ("卖方", "Seller"),
    "rx.brokers": ("经纪人及份额", "Brokers and shares"),
    "rx.share": ("份额", "Share"),
    "rx.w_amount": ("计入成交额（元）", "Counted turnover (yuan)"),
    "rx.w_approved": ("计入核定技术交易额（元）", "Counted approved (yuan)"),
    "rx.w_commission": ("计入佣金（元）", "Counted commission (yuan)"),
    "rx.subtotal": ("小计", "Subtotal"),
    "rx.subtotal_contracts": ("{count} 份合同", "{count} contracts"),
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
    "rx.page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "rx.none": ("本期间没有计入排行榜的登记合同。", "No registered contract counts in this period."),
    "rx.progress.sheet": ("正在写入“{sheet}”", "Writing “{sheet}”"),
    "rx.progress.pdf": ("正在排版 PDF", "Laying out the PDF"),
    "rx.progress.saving": ("正在保存文件", "Saving the file"),
    "rx.amounts": ("金额", "amounts"),
})

ProgressFn = outfiles.ProgressFn
EXTENSIONS = (".xlsx", ".pdf")
TOP = 10
MONEY = "#,##0.00"
COUNT = "#,##0"
TOTAL_FILL = "#F2F2F2"
CHART_BLUE = "#2F6DB5"
#: Rows between two looks at ``cancelled()`` in long sheets.
CHECK_EVERY = 1000


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path if a ranking may be written there (.xlsx or .pdf); else a BrokerDeskError."""
    return outfiles.check_target(path, EXTENSIONS, "rx.bad_extension", overwrite)


class _Steps:
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


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _yuan(fen: int) -> float:
    return fen / 100  # the double nearest the amount in 元 (as the canonical export writes)


def _wan_value(fen: int) -> float:
    """The amount in 万元 as a cell value (to the fen: shown with two decimals, summed exactly enough)."""
    return fen / 1_000_000


def _wan(fen: int) -> str:
    """万元 with two decimals and thousands separators: 3,228.62."""
    text = wan_text(fen)
    whole, _, decimals = text.partition(".")
    return f"{int(whole):,}.{decimals}"


# -- Excel ----------------------------------------------------------------------------------------

class _Formats:
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


def _wrapped_header(header: str) -> str:
    """核定技术交易额（元） -> 核定技术交易额 + a line break + （元）, when it is long."""
    return header.replace("（", "\n（", 1) if text_width(header) > 14 else header


def _shown_width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "count":
        return len(f"{value:,}")
    if kind == "date":
        return 10
    if kind == "percent":
        return 7
    return text_width(str(value))


class _Table:
    """A table on a sheet: a header row, data rows, an optional totals row; widths fitted."""

    def __init__(self, ws, fmt: _Formats, columns: list[tuple[str, str]], widths: dict[int, int],
                 first_col: int = 0):
        self.ws, self.fmt, self.columns, self.widths, self.col0 = ws, fmt, columns, widths, first_col
        for c, (header, _) in enumerate(columns):  # a long header breaks before its unit
            self._fit(c, max(text_width(line) for line in _wrapped_header(header).split("\n")) + 2)

    def _fit(self, c: int, width: int) -> None:
        col = self.col0 + c
        self.widths[col] = min(MAX_WIDTH, max(self.widths.get(col, 0), width))

    def header(self, row: int) -> None:
        texts = [_wrapped_header(header) for header, _ in self.columns]
        if any("\n" in text for text in texts):
            self.ws.set_row(row, 32)
        for c, text in enumerate(texts):
            self.ws.write_string(row, self.col0 + c, text, self.fmt.header)

    def row(self, r: int, values: list, total: bool = False) -> None:
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
            self._fit(c, _shown_width(value, kind) + 2)


def _page_setup(ws, header_row: int | None = None, landscape: bool = True) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer("&C" + tr("rx.page", page="&P", pages="&N"))
    if header_row is not None:
        ws.repeat_rows(header_row)


def _title_block(ws, fmt: _Formats, title: str, lines: list[str], width_cols: int) -> int:
    """Reserve the title and info lines over ``width_cols`` columns; returns the next free row.

    They are written by :func:`_apply_widths`, once the columns' widths are known, so
    that a long line wraps inside its merged cells instead of being cut off."""
    ws.broker_desk_title = (title, lines, width_cols)
    ws.broker_desk_formats = fmt
    return len(lines) + 2


def _apply_widths(ws, widths: dict[int, int]) -> None:
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


def _money_measure(measure: str) -> bool:
    return measure in ("approved", "amount", "commission")


def _bar_chart(wb, sheet: str, categories: tuple[int, int, int], values: tuple[int, int, int], title: str,
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


def _pixels(widths: dict[int, int], columns: int) -> int:
    """About how wide ``columns`` columns are on screen (Excel: 7 px a character plus padding)."""
    return sum(widths.get(c, 8) * 7 + 5 for c in range(columns))


def _ranking_sheet(wb, fmt: _Formats, ranking: Ranking) -> str:
    name = tr(f"rx.sheet.{ranking.by}")
    ws = wb.add_worksheet(name)
    broker = ranking.by == "broker"
    columns = [(tr("rx.rank"), "rank")]
    columns += [(tr("rx.broker"), "text"), (tr("rx.institution"), "text")] if broker else [
        (tr("rx.institution_name"), "text")]
    columns += [(tr("rx.contracts"), "count"), (tr("rx.amount"), "money"), (tr("rx.approved"), "money"),
                (tr("rx.commission"), "money"), (tr("rx.clients"), "count")]
    extra = ranking.front_office  # 对接项目数 and 签约率, when asked for

    def front(row) -> list:
        return [row.engagements, row.signing_rate] if extra else []

    if extra:
        columns += [(tr("rx.engagements"), "count"), (tr("rx.signing_rate"), "percent")]
    _, _, first, last = period_bounds(ranking.year_from, ranking.year_to)
    top = _title_block(ws, fmt, ranking.title, [
        tr("rx.period", first=first, last=last),
        tr("rx.rule", rule=ranking.rule_text),
        tr("rx.basis"),
        tr("rx.generated", when=_when(ranking.generated_at)),
        tr("rx.source", path=ranking.ledger_path),
    ], len(columns))
    widths: dict[int, int] = {}
    table = _Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, row in enumerate(ranking.rows, top + 1):
        names = [row.name, row.institution] if broker else [row.name]
        table.row(r, [row.rank, *names, row.contracts, _yuan(row.amount_fen), _yuan(row.approved_fen),
                      _yuan(row.commission_fen), row.clients, *front(row)])
    t = ranking.totals
    table.row(r + 1, [tr("rx.total"), "", *([""] if broker else []), t.contracts, _yuan(t.amount_fen),
                      _yuan(t.approved_fen), _yuan(t.commission_fen), t.clients, *front(t)], total=True)
    if not ranking.rows:
        ws.write_string(r + 3, 0, tr("rx.none"), fmt.info)
    widths[1] = max(widths.get(1, 0), 10)
    _apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 0)
    _page_setup(ws, top, landscape=False)
    return name


def _chart_sheet(wb, fmt: _Formats, ranking: Ranking) -> None:
    """前十名: the top rows' chart figure (万元 for money) and a bar chart of it."""
    name = tr("rx.sheet.top")
    ws = wb.add_worksheet(name)
    broker = ranking.by == "broker"
    measure = ranking.first_measure
    money = _money_measure(measure)
    label = tr("rx.chart.unit_wan", measure=measure_label(measure)) if money else measure_label(measure)
    columns = [(tr("rx.rank"), "rank"), (tr("rx.broker") if broker else tr("rx.institution_name"), "text")]
    columns += [(tr("rx.institution"), "text")] if broker else []
    columns += [(label, "money" if money else "count")]
    top = _title_block(ws, fmt, tr("rx.chart.top", measure=label), [ranking.title, ranking.rule_text], len(columns))
    widths: dict[int, int] = {}
    table = _Table(ws, fmt, columns, widths)
    table.header(top)
    shown = ranking.top(TOP)
    attribute = ATTRIBUTE[measure]
    for r, row in enumerate(shown, top + 1):
        value = getattr(row, attribute)
        table.row(r, [row.rank, row.name, *([row.institution] if broker else []),
                      value / 1_000_000 if money else value])
    widths[1] = max(widths.get(1, 0), 10)
    _apply_widths(ws, widths)
    _page_setup(ws, None, landscape=False)
    ws.fit_to_pages(1, 1)
    if shown:
        chart = _bar_chart(wb, name, (1, top + 1, top + len(shown)), (len(columns) - 1, top + 1, top + len(shown)),
                           label, MONEY if money else COUNT)
        chart.set_size({"width": max(560, _pixels(widths, len(columns))), "height": 120 + 30 * len(shown)})
        ws.insert_chart(top + len(shown) + 2, 0, chart)
    else:
        ws.write_string(top + 2, 0, tr("rx.none"), fmt.info)


def _contributions_sheet(wb, fmt: _Formats, ledger, ranking: Ranking, steps: _Steps) -> None:
    ws = wb.add_worksheet(tr("rx.sheet.contributions"))
    columns = [(tr("rx.rank"), "rank"), (tr(f"rx.group.{ranking.by}"), "text"),
               (tr("rx.contract_no"), "text"), (tr("rx.reg_no"), "text"), (tr("rx.title"), "text"),
               (tr("rx.registered_on"), "date"), (tr("rx.buyer"), "text"), (tr("rx.seller"), "text"),
               (tr("rx.brokers"), "text"), (tr("rx.share"), "percent"),
               (tr("rx.amount"), "money"), (tr("rx.approved"), "money"), (tr("rx.commission"), "money"),
               (tr("rx.w_amount"), "money"), (tr("rx.w_approved"), "money"), (tr("rx.w_commission"), "money")]
    top = _title_block(ws, fmt, tr("rx.contrib.title", title=ranking.title), [tr("rx.contrib.note")], 9)
    widths: dict[int, int] = {}
    table = _Table(ws, fmt, columns, widths)
    table.header(top)
    groups = all_contributions(ledger, ranking)
    r = top
    dates: dict[str, dt.date] = {}
    for row in ranking.rows:
        for item in groups.get(row.key, []):
            r += 1
            bp = item["share_bp"]
            day = dates.get(item["registered_on"]) or dates.setdefault(
                item["registered_on"], dt.date.fromisoformat(item["registered_on"]))
            table.row(r, [row.rank, row.name, item["contract_no"], item["reg_no"], item["title"], day,
                          item["buyer"], item["seller"], item["brokers"], bp / 10_000,
                          _yuan(item["amount_fen"]), _yuan(item["approved_fen"]), _yuan(item["commission_fen"]),
                          bp * item["amount_fen"] / 1_000_000, bp * item["approved_fen"] / 1_000_000,
                          bp * item["commission_fen"] / 1_000_000])
            if r % CHECK_EVERY == 0:
                steps.check()
        r += 1
        table.row(r, [row.rank, row.name, tr("rx.subtotal"), tr("rx.subtotal_contracts", count=row.contracts),
                      "", None, "", "", "", None, None, None, None, _yuan(row.amount_fen),
                      _yuan(row.approved_fen), _yuan(row.commission_fen)], total=True)
    for col, cap in ((4, 36), (6, 30), (7, 30), (8, 30)):
        widths[col] = min(widths.get(col, cap), cap)
    _apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 3)
    if r > top:
        ws.autofilter(top, 0, r, len(columns) - 1)
    _page_setup(ws, top)


def _group_sheet(wb, fmt: _Formats, statistics, key: str, label_header: str, groups, chart_kind: str,
                 chart_rows: int | None = None) -> None:
    """One statistics grouping: the table (amounts in 万元, to the fen) and a chart below it."""
    name = tr(f"rx.sheet.{key}")
    ws = wb.add_worksheet(name)
    columns = [(label_header, "text"), (tr("rx.contracts"), "count"), (tr("rx.amount_wan"), "money"),
               (tr("rx.tech_wan"), "money"), (tr("rx.approved_wan"), "money")]
    top = _title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=_when(statistics.generated_at), path=statistics.ledger_path)],
        len(columns))
    widths: dict[int, int] = {0: 14}
    table = _Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, g in enumerate(groups, top + 1):
        table.row(r, [g.label, g.contracts, _wan_value(g.amount_fen), _wan_value(g.tech_fen),
                      _wan_value(g.approved_fen)])
    t = statistics.totals
    table.row(r + 1, [tr("rx.total"), t.contracts, _wan_value(t.amount_fen), _wan_value(t.tech_fen),
                      _wan_value(t.approved_fen)], total=True)
    _apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 1)
    _page_setup(ws, top, landscape=False)
    shown = len(groups) if chart_rows is None else min(chart_rows, len(groups))
    if shown:
        title = tr("rx.chart.unit_wan", measure=measure_label("amount"))
        horizontal = chart_kind == "bar"
        chart = _bar_chart(wb, name, (0, top + 1, top + shown), (2, top + 1, top + shown), title, MONEY,
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
        chart.set_size({"width": max(560, _pixels(widths, len(columns))), "height": max(300, height)})
        ws.insert_chart(r + 3, 0, chart)
        if r > 30:  # a long table: the chart on a page of its own rather than cut by a page break
            ws.set_h_pagebreaks([r + 2])


def _parties_sheet(wb, fmt: _Formats, statistics) -> None:
    name = tr("rx.sheet.parties")
    ws = wb.add_worksheet(name)
    columns = [(tr("rx.rank"), "rank"), (tr("rx.party"), "text"), (tr("rx.contracts"), "count"),
               (tr("rx.amount_wan"), "money")]
    r = _title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=_when(statistics.generated_at), path=statistics.ledger_path)], 4)
    widths: dict[int, int] = {}
    table = _Table(ws, fmt, columns, widths)
    for heading, parties in ((tr("rx.top_buyers"), statistics.top_buyers),
                             (tr("rx.top_sellers"), statistics.top_sellers)):
        ws.write_string(r, 0, heading, fmt.subtitle)
        table.header(r + 1)
        r += 2
        for i, p in enumerate(parties, 1):
            table.row(r, [i, p.name, p.contracts, _wan_value(p.amount_fen)])
            r += 1
        r += 1
    _apply_widths(ws, widths)
    _page_setup(ws, None, landscape=False)


def _duration_sheet(wb, fmt: _Formats, ledger, statistics) -> None:
    from .statistics import overdue_rows

    name = tr("rx.sheet.duration")
    ws = wb.add_worksheet(name)
    r = _title_block(ws, fmt, f"{tr('rx.stats.title', period=statistics.period_text)}（{name}）", [
        tr("rx.generated_source", when=_when(statistics.generated_at), path=statistics.ledger_path)], 8)
    widths: dict[int, int] = {}
    ws.write_string(r, 0, tr("rx.duration"), fmt.subtitle)
    d = statistics.duration
    table = _Table(ws, fmt, [(tr("rx.duration.count"), "count"), (tr("rx.duration.median"), "days"),
                             (tr("rx.duration.p90"), "count")], widths)
    table.header(r + 1)
    table.row(r + 2, [d.count, d.median_days, d.p90_days])
    r += 4
    ws.write_string(r, 0, tr("rx.overdue", day=statistics.overdue_as_of.isoformat(), count=statistics.overdue.count),
                    fmt.subtitle)
    rows = overdue_rows(ledger, statistics)
    if rows:
        table = _Table(ws, fmt, [(tr("rx.contract_no"), "text"), (tr("rx.title"), "text"),
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
    _apply_widths(ws, widths)
    _page_setup(ws, None)


def write_xlsx(ledger, ranking: Ranking, statistics, path: str | Path, progress: ProgressFn | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``ranking`` (and ``statistics``, if not None) as an Excel workbook at ``path``.

    Returns the path, or None when ``cancelled()`` said stop (nothing is written then).
    An existing file at ``path`` is replaced (callers ask first, see :func:`check_target`).
    """
    path = Path(path)
    steps = _Steps(3 + (6 if statistics is not None else 0), progress, cancelled)
    try:
        with atomic_workbook(path) as wb:
            wb.set_properties({"title": ranking.title, "creator": "BrokerDesk", "author": "BrokerDesk"})
            fmt = _Formats(wb)
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
                    _group_sheet(wb, fmt, statistics, key, header, groups, kind, rows)
                steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.parties")))
                _parties_sheet(wb, fmt, statistics)
                steps.step(tr("rx.progress.sheet", sheet=tr("rx.sheet.duration")))
                _duration_sheet(wb, fmt, ledger, statistics)
            steps.step(tr("rx.progress.saving"))
    except Cancelled:
        return None
    steps.finish()
    return path


# -- PDF -------------------------------------------------------------------------------------------

MARGIN = 42  # points (15 mm)


def _pdf_styles():
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


def _numbered_canvas(footer_left: str):
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    regular, _ = pdffonts.register()

    class NumberedCanvas(Canvas):
        """Holds the pages back until the end, so each can say 第 N 页 共 M 页."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

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


def _nice_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``rough`` (at least 1)."""
    if rough <= 1:
        return 1
    power = 10 ** (len(str(int(rough))) - 1)
    return next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= rough)


def _top_chart(ranking: Ranking, width: float):
    """The top-ten horizontal bar chart as a reportlab Drawing (every label in our font)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    regular, bold = pdffonts.register()
    rows = ranking.top(TOP)
    measure = ranking.first_measure
    money = _money_measure(measure)
    attribute = {"approved": "approved_fen", "amount": "amount_fen", "commission": "commission_fen",
                 "contracts": "contracts", "clients": "clients"}[measure]
    raw = [getattr(r, attribute) for r in rows]
    values = [float(to_wan(v)) if money else v for v in raw]
    labels = [_wan(v) if money else f"{v:,}" for v in raw]
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
    step = _nice_step(max(values, default=0) / 5)
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


def _fit(text: str, width: float, style, size: float = 8.5):
    """Plain text when it fits the column (fast), else a wrapping Paragraph."""

    from reportlab.platypus import Paragraph

    text = text or ""
    if pdffonts.text_width(text, size) <= width - 6:
        return text
    return Paragraph(escape(text), style)


def _header_markup(header: str, width: float) -> str:
    """A header that does not fit its column breaks before its unit: 成交额<br/>（万元）."""
    text = escape(header)
    if pdffonts.text_width(header, 8.5, bold=True) > width - 6:
        text = text.replace("（", "<br/>（", 1)
    return text


def _pdf_table(columns: list[tuple[str, float, str]], rows: list[list], styles, total: list | None = None,
               steps: _Steps | None = None):
    """A table with a repeated header: columns (header, width, kind 'text'|'num'|'center')."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    regular, bold = pdffonts.register()
    data = [[Paragraph(_header_markup(h, w), styles["head"]) for h, w, _ in columns]]
    for i, row in enumerate(rows):
        data.append([_fit(v, w, styles["cell"]) if kind == "text" else v
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


def _ranking_table(ranking: Ranking, styles, width: float, steps: _Steps):
    broker = ranking.by == "broker"
    numbers = [(tr("rx.contracts"), 51, "num"), (tr("rx.amount_wan"), 68, "num"),
               (tr("rx.approved_wan"), 70, "num"), (tr("rx.commission_wan"), 60, "num"),
               (tr("rx.clients"), 51, "num")]
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
                     _wan(r.amount_fen), _wan(r.approved_fen), _wan(r.commission_fen), f"{r.clients:,}"])
    t = ranking.totals
    total = [tr("rx.total"), "", *([""] if broker else []), f"{t.contracts:,}", _wan(t.amount_fen),
             _wan(t.approved_fen), _wan(t.commission_fen), f"{t.clients:,}"]
    return _pdf_table(columns, rows, styles, total, steps)


def _statistics_story(ledger, statistics, styles, width: float) -> list:
    from reportlab.platypus import Paragraph, Spacer

    story = [Paragraph(tr("rx.stats.title", period=statistics.period_text), styles["h2"])]
    numbers = [(tr("rx.contracts"), 62, "num"), (tr("rx.amount_wan"), 86, "num"),
               (tr("rx.tech_wan"), 86, "num"), (tr("rx.approved_wan"), 96, "num")]
    label_width = width - sum(w for _, w, _ in numbers)
    t = statistics.totals
    total = [tr("rx.total"), f"{t.contracts:,}", _wan(t.amount_fen), _wan(t.tech_fen), _wan(t.approved_fen)]
    for key, header, groups in (("category", tr("rx.category"), statistics.by_category),
                                ("field", tr("rx.field"), statistics.by_field),
                                ("province", tr("rx.province"), statistics.by_province),
                                ("month", tr("rx.month"), statistics.by_month)):
        story.append(Paragraph(tr(f"rx.sheet.{key}"), styles["h2"]))
        rows = [[g.label, f"{g.contracts:,}", _wan(g.amount_fen), _wan(g.tech_fen), _wan(g.approved_fen)]
                for g in groups]
        story.append(_pdf_table([(header, label_width, "text"), *numbers], rows, styles, total))
    party_columns = [(tr("rx.rank"), 32, "center"), (tr("rx.party"), width - 32 - 62 - 96, "text"),
                     (tr("rx.contracts"), 62, "num"), (tr("rx.amount_wan"), 96, "num")]
    for heading, parties in ((tr("rx.top_buyers"), statistics.top_buyers),
                             (tr("rx.top_sellers"), statistics.top_sellers)):
        story.append(Paragraph(heading, styles["h2"]))
        story.append(_pdf_table(party_columns, [[str(i), p.name, f"{p.contracts:,}", _wan(p.amount_fen)]
                                                for i, p in enumerate(parties, 1)], styles))
    d = statistics.duration
    story.append(Paragraph(tr("rx.duration"), styles["h2"]))
    story.append(_pdf_table([(tr("rx.duration.count"), width / 3, "num"), (tr("rx.duration.median"), width / 3, "num"),
                             (tr("rx.duration.p90"), width / 3, "num")],
                            [[f"{d.count:,}", "" if d.median_days is None else f"{d.median_days:g}",
                              "" if d.p90_days is None else str(d.p90_days)]], styles))
    story.append(Spacer(1, 6))
    story.append(Paragraph(tr("rx.overdue", day=statistics.overdue_as_of.isoformat(),
                              count=statistics.overdue.count), styles["h2"]))
    return story


def write_pdf(ledger, ranking: Ranking, path: str | Path, statistics=None, progress: ProgressFn | None = None,
              cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``ranking`` as a PDF for publishing (A4; see the module). Returns the path, or
    None when cancelled (nothing is written then)."""

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    path = Path(path)
    steps = _Steps(4, progress, cancelled)
    styles = _pdf_styles()
    page_width, page_height = A4
    width = page_width - 2 * MARGIN
    _, _, first, last = period_bounds(ranking.year_from, ranking.year_to)
    try:
        with outfiles.replacing(path) as part:
            steps.step(tr("rx.progress.pdf"))
            story = [
                Paragraph(escape(ranking.title), styles["title"]),
                Paragraph(escape(tr("rx.period", first=first, last=last)), styles["subtitle"]),
                Spacer(1, 8),
                Paragraph(escape(tr("rx.rule", rule=ranking.rule_text)), styles["cell"]),
                Paragraph(escape(tr("rx.basis")), styles["info"]),
                Paragraph(escape(tr("rx.generated_source", when=_when(ranking.generated_at), path=ranking.ledger_path)),
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
                story += [PageBreak(), *_statistics_story(ledger, statistics, styles, width)]
            steps.step(tr("rx.progress.pdf"))

            def on_page(canvas, doc):
                steps.check()
                if progress is not None:
                    progress(min(0.5 + 0.01 * doc.page, 0.95), tr("rx.progress.pdf"))

            doc = BaseDocTemplate(str(part), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                  bottomMargin=MARGIN + 6, title=ranking.title, author="BrokerDesk",
                                  creator="BrokerDesk", subject=ranking.rule_text, **pdffonts.canvas_options())
            frame = Frame(MARGIN, MARGIN + 6, width, page_height - 2 * MARGIN - 6, id="body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
            doc.build(story, canvasmaker=_numbered_canvas(ranking.title))
            steps.step(tr("rx.progress.saving"))
    except Cancelled:
        return None
    steps.finish()
    return path


def write(ledger, ranking: Ranking, statistics, path: str | Path, progress: ProgressFn | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path | None:
    """:func:`write_xlsx` or :func:`write_pdf`, by the file's extension."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return write_pdf(ledger, ranking, path, statistics, progress, cancelled)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(ledger, ranking, statistics, path, progress, cancelled)
    raise BrokerDeskError("rx.bad_extension", path=path)

