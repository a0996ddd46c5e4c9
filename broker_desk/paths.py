"""Where BrokerDesk keeps its files.

Everything comes from platformdirs, with environment overrides for tests and
portable use (a USB stick with the program and its ledger side by side):

- ``BROKER_DESK_HOME``: one folder for everything (ledger, backups, forms, settings);
- ``BROKER_DESK_DB``: the default ledger file.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "BrokerDesk"
APP_AUTHOR = "BrokerDesk"
LEDGER_FILE = "ledger.brokerdesk"


def resource_files():
    """The program's own files (code tables, fonts, the guide, icons …): the installed package's
    resources, or the source tree's while developing."""
    try:
        return resources.files("broker_desk.resources")
    except ModuleNotFoundError:  # pragma: no cover - a source tree without the package mapping
        return Path(__file__).resolve().parent.parent / "resources"


def _home() -> Path | None:
    home = os.environ.get("BROKER_DESK_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    home = _home()
    return home if home else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_ledger() -> Path:
    override = os.environ.get("BROKER_DESK_DB")
    return Path(override).expanduser() if override else data_dir() / LEDGER_FILE


def backup_dir(ledger_path: Path) -> Path:
    """Automatic backups live next to the data, in one folder per ledger name."""
    return data_dir() / "backups" / Path(ledger_path).stem


def code_tables_dir() -> Path:
    """The user's extensions of the shipped code tables."""
    return data_dir() / "codes"


def forms_dir() -> Path:
    """The user's own paperwork templates; a file here wins over a built-in of the same name."""
    return data_dir() / "forms"


def policies_dir() -> Path:
    """The user's own reward policy files; a file here wins over a built-in example of the same name."""
    return data_dir() / "policies"
