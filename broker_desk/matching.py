"""Matching technology demands (技术需求) with achievements (科技成果).

For a demand, the achievements that best answer it; for an achievement, the
demands it best answers. Text relevance comes first: the words of the title,
keywords and description (jieba, see :mod:`~broker_desk.matchindex`) ranked by
bm25 in FTS5 over the titles (weighted higher) and the other text. The best
candidates — found among all records and among those of the same technology
field — are then scored 0–100 by the weights in ``resources/matching.json``:
text relevance, the same field (its synonyms understood), the achievement's
maturity, its asking price against the demand's budget, and the two parties'
regions (same city, same province). Achievements 已下架/已转化 and demands
已签约/已关闭 never appear. Each result says why it matched.

Public functions: :func:`match_demand`, :func:`match_achievement`,
:func:`match_values` (an unsaved editor's values), :func:`find_record` (a
record by 记录ID or name) and :func:`refresh_index` (after a large import).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import codes, i18n, money
from .errors import BrokerDeskError
from .matchindex import (
    TABLES,
    canonical_field,
    field_tag,
    index_table,
    matching_data,
    refresh,
    words,
)

i18n.register({
    "match.reason.words": ("共同词语：{words}", "Shared words: {words}"),
    "match.reason.field": ("同一技术领域：{field}", "Same field: {field}"),
    "match.reason.maturity": ("成熟度：{maturity}", "Maturity: {maturity}"),
    "match.reason.price": ("意向价格 {price} 万元，在预算 {budget} 万元以内",
                           "Asking price {price} (10k yuan) within the budget of {budget}"),
    "match.reason.price_near": ("意向价格 {price} 万元，略高于预算 {budget} 万元",
                                "Asking price {price} (10k yuan) a little above the budget of {budget}"),
    "match.reason.city": ("同在{place}", "Both in {place}"),
    "match.reason.province": ("同在{place}", "Both in {place}"),
    "match.no_record": ("没有找到{entity}“{key}”（请用记录ID或名称）",
                        "No {entity} “{key}” (give its record ID or its name)"),
    "match.ambiguous": ("有 {count} 条{entity}名为“{key}”，请用记录ID指定：{uids}",
                        "{count} records of {entity} are named “{key}”: give the record ID ({uids})"),
    "match.entity.achievement": ("科技成果", "achievement"),
    "match.entity.demand": ("技术需求", "demand"),
})

#: What is found for each kind of record.
OTHER = {"demand": "achievement", "achievement": "demand"}


@dataclass(frozen=True)
class Reason:
    """One reason a result matched: ``code`` (words, field, maturity, price, price_near, city,
    province), the points it brought, and its arguments (``words`` holds the shared words)."""

    code: str
    points: float
    args: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        args = dict(self.args)
        if "words" in args:
            args["words"] = "、".join(args["words"])
        return i18n.tr(f"match.reason.{self.code}", **args)


@dataclass(frozen=True)
class Match:
    """One result: the record found (``kind`` achievement or demand, its id, uid, title), the
    other party (an achievement's holder, a demand's client), the score 0–100 and the reasons."""

    kind: str
    id: int
    uid: str
    name: str
    party: str
    score: float
    reasons: tuple[Reason, ...]

    @property
    def why(self) -> str:
        return "；".join(r.text for r in self.reasons)


# -- the public functions -------------------------------------------------------------------
def match_demand(ledger, demand_id: int, top: int = 10) -> list[Match]:
    """The achievements that best answer demand ``demand_id``, best first."""
    return match_values(ledger, _probe(ledger, "demand", demand_id), "achievement", top)


def match_achievement(ledger, achievement_id: int, top: int = 10) -> list[Match]:
    """The demands that achievement ``achievement_id`` best answers, best first."""
    return match_values(ledger, _probe(ledger, "achievement", achievement_id), "demand", top)


def refresh_index(ledger) -> dict[str, str]:
    """Bring the matching index up to date now (e.g. in the background after a large import,
    so that the first match does not wait for it); what was done per kind."""
    with ledger.db.atomic():
        return {kind: refresh(ledger.conn, kind) for kind in TABLES}


def find_record(ledger, kind: str, key: str) -> dict:
    """The ``kind`` record whose 记录ID or name (title) is ``key``; a :class:`BrokerDeskError`
    when there is none or several share the name."""
    key = (key or "").strip()
    table = TABLES[kind]
    rows = ledger.conn.execute(f"SELECT id, uid FROM {table} WHERE uid = ?", [key]).fetchall() or \
        ledger.conn.execute(f"SELECT id, uid FROM {table} WHERE title = ? ORDER BY id", [key]).fetchall()
    entity = i18n.tr(f"match.entity.{kind}")
    if not rows:
        raise BrokerDeskError("match.no_record", entity=entity, key=key)
    if len(rows) > 1:
        raise BrokerDeskError("match.ambiguous", entity=entity, key=key, count=len(rows),
                              uids="、".join(u for _, u in rows[:5]) + ("…" if len(rows) > 5 else ""))
    return {"id": rows[0][0], "uid": rows[0][1]}


def match_values(ledger, values: dict, find: str, top: int = 10, exclude: int | None = None) -> list[Match]:
    """The best ``find`` records (achievement or demand) for a record of the other kind given as
    ``values`` (title, keywords, summary or description, field, maturity, price_fen or
    budget_fen, region: the party's 行政区划代码); it need not be saved. ``exclude`` leaves one
    id out."""
    data = matching_data()
    with ledger.db.atomic():
        refresh(ledger.conn, find)
    qwords = words(values.get("title"), values.get("keywords"), values.get("summary"), values.get("description"))
    if not qwords:
        return []
    df = _doc_freq(ledger.conn, find, qwords)
    qwords = [w for w in qwords if df.get(w)]  # a word no record has cannot match
    if not qwords:
        return []
    ranked = _candidates(ledger.conn, find, qwords, values.get("field"), max(data["candidates"], top))
    rows = _live_rows(ledger.conn, find, list(ranked))
    closed = set(data["closed"][find])
    best = max((-r for r in ranked.values()), default=0.0) or 1.0
    qset = set(qwords)
    results = []
    for id_, bm in ranked.items():
        row = rows.get(id_)
        if row is None or row["status"] in closed or id_ == exclude:
            continue
        reasons, score = _score(values, row, find, -bm / best, qset, df, data)
        results.append(Match(find, id_, row["uid"], row["title"], row["party"] or "", round(score, 1),
                             tuple(reasons)))
    results.sort(key=lambda m: (-m.score, m.id))
    return results[:top]


# -- inside ---------------------------------------------------------------------------------
def _probe(ledger, kind: str, id_: int) -> dict:
    rows = _live_rows(ledger.conn, kind, [id_])
    if id_ not in rows:
        raise BrokerDeskError("match.no_record", entity=i18n.tr(f"match.entity.{kind}"), key=id_)
    return rows[id_]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _candidates(conn, find: str, qwords: list[str], field_value: str | None, most: int) -> dict[int, float]:
    """Ids of the best ``find`` records by bm25 (negative: lower is better), among all open
    records and among those of the field named by ``field_value``."""
    table = index_table(find)
    weights = matching_data()["column_weights"]
    text = "{title body} : (" + " OR ".join(_quote(w) for w in qwords) + ")"
    queries = [f"({text}) NOT tags : closed"]
    tag = field_tag(field_value)
    if tag:
        queries.append(f"({text}) AND tags : {tag} NOT tags : closed")
    found: dict[int, float] = {}
    for query in queries:
        for id_, rank in conn.execute(
                f"SELECT rowid, bm25({table}, ?, ?, 0) AS r FROM {table} WHERE {table} MATCH ? ORDER BY r LIMIT ?",
                [weights["title"], weights["body"], query, most]):
            found[id_] = rank
    return found


def _live_rows(conn, kind: str, ids: list[int]) -> dict[int, dict]:
    """The records with what scoring needs, read from the ledger (never from the index)."""
    if not ids:
        return {}
    if kind == "achievement":
        sql = ("SELECT a.id, a.uid, a.title, a.keywords, a.summary, NULL AS description, a.field, a.maturity, "
               "a.price_fen, NULL AS budget_fen, a.status, c.region, c.name AS party "
               "FROM achievements a LEFT JOIN clients c ON c.id = a.holder_id")
    else:
        sql = ("SELECT d.id, d.uid, d.title, d.keywords, NULL AS summary, d.description, d.field, "
               "NULL AS maturity, NULL AS price_fen, d.budget_fen, d.status, c.region, c.name AS party "
               "FROM demands d LEFT JOIN clients c ON c.id = d.client_id")
    alias = sql.split("FROM ")[-1].split()[1]
    cur = conn.execute(f"{sql} WHERE {alias}.id IN (SELECT value FROM json_each(?))",
                       ["[" + ",".join(str(int(i)) for i in ids) + "]"])
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur}


def _doc_freq(conn, kind: str, qwords: list[str]) -> dict[str, int]:
    """How many records of ``kind`` hold each word (FTS5's own vocabulary of the index)."""
    vocab = f"match_{kind}_vocab"
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {index_table(kind)}, row)")
    return dict(conn.execute(f"SELECT term, doc FROM temp.{vocab} WHERE term IN (SELECT value FROM json_each(?))",
                             [json.dumps(qwords, ensure_ascii=False)]))


def _shared(qset: set[str], df: dict[str, int], row: dict) -> list[str]:
    """The query's words found in the record, the rarest (most telling) first, a word inside
    another one left out."""
    have = set(words(row["title"], row["keywords"], row["summary"], row["description"])) & qset
    kept = [w for w in sorted(have, key=lambda w: (df.get(w, 0), -len(w), w))
            if not any(w != o and w in o for o in have)]
    return kept[:6]


def _score(probe: dict, row: dict, find: str, text_rel: float, qset, df, data: dict):
    w = data["weights"]
    achievement, demand = (row, probe) if find == "achievement" else (probe, row)
    reasons: list[Reason] = []
    shared = _shared(qset, df, row)
    points = w["text"] * text_rel
    reasons.append(Reason("words", round(points, 1), {"words": shared}))
    score = points
    a_field, d_field = canonical_field(achievement.get("field")), canonical_field(demand.get("field"))
    if a_field and a_field == d_field:
        score += w["field"]
        reasons.append(Reason("field", w["field"], {"field": a_field}))
    maturity = achievement.get("maturity")
    if maturity in data["maturity"]:
        points = w["maturity"] * data["maturity"][maturity]
        score += points
        if points:
            reasons.append(Reason("maturity", round(points, 1), {"maturity": maturity}))
    price, budget = achievement.get("price_fen"), demand.get("budget_fen")
    p = data["price"]
    if price is None or not budget:
        score += w["price"] * p["unknown"]
    elif price <= budget:
        score += w["price"] * p["within"]
        reasons.append(Reason("price", w["price"] * p["within"],
                              {"price": money.wan_text(price), "budget": money.wan_text(budget)}))
    elif price <= budget * p["near_factor"]:
        score += w["price"] * p["near"]
        reasons.append(Reason("price_near", w["price"] * p["near"],
                              {"price": money.wan_text(price), "budget": money.wan_text(budget)}))
    a_region, d_region = achievement.get("region") or "", demand.get("region") or ""
    if len(a_region) == 6 and len(d_region) == 6:
        for code, digits in (("city", 4), ("province", 2)):
            if a_region[:digits] == d_region[:digits]:
                points = w["region"] * data["region"][code]
                place = codes.region_name(d_region[:digits].ljust(6, "0")) or d_region[:digits]
                score += points
                reasons.append(Reason(code, points, {"place": place}))
                break
    return reasons, score
