"""Consistent copies of a ledger and restoring from them.

Copies are made with SQLite's backup API, never a raw file copy (a copy of a
WAL ledger can lose the last writes). Automatic backups rotate; a restore
checks the copy first and backs up the ledger it replaces.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from . import i18n, paths
from .errors import BrokerDeskError
from .ledger import Ledger
from .ledger import files as ledger_files

KEEP_AUTOMATIC = 10
SUFFIX = ".brokerdesk"

i18n.register({
    "backup.exists": ("目标文件 {path} 已存在；请换一个文件名", "{path} exists already; choose another file name"),
    "backup.same_file": ("不能把账本备份到它自己：{path}", "Cannot back a ledger up onto itself: {path}"),
    "backup.failed": ("备份失败（{path}）：{reason}", "Backup failed ({path}): {reason}"),
    "restore.damaged": ("{path} 已损坏，不能用于恢复：{reason}", "{path} is damaged and cannot be restored: {reason}"),
    "restore.missing": ("找不到备份文件：{path}", "No backup file at {path}"),
})


def copy(ledger: Ledger, target: Path) -> Path:
    """Write a consistent copy of an open ledger to ``target`` (which must not exist)."""
    target = Path(target)
    if target.exists():
        raise BrokerDeskError("backup.exists", path=target)
    if target.resolve() == Path(ledger.path).resolve():
        raise BrokerDeskError("backup.same_file", path=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        dest = sqlite3.connect(partial)
        try:
            ledger.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dest.close()
        partial.replace(target)
    except (OSError, sqlite3.Error) as e:
        partial.unlink(missing_ok=True)
        raise BrokerDeskError("backup.failed", path=target, reason=e) from None
    return target


def automatic(ledger: Ledger, reason: str = "auto", folder: Path | None = None, keep: int = KEEP_AUTOMATIC) -> Path:
    """A timestamped backup in the ledger's backup folder; keeps the newest ``keep`` of that kind."""
    folder = Path(folder) if folder else paths.backup_dir(ledger.path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = copy(ledger, folder / f"{Path(ledger.path).stem}-{reason}-{stamp}{SUFFIX}")
    old = sorted(folder.glob(f"{Path(ledger.path).stem}-{reason}-*{SUFFIX}"))
    for stale in old[:-keep] if keep > 0 else []:
        stale.unlink(missing_ok=True)
    return target


def verify(path: Path) -> int:
    """Check that ``path`` is a sound ledger of a version this program reads; its schema version."""
    path = Path(path)
    state, version = ledger_files.inspect(path)
    if state == ledger_files.MISSING:
        raise BrokerDeskError("restore.missing", path=path)
    if state == ledger_files.EMPTY:
        raise BrokerDeskError("ledger.foreign", path=path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        raise BrokerDeskError("restore.damaged", path=path, reason=e) from None
    finally:
        conn.close()
    if result != [("ok",)]:
        raise BrokerDeskError("restore.damaged", path=path, reason="; ".join(r[0] for r in result[:3]))
    return version


def restore(ledger_path: Path, source: Path) -> tuple[Path | None, Ledger]:
    """Replace the ledger at ``ledger_path`` with the backup ``source``.

    The backup is checked first (a file that is not a sound ledger is refused
    and nothing changes); the ledger it replaces is backed up. Returns that
    safety copy (None when there was no ledger) and the reopened ledger.
    """
    verify(source)
    ledger_path = Path(ledger_path)
    safety = None
    if ledger_path.exists() and ledger_path.stat().st_size > 0:
        with Ledger.open(ledger_path, create=False) as current:
            safety = automatic(current, "before-restore")
    else:
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    dest = sqlite3.connect(ledger_path)
    try:
        src.backup(dest)  # page by page into the ledger, under its own lock
    finally:
        src.close()
        dest.close()
    return safety, Ledger.open(ledger_path, create=False)  # upgrades an older backup, after copying it
