"""Reward and subsidy estimates (奖补测算, DESIGN.md §3 "Rewards and subsidies", §8).

:func:`estimate` works out, for one year and one policy (:mod:`broker_desk.policy`),
who would receive what and shows the arithmetic, contract by contract:

* **Which contracts count**: those in 已登记 status whose 登记日期 is in the year; for the
  base ``到账金额``, the money received in the year (receipts' 到账日期) on contracts in
  已登记 status, summed per contract.
* **Beneficiary**: 买方/卖方 — the contract's party (its 所在地区 for ``region``); 经纪人 —
  each broker, the base weighted by the broker's share; 经纪机构 — the brokers' shares
  summed per 所属机构 (brokers without one do not count). A weighted base is rounded half
  up to the fen (what the report shows is what is used).
* ``categories`` keeps contracts of those 合同类别; ``min_base``/``max_base`` compare the
  contract's own base (the trade's size, before any share weighting): a smaller (larger)
  base earns nothing under the rule; such contracts are counted, not listed.
* ``rate`` — a percentage of the base; ``tiers`` — marginal (超额累进): each slice of the
  base at its own rate. The exact result is rounded half up to the fen per contract, then
  ``cap_per_contract`` applies.
* ``cap_per_year`` — per rule and beneficiary: contracts are taken in 登记日期 order
  (then 合同编号) until it is reached; the contract that reaches it gets what is left and
  is named; later ones get nothing.

Money is integer fen throughout; rates are exact decimals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import i18n
from .errors import BrokerDeskError
from .i18n import tr
from .money import yuan_text
from .policy import Policy, Rule
from .rankings import period_bounds
from .registration import REGISTERED

i18n.register({
    "rw.beneficiary.买方": ("买方", "Buyer"),
    "rw.beneficiary.卖方": ("卖方", "Seller"),
    "rw.beneficiary.经纪人": ("经纪人", "Broker"),
    "rw.beneficiary.经纪机构": ("经纪机构", "Broker institution"),
    "rw.base.合同成交额": ("合同成交额", "contract amount"),
    "rw.base.技术交易额": ("技术交易额", "technology turnover"),
    "rw.base.核定技术交易额": ("核定技术交易额", "approved technology turnover"),
    "rw.base.到账金额": ("到账金额", "money received"),
    "rw.outside_years": ("政策“{title}”适用于 {span}，不适用于 {year} 年",
                         "The policy “{title}” applies to {span}, not to {year}"),
    "rw.span": ("{first}—{last} 年", "{first}–{last}"),
    "rw.span.from": ("{first} 年起", "{first} onwards"),
    "rw.span.to": ("{last} 年及以前", "up to {last}"),
    "rw.rule": ("第 {n} 条：{who}，{base}", "Rule {n}: {who}, {base}"),
    "rw.rule.rate": ("比例 {rate}", "rate {rate}"),
    "rw.rule.tiers": ("超额累进：{tiers}", "marginal tiers: {tiers}"),
    "rw.rule.tier": ("{upto} 元以下部分 {rate}", "{rate} up to {upto} yuan"),
    "rw.rule.tier_rest": ("其余 {rate}", "{rate} above"),
    "rw.rule.categories": ("合同类别：{categories}", "categories: {categories}"),
    "rw.rule.region": ("所在地区代码以 {region} 开头", "region code beginning {region}"),
    "rw.rule.min": ("基数不低于 {yuan} 元", "base at least {yuan} yuan"),
    "rw.rule.max": ("基数不高于 {yuan} 元", "base at most {yuan} yuan"),
    "rw.rule.cap_contract": ("单项封顶 {yuan} 元", "at most {yuan} yuan a contract"),
    "rw.rule.cap_year": ("每年封顶 {yuan} 元", "at most {yuan} yuan a year"),
    "rw.sep": ("；", "; "),
    "rw.list_sep": ("、", ", "),
    "rw.slice": ("{low}–{high} 部分 {part} × {rate} = {amount}", "{low}–{high}: {part} × {rate} = {amount}"),
    "rw.slice_open": ("{low} 以上部分 {part} × {rate} = {amount}", "above {low}: {part} × {rate} = {amount}"),
    "rw.slice_rate": ("{part} × {rate} = {amount}", "{part} × {rate} = {amount}"),
    "rw.weighted": ("{base} × 份额 {share} = {weighted}", "{base} × share {share} = {weighted}"),
    "rw.cap.contract": ("单项封顶 {yuan}", "capped at {yuan} a contract"),
    "rw.cap.year_hit": ("达到年度上限 {yuan}（本合同只计余额）", "reaches the yearly cap of {yuan} (only the rest counts)"),
    "rw.cap.year_reached": ("年度上限已满", "yearly cap already reached"),
    "rw.cap.year_note": ("第 {n} 条在合同 {contract} 处达到年度上限 {yuan} 元",
                         "rule {n} reached its yearly cap of {yuan} yuan at contract {contract}"),
    "rw.excluded.below_min": ("第 {n} 条：基数低于 {yuan} 元不计 {count} 份", "rule {n}: {count} below {yuan} yuan left out"),
    "rw.excluded.above_max": ("第 {n} 条：基数高于 {yuan} 元不计 {count} 份", "rule {n}: {count} above {yuan} yuan left out"),
    "rw.excluded.no_institution": ("第 {n} 条：{count} 位经纪人未填所属机构，其份额不计",
                                   "rule {n}: {count} broker shares without an institution left out"),
    "rw.example": ("示例，请按本地文件核对", "An example: check it against the local rules"),
})

_HUNDRED = Decimal(100)


def percent(rate: Decimal) -> str:
    """2.5 -> 2.5%, 1 -> 1%."""
    text = f"{rate:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def round_fen(amount: Decimal) -> int:
    """An exact amount in fen rounded half up to whole fen."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Slice:
    """One slice of a base at one rate: the part of the base between ``low_fen`` and ``high_fen``
    (None: no end; for a plain ``rate`` the whole base, ``tiered`` False)."""
    low_fen: int
    high_fen: int | None
    part_fen: int    # how much of the base falls in the slice
    rate: Decimal
    amount: Decimal  # exact, in fen
    tiered: bool = True

    def text(self) -> str:
        args = {"part": yuan_text(self.part_fen), "rate": percent(self.rate),
                "amount": yuan_text(round_fen(self.amount)) if self.amount == round_fen(self.amount)
                else f"{self.amount / 100:,f}".rstrip("0")}
        if not self.tiered:
            return tr("rw.slice_rate", **args)
        if self.high_fen is None:
            return tr("rw.slice_open", low=yuan_text(self.low_fen), **args)
        return tr("rw.slice", low=yuan_text(self.low_fen), high=yuan_text(self.high_fen), **args)


def slices(rule: Rule, base_fen: int) -> list[Slice]:
    """The base cut into the rule's slices: one for a ``rate``, one per tier reached for ``tiers``."""
    if rule.rate is not None:
        return [Slice(0, None, base_fen, rule.rate, Decimal(base_fen) * rule.rate / _HUNDRED, tiered=False)]
    out, low = [], 0
    for tier in rule.tiers:
        if base_fen <= low:
            break
        high = base_fen if tier.upto_fen is None else min(base_fen, tier.upto_fen)
        out.append(Slice(low, tier.upto_fen, high - low, tier.rate, Decimal(high - low) * tier.rate / _HUNDRED))
        if tier.upto_fen is None:
            break
        low = tier.upto_fen
    return out


@dataclass
class Line:
    """One contract under one rule for one beneficiary: the arithmetic of its reward."""
    rule: Rule
    contract_id: int
    contract_no: str
    title: str
    registered_on: str
    category: str
    beneficiary: tuple       # (kind, id or institution name): who receives
    beneficiary_name: str
    contract_base_fen: int   # the contract's base (for 到账金额: received in the year)
    share_bp: int | None     # 经纪人/经纪机构: the share the base is weighted by (1/100 %)
    base_fen: int            # the beneficiary's base
    slices: list[Slice]
    computed_fen: int        # the slices' sum, rounded half up to the fen
    contract_capped: bool = False
    year_cap: str | None = None  # None | "hit" | "reached"
    result_fen: int = 0

    def arithmetic(self) -> str:
        """The slices, e.g. “0.00–100,000.00 × 1% = 1,000.00；100,000.00 以上 × 0.5% = 500.00”."""
        return tr("rw.sep").join(s.text() for s in self.slices)

    def weighting(self) -> str:
        if self.share_bp is None:
            return ""
        return tr("rw.weighted", base=yuan_text(self.contract_base_fen), share=percent(Decimal(self.share_bp) / 100),
                  weighted=yuan_text(self.base_fen))

    def caps(self) -> str:
        notes = []
        if self.contract_capped:
            notes.append(tr("rw.cap.contract", yuan=yuan_text(self.rule.cap_per_contract_fen)))
        if self.year_cap == "hit":
            notes.append(tr("rw.cap.year_hit", yuan=yuan_text(self.rule.cap_per_year_fen)))
        elif self.year_cap == "reached":
            notes.append(tr("rw.cap.year_reached"))
        return tr("rw.sep").join(notes)


@dataclass
class BeneficiaryTotal:
    kind: str
    key: tuple
    name: str
    contracts: set = field(default_factory=set)
    base_fen: int = 0
    result_fen: int = 0
    cap_notes: list[str] = field(default_factory=list)


@dataclass
class Estimate:
    policy: Policy
    year: int
    lines: list[Line]
    totals: list[BeneficiaryTotal]
    notes: list[str]          # contracts left out by min_base/max_base, shares without an institution
    generated_at: dt.datetime
    ledger_path: str

    @property
    def total_fen(self) -> int:
        return sum(t.result_fen for t in self.totals)

    @property
    def example(self) -> bool:
        return self.policy.builtin


# -- describing a policy ---------------------------------------------------------------------------

def span_text(policy: Policy) -> str:
    if policy.year_from and policy.year_to:
        return tr("rw.span", first=policy.year_from, last=policy.year_to)
    if policy.year_from:
        return tr("rw.span.from", first=policy.year_from)
    if policy.year_to:
        return tr("rw.span.to", last=policy.year_to)
    return ""


def rule_text(rule: Rule) -> str:
    """One rule in words: 第 1 条：买方，技术交易额；比例 2.5%；基数不低于 500,000.00 元；…"""
    parts = [tr("rw.rule", n=rule.number, who=tr(f"rw.beneficiary.{rule.beneficiary}"),
                base=tr(f"rw.base.{rule.base}"))]
    if rule.rate is not None:
        parts.append(tr("rw.rule.rate", rate=percent(rule.rate)))
    else:
        tiers = [tr("rw.rule.tier", upto=yuan_text(t.upto_fen), rate=percent(t.rate)) if t.upto_fen is not None
                 else tr("rw.rule.tier_rest", rate=percent(t.rate)) for t in rule.tiers]
        parts.append(tr("rw.rule.tiers", tiers=tr("rw.list_sep").join(tiers)))
    if rule.categories:
        parts.append(tr("rw.rule.categories", categories=tr("rw.list_sep").join(rule.categories)))
    if rule.region:
        parts.append(tr("rw.rule.region", region=tr("rw.list_sep").join(rule.region)))
    for key, value in (("min", rule.min_base_fen), ("max", rule.max_base_fen),
                       ("cap_contract", rule.cap_per_contract_fen), ("cap_year", rule.cap_per_year_fen)):
        if value is not None:
            parts.append(tr(f"rw.rule.{key}", yuan=yuan_text(value)))
    return tr("rw.sep").join(parts)


# -- the estimate ------------------------------------------------------------------------------------

_COLUMNS = ("c.id, c.contract_no, c.title, c.registered_on, c.category, c.amount_fen, c.tech_fen, "
            "coalesce(c.approved_fen, c.tech_fen), c.buyer_id, buyer.name, coalesce(buyer.region, ''), "
            "c.seller_id, seller.name, coalesce(seller.region, '')")
_PARTIES = "JOIN clients buyer ON buyer.id = c.buyer_id JOIN clients seller ON seller.id = c.seller_id"
_BASE_COLUMN = {"合同成交额": 5, "技术交易额": 6, "核定技术交易额": 7}


def _contracts(conn, first: str, last: str) -> list[tuple]:
    """The registered contracts of the year, in 登记日期 then 合同编号 order."""
    return conn.execute(
        f"SELECT {_COLUMNS} FROM contracts c {_PARTIES} "
        f"WHERE c.registered_on BETWEEN ? AND ? AND +c.status = ? ORDER BY c.registered_on, c.contract_no, c.id",
        [first, last, REGISTERED]).fetchall()


def _received(conn, first: str, last: str) -> tuple[list[tuple], dict[int, int]]:
    """Registered contracts with money received in the year, and that money per contract."""
    sums = dict(conn.execute(
        "SELECT r.contract_id, sum(r.amount_fen) FROM receipts r WHERE r.received_on BETWEEN ? AND ? "
        "GROUP BY r.contract_id", [first, last]).fetchall())
    if not sums:
        return [], {}
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM contracts c {_PARTIES} WHERE c.status = ? AND c.id IN "
        f"(SELECT DISTINCT contract_id FROM receipts WHERE received_on BETWEEN ? AND ?) "
        f"ORDER BY c.registered_on, c.contract_no, c.id", [REGISTERED, first, last]).fetchall()
    return rows, sums


def _brokers(conn, ids: set[int]) -> dict[int, list[tuple]]:
    """Per contract: (broker id, name, institution, share_bp), for the contracts ``ids``."""
    out: dict[int, list[tuple]] = defaultdict(list)
    if not ids:
        return out
    rows = conn.execute("SELECT cb.contract_id, cb.broker_id, b.name, coalesce(trim(b.institution), ''), cb.share_bp "
                        "FROM contract_brokers cb JOIN brokers b ON b.id = cb.broker_id ORDER BY cb.contract_id, "
                        "cb.share_bp DESC, b.name")
    for cid, bid, name, institution, bp in rows:
        if cid in ids:
            out[cid].append((bid, name, institution, bp))
    return out


def _beneficiaries(rule: Rule, row: tuple, brokers: list[tuple], skipped: list[int]):
    """(key, name, share_bp or None) for each beneficiary of ``rule`` on the contract ``row``."""
    if rule.beneficiary in ("买方", "卖方"):
        pid, name, region = row[8:11] if rule.beneficiary == "买方" else row[11:14]
        if rule.region and not region.startswith(rule.region):
            return []
        return [((rule.beneficiary, pid), name, None)]
    if rule.beneficiary == "经纪人":
        return [(("经纪人", bid), name, bp) for bid, name, _, bp in brokers]
    shares: dict[str, int] = {}
    for _, _, institution, bp in brokers:
        if institution:
            shares[institution] = shares.get(institution, 0) + bp
        else:
            skipped[0] += 1
    return [(("经纪机构", inst), inst, bp) for inst, bp in shares.items()]


def check_year(policy: Policy, year: int) -> None:
    """A BrokerDeskError when ``year`` is outside the policy's years (or not a year at all)."""
    period_bounds(year)
    if (policy.year_from and year < policy.year_from) or (policy.year_to and year > policy.year_to):
        raise BrokerDeskError("rw.outside_years", title=policy.title, span=span_text(policy), year=year)


def estimate(ledger, policy: Policy, year: int, now: dt.datetime | None = None) -> Estimate:
    """The estimate of ``policy`` for ``year`` (see the module)."""
    check_year(policy, year)
    _, _, first, last = period_bounds(year)
    conn = ledger.conn
    needs = {r.base for r in policy.rules}
    registered = _contracts(conn, first, last) if needs - {"到账金额"} else []
    received, sums = _received(conn, first, last) if "到账金额" in needs else ([], {})
    if any(r.beneficiary in ("经纪人", "经纪机构") for r in policy.rules):
        brokers = _brokers(conn, {row[0] for row in registered} | {row[0] for row in received})
    else:
        brokers = {}
    lines: list[Line] = []
    totals: dict[tuple, BeneficiaryTotal] = {}
    notes: list[str] = []
    for rule in policy.rules:
        rows = received if rule.base == "到账金额" else registered
        low, high = rule.min_base_fen, rule.max_base_fen
        below = above = 0
        skipped = [0]
        used: dict[tuple, int] = {}
        hit: dict[tuple, str] = {}
        for row in rows:
            if rule.categories and row[4] not in rule.categories:
                continue
            contract_base = sums[row[0]] if rule.base == "到账金额" else row[_BASE_COLUMN[rule.base]]
            if low is not None and contract_base < low:
                below += 1
                continue
            if high is not None and contract_base > high:
                above += 1
                continue
            for key, name, bp in _beneficiaries(rule, row, brokers.get(row[0], []), skipped):
                base = contract_base if bp is None else (contract_base * bp + 5000) // 10000
                parts = slices(rule, base)
                computed = round_fen(sum((s.amount for s in parts), Decimal(0)))
                line = Line(rule, row[0], row[1], row[2], row[3], row[4], key, name, contract_base, bp, base,
                            parts, computed)
                result = computed
                if rule.cap_per_contract_fen is not None and result > rule.cap_per_contract_fen:
                    result, line.contract_capped = rule.cap_per_contract_fen, True
                if rule.cap_per_year_fen is not None:
                    room = rule.cap_per_year_fen - used.get(key, 0)
                    if key in hit:
                        result, line.year_cap = 0, "reached"
                    elif result >= room:
                        result, line.year_cap = room, "hit"
                        hit[key] = row[1]
                    used[key] = used.get(key, 0) + result
                line.result_fen = result
                lines.append(line)
                total = totals.get(key)
                if total is None:
                    total = totals[key] = BeneficiaryTotal(rule.beneficiary, key, name)
                total.contracts.add(row[0])
                total.base_fen += base
                total.result_fen += result
        for key, contract_no in hit.items():
            totals[key].cap_notes.append(tr("rw.cap.year_note", n=rule.number, contract=contract_no,
                                            yuan=yuan_text(rule.cap_per_year_fen)))
        if below:
            notes.append(tr("rw.excluded.below_min", n=rule.number, yuan=yuan_text(low), count=below))
        if above:
            notes.append(tr("rw.excluded.above_max", n=rule.number, yuan=yuan_text(high), count=above))
        if skipped[0]:
            notes.append(tr("rw.excluded.no_institution", n=rule.number, count=skipped[0]))
    order = {kind: i for i, kind in enumerate(("买方", "卖方", "经纪人", "经纪机构"))}
    ranked = sorted(totals.values(), key=lambda t: (order[t.kind], -t.result_fen, t.name))
    path = getattr(ledger, "path", "")
    return Estimate(policy, year, lines, ranked, notes, now or dt.datetime.now(), str(path))


def estimate_file_name(estimate_: Estimate, suffix: str) -> str:
    """A default file name: 2024年奖补测算-江西网上技术市场.xlsx."""
    return f"{estimate_.year}年奖补测算-{estimate_.policy.name}{suffix}"


__all__ = ["Estimate", "Line", "Slice", "BeneficiaryTotal", "estimate", "check_year", "rule_text", "span_text",
           "percent", "round_fen", "slices"]
