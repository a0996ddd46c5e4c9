"""A record's change history: who changed which field when, from what to what."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QHeaderView, QTreeWidget, QTreeWidgetItem

from .. import deductions, i18n
from ..fields import entity_label, field, label
from ..money import yuan_text
from .home import local_time
from .widgets import Dialog

i18n.register({
    "gui.history.title": ("修改记录：{entity}", "History: {entity}"),
    "gui.history.when": ("时间", "When"),
    "gui.history.who": ("操作人", "Who"),
    "gui.history.what": ("内容", "What"),
    "gui.history.old": ("原值", "Before"),
    "gui.history.new": ("新值", "After"),
    "gui.history.insert": ("新建", "Created"),
    "gui.history.delete": ("删除", "Deleted"),
})


def _text(value, kind: str | None = None) -> str:
    """A logged value as the user typed it: money in 元, itemized costs as text."""
    if value is None:
        return ""
    if kind == "fen" and isinstance(value, int):
        return yuan_text(value) + " 元"
    if kind == "items" and isinstance(value, str):
        try:
            return deductions.text(deductions.from_json(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


def _kind(entity: str, name: str) -> str | None:
    try:
        return field(entity, name).kind
    except KeyError:
        return None


class HistoryDialog(Dialog):
    def __init__(self, ledger, entity: str, id_: int, parent=None):
        super().__init__(i18n.tr("gui.history.title", entity=entity_label(entity)), "history", parent,
                         QDialogButtonBox.StandardButton.Close)
        from PySide6.QtWidgets import QVBoxLayout

        record = ledger.get(entity, id_)
        tree = QTreeWidget()
        tree.setRootIsDecorated(False)
        tree.setHeaderLabels([i18n.tr(f"gui.history.{k}") for k in ("when", "who", "what", "old", "new")])
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for change in ledger.history(entity, record["uid"]):
            if change["action"] == "update":
                what = label(f"{entity}.{change['field']}")
                kind = _kind(entity, change["field"])
                old, new = _text(change["old"], kind), _text(change["new"], kind)
            else:
                what, old, new = i18n.tr(f"gui.history.{change['action']}"), "", ""
            tree.addTopLevelItem(QTreeWidgetItem([local_time(change["ts"]) or change["ts"], change["user"], what,
                                                  old, new]))
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tree)
        self.tree = tree
        self.resize(760, 420)
