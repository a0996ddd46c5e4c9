"""Cells to values, a column of a few thousand rows at a time: the usual column settled in one pass
(tidy text, date cells, amounts in whole fen), only unusual cells through the full parsers of
:mod:`..cells`; code values close to an item taken for it (see :mod:`..values`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ... import codes, money
from ...errors import WARNING
from ...fields import ENTITY_FIELDS
from ..cells import CellError, parse_date, parse_money, parse_text, untidy
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


def _tidy(texts: list[str]) -> bool:
    """Whether no text has a space at either end, two spaces running, another kind of space
    (full-width, no-break, tab, line break…: whatever ``str.split`` splits at, as ``\\s`` does)
    or a zero-width character — stricter than both cells.untidy and the fields rule, so texts
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
    values, normal = _usual_cells(cells, parse, entity, name)
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


def _usual_cells(cells, parse, entity: str, name: str) -> tuple[list, bool]:
    """The common cells of a column settled in one pass; ``_SLOW`` where the full parser must decide."""
    if parse is parse_text:
        if _STR_OR_NONE.issuperset(set(map(type, cells))):
            texts = [v for v in cells if v]
            if _tidy(texts):
                return [v or None for v in cells], _normal_texts(texts, entity, name)
        return [v if v.__class__ is str and v and untidy(v) is None else
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
        usual column (tidy text, date cells, amounts in whole fen) is settled in one pass, and
        only unusual cells go through the full parsers of :mod:`.cells`. With ``release`` the
        rows go as they are converted. ``before(names, converted)`` sees each chunk's values, a
        list per field, before its rows are given."""
        names = [name for _, name, _, _ in self.plan(raw)[0]]
        for chunk, converted, failed, trusted, notes in self.converted_chunks(raw):
            if before is not None:
                before(names, converted)
            for i, row_values in enumerate(zip(*converted, strict=True) if converted else [()] * len(chunk)):
                if notes:
                    self.notes(raw, chunk[i][0], notes, i)
                values = dict(zip(names, row_values, strict=True))
                problems = failed.get(i)
                if problems:
                    for _, name, _ in problems:
                        del values[name]  # a cell that cannot be read gives no value
                yield chunk[i][0], values, not problems, problems, trusted

    def converted_chunks(self, raw: RawSheet):
        """As :meth:`_converted`, a chunk of rows at a time: ``(rows, values, failed, trusted, notes)``,
        the values a list per column of the plan, ``failed`` the problems by row index, ``notes``
        the code values taken for a close item, ``(column, note)`` by row index (see .values)."""
        plan, _ = self.plan(raw)
        entity = raw.sheet.entity
        kept: dict[str, str] = {}  # texts repeated down the sheet, each kept once
        keep = kept.setdefault
        for chunk in self.chunks(raw):
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
                    values = list(map(keep, values, values))
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
