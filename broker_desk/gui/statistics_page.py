"""统计: the technology-market statistics of a year or a span of years, as the
core computes them (:mod:`broker_desk.statistics`) — cards with the totals, how
long registration took and the overdue cases; charts by 合同类别, by 技术领域,
by the buyer's province (top ten) and by month; the top buyers and sellers; the front
office's funnel 需求 → 对接 → 签约 (:mod:`.funnel_section`).

Computed off the GUI thread (:class:`jobs.Background`)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import i18n, payments, statistics
from ..funnel import years as funnel_years
from ..money import to_wan, wan_text
from . import jobs
from .charts import Bar, BarChart, ChartCard, ColumnChart
from .funnel_section import FunnelSection
from .models import code_text
from .report_view import PeriodPage, PeriodPicker, default_year, years_to_offer
from .widgets import Card, Reflow, fit_tree_height, list_tree, show_error, title_row

i18n.register({
    "gui.statistics": ("统计", "Statistics"),
    "gui.stats.title": ("{period}技术合同登记统计", "Registered technology contracts, {period}"),
    "gui.stats.computing": ("正在计算…", "Computing…"),
    "gui.stats.measure": ("图表显示", "Charts show"),
    "gui.stats.measure.amount_fen": ("成交额", "Turnover"),
    "gui.stats.measure.tech_fen": ("技术交易额", "Technology turnover"),
    "gui.stats.measure.approved_fen": ("核定技术交易额", "Approved turnover"),
    "gui.stats.measure.contracts": ("登记合同数", "Contracts"),
    "gui.stats.card.contracts": ("已登记合同", "Registered contracts"),
    "gui.stats.card.amount": ("成交额（万元）", "Turnover (10k yuan)"),
    "gui.stats.card.tech": ("技术交易额（万元）", "Tech. turnover (10k yuan)"),
    "gui.stats.card.approved": ("核定技术交易额（万元）", "Approved (10k yuan)"),
    "gui.stats.card.median": ("受理→登记用时中位数（天）", "Days to register (median)"),
    "gui.stats.card.p90": ("90% 在 {days} 天内登记", "90% registered within {days} days"),
    "gui.stats.card.duration_count": ("共 {count} 份有受理日期", "{count} with an acceptance date"),
    "gui.stats.card.overdue": ("超过办理时限未登记", "Overdue"),
    "gui.stats.card.overdue_as_of": ("截至 {day}，点按查看", "On {day}; click to list"),
    "gui.stats.share": ("占 {share}", "{share} of the total"),
    "gui.stats.unit.wan": ("（万元）", " (10k yuan)"),
    "gui.stats.money.received": ("{year} 年到账（万元）", "Received in {year} (10k yuan)"),
    "gui.stats.money.rate": ("{year} 年签订合同到账率", "Collected of {year}'s contracts"),
    "gui.stats.money.rate_of": ("已到账 {received} / 成交额 {signed} 万元", "{received} of {signed} (10k yuan)"),
    "gui.stats.money.by_month": ("{year} 年到账：按月（万元）", "Received in {year} by month (10k yuan)"),
    "gui.stats.money.by_category": ("{year} 年到账：按合同类别（万元）", "Received in {year} by category (10k yuan)"),
    "gui.stats.unit.count": ("（份）", " (contracts)"),
    "gui.stats.chart.category": ("按合同类别：{measure}{unit}", "By category: {measure}{unit}"),
    "gui.stats.chart.field": ("按技术领域：{measure}{unit}", "By field: {measure}{unit}"),
    "gui.stats.chart.province": ("按买方所在省份（前十）：{measure}{unit}", "By buyer's province (top ten): {measure}{unit}"),
    "gui.stats.chart.month": ("按登记月份：{measure}{unit}", "By month registered: {measure}{unit}"),
    "gui.stats.month": ("{month}月", "{month}"),
    "gui.stats.tip": ("{label}\n登记合同 {contracts} 份\n成交额 {amount} 万元\n技术交易额 {tech} 万元\n核定技术交易额 {approved} 万元",
                      "{label}\n{contracts} contracts\nturnover {amount}\ntechnology turnover {tech}\napproved {approved}\n(10k yuan)"),
    "gui.stats.top_buyers": ("成交额前十的买方", "Top ten buyers by turnover"),
    "gui.stats.top_sellers": ("成交额前十的卖方", "Top ten sellers by turnover"),
    "gui.stats.col.rank": ("序号", "#"),
    "gui.stats.col.name": ("名称", "Name"),
    "gui.stats.col.contracts": ("合同数", "Contracts"),
    "gui.stats.col.amount": ("成交额（万元）", "Turnover (10k yuan)"),
    "gui.stats.overdue_caption": ("统计 · 截至 {day} 超过办理时限的已受理合同：{count} 份",
                                  "Statistics · accepted contracts past the time limit on {day}: {count}"),
})

MEASURES = ("amount_fen", "tech_fen", "approved_fen", "contracts")
CHARTS = ("category", "month", "field", "province")  # in the grid: two by two, similar heights side by side
TOP_PROVINCES = 10


def days_text(days: float | None) -> str:
    return "—" if days is None else f"{days:g}"


def group_bar(group: statistics.Group, measure: str, label: str | None = None) -> Bar:
    """A statistics group as a bar of ``measure`` (money in 万元)."""
    value = getattr(group, measure)
    if measure == "contracts":
        number, text, short = float(value), f"{value:,}", ""
    else:
        wan = to_wan(value)
        number, text, short = float(wan), wan_text(value), wan_text(value, 0)
    tip = i18n.tr("gui.stats.tip", label=group.label, contracts=f"{group.contracts:,}",
                  amount=wan_text(group.amount_fen), tech=wan_text(group.tech_fen),
                  approved=wan_text(group.approved_fen))
    return Bar(label or group.label, number, text, tip, short)


def month_label(month: str, span: bool) -> str:
    """``2025-03`` as 3月 (one year) or as itself (a span of years)."""
    return month if span else i18n.tr("gui.stats.month", month=int(month[5:7]))


class StatisticsPage(PeriodPage):
    """The 统计 page. ``openContracts(ids, caption)`` asks for the overdue cases in the contract list;
    ``openRecord("broker", id)`` for a broker of the funnel's table."""

    openContracts = Signal(list, str)
    openRecord = Signal(str, int)  # a broker of the funnel's table
    computed = Signal()

    def __init__(self, ledger, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(ledger, today, parent)
        self.statistics: statistics.Statistics | None = None
        self.background = jobs.Background(ledger, self)
        self.background.done.connect(self._show)
        self.background.failed.connect(self._failed)
        self.background.busyChanged.connect(lambda busy: busy and self.busy.setText(i18n.tr("gui.stats.computing")))

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.setSpacing(12)

        top, self.title, self.busy = title_row(i18n.tr("gui.statistics"))
        self.title.setWordWrap(True)  # a long title takes two lines rather than widening the page
        self.title.setMinimumWidth(160)
        top.setStretchFactor(self.title, 4)  # (but takes the row's free width first: one line when it fits)
        top.addSpacing(12)
        self.period = PeriodPicker()
        self.period.changed.connect(self.reload)
        top.addWidget(self.period)
        top.addSpacing(12)
        top.addWidget(QLabel(i18n.tr("gui.stats.measure")))
        self.measure_box = QComboBox()
        for measure in MEASURES:
            self.measure_box.addItem(i18n.tr(f"gui.stats.measure.{measure}"), measure)
        self.measure_box.currentIndexChanged.connect(lambda _i: self._draw_charts())
        top.addWidget(self.measure_box)
        layout.addLayout(top)

        self.cards = {key: Card(i18n.tr(f"gui.stats.card.{key}"))
                      for key in ("contracts", "amount", "tech", "approved", "median", "overdue")}
        overdue = self.cards["overdue"]
        overdue.setCursor(Qt.CursorShape.PointingHandCursor)
        overdue.mousePressEvent = lambda _e: self.open_overdue()
        self.card_grid = Reflow(list(self.cards.values()), [(1100, 6), (0, 3)])  # six in a row, or two rows of three
        layout.addWidget(self.card_grid)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.charts: dict[str, BarChart | ColumnChart] = {
            "category": BarChart(), "field": BarChart(max_label_share=0.5), "province": BarChart(),
            "month": ColumnChart()}
        self.chart_cards = {key: ChartCard("", chart) for key, chart in self.charts.items()}
        self.charts["month"].setMinimumHeight(230)
        for key, (row, col) in zip(CHARTS, ((0, 0), (0, 1), (1, 0), (1, 1)), strict=True):
            grid.addWidget(self.chart_cards[key], row, col)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        # money received (payments.received) for the period's last year: 到账率, by month and by category
        money = QGridLayout()
        money.setSpacing(12)
        self.money_cards = {key: Card("") for key in ("received", "rate")}
        self.money_charts = {"month": ColumnChart(), "category": BarChart()}
        self.money_charts["month"].setMinimumHeight(200)
        self.money_chart_cards = {key: ChartCard("", chart) for key, chart in self.money_charts.items()}
        cards = QVBoxLayout()
        for card in self.money_cards.values():
            cards.addWidget(card)
        cards.addStretch(1)
        money.addLayout(cards, 0, 0)
        money.addWidget(self.money_chart_cards["month"], 0, 1)
        money.addWidget(self.money_chart_cards["category"], 0, 2)
        money.setColumnStretch(1, 3)
        money.setColumnStretch(2, 2)
        layout.addLayout(money)

        parties = QHBoxLayout()
        parties.setSpacing(12)
        self.parties: dict[str, QTreeWidget] = {}
        for key in ("top_buyers", "top_sellers"):
            box = QVBoxLayout()
            label = QLabel(i18n.tr(f"gui.stats.{key}"))
            label.setObjectName("sectionTitle")
            box.addWidget(label)
            tree = self._parties_tree()
            self.parties[key] = tree
            box.addWidget(tree)
            parties.addLayout(box)
        layout.addLayout(parties)

        self.funnel = FunnelSection()  # the front office's 需求 → 对接 → 签约 of the same period
        self.funnel.openBroker.connect(lambda broker_id: self.openRecord.emit("broker", broker_id))
        layout.addWidget(self.funnel)
        layout.addStretch(1)

    def resizeEvent(self, event) -> None:
        self.card_grid.arrange(self.width())
        super().resizeEvent(event)

    def _parties_tree(self) -> QTreeWidget:
        return list_tree([i18n.tr(f"gui.stats.col.{c}") for c in ("rank", "name", "contracts", "amount")], {1},
                         right=(2, 3))

    # -- computing ------------------------------------------------------------------------------
    def _fill_years(self) -> None:
        """The years with registrations and those with demands or engagements (the funnel's)."""
        found = set(years_to_offer(self.ledger, self._today())) | set(funnel_years(self.ledger.conn))
        years = list(range(max(found), min(found) - 1, -1))
        with QSignalBlocker(self.period):
            self.period.set_years(years, default_year(years, self._today()))

    def reload(self) -> None:
        self._stale = False
        if not self.period.offered():
            self._fill_years()
        year_from, year_to = self.period.period()
        today = self._today()
        self.background.run(lambda ledger: statistics.compute(ledger, year_from, year_to, today=today))

    def _failed(self, error: Exception) -> None:
        self.busy.setText("")
        show_error(self, error)

    def measure(self) -> str:
        return self.measure_box.currentData()

    def _show(self, stats: statistics.Statistics) -> None:
        self.statistics = stats
        self.busy.setText("")
        self.title.setText(i18n.tr("gui.stats.title", period=stats.period_text))
        # on one line where that is not too wide (the row's other widgets take the room it leaves)
        self.title.setMinimumWidth(max(160, min(self.title.fontMetrics().horizontalAdvance(self.title.text()) + 8, 240)))
        t = stats.totals
        self.cards["contracts"].set(f"{t.contracts:,}")
        self.cards["amount"].set(wan_text(t.amount_fen))
        self.cards["tech"].set(wan_text(t.tech_fen), self._share(t.tech_fen, t.amount_fen))
        self.cards["approved"].set(wan_text(t.approved_fen), self._share(t.approved_fen, t.tech_fen))
        d = stats.duration
        self.cards["median"].set(days_text(d.median_days),
                                 i18n.tr("gui.stats.card.p90", days=days_text(d.p90_days)) if d.count else "")
        self.cards["median"].setToolTip(i18n.tr("gui.stats.card.duration_count", count=d.count))
        o = stats.overdue
        self.cards["overdue"].set(f"{o.count:,}", i18n.tr("gui.stats.card.overdue_as_of",
                                                         day=stats.overdue_as_of.isoformat()))
        self.cards["overdue"].value.setStyleSheet("color: #c62828;" if o.count else "")
        self._draw_charts()
        self._show_money(stats.year_to)
        if stats.funnel is not None:
            self.funnel.show_funnel(stats.funnel, stats.period_text)
        for key in ("top_buyers", "top_sellers"):
            tree = self.parties[key]
            tree.clear()
            for i, party in enumerate(getattr(stats, key), 1):
                item = QTreeWidgetItem([str(i), party.name, f"{party.contracts:,}", wan_text(party.amount_fen)])
                item.setToolTip(1, party.name)
                for col in (2, 3):
                    item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setTextAlignment(0, Qt.AlignmentFlag.AlignCenter)
                tree.addTopLevelItem(item)
            fit_tree_height(tree)  # tall enough for the ten, no scrolling
        self.computed.emit()

    def _show_money(self, year: int) -> None:
        """Money received in ``year`` by month and by category, and the year's 到账率."""
        got = payments.received(self.ledger, year)
        self.money_received = got
        self.money_cards["received"].caption.setText(i18n.tr("gui.stats.money.received", year=year))
        self.money_cards["received"].set(wan_text(got.total_fen))
        self.money_cards["rate"].caption.setText(i18n.tr("gui.stats.money.rate", year=year))
        self.money_cards["rate"].set("—" if got.rate is None else f"{got.rate:.1%}",
                                     i18n.tr("gui.stats.money.rate_of", received=wan_text(got.signed_received_fen),
                                             signed=wan_text(got.signed_fen)))
        self.money_chart_cards["month"].set_title(i18n.tr("gui.stats.money.by_month", year=year))
        self.money_chart_cards["category"].set_title(i18n.tr("gui.stats.money.by_category", year=year))
        self.money_charts["month"].set_bars([Bar(month_label(m, False), float(to_wan(v)), wan_text(v), "",
                                                 wan_text(v, 0)) for m, v in got.by_month])
        self.money_charts["category"].set_bars([Bar(code_text("contract_category", c), float(to_wan(v)), wan_text(v))
                                                for c, v in got.by_category])

    @staticmethod
    def _share(part: int, whole: int) -> str:
        return i18n.tr("gui.stats.share", share=f"{part / whole:.1%}") if whole else ""

    def _draw_charts(self) -> None:
        stats = self.statistics
        if stats is None:
            return
        measure = self.measure()
        unit = i18n.tr("gui.stats.unit.count" if measure == "contracts" else "gui.stats.unit.wan")
        name = i18n.tr(f"gui.stats.measure.{measure}")
        provinces = sorted(stats.by_province, key=lambda g: -getattr(g, measure))[:TOP_PROVINCES]
        span = stats.year_from != stats.year_to
        groups = {"category": [group_bar(g, measure, code_text("contract_category", g.label)) for g in stats.by_category],
                  "field": [group_bar(g, measure, code_text("tech_field", g.label)) for g in stats.by_field],
                  "province": [group_bar(g, measure) for g in provinces],
                  "month": [group_bar(g, measure, month_label(g.label, span)) for g in stats.by_month]}
        for key in CHARTS:
            self.chart_cards[key].set_title(i18n.tr(f"gui.stats.chart.{key}", measure=name, unit=unit))
            self.charts[key].set_bars(groups[key])

    def open_overdue(self) -> None:
        stats = self.statistics
        if stats is None or not stats.overdue.ids:
            return
        self.openContracts.emit(list(stats.overdue.ids), i18n.tr(
            "gui.stats.overdue_caption", day=stats.overdue_as_of.isoformat(), count=stats.overdue.count))
