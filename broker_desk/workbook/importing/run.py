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

Every row of every sheet takes one way: read → map columns → convert cells (column-wise,
:mod:`.convert`) → the core's rules (:mod:`.rows`) → references and identity (:mod:`.refs`,
:mod:`.lookups`) → written in batches (:mod:`.batches`); registration histories in :mod:`.history`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from ... import codematch, i18n
from ...errors import ERROR, BrokerDeskError
from ...ledger.bulk import BulkWriter, gc_paused, rollback_journal
from .. import frontsheets
from ..opening import column_letter
from ..reader import RawSheet, WorkbookReader
from ..schema import HISTORY, MONEY_SHEETS, SHEETS, Column, Sheet, find_sheet
from ..values import CodeValues
from . import rules
from .batches import Batches, writing
from .convert import Conversion
from .history import History
from .lookups import Lookups
from .refs import References
from .result import ImportResult, Rollback, RowProblem, SheetSummary
from .rows import Rows

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
    then: tuple[str, ...] = ()   # the sheets the import comes to next, loading meanwhile

    def read(self) -> RawSheet:
        return self.book.read(self.name, self.overrides, self.then, stream=True)


def _read_later(book: WorkbookReader, overrides) -> list[_LaterSheet] | None:
    """The sheets to read as the import goes, in the file's order — when every sheet is named
    as a canonical one (what each is, and so the order of the import, is known before reading
    it) and says how many rows it has; else None (the sheets are read first)."""
    if not book.wanted:
        return None
    sheets, cells, xml = [], {}, {}
    for name in book.wanted:
        sheet, size = find_sheet(name), book.size_estimate(name)
        if sheet is None or size is None:
            return None
        sheets.append(_LaterSheet(name, sheet, max(0, size[0] - 1), book, (overrides or {}).get(name)))  # - header
        cells[name], xml[name] = size[0] * size[1], size[2]
    order = sorted(sheets, key=lambda s: _ORDER.index(s.sheet))
    largest = max(order, key=lambda s: cells[s.name])
    aside = largest if cells[largest.name] >= rules.ASIDE_CELLS else None
    if aside is not None:
        # the largest sheet (the contracts), loaded from the start beside the others: its loading
        # (the longest) is over by the time the import comes to it, and so is the moment it takes
        # the most memory, before the registration history is collected (the import's fullest)
        book.load_aside(aside.name)
    # the sheets after each load meanwhile, as many as the budgets allow (but always the next one):
    # their cells, and beside the largest sheet (loading until the import comes to it), their XML
    aside_at = order.index(aside) if aside is not None else -1
    for at, this in enumerate(order):
        ahead, beside = 0, xml[aside.name] if at < aside_at else 0
        for following in order[at + 1:]:
            if following is aside:
                continue
            ahead += cells[following.name]
            if this.then and (ahead > rules.AHEAD_CELLS or beside + xml[following.name] > rules.BESIDE_XML):
                break
            this.then += (following.name,)
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
    job = Import(ledger, result, sheets, progress or (lambda f, m: None), cancelled or (lambda: False),
                  today or dt.date.today())
    job.release = release
    bulk = rollback_journal(ledger.conn) if job.total_rows >= rules.JOURNAL_ROWS else nullcontext()
    try:
        with bulk, ledger.operation("import.op", file=file_name) as op:
            job.op = op
            op_id = op.op_id  # made before any row's savepoint, so a rejected row cannot take it along
            with writing(ledger, op, job):
                job.run()
            if dry_run or (result.errors and not skip_invalid):
                raise Rollback()
            if not ledger.conn.execute("SELECT 1 FROM changes WHERE op_id = ? LIMIT 1", [op_id]).fetchone():
                ledger.conn.execute("DELETE FROM ops WHERE id = ?", [op_id])  # nothing changed: nothing to undo
    except Rollback:
        result.written = False  # the counts say what the import would do
    else:
        result.written = True
    finally:  # sheets read as the import went: their unmapped columns in the file's order
        result.unmapped = {raw.name: result.unmapped[raw.name] for raw in sheets if raw.name in result.unmapped}
    return result



class Import(Rows, References, Lookups, History, Conversion, Batches):
    """One import of one file: the stages are its parts, one module each."""

    def __init__(self, ledger, result: ImportResult, sheets: list[RawSheet], progress, cancelled, today):
        self.ledger, self.result, self.sheets = ledger, result, sheets
        self.progress, self.cancelled, self.today = progress, cancelled, today
        self.conn: sqlite3.Connection = ledger.conn
        self.op = None
        self.writer: BulkWriter | None = None
        self.trusted: frozenset[str] = frozenset()  # fields of the current row already in normal form
        self.rejected_clients: set[str] = set()  # names and codes of client rows that were rejected
        self.rejected_contracts: set[tuple[str, str]] = set()
        self.history: dict[tuple[str, str], list] = {}  # steps (flat: see as_steps) until merged with their contract
        self.imported_contracts: dict[tuple[str, str], int] = {}   # (合同编号, 卖方 as written) -> id, if not new
        self.registration_updates: dict[int, tuple] = {}            # contract id -> what its history decides
        self.inserted_here: set[tuple[str, int]] = set()            # records this file brought in by 记录ID
        self.row_memory: list[tuple] = []                           # lookups the current row added to
        self.row_notes: list[tuple] = []                            # parties it created, listed if it stays
        self.row_savepoint = False
        self.release = False
        self.plans: dict[int, list] = {}             # by id() of the sheet, which _planned keeps alive
        self.wheres: dict[int, dict[str, Column]] = {}
        self.planned: list[RawSheet] = []
        self.ref_columns: dict[str, list[Column]] = {}  # per sheet: the columns naming other records
        # what a text names without doubt, per kind, worked out once while the lookups stay as they are
        self.memo: dict[str, dict] = {"party": {}, "achievement": {}, "broker": {}, "brokers": {}, "pairs": {}}
        self.user = ledger.user
        self.new_contracts: dict[int, str] = {}                     # contracts this import inserted: status
        self.events: list[tuple] = []     # registration steps to insert (see History.write_events)
        self.logged_events: list[int] = []  # the places in events of those the change log lists
        self.pending: list[dict] = []                              # new records of the sheet, not yet written
        self.pending_entity: str | None = None
        self.next_ids: dict[str, int] = {}
        self.uid_stock: list[str] = []  # 记录IDs made ahead for new records, the next one last (see new_uid)
        self.uid_ids: dict[str, dict[str, int]] = {}  # per entity: 记录ID -> id, loaded when needed
        self.restore_indexes: Callable[[], None] | None = None  # the contracts' indexes, when suspended
        self.done_rows = 0
        self.total_rows = max(1, sum(self.size(s) for s in sheets if s.sheet is not None))
        self.code_values = CodeValues(codematch.hand_mappings(ledger))
        result.unknown_values = self.code_values.unknown_list
        self.load_keys()

    # -- the run ------------------------------------------------------------------------------
    @staticmethod
    def size(raw) -> int:
        return len(raw.rows) if isinstance(raw, RawSheet) else raw.estimate

    def read_sheet(self, raw) -> RawSheet:
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
                    self.collect_history(self.read_sheet(raw))
                    continue
                if sheet.entity == "contract" and self.restore_indexes is None:
                    self.suspend_indexes(sum(self.size(r) for r in by_sheet[sheet.name]))
                self.import_sheet(self.read_sheet(raw))
        self.apply_history()
        frontsheets.finish(self)
        if self.restore_indexes is not None:
            self.progress(1.0, i18n.tr("import.indexing"))
            try:
                self.restore_indexes()
            except sqlite3.IntegrityError as e:
                raise BrokerDeskError("import.write_failed", file=self.result.file, detail=str(e)) from None

    def ticks(self, rows: int) -> None:
        """``rows`` more rows done: every 500 rows, stop if the user cancelled, else say how far."""
        before = self.done_rows
        self.done_rows += rows
        if before // 500 != self.done_rows // 500:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Stop if the user cancelled, else say how far the import is."""
        if self.cancelled():
            raise BrokerDeskError("import.cancelled")
        self.progress(min(1.0, self.done_rows / self.total_rows), "")

    def problem(self, raw: RawSheet, row: int, column: Column | None, message: str, severity=ERROR) -> None:
        where = ""
        if column is not None:
            index = next((i for i, (c, _) in raw.columns.items() if c is column), None)
            where = f"{column_letter(index)}（{raw.headers[index]}）" if index is not None else column.header
        self.result.problems.append(RowProblem(self.result.file, raw.name, row, where, message, severity))
