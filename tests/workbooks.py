"""Writing small workbooks in tests, as another program (XlsxWriter) would."""

from __future__ import annotations

import datetime as dt
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
