"""设置: language, the office (name, code, address, phone: printed on the forms),
the registration time limit (按规定, or the office's own) and its working-day calendar,
the registration number length and where backups go."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .. import commission, i18n
from . import files
from .prefs import settings
from .widgets import Dialog

i18n.register({
    "gui.settings": ("设置", "Settings"),
    "gui.settings.language": ("界面语言", "Language"),
    "gui.settings.language_note": ("（重新启动后生效）", "(takes effect after a restart)"),
    "gui.settings.office": ("本机构名称", "Office name"),
    "gui.settings.office_code": ("登记机构代码", "Office code"),
    "gui.settings.office_address": ("机构地址", "Office address"),
    "gui.settings.office_phone": ("联系电话", "Office phone"),
    "gui.settings.office_note": ("打印登记材料时填入表头和登记机构栏", "Printed in the forms' headers and office boxes"),
    "gui.settings.limit": ("登记办理时限", "Registration time limit"),
    "gui.settings.limit_rule": ("按规定", "As the rules say"),
    "gui.settings.limit_fixed": ("本机构自定", "The office's own"),
    "gui.settings.limit_rule_note": ("2026 年 3 月 1 日前受理：30 个自然日（末日为节假日的顺延）；此后受理：15 个工作日，"
                                     "技术交易额 500 万元以上或专家审核的 30 个工作日。补正后从材料送达之日重新计算。",
                                     "Accepted before 1 March 2026: 30 calendar days (a last day off moves on); from then: "
                                     "15 working days, 30 for 5,000,000 yuan or more or expert review. After a correction "
                                     "the clock restarts when the papers arrive."),
    "gui.settings.days": (" 天", " days"),
    "gui.settings.working": ("按工作日计算（依国家节假日和调休安排）", "Count working days (China's official calendar)"),
    "gui.settings.calendar": ("工作日日历…", "Working-day calendar…"),
    "gui.settings.number_length": ("登记编号位数", "Registration number length"),
    "gui.settings.commission_mode": ("经纪人佣金计提", "Brokers' commission earned"),
    "gui.settings.rankings": ("排行榜", "Rankings"),
    "gui.settings.front_office": ("另列对接项目数和签约率（页面和导出；不影响排序）",
                                  "Show engagements and signing rate (page and exports; order unchanged)"),
    "gui.settings.number_16": ("16 位（现行编号）", "16 digits (current numbering)"),
    "gui.settings.number_14": ("14 位（旧编号）", "14 digits (old numbering)"),
    "gui.settings.backups": ("备份位置", "Backup folder"),
    "gui.settings.backups_default": ("默认（程序数据文件夹）", "Default (the program's data folder)"),
    "gui.settings.browse": ("选择…", "Browse…"),
    "gui.office.title": ("本机构信息", "Your office"),
    "gui.office.text": ("受理登记时，“登记机构”默认填入本机构名称；名称和登记点代码也会印在登记表单上。"
                        "可以以后在 文件 → 设置 中填写或修改。",
                        "Your office's name is the default registration office when a contract is accepted; "
                        "the name and the registration point's code are printed on the forms. Both can be "
                        "entered or changed later in File → Settings."),
    "gui.office.name": ("本机构（登记机构）名称", "Office (registration office) name"),
    "gui.office.name_hint": ("如：广州市技术市场管理办公室", "e.g. Guangzhou Technology Market Office"),
    "gui.office.code": ("登记点代码", "Registration point code"),
    "gui.office.code_hint": ("可不填", "optional"),
    "gui.office.later": ("以后再说", "Later"),
})


class SettingsDialog(Dialog):
    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(i18n.tr("gui.settings"), "settings", parent)
        self.ledger = ledger
        form = QFormLayout(self.body)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings().value("language", "zh"))))
        language = QHBoxLayout()
        language.addWidget(self.language)
        language.addWidget(QLabel(i18n.tr("gui.settings.language_note")))
        form.addRow(i18n.tr("gui.settings.language"), language)
        self.office = QLineEdit(ledger.setting("office_name") or "")
        self.office.setToolTip(i18n.tr("gui.settings.office_note"))
        form.addRow(i18n.tr("gui.settings.office"), self.office)
        self.office_fields: dict[str, QLineEdit] = {}
        for key in ("office_code", "office_address", "office_phone"):
            edit = QLineEdit(ledger.setting(key) or "")
            edit.setToolTip(i18n.tr("gui.settings.office_note"))
            self.office_fields[key] = edit
            form.addRow(i18n.tr(f"gui.settings.{key}"), edit)
        limit = QHBoxLayout()
        self.limit_mode = QComboBox()
        self.limit_mode.addItem(i18n.tr("gui.settings.limit_rule"), "rule")
        self.limit_mode.addItem(i18n.tr("gui.settings.limit_fixed"), "fixed")
        self.limit_mode.setCurrentIndex(max(0, self.limit_mode.findData(ledger.setting("registration.limit_mode"))))
        self.limit_mode.setToolTip(i18n.tr("gui.settings.limit_rule_note"))
        limit.addWidget(self.limit_mode)
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setSuffix(i18n.tr("gui.settings.days"))
        self.days.setValue(int(ledger.setting("registration.limit_days")))
        self.working = QCheckBox(i18n.tr("gui.settings.working"))
        self.working.setChecked(bool(ledger.setting("registration.limit_working")))
        limit.addWidget(self.days)
        limit.addWidget(self.working)
        limit.addStretch(1)
        form.addRow(i18n.tr("gui.settings.limit"), limit)
        self.limit_note = QLabel(i18n.tr("gui.settings.limit_rule_note"))
        self.limit_note.setWordWrap(True)
        self.limit_note.setStyleSheet("color: #555;")
        form.addRow("", self.limit_note)
        self.calendar_button = QPushButton(i18n.tr("gui.settings.calendar"))
        self.calendar_button.clicked.connect(self.edit_calendar)
        calendar_row = QHBoxLayout()
        calendar_row.addWidget(self.calendar_button)
        calendar_row.addStretch(1)
        form.addRow("", calendar_row)
        self.limit_mode.currentIndexChanged.connect(self._limit_mode_changed)
        self._limit_mode_changed()
        self.number_length = QComboBox()
        self.number_length.addItem(i18n.tr("gui.settings.number_16"), 16)
        self.number_length.addItem(i18n.tr("gui.settings.number_14"), 14)
        self.number_length.setCurrentIndex(max(0, self.number_length.findData(
            int(ledger.setting("registration.number_length")))))
        self.commission_mode = QComboBox()  # 佣金 earned as the money arrives or on registration
        for mode in commission.MODES:
            self.commission_mode.addItem(i18n.tr(f"commission.mode.{mode}"), mode)
        self.commission_mode.setCurrentIndex(max(0, self.commission_mode.findData(commission.mode(ledger))))
        numbers = QHBoxLayout()  # one row for both: the dialog keeps its height
        numbers.addWidget(self.number_length)
        numbers.addSpacing(16)
        numbers.addWidget(QLabel(i18n.tr("gui.settings.commission_mode")))
        numbers.addWidget(self.commission_mode)
        numbers.addStretch(1)
        form.addRow(i18n.tr("gui.settings.number_length"), numbers)
        self.front_office = QCheckBox(i18n.tr("gui.settings.front_office"))  # rankings.front_office
        self.front_office.setChecked(bool(ledger.setting("rankings.front_office")))
        form.addRow(i18n.tr("gui.settings.rankings"), self.front_office)
        backups = QHBoxLayout()
        self.backup_dir = QLineEdit(settings().value("backup_dir", "") or "")
        self.backup_dir.setPlaceholderText(i18n.tr("gui.settings.backups_default"))
        browse = QPushButton(i18n.tr("gui.settings.browse"))
        browse.clicked.connect(self._browse)
        backups.addWidget(self.backup_dir, 1)
        backups.addWidget(browse)
        form.addRow(i18n.tr("gui.settings.backups"), backups)
        self.resize(600, 490)

    def _limit_mode_changed(self) -> None:
        fixed = self.limit_mode.currentData() == "fixed"
        self.days.setEnabled(fixed)
        self.working.setEnabled(fixed)
        self.limit_note.setVisible(not fixed)

    def edit_calendar(self) -> bool:
        from .calendar_dialog import CalendarDialog

        return bool(CalendarDialog(self.ledger, self).exec())

    def _browse(self) -> None:
        folder = files.choose_folder(self, i18n.tr("gui.settings.backups"), self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def accept(self) -> None:
        self.ledger.set_setting("office_name", self.office.text().strip())
        for key, edit in self.office_fields.items():
            self.ledger.set_setting(key, edit.text().strip())
        self.ledger.set_setting("registration.limit_mode", self.limit_mode.currentData())
        self.ledger.set_setting("registration.limit_days", self.days.value())
        self.ledger.set_setting("registration.limit_working", self.working.isChecked())
        self.ledger.set_setting("registration.number_length", self.number_length.currentData())
        self.ledger.set_setting("commission.mode", self.commission_mode.currentData())
        self.ledger.set_setting("rankings.front_office", self.front_office.isChecked())
        settings().setValue("language", self.language.currentData())
        settings().setValue("backup_dir", self.backup_dir.text().strip())
        super().accept()


class OfficeDialog(Dialog):
    """On a ledger's first run: the office's name and registration point (skippable: 以后再说)."""

    def __init__(self, ledger, parent: QWidget | None = None):
        super().__init__(i18n.tr("gui.office.title"), "office", parent)
        self.ledger = ledger
        form = QFormLayout(self.body)
        text = QLabel(i18n.tr("gui.office.text"))
        text.setWordWrap(True)
        form.addRow(text)
        self.name = QLineEdit(ledger.setting("office_name") or "")
        self.name.setPlaceholderText(i18n.tr("gui.office.name_hint"))
        form.addRow(i18n.tr("gui.office.name"), self.name)
        self.code = QLineEdit(ledger.setting("office_code") or "")
        self.code.setPlaceholderText(i18n.tr("gui.office.code_hint"))
        form.addRow(i18n.tr("gui.office.code"), self.code)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(i18n.tr("gui.office.later"))
        self.resize(520, 240)

    def accept(self) -> None:
        self.ledger.set_setting("office_name", self.name.text().strip())
        self.ledger.set_setting("office_code", self.code.text().strip())
        super().accept()
