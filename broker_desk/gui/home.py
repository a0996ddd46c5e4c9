"""工作台: the home page — this year's figures, the cases waiting to be handed
in, with the office (days left, overdue first) and sent back, and the latest
changes. Every case opens its contract."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import dashboard, frontoffice, i18n, payments
from ..money import wan_text, yuan_text
from .models import days_text
from .widgets import Card, Reflow, list_tree

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
    "gui.home.col.due": ("办结期限", "Decision due"),
    "gui.home.col.when": ("时间", "When"),
    "gui.home.col.who": ("操作人", "Who"),
    "gui.home.col.what": ("内容", "What"),
    "gui.home.empty": ("暂无", "None"),
    "gui.home.payments": ("应收款：本月到期及逾期 {count} 笔（逾期 {late} 笔，未到账 {total} 万元）",
                          "Payments due this month and overdue: {count} ({late} overdue, {total} 10k yuan)"),
    "gui.home.col.buyer": ("买方", "Buyer"),
    "gui.home.col.seq": ("期次", "No."),
    "gui.home.col.pay_due": ("约定日期", "Due"),
    "gui.home.col.open": ("未到账（元）", "Outstanding"),
    "gui.home.col.late": ("逾期", "Overdue"),
    "gui.home.due_month": ("本月到期", "due this month"),
    "gui.home.followups": ("今日及逾期跟进（{count}，逾期 {late}）", "Follow-ups due today and overdue ({count}, {late} overdue)"),
    "gui.home.col.next_on": ("应跟进日期", "Due"),
    "gui.home.col.engagement": ("对接项目", "Engagement"),
    "gui.home.col.step": ("下一步", "Next step"),
    "gui.home.col.broker": ("经纪人", "Broker"),
    "gui.home.first.title": ("账本还是空的，从这里开始", "The ledger is empty: start here"),
    "gui.home.first.text": ("先建立客户（合同的买方和卖方），再在“技术合同”中按 Ctrl+N 登记合同；"
                            "已有 Excel 台账的，可以直接导入。想先看看程序能做什么，可以打开示例账本"
                            "（单独的文件，不会混入您的数据）。按 F1 查看使用说明。",
                            "First add the clients (a contract's buyer and seller), then the contracts "
                            "(Contracts, Ctrl+N); a ledger kept in Excel can be imported as it is. To see "
                            "what the program does first, open the sample ledger (a separate file that never "
                            "mixes with yours). F1 opens the user guide."),
    "gui.home.first.client": ("新建客户…", "New client…"),
    "gui.home.first.import": ("导入 Excel 工作簿…", "Import a workbook…"),
    "gui.home.first.sample": ("打开示例账本", "Open the sample ledger"),
})


class FirstSteps(QFrame):
    """What to do first in an empty ledger, with a button for each way to start;
    ``chosen(step)`` says which: "client", "import" or "sample"."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        title = QLabel(i18n.tr("gui.home.first.title"))
        title.setObjectName("sectionTitle")
        text = QLabel(i18n.tr("gui.home.first.text"))
        text.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(text)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for step in ("client", "import", "sample"):
            button = QPushButton(i18n.tr(f"gui.home.first.{step}"))
            if step == "client":
                button.setObjectName("primary")
            button.clicked.connect(lambda _=False, s=step: self.chosen.emit(s))
            self.buttons[step] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)


class HomePage(QWidget):
    openContract = Signal(int)
    openRecord = Signal(str, int)
    openEngagement = Signal(int)
    showOverdue = Signal()

    def __init__(self, ledger, parent: QWidget | None = None, today: dt.date | None = None, load: bool = True):
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self._stale = True  # not filled from the ledger yet: filled when first shown
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

        self.first_steps = FirstSteps()
        self.first_steps.hide()
        layout.addWidget(self.first_steps)

        cards = QHBoxLayout()
        self.cards = [Card(""), Card(""), Card(""), Card(i18n.tr("gui.home.overdue"))]
        for card in self.cards:
            cards.addWidget(card)
        self.cards[3].mousePressEvent = lambda _e: self.showOverdue.emit()
        self.cards[3].setCursor(Qt.CursorShape.PointingHandCursor)
        layout.addLayout(cards)

        self.accepted = self._cases(["contract", "title", "seller", "since", "due", "left"])
        self.ready = self._cases(["contract", "title", "seller", "since"])
        self.correction = self._cases(["contract", "title", "seller", "since"])
        self.recent = self._cases(["when", "who", "what"])
        self.payments = self._cases(["contract", "buyer", "seq", "pay_due", "open", "late"])
        self.followups = self._cases(["next_on", "engagement", "step", "broker", "late"])
        self.titles = {}
        boxes = []
        for key, tree in (("accepted", self.accepted), ("payments", self.payments), ("followups", self.followups),
                          ("ready", self.ready),
                          ("correction", self.correction), ("recent", self.recent)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            label = QLabel()
            label.setObjectName("sectionTitle")
            self.titles[key] = label
            column.addWidget(label)
            column.addWidget(tree)
            boxes.append(box)
        # two tables side by side when each has room for its names, else one under the other: a
        # maximised 1366 px window (1190 px here) has two, the 1280 px window one opens at (1104) one,
        # whose names were cut to a character beside the English dates and "21 days overdue"
        self.grid = Reflow(boxes, [(1150, 2), (0, 1)])
        layout.addWidget(self.grid, 1)
        layout.addStretch(0)  # takes the room the tables leave when there are none (an empty ledger)
        self.layout_ = layout
        if load:  # else when first shown (a window opening on another page paints that one sooner)
            self.refresh()

    def resizeEvent(self, event) -> None:
        self.grid.arrange(self.width())
        super().resizeEvent(event)

    def _cases(self, columns: list[str]) -> QTreeWidget:
        tree = list_tree([i18n.tr(f"gui.home.col.{c}") for c in columns],
                         {i for i, c in enumerate(columns) if c in ("title", "what", "seller", "buyer", "engagement",
                                                                    "step")})
        tree.setMinimumHeight(220)
        tree.itemActivated.connect(self._activated)  # Enter, and a double-click (or the platform's click)
        return tree

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if item.treeWidget() is self.followups:
            self.openEngagement.emit(data)
        elif isinstance(data, int):
            self.openContract.emit(data)
        elif data:  # a change: the record it was about
            self.openRecord.emit(data[0], data[1])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        empty = self.ledger.count("contract") == 0 and self.ledger.count("client") == 0
        self.first_steps.setVisible(empty)
        self.grid.setVisible(not empty)  # no empty tables: the first steps say what to do
        self.layout_.setStretch(self.layout_.count() - 1, 1 if empty else 0)
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
                if key == "accepted":  # a deadline counted on plain weekdays in an unknown year: ⚠ and why
                    values += [(case.deadline or "") + (" ⚠" if case.deadline_note else ""), days_text(case.days_left)]
                item = QTreeWidgetItem(values)
                if key == "accepted" and case.deadline_note:
                    item.setToolTip(4, case.deadline_note)
                    item.setForeground(4, QBrush(QColor("#b26a00")))
                item.setData(0, Qt.ItemDataRole.UserRole, case.id)
                if case.days_left is not None and case.days_left < 0:
                    for i in range(len(values)):
                        item.setForeground(i, QBrush(QColor("#c62828")))
                tree.addTopLevelItem(item)
        self._fill_payments()
        self.fill_followups()
        self.titles["recent"].setText(i18n.tr("gui.home.recent"))
        self.recent.clear()
        for op in s.recent:
            when = op["ts"].replace("T", " ").removesuffix("Z")
            item = QTreeWidgetItem([local_time(op["ts"]) or when, op["user"], op["label"]])
            if op["record"]:
                item.setData(0, Qt.ItemDataRole.UserRole, list(op["record"]))
            self.recent.addTopLevelItem(item)

    def _fill_payments(self, limit: int = 200) -> None:
        """Payments due this month and overdue (payments.due_payments), overdue in red."""
        due = payments.due_payments(self.ledger, self.today)
        late = sum(1 for d in due if d.days_late > 0)
        self.titles["payments"].setText(i18n.tr("gui.home.payments", count=len(due), late=late,
                                                total=wan_text(sum(d.open_fen for d in due))))
        self.payments.clear()
        for d in due[:limit]:
            item = QTreeWidgetItem([d.contract_no, d.buyer, str(d.seq), d.due_on, yuan_text(d.open_fen),
                                    days_text(-d.days_late) if d.days_late > 0 else i18n.tr("gui.home.due_month")])
            item.setData(0, Qt.ItemDataRole.UserRole, d.contract_id)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if d.days_late > 0:
                for i in range(6):
                    item.setForeground(i, QBrush(QColor("#c62828")))
            self.payments.addTopLevelItem(item)


    def fill_followups(self, limit: int = 200) -> None:
        """Follow-ups due today and overdue (frontoffice.due_followups: one query), overdue in red;
        a row opens its engagement."""
        due = frontoffice.due_followups(self.ledger, self.today)
        late = sum(1 for d in due if d.days_late > 0)
        self.titles["followups"].setText(i18n.tr("gui.home.followups", count=len(due), late=late))
        self.followups.clear()
        for d in due[:limit]:
            item = QTreeWidgetItem([d.next_on, d.engagement, d.next_step or d.content, d.broker or "",
                                    days_text(-d.days_late)])
            item.setData(0, Qt.ItemDataRole.UserRole, d.engagement_id)
            item.setToolTip(2, d.content)
            if d.days_late > 0:
                for i in range(5):
                    item.setForeground(i, QBrush(QColor("#c62828")))
            self.followups.addTopLevelItem(item)


def local_time(ts: str) -> str | None:
    """A UTC ISO timestamp in the local time zone, minutes precision."""
    try:
        moment = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
