"""The front office's funnel (DESIGN §3): 需求 → 对接 → 签约 for a period, in all and per broker.

Over the years ``year_from``–``year_to`` (or the days ``first``–``last``):

* 需求: the demands of the period — dated by 发布日期, else by the day they were entered;
* 对接: the engagements of the period — dated by 开始日期, else by the day they were entered;
* 签约: of those engagements, the ones signed (阶段 已签约) by now, with the 成交额 of the
  contracts signed from them; 签约率 is 签约 / 对接 (None when there is no engagement).

Per broker: the demands the broker is in charge of (负责经纪人), the engagements the broker
works on (any share), and the 成交额 of their contracts weighted by the broker's share of the
engagement (rounded half up to the fen once, as the rankings do). The totals count each
record once. :func:`engagement_counts` gives the rankings their 对接项目数 and 签约率.
"""

from __future__ import annotations

from dataclasses import dataclass

from .frontoffice import SIGNED
from .ranking_base import SHARE_SCALE, name_key, period_bounds, weighted

#: The day a demand or an engagement counts on: its own date, else the day it was entered.
_DEMAND_DAY = "coalesce(d.published_on, substr(d.created_at, 1, 10))"
_ENGAGEMENT_DAY = "coalesce(e.started_on, substr(e.created_at, 1, 10))"
#: The engagements of the period (?1 first day, ?2 last day), with whether signed and their contracts' 成交额.
_ENGAGEMENTS = (f"SELECT e.id, e.stage = '{SIGNED}' AS signed, "
                "(SELECT coalesce(sum(c.amount_fen), 0) FROM contracts c WHERE c.engagement_id = e.id) AS amount_fen "
                f"FROM engagements e WHERE {_ENGAGEMENT_DAY} BETWEEN ?1 AND ?2")


@dataclass
class FunnelRow:
    key: int | None          # the broker's id; None for the totals
    name: str
    demands: int
    engagements: int
    signed: int
    signed_fen: int          # 成交额 of the contracts signed from them (a broker's: by share)

    @property
    def signing_rate(self) -> float | None:
        """签约 / 对接, or None without engagements."""
        return self.signed / self.engagements if self.engagements else None


@dataclass
class Funnel:
    first: str
    last: str
    totals: FunnelRow
    brokers: list[FunnelRow]   # every broker with a demand or an engagement in the period, by name


def compute(ledger, year_from: int, year_to: int | None = None, *, first: str | None = None,
            last: str | None = None) -> Funnel:
    """The funnel of a period: the years ``year_from``–``year_to``, or the ISO days ``first``–``last``."""
    if first is None or last is None:
        _, _, first, last = period_bounds(year_from, year_to)
    conn, days = ledger.conn, [first, last]
    demands = conn.execute(f"SELECT count(*) FROM demands d WHERE {_DEMAND_DAY} BETWEEN ?1 AND ?2", days).fetchone()[0]
    engagements, signed, amount = conn.execute(
        f"WITH e AS ({_ENGAGEMENTS}) SELECT count(*), coalesce(sum(signed), 0), "
        "coalesce(sum(CASE WHEN signed THEN amount_fen END), 0) FROM e", days).fetchone()
    totals = FunnelRow(None, "", demands, engagements, signed, amount)
    rows: dict[int, FunnelRow] = {}
    names = dict(conn.execute("SELECT id, name FROM brokers"))

    def row(broker_id: int) -> FunnelRow:
        return rows.setdefault(broker_id, FunnelRow(broker_id, names[broker_id], 0, 0, 0, 0))

    for broker_id, n in conn.execute(f"SELECT d.broker_id, count(*) FROM demands d WHERE d.broker_id IS NOT NULL "
                                     f"AND {_DEMAND_DAY} BETWEEN ?1 AND ?2 GROUP BY d.broker_id", days):
        row(broker_id).demands = n
    for broker_id, n, s, a1, a2 in conn.execute(
            f"WITH e AS ({_ENGAGEMENTS}) SELECT x.broker_id, count(*), sum(e.signed), "
            "sum(CASE WHEN e.signed THEN x.share_bp * (e.amount_fen / 10000) ELSE 0 END), "
            "sum(CASE WHEN e.signed THEN x.share_bp * (e.amount_fen % 10000) ELSE 0 END) "
            "FROM e JOIN engagement_brokers x ON x.engagement_id = e.id GROUP BY x.broker_id", days):
        r = row(broker_id)
        r.engagements, r.signed, r.signed_fen = n, s, weighted(a1 * SHARE_SCALE + a2)
    return Funnel(first, last, totals, sorted(rows.values(), key=lambda r: (name_key(r.name), r.key)))


def engagement_counts(conn, first: str, last: str, by: str = "broker") -> dict:
    """(对接项目数, 签约数) of the period per broker id (``by`` "broker") or per 所属机构 name
    ("institution", each engagement once per institution)."""
    group = "x.broker_id" if by == "broker" else "coalesce(trim(b.institution), '')"
    join = "" if by == "broker" else " JOIN brokers b ON b.id = x.broker_id"
    sql = (f"WITH e AS ({_ENGAGEMENTS}) SELECT {group} AS g, count(DISTINCT e.id), "
           "count(DISTINCT CASE WHEN e.signed THEN e.id END) "
           f"FROM e JOIN engagement_brokers x ON x.engagement_id = e.id{join} GROUP BY g")
    return {g: (n, s) for g, n, s in conn.execute(sql, [first, last])}


def engagement_totals(conn, first: str, last: str) -> tuple[int, int]:
    """(对接项目数, 签约数) of the period's engagements that have a broker (a ranking's totals)."""
    return conn.execute(f"WITH e AS ({_ENGAGEMENTS}) SELECT count(*), coalesce(sum(signed), 0) FROM e WHERE "
                        "EXISTS (SELECT 1 FROM engagement_brokers x WHERE x.engagement_id = e.id)",
                        [first, last]).fetchone()


def rate_text(rate: float | None) -> str:
    """签约率 as a person reads it: ``66.7%``; ``—`` without engagements."""
    return "—" if rate is None else f"{rate:.1%}"


def years(conn) -> list[int]:
    """The years with a demand or an engagement (by the days they count on), newest first."""
    sql = (f"SELECT DISTINCT CAST(substr(day, 1, 4) AS INTEGER) FROM (SELECT {_DEMAND_DAY} AS day FROM demands d "
           f"UNION SELECT {_ENGAGEMENT_DAY} FROM engagements e) WHERE day IS NOT NULL ORDER BY 1 DESC")
    return [y for (y,) in conn.execute(sql)]
