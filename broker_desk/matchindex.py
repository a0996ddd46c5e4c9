"""The matching index: achievements' and demands' words in SQLite FTS5 tables.

Titles, keywords and descriptions are cut into words by jieba (``rjieba``, the
jieba-rs binding, with the dictionary it ships: no network, no files of its
own) in search mode, which also gives the shorter words inside a long one
(锂电池 → 锂电, 电池, 锂电池), so a partial keyword still meets its word; a
character the dictionary leaves alone is also joined to its neighbour (石墨|烯 →
石墨烯), and each keyword is also kept whole (钠离子电池), so that an abbreviation
of it (钠电) can be told (see matching.py). The words go space-separated into one
FTS5 table per kind of record (``match_achievement``, ``match_demand``; rowid =
the record's id; columns title, keywords, body and tags: the field's code and
open/closed) and are ranked there by bm25.

The index lives in the ledger file, in tables this module makes when they are
missing (no schema migration: they hold nothing that cannot be rebuilt). It
follows the change log: every write path (an edit, an import, the demo, undo
and redo) leaves rows in ``changes``, and ``match_state`` keeps, per kind, the
last change the index has seen. :func:`refresh` re-indexes the records changed
since then, or rebuilds the whole table when many changed (a bulk import), when
the index is missing or of an older format, or when the number of records
disagrees (a write that bypassed the log). :func:`follow` is called by the
ledger at the end of every action touching achievements or demands and keeps a
built index current for small actions within their transaction; large ones
are left to the next :func:`refresh` (the next match), so an import pays
nothing for it.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable
from importlib import metadata

from . import codes
from .paths import resource_files

#: The records that are indexed, and their tables.
TABLES = {"achievement": "achievements", "demand": "demands"}
#: Indexed text: the title, keywords and description columns of each kind.
TEXT = {"achievement": ("title", "keywords", "summary"), "demand": ("title", "keywords", "description")}
#: Bumped whenever the way words go into the index changes: an index of another format (or
#: made with another segmenter version, stop words or field synonyms) is rebuilt.
FORMAT = 4
#: More changed records than this since the index was last brought up to date: rebuild it whole.
BULK = 500
#: Column names of the index tables.
COLUMNS = ("title", "keywords", "body", "tags")


@functools.lru_cache(maxsize=1)
def matching_data() -> dict:
    """The weights and word lists of matching (``resources/matching.json``): one place to tune."""
    return json.loads(resource_files().joinpath("matching.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def index_format() -> str:
    """What an index was made with, kept in ``match_state``."""
    data = matching_data()
    words = json.dumps([data["stopwords"], data["field_synonyms"]], ensure_ascii=False, sort_keys=True)
    return f"{FORMAT}/rjieba-{metadata.version('rjieba')}/{zlib.crc32(words.encode()):08x}"


@functools.lru_cache(maxsize=256)
def canonical_field(value: str | None) -> str | None:
    """The technology field (its name in the code table) that ``value`` names: the name itself,
    its English name, or a synonym people write (新材料, 生物医药, 智能制造 …); None when
    unknown or ambiguous (a synonym of two fields)."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    tables = codes.tables()
    for item in tables.items("tech_field"):
        if text in (item.name, item.code) or text.lower() == item.name_en.lower():
            return item.name
    found = {name for name, synonyms in matching_data()["field_synonyms"].items()
             if text in synonyms or text.lower() in (s.lower() for s in synonyms)}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(matching_data()["stopwords"])


_KEEP: dict[str, bool] = {}


def _keep(word: str) -> bool:
    """A word worth indexing: not a stop word, not punctuation, not one Chinese character
    alone (高, 包: too vague; such a character is kept joined to its neighbour, see _cut)."""
    kept = _KEEP.get(word)
    if kept is None:
        kept = _KEEP[word] = not (word in _stopwords() or (len(word) == 1 and _cjk(word))) and any(
            ch.isalnum() for ch in word)
        if len(_KEEP) > 200_000:
            _KEEP.clear()
    return kept


def _cjk(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


@functools.lru_cache(maxsize=1)
def _segmenter():
    """rjieba, loaded when there is text to cut (its dictionary takes ~0.2 s to load)."""
    import rjieba

    return rjieba


@functools.lru_cache(maxsize=20_000)
def _cut(text: str) -> tuple[str, ...]:
    """Search-mode words, and for a character the dictionary leaves alone (a term it does not
    know: 石墨|烯, 钠|电池) the compounds with its neighbours (石墨烯, 钠电池)."""
    jieba = _segmenter()
    found = [w for w in jieba.cut_for_search(text) if _keep(w)]
    plain = jieba.cut(text)
    stop = _stopwords()

    def word(j: int) -> bool:
        return 0 <= j < len(plain) and _cjk(plain[j]) and plain[j] not in stop

    for i, w in enumerate(plain):
        if len(w) == 1 and word(i):  # a suffix to the word before it, else a prefix to the next
            if word(i - 1):
                found.append(plain[i - 1] + w)
            elif word(i + 1):
                found.append(w + plain[i + 1])
    return tuple(found)


#: Where text is cut into pieces before the segmenter (pieces repeat: each is cut once).
_PIECES = re.compile(r"[\s，。；;,、：:！？!?（）()“”\"'《》]+")


def _normal(text: str) -> str:
    """Full-width letters and digits as half-width (NFKC), lower case."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def words(*texts: str | None) -> list[str]:
    """The distinct words of ``texts`` (search mode: long words and the words inside them),
    in order of first appearance, without stop words and punctuation."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for part in _PIECES.split(_normal(text)):
            for w in _cut(part):
                seen.setdefault(w, None)
    return list(seen)


_SEPARATORS = re.compile(r"[；;，,、/|\s]+")


def keyword_words(text: str | None) -> list[str]:
    """The words of a keywords list, and each keyword whole (钠离子电池, not only 钠离子 and
    电池): a keyword is a term someone chose, and an abbreviation of it (钠电) can be told."""
    found = words(text)
    if text:
        seen = set(found)
        for term in _SEPARATORS.split(_normal(text)):
            if len(term) > 1 and term not in seen and _keep(term):
                seen.add(term)
                found.append(term)
    return found


def field_tag(value: str | None) -> str:
    """The token standing for a technology field in the ``tags`` column ("" for none)."""
    name = canonical_field(value)
    item = codes.tables().item("tech_field", name) if name else None
    return f"fld{item.code}" if item else ""


def document(kind: str, row: dict) -> tuple[str, str, str, str]:
    """The index row (the words of the title, the keywords and the description; tags) of a
    record (``row`` with the text columns, field and status)."""
    closed = row.get("status") in matching_data()["closed"][kind]
    tags = " ".join(t for t in (field_tag(row.get("field")), "closed" if closed else "open") if t)
    title, keywords, body = TEXT[kind]
    return " ".join(words(row.get(title))), " ".join(keyword_words(row.get(keywords))), \
        " ".join(words(row.get(body))), tags


# -- the tables --------------------------------------------------------------------------
def index_table(kind: str) -> str:
    return f"match_{kind}"


def _exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone() is not None


def _ensure_tables(conn: sqlite3.Connection, kind: str) -> None:
    if not _exists(conn, "match_state"):
        conn.execute("CREATE TABLE IF NOT EXISTS match_state (kind TEXT PRIMARY KEY, change_id INTEGER NOT NULL, "
                     "docs INTEGER NOT NULL, format TEXT NOT NULL) STRICT")
    if not _exists(conn, index_table(kind)):
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {index_table(kind)} USING fts5("
                     f"{', '.join(COLUMNS)}, tokenize = 'unicode61 remove_diacritics 0')")


def _last_change(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]


def _rows(conn: sqlite3.Connection, kind: str, ids: Iterable[int] | None = None) -> list[dict]:
    cols = ["id", *TEXT[kind], "field", "status"]
    sql = f"SELECT {', '.join(cols)} FROM {TABLES[kind]}"
    if ids is None:
        cur = conn.execute(sql)
    else:
        cur = conn.execute(sql + " WHERE id IN (SELECT value FROM json_each(?))",
                           ["[" + ",".join(str(int(i)) for i in ids) + "]"])
    return [dict(zip(cols, r, strict=True)) for r in cur]


def _write(conn: sqlite3.Connection, kind: str, rows: list[dict]) -> None:
    conn.executemany(f"INSERT INTO {index_table(kind)} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                     [(r["id"], *document(kind, r)) for r in rows])


def _count(conn: sqlite3.Connection, kind: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0]


def _save_state(conn: sqlite3.Connection, kind: str, change_id: int, docs: int) -> None:
    conn.execute("INSERT INTO match_state (kind, change_id, docs, format) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(kind) DO UPDATE SET change_id = excluded.change_id, docs = excluded.docs, "
                 "format = excluded.format", [kind, change_id, docs, index_format()])


def rebuild(conn: sqlite3.Connection, kind: str) -> int:
    """Index every ``kind`` record afresh (inside the caller's transaction); returns how many."""
    _ensure_tables(conn, kind)
    last = _last_change(conn)
    conn.execute(f"DELETE FROM {index_table(kind)}")
    rows = _rows(conn, kind)
    _write(conn, kind, rows)
    _save_state(conn, kind, last, len(rows))
    return len(rows)


def _pending(conn: sqlite3.Connection, kind: str, since: int, most: int) -> tuple[set[str], bool] | None:
    """The uids of ``kind`` records changed after change ``since``, and whether any was deleted;
    None when there are more than ``most``."""
    uids: set[str] = set()
    deleted = False
    for uid, action in conn.execute("SELECT uid, action FROM changes WHERE id > ? AND entity = ?", [since, kind]):
        uids.add(uid)
        deleted = deleted or action == "delete"
        if len(uids) > most:
            return None
    return uids, deleted


def refresh(conn: sqlite3.Connection, kind: str, *, rebuild_if_bulk: bool = True) -> str:
    """Bring the ``kind`` index up to date with the ledger (inside the caller's transaction).

    Returns what was done: ``"current"``, ``"followed"`` (the changed records re-indexed),
    ``"rebuilt"``, or ``"deferred"`` (too many changes and ``rebuild_if_bulk`` false)."""
    if not _exists(conn, TABLES[kind]):
        return "current"
    missing = not _exists(conn, index_table(kind))
    _ensure_tables(conn, kind)
    state = conn.execute("SELECT change_id, docs, format FROM match_state WHERE kind = ?", [kind]).fetchone()
    last = _last_change(conn)
    if state is None or state[2] != index_format() or missing:
        return _bulk(conn, kind, rebuild_if_bulk)
    change_id, docs, _ = state
    if change_id == last:
        if docs == _count(conn, kind):
            return "current"
        return _bulk(conn, kind, rebuild_if_bulk)  # written behind the change log's back
    pending = _pending(conn, kind, change_id, BULK)
    if pending is None:
        return _bulk(conn, kind, rebuild_if_bulk)
    uids, deleted = pending
    table = index_table(kind)
    if uids:
        ids = [i for (i,) in conn.execute(f"SELECT id FROM {TABLES[kind]} WHERE uid IN "
                                          "(SELECT value FROM json_each(?))", [_json_list(uids)])]
        if deleted:  # a deleted record's id is gone with it: drop every index row without its record
            conn.execute(f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM {TABLES[kind]})")
        conn.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))",
                     ["[" + ",".join(map(str, ids)) + "]"])
        _write(conn, kind, _rows(conn, kind, ids))
    _save_state(conn, kind, last, _count(conn, kind))
    return "followed"


def _bulk(conn: sqlite3.Connection, kind: str, allowed: bool) -> str:
    if not allowed:
        return "deferred"
    rebuild(conn, kind)
    return "rebuilt"


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def follow(conn: sqlite3.Connection, kinds: Iterable[str]) -> None:
    """Keep a built index current after an action that changed ``kinds`` records (called by the
    ledger inside the action's transaction). Nothing happens for an index never built; a
    large action leaves it to the next :func:`refresh`."""
    for kind in kinds:
        if kind in TABLES and _exists(conn, index_table(kind)):
            refresh(conn, kind, rebuild_if_bulk=False)
