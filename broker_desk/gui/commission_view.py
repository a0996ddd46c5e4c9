"""佣金对账单 in the window: a broker (or all) and a year, the statement contract by contract
(:func:`broker_desk.commission.statements`) with its totals, and export to .xlsx or .pdf
(:mod:`broker_desk.reports.commission`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from .. import commission, i18n
from ..money import yuan_text
from ..reports import commission as report  # its column names (cx.*) are the tree's
from .report_view import ReportExport
from .widgets import Dialog, list_tree, opens_rows

i18n.register({
    "gui.cx.title": ("佣金对账单", "Commission statements"),
    "gui.cx.broker": ("经纪人", "Broker"),
    "gui.cx.all": ("全部经纪人", "All brokers"),
    "gui.cx.year": ("年份", "Year"),
    "gui.cx.exporting": ("正在导出佣金对账单", "Exporting commission statements"),
    "gui.cx.open_tip": ("双击或按回车打开合同的“付款与佣金”，在其中修改到账和佣金发放",
                        "Double-click or press Enter to open the contract's payments and commission, "
                        "where receipts and payouts are edited"),
    "gui.cx.totals": ("{brokers} 名经纪人，{lines} 行：本期挣得 {earned} 元，本期发放 {paid} 元，未发放 {open} 元（{mode}）",
                      "{brokers} brokers, {lines} lines: earned {earned}, paid {paid}, outstanding {open} ({mode})"),
})

COLUMNS = ("contract_no", "project", "amount", "received", "commission", "share", "earned_period", "earned",
           "paid_period", "paid", "outstanding")


class CommissionDialog(Dialog):
    """Statements of one broker or of all, for a year; the tree shows a broker, then its contracts."""

    def __init__(self, ledger, parent=None, today: dt.date | None = None):
        super().__init__(i18n.tr("gui.cx.title"), "commission", parent, QDialogButtonBox.StandardButton.Close)
        self.ledger, self.today = ledger, today
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(i18n.tr("gui.cx.broker")))
        self.broker = QComboBox()
        self.broker.addItem(i18n.tr("gui.cx.all"), None)
        for id_, name, inst in ledger.conn.execute("SELECT id, name, institution FROM brokers ORDER BY name, id"):
            self.broker.addItem(f"{name}（{inst}）" if inst else name, id_)
        top.addWidget(self.broker, 1)
        top.addWidget(QLabel(i18n.tr("gui.cx.year")))
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue((today or dt.date.today()).year)
        top.addWidget(self.year)
        self.exporter = ReportExport(self, i18n.tr("gui.cx.exporting"))
        self.xlsx_button, self.pdf_button = self.exporter.xlsx_button, self.exporter.pdf_button
        self.xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export(".pdf"))
        top.addWidget(self.xlsx_button)
        top.addWidget(self.pdf_button)
        layout.addLayout(top)
        self.tree: QTreeWidget = list_tree([i18n.tr(f"cx.{c}") for c in COLUMNS], {1}, right=tuple(range(2, 11)))
        self.tree.setRootIsDecorated(True)  # a broker's contracts fold: its arrow shows they are there
        self.tree.setExpandsOnDoubleClick(False)  # open_line folds a broker (Enter or a double-click)
        self.tree.setToolTip(i18n.tr("gui.cx.open_tip"))
        opens_rows(self.tree, lambda _row: self.open_line())
        layout.addWidget(self.tree, 1)
        self.totals = QLabel("")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        layout.addWidget(self.exporter.status)
        self.broker.currentIndexChanged.connect(lambda _i: self.refresh())
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.resize(1200, 620)
        self.refresh()

    def selection(self) -> tuple[int, list[int] | None]:
        id_ = self.broker.currentData()
        return self.year.value(), None if id_ is None else [id_]

    def refresh(self) -> None:
        year, ids = self.selection()
        self.statements = commission.statements(self.ledger, year, None, ids)
        self.tree.clear()
        for st in self.statements:
            head = QTreeWidgetItem([st.broker, st.institution or "", "", "", "", "",
                                    *(yuan_text(st.total(n)) for n in ("earned_period_fen", "earned_fen",
                                                                       "paid_period_fen", "paid_fen",
                                                                       "outstanding_fen"))])
            font = head.font(0)
            font.setBold(True)
            for c in range(len(COLUMNS)):
                head.setFont(c, font)
                if c >= 2:
                    head.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for ln in st.lines:
                child = QTreeWidgetItem([ln.contract_no, ln.title, yuan_text(ln.amount_fen), yuan_text(ln.received_fen),
                                         yuan_text(ln.commission_fen), f"{ln.share_bp / 100:g}%",
                                         yuan_text(ln.earned_period_fen), yuan_text(ln.earned_fen),
                                         yuan_text(ln.paid_period_fen), yuan_text(ln.paid_fen),
                                         yuan_text(ln.outstanding_fen)])
                for c in range(2, len(COLUMNS)):
                    child.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                child.setData(0, Qt.ItemDataRole.UserRole, ln.contract_id)
                head.addChild(child)
            self.tree.addTopLevelItem(head)
            if len(self.statements) == 1 or len(st.lines) <= 20:
                head.setExpanded(True)
        total = {n: sum(s.total(n) for s in self.statements)
                 for n in ("earned_period_fen", "paid_period_fen", "outstanding_fen")}
        self.totals.setText(i18n.tr(
            "gui.cx.totals", brokers=len(self.statements), lines=sum(len(s.lines) for s in self.statements),
            earned=yuan_text(total["earned_period_fen"]), paid=yuan_text(total["paid_period_fen"]),
            open=yuan_text(total["outstanding_fen"]),
            mode=i18n.tr(f"commission.mode.{commission.mode(self.ledger)}")))

    def line_editor(self, item: QTreeWidgetItem | None = None):
        """The contract editor of a statement line (the current one), on its 佣金 page: its
        payouts are edited there; None for a broker's line."""
        item = item or self.tree.currentItem()
        contract_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if contract_id is None:
            return None
        opener = getattr(self.parentWidget(), "editor", None)  # the window's: it refreshes after a change
        if opener is not None:
            editor = opener("contract", contract_id)
        else:
            from .contract_editor import ContractEditor

            editor = ContractEditor(self.ledger, contract_id, self)
        editor.tabs.setCurrentIndex(editor.tabs.count() - 1)
        editor.money_panel.lower.setCurrentIndex(1)
        return editor

    def open_line(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.parent() is None:  # a broker: its contracts fold or unfold
            item.setExpanded(not item.isExpanded())
            return
        editor = self.line_editor(item)
        if editor is not None:
            editor.exec()
            editor.deleteLater()
            self.refresh()

    def export(self, suffix: str, path: str | Path | None = None) -> Path | None:
        """The statements of the chosen broker(s) and year as ``suffix`` (.xlsx or .pdf) at ``path``
        (asked for when None): the file written, or None."""
        year, ids = self.selection()
        ledger_path = self.ledger.path

        def write(target, progress, cancelled):
            from ..ledger import Ledger

            with Ledger.open(ledger_path, create=False) as led:
                return report.write(led, commission.statements(led, year, None, ids), target, progress, cancelled)

        return self.exporter.run(suffix, path, f"{i18n.tr('gui.cx.title')}{year}{suffix}", write)
