"""设置: language, the office (name, code, address, phone: printed on the forms),
the registration time limit, the registration number length and where backups go."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .. import i18n
from . import files
from .app import settings
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
    "gui.settings.days": (" 天", " days"),
    "gui.settings.working": ("按工作日计算（不含周六、周日）", "Count working days (Monday to Friday)"),
    "gui.settings.number_length": ("登记编号位数", "Registration number length"),
    "gui.settings.number_16": ("16 位（现行编号）", "16 digits (current numbering)"),
    "gui.settings.number_14": ("14 位（旧编号）", "14 digits (old numbering)"),
    "gui.settings.backups": ("备份位置", "Backup folder"),
    "gui.settings.backups_default": ("默认（程序数据文件夹）", "Default (the program's data folder)"),
    "gui.settings.browse": ("选择…", "Browse…"),
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
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setSuffix(i18n.tr("gui.settings.days"))
        self.days.setValue(int(ledger.setting("registration.limit_days")))
        self.working = QCheckBox(i18n.tr("gui.settings.working"))
        self.working.setChecked(bool(ledger.setting("registration.limit_working")))
        limit.addWidget(self.days)
        limit.addWidget(self.working)
        form.addRow(i18n.tr("gui.settings.limit"), limit)
        self.number_length = QComboBox()
        self.number_length.addItem(i18n.tr("gui.settings.number_16"), 16)
        self.number_length.addItem(i18n.tr("gui.settings.number_14"), 14)
        self.number_length.setCurrentIndex(max(0, self.number_length.findData(
            int(ledger.setting("registration.number_length")))))
        form.addRow(i18n.tr("gui.settings.number_length"), self.number_length)
        backups = QHBoxLayout()
        self.backup_dir = QLineEdit(settings().value("backup_dir", "") or "")
        self.backup_dir.setPlaceholderText(i18n.tr("gui.settings.backups_default"))
        browse = QPushButton(i18n.tr("gui.settings.browse"))
        browse.clicked.connect(self._browse)
        backups.addWidget(self.backup_dir, 1)
        backups.addWidget(browse)
        form.addRow(i18n.tr("gui.settings.backups"), backups)
        self.resize(560, 380)

    def _browse(self) -> None:
        folder = files.choose_folder(self, i18n.tr("gui.settings.backups"), self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def accept(self) -> None:
        self.ledger.set_setting("office_name", self.office.text().strip())
        for key, edit in self.office_fields.items():
            self.ledger.set_setting(key, edit.text().strip())
        self.ledger.set_setting("registration.limit_days", self.days.value())
        self.ledger.set_setting("registration.limit_working", self.working.isChecked())
        self.ledger.set_setting("registration.number_length", self.number_length.currentData())
        settings().setValue("language", self.language.currentData())
        settings().setValue("backup_dir", self.backup_dir.text().strip())
        super().accept()
