"""The rows of a loaded sheet: streamed a chunk at a time (:class:`RowStream`), without blank
rows and 合计/小计/总计 rows (:func:`row_kind`), told column-wise where the cells allow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Future
from itertools import islice

from ..errors import BrokerDeskError
from .cells import is_blank
from .opening import sheet_failed

#: Rows searched for the header row (title rows above it are skipped).
HEADER_SEARCH_ROWS = 15
#: Words that start a total row (after spaces are removed).
TOTAL_WORDS = ("合计", "小计", "总计")
#: How many of a row's first non-empty text cells are looked at for a total word.
TOTAL_CELLS = 3


_TOTAL_FIRST = frozenset(word[0] for word in TOTAL_WORDS)
_INVISIBLE_FIRST = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_NOT_PLAIN_FIRST = _TOTAL_FIRST | _INVISIBLE_FIRST
BLANK, TOTAL, DATA = "blank", "total", "data"


def _is_total_label(text: str) -> bool:
    """合计, 合 计, 合计：, 合计（万元）, 小计3项 — but not 总计算平台 or 合计划: a Chinese
    character right after the word makes it part of a longer word, a title."""
    text = "".join(text.split())
    if not text.startswith(TOTAL_WORDS):
        return False
    rest = text[2:3]
    return not rest or not ("\u3400" <= rest <= "\u9fff" or "\uf900" <= rest <= "\ufaff")


def row_kind(cells: list) -> str:
    """BLANK (every cell empty or spaces only), TOTAL (one of the first three non-empty text
    cells is 合计/小计/总计, spaces ignored: ``"合 计"``, maybe followed by anything but
    another Chinese character: ``"合计："``, ``"小计（3项）"``) or DATA. One pass that
    usually stops after a few cells: this runs once for every row of the file."""
    seen = 0
    filled = False
    for value in cells:
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            filled = True
            continue
        text = value.lstrip()
        if not text or (text[0] in _INVISIBLE_FIRST and is_blank(text)):
            continue
        if text[0] in _TOTAL_FIRST and _is_total_label(text):
            return TOTAL
        filled = True
        seen += 1
        if seen == TOTAL_CELLS:
            return DATA
    return DATA if filled else BLANK


_NOT_PLAIN = "(?:\x00|$|\\s|[" + "".join(sorted(_NOT_PLAIN_FIRST)) + "])"  # a cell's start that may not be DATA
_NOT_PLAIN_CELL = re.compile(_NOT_PLAIN).match
_NOT_PLAIN_CHAR = re.compile("[\x00\\s" + "".join(sorted(_NOT_PLAIN_FIRST)) + "]")  # a first character so


def _suspects(rows: list[list]) -> set[int] | None:
    """The rows :func:`row_kind` must look at, by index: those whose first three cells are not
    all text starting with neither a space, an invisible character nor the first character of
    a total word (the others are DATA; nearly every row of a large sheet is), told from the first
    characters of a column of cells at once; None (every row) when the cells are not all text."""
    if not rows or min(map(len, rows)) < TOTAL_CELLS:
        return None
    suspects = set()
    for i in range(TOTAL_CELLS):
        try:
            firsts = "".join([row[i][:1] for row in rows])
        except TypeError:  # not all text
            return None
        if len(firsts) == len(rows):  # no empty text: a character a row
            suspects.update(map(re.Match.start, _NOT_PLAIN_CHAR.finditer(firsts)))
        else:
            suspects.update(j for j, row in enumerate(rows) if _NOT_PLAIN_CELL(row[i]))
    return suspects


class RowStream:
    """The rows of a sheet as loaded, built by the reading library as they are asked for, a
    chunk at a time: only the rows being imported need be in memory, not the whole sheet's.
    ``head`` holds the first rows (where the header is looked for); once ``start`` is set to
    the header's row number, :meth:`chunks` gives the data rows after it as ``(1-based row
    number, cells)`` — without blank rows and total rows, whose numbers go to ``totals``.
    The rows can be gone through once."""

    def __init__(self, loaded: Future, name: str):
        self._name = name
        self.start = 0
        self.totals: list[int] = []
        try:
            self._sheet = loaded.result()  # stays while its rows are read
            self._rest = self._sheet.iter_rows()
            # iter_rows starts at the first used column
            self._pad = [""] * self._sheet.start[1] if self._sheet.height else []
            self.head = [self._pad + row for row in islice(self._rest, HEADER_SEARCH_ROWS)]
        except BrokerDeskError:
            raise
        except BaseException as e:  # noqa: BLE001 - see open_workbook
            sheet_failed(e, name)

    def __iter__(self):
        for chunk in self.chunks():
            yield from chunk

    def collect(self) -> list[tuple[int, list]]:
        """Every data row at once, with text repeated down the sheet (categories, statuses, party
        names) kept once: a sheet held whole needs far less memory so."""
        kept: dict[str, str] = {}
        keep = kept.setdefault
        return [(number, [keep(v, v) if v.__class__ is str else v for v in cells])
                for chunk in self.chunks() for number, cells in chunk]

    def chunks(self, size: int = 2000) -> Iterator[list[tuple[int, list]]]:
        number, start, totals = 0, self.start, self.totals
        pending, self.head = self.head, []
        while True:
            if pending:
                cells, pending = pending[:size], pending[size:]
            else:
                try:
                    cells = list(islice(self._rest, size))
                except BrokerDeskError:
                    raise
                except BaseException as e:  # noqa: BLE001 - see open_workbook
                    sheet_failed(e, self._name)
                if self._pad:
                    cells = [self._pad + row for row in cells]
            if not cells:
                self._sheet = None
                return
            first, number = number + 1, number + len(cells)
            if first <= start:  # the header and the rows above it
                cells, first = cells[start - first + 1:], start + 1
            suspects = _suspects(cells)
            if suspects is not None and not suspects:
                yield list(zip(range(first, number + 1), cells, strict=True))
                continue
            data = []
            for row_no, row in enumerate(cells, start=first):
                kind = row_kind(row) if suspects is None or row_no - first in suspects else DATA
                if kind is DATA:
                    data.append((row_no, row))
                elif kind is TOTAL:
                    totals.append(row_no)
            if data:
                yield data
