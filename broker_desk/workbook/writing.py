"""What ``export`` and ``template`` share when they write an ``.xlsx`` file:
the target's checks, an all-or-nothing write, the header and cell styles, and
column widths.

A workbook is written all or nothing (:func:`broker_desk.outfiles.replacing`):
renamed over the target only once XlsxWriter has closed it; XlsxWriter's own
temporary files live in a private folder that is removed either way.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.utility import _preserve_whitespace
from xlsxwriter.worksheet import Worksheet

from .. import i18n, outfiles
from ..errors import BrokerDeskError
from .schema import Column

i18n.register({
    "write.not_xlsx": ("“{path}”不是 .xlsx 文件名", "“{path}” is not an .xlsx file name"),
})

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 50
HEADER_FILL = "#DDEBF7"
READONLY_FILL = "#E7E6E6"  # a read-only column's header: grey, as what is not to be filled in
REQUIRED_COLOR = "#C00000"
#: Excel's serial number of a day is its proleptic ordinal minus this (1900-03-01 onwards).
EXCEL_EPOCH_ORDINAL = 693594


class Cancelled(Exception):
    """Raised inside :func:`atomic_workbook` to give up: nothing is written."""


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path, if a workbook may be written there; else a BrokerDeskError."""
    return outfiles.check_target(path, (".xlsx",), "write.not_xlsx", overwrite)


class TextWorksheet(Worksheet):
    """XlsxWriter's worksheet, but a text that starts with ``<r>`` and ends with ``</r>`` stays
    the text it is. XlsxWriter takes such a text for the XML of a rich string (what its
    ``write_rich_string`` stores) and writes it unescaped, shared or in-line: it read back empty,
    or with a ``&`` in it broke the file. Here it is stored as that XML, one run of the text."""

    def _write_string(self, row: int, col: int, string: str, cell_format=None):
        if string.startswith("<r>") and string.endswith("</r>"):
            preserve = ' xml:space="preserve"' if _preserve_whitespace(string) else ""
            run = f"<r><t{preserve}>{self._escape_data(string)}</t></r>"  # (escaped as XlsxWriter escapes text)
            if len(run) <= self.xls_strmax // 2:  # (never cut short by XlsxWriter's length limit)
                string = run
        return super()._write_string(row, col, string, cell_format)


@contextmanager
def atomic_workbook(path: str | Path, constant_memory: bool = False,
                    in_memory: bool = False) -> Iterator[xlsxwriter.Workbook]:
    """An XlsxWriter workbook that lands at ``path`` only when the block ends normally
    (``in_memory``: its parts are assembled in memory, not in temporary files — for a
    workbook of many small sheets).

    Raise :class:`Cancelled` (or anything else) inside the block to leave ``path``
    as it was.
    """
    with tempfile.TemporaryDirectory(prefix="broker-desk-xlsx-") as tmpdir, outfiles.replacing(path) as part:
        workbook = xlsxwriter.Workbook(str(part), {
            "constant_memory": constant_memory, "tmpdir": tmpdir, "in_memory": in_memory,
            # write_string() never converts, but keep write() honest too
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        workbook.worksheet_class = TextWorksheet  # (every sheet: see TextWorksheet)
        workbook.set_properties({"creator": "BrokerDesk", "author": "BrokerDesk"})
        try:
            yield workbook
            workbook.close()
        except BaseException as e:
            _abandon(workbook)
            if isinstance(e, XlsxWriterException):
                raise BrokerDeskError("write.failed", path=path, reason=e) from None
            raise


def _abandon(workbook: xlsxwriter.Workbook) -> None:
    """Close the row files of a workbook that will never be closed (and never write it)."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
    workbook.fileclosed = True


class Styles:
    """The formats a canonical workbook uses, made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        header = {"bold": True, "bg_color": HEADER_FILL, "border": 1, "valign": "vcenter"}
        self.header = workbook.add_format(header)
        self.required = workbook.add_format({**header, "font_color": REQUIRED_COLOR})
        self.readonly = workbook.add_format({**header, "bg_color": READONLY_FILL, "italic": True})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.text = workbook.add_format({"num_format": "@"})

    def for_header(self, column: Column):
        if column.readonly:
            return self.readonly
        return self.required if column.required else self.header

    def for_cells(self, column: Column):
        """The format a column's cells carry (None: general)."""
        return {"money": self.money, "date": self.date}.get(column.kind)


def text_width(value: object) -> int:
    """Columns a value needs: wide (CJK) characters count two."""
    text = value if isinstance(value, str) else f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(column: Column, header: str, sample: list) -> int:
    """The schema's width, widened to fit the header and a sample of values (at most :data:`MAX_WIDTH`)."""
    widest = max((text_width(v) for v in sample if v is not None), default=0)
    return min(MAX_WIDTH, max(column.width, text_width(header) + 2, widest + 1))
