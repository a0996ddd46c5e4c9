"""非技术性费用明细: the itemized non-technical costs of a contract.

Stored on the contract as JSON ``[["设备费", 2000000], ...]`` (item, fen); their
sum is the contract's 非技术性费用 (``deductions_fen``), from which the technology
trade amount follows. People type them as ``设备费 20000；材料费 5,000.50`` (元),
which is also how the workbook and the editor show them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import i18n
from .errors import BrokerDeskError
from .money import MAX_FEN, parse_yuan, yuan_text

i18n.register({
    "deductions.bad_item": ("第 {n} 项“{text}”应写作“费用名称 金额”，如“设备费 20000”",
                            "Item {n} “{text}” should read “name amount”, e.g. “设备费 20000”"),
    "deductions.bad_amount": ("第 {n} 项“{name}”的金额“{value}”无法识别：{reason}",
                              "Item {n} “{name}”: amount “{value}” is not understood: {reason}"),
    "deductions.negative": ("第 {n} 项“{name}”的金额不能为负数", "Item {n} “{name}”: the amount may not be negative"),
    "deductions.sum_mismatch": ("明细合计 {items} 元与非技术性费用 {total} 元不符",
                                "The items add up to {items}, but the non-technical costs are {total}"),
})

Items = list[tuple[str, int]]

_SEPARATORS = re.compile(r"[；;\n]+")
_PLAIN_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+)\.(\d\d)")
# "设备费 20000", "设备费：20,000元", "设备费20000": the name, then the amount at the end
_ITEM = re.compile(r"^(?P<name>.*?\D)[\s:：=]*(?P<amount>[-+¥￥]?[\d０-９][\d０-９,，.．]*\s*(?:万元|万|元)?)$")


def parse(value: Any) -> Items:
    """Items from a list of (name, fen) pairs or from typed text; raises BrokerDeskError."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return parse(json.loads(text))
            except ValueError:
                pass
        items: Items = []
        for n, part in enumerate((p.strip() for p in _SEPARATORS.split(text) if p.strip()), start=1):
            m = _ITEM.match(part)
            if not m or not m["name"].strip(" :："):
                raise BrokerDeskError("deductions.bad_item", n=n, text=part)
            name = m["name"].strip(" :：")
            plain = _PLAIN_AMOUNT.fullmatch(m["amount"])  # as the export writes it: yuan and fen
            try:
                fen = int(plain[1].replace(",", "") + plain[2]) if plain else parse_yuan(m["amount"])
                if fen > MAX_FEN:
                    fen = parse_yuan(m["amount"])  # which says why not
            except BrokerDeskError as e:
                raise BrokerDeskError("deductions.bad_amount", n=n, name=name, value=m["amount"],
                                      reason=str(e)) from None
            if fen < 0:
                raise BrokerDeskError("deductions.negative", n=n, name=name)
            items.append((name, fen))
        return items
    items = []
    for n, pair in enumerate(value, start=1):
        try:
            name, fen = pair
        except (TypeError, ValueError):
            raise BrokerDeskError("deductions.bad_item", n=n, text=str(pair)) from None
        if not isinstance(name, str) or not name.strip() or isinstance(fen, bool) or not isinstance(fen, int):
            raise BrokerDeskError("deductions.bad_item", n=n, text=str(pair))
        if fen < 0:
            raise BrokerDeskError("deductions.negative", n=n, name=name)
        items.append((name.strip(), fen))
    return items


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # made once (json.dumps with options makes one per call)


def to_json(items: Items) -> str | None:
    return _JSON([list(p) for p in items]) if items else None


def from_json(text: str | None) -> Items:
    return [(name, fen) for name, fen in json.loads(text)] if text else []


def text(items: Items) -> str:
    """As people type them: ``设备费 20,000.00；材料费 5,000.50``."""
    return "；".join(f"{name} {yuan_text(fen)}" for name, fen in items)
