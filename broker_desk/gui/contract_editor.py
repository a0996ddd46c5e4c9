"""The contract editor: parties chosen from clients (or created on the spot),
the linked achievement, amounts with the derived 技术交易额, the brokers and
their shares, and — for a saved contract — the registration panel."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from .. import codes, i18n
from ..money import yuan_text
from .editors import FieldMessage, RecordEditor, tabs
from .inputs import RefInput
from .money_panel import MoneyPanel
from .registration_panel import RegistrationPanel

i18n.register({
    "gui.contract.basic": ("基本信息", "Contract"),
    "gui.contract.money": ("金额与经纪人", "Amounts and brokers"),
    "gui.contract.classes": ("分类与备注", "Classification"),
    "gui.contract.registration": ("认定登记", "Registration"),
    "gui.contract.tech_derived": ("留空即按 成交额 − 非技术性费用 计算：{value} 元", "Blank means amount − non-technical costs: {value}"),
    "gui.contract.brokers": ("技术经纪人及份额", "Brokers and their shares"),
    "gui.contract.broker": ("经纪人", "Broker"),
    "gui.contract.share": ("份额（%）", "Share (%)"),
    "gui.contract.add_broker": ("添加经纪人", "Add broker"),
    "gui.contract.remove_broker": ("移除", "Remove"),
    "gui.contract.share_sum": ("份额合计 {total}%", "Shares total {total}%"),
    "gui.contract.share_sum_bad": ("份额合计 {total}%，须为 100%", "Shares total {total}%; they must reach 100%"),
    "gui.contract.broker_unchosen": ("✖ 第 {rows} 行尚未选择经纪人", "✖ Row {rows}: choose a broker"),
    "gui.contract.save_first": ("保存合同后即可办理认定登记。", "Save the contract to start its registration."),
    "gui.contract.save_first_money": ("保存合同后即可录入付款计划、到账和佣金发放。",
                                      "Save the contract to record its payment plan, money received and payouts."),
    "gui.contract.print": ("打印…", "Print…"),
    "gui.contract.print_tip": ("预览并打印这份合同的登记表单（Ctrl+P）", "Preview and print this contract's forms (Ctrl+P)"),
    "gui.contract.print_unsaved": ("合同有尚未保存的修改。表单按已保存的内容打印。", "The contract has unsaved changes; forms print what is saved."),
    "gui.contract.print_save": ("保存后打印", "Save, then print"),
    "gui.contract.print_saved": ("按已保存的打印", "Print what is saved"),
})

BASIC = ["contract_no", "title", "category", "subtype", "buyer_id", "seller_id", "achievement_id", "signed_on",
         "valid_from", "valid_to", "signed_place"]
MONEY = ["amount_fen", "deduction_items", "deductions_fen", "tech_given_fen", "commission_fen", "payment", "invest_fen", "output_fen"]
CLASSES = ["field", "ip_type", "plan_source", "socio_goal", "expert_review", "note"]


class BrokersTable(QWidget):
    """Brokers on a contract with their shares in percent (must reach 100)."""

    changed = Signal()

    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(parent)
        self.ledger = ledger
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([i18n.tr("gui.contract.broker"), i18n.tr("gui.contract.share")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(150)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        add = QPushButton(i18n.tr("gui.contract.add_broker"))
        add.clicked.connect(lambda: self.add_row())
        remove = QPushButton(i18n.tr("gui.contract.remove_broker"))
        remove.clicked.connect(self.remove_row)
        self.total = QLabel("")
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(self.total)
        layout.addLayout(row)

    def add_row(self, broker_id: int | None = None, share: str | None = None) -> None:
        """A broker row. A new one (``share`` None) starts with no broker chosen; the shares the
        user typed stay, and what they leave of 100% is split equally over the new row and the
        rows whose share was filled in rather than typed (60 typed, then a broker added: 40)."""
        r = self.table.rowCount()
        self.table.insertRow(r)
        combo = RefInput(self.ledger, "broker")
        combo.set_value(broker_id)
        combo.changed.connect(self._changed)
        share_edit = QLineEdit(share or "")
        share_edit.setPlaceholderText("100")
        share_edit.setProperty("typed", share is not None)  # a share read from the ledger is the user's too
        share_edit.textEdited.connect(lambda _t, e=share_edit: e.setProperty("typed", True))
        share_edit.textChanged.connect(self._changed)
        self.table.setCellWidget(r, 0, combo)
        self.table.setCellWidget(r, 1, share_edit)
        if share is None:
            self._spread()
        self._changed()

    def _spread(self) -> None:
        edits = [self.table.cellWidget(r, 1) for r in range(self.table.rowCount())]
        filled = [e for e in edits if not e.property("typed")]
        left = Decimal(100) - self.total_share(e for e in edits if e.property("typed"))
        if left <= 0 or not filled:
            return
        base = Decimal(int(left * 100) // len(filled)) / 100
        for i, edit in enumerate(filled):
            edit.setText(f"{base if i < len(filled) - 1 else left - base * (len(filled) - 1):g}")

    def total_share(self, edits=None) -> Decimal:
        """The shares of all rows (or of ``edits``) added up, in percent."""
        total = Decimal(0)
        for edit in edits if edits is not None else (self.table.cellWidget(r, 1) for r in range(self.table.rowCount())):
            try:
                total += Decimal(edit.text().strip().rstrip("%") or "0")
            except ArithmeticError:
                pass
        return total

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            r = self.table.rowCount() - 1
        if r >= 0:
            self.table.removeRow(r)
            self._changed()

    def _changed(self) -> None:
        total = self.total_share()
        if self.table.rowCount():
            key = "gui.contract.share_sum" if total == 100 else "gui.contract.share_sum_bad"
            self.total.setText(i18n.tr(key, total=f"{total:g}"))
            self.total.setStyleSheet("" if total == 100 else "color: #c62828;")
        else:
            self.total.setText("")
        self.changed.emit()

    def unchosen(self) -> list[int]:
        """Rows (from 1) with a share but no broker chosen yet."""
        return [r + 1 for r in range(self.table.rowCount()) if self.table.cellWidget(r, 0).value() is None
                and self.table.cellWidget(r, 1).text().strip() not in ("", "0")]

    def unfinished(self) -> str:
        """What saving would lose, said ("" when nothing): a share given to no broker. Every
        editor with brokers (contract, engagement) asks it on save (RecordEditor.save)."""
        rows = self.unchosen()
        return i18n.tr("gui.contract.broker_unchosen", rows=("、" if i18n.get_language() == "zh" else ", ").join(map(str, rows))) if rows else ""

    def value(self) -> list:
        """(broker id, share) of each row with a broker chosen: a row still being filled in
        (no broker yet) is no broker of the contract, only its share counts in the total shown."""
        pairs = []
        for r in range(self.table.rowCount()):
            broker = self.table.cellWidget(r, 0).value()
            if broker is not None:
                pairs.append((broker, self.table.cellWidget(r, 1).text().strip() or "0"))
        return pairs

    def set_value(self, pairs) -> None:
        """(broker id, share): the share as the ledger keeps it (a number, hundredths of a percent)
        or as a person gives it (text, percent: a draft's values, as the core takes them)."""
        self.table.setRowCount(0)
        for broker_id, share in pairs or ():
            self.add_row(broker_id, share.strip() if isinstance(share, str) else f"{Decimal(share) / 100:g}")
        self._changed()


class ContractEditor(RecordEditor):
    def __init__(self, ledger, id_: int | None = None, parent: QWidget | None = None, initial: dict | None = None):
        super().__init__(ledger, "contract", id_, parent, initial)
        category = self.inputs["category"]
        category.changed.connect(self._category_changed)
        self._category_changed()
        for name in ("amount_fen", "deductions_fen", "deduction_items"):
            self.inputs[name].changed.connect(self._derived)
        self._derived()
        self.dirty = False  # filling the subtype choices above is not an edit of the user's
        self.touched.clear()
        self.print_button = None
        if self.id is not None:
            self.print_button = QPushButton(i18n.tr("gui.contract.print"))
            self.print_button.setToolTip(i18n.tr("gui.contract.print_tip"))
            self.print_button.clicked.connect(self.print_preview)
            self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
            QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_preview)

    def build(self) -> QWidget:
        basic, money, classes = QWidget(), QWidget(), QWidget()
        basic.setLayout(self.form(self.fields(BASIC)))
        money_layout = QVBoxLayout(money)
        money_layout.addLayout(self.form(self.fields(MONEY)))
        self.brokers = BrokersTable(self.ledger)
        self.inputs["brokers"] = self.brokers
        self.messages["brokers"] = FieldMessage()
        money_layout.addWidget(QLabel(i18n.tr("gui.contract.brokers")))
        money_layout.addWidget(self.brokers)
        money_layout.addWidget(self.messages["brokers"])
        classes.setLayout(self.form(self.fields(CLASSES)))
        if self.id is not None:
            self.panel = RegistrationPanel(self.ledger, self.id)
            self.panel.moved.connect(self._moved)
            registration = self.panel
            self.money_panel = MoneyPanel(self.ledger, self.id, today=getattr(self.parentWidget(), "today", None))
            self.money_panel.changed.connect(self._moved)
            after_signing = self.money_panel
        else:
            self.panel = self.money_panel = None
            registration = QLabel(i18n.tr("gui.contract.save_first"))
            registration.setObjectName("muted")
            after_signing = QLabel(i18n.tr("gui.contract.save_first_money"))
            after_signing.setObjectName("muted")
        self.tabs = tabs((i18n.tr("gui.contract.basic"), basic), (i18n.tr("gui.contract.money"), money),
                         (i18n.tr("gui.contract.classes"), classes),
                         (i18n.tr("gui.contract.registration"), registration),
                         (i18n.tr("gui.money.tab"), after_signing))
        return self.tabs

    def _category_changed(self) -> None:
        category = self.inputs["category"].value()
        subtype = self.inputs["subtype"]
        subtype.set_choices(codes.tables().subtypes(category) if category else [])

    def _derived(self) -> None:
        items_total = self.inputs["deduction_items"].total()
        total_input = self.inputs["deductions_fen"]
        if items_total is not None and total_input.value() != items_total:  # the items give the total
            total_input.set_value(items_total)
        total_input.setEnabled(items_total is None)
        amount = self.inputs["amount_fen"].value()
        deductions = self.inputs["deductions_fen"].value() or 0
        tech = self.inputs["tech_given_fen"]
        if isinstance(amount, int) and isinstance(deductions, int):
            tech.edit.setPlaceholderText(i18n.tr("gui.contract.tech_derived", value=yuan_text(amount - deductions)))
        else:
            tech.edit.setPlaceholderText("")

    def print_preview(self) -> None:
        """The preview of this contract's forms (what is saved; unsaved changes may be saved first)."""
        from .print_preview import PreviewDialog

        parent = self
        if self.dirty:
            box = QMessageBox(QMessageBox.Icon.Question, i18n.tr("gui.contract.print").rstrip("…"),
                              i18n.tr("gui.contract.print_unsaved"), parent=self)
            save = box.addButton(i18n.tr("gui.contract.print_save"), QMessageBox.ButtonRole.AcceptRole)
            saved = box.addButton(i18n.tr("gui.contract.print_saved"), QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is save:
                if not self.save():
                    return
                parent = self.parentWidget() or self  # saving closed the editor
            elif box.clickedButton() is not saved:
                return
        dialog = PreviewDialog(self.ledger, self.id, parent, today=getattr(self.parentWidget(), "today", None))
        dialog.exec()
        dialog.deleteLater()

    def _moved(self, changes) -> None:
        self.record = self.ledger.get("contract", self.id)
        self.saved.emit(self.id, changes)
