"""The import turns cells into values a column at a time. Whatever shortcut it takes, the values
and the refusals must be exactly those of the cell parsers, and a column it calls "normal" must
hold only values the ledger's checks would take unchanged (they are then not checked again)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broker_desk.fields import Checker
from broker_desk.workbook.cells import CellError, parse_date, parse_text
from broker_desk.workbook.importer import MoneyParser, convert_column

SPACES = [" ", "\u3000", "\u00a0", "\t", "\n", "\u200b", "\ufeff", "\x1c", "\u2028", "\u202f"]
text = st.one_of(
    st.text(alphabet=st.sampled_from(["技", "术", "a", "1", "-", *SPACES]), max_size=8),
    st.sampled_from(["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务", "专利实施许可", "委托开发", ""]),
)
cell = st.one_of(
    st.none(), text, st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**16),
    st.dates(dt.date(1899, 1, 1), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)),
    st.sampled_from([0.1 + 0.2, 12.5, 1250000.0, 1e16, -3.0, 45356.75, 60.0, 20240305.0]),
    st.sampled_from(["12.5万", "¥1,250,000.00", "2024年3月5日", "2024/3/5", "２０２４.０３.０５", " 合同 "]),
)


def one_by_one(cells, parse):
    values, errors = [], {}
    for i, value in enumerate(cells):
        try:
            values.append(parse(value))
        except CellError as e:
            values.append(None)
            errors[i] = str(e)
    return values, errors


PARSERS = {"text": parse_text, "date": parse_date, "yuan": MoneyParser(1), "wan": MoneyParser(10_000)}
FIELDS = {"text": ("contract", "title"), "date": ("contract", "signed_on"), "yuan": ("contract", "amount_fen"),
          "wan": ("contract", "amount_fen")}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(PARSERS)), st.lists(cell, max_size=12))
def test_a_column_reads_as_its_cells_do_one_by_one(kind, cells):
    parse = PARSERS[kind]
    values, _, errors = convert_column(tuple(cells), parse, *FIELDS[kind])
    assert (values, errors) == one_by_one(cells, parse)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([("contract", "title"), ("contract", "category"), ("contract", "subtype"),
                        ("client", "region"), ("broker", "name"), ("contract", "note")]),
       st.lists(st.one_of(st.none(), text), max_size=10))
def test_a_normal_text_column_holds_what_the_checks_take_unchanged(field, cells):
    entity, name = field
    values, normal, errors = convert_column(tuple(cells), parse_text, entity, name)
    assert not errors
    if normal:
        for value in values:
            checker = Checker(entity, {name: value}, None)
            assert checker.out[name] == value
            assert not [p for p in checker.problems if p.field == f"{entity}.{name}"]


@pytest.mark.parametrize(("field", "cells", "normal"), [
    (("contract", "title"), ("锂电池", None, "", "正极 材料"), True),
    (("contract", "title"), ("锂电池 ", "正极材料"), False),           # a space to trim
    (("contract", "title"), ("正极\u3000材料",), False),               # a full-width space
    (("contract", "title"), ("锂电池", " 正极材料"), False),            # a space to trim, at the start
    (("contract", "title"), ("锂电池", "正极  材料"), False),           # two spaces running
    (("contract", "title"), ("锂电池", "正极\n材料"), False),           # a line break
    (("contract", "title"), ("锂电池", "正极\u200b材料"), False),       # a zero-width space
    (("contract", "title"), ("锂电池", "正极\xa0材料"), False),         # a no-break space
    (("contract", "title"), ("长" * 201,), False),                     # longer than the field allows
    (("contract", "category"), ("技术开发", "技术服务"), True),
    (("contract", "category"), ("技术开发", "技术研发"), False),         # not in the code table
    (("contract", "brokers"), ("张三(60%)；李四(40%)",), False),        # not a plain text field
    (("contract", "signed_on"), (dt.date(2025, 3, 5), None), True),
    (("contract", "signed_on"), (dt.date(2025, 3, 5), "2025/3/6"), False),  # text: read by the full rule
    (("contract", "amount_fen"), (1250000.0, 0.5, None), True),
    (("contract", "amount_fen"), (0.1 + 0.2,), False),                 # float noise
])
def test_which_columns_are_normal(field, cells, normal):
    kind = {"signed_on": parse_date, "amount_fen": MoneyParser(1)}.get(field[1], parse_text)
    assert convert_column(cells, kind, *field)[1] is normal


def test_trusted_fields_are_taken_as_given_and_the_others_still_checked():
    values = {"title": "锂电池正极材料", "category": "技术开发", "amount_fen": 100, "signed_on": "2025-03-05",
              "note": " 要修整的 备注 "}
    trusted = frozenset(("title", "category", "amount_fen", "signed_on"))
    checker = Checker("contract", values, None, trusted=trusted)
    assert checker.out == {**values, "note": "要修整的 备注"}
    with pytest.raises(ValueError):
        Checker("contract", {"seller_id": 1}, None, trusted=frozenset(("seller_id",)))  # a reference is never trusted
