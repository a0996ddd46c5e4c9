"""What ``export`` and ``template`` share when they write an ``.xlsx`` file:
the target's checks, an all-or-nothing write, the header and cell styles, and
column widths.

A workbook is written to ``NAME.part`` beside the target and renamed over it
only once XlsxWriter has closed it, so a cancelled or failed write never leaves
half a file; XlsxWriter's own temporary files live in a private folder that is
removed either way.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from .. import i18n
from ..errors import BrokerDeskError
from .schema import Column

i18n.register({
    "write.not_xlsx": ("“{path}”不是 .xlsx 文件名", "“{path}” is not an .xlsx file name"),
    "write.no_folder": ("文件夹“{folder}”不存在", "The folder “{folder}” does not exist"),
    "write.exists": ("文件“{path}”已存在；要覆盖请加 --force", "“{path}” exists already; add --force to overwrite it"),
    "write.failed": ("无法写入“{path}”：{reason}", "Cannot write “{path}”: {reason}"),
})

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 50
HEADER_FILL = "#DDEBF7"
REQUIRED_COLOR = "#C00000"
#: Excel's serial number of a day is its proleptic ordinal minus this (1900-03-01 onwards).
EXCEL_EPOCH_ORDINAL = 693594


class Cancelled(Exception):
    """Raised inside :func:`atomic_workbook` to give up: nothing is written."""


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path, if a workbook may be written there; else a BrokerDeskError."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise BrokerDeskError("write.not_xlsx", path=path)
    folder = path.parent
    if not folder.is_dir():
        raise BrokerDeskError("write.no_folder", folder=folder)
    if path.exists() and not overwrite:
        raise BrokerDeskError("write.exists", path=path)
    return path


@contextmanager
def atomic_workbook(path: str | Path, constant_memory: bool = False) -> Iterator[xlsxwriter.Workbook]:
    """An XlsxWriter workbook that lands at ``path`` only when the block ends normally.

    Raise :class:`Cancelled` (or anything else) inside the block to leave ``path``
    as it was.
    """
    path = Path(path)
    part = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(prefix="broker-desk-xlsx-") as tmpdir:
        workbook = xlsxwriter.Workbook(str(part), {
            "constant_memory": constant_memory, "tmpdir": tmpdir,
            # write_string() never converts, but keep write() honest too
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        workbook.set_properties({"creator": "BrokerDesk", "author": "BrokerDesk"})
        try:
            yield workbook
            workbook.close()
            part.replace(path)
        except BaseException as e:
            _abandon(workbook)
            part.unlink(missing_ok=True)
            if isinstance(e, (OSError, XlsxWriterException)):
                reason = getattr(e, "strerror", None) or e
                raise BrokerDeskError("write.failed", path=path, reason=reason) from None
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
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.text = workbook.add_format({"num_format": "@"})

    def for_header(self, column: Column):
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
