"""The registration panel of a contract: where it stands, its history, and a
button for exactly each move the workflow allows now, each asking for the
fields that move needs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import i18n, registration
from ..contracts import reg_no_problems
from ..money import yuan_text
from .inputs import DateInput, LongTextInput, MoneyInput, TextInput
from .models import STATUS_COLOURS, code_label, days_text
from .widgets import attempt

i18n.register({
    "gui.reg.status": ("当前状态：", "Status: "),
    "gui.reg.deadline": ("登记机构应在 {deadline} 前办结（{limit}，{left}）",
                         "The office must decide by {deadline} ({limit}; {left})"),
    "gui.reg.registered": ("登记编号 {reg_no}，{date} 登记，核定技术交易额 {approved} 元",
                           "Registered {date} as {reg_no}; approved {approved}"),
    "gui.reg.accepted": ("{office} 于 {date} 受理", "Accepted by {office} on {date}"),
    "gui.reg.history": ("登记进度", "History"),
    "gui.reg.col.date": ("日期", "Date"),
    "gui.reg.col.move": ("变更", "Move"),
    "gui.reg.col.note": ("说明", "Note"),
    "gui.reg.col.user": ("操作人", "By"),
    "gui.reg.no_moves": ("当前状态下没有可办理的下一步", "No move is possible from this status"),
    "gui.reg.to": ("改为“{status}”…", "Move to “{status}”…"),
    "gui.reg.reopen": ("退回草稿…", "Reopen as draft…"),
    "gui.reg.change": ("变更登记…", "Record a change…"),
    "gui.reg.change_dialog": ("变更登记（仍为已登记）", "Registration changed (stays registered)"),
    "gui.reg.date_change": ("变更登记日期", "Date of the change"),
    "gui.reg.change_note": ("变更内容", "What changed"),
    "gui.reg.change_hint": ("如：合同金额由 100 万元变更为 120 万元（合同的内容请在合同中修改，“修改记录”会记下改了什么）",
                            "e.g. the amount changed from 1,000,000 to 1,200,000 元 (edit the contract itself; "
                            "its History keeps what changed)"),
    "gui.reg.dialog": ("登记状态改为“{status}”", "Move to “{status}”"),
    "gui.reg.date": ("日期", "Date"),
    "gui.reg.date_accept": ("受理日期", "Date accepted"),
    "gui.reg.date_register": ("登记日期", "Date registered"),
    "gui.reg.date_resubmit": ("补正材料送达日期", "Date the corrected papers arrived"),
    "gui.reg.office": ("登记机构", "Registration office"),
    "gui.reg.reg_no": ("登记编号", "Registration no."),
    "gui.reg.reg_no_hint": ("{digits} 位数字，由登记机构核发", "{digits} digits, issued by the office"),
    "gui.reg.approved": ("核定技术交易额（元）", "Approved technology amount"),
    "gui.reg.reason": ("原因", "Reason"),
    "gui.reg.note": ("说明（可选）", "Note (optional)"),
})


class MoveDialog(QDialog):
    """Asks for what one move needs and makes it; shows the core's refusal inline."""

    def __init__(self, ledger, contract: dict, to_status: str, parent: QWidget | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.ledger, self.contract, self.to = ledger, contract, to_status
        self.today = today or dt.date.today()
        change = to_status == registration.CHANGE
        self.setWindowTitle(i18n.tr("gui.reg.change_dialog") if change else
                            i18n.tr("gui.reg.dialog", status=code_label("status", to_status)))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        frm = contract["status"]
        date_label = {registration.ACCEPTED: "gui.reg.date_resubmit" if frm == registration.CORRECTION
                      else "gui.reg.date_accept", registration.REGISTERED: "gui.reg.date_register",
                      registration.CHANGE: "gui.reg.date_change"}.get(
                          to_status, "gui.reg.date")
        self.date = DateInput()
        self.date.set_value(self.today.isoformat())
        form.addRow(i18n.tr(date_label), self.date)
        self.office = self.reg_no = self.approved = None
        if to_status == registration.ACCEPTED and frm != registration.CORRECTION:
            self.office = TextInput()
            self.office.set_value(contract.get("reg_office") or ledger.setting("office_name") or "")
            form.addRow("* " + i18n.tr("gui.reg.office"), self.office)
        if to_status == registration.REGISTERED:
            self.reg_no = TextInput()
            self.reg_no.setPlaceholderText(i18n.tr("gui.reg.reg_no_hint",
                                                   digits=int(ledger.setting("registration.number_length"))))
            self.reg_no_message = QLabel("")  # what is doubtful about the number, as it is typed
            self.reg_no_message.setObjectName("regNoMessage")
            self.reg_no_message.setWordWrap(True)
            self.reg_no_message.setVisible(False)
            self.reg_no.textChanged.connect(self.check_reg_no)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(self.reg_no)
            column.addWidget(self.reg_no_message)
            form.addRow("* " + i18n.tr("gui.reg.reg_no"), column)
            self.approved = MoneyInput()
            self.approved.set_value(contract["tech_fen"])
            form.addRow(i18n.tr("gui.reg.approved"), self.approved)
        self.note = LongTextInput()
        needs_reason = to_status in registration.NEEDS_REASON
        if change:
            self.note.setPlaceholderText(i18n.tr("gui.reg.change_hint"))
        form.addRow(i18n.tr("gui.reg.change_note") if change else ("* " + i18n.tr("gui.reg.reason")) if needs_reason
                    else i18n.tr("gui.reg.note"), self.note)
        layout.addLayout(form)
        layout.addStretch(1)  # the rows keep their height; the room left goes below them
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.changes = None
        self.resize(460, 300)

    def check_reg_no(self) -> None:
        """Show beside the field what is wrong or doubtful with the number (a warning does not
        stop the move)."""
        problems = reg_no_problems(self.ledger, self.reg_no.value(), self.contract["id"], self.today)
        self.reg_no_message.setText("\n".join(("✖ " if p.is_error else "⚠ ") + p.message() for p in problems))
        self.reg_no_message.setStyleSheet(
            "color: #c62828;" if any(p.is_error for p in problems) else "color: #a86400;")
        self.reg_no_message.setVisible(bool(problems))

    def apply(self) -> None:
        ok, self.changes = attempt(self.error, lambda: self.ledger.move(
            self.contract["id"], self.to, self.date.value(), self.note.value(),
            reg_office=self.office.value() if self.office else None,
            reg_no=self.reg_no.value() if self.reg_no else None,
            approved_fen=self.approved.value() if self.approved else None, today=self.today))
        if ok:
            self.accept()


class RegistrationPanel(QWidget):
    """Status, history and the allowed moves of one contract. Emits ``moved(changes)``."""

    moved = Signal(object)

    def __init__(self, ledger, contract_id: int, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.ledger, self.contract_id, self.today = ledger, contract_id, today
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(i18n.tr("gui.reg.status")))
        self.status = QLabel("")
        top.addWidget(self.status)
        top.addStretch(1)
        layout.addLayout(top)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.deadline_note = QLabel("")  # the deadline reaches into a year whose calendar is unknown
        self.deadline_note.setWordWrap(True)
        self.deadline_note.setStyleSheet("color: #b26a00;")
        layout.addWidget(self.deadline_note)
        # two moves a row: the longest English labels side by side still fit a 1024-pixel screen
        self.buttons_row = QGridLayout()
        self.buttons_row.setColumnStretch(2, 1)
        layout.addLayout(self.buttons_row)
        title = QLabel(i18n.tr("gui.reg.history"))
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        self.history = QTreeWidget()
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels([i18n.tr(f"gui.reg.col.{c}") for c in ("date", "move", "note", "user")])
        self.history.header().setStretchLastSection(False)  # the room goes to the notes
        for column in range(4):
            self.history.header().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if column == 2 else QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.history, 1)
        self.move_buttons: dict[str, QPushButton] = {}
        self.refresh()

    def refresh(self) -> None:
        contract = self.ledger.get("contract", self.contract_id)
        self.contract = contract
        status = contract["status"]
        bg, fg = STATUS_COLOURS.get(status, ("#eee", "#333"))
        self.status.setText(code_label("status", status))
        self.status.setStyleSheet(f"background: {bg}; color: {fg}; border-radius: 9px; padding: 2px 10px;")
        info = []
        if contract.get("accepted_on"):
            info.append(i18n.tr("gui.reg.accepted", office=contract.get("reg_office") or "", date=contract["accepted_on"]))
        due = self.ledger.due(contract)
        if due:
            left = (due.on - (self.today or dt.date.today())).days
            info.append(i18n.tr("gui.reg.deadline", deadline=due.on.isoformat(), limit=due.limit.text(),
                                left=days_text(left)))
        self.deadline_note.setText((due.warning() if due else None) or "")
        self.deadline_note.setVisible(bool(due and due.unknown_years))
        if contract.get("reg_no"):
            info.append(i18n.tr("gui.reg.registered", reg_no=contract["reg_no"], date=contract["registered_on"],
                                approved=yuan_text(contract["approved_fen"] or 0)))
            info.extend("⚠ " + w.message() for w in self.ledger.warnings("contract", self.contract_id)
                        if w.field == "contract.reg_no")
        self.info.setText("\n".join(info))
        while self.buttons_row.count():
            item = self.buttons_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.move_buttons = {}
        moves = self.ledger.allowed_moves(self.contract_id)
        for to in moves:
            text = i18n.tr("gui.reg.reopen") if to == registration.DRAFT else i18n.tr(
                "gui.reg.change") if to == registration.CHANGE else i18n.tr("gui.reg.to", status=code_label("status", to))
            button = QPushButton(text)
            if to not in (registration.DRAFT, registration.REFUSED, registration.CORRECTION, registration.WITHDRAWN,
                          registration.CHANGE):
                button.setObjectName("primary")
            button.clicked.connect(lambda _=False, to=to: self.ask(to))
            self.buttons_row.addWidget(button, len(self.move_buttons) // 2, len(self.move_buttons) % 2)
            self.move_buttons[to] = button
        if not moves:
            self.buttons_row.addWidget(QLabel(i18n.tr("gui.reg.no_moves")), 0, 0, 1, 2)
        self.history.clear()
        for event in self.ledger.registration_history(self.contract_id):
            move = f"{code_label('step', event['from_status'] or '')} → {code_label('step', event['to_status'])}"
            item = QTreeWidgetItem([event["on_date"], move, event["note"] or "", event["user"] or ""])
            item.setToolTip(2, event["note"] or "")  # a long note, whole
            self.history.addTopLevelItem(item)

    def ask(self, to_status: str) -> bool:
        dialog = MoveDialog(self.ledger, self.contract, to_status, self, self.today)
        if dialog.exec() and dialog.changes is not None:
            self.refresh()
            self.moved.emit(dialog.changes)
            return True
        return False
