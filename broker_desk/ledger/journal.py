"""The change log and undo/redo.

Every business action is one *op* (a row in ``ops``) and one transaction; each
record it inserts, updates or deletes leaves rows in ``changes`` (entity, uid,
field, old, new as JSON). Undo applies the inverse of the newest op not yet
undone and records that as an op of its own, so the log always shows who did
what, and redo is simply the inverse of an undo. Everything lives in the
ledger, so undo works across restarts.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import random
import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from .. import i18n
from ..errors import BrokerDeskError
from ..fields import TABLES

#: The records that have brokers with shares: (table, column naming the record).
BROKER_LINKS = {"contract": ("contract_brokers", "contract_id"), "engagement": ("engagement_brokers", "engagement_id")}

#: Columns never written by hand (generated) and never logged as changes.
GENERATED = {"contracts": {"tech_fen"}}
UNLOGGED = {"updated_at"}

i18n.register({
    "undo.nothing": ("没有可撤销的操作", "Nothing to undo"),
    "redo.nothing": ("没有可重做的操作", "Nothing to redo"),
    "undo.conflict": ("无法撤销：{entity} {uid} 已不在账本中", "Cannot undo: {entity} {uid} is no longer in the ledger"),
})


def now_utc() -> str:
    """The time now in UTC to the second, as the ledger keeps it (``2024-05-01T08:00:00Z``)."""
    global _now_text
    second = int(time.time())
    held = _now_text
    if held[0] != second:  # (written out once a second: a bulk write asks for it often)
        held = _now_text = second, dt.datetime.fromtimestamp(second, dt.UTC).isoformat().replace("+00:00", "Z")
    return held[1]


_now_text = (-1, "")  # the last second asked for, and its text


_random = random.Random()  # seeded from the OS: ids need to differ, not to be secret
_uid_clock = [0, 0]  # the last (millisecond, sequence) handed out
#: A random byte as the first of the fourth group: its last six bits after the variant's 10.
_VARIANT = bytes(0x80 | (byte & 0x3F) for byte in range(256))
_SEQUENCE = [f"{s:03x}" for s in range(0x1000)]  # a sequence within the millisecond, as written
_FOUR, _TWELVE = re.compile("....").findall, re.compile(".{12}").findall  # hex digits a group of an id


def new_uid() -> str:
    """A new record's 记录ID: a UUID version 7 (RFC 9562) — the time in milliseconds, a
    sequence within the millisecond, then 62 random bits. Ids made one after another sort in
    that order, so a bulk write appends to the uid indexes instead of scattering over them."""
    return new_uids(1)[0]


def new_uids(count: int) -> list[str]:
    """``count`` new 记录IDs (see :func:`new_uid`), in the order they sort."""
    ms = time.time_ns() // 1_000_000
    last_ms, last_seq = _uid_clock
    seq = 0
    if ms <= last_ms:  # the same millisecond (or a clock stepped back): count on from the last id
        ms, seq = last_ms, last_seq + 1
    uids: list[str] = []
    while len(uids) < count:
        if seq > 0xFFF:
            ms, seq = ms + 1, 0
        take = min(count - len(uids), 0x1000 - seq)
        stamp = f"{ms:012x}"
        head = f"{stamp[:8]}-{stamp[8:]}-7"  # the millisecond and the version, the same for all of them
        # 62 random bits an id: 14 in the fourth group (after the variant's 10), 48 in the last
        fourth = bytearray(_random.randbytes(2 * take))
        fourth[0::2] = fourth[0::2].translate(_VARIANT)
        uids += [f"{head}{sequence}-{group}-{last}" for sequence, group, last in zip(
            _SEQUENCE[seq:seq + take], _FOUR(fourth.hex()), _TWELVE(_random.randbytes(6 * take).hex()), strict=True)]
        seq += take
    if uids:
        _uid_clock[0], _uid_clock[1] = ms, seq - 1
    return uids


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Changes:
    """What one action changed: views use it to decide whether to refresh."""

    op_id: int | None = None
    entities: set[str] = field(default_factory=set)
    id: int | None = None
    warnings: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.op_id is None


class Op:
    """One action in progress, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, user: str, kind: str, label: dict,
                 target: int | None = None):
        self.conn, self.user, self.kind, self.label, self.target = conn, user, kind, label, target
        self.changes = Changes()
        self._columns: dict[str, list[str]] = {}

    # -- bookkeeping ---------------------------------------------------------------
    @property
    def op_id(self) -> int:
        if self.changes.op_id is None:
            cur = self.conn.execute(
                "INSERT INTO ops (ts, user, kind, label, target) VALUES (?, ?, ?, ?, ?)",
                [now_utc(), self.user, self.kind, dumps(self.label), self.target])
            self.changes.op_id = cur.lastrowid
        return self.changes.op_id

    def _log(self, entity: str, uid: str, action: str, field_: str | None, old: Any, new: Any) -> None:
        self.conn.execute(
            "INSERT INTO changes (op_id, entity, uid, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [self.op_id, entity, uid, action, field_,
             None if old is None else dumps(old), None if new is None else dumps(new)])
        self.changes.entities.add(entity)

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            rows = self.conn.execute(f"PRAGMA table_xinfo({table})").fetchall()
            self._columns[table] = [r[1] for r in rows if r[1] not in GENERATED.get(table, ())]
        return self._columns[table]

    # -- reading ---------------------------------------------------------------------
    def row(self, entity: str, id_: int) -> dict | None:
        table = TABLES[entity]
        cols = self.columns(table)
        r = self.conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?", [id_]).fetchone()
        return dict(zip(cols, r, strict=True)) if r else None

    def id_of(self, entity: str, uid: str) -> int:
        r = self.conn.execute(f"SELECT id FROM {TABLES[entity]} WHERE uid = ?", [uid]).fetchone()
        if r is None:
            raise BrokerDeskError("undo.conflict", entity=entity, uid=uid)
        return r[0]

    def snapshot(self, entity: str, id_: int) -> dict:
        """The whole record, with a contract's brokers and registration history."""
        snap = self.row(entity, id_)
        if snap is None:
            raise BrokerDeskError("undo.conflict", entity=entity, uid=id_)
        if entity in BROKER_LINKS:
            snap["brokers"] = self.brokers(id_, entity)
        if entity == "contract":
            cols = self.columns("registration_events")
            snap["events"] = [dict(zip(cols, r, strict=True)) for r in self.conn.execute(
                f"SELECT {', '.join(cols)} FROM registration_events WHERE contract_id = ? ORDER BY id", [id_])]
        return snap

    def brokers(self, record_id: int, entity: str = "contract") -> list[list[int]]:
        table, column = BROKER_LINKS[entity]
        return [list(r) for r in self.conn.execute(
            f"SELECT broker_id, share_bp FROM {table} WHERE {column} = ? ORDER BY rowid", [record_id])]

    # -- writing ---------------------------------------------------------------------
    def insert(self, entity: str, values: dict, *, log_snapshot: bool = True) -> int:
        """Insert a record (``values`` may carry id/uid when restoring); returns its id."""
        table = TABLES[entity]
        values = dict(values)
        brokers = values.pop("brokers", None)
        events = values.pop("events", None)
        now = now_utc()
        if not values.get("uid"):
            values["uid"] = new_uid()
        values.setdefault("created_at", now)
        if "updated_at" in self.columns(table):
            values.setdefault("updated_at", now)
        cols = [c for c in self.columns(table) if c in values]
        cur = self.conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols])
        id_ = cur.lastrowid
        if brokers:
            self._set_brokers(id_, brokers, entity)
        for event in events or ():
            ecols = [c for c in self.columns("registration_events") if c in event]
            self.conn.execute(
                f"INSERT INTO registration_events ({', '.join(ecols)}) VALUES ({', '.join('?' * len(ecols))})",
                [event[c] for c in ecols])
        self._log(entity, values["uid"], "insert", None, None,
                  self.snapshot(entity, id_) if log_snapshot else None)
        self.changes.id = id_
        return id_

    def insert_many(self, entity: str, rows: list[dict], writer) -> None:
        """Insert new records whose ids and uids are given (a bulk import), queued to ``writer`` (a
        :class:`~broker_desk.ledger.bulk.BulkWriter`) a statement per run of rows with the same
        columns; logged as :meth:`insert` with ``log_snapshot=False`` does. The dicts are left as
        they are."""
        if not rows:
            return
        table = TABLES[entity]
        known = self.columns(table)
        now = now_utc()
        stamps = [c for c in ("created_at", "updated_at") if c in known]  # when not given: now
        brokers = []
        start = 0
        while start < len(rows):
            keys, end = rows[start].keys(), start + 1
            order = list(keys)  # (rows made alike have their keys in the same order: compared as lists)
            while end < len(rows) and (list(rows[end]) == order or rows[end].keys() == keys):  # (in any order)
                end += 1
            run = rows[start:end]
            cols = [c for c in known if c in keys]
            pick = operator.itemgetter(*cols)
            values = list(map(pick, run)) if len(cols) > 1 else [(value,) for value in map(pick, run)]
            writer.insert(table, cols, values, same={c: now for c in stamps if c not in keys})
            if "brokers" in keys:
                brokers += [(row["id"], broker_id, share) for row in run for broker_id, share in row["brokers"] or ()]
            start = end
        if brokers:
            link_table, link_column = BROKER_LINKS[entity]
            writer.insert(link_table, [link_column, "broker_id", "share_bp"], brokers)
        writer.insert("changes", ["uid"], [(row["uid"],) for row in rows],
                      same={"op_id": self.op_id, "entity": entity, "action": "insert"})
        self.changes.entities.add(entity)

    def update(self, entity: str, id_: int, values: dict) -> dict:
        """Set ``values`` on a record; logs and returns the fields that really changed."""
        table = TABLES[entity]
        current = self.row(entity, id_)
        if current is None:
            raise BrokerDeskError("undo.conflict", entity=entity, uid=id_)
        changed = {}
        for name, new in values.items():
            old = self.brokers(id_, entity) if name == "brokers" else current[name]
            if name == "brokers":
                new = [list(p) for p in new]
            if old != new:
                changed[name] = (old, new)
        plain = {k: v[1] for k, v in changed.items() if k != "brokers"}
        if "updated_at" in current and changed:
            plain["updated_at"] = now_utc()
        if plain:
            self.conn.execute(
                f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in plain)} WHERE id = ?",
                [*plain.values(), id_])
        if "brokers" in changed:
            link_table, link_column = BROKER_LINKS[entity]
            self.conn.execute(f"DELETE FROM {link_table} WHERE {link_column} = ?", [id_])
            self._set_brokers(id_, changed["brokers"][1], entity)
        for name, (old, new) in changed.items():
            if name not in UNLOGGED:
                self._log(entity, current["uid"], "update", name, old, new)
        return changed

    def delete(self, entity: str, id_: int) -> dict:
        snap = self.snapshot(entity, id_)
        self.conn.execute(f"DELETE FROM {TABLES[entity]} WHERE id = ?", [id_])
        self._log(entity, snap["uid"], "delete", None, snap, None)
        return snap

    def _set_brokers(self, record_id: int, pairs, entity: str = "contract") -> None:
        table, column = BROKER_LINKS[entity]
        self.conn.executemany(f"INSERT INTO {table} ({column}, broker_id, share_bp) VALUES (?, ?, ?)",
                              [(record_id, b, s) for b, s in pairs])

    def apply_inverse(self, target: int) -> None:
        """Undo everything op ``target`` did, newest change first."""
        rows = self.conn.execute(
            "SELECT entity, uid, action, field, old FROM changes WHERE op_id = ? ORDER BY id DESC",
            [target]).fetchall()
        for entity, uid, action, field_, old in rows:
            if action == "insert":
                self.delete(entity, self.id_of(entity, uid))
            elif action == "delete":
                self.insert(entity, json.loads(old))
            else:
                self.update(entity, self.id_of(entity, uid), {field_: None if old is None else json.loads(old)})


def undo_target(conn: sqlite3.Connection) -> tuple[int, str] | None:
    r = conn.execute("SELECT id, label FROM ops WHERE kind IN ('edit', 'redo') AND undone_by IS NULL "
                     "ORDER BY id DESC LIMIT 1").fetchone()
    return (r[0], r[1]) if r else None


def redo_target(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """The newest undo not yet redone, unless a fresh edit came after it."""
    last_edit = conn.execute("SELECT max(id) FROM ops WHERE kind = 'edit'").fetchone()[0] or 0
    r = conn.execute("SELECT id, label FROM ops WHERE kind = 'undo' AND redone_by IS NULL AND id > ? "
                     "ORDER BY id DESC LIMIT 1", [last_edit]).fetchone()
    return (r[0], r[1]) if r else None


def original_label(label_json: str) -> str:
    """The label of the action itself: an undo or redo op names the action it reverses."""
    label = json.loads(label_json)
    while label["code"] in ("op.undo", "op.redo"):
        label = label["args"]["what"]
    return dumps(label)


def label_text(label_json: str) -> str:
    """An op's label in the current language (rendered when shown, so it follows the language)."""
    return render(json.loads(label_json))


def render(label: dict) -> str:
    """A label ``{"code", "args"}`` in the current language: entity keys, statuses, code-table
    values and labels within it (the action undone, a money record's name) rendered as well."""
    from ..fields import entity_label
    from ..registration import status_name

    args = dict(label.get("args") or {})
    if "entity" in args:
        args["entity"] = entity_label(args["entity"])
    if isinstance(args.get("status"), str):
        args["status"] = status_name(args["status"])
    for key, value in args.items():
        if isinstance(value, dict) and "code" in value:
            args[key] = render(value)
        elif isinstance(value, dict) and "table" in value:  # a code table's value: its name in the language
            args[key] = code_name(value["table"], value.get("value"))
    return i18n.tr(label["code"], **args)


def code_name(table: str, value: str | None) -> str:
    """``value`` of the code table ``table`` in the current language (the value itself when unknown)."""
    from .. import codes

    try:
        item = codes.tables().item(table, value)
    except BrokerDeskError:  # a table the user's files no longer have
        item = None
    return item.label() if item else (value or "")
