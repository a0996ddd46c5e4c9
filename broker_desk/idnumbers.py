"""Identification numbers and dates as users type them: 统一社会信用代码, 专利号,
dates and 登记编号 (DESIGN.md §3, §7).

Every ``check_*`` function takes what the user wrote and returns ``(value,
problems)``: the normal form to store (``None`` when the input is blank or has an
error) and the :class:`~broker_desk.errors.Problem` list. A wrong shape is an
error; a check character that does not match is a warning and the value is still
returned, normalized — never a silent pass.
"""

from __future__ import annotations

import calendar
import operator
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from stdnum.cn import uscc

from . import codes
from .errors import WARNING, Problem
from .i18n import register

register({
    "idnum.credit_length": (
        "统一社会信用代码“{value}”应为 18 位，现为 {length} 位",
        "Unified social credit code “{value}” must have 18 characters, not {length}"),
    "idnum.credit_chars": (
        "统一社会信用代码“{value}”含有不允许的字符：{chars}（只能用数字和除 I、O、S、V、Z 以外的大写字母）",
        "Unified social credit code “{value}” contains characters that are not allowed: {chars} "
        "(only digits and capital letters other than I, O, S, V, Z)"),
    "idnum.credit_region": (
        "统一社会信用代码“{value}”的第 3–8 位应为 6 位数字的行政区划代码，现为“{region}”",
        "Characters 3–8 of unified social credit code “{value}” must be a 6-digit region code, "
        "not “{region}”"),
    "idnum.credit_check": (
        "统一社会信用代码“{value}”校验位不符（应为 {expected}），请核对；早期试点代码可能如此",
        "The check character of unified social credit code “{value}” does not match (expected "
        "{expected}); please verify it — early pilot codes may be like this"),
    "idnum.patent_shape": (
        "专利号“{value}”格式不对，应如 ZL202110921116.9（4 位年份 + 1 位类型 + 7 位流水号 + 校验位；"
        "2003 年 10 月以前为 2 位年份 + 1 位类型 + 5 位流水号 + 校验位，如 ZL99123456.1）",
        "Patent number “{value}” is malformed; write it like ZL202110921116.9 (4-digit year, type "
        "digit, 7-digit serial, check character; before October 2003: 2-digit year, type digit, "
        "5-digit serial, check character, like ZL99123456.1)"),
    "idnum.patent_type": (
        "专利号“{value}”的类型位“{digit}”无效，应为 1（发明）、2（实用新型）、3（外观设计）、"
        "8（PCT 发明）或 9（PCT 实用新型）",
        "Patent number “{value}” has an invalid type digit “{digit}”: it must be 1 (invention), "
        "2 (utility model), 3 (design), 8 (PCT invention) or 9 (PCT utility model)"),
    "idnum.patent_year": (
        "专利号“{value}”的年份“{year}”不对：2003 年 10 月以前的号码用 2 位年份（85–99、00–03），"
        "此后用 4 位年份",
        "Patent number “{value}” has an impossible year “{year}”: numbers before October 2003 "
        "use a 2-digit year (85–99, 00–03), later ones a 4-digit year"),
    "idnum.patent_future_year": (
        "专利号“{value}”的申请年份 {year} 尚未到来",
        "Patent number “{value}” has an application year in the future: {year}"),
    "idnum.patent_no_check": (
        "专利号“{value}”缺少校验位（小数点后的一位数字或 X），请按专利证书补全",
        "Patent number “{value}” lacks its check character (the digit or X after the dot); "
        "copy it from the patent certificate"),
    "idnum.patent_check": (
        "专利号“{value}”校验位不符（应为 {expected}），请核对",
        "The check character of patent number “{value}” does not match (expected {expected}); "
        "please verify it"),
    "idnum.date_format": (
        "日期“{value}”无法识别，请写作 2024-03-05、2024/3/5 或 2024年3月5日",
        "Date “{value}” is not understood; write it like 2024-03-05, 2024/3/5 or 2024年3月5日"),
    "idnum.date_bad_month": (
        "日期“{value}”不存在：没有 {month} 月",
        "Date “{value}” does not exist: there is no month {month}"),
    "idnum.date_bad_day": (
        "日期“{value}”不存在：{year} 年 {month} 月只有 {days} 天",
        "Date “{value}” does not exist: month {month} of {year} has only {days} days"),
    "idnum.reg_digits": (
        "登记编号“{value}”只能由数字组成",
        "Registration number “{value}” may only contain digits"),
    "idnum.reg_length": (
        "登记编号“{value}”为 {length} 位，通常为 16 位（4 位年份 + 省 2 位 + 市 2 位 + 登记点 2 位 + "
        "流水号 6 位）或旧式 14 位（2 位年份），请核对",
        "Registration number “{value}” has {length} digits; usually it has 16 (4-digit year, "
        "province 2, city 2, registration point 2, serial 6) or, in the old numbering, 14 (2-digit "
        "year); please verify it"),
    "idnum.reg_length_setting": (
        "登记编号“{value}”为 {length} 位，本账本的登记编号为 {expected} 位（见“设置”），请核对",
        "Registration number “{value}” has {length} digits; this ledger's registration numbers have "
        "{expected} (see Settings); please verify it"),
    "idnum.reg_future_year": (
        "登记编号“{value}”中的年份 {year} 尚未到来，请核对",
        "Registration number “{value}” has a year in the future: {year}; please verify it"),
    "idnum.reg_province": (
        "登记编号“{value}”中的省级代码“{province}”不存在，请核对",
        "Registration number “{value}” has a province code that does not exist: “{province}”; "
        "please verify it"),
})

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PATENT_TYPES = {"1": "发明", "2": "实用新型", "3": "外观设计", "8": "PCT 发明", "9": "PCT 实用新型"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_LIST_SEPARATORS = re.compile(r"[；;，,、\r\n]+")


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def _clean(text: object) -> str:
    """Full-width to half-width, no spaces (any kind), upper case."""
    text = str(text)
    if text.isascii():  # nothing to make half-width, nothing invisible: the usual number
        return "".join(text.split()).upper()
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return re.sub(r"\s+", "", text).upper()


def check_credit_code(text: str | None, field: str = "credit_code") -> tuple[str | None, list[Problem]]:
    """统一社会信用代码 (GB 32100-2015)."""
    if _blank(text):
        return None, []
    shown = str(text).strip()
    value = _clean(text).replace("-", "")
    if len(value) != 18:
        return None, [Problem(field, "idnum.credit_length", {"value": shown, "length": len(value)})]
    bad = "".join(dict.fromkeys(c for c in value if c not in USCC_ALPHABET))
    if bad:
        return None, [Problem(field, "idnum.credit_chars", {"value": shown, "chars": bad})]
    if not value[2:8].isdigit():
        return None, [Problem(field, "idnum.credit_region", {"value": shown, "region": value[2:8]})]
    expected = uscc.calc_check_digit(value[:17])
    if value[17] != expected:
        return value, [Problem(field, "idnum.credit_check", {"value": shown, "expected": expected},
                               WARNING)]
    return value, []


def patent_check_char(digits: str) -> str:
    """The check character of a patent application number's 8 or 12 digits: weights 2…9
    repeating from the left, sum mod 11, 10 → X."""
    total = sum(map(operator.mul, map(int, digits), _PATENT_WEIGHTS))
    return "X" if total % 11 == 10 else str(total % 11)


_PATENT_WEIGHTS = tuple(2 + i % 8 for i in range(12))


def _split_patent(value: str) -> tuple[str, str] | None:
    """(digits, check char or "") of a cleaned number, or None when the shape is wrong."""
    if value[:2] in ("ZL", "CN"):
        value = value[2:]
    if "." in value:
        digits, _, check = value.partition(".")
    elif value[-1:] == "X" or len(value) in (9, 13):
        digits, check = value[:-1], value[-1:]
    else:
        digits, check = value, ""
    if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 12)):
        return None
    if check and (len(check) != 1 or check not in "0123456789X"):
        return None
    return digits, check


def check_patent_number(text: str | None, today: date | None = None,
                        field: str = "patents") -> tuple[str | None, list[Problem]]:
    """专利申请号/专利号 in any common writing → ``ZL`` + digits + ``.`` + check character."""
    if _blank(text):
        return None, []
    shown = str(text).strip()
    parts = _split_patent(_clean(text).replace("。", "."))
    if parts is None:
        return None, [Problem(field, "idnum.patent_shape", {"value": shown})]
    digits, check = parts
    today = today or date.today()
    if len(digits) == 12:
        year, kind = int(digits[:4]), digits[4]
        if year < 2003:
            return None, [Problem(field, "idnum.patent_year", {"value": shown, "year": digits[:4]})]
    else:
        short, kind = int(digits[:2]), digits[2]
        if 4 <= short <= 84:
            return None, [Problem(field, "idnum.patent_year", {"value": shown, "year": digits[:2]})]
        year = short + (1900 if short >= 85 else 2000)
    if year > today.year:
        return None, [Problem(field, "idnum.patent_future_year", {"value": shown, "year": year})]
    if kind not in PATENT_TYPES:
        return None, [Problem(field, "idnum.patent_type", {"value": shown, "digit": kind})]
    expected = patent_check_char(digits)
    if not check:
        return None, [Problem(field, "idnum.patent_no_check", {"value": shown, "expected": expected})]
    value = f"ZL{digits}.{check}"
    if check != expected:
        return value, [Problem(field, "idnum.patent_check", {"value": shown, "expected": expected},
                               WARNING)]
    return value, []


def check_patent_list(text: str | list | None, today: date | None = None,
                      field: str = "patents") -> tuple[list[str], list[Problem]]:
    """Several patent numbers separated by ；;，,、 or new lines (or a list of them)."""
    if text is None:
        return [], []
    entries = text if isinstance(text, list | tuple) else _LIST_SEPARATORS.split(str(text))
    values: list[str] = []
    problems: list[Problem] = []
    for entry in entries:
        value, found = check_patent_number(entry, today, field)
        problems.extend(found)
        if value and value not in values:
            values.append(value)
    return values, problems


_DATE_FORMS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),
)
_TIME = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}$")


def check_date(value: object, field: str) -> tuple[str | None, list[Problem]]:
    """A date in any common writing → ``YYYY-MM-DD``; a time of day after it is dropped."""
    if isinstance(value, datetime):
        return value.date().isoformat(), []
    if isinstance(value, date):
        return value.isoformat(), []
    if _blank(value):
        return None, []
    if isinstance(value, str) and len(value) == 10 and _ISO.match(value):  # the normal form already
        try:
            return date.fromisoformat(value).isoformat(), []
        except ValueError:
            pass  # e.g. 2023-02-29: the full path below says which part is wrong
    shown = str(value).strip()
    text = re.sub(r"\s+", "", _TIME.sub("", unicodedata.normalize("NFKC", shown)))
    match = next((m for form in _DATE_FORMS if (m := form.fullmatch(text))), None)
    if match is None:
        return None, [Problem(field, "idnum.date_format", {"value": shown})]
    year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if year < 1:
        return None, [Problem(field, "idnum.date_format", {"value": shown})]
    if not 1 <= month <= 12:
        return None, [Problem(field, "idnum.date_bad_month", {"value": shown, "month": month})]
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return None, [Problem(field, "idnum.date_bad_day",
                              {"value": shown, "year": year, "month": month, "days": days})]
    return date(year, month, day).isoformat(), []


def check_registration_number(text: str | None, today: date | None = None,
                              field: str = "registration_number",
                              length: int | None = None) -> tuple[str | None, list[Problem]]:
    """登记编号: 16 digits (yyyy + province 2 + city 2 + point 2 + serial 6) or the old 14
    (yy + the same); ``length``, the ledger's setting (14 or 16), allows only that one.
    Another length, a future year or an unknown province only warn."""
    if text.__class__ is str and text.isascii() and text.isdigit():  # the usual number, as it is
        shown = value = text
    elif _blank(text):
        return None, []
    else:
        shown = str(text).strip()
        value = _clean(text)
        if not (value.isascii() and value.isdigit()):
            return None, [Problem(field, "idnum.reg_digits", {"value": shown})]
    if len(value) not in (14, 16):
        if length:
            return value, [Problem(field, "idnum.reg_length_setting",
                                   {"value": shown, "length": len(value), "expected": length}, WARNING)]
        return value, [Problem(field, "idnum.reg_length", {"value": shown, "length": len(value)},
                               WARNING)]
    if length and len(value) != length:
        problems = [Problem(field, "idnum.reg_length_setting",
                            {"value": shown, "length": len(value), "expected": length}, WARNING)]
    else:
        problems = []
    future_year, province = _reg_prefix(value[:6] if len(value) == 16 else value[:4], (today or date.today()).year)
    if future_year is not None:
        problems.append(Problem(field, "idnum.reg_future_year", {"value": shown, "year": future_year},
                                WARNING))
    if province is not None:
        problems.append(Problem(field, "idnum.reg_province", {"value": shown, "province": province},
                                WARNING))
    return value, problems


@lru_cache(maxsize=4096)
def _reg_prefix(prefix: str, this_year: int) -> tuple[int | None, str | None]:
    """What a 登记编号's year and province (its first 6 digits, or 4 of the old 14) say against
    ``this_year``: (the year when it lies ahead, the province code when there is no such province)
    — once per prefix (the numbers of a ledger share a few)."""
    if len(prefix) == 6:
        year, province = int(prefix[:4]), prefix[4:6]
    else:  # two-digit year: this century unless that lies ahead and 19yy is a plausible year
        short, province = int(prefix[:2]), prefix[2:4]
        year = 2000 + short if 2000 + short <= this_year or short < 87 else 1900 + short
    entry = codes.region(province + "0000")
    return (year if year > this_year else None,
            province if entry is None or entry["level"] != 1 else None)
