"""Window titles, made one way: the menu's accelerators and dots taken off an action's text
("新建账本(&N)…" → "新建账本"), a capital first letter ("contract: …" → "Contract: …"), and the
program's name said once (Qt adds it after a title unless the title already ends with it)."""

from __future__ import annotations

import re

from .. import i18n

_ACCELERATOR = re.compile(r"\s*\(&[^)]\)")  # 新建账本(&N)
_AMPERSAND = re.compile(r"&(.)")  # &Open; a literal && stays one &


def clean_title(text: str) -> str:
    """A window title from an action's or a message's text."""
    text = _AMPERSAND.sub(r"\1", _ACCELERATOR.sub("", text))
    text = text.strip().removesuffix("…").removesuffix("...").strip()
    return text[:1].upper() + text[1:]


def main_title(document: str) -> str:
    """The main window's title: the ledger's file, then the program (as Qt would add it)."""
    return f"{document} — {i18n.tr('gui.app_name')}"
