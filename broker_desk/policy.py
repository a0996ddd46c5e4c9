"""Reward policy files (奖补政策, DESIGN.md §8): TOML data, never code.

The built-in examples are in ``policies/`` (the ``broker_desk.policies`` package once
installed); the user's own are in :func:`broker_desk.paths.policies_dir`, where a file
with a built-in's name wins. A file is read and checked like a paperwork template
(:mod:`broker_desk.paperwork.template`): every fault is reported with the file's name
and its place — ``rule[2].tiers[1].rate`` — and, where it can be found, its line.

Money in a file is in 元 (at most two decimals) and becomes integer fen; rates are
percentages kept as exact decimals (2.5 is 2.5 %).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from . import codes, i18n, paths, userfiles
from .errors import BrokerDeskError
from .paperwork.template import FileChecker, Problem, TemplateError, read_toml

i18n.register({
    "policy.error": ("奖补政策文件有误", "The policy file has errors"),
    "policy.unknown": ("没有名为“{name}”的奖补政策（可用：{policies}）",
                       "There is no reward policy named “{name}” (available: {policies})"),
    "policy.t.money": ("不小于 0 的金额（元，最多两位小数）", "an amount ≥ 0 (yuan, at most two decimals)"),
    "policy.t.rate": ("0 到 100 之间的百分数", "a percentage from 0 to 100"),
    "policy.t.year": ("1900 到 9999 之间的年份", "a year from 1900 to 9999"),
    "policy.t.list_text": ("文字列表 [\"...\"]", "a list of texts [\"...\"]"),
    "policy.t.region": ("行政区划代码开头的 2 到 6 位数字", "the first 2 to 6 digits of a region code"),
    "policy.no_rules": ("至少需要一条 [[rule]]", "at least one [[rule]] is needed"),
    "policy.rate_or_tiers": ("需要 rate 或 tiers 之一", "one of rate and tiers is needed"),
    "policy.rate_and_tiers": ("rate 和 tiers 只能写一个", "write rate or tiers, not both"),
    "policy.no_tiers": ("tiers 至少需要一档", "tiers needs at least one tier"),
    "policy.tier_upto": ("只有最后一档可以不写 upto", "only the last tier may leave out upto"),
    "policy.tier_order": ("upto {upto} 应大于上一档的 {previous}", "upto {upto} must be above the previous tier's {previous}"),
    "policy.max_below_min": ("max_base {max} 小于 min_base {min}", "max_base {max} is below min_base {min}"),
    "policy.year_order": ("year_to {year_to} 早于 year_from {year_from}", "year_to {year_to} is before year_from {year_from}"),
    "policy.region_party": ("region 只适用于买方或卖方（经纪人、经纪机构没有所在地区）",
                            "region applies to 买方 or 卖方 only (brokers and institutions have no region)"),
    "policy.unknown_category": ("“{value}”不是合同类别（可选：{choices}）", "“{value}” is not a contract category ({choices})"),
})

SUFFIX = userfiles.SUFFIX
BENEFICIARIES = ("买方", "卖方", "经纪人", "经纪机构")
BASES = ("合同成交额", "技术交易额", "核定技术交易额", "到账金额")
_TOP_KEYS = {"title", "source", "year_from", "year_to", "rule"}
_RULE_KEYS = {"beneficiary", "base", "categories", "region", "min_base", "max_base", "rate", "tiers",
              "cap_per_contract", "cap_per_year"}
_TIER_KEYS = {"upto", "rate"}
_REGION = re.compile(r"[0-9]{2,6}")


class PolicyError(TemplateError):
    """A policy file that cannot be used: its file and each fault with its place (``str()``: one a line)."""

    def __init__(self, file: str | Path, problems: list[Problem]):
        super().__init__(file, problems)
        self.code = "policy.error"


@dataclass(frozen=True)
class Tier:
    upto_fen: int | None   # the slice ends here (None: no end)
    rate: Decimal          # percent


@dataclass(frozen=True)
class Rule:
    number: int                         # 1 for rule[1]
    beneficiary: str                    # 买方 | 卖方 | 经纪人 | 经纪机构
    base: str                           # 合同成交额 | 技术交易额 | 核定技术交易额 | 到账金额
    categories: tuple[str, ...] | None  # None: every category
    region: tuple[str, ...] | None      # the beneficiary's 所在地区 begins with one of these
    min_base_fen: int | None
    max_base_fen: int | None
    rate: Decimal | None                # percent, or …
    tiers: tuple[Tier, ...]             # … marginal tiers (超额累进)
    cap_per_contract_fen: int | None
    cap_per_year_fen: int | None


@dataclass(frozen=True)
class Policy:
    name: str            # the file's stem
    title: str
    source_text: str     # `source`: where the rule comes from
    year_from: int | None
    year_to: int | None
    rules: tuple[Rule, ...]
    path: Path
    builtin: bool        # a shipped example (the report says so)


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    title: str
    source: str              # "builtin" | "user"
    path: Path
    in_use: bool             # the one `rewards --policy NAME` uses
    overrides_builtin: bool  # a user file with a built-in's name
    error: str | None        # why it cannot be used (None: it can)


# -- checking ---------------------------------------------------------------------------------

class _PolicyChecker(FileChecker):
    """The template checker's places, lines and generic messages, with a policy's value types."""

    def _bad(self, where: str, value, expected: str) -> None:
        self.problem(where, "paperwork.tpl.type", value, expected=i18n.tr(expected), value=value)

    def money(self, where: str, table: dict, key: str) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool) and isinstance(value, int | float):
            try:
                fen = Decimal(str(value)) * 100
                if fen >= 0 and fen == fen.to_integral_value() and fen < 10 ** 17:
                    return int(fen)
            except InvalidOperation:
                pass
        self._bad(f"{where}.{key}", value, "policy.t.money")
        return None

    def rate(self, where: str, table: dict, key: str) -> Decimal | None:
        value = table.get(key)
        if not isinstance(value, bool) and isinstance(value, int | float):
            rate = Decimal(str(value))
            if rate.is_finite() and 0 <= rate <= 100:
                return rate
        self._bad(f"{where}.{key}", value, "policy.t.rate")
        return None

    def year(self, table: dict, key: str) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 9999:
            return value
        self._bad(key, value, "policy.t.year")
        return None

    def texts(self, where: str, table: dict, key: str) -> tuple[str, ...] | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self._bad(f"{where}.{key}", value, "policy.t.list_text")
            return None
        return tuple(v.strip() for v in value)

    def tier_list(self, where: str, rule: dict) -> tuple[Tier, ...]:
        items = self.tables(where, rule, "tiers")
        if "tiers" in rule and not items and isinstance(rule["tiers"], list):
            self.problem(f"{where}.tiers", "policy.no_tiers")
        tiers, previous = [], None
        for k, item in enumerate(items, 1):
            tw = f"{where}.tiers[{k}]"
            self.keys(tw, item, _TIER_KEYS)
            if "rate" not in item:
                self.problem(tw, "paperwork.tpl.missing_key", key="rate")
                rate = None
            else:
                rate = self.rate(tw, item, "rate")
            upto = self.money(tw, item, "upto")
            if "upto" not in item and k < len(items):
                self.problem(tw, "policy.tier_upto")
            elif upto is not None and previous is not None and upto <= previous:
                self.problem(f"{tw}.upto", "policy.tier_order", item["upto"], upto=item["upto"],
                             previous=_yuan_number(previous))
            if upto is not None:
                previous = upto
            tiers.append(Tier(upto, rate if rate is not None else Decimal(0)))
        return tuple(tiers)

    def rule(self, number: int, rule: dict) -> Rule:
        where = f"rule[{number}]"
        self.keys(where, rule, _RULE_KEYS)
        beneficiary = self.string(where, rule, "beneficiary", required=True, choices=BENEFICIARIES)
        base = self.string(where, rule, "base", required=True, choices=BASES)
        categories = self.texts(where, rule, "categories")
        known = codes.tables().names("contract_category")
        for k, value in enumerate(categories or (), 1):
            if value not in known:
                self.problem(f"{where}.categories[{k}]", "policy.unknown_category", value, value=value,
                             choices="、".join(known))
        region = self.texts(where, rule, "region")
        for k, value in enumerate(region or (), 1):
            if not _REGION.fullmatch(value):
                self._bad(f"{where}.region[{k}]", value, "policy.t.region")
        if region and beneficiary in ("经纪人", "经纪机构"):
            self.problem(f"{where}.region", "policy.region_party", "region")
        low, high = self.money(where, rule, "min_base"), self.money(where, rule, "max_base")
        if low is not None and high is not None and high < low:
            self.problem(f"{where}.max_base", "policy.max_below_min", None, max=rule["max_base"],
                         min=rule["min_base"])
        rate, tiers = None, ()
        if "rate" in rule and "tiers" in rule:
            self.problem(where, "policy.rate_and_tiers", "tiers")
        elif "rate" in rule:
            rate = self.rate(where, rule, "rate")
        elif "tiers" in rule:
            tiers = self.tier_list(where, rule)
        else:
            self.problem(where, "policy.rate_or_tiers")
        return Rule(number, beneficiary or "", base or "", categories, region, low, high, rate, tiers,
                    self.money(where, rule, "cap_per_contract"), self.money(where, rule, "cap_per_year"))


def _yuan_number(fen: int) -> str:
    text = f"{Decimal(fen) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def load(path: str | Path, source: str | None = None, builtin: bool = False) -> Policy:
    """Read and check one policy file; :class:`PolicyError` lists every fault with its place."""
    path = Path(path)
    source, data = read_toml(path, source, PolicyError)
    c = _PolicyChecker(path, source, data)
    c.keys("", data, _TOP_KEYS)
    title = c.string("", data, "title", required=True)
    source_text = c.string("", data, "source", "")
    year_from, year_to = c.year(data, "year_from"), c.year(data, "year_to")
    if year_from is not None and year_to is not None and year_to < year_from:
        c.problem("year_to", "policy.year_order", year_to, year_to=year_to, year_from=year_from)
    rules = tuple(c.rule(n, rule) for n, rule in enumerate(c.tables("", data, "rule"), 1))
    if not rules and "rule" not in data:
        c.problem("", "policy.no_rules")
    if c.problems:
        raise PolicyError(path, c.problems)
    return Policy(path.stem, title or path.stem, source_text or "", year_from, year_to, rules, path, builtin)


# -- where policies are -----------------------------------------------------------------------

def builtin_dir() -> Path:
    """The built-in examples' folder (installed package, else the source tree's ``policies/``)."""
    try:
        folder = Path(str(resources.files("broker_desk.policies")))
        if folder.is_dir():
            return folder
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[1] / "policies"


def user_dir() -> Path:
    return paths.policies_dir()


def _title(path: Path) -> str:
    """The title read straight from a file that does not check, as far as it goes."""
    try:
        title = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("title")
        return title if isinstance(title, str) and title.strip() else path.stem
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return path.stem


def _info(name: str, path: Path, source: str, in_use: bool, overrides: bool) -> PolicyInfo:
    try:
        policy = load(path, builtin=source == "builtin")
        return PolicyInfo(name, policy.title, source, path, in_use, overrides, None)
    except PolicyError as e:
        return PolicyInfo(name, _title(path), source, path, in_use, overrides, str(e))


def list_policies() -> list[PolicyInfo]:
    """Every policy file, built-in and the user's; a user file with a built-in's name is the one in use."""
    builtin, user = userfiles.files(builtin_dir()), userfiles.files(user_dir())
    return [_info(e.name, e.path, e.source, e.in_use, e.overrides_builtin)
            for e in userfiles.entries(builtin, user)]


def find(policy: str | Path) -> Policy:
    """The policy in use under ``policy``: a name, a title, or the path of a .toml file.
    A BrokerDeskError when there is none; :class:`PolicyError` when its file is broken."""
    text = str(policy).strip()
    candidate = Path(text).expanduser()
    if text.lower().endswith(SUFFIX) and candidate.is_file():
        return load(candidate, builtin=candidate.resolve().parent == builtin_dir().resolve())
    builtin, user = userfiles.files(builtin_dir()), userfiles.files(user_dir())
    stem = text[:-len(SUFFIX)] if text.lower().endswith(SUFFIX) else text
    if stem in user:
        return load(user[stem])
    if stem in builtin:
        return load(builtin[stem], builtin=True)
    by_title = [info for info in list_policies() if info.in_use and info.title == text]
    if len(by_title) == 1:
        return load(by_title[0].path, builtin=by_title[0].source == "builtin")
    raise BrokerDeskError("policy.unknown", name=text, policies="、".join(sorted(set(builtin) | set(user))) or "—")
