"""Reading workbooks as people really have them: cells typed every way, title rows,
synonyms and 万元 headers, blank and 合计 rows, files written by LibreOffice and by
XlsxWriter, and every kind of file that cannot be read."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from workbooks import damaged_copy, write_xlsx

from broker_desk import codes, i18n
from broker_desk.errors import BrokerDeskError
from broker_desk.idnumbers import check_credit_code
from broker_desk.workbook import opening, sheet_rows
from broker_desk.workbook.cells import CellError, is_blank, parse_date, parse_money, parse_text
from broker_desk.workbook.opening import column_letter
from broker_desk.workbook.reader import RawSheet, read_workbook
from broker_desk.workbook.schema import ACHIEVEMENTS, BROKERS, CLIENTS, CONTRACTS, HISTORY

DATA = Path(__file__).parent / "data" / "workbooks"


# -- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (None, None),
    ("", None),
    ("   ", None),
    ("\u3000\u00a0 \t", None),
    ("\u200b", None),
    ("杭州云栖智能科技有限公司", "杭州云栖智能科技有限公司"),
    ("  杭州云栖智能科技有限公司\u3000", "杭州云栖智能科技有限公司"),
    ("\u00a0宁波某某环保有限公司\u00a0", "宁波某某环保有限公司"),
    ("张\u3000\u3000三", "张 三"),                 # a run of spaces inside becomes one space
    ("浙江 某某 大学", "浙江 某某 大学"),
    ("Wi-Fi 6  芯片\t测试", "Wi-Fi 6 芯片 测试"),
    ("第一行\n第二行", "第一行 第二行"),
    ("杭州\u200b某某", "杭州某某"),                # zero-width characters from web pages
    ("a\r\nb", "a b"),
    (13800000000.0, "13800000000"),              # a phone number read as a number
    (330106.0, "330106"),                        # a region code read as a number
    (2024330106000123.0, "2024330106000123"),    # 16 digits are still exact in a float
    (20240006, "20240006"),
    (0, "0"),
    (-5.0, "-5"),
    (3.5, "3.5"),
    (0.1 + 0.2, "0.3"),                          # float noise beyond Excel's 15 digits is gone
    (1e20, "100000000000000000000"),
    (2.5e-10, "0.00000000025"),
    (Decimal("12.50"), "12.5"),
    (dt.date(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5, 14, 30), "2024-03-05 14:30:00"),
    (dt.time(9, 30), "09:30:00"),
])
def test_parse_text(value, expected):
    assert parse_text(value) == expected


@pytest.mark.parametrize("text", ["  杭州 西湖区\u3000", "a\u00a0\u00a0b", "第一行\r\n第二行", "张\u3000三", "x"])
def test_parse_text_keeps_what_the_ledger_keeps(text):
    from broker_desk.fields import clean_text

    assert parse_text(text) == clean_text(text)
    assert parse_text(parse_text(text)) == parse_text(text)


@pytest.mark.parametrize(("value", "code"), [
    (True, "cell.text_bool"),
    (False, "cell.text_bool"),
    (float("nan"), "cell.not_a_number"),
    (float("inf"), "cell.not_a_number"),
    (dt.timedelta(hours=1), "cell.unsupported"),
])
def test_parse_text_refuses(value, code):
    with pytest.raises(CellError) as info:
        parse_text(value)
    assert info.value.code == code
    assert isinstance(info.value, BrokerDeskError)


@pytest.mark.parametrize(("value", "scale", "fen"), [
    (None, 1, None),
    ("", 1, None),
    (" \u3000", 10_000, None),
    (0, 1, 0),
    (1250000, 1, 125_000_000),
    (1250000.0, 1, 125_000_000),
    (1234.56, 1, 123_456),
    (12345600.5, 1, 1_234_560_050),
    (0.01, 1, 1),
    (0.1 + 0.2, 1, 30),                   # a computed cell: 0.30000000000000004
    (1.1 * 3, 1, 330),                    # 3.3000000000000003
    (125, 10_000, 125_000_000),
    (12.5, 10_000, 12_500_000),
    (1234.56, 10_000, 1_234_560_000),
    (0.000001, 10_000, 1),                # one fen in 万元
    (Decimal("12.34"), 1, 1234),
    ("12.5万", 1, 12_500_000),
    ("12.5万元", 1, 12_500_000),
    ("12.5万", 10_000, 12_500_000),
    ("¥1,250,000.00", 1, 125_000_000),
    ("￥1,250,000", 1, 125_000_000),
    ("1,250,000", 1, 125_000_000),
    ("1250000元", 1, 125_000_000),
    ("1250000元", 10_000, 125_000_000),   # an explicit 元 wins over the 万元 header
    ("１２５０", 1, 125_000),
    ("１２．５万", 1, 12_500_000),
    ("\u3000 1,250,000.00 ", 1, 125_000_000),
    ("125", 10_000, 125_000_000),         # a bare number in a 万元 column
    ("¥125", 10_000, 125_000_000),        # ¥ is a currency sign, not a unit
    ("1.2亿", 1, 12_000_000_000),
    ("0", 1, 0),
])
def test_parse_money(value, scale, fen):
    result = parse_money(value, scale)
    assert result == fen
    assert result is None or type(result) is int


@pytest.mark.parametrize(("value", "scale", "code"), [
    (-1, 1, "cell.money_negative"),
    (-0.5, 1, "cell.money_negative"),
    ("-5", 1, "cell.money_negative"),
    ("－12.5万", 1, "cell.money_negative"),
    (-3, 10_000, "cell.money_negative"),
    (0.001, 1, "money.fraction"),
    (1234.565, 1, "money.fraction"),
    (0.0000001, 10_000, "money.fraction"),
    ("1.234", 1, "money.fraction"),
    ("abc", 1, "money.invalid"),
    ("壹万元", 1, "money.invalid"),
    ("12.5万万", 1, "money.invalid"),
    (True, 1, "cell.money_bool"),
    (float("nan"), 1, "cell.not_a_number"),
    (float("inf"), 10_000, "cell.not_a_number"),
    (1e16, 1, "money.too_large"),
    ("99999999999999999", 1, "money.too_large"),
    (dt.date(2024, 3, 5), 1, "cell.money_kind"),
])
def test_parse_money_refuses(value, scale, code):
    with pytest.raises(CellError) as info:
        parse_money(value, scale)
    assert info.value.code == code


def test_money_messages_are_precise():
    with pytest.raises(CellError) as info:
        parse_money(-12.5, 10_000)
    assert str(info.value) == "金额不能为负数（“-12.5”）"
    with pytest.raises(CellError) as info:
        parse_money("12.345")
    assert "12.345" in str(info.value) and "分" in str(info.value)
    with pytest.raises(ValueError):
        parse_money(1, scale=1000)


@pytest.mark.parametrize(("value", "iso"), [
    (None, None),
    ("", None),
    ("\u3000", None),
    (dt.date(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5, 23, 59, 59), "2024-03-05"),
    (45356, "2024-03-05"),
    (45356.0, "2024-03-05"),
    (45356.75, "2024-03-05"),
    (45356.999999, "2024-03-05"),
    (Decimal("45356.5"), "2024-03-05"),
    (1, "1900-01-01"),
    (59, "1900-02-28"),
    (61, "1900-03-01"),
    (2958465, "9999-12-31"),
    (20240305, "2024-03-05"),              # yyyymmdd typed as a number
    ("2024-03-05", "2024-03-05"),
    ("2024/3/5", "2024-03-05"),
    ("2024年3月5日", "2024-03-05"),
    ("2024年3月5号", "2024-03-05"),
    ("2024.03.05", "2024-03-05"),
    ("20240305", "2024-03-05"),
    ("２０２４年３月５日", "2024-03-05"),
    ("２０２４／３／５", "2024-03-05"),
    (" 2024 年 3 月 5 日 ", "2024-03-05"),
    ("2024-03-05 09:30", "2024-03-05"),
    ("2024/3/5 9:30:15", "2024-03-05"),
    ("2024-02-29", "2024-02-29"),
])
def test_parse_date(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize(("value", "code"), [
    (60, "cell.date_1900_02_29"),
    (60.5, "cell.date_1900_02_29"),
    (0, "cell.date_serial_range"),
    (0.5, "cell.date_serial_range"),
    (-1, "cell.date_serial_range"),
    (2958466, "cell.date_serial_range"),
    (123456789, "cell.date_serial_range"),
    (20241305, "idnum.date_bad_month"),    # yyyymmdd with month 13
    (float("nan"), "cell.not_a_number"),
    ("2024-02-30", "idnum.date_bad_day"),
    ("2023年2月29日", "idnum.date_bad_day"),
    ("2024/13/1", "idnum.date_bad_month"),
    ("2024-3", "idnum.date_format"),
    ("下周一", "idnum.date_format"),
    ("05/03/2024", "idnum.date_format"),
    (dt.time(9, 30), "cell.date_time_only"),
    (True, "cell.date_bool"),
    (dt.timedelta(days=1), "cell.unsupported"),
])
def test_parse_date_refuses(value, code):
    with pytest.raises(CellError) as info:
        parse_date(value)
    assert info.value.code == code


def test_date_messages_are_precise():
    with pytest.raises(CellError) as info:
        parse_date(60)
    assert "1900年2月29日" in str(info.value)
    with pytest.raises(CellError) as info:
        parse_date("2024-02-30")
    assert str(info.value) == "日期“2024-02-30”不存在：2024 年 2 月只有 29 天"
    i18n.set_language("en")
    with pytest.raises(CellError) as info:
        parse_date(60)
    assert "29 February 1900" in str(info.value)


@pytest.mark.parametrize(("value", "blank"), [
    (None, True), ("", True), (" ", True), ("\u3000", True), ("\u00a0\t\n", True), ("\u200b", True),
    ("x", False), (0, False), (0.0, False), (False, False), (dt.date(2024, 3, 5), False),
])
def test_is_blank(value, blank):
    assert is_blank(value) is blank


# -- reading workbooks written here ----------------------------------------------------------


def by_field(raw: RawSheet, row: list) -> dict:
    """A data row's cells, parsed by their columns' kinds, by ledger field."""
    out = {}
    for index, (column, scale) in raw.columns.items():
        value = row[index] if index < len(row) else None
        if column.kind == "money":
            out[column.field] = parse_money(value, scale)
        elif column.kind == "date":
            out[column.field] = parse_date(value)
        else:
            out[column.field] = parse_text(value)
    return out


CONTRACT_TITLE_ROWS = [["2024年度技术合同登记台账"], ["填报单位：某技术转移中心", None, None, None, "单位：万元"], []]
CONTRACT_HEADER = ["序号", "合同号", "合同名称", "合同类型", "委托方", "受托方", "签约日期", "合同金额（万元）",
                   "非技术性费用（元）", "经纪人", "内部编码"]


def contract_rows():
    return [
        [1, "HT-1", "算法开发", "技术开发", "甲公司", "乙大学", dt.date(2024, 3, 5), 125, 1000.5, "张三", "A-1"],
        [2, "HT-2", "膜材料服务", "技术服务", "丙公司", "乙大学", "2024/3/5", "12.5万", "¥1,000", "李四", "A-2"],
        [None, None, None, None, None, None, None, None, None, None, None],   # empty row, nothing written
        [None, "\u3000", " ", None, None, None, None, None, None, None, None],  # spaces only
        [3, 20240003, "专利许可", "技术转让", "丁公司", "乙大学", 45356, "1,250,000元", 0, "王五", "A-3"],
        ["小计", None, None, None, None, None, None, 150, None, None, None],
        [4, "HT-4", "测试服务", "技术服务", "戊公司", "乙大学", "２０２４年３月５日", 0.5, None, "张三、李四", None],
        ["合 计", None, None, None, None, None, None, 1000, None, None, None],
        [None, "总计：4 项", None, None, None, None, None, None, None, None, None],
        [None, "  总 计", None, None, None, None, None, None, None, None, None],
    ]


def test_header_row_under_title_rows_with_synonyms_and_wan_scale(tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx",
                      {"2024年合同": CONTRACT_TITLE_ROWS + [CONTRACT_HEADER] + contract_rows()})
    [raw] = read_workbook(path)
    assert raw.name == "2024年合同"
    assert raw.sheet is CONTRACTS                      # by its headers: the name says nothing
    assert raw.header_row == 4
    assert raw.headers == CONTRACT_HEADER
    mapped = {column_letter(i): (c.header, s) for i, (c, s) in raw.columns.items()}
    assert mapped == {
        "B": ("合同编号", 1), "C": ("项目名称", 1), "D": ("合同类别", 1), "E": ("买方", 1), "F": ("卖方", 1),
        "G": ("签订日期", 1), "H": ("合同成交额（元）", 10_000), "I": ("非技术性费用（元）", 1),
        "J": ("技术经纪人", 1),
    }
    assert raw.unmapped == [(0, "序号"), (10, "内部编码")]
    assert [n for n, _ in raw.rows] == [5, 6, 9, 11]
    assert raw.skipped_total_rows == [10, 12, 13, 14]
    parsed = [by_field(raw, cells) for _, cells in raw.rows]
    assert [p["contract_no"] for p in parsed] == ["HT-1", "HT-2", "20240003", "HT-4"]
    assert [p["signed_on"] for p in parsed] == ["2024-03-05"] * 4
    assert [p["amount_fen"] for p in parsed] == [125_000_000, 12_500_000, 125_000_000, 500_000]
    assert [p["deductions_fen"] for p in parsed] == [100_050, 100_000, 0, None]
    assert [p["brokers"] for p in parsed] == ["张三", "李四", "王五", "张三、李四"]


def test_xlsxwriter_cells_come_back_as_typed(tmp_path):
    rows = [["姓名", "手机", "证书编号", "等级", "备注"],
            ["张三", 13800000000, "JSJJ2023000123", "中级", dt.date(2024, 3, 5)],
            ["李四", "13900000000", 2023000124, "高级", 3.25],
            ["王五", 1.5e10, None, True, dt.datetime(2024, 3, 5, 8, 0)]]
    [raw] = read_workbook(write_xlsx(tmp_path / "b.xlsx", {"经纪人": rows}))
    assert raw.sheet is BROKERS and raw.header_row == 1
    cells = [c for _, c in raw.rows]
    assert cells[0][:4] == ["张三", 13800000000.0, "JSJJ2023000123", "中级"]
    assert cells[0][4] == dt.date(2024, 3, 5)
    assert cells[2][4] == dt.datetime(2024, 3, 5, 8, 0)
    assert cells[2][3] is True
    assert [parse_text(c[1]) for c in cells] == ["13800000000", "13900000000", "15000000000"]
    assert [parse_text(c[2]) for c in cells] == ["JSJJ2023000123", "2023000124", None]
    assert [parse_text(c[4]) for c in cells] == ["2024-03-05", "3.25", "2024-03-05 08:00:00"]
    assert by_field(raw, cells[0]) == {"name": "张三", "phone": "13800000000", "cert_no": "JSJJ2023000123",
                                       "level": "中级", "note": "2024-03-05"}
    with pytest.raises(CellError) as info:
        by_field(raw, cells[2])                                  # 等级 TRUE
    assert info.value.code == "cell.text_bool"


def test_dates_as_serial_numbers_without_a_date_format(tmp_path):
    rows = [["合同编号", "卖方", "状态", "日期"], ["HT-1", "乙大学", "已受理", 45356], ["HT-1", "乙大学", "已登记", 45356.75],
            ["HT-1", "乙大学", "已登记", 60]]
    [raw] = read_workbook(write_xlsx(tmp_path / "h.xlsx", {"登记进度": rows}))
    assert raw.sheet is HISTORY
    assert [parse_date(c[3]) for _, c in raw.rows[:2]] == ["2024-03-05", "2024-03-05"]
    with pytest.raises(CellError) as info:
        parse_date(raw.rows[2][1][3])
    assert info.value.code == "cell.date_1900_02_29"


def test_sheets_by_name_by_headers_and_ignored(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {
        "填写说明": [["名称", "统一社会信用代码"], ["说明文字", "18 位"]],
        "代码表": [["姓名", "等级"], ["x", "初级"]],
        "Sheet1": [["单位名称", "信用代码", "联系人"], ["甲公司", "91330106MA27XK5T2Q", "王"]],
        "杂项": [["项目", "金额"], ["a", 1]],                 # one header that could be a title only
        "图表数据": [[1, 2, 3], [4, 5, 6]],
        " 科技 成果 ": [["成果名称", "持有方", "意向价格（万元）"], ["新材料", "乙大学", 50]],
        "经纪人": [],                                        # named, empty: still reported
    })
    sheets = read_workbook(path)
    assert [(s.name, s.sheet) for s in sheets] == [("Sheet1", CLIENTS), (" 科技 成果 ", ACHIEVEMENTS),
                                                    ("经纪人", BROKERS)]
    achievements = sheets[1]
    assert achievements.columns[2][0].field == "price_fen" and achievements.columns[2][1] == 10_000
    assert parse_money(achievements.rows[0][1][2], achievements.columns[2][1]) == 50_000_000
    empty = sheets[2]
    assert (empty.header_row, empty.headers, empty.columns, empty.rows) == (0, [], {}, [])


def test_named_sheet_without_a_header_row_keeps_its_rows(tmp_path):
    rows = [["经纪人名单"], ["张三", "中级"], [], ["李四", "高级"]]
    [raw] = read_workbook(write_xlsx(tmp_path / "n.xlsx", {"经纪人": rows}))
    assert raw.sheet is BROKERS and raw.header_row == 0 and raw.columns == {}
    assert [n for n, _ in raw.rows] == [1, 2, 4]


def test_header_row_is_searched_in_the_first_15_rows_only(tmp_path):
    titles = [[f"说明第 {i} 行"] for i in range(15)]
    header = [["名称", "联系电话", "地址"], ["甲公司", "123", "杭州"]]
    path = write_xlsx(tmp_path / "deep.xlsx", {"Sheet1": titles + header, "客户": titles[:14] + header})
    [raw] = read_workbook(path)
    assert raw.name == "客户" and raw.header_row == 15 and len(raw.rows) == 1


def test_a_row_needs_two_mapped_headers(tmp_path):
    rows = [["客户"], ["名称"], ["名称", "地址"], ["甲公司", "杭州"]]
    [raw] = read_workbook(write_xlsx(tmp_path / "two.xlsx", {"客户": rows}))
    assert raw.header_row == 3


@pytest.mark.parametrize(("headers", "sheet"), [
    (["名称", "地址", "联系人"], CLIENTS),
    (["名称", "地址"], None),                     # 名称 is 客户's only required header: it and two more
    (["姓名", "手机"], None),                     # any list of people
    (["姓名", "手机", "证书编号"], BROKERS),
    (["合同编号", "项目名称"], CONTRACTS),        # two required headers
    (["合同编号", "备注"], None),
    (["合同号", "乙方", "登记状态", "变更日期"], HISTORY),
    (["合同编号", "项目名称", "卖方", "登记状态"], CONTRACTS),  # best match wins
    (["成果", "权利人", "价格"], ACHIEVEMENTS),
])
def test_unknown_sheet_recognised_by_its_headers(tmp_path, headers, sheet):
    path = write_xlsx(tmp_path / "u.xlsx", {"Sheet1": [headers, ["x"] * len(headers)]})
    if sheet is None:
        with pytest.raises(BrokerDeskError) as info:
            read_workbook(path)
        assert info.value.code == "workbook.no_sheets"
    else:
        [raw] = read_workbook(path)
        assert raw.sheet is sheet and raw.header_row == 1


def test_duplicate_headers_and_marks(tmp_path):
    rows = [["名称*", "手机", "联系电话 ", "（备注）", "备 注", "", "联系人：", None, "2024"],
            ["甲公司", "138", "0571", "x", "y", "z", "王", None, 1]]
    [raw] = read_workbook(write_xlsx(tmp_path / "d.xlsx", {"客户": rows}))
    fields = {i: c.field for i, (c, _) in raw.columns.items()}
    assert fields == {0: "name", 1: "phone", 4: "note", 6: "contact"}
    assert raw.unmapped == [(2, "联系电话"), (3, "（备注）"), (8, "2024")]
    assert raw.headers[5] == "" and raw.headers[8] == "2024"
    assert raw.column_index("phone") == 1 and raw.column_index("email") is None


def test_overrides_map_unknown_headers(tmp_path):
    rows = [["项目编号", "名目", "类别", "委托单位", "受托单位", "签字日", "总价（万元）", "经办人", "内部备注"],
            ["HT-1", "开发", "技术开发", "甲", "乙", "2024-03-05", "10", "张三", "x"]]
    path = write_xlsx(tmp_path / "o.xlsx", {"合同": rows})
    [plain] = read_workbook(path)
    assert {i for i, _ in plain.unmapped} == {0, 1, 5, 6, 7, 8}
    overrides = {"合同": {"项目编号": "合同编号", "名目": "项目名称", "签字日": "签订日期",
                        "总价（万元）": "合同成交额（万元）", "经办人": "技术经纪人", "内部备注": ""}}
    [raw] = read_workbook(path, overrides=overrides)
    mapped = {i: (c.header, s) for i, (c, s) in raw.columns.items()}
    assert mapped[0] == ("合同编号", 1) and mapped[1] == ("项目名称", 1) and mapped[5] == ("签订日期", 1)
    assert mapped[6] == ("合同成交额（元）", 10_000)
    assert mapped[7] == ("技术经纪人", 1)
    assert raw.unmapped == []                                      # 内部备注 left out on purpose
    assert by_field(raw, raw.rows[0][1])["amount_fen"] == 100_000 * 100
    # Overrides are per sheet, and also found by the header's normalised form.
    [again] = read_workbook(path, overrides={"合同": {" 项目 编号 ": "合同号"}, "别的表": {"名目": "项目名称"}})
    assert again.columns[0][0].field == "contract_no" and 1 in dict(again.unmapped)


def test_override_makes_an_unknown_sheet_recognisable(tmp_path):
    rows = [["单位", "代码", "电邮"], ["甲公司", "91330106MA27XK5T2Q", "a@b.c"]]
    path = write_xlsx(tmp_path / "u.xlsx", {"往来单位": rows})
    with pytest.raises(BrokerDeskError):
        read_workbook(path)
    partial = {"往来单位": {"单位": "名称", "代码": "统一社会信用代码"}}
    with pytest.raises(BrokerDeskError):
        read_workbook(path, overrides=partial)
    [raw] = read_workbook(path, overrides={"往来单位": {**partial["往来单位"], "电邮": "邮箱"}})
    assert raw.sheet is CLIENTS and raw.unmapped == []
    assert [c.field for c, _ in raw.columns.values()] == ["name", "credit_code", "email"]


def test_bad_override_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", {"客户": [["名称", "地址", "X"], ["a", "b", "c"]]})
    with pytest.raises(BrokerDeskError) as info:
        read_workbook(path, overrides={"客户": {"X": "合同成交额（元）"}})
    assert info.value.code == "workbook.bad_override"
    assert str(info.value) == "文件“b.xlsx”工作表“客户”的列“X”被指定为“合同成交额（元）”，但这张表没有这一列"


def test_progress_and_cancel(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"客户": [["名称", "地址"], ["a", "b"]],
                                           "经纪人": [["姓名", "等级"], ["张三", "中级"]]})
    seen = []
    sheets = read_workbook(path, progress=lambda f, m: seen.append((f, m)))
    assert len(sheets) == 2
    assert seen == [(0.0, "正在读取工作表“客户”"), (0.5, "正在读取工作表“经纪人”"), (1.0, "已读取工作簿")]
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 1

    assert read_workbook(path, cancelled=cancelled) is None
    assert len(calls) == 2


def test_far_away_content_is_refused_before_it_kills_the_process(tmp_path):
    path = tmp_path / "far.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("客户")
    ws.write_row(0, 0, ["名称", "地址"])
    ws.write(1_048_575, 16_383, "x")                       # XFD1048576
    wb.close()
    with pytest.raises(BrokerDeskError) as info:
        read_workbook(path)
    assert info.value.code == "workbook.sheet_too_large"
    assert str(info.value) == ("文件“far.xlsx”的工作表“客户”的 XFD1048576 单元格有内容，使表格区域大到 1,048,576 行 × "
                               "16,384 列，请删除表格以外的多余内容后再导入")


def test_far_away_formatting_without_content_is_fine(tmp_path):
    path = tmp_path / "fmt.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("客户")
    ws.write_row(0, 0, ["名称", "地址"])
    ws.write_row(1, 0, ["甲公司", "杭州"])
    ws.write_blank(1_048_575, 16_383, None, wb.add_format({"bold": True}))  # the dimension says XFD1048576
    wb.close()
    [raw] = read_workbook(path)
    assert [n for n, _ in raw.rows] == [2]


def test_reading_is_close_to_calamine_speed(tmp_path):
    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("技术合同")
    ws.write_row(0, 0, [c.header for c in CONTRACTS.columns])
    for r in range(1, 20_001):
        ws.write_row(r, 0, ["", f"HT{r:06d}", f"项目{r}", "技术开发", "委托开发", "甲公司", "乙大学", "", 45356 + r % 300,
                            None, None, "杭州", r * 1.25, 0, None, "电子信息", "", "", "一次总付", "张三"])
    wb.close()
    start = time.perf_counter()
    python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("技术合同").to_python()
    alone = time.perf_counter() - start
    start = time.perf_counter()
    [raw] = read_workbook(path)
    ours = time.perf_counter() - start
    assert len(raw.rows) == 20_000
    assert ours < 2 * alone + 0.5, (ours, alone)


@pytest.mark.parametrize(("cells", "kind"), [
    ([], sheet_rows.BLANK),
    (["", None, " ", "\u3000", "\u00a0", "\u200b"], sheet_rows.BLANK),
    (["", 0], sheet_rows.DATA),
    ([False], sheet_rows.DATA),
    (["合计", 100], sheet_rows.TOTAL),
    ([None, "合 计：", 100], sheet_rows.TOTAL),
    ([1, "小计（3 项）"], sheet_rows.TOTAL),
    (["", "", "\u3000总\u3000计"], sheet_rows.TOTAL),
    (["HT-1", "项目", "合计"], sheet_rows.TOTAL),                 # the third text cell
    (["HT-1", "项目", "技术开发", "合计"], sheet_rows.DATA),      # the fourth is not looked at
    ([1, 2.5, "HT-1", "合计"], sheet_rows.TOTAL),                # numbers do not count
    (["合计(万元)"], sheet_rows.TOTAL),
    (["小计3项"], sheet_rows.TOTAL),
    (["总计算平台开发"], sheet_rows.DATA),                       # a title that starts with the word
    (["合计划"], sheet_rows.DATA),
    (["综合计算"], sheet_rows.DATA),
])
def test_row_kind(cells, kind):
    assert sheet_rows.row_kind(cells) == kind


def test_column_letter():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16383)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
    with pytest.raises(ValueError):
        column_letter(-1)


# -- files written by LibreOffice ------------------------------------------------------------


def _expected(stem: str) -> dict:
    return json.loads((DATA / f"{stem}_expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "xls"])
def test_libreoffice_contracts(suffix):
    expected = _expected("lo_contracts")
    [raw] = read_workbook(DATA / f"lo_contracts.{suffix}")
    assert raw.name == expected["sheet"] == "技术合同台账"
    assert raw.sheet is CONTRACTS
    assert raw.header_row == expected["header_row"] == 3
    assert raw.headers == expected["headers"]
    columns = {column_letter(i): {"header": raw.headers[i], "canonical": c.header, "scale": s}
               for i, (c, s) in raw.columns.items()}
    assert columns == expected["columns"]
    assert [[column_letter(i), h] for i, h in raw.unmapped] == expected["unmapped"]
    assert raw.skipped_total_rows == expected["skipped_total_rows"] == [13]
    assert [n for n, _ in raw.rows] == [r["row"] for r in expected["rows"]]
    assert not set(expected["blank_rows"]) & {n for n, _ in raw.rows}
    for (number, cells), want in zip(raw.rows, expected["rows"], strict=True):
        assert by_field(raw, cells) == want["cells"], f"row {number}"
        kind = codes.tables().normalize_contract_kind(want["cells"]["category"], want["cells"]["subtype"])
        assert list(kind) == [want["ledger"]["category"], want["ledger"]["subtype"]]
        if "buyer_credit_code" in want["ledger"]:
            code, problems = check_credit_code(want["cells"]["buyer_id"])
            assert (code, problems) == (want["ledger"]["buyer_credit_code"], [])


def test_libreoffice_contracts_expectation_is_what_the_brief_asks():
    rows = _expected("lo_contracts")["rows"]
    assert len(rows) == 8
    assert {r["cells"]["amount_fen"] for r in rows} >= {125_000_000, 12_500_000, 150_000_000}
    assert {"张三(60%)；李四(40%)", "张三、李四"} <= {r["cells"]["brokers"] for r in rows}
    refused = {r["row"]: r for r in rows if "refused" in r}
    assert set(refused) == {4, 10}                       # valid cells, invalid contracts, on purpose
    assert refused[10]["cells"]["tech_given_fen"] > refused[10]["cells"]["amount_fen"]
    assert all(r["cells"]["reg_no"] for r in refused.values())
    assert not any(r["cells"]["reg_no"] for r in rows if "refused" not in r)
    licence = next(r for r in rows if r["cells"]["subtype"] == "专利实施许可")
    assert licence["cells"]["category"] == "技术转让" and licence["ledger"]["category"] == "技术许可"


def test_libreoffice_clients():
    expected = _expected("lo_clients")
    [raw] = read_workbook(DATA / "lo_clients.xlsx")                # 填写说明 is ignored
    assert (raw.name, raw.sheet, raw.header_row, raw.unmapped) == ("客户", CLIENTS, 1, [])
    assert raw.headers == expected["headers"]
    assert [c.field for c, _ in raw.columns.values()] == [c.field for c in CLIENTS.columns[:11]]
    assert [n for n, _ in raw.rows] == [r["row"] for r in expected["rows"]]
    for (number, cells), want in zip(raw.rows, expected["rows"], strict=True):
        parsed = by_field(raw, cells)
        assert parsed == want["cells"], f"row {number}"
        code, problems = check_credit_code(parsed["credit_code"])
        assert code == want["ledger"]["credit_code"] and problems == []
    first = raw.rows[0][1]
    assert isinstance(first[5], float) and isinstance(first[8], float)   # stored as numbers


def test_libreoffice_fixtures_are_small():
    for path in DATA.iterdir():
        assert path.stat().st_size < 50_000, path.name


# -- files that cannot be read ---------------------------------------------------------------


NOT_A_WORKBOOK = ("文件“{name}”不是可读取的工作簿（.xlsx、.xlsm、.xls、.xlsb 或 .ods），"
                  "如果它是 CSV、网页或 PDF，请先用 Excel/WPS 打开并另存为 .xlsx")
ENCRYPTED = "文件“{name}”已加密（设有打开密码），请先在 Excel/WPS 中取消密码后再导入"
NO_SHEETS = ("文件“{name}”中没有找到可导入的工作表：需要名为 经纪人/客户/科技成果/技术合同/登记进度 的工作表，"
             "或表头能识别的工作表")


def _refused(path) -> BrokerDeskError:
    with pytest.raises(BrokerDeskError) as info:
        read_workbook(path)
    assert type(info.value) is BrokerDeskError
    message = str(info.value)
    assert message and message.count("。") == 0 and "\n" not in message  # one sentence
    return info.value


@pytest.mark.parametrize(("name", "content"), [
    ("text.xlsx", "名称,地址\n甲公司,杭州\n".encode()),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
    ("report.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    ("noise.xlsx", bytes(range(256)) * 40),
    ("noise.ods", os.urandom(3000)),
    ("not_office.xlsx", b"PK\x03\x04" + b"\x00" * 200),
    ("ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000),
])
def test_not_a_workbook(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    error = _refused(path)
    assert error.code == "workbook.not_workbook"
    assert str(error) == NOT_A_WORKBOOK.format(name=name)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    assert _refused(path).code == "workbook.not_workbook"


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    error = _refused(path)
    assert error.code == "workbook.empty_file"
    assert str(error) == "文件“empty.xlsx”是空的（0 字节），不是工作簿"


def test_missing_file_and_folder(tmp_path):
    error = _refused(tmp_path / "nope.xlsx")
    assert error.code == "workbook.not_found" and "nope.xlsx" in str(error)
    assert _refused(tmp_path).code == "workbook.is_folder"


def test_encrypted_file():
    error = _refused(DATA / "encrypted.xlsx")
    assert error.code == "workbook.encrypted"
    assert str(error) == ENCRYPTED.format(name="encrypted.xlsx")
    i18n.set_language("en")
    assert "encrypted" in str(error) and "password" in str(error)


def test_encrypted_file_found_by_its_ole_directory():
    names = opening._ole_stream_names(DATA / "encrypted.xlsx")
    assert {"EncryptedPackage", "EncryptionInfo"} <= names
    assert "Workbook" in opening._ole_stream_names(DATA / "lo_contracts.xls")
    assert opening._ole_stream_names(DATA / "lo_contracts.xlsx") == set()


def test_encrypted_file_also_when_calamine_says_so(monkeypatch):
    monkeypatch.setattr(opening, "_ole_stream_names", lambda path: set())
    assert _refused(DATA / "encrypted.xlsx").code == "workbook.encrypted"


def test_encrypted_file_with_another_extension(tmp_path):
    path = tmp_path / "secret.xls"
    path.write_bytes((DATA / "encrypted.xlsx").read_bytes())
    assert str(_refused(path)) == ENCRYPTED.format(name="secret.xls")


def test_no_recognisable_sheet(tmp_path):
    path = write_xlsx(tmp_path / "other.xlsx", {"Sheet1": [["日期", "收入", "支出"], ["2024-03-05", 1, 2]],
                                                 "填写说明": [["名称", "统一社会信用代码", "联系人"]]})
    error = _refused(path)
    assert error.code == "workbook.no_sheets"
    assert str(error) == NO_SHEETS.format(name="other.xlsx")


def test_damaged_sheet(tmp_path):
    path = damaged_copy(DATA / "lo_clients.xlsx", tmp_path / "damaged.xlsx")
    error = _refused(path)
    assert error.code == "workbook.sheet_unreadable"
    assert str(error).startswith("文件“damaged.xlsx”的工作表“客户”无法读取（") and str(error).endswith("），文件可能已损坏")


def test_workbook_saved_under_the_wrong_extension(tmp_path):
    path = tmp_path / "contracts.xlsx"
    path.write_bytes((DATA / "lo_contracts.xls").read_bytes())     # an .xls named .xlsx
    [raw] = read_workbook(path)
    assert raw.sheet is CONTRACTS and len(raw.rows) == 8


def test_every_message_has_both_languages():
    for key in ("workbook.not_found", "workbook.is_folder", "workbook.unreadable", "workbook.empty_file",
                "workbook.not_workbook", "workbook.encrypted", "workbook.no_sheets", "workbook.sheet_unreadable",
                "workbook.empty_workbook",
                "workbook.sheet_too_large", "workbook.bad_override", "cell.money_negative",
                "cell.date_1900_02_29", "cell.date_serial_range", "cell.text_bool"):
        assert i18n.known(key)
        zh = i18n.tr(key, path="p", name="n", reason="r", sheet="s", header="h", target="t", cell="c",
                     rows="1", columns="2", value="v", sheets="s")
        i18n.set_language("en")
        en = i18n.tr(key, path="p", name="n", reason="r", sheet="s", header="h", target="t", cell="c",
                     rows="1", columns="2", value="v", sheets="s")
        i18n.set_language("zh")
        assert zh != en


@given(st.one_of(
    st.integers(min_value=0, max_value=10**15).map(lambda fen: fen / 100),   # amounts as Excel stores them
    st.integers(min_value=0, max_value=10**13).map(lambda fen: fen / 10**6),  # 万元 columns
    st.floats(allow_nan=True, allow_infinity=True),                            # anything else
), st.sampled_from([1, 10_000]))
def test_the_quick_amount_path_agrees_with_the_full_rule(value, scale):
    from broker_desk.workbook.cells import whole_fen

    quick = whole_fen(value, 100 * scale)
    if quick is None:
        return  # the full rule decides, as it always did
    try:
        full = parse_money(value, scale)
    except CellError as e:  # the quick path must never accept what the full rule refuses
        raise AssertionError(f"{value!r} (scale {scale}): quick {quick}, full refuses: {e}") from None
    assert quick == full


def test_a_table_that_starts_in_column_c_below_a_title_keeps_its_places(tmp_path):
    path = write_xlsx(tmp_path / "offset.xlsx", {"技术合同": [
        [],
        [None, None, "2025 年技术合同台账"],
        [None, None, "合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）"],
        [None, None, "HT-1", "项目甲", "技术开发", "甲公司", "乙大学", dt.date(2025, 3, 5), 1000],
        [None, None, "HT-2", "项目乙", "技术开发", "甲公司", "乙大学", "不是日期", 2000],
    ]})
    raw = read_workbook(path)[0]
    assert raw.header_row == 3
    assert raw.column_index("contract_no") == 2 and column_letter(raw.column_index("signed_on")) == "H"
    assert [(n, cells[2]) for n, cells in raw.rows] == [(4, "HT-1"), (5, "HT-2")]


def test_rows_of_text_that_only_look_like_totals_stay_and_the_total_among_them_goes(tmp_path):
    """A chunk whose first three cells are all text: only the rows that start like a total word
    (合肥…, 小米…), with a blank or a space are looked at one by one; the 合计 row goes."""
    rows = [[f"HT-{i}", "甲公司", "待提交", dt.date(2024, 3, 5), ""] for i in range(1, 30)]
    rows[4][1] = "合肥工业大学"
    rows[9][0] = "小米-2"
    rows[14] = ["合计", "29 项", "—", None, ""]
    rows[19][2] = " 待提交"
    rows[24] = ["", "", "", None, ""]
    path = write_xlsx(tmp_path / "进度.xlsx", {"登记进度": [[c.header for c in HISTORY.columns]] + rows})
    [raw] = read_workbook(path)
    assert raw.skipped_total_rows == [16]
    assert [n for n, _ in raw.rows] == [n for n in range(2, 31) if n not in (16, 26)]
    by_row = dict(raw.rows)
    assert by_row[6][1] == "合肥工业大学" and by_row[11][0] == "小米-2" and by_row[21][2] == " 待提交"
