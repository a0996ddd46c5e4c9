"""The 统计 page's 对接漏斗 section: the front office's 需求 → 对接 → 签约 of the period
(:mod:`broker_desk.funnel`, computed with the statistics) — a bar per step, 签约率 and
签约成交额 as cards, and a table per broker that sorts by any column."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTreeWidgetItem, QVBoxLayout, QWidget

from .. import i18n
from ..funnel import Funnel, FunnelRow, rate_text
from ..money import wan_text
from .charts import Bar, BarChart, ChartCard
from .widgets import Card, fit_tree_height, list_tree

i18n.register({
    "gui.funnel.heading": ("对接漏斗", "Front office funnel"),
    "gui.funnel.title": ("{period}对接漏斗：需求 → 对接 → 签约", "Front office funnel, {period}: demands → engagements → signed"),
    "gui.funnel.note": ("需求按发布日期、对接按开始日期计入本期；签约为其中已签约的对接项目",
                        "Demands count by publication date, engagements by start date; "
                        "signed: those engagements signed so far"),
    "gui.funnel.chart": ("需求、对接与签约（个）", "Demands, engagements and signed (count)"),
    "gui.funnel.step.demands": ("技术需求", "Demands"),
    "gui.funnel.step.engagements": ("对接项目", "Engagements"),
    "gui.funnel.step.signed": ("已签约", "Signed"),
    "gui.funnel.card.rate": ("签约率（签约 / 对接）", "Signing rate (signed / engagements)"),
    "gui.funnel.card.rate_of": ("签约 {signed} / 对接 {engagements}", "{signed} of {engagements} signed"),
    "gui.funnel.card.amount": ("签约成交额（万元）", "Signed turnover (10k yuan)"),
    "gui.funnel.card.amount_note": ("由对接项目签订的合同", "Contracts signed from the engagements"),
    "gui.funnel.col.broker": ("经纪人", "Broker"),
    "gui.funnel.col.demands": ("需求", "Demands"),
    "gui.funnel.col.engagements": ("对接", "Engagements"),
    "gui.funnel.col.signed": ("签约", "Signed"),
    "gui.funnel.col.rate": ("签约率", "Signing rate"),
    "gui.funnel.col.amount": ("签约成交额（万元）", "Signed (10k yuan)"),
    "gui.funnel.col.amount_tip": ("按经纪人在对接项目中的份额计入", "Counted by the broker's share of the engagement"),
    "gui.funnel.empty": ("本期没有技术需求或对接项目。", "No demand or engagement in this period."),
})

COLUMNS = ("broker", "demands", "engagements", "signed", "rate", "amount")
STEPS = ("demands", "engagements", "signed")
BROKER_ID = Qt.ItemDataRole.UserRole + 1  # a row's broker (UserRole holds each column's sort key)


class _Row(QTreeWidgetItem):
    """A broker's row: each column sorts by its value (the name column by the core's name order)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree else 0
        mine, theirs = self.data(column, Qt.ItemDataRole.UserRole), other.data(column, Qt.ItemDataRole.UserRole)
        if mine == theirs:  # equal figures keep the name order, whichever way the column sorts
            before = self.data(0, Qt.ItemDataRole.UserRole) < other.data(0, Qt.ItemDataRole.UserRole)
            descending = tree is not None and tree.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            return before != descending
        return (mine is None, mine) < (theirs is None, theirs)  # no rate (no engagement) last


class FunnelSection(QWidget):
    """The funnel of :class:`~broker_desk.funnel.Funnel`; :meth:`show_funnel` fills it.
    ``openBroker(id)``: a broker's row was double-clicked (or Enter pressed on it)."""

    openBroker = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.funnel: Funnel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.title = title = QLabel(i18n.tr("gui.funnel.heading"))
        title.setObjectName("sectionTitle")
        note = QLabel(i18n.tr("gui.funnel.note"))
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(note)

        top = QHBoxLayout()  # the three steps, then the two figures beside them, one height
        top.setSpacing(12)
        self.chart = BarChart(max_label_share=0.3)
        self.chart_card = ChartCard(i18n.tr("gui.funnel.chart"), self.chart)
        top.addWidget(self.chart_card, 2)
        self.cards = {key: Card(i18n.tr(f"gui.funnel.card.{key}")) for key in ("rate", "amount")}
        for card in self.cards.values():
            top.addWidget(card, 1)
        layout.addLayout(top)

        self.table = list_tree([i18n.tr(f"gui.funnel.col.{c}") for c in COLUMNS], {0}, right=tuple(range(1, 6)))
        self.table.headerItem().setToolTip(5, i18n.tr("gui.funnel.col.amount_tip"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.itemActivated.connect(lambda item, _col: self.openBroker.emit(item.data(0, BROKER_ID)))
        layout.addWidget(self.table)
        self.empty = QLabel(i18n.tr("gui.funnel.empty"))
        self.empty.setObjectName("muted")
        self.empty.hide()
        layout.addWidget(self.empty)

    def show_funnel(self, funnel: Funnel, period: str) -> None:
        """Show ``funnel``; ``period`` (e.g. "2025 年") names its years in the title."""
        self.funnel = funnel
        self.title.setText(i18n.tr("gui.funnel.title", period=period))
        t = funnel.totals
        counts = {"demands": t.demands, "engagements": t.engagements, "signed": t.signed}
        self.chart.set_bars([Bar(i18n.tr(f"gui.funnel.step.{step}"), float(counts[step]), f"{counts[step]:,}")
                             for step in STEPS])
        self.cards["rate"].set(rate_text(t.signing_rate),
                               i18n.tr("gui.funnel.card.rate_of", signed=f"{t.signed:,}",
                                       engagements=f"{t.engagements:,}"))
        self.cards["amount"].set(wan_text(t.signed_fen), i18n.tr("gui.funnel.card.amount_note"))
        self.table.setSortingEnabled(False)  # fill in the core's order, then sort as the reader chose
        self.table.clear()
        for i, row in enumerate(funnel.brokers):
            self.table.addTopLevelItem(self._item(i, row))
        self.table.setSortingEnabled(True)
        self.table.setVisible(bool(funnel.brokers))
        self.empty.setVisible(not funnel.brokers)
        fit_tree_height(self.table)  # every broker: the page scrolls, not the table

    @staticmethod
    def _item(order: int, row: FunnelRow) -> QTreeWidgetItem:
        item = _Row([row.name, f"{row.demands:,}", f"{row.engagements:,}", f"{row.signed:,}",
                     rate_text(row.signing_rate), wan_text(row.signed_fen)])
        for col, key in enumerate((order, row.demands, row.engagements, row.signed, row.signing_rate,
                                   row.signed_fen)):
            item.setData(col, Qt.ItemDataRole.UserRole, key)
            if col:
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(0, BROKER_ID, row.key)
        item.setToolTip(0, row.name)
        return item

    def rows(self) -> list[list[str]]:
        """The table as shown, top to bottom (for a test or a reader)."""
        tree = self.table
        return [[tree.topLevelItem(r).text(c) for c in range(len(COLUMNS))] for r in range(tree.topLevelItemCount())]
