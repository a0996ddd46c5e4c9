"""Writing small workbooks in tests, as another program (XlsxWriter) would."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import xlsxwriter


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, dates: bool = True) -> Path:
    """{sheet: rows} to ``path``: dates become real date cells (unless ``dates`` is False),
    text stays text (never a formula), None stays empty."""
    wb = xlsxwriter.Workbook(str(path))
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date) and dates:
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    wb.close()
    return path


def damaged_copy(source: Path, path: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A copy of the workbook ``source`` at ``path`` with ``part`` (its first sheet) cut in half."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as target:
        for item in original.infolist():
            data = original.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == part else data)
    return path
