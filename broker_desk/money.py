"""Money as integer fen (分): formatting, Chinese capital amounts and parsing.

Every amount in the core is an ``int`` number of fen; floats never hold money.
This module turns fen into text (``yuan_text``, ``wan_text``, ``daxie``) and
text typed by people into fen (``parse_yuan``, ``parse_wan``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .errors import BrokerDeskError
from .i18n import register

register({
    "money.empty": ("请填写金额。", "Please enter an amount."),
    "money.invalid": (
        "金额“{value}”无法识别，请填写数字，如 1250000 或 125万",
        "Cannot read the amount \"{value}\"; enter a number such as 1250000 or 125万",
    ),
    "money.fraction": (
        "金额“{value}”小数位过多，最小单位是分（0.01 元）",
        "The amount \"{value}\" has too many decimals; the smallest unit is one fen (0.01 yuan)",
    ),
    "money.too_large": (
        "金额“{value}”超出范围，最多 9,999,999,999,999.99 元",
        "The amount \"{value}\" is too large; at most 9,999,999,999,999.99 yuan",
    ),
})

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000
#: Largest amount handled (9,999,999,999,999.99 元, just under 万亿 × 10).
MAX_FEN = 999_999_999_999_999

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_SCALES = {"": 1, "万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000}  # 10w: 10万, as people type it
#: Sign, ¥, the number, a scale word of :data:`_SCALES`, 元 (matches any text: the parts are checked after).
_TYPED = re.compile(r"([-+]?)¥?([-+]?)(.*?)(" + "|".join(k for k in _SCALES if k) + r")?(元)?")
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def _check_int(fen: int) -> None:
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money is an int number of fen, not {type(fen).__name__}")


def yuan_text(fen: int, *, sep: bool = True) -> str:
    """``125000000`` -> ``"1,250,000.00"``; ``sep=False`` leaves out the thousands commas."""
    _check_int(fen)
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    body = f"{yuan:,}" if sep else str(yuan)
    return f"{'-' if fen < 0 else ''}{body}.{cents:02d}"


def to_wan(fen: int) -> Decimal:
    """The exact amount in 万元 (``125000000`` -> ``Decimal("125.000000")``)."""
    _check_int(fen)
    return Decimal(fen) / FEN_PER_WAN  # fen < 10**28, so the division is exact


def wan_text(fen: int, digits: int = 2) -> str:
    """The amount in 万元 with ``digits`` decimals, rounded half-up (away from zero).

    ``125000000`` -> ``"125.00"``; ``125005000`` -> ``"125.01"``. No thousands
    separators; a value that rounds to zero is never written ``-0.00``.
    """
    _check_int(fen)
    if digits < 0:
        raise ValueError("digits must be >= 0")
    with localcontext() as ctx:
        ctx.prec = 60
        value = to_wan(fen).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)
    return f"{value:f}"


def _integer_daxie(yuan: int) -> str:
    """Capital form of a positive whole number of yuan (without 元).

    Every run of zeros between two non-zero digits becomes one 零, also when it
    spans a 万/亿 boundary (1,005,000 -> 壹佰万零伍仟); trailing zeros are dropped.
    """
    digits = str(yuan)
    out: list[str] = []
    pending_zero = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit:
            if pending_zero:
                out.append("零")
            out.append(_DIGITS[digit] + _SMALL_UNITS[position % 4])
            pending_zero = False
        else:
            pending_zero = True
        if position == 8 or (position in (4, 12) and int(digits[-position - 4:-position])):
            # 亿 closes everything above it; 万 (and the 万 of 万亿) only a non-zero group.
            out.append("亿" if position == 8 else "万")
    return "".join(out)


def daxie(fen: int) -> str:
    """Chinese capital amount (大写金额) as written on cheques and invoices.

    Conventions (both forms are legal under 《正确填写票据和结算凭证的基本规定》;
    we pick the shorter, consistent one):

    * 整 follows 元 when there are no 角 and 分 (``壹拾万元整``); nothing is
      added after 角 (``壹元伍角``, ``壹佰万零伍仟元伍角``).
    * Leading 拾 keeps its digit: 100,000.00 -> ``壹拾万元整``.
    * A run of zeros in the whole-yuan part is one 零, even across a 万/亿
      boundary (``壹亿零壹仟元整``); zeros at the end are not written.
    * No 零 between 元 and 角 (1,680.32 -> ``壹仟陆佰捌拾元叁角贰分``), but 零
      stands for a missing 角 before 分 (``壹元零伍分``).
    * Below one yuan the text starts at 角/分 (``伍角``, ``伍分``); 0 is ``零元整``.
    * Negative amounts start with 负. Beyond :data:`MAX_FEN` raises
      ``BrokerDeskError("money.too_large")``.
    """
    _check_int(fen)
    if abs(fen) > MAX_FEN:
        raise BrokerDeskError("money.too_large", value=yuan_text(fen))
    if fen == 0:
        return "零元整"
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    jiao, fen_digit = divmod(cents, 10)
    text = ""
    if yuan:
        text = _integer_daxie(yuan) + "元"
        if not cents:
            text += "整"
        elif not jiao:
            text += "零"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    return ("负" if fen < 0 else "") + text


def _float_fen(value: float, scale: int, shown: str) -> int:
    """Fen for a float in units of ``scale`` fen, if it is a whole number of fen."""
    if not math.isfinite(value):
        raise BrokerDeskError("money.invalid", value=shown)
    exact = value * scale
    nearest = round(exact)
    if abs(exact - nearest) > max(1e-6, 2 * math.ulp(exact)):
        raise BrokerDeskError("money.fraction", value=shown)
    return nearest


def _parse(value: object, unit_fen: int) -> int:
    """Shared parser: a bare number counts in units of ``unit_fen`` fen."""
    if value is None:
        raise BrokerDeskError("money.empty")
    shown = str(value).strip()
    if isinstance(value, float):
        fen = _float_fen(value, unit_fen, shown)
    else:
        if isinstance(value, str):
            number, unit_fen = _parse_text(value, unit_fen)
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            number = Decimal(value)
        else:
            raise BrokerDeskError("money.invalid", value=shown)
        if not number.is_finite():
            raise BrokerDeskError("money.invalid", value=shown)
        exact = number * unit_fen
        if exact != exact.to_integral_value():
            raise BrokerDeskError("money.fraction", value=shown)
        fen = int(exact)
    if abs(fen) > MAX_FEN:
        raise BrokerDeskError("money.too_large", value=shown)
    return fen


def _parse_text(text: str, unit_fen: int) -> tuple[Decimal, int]:
    """``(number, fen per unit)`` for typed text such as ``"￥1,250,000元"`` or ``"12.5万"``."""
    shown = text.strip()
    # NFKC folds full-width digits, ，．￥－ and the ideographic space to ASCII.
    clean = "".join(unicodedata.normalize("NFKC", text).split()).replace("\u2212", "-")
    if not clean:
        raise BrokerDeskError("money.empty")
    match = _TYPED.fullmatch(clean)
    assert match is not None  # the pattern matches any text
    sign_a, sign_b, number, scale_word, yuan_word = match.groups()
    if (sign_a and sign_b) or not _NUMBER.fullmatch(number):
        raise BrokerDeskError("money.invalid", value=shown)
    if scale_word or yuan_word:
        unit_fen = _SCALES[scale_word or ""] * FEN_PER_YUAN
    magnitude = Decimal(number.replace(",", ""))
    return (-magnitude if "-" in (sign_a, sign_b) else magnitude), unit_fen


def parse_yuan(text: str | int | Decimal | float) -> int:
    """Fen for an amount in 元 as people type it, exactly.

    Accepts ``"1,250,000.00"``, ``"¥1250000"``, ``"￥1,250,000"``,
    ``"1250000元"``, ``"12.5万"``, ``"12.5万元"``, ``"1.2亿"``, full-width
    digits and punctuation, stray spaces and a leading sign (the caller checks
    the sign). ``int``/``Decimal`` count in 元; a ``float`` is accepted only if
    it is a whole number of fen up to float noise.

    Raises ``BrokerDeskError`` with code ``money.empty`` (blank),
    ``money.invalid`` (not a number), ``money.fraction`` (finer than a fen) or
    ``money.too_large`` (over :data:`MAX_FEN`).
    """
    return _parse(text, FEN_PER_YUAN)


def parse_wan(text: str | int | Decimal | float) -> int:
    """Like :func:`parse_yuan`, but a bare number means 万元 (``"125"`` -> 125万元).

    An explicit unit still wins: ``"1250000元"`` is 1,250,000 元, ``"1.2亿"`` is 1.2 亿元.
    """
    return _parse(text, FEN_PER_WAN)
