"""Cells as people type them, turned into ledger values exactly.

A workbook cell arrives as whatever the reader gives (python-calamine: ``str``,
``float``, ``int``, ``bool``, ``datetime``, ``date``, ``time``, ``timedelta``
or ``""`` for an empty cell). Each ``parse_*`` function returns the ledger's
value (text, integer fen, an ISO date) or ``None`` for a blank cell, and raises
:class:`CellError` with a precise message when the cell cannot mean what the
column needs. Floats never become money by float arithmetic: a number cell is
read through its shortest decimal representation and must land on a whole fen.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from .. import money
from ..errors import BrokerDeskError
from ..i18n import register
from ..idnumbers import check_date

register({
    "cell.text_bool": (
        "单元格是逻辑值 {value}，这里应填写文字",
        "The cell holds the logical value {value}; text is expected here"),
    "cell.not_a_number": (
        "单元格中的数字“{value}”无效",
        "The number “{value}” in the cell is not valid"),
    "cell.unsupported": (
        "单元格内容“{value}”无法识别",
        "The cell content “{value}” is not understood"),
    "cell.money_bool": (
        "金额不能是逻辑值 {value}，请填写数字，如 1250000 或 125万",
        "An amount cannot be the logical value {value}; enter a number such as 1250000 or 125万"),
    "cell.money_negative": (
        "金额不能为负数（“{value}”）",
        "An amount cannot be negative (“{value}”)"),
    "cell.money_kind": (
        "金额“{value}”无法识别，请填写数字，如 1250000 或 125万",
        "Cannot read the amount “{value}”; enter a number such as 1250000 or 125万"),
    "cell.date_bool": (
        "日期不能是逻辑值 {value}，请写作 2024-03-05",
        "A date cannot be the logical value {value}; write it like 2024-03-05"),
    "cell.date_1900_02_29": (
        "日期序号 60 是 Excel 虚构的 1900年2月29日，这一天不存在，请改写日期",
        "Date serial number 60 is Excel's fictitious 29 February 1900, which does not exist; "
        "please correct the date"),
    "cell.date_serial_range": (
        "数字 {value} 不是日期（Excel 日期序号应在 1 到 2958465 之间），请写作 2024-03-05",
        "The number {value} is not a date (Excel date serial numbers lie between 1 and 2958465); "
        "write it like 2024-03-05"),
    "cell.date_time_only": (
        "“{value}”只有时间没有日期，请填写日期，如 2024-03-05",
        "“{value}” is a time of day without a date; enter a date such as 2024-03-05"),
})


class CellError(BrokerDeskError):
    """A cell whose content cannot mean what its column needs."""


#: Every kind of space people leave in cells: ordinary, full-width (U+3000), no-break
#: (U+00A0, U+202F), line breaks and the other Unicode spaces; _INVISIBLE are the
#: zero-width characters text copied from web pages carries.
_SPACE_CHARS = " \t\r\n\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
               "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
_UNTIDY = re.compile(f"^[{_SPACE_CHARS}]|[{_SPACE_CHARS}]$|[{_SPACE_CHARS}]{{2}}|[^ \\S]|"
                     "[\u200b\u200c\u200d\u2060\ufeff]")
#: Where a text is untidy (a space to trim or fold, a zero-width character), or None when tidy.
untidy = _UNTIDY.search

#: The last day Excel can hold: 9999-12-31.
MAX_SERIAL = 2_958_465
_EPOCH = dt.date(1899, 12, 30)  # serial 0 in the 1900 date system, counted past the fictitious 1900-02-29


def is_blank(value: object) -> bool:
    """None, an empty string, or a string of spaces only (any kind of space)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.translate(_INVISIBLE).strip(_SPACE_CHARS)
    return False


def repeats(distinct: int, cells: int) -> bool:
    """Whether a column's texts repeat enough to be kept once (categories, statuses, parties named
    again and again, dates): in memory by the import, in the shared strings by the export."""
    return distinct * 4 <= cells


def _number_text(value: float) -> str:
    """A float as Excel shows it (15 significant digits): integers without ``.0``, never an
    exponent; float noise such as ``0.30000000000000004`` is gone."""
    if value.is_integer() and abs(value) <= 2**53:  # every such integer is exact in a float
        return str(int(value))
    return format(Decimal(format(value, ".15g")).normalize(), "f")


def parse_text(value: object) -> str | None:
    """Text for a text column.

    Spaces of every kind (ordinary, full-width, no-break, line breaks) are trimmed at both
    ends and a run of them inside becomes one ordinary space — the ledger's own rule
    (:func:`broker_desk.fields.clean_text`), so that an exported workbook reads back
    unchanged; invisible zero-width characters are dropped. A number typed into a text
    column (a phone number, a code) is given back as people wrote it: ``13800000000.0``
    → ``"13800000000"``. Dates become ISO text. Blank → ``None``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError("cell.text_bool", value="TRUE" if value else "FALSE")
    if isinstance(value, str):
        if value and _UNTIDY.search(value) is None:  # most cells are tidy already
            return value
        return _SPACES.sub(" ", value.translate(_INVISIBLE)).strip(" ") or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("cell.not_a_number", value=repr(value))
        return _number_text(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError("cell.not_a_number", value=str(value))
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise CellError("cell.unsupported", value=str(value))


def whole_fen(value: float, unit_fen: int) -> int | None:
    """The quick answer for most amount cells: fen when ``value`` (a float in units of
    ``unit_fen`` fen) is the float nearest a whole, non-negative, allowed number of fen —
    then its shortest text has no digit past the fen and the full rule agrees; None
    otherwise (noise, fractions, negatives, too large: :func:`parse_money` decides)."""
    scaled = value * unit_fen
    if not 0 <= scaled <= money.MAX_FEN:  # also NaN and infinity
        return None
    fen = round(scaled)
    return fen if fen / unit_fen == value else None


def _fen_of_number(value: float | int | Decimal, unit_fen: int) -> int:
    """Fen for a number counted in units of ``unit_fen`` fen, exactly."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("cell.not_a_number", value=repr(value))
        shown = _number_text(value)
        exact = Decimal(repr(value)) * unit_fen
        if exact != exact.to_integral_value():
            # A computed cell (=A1*0.3) may carry float noise past Excel's 15 digits.
            exact = Decimal(format(value, ".15g")) * unit_fen
        if exact != exact.to_integral_value():
            raise CellError("money.fraction", value=shown)
    else:
        shown = str(value)
        exact = Decimal(value) * unit_fen
        if not exact.is_finite():
            raise CellError("cell.not_a_number", value=shown)
        if exact != exact.to_integral_value():
            raise CellError("money.fraction", value=shown)
    fen = int(exact)
    if fen < 0:
        raise CellError("cell.money_negative", value=shown)
    if fen > money.MAX_FEN:
        raise CellError("money.too_large", value=shown)
    return fen


def parse_money(value: object, scale: int = 1) -> int | None:
    """Fen for an amount cell; ``scale`` is 10000 in a column whose header says 万元.

    Numbers count in the column's unit (元, or 万元 with ``scale=10000``) and must land
    on a whole fen. Text is read like :func:`broker_desk.money.parse_yuan`:
    ``"12.5万"``, ``"¥1,250,000.00"``, ``"1,250,000"``, ``"１２５０"``, ``"1250000元"``; a
    bare number in text counts in the column's unit, an explicit 元/万/亿 wins.
    Negative amounts are refused. Blank → ``None``.
    """
    if scale not in (1, 10_000):
        raise ValueError("scale is 1 (元) or 10000 (万元)")
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("cell.money_bool", value="TRUE" if value else "FALSE")
    unit_fen = money.FEN_PER_YUAN * scale
    if isinstance(value, int | float | Decimal):
        return _fen_of_number(value, unit_fen)
    if not isinstance(value, str):
        raise CellError("cell.money_kind", value=parse_text(value) or str(value))
    text = value.translate(_INVISIBLE)
    try:
        fen = money.parse_wan(text) if scale == 10_000 else money.parse_yuan(text)
    except BrokerDeskError as e:
        raise CellError(e.code, **e.args_) from None
    if fen < 0:
        raise CellError("cell.money_negative", value=text.strip(_SPACE_CHARS))
    return fen


def _serial_date(value: float | int) -> str:
    if not math.isfinite(value):
        raise CellError("cell.not_a_number", value=repr(value))
    day = math.floor(value)
    if not 1 <= value < MAX_SERIAL + 1:
        if value == day and 10_000_101 <= day <= 99_991_231:  # 20240305 typed as a number
            return _text_date(str(int(day)))
        raise CellError("cell.date_serial_range", value=_number_text(float(value)))
    if day == 60:
        raise CellError("cell.date_1900_02_29")
    if day < 60:  # before the fictitious leap day, serial 1 is 1900-01-01
        day += 1
    return (_EPOCH + dt.timedelta(days=day)).isoformat()


def _text_date(text: str) -> str | None:
    iso, problems = check_date(text.translate(_INVISIBLE), "date")
    if problems:
        raise CellError(problems[0].code, **problems[0].args)
    return iso


def parse_date(value: object) -> str | None:
    """An ISO date (``"2024-03-05"``) for a date cell.

    Accepts date cells (a time of day is dropped), Excel serial numbers in the 1900 date
    system (``45356`` and ``45356.75`` → 2024-03-05; 60, Excel's fictitious 1900-02-29,
    is refused), and text: ``"2024-03-05"``, ``"2024/3/5"``, ``"2024.03.05"``,
    ``"20240305"``, ``"2024年3月5日"``, with full-width digits too. Blank → ``None``.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("cell.date_bool", value="TRUE" if value else "FALSE")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        raise CellError("cell.date_time_only", value=value.isoformat())
    if isinstance(value, int | float):
        return _serial_date(value)
    if isinstance(value, Decimal):
        try:
            return _serial_date(float(value))
        except (OverflowError, InvalidOperation):
            raise CellError("cell.not_a_number", value=str(value)) from None
    if isinstance(value, str):
        return _text_date(value)
    raise CellError("cell.unsupported", value=str(value))
