"""排行榜: the ranking of brokers (or of their institutions) for a year or a span
of years, as the core computes it (:mod:`broker_desk.rankings`): the period and
grouping pickers, the measure ranked first (the ledger's ``rankings.order``
setting, which a manager may change here), 对接项目数 and 签约率 as two more columns
when the ledger's ``rankings.front_office`` setting says so (a checkbox here and in
设置; the order never changes with it), the table with its totals, the top
ten as a bar chart, and the export to Excel or PDF. A row (or a bar) opens its
contracts in the contract list.

The ranking is computed off the GUI thread (:class:`jobs.Background`); the
export runs as a job with progress and a Cancel button."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .. import i18n, rankings
from ..errors import BrokerDeskError
from ..funnel import rate_text
from ..money import to_wan, wan_text
from . import jobs
from .charts import Bar, BarChart, ChartCard
from .report_view import (
    PeriodPage,
    PeriodPicker,
    ReportExport,
    TextRowsModel,
    fit_columns,
    totals_label,
)
from .widgets import record_table, show_error, title_row

i18n.register({
    "gui.rw.open": ("奖补测算…", "Reward estimate…"),
    "gui.rw.open_tip": ("按奖补政策文件测算某年买方、卖方、经纪人或机构可得的奖补，并导出 Excel 或 PDF",
                        "Estimate a year's rewards under a policy file and export them to Excel or PDF"),
    "gui.rankings": ("排行榜", "Rankings"),
    "gui.rank.by.broker": ("按经纪人", "By broker"),
    "gui.rank.by.institution": ("按机构", "By institution"),
    "gui.rank.order": ("排名依据", "Ranked by"),
    "gui.rank.order_tip": ("排行榜首先比较的指标；更改后保存在账本中，导出的排行榜也按此排序",
                           "The measure compared first; saved in the ledger, exports use it too"),
    "gui.rank.order_saved": ("排序规则已保存：{rule}", "Order saved: {rule}"),
    "gui.rank.rule": ("排序规则：{rule}", "Order: {rule}"),
    "gui.rank.computing": ("正在计算…", "Computing…"),
    "gui.rank.count.broker": ("{count} 名经纪人", "{count} brokers"),
    "gui.rank.count.institution": ("{count} 家机构", "{count} institutions"),
    "gui.rank.col.rank": ("名次", "Rank"),
    "gui.rank.col.name.broker": ("姓名", "Name"),
    "gui.rank.col.name.institution": ("机构", "Institution"),
    "gui.rank.col.institution": ("所属机构", "Institution"),
    "gui.rank.col.contracts": ("登记合同数", "Contracts"),
    "gui.rank.col.amount": ("成交额（万元）", "Turnover (10k yuan)"),
    "gui.rank.col.approved": ("核定技术交易额（万元）", "Approved (10k yuan)"),
    "gui.rank.col.commission": ("佣金（万元）", "Commission (10k yuan)"),
    "gui.rank.col.clients": ("服务客户数", "Clients"),
    "gui.rank.col.engagements": ("对接项目数", "Engagements"),
    "gui.rank.col.signing_rate": ("签约率", "Signing rate"),
    "gui.rank.front_office": ("显示对接项目数和签约率", "Show engagements and signing rate"),
    "gui.rank.front_office_tip": ("另列本期间的对接项目数和签约率（签约 / 对接），不影响排序；保存在账本中，"
                                  "与“设置”中的同一选项一致，导出的排行榜也随之",
                                  "Two more columns: the period's engagements and signing rate (signed / "
                                  "engagements); the order is unchanged. Saved in the ledger, the same option "
                                  "as in Settings; exports follow it"),
    "gui.rank.front_office_saved": ("排行榜{shown}对接项目数和签约率", "Rankings: engagements and signing rate {shown}"),
    "gui.rank.front_office_on": ("另列", "shown"),
    "gui.rank.front_office_off": ("不再列出", "hidden"),
    "gui.rank.totals_front": ("　对接项目 {engagements} 个　签约率 {rate}",
                              " · {engagements} engagements · signing rate {rate}"),
    "gui.rank.totals": ("合计：登记合同 {contracts} 份　成交额 {amount} 万元　核定技术交易额 {approved} 万元　"
                        "佣金 {commission} 万元　服务客户 {clients} 家",
                        "Total: {contracts} contracts · turnover {amount} (10k yuan) · approved {approved} "
                        "(10k yuan) · commission {commission} (10k yuan) · {clients} clients"),
    "gui.rank.totals_tip": ("合计按合同计：几位经纪人合办的合同只计一次、按全额，所以各行之和可能大于合计。",
                            "The totals count each contract once, in full: a contract shared by several brokers "
                            "counts in each of their rows, so the rows may add up to more."),
    "gui.rank.chart": ("前十名：{measure}", "Top ten: {measure}"),
    "gui.rank.chart_wan": ("前十名：{measure}（万元）", "Top ten: {measure} (10k yuan)"),
    "gui.rank.chart_note": ("点按一行或一条可查看计入的合同", "Click a row or a bar to see its contracts"),
    "gui.rank.empty": ("{period}没有登记的合同计入排行榜", "No registered contract counts in {period}"),
    "gui.rank.exporting": ("正在导出排行榜…", "Exporting the ranking…"),
    "gui.rank.computing_export": ("正在计算排行榜与统计", "Computing the ranking and statistics"),
    "gui.rank.contracts_caption": ("排行榜 · {period} · {name}：{count} 份已登记合同",
                                   "Ranking · {period} · {name}: {count} registered contracts"),
})

COLUMNS = ("rank", "name", "institution", "contracts", "amount", "approved", "commission", "clients")
#: The columns a ranking with the front office's figures adds (``Ranking.front_office``).
FRONT_COLUMNS = ("engagements", "signing_rate")
#: The table column that holds each measure.
MEASURE_COLUMN = {"approved": "approved", "amount": "amount", "commission": "commission",
                  "contracts": "contracts", "clients": "clients"}
MEDAL = {1: "#b7791f", 2: "#6b7a90", 3: "#a0623a"}  # ranks 1–3 in gold, silver, bronze tones


def row_texts(row: rankings.RankingRow) -> dict[str, str]:
    """A ranking row as the table shows it."""
    return {"rank": str(row.rank), "name": row.name, "institution": row.institution,
            "contracts": f"{row.contracts:,}", "amount": wan_text(row.amount_fen),
            "approved": wan_text(row.approved_fen), "commission": wan_text(row.commission_fen),
            "clients": f"{row.clients:,}",
            "engagements": "" if row.engagements is None else f"{row.engagements:,}",
            "signing_rate": "" if row.engagements is None else rate_text(row.signing_rate)}


class RankingModel(TextRowsModel):
    """The rows of a :class:`rankings.Ranking`, read-only."""

    def __init__(self, parent=None):
        super().__init__(COLUMNS, row_texts, parent)
        self.ranking: rankings.Ranking | None = None

    def set_ranking(self, ranking: rankings.Ranking | None) -> None:
        self.ranking = ranking
        front = ranking is not None and ranking.front_office
        self.set_rows(list(ranking.rows) if ranking else [], COLUMNS + FRONT_COLUMNS if front else COLUMNS)

    def row_at(self, row: int) -> rankings.RankingRow | None:
        if self.ranking is None or not 0 <= row < len(self.ranking.rows):
            return None
        return self.ranking.rows[row]

    def _first_column(self) -> str | None:
        return MEASURE_COLUMN.get(self.ranking.first_measure) if self.ranking else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        key = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "name":
                return i18n.tr(f"gui.rank.col.name.{self.ranking.by if self.ranking else 'broker'}")
            title = i18n.tr(f"gui.rank.col.{key}")
            if key == self._first_column():
                title = f"{title} ▼"
            if len(self.columns) > len(COLUMNS):  # room for the extra columns: 成交额 / （万元）
                title = title.replace("（", "\n（", 1).replace(" (", "\n(", 1)
            return title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("name", "institution"):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if key == "rank":
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "rank":
                return int(Qt.AlignmentFlag.AlignCenter)
            if key not in ("name", "institution"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        rank = self.rows[index.row()].rank
        if role == Qt.ItemDataRole.FontRole and (key == self._first_column() or (key == "rank" and rank <= 3)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "rank" and rank in MEDAL:
            return QBrush(QColor(MEDAL[rank]))
        if role == Qt.ItemDataRole.BackgroundRole and key == self._first_column():
            return QBrush(QColor(47, 111, 222, 14))  # the measure ranked by, faintly tinted
        if role == Qt.ItemDataRole.ToolTipRole and key in ("name", "institution"):
            return self.text(index.row(), key)
        return None


class RankingsPage(PeriodPage):
    """The 排行榜 page. ``openContracts(ids, caption)`` asks for a row's contracts in the list."""

    openContracts = Signal(list, str)
    computed = Signal()
    message = Signal(str)

    def __init__(self, ledger, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(ledger, today, parent)
        self.ranking: rankings.Ranking | None = None
        self.exporter = ReportExport(self, i18n.tr("gui.rank.exporting"))
        self.xlsx_button, self.pdf_button = self.exporter.xlsx_button, self.exporter.pdf_button
        self.status = self.exporter.status
        self.background = jobs.Background(ledger, self)
        self.background.done.connect(self._show)
        self.background.failed.connect(self._failed)
        self.background.busyChanged.connect(self._busy)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.setSpacing(8)
        top, self.title, self.count = title_row(i18n.tr("gui.rankings"))
        self.title.setWordWrap(True)  # beside the export buttons a long title may take two lines
        top.setStretch(1, 0)  # the title takes the room left, not the spacer after it
        top.setStretchFactor(self.title, 1)
        layout.addLayout(top)

        bar = QHBoxLayout()
        bar.setSpacing(10)
        self.period = PeriodPicker()
        self.period.changed.connect(self.reload)
        bar.addWidget(self.period)
        bar.addSpacing(10)
        self.by_group = QButtonGroup(self)
        self.by_buttons: dict[str, QPushButton] = {}
        segments = QHBoxLayout()
        segments.setSpacing(0)
        for by in rankings.BY:
            button = QPushButton(i18n.tr(f"gui.rank.by.{by}"))
            button.setObjectName("segment")
            button.setCheckable(True)
            self.by_group.addButton(button)
            self.by_buttons[by] = button
            segments.addWidget(button)
        self.by_buttons["broker"].setChecked(True)
        self.by_group.buttonToggled.connect(lambda _b, on: on and self.reload())
        bar.addLayout(segments)
        bar.addSpacing(10)
        bar.addWidget(QLabel(i18n.tr("gui.rank.order")))
        self.order_box = QComboBox()
        self.order_box.setToolTip(i18n.tr("gui.rank.order_tip"))
        for measure in rankings.NUMERIC:
            self.order_box.addItem(rankings.measure_label(measure), measure)
        self.order_box.currentIndexChanged.connect(self._order_chosen)
        bar.addWidget(self.order_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        # the buttons beside the title: at 1024 px the pickers keep the width they need
        self.xlsx_button.clicked.connect(lambda: self.export_xlsx())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        top.addSpacing(12)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)
        self.rewards_button = QPushButton(i18n.tr("gui.rw.open"))
        self.rewards_button.setToolTip(i18n.tr("gui.rw.open_tip"))
        self.rewards_button.clicked.connect(lambda: self.open_rewards())
        top.addWidget(self.rewards_button)

        self.rule = QLabel("")
        self.rule.setObjectName("muted")
        self.rule.setWordWrap(True)
        self.front_office_box = QCheckBox(i18n.tr("gui.rank.front_office"))  # rankings.front_office
        self.front_office_box.setToolTip(i18n.tr("gui.rank.front_office_tip"))
        self.front_office_box.toggled.connect(self._front_office_chosen)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule, 1)
        rule_row.addWidget(self.front_office_box)
        layout.addLayout(rule_row)

        self.model = RankingModel(self)
        self.table = record_table(self.model, self.open_row)
        self.table.horizontalHeader().setMinimumSectionSize(56)
        fit_columns(self.table, COLUMNS.index("institution"))
        self.totals = totals_label()
        self.totals.setToolTip(i18n.tr("gui.rank.totals_tip"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.totals)

        self.chart = BarChart()
        self.chart.set_clickable(True)
        self.chart.barActivated.connect(self.open_row)
        self.chart_card = ChartCard("", self.chart)
        right = QWidget()
        right.setMinimumWidth(320)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.chart_card)
        right_layout.addStretch(1)
        # the chart beside the table when the page is wide enough, else below it
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self._wide: bool | None = None
        self._user_sized = False
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_user_sized", True))
        layout.addWidget(self.splitter, 1)

        status = QHBoxLayout()
        status.addWidget(self.status, 1)
        layout.addLayout(status)

        self._show_order()
        self._show_front_office()

    # -- choices ----------------------------------------------------------------------------
    def by(self) -> str:
        return next(by for by, button in self.by_buttons.items() if button.isChecked())

    def set_by(self, by: str) -> None:
        self.by_buttons[by].setChecked(True)

    def order(self) -> list[str]:
        """The ledger's order rule (the default one if the setting is not valid)."""
        try:
            return rankings.check_order(self.ledger.setting("rankings.order"))
        except BrokerDeskError:
            return list(rankings.DEFAULT_ORDER)

    def _show_order(self) -> None:
        first = next((m for m in self.order() if m != "name"), "approved")
        with QSignalBlocker(self.order_box):
            self.order_box.setCurrentIndex(self.order_box.findData(first))

    def front_office(self) -> bool:
        """Whether the ranking shows 对接项目数 and 签约率 (the ledger's setting)."""
        return bool(self.ledger.setting("rankings.front_office"))

    def _show_front_office(self) -> None:
        with QSignalBlocker(self.front_office_box):
            self.front_office_box.setChecked(self.front_office())

    def _front_office_chosen(self, on: bool) -> None:
        if on == self.front_office():
            return
        self.ledger.set_setting("rankings.front_office", on)
        self.message.emit(i18n.tr("gui.rank.front_office_saved",
                                  shown=i18n.tr(f"gui.rank.front_office_{'on' if on else 'off'}")))
        self.reload()

    def set_first_measure(self, measure: str) -> None:
        """Rank by ``measure`` first, then by the rest of the current rule; saved in the ledger."""
        self.order_box.setCurrentIndex(self.order_box.findData(measure))

    def _order_chosen(self, _index: int) -> None:
        measure = self.order_box.currentData()
        current = self.order()
        if current and current[0] == measure:
            return
        order = [measure] + [m for m in current if m != measure]
        self.ledger.set_setting("rankings.order", order)
        self.message.emit(i18n.tr("gui.rank.order_saved", rule=rankings.rule_text(order, self.by())))
        self.reload()

    # -- computing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._show_order()
        self._show_front_office()
        super().refresh()

    WIDE = 1240  # px: from this page width the chart stands beside the table

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_splitter()

    def _fit_splitter(self) -> None:
        """The chart beside the table (440 px wide) or below it (as tall as its bars), unless
        the user moved the divider since the last change of orientation."""
        wide = self.width() >= self.WIDE
        if wide != self._wide:
            self._wide = wide
            self._user_sized = False
            self.splitter.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)
            self.chart.set_compact(not wide)
        if self._user_sized:
            return
        chart = 440 if wide else self.chart_card.sizeHint().height()
        total = self.splitter.width() if wide else self.splitter.height()
        self.splitter.setSizes([max(total - chart, 120), chart])

    def reload(self) -> None:
        """Compute the ranking for the chosen period, grouping and order (off the GUI thread)."""
        self._stale = False
        if not self.period.offered():
            self._fill_years()
        year_from, year_to = self.period.period()
        by, order, front = self.by(), self.order(), self.front_office()
        self.background.run(lambda ledger: rankings.compute(ledger, year_from, year_to, by, order, front))

    def _busy(self, busy: bool) -> None:
        if busy:
            self.count.setText(i18n.tr("gui.rank.computing"))

    def _failed(self, error: Exception) -> None:
        self.count.setText("")
        show_error(self, error)

    def _show(self, ranking: rankings.Ranking) -> None:
        self.ranking = ranking
        self.model.set_ranking(ranking)
        by_institution = ranking.by == "institution"
        self.table.setColumnHidden(COLUMNS.index("institution"), by_institution)
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("name"), QHeaderView.ResizeMode.Stretch if by_institution else
            QHeaderView.ResizeMode.ResizeToContents)
        self.count.setText(i18n.tr(f"gui.rank.count.{ranking.by}", count=len(ranking.rows)))
        self.title.setText(ranking.title)
        self.rule.setText(i18n.tr("gui.rank.rule", rule=ranking.rule_text))
        t = ranking.totals
        self.totals.setText(i18n.tr("gui.rank.totals", contracts=f"{t.contracts:,}", amount=wan_text(t.amount_fen),
                                    approved=wan_text(t.approved_fen), commission=wan_text(t.commission_fen),
                                    clients=f"{t.clients:,}")
                            + (i18n.tr("gui.rank.totals_front", engagements=f"{t.engagements:,}",
                                       rate=rate_text(t.signing_rate)) if ranking.front_office else ""))
        measure = ranking.first_measure
        label = rankings.measure_label(measure, ranking.by)
        title_key = "gui.rank.chart_wan" if measure in rankings.MONEY else "gui.rank.chart"
        self.chart_card.set_title(i18n.tr(title_key, measure=label),
                                  i18n.tr("gui.rank.chart_note") if ranking.rows else "")
        self.chart.empty_text = i18n.tr("gui.rank.empty", period=ranking.period_text)
        self.chart.set_bars([top_bar(row, measure) for row in ranking.top(10)])
        self.exporter.set_enabled(bool(ranking.rows))
        self._fit_splitter()
        self.computed.emit()

    def open_rewards(self):
        """The 奖补测算 dialog for the page's first year (returned, shown non-modal)."""
        from .rewards_dialog import RewardsDialog

        dialog = RewardsDialog(self.ledger, self._today(), self)
        dialog.set_year(self.period.period()[0])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # -- a row's contracts --------------------------------------------------------------------
    def open_row(self, row: int) -> None:
        item = self.model.row_at(row)
        if item is None or self.ranking is None:
            return
        r = self.ranking
        ids = rankings.contract_ids(self.ledger, r.year_from, r.year_to, r.by, item.key)
        name = item.name if r.by == "institution" or not item.institution else f"{item.name}（{item.institution}）"
        self.openContracts.emit(ids, i18n.tr("gui.rank.contracts_caption", period=r.period_text, name=name,
                                             count=len(ids)))

    # -- export ---------------------------------------------------------------------------------
    def export_xlsx(self, path: str | Path | None = None) -> Path | None:
        """The ranking, its contributing contracts and the period's statistics as a workbook."""
        return self._export(path, ".xlsx")

    def export_pdf(self, path: str | Path | None = None) -> Path | None:
        """The ranking as a PDF for publishing."""
        return self._export(path, ".pdf")

    def _export(self, path: str | Path | None, suffix: str) -> Path | None:
        if self.ranking is None:
            return None
        r = self.ranking
        year_from, year_to, by, order, today = r.year_from, r.year_to, r.by, r.order, self.today
        front = r.front_office  # the columns shown, whatever the setting says by now
        ledger_path = self.ledger.path

        def write(target, progress, cancelled):
            from .. import statistics
            from ..ledger import Ledger
            from ..reports import rankings as rankings_report

            with Ledger.open(ledger_path, create=False) as led:
                progress(0.0, i18n.tr("gui.rank.computing_export"))
                ranking = rankings.compute(led, year_from, year_to, by, order, front)
                if suffix == ".xlsx":
                    stats = statistics.compute(led, year_from, year_to, today=today)
                    return rankings_report.write_xlsx(led, ranking, stats, target, progress, cancelled)
                return rankings_report.write_pdf(led, ranking, target, progress=progress, cancelled=cancelled)

        return self.exporter.run(suffix, path, f"{r.title.replace(' ', '')}{suffix}", write)


def top_bar(row: rankings.RankingRow, measure: str) -> Bar:
    """A ranking row as a bar of the top-ten chart, for the measure ranked first."""
    value = getattr(row, rankings.ATTRIBUTE[measure])
    texts = row_texts(row)
    if measure in rankings.MONEY:  # every amount of a ranking in 万元: screen, Excel and PDF alike
        number, text = float(to_wan(value)), wan_text(value)
    else:
        number, text = float(value), f"{value:,}"
    tip = (f"{row.rank}. {row.name}\n{i18n.tr('gui.rank.col.contracts')}：{texts['contracts']}\n"
           f"{i18n.tr('gui.rank.col.amount')}：{texts['amount']}\n{i18n.tr('gui.rank.col.approved')}："
           f"{texts['approved']}\n{i18n.tr('gui.rank.col.commission')}：{texts['commission']}")
    return Bar(row.name, number, text, tip)
