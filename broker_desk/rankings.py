"""Broker and institution rankings (排行榜, DESIGN.md §3 Rankings).

A ranking covers the contracts in 已登记 status whose 登记日期 falls in a year
or a span of whole years (1 January of the first to 31 December of the last).
Refused (不予登记) and withdrawn (已撤销) registrations never count, nor does a
contract still waiting (已受理 …): only the status 已登记 does.

Per broker (or per institution, a broker's 所属机构; brokers without one group
under "（未填所属机构）"):

* 登记合同数: the contracts the broker (any broker of the institution) took part in;
* 成交额, 核定技术交易额, 佣金: share-weighted. Every figure is computed exactly in
  integer arithmetic: the sum over the group's contract links of
  ``share_bp × fen`` (share in 1/100 %), divided by 10,000 **once at the end**
  and rounded half up to whole fen. A contract's commission is split by the
  same shares; 核定技术交易额 falls back to the declared 技术交易额 where a
  registered contract has none recorded;
* 服务客户数: distinct clients among the buyers and sellers of those contracts.

Order: the measures of the ``rankings.order`` setting, first to last (numbers
from high to low; default 核定技术交易额, then 登记合同数, then name). Rows equal
on every numeric measure share a rank and the next rank is skipped (1, 2, 2, 4,
"competition ranking"); the name only orders the display of tied rows. Names
sort in pinyin order approximated without ICU or Qt: by their GB18030 bytes,
which order the 3,755 common (GB 2312 level 1) hanzi by pinyin; rarer hanzi
follow by radical, and Latin letters and digits come first.

Totals count each contract once (it may have several brokers) with its full,
unweighted amounts: the contracts registered in the period that have a broker.
The aggregation is one SQL ``GROUP BY`` over ``contract_brokers`` joined to the
contracts found by the ``contracts_registered`` index.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .errors import BrokerDeskError
from .i18n import tr
from .ranking_base import SHARE_SCALE, name_key, period_bounds, period_text, weighted
from .registration import REGISTERED

i18n.register({
    "rank.measure.approved": ("核定技术交易额", "approved technology turnover"),
    "rank.measure.amount": ("成交额", "contract turnover"),
    "rank.measure.commission": ("佣金", "commission"),
    "rank.measure.contracts": ("登记合同数", "registered contracts"),
    "rank.measure.clients": ("服务客户数", "clients served"),
    "rank.measure.name.broker": ("姓名", "name"),
    "rank.measure.name.institution": ("机构名称", "institution name"),
    "rank.rule": ("按{measures}从高到低排序，数值相同者名次并列；同名次按{name}拼音排列",
                  "Ordered by {measures}, highest first; equal values share a rank; tied rows in {name} order"),
    "rank.rule.none": ("不比较数值，全部名次并列；按{name}拼音排列",
                       "No measure compared: all share one rank; rows in {name} order"),
    "rank.sep": ("、", ", "),
    "rank.no_institution": ("（未填所属机构）", "(no institution)"),
    "rank.total": ("合计", "Total"),
    "rank.by.broker": ("技术经纪人", "technology brokers"),
    "rank.by.institution": ("技术经纪人所属机构", "brokers' institutions"),
    "rank.title": ("{period}{by}排行榜", "Ranking of {by}, {period}"),
    "rank.bad_order": ("排行榜排序规则有误：“{value}”（可用：{allowed}；姓名只能放在最后）",
                       "The ranking order is not valid: “{value}” (allowed: {allowed}; the name comes last)"),
    "rank.bad_by": ("排行榜只能按经纪人（broker）或所属机构（institution）分组，不能按“{value}”",
                    "Rankings group by broker or institution, not by “{value}”"),
})

BY = ("broker", "institution")
#: Measures a ranking can be ordered by (the ``rankings.order`` setting's keys).
MEASURES = ("approved", "amount", "commission", "contracts", "clients", "name")
NUMERIC = ("approved", "amount", "commission", "contracts", "clients")
#: The measures that are amounts of money: a ranking states them in 万元 wherever it is shown.
MONEY = ("approved", "amount", "commission")
DEFAULT_ORDER = ["approved", "contracts", "name"]
#: The RankingRow attribute each numeric measure reads.
ATTRIBUTE = {"approved": "approved_fen", "amount": "amount_fen", "commission": "commission_fen",
             "contracts": "contracts", "clients": "clients"}


@dataclass
class RankingRow:
    rank: int
    key: str | int          # the broker's id, or the institution's name ("" for none)
    name: str               # the broker's name, or the institution's display name
    institution: str        # the broker's 所属机构 ("" for none); for an institution row, its name
    contracts: int
    amount_fen: int
    approved_fen: int
    commission_fen: int
    clients: int
    # the front office's extra columns (off by default; never part of the order): see funnel.py
    engagements: int | None = None    # 对接项目数: engagements of the period the broker works on
    signed: int | None = None         # of those, signed

    @property
    def signing_rate(self) -> float | None:
        """签约率: signed / engagements (None without the extra columns or without engagements)."""
        return self.signed / self.engagements if self.engagements else None


@dataclass
class Ranking:
    by: str
    year_from: int
    year_to: int
    order: list[str]
    rule_text: str
    rows: list[RankingRow]
    totals: RankingRow
    generated_at: dt.datetime
    ledger_path: str
    front_office: bool = False   # the rows carry 对接项目数 and 签约率

    @property
    def period_text(self) -> str:
        return period_text(self.year_from, self.year_to)

    @property
    def title(self) -> str:
        return tr("rank.title", period=self.period_text, by=tr(f"rank.by.{self.by}"))

    @property
    def first_measure(self) -> str:
        """The measure ranked first (``approved`` when the order compares none)."""
        return next((m for m in self.order if m != "name"), "approved")

    def top(self, n: int = 10) -> list[RankingRow]:
        """The first ``n`` rows (the chart's "top ten")."""
        return self.rows[:n]


def check_order(order) -> list[str]:
    """The order as a list of measure keys, with ``name`` last; a BrokerDeskError if it is not valid."""
    allowed = "、".join(MEASURES)
    if isinstance(order, str) or not isinstance(order, list | tuple):
        raise BrokerDeskError("rank.bad_order", value=order, allowed=allowed)
    result: list[str] = []
    for measure in order:
        if measure not in MEASURES or measure in result or "name" in result:
            raise BrokerDeskError("rank.bad_order", value="、".join(map(str, order)), allowed=allowed)
        result.append(measure)
    if "name" not in result:
        result.append("name")
    return result


def measure_label(measure: str, by: str = "broker") -> str:
    return tr(f"rank.measure.name.{by}") if measure == "name" else tr(f"rank.measure.{measure}")


def rule_text(order: list[str], by: str = "broker") -> str:
    """What the order is, in words: 按核定技术交易额、登记合同数从高到低排序，数值相同者名次并列…"""
    numeric = [m for m in order if m != "name"]
    name = measure_label("name", by)
    if not numeric:
        return tr("rank.rule.none", name=name)
    return tr("rank.rule", measures=tr("rank.sep").join(measure_label(m, by) for m in numeric), name=name)


# -- SQL ------------------------------------------------------------------------------------

#: The registered contracts of a period (?1 first day, ?2 last day). ``+status`` keeps SQLite
#: on the contracts_registered index instead of contracts_status (most contracts are registered).
REGISTERED_SQL = (f"SELECT id, buyer_id, seller_id, amount_fen, coalesce(approved_fen, tech_fen) AS approved_fen, "
               f"coalesce(commission_fen, 0) AS commission_fen FROM contracts "
               f"WHERE registered_on BETWEEN ?1 AND ?2 AND +status = '{REGISTERED}'")
_GROUP = {"broker": "cb.broker_id",
          "institution": "coalesce(trim(b.institution), '')"}
_JOIN = {"broker": "", "institution": " JOIN brokers b ON b.id = cb.broker_id"}


def _exact(column: str) -> str:
    """Two integer sums whose ``10000 × first + second`` is ``Σ share_bp × column`` exactly:
    splitting the amount keeps each SQLite sum far from 64-bit overflow."""
    return f"sum(cb.share_bp * (r.{column} / 10000)), sum(cb.share_bp * (r.{column} % 10000))"


def _aggregate(conn, by: str, first: str, last: str) -> dict:
    group = _GROUP[by]
    counted = "count(*)" if by == "broker" else "count(DISTINCT r.id)"
    sql = (f"WITH r AS ({REGISTERED_SQL}) SELECT {group} AS g, {counted}, {_exact('amount_fen')}, "
           f"{_exact('approved_fen')}, {_exact('commission_fen')} "
           f"FROM r JOIN contract_brokers cb ON cb.contract_id = r.id{_JOIN[by]} GROUP BY g")
    figures = {}
    for g, contracts, a1, a2, p1, p2, c1, c2 in conn.execute(sql, [first, last]):
        figures[g] = [contracts, weighted(a1 * SHARE_SCALE + a2), weighted(p1 * SHARE_SCALE + p2),
                      weighted(c1 * SHARE_SCALE + c2), 0]
    clients = (f"WITH r AS ({REGISTERED_SQL}), p AS ("
               f"SELECT {group} AS g, r.buyer_id AS party FROM r JOIN contract_brokers cb ON cb.contract_id = r.id"
               f"{_JOIN[by]} UNION ALL "
               f"SELECT {group} AS g, r.seller_id FROM r JOIN contract_brokers cb ON cb.contract_id = r.id"
               f"{_JOIN[by]}) SELECT g, count(DISTINCT party) FROM p GROUP BY g")
    for g, n in conn.execute(clients, [first, last]):
        figures[g][4] = n
    return figures


def _totals(conn, first: str, last: str, by: str) -> RankingRow:
    with_broker = "EXISTS (SELECT 1 FROM contract_brokers cb WHERE cb.contract_id = r.id)"
    n, amount, approved, commission = conn.execute(
        f"WITH r AS ({REGISTERED_SQL}) SELECT count(*), coalesce(sum(amount_fen), 0), coalesce(sum(approved_fen), 0), "
        f"coalesce(sum(commission_fen), 0) FROM r WHERE {with_broker}", [first, last]).fetchone()
    clients = conn.execute(
        f"WITH r AS ({REGISTERED_SQL}) SELECT count(*) FROM (SELECT buyer_id FROM r WHERE {with_broker} "
        f"UNION SELECT seller_id FROM r WHERE {with_broker})", [first, last]).fetchone()[0]
    return RankingRow(0, "", tr("rank.total"), "", n, amount, approved, commission, clients)


def _check_by(by: str) -> str:
    if by not in BY:
        raise BrokerDeskError("rank.bad_by", value=by)
    return by


def compute(ledger, year_from: int, year_to: int | None = None, by: str = "broker",
            order: list[str] | None = None, front_office: bool | None = None) -> Ranking:
    """The ranking of ``by`` (``"broker"`` or ``"institution"``) for the years ``year_from``–``year_to``.

    ``order`` None: the ledger's ``rankings.order`` setting. ``front_office`` (None: the
    ``rankings.front_office`` setting) adds 对接项目数 and 签约率 to the rows (the order rule stays).
    Raises BrokerDeskError for a bad period, grouping or order.
    """
    _check_by(by)
    year_from, year_to, first, last = period_bounds(year_from, year_to)
    order = check_order(ledger.setting("rankings.order") if order is None else order)
    conn = ledger.conn
    conn.execute("SAVEPOINT ranking")  # one snapshot for the figures and the totals
    try:
        figures = _aggregate(conn, by, first, last)
        totals = _totals(conn, first, last, by)
        rows = []
        if by == "broker":
            brokers = {i: (name, (inst or "").strip()) for i, name, inst in conn.execute(
                "SELECT id, name, institution FROM brokers")}
            for key, f in figures.items():
                name, inst = brokers[key]
                rows.append(RankingRow(0, key, name, inst, *f))
        else:
            for key, f in figures.items():
                name = key or tr("rank.no_institution")
                rows.append(RankingRow(0, key, name, name, *f))
        if front_office is None:
            front_office = bool(ledger.setting("rankings.front_office"))
        if front_office:
            from .funnel import engagement_counts, engagement_totals

            counts = engagement_counts(conn, first, last, by)
            for row in rows:
                row.engagements, row.signed = counts.get(row.key, (0, 0))
            totals.engagements, totals.signed = engagement_totals(conn, first, last)
    finally:
        conn.execute("RELEASE ranking")
    attributes = [ATTRIBUTE[m] for m in order if m != "name"]

    def measures(row: RankingRow) -> tuple:
        return tuple(getattr(row, a) for a in attributes)

    rows.sort(key=lambda r: (tuple(-v for v in measures(r)), name_key(r.name), str(r.key)))
    previous = None
    for position, row in enumerate(rows, 1):
        current = measures(row)
        row.rank = rows[position - 2].rank if current == previous else position
        previous = current
    return Ranking(by=by, year_from=year_from, year_to=year_to, order=order, rule_text=rule_text(order, by),
                   rows=rows, totals=totals, generated_at=dt.datetime.now().astimezone().replace(microsecond=0),
                   ledger_path=str(Path(ledger.path).resolve()), front_office=front_office)


# -- the contracts behind a row ------------------------------------------------------------------

_ALL = object()


def _period_of(ranking_or_period, by: str | None) -> tuple[str, int, int, str, str]:
    if isinstance(ranking_or_period, Ranking):
        r = ranking_or_period
        return (by or r.by, *period_bounds(r.year_from, r.year_to))
    if isinstance(ranking_or_period, tuple | list):
        return (_check_by(by or "broker"), *period_bounds(*ranking_or_period))
    return (_check_by(by or "broker"), *period_bounds(ranking_or_period))


def _share_text(share_bp: int) -> str:
    return f"{share_bp / 100:g}%"


def _contribution_rows(ledger, by: str, first: str, last: str, key=_ALL) -> OrderedDict:
    """group key -> {contract id -> contribution dict}, contracts in 登记日期 order."""
    group = _GROUP[by]
    where = "" if key is _ALL else f" WHERE {group} = ?3"
    params = [first, last] if key is _ALL else [first, last, key]
    sql = (f"WITH r AS ({REGISTERED_SQL}) SELECT {group} AS g, r.id, c.contract_no, c.reg_no, c.title, "
           f"c.registered_on, cb.share_bp, r.amount_fen, r.approved_fen, r.commission_fen, "
           f"buyer.name, seller.name FROM r JOIN contract_brokers cb ON cb.contract_id = r.id{_JOIN[by]} "
           f"JOIN contracts c ON c.id = r.id "
           f"JOIN clients buyer ON buyer.id = r.buyer_id JOIN clients seller ON seller.id = r.seller_id"
           f"{where} ORDER BY c.registered_on, r.id, cb.rowid")
    groups: OrderedDict = OrderedDict()
    for (g, cid, contract_no, reg_no, title, registered_on, share_bp, amount, approved, commission,
         buyer, seller) in ledger.conn.execute(sql, params):
        contracts = groups.setdefault(g, OrderedDict())
        item = contracts.get(cid)
        if item is None:
            item = contracts[cid] = {
                "contract_id": cid, "contract_no": contract_no, "reg_no": reg_no, "title": title,
                "registered_on": registered_on, "buyer": buyer, "seller": seller,
                "share_bp": 0, "amount_fen": amount, "approved_fen": approved, "commission_fen": commission}
        item["share_bp"] += share_bp
    everyone = _brokers_text(ledger, first, last, None if key is _ALL else
                             [cid for contracts in groups.values() for cid in contracts])
    for contracts in groups.values():
        for cid, item in contracts.items():
            bp = item["share_bp"]
            item["brokers"] = everyone.get(cid, "")
            item["share"] = _share_text(bp)
            for measure in ("amount_fen", "approved_fen", "commission_fen"):
                item[f"weighted_{measure}"] = weighted(bp * item[measure])
    return groups


def _brokers_text(ledger, first: str, last: str, ids: list[int] | None) -> dict[int, str]:
    """contract id -> all its brokers with their shares, ``张三(60%)；李四(40%)`` (the contract's order)."""
    where = "" if ids is None else f" WHERE r.id IN ({','.join(str(int(i)) for i in ids)})"
    sql = (f"WITH r AS ({REGISTERED_SQL}) SELECT r.id, b.name, cb.share_bp FROM r "
           f"JOIN contract_brokers cb ON cb.contract_id = r.id JOIN brokers b ON b.id = cb.broker_id{where} "
           f"ORDER BY r.id, cb.rowid")
    parts: dict[int, list[str]] = {}
    for cid, name, bp in ledger.conn.execute(sql, [first, last]):
        parts.setdefault(cid, []).append(f"{name}({_share_text(bp)})")
    return {cid: "；".join(p) for cid, p in parts.items()}


def contributions(ledger, ranking_or_period, key, by: str | None = None) -> list[dict]:
    """The contracts that make up one row's figures, in 登记日期 order.

    ``ranking_or_period``: a :class:`Ranking` (its period and grouping), or a year, or
    ``(year_from, year_to)`` with ``by`` (default ``"broker"``). ``key``: the row's key
    (a broker id; an institution name, ``""`` for brokers without one).

    Each dict: ``contract_id, contract_no, reg_no, title, registered_on`` (ISO),
    ``buyer, seller`` (names), ``brokers`` (all the contract's brokers: ``张三(60%)；李四(40%)``),
    ``share_bp`` (the group's share; an institution adds its brokers' shares) and
    ``share`` (``"60%"``), the contract's full ``amount_fen, approved_fen, commission_fen``
    and the share of each, ``weighted_amount_fen`` … rounded half up per contract. The
    row's figure rounds the exact sum once, so it may differ from the sum of the
    rounded ``weighted_*`` by a fen or two: ``Σ share_bp × amount_fen / 10000`` is the check.
    """
    by, _, _, first, last = _period_of(ranking_or_period, by)
    groups = _contribution_rows(ledger, by, first, last, key)
    return list(groups.get(key, {}).values())


def all_contributions(ledger, ranking: Ranking) -> dict:
    """``contributions`` of every row of ``ranking`` at once: key -> list of dicts."""
    _, _, first, last = period_bounds(ranking.year_from, ranking.year_to)
    return {g: list(items.values())
            for g, items in _contribution_rows(ledger, ranking.by, first, last).items()}


def contract_ids(ledger, year_from: int, year_to: int | None, by: str, key) -> list[int]:
    """The ids of the contracts behind one row (登记日期 order): for "open that broker's contracts"."""
    _check_by(by)
    _, _, first, last = period_bounds(year_from, year_to)
    sql = (f"WITH r AS ({REGISTERED_SQL}) SELECT DISTINCT r.id, c.registered_on FROM r "
           f"JOIN contract_brokers cb ON cb.contract_id = r.id{_JOIN[by]} JOIN contracts c ON c.id = r.id "
           f"WHERE {_GROUP[by]} = ?3 ORDER BY c.registered_on, r.id")
    return [cid for cid, _ in ledger.conn.execute(sql, [first, last, key])]

