"""Where the window keeps its state and preferences (a QSettings store), below every other
window module so that any of them (geometry.py among them) can read it without an import cycle.
The rest of the window imports :func:`settings` from :mod:`.app`, which re-exports it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "BrokerDesk"
APPLICATION = "BrokerDesk"


def settings() -> QSettings:
    """Window state and preferences (geometry, columns, recent ledgers, language)."""
    home = os.environ.get("BROKER_DESK_HOME")
    if home:
        return QSettings(str(Path(home) / "window.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)
