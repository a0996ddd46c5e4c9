"""The data dictionary: every field of every entity with its label and kind,
and the :class:`Checker` that normalises and validates input by those kinds.

Field names are qualified by entity (``contract.amount_fen``) in problems, so a
message can name the field in the user's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import codes, i18n
from .codematch import recognise, unknown_problem
from .errors import (
    ERROR,
    FIELD_LABELS,
    WARNING,
    BrokerDeskError,
    Problem,
    ValidationError,
    field_label,
)
from .fieldcompile import normaliser
from .idnumbers import check_date


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str = "text"          # text | code | fen | date | ref | int | list | items | flag
    required: bool = False
    table: str | None = None    # code table for kind "code"; entity for kind "ref"
    max_len: int = 200


def _f(name, zh, en, kind="text", required=False, table=None, max_len=200) -> Field:
    return Field(name, zh, en, kind, required, table, max_len)


ENTITY_FIELDS: dict[str, tuple[Field, ...]] = {
    "broker": (
        _f("name", "姓名", "Name", required=True, max_len=50),
        _f("cert_no", "证书编号", "Certificate no.", max_len=50),
        _f("level", "等级", "Level", "code", table="broker_level"),
        _f("institution", "所属机构", "Institution"),
        _f("phone", "手机", "Mobile", max_len=30),
        _f("email", "邮箱", "Email", max_len=100),
        _f("status", "状态", "Status", "code", table="broker_status"),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "client": (
        _f("name", "名称", "Name", required=True),
        # 18 characters once normalised (check_credit_code says so); users type spaces or dashes
        _f("credit_code", "统一社会信用代码", "Unified social credit code", max_len=40),
        _f("nature", "单位性质", "Kind of entity", "code", table="unit_nature"),
        _f("enterprise_type", "企业类型", "Enterprise type", "code", table="enterprise_type"),
        _f("region", "所在地区", "Region code", max_len=40),  # a code, or a name stored as its code
        _f("address", "地址", "Address", max_len=300),
        _f("legal_rep", "法定代表人", "Legal representative", max_len=50),
        _f("contact", "联系人", "Contact person", max_len=50),
        _f("phone", "联系电话", "Phone", max_len=30),
        _f("email", "邮箱", "Email", max_len=100),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "achievement": (
        _f("title", "成果名称", "Title", required=True),
        _f("holder_id", "持有方", "Holder", "ref", required=True, table="client"),
        _f("inventors", "完成人", "Inventors", max_len=500),
        _f("field", "技术领域", "Technology field", "code", table="tech_field"),
        _f("ip_type", "知识产权类型", "IP type", "code", table="ip_type"),
        _f("patents", "专利号", "Patent numbers", "list", max_len=2000),
        _f("maturity", "成熟度", "Maturity", "code", table="maturity"),
        _f("transfer_mode", "转化方式", "Transfer mode", "code", table="transfer_mode"),
        _f("price_fen", "意向价格", "Asking price", "fen"),
        _f("status", "状态", "Status", "code", table="achievement_status"),
        _f("keywords", "关键词", "Keywords", max_len=500),
        _f("summary", "简介", "Summary", max_len=5000),
    ),
    "contract": (
        _f("contract_no", "合同编号", "Contract no.", required=True, max_len=100),
        _f("title", "项目名称", "Project title", required=True),
        _f("category", "合同类别", "Category", "code", required=True, table="contract_category"),
        _f("subtype", "合同子类", "Subtype", "code", table="contract_subtype"),
        _f("buyer_id", "买方", "Buyer", "ref", required=True, table="client"),
        _f("seller_id", "卖方", "Seller", "ref", required=True, table="client"),
        _f("achievement_id", "关联成果", "Linked achievement", "ref", table="achievement"),
        _f("signed_on", "签订日期", "Date signed", "date", required=True),
        _f("valid_from", "有效期起", "Valid from", "date"),
        _f("valid_to", "有效期止", "Valid to", "date"),
        _f("signed_place", "签订地点", "Place signed", max_len=100),
        _f("amount_fen", "合同成交额", "Contract amount", "fen", required=True),
        _f("deductions_fen", "非技术性费用", "Non-technical costs", "fen"),
        _f("deduction_items", "非技术性费用明细", "Itemized non-technical costs", "items", max_len=2000),
        _f("tech_given_fen", "技术交易额", "Technology trade amount", "fen"),
        _f("field", "技术领域", "Technology field", "code", table="tech_field"),
        _f("ip_type", "知识产权类型", "IP type", "code", table="ip_type"),
        _f("plan_source", "计划来源", "Plan source", "code", table="plan_source"),
        _f("socio_goal", "社会经济目标", "Socio-economic goal", "code", table="socio_goal"),
        _f("payment", "支付方式", "Payment method", "code", table="payment_method"),
        _f("invest_fen", "预计新增投入", "Expected new investment", "fen"),
        _f("output_fen", "预计新增产值", "Expected new output", "fen"),
        _f("commission_fen", "佣金", "Commission", "fen"),
        _f("brokers", "技术经纪人", "Brokers", "brokers"),
        _f("status", "登记状态", "Registration status", "code", table="registration_status"),
        _f("reg_office", "登记机构", "Registration office"),
        _f("accepted_on", "受理日期", "Date accepted", "date"),
        _f("reg_no", "登记编号", "Registration no.", max_len=30),
        _f("registered_on", "登记日期", "Date registered", "date"),
        _f("approved_fen", "核定技术交易额", "Approved technology amount", "fen"),
        _f("note", "备注", "Note", max_len=2000),
        _f("expert_review", "专家审核", "Expert review", "flag"),  # 0/1: a longer registration time limit
        _f("engagement_id", "对接项目", "Engagement", "ref", table="engagement"),
    ),
    # the front office (DESIGN §3): a client's need, one attempt to meet it, and the contacts made
    "demand": (
        _f("title", "需求名称", "Demand title", required=True),
        _f("client_id", "需求方", "Demand side", "ref", required=True, table="client"),
        _f("field", "技术领域", "Technology field", "code", table="tech_field"),
        _f("kind", "需求类型", "Demand type", "code", table="demand_kind"),
        _f("description", "需求描述", "Description", max_len=5000),
        _f("keywords", "关键词", "Keywords", max_len=500),
        _f("budget_fen", "预算", "Budget", "fen"),
        _f("deadline", "截止日期", "Deadline", "date"),
        _f("broker_id", "负责经纪人", "Broker in charge", "ref", table="broker"),
        _f("source", "来源", "Source", "code", table="demand_source"),
        _f("status", "状态", "Status", "code", table="demand_status"),
        _f("published_on", "发布日期", "Date published", "date"),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "engagement": (
        _f("title", "项目名称", "Project title", required=True),
        _f("demand_id", "技术需求", "Demand", "ref", table="demand"),
        _f("achievement_id", "科技成果", "Achievement", "ref", table="achievement"),
        _f("demand_client_id", "需求方", "Demand side", "ref", table="client"),
        _f("supply_client_id", "供给方", "Supply side", "ref", table="client"),
        _f("brokers", "技术经纪人", "Brokers", "brokers"),
        _f("stage", "阶段", "Stage", "code", required=True, table="engagement_stage"),
        _f("expected_fen", "预计金额", "Expected amount", "fen"),
        _f("started_on", "开始日期", "Date started", "date"),
        _f("end_reason", "终止原因", "Reason ended", max_len=500),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "followup": (
        _f("engagement_id", "对接项目", "Engagement", "ref", required=True, table="engagement"),
        _f("on_date", "日期", "Date", "date", required=True),
        _f("channel", "方式", "Channel", "code", table="followup_channel"),
        _f("broker_id", "经纪人", "Broker", "ref", table="broker"),
        _f("content", "内容", "Content", required=True, max_len=5000),
        _f("next_step", "下一步", "Next step", max_len=500),
        _f("next_on", "下次跟进日期", "Next follow-up on", "date"),
        _f("done", "已完成", "Done", "flag"),
    ),
    "registration_event": (
        _f("to_status", "状态", "Status", "code", required=True, table="registration_step"),
        _f("on_date", "日期", "Date", "date", required=True),
        _f("note", "说明", "Note", max_len=2000),
    ),
    # money after signing (DESIGN §3, §4 付款计划 / 到账记录 / 佣金发放); rules in payments.py
    "payment_plan": (
        _f("contract_id", "合同", "Contract", "ref", required=True, table="contract"),
        _f("seq", "期次", "Instalment", "int", required=True),
        _f("kind", "类型", "Kind", "code", table="payment_kind"),
        _f("due_on", "约定日期", "Due date", "date"),
        _f("amount_fen", "约定金额", "Agreed amount", "fen"),
        _f("condition", "条件", "Condition", max_len=500),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "receipt": (
        _f("contract_id", "合同", "Contract", "ref", required=True, table="contract"),
        _f("received_on", "到账日期", "Date received", "date", required=True),
        _f("amount_fen", "金额", "Amount", "fen", required=True),
        _f("payer", "付款方", "Payer"),
        _f("plan_id", "期次", "Instalment", "ref", table="payment_plan"),
        _f("voucher", "凭证号", "Voucher no.", max_len=100),
        _f("note", "备注", "Note", max_len=2000),
    ),
    "commission_payout": (
        _f("contract_id", "合同", "Contract", "ref", required=True, table="contract"),
        _f("broker_id", "经纪人", "Broker", "ref", required=True, table="broker"),
        _f("paid_on", "发放日期", "Date paid", "date", required=True),
        _f("amount_fen", "金额", "Amount", "fen", required=True),
        _f("note", "备注", "Note", max_len=2000),
    ),
}

TABLES = {
    "broker": "brokers",
    "client": "clients",
    "achievement": "achievements",
    "contract": "contracts",
    "registration_event": "registration_events",
    "demand": "demands",
    "engagement": "engagements",
    "followup": "followups",
    "payment_plan": "payment_plans",
    "receipt": "receipts",
    "commission_payout": "commission_payouts",
}

#: Records whose table keeps no warnings (a follow-up has nothing to be warned about).
WITHOUT_WARNINGS = frozenset({"followup"})

ENTITY_LABELS = {
    "broker": ("经纪人", "broker"),
    "client": ("客户", "client"),
    "achievement": ("科技成果", "achievement"),
    "contract": ("技术合同", "contract"),
    "registration_event": ("登记进度", "registration step"),
    "demand": ("技术需求", "demand"),
    "engagement": ("对接项目", "engagement"),
    "followup": ("跟进记录", "follow-up"),
    "payment_plan": ("付款计划", "payment plan item"),
    "receipt": ("到账记录", "money received"),
    "commission_payout": ("佣金发放", "commission payout"),
}

_COMPILED: dict[tuple[str, frozenset], Callable] = {}  # (entity, trusted) -> its rules as one function


_KNOWN = {entity: frozenset(f.name for f in fs) for entity, fs in ENTITY_FIELDS.items()}
_NAMES = {entity: tuple(f.name for f in fs) for entity, fs in ENTITY_FIELDS.items()}
_REQUIRED = {entity: tuple(f.name for f in fs if f.required) for entity, fs in ENTITY_FIELDS.items()}
_BY_QUALIFIED = {f"{e}.{f.name}": f for e, fs in ENTITY_FIELDS.items() for f in fs}
FIELD_LABELS.update({qualified: (f.zh, f.en) for qualified, f in _BY_QUALIFIED.items()})

i18n.register({
    "field.required": ("{label}为必填项", "{label} is required"),
    "field.too_long": ("{label}过长：最多 {max} 个字符，现有 {length} 个",
                       "{label} is too long: at most {max} characters, {length} given"),
    "field.not_in_table": ("{label}“{value}”不在可选值中（可选：{choices}）",
                           "{label} “{value}” is not one of the allowed values ({choices})"),
    "field.not_in_table_near": ("{label}“{value}”不在可选值中（最接近的：{nearest}）",
                                "{label} “{value}” is not one of the allowed values (nearest: {nearest})"),
    "field.ambiguous_code": ("{label}“{value}”可指{nearest}中的任一项，请写明是哪一项",
                             "{label} “{value}” could be any of {nearest}; write which one"),
    "field.not_amount": ("{label}“{value}”无法识别为金额，请填写数字，如 1250000 或 125万",
                         "{label}: cannot read “{value}” as an amount; enter a number such as 1250000 or 125万"),
    "field.negative": ("{label}不能为负数", "{label} may not be negative"),
    "field.no_such_record": ("{label}指向的记录（ID {value}）不存在",
                             "{label} refers to a record (id {value}) that does not exist"),
    "field.unknown": ("未知字段“{value}”", "Unknown field “{value}”"),
    "field.not_flag": ("{label}应填“是”或“否”，收到“{value}”", "{label} must be 是 (yes) or 否 (no), got “{value}”"),
})

FLAG_TEXT = ("否", "是")
_FLAG_WORDS = {"是": 1, "否": 0, "y": 1, "n": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "1": 1, "0": 0,
               "√": 1, "✓": 1, "×": 0, "有": 1, "无": 0, "需要": 1, "不需要": 0, "": 0}


def flag_value(value: Any) -> int | None:
    """A yes/no as the ledger keeps it (1/0): 是/否, Y/N, TRUE/FALSE, 1/0, √, a bool; None if not one."""
    if value is None:
        return 0
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return int(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return int(value)
    if isinstance(value, str):
        return _FLAG_WORDS.get(value.strip().lower())
    return None


def field(entity: str, name: str) -> Field:
    return _BY_QUALIFIED[f"{entity}.{name}"]


label = field_label  # the field's label in the current language (the name itself when unknown)


def entity_label(entity: str) -> str:
    zh, en = ENTITY_LABELS[entity]
    return zh if i18n.get_language() == "zh" else en


_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_UNTIDY = re.compile(r"^\s|\s$|\s\s|[^\S ]")  # spaces to trim or fold (\s covers full-width and nbsp)


def clean_text(value: Any) -> str | None:
    """Trim ordinary, full-width and non-breaking spaces; blank becomes None."""
    if value is None:
        return None
    text = str(value)
    if text and _UNTIDY.search(text) is None:  # most text is tidy already: one scan, no copy
        return text
    return _SPACES.sub(" ", text).strip() or None


@lru_cache(maxsize=4096)
def _recognised(tables: codes.CodeTables, table: str, text: str):
    """recognise, once per text (a bulk import may bring the same unknown value on many rows)."""
    return recognise(table, text, tables=tables)


def _parse_items(value: Any) -> tuple[str | None, tuple[str, dict] | None]:
    """Itemised costs as the ledger keeps them (JSON), or why they cannot be read (code, args)."""
    from . import deductions

    try:
        return deductions.to_json(deductions.parse(value)), None
    except BrokerDeskError as e:
        return None, (e.code, e.args_)


@lru_cache(maxsize=4096)
def _stored_items(text: str) -> tuple[str | None, tuple[str, dict] | None]:
    """:func:`_parse_items` once per text (a bulk import brings the same few items on many rows)."""
    return _parse_items(text)


def _yes(what: str, key: Any) -> bool:
    return True  # (no one to ask: every record referred to may exist)


class Checker:
    """Normalises the ``values`` given for one record of ``entity``.

    Only the given fields are normalised; :meth:`finish` merges them over the
    record's ``current`` state, checks required fields and raises
    :class:`ValidationError` when any error was found.
    """

    def __init__(self, entity: str, values: dict, current: dict | None, exists=None, maybe=None,
                 trusted: frozenset[str] = frozenset()):
        self.entity = entity
        self.values = values
        self.current = current or {}
        self.problems: list[Problem] = []
        #: ``exists(entity, id)``: whether a record this one refers to exists (as the caller knows it).
        self.exists: Callable[[str, int], bool] = exists if exists is not None else _yes
        #: ``might_exist(kind, key)``: whether a uniqueness query is worth asking the database (a
        #: bulk import knows every key in memory and answers "no" for nearly every row; otherwise
        #: always ask).
        self.might_exist: Callable[[str, Any], bool] = maybe if maybe is not None else _yes
        # ``trusted`` fields were found in normal form by the caller (a bulk import checks whole
        # columns at once: tidy text within its length and code table, ISO dates, whole fen). The
        # entity's rules run as one function, written once (see .fieldcompile): the common cases
        # settled inline, anything else through the full rule of its kind.
        rules = _COMPILED.get((entity, trusted))
        if rules is None:
            rules = _COMPILED[(entity, trusted)] = normaliser(entity, ENTITY_FIELDS[entity], trusted, _FLAG_WORDS,
                                                              _UNTIDY.search)
        known = _KNOWN[entity]
        if not known.issuperset(values):
            for name in values.keys() - known:
                self.error(name, "field.unknown", value=name)
            values = {name: value for name, value in values.items() if name in known}
        #: the code tables the record is checked against
        self.tables = tables = codes.tables()
        out = rules(self, values, self.exists, tables)
        if current:  # (an edit: the changes in the entity's field order, as the change log lists them)
            out = {name: out[name] for name in _NAMES[entity] if name in out}
        self.out: dict[str, Any] = out

    # -- problems ---------------------------------------------------------------
    def error(self, name: str, code: str, /, **args: Any) -> None:  # args may hold a "name" of their own
        self.problems.append(Problem(f"{self.entity}.{name}", code, args, ERROR))

    def warn(self, name: str, code: str, /, **args: Any) -> None:
        self.problems.append(Problem(f"{self.entity}.{name}", code, args, WARNING))

    def adopt(self, name: str, problems: Iterable[Problem]) -> None:
        """Take problems found by an id-number checker, naming this entity's field."""
        for p in problems:
            self.problems.append(Problem(f"{self.entity}.{name}", p.code, p.args, p.severity))

    def given(self, name: str) -> bool:
        return name in self.out

    def get(self, name: str) -> Any:
        """The value after this change: the new one if given, else the current one."""
        return self.out[name] if name in self.out else self.current.get(name)

    # -- kinds ------------------------------------------------------------------
    def normalise(self, f: Field, value: Any) -> Any:
        """The value of field ``f`` as the ledger keeps it, by the full rule of its kind (problems said)."""
        if f.kind == "fen":
            return self._fen(f, value)
        if f.kind == "ref":
            return self._ref(f, value)
        if f.kind == "date":
            iso, problems = check_date(value, f.name)
            self.adopt(f.name, problems)
            return iso
        if f.kind == "items":
            return self._items(f, value)
        if f.kind == "flag":
            flag = flag_value(value)
            if flag is None:
                self.error(f.name, "field.not_flag", value=value)
            return flag
        if f.kind == "list" and isinstance(value, (list, tuple)):
            value = "；".join(str(v) for v in value)
        text = clean_text(value)
        if text is None:
            return None
        if len(text) > f.max_len:
            self.error(f.name, "field.too_long", max=f.max_len, length=len(text))
        if f.kind == "code":
            return self._code(f, text)
        return text

    def _code(self, f: Field, text: str) -> str:
        """An item's name: the value as written if it is one, else the item it means without
        doubt (its code, an alias: see codematch); an error naming the nearest items otherwise."""
        found = _recognised(codes.tables(), f.table, text)
        if found.item is not None and found.silent:
            return found.item.name
        code, args = unknown_problem(found)
        self.error(f.name, code, **args)
        return text

    def _fen(self, f: Field, value: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f.name, "field.not_amount", value=value)
            return None
        if value < 0:
            self.error(f.name, "field.negative")
        return value

    def _items(self, f: Field, value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        stored, refused = _stored_items(value) if value.__class__ is str else _parse_items(value)
        if refused is not None:
            self.error(f.name, refused[0], **refused[1])
            return None
        if stored and len(stored) > f.max_len:
            self.error(f.name, "field.too_long", max=f.max_len, length=len(stored))
        return stored

    def _ref(self, f: Field, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not self.exists(f.table, value):
            self.error(f.name, "field.no_such_record", value=value)
            return None
        return value

    def finish(self) -> tuple[dict, list[Problem]]:
        """The normalised changes and all problems; raises when any is an error."""
        out, current = self.out, self.current
        required = _REQUIRED[self.entity]
        if current or None in (found := [*map(out.get, required)]) or "" in found:  # (else: all there)
            self._required(required)
        problems = self.problems
        if not problems:  # (most records of a bulk import)
            return out, []
        if any(p.is_error for p in problems):
            raise ValidationError(problems)
        return out, [p for p in problems if not p.is_error]

    def _required(self, required: tuple[str, ...]) -> None:
        out, current = self.out, self.current
        for name in required:
            value = out[name] if name in out else current.get(name)
            if (value is None or value == "") and not any(p.field == f"{self.entity}.{name}" for p in self.problems):
                self.error(name, "field.required")


def warnings_json(problems: list[Problem]) -> str | None:
    return json.dumps([p.to_json() for p in problems], ensure_ascii=False) if problems else None


def warnings_from_json(text: str | None) -> list[Problem]:
    return [Problem.from_json(d) for d in json.loads(text)] if text else []

