"""所在地区 typed as a code or a name, with a completer over the regions (resources/regions.json):
typing 福州 offers 福建省福州市 and its districts, each with its code. The core resolves what is
typed (:func:`broker_desk.region_names.resolve`), so a name typed without the completer works too."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QWidget

from .. import codes, i18n, region_names
from .inputs import TextInput

i18n.register({"gui.region.placeholder": ("地区名称或 6 位代码，如 福州、福建省福州市、350100",
                                          "a place name or 6-digit code, e.g. 福州, 福建省福州市, 350100")})

_CHOSEN = re.compile(r"^(.*\S)\s+([0-9]{6})$")  # 福建省福州市 350100, as the completer writes it


def _entries() -> list[str]:
    return [f"{name} {code}" for name, code in region_names.completions()]


class RegionInput(TextInput):
    """value(): the code of a region chosen in the completer (or typed as a code), else the text
    as typed (a name the core turns into a code, or says what is wrong with it)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(i18n.tr("gui.region.placeholder"))
        self.regions = QStringListModel(_entries(), self)  # kept: the completer does not own its model
        completer = QCompleter(self.regions, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)

    def value(self) -> str | None:
        text = super().value()
        chosen = _CHOSEN.match(text or "")
        return chosen.group(2) if chosen else text

    def set_value(self, value) -> None:
        name = codes.region_name(value) if value else None
        self.setText(f"{name} {value}" if name else "" if value is None else str(value))
