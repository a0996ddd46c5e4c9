"""What the list tables (and exports) show: columns, ids in order, rows by id.

A Qt table model keeps only the ids :func:`list_ids` returns and asks
:func:`fetch_rows` for the rows it is about to paint, a page at a time.
:func:`list_ids` is one query: the core search (:func:`~broker_desk.search.match_sql`,
so a list finds what ``Ledger.search`` finds), the filters and the sort. Contracts
are listed by walking an index in the sort's order that also holds every column
a filter looks at (``contracts_listing``: date signed, ``contracts_by_amount``;
schema 0002), so no row is looked up. Filter terms are written ``+c.x`` so that
SQLite does not take a narrower index and look up each of its rows instead
(≈ 150 ms against ≈ 20 ms on 100,000 contracts). Other sorts scan the table and
sort (≈ 50–75 ms). Figures: ``bench/bench_listing.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from . import codes, i18n
from .fields import field
from .frontoffice import ENDED, SIGNED
from .registration import ACCEPTED, STATUSES
from .search import match_sql

if TYPE_CHECKING:
    from .ledger import Ledger

KINDS = ("text", "money", "date", "status", "int", "percent")


@dataclass(frozen=True)
class Column:
    """One column of a list table; ``key`` is the key of the value in a display row."""

    key: str
    zh: str
    en: str
    kind: str          # one of KINDS: how the window shows and aligns the value
    sort_sql: str      # the SQL expression the list is ordered by
    default_visible: bool = True
    table: str | None = None  # the code table its values come from (shown by their name in the language)

    def header(self) -> str:
        """The header in the current language."""
        return self.zh if i18n.get_language() == "zh" else self.en


#: The alias of each entity's table in the list queries (``sort_sql`` uses it).
_FROM = {"contract": ("contracts", "c"), "client": ("clients", "l"),
         "achievement": ("achievements", "a"), "broker": ("brokers", "b"),
         "demand": ("demands", "d"), "engagement": ("engagements", "e")}
_DEFAULT_ORDER = {"contract": "c.signed_on DESC, c.id DESC", "client": "l.name, l.id",
                  "achievement": "a.id DESC", "broker": "b.name, b.id",
                  "demand": "d.id DESC", "engagement": "e.id DESC"}

# Values computed in SQL, shared by the sort and the display row.
_NAME_OF = "(SELECT name FROM clients WHERE id = {})"
_WARNINGS = "coalesce(json_array_length({}.warnings), 0)"
_CLIENT_CONTRACTS = "(SELECT count(*) FROM contracts x WHERE x.buyer_id = l.id OR x.seller_id = l.id)"
_BROKER_CONTRACTS = "(SELECT count(*) FROM contract_brokers x WHERE x.broker_id = b.id)"
_FIRST_BROKER = ("(SELECT n.name FROM contract_brokers x JOIN brokers n ON n.id = x.broker_id "
                 "WHERE x.contract_id = c.id ORDER BY x.rowid LIMIT 1)")
_BROKER_NAME = "(SELECT name FROM brokers WHERE id = {})"
_DEMAND_ENGAGEMENTS = "(SELECT count(*) FROM engagements x WHERE x.demand_id = d.id)"
# an engagement 已签约 or 已终止 has no next follow-up (as frontoffice.due_followups)
_NEXT_FOLLOWUP = (f"(CASE WHEN e.stage NOT IN ('{SIGNED}', '{ENDED}') THEN "
                  "(SELECT min(f.next_on) FROM followups f WHERE f.engagement_id = e.id AND f.done = 0) END)")
_FIRST_ENGAGEMENT_BROKER = ("(SELECT n.name FROM engagement_brokers x JOIN brokers n ON n.id = x.broker_id "
                            "WHERE x.engagement_id = e.id ORDER BY x.rowid LIMIT 1)")
# the deadline by the rule (Ledger.due), worked out in SQL for contracts in 已受理 only
_DUE = (f"(CASE WHEN c.status = '{ACCEPTED}' THEN "
        "bd_due(c.status, c.accepted_on, c.clock_from, c.tech_fen, c.expert_review) END)")


def _col(entity: str, key: str, kind: str = "text", sort: str | None = None, visible: bool = True,
         label: str | tuple[str, str] | None = None) -> Column:
    """A column headed as the data dictionary labels the field ``label`` (default: ``key``)."""
    table = None
    if not isinstance(label, tuple):
        f = field(entity, label or key)
        label = (f.zh, f.en)
        table = f.table if f.kind == "code" else None
    return Column(key, label[0], label[1], kind, sort or f"{_FROM[entity][1]}.{key}", visible, table)


def _texts(entity: str, *keys: str) -> list[Column]:
    return [_col(entity, key) for key in keys]


#: The columns of each list, in their default order.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "contract": (
        *_texts("contract", "contract_no", "title"),
        _col("contract", "buyer", sort=_NAME_OF.format("c.buyer_id"), label="buyer_id"),
        _col("contract", "seller", sort=_NAME_OF.format("c.seller_id"), label="seller_id"),
        _col("contract", "amount_fen", "money"),
        _col("contract", "status", "status"),
        _col("contract", "days_left", "int", sort=_DUE, label=("办理时限", "Time left")),
        _col("contract", "signed_on", "date"),
        _col("contract", "category"),
        _col("contract", "subtype", visible=False),
        _col("contract", "deductions_fen", "money", visible=False),
        _col("contract", "tech_fen", "money", label="tech_given_fen"),
        _col("contract", "commission_fen", "money", visible=False),
        _col("contract", "reg_office", visible=False),
        _col("contract", "accepted_on", "date", visible=False),
        _col("contract", "reg_no"),
        _col("contract", "registered_on", "date", visible=False),
        _col("contract", "approved_fen", "money", visible=False),
        _col("contract", "brokers", sort=_FIRST_BROKER),
        _col("contract", "deadline", "date", sort=_DUE, label=("办结期限", "Decision due"), visible=False),
        _col("contract", "warnings", "int", sort=_WARNINGS.format("c"), label=("提示", "Warnings")),
    ),
    "client": (
        *_texts("client", "name", "credit_code", "nature"),
        _col("client", "enterprise_type", visible=False),
        _col("client", "region_name", sort="l.region", label=("所在地区", "Region")),
        _col("client", "region", visible=False, label=("地区代码", "Region code")),
        *_texts("client", "contact", "phone"),
        _col("client", "contracts", "int", sort=_CLIENT_CONTRACTS, label=("合同数", "Contracts")),
        _col("client", "warnings", "int", sort=_WARNINGS.format("l"), label=("提示", "Warnings")),
    ),
    "achievement": (
        _col("achievement", "title"),
        _col("achievement", "holder", sort=_NAME_OF.format("a.holder_id"), label="holder_id"),
        *_texts("achievement", "field", "ip_type"),
        _col("achievement", "patents", visible=False),
        *_texts("achievement", "maturity", "transfer_mode"),
        _col("achievement", "price_fen", "money"),
        _col("achievement", "status", "status"),
    ),
    "broker": (
        *_texts("broker", "name", "cert_no", "level", "institution", "phone"),
        _col("broker", "status", "status"),
        _col("broker", "contracts", "int", sort=_BROKER_CONTRACTS, label=("合同数", "Contracts")),
    ),
    "demand": (
        _col("demand", "title"),
        _col("demand", "client", sort=_NAME_OF.format("d.client_id"), label="client_id"),
        *_texts("demand", "field", "kind"),
        _col("demand", "budget_fen", "money"),
        _col("demand", "deadline", "date"),
        _col("demand", "broker", sort=_BROKER_NAME.format("d.broker_id"), label="broker_id"),
        _col("demand", "source", visible=False),
        _col("demand", "status", "status"),
        _col("demand", "published_on", "date", visible=False),
        _col("demand", "engagements", "int", sort=_DEMAND_ENGAGEMENTS, label=("对接项目数", "Engagements")),
    ),
    "engagement": (
        _col("engagement", "title"),
        _col("engagement", "demand", sort="(SELECT title FROM demands WHERE id = e.demand_id)", label="demand_id"),
        _col("engagement", "achievement", sort="(SELECT title FROM achievements WHERE id = e.achievement_id)",
             label="achievement_id", visible=False),
        _col("engagement", "demand_client", sort=_NAME_OF.format("e.demand_client_id"), label="demand_client_id"),
        _col("engagement", "supply_client", sort=_NAME_OF.format("e.supply_client_id"), label="supply_client_id"),
        _col("engagement", "brokers", sort=_FIRST_ENGAGEMENT_BROKER),
        _col("engagement", "stage", "status"),
        _col("engagement", "expected_fen", "money"),
        _col("engagement", "started_on", "date"),
        _col("engagement", "next_on", "date", sort=_NEXT_FOLLOWUP, label=("下次跟进", "Next follow-up")),
        _col("engagement", "contract_no", sort="(SELECT min(contract_no) FROM contracts WHERE engagement_id = e.id)",
             label=("合同编号", "Contract no."), visible=False),
    ),
}


def column(entity: str, key: str) -> Column:
    """The column ``key`` of ``entity``'s list; ValueError when there is none."""
    _alias(entity)
    for c in COLUMNS[entity]:
        if c.key == key:
            return c
    raise ValueError(f"no column {key!r} in the {entity} list")


@dataclass
class Filters:
    """Filters of the contract list; each narrows it, None/False leaves it whole."""

    entity: ClassVar[str] = "contract"

    category: str | None = None
    status: str | None = None
    year: int | None = None             # 签订年度: the year of signed_on
    registered_year: int | None = None  # the year of registered_on
    broker_id: int | None = None
    overdue: bool = False               # only 已受理 past the office's time limit (as Ledger.overdue)
    ids: tuple[int, ...] | None = None  # only these contracts (a ranking row's, say); () matches none

    def active(self) -> bool:
        return any(v not in (None, False) for v in vars(self).values())

    def sql(self, ledger: Ledger, today: dt.date) -> tuple[list[str], list[Any]]:
        """Conditions on ``contracts c`` and their parameters."""
        def year(y: int) -> list[str]:
            return [f"{int(y):04d}-01-01", f"{int(y) + 1:04d}-01-01"]

        terms: list[tuple[str, list[Any]]] = []
        if self.category is not None:
            terms.append(("+c.category = ?", [self.category]))
        if self.status is not None:
            terms.append(("+c.status = ?", [self.status]))
        if self.year is not None:  # a range on the index's first column: only that year is read
            terms.append(("c.signed_on >= ? AND c.signed_on < ?", year(self.year)))
        if self.registered_year is not None:
            terms.append(("+c.registered_on >= ? AND +c.registered_on < ?", year(self.registered_year)))
        if self.broker_id is not None:  # a broker has few contracts: found through contract_brokers
            terms.append(("c.id IN (SELECT contract_id FROM contract_brokers WHERE broker_id = ?)", [self.broker_id]))
        if self.overdue:  # as Ledger.overdue: the few contracts in 已受理 worked out first
            terms.append(("+c.id IN (SELECT value FROM json_each(?))", [json.dumps(ledger.overdue(today))]))
        if self.ids is not None:  # one parameter however many ids: a JSON array
            terms.append(("c.id IN (SELECT value FROM json_each(?))", [json.dumps([int(i) for i in self.ids])]))
        return [t for t, _ in terms], [v for _, values in terms for v in values]


@dataclass
class DemandFilters:
    """Filters of the demand list (技术需求): 状态, 技术领域, 需求方."""

    entity: ClassVar[str] = "demand"
    status: str | None = None
    field: str | None = None
    client_id: int | None = None

    def active(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def sql(self, ledger: Ledger, today: dt.date) -> tuple[list[str], list[Any]]:
        """Conditions on ``demands d`` and their parameters."""
        terms = [(f"d.{name} = ?", value) for name, value in
                 (("status", self.status), ("field", self.field), ("client_id", self.client_id)) if value is not None]
        return [t for t, _ in terms], [v for _, v in terms]


@dataclass
class EngagementFilters:
    """Filters of the engagement list (对接项目): 阶段, and a broker among the engagement's brokers."""

    entity: ClassVar[str] = "engagement"
    stage: str | None = None
    broker_id: int | None = None

    def active(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def sql(self, ledger: Ledger, today: dt.date) -> tuple[list[str], list[Any]]:
        """Conditions on ``engagements e`` and their parameters."""
        terms = [("+e.stage = ?", self.stage),
                 ("e.id IN (SELECT engagement_id FROM engagement_brokers WHERE broker_id = ?)", self.broker_id)]
        return [t for t, v in terms if v is not None], [v for _, v in terms if v is not None]


#: A list's filters: each list has its own kind.
AnyFilters = Filters | DemandFilters | EngagementFilters


def demand_facets(ledger: Ledger) -> dict[str, list]:
    """What the demand list's filters can choose from: the statuses in their order, the fields
    used, and the clients with a demand as (id, name), by name."""
    conn = ledger.conn
    order = codes.tables().names("demand_status")
    used = [v for (v,) in conn.execute("SELECT DISTINCT status FROM demands WHERE status IS NOT NULL")]
    return {
        "statuses": order + sorted(set(used) - set(order)),
        "fields": [v for (v,) in conn.execute("SELECT DISTINCT field FROM demands WHERE field IS NOT NULL ORDER BY 1")],
        "clients": [(i, n) for i, n in conn.execute(
            "SELECT id, name FROM clients WHERE id IN (SELECT client_id FROM demands) ORDER BY name, id")],
    }


def _alias(entity: str) -> str:
    if entity not in _FROM:
        raise ValueError(f"unknown entity {entity!r}; choose one of {', '.join(_FROM)}")
    return _FROM[entity][1]


def list_ids(ledger: Ledger, entity: str, text: str = "", filters: AnyFilters | None = None,
             sort_key: str | None = None, descending: bool = False, today: dt.date | None = None) -> list[int]:
    """Ids of the ``entity`` records matching ``text`` and ``filters``, in display order.

    ``sort_key`` is a column key; without one the list is in its default order
    (contracts newest signed first, clients and brokers by name, achievements
    newest first) and ``descending`` is not used. Ties are ordered by id, in the
    same direction, so descending is ascending reversed. ``filters`` apply to
    their list only (:class:`Filters` contracts, :class:`DemandFilters` demands, :class:`EngagementFilters` engagements); ``today`` (default: the
    calendar's) decides what is overdue.
    """
    match = match_sql(entity, text)
    if match is None:  # kept: clearing the search box lists the same again
        return list(_ordered(ledger, entity, filters, sort_key, descending, today, texts=False)[0])
    order, texts = _ordered(ledger, entity, filters, sort_key, descending, today)
    if texts is not None:  # the same test as the core search: instr() on the upper-cased text
        query = match[1][0]
        slot = f"listing.last.{entity}"
        last = ledger.cache.get(slot)
        if last is not None and last[0] is order and last[1] in query:
            ids, pool = last[2], last[3]  # typing on: what matches now is among what matched a key ago
        else:
            ids, pool = order, texts
        # the test and the picking run in C (no Python code per contract): ~2 times faster than a
        # comprehension when most contracts match (a first character typed)
        hits = list(map(contains, pool, repeat(query)))
        ids, pool = list(compress(ids, hits)), list(compress(pool, hits))
        ledger.cache[slot] = (order, query, ids, pool)
        return list(ids)
    matched = {i for (i,) in ledger.conn.execute(*match)}
    return [i for i in order if i in matched]


def prepare(ledger: Ledger, entity: str, filters: AnyFilters | None = None, sort_key: str | None = None,
            descending: bool = False, today: dt.date | None = None) -> None:
    """Get the next search ready while the user is idle (see :func:`_ordered`)."""
    _ordered(ledger, entity, filters, sort_key, descending, today)


def _ordered(ledger: Ledger, entity: str, filters: AnyFilters | None, sort_key: str | None, descending: bool,
             today: dt.date | None, texts: bool = True) -> tuple[list[int], list[str] | None]:
    """The list's order without a search text, and (with ``texts``) for contracts their search
    texts in that order.

    Typing in the search box asks for a list once per keystroke. Both are kept
    while the ledger is unchanged, so a keystroke costs one pass of Python's
    substring test over the texts (~5–10 ms for 100,000 contracts), whatever the
    query's length and however many contracts it matches. The order alone is what a
    list without a search shows; its texts are read once the user is idle (:func:`prepare`).
    """
    key = (entity, repr(filters) if filters is not None and filters.active() else None, sort_key, descending,
           today, ledger.generation())
    slot = f"listing.order.{entity}"
    cached = ledger.cache.get(slot)
    if cached is None or cached[0] != key:
        sql, params = list_query(ledger, entity, "", filters, sort_key, descending, today)
        cached = ledger.cache[slot] = (key, [i for (i,) in ledger.conn.execute(sql, params)], None)
    if texts and entity == "contract" and cached[2] is None:
        order = cached[1]
        by_id = dict(ledger.conn.execute("SELECT id, text FROM contract_search"))
        # new strings made in list order lie side by side in memory: a pass over them
        # is then ~4 times faster than over strings scattered in id order
        cached = ledger.cache[slot] = (key, order, [by_id.get(i, "") + "\x1f" for i in order])
    return cached[1], cached[2]


def list_query(ledger: Ledger, entity: str, text: str = "", filters: AnyFilters | None = None,
               sort_key: str | None = None, descending: bool = False,
               today: dt.date | None = None) -> tuple[str, list[Any]]:
    """The SQL (selecting ``id``) and parameters :func:`list_ids` runs."""
    alias = _alias(entity)
    where: list[str] = []
    params: list[Any] = []
    match = match_sql(entity, text)
    if match is not None:  # checked while walking the sort order's index, see the module's docstring
        where.append(f"+{alias}.id IN ({match[0]})")
        params += match[1]
    if filters is not None and filters.active():
        if entity != filters.entity:
            raise ValueError(f"these filters apply to the {filters.entity} list only")
        more, more_params = filters.sql(ledger, today or dt.date.today())
        where += more
        params += more_params
    if sort_key is None:
        order = _DEFAULT_ORDER[entity]
    else:
        way = " DESC" if descending else ""
        order = f"{column(entity, sort_key).sort_sql}{way}, {alias}.id{way}"
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {alias}.id FROM {_FROM[entity][0]} {alias}{condition} ORDER BY {order}", params


_ROWS = {
    "contract": f"""SELECT c.id, c.uid, c.contract_no, c.title, c.category, c.subtype, bu.name AS buyer,
        se.name AS seller, c.signed_on, c.amount_fen, c.deductions_fen, c.tech_fen, c.commission_fen,
        c.status, c.reg_office, c.accepted_on, c.reg_no, c.registered_on, c.approved_fen, c.clock_from,
        c.expert_review, {_WARNINGS.format("c")} AS warnings
        FROM contracts c JOIN clients bu ON bu.id = c.buyer_id JOIN clients se ON se.id = c.seller_id
        WHERE c.id IN ({{ids}})""",
    "client": f"""SELECT l.id, l.uid, l.name, l.credit_code, l.nature, l.enterprise_type, l.region,
        l.contact, l.phone, {_CLIENT_CONTRACTS} AS contracts, {_WARNINGS.format("l")} AS warnings
        FROM clients l WHERE l.id IN ({{ids}})""",
    "achievement": """SELECT a.id, a.uid, a.title, h.name AS holder, a.field, a.ip_type, a.patents,
        a.maturity, a.transfer_mode, a.price_fen, a.status
        FROM achievements a JOIN clients h ON h.id = a.holder_id WHERE a.id IN ({ids})""",
    "broker": f"""SELECT b.id, b.uid, b.name, b.cert_no, b.level, b.institution, b.phone, b.status,
        {_BROKER_CONTRACTS} AS contracts FROM brokers b WHERE b.id IN ({{ids}})""",
    "demand": f"""SELECT d.id, d.uid, d.title, l.name AS client, d.field, d.kind, d.budget_fen, d.deadline,
        {_BROKER_NAME.format("d.broker_id")} AS broker, d.source, d.status, d.published_on,
        {_DEMAND_ENGAGEMENTS} AS engagements FROM demands d JOIN clients l ON l.id = d.client_id
        WHERE d.id IN ({{ids}})""",
    "engagement": f"""SELECT e.id, e.uid, e.title, (SELECT title FROM demands WHERE id = e.demand_id) AS demand,
        (SELECT title FROM achievements WHERE id = e.achievement_id) AS achievement,
        {_NAME_OF.format("e.demand_client_id")} AS demand_client, {_NAME_OF.format("e.supply_client_id")} AS supply_client,
        e.stage, e.expected_fen, e.started_on, {_NEXT_FOLLOWUP} AS next_on,
        (SELECT min(contract_no) FROM contracts WHERE engagement_id = e.id) AS contract_no
        FROM engagements e WHERE e.id IN ({{ids}})""",
}


def fetch_rows(ledger: Ledger, entity: str, ids: Sequence[int], today: dt.date | None = None) -> dict[int, dict]:
    """Display rows of these records (a page of a few hundred), by id; deleted ids are left out.

    Keys are the column keys plus ``id`` and ``uid``. A contract's ``brokers`` reads
    ``张三(60%)；李四(40%)``; ``deadline`` (ISO date) and ``days_left`` (negative once
    overdue, counted from ``today``) are set for contracts in 已受理 only. An engagement's
    ``next_on`` is its earliest undone next step (none once 已签约 or 已终止).
    """
    _alias(entity)
    if not ids:
        return {}
    id_list = ",".join(str(int(i)) for i in ids)  # ints only: safe to write into the SQL
    cur = ledger.conn.execute(_ROWS[entity].format(ids=id_list))
    names = [d[0] for d in cur.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in cur}
    if entity == "contract":
        _finish_contracts(ledger, rows, id_list, today or dt.date.today())
    elif entity == "engagement":
        brokers = _broker_texts(ledger, entity, id_list)
        for row in rows.values():
            row["brokers"] = brokers.get(row["id"], "")
    elif entity == "client":
        for row in rows.values():
            row["region_name"] = codes.region_name(row["region"]) or codes.country_name(row["region"])
    return rows


def _broker_texts(ledger: Ledger, entity: str, id_list: str) -> dict[int, str]:
    """``张三(60%)；李四(40%)`` of each contract (or engagement) of ``id_list`` that has brokers."""
    from .ledger.journal import BROKER_LINKS

    table, column = BROKER_LINKS[entity]
    brokers: dict[int, list[str]] = {}
    for record_id, name, share_bp in ledger.conn.execute(
            f"SELECT x.{column}, b.name, x.share_bp FROM {table} x JOIN brokers b ON b.id = x.broker_id "
            f"WHERE x.{column} IN ({id_list}) ORDER BY x.{column}, x.rowid"):
        brokers.setdefault(record_id, []).append(f"{name}({percent_text(share_bp)}%)")
    return {i: "；".join(names) for i, names in brokers.items()}


def _finish_contracts(ledger: Ledger, rows: dict[int, dict], id_list: str, today: dt.date) -> None:
    brokers = _broker_texts(ledger, "contract", id_list)
    for row in rows.values():
        row["brokers"] = brokers.get(row["id"], "")
        due = ledger.due(row)
        del row["clock_from"], row["expert_review"]
        row["deadline"] = due.on.isoformat() if due else None
        row["days_left"] = (due.on - today).days if due else None


def percent_text(share_bp: int) -> str:
    """Hundredths of a percent as a percentage without needless decimals: 6000 → 60, 3333 → 33.33."""
    whole, rest = divmod(share_bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0") if rest else str(whole)


class Facets(TypedDict):
    """Choices for the contract list's filter drop-downs."""

    years: list[int]                  # years signed, newest first
    registered_years: list[int]       # years registered, newest first
    categories: list[str]             # present in the ledger, in the code table's order
    statuses: list[str]               # present in the ledger, in the workflow's order
    brokers: list[tuple[int, str]]    # every broker as (id, name), by name


def _years(ledger: Ledger, column: str) -> list[int]:
    """The years of the ISO dates in ``contracts.column``, newest first: one step down an index
    leading with the column per year (its latest date before the last year found), not a pass
    over every contract (≈ 0.1 ms against ≈ 10 ms on 100,000 contracts)."""
    years: list[int] = []
    latest = ledger.conn.execute(f"SELECT max({column}) FROM contracts WHERE {column} IS NOT NULL").fetchone()[0]
    while latest is not None:
        year = ledger.conn.execute("SELECT CAST(substr(?, 1, 4) AS INTEGER)", [latest]).fetchone()[0]
        if year not in years:
            years.append(year)
        latest = ledger.conn.execute(f"SELECT max({column}) FROM contracts WHERE {column} < ?",
                                     [latest[:4]]).fetchone()[0]
    return sorted(years, reverse=True)


def signed_years(ledger: Ledger) -> list[int]:
    """The years with a contract signed (签订日期), newest first."""
    return _years(ledger, "signed_on")


def registered_years(ledger: Ledger) -> list[int]:
    """The years with a registered contract (登记日期), newest first."""
    return _years(ledger, "registered_on")


def broker_choices(ledger: Ledger) -> list[tuple[int, str]]:
    """Every broker as (id, name), by name."""
    return [(i, n) for i, n in ledger.conn.execute("SELECT id, name FROM brokers ORDER BY name, id")]


def facets(ledger: Ledger) -> Facets:
    """What the contract list's filters can choose from."""
    conn = ledger.conn

    def distinct(sql: str) -> list:
        return [v for (v,) in conn.execute(sql)]

    def in_order(values: list[str], order: Sequence[str]) -> list[str]:
        rank = {v: i for i, v in enumerate(order)}
        return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))

    return Facets(
        years=signed_years(ledger),
        registered_years=registered_years(ledger),
        categories=in_order(distinct("SELECT DISTINCT category FROM contracts"),
                            codes.tables().names("contract_category")),
        statuses=in_order(distinct("SELECT DISTINCT status FROM contracts"), STATUSES),
        brokers=broker_choices(ledger),
    )
