"""Technology-market statistics for a year or a span of years (issue 6).

Over the contracts in 已登记 status whose 登记日期 falls in the period (the same
contracts a ranking looks at, with or without a broker):

* contracts and amounts (成交额, 技术交易额, 核定技术交易额) by 合同类别, by 技术领域,
  by the buyer's province and by month. Categories and fields come in the order
  of their code tables, each listed even when it has no contract; a value outside
  the table follows, then the blank one. Provinces come by 成交额, highest first;
  a foreign buyer counts under 境外, a buyer without a region code under
  "（未填地区）". Months run over the whole period (``2025-01`` …), empty ones included;
* the ten buyers and the ten sellers with the highest 成交额 (then more contracts,
  then name);
* how long registration took: days from 受理日期 to 登记日期 (the first acceptance;
  time spent on a correction counts), their count, median (the mean of the two
  middle values for an even count) and 90th percentile (nearest rank: the smallest
  value that at least 90 % of the contracts do not exceed);
* overdue cases: contracts in 已受理 past the office's time limit (the ledger's
  setting) on the period's last day, or today when the period has not ended yet.
  For a past day the state is rebuilt from the registration history: a contract
  was waiting on that day when its last move up to then was to 已受理, and its
  clock ran from that move (corrected papers restart it). A contract with no
  history at all counts by its current state;
* the front office's funnel 需求 → 对接 → 签约 of the same days, in all and per broker
  (:mod:`broker_desk.funnel`: demands and engagements count by their own dates).

Money is integer fen throughout; every sum is done by SQLite over integers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from . import codes, i18n, region_names
from .funnel import Funnel
from .funnel import compute as compute_funnel
from .i18n import tr
from .rankings import REGISTERED_SQL, period_bounds, period_text
from .registration import ACCEPTED, REGISTERED, WITHDRAWN

i18n.register({
    "stats.blank": ("（未填）", "(blank)"),
    "stats.no_region": ("（未填地区）", "(no region)"),
    "stats.abroad": ("境外", "abroad"),
    "stats.total": ("合计", "Total"),
})

TOP = 10


class Group(NamedTuple):
    label: str
    contracts: int
    amount_fen: int
    tech_fen: int
    approved_fen: int


class Party(NamedTuple):
    name: str
    contracts: int
    amount_fen: int


class Duration(NamedTuple):
    count: int
    median_days: float | None
    p90_days: int | None


class Overdue(NamedTuple):
    count: int
    ids: list[int]


@dataclass
class Statistics:
    year_from: int
    year_to: int
    totals: Group
    by_category: list[Group]
    by_field: list[Group]
    by_province: list[Group]
    by_month: list[Group]
    top_buyers: list[Party]
    top_sellers: list[Party]
    duration: Duration
    overdue: Overdue
    overdue_as_of: dt.date
    generated_at: dt.datetime
    ledger_path: str
    funnel: Funnel | None = None   # 需求 → 对接 → 签约 of the same years

    @property
    def period_text(self) -> str:
        return period_text(self.year_from, self.year_to)


_SUMS = "count(*), coalesce(sum(amount_fen), 0), coalesce(sum(tech_fen), 0), coalesce(sum(approved_fen), 0)"
#: The period's registered contracts, copied once into a small temporary table (a single
#: pass over the contracts_registered index) that every GROUP BY below reads.
_SOURCE = "temp.broker_desk_statistics"


def _registered(columns: str) -> str:
    """The registered contracts of the period (?1, ?2) with extra contract ``columns``."""
    return REGISTERED_SQL.replace("SELECT id,", f"SELECT id, {columns},", 1)


def _collect(conn, first: str, last: str) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {_SOURCE}")
    conn.execute(f"CREATE TEMP TABLE {_SOURCE.split('.')[1]} AS "
                 + _registered("category, field, substr(registered_on, 1, 7) AS month, tech_fen, "
                               "accepted_on, registered_on"), [first, last])


def _grouped(conn, column: str) -> dict:
    return {g: tuple(rest) for g, *rest in conn.execute(f"SELECT {column}, {_SUMS} FROM {_SOURCE} GROUP BY 1")}


def _in_table_order(found: dict, names: list[str]) -> list[Group]:
    rows = [Group(name, *found.pop(name, (0, 0, 0, 0))) for name in names]
    blank = [found.pop(k) for k in (None, "") if k in found]
    rows += [Group(k, *v) for k, v in sorted(found.items(), key=lambda kv: str(kv[0]).encode("gb18030"))]
    if blank:
        rows.append(Group(tr("stats.blank"), *(sum(col) for col in zip(*blank, strict=True))))
    return rows


def _province_label(region: str | None) -> str:
    region = (region or "").strip()
    if not region:
        return tr("stats.no_region")
    if codes.is_foreign_code(region):
        return tr("stats.abroad")
    province = codes.province_code(region)
    if province is None:
        return tr("stats.no_region")
    return region_names.place_label(province)


def _by_province(conn) -> list[Group]:
    sql = (f"SELECT cl.region, {_SUMS} FROM {_SOURCE} r JOIN clients cl ON cl.id = r.buyer_id "
           f"GROUP BY cl.region")
    totals: dict[str, list[int]] = {}
    for region, *sums in conn.execute(sql):
        acc = totals.setdefault(_province_label(region), [0, 0, 0, 0])
        for i, v in enumerate(sums):
            acc[i] += v
    rows = [Group(label, *v) for label, v in totals.items()]
    rows.sort(key=lambda g: (-g.amount_fen, -g.contracts, g.label.encode("gb18030")))
    return rows


def _by_month(conn, year_from: int, year_to: int) -> list[Group]:
    found = _grouped(conn, "month")
    months = [f"{y:04d}-{m:02d}" for y in range(year_from, year_to + 1) for m in range(1, 13)]
    return [Group(m, *found.get(m, (0, 0, 0, 0))) for m in months]


def _top(conn, column: str) -> list[Party]:
    """The ten parties with the most 成交额 (then contracts, then name): every party tied with
    the tenth is fetched, so that the name decides among them."""
    tenth = (f"SELECT coalesce((SELECT sum(amount_fen) AS a FROM {_SOURCE} GROUP BY {column} "
             f"ORDER BY a DESC LIMIT 1 OFFSET {TOP - 1}), 0)")
    sql = (f"SELECT cl.name, count(*), sum(r.amount_fen) FROM {_SOURCE} r JOIN clients cl ON cl.id = r.{column} "
           f"GROUP BY r.{column} HAVING sum(r.amount_fen) >= ({tenth})")
    rows = [Party(name, n, amount) for name, n, amount in conn.execute(sql)]
    rows.sort(key=lambda p: (-p.amount_fen, -p.contracts, p.name.encode("gb18030")))
    return rows[:TOP]


def percentile(sorted_values: list[int], p: float) -> int | None:
    """Nearest-rank percentile: the smallest value that ``p`` (0–1) of the values do not exceed."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def _duration(conn) -> Duration:
    sql = (f"SELECT CAST(julianday(registered_on) - julianday(accepted_on) AS INTEGER) AS d FROM {_SOURCE} "
           f"WHERE accepted_on IS NOT NULL ORDER BY d")
    days = [d for (d,) in conn.execute(sql) if d is not None]
    if not days:
        return Duration(0, None, None)
    n = len(days)
    median = days[n // 2] if n % 2 else (days[n // 2 - 1] + days[n // 2]) / 2
    return Duration(n, float(median), percentile(days, 0.9))


def overdue_on(ledger, day: dt.date) -> list[int]:
    """Contracts that were in 已受理 past their deadline on ``day`` (longest waiting first)."""
    # Only contracts signed before the day can have been accepted by then; one registered by that
    # day and still registered (or since withdrawn) was not waiting: leave those out early.
    sql = (f"WITH maybe AS (SELECT id FROM contracts WHERE signed_on < ?1 AND NOT (status IN "
           f"('{REGISTERED}', '{WITHDRAWN}') AND registered_on <= ?1)), "
           "last AS (SELECT e.contract_id, e.to_status, e.on_date, "
           "row_number() OVER (PARTITION BY e.contract_id ORDER BY e.on_date DESC, e.id DESC) AS n "
           "FROM maybe JOIN registration_events e ON e.contract_id = maybe.id WHERE e.on_date <= ?1), "
           "waiting AS (SELECT contract_id AS id, on_date AS clock FROM last WHERE n = 1 AND to_status = ?2 "
           "AND on_date < ?1 UNION ALL SELECT id, clock_from FROM contracts c WHERE status = ?2 AND clock_from < ?1 "
           "AND NOT EXISTS (SELECT 1 FROM registration_events e WHERE e.contract_id = c.id)) "
           # accepted then (a contract accepted again since: the step's own day)
           "SELECT w.id, w.clock, CASE WHEN c.accepted_on <= w.clock THEN c.accepted_on ELSE w.clock END, "
           "c.tech_fen, c.expert_review FROM waiting w JOIN contracts c ON c.id = w.id ORDER BY 2, 1")
    rule, today = ledger.deadlines(), day.isoformat()
    return [cid for cid, clock, accepted, tech, expert in ledger.conn.execute(sql, [today, ACCEPTED])
            if rule.due(accepted, clock, tech, expert).on < day]


def overdue_rows(ledger, statistics: Statistics) -> list[dict]:
    """The overdue cases with what a list shows: 合同编号, 项目名称, 卖方, 登记机构, 受理日期,
    the day the clock ran from, the deadline and the days past it (on ``overdue_as_of``)."""
    ids = statistics.overdue.ids
    if not ids:
        return []
    day = statistics.overdue_as_of
    rule = ledger.deadlines()
    clocks = dict(ledger.conn.execute(  # the clock ran from the last move to 已受理 up to that day
        f"SELECT contract_id, max(on_date) FROM registration_events WHERE to_status = ? AND on_date <= ? "
        f"AND contract_id IN ({','.join(map(str, ids))}) GROUP BY contract_id", [ACCEPTED, day.isoformat()]))
    info = {}
    for cid, contract_no, title, seller, office, accepted_on, clock_from, tech, expert in ledger.conn.execute(
            "SELECT c.id, c.contract_no, c.title, s.name, c.reg_office, c.accepted_on, c.clock_from, c.tech_fen, "
            f"c.expert_review FROM contracts c JOIN clients s ON s.id = c.seller_id "
            f"WHERE c.id IN ({','.join(map(str, ids))})"):
        clock = clocks.get(cid) or clock_from
        accepted_then = min(accepted_on, clock) if accepted_on and clock else accepted_on
        deadline = rule.due(accepted_then, clock, tech, expert).on if clock else None
        info[cid] = {"contract_id": cid, "contract_no": contract_no, "title": title, "seller": seller,
                     "reg_office": office, "accepted_on": accepted_on, "clock_from": clock,
                     "deadline": deadline.isoformat() if deadline else None,
                     "days_over": (day - deadline).days if deadline else None}
    return [info[i] for i in ids if i in info]


def compute(ledger, year_from: int, year_to: int | None = None, today: dt.date | None = None) -> Statistics:
    """Statistics of the contracts registered in ``year_from``–``year_to`` (see the module)."""
    year_from, year_to, first, last = period_bounds(year_from, year_to)
    today = today or dt.date.today()
    conn = ledger.conn
    tables = codes.tables()
    conn.execute("SAVEPOINT statistics")  # one snapshot for every figure
    try:
        _collect(conn, first, last)
        total = conn.execute(f"SELECT {_SUMS} FROM {_SOURCE}").fetchone()
        by_category = _in_table_order(_grouped(conn, "category"), tables.names("contract_category"))
        by_field = _in_table_order(_grouped(conn, "field"), tables.names("tech_field"))
        by_province = _by_province(conn)
        by_month = _by_month(conn, year_from, year_to)
        top_buyers = _top(conn, "buyer_id")
        top_sellers = _top(conn, "seller_id")
        duration = _duration(conn)
        as_of = min(dt.date(year_to, 12, 31), today)
        ids = ledger.overdue(today) if as_of == today else overdue_on(ledger, as_of)
        front = compute_funnel(ledger, year_from, year_to, first=first, last=last)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_SOURCE}")
        conn.execute("RELEASE statistics")
    return Statistics(
        year_from=year_from, year_to=year_to, totals=Group(tr("stats.total"), *total),
        by_category=by_category, by_field=by_field, by_province=by_province, by_month=by_month,
        top_buyers=top_buyers, top_sellers=top_sellers, duration=duration,
        overdue=Overdue(len(ids), ids), overdue_as_of=as_of,
        generated_at=dt.datetime.now().astimezone().replace(microsecond=0),
        ledger_path=str(Path(ledger.path).resolve()), funnel=front)
