"""The :class:`Ledger`: the one door to a ledger file.

Everything the CLI, the window and the tests do to data goes through its
methods; each write method is one transaction and returns a :class:`Changes`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import (
    achievements,
    brokers,
    clients,
    contracts,
    deductions,
    frontoffice,
    i18n,
    paths,
    payments,
    registration,
    workcalendar,
)
from ..errors import BrokerDeskError, ValidationError
from ..fields import (
    TABLES,
    WITHOUT_WARNINGS,
    Checker,
    entity_label,
    warnings_from_json,
    warnings_json,
)
from ..idnumbers import check_date
from . import files, journal
from .journal import Changes, Op
from .schema import SCHEMA_VERSION, migrations

# None bound as a parameter (an empty field: most rows hold a few) is NULL either way, but Python's
# sqlite3 looks for a way to adapt it first: an adapter in its registry, else ``__adapt__`` on its
# protocol type, a failed lookup that formats an AttributeError every time (about 2,000 machine
# instructions a parameter, holding Python's lock: a 100,000-contract import binds a million
# Nones). Found in the registry, None is handed back at once and bound as NULL, as before.
sqlite3.register_adapter(type(None), {}.get)

#: Settings and their defaults (values are stored as JSON).
DEFAULT_SETTINGS: dict[str, Any] = {
    "operator": "",                       # who is recorded in the change log ("" = the OS user)
    "office_name": "",                    # 登记机构 / the office printing forms
    "office_code": "",                    # 登记机构代码 (the registration point's number), printed on forms
    "office_address": "",                 # printed on forms
    "office_phone": "",                   # printed on forms
    "rankings.order": ["approved", "contracts", "name"],  # 排行榜 order: measures first to last
    "rankings.front_office": False,       # 排行榜 also shows 对接项目数 and 签约率 (never in the order)
    "registration.limit_mode": "rule",    # "rule": 按规定 (DESIGN §3); "fixed": the office's own limit below
    "registration.limit_days": 30,        # the office's own decision time limit ("fixed")
    "registration.limit_working": False,  # ... in working days instead of calendar days
    "calendar.office": {},                # dates the office adds or corrects, per year (see workcalendar)
    "registration.number_length": 16,     # 14 (old numbering) or 16 digits
    "language": "zh",
    "import.value_map": {},               # code values mapped by hand on import: {table: {value: item name}}
    "commission.mode": "arrival",         # 佣金 earned "arrival" (as the money arrives) or "registration"
}

_RULES: dict[str, Callable] = {
    "broker": brokers.check,
    "client": clients.check,
    "achievement": achievements.check,
    **frontoffice.RULES,
    "payment_plan": payments.check_plan,
    "receipt": payments.check_receipt,
    "commission_payout": payments.check_payout,
}

#: The contracts that use a record: deleting a record in use is refused, naming them.
_CONTRACTS_USING = {
    "client": "SELECT id FROM contracts WHERE buyer_id = :id UNION SELECT id FROM contracts WHERE seller_id = :id",
    "achievement": "SELECT id FROM contracts WHERE achievement_id = :id",
    "broker": "SELECT contract_id FROM contract_brokers WHERE broker_id = :id "
              "UNION SELECT contract_id FROM commission_payouts WHERE broker_id = :id",
    "engagement": "SELECT id FROM contracts WHERE engagement_id = :id",
}

i18n.register({
    "op.add": ("新建{entity}“{name}”", "Add {entity} “{name}”"),
    "op.update": ("修改{entity}“{name}”", "Edit {entity} “{name}”"),
    "op.delete": ("删除{entity}“{name}”", "Delete {entity} “{name}”"),
    "op.move": ("合同“{name}”登记状态改为“{status}”", "Contract “{name}” moved to “{status}”"),
    "op.change_registration": ("合同“{name}”变更登记", "Contract “{name}”: registration changed"),
    "op.undo": ("撤销：{what}", "Undo: {what}"),
    "op.redo": ("重做：{what}", "Redo: {what}"),
    "op.demo": ("生成示例数据（{contracts} 份合同）", "Generate demo data ({contracts} contracts)"),
    # every action's label is registered here, with the ledger that shows it, not in the module
    # that does the action (not yet imported when a window shows an old import in its log)
    "import.op": ("导入 {file}", "Import {file}"),
    "delete.in_use": ("不能删除{entity}“{name}”：它被 {count} 份合同使用（{contracts}）",
                      "Cannot delete {entity} “{name}”: {count} contracts use it ({contracts})"),
    "delete.holder": ("不能删除客户“{name}”：它是 {count} 项科技成果的持有方（{titles}）",
                      "Cannot delete client “{name}”: it holds {count} achievements ({titles})"),
    "record.missing": ("{entity} ID {id} 不存在", "{entity} with id {id} does not exist"),
    "move.missing_contract": ("合同 ID {id} 不存在", "Contract id {id} does not exist"),
})


def _display_name(entity: str, row: dict) -> str:
    return row.get({"achievement": "title", "contract": "contract_no", "demand": "title", "engagement": "title",
                    "followup": "on_date"}.get(entity, "name")) or "?"


class Ledger:
    """An open ledger. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, journal_mode: str):
        self.path = path
        self.conn = conn
        self.db = Database(conn, execute_plugins=False)
        self.journal_mode = journal_mode
        self._settings: dict[str, Any] | None = None
        self.upgrade_backup: Path | None = None
        self._writes = 0  # our own committed writes (data_version only counts other connections')
        self.cache: dict[str, Any] = {}  # for readers' caches, keyed by their own names
        self._deadlines: registration.Deadlines | None = None
        # the deadline of a row in SQL (sorting the list by it): ISO text, NULL unless 已受理
        conn.create_function("bd_due", 5, self._due_sql, deterministic=True)

    # -- opening -------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Ledger:
        """Open (and, with ``create``, make) the ledger at ``path`` (default: the user's).

        A file that is not a ledger, or one written by a newer version, is
        refused with a :class:`BrokerDeskError` and left untouched.
        """
        path = Path(path) if path else paths.default_ledger()
        state, version = files.inspect(path)
        if state == files.MISSING:
            if not create:
                raise BrokerDeskError("ledger.missing", path=path)
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)  # see bulk.py
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = NORMAL")
            ledger = cls(path, conn, mode)
            if version < SCHEMA_VERSION:
                if version > 0:
                    ledger.upgrade_backup = files.backup_before_upgrade(
                        conn, path, version, paths.backup_dir(path))
                migrations.apply(ledger.db)
                if version == 0:
                    ledger._init_meta()
        except sqlite3.DatabaseError as e:
            conn.close()
            raise BrokerDeskError("ledger.unreadable", path=path, reason=e) from None
        except BaseException:
            conn.close()
            raise
        return ledger

    def _init_meta(self) -> None:
        from .. import __version__

        with self.atomic():
            self.conn.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", [
                ("ledger_uid", journal.new_uid()),
                ("created_at", journal.now_utc()),
                ("created_by", f"BrokerDesk {__version__}"),
            ])

    def close(self) -> None:
        # statistics for the query planner where tables changed much (after an import, say): with
        # the sampling SQLite advises (analysis_limit 400: ≈ 3 ms after a 100,000-contract import,
        # against ≈ 100 ms reading every index whole; SQLite 3.46 and later limit it themselves)
        try:
            self.conn.execute("PRAGMA analysis_limit = 400")
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield
        self._writes += 1

    def generation(self) -> tuple[int, int]:
        """Changes whenever the ledger's content may have changed, by us or another program."""
        return self._writes, self.conn.execute("PRAGMA data_version").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def meta(self, key: str) -> str | None:
        r = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return r[0] if r else None

    # -- settings ------------------------------------------------------------------
    def setting(self, key: str) -> Any:
        if self._settings is None:
            self._settings = {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings")}
        return self._settings.get(key, DEFAULT_SETTINGS.get(key))

    def set_setting(self, key: str, value: Any) -> None:
        if key not in DEFAULT_SETTINGS:
            raise KeyError(key)
        self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                          "SET value = excluded.value", [key, json.dumps(value, ensure_ascii=False)])
        self._settings = None
        self._deadlines = None
        self._writes += 1

    @property
    def user(self) -> str:
        return self.setting("operator") or _os_user()

    def time_limit(self) -> registration.TimeLimit | None:
        """The office's own fixed time limit, or None when the rule (按规定) applies."""
        if self.setting("registration.limit_mode") != "fixed":
            return None
        return registration.TimeLimit(int(self.setting("registration.limit_days")),
                                      bool(self.setting("registration.limit_working")))

    def calendar(self) -> workcalendar.Calendar:
        """The working-day calendar: the library's and the office's own dates."""
        return self.deadlines().calendar

    def deadlines(self) -> registration.Deadlines:
        """The time-limit rule with this ledger's calendar and override (kept until a setting changes)."""
        if self._deadlines is None:
            self._deadlines = registration.Deadlines(
                workcalendar.Calendar(self.setting("calendar.office")), self.time_limit())
        return self._deadlines

    # -- reading -------------------------------------------------------------------
    def get(self, entity: str, id_: int) -> dict | None:
        """One record as a dict (a contract with its ``brokers`` and ``deductions`` lists), or None."""
        return self.get_many(entity, [id_]).get(id_)

    def get_many(self, entity: str, ids: list[int]) -> dict[int, dict]:
        """Records by id, as :meth:`get` gives them, fetched together (ids not found are left out)."""
        where, args = ("= ?", ids) if len(ids) == 1 else ("IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
        cur = self.conn.execute(f"SELECT * FROM {TABLES[entity]} WHERE id {where}", args)
        names = [d[0] for d in cur.description]
        at = names.index("id")
        found = {r[at]: dict(zip(names, r, strict=False)) for r in cur}  # (every column: they match)
        if entity in journal.BROKER_LINKS and found:
            for row in found.values():
                if entity == "contract":
                    row["deductions"] = deductions.from_json(row.get("deduction_items"))
                row["brokers"] = []
            table, column = journal.BROKER_LINKS[entity]
            for record_id, broker_id, share in self.conn.execute(
                    f"SELECT {column}, broker_id, share_bp FROM {table} WHERE {column} {where} "
                    "ORDER BY rowid", args):
                found[record_id]["brokers"].append((broker_id, share))
        return found

    def get_by_uid(self, entity: str, uid: str) -> dict | None:
        r = self.conn.execute(f"SELECT id FROM {TABLES[entity]} WHERE uid = ?", [uid]).fetchone()
        return self.get(entity, r[0]) if r else None

    def exists(self, entity: str, id_: int) -> bool:
        return self.conn.execute(f"SELECT 1 FROM {TABLES[entity]} WHERE id = ?", [id_]).fetchone() is not None

    def count(self, entity: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {TABLES[entity]}").fetchone()[0]

    def warnings(self, entity: str, id_: int) -> list:
        """The warnings kept on a record (e.g. a credit code whose check character does not match)."""
        r = self.conn.execute(f"SELECT warnings FROM {TABLES[entity]} WHERE id = ?", [id_]).fetchone()
        return warnings_from_json(r[0]) if r else []

    def registration_history(self, contract_id: int) -> list[dict]:
        cur = self.conn.execute("SELECT * FROM registration_events WHERE contract_id = ? ORDER BY id",
                                [contract_id])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    def history(self, entity: str, uid: str) -> list[dict]:
        """Every change to one record, oldest first, with who and when."""
        cur = self.conn.execute(
            "SELECT o.ts, o.user, o.kind, c.action, c.field, c.old, c.new FROM changes c "
            "JOIN ops o ON o.id = c.op_id WHERE c.entity = ? AND c.uid = ? ORDER BY c.id", [entity, uid])
        return [dict(ts=ts, user=user, kind=kind, action=action, field=field,
                     old=None if old is None else json.loads(old), new=None if new is None else json.loads(new))
                for ts, user, kind, action, field, old, new in cur]

    def recent_ops(self, limit: int = 20) -> list[dict]:
        """The latest actions, newest first; ``record`` is (entity, id) of the one record an action
        was about (a registration step counts for its contract), or None."""
        ops = [dict(id=i, ts=ts, user=u, kind=k, label=journal.label_text(lbl), record=None)
               for i, ts, u, k, lbl in self.conn.execute(
                   "SELECT id, ts, user, kind, label FROM ops ORDER BY id DESC LIMIT ?", [limit])]
        for op in ops:
            touched = {(e, u) for e, u in self.conn.execute(
                "SELECT entity, uid FROM changes WHERE op_id = ? AND entity != 'registration_event' LIMIT 2",
                [op["id"]])}
            if len(touched) == 1:
                entity, uid = touched.pop()
                if entity in payments.ENTITIES:  # a money record is seen in its contract
                    row = self.conn.execute(f"SELECT contract_id FROM {TABLES[entity]} WHERE uid = ?", [uid]).fetchone()
                    entity = "contract"
                else:
                    row = self.conn.execute(f"SELECT id FROM {TABLES[entity]} WHERE uid = ?", [uid]).fetchone()
                op["record"] = (entity, row[0]) if row else None
            elif not touched:  # steps that changed no column of their contract (变更登记)
                contracts = self.conn.execute(
                    "SELECT DISTINCT e.contract_id FROM changes c JOIN registration_events e ON e.uid = c.uid "
                    "WHERE c.op_id = ? AND c.entity = 'registration_event' LIMIT 2", [op["id"]]).fetchall()
                if len(contracts) == 1:
                    op["record"] = ("contract", contracts[0][0])
        return ops

    # -- writing -------------------------------------------------------------------
    @contextmanager
    def operation(self, code: str, kind: str = "edit", target: int | None = None, **args: Any) -> Iterator[Op]:
        """One action: one transaction, one entry in the change log."""
        with self.atomic():
            op = Op(self.conn, self.user, kind, {"code": code, "args": args}, target)
            yield op
            _follow_index(self.conn, op.changes.entities)

    def check_record(self, entity: str, values: dict, current: dict | None,
                     exists: Callable[[str, int], bool] | None = None,
                     maybe: Callable[[str, Any], bool] | None = None,
                     trusted: frozenset[str] = frozenset()) -> tuple[dict, list]:
        """Normalise and validate ``values`` for a new record (``current`` None) or over ``current``:
        the columns to write and the warnings kept on the record; :class:`ValidationError` otherwise.
        ``exists`` may answer "does that record exist" and ``maybe`` "might a record with this
        unique key exist" from memory (a bulk import knows); ``trusted`` names fields whose values
        the caller has already found in normal form (see :class:`~broker_desk.fields.Checker`)."""
        if entity == "contract":
            values = contracts.legacy_kind(values, current)
        ck = Checker(entity, values, current, exists or self.exists, maybe, trusted)
        if entity == "contract":
            contracts.check(ck, self, dt.date.today())
        else:
            _RULES[entity](ck, self)
        out, warnings = ck.finish()
        if current is None:  # a new record (most rows of a bulk import): no warnings kept from before
            if entity not in WITHOUT_WARNINGS:
                out["warnings"] = warnings_json(warnings)
            return out, warnings
        # warnings are kept on the record: recomputed for the fields this edit touched
        kept = [w for w in warnings_from_json((current or {}).get("warnings"))
                if w.field.rsplit(".", 1)[-1] not in values]
        if entity not in WITHOUT_WARNINGS:
            out["warnings"] = warnings_json(kept + warnings)
        return out, kept + warnings

    def validate(self, entity: str, values: dict, id_: int | None = None) -> list:
        """Every problem ``values`` would raise (errors and warnings), without saving anything."""
        current = self.get(entity, id_) if id_ is not None else None
        try:
            return self.check_record(entity, dict(values), current)[1]
        except ValidationError as e:
            return e.problems

    def add(self, entity: str, values: dict) -> Changes:
        """Validate and insert a record; :class:`ValidationError` lists every problem."""
        values = dict(values)
        out, warnings = self.check_record(entity, values, None)
        with self.operation("op.add", entity=entity, name=self._log_name(entity, out)) as op:
            op.insert(entity, out)
            if entity == "engagement":
                frontoffice.engage_demand(op, self, out)
        op.changes.warnings = warnings
        return op.changes

    def update(self, entity: str, id_: int, values: dict) -> Changes:
        current = self.get(entity, id_)
        if current is None:
            raise BrokerDeskError("record.missing", entity=entity_label(entity), id=id_)
        out, warnings = self.check_record(entity, dict(values), current)
        with self.operation("op.update", entity=entity, name=self._log_name(entity, {**current, **out})) as op:
            op.update(entity, id_, out)
            if entity == "engagement":
                frontoffice.engage_demand(op, self, {**current, **out})
        op.changes.warnings = warnings
        return op.changes

    def delete(self, entity: str, id_: int) -> Changes:
        """Delete a record; refused while a contract (or achievement) uses it."""
        current = self.get(entity, id_)
        if current is None:
            raise BrokerDeskError("record.missing", entity=entity_label(entity), id=id_)
        self._refuse_if_used(entity, current)
        with self.operation("op.delete", entity=entity, name=self._log_name(entity, current)) as op:
            if entity == "engagement":  # its follow-ups go with it (logged, so that undo brings them back)
                for (followup_id,) in self.conn.execute("SELECT id FROM followups WHERE engagement_id = ? "
                                                        "ORDER BY id", [id_]).fetchall():
                    op.delete("followup", followup_id)
            payments.delete_children(op, self.conn, entity, id_)
            op.delete(entity, id_)
        return op.changes

    def display_name(self, entity: str, row: dict) -> str:
        """How the editors, the delete question and ``check`` name a record of ``entity``."""
        name = self._log_name(entity, row)
        return journal.render(name) if isinstance(name, dict) else name

    def _log_name(self, entity: str, row: dict) -> str | dict:
        """How the change log names a record: its name, or a label rendered when shown where the
        name itself has words in the language (a money record's)."""
        if entity in payments.ENTITIES:
            return payments.name_label(self, entity, row)
        return _display_name(entity, row)

    def _refuse_if_used(self, entity: str, row: dict) -> None:
        if entity == "client":  # a client also holds achievements
            titles = [t for (t,) in self.conn.execute(
                "SELECT title FROM achievements WHERE holder_id = ? ORDER BY id", [row["id"]])]
            if titles:
                raise BrokerDeskError("delete.holder", name=row["name"], count=len(titles),
                                      titles="、".join(titles[:5]) + ("…" if len(titles) > 5 else ""))
        frontoffice.refuse_if_used(self, entity, row, _display_name(entity, row))
        if entity not in _CONTRACTS_USING:
            return
        ids = sorted(i for (i,) in self.conn.execute(_CONTRACTS_USING[entity], {"id": row["id"]}))
        if ids:
            shown = [n for (n,) in self.conn.execute(
                f"SELECT contract_no FROM contracts WHERE id IN ({','.join(map(str, ids[:5]))})")]
            raise BrokerDeskError("delete.in_use", entity=entity_label(entity), name=_display_name(entity, row),
                                  count=len(ids), contracts="、".join(shown) + ("…" if len(ids) > 5 else ""))

    # -- registration workflow -----------------------------------------------------
    def allowed_moves(self, contract_id: int) -> tuple[str, ...]:
        row = self.conn.execute("SELECT status FROM contracts WHERE id = ?", [contract_id]).fetchone()
        return registration.allowed_moves(row[0]) if row else ()

    def move(self, contract_id: int, to_status: str, on_date: Any = None, note: str | None = None,
             *, reg_office: str | None = None, reg_no: str | None = None,
             approved_fen: int | None = None, today: dt.date | None = None) -> Changes:
        """Move a contract's registration to ``to_status`` (a dated history row with its note);
        ``to_status`` may also be 变更登记 (see :meth:`change_registration`)."""
        today = today or dt.date.today()
        contract = self.get("contract", contract_id)
        if contract is None:
            raise BrokerDeskError("move.missing_contract", id=contract_id)
        registration.check_move(contract["status"], to_status)
        iso, problems = check_date(on_date if on_date not in (None, "") else today, "on_date")
        if iso is None:
            raise ValidationError([p.__class__("registration_event.on_date", p.code, p.args, p.severity)
                                   for p in problems])
        last = self.conn.execute("SELECT max(on_date) FROM registration_events WHERE contract_id = ?",
                                 [contract_id]).fetchone()[0]
        entered = {"reg_office": reg_office, "approved_fen": approved_fen, "reg_no": None}
        warnings = []
        if reg_no and to_status == registration.REGISTERED:
            entered["reg_no"], warnings = contracts.check_reg_no(self, reg_no, contract_id, today)
        changes = registration.plan_move(contract, to_status, iso, (note or "").strip() or None, entered, last, today)
        details = {k: v for k, v in changes.items() if k != "status" and v is not None}
        if "reg_no" in changes:  # warnings about the number are kept on the record, as an edit keeps them
            kept = [w for w in warnings_from_json(contract.get("warnings")) if w.field != "contract.reg_no"]
            changes["warnings"] = warnings_json(kept + warnings)
        label = ("op.change_registration", {}) if to_status == registration.CHANGE else ("op.move", {"status": to_status})
        with self.operation(label[0], name=contract["contract_no"], **label[1]) as op:
            op.update("contract", contract_id, changes)
            op.insert("registration_event", {
                "contract_id": contract_id, "from_status": contract["status"], "to_status": to_status,
                "on_date": iso, "note": (note or "").strip() or None,
                "details": json.dumps(details, ensure_ascii=False) if details else None, "user": self.user})
        op.changes.warnings = warnings
        return op.changes

    def due(self, contract: dict) -> registration.Due | None:
        """The deadline of a contract in 已受理 (a full contract row), with the limit it follows and
        any year it reaches into whose calendar is unknown; None for other contracts."""
        return self.deadlines().of(contract)

    def change_registration(self, contract_id: int, on_date: Any = None, note: str | None = None,
                            *, today: dt.date | None = None) -> Changes:
        """Record a 变更登记 of a registered contract: a dated step (with what changed in its note)
        that keeps it 已登记; undoable like any move."""
        return self.move(contract_id, registration.CHANGE, on_date, note, today=today)

    def deadline(self, contract: dict) -> dt.date | None:
        """When the office must decide a contract in 已受理 (a full contract row), or None."""
        due = self.deadlines().of(contract)
        return due.on if due else None

    def _due_sql(self, status, accepted_on, clock_from, tech_fen, expert) -> str | None:
        if status != registration.ACCEPTED or not clock_from:
            return None
        return self.deadlines().due(accepted_on, clock_from, tech_fen, expert).on.isoformat()

    def accepted_dues(self, before: str | None = None) -> list[tuple[int, registration.Due]]:
        """(id, deadline) of every contract in 已受理 (whose clock started before ``before``)."""
        rule = self.deadlines()
        sql = "SELECT id, accepted_on, clock_from, tech_fen, expert_review FROM contracts WHERE status = ? " \
              "AND clock_from IS NOT NULL" + (" AND clock_from < ?" if before else "")
        args = [registration.ACCEPTED] + ([before] if before else [])
        return [(id_, rule.due(accepted, clock, tech, expert))
                for id_, accepted, clock, tech, expert in self.conn.execute(sql, args)]

    def overdue(self, today: dt.date | None = None) -> list[int]:
        """Contracts in 已受理 past their deadline, the longest overdue first."""
        today = today or dt.date.today()
        key = (today, self.generation(), self.deadlines())  # the home page and the list's filter ask alike
        kept = self.cache.get("ledger.overdue")
        if kept is None or kept[0] != key:
            late = [(due.on, id_) for id_, due in self.accepted_dues(today.isoformat()) if due.on < today]
            kept = self.cache["ledger.overdue"] = (key, [id_ for _, id_ in sorted(late)])
        return list(kept[1])

    # -- undo / redo ---------------------------------------------------------------
    def undo_label(self) -> str | None:
        """What an undo would take back (for a menu item: 撤销 + this), or None."""
        t = journal.undo_target(self.conn)
        return journal.label_text(journal.original_label(t[1])) if t else None

    def redo_label(self) -> str | None:
        """What a redo would do again, or None."""
        t = journal.redo_target(self.conn)
        return journal.label_text(journal.original_label(t[1])) if t else None

    def undo(self, n: int = 1) -> list[Changes]:
        """Undo the last ``n`` actions (also those of earlier sessions), newest first."""
        return [self._reverse("undo") for _ in range(n)]

    def redo(self, n: int = 1) -> list[Changes]:
        return [self._reverse("redo") for _ in range(n)]

    def _reverse(self, kind: str) -> Changes:
        with self.atomic():
            target = (journal.undo_target if kind == "undo" else journal.redo_target)(self.conn)
            if target is None:
                raise BrokerDeskError(f"{kind}.nothing")
            label = {"code": f"op.{kind}", "args": {"what": json.loads(journal.original_label(target[1]))}}
            op = Op(self.conn, self.user, kind, label, target[0])
            op.apply_inverse(target[0])
            _follow_index(self.conn, op.changes.entities)
            column = "undone_by" if kind == "undo" else "redone_by"
            self.conn.execute(f"UPDATE ops SET {column} = ? WHERE id = ?", [op.op_id, target[0]])
        return op.changes

    # -- search --------------------------------------------------------------------
    def search(self, entity: str, text: str, limit: int | None = None) -> list[int]:
        from ..search import search

        return search(self, entity, text, limit)


def _follow_index(conn: sqlite3.Connection, entities: set[str]) -> None:
    """Keep the matching index (if built) current with an action on achievements or demands."""
    if entities & {"achievement", "demand"}:
        from .. import matchindex  # the segmenter is loaded only when there is text to index

        matchindex.follow(conn, entities)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (some services, containers)
        return "?"
