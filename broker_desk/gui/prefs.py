"""Where the window keeps its state and preferences (a QSettings store), below every other
window module so that any of them (app.py and geometry.py among them) can read it without an
import cycle."""

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
