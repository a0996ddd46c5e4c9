"""工作台: the home page — this year's figures, the cases waiting to be handed
in, with the office (days left, overdue first) and sent back, and the latest
changes. Every case opens its contract."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import dashboard, i18n
from ..money import wan_text
from .models import days_text
from .widgets import Card, list_tree

i18n.register({
    "gui.home": ("工作台", "Home"),
    "gui.home.registered": ("{year} 年已登记合同", "Contracts registered in {year}"),
    "gui.home.amount": ("{year} 年成交额（万元）", "Contract amount {year} (10k yuan)"),
    "gui.home.tech": ("{year} 年技术交易额（万元）", "Technology trade {year} (10k yuan)"),
    "gui.home.approved": ("核定 {value} 万元", "approved {value}"),
    "gui.home.overdue": ("超过办理时限", "Past the office's time limit"),
    "gui.home.with_office": ("共 {count} 件在登记机构", "{count} with the office"),
    "gui.home.ready": ("待提交（{count}）", "Ready to hand in ({count})"),
    "gui.home.accepted": ("已受理，等待登记机构（{count}）", "With the office ({count})"),
    "gui.home.correction": ("需补正（{count}）", "Sent back for correction ({count})"),
    "gui.home.recent": ("最近的修改", "Latest changes"),
    "gui.home.col.contract": ("合同编号", "Contract no."),
    "gui.home.col.title": ("项目名称", "Title"),
    "gui.home.col.seller": ("卖方", "Seller"),
    "gui.home.col.since": ("日期", "Since"),
    "gui.home.col.left": ("时限", "Time left"),
    "gui.home.col.when": ("时间", "When"),
    "gui.home.col.who": ("操作人", "Who"),
    "gui.home.col.what": ("内容", "What"),
    "gui.home.empty": ("暂无", "None"),
})


class HomePage(QWidget):
    openContract = Signal(int)
    openRecord = Signal(str, int)
    showOverdue = Signal()

    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.today: dt.date | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        title = QLabel(i18n.tr("gui.home"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        cards = QHBoxLayout()
        self.cards = [Card(""), Card(""), Card(""), Card(i18n.tr("gui.home.overdue"))]
        for card in self.cards:
            cards.addWidget(card)
        self.cards[3].mousePressEvent = lambda _e: self.showOverdue.emit()
        self.cards[3].setCursor(Qt.CursorShape.PointingHandCursor)
        layout.addLayout(cards)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.accepted = self._cases(["contract", "title", "seller", "since", "left"])
        self.ready = self._cases(["contract", "title", "seller", "since"])
        self.correction = self._cases(["contract", "title", "seller", "since"])
        self.recent = self._cases(["when", "who", "what"])
        self.titles = {}
        for (row, col, key, tree) in ((0, 0, "accepted", self.accepted), (0, 1, "ready", self.ready),
                                      (1, 0, "correction", self.correction), (1, 1, "recent", self.recent)):
            box = QVBoxLayout()
            label = QLabel()
            label.setObjectName("sectionTitle")
            self.titles[key] = label
            box.addWidget(label)
            box.addWidget(tree)
            grid.addLayout(box, row, col)
        layout.addLayout(grid, 1)
        self.refresh()

    def _cases(self, columns: list[str]) -> QTreeWidget:
        tree = list_tree([i18n.tr(f"gui.home.col.{c}") for c in columns],
                         {i for i, c in enumerate(columns) if c in ("title", "what", "seller")})
        tree.setMinimumHeight(220)
        tree.itemActivated.connect(self._activated)  # Enter, and a double-click (or the platform's click)
        return tree

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(data, int):
            self.openContract.emit(data)
        elif data:  # a change: the record it was about
            self.openRecord.emit(data[0], data[1])

    def refresh(self) -> None:
        s = dashboard.summary(self.ledger, self.today)
        self.cards[0].caption.setText(i18n.tr("gui.home.registered", year=s.year))
        self.cards[0].set(f"{s.registered:,}")
        self.cards[1].caption.setText(i18n.tr("gui.home.amount", year=s.year))
        self.cards[1].set(wan_text(s.amount_fen))
        self.cards[2].caption.setText(i18n.tr("gui.home.tech", year=s.year))
        self.cards[2].set(wan_text(s.tech_fen), i18n.tr("gui.home.approved", value=wan_text(s.approved_fen)))
        self.cards[3].set(f"{s.overdue:,}", i18n.tr("gui.home.with_office", count=len(s.accepted)))
        self.cards[3].value.setStyleSheet("color: #c62828;" if s.overdue else "")
        for key, tree, cases in (("accepted", self.accepted, s.accepted), ("ready", self.ready, s.ready),
                                 ("correction", self.correction, s.correction)):
            self.titles[key].setText(i18n.tr(f"gui.home.{key}", count=len(cases)))
            tree.clear()
            for case in cases:
                values = [case.contract_no, case.title, case.seller, case.date or ""]
                if key == "accepted":
                    values.append(days_text(case.days_left))
                item = QTreeWidgetItem(values)
                item.setData(0, Qt.ItemDataRole.UserRole, case.id)
                if case.days_left is not None and case.days_left < 0:
                    for i in range(len(values)):
                        item.setForeground(i, QBrush(QColor("#c62828")))
                tree.addTopLevelItem(item)
        self.titles["recent"].setText(i18n.tr("gui.home.recent"))
        self.recent.clear()
        for op in s.recent:
            when = op["ts"].replace("T", " ").removesuffix("Z")
            item = QTreeWidgetItem([local_time(op["ts"]) or when, op["user"], op["label"]])
            if op["record"]:
                item.setData(0, Qt.ItemDataRole.UserRole, list(op["record"]))
            self.recent.addTopLevelItem(item)


def local_time(ts: str) -> str | None:
    """A UTC ISO timestamp in the local time zone, minutes precision."""
    try:
        moment = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
