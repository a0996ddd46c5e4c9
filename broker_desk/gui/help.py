"""帮助: the user guide shipped with the program (``resources/guide/guide.<lang>.md``, shown in a
QTextBrowser), the keyboard shortcuts read from the window's own actions (so the list cannot
drift from what the keys do) and 关于 with the versions of the program, Python, Qt and SQLite
and the open ledger's path."""

from __future__ import annotations

import platform
import re
import sqlite3
from pathlib import Path

import PySide6
from PySide6.QtCore import QSize, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QTreeWidgetItem, QVBoxLayout, QWidget

from .. import __version__, i18n, paths
from . import geometry
from .widgets import Dialog, list_tree

i18n.register({
    "gui.help.guide": ("使用说明(&G)", "User &guide"),
    "gui.help.shortcuts": ("快捷键(&K)", "&Keyboard shortcuts"),
    "gui.help.guide_title": ("使用说明", "User guide"),
    "gui.help.shortcuts_title": ("快捷键", "Keyboard shortcuts"),
    "gui.help.about_title": ("关于技术经纪人工作台", "About BrokerDesk"),
    "gui.help.col.action": ("操作", "Action"),
    "gui.help.col.keys": ("按键", "Keys"),
    "gui.help.missing": ("找不到使用说明文件：{path}", "The user guide file is missing: {path}"),
    "gui.help.about": ("<h3>技术经纪人工作台 {version}</h3>"
                       "<p>技术合同、客户、科技成果与认定登记台账。</p>"
                       "<table cellspacing='0' cellpadding='2'>"
                       "<tr><td style='padding-right:16px'>程序版本</td><td>{version}</td></tr>"
                       "<tr><td style='padding-right:16px'>Python</td><td>{python}</td></tr>"
                       "<tr><td style='padding-right:16px'>Qt / PySide6</td><td>{qt} / {pyside}</td></tr>"
                       "<tr><td style='padding-right:16px'>SQLite</td><td>{sqlite}</td></tr>"
                       "<tr><td style='padding-right:16px'>当前账本</td><td>{ledger}</td></tr>"
                       "</table>",
                       "<h3>BrokerDesk {version}</h3>"
                       "<p>A ledger of technology contracts, clients, achievements and registrations.</p>"
                       "<table cellspacing='0' cellpadding='2'>"
                       "<tr><td style='padding-right:16px'>Version</td><td>{version}</td></tr>"
                       "<tr><td style='padding-right:16px'>Python</td><td>{python}</td></tr>"
                       "<tr><td style='padding-right:16px'>Qt / PySide6</td><td>{qt} / {pyside}</td></tr>"
                       "<tr><td style='padding-right:16px'>SQLite</td><td>{sqlite}</td></tr>"
                       "<tr><td style='padding-right:16px'>Ledger</td><td>{ledger}</td></tr>"
                       "</table>"),
})


def guide_file(language: str | None = None) -> Path:
    """The guide in ``language`` (the current one by default); Chinese when there is none in it."""
    language = language or i18n.get_language()
    folder = paths.resource_files() / "guide"
    path = Path(str(folder / f"guide.{language}.md"))
    return path if path.is_file() else Path(str(folder / "guide.zh.md"))


def guide_text(language: str | None = None) -> str:
    path = guide_file(language)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return i18n.tr("gui.help.missing", path=path)


def versions() -> dict[str, str]:
    return {"version": __version__, "python": platform.python_version(), "qt": qVersion(),
            "pyside": PySide6.__version__, "sqlite": sqlite3.sqlite_version}


class GuideDialog(Dialog):
    """使用说明 (F1): the guide, searchable with the browser's own keys, links opened outside."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(i18n.tr("gui.help.guide_title"), "guide", parent, QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_text())
        self.browser.document().setDocumentMargin(14)
        layout.addWidget(self.browser)
        self.resize(QSize(720, 640))


class ShortcutsDialog(Dialog):
    """快捷键: every action of the window that has keys, with them."""

    def __init__(self, actions, parent: QWidget | None = None):
        super().__init__(i18n.tr("gui.help.shortcuts_title"), "shortcuts", parent,
                         QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = list_tree([i18n.tr("gui.help.col.action"), i18n.tr("gui.help.col.keys")], {0})
        for text, keys in shortcut_rows(actions):
            self.tree.addTopLevelItem(QTreeWidgetItem([text, keys]))
        layout.addWidget(self.tree)
        # tall enough for every row where the screen allows (the window title bar and the button below)
        rows = self.tree.topLevelItemCount() * max(self.tree.sizeHintForRow(0), 1)
        want = self.tree.header().sizeHint().height() + rows + 2 * self.tree.frameWidth() + 90
        self.resize(QSize(480, max(360, min(want, geometry.available(parent).height() - 60))))


def shortcut_rows(actions) -> list[tuple[str, str]]:
    """(what, keys) for each (name, action) with a shortcut, in the order given; the name is the
    action's own text (without its accelerator "(&N)" or "&" and "…")."""
    rows, seen = [], set()
    for name, action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        text = re.sub(r"\(&\w\)", "", name).replace("&", "").replace("…", "").strip()
        if keys and (text, tuple(keys)) not in seen:
            seen.add((text, tuple(keys)))
            rows.append((text, "、".join(keys) if i18n.get_language() == "zh" else ", ".join(keys)))
    return rows


def about_text(ledger_path) -> str:
    from html import escape

    return i18n.tr("gui.help.about", ledger=escape(str(ledger_path)), **versions())
