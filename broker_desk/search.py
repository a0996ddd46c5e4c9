"""Search over brokers, clients, achievements, contracts and the front office's records.

Any part of a name, title, contract number, registration number or credit
code matches; a contract also matches by its buyer's or seller's name or code.
One or two Chinese characters are as common as three, so no n-gram index with
a minimum length (FTS5's trigram needs three): contracts keep one narrow row of
search text each (``contract_search``, maintained by triggers), and a query is
one ``instr`` scan of it, which takes ~25 ms over 100,000 contracts whatever
the query's length (``bench/``). The other lists are small enough to scan.
Results are ids in ascending order: stable, so a table can fetch rows lazily.
"""

from __future__ import annotations

import unicodedata

from .fields import TABLES

#: What each entity is searched by.
COLUMNS = {
    "broker": ("brokers", ("name", "cert_no", "institution")),
    "client": ("clients", ("name", "credit_code")),
    "achievement": ("achievements", ("title", "patents", "keywords")),
    "demand": ("demands", ("title", "keywords", "description")),
    "engagement": ("engagements", ("title", "note")),
    "followup": ("followups", ("content", "next_step")),
}


def normalise_query(text: str) -> str:
    """Full-width letters and digits to half-width, spaces trimmed, upper case (codes)."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def match_sql(entity: str, text: str) -> tuple[str, list[str]] | None:
    """A subquery selecting the ids of ``entity`` records matching ``text``, and its parameters.

    None for a blank query (everything matches). The list views combine it with
    their filters and sort (``id IN (...)``), so they search exactly as :func:`search` does.
    """
    query = normalise_query(text)
    if not query:
        return None
    if entity == "contract":
        return "SELECT id FROM contract_search WHERE instr(text, ?)", [query.upper()]
    table, columns = COLUMNS[entity]
    where = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns)
    return f"SELECT id FROM {table} WHERE {where}", [_like(query)] * len(columns)


def search(ledger, entity: str, text: str, limit: int | None = None) -> list[int]:
    """Ids of ``entity`` records matching ``text`` (all of them for a blank query)."""
    tail = f" LIMIT {int(limit)}" if limit else ""
    match = match_sql(entity, text)
    if match is None:
        return [i for (i,) in ledger.conn.execute(f"SELECT id FROM {TABLES[entity]} ORDER BY id{tail}")]
    sql, params = match
    return [i for (i,) in ledger.conn.execute(f"{sql} ORDER BY id{tail}", params)]
