"""Identification numbers, dates and registration numbers (DESIGN.md §3, §7)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from stdnum.cn import uscc

from broker_desk import i18n
from broker_desk.errors import ERROR, WARNING
from broker_desk.idnumbers import (
    check_credit_code,
    check_date,
    check_patent_list,
    check_patent_number,
    check_registration_number,
    patent_check_char,
)

TODAY = date(2025, 6, 1)


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


# --- 统一社会信用代码 -------------------------------------------------------------------

# Real codes of large companies (each verified with stdnum.cn.uscc), and two whose
# check character was computed here: N… (农业 registration authority, a letter first,
# which stdnum's own validate() refuses) and 12… (a public institution).
VALID_CODES = ["91110000802100433B", "91110000600037341L", "91110108551385082Q",
               "911100001000128855", "91440300708461136T", "9144030071526726XG",
               "N2440300MA5XXXXXX9", "12100000400000624D"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes(code):
    assert uscc.calc_check_digit(code[:17]) == code[-1]
    assert check_credit_code(code) == (code, [])


@pytest.mark.parametrize("text", [
    "91110108551385082q", " 9111 0108 5513 8508 2Q ", "９１１１０１０８５５１３８５０８２Ｑ",
    "911101085513\u30008508\u00a02Q", "91110108-551385082Q",
])
def test_credit_code_is_normalized(text):
    assert check_credit_code(text) == ("91110108551385082Q", [])


def test_credit_code_with_wrong_check_char_warns_and_is_kept():
    value, problems = check_credit_code("91110108551385082a")
    assert value == "91110108551385082A"
    problem = only(problems)
    assert (problem.field, problem.code, problem.severity) == ("credit_code", "idnum.credit_check",
                                                               WARNING)
    assert problem.args == {"value": "91110108551385082a", "expected": "Q"}
    assert problem.message() == ("统一社会信用代码“91110108551385082a”校验位不符（应为 Q），请核对；"
                                 "早期试点代码可能如此")


@pytest.mark.parametrize("text, code, args", [
    ("9111010855138508", "idnum.credit_length", {"length": 16}),
    ("91110108551385082QQ", "idnum.credit_length", {"length": 19}),
    ("9111010855138508IQ", "idnum.credit_chars", {"chars": "I"}),
    ("91110108551385O8ZQ", "idnum.credit_chars", {"chars": "OZ"}),
    ("911101085513850*2Q", "idnum.credit_chars", {"chars": "*"}),
    ("91AB0108551385082Q", "idnum.credit_region", {"region": "AB0108"}),
])
def test_credit_code_wrong_shape_is_an_error(text, code, args):
    value, problems = check_credit_code(text)
    assert value is None
    problem = only(problems)
    assert (problem.code, problem.severity, problem.field) == (code, ERROR, "credit_code")
    assert problem.args == {"value": text, **args}


def test_credit_code_messages():
    assert only(check_credit_code("12345")[1]).message() == "统一社会信用代码“12345”应为 18 位，现为 5 位"
    i18n.set_language("en")
    assert only(check_credit_code("12345")[1]).message() == (
        "Unified social credit code “12345” must have 18 characters, not 5")


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_blank_credit_code(text):
    assert check_credit_code(text) == (None, [])


def test_credit_code_field_name_can_be_given():
    assert only(check_credit_code("1", field="buyer_code")[1]).field == "buyer_code"


# --- 专利号 -------------------------------------------------------------------------------

# Published patent numbers (certificates, university and company pages); every one agrees
# with the check rule: digits times 2,3,4,5,6,7,8,9,2,3,4,5 (left to right), sum mod 11,
# 10 → X. E.g. 202110921116: 2·2+0·3+2·4+1·5+1·6+0·7+9·8+2·9+1·2+1·3+1·4+6·5 = 152,
# 152 mod 11 = 9. Old form 95115608: 9·2+5·3+1·4+1·5+5·6+6·7+0·8+8·9 = 186, mod 11 = 10 → X.
PUBLISHED = ["202110921116.9", "202410055975.8", "201610681391.7", "202220828888.8",
             "201420504448.2", "201710736136.2", "202410479400.9", "201730610076.0",
             "201710601862.3", "95115608.X", "97101765.4"]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_patent_numbers_pass(number):
    digits, check = number.split(".")
    assert patent_check_char(digits) == check
    assert check_patent_number(number, TODAY) == (f"ZL{number}", [])


def test_patent_check_char_computed_values():
    assert patent_check_char("202110921116") == "9"
    assert patent_check_char("99123456") == "1"      # 199 mod 11
    assert patent_check_char("202210000003") == "X"  # 142 mod 11 = 10
    assert patent_check_char("99100003") == "X"      # 175 mod 11 = 10
    assert patent_check_char("03100001") == "0"


@pytest.mark.parametrize("text", [
    "ZL2021 1 0921116.9", "ZL202110921116.9", "CN202110921116.9", "CN 2021109211169",
    "202110921116.9", "2021109211169", "ZL 2021 1 0921116.9", "zl202110921116.9",
    "ＺＬ２０２１１０９２１１１６．９", "２０２１１０９２１１１６.９", "202110921116。9",
    " 2021 1 0921116 . 9 ", "ZL2021109211169", "CN2021\u300010921116.9",
])
def test_patent_forms_normalize_to_one(text):
    assert check_patent_number(text, TODAY) == ("ZL202110921116.9", [])


@pytest.mark.parametrize("text, value", [
    ("202210000003.x", "ZL202210000003.X"),
    ("202210000003x", "ZL202210000003.X"),
    ("ZL2022 1 0000003.X", "ZL202210000003.X"),
    ("ZL95 1 15608.x", "ZL95115608.X"),
    ("95115608X", "ZL95115608.X"),
    ("CN99123456.1", "ZL99123456.1"),
    ("991234561", "ZL99123456.1"),
    ("ZL03100001.0", "ZL03100001.0"),
    ("ZL99100003.X", "ZL99100003.X"),
])
def test_patent_check_x_and_old_form(text, value):
    assert check_patent_number(text, TODAY) == (value, [])


def test_patent_check_mismatch_warns_and_is_kept():
    value, problems = check_patent_number("ZL2021 1 0921116.8", TODAY)
    assert value == "ZL202110921116.8"
    problem = only(problems)
    assert (problem.field, problem.code, problem.severity) == ("patents", "idnum.patent_check",
                                                               WARNING)
    assert problem.args == {"value": "ZL2021 1 0921116.8", "expected": "9"}
    assert problem.message() == "专利号“ZL2021 1 0921116.8”校验位不符（应为 9），请核对"
    value, problems = check_patent_number("95115608.1", TODAY)
    assert value == "ZL95115608.1"
    assert only(problems).args["expected"] == "X"


@pytest.mark.parametrize("text, code, args", [
    ("202110921116", "idnum.patent_no_check", {"expected": "9"}),
    ("ZL202110921116.", "idnum.patent_no_check", {"expected": "9"}),
    ("CN95115608", "idnum.patent_no_check", {"expected": "X"}),
    ("202650921116.3", "idnum.patent_future_year", {"year": 2026}),
    ("202150921116.3", "idnum.patent_type", {"digit": "5"}),
    ("202140921116.1", "idnum.patent_type", {"digit": "4"}),
    ("95415608.1", "idnum.patent_type", {"digit": "4"}),
    ("199910012345.1", "idnum.patent_year", {"year": "1999"}),
    ("50123456.1", "idnum.patent_year", {"year": "50"}),
    ("CN112345678", "idnum.patent_year", {"year": "11"}),     # a publication number without kind
    ("CN112345678A", "idnum.patent_shape", {}),               # a publication number
    ("20211092111.9", "idnum.patent_shape", {}),
    ("2021109211169999", "idnum.patent_shape", {}),
    ("ZL202110921116.99", "idnum.patent_shape", {}),
    ("ZL202110921116.A", "idnum.patent_shape", {}),
    ("ZL2021-1-0921116.9", "idnum.patent_shape", {}),
    ("专利 202110921116.9", "idnum.patent_shape", {}),
    ("ZL", "idnum.patent_shape", {}),
])
def test_patent_errors(text, code, args):
    value, problems = check_patent_number(text, TODAY)
    assert value is None
    problem = only(problems)
    assert (problem.code, problem.severity, problem.field) == (code, ERROR, "patents")
    assert problem.args == {"value": text, **args}


def test_patent_error_messages():
    assert only(check_patent_number("202110921116", TODAY)[1]).message() == (
        "专利号“202110921116”缺少校验位（小数点后的一位数字或 X），请按专利证书补全")
    assert only(check_patent_number("202650921116.3", TODAY)[1]).message() == (
        "专利号“202650921116.3”的申请年份 2026 尚未到来")


def test_current_year_is_not_future():
    number = "2025100" + "00001"
    text = f"{number}.{patent_check_char(number)}"
    assert check_patent_number(text, TODAY) == (f"ZL{text}", [])


@pytest.mark.parametrize("text", [None, "", "  "])
def test_blank_patent(text):
    assert check_patent_number(text, TODAY) == (None, [])


def test_patent_list():
    text = "ZL202110921116.9；CN 2017 1 0601862.3,95115608.X、\n202410055975.8;ZL202110921116.9，97101765.4"
    values, problems = check_patent_list(text, TODAY)
    assert values == ["ZL202110921116.9", "ZL201710601862.3", "ZL95115608.X", "ZL202410055975.8",
                      "ZL97101765.4"]
    assert problems == []


def test_patent_list_reports_each_problem():
    values, problems = check_patent_list("202110921116.8；abc；；202410055975.8\r\n", TODAY)
    assert values == ["ZL202110921116.8", "ZL202410055975.8"]
    assert [(p.code, p.severity, p.args["value"]) for p in problems] == [
        ("idnum.patent_check", WARNING, "202110921116.8"),
        ("idnum.patent_shape", ERROR, "abc")]
    assert check_patent_list("", TODAY) == ([], [])
    assert check_patent_list(None, TODAY) == ([], [])
    assert check_patent_list(["95115608.X", "ZL95115608.X"], TODAY) == (["ZL95115608.X"], [])


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "2024-03-05", "2024-3-5", "2024/3/5", "2024/03/05", "2024年3月5日", "2024年03月05日",
    "2024 年 3 月 5 日", "2024年3月5号", "2024.03.05", "2024.3.5", "20240305",
    "２０２４－０３－０５", "２０２４年３月５日", " 2024-03-05 ", "2024-03-05 00:00:00",
    "2024-03-05T14:30", "2024/3/5 9:05", date(2024, 3, 5), datetime(2024, 3, 5, 17, 45),
])
def test_date_forms(value):
    assert check_date(value, "signed_on") == ("2024-03-05", [])


def test_leap_day():
    assert check_date("2024-02-29", "signed_on") == ("2024-02-29", [])


@pytest.mark.parametrize("text, code, args", [
    ("2023-02-29", "idnum.date_bad_day", {"year": 2023, "month": 2, "days": 28}),
    ("2024/4/31", "idnum.date_bad_day", {"year": 2024, "month": 4, "days": 30}),
    ("2024年1月0日", "idnum.date_bad_day", {"year": 2024, "month": 1, "days": 31}),
    ("2024-13-01", "idnum.date_bad_month", {"month": 13}),
    ("20240005", "idnum.date_bad_month", {"month": 0}),
    ("2024-3/5", "idnum.date_format", {}),
    ("05/03/2024", "idnum.date_format", {}),
    ("2024-03", "idnum.date_format", {}),
    ("明天", "idnum.date_format", {}),
    ("0000-01-01", "idnum.date_format", {}),
])
def test_impossible_and_unreadable_dates(text, code, args):
    value, problems = check_date(text, "signed_on")
    assert value is None
    problem = only(problems)
    assert (problem.code, problem.severity, problem.field) == (code, ERROR, "signed_on")
    assert problem.args == {"value": text, **args}


def test_date_messages():
    assert only(check_date("2023-02-29", "x")[1]).message() == "日期“2023-02-29”不存在：2023 年 2 月只有 28 天"
    i18n.set_language("en")
    assert only(check_date("2023-02-29", "x")[1]).message() == (
        "Date “2023-02-29” does not exist: month 2 of 2023 has only 28 days")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_date(value):
    assert check_date(value, "signed_on") == (None, [])


# --- 登记编号 --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("2024110108000123", "2024110108000123"),        # current: yyyy + 11 + 01 + 08 + serial
    ("24440301000456", "24440301000456"),            # old: yy + 44 + 03 + 01 + serial
    ("2024 1101 08 000123", "2024110108000123"),
    ("２０２４１１０１０８０００１２３", "2024110108000123"),
    ("99320100000001", "99320100000001"),            # 1999, not 2099
    ("2025110108000123", "2025110108000123"),        # this year
])
def test_registration_numbers(text, value):
    assert check_registration_number(text, TODAY) == (value, [])


def test_registration_number_of_another_length_warns():
    value, problems = check_registration_number("202411010800012", TODAY)
    assert value == "202411010800012"
    problem = only(problems)
    assert (problem.code, problem.severity) == ("idnum.reg_length", WARNING)
    assert problem.args == {"value": "202411010800012", "length": 15}


@pytest.mark.parametrize("text, year", [("2026110108000123", 2026), ("30110108000123", 2030)])
def test_registration_number_future_year_warns(text, year):
    value, problems = check_registration_number(text, TODAY)
    assert value == text
    problem = only(problems)
    assert (problem.code, problem.severity, problem.args["year"]) == ("idnum.reg_future_year",
                                                                       WARNING, year)


@pytest.mark.parametrize("text, province", [("2024990108000123", "99"), ("24000301000456", "00"),
                                            ("2024470308000123", "47")])
def test_registration_number_unknown_province_warns(text, province):
    value, problems = check_registration_number(text, TODAY)
    assert value == text
    problem = only(problems)
    assert (problem.code, problem.severity) == ("idnum.reg_province", WARNING)
    assert problem.args == {"value": text, "province": province}
    assert problem.message() == f"登记编号“{text}”中的省级代码“{province}”不存在，请核对"


def test_registration_number_future_year_and_bad_province():
    _, problems = check_registration_number("2030990108000123", TODAY)
    assert [p.code for p in problems] == ["idnum.reg_future_year", "idnum.reg_province"]


@pytest.mark.parametrize("text", ["2024110108OOO123", "2024-1101-08-000123", "登记2024110108000123",
                                  "A024110108000123"])
def test_registration_number_with_letters_is_an_error(text):
    value, problems = check_registration_number(text, TODAY)
    assert value is None
    problem = only(problems)
    assert (problem.code, problem.severity, problem.field) == ("idnum.reg_digits", ERROR,
                                                               "registration_number")
    assert problem.message() == f"登记编号“{text}”只能由数字组成"


@pytest.mark.parametrize("text", [None, "", " "])
def test_blank_registration_number(text):
    assert check_registration_number(text, TODAY) == (None, [])
