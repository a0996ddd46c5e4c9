"""Code-table values written the way people write them.

:func:`recognise` tells which item of a code table a value means — the one rule the import
and the editors share:

* the item's exact name or code: that item;
* one of its names once punctuation, spaces, full/half width and case are set aside
  (生物医药 for 生物、医药和医疗器械's alias), an alias (``aliases`` in the table's JSON, an
  office's own table files add more) or a value the office mapped by hand
  (:func:`hand_mappings`): that item, without a word (:attr:`Recognition.silent`);
* a value close to exactly one item — the same once the usual prefixes and suffixes are
  set aside (促进…发展, …专利, …权, …技术, …事业), one containing the other, or a fuzzy score
  (rapidfuzz) high and clearly ahead of the runner-up: that item, with a note;
* anything else: no item, and the nearest items to name in the message (unknown, or
  ambiguous when several items fit as well).

How close is close enough is :data:`TOLERANCE`, data in one place. A table whose JSON says
``"tolerant": false`` (the registration statuses: a workflow, not a vocabulary) takes exact
names, codes, aliases and hand mappings only.
"""

from __future__ import annotations

import unicodedata
import weakref
from dataclasses import dataclass

from rapidfuzz import fuzz

from . import codes, i18n
from .codes import CodeItem, CodeTables

i18n.register({
    "codes.recognised": ("已将“{value}”识别为“{name}”", "Read “{value}” as “{name}”"),
})


@dataclass(frozen=True)
class Tolerance:
    """How far a value may be from an item's name and still be taken for it."""

    prefixes: tuple[str, ...]   # set aside at the start of a value and of every name
    suffixes: tuple[str, ...]   # set aside at the end (longest first, again and again)
    min_core: int               # what is left must keep this many characters
    contained_share: float      # a name found inside a longer value must be this share of it
    negations: tuple[str, ...]  # a value or name starting so means the opposite of what it holds
    fuzzy_score: float          # rapidfuzz ratio (0–100) a close value must reach…
    fuzzy_lead: float           # …and lead any other item reaching it by
    near_score: float           # …and the score an item needs to be named as a near one
    nearest: int                # items named in the message for a value not understood


TOLERANCE = Tolerance(
    prefixes=("促进",),
    suffixes=("专利权", "专利", "权", "技术", "事业", "发展", "领域", "合同", "类"),
    min_core=2,
    contained_share=0.5,
    negations=("非", "未", "不", "无"),
    fuzzy_score=80.0,
    fuzzy_lead=10.0,
    near_score=40.0,
    nearest=3,
)

# how a value was recognised
EXACT, ALIAS, CLOSE, UNKNOWN, AMBIGUOUS = "exact", "alias", "close", "unknown", "ambiguous"


@dataclass(frozen=True)
class Recognition:
    table: str
    value: str
    item: CodeItem | None
    how: str                           # EXACT | ALIAS | CLOSE | UNKNOWN | AMBIGUOUS
    nearest: tuple[str, ...] = ()      # item names, nearest first (for a value not understood)

    @property
    def name(self) -> str | None:
        return self.item.name if self.item else None

    @property
    def silent(self) -> bool:
        return self.how in (EXACT, ALIAS)

    def note(self) -> str:
        """The note a close value gets: 已将“实用新型专利”识别为“实用新型”."""
        return i18n.tr("codes.recognised", value=self.value, name=self.name)


def normalise(text: str) -> str:
    """A value reduced for matching: full width to half, case folded, only letters and digits."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def core(key: str, tolerance: Tolerance = TOLERANCE) -> str:
    """A normalised value without its usual prefixes and suffixes (促进工业发展 → 工业)."""
    changed = True
    while changed:
        changed = False
        for prefix in tolerance.prefixes:
            if key.startswith(prefix) and len(key) - len(prefix) >= tolerance.min_core:
                key, changed = key[len(prefix):], True
        for suffix in tolerance.suffixes:
            if key.endswith(suffix) and len(key) - len(suffix) >= tolerance.min_core:
                key, changed = key[:-len(suffix)], True
    return key


class _Index:
    """One table's items, their keys (names, aliases, English names) normalised, and the cores."""

    def __init__(self, tables: CodeTables, table: str):
        info = tables.table_info(table)
        self.table = table
        self.tolerant = info.get("tolerant", True)
        self.items = tables.items(table)
        self.by_code = {i.code: i for i in self.items}
        self.groups = {i.code for i in self.items if i.parent is None and any(o.parent == i.name for o in self.items)}
        self.keys: dict[str, list[CodeItem]] = {}
        self.cores: list[tuple[CodeItem, str, str]] = []   # (item, key, its core)
        for item in self.items:
            for text in (item.name, *item.data.get("aliases", ()), item.name_en):
                key = normalise(text or "")
                if key:
                    found = self.keys.setdefault(key, [])
                    if item not in found:
                        found.append(item)
                    self.cores.append((item, key, core(key)))


_INDEXES: weakref.WeakKeyDictionary[CodeTables, dict[str, _Index]] = weakref.WeakKeyDictionary()


def _index(tables: CodeTables, table: str) -> _Index:
    per_table = _INDEXES.setdefault(tables, {})
    found = per_table.get(table)
    if found is None:
        found = per_table[table] = _Index(tables, table)
    return found


def recognise(table: str, value: str | None, mapped: dict[str, str] | None = None,
              tables: CodeTables | None = None) -> Recognition:
    """Which item of ``table`` the text ``value`` means (see the module's docstring).
    ``mapped``: the office's hand mappings for this table, value as written -> item name."""
    tables = tables or codes.tables()
    text = (value or "").strip()
    item = tables.item(table, text)
    if item is not None:
        return Recognition(table, text, item, EXACT)
    index = _index(tables, table)
    key = normalise(text)
    for written, name in (mapped or {}).items():
        if normalise(written) == key and tables.item(table, name) is not None:
            return Recognition(table, text, tables.item(table, name), ALIAS)
    found = index.keys.get(key, [])
    if len(found) == 1:
        return Recognition(table, text, found[0], ALIAS)
    if len(found) > 1:
        return Recognition(table, text, None, AMBIGUOUS, tuple(i.name for i in found))
    scores = _scores(index, key)
    if key and index.tolerant and not key.startswith(TOLERANCE.negations):  # 非企业 is no guess at 企业
        close = _close(text, key, index, scores)
        if close is not None:
            return close
    return Recognition(table, text, None, UNKNOWN, _nearest(index, scores))


def _scores(index: _Index, key: str) -> dict[str, float]:
    """Each item's best fuzzy score (by code) over its keys and their cores (a group such as
    专利 is never a guess: one of its items is chosen)."""
    value_core = core(key)
    scores = {i.code: 0.0 for i in index.items if i.code not in index.groups}
    for item, item_key, item_core in index.cores:
        if item.code in index.groups:
            continue
        score = max(fuzz.ratio(key, item_key), fuzz.ratio(value_core, item_core))
        if score > scores[item.code]:
            scores[item.code] = score
    return scores


def _nearest(index: _Index, scores: dict[str, float], among=None) -> tuple[str, ...]:
    """The names of the items (of ``among``, codes) scoring at least ``near_score``, best first."""
    ranked = sorted((c for c in (among or scores) if scores[c] >= TOLERANCE.near_score), key=lambda c: -scores[c])
    return tuple(index.by_code[c].name for c in ranked[:TOLERANCE.nearest])


def _close(text: str, key: str, index: _Index, scores: dict[str, float]) -> Recognition | None:
    """The one item ``key`` is close to, tried in turn: the same core (促进工业发展 and 工业发展);
    one containing the other (not 非专利技术 for 专利); a fuzzy score high and clearly ahead.
    Several items as close: ambiguous. None: nothing close."""
    t = TOLERANCE
    value_core = core(key)

    def within(short: str, long: str, shorter_value: bool) -> bool:
        # a short form of a name (医疗器械) is fine; a name inside a longer value must be most of it
        # (先进制造业, not 民办非企业单位)
        return len(short) >= t.min_core and short in long and (
            shorter_value or len(short) >= t.contained_share * len(long))

    def contains(k: str, c: str) -> bool:
        return not k.startswith(t.negations) and (
            within(value_core, c, True) or within(c, value_core, False)
            or within(key, k, True) or within(k, key, False))

    for fits in (lambda k, c: c == value_core, contains):
        candidates = list(dict.fromkeys(item.code for item, k, c in index.cores
                                        if item.code not in index.groups and fits(k, c)))
        if len(candidates) > 1:
            ranked = sorted(candidates, key=lambda c: -scores[c])[:t.nearest]
            return Recognition(index.table, text, None, AMBIGUOUS, tuple(index.by_code[c].name for c in ranked))
        if candidates:
            return _ahead(text, index, scores, candidates[0])
    best = max(scores, key=lambda c: scores[c], default=None)
    if best is not None and scores[best] >= t.fuzzy_score:
        return _ahead(text, index, scores, best)
    return None


def _ahead(text: str, index: _Index, scores: dict[str, float], code: str) -> Recognition:
    """``code``'s item, unless another scores high and about as well (股份有限责任公司: 有限责任公司
    or 股份有限公司?)."""
    t = TOLERANCE
    rivals = [c for c, s in scores.items() if c != code and s >= t.fuzzy_score and scores[code] - s < t.fuzzy_lead]
    if rivals:
        return Recognition(index.table, text, None, AMBIGUOUS, _nearest(index, scores, [code, *rivals]))
    return Recognition(index.table, text, index.by_code[code], CLOSE)


def unknown_problem(found: Recognition, tables: CodeTables | None = None) -> tuple[str, dict]:
    """The message (key and arguments, ``{label}`` left to the caller) for a value that is not
    taken as it is: several items fit, the nearest items, or (nothing near) the choices."""
    tables = tables or codes.tables()
    if found.how == AMBIGUOUS:
        return "field.ambiguous_code", {"value": found.value, "nearest": "、".join(found.nearest)}
    nearest = (found.item.name,) if found.item is not None else found.nearest
    if nearest:
        return "field.not_in_table_near", {"value": found.value, "nearest": "、".join(nearest)}
    return "field.not_in_table", {"value": found.value, "choices": "、".join(tables.choices(found.table)[:12])}


# -- the office's hand mappings, kept in the ledger's settings ---------------------------------

MAPPINGS_SETTING = "import.value_map"   # {table: {value as written: item name}}


def hand_mappings(ledger) -> dict[str, dict[str, str]]:
    """The values the office mapped to items by hand, per code table."""
    return {table: dict(values) for table, values in (ledger.setting(MAPPINGS_SETTING) or {}).items()}


def remember(ledger, table: str, value: str, name: str | None) -> None:
    """Map ``value`` to the item ``name`` of ``table`` from now on (None: forget the mapping)."""
    mappings = hand_mappings(ledger)
    values = mappings.setdefault(table, {})
    if name:
        if codes.tables().item(table, name) is None:
            raise codes.BrokerDeskError("codes.no_item", table=codes.tables().title(table), name=name)
        values[value.strip()] = name
    else:
        values.pop(value.strip(), None)
    ledger.set_setting(MAPPINGS_SETTING, {t: v for t, v in mappings.items() if v})


i18n.register({"codes.no_item": ("代码表“{table}”中没有“{name}”", "The code table “{table}” has no “{name}”")})
