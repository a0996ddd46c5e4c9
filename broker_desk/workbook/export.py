"""``export``: the ledger (or one year's contracts) as the canonical workbook
(DESIGN.md §4), ready to be read again by ``import`` or by any other program.

:func:`cell_values` says what each cell holds, as Python values; :func:`export_workbook`
writes exactly those with XlsxWriter in constant-memory mode, a row at a time
(:mod:`.plain_rows`). Each sheet is one SQL query in id order; names of parties,
achievements and brokers come from small dictionaries made once.

Cells by kind: text as text (never a formula, whatever it starts with), money
as a number of 元 formatted ``#,##0.00``, dates as Excel dates formatted
``yyyy-mm-dd``, a party as its 名称 (its 统一社会信用代码 when another client has
the same name), an achievement as its 成果名称 (its 记录ID when the title is not
unique), brokers as ``张三(60%)；李四(40%)`` (``姓名（证书编号）`` for namesakes).
What the ledger derives is written too (DESIGN.md §4): 技术交易额 always (the given value,
or 成交额 − 非技术性费用), and the read-only 办结期限 of a contract with the office
(:meth:`Ledger.deadline` of its row), which ``import`` ignores.
A namesake with no code or certificate number keeps its bare name, so that
``import`` says it is ambiguous rather than guessing. A blank field is an empty
cell.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import deductions, i18n, outfiles
from ..fields import TABLES
from ..ledger.journal import BROKER_LINKS
from ..payments import ENTITIES as MONEY_ENTITIES
from ..registration import ACCEPTED
from . import money_sheets, schema
from .cells import repeats
from .plain_rows import PlainRowsWorksheet
from .schema import Sheet
from .writing import EXCEL_EPOCH_ORDINAL, Cancelled, Styles, atomic_workbook, column_width

i18n.register({
    "export.sheet": ("正在写入“{sheet}”", "Writing “{sheet}”"),
    "export.saving": ("正在保存文件", "Saving the file"),
})

#: Rows between two looks at ``cancelled()`` (and at the clock, for progress).
CHECK_EVERY = 2000
#: Rows looked at to fit the column widths.
WIDTH_SAMPLE = 200
#: Seconds between two progress reports.
#: Share of the progress bar for the rows; the rest is XlsxWriter assembling the file.
ROWS_SHARE = 0.85

ProgressFn = outfiles.ProgressFn


# -- what the cells hold ----------------------------------------------------------------

class _Scope:
    """The SQL that picks the records an export covers: all, or one year's contracts
    and exactly what they refer to."""

    def __init__(self, year: int | None):
        self.params: list = [] if year is None else [f"{year:04d}-", f"{year + 1:04d}-"]
        signed = "FROM contracts WHERE signed_on >= ?1 AND signed_on < ?2"
        achievements = f"SELECT achievement_id {signed} AND achievement_id IS NOT NULL"
        # the front office: the engagements the contracts were signed from, their demands and follow-ups
        engagements = f"SELECT engagement_id {signed} AND engagement_id IS NOT NULL"
        demands = f"SELECT demand_id FROM engagements WHERE id IN ({engagements}) AND demand_id IS NOT NULL"
        self.ids = {} if year is None else {  # entity -> the query of its ids in scope
            "contract": f"SELECT id {signed}",
            "achievement": f"{achievements} UNION SELECT achievement_id FROM engagements WHERE id IN ({engagements})",
            "broker": (f"SELECT broker_id FROM contract_brokers WHERE contract_id IN (SELECT id {signed}) "
                       f"UNION SELECT broker_id FROM engagement_brokers WHERE engagement_id IN ({engagements}) "
                       f"UNION SELECT broker_id FROM demands WHERE id IN ({demands}) "
                       f"UNION SELECT broker_id FROM followups WHERE engagement_id IN ({engagements})"),
            "client": (f"SELECT buyer_id {signed} UNION SELECT seller_id {signed} "
                       f"UNION SELECT holder_id FROM achievements WHERE id IN ({achievements}) "
                       f"UNION SELECT holder_id FROM achievements WHERE id IN "
                       f"(SELECT achievement_id FROM engagements WHERE id IN ({engagements})) "
                       f"UNION SELECT client_id FROM demands WHERE id IN ({demands}) "
                       f"UNION SELECT demand_client_id FROM engagements WHERE id IN ({engagements}) "
                       f"UNION SELECT supply_client_id FROM engagements WHERE id IN ({engagements})"),
            "demand": demands,
            "engagement": engagements,
            "followup": f"SELECT id FROM followups WHERE engagement_id IN ({engagements})",
        }

    def where(self, entity: str, column: str = "id") -> str:
        """`` WHERE column IN (ids of entity in scope)``, or nothing when all are."""
        ids = self.ids.get(entity)
        return f" WHERE {column} IN ({ids})" if ids else ""

    def count(self, conn, entity: str) -> int:
        if entity in ("registration_event", *MONEY_ENTITIES):
            where = self.where("contract", "contract_id")
        else:
            where = self.where(entity)
        return conn.execute(f"SELECT count(*) FROM {TABLES[entity]}{where}", self.params).fetchone()[0]


class _Names:
    """How a record that others refer to is written in their cells (over the whole ledger,
    so that a name is ambiguous here when it would be ambiguous on re-import)."""

    def __init__(self, conn):
        self.party = dict(conn.execute(
            "SELECT id, CASE WHEN name IN (SELECT name FROM clients GROUP BY name HAVING count(*) > 1) "
            "THEN coalesce(credit_code, name) ELSE name END FROM clients"))
        self.achievement = _titles(conn, "achievements")
        self.broker = dict(conn.execute(
            "SELECT id, CASE WHEN name IN (SELECT name FROM brokers GROUP BY name HAVING count(*) > 1) "
            "AND cert_no IS NOT NULL THEN name || '（' || cert_no || '）' ELSE name END FROM brokers"))
        self.demand = _titles(conn, "demands")
        self.engagement = _titles(conn, "engagements")


def _titles(conn, table: str) -> dict[int, str]:
    """Each record's 名称 as cells write it: its title, or its uid where another has the same title."""
    return dict(conn.execute(f"SELECT id, CASE WHEN title IN (SELECT title FROM {table} GROUP BY title "
                             f"HAVING count(*) > 1) THEN uid ELSE title END FROM {table}"))


def share_text(share_bp: int) -> str:
    """6000 -> ``60%``, 3333 -> ``33.33%``, 3350 -> ``33.5%``."""
    return f"{share_bp / 100:g}%"


class _Dates(dict):
    """ISO text -> date, parsed once per distinct day (text that is no date stays text)."""

    def __missing__(self, text: str):
        try:
            value = dt.date.fromisoformat(text)
        except (TypeError, ValueError):
            value = text
        self[text] = value
        return value


#: Columns that show what the ledger derives: 技术交易额 is the given value or 成交额 − 非技术性费用.
_SHOWN = {"tech_given_fen": "tech_fen"}


def _select(sheet: Sheet) -> list[str]:
    """The SQL expression for each column of an entity sheet (brokers and read-only columns: the
    record's id, filled later)."""
    exprs = []
    for column in sheet.columns:
        if column.readonly or column.kind == "brokers":
            exprs.append("id")
        elif column.kind == "flag":  # 是/否 in SQL: nothing to do per row in Python
            exprs.append(f"CASE WHEN {column.field} THEN '是' ELSE '否' END")
        elif column.kind == "money":  # the double nearest fen/100, like Python's fen / 100
            exprs.append(f"{_SHOWN.get(column.field, column.field)} / 100.0")
        else:
            exprs.append(column.field)
    return exprs


def _items_text(stored: str) -> str:
    """非技术性费用明细 as people type it: ``设备费 20,000.00；材料费 5,000.50``."""
    return deductions.text(deductions.from_json(stored))


def _converters(sheet: Sheet, names: _Names, dates: _Dates, derived: dict) -> list[tuple[int, Callable]]:
    """(column index, function) for the columns whose SQL value is not yet the cell's value
    (``derived``: per read-only field, the record's id -> its value)."""
    by_kind = {"party": names.party.__getitem__, "achievement": names.achievement.__getitem__,
               "date": dates.__getitem__, "items": _items_text, "broker": names.broker.__getitem__,
               "demand": names.demand.__getitem__, "engagement": names.engagement.__getitem__}
    return [(i, derived[c.field].get if c.readonly else by_kind[c.kind]) for i, c in enumerate(sheet.columns)
            if c.readonly or c.kind in by_kind]


def _deadlines(ledger, scope: _Scope) -> dict[int, dt.date]:
    """办结期限 of the contracts in scope that are with the office (已受理): contract id -> date.
    The ledger decides each from the whole contract row; the others have none."""
    where = scope.where("contract")
    cur = ledger.conn.execute(f"SELECT * FROM contracts{where}{' AND' if where else ' WHERE'} status = ?",
                              [*scope.params, ACCEPTED])
    names = [d[0] for d in cur.description]
    found = {}
    for record in cur:
        row = dict(zip(names, record, strict=True))
        deadline = ledger.deadline(row)
        if deadline is not None:
            found[row["id"]] = deadline
    return found


def _derived(ledger, sheet: Sheet, scope: _Scope) -> dict[str, dict]:
    """The values of the sheet's read-only columns: per field, the record's id -> its value."""
    makers = {"deadline": _deadlines}
    return {c.field: makers[c.field](ledger, scope) for c in sheet.columns if c.readonly}


def _broker_texts(conn, scope: _Scope, names: _Names, entity: str = "contract") -> Iterator[tuple[int, str]]:
    """(record id, ``张三(60%)；李四(40%)``) in id order, the brokers in the record's order (a
    contract's or an engagement's)."""
    table, column = BROKER_LINKS[entity]
    rows = conn.execute(f"SELECT {column}, broker_id, share_bp FROM {table}"
                        f"{scope.where(entity, column)} ORDER BY {column}, rowid", scope.params)
    broker, shares = names.broker, {}
    for contract_id, group in itertools.groupby(rows, key=lambda r: r[0]):
        parts = []
        for _, broker_id, bp in group:
            share = shares.get(bp) or shares.setdefault(bp, share_text(bp))
            parts.append(f"{broker[broker_id]}({share})")
        yield contract_id, "；".join(parts)


def _entity_rows(ledger, sheet: Sheet, scope: _Scope, names: _Names, dates: _Dates) -> Iterator[list]:
    conn = ledger.conn
    sql = f"SELECT {', '.join(_select(sheet))} FROM {TABLES[sheet.entity]}{scope.where(sheet.entity)} ORDER BY id"
    converters = _converters(sheet, names, dates, _derived(ledger, sheet, scope))
    brokers_at = next((i for i, c in enumerate(sheet.columns) if c.kind == "brokers"), None)
    texts = _broker_texts(conn, scope, names, sheet.entity) if brokers_at is not None else iter(())
    pending = next(texts, None)
    for record in conn.execute(sql, scope.params):
        row = list(record)
        for i, convert in converters:
            value = row[i]
            if value is not None:
                row[i] = convert(value)
        if brokers_at is not None:
            contract_id = row[brokers_at]
            while pending is not None and pending[0] < contract_id:
                pending = next(texts, None)
            if pending is not None and pending[0] == contract_id:
                row[brokers_at] = pending[1]
                pending = next(texts, None)
            else:
                row[brokers_at] = None
        yield row


def _history_rows(conn, scope: _Scope, names: _Names, dates: _Dates) -> Iterator[list]:
    party = names.party
    sql = ("SELECT c.contract_no, c.seller_id, e.to_status, e.on_date, e.note, e.user FROM registration_events e "
           f"JOIN contracts c ON c.id = e.contract_id{scope.where('contract', 'e.contract_id')} "
           "ORDER BY e.contract_id, e.id")
    for contract_no, seller_id, status, on_date, note, user in conn.execute(sql, scope.params):
        yield [contract_no, party[seller_id], status, dates[on_date] if on_date else None, note, user]


def cell_values(ledger, year: int | None = None) -> Iterator[tuple[Sheet, Iterator[list]]]:
    """Each sheet of :data:`schema.SHEETS` in order, with its rows as lists of cell values
    (str, float 元, datetime.date or None) in the order of the sheet's columns.

    With ``year``: only the contracts signed in that year, their registration history,
    and the clients, achievements and brokers they refer to.
    """
    conn, scope = ledger.conn, _Scope(year)
    names, dates = _Names(conn), _Dates()
    for sheet in schema.SHEETS:
        if sheet.entity == "registration_event":
            yield sheet, _history_rows(conn, scope, names, dates)
        elif sheet.entity in MONEY_ENTITIES:
            yield sheet, money_sheets.rows(conn, sheet, scope.where("contract", "x.contract_id"), scope.params,
                                           names, dates)
        else:
            yield sheet, _entity_rows(ledger, sheet, scope, names, dates)


def row_counts(ledger, year: int | None = None) -> dict[str, int]:
    """How many rows each sheet of an export would have."""
    scope = _Scope(year)
    return {sheet.name: scope.count(ledger.conn, sheet.entity) for sheet in schema.SHEETS}


# -- writing -------------------------------------------------------------------------------

class _Progress:
    """Reports progress now and then (:class:`broker_desk.outfiles.Throttled`), asks ``cancelled`` every
    :data:`CHECK_EVERY` rows; raises :class:`Cancelled` when asked to stop. Work is counted in
    cells: a contract row costs six times a row of 登记进度."""

    def __init__(self, total_cells: int, progress: ProgressFn | None, cancelled: Callable[[], bool] | None):
        self.total, self.done = max(total_cells, 1), 0
        self.report = outfiles.Throttled(progress)
        self.cancelled = cancelled

    def cells(self, count: int, message: str) -> None:
        self.done += count
        if self.cancelled is not None and self.cancelled():
            raise Cancelled
        self.report(ROWS_SHARE * self.done / self.total, message)


def _excel_serial(value) -> int | str:
    """A date's Excel serial number (days since 1899-12-30); anything else as text."""
    return value.toordinal() - EXCEL_EPOCH_ORDINAL if isinstance(value, dt.date) else str(value)


def _repeating(head: list[list], width: int) -> frozenset[int]:
    """The columns whose texts repeat down the first rows (categories, statuses, parties named
    again and again): written as shared strings, each text once in the file (see plain_rows)."""
    repeating = set()
    for c in range(width):
        texts = [row[c] for row in head if row[c] and type(row[c]) is str]
        if texts and repeats(len(set(texts)), len(texts)):
            repeating.add(c)
    return frozenset(repeating)


def _write_sheet(workbook, styles: Styles, sheet: Sheet, rows: Iterator[list], tracker: _Progress) -> int:
    ws = workbook.add_worksheet(sheet.name, worksheet_class=PlainRowsWorksheet)
    columns = sheet.columns
    head = list(itertools.islice(rows, WIDTH_SAMPLE))
    for c, column in enumerate(columns):
        ws.set_column(c, c, column_width(column, column.header, [row[c] for row in head]))
    ws.shared_columns = _repeating(head, len(columns))
    ws.freeze_panes(1, 0)
    for c, column in enumerate(columns):
        ws.write_string(0, c, column.header, styles.for_header(column))

    # each row as one piece of XML (plain_rows); a text cell is never a formula, whatever it starts with
    write_row = ws.write_plain_row
    plan = [(c, column.kind if column.kind in ("money", "date") else "text") for c, column in enumerate(columns)]
    money, date_format = styles.money, styles.date
    dates: dict = {}  # (column, date) -> its cell: Excel serial number (text that is no date: itself)
    message = i18n.tr("export.sheet", sheet=sheet.name)
    r = 0
    for r, row in enumerate(itertools.chain(head, rows), 1):
        cells = []
        for c, kind in plan:  # None and "" are empty cells
            value = row[c]
            if kind == "text":
                if value:
                    cells.append((c, value, None))
            elif kind == "money":
                if value is not None:
                    cells.append((c, value, money))
            elif value:
                cell = dates.get((c, value))
                if cell is None:
                    serial = _excel_serial(value)
                    cell = dates[c, value] = (c, serial, date_format if type(serial) is int else None)
                cells.append(cell)
        write_row(r, cells)
        if r % CHECK_EVERY == 0:
            tracker.cells(CHECK_EVERY * len(columns), message)
    tracker.cells(r % CHECK_EVERY * len(columns), message)
    ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
    return r


@contextmanager
def _snapshot(conn) -> Iterator[None]:
    """One read transaction around the whole export: every sheet sees the same ledger, even
    while another program writes to it."""
    conn.execute("SAVEPOINT export_snapshot")
    try:
        yield
    finally:
        conn.execute("RELEASE export_snapshot")


def export_workbook(ledger, path: str | Path, year: int | None = None, progress: ProgressFn | None = None,
                    cancelled: Callable[[], bool] | None = None) -> dict[str, int] | None:
    """Write the canonical workbook of ``ledger`` (or of the contracts signed in ``year``) to ``path``.

    Returns the rows written per sheet name; None when ``cancelled()`` said stop, in which
    case ``path`` is left as it was. ``progress(fraction, message)`` is called now and then.
    An existing file at ``path`` is replaced (callers ask first).
    """
    written: dict[str, int] = {}
    try:
        with _snapshot(ledger.conn), atomic_workbook(path, constant_memory=True) as workbook:
            counts = row_counts(ledger, year)
            tracker = _Progress(sum(counts[s.name] * len(s.columns) for s in schema.SHEETS), progress, cancelled)
            tracker.report(0.0, i18n.tr("export.sheet", sheet=schema.SHEETS[0].name), force=True)
            styles = Styles(workbook)
            for sheet, rows in cell_values(ledger, year):
                written[sheet.name] = _write_sheet(workbook, styles, sheet, rows, tracker)
            tracker.report(ROWS_SHARE, i18n.tr("export.saving"), force=True)
    except Cancelled:
        return None
    tracker.report(1.0, i18n.tr("export.saving"), force=True)
    return written
