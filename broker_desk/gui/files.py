"""File dialogs, at one place: the platform's own dialog where it has one (Windows, macOS, a
Linux desktop with a portal), Qt's in Chinese where not (see ``app.install_translations``),
and titles without the menu's accelerators and dots ("新建账本(&N)…" → "新建账本")."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from .. import i18n
from .titles import clean_title

i18n.register({
    "gui.file.filter": ("BrokerDesk 账本 (*.brokerdesk);;所有文件 (*)", "BrokerDesk ledgers (*.brokerdesk);;All files (*)"),
})


def ledger_filter() -> str:
    """The file dialogs' choice of files for a ledger, in the user's language."""
    return i18n.tr("gui.file.filter")


def open_file(parent: QWidget | None, title: str, folder: str = "", filters: str = "") -> str:
    """The file the user chose to open, or "" (cancelled)."""
    return QFileDialog.getOpenFileName(parent, clean_title(title), folder, filters)[0]


def save_file(parent: QWidget | None, title: str, suggested: str = "", filters: str = "") -> str:
    """Where the user chose to save, or "" (cancelled); the dialog has asked about replacing a file."""
    return QFileDialog.getSaveFileName(parent, clean_title(title), suggested, filters)[0]


def choose_folder(parent: QWidget | None, title: str, folder: str = "") -> str:
    return QFileDialog.getExistingDirectory(parent, clean_title(title), folder)
