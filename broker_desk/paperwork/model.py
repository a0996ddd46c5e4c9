"""What a template may print: the fields (``contract.title``, ``buyer.entity_code`` …),
the lists that fill repeating rows (``brokers``, ``deductions``, ``contracts`` …)
and the formats that turn a value into text (``yuan``, ``daxie``, ``date`` …).

A field has a *kind* that says which formats suit it; the registry is the one
place the template checker and the renderer look fields up, so a template can
only name what the renderer knows how to fill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .. import codes, i18n
from ..fields import field
from ..money import daxie, wan_text, yuan_text

#: Kinds of values and the formats each accepts (the first is the default).
KIND_FORMATS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "int": ("text",),
    "fen": ("yuan", "daxie", "wan"),
    "date": ("date", "iso", "month"),
    "code": ("name", "code", "code_name"),       # the value is an item's name (技术开发)
    "entity": ("code_name", "code", "name"),     # the value is a 买方/卖方性质 code (150)
    "region": ("code_name", "code", "name"),     # the value is a 6-digit region or a country code
    "bp": ("percent",),                          # 1/100 of a percent: 6000 -> 60%
}
FORMATS = ("text", "yuan", "daxie", "wan", "date", "iso", "month", "name", "code", "code_name", "percent")


@dataclass(frozen=True)
class FieldDef:
    path: str          # contract.title, or row.name inside a list
    kind: str
    zh: str            # the label in messages (买方法定代表人)
    en: str
    table: str | None = None   # code table of a "code" field
    scope: str = "contract"    # contract | period | any

    def label(self) -> str:
        return self.zh if i18n.get_language() == "zh" else self.en


@dataclass(frozen=True)
class ListDef:
    name: str          # brokers, deductions, contracts, registration.history
    zh: str
    en: str
    scope: str
    rows: dict[str, FieldDef]

    def label(self) -> str:
        return self.zh if i18n.get_language() == "zh" else self.en


def _defs(prefix: str, scope: str, zh_prefix: str, en_prefix: str, items) -> dict[str, FieldDef]:
    out = {}
    for item in items:
        name, kind, zh, en, *rest = item
        path = f"{prefix}.{name}" if prefix else name
        out[path] = FieldDef(path, kind, zh_prefix + zh, (en_prefix + en).strip(), rest[0] if rest else None, scope)
    return out


_DICTIONARY_KINDS = {"fen": "fen", "date": "date", "code": "code"}  # the rest prints as text


def _dictionary(entity: str, *names: str) -> tuple:
    """Items for fields the data dictionary (:mod:`broker_desk.fields`) describes: its labels,
    kinds and code tables, so the forms and the ledger cannot name a field differently."""
    items = []
    for name in names:
        f = field(entity, name)
        kind = _DICTIONARY_KINDS.get(f.kind, "text")
        en = f.en if f.en[:2].isupper() else f.en[:1].lower() + f.en[1:]  # "IP type" stays, "Title" → "title"
        items.append((name, kind, f.zh, en, f.table) if kind == "code" else (name, kind, f.zh, en))
    return tuple(items)


_TECH = ("tech_fen", "fen", "技术交易额", "technology trade amount")  # derived: given, or amount − costs
_BROKERS = ("brokers", "text", "技术经纪人", "brokers")  # as written in the workbook: 张三(60%)；李四(40%)
_CONTRACT = (
    ("uid", "text", "记录ID", "record id"),
    *_dictionary("contract", "contract_no", "title", "category", "subtype", "signed_on", "valid_from", "valid_to",
                 "signed_place", "amount_fen", "deductions_fen"),
    _TECH,
    *_dictionary("contract", "field", "ip_type", "plan_source", "socio_goal", "payment", "invest_fen", "output_fen",
                 "commission_fen"),
    _BROKERS,
    *_dictionary("contract", "status", "reg_office", "accepted_on", "reg_no", "registered_on", "approved_fen", "note"),
)
_PARTY = (
    *_dictionary("client", "name", "credit_code", "nature", "enterprise_type"),
    ("entity_code", "entity", "性质", "legal-entity code", "entity_code"),
    ("region", "region", "所在地区", "region"),
    *_dictionary("client", "address", "legal_rep", "contact", "phone", "email"),
)
_ACHIEVEMENT = (
    *_dictionary("achievement", "title"),
    ("holder", "text", "持有方", "holder"),
    *_dictionary("achievement", "inventors", "field", "ip_type", "patents", "maturity", "transfer_mode", "price_fen",
                 "keywords"),
)
_REGISTRATION = (
    ("status", "code", "登记状态", "registration status", "registration_status"),
    ("submitted_on", "date", "提交日期", "date handed in"),
    ("accepted_on", "date", "受理日期", "date accepted"),
    ("registered_on", "date", "登记日期", "date registered"),
    ("office", "text", "登记机构", "registration office"),
    ("reg_no", "text", "登记编号", "registration no."),
    ("approved_fen", "fen", "核定技术交易额", "approved technology amount"),
    ("note", "text", "登记说明", "registration note"),
)
_OFFICE = (
    ("name", "text", "登记机构名称", "office name"),
    ("code", "text", "登记机构代码", "office code"),
    ("address", "text", "登记机构地址", "office address"),
    ("phone", "text", "登记机构电话", "office phone"),
)
_PERIOD = (
    ("text", "text", "统计期间", "period"),
    ("start", "date", "期间起", "period start"),
    ("end", "date", "期间止", "period end"),
    ("year", "int", "年度", "year"),
)

FIELDS: dict[str, FieldDef] = {
    **_defs("contract", "contract", "", "contract ", _CONTRACT),
    **_defs("buyer", "contract", "买方", "buyer ", _PARTY),
    **_defs("seller", "contract", "卖方", "seller ", _PARTY),
    **_defs("achievement", "contract", "成果", "achievement ", _ACHIEVEMENT),
    **_defs("registration", "contract", "", "", _REGISTRATION),
    **_defs("office", "any", "", "", _OFFICE),
    **_defs("period", "period", "", "", _PERIOD),
    **_defs("", "any", "", "", (("today", "date", "制表日期", "date printed"),
                                ("page", "int", "页码", "page"),
                                ("pages", "int", "总页数", "pages"))),
}

_INDEX = ("index", "int", "序号", "no.")
LISTS: dict[str, ListDef] = {
    "brokers": ListDef("brokers", "技术经纪人", "brokers", "contract", _defs("row", "contract", "经纪人", "broker ", (
        _INDEX,
        *_dictionary("broker", "name", "cert_no", "level", "institution", "phone"),
        ("share_bp", "bp", "份额", "share"),
        ("commission_fen", "fen", "佣金分配", "commission share"),
    ))),
    "deductions": ListDef("deductions", "非技术性费用明细", "non-technical cost items", "contract",
                          _defs("row", "contract", "费用", "cost ", (
                              _INDEX,
                              ("name", "text", "项目", "item"),
                              ("amount_fen", "fen", "金额", "amount"),
                          ))),
    "registration.history": ListDef("registration.history", "登记进度", "registration steps", "contract",
                                    _defs("row", "contract", "登记进度", "step ", (
                                        _INDEX,
                                        ("status", "code", "状态", "status", "registration_status"),
                                        ("on_date", "date", "日期", "date"),
                                        ("note", "text", "说明", "note"),
                                    ))),
    "contracts": ListDef("contracts", "登记合同", "registered contracts", "period", _defs("row", "period", "", "", (
        _INDEX,
        ("uid", "text", "记录ID", "record id"),
        *_dictionary("contract", "reg_no", "contract_no", "title", "category", "subtype", "field"),
        ("seller", "text", "卖方", "seller"),  # the party's name
        ("buyer", "text", "买方", "buyer"),
        *_dictionary("contract", "signed_on", "registered_on", "amount_fen", "deductions_fen"),
        _TECH,
        *_dictionary("contract", "approved_fen", "commission_fen"),
        _BROKERS,
    ))),
}

#: The ledger's entity behind each prefix of a form's fields (for what the data dictionary requires).
_ENTITY_OF = {"contract": "contract", "buyer": "client", "seller": "client", "achievement": "achievement"}


def essential(path: str) -> bool:
    """Whether the ledger requires the field of ``path`` of every record (合同编号, 项目名称,
    合同类别, 买方 and 卖方 名称 …): a form that prints it asks for it, marked required or not."""
    prefix, _, name = path.partition(".")
    entity = _ENTITY_OF.get(prefix)
    if entity is None:
        return False
    try:
        return field(entity, name).required
    except KeyError:
        return False


#: Which part of the data a field prefix needs (the renderer fetches only these).
NEEDS = {"contract.brokers": "brokers", "buyer": "buyer", "seller": "seller", "achievement": "achievement",
         "registration": "history", "brokers": "brokers", "registration.history": "history"}


def need_of(path: str) -> str | None:
    if path in NEEDS:
        return NEEDS[path]
    return NEEDS.get(path.split(".", 1)[0])


# -- formats ---------------------------------------------------------------------------

def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _fmt_date(value) -> str:
    day = _date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else str(value)


def _fmt_month(value) -> str:
    day = _date(value)
    return f"{day.year}年{day.month}月" if day else str(value)


def _fmt_iso(value) -> str:
    day = _date(value)
    return day.isoformat() if day else str(value)


def _fen(value) -> int:
    return value if isinstance(value, int) else int(value)


def _code_of(field: FieldDef, value) -> str:
    if field.kind == "region":
        return str(value)
    item = codes.tables().item(field.table, str(value)) if field.table else None
    return item.code if item else str(value)


def _name_of(field: FieldDef, value) -> str:
    text = str(value)
    if field.kind == "region":
        return codes.region_name(text) or codes.country_name(text) or ""
    if field.kind == "entity":
        return codes.tables().entity_code_name(text) or ""
    return text


def _code_name(field: FieldDef, value) -> str:
    code, name = _code_of(field, value), _name_of(field, value)
    if field.kind == "code" and code == name:  # not in the table: print what is stored
        return name
    return f"{code} {name}".strip()


_FORMATTERS: dict[str, Callable[[FieldDef, object], str]] = {
    "text": lambda f, v: str(v),
    "yuan": lambda f, v: yuan_text(_fen(v)),
    "daxie": lambda f, v: daxie(_fen(v)),
    "wan": lambda f, v: wan_text(_fen(v)),
    "date": lambda f, v: _fmt_date(v),
    "iso": lambda f, v: _fmt_iso(v),
    "month": lambda f, v: _fmt_month(v),
    "name": _name_of,
    "code": _code_of,
    "code_name": _code_name,
    "percent": lambda f, v: f"{_fen(v) / 100:g}%",
}


def format_value(field: FieldDef, fmt: str, value) -> str:
    """The text a value prints as ("" for a blank value)."""
    if value is None or value == "":
        return ""
    return _FORMATTERS[fmt](field, value)


def formats_for(kind: str) -> tuple[str, ...]:
    return KIND_FORMATS[kind]


def date_text(day: dt.date) -> str:
    return _fmt_date(day)
