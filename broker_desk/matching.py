"""Matching technology demands (技术需求) with achievements (科技成果).

For a demand, the achievements that best answer it; for an achievement, the
demands it best answers. Text relevance comes first: the words of the title,
keywords and description (jieba, see :mod:`~broker_desk.matchindex`; those of
the title and keywords count twice, an abbreviation such as 钠电 is looked up as
the indexed terms it may stand for) ranked by bm25 over the records' titles,
keywords (weighted higher) and descriptions. FTS5 finds the best candidates by
the rarer words, among all records and among those of the same technology
field; the common words are scored on those candidates by the same formula
(asked of FTS5 they would make it rank tens of thousands of records). The
candidates are then scored 0–100 by the weights in ``resources/matching.json``:
text relevance, the same field (its synonyms understood), the achievement's
maturity, its asking price against the demand's budget, and the two parties'
regions (same city, same province). Achievements 已下架/已转化 and demands
已签约/已关闭 never appear. Each result says why it matched.

Public functions: :func:`match_demand`, :func:`match_achievement`,
:func:`match_values` (an unsaved record's values), :func:`match_record` (an
editor's values, the party's region looked up), :func:`find_record` (a
record by 记录ID or name) and :func:`refresh_index` (after a large import).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from . import codes, i18n, money, region_names
from .errors import BrokerDeskError
from .matchindex import (
    TABLES,
    canonical_field,
    field_tag,
    index_table,
    keyword_words,
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
    "match.reason.price_near": ("意向价格 {price} 万元，比预算 {budget} 万元高 {over}%",
                                "Asking price {price} (10k yuan), {over}% above the budget of {budget}"),
    "match.reason.city": ("同在{place}", "Both in {place}"),
    "match.reason.province": ("同在{place}", "Both in {place}"),
    "match.no_record": ("没有找到{entity}“{key}”（请用记录ID或名称）",
                        "No {entity} “{key}” (give its record ID or its name)"),
    "match.ambiguous": ("有 {count} 条{entity}名为“{key}”，请用记录ID指定：{uids}",
                        "{count} records of {entity} are named “{key}”: give the record ID ({uids})"),
    "match.separator": ("；", "; "),
    "match.entity.achievement": ("科技成果", "achievement"),
    "match.entity.demand": ("技术需求", "demand"),
})

#: What is found for each kind of record.
OTHER = {"demand": "achievement", "achievement": "demand"}


@dataclass(frozen=True)
class Reason:
    """One reason a result matched: ``code`` (words, field, maturity, price, price_near, city,
    province), the points it brought, and its arguments (``words``: the shared words; ``field``,
    ``maturity``; ``price`` and ``budget`` in fen; ``region``: the common city's or province's
    行政区划代码)."""

    code: str
    points: float
    args: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        args = dict(self.args)
        if self.code == "price_near":  # how far above: up to half the budget again (see matching.json)
            args["over"] = max(1, round((args["price"] - args["budget"]) * 100 / args["budget"]))
        if "words" in args:
            args["words"] = i18n.join(args["words"])
        for key in ("price", "budget"):
            if key in args:
                args[key] = money.wan_text(args[key])
        if "region" in args:
            args["place"] = region_names.place_label(args["region"])
        for key, table in (("field", "tech_field"), ("maturity", "maturity")):  # in the language (English)
            if key in args and (item := _code_item(table, args[key])) is not None:
                args[key] = item.label()
        return i18n.tr(f"match.reason.{self.code}", **args)


def _code_item(table: str, value: str):
    try:
        return codes.tables().item(table, value)
    except BrokerDeskError:  # a table the user's files no longer have
        return None


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
        return i18n.tr("match.separator").join(r.text for r in self.reasons)


# -- the public functions -------------------------------------------------------------------
def match_demand(ledger, demand_id: int, top: int = 10) -> list[Match]:
    """The achievements that best answer demand ``demand_id``, best first."""
    return match_values(ledger, _probe(ledger, "demand", demand_id), "achievement", top)


def match_achievement(ledger, achievement_id: int, top: int = 10) -> list[Match]:
    """The demands that achievement ``achievement_id`` best answers, best first."""
    return match_values(ledger, _probe(ledger, "achievement", achievement_id), "demand", top)


def match_record(ledger, kind: str, values: dict, top: int = 10) -> list[Match]:
    """The best matches for a ``kind`` record (demand or achievement) as an editor holds it, saved
    or not: ``values`` by the data dictionary's names; its party's region (the 需求方's or the
    持有方's 行政区划代码) is looked up from the ledger."""
    party = values.get("client_id" if kind == "demand" else "holder_id")
    row = ledger.conn.execute("SELECT region FROM clients WHERE id = ?", [party]).fetchone() \
        if isinstance(party, int) else None
    return match_values(ledger, {**values, "region": row[0] if row else None}, OTHER[kind], top)


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
    weighted = _query(ledger.conn, find, values, data, ledger.cache.setdefault(f"matching.df.{find}", {}))
    if not weighted:
        return []
    df, qwords, total = weighted
    scores, tokens = _candidates(ledger.conn, find, qwords, df, total, values.get("field"),
                                 max(data["candidates"], top), data)
    best = max(scores.values(), default=0.0) or 1.0
    # only those whose text leaves them a chance: the others' structured points could not lift
    # them past the top's text points
    text_points = {i: data["weights"]["text"] * (t / best) ** data["text_power"] for i, t in scores.items()}
    ranked = sorted(text_points.values(), reverse=True)
    floor = ranked[min(top + 1, len(ranked)) - 1] - sum(v for k, v in data["weights"].items() if k != "text") \
        if ranked else 0
    rows = _live_rows(ledger.conn, find, [i for i, p in text_points.items() if p >= floor])
    closed = set(data["closed"][find])
    scored = []
    for id_, text in scores.items():
        row = rows.get(id_)  # None: left out above, or gone
        if row is None or row["status"] in closed or id_ == exclude:
            continue
        reasons, score = _score(values, row, find, (text / best) ** data["text_power"], data)
        scored.append((-round(score, 1), id_, row, reasons))
    scored.sort(key=lambda t: t[:2])
    results = []
    for score, id_, row, reasons in scored[:top]:  # the shared words go with the text's points
        reasons[0] = Reason("words", reasons[0].points, {"words": _shared(tokens[id_], set(qwords), df)})
        results.append(Match(find, id_, row["uid"], row["title"], row["party"] or "", -score, tuple(reasons)))
    return results


# -- inside ---------------------------------------------------------------------------------
def _probe(ledger, kind: str, id_: int) -> dict:
    rows = _live_rows(ledger.conn, kind, [id_])
    if id_ not in rows:
        raise BrokerDeskError("match.no_record", entity=i18n.tr(f"match.entity.{kind}"), key=id_)
    return rows[id_]


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _query(conn, find: str, values: dict, data: dict, cache: dict
           ) -> tuple[dict[str, int], dict[str, int], int] | None:
    """The words to look for and their weights (those of the title and keywords count more),
    how many ``find`` records hold each, and how many records there are; None when there is
    nothing to look for."""
    named = list(dict.fromkeys(words(values.get("title")) + keyword_words(values.get("keywords"))))
    title_words = set(named)
    found = list(dict.fromkeys(named + words(values.get("summary"), values.get("description"))))
    if not found:
        return None
    df = _doc_freq(conn, find, found, cache)
    weight = data["query_weights"]
    for w in [w for w in named if not df.get(w)]:  # an abbreviation (钠电) of a term the records have?
        for term, n in _expansions(conn, find, w):
            df[term] = n
            found.append(term)
            if w in title_words:
                title_words.add(term)
    total = conn.execute("SELECT docs FROM match_state WHERE kind = ?", [find]).fetchone()[0] or 1
    qwords = {w: weight["title"] if w in title_words else weight["body"] for w in found if df.get(w)}
    return (df, qwords, total) if qwords else None


def _candidates(conn, find: str, qwords: dict[str, int], df: dict[str, int], total: int,
                field_value: str | None, most: int, data: dict) -> tuple[dict[int, float], dict[int, list]]:
    """The best ``find`` records, open ones only, with their text scores (bm25: higher is
    better) and their words (title, keywords, description) as indexed.

    FTS5 ranks by the rarer words (held by at most ``rare_share`` of the records), among all
    records and among those of the field named by ``field_value``; a word of weight n is asked
    n times (bm25 adds up every phrase of the query). Common words (材料, 控制) would make
    FTS5 score tens of thousands of records: they are added to the candidates' scores here,
    by the same formula."""
    table = index_table(find)
    cols = data["column_weights"]
    rare = {w: n for w, n in qwords.items() if df[w] <= total * data["rare_share"]} or qwords
    common = {w: n for w, n in qwords.items() if w not in rare}
    text = "{title keywords body} : (" + " OR ".join(" OR ".join([_quote(w)] * n) for w, n in rare.items()) + ")"
    queries = [f"({text}) NOT tags : closed"]
    tag = field_tag(field_value)
    if tag:
        queries.append(f"({text}) AND tags : {tag} NOT tags : closed")
    scores: dict[int, float] = {}
    for query in queries:
        if scores and len(scores) < most:  # every record with a rare word is in already
            break
        for id_, rank in conn.execute(
                f"SELECT rowid, bm25({table}, ?, ?, ?, 0) AS r FROM {table} WHERE {table} MATCH ? ORDER BY r LIMIT ?",
                [cols["title"], cols["keywords"], cols["body"], query, most]):
            scores[id_] = -rank
    # each column as " word word … ": a word is counted as " word " (no list to build)
    tokens = {id_: (f" {t} ", f" {k} ", f" {b} ") for id_, t, k, b in conn.execute(
        f"SELECT rowid, title, keywords, body FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))",
        [json.dumps(list(scores))])}
    if common and tokens:
        weights = (cols["title"], cols["keywords"], cols["body"])
        lengths = {id_: sum(p.count(" ") - 1 for p in parts) for id_, parts in tokens.items()}
        average = sum(lengths.values()) / len(lengths) or 1.0
        for w, n in common.items():
            idf = max(math.log((total - df[w] + 0.5) / (df[w] + 0.5)), 1e-6)
            word = f" {w} "
            for id_, parts in tokens.items():
                tf = weights[0] * parts[0].count(word) + weights[1] * parts[1].count(word) + \
                    weights[2] * parts[2].count(word)
                if tf:
                    scores[id_] += n * idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * lengths[id_] / average))
    return scores, tokens


#: FTS5's bm25 parameters (fixed in SQLite), for the common words scored here.
_K1, _B = 1.2, 0.75


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


def _doc_freq(conn, kind: str, qwords: list[str], cache: dict) -> dict[str, int]:
    """How many records of ``kind`` hold each word (FTS5's own vocabulary of the index),
    remembered in ``cache`` while the index stays as it is."""
    vocab = f"match_{kind}_vocab"
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {index_table(kind)}, row)")
    state = conn.execute("SELECT change_id, docs FROM match_state WHERE kind = ?", [kind]).fetchone()
    if cache.get("state") != (kind, state) or len(cache) > 50_000:
        cache.clear()
        cache["state"] = (kind, state)
    found = {}
    for w in qwords:  # one by one: fts5vocab looks a term up, but scans for a list of them
        n = cache.get(w)
        if n is None:
            r = conn.execute(f"SELECT doc FROM temp.{vocab} WHERE term = ?", [w]).fetchone()
            n = cache[w] = r[0] if r else 0
        if n:
            found[w] = n
    return found


def _expansions(conn, kind: str, abbr: str, most: int = 3) -> list[tuple[str, int]]:
    """Terms of the index that ``abbr`` may abbreviate, as Chinese abbreviations are made: the
    first character, then others in order (钠电 → 钠离子电池, 单抗 → 单克隆抗体, 组培 →
    组织培养); the most common ``most`` of them with how many records hold each."""
    if not 2 <= len(abbr) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in abbr):
        return []
    vocab = f"match_{kind}_vocab"
    found = []
    for term, n in conn.execute(f"SELECT term, doc FROM temp.{vocab} WHERE term > ? AND term < ?",
                                [abbr[0], chr(ord(abbr[0]) + 1)]):
        if len(term) > len(abbr) and _in_order(abbr, term):
            found.append((term, n))
    return sorted(found, key=lambda t: (-t[1], t[0]))[:most]


def _in_order(abbr: str, term: str) -> bool:
    rest = iter(term)
    return all(ch in rest for ch in abbr)


def _shared(parts, qset: set[str], df: dict[str, int]) -> list[str]:
    """The query's words a record holds, the rarest (most telling) first, a word inside another
    one left out."""
    have = {w for part in parts for w in part.split()} & qset
    kept = [w for w in sorted(have, key=lambda w: (df.get(w, 0), -len(w), w))
            if not any(w != o and w in o for o in have)]
    return kept[:6]


def _score(probe: dict, row: dict, find: str, text_rel: float, data: dict) -> tuple[list[Reason], float]:
    """The score of ``row`` for ``probe`` and its reasons (the first, the words, without them yet)."""
    w = data["weights"]
    achievement, demand = (row, probe) if find == "achievement" else (probe, row)
    points = w["text"] * text_rel
    reasons = [Reason("words", round(points, 1))]
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
        reasons.append(Reason("price", w["price"] * p["within"], {"price": price, "budget": budget}))
    elif price <= budget * p["near_factor"]:
        score += w["price"] * p["near"]
        reasons.append(Reason("price_near", w["price"] * p["near"], {"price": price, "budget": budget}))
    a_region, d_region = achievement.get("region") or "", demand.get("region") or ""
    if len(a_region) == 6 and len(d_region) == 6:
        for code, digits in (("city", 4), ("province", 2)):
            if a_region[:digits] == d_region[:digits]:
                points = w["region"] * data["region"][code]
                score += points
                reasons.append(Reason(code, points, {"region": d_region[:digits].ljust(6, "0")}))
                break
    return reasons, score
