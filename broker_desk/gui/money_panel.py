"""付款与佣金 of a contract (a tab of the contract editor): its payment plan with what arrived
against each item (已到账 / 未到账, overdue items in red), a one-click receipt against an item,
the money received, each broker's commission (earned, paid, outstanding) and the payouts.
Everything is worked out by :mod:`broker_desk.payments` and :mod:`broker_desk.commission`;
every change is an ordinary ledger action (undoable), and warnings are shown, not refusals."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import commission, i18n, payments
from ..errors import BrokerDeskError
from ..fields import entity_label
from ..money import yuan_text
from .editors import RecordEditor
from .models import code_text
from .widgets import opens_rows, section_row

OVERDUE = "#c62828"

i18n.register({
    "gui.money.tab": ("付款与佣金", "Payments and commission"),
    "gui.money.summary": ("成交额 {amount} 元　计划 {planned} 元　已到账 {received} 元　未到账 {open} 元",
                          "Amount {amount}   planned {planned}   received {received}   outstanding {open}"),
    "gui.money.overdue": ("　逾期 {overdue} 元", "   overdue {overdue}"),
    "gui.money.plan": ("付款计划", "Payment plan"),
    "gui.money.template": ("按支付方式生成计划", "Plan from the payment method"),
    "gui.money.template_tip": ("按合同的支付方式（{method}）添加各期付款", "Add the instalments of the payment method ({method})"),
    "gui.money.no_template": ("合同未选支付方式，或该支付方式没有计划模板", "The contract has no payment method with a plan shape"),
    "gui.money.add_plan": ("添加一期…", "Add instalment…"),
    "gui.money.delete": ("删除", "Delete"),
    "gui.money.receive": ("收款…", "Receive…"),
    "gui.money.receive_tip": ("登记这一期的到账", "Record money received for this instalment"),
    "gui.money.receipts": ("到账记录", "Money received"),
    "gui.money.receipts_count": ("到账记录（{count}）", "Money received ({count})"),
    "gui.money.add_receipt": ("登记到账…", "Record receipt…"),
    "gui.money.commission": ("佣金（{mode}）", "Commission ({mode})"),
    "gui.money.pay": ("发放…", "Pay…"),
    "gui.money.payouts": ("佣金发放", "Payouts"),
    "gui.money.col.seq": ("期次", "No."),
    "gui.money.col.kind": ("类型", "Kind"),
    "gui.money.col.due": ("约定日期", "Due"),
    "gui.money.col.amount": ("约定金额", "Amount"),
    "gui.money.col.condition": ("条件", "Condition"),
    "gui.money.col.received": ("已到账", "Received"),
    "gui.money.col.open": ("未到账", "Outstanding"),
    "gui.money.col.state": ("状态", "State"),
    "gui.money.col.date": ("日期", "Date"),
    "gui.money.col.money": ("金额", "Amount"),
    "gui.money.col.payer": ("付款方", "Payer"),
    "gui.money.col.voucher": ("凭证号", "Voucher"),
    "gui.money.col.note": ("备注", "Note"),
    "gui.money.col.broker": ("经纪人", "Broker"),
    "gui.money.col.share": ("份额", "Share"),
    "gui.money.col.full": ("应得", "Full share"),
    "gui.money.col.earned": ("已挣得", "Earned"),
    "gui.money.col.paid": ("已发放", "Paid"),
    "gui.money.col.outstanding": ("未发放", "Outstanding"),
    "gui.money.state.paid": ("已到账", "Received"),
    "gui.money.state.part": ("部分到账", "Part received"),
    "gui.money.state.open": ("未到账", "Outstanding"),
    "gui.money.state.overdue": ("逾期 {days} 天", "{days} days overdue"),
    "gui.money.state.royalty": ("按实际", "As it comes"),
    "gui.money.state.nothing": ("无需付款", "Nothing to pay"),
    "gui.money.dialog.plan": ("添加第 {seq} 期付款", "Add instalment {seq}"),
    "gui.money.dialog.receipt": ("登记到账", "Record money received"),
    "gui.money.dialog.receipt_for": ("登记第 {seq} 期到账", "Money received for instalment {seq}"),
    "gui.money.dialog.payout": ("向{broker}发放佣金", "Pay commission to {broker}"),
    "gui.money.plan_choice": ("第{seq}期 {due} {amount}", "No. {seq} {due} {amount}"),
    "gui.money.open_tip": ("双击或按回车修改所选记录", "Double-click or press Enter to edit the record"),
    "gui.money.confirm_delete": ("删除所选的{what}？（可撤销）", "Delete the selected {what}? (can be undone)"),
})


def _item(text, right: bool = False, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if colour:
        item.setForeground(QBrush(QColor(colour)))
    return item


def _table(columns: list[str], stretch: int) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels([i18n.tr(f"gui.money.col.{c}") for c in columns])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = t.horizontalHeader()
    for c in range(len(columns)):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return t


def _fit_rows(t: QTableWidget, rows: int, least: int, most: int) -> None:
    """A table as tall as ``rows`` rows, within ``least`` and ``most`` (it scrolls beyond)."""
    shown = min(max(rows, least), most)
    t.setFixedHeight(t.horizontalHeader().sizeHint().height() + shown * t.verticalHeader().defaultSectionSize()
                     + 2 * t.frameWidth() + 2)


class PlanItemInput(QComboBox):
    """A receipt's 期次: one of its contract's plan items, or none."""

    changed = Signal()

    def __init__(self, ledger, contract_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.addItem(i18n.tr("money.unassigned"), None)
        for id_, seq, due, amount in ledger.conn.execute(
                "SELECT id, seq, due_on, amount_fen FROM payment_plans WHERE contract_id = ? ORDER BY seq",
                [contract_id]):
            self.addItem(i18n.tr("gui.money.plan_choice", seq=seq, due=due or "",
                                 amount="" if amount is None else yuan_text(amount)).strip(), id_)
        self.currentIndexChanged.connect(self.changed)

    def value(self) -> int | None:
        return self.currentData()

    def set_value(self, value) -> None:
        self.setCurrentIndex(max(self.findData(value), 0) if value is not None else 0)


class MoneyEditor(RecordEditor):
    """A money record of one contract in the generic editor, new (``id_`` None) or saved: the
    ``fixed`` fields (its contract, a payout's broker) are not asked, a receipt's 期次 is chosen
    among the contract's plan items. ``changes`` holds what saving did."""

    def __init__(self, ledger, entity: str, id_: int | None = None, parent: QWidget | None = None, *,
                 fixed: dict, initial: dict | None = None, title: str | None = None):
        self.fixed, self.changes = fixed, None
        super().__init__(ledger, entity, id_, parent, initial)
        if title is None and self.record is not None:
            title = i18n.tr("gui.edit.edit", entity=entity_label(entity),
                            name=ledger.display_name(entity, self.record))
        if title:
            self.setWindowTitle(title)
        self.saved.connect(lambda _id, changes: setattr(self, "changes", changes))

    def fields(self, names: list[str] | None = None):
        return [f for f in super().fields(names) if f.name not in self.fixed]

    def make_input(self, field) -> QWidget:
        if field.name == "plan_id":
            return PlanItemInput(self.ledger, self.fixed["contract_id"])
        return super().make_input(field)

    def values(self) -> dict:
        return {**super().values(), **self.fixed}


class MoneyPanel(QWidget):
    """The 付款与佣金 tab of one saved contract. Emits ``changed(changes)`` after each action."""

    changed = Signal(object)

    def __init__(self, ledger, contract_id: int, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.ledger, self.contract_id, self.today = ledger, contract_id, today
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.summary)
        self.notice = QLabel("")  # warnings: shown, never refusals
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b26a00;")
        layout.addWidget(self.notice)

        bar, _ = section_row(i18n.tr("gui.money.plan"))
        self.template_button = QPushButton(i18n.tr("gui.money.template"))
        self.template_button.clicked.connect(self.apply_template)
        self.add_plan_button = QPushButton(i18n.tr("gui.money.add_plan"))
        self.add_plan_button.clicked.connect(self.add_plan)
        self.delete_plan_button = QPushButton(i18n.tr("gui.money.delete"))
        self.delete_plan_button.clicked.connect(lambda: self._delete(self.plan, "payment_plan"))
        for b in (self.template_button, self.add_plan_button, self.delete_plan_button):
            bar.addWidget(b)
        layout.addLayout(bar)
        self.plan = _table(["seq", "kind", "due", "amount", "condition", "received", "open", "state", "state"], 4)
        self.plan.horizontalHeaderItem(8).setText("")
        self._opens(self.plan, "payment_plan")
        layout.addWidget(self.plan)

        # below the plan: the money received and the commission, a page each
        self.lower = QTabWidget()
        receipts_page, commission_page = QWidget(), QWidget()
        left, right = QVBoxLayout(receipts_page), QVBoxLayout(commission_page)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.add_receipt_button = QPushButton(i18n.tr("gui.money.add_receipt"))
        self.add_receipt_button.clicked.connect(lambda: self.receive(None))
        self.delete_receipt_button = QPushButton(i18n.tr("gui.money.delete"))
        self.delete_receipt_button.clicked.connect(lambda: self._delete(self.receipts, "receipt"))
        bar.addWidget(self.add_receipt_button)
        bar.addWidget(self.delete_receipt_button)
        left.addLayout(bar)
        self.receipts = _table(["date", "money", "seq", "payer", "voucher", "note"], 5)
        self._opens(self.receipts, "receipt")
        left.addWidget(self.receipts)

        self.brokers = _table(["broker", "share", "full", "earned", "paid", "outstanding", "state"], 0)
        self.brokers.horizontalHeaderItem(6).setText("")
        right.addWidget(self.brokers)
        bar, _ = section_row(i18n.tr("gui.money.payouts"))
        self.delete_payout_button = QPushButton(i18n.tr("gui.money.delete"))
        self.delete_payout_button.clicked.connect(lambda: self._delete(self.payouts, "commission_payout"))
        bar.addWidget(self.delete_payout_button)
        right.addLayout(bar)
        self.payouts = _table(["date", "broker", "money", "note"], 3)
        self._opens(self.payouts, "commission_payout")
        right.addWidget(self.payouts, 1)
        self.lower.addTab(receipts_page, "")
        self.lower.addTab(commission_page, "")
        self.lower.setMinimumHeight(180)
        layout.addWidget(self.lower, 1)
        self.refresh()

    def _opens(self, table: QTableWidget, entity: str) -> None:
        table.setToolTip(i18n.tr("gui.money.open_tip"))
        opens_rows(table, lambda row: self._edit_row(table, entity, row))

    # -- showing ------------------------------------------------------------------------------
    def day(self) -> dt.date:
        return self.today or dt.date.today()

    def refresh(self) -> None:
        st = payments.status(self.ledger, self.contract_id, self.day())
        self.status = st
        text = i18n.tr("gui.money.summary", amount=yuan_text(st.amount_fen), planned=yuan_text(st.planned_fen),
                       received=yuan_text(st.received_fen), open=yuan_text(st.outstanding_fen))
        if st.overdue_fen:
            text += i18n.tr("gui.money.overdue", overdue=yuan_text(st.overdue_fen))
        self.summary.setText(text)
        self.notice.setText("\n".join(st.warnings))
        self.notice.setVisible(bool(st.warnings))
        method = self.ledger.conn.execute("SELECT payment FROM contracts WHERE id = ?",
                                          [self.contract_id]).fetchone()[0]
        has_shape = bool(payments.templates().get(method or ""))
        self.template_button.setEnabled(has_shape)
        self.template_button.setToolTip(i18n.tr("gui.money.template_tip", method=method) if has_shape
                                        else i18n.tr("gui.money.no_template"))
        self._fill_plan(st)
        self._fill_receipts(st)
        self._fill_commission(st)

    def _fill_plan(self, st: payments.Status) -> None:
        t, today = self.plan, self.day()
        t.setRowCount(len(st.plan))
        for r, p in enumerate(st.plan):
            late = p.overdue(today)
            colour = OVERDUE if late else None
            if p.amount_fen is None:
                state = i18n.tr("gui.money.state.royalty")
            elif p.amount_fen == 0:  # a free period, no entry fee
                state = i18n.tr("gui.money.state.nothing")
            elif p.paid:
                state = i18n.tr("gui.money.state.paid")
            elif late:
                state = i18n.tr("gui.money.state.overdue", days=(today - dt.date.fromisoformat(p.due_on)).days)
            else:
                state = i18n.tr("gui.money.state.part" if p.received_fen else "gui.money.state.open")
            cells = [(p.seq, False), (code_text("payment_kind", p.kind) if p.kind else "", False),
                     (p.due_on or "", False), ("" if p.amount_fen is None else yuan_text(p.amount_fen), True),
                     (p.condition or p.note or "", False), (yuan_text(p.received_fen), True),
                     ("" if p.amount_fen is None else yuan_text(p.open_fen), True), (state, False)]
            for c, (value, right) in enumerate(cells):
                item = _item(value, right, colour)
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                t.setItem(r, c, item)
            if p.amount_fen is None or p.open_fen > 0:
                button = QPushButton(i18n.tr("gui.money.receive"))
                button.setToolTip(i18n.tr("gui.money.receive_tip"))
                button.clicked.connect(lambda _=False, p=p: self.receive(p))
                t.setCellWidget(r, 8, button)
            else:
                t.removeCellWidget(r, 8)
        _fit_rows(t, len(st.plan), 3, 7)  # as tall as its items, the rest of the room below

    def _fill_receipts(self, st: payments.Status) -> None:
        self.lower.setTabText(0, i18n.tr("gui.money.receipts_count", count=len(st.receipts)))
        t = self.receipts
        t.setRowCount(len(st.receipts))
        for r, rec in enumerate(st.receipts):
            for c, (value, right) in enumerate([(rec["received_on"], False), (yuan_text(rec["amount_fen"]), True),
                                                (rec["seq"] or "", False), (rec["payer"] or "", False),
                                                (rec["voucher"] or "", False), (rec["note"] or "", False)]):
                item = _item(value, right)
                item.setData(Qt.ItemDataRole.UserRole, rec["id"])
                t.setItem(r, c, item)

    def _fill_commission(self, st: payments.Status) -> None:
        mode = commission.mode(self.ledger)
        self.lower.setTabText(1, i18n.tr("gui.money.commission", mode=i18n.tr(f"commission.mode.{mode}")))
        rows = commission.of_contract(self.ledger, self.contract_id)
        t = self.brokers
        t.setRowCount(len(rows))
        for r, b in enumerate(rows):
            for c, (value, right) in enumerate([(b.name, False), (f"{b.share_bp / 100:g}%", True),
                                                (yuan_text(b.full_fen), True), (yuan_text(b.earned_fen), True),
                                                (yuan_text(b.paid_fen), True),
                                                (yuan_text(b.outstanding_fen), True)]):
                t.setItem(r, c, _item(value, right, OVERDUE if c == 5 and b.outstanding_fen < 0 else None))
            button = QPushButton(i18n.tr("gui.money.pay"))
            button.clicked.connect(lambda _=False, b=b: self.pay(b))
            t.setCellWidget(r, 6, button)
        _fit_rows(t, len(rows), 1, 4)
        t = self.payouts
        t.setRowCount(len(st.payouts))
        for r, o in enumerate(st.payouts):
            for c, (value, right) in enumerate([(o["paid_on"], False), (o["broker"], False),
                                                (yuan_text(o["amount_fen"]), True), (o["note"] or "", False)]):
                item = _item(value, right)
                item.setData(Qt.ItemDataRole.UserRole, o["id"])
                t.setItem(r, c, item)

    # -- acting -------------------------------------------------------------------------------
    def _done(self, changes) -> None:
        self.refresh()
        if changes is not None and changes.warnings:
            self.notice.setText("\n".join(w.message() for w in changes.warnings))
            self.notice.setVisible(True)
        self.changed.emit(changes)

    def _run(self, editor: MoneyEditor) -> bool:
        self.last_dialog = editor
        if editor.exec() and editor.changes is not None:
            self._done(editor.changes)
            return True
        return False

    def edit(self, entity: str, id_: int) -> bool:
        """The saved record in its editor; saving changes it (one undoable action)."""
        record = self.ledger.get(entity, id_)
        if record is None:
            return False
        fixed = {"contract_id": self.contract_id}
        if entity == "commission_payout":
            fixed["broker_id"] = record["broker_id"]
        return self._run(MoneyEditor(self.ledger, entity, id_, self, fixed=fixed))

    def _edit_row(self, table: QTableWidget, entity: str, row: int) -> None:
        item = table.item(row, 0) if row >= 0 else None
        if item is not None:
            self.edit(entity, item.data(Qt.ItemDataRole.UserRole))

    def apply_template(self) -> None:
        try:
            changes = payments.apply_template(self.ledger, self.contract_id)
        except BrokerDeskError as e:
            QMessageBox.warning(self, i18n.tr("gui.money.template"), str(e) or i18n.tr("gui.money.no_template"))
            return
        self._done(changes)

    def add_plan(self) -> bool:
        seq = max((p.seq for p in self.status.plan), default=0) + 1
        return self._run(MoneyEditor(self.ledger, "payment_plan", None, self, fixed={"contract_id": self.contract_id},
                                     initial={"seq": seq}, title=i18n.tr("gui.money.dialog.plan", seq=seq)))

    def receive(self, item: payments.PlanItem | None) -> bool:
        """Money received (against plan ``item``, its outstanding amount, today and the buyer offered)."""
        initial = payments.receipt_draft(self.ledger, self.contract_id, self.day(), item)
        title = i18n.tr("gui.money.dialog.receipt_for", seq=item.seq) if item else i18n.tr("gui.money.dialog.receipt")
        return self._run(MoneyEditor(self.ledger, "receipt", None, self, fixed={"contract_id": self.contract_id},
                                     initial=initial, title=title))

    def pay(self, broker: commission.BrokerCommission) -> bool:
        initial = {"amount_fen": max(broker.outstanding_fen, 0), "paid_on": self.day().isoformat()}
        return self._run(MoneyEditor(self.ledger, "commission_payout", None, self,
                                     fixed={"contract_id": self.contract_id, "broker_id": broker.broker_id},
                                     initial=initial, title=i18n.tr("gui.money.dialog.payout", broker=broker.name)))

    def _delete(self, table: QTableWidget, entity: str, confirm: bool = True) -> None:
        row = table.currentRow()
        if row < 0 or table.item(row, 0) is None:
            return
        id_ = table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        if confirm and QMessageBox.question(self, i18n.tr("gui.money.delete"), i18n.tr(
                "gui.money.confirm_delete", what=i18n.tr({"payment_plan": "gui.money.plan",
                                                          "receipt": "gui.money.receipts",
                                                          "commission_payout": "gui.money.payouts"}[entity]))
                ) != QMessageBox.StandardButton.Yes:
            return
        self._done(self.ledger.delete(entity, id_))
