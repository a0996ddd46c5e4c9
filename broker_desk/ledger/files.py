"""Opening a ledger file: recognise it, refuse what is not ours or too new
(leaving the file untouched), back up before an upgrade, then migrate.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

from .. import i18n
from ..errors import BrokerDeskError
from .schema import APPLICATION_ID, SCHEMA_VERSION

i18n.register({
    "ledger.missing": ("找不到账本文件：{path}", "No ledger file at {path}"),
    "ledger.is_dir": ("{path} 是文件夹，不是账本文件", "{path} is a folder, not a ledger file"),
    "ledger.not_sqlite": ("{path} 不是 BrokerDesk 账本（文件不是 SQLite 数据库，可能已损坏或是别的文件）；文件未改动",
                          "{path} is not a BrokerDesk ledger (not an SQLite database: damaged or another kind of file); the file was left as it was"),
    "ledger.foreign": ("{path} 是 SQLite 数据库，但不是 BrokerDesk 账本；文件未改动",
                       "{path} is an SQLite database but not a BrokerDesk ledger; the file was left as it was"),
    "ledger.too_new": ("账本 {path} 由更新版本的 BrokerDesk 写入（结构版本 {found}，本程序支持到 {known}）；请升级程序后再打开，文件未改动",
                       "The ledger {path} was written by a newer BrokerDesk (schema {found}; this program knows up to {known}); upgrade the program to open it. The file was left as it was"),
    "ledger.unreadable": ("无法读取账本 {path}：{reason}", "Cannot read the ledger {path}: {reason}"),
    "ledger.locked": ("账本 {path} 正被另一个程序写入，请稍后再试", "The ledger {path} is busy in another program; try again shortly"),
})

MISSING, EMPTY, LEDGER = "missing", "empty", "ledger"


def inspect(path: Path) -> tuple[str, int]:
    """What ``path`` holds, as ``(state, schema version)``, without changing it.

    Raises :class:`BrokerDeskError` for anything that is not a ledger this
    program may open; returns ``("missing", 0)``, ``("empty", 0)`` or
    ``("ledger", version)``.
    """
    path = Path(path)
    if not path.exists():
        return MISSING, 0
    if path.is_dir():
        raise BrokerDeskError("ledger.is_dir", path=path)
    # The file is not opened here other than through SQLite: closing a file of our own would drop
    # every lock this process holds on it (POSIX locks are per process), so a ledger open in this
    # program (a worker's reader opens it again) would look unused to another program (the CLI),
    # which would then take its write-ahead log away from under it (disk I/O error, lost writes).
    try:
        size = path.stat().st_size
    except OSError as e:
        raise BrokerDeskError("ledger.unreadable", path=path, reason=e.strerror or e) from None
    if not size:
        return EMPTY, 0
    if not os.access(path, os.R_OK):
        raise BrokerDeskError("ledger.unreadable", path=path, reason=os.strerror(errno.EACCES))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as e:
        if e.sqlite_errorcode == sqlite3.SQLITE_READONLY_ROLLBACK and _roll_back(path):
            return inspect(path)
        if "locked" in str(e) or "busy" in str(e):
            raise BrokerDeskError("ledger.locked", path=path) from None
        raise BrokerDeskError("ledger.not_sqlite", path=path) from None
    except sqlite3.DatabaseError:
        raise BrokerDeskError("ledger.not_sqlite", path=path) from None
    if app_id == 0 and tables == 0:
        return EMPTY, 0
    if app_id != APPLICATION_ID:
        raise BrokerDeskError("ledger.foreign", path=path)
    if version > SCHEMA_VERSION:
        raise BrokerDeskError("ledger.too_new", path=path, found=version, known=SCHEMA_VERSION)
    return LEDGER, version


def _roll_back(path: Path) -> bool:
    """A transaction cut short by a crash or a kill left its rollback journal (a large import
    writes through one: see ledger.bulk.rollback_journal), which a read-only look cannot undo:
    SQLite puts the file back as it was before that transaction on the first read of a
    connection that may write. Whether the journal is gone after."""
    try:
        conn = sqlite3.connect(path, timeout=10)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return not Path(f"{path}-journal").exists()


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: int, folder: Path) -> Path:
    """A consistent copy (SQLite's backup API) of a ledger about to be upgraded."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{Path(path).stem}-v{version}-before-upgrade-{stamp}.brokerdesk"
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def on_network_or_synced_folder(path: Path) -> bool:
    """A guess whether the ledger sits where SQLite's locking is unreliable."""
    text = str(Path(path).resolve())
    markers = ("OneDrive", "Dropbox", "Google Drive", "iCloud", "坚果云", "百度网盘", "Nutstore")
    if text.startswith("\\\\") or any(m.lower() in text.lower() for m in markers):
        return True
    if os.name == "posix":
        try:
            with open("/proc/mounts", encoding="utf-8") as f:
                mounts = [line.split() for line in f]
        except OSError:
            return False
        best = max((m for m in mounts if len(m) > 2 and text.startswith(m[1])), key=lambda m: len(m[1]),
                   default=None)
        return bool(best and best[2] in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"})
    return False
