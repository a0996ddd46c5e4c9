"""Cells to values, a column of a few thousand rows at a time, in a few passes that run no Python
code per cell for the usual column: tidy text looked at once per distinct text, date cells through
the days already seen, amounts in whole fen worked out for the column at once; only unusual cells
go through the full parsers of :mod:`..cells` (once per distinct text). Code values close to an
item are taken for it (see :mod:`..values`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat
from operator import itemgetter, mul, truediv

from ... import codes, money
from ...errors import WARNING
from ...fields import ENTITY_FIELDS
from ..cells import CellError, parse_date, parse_money, parse_text, repeats, untidy
from ..reader import RawSheet, RowStream
from ..schema import Column
from . import rules  # its sizes are read as the import goes (tests change them)

_FIELDS = {f"{e}.{f.name}": f for e, fs in ENTITY_FIELDS.items() for f in fs}


class MoneyParser:
    """parse_money for a column in 元 (scale 1) or 万元 (10000), with the fen per unit at hand."""

    __slots__ = ("scale", "unit_fen")

    def __init__(self, scale: int):
        self.scale, self.unit_fen = scale, 100 * scale

    def __call__(self, value):
        return parse_money(value, self.scale)



_SLOW = object()  # a cell the full parser must read
_DATE = dt.date
_STR_OR_NONE = frozenset((str, type(None)))
_FLOATS = {float}
_BLANK_VALUES = {"": None, None: None}  # .get(cell, value): None for an empty cell
_ROW_NUMBER, _ROW_CELLS = itemgetter(0), itemgetter(1)


def _tidy(texts) -> bool:
    """Whether no text has a space at either end, two spaces running, another kind of space
    (full-width, no-break, tab, line break…: whatever ``str.split`` splits at, as ``\\s`` does)
    or a zero-width character — stricter than both cells.untidy and the fields rule, so texts
    that pass are tidy for both (and stricter still: any character ``str.isprintable`` refuses
    fails). The texts (any collection of them) are looked at joined, a few scans in all."""
    plain = "".join(texts)
    if not plain.isprintable():  # a space of another kind, a line break, a zero-width character…
        return False
    if " " not in plain:
        return True
    joined = "\x00".join(texts)
    return ("  " not in joined and "\x00 " not in joined and " \x00" not in joined
            and joined[:1] != " " and joined[-1:] != " ")


def convert_column(cells, parse, entity: str, name: str,
                   kept: dict | None = None) -> tuple[list, bool, dict[int, str]]:
    """The values of one column's cells, as ``parse`` gives them cell by cell (None for a cell
    it refuses); whether they are all in the ledger's normal form for the field ``entity.name``
    (tidy text within its length and code table, dates from date cells, amounts in whole fen:
    the checks need not look at them again); and the refused cells' messages by index.
    ``kept``: texts repeated down the sheet, each kept once, ``""`` (an empty cell) → None;
    a column of texts that repeat is given those (a sheet held in memory needs far less so)."""
    field = _FIELDS.get(f"{entity}.{name}")
    if parse is parse_text:
        values, normal, slow = _text_column(cells, field, kept)
    elif parse is parse_date:
        values, normal, slow = _date_column(cells, field)
    else:
        values, normal, slow = _money_column(cells, parse, field)
    if not slow:
        return values, normal, {}
    errors = _read_slow(cells, values, parse)
    if kept is not None and _STR_OR_NONE.issuperset(set(map(type, values))) and repeats(len(set(values)), len(values)):
        values = list(map(kept.setdefault, values, values))
    return values, normal, errors


def _read_slow(cells, values: list, parse) -> dict[int, str]:
    """The cells left ``_SLOW`` in ``values`` read by the full parser, a text met again once;
    the messages of the cells it refuses, by index."""
    errors: dict[int, str] = {}
    read: dict[str, tuple] = {}
    for i in _slow_places(values):
        cell = cells[i]
        done = read.get(cell) if cell.__class__ is str else None
        if done is None:
            try:
                done = parse(cell), None
            except CellError as e:
                done = None, str(e)
            if cell.__class__ is str:
                read[cell] = done
        values[i], message = done
        if message is not None:
            errors[i] = message
    return errors


def _slow_places(values: list):
    """The indexes of the cells left ``_SLOW`` in ``values`` (found by list.index, in C)."""
    at = 0
    while True:
        try:
            at = values.index(_SLOW, at) + 1
        except ValueError:
            return
        yield at - 1


def _text_column(cells, field, kept: dict | None) -> tuple[list, bool, bool]:
    """A text column's values, whether normal, whether cells are left to the full parser. Texts
    that are all tidy are taken as they are (an empty cell: None), looked at once per distinct text."""
    try:
        texts = set(cells)
    except TypeError:  # a cell that cannot be told apart by its value: one by one
        texts = None
    if texts is not None and _STR_OR_NONE.issuperset(set(map(type, texts))):
        blank = "" in texts or None in texts
        texts.discard("")
        texts.discard(None)
        if _tidy(texts):
            if kept is not None and repeats(len(texts) + 1, len(cells)):  # (+1: the empty cell)
                values = list(map(kept.setdefault, cells, cells))
            else:
                values = list(map(_BLANK_VALUES.get, cells, cells)) if blank else list(cells)
            return values, _normal_texts(texts, field), False
    values = [v if v.__class__ is str and v and untidy(v) is None else
              None if v is None or v == "" else _SLOW for v in cells]
    return values, False, _SLOW in values


def _date_column(cells, field) -> tuple[list, bool, bool]:
    """A date column's values: date cells through the days already seen (a sheet holds a few
    thousand days many times over), each day's text made once."""
    if len(_DAYS) > 100_000:
        _DAYS.clear()
        _DAYS.update(_BLANK_VALUES)
    try:
        values = list(map(_DAYS.get, cells, repeat(_SLOW)))
    except TypeError:  # a cell that cannot be told apart by its value: one by one
        values = [_iso(v) if v.__class__ is _DATE else None if v is None or v == "" else _SLOW for v in cells]
    dates = True  # every cell a date cell or empty
    for i in _slow_places(values):
        if cells[i].__class__ is _DATE:
            values[i] = _iso(cells[i])
        else:
            dates = False
    return values, dates and field is not None and field.kind == "date", not dates


#: A day's text, made once (and None for an empty cell).
_DAYS: dict = dict(_BLANK_VALUES)


def _iso(day: dt.date) -> str:
    text = _DAYS[day] = day.isoformat()
    return text


def _money_column(cells, parse: MoneyParser, field) -> tuple[list, bool, bool]:
    """An amount column's values. A column of numbers only is worked out at once when every
    number lands on a whole fen within the ledger's range; else cell by cell."""
    unit, top = parse.unit_fen, money.MAX_FEN
    normal = field is not None and field.kind == "fen"
    if set(map(type, cells)) == _FLOATS:
        try:
            scaled = list(map(mul, cells, repeat(float(unit))))
            fen = list(map(float.__round__, scaled))  # (nan, inf: refused)
            if min(scaled) >= 0 and max(scaled) <= top and list(map(truediv, fen, repeat(unit))) == list(cells):
                return fen, normal, False
        except (ValueError, OverflowError):  # nan or inf: cell by cell
            pass
    values = [fen if v.__class__ is float and 0 <= (scaled := v * unit) <= top and (fen := round(scaled)) / unit == v
              else None if v is None or v == "" else _SLOW for v in cells]
    slow = _SLOW in values
    return values, normal and not slow, slow


def _normal_texts(texts, field) -> bool:
    """Whether tidy texts (distinct, none empty) need no further check as the field's values:
    text or code, short enough, and (a code) in its table."""
    if field is None or field.kind not in ("text", "code"):
        return False
    if texts and max(map(len, texts)) > field.max_len:
        return False
    if field.kind == "code":  # names (a code or an alias is put right first: see .values)
        has_name = codes.tables().has_name
        return all(has_name(field.table, t) for t in texts)
    return True


class Conversion:
    """The import's cells-to-values stage (a part of :class:`~.run.Import`)."""

    # -- cells to values -------------------------------------------------------------------------
    def plan(self, raw: RawSheet) -> tuple[list, dict[str, Column]]:
        """Per sheet, once: which cell goes to which field through which parser, and the column
        each field comes from."""
        plan = self.plans.get(id(raw))
        if plan is None:
            self.planned.append(raw)  # its id() is not given to another sheet while the import runs
            plan = self.plans[id(raw)] = [
                (index, column.field, column, {"money": MoneyParser(scale), "date": parse_date}.get(
                    column.kind, parse_text)) for index, (column, scale) in raw.columns.items()
                if not column.readonly]  # what the ledger works out (办结期限) is not read back
            self.wheres[id(raw)] = {f: c for _, f, c, _ in plan}
        return plan, self.wheres[id(raw)]

    def converted(self, raw: RawSheet, before: Callable[[list[str], list[list]], None] | None = None):
        """Each row as ``(row number, values, ok, problems, trusted)``: its field values, whether
        every cell could be read, the cells' problems ``(column, message)`` and the names of the
        fields whose values are already in the ledger's normal form (the checks need not look at
        them again). Cells are turned into values a column of a few thousand rows at a time: the
        usual column (tidy text, date cells, amounts in whole fen) is settled in a few passes, and
        only unusual cells go through the full parsers of :mod:`.cells`. With ``release`` the
        rows go as they are converted. ``before(names, converted)`` sees each chunk's values, a
        list per field, before its rows are given."""
        names = [name for _, name, _, _ in self.plan(raw)[0]]
        for chunk, converted, failed, trusted, notes in self.converted_chunks(raw):
            if before is not None:
                before(names, converted)
            count = len(chunk)
            # each row's values, a dict of its own (the rows stage takes values out of it)
            rows = map(dict, map(zip, repeat(names), zip(*converted, strict=True)) if converted else repeat((), count))
            numbers = map(_ROW_NUMBER, chunk)
            if not failed and not notes:  # the usual chunk: every cell read, nothing to note
                yield from zip(numbers, rows, repeat(True, count), repeat(None, count), repeat(trusted, count),
                               strict=True)
                continue
            for i, (row_no, values) in enumerate(zip(numbers, rows, strict=True)):
                if notes:
                    self.notes(raw, row_no, notes, i)
                problems = failed.get(i)
                if problems:
                    for _, name, _ in problems:
                        del values[name]  # a cell that cannot be read gives no value
                yield row_no, values, not problems, problems, trusted

    def converted_chunks(self, raw: RawSheet):
        """As :meth:`converted`, a chunk of rows at a time: ``(rows, values, failed, trusted, notes)``,
        the values a list per column of the plan, ``failed`` the problems by row index, ``notes``
        the code values taken for a close item, ``(column, note)`` by row index (see .values)."""
        plan, _ = self.plan(raw)
        entity = raw.sheet.entity
        kept: dict[str | None, str | None] = {"": None}  # texts repeated down the sheet, each kept once
        for chunk in self.chunks(raw):
            cells = list(map(_ROW_CELLS, chunk))
            widths = set(map(len, cells))
            width = max(widths)
            if len(widths) > 1:
                cells = [c if len(c) == width else [*c, *([None] * (width - len(c)))] for c in cells]
            columns = list(zip(*cells, strict=True))
            blank = (None,) * len(cells)
            converted, failed, trusted, notes = [], {}, set(), {}
            for index, name, column, parse in plan:
                values, normal, errors = convert_column(columns[index] if index < width else blank,
                                                        parse, entity, name, kept)
                if not normal and column.kind == "code" and column.table:
                    normal, noted = self.code_values.column(values, column.table, f"{raw.name} · {column.header}")
                    normal = normal and not errors
                    for i, note in noted.items():
                        notes.setdefault(i, []).append((column, note))
                if normal:
                    trusted.add(name)
                for i, message in errors.items():
                    failed.setdefault(i, []).append((column, name, message))
                converted.append(values)
            yield chunk, converted, failed, frozenset(trusted), notes

    def chunks(self, raw: RawSheet):
        """The sheet's rows, ``CHUNK`` at a time; with ``release`` each chunk goes once taken."""
        rows = raw.rows
        if isinstance(rows, RowStream):  # rows read as they are imported
            yield from rows.chunks(rules.CHUNK)
            return
        for start in range(0, len(rows), rules.CHUNK):
            chunk = rows[start:start + rules.CHUNK]
            if self.release:
                rows[start:start + len(chunk)] = [None] * len(chunk)
            yield chunk

    def notes(self, raw: RawSheet, row_no: int, notes: dict, i: int) -> None:
        """The notes on row ``i`` of a chunk: code values taken for the item they are close to."""
        for column, note in notes.get(i, ()):
            self.problem(raw, row_no, column, note, WARNING)
            self.result.summaries[raw.sheet.name].recognised += 1
