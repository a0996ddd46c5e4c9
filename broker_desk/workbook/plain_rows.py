"""A constant-memory XlsxWriter worksheet that writes a row of plain cells in one piece.

XlsxWriter writes a constant-memory sheet a row at a time, but each cell costs some twenty
Python calls on the way (the A1 decorator, the dimension check, a cell tuple, then at the
next row the cell reference, three regular expressions for control characters and leading
or trailing spaces, attribute escaping and one file write per cell): three quarters of an
export's time. :meth:`PlainRowsWorksheet.write_plain_row` writes the row's XML exactly as
XlsxWriter would, byte for byte, in one ``write``, for the cells that need no escaping
(text without ``&<>``, control characters, ``_xHHHH_`` or edge spaces; finite numbers);
a row with any other cell goes through XlsxWriter's own ``write_string``/``write_number``
untouched. ``tests/test_workbook_plain_rows.py`` holds the two to the same bytes.

Text of the ``shared_columns`` goes to the workbook's shared strings (a number in the cell, the
text once in the file), as XlsxWriter writes every text of a workbook that is not constant-memory
and as Excel writes its files: a column of a few texts repeated down the sheet (categories,
statuses) makes a far smaller sheet, which every reader takes in faster.

XlsxWriter lets a program choose the class of a sheet
(``workbook.add_worksheet(name, worksheet_class=PlainRowsWorksheet)``); this one only adds
a method and reads the worksheet's own state (the row file, its dimensions, its row and
column settings) as XlsxWriter's ``_write_single_row`` does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from .writing import TextWorksheet

#: Text that XlsxWriter would change on its way to the XML (its ``_escape_control_characters``,
#: ``_preserve_whitespace`` and ``_escape_data`` patterns, in one).
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
#: Above this length XlsxWriter counts UTF-16 units to cut the text at 32,767.
_SHORT = 32767 // 2

Cell = tuple[int, "str | float | int", "Format | None"]


class PlainRowsWorksheet(TextWorksheet):
    """A worksheet whose :meth:`write_plain_row` writes a whole row at once (constant-memory
    workbooks; any other workbook gets XlsxWriter's own path)."""

    #: Columns (zero-based) whose plain text cells are written as shared strings.
    shared_columns: frozenset[int] = frozenset()

    def write_plain_row(self, row: int, cells: Sequence[Cell]) -> None:
        """Write ``cells``, (column, value, format or None) in increasing column order, to ``row``
        (zero-based, after every row written before): text as an inline string (a shared one in
        the ``shared_columns``), a number as a number. The row is complete: write nothing more to it."""
        if not cells:
            return
        parts = None
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)  # the row before (held by XlsxWriter) goes first
            if row < self.xls_rowmax and 0 <= cells[0][0] and cells[-1][0] < self.xls_colmax:
                parts = self._plain_xml(row, cells)
        if parts is None:
            for col, value, cell_format in cells:
                if type(value) is str:
                    self._write_string(row, col, value, cell_format)
                else:
                    self._write_number(row, col, value, cell_format)
            return
        self._check_dimensions(row, cells[0][0])
        self._check_dimensions(row, cells[-1][0])
        self._write_row(row, None)
        parts.append("</row>")
        self.fh.write("".join(parts))

    def _plain_xml(self, row: int, cells: Sequence[Cell]) -> list[str] | None:
        """The row's cells as XlsxWriter writes them; None when one of them is not plain (or the row
        has settings or comments of its own, which XlsxWriter's own path writes)."""
        if row in self.row_info or row in self.comments:
            return None
        number = str(row + 1)
        parts: list[str] = []
        append, not_plain, col_info = parts.append, _NOT_PLAIN.search, self.col_info
        shared, share = self.shared_columns, self.str_table._get_shared_string_index
        for col, value, cell_format in cells:
            if cell_format is None:  # a cell without a format takes its column's
                cell_format = getattr(col_info.get(col), "column_format", None)
            style = f' s="{cell_format._get_xf_index()}"' if cell_format else ""
            kind = type(value)
            if kind is str:
                if len(value) > _SHORT or not_plain(value):
                    return None
                if col in shared:  # (as XlsxWriter writes a shared string)
                    append(f'<c r="{_column_name(col)}{number}"{style} t="s"><v>{share(value)}</v></c>')
                else:
                    append(f'<c r="{_column_name(col)}{number}"{style} t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind is float and value - value == 0.0 or kind is int:  # finite
                append(f'<c r="{_column_name(col)}{number}"{style}><v>{value:.16G}</v></c>')
            else:
                return None
        return parts


_NAMES: dict[int, str] = {}


def _column_name(col: int) -> str:
    """0 -> ``A``, 26 -> ``AA`` (remembered)."""
    name = _NAMES.get(col)
    if name is None:
        name = _NAMES[col] = xl_col_to_name(col)
    return name
