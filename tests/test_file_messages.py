"""Every message about a file as a whole names the file, word for word, whether it comes from
reading the workbook or from importing it, and on the command line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from workbooks import damaged_copy

from broker_desk import i18n
from broker_desk.cli import main
from broker_desk.errors import BrokerDeskError
from broker_desk.workbook import opening
from broker_desk.workbook.importer import import_workbook

DATA = Path(__file__).parent / "data" / "workbooks"
NO_SHEETS = ("文件“{name}”中没有找到可导入的工作表：需要名为 经纪人/客户/科技成果/技术合同/登记进度 的工作表，"
             "或表头能识别的工作表")


def refused(ledger, path) -> str:
    with pytest.raises(BrokerDeskError) as info:
        import_workbook(ledger, path)
    return str(info.value)


def blank_xlsx(path: Path, sheets: int = 1) -> Path:
    wb = openpyxl.Workbook()
    for i in range(1, sheets):
        wb.create_sheet(f"Sheet{i + 1}")
    wb.save(path)
    return path


def test_an_empty_workbook_names_the_file(ledger, tmp_path):
    assert refused(ledger, blank_xlsx(tmp_path / "空白.xlsx")) == "文件“空白.xlsx”中没有数据：工作表“Sheet”是空的"
    assert refused(ledger, blank_xlsx(tmp_path / "two.xlsx", 2)) == (
        "文件“two.xlsx”中没有数据：工作表“Sheet”、“Sheet2”是空的")
    assert refused(ledger, DATA / "lo_empty.xls") == "文件“lo_empty.xls”中没有数据：工作表“Sheet”是空的"
    assert refused(ledger, DATA / "lo_empty_two_sheets.ods") == (
        "文件“lo_empty_two_sheets.ods”中没有数据：工作表“Sheet”、“Sheet2”是空的")
    i18n.set_language("en")
    assert refused(ledger, tmp_path / "空白.xlsx") == "The file “空白.xlsx” holds no data (empty sheets: “Sheet”)"


def test_a_sheet_of_blank_cells_is_empty_too(ledger, tmp_path):
    path = tmp_path / "spaces.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write_string(3, 2, "  ")
    wb.close()
    assert refused(ledger, path) == "文件“spaces.xlsx”中没有数据：工作表“Sheet1”是空的"


def test_a_workbook_with_something_else_has_no_known_sheet(ledger, tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.create_sheet("说明")["A1"] = "这是一份说明"
    wb.save(path)
    assert refused(ledger, path) == NO_SHEETS.format(name="other.xlsx")


def test_files_that_cannot_be_read(ledger, tmp_path, monkeypatch):
    (tmp_path / "zero.xlsx").write_bytes(b"")
    assert refused(ledger, tmp_path / "zero.xlsx") == "文件“zero.xlsx”是空的（0 字节），不是工作簿"
    (tmp_path / "text.xlsx").write_text("名称,地址\n甲公司,杭州\n", encoding="utf-8")
    assert refused(ledger, tmp_path / "text.xlsx") == (
        "文件“text.xlsx”不是可读取的工作簿（.xlsx、.xlsm、.xls、.xlsb 或 .ods），"
        "如果它是 CSV、网页或 PDF，请先用 Excel/WPS 打开并另存为 .xlsx")
    assert refused(ledger, DATA / "encrypted.xlsx") == (
        "文件“encrypted.xlsx”已加密（设有打开密码），请先在 Excel/WPS 中取消密码后再导入")
    assert refused(ledger, tmp_path / "nope.xlsx") == f"找不到文件“{tmp_path / 'nope.xlsx'}”"
    assert refused(ledger, tmp_path) == f"“{tmp_path}”是文件夹，请选择工作簿文件"

    def locked(path, mode="r", *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(opening, "open", locked, raising=False)
    assert refused(ledger, DATA / "lo_clients.xlsx") == (
        "无法打开文件“lo_clients.xlsx”（Permission denied），请确认有读取权限且文件未被其他程序独占")


def test_a_damaged_sheet_names_the_file_also_when_imported(ledger, tmp_path):
    path = damaged_copy(DATA / "lo_clients.xlsx", tmp_path / "damaged.xlsx")
    message = refused(ledger, path)
    assert message.startswith("文件“damaged.xlsx”的工作表“客户”无法读取（") and message.endswith("），文件可能已损坏")


def test_a_bad_column_choice_names_the_file(ledger, tmp_path):
    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "客户"
    wb.active.append(["名称", "地址", "X"])
    wb.active.append(["a", "b", "c"])
    wb.save(path)
    with pytest.raises(BrokerDeskError) as info:
        import_workbook(ledger, path, overrides={"客户": {"X": "合同成交额（元）"}})
    assert str(info.value) == "文件“b.xlsx”工作表“客户”的列“X”被指定为“合同成交额（元）”，但这张表没有这一列"


def test_the_command_line_says_it_with_the_file(tmp_path, capsys):
    db = str(tmp_path / "x.brokerdesk")
    assert main(["--db", db, "import", str(blank_xlsx(tmp_path / "空白.xlsx"))]) == 2
    assert capsys.readouterr().err.strip() == "错误：文件“空白.xlsx”中没有数据：工作表“Sheet”是空的"
