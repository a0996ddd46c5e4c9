"""``plain_rows``: a row written in one piece is, byte for byte, what XlsxWriter writes cell by cell,
for plain cells and for every cell that needs escaping, formats or XlsxWriter's own checks."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from broker_desk.workbook.plain_rows import PlainRowsWorksheet

AWKWARD_TEXT = [
    "R&D 中心", "a < b", "a > b", 'say "hi"', "line\nbreak", "\ttab inside", " leading", "trailing ",
    "全角空格\u3000", "\u3000全角", "ctrl\x01char", "cr\rinside", "_x0041_ literal", "non\ufffechar", "non\uffffchar",
    "<r>rich-looking</r>", "<r>R&D <b>中心</b></r>", "x" * 20_000, "宽" * 40_000, "=SUM(A1)", "",
]
NUMBERS = [0.1, 12_345.67, 1e20, -0.0, 123_456_789_012_345_678, 45_000, 1 / 3, -5e-7]


def _rows(money, date):
    """(row, cells) pairs: plain rows, rows with one awkward cell each, gaps and formats."""
    rows = [(1, [(0, "合同甲", None), (1, 12_345.67, money), (3, 45_000, date), (4, "张三(60%)；李四(40%)", None)]),
            (2, [(1, 0.5, money)]),
            (4, [(0, "跳过一行", None), (2, "第三列", None)])]
    r = 5
    for value in AWKWARD_TEXT:
        rows.append((r, [(0, "plain", None), (2, value, None), (5, 1.5, money)]))
        r += 1
    for value in NUMBERS:
        rows.append((r, [(0, "n", None), (1, value, money), (6, value, None)]))
        r += 1
    rows.append((r, [(7, "column with a format", None), (8, 2.5, None)]))  # takes the column's format
    rows.append((r + 1, [(0, "row with a format", None), (1, 3.5, None)]))  # takes the row's format
    rows.append((r + 2, [(0, "after", None), (1, float("nan"), money)]))  # an error cell, XlsxWriter's way
    return rows


def _write(path, fast: bool, constant_memory: bool = True) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "nan_inf_to_errors": True})
    ws = wb.add_worksheet("表", worksheet_class=PlainRowsWorksheet)
    header = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.set_column(0, 6, 12)
    ws.set_column(7, 8, 20, wb.add_format({"italic": True}))
    rows = _rows(money, date)
    ws.set_row(rows[-2][0], None, wb.add_format({"underline": True}))
    for c in range(9):
        ws.write_string(0, c, f"列{c}", header)
    for r, cells in rows:
        if fast:
            ws.write_plain_row(r, cells)
        else:
            for c, value, cell_format in cells:
                if isinstance(value, str):
                    ws.write_string(r, c, value, cell_format)
                else:
                    ws.write_number(r, c, value, cell_format)
    ws.write_plain_row(rows[-1][0] + 1, [])  # nothing: no row
    wb.close()


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}  # core: the time


@pytest.mark.parametrize("constant_memory", [True, False])
def test_plain_rows_are_the_bytes_xlsxwriter_writes(tmp_path, constant_memory):
    _write(tmp_path / "fast.xlsx", fast=True, constant_memory=constant_memory)
    _write(tmp_path / "slow.xlsx", fast=False, constant_memory=constant_memory)
    fast, slow = _parts(tmp_path / "fast.xlsx"), _parts(tmp_path / "slow.xlsx")
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name


def test_plain_rows_read_back(tmp_path):
    path = tmp_path / "fast.xlsx"
    _write(path, fast=True)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python()
    assert sheet[1][:5] == ["合同甲", 12_345.67, "", dt.date(2023, 3, 15), "张三(60%)；李四(40%)"]
    assert sheet[3] == [""] * 9  # row 4 of the sheet was skipped
    read = dict(zip(AWKWARD_TEXT, (row[2] for row in sheet[5:]), strict=False))
    for value in AWKWARD_TEXT:
        if value not in ("non\ufffechar", "non\uffffchar"):  # XlsxWriter's and calamine's
            assert read[value] == value[:32_767]  # (Excel's limit)


def test_a_written_row_takes_no_more_cells_before_it(tmp_path):
    """XlsxWriter's own rule in constant-memory mode: the rows go down, never back."""
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("表", worksheet_class=PlainRowsWorksheet)
    ws.write_plain_row(3, [(0, "三", None)])
    ws.write_plain_row(5, [(0, "五", None)])
    ws.write_plain_row(4, [(0, "四", None)])  # too late: XlsxWriter ignores it, as write_string would
    wb.close()
    sheet = CalamineWorkbook.from_path(str(tmp_path / "x.xlsx")).get_sheet_by_name("表").to_python()
    assert [row[0] for row in sheet] == ["三", "", "五"]  # (calamine starts at the first row with cells)


@pytest.mark.parametrize("constant_memory", [True, False])
def test_text_between_r_tags_stays_text_in_every_workbook(tmp_path, constant_memory):
    """Shared strings (reports, templates) or in-line (the export): XlsxWriter would take these for rich-string XML."""
    from broker_desk.workbook.writing import atomic_workbook

    texts = ["<r>rich-looking</r>", "<r>R&D <b>中心</b></r>", "<r> 空格 </r>", "<r></r>", "普通 <r>"]
    with atomic_workbook(tmp_path / "x.xlsx", constant_memory=constant_memory) as wb:
        ws = wb.add_worksheet("表")
        for r, text in enumerate(texts):
            ws.write_string(r, 0, text)
        ws.write(len(texts), 0, "<r>write() too</r>")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "x.xlsx")).get_sheet_by_name("表").to_python()
    assert [row[0] for row in sheet] == [*texts, "<r>write() too</r>"]


def test_shared_columns_are_written_as_shared_strings_and_read_back_the_same(tmp_path):
    """Text of the shared columns goes to the workbook's shared strings (each text once), the
    rest in line; both readers read the same cells as from a sheet of in-line strings only."""
    import openpyxl

    rows = [(r, [(0, f"合同{r}", None), (1, ["技术开发", "技术服务", "技术转让"][r % 3], None), (2, r * 1.5, None),
                 (3, "R&D 中心" if r == 4 else "已登记", None)]) for r in range(1, 10)]
    for name, shared in (("inline.xlsx", frozenset()), ("shared.xlsx", frozenset({1, 3}))):
        wb = xlsxwriter.Workbook(str(tmp_path / name), {"constant_memory": True})
        ws = wb.add_worksheet("表", worksheet_class=PlainRowsWorksheet)
        ws.shared_columns = shared
        for r, cells in rows:
            ws.write_plain_row(r, cells)
        wb.close()
    parts = _parts(tmp_path / "shared.xlsx")
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="B2" t="s"><v>0</v></c>' in sheet_xml and '<c r="A2" t="inlineStr">' in sheet_xml
    assert sheet_xml.count('t="s"') == 8 + 8  # columns B and D, but in the row with "&" (XlsxWriter's own path)
    strings = parts["xl/sharedStrings.xml"].decode()
    assert strings.count("<si>") == 4 and strings.count("技术开发") == 1  # each text once
    assert "xl/sharedStrings.xml" not in _parts(tmp_path / "inline.xlsx")
    read = {name: CalamineWorkbook.from_path(str(tmp_path / name)).get_sheet_by_name("表").to_python()
            for name in ("inline.xlsx", "shared.xlsx")}
    assert read["shared.xlsx"] == read["inline.xlsx"]
    assert read["shared.xlsx"][3][:4] == ["合同4", "技术服务", 6.0, "R&D 中心"]
    values = {name: [list(row) for row in openpyxl.load_workbook(tmp_path / name)["表"].iter_rows(values_only=True)]
              for name in ("inline.xlsx", "shared.xlsx")}
    assert values["shared.xlsx"] == values["inline.xlsx"]
