"""Tests of broker_desk.money: fen formatting, 大写 amounts and parsing typed amounts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from broker_desk import i18n
from broker_desk.errors import BrokerDeskError
from broker_desk.money import (
    MAX_FEN,
    daxie,
    parse_wan,
    parse_yuan,
    to_wan,
    wan_text,
    yuan_text,
)


@pytest.fixture
def language():
    """Switch the message language inside a test; always restore the previous one."""
    before = i18n.get_language()
    yield i18n.set_language
    i18n.set_language(before)


def fen_of(yuan: str) -> int:
    """Test helper independent of the module: '1,005,000.50' -> 100500050."""
    whole, _, cents = yuan.replace(",", "").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


# --- yuan_text / wan_text / to_wan -------------------------------------------------------------

@pytest.mark.parametrize(("fen", "text", "plain"), [
    (125000000, "1,250,000.00", "1250000.00"),
    (-125000000, "-1,250,000.00", "-1250000.00"),
    (0, "0.00", "0.00"),
    (1, "0.01", "0.01"),
    (-1, "-0.01", "-0.01"),
    (10, "0.10", "0.10"),
    (99999, "999.99", "999.99"),
    (100000, "1,000.00", "1000.00"),
    (123456789, "1,234,567.89", "1234567.89"),
    (MAX_FEN, "9,999,999,999,999.99", "9999999999999.99"),
])
def test_yuan_text(fen, text, plain):
    assert yuan_text(fen) == text
    assert yuan_text(fen, sep=False) == plain


@pytest.mark.parametrize("bad", [1.5, Decimal("1"), "100", None, True])
def test_formatters_refuse_non_int(bad):
    for func in (yuan_text, wan_text, to_wan, daxie):
        with pytest.raises(TypeError):
            func(bad)


@pytest.mark.parametrize(("fen", "wan"), [
    (125000000, Decimal("125")),
    (1, Decimal("0.000001")),
    (-12345678, Decimal("-12.345678")),
    (MAX_FEN, Decimal("999999999.999999")),
])
def test_to_wan_is_exact(fen, wan):
    assert to_wan(fen) == wan
    assert isinstance(to_wan(fen), Decimal)


@pytest.mark.parametrize(("fen", "digits", "text"), [
    (125000000, 2, "125.00"),
    (125004999, 2, "125.00"),
    (125005000, 2, "125.01"),   # half-up exactly at .005
    (125015000, 2, "125.02"),   # half-up, not banker's rounding (which would give 125.02 too)
    (125025000, 2, "125.03"),   # banker's rounding would give 125.02
    (-125005000, 2, "-125.01"),
    (-1, 2, "0.00"),            # never "-0.00"
    (123456789, 0, "123"),
    (125000000, 0, "125"),
    (5, 5, "0.00001"),
    (123456789, 6, "123.456789"),
    (1, 6, "0.000001"),
    (0, 2, "0.00"),
    (MAX_FEN, 2, "1000000000.00"),
])
def test_wan_text(fen, digits, text):
    assert wan_text(fen, digits) == text


def test_wan_text_default_and_bad_digits():
    assert wan_text(125000000) == "125.00"
    with pytest.raises(ValueError):
        wan_text(1, -1)


# --- daxie -------------------------------------------------------------------------------------

DAXIE_CASES = [
    ("1,005,000.50", "壹佰万零伍仟元伍角"),
    ("100,000.00", "壹拾万元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", "壹角"),
    ("0.15", "壹角伍分"),
    ("0.50", "伍角"),
    ("1.00", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("1.50", "壹元伍角"),
    ("10.00", "壹拾元整"),
    ("10.10", "壹拾元壹角"),
    ("15.00", "壹拾伍元整"),
    ("100.00", "壹佰元整"),
    ("101.00", "壹佰零壹元整"),
    ("110.00", "壹佰壹拾元整"),
    ("1,000.05", "壹仟元零伍分"),
    ("1,001.00", "壹仟零壹元整"),
    ("1,010.00", "壹仟零壹拾元整"),
    ("1,680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("6,007.10", "陆仟零柒元壹角"),
    ("20,000.00", "贰万元整"),
    ("100,010.00", "壹拾万零壹拾元整"),
    ("1,000,000.00", "壹佰万元整"),
    ("1,100,000.00", "壹佰壹拾万元整"),
    ("1,250,000.00", "壹佰贰拾伍万元整"),
    ("10,000,000.00", "壹仟万元整"),
    ("10,000,100.00", "壹仟万零壹佰元整"),
    ("10,100,000.00", "壹仟零壹拾万元整"),
    ("10,101,000.00", "壹仟零壹拾万零壹仟元整"),
    ("10,010,001.00", "壹仟零壹万零壹元整"),
    ("100,000,000.00", "壹亿元整"),
    ("100,000,001.01", "壹亿零壹元零壹分"),
    ("100,001,000.00", "壹亿零壹仟元整"),
    ("100,100,000.00", "壹亿零壹拾万元整"),
    ("110,000,000.00", "壹亿壹仟万元整"),
    ("1,000,000,000.00", "壹拾亿元整"),
    ("1,000,000,001.00", "壹拾亿零壹元整"),
    ("1,000,000,010.00", "壹拾亿零壹拾元整"),
    ("1,234,567,890.12", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
    ("1,000,000,000,000.00", "壹万亿元整"),
    ("1,000,100,000,000.00", "壹万零壹亿元整"),
    ("1,000,000,010,000.00", "壹万亿零壹万元整"),
    ("9,999,999,999,999.99", "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("yuan", "text"), DAXIE_CASES)
def test_daxie(yuan, text):
    assert daxie(fen_of(yuan)) == text


def test_daxie_examples_by_fen():
    assert daxie(100500050) == "壹佰万零伍仟元伍角"
    assert daxie(10000000) == "壹拾万元整"
    assert daxie(0) == "零元整"
    assert daxie(1) == "壹分"
    assert daxie(105) == "壹元零伍分"
    assert daxie(100_000_000_000) == "壹拾亿元整"


@pytest.mark.parametrize(("fen", "text"), [
    (-1, "负壹分"),
    (-105, "负壹元零伍分"),
    (-10000000, "负壹拾万元整"),
    (-MAX_FEN, "负" + DAXIE_CASES[-1][1]),
])
def test_daxie_negative(fen, text):
    assert daxie(fen) == text


@pytest.mark.parametrize("fen", [MAX_FEN + 1, -MAX_FEN - 1, 10**20])
def test_daxie_too_large(fen, language):
    language("zh")
    with pytest.raises(BrokerDeskError) as caught:
        daxie(fen)
    assert caught.value.code == "money.too_large"
    assert "超出范围" in str(caught.value)


_DIGIT_VALUE = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def decode_daxie(text: str) -> int:
    """An independent reader of 大写 amounts: text -> fen (the inverse of daxie)."""
    sign = -1 if text.startswith("负") else 1
    text = text.removeprefix("负").removesuffix("整")
    whole, _, fraction = text.rpartition("元") if "元" in text else ("", "", text)
    fen = 0
    if fraction:
        match = re.fullmatch(r"零?(?:(.)角)?(?:(.)分)?", fraction)
        assert match, fraction
        fen = sum(_DIGIT_VALUE[d] * w for d, w in zip(match.groups(), (10, 1), strict=True) if d)
    total = block = section = digit = 0
    for char in whole:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        elif char in _SMALL:
            assert digit, f"unit {char} without a digit in {text}"
            section += digit * _SMALL[char]
            digit = 0
        elif char == "万":
            block, section, digit = (section + digit) * 10_000, 0, 0
        elif char == "亿":
            total, block, section, digit = (total + block + section + digit) * 10**8, 0, 0, 0
        else:
            raise AssertionError(f"unexpected {char!r} in {text}")
    return sign * ((total + block + section + digit) * 100 + fen)


def zero_runs(yuan: int) -> int:
    """Number of runs of zeros between non-zero digits (each should be one 零)."""
    return len(re.findall(r"0+", str(yuan).rstrip("0"))) if yuan else 0


# Amounts with many zeros, where the 零 rules matter.
zero_heavy = st.lists(st.sampled_from("000000001234"), min_size=1, max_size=15).map(
    lambda ds: int("".join(ds))
)
any_fen = st.integers(min_value=-MAX_FEN, max_value=MAX_FEN)


@given(st.one_of(zero_heavy, any_fen))
@example(0)
@example(MAX_FEN)
@example(100500050)
def test_daxie_properties(fen):
    text = daxie(fen)
    assert decode_daxie(text) == fen
    body = text.removeprefix("负")
    assert (fen < 0) == text.startswith("负")
    yuan, cents = divmod(abs(fen), 100)
    whole = body.split("元")[0] if "元" in body else ""
    if yuan:
        assert whole.count("零") == zero_runs(yuan)
        assert not whole.startswith("零") and not whole.endswith("零")
    assert "零零" not in body
    for unit in "万亿元角分":
        assert "零" + unit not in body or body == "零元整"
    assert body.endswith("整") == (cents == 0)
    assert body.endswith("元整") or cents
    assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+", body)


# --- parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "fen"), [
    ("1250000", 125000000),
    ("1,250,000.00", 125000000),
    ("¥1,250,000.00", 125000000),
    ("￥1,250,000", 125000000),
    ("12.5万", 12500000),
    ("12.5万元", 12500000),
    ("1.2亿", 12000000000),
    ("1.2亿元", 12000000000),
    ("10w", 10000000),             # 10w: 10万, as people type it
    ("12.5W", 12500000),
    ("12.5w元", 12500000),
    ("１０ｗ", 10000000),
    ("1,250,000元", 125000000),
    ("１２５０", 125000),
    ("１，２５０．５", 125050),
    ("１２．５万", 12500000),
    ("  1250000  ", 125000000),
    ("\u30001,250,000\u00a0", 125000000),
    ("12.5 万 元", 12500000),
    ("1 250 000", 125000000),
    ("-1250", -125000),
    ("－1250", -125000),
    ("-¥1,250.00", -125000),
    ("¥-1,250.00", -125000),
    ("+5", 500),
    ("12.3456万", 12345600),
    ("12.345678万", 12345678),     # 123,456.78 元: still whole fen
    ("1.0000000001亿", 10000000001),
    ("0.01", 1),
    ("0", 0),
    ("0.5", 50),
    ("100.10", 10010),
    ("007", 700),
    ("9999999999999.99", MAX_FEN),
])
def test_parse_yuan_forms(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(("value", "fen"), [
    (1250000, 125000000),
    (-3, -300),
    (0, 0),
    (Decimal("1250000.5"), 125000050),
    (Decimal("0.01"), 1),
    (1.25, 125),
    (0.1 + 0.2, 30),          # float noise is forgiven
    (1004.9999999999999, 100500),
    (1250000.0, 125000000),
])
def test_parse_yuan_numbers(value, fen):
    assert parse_yuan(value) == fen
    assert isinstance(parse_yuan(value), int)


@pytest.mark.parametrize(("text", "fen"), [
    ("125", 125000000),
    ("12.3456", 12345600),
    ("125万", 125000000),
    ("125万元", 125000000),
    ("1250000元", 125000000),      # an explicit unit wins over the column's 万元
    ("1.2亿", 12000000000),
    ("１２５", 125000000),
    ("-0.5", -500000),
    (125, 125000000),
    (Decimal("0.000001"), 1),
    (12.5, 12500000),
    (99999.123456, 99999123456),
])
def test_parse_wan(text, fen):
    assert parse_wan(text) == fen


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\u00a0\t\n", None])
def test_parse_empty(text):
    for parse in (parse_yuan, parse_wan):
        with pytest.raises(BrokerDeskError) as caught:
            parse(text)
        assert caught.value.code == "money.empty"


@pytest.mark.parametrize("text", [
    "abc", "1.2.3", "12万3", "万", "元", "¥", "-", "1,2", "12,50,000", "1,250,000.", ".5",
    "1e5", "nan", "inf", "--5", "-¥-5", "5-", "1/2", "一百", "壹佰元", "12.5万亿", "万12",
    "0x10", "1_000", "w", "10ww", "10w万", "10k",
])
def test_parse_invalid(text):
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan(text)
    assert caught.value.code == "money.invalid"
    assert caught.value.args_ == {"value": text}


@pytest.mark.parametrize("value", [
    float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity"), True, [1], object(),
])
def test_parse_invalid_values(value):
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan(value)
    assert caught.value.code == "money.invalid"


@pytest.mark.parametrize(("parse", "value"), [
    (parse_yuan, "0.001"),
    (parse_yuan, "1.005"),
    (parse_yuan, "12.3456789万"),
    (parse_yuan, "1.00000000001亿"),
    (parse_yuan, Decimal("0.001")),
    (parse_yuan, 1.005),
    (parse_yuan, 0.001),
    (parse_wan, "0.0000001"),
    (parse_wan, "1.0000005"),
    (parse_wan, 1e-7),
])
def test_parse_finer_than_fen(parse, value):
    with pytest.raises(BrokerDeskError) as caught:
        parse(value)
    assert caught.value.code == "money.fraction"


@pytest.mark.parametrize(("parse", "value"), [
    (parse_yuan, "10000000000000"),
    (parse_yuan, "-10,000,000,000,000.00"),
    (parse_yuan, "10000000000000.00元"),
    (parse_yuan, "100000亿"),
    (parse_yuan, 10**13),
    (parse_yuan, 1e13),
    (parse_wan, "1000000000"),
])
def test_parse_too_large(parse, value):
    with pytest.raises(BrokerDeskError) as caught:
        parse(value)
    assert caught.value.code == "money.too_large"


def test_largest_parsable():
    assert parse_wan("999999999.999999") == MAX_FEN
    assert parse_yuan("-9,999,999,999,999.99") == -MAX_FEN


# --- messages ----------------------------------------------------------------------------------

def test_messages_in_chinese(language):
    language("zh")
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("abc")
    assert str(caught.value) == "金额“abc”无法识别，请填写数字，如 1250000 或 125万"
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("  ")
    assert str(caught.value) == "请填写金额。"
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("0.001")
    assert "0.001" in str(caught.value) and "分" in str(caught.value)
    with pytest.raises(BrokerDeskError) as caught:
        daxie(MAX_FEN + 1)
    assert "10,000,000,000,000.00" in str(caught.value)


def test_messages_in_english(language):
    language("en")
    cases = {
        "abc": 'Cannot read the amount "abc"; enter a number such as 1250000 or 125万',
        "": "Please enter an amount.",
    }
    for text, message in cases.items():
        with pytest.raises(BrokerDeskError) as caught:
            parse_yuan(text)
        assert str(caught.value) == message
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("0.001")
    assert "too many decimals" in str(caught.value)
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("1亿亿")
    assert str(caught.value).startswith("Cannot read")
    with pytest.raises(BrokerDeskError) as caught:
        parse_yuan("10000000000000")
    assert "too large" in str(caught.value)


@pytest.mark.parametrize("key", ["money.empty", "money.invalid", "money.fraction", "money.too_large"])
def test_keys_registered_in_both_languages(key, language):
    assert i18n.known(key)
    language("zh")
    zh = i18n.tr(key, value="x")
    language("en")
    en = i18n.tr(key, value="x")
    assert zh != en
    assert re.search(r"[\u4e00-\u9fff]", zh)
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("125万", ""))


# --- round trips -------------------------------------------------------------------------------

@given(any_fen)
@example(0)
@example(-1)
@example(MAX_FEN)
def test_yuan_text_round_trip(fen):
    assert parse_yuan(yuan_text(fen)) == fen
    assert parse_yuan(yuan_text(fen, sep=False)) == fen
    assert parse_yuan(yuan_text(fen) + "元") == fen
    assert parse_yuan("¥" + yuan_text(fen).lstrip("-")) == abs(fen)


@given(any_fen)
def test_wan_text_round_trip(fen):
    assert parse_wan(wan_text(fen, 6)) == fen
    assert parse_yuan(wan_text(fen, 6) + "万") == fen
    assert Decimal(wan_text(fen, 6)) == to_wan(fen)
    assert abs(Decimal(wan_text(fen)) - to_wan(fen)) <= Decimal("0.005")


@given(st.integers(min_value=-10**11, max_value=10**11))
def test_float_cents_round_trip(fen):
    assert parse_yuan(fen / 100) == fen


@pytest.mark.parametrize("yuan", [text for text, _ in DAXIE_CASES])
def test_daxie_table_matches_parser(yuan):
    assert decode_daxie(daxie(parse_yuan(yuan))) == fen_of(yuan)
