"""Importing a workbook into the ledger: tolerant of the workbooks people
really have, strict about what gets in.

Every row is validated by the core's own rules. By default the import is all
or nothing: one bad row and nothing is written. With ``skip_invalid`` the good
rows are written and the bad ones listed; with ``dry_run`` nothing is written
and the summary says what would happen. The whole import is one transaction
and one action in the change log (so it can be undone), and a cancelled or
failed import leaves the ledger as it was.

Identity (DESIGN.md §4): 记录ID when given; else a contract's 登记编号, or its
(合同编号, 卖方); a client's 统一社会信用代码, or its 名称. Re-importing an
exported workbook changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from .. import codematch, codes, deductions, i18n, money, registration
from ..contracts import share_bp
from ..errors import ERROR, WARNING, BrokerDeskError, ValidationError
from ..fields import _BY_QUALIFIED as _FIELDS
from ..fields import clean_text, flag_value
from ..ledger.bulk import BulkWriter, SyncingConnection, WriteFailed, gc_paused
from ..ledger.journal import new_uid, new_uids, now_utc
from . import duplicates, frontsheets, money_sheets
from .cells import _UNTIDY, CellError, parse_date, parse_money, parse_text
from .reader import RawSheet, RowStream, WorkbookReader, column_letter
from .schema import HISTORY, MONEY_SHEETS, SHEETS, Column, Sheet, find_sheet
from .values import CodeValues, UnknownValue

i18n.register({
    "import.summary": ("{sheet}：新增 {inserted}，更新 {updated}，未变 {unchanged}，有误 {rejected}",
                       "{sheet}: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected"),
    "import.created": ("，另新建 {created} 条", ", {created} created for references"),
    "import.recognised": ("，按相近写法识别 {recognised} 个值", ", {recognised} values recognised from close spellings"),
    "import.write_failed": ("{file}：写入账本失败（{detail}），账本未改动", "{file}: writing to the ledger failed ({detail}); the ledger was not changed"),
    "import.indexing": ("正在建立索引…", "Building indexes…"),
    "import.cancelled": ("导入已取消，账本未改动", "Import cancelled; the ledger was not changed"),
    "import.duplicate_in_file": ("与第 {other} 行是同一条记录（{key}）", "Same record as row {other} ({key})"),
    "import.unknown_uid_entity": ("记录ID {uid} 属于另一类记录", "Record ID {uid} belongs to another kind of record"),
    "import.ambiguous_party": ("有 {count} 个客户名为“{name}”，请改填统一社会信用代码", "{count} clients are named “{name}”; give the credit code instead"),
    "import.party_rejected": ("{label}“{name}”所在的客户行有误，未导入", "{label} “{name}”: its row in the client sheet has errors"),
    "import.created_client": ("已新建客户“{name}”", "New client “{name}” created"),
    "import.created_broker": ("已新建经纪人“{name}”", "New broker “{name}” created"),
    "import.no_achievement": ("找不到科技成果“{value}”", "No achievement “{value}”"),
    "import.ambiguous_achievement": ("有多项科技成果名为“{value}”，请改填其记录ID", "Several achievements are titled “{value}”; give its record ID"),
    "import.bad_brokers": ("技术经纪人“{value}”无法识别，应写作 张三(60%)；李四(40%) 或 张三、李四", "Brokers “{value}” not understood; write 张三(60%)；李四(40%) or 张三、李四"),
    "import.ambiguous_broker": ("有多名经纪人叫“{name}”，请写作 姓名（证书编号）", "Several brokers are named “{name}”; write 姓名（证书编号）"),
    "import.status_needs": ("登记状态为“{status}”时须填写{fields}", "Status “{status}” needs {fields}"),
    "import.status_kept": ("登记状态与账本不同（账本：{ledger}，表格：{sheet}）；未改动，登记状态请随登记进度导入", "Registration status differs (ledger: {ledger}, sheet: {sheet}); kept — import it with its registration history"),
    "import.no_contract": ("找不到合同 {no}（卖方 {seller}）", "No contract {no} (seller {seller})"),
    "import.contract_rejected": ("所属合同 {no} 未导入", "Its contract {no} was not imported"),
    "import.history_move": ("登记进度不能从“{frm}”到“{to}”", "The history cannot move from “{frm}” to “{to}”"),
    "import.history_order": ("日期 {date} 早于上一步 {last}", "Date {date} is before the previous step {last}"),
    "import.history_end": ("登记进度最后为“{last}”，与合同的登记状态“{status}”不一致", "The history ends at “{last}” but the contract's status is “{status}”"),
    "import.history_diverges": ("登记进度与账本中的不一致（账本第 {step} 步为 {ledger}），未导入", "The history differs from the ledger's (step {step} there is {ledger}); not imported"),
    "import.history_older": ("账本中的登记进度更新，保留账本的", "The ledger's history is further along; the ledger's is kept"),
})

_TIDY = _UNTIDY.search


@dataclass(frozen=True)
class RowProblem:
    file: str
    sheet: str
    row: int
    column: str            # "M（合同金额）", or "" for the whole row
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def line(self, mark: str = "") -> str:
        """``FILE:SHEET:ROW:COLUMN: message`` (``mark`` goes before a warning's message)."""
        return f"{self.file}:{self.sheet}:{self.row}:{self.column}: {mark}{self.message}"


@dataclass
class SheetSummary:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created: int = 0       # clients or brokers made for parties named in other sheets
    recognised: int = 0    # code values taken for the item they are close to (each with a note)


@dataclass
class ImportResult:
    file: str
    summaries: dict[str, SheetSummary] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    unknown_values: list[UnknownValue] = field(default_factory=list)  # code values no item was found for
    written: bool = False
    dry_run: bool = False

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if not p.is_error]

    def summary_lines(self) -> list[str]:
        """One line per sheet: inserted / updated / unchanged / rejected, and records made for references."""
        lines = []
        for sheet, s in self.summaries.items():
            line = i18n.tr("import.summary", sheet=sheet, inserted=s.inserted, updated=s.updated,
                           unchanged=s.unchanged, rejected=s.rejected)
            lines.append(line + (i18n.tr("import.created", created=s.created) if s.created else "")
                         + (i18n.tr("import.recognised", recognised=s.recognised) if s.recognised else ""))
        return lines


class _Rollback(Exception):
    """Leaves the import's transaction without writing (dry run, or errors in all-or-nothing mode)."""


class _RowFailed(Exception):
    pass


class _MoneyParser:
    """parse_money for a column in 元 (scale 1) or 万元 (10000), with the fen per unit at hand."""

    __slots__ = ("scale", "unit_fen")

    def __init__(self, scale: int):
        self.scale, self.unit_fen = scale, 100 * scale

    def __call__(self, value):
        return parse_money(value, self.scale)


class _Step(NamedTuple):
    """One registration step of the 登记进度 sheet, kept small (a large file has hundreds of
    thousands): what it says (``to_status`` may be 变更登记; ``user``: its 操作人, None when
    blank), and where it stands (``origin``: the sheet and its columns)."""

    to_status: str
    on_date: str
    note: str | None
    user: str | None
    row_no: int
    origin: tuple[RawSheet, dict[str, Column]]


_new_step = tuple.__new__  # a _Step made without its generated __new__ (hundreds of thousands of them)
#: Items of one step in a flat list of steps (see _steps).
STEP_ITEMS = len(_Step._fields)


def _steps(flat) -> list[_Step]:
    """A contract's registration steps as kept while the import runs: one list of their items
    one after another (hundreds of thousands of steps take half the memory kept so)."""
    return [_new_step(_Step, flat[i:i + STEP_ITEMS]) for i in range(0, len(flat), STEP_ITEMS)]

_BROKER_PART = re.compile(r"^(?P<name>.+?)\s*(?:[（(]\s*(?P<share>[\d.]+)\s*%?\s*[)）])?$")
_BROKER_SPLIT = re.compile(r"[；;，,、/\n]+")
_PLAIN_BROKER = re.compile(r"([^；;，,、/\n()（）%\s]+)\((\d+(?:\.\d+)?)%\)").fullmatch  # 张三(60%)
_NAME_AND_CERT = re.compile(r"^(.+?)[（(](.+)[)）]$")  # 姓名（证书编号）
_CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")
_UID_LIKE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_STATUS_NEEDS = {
    registration.ACCEPTED: ("accepted_on", "reg_office"),
    registration.CORRECTION: ("accepted_on",),
    registration.REGISTERED: ("reg_no", "registered_on"),
    registration.WITHDRAWN: ("reg_no", "registered_on"),
}
#: New records wait in memory and are written this many at a time.
_BATCH = 5000
#: A contracts sheet this long, into a ledger holding fewer contracts, has the indexes built once at the end.
_BULK_ROWS = 5000
#: Contract fields the import may fill in itself (not as the cells gave them).
_DERIVED = frozenset(("status", "approved_fen"))
#: A sheet this large (rows × columns), the largest and needed last, is loaded from the start.
_ASIDE_CELLS = 500_000
#: Rows whose cells are turned into values together.
_CHUNK = 2000
_REGISTRATION = ("status", "reg_office", "accepted_on", "reg_no", "registered_on", "approved_fen")
#: The order sheets are taken in: parties before what refers to them, and a contract's
#: registration history before the contract (its status follows the history).
_ORDER = tuple(s for s in SHEETS if s is not HISTORY and s.entity != "contract" and s not in MONEY_SHEETS) + (
    HISTORY,) + tuple(s for s in SHEETS if s.entity == "contract") + MONEY_SHEETS  # money: after its contracts


def import_workbook(ledger, path, *, dry_run: bool = False, skip_invalid: bool = False,
                    overrides: dict[str, dict[str, str]] | None = None,
                    progress: Callable[[float, str], None] | None = None,
                    cancelled: Callable[[], bool] | None = None, today: dt.date | None = None) -> ImportResult:
    """Import the workbook at ``path``; raises BrokerDeskError for a file that cannot be used."""
    report = progress or (lambda fraction, message: None)
    with WorkbookReader(path) as book:
        sheets = _read_later(book, overrides)
        if sheets is not None:  # each sheet is read when the import comes to it, the next loading meanwhile
            return import_sheets(ledger, Path(path).name, sheets, dry_run=dry_run, skip_invalid=skip_invalid,
                                 progress=report, cancelled=cancelled, today=today, release=True)
        sheets = book.read_all(overrides, lambda f, m: report(f * 0.3, m), cancelled)
        if sheets is None:
            raise BrokerDeskError("import.cancelled")
    return import_sheets(ledger, Path(path).name, sheets, dry_run=dry_run, skip_invalid=skip_invalid,
                         progress=lambda f, m: report(0.3 + f * 0.7, m), cancelled=cancelled, today=today,
                         release=True)


@dataclass
class _LaterSheet:
    """A sheet of the file, read when the import comes to it (with the next one loading meanwhile)."""

    name: str
    sheet: Sheet
    estimate: int                 # its rows, as the file says (for progress until it is read)
    book: WorkbookReader
    overrides: dict[str, str] | None
    then: str | None = None       # the sheet the import comes to next

    def read(self) -> RawSheet:
        return self.book.read(self.name, self.overrides, self.then, stream=True)


def _read_later(book: WorkbookReader, overrides) -> list[_LaterSheet] | None:
    """The sheets to read as the import goes, in the file's order — when every sheet is named
    as a canonical one (what each is, and so the order of the import, is known before reading
    it) and says how many rows it has; else None (the sheets are read first)."""
    if not book.wanted:
        return None
    sheets, cells = [], {}
    for name in book.wanted:
        sheet, size = find_sheet(name), book.size_estimate(name)
        if sheet is None or size is None:
            return None
        sheets.append(_LaterSheet(name, sheet, max(0, size[0] - 1), book, (overrides or {}).get(name)))  # - header
        cells[name] = size[0] * size[1]
    order = sorted(sheets, key=lambda s: _ORDER.index(s.sheet))
    for this, following in zip(order, order[1:], strict=False):
        this.then = following.name
    last = order[-1].name
    if cells[last] >= _ASIDE_CELLS and cells[last] == max(cells.values()):
        # the largest sheet, needed last (the contracts): loaded from the start, beside the others, its
        # loading is over before the registration history is collected (it would be the import's fullest moment)
        book.load_aside(last)
    return sheets


@gc_paused()  # a bulk job
def import_sheets(ledger, file_name: str, sheets: list[RawSheet], *, dry_run: bool = False,
                  skip_invalid: bool = False, progress=None, cancelled=None,
                  today: dt.date | None = None, release: bool = False) -> ImportResult:
    """Import sheets already read; ``release`` lets each sheet's rows go once done (they cannot be
    imported again then: the import dialog keeps them for a check followed by the import)."""
    result = ImportResult(file_name, dry_run=dry_run)
    for raw in sheets:
        if raw.sheet is not None:
            result.summaries.setdefault(raw.sheet.name, SheetSummary())
            if isinstance(raw, RawSheet) and raw.unmapped:
                result.unmapped[raw.name] = [h for _, h in raw.unmapped]
    job = _Import(ledger, result, sheets, progress or (lambda f, m: None), cancelled or (lambda: False),
                  today or dt.date.today())
    job.release = release
    try:
        with ledger.operation("import.op", file=file_name) as op:
            job.op = op
            op_id = op.op_id  # made before any row's savepoint, so a rejected row cannot take it along
            with _writing(ledger, op, job):
                job.run()
            if dry_run or (result.errors and not skip_invalid):
                raise _Rollback()
            if not ledger.conn.execute("SELECT 1 FROM changes WHERE op_id = ? LIMIT 1", [op_id]).fetchone():
                ledger.conn.execute("DELETE FROM ops WHERE id = ?", [op_id])  # nothing changed: nothing to undo
    except _Rollback:
        result.written = False  # the counts say what the import would do
    else:
        result.written = True
    finally:  # sheets read as the import went: their unmapped columns in the file's order
        result.unmapped = {raw.name: result.unmapped[raw.name] for raw in sheets if raw.name in result.unmapped}
    return result


@contextmanager
def _writing(ledger, op, job):
    """New records go to a :class:`BulkWriter` (written on the other core while the import checks
    the next rows); every other statement of the import, the ledger's and the rules' first waits
    for it. A batch that cannot be written fails the import, which then writes nothing."""
    raw = ledger.conn
    writer = BulkWriter(raw)
    proxy = SyncingConnection(raw, writer)
    saved = ledger.db.conn, op.conn, job.conn
    ledger.conn = ledger.db.conn = op.conn = job.conn = proxy
    job.writer = writer
    try:
        yield
        writer.sync()
    except WriteFailed as e:
        writer.close(abandon=True)
        raise BrokerDeskError("import.write_failed", file=job.result.file, detail=str(e)) from None
    except BaseException:
        writer.close(abandon=True)
        raise
    else:
        writer.close()
    finally:
        ledger.conn = raw
        ledger.db.conn, op.conn, job.conn = saved
        job.writer = None


class _Import:
    def __init__(self, ledger, result: ImportResult, sheets: list[RawSheet], progress, cancelled, today):
        self.ledger, self.result, self.sheets = ledger, result, sheets
        self.progress, self.cancelled, self.today = progress, cancelled, today
        self.conn: sqlite3.Connection = ledger.conn
        self.op = None
        self.writer: BulkWriter | None = None
        self.trusted: frozenset[str] = frozenset()  # fields of the current row already in normal form
        self.rejected_clients: set[str] = set()  # names and codes of client rows that were rejected
        self.rejected_contracts: set[tuple[str, str]] = set()
        self.history: dict[tuple[str, str], list] = {}  # steps (flat: see _steps) until merged with their contract
        self.imported_contracts: dict[tuple[str, str], int] = {}   # (合同编号, 卖方 as written) -> id, if not new
        self.registration_updates: dict[int, tuple] = {}            # contract id -> what its history decides
        self.inserted_here: set[tuple[str, int]] = set()            # records this file brought in by 记录ID
        self.row_memory: list[tuple] = []                           # lookups the current row added to
        self.row_notes: list[tuple] = []                            # parties it created, listed if it stays
        self.row_savepoint = False
        self.release = False
        self._plans: dict[int, list] = {}             # by id() of the sheet, which _planned keeps alive
        self._wheres: dict[int, dict[str, Column]] = {}
        self._planned: list[RawSheet] = []
        self._ref_columns: dict[str, list[Column]] = {}  # per sheet: the columns naming other records
        # what a text names without doubt, per kind, worked out once while the lookups stay as they are
        self.memo: dict[str, dict] = {"party": {}, "achievement": {}, "broker": {}, "brokers": {}}
        self.user = ledger.user
        self.new_contracts: dict[int, str] = {}                     # contracts this import inserted: status
        self.events: list[tuple] = []     # registration steps to insert (the last item: log it?)
        self.pending: list[dict] = []                              # new records of the sheet, not yet written
        self.pending_entity: str | None = None
        self.pending_ids: set[int] = set()
        self.next_ids: dict[str, int] = {}
        self.uid_ids: dict[str, dict[str, int]] = {}
        self.restore_indexes: Callable[[], None] | None = None                # per entity: 记录ID -> id, loaded when needed
        self.done_rows = 0
        self.total_rows = max(1, sum(self._size(s) for s in sheets if s.sheet is not None))
        self.code_values = CodeValues(codematch.hand_mappings(ledger))
        result.unknown_values = self.code_values.unknown_list
        self._load_keys()

    # -- what the ledger holds, for identity and references ------------------------------------
    def _load_keys(self) -> None:
        c = self.conn
        self.clients_by_code = dict(c.execute("SELECT credit_code, id FROM clients WHERE credit_code IS NOT NULL"))
        self.clients_by_name: dict[str, list[int]] = {}
        for id_, name in c.execute("SELECT id, name FROM clients"):
            self.clients_by_name.setdefault(name, []).append(id_)
        self.client_names = dict(c.execute("SELECT id, name FROM clients"))
        self.client_codes = {id_: code for code, id_ in self.clients_by_code.items()}
        self.brokers_by_name: dict[str, list[int]] = {}
        self.brokers_by_cert: dict[str, int] = {}
        for id_, name, cert in c.execute("SELECT id, name, cert_no FROM brokers"):
            self.brokers_by_name.setdefault(name, []).append(id_)
            if cert:
                self.brokers_by_cert[cert] = id_
        self.achievements_by_title: dict[str, list[int]] = {}
        self.achievements_by_key: dict[tuple[str, int], list[int]] = {}  # (title, holder)
        for id_, title, holder in c.execute("SELECT id, title, holder_id FROM achievements"):
            self.achievements_by_title.setdefault(title, []).append(id_)
            self.achievements_by_key.setdefault((title, holder), []).append(id_)
        self.known = {"client": set(self.client_names), "broker": {i for (i,) in c.execute("SELECT id FROM brokers")},
                      "achievement": {i for (i,) in c.execute("SELECT id FROM achievements")}}
        # what the ledger held before: a re-import (or a merge) may name those records
        self.ledger_held = {**{entity: bool(ids) for entity, ids in self.known.items()},
                            "contract": c.execute("SELECT EXISTS (SELECT 1 FROM contracts)").fetchone()[0] == 1}
        self.fetched: dict[int, dict] = {}  # records of the sheet's entity the rows being converted name by 记录ID
        self.fetched_histories: dict[int, tuple] = {}  # and, for contracts, their status and registration steps
        self.fetched_entity: str | None = None
        self.seen: dict[tuple, int] = {}  # identities met in this file -> the row
        frontsheets.load_keys(self)  # 技术需求, 对接项目, 跟进记录

    # the contracts' keys are read when first needed: after the registration history is collected
    # (the fullest moment of a large import, with the contracts sheet loading meanwhile)
    @functools.cached_property
    def contracts_by_reg(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT reg_no, id FROM contracts WHERE reg_no IS NOT NULL"))

    @functools.cached_property
    def contracts_by_key(self) -> dict[tuple[str, int], int]:  # (合同编号, 卖方) -> id
        return {(no, seller): id_ for id_, no, seller in self.conn.execute("SELECT id, contract_no, seller_id FROM contracts")}

    def id_by_uid(self, entity: str, uid: str) -> int | None:
        ids = self.uid_ids.get(entity)
        if ids is None:
            from ..fields import TABLES

            ids = self.uid_ids[entity] = dict(self.conn.execute(f"SELECT uid, id FROM {TABLES[entity]}"))
        return ids.get(uid)

    def maybe(self, kind: str, key) -> bool:
        """Might a record with this unique key exist? The lookups hold every key of the ledger and
        of this import, so "no" is certain; on "yes" the rule asks the database, which must then
        hold the records still waiting to be written."""
        if kind == "client.credit_code":
            found = key in self.clients_by_code
        elif kind == "client.name":
            found = bool(self.clients_by_name.get(key))
        elif kind == "contract.key":
            found = key in self.contracts_by_key
        elif kind == "contract.reg_no":
            found = key in self.contracts_by_reg
        elif kind == "engagement.unsigned":
            return False  # the contracts that name engagements come later: see frontsheets.finish
        else:
            found = True
        if found:
            self.flush()
        return found

    # -- new records wait and are written together ------------------------------------------------
    def _new_id(self, entity: str) -> int:
        """The id a new record will have (ids are given, so records can wait to be written)."""
        if entity not in self.next_ids:
            from ..fields import TABLES

            table = TABLES[entity]
            seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
            top = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            self.next_ids[entity] = max(seq[0] if seq else 0, top or 0) + 1
        id_ = self.next_ids[entity]
        self.next_ids[entity] += 1
        return id_

    def flush(self) -> None:
        """Queue the records waiting to the writer (one statement per table); a constraint the checks did not
        foresee fails the whole import, which then writes nothing."""
        if not self.pending:
            return
        rows, entity = self.pending, self.pending_entity
        self.pending, self.pending_ids = [], set()
        self.op.insert_many(entity, rows, self.writer)  # a batch that fails fails the import (see _writing)
        if entity == "contract":
            self._write_events()  # the steps of the contracts just written

    def queue_new(self, entity: str, out: dict) -> int:
        """A new record of the sheet waits to be written with the others (see :meth:`flush`): its id."""
        id_ = out["id"] = self._new_id(entity)
        self.pending.append(out)
        self.pending_ids.add(id_)
        if len(self.pending) >= _BATCH:
            self.flush()
        return id_

    def _record(self, entity: str, id_: int) -> dict:
        """The record as the ledger holds it — written first if it is one still waiting (an
        earlier row of this sheet brought it in)."""
        if entity == self.fetched_entity and id_ in self.fetched:
            return self.fetched[id_]
        if id_ in self.pending_ids:
            self.flush()
        return self.ledger.get(entity, id_)

    def _fetch(self, names: list[str], columns: list[list]) -> None:
        """The next rows of a sheet, a list of values per field: the ledger's records they name by
        记录ID are fetched together (a re-import compares every row with its record)."""
        self.fetched, self.fetched_histories = {}, {}
        entity = self.fetched_entity
        if "uid" in names and self.ledger_held.get(entity, True):
            find = self.id_by_uid
            ids = [i for i in (find(entity, uid) for uid in columns[names.index("uid")] if uid) if i is not None]
            if ids:
                self.fetched = self.ledger.get_many(entity, ids)
                if entity == "contract" and self.history:
                    self.fetched_histories = self._stored_histories(set(self.fetched), self.fetched)

    def _insert_now(self, entity: str, out: dict) -> int:
        """A record written at once (a party a row names): never an id a waiting record holds."""
        if entity == self.pending_entity:
            self.flush()
            self.next_ids.pop(entity, None)
        return self.op.insert(entity, out, log_snapshot=False)

    # -- the run ------------------------------------------------------------------------------
    @staticmethod
    def _size(raw) -> int:
        return len(raw.rows) if isinstance(raw, RawSheet) else raw.estimate

    def _read(self, raw) -> RawSheet:
        """The sheet's rows, reading it now if it was left to be read when the import came to it."""
        if isinstance(raw, RawSheet):
            return raw
        self.progress(self.done_rows / self.total_rows, i18n.tr("workbook.reading", sheet=raw.name))
        read = raw.read()
        if isinstance(read.rows, list):  # else its rows are read as they are imported
            self.total_rows = max(1, self.total_rows + len(read.rows) - raw.estimate)
        if read.unmapped:
            self.result.unmapped[read.name] = [h for _, h in read.unmapped]
        return read

    def run(self) -> None:
        by_sheet = {}
        for raw in self.sheets:
            if raw.sheet is not None:
                by_sheet.setdefault(raw.sheet.name, []).append(raw)
        for sheet in _ORDER:  # the history before the contracts: a contract's status follows its history
            for raw in by_sheet.get(sheet.name, []):
                if sheet is HISTORY:
                    self._collect_history(self._read(raw))
                    continue
                if sheet.entity == "contract" and self.restore_indexes is None:
                    self._suspend_indexes(sum(self._size(r) for r in by_sheet[sheet.name]))
                self._sheet(self._read(raw))
        self._apply_history()
        frontsheets.finish(self)
        if self.restore_indexes is not None:
            self.progress(1.0, i18n.tr("import.indexing"))
            try:
                self.restore_indexes()
            except sqlite3.IntegrityError as e:
                raise BrokerDeskError("import.write_failed", file=self.result.file, detail=str(e)) from None

    def _suspend_indexes(self, rows: int) -> None:
        """Many new contracts: build the contracts' indexes once at the end instead of row by row.
        Worth it when the sheet brings more than twice the contracts the ledger holds; with fewer,
        many rows may be contracts the ledger has (a re-import), and looking those up without
        the indexes would cost far more than keeping the indexes up to date."""
        from ..ledger.schema import suspend_indexes

        if rows >= _BULK_ROWS and rows > 2 * self.ledger.count("contract"):
            self.restore_indexes = suspend_indexes(self.conn, "contracts")

    def _ticks(self, rows: int) -> None:
        """``rows`` more rows done: every 500 rows, stop if the user cancelled, else say how far."""
        before = self.done_rows
        self.done_rows += rows
        if before // 500 != self.done_rows // 500:
            if self.cancelled():
                raise BrokerDeskError("import.cancelled")
            self.progress(min(1.0, self.done_rows / self.total_rows), "")

    def _tick(self) -> None:
        self._ticks(1)

    def problem(self, raw: RawSheet, row: int, column: Column | None, message: str, severity=ERROR) -> None:
        where = ""
        if column is not None:
            index = next((i for i, (c, _) in raw.columns.items() if c is column), None)
            where = f"{column_letter(index)}（{raw.headers[index]}）" if index is not None else column.header
        self.result.problems.append(RowProblem(self.result.file, raw.name, row, where, message, severity))

    # -- cells to values -------------------------------------------------------------------------
    def _plan(self, raw: RawSheet) -> tuple[list, dict[str, Column]]:
        """Per sheet, once: which cell goes to which field through which parser, and the column
        each field comes from."""
        plan = self._plans.get(id(raw))
        if plan is None:
            self._planned.append(raw)  # its id() is not given to another sheet while the import runs
            plan = self._plans[id(raw)] = [
                (index, column.field, column, {"money": _MoneyParser(scale), "date": parse_date}.get(
                    column.kind, parse_text)) for index, (column, scale) in raw.columns.items()
                if not column.readonly]  # what the ledger works out (办结期限) is not read back
            self._wheres[id(raw)] = {f: c for _, f, c, _ in plan}
        return plan, self._wheres[id(raw)]

    def _converted(self, raw: RawSheet, before: Callable[[list[str], list[list]], None] | None = None):
        """Each row as ``(row number, values, ok, problems, trusted)``: its field values, whether
        every cell could be read, the cells' problems ``(column, message)`` and the names of the
        fields whose values are already in the ledger's normal form (the checks need not look at
        them again). Cells are turned into values a column of a few thousand rows at a time: the
        usual column (tidy text, date cells, amounts in whole fen) is settled in one pass, and
        only unusual cells go through the full parsers of :mod:`.cells`. With ``release`` the
        rows go as they are converted. ``before(names, converted)`` sees each chunk's values, a
        list per field, before its rows are given."""
        names = [name for _, name, _, _ in self._plan(raw)[0]]
        for chunk, converted, failed, trusted, notes in self._converted_chunks(raw):
            if before is not None:
                before(names, converted)
            for i, row_values in enumerate(zip(*converted, strict=True) if converted else [()] * len(chunk)):
                if notes:
                    self._notes(raw, chunk[i][0], notes, i)
                values = dict(zip(names, row_values, strict=True))
                problems = failed.get(i)
                if problems:
                    for _, name, _ in problems:
                        del values[name]  # a cell that cannot be read gives no value
                yield chunk[i][0], values, not problems, problems, trusted

    def _converted_chunks(self, raw: RawSheet):
        """As :meth:`_converted`, a chunk of rows at a time: ``(rows, values, failed, trusted, notes)``,
        the values a list per column of the plan, ``failed`` the problems by row index, ``notes``
        the code values taken for a close item, ``(column, note)`` by row index (see .values)."""
        plan, _ = self._plan(raw)
        entity = raw.sheet.entity
        kept: dict[str, str] = {}  # texts repeated down the sheet, each kept once
        keep = kept.setdefault
        for chunk in self._chunks(raw):
            cells = [c for _, c in chunk]
            width = max(map(len, cells))
            if min(map(len, cells)) < width:
                cells = [c if len(c) == width else [*c, *([None] * (width - len(c)))] for c in cells]
            columns = list(zip(*cells, strict=True))
            blank = (None,) * len(cells)
            converted, failed, trusted, notes = [], {}, set(), {}
            for index, name, column, parse in plan:
                values, normal, errors = convert_column(columns[index] if index < width else blank,
                                                        parse, entity, name)
                if not normal and column.kind == "code" and column.table:
                    normal, noted = self.code_values.column(values, column.table, f"{raw.name} · {column.header}")
                    normal = normal and not errors
                    for i, note in noted.items():
                        notes.setdefault(i, []).append((column, note))
                if normal:
                    trusted.add(name)
                for i, message in errors.items():
                    failed.setdefault(i, []).append((column, name, message))
                if _STR_OR_NONE.issuperset(set(map(type, values))) and \
                        len(set(values)) * 4 <= len(values):  # categories, parties, dates: one text each
                    values = [keep(v, v) for v in values]
                converted.append(values)
            yield chunk, converted, failed, frozenset(trusted), notes

    def _chunks(self, raw: RawSheet):
        """The sheet's rows, ``_CHUNK`` at a time; with ``release`` each chunk goes once taken."""
        rows = raw.rows
        if isinstance(rows, RowStream):  # rows read as they are imported
            yield from rows.chunks(_CHUNK)
            return
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            if self.release:
                rows[start:start + len(chunk)] = [None] * len(chunk)
            yield chunk

    def _notes(self, raw: RawSheet, row_no: int, notes: dict, i: int) -> None:
        """The notes on row ``i`` of a chunk: code values taken for the item they are close to."""
        for column, note in notes.get(i, ()):
            self.problem(raw, row_no, column, note, WARNING)
            self.result.summaries[raw.sheet.name].recognised += 1

    def fail(self, raw, row_no, where: dict[str, Column], error: ValidationError, entity: str) -> None:
        for p in error.problems:
            name = p.field.rsplit(".", 1)[-1]
            self.problem(raw, row_no, where.get(name), p.message(), p.severity)

    def warn(self, raw, row_no, where: dict[str, Column], warnings) -> None:
        for p in warnings:
            name = p.field.rsplit(".", 1)[-1]
            self.problem(raw, row_no, where.get(name), p.message(), WARNING)

    # -- one sheet -------------------------------------------------------------------------------
    def _sheet(self, raw: RawSheet) -> None:
        sheet = raw.sheet
        summary = self.result.summaries[sheet.name]
        self.flush()
        self.pending_entity = sheet.entity
        self.next_ids.pop(sheet.entity, None)
        self.fetched_entity = sheet.entity
        for row_no, values, ok, problems, trusted in self._converted(raw, self._fetch):
            self._tick()
            self.row_savepoint = False
            try:
                outcome = self._row(raw, sheet, row_no, values, ok, problems, trusted)
            except _RowFailed:
                outcome = "rejected"
            except sqlite3.IntegrityError as e:  # a rule the checks above missed: the row, not the import
                self.problem(raw, row_no, None, str(e))
                outcome = "rejected"
            if outcome == "rejected":
                if self.row_savepoint:
                    self.conn.execute("ROLLBACK TO SAVEPOINT import_row")
                self._forget_row()
            else:  # the parties the row brought in stay: count and list them
                for sheet_name, note_raw, note_row, column, message in self.row_notes:
                    self.result.summaries.setdefault(sheet_name, SheetSummary()).created += 1
                    self.problem(note_raw, note_row, column, message, WARNING)
            self.row_memory.clear()
            self.row_notes.clear()
            if self.row_savepoint:
                self.conn.execute("RELEASE SAVEPOINT import_row")
            setattr(summary, outcome, getattr(summary, outcome) + 1)
        self.flush()
        self.pending_entity = None
        self.fetched, self.fetched_histories, self.fetched_entity = {}, {}, None
        if self.release:
            raw.rows = []  # read and done: its cells need not stay in memory for the sheets to come

    def _before_early_write(self) -> None:
        """A row writes something (a party it names) before it is known to be good: from here on
        its writes can be taken back. Most rows write only once, last, and need no savepoint."""
        if not self.row_savepoint:
            self.flush()  # records of earlier rows: written before, so a rollback cannot take them
            self.conn.execute("SAVEPOINT import_row")
            self.row_savepoint = True

    def _row(self, raw: RawSheet, sheet: Sheet, row_no: int, values: dict, ok: bool, problems, trusted) -> str:
        where = self._wheres[id(raw)]
        for column, _, message in problems or ():
            self.problem(raw, row_no, column, message)
        self.trusted = trusted
        entity = sheet.entity
        uid = values.pop("uid", None)
        if uid is not None and not _UID_LIKE.match(uid.lower()):
            self.problem(raw, row_no, where.get("uid"), i18n.tr("import.unknown_uid_entity", uid=uid))
            ok = False
        ok = self._references(raw, sheet, row_no, values, where) and ok
        if not ok:
            self._reject(entity, values)
            raise _RowFailed()
        current_id = self._identify(entity, uid, values)
        key = self._key(entity, uid, values)
        if key in self.seen and any(k is not None for k in key[1:]):  # the earlier row stands
            column, words = duplicates.identity(entity, uid, values, self.client_names.get)
            self.problem(raw, row_no, where.get(column), i18n.tr("import.duplicate_in_file", other=self.seen[key],
                                                                  key=words))
            raise _RowFailed()
        self.seen[key] = row_no
        if entity == "contract":
            return self._contract(raw, row_no, values, where, uid, current_id)
        outcome = self._write(raw, row_no, entity, values, where, uid, current_id)
        if entity in frontsheets.ENTITIES:
            frontsheets.written(self, raw, row_no, where, entity, values, current_id, outcome)
        return outcome

    def _reject(self, entity: str, values: dict) -> None:
        if entity == "client" and values.get("name"):
            self.forget_known()
            self.rejected_clients.add(values["name"])
            if values.get("credit_code"):
                self.rejected_clients.add(values["credit_code"])
        if entity == "contract" and values.get("contract_no"):
            self.rejected_contracts.add((values["contract_no"], values.get("_seller_text") or ""))

    def _write(self, raw, row_no, entity: str, values: dict, where, uid: str | None, current_id: int | None,
               extra: dict | None = None) -> str:
        """Check and write one record; ``extra`` columns (derived, not the user's) go into a new one."""
        if entity in money_sheets.ENTITIES:  # what the references left for the messages (see money_sheets)
            values = {k: v for k, v in values.items() if not k.startswith("_")}
        current = self._record(entity, current_id) if current_id is not None else None
        if current is not None and not any_differs(current, values):
            return "unchanged"  # exactly what the ledger holds (a re-import): nothing to check or write
        try:
            out, warnings = self.ledger.check_record(entity, values, current, self.exists, self.maybe,
                                                     trusted=self.trusted)
        except ValidationError as e:
            self.fail(raw, row_no, where, e, entity)
            self._reject(entity, values)
            raise _RowFailed() from None
        self.warn(raw, row_no, where, [w for w in warnings if w.field.rsplit(".", 1)[-1] in values])
        if current is None:
            out.update(extra or {})
            out["uid"] = uid or new_uid()
            if entity == self.pending_entity:
                id_ = self.queue_new(entity, out)
            else:
                id_ = self.op.insert(entity, out, log_snapshot=False)
            self._remember(entity, id_, out)
            if uid:
                self.inserted_here.add((entity, id_))
            return "inserted"
        changed = {k: v for k, v in out.items() if k != "warnings" and _differs(current.get(k), v, k)}
        if not changed:
            return "unchanged"
        if "brokers" in changed:
            changed["brokers"] = out["brokers"]
        if "warnings" in out:  # (a follow-up keeps none)
            changed["warnings"] = out["warnings"]
        if entity == self.fetched_entity:
            self.fetched.pop(current_id, None)  # no longer what the ledger holds
        self.op.update(entity, current_id, changed)
        self._remember(entity, current_id, {**current, **out})
        return "updated"

    def forget_known(self) -> None:
        """The lookups changed (a record written, a row taken back): what texts name is worked out again."""
        for memo in self.memo.values():
            if memo:
                memo.clear()

    def _forget_row(self) -> None:
        """A rejected row's writes were rolled back: so are the keys it added (parties it created)."""
        self.forget_known()
        for _entity, id_, mapping, key, before in reversed(self.row_memory):
            if mapping is None:
                continue
            if isinstance(mapping.get(key), list):
                mapping[key].remove(id_)
            elif before is None:
                del mapping[key]
            else:
                mapping[key] = before
        for entity, id_, *_ in self.row_memory:
            self.inserted_here.discard((entity, id_))
            self.known.get(entity, set()).discard(id_)

    def exists(self, entity: str, id_: int) -> bool:
        known = self.known.get(entity)
        if known is None and entity == "contract":  # the money sheets' contracts: all in the lookups by now
            known = self.known["contract"] = set(self.contracts_by_key.values())
        return id_ in known if known is not None else self.ledger.exists(entity, id_)

    def _remember(self, entity: str, id_: int, row: dict) -> None:
        """Put a written record into the lookups; each key is noted so a rejected row can take it back."""
        def one(mapping: dict, key, value=id_) -> None:
            self.row_memory.append((entity, id_, mapping, key, mapping.get(key)))
            mapping[key] = value

        def among(mapping: dict, key) -> None:
            ids = mapping.setdefault(key, [])
            if id_ not in ids:
                ids.append(id_)
                self.row_memory.append((entity, id_, mapping, key, None))

        self.row_memory.append((entity, id_, None, None, None))
        if entity != "contract" and entity not in money_sheets.ENTITIES:
            self.forget_known()
        if entity in self.known:
            self.known[entity].add(id_)
        if row.get("uid") and entity in self.uid_ids:
            one(self.uid_ids[entity], row["uid"])
        if entity == "client":
            if row.get("credit_code"):
                one(self.clients_by_code, row["credit_code"])
                one(self.client_codes, id_, row["credit_code"])
            among(self.clients_by_name, row["name"])
            one(self.client_names, id_, row["name"])
        elif entity == "broker":
            among(self.brokers_by_name, row["name"])
            if row.get("cert_no"):
                one(self.brokers_by_cert, row["cert_no"])
        elif entity == "achievement":
            among(self.achievements_by_title, row["title"])
            among(self.achievements_by_key, (row["title"], row["holder_id"]))
        elif entity == "contract":
            if row.get("reg_no"):
                one(self.contracts_by_reg, row["reg_no"])
            one(self.contracts_by_key, (row["contract_no"], row["seller_id"]))
        elif entity in frontsheets.ENTITIES:
            frontsheets.remember(self, entity, id_, row, one, among)

    # -- identity ----------------------------------------------------------------------------------
    def _identify(self, entity: str, uid: str | None, values: dict) -> int | None:
        """The record a row is: by 记录ID, else (another ledger's record: a merge) by its natural key —
        but never a record this file itself brought in under another 记录ID."""
        if uid:
            found = self.id_by_uid(entity, uid)
            if found is not None:
                return found
            found = self._natural(entity, values)
            return None if (entity, found) in self.inserted_here else found
        return self._natural(entity, values)

    def _natural(self, entity: str, values: dict) -> int | None:
        if entity == "client":
            code = (values.get("credit_code") or "").replace(" ", "").upper() or None
            if code and code in self.clients_by_code:
                return self.clients_by_code[code]
            if not code:
                candidates = [i for i in self.clients_by_name.get(values.get("name") or "", [])]
                no_code = [i for i in candidates if not self._client_code(i)]
                return no_code[0] if len(no_code) == 1 else (candidates[0] if len(candidates) == 1 else None)
            return None
        if entity == "broker":
            if values.get("cert_no") and values["cert_no"] in self.brokers_by_cert:
                return self.brokers_by_cert[values["cert_no"]]
            ids = self.brokers_by_name.get(values.get("name") or "", [])
            return ids[0] if len(ids) == 1 and not values.get("cert_no") else None
        if entity == "achievement":
            ids = self.achievements_by_key.get((values.get("title"), values.get("holder_id")), [])
            return ids[0] if len(ids) == 1 else None
        if entity == "contract":
            if values.get("reg_no") and values["reg_no"] in self.contracts_by_reg:
                return self.contracts_by_reg[values["reg_no"]]
            return self.contracts_by_key.get((values.get("contract_no"), values.get("seller_id")))
        if entity in frontsheets.ENTITIES:
            return frontsheets.natural(self, entity, values)
        if entity in money_sheets.ENTITIES:
            return money_sheets.natural(self, entity, values)
        return None

    def _client_code(self, id_: int) -> str | None:
        return self.client_codes.get(id_)

    def _key(self, entity: str, uid: str | None, values: dict) -> tuple:
        if uid:
            return (entity, uid)
        if entity == "client":
            return (entity, values.get("credit_code") or values.get("name"))
        if entity == "broker":
            return (entity, values.get("name"), values.get("cert_no"))
        if entity == "achievement":
            return (entity, values.get("title"), values.get("holder_id"))
        if entity in frontsheets.ENTITIES:
            return frontsheets.key(entity, values)
        if entity in money_sheets.ENTITIES:
            return money_sheets.key(entity, values)
        return (entity, values.get("reg_no") or None, values.get("contract_no"), values.get("seller_id"))

    # -- references: parties, achievements, brokers ---------------------------------------------------
    def _references(self, raw, sheet: Sheet, row_no: int, values: dict, where: dict[str, Column]) -> bool:
        if sheet in MONEY_SHEETS:
            return money_sheets.references(self, raw, row_no, values, where)
        ok = True
        columns = self._ref_columns.get(sheet.name)
        if columns is None:
            columns = self._ref_columns[sheet.name] = [c for c in sheet.columns if c.kind in (
                "party", "achievement", "brokers", *frontsheets.REFERENCES)]
        for column in columns:
            name = column.field
            if column.kind == "party" and values.get(name):
                text = values[name]
                if name == "seller_id":
                    values["_seller_text"] = text
                resolved = self.party(raw, row_no, column, text)
                if resolved is None:
                    ok = False
                values[name] = resolved
            elif column.kind == "achievement" and values.get(name):
                resolved = self.achievement(raw, row_no, column, values[name])
                ok = ok and resolved is not None
                values[name] = resolved
            elif column.kind == "brokers" and name in values:
                resolved = self.brokers(raw, row_no, column, values[name])
                ok = ok and resolved is not None
                values[name] = resolved or []
            elif column.kind in frontsheets.REFERENCES and values.get(name):
                resolved = frontsheets.reference(self, raw, row_no, column, values[name])
                ok = ok and resolved is not None
                values[name] = resolved
        return ok

    def known_party(self, text: str) -> int | None:
        """The client ``text`` (a credit code or a name) names without doubt, if any (worked out
        once per text while the lookups stay as they are)."""
        memo = self.memo["party"]
        found = memo.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = memo[text] = self._find_party(text)
        return found

    def _find_party(self, text: str) -> int | None:
        text = clean_text(text)
        if text is None:
            return None
        code = text.replace(" ", "").upper()
        if text in self.rejected_clients or code in self.rejected_clients:
            return None
        if _CODE_LIKE.match(code):
            return self.clients_by_code.get(code)
        ids = self.clients_by_name.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def party(self, raw, row_no: int, column: Column, text: str) -> int | None:
        """A client by credit code or name; a new client when there is none (counted and listed)."""
        found = self.known_party(text)
        if found is not None:
            return found
        text = clean_text(text)
        code = text.replace(" ", "").upper()
        if text in self.rejected_clients or code in self.rejected_clients:
            self.problem(raw, row_no, column, i18n.tr("import.party_rejected", label=column.header, name=text))
            return None
        if _CODE_LIKE.match(code):  # a code no client has
            values = {"name": text, "credit_code": code}
        else:
            ids = self.clients_by_name.get(text, [])
            if ids:  # more than one (known_party takes one)
                self.problem(raw, row_no, column, i18n.tr("import.ambiguous_party", count=len(ids), name=text))
                return None
            values = {"name": text}
        try:
            out, _ = self.ledger.check_record("client", values, None, self.exists, self.maybe)
        except ValidationError as e:
            for p in e.errors:
                self.problem(raw, row_no, column, p.message())
            return None
        self._before_early_write()
        id_ = self._insert_now("client", out)
        self._remember("client", id_, out)
        self.row_notes.append(("客户", raw, row_no, column, i18n.tr("import.created_client", name=text)))
        return id_

    def known_achievement(self, text: str) -> int | None:
        """The achievement ``text`` (its 记录ID or title) names without doubt, if any (memoised)."""
        memo = self.memo["achievement"]
        found = memo.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = memo[text] = self._find_achievement(text)
        return found

    def _find_achievement(self, text: str) -> int | None:
        if _UID_LIKE.match(text.lower()):
            id_ = self.id_by_uid("achievement", text.lower())
            if id_ is not None:
                return id_
        ids = self.achievements_by_title.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def achievement(self, raw, row_no: int, column: Column, text: str) -> int | None:
        found = self.known_achievement(text)
        if found is not None:
            return found
        ids = self.achievements_by_title.get(text, [])
        self.problem(raw, row_no, column, i18n.tr(
            "import.ambiguous_achievement" if ids else "import.no_achievement", value=text))
        return None

    def brokers(self, raw, row_no: int, column: Column, text: str | None) -> list[tuple[int, str]] | None:
        """`张三(60%)；李四(40%)` or `张三、李四` (equal shares) as (broker id, share %) pairs."""
        if not text:
            return []
        parsed = self.memo["brokers"].get(text, _UNKNOWN)
        if parsed is _UNKNOWN:
            parsed = self.memo["brokers"][text] = parse_brokers(text)
        if parsed is None:
            self.problem(raw, row_no, column, i18n.tr("import.bad_brokers", value=text))
            return None
        pairs = []
        for name, share in parsed:
            broker_id = self.broker(raw, row_no, column, name)
            if broker_id is None:
                return None
            if share_bp(share) is None:
                self.problem(raw, row_no, column, i18n.tr("contract.bad_share", value=share))
                return None
            pairs.append((broker_id, share))
        return pairs

    def known_broker(self, text: str) -> int | None:
        """The broker ``text`` (姓名 or 姓名（证书编号）) names without doubt, if any (memoised)."""
        memo = self.memo["broker"]
        found = memo.get(text, _UNKNOWN)
        if found is _UNKNOWN:
            found = memo[text] = self._find_broker(text)
        return found

    def _find_broker(self, text: str) -> int | None:
        m = _NAME_AND_CERT.match(text)
        if m and m.group(2) in self.brokers_by_cert:
            return self.brokers_by_cert[m.group(2)]
        ids = self.brokers_by_name.get(text, ())
        return ids[0] if len(ids) == 1 else None

    def broker(self, raw, row_no: int, column: Column, text: str) -> int | None:
        found = self.known_broker(text)
        if found is not None:
            return found
        ids = self.brokers_by_name.get(text, [])
        if len(ids) > 1:
            self.problem(raw, row_no, column, i18n.tr("import.ambiguous_broker", name=text))
            return None
        out, _ = self.ledger.check_record("broker", {"name": text}, None)
        self._before_early_write()
        id_ = self._insert_now("broker", out)
        self._remember("broker", id_, out)
        self.row_notes.append(("经纪人", raw, row_no, column, i18n.tr("import.created_broker", name=text)))
        return id_

    # -- contracts and their registration ---------------------------------------------------------------
    def _contract(self, raw, row_no: int, values: dict, where, uid, current_id) -> str:
        seller_text = values.pop("_seller_text", "")
        history = _steps(self.history.get((values.get("contract_no"), seller_text), ()))
        if values.get("tech_given_fen") is not None:
            no_override(values, self._record("contract", current_id) if current_id is not None else None)
        status = sheet_status(values)
        values["status"] = status
        self.trusted = self.trusted - _DERIVED
        if current_id is None:
            needs = [f for f in _STATUS_NEEDS.get(status, ()) if not values.get(f)]
            if needs:
                from ..fields import label

                self.problem(raw, row_no, where.get("status") or where.get("reg_no"), i18n.tr(
                    "import.status_needs", status=status, fields="、".join(label(f"contract.{f}") for f in needs)))
                try:  # and whatever else is wrong with the row, all at once
                    self.ledger.check_record("contract", {k: v for k, v in values.items() if not k.startswith("_")},
                                             None)
                except ValidationError as e:
                    self.fail(raw, row_no, where, e, "contract")
                self._reject("contract", {**values, "_seller_text": seller_text})
                raise _RowFailed()
            if status in (registration.REGISTERED, registration.WITHDRAWN) and values.get("approved_fen") is None:
                amount, deductions = values.get("amount_fen") or 0, values.get("deductions_fen") or 0
                values["approved_fen"] = values.get("tech_given_fen") or amount - deductions
            try:
                outcome = self._write(raw, row_no, "contract", values, where, uid, None,
                                      {"clock_from": _clock(status, values.get("accepted_on"), history)})
            except _RowFailed:
                self._reject("contract", {**values, "_seller_text": seller_text})
                raise
            id_ = self.contracts_by_key[(values["contract_no"], values["seller_id"])]
            self.new_contracts[id_] = status
            if history:  # its steps can be written right behind it (and need not be kept)
                del self.history[(values["contract_no"], seller_text)]
                self._merge_history(id_, history, self.result.summaries[HISTORY.name],
                                    key=(values["contract_no"], seller_text))
            return outcome
        current = self._record("contract", current_id)
        registration_values = {k: values.pop(k) for k in _REGISTRATION if k in values}
        try:
            outcome = self._write(raw, row_no, "contract", values, where, uid, current_id)
        except _RowFailed:
            self._reject("contract", {**values, "_seller_text": seller_text})
            raise
        self.imported_contracts[(values.get("contract_no"), seller_text)] = current_id
        registration_values.setdefault("status", status)
        changed = {k: v for k, v in registration_values.items() if _differs(current.get(k), v, k)}
        if changed and not history:
            self.problem(raw, row_no, where.get("status"), i18n.tr(
                "import.status_kept", ledger=current["status"], sheet=registration_values["status"]), WARNING)
        elif changed:  # applied with the history that leads there (see _merge_history)
            self.registration_updates[current_id] = (registration_values, current, outcome)
        return outcome

    def _set_clock(self, id_: int, status: str, accepted_on: str | None, history) -> None:
        clock = _clock(status, accepted_on, history)
        if clock:
            self.conn.execute("UPDATE contracts SET clock_from = ? WHERE id = ?", [clock, id_])

    def _collect_history(self, raw: RawSheet) -> None:
        plan, where = self._plan(raw)
        origin = (raw, where)
        statuses = frozenset(registration.STEPS)
        index = {name: i for i, (_, name, _, _) in enumerate(plan)}
        for chunk, converted, failed, _, notes in self._converted_chunks(raw):
            for i in notes:
                self._notes(raw, chunk[i][0], notes, i)
            blank = [None] * len(chunk)
            no, seller, status, on_date, note, user = (
                converted[index[name]] if name in index else blank
                for name in ("contract_no", "seller", "to_status", "on_date", "note", "user"))
            # the usual chunk: every cell read, the required ones filled, known statuses
            if not failed and statuses.issuperset(status) and all(no) and all(seller) and all(on_date):
                self._plain_steps(zip(no, seller, strict=True), status, on_date, note, user, [n for n, _ in chunk],
                                  origin)
            else:  # row by row, each problem said where it is
                for i, (row_no, _) in enumerate(chunk):
                    values = {name: converted[j][i] for name, j in index.items()}
                    problems = failed.get(i)
                    for _, name, _ in problems or ():
                        del values[name]
                    self._history_row(raw, origin, row_no, values, not problems, problems)
            self._ticks(len(chunk))
        if self.release:
            raw.rows = []  # what is needed is in self.history now

    def _plain_steps(self, keys, status, on_date, note, user, numbers, origin) -> None:
        """Usual rows of the 登记进度 sheet kept with their contract's steps (flat, see _steps), as
        _history_row keeps one."""
        history = self.history
        get = history.get
        for key, *step in zip(keys, status, on_date, note, user, numbers, repeat(origin, len(numbers)),
                              strict=True):
            steps = get(key)
            if steps is None:
                history[key] = step
            else:
                steps += step

    def _history_row(self, raw: RawSheet, origin, row_no: int, values: dict, ok: bool, problems) -> None:
        summary = self.result.summaries[HISTORY.name]
        where = origin[1]
        for column, _, message in problems or ():
            self.problem(raw, row_no, column, message)
        for column in HISTORY.columns:
            if column.required and not values.get(column.field) and ok:
                self.problem(raw, row_no, column, i18n.tr("field.required", label=column.header))
                ok = False
        status = values.get("to_status")
        if ok and status not in registration.STEPS:
            self.problem(raw, row_no, where.get("to_status"), i18n.tr("reg.unknown_status", value=status))
            ok = False
        if not ok:
            summary.rejected += 1
            return
        key = (values["contract_no"], values["seller"])
        self.history.setdefault(key, []).extend((values["to_status"], values["on_date"], values.get("note"),
                                                 values.get("user"), row_no, origin))

    def _apply_history(self) -> None:
        """Registration histories: checked against the workflow, merged with the ledger's."""
        summary = self.result.summaries.get(HISTORY.name)
        if summary is None:
            return
        histories = list(self.history.items())  # those not merged with a new contract as it was written
        # and a contract this import brought in has no other history
        merged = set(self.new_contracts) if histories else set()
        for start in range(0, len(histories), _CHUNK):
            part = [(key, _steps(flat), self._history_contract(key)) for key, flat in histories[start:start + _CHUNK]]
            stored = self._stored_histories({c for _, _, c in part if c is not None} - merged)
            for key, rows, contract_id in part:
                if contract_id is None:
                    for step in rows:
                        raw, where = step.origin
                        message = ("import.contract_rejected" if key in self.rejected_contracts else "import.no_contract")
                        self.problem(raw, step.row_no, where.get("contract_no"),
                                     i18n.tr(message, no=key[0], seller=key[1]))
                        summary.rejected += 1
                    continue
                # what the ledger held, unless an earlier history of this file was merged with it
                self._merge_history(contract_id, rows, summary, stored.pop(contract_id, None), key)
                merged.add(contract_id)
        self._write_events()

    def _history_contract(self, key: tuple[str, str]) -> int | None:
        """The contract a history (合同编号, 卖方 as written) belongs to, if any."""
        if key in self.imported_contracts:
            return self.imported_contracts[key]
        if key in self.rejected_contracts:
            return None
        seller = self.clients_by_code.get(key[1].replace(" ", "").upper()) or next(
            iter(self.clients_by_name.get(key[1], [])), None)
        return self.contracts_by_key.get((key[0], seller))

    def _stored_histories(self, ids: set[int], statuses: dict[int, dict] | None = None) -> dict[int, tuple]:
        """For contracts of the ledger: each one's status (from ``statuses``, their records, when
        given) and registration steps, fetched together."""
        if not ids:
            return {}
        chosen = [json.dumps(sorted(ids))]
        if statuses is None:
            stored = {id_: (status, []) for id_, status in self.conn.execute(
                "SELECT id, status FROM contracts WHERE id IN (SELECT value FROM json_each(?))", chosen)}
        else:
            stored = {id_: (statuses[id_]["status"], []) for id_ in ids}
        for step in self.conn.execute(
                "SELECT contract_id, to_status, on_date, note FROM registration_events "
                "WHERE contract_id IN (SELECT value FROM json_each(?)) ORDER BY contract_id, id", chosen):
            stored[step[0]][1].append(step[1:])
        return stored

    def _write_events(self) -> None:
        """The registration steps waiting, queued behind their contracts. A step added to a contract
        already in the ledger gets a line in the change log, so undo takes it back; the steps of a
        contract this import brings in need none: undoing the import deletes the contract, and
        them with it (its snapshot keeps them for a redo)."""
        if not self.events:
            return
        now, user = now_utc(), self.user
        columns = ("uid", "contract_id", "from_status", "to_status", "on_date", "note", "user", "created_at")
        op_id = self.op.op_id
        for start in range(0, len(self.events), _BATCH):
            events = self.events[start:start + _BATCH]
            uids = new_uids(len(events))
            self.writer.insert("registration_events", columns, [
                (uid, contract_id, frm, to, on_date, note, by or user, now)  # 操作人 left blank: who imports
                for uid, (contract_id, frm, to, on_date, note, by, _) in zip(uids, events, strict=True)])
            self.writer.insert("changes", ("op_id", "entity", "uid", "action"), [
                (op_id, "registration_event", uid, "insert") for uid, e in zip(uids, events, strict=True) if e[6]])
        self.op.changes.entities.add("registration_event")
        self.events.clear()

    def _merge_history(self, contract_id: int, rows, summary: SheetSummary, stored: tuple | None = None,
                       key: tuple[str, str] = ("", "")) -> None:
        """Merge the imported steps of one contract (``key``: its 合同编号 and 卖方 as the sheet has
        them) with its history in the ledger (``stored``: its status and steps there, if already
        fetched)."""
        new = contract_id in self.new_contracts
        if stored is None and not new:
            stored = self._stored_histories({contract_id})[contract_id]
        status = self.new_contracts[contract_id] if new else stored[0]
        fault = chain_fault(rows, key)  # the imported chain must obey the workflow
        if fault is not None:
            step, name, message = fault
            raw, where = step.origin
            self.problem(raw, step.row_no, where.get(name), message)
            summary.rejected += len(rows)
            return
        state = registration.status_after(rows[-1].to_status)
        existing = () if new else stored[1]
        common = 0  # steps the ledger holds already
        if existing:
            imported = [step[:3] for step in rows]
            while common < min(len(existing), len(imported)) and existing[common] == imported[common]:
                common += 1
        step = rows[min(common, len(rows) - 1)]
        (raw, where), row_no = step.origin, step.row_no
        if common < len(existing) and common < len(rows):
            self.problem(raw, row_no, where.get("to_status"), i18n.tr(
                "import.history_diverges", step=common + 1, ledger=existing[common][0]))
            summary.rejected += len(rows)
            return
        summary.unchanged += common
        if common == len(rows):
            if len(existing) > len(rows):
                self.problem(raw, row_no, None, i18n.tr("import.history_older"), WARNING)
            return
        pending = self.registration_updates.pop(contract_id, None)
        target = pending[0]["status"] if pending else status
        if state != target:
            self.problem(raw, rows[-1].row_no, rows[-1].origin[1].get("to_status"),
                         i18n.tr("import.history_end", last=state, status=target))
            summary.rejected += len(rows) - common
            return
        after = registration.status_after
        previous = after(existing[-1][0]) if existing else registration.DRAFT
        for step in rows[common:]:  # a new contract's steps go with it: undo deletes them along (and
            # redo brings them back); a step added to a contract already in the ledger is logged
            self.events.append((contract_id, previous, step.to_status, step.on_date, step.note, step.user, not new))
            previous = after(step.to_status)
            summary.inserted += 1
        if pending:
            registration_values, current, outcome = pending
            changed = {k: v for k, v in registration_values.items() if _differs(current.get(k), v, k)}
            self.op.update("contract", contract_id, changed)
            if outcome == "unchanged":  # the row itself had not changed, its registration has
                contracts = self.result.summaries["技术合同"]
                contracts.unchanged -= 1
                contracts.updated += 1
        if not new:
            accepted_on = self.conn.execute("SELECT accepted_on FROM contracts WHERE id = ?", [contract_id]).fetchone()[0]
            self._set_clock(contract_id, state, accepted_on, rows)


def no_override(values: dict, current: dict | None) -> None:
    """A 技术交易额 that is what the ledger derives is no override (DESIGN.md §4: the export
    writes the derived value): taken as blank when it equals the row's 成交额 − 非技术性费用, or,
    for a record ``current`` that derives it, the value the export wrote (its 成交额 changed in
    the sheet, the 技术交易额 cell left as it was). A record that holds this very value as
    given keeps it. Costs given only as items are left to the rules."""
    given, get = values["tech_given_fen"], (current or {}).get
    held = get("tech_given_fen")
    if held == given:
        return
    amount = values["amount_fen"] if "amount_fen" in values else get("amount_fen")
    costs = values["deductions_fen"] if "deductions_fen" in values else get("deductions_fen")
    if costs is None:
        if values.get("deduction_items"):
            return
        costs = 0
    if (amount is not None and given == amount - costs) or (current is not None and held is None
                                                            and given == get("tech_fen")):
        values["tech_given_fen"] = None


def sheet_status(values: dict) -> str:
    """A contract row's 登记状态; a row that has 登记编号 but no 登记状态 (common in brokers' own
    ledgers) means registered, one with neither a draft."""
    return values.get("status") or (registration.REGISTERED if values.get("reg_no") else registration.DRAFT)


def chain_fault(rows: list[_Step], key: tuple[str, str] = ("", "")) -> tuple[_Step, str, str] | None:
    """The first step of an imported history that the workflow does not allow (a move it has
    no way for, or a date before the step before): (step, the field at fault, message). A step
    that repeats the row before it (same status, date and note) is said to be that row again
    (``key``: the contract's 合同编号 and 卖方 as written)."""
    fault = move_fault(rows)
    if fault is None:
        return None
    i = fault[0]
    if i and rows[i][:3] == rows[i - 1][:3]:
        step = rows[i]
        return step, "contract_no", i18n.tr("import.duplicate_in_file", other=rows[i - 1].row_no,
                                             key=duplicates.step_identity(key, step.to_status, step.on_date))
    return rows[i], *fault[1:]


def move_fault(moves) -> tuple[int, str, str] | None:
    """As :func:`chain_fault`, for moves given as (status, date, …) (steps, or pairs): (the
    fault's index, the field at fault, message). A 变更登记 step keeps the walk at 已登记
    (:data:`registration.ALLOWED` has its moves)."""
    state, last = registration.DRAFT, None
    for i, move in enumerate(moves):
        to, on_date = move[0], move[1]
        if to not in registration.ALLOWED[state]:
            return i, "to_status", i18n.tr("import.history_move", frm=state, to=to)
        if last and on_date < last:
            return i, "on_date", i18n.tr("import.history_order", date=on_date, last=last)
        state, last = to, on_date
    return None


def parse_brokers(text: str) -> list[tuple[str, str]] | None:
    """``张三(60%)；李四(40%)`` or ``张三、李四`` (equal shares) as (name, share %) pairs; None
    when it cannot be read that way."""
    plain = [_PLAIN_BROKER(part) for part in text.split("；")]
    if None not in plain:  # as the export writes it: one pattern per broker
        return [m.groups() for m in plain]
    parsed = []
    for part in (p.strip() for p in _BROKER_SPLIT.split(text)):
        if not part:
            continue
        m = _BROKER_PART.match(part)
        if not m:
            return None
        parsed.append((m.group("name").strip(), m.group("share")))
    if not parsed:
        return []  # separators only: nobody named
    if any(s is None for _, s in parsed) and any(s is not None for _, s in parsed):
        return None
    if all(s is None for _, s in parsed):
        n = len(parsed)
        base = Decimal(10000 // n) / 100
        shares = [str(base)] * (n - 1) + [str(Decimal(100) - base * (n - 1))]
        parsed = [(name, share) for (name, _), share in zip(parsed, shares, strict=True)]
    return parsed


_SLOW = object()  # a cell the full parser must read
_UNKNOWN = object()  # not worked out yet (None is an answer)
_DATE = dt.date
_STR_OR_NONE = frozenset((str, type(None)))


def _tidy(texts: list[str]) -> bool:
    """Whether no text has a space at either end, two spaces running, another kind of space
    (full-width, no-break, tab, line break…: whatever ``str.split`` splits at, as ``\\s`` does)
    or a zero-width character — stricter than both cells._UNTIDY and fields._UNTIDY, so texts
    that pass are tidy for both (and stricter still: any character ``str.isprintable`` refuses
    fails). The texts are looked at joined, a few scans in all."""
    plain = "".join(texts)
    if not plain.isprintable():  # a space of another kind, a line break, a zero-width character…
        return False
    if " " not in plain:
        return True
    joined = "\x00".join(texts)
    return ("  " not in joined and "\x00 " not in joined and " \x00" not in joined
            and joined[:1] != " " and joined[-1:] != " ")


def convert_column(cells, parse, entity: str, name: str) -> tuple[list, bool, dict[int, str]]:
    """The values of one column's cells, as ``parse`` gives them cell by cell (None for a cell
    it refuses); whether they are all in the ledger's normal form for the field ``entity.name``
    (tidy text within its length and code table, dates from date cells, amounts in whole fen:
    the checks need not look at them again); and the refused cells' messages by index."""
    values, normal = _quick_column(cells, parse, entity, name)
    errors: dict[int, str] = {}
    if not normal and _SLOW in values:
        for i, value in enumerate(values):
            if value is _SLOW:
                try:
                    values[i] = parse(cells[i])
                except CellError as e:
                    values[i] = None
                    errors[i] = str(e)
    return values, normal, errors


def _quick_column(cells, parse, entity: str, name: str) -> tuple[list, bool]:
    """The common cells of a column settled in one pass; ``_SLOW`` where the full parser must decide."""
    if parse is parse_text:
        if _STR_OR_NONE.issuperset(set(map(type, cells))):
            texts = [v for v in cells if v]
            if _tidy(texts):
                return [v or None for v in cells], _normal_texts(texts, entity, name)
        return [v if v.__class__ is str and v and _TIDY(v) is None else
                None if v is None or v == "" else _SLOW for v in cells], False
    f = _FIELDS.get(f"{entity}.{name}")
    if parse is parse_date:
        if len(_ISO) > 100_000:
            _ISO.clear()
        iso = _ISO.get
        values = [(iso(v) or _iso(v)) if v.__class__ is _DATE else None if v is None or v == "" else _SLOW
                  for v in cells]
        return values, f is not None and f.kind == "date" and _SLOW not in values
    unit, top = parse.unit_fen, money.MAX_FEN
    values = [fen if v.__class__ is float and 0 <= (scaled := v * unit) <= top and (fen := round(scaled)) / unit == v
              else None if v is None or v == "" else _SLOW for v in cells]
    return values, f is not None and f.kind == "fen" and _SLOW not in values


_ISO: dict[dt.date, str] = {}  # a date's text, made once: a sheet holds a few thousand days many times over


def _iso(day: dt.date) -> str:
    text = _ISO[day] = day.isoformat()
    return text


def _normal_texts(texts: list[str], entity: str, name: str) -> bool:
    """Whether tidy texts need no further check as the field's values: text or code, short
    enough, and (a code) in its table."""
    f = _FIELDS.get(f"{entity}.{name}")
    if f is None or f.kind not in ("text", "code"):
        return False
    if texts and max(map(len, texts)) > f.max_len:
        return False
    if f.kind == "code":  # names (a code or an alias is put right first: see .values)
        has_name = codes.tables().has_name
        return all(has_name(f.table, t) for t in set(texts))
    return True


def _clock(status: str, accepted_on: str | None, history) -> str | None:
    """When the office's decision clock started: the last move to 已受理, else the 受理日期
    (``history``: its steps, or (status, date) pairs)."""
    if status in (registration.DRAFT, registration.READY):
        return None
    accepted = [step[1] for step in history if step[0] == registration.ACCEPTED]
    return accepted[-1] if accepted else accepted_on


def any_differs(current: dict, values: dict) -> bool:
    """Whether any of ``values`` says something else than the record ``current`` (see _differs;
    what is plainly equal is told without it)."""
    get = current.get
    return any(get(name) != value and _differs(get(name), value, name) for name, value in values.items())


def _differs(old: Any, new: Any, name: str) -> bool:
    """Whether a cell's value says something else than the record's: broker shares as the rules
    keep them, itemised costs as the ledger keeps them (the text that says the same is no change)."""
    if name == "brokers":
        return [tuple(p) for p in (old or [])] != [(b, share_bp(s) if not isinstance(s, int) else s)
                                                  for b, s in (new or [])]
    if name in ("expert_review", "done") and new.__class__ is not int:  # 是/否 as the cell says it
        return old != flag_value(new)
    if name == "deduction_items" and isinstance(new, str) and old != new:
        try:
            return old != deductions.to_json(deductions.parse(new))
        except BrokerDeskError:
            return True
    return old != new
