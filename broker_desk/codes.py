"""Code tables (合同类别, 技术领域, 买方/卖方性质 …) and administrative regions.

Tables ship as ``resources/codes/<name>.json`` (``{"name", "title_zh", "title_en",
"source", "items": [{"code", "name", "name_en", "parent"?, "aliases"?, …}]}``); an office
extends them with files of that shape in a folder of its own (:func:`load_tables`):
same code replaces (its ``aliases`` are added to the item's), a new code is appended. The
ledger stores an item's Chinese ``name``; ``parent`` is the parent item's name (a
subtype's category); ``aliases`` are other ways people write the item (see
:mod:`broker_desk.codematch`).
Regions: GB/T 2260 codes, current and obsolete, from ``resources/regions.json``
(built by ``tools/make_regions.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import BrokerDeskError
from .i18n import get_language, register
from .paths import resource_files

register({
    "codes.unknown_table": ("没有名为“{name}”的代码表", "There is no code table named “{name}”"),
    "codes.user_file_broken": (
        "代码表文件“{file}”不是有效的 JSON：第 {line} 行第 {column} 列：{error}",
        "Code table file “{file}” is not valid JSON: line {line}, column {column}: {error}"),
    "codes.user_file_unreadable": ("代码表文件“{file}”无法读取（应为 UTF-8 编码）：{error}",
                                   "Code table file “{file}” cannot be read (it must be UTF-8): {error}"),
    "codes.user_file_no_items": ("代码表文件“{file}”缺少 items 列表",
                                 "Code table file “{file}” has no items list"),
    "codes.user_file_bad_item": ("代码表文件“{file}”的第 {number} 项缺少 code 或 name",
                                 "Item {number} of code table file “{file}” lacks its code or name"),
    "codes.user_file_bad_aliases": ("代码表文件“{file}”的第 {number} 项的 aliases 应为文字的列表",
                                    "Item {number} of code table file “{file}”: aliases must be a list of texts"),
})

CHINA = "142"  # the customs country code of China; other 3-digit codes are foreign countries


@dataclass(frozen=True)
class CodeItem:
    code: str
    name: str
    name_en: str = ""
    parent: str | None = None
    data: dict = field(default_factory=dict, compare=False, hash=False)  # any further keys

    def label(self) -> str:
        """The name in the current language."""
        return self.name_en if get_language() == "en" and self.name_en else self.name


def _read_user_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise BrokerDeskError("codes.user_file_broken", file=str(path), line=exc.lineno,
                              column=exc.colno, error=exc.msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BrokerDeskError("codes.user_file_unreadable", file=str(path), error=str(exc)) from exc
    if not (isinstance(data, dict) and isinstance(data.get("items"), list)):
        raise BrokerDeskError("codes.user_file_no_items", file=str(path))
    for number, item in enumerate(data["items"], 1):
        if not (isinstance(item, dict) and all(
                isinstance(item.get(key), str) and item[key].strip() for key in ("code", "name"))):
            raise BrokerDeskError("codes.user_file_bad_item", file=str(path), number=number)
        aliases = item.get("aliases", [])
        if not (isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)):
            raise BrokerDeskError("codes.user_file_bad_aliases", file=str(path), number=number)
    return data


def _item(raw: dict) -> CodeItem:
    rest = {k: v for k, v in raw.items() if k not in ("code", "name", "name_en", "parent")}
    return CodeItem(raw["code"].strip(), raw["name"].strip(), (raw.get("name_en") or "").strip(),
                    (raw.get("parent") or "").strip() or None, rest)


class CodeTables:
    """All code tables, built-in and the user's, merged."""

    def __init__(self) -> None:
        self._tables: dict[str, dict] = {}
        self._index: dict[str, set[str]] = {}  # names and codes per table, for contains()
        self._names: dict[str, frozenset[str]] = {}  # names per table, for has_name()
        self._kinds: dict[tuple, Any] = {}  # contract kinds worked out: subtypes(), normalize_contract_kind()

    def add(self, data: dict, default_name: str) -> None:
        """Merge one table file's content (same code: replaced; new code: appended)."""
        name = data.get("name") or default_name
        self._index.pop(name, None)
        self._names.pop(name, None)
        self._kinds.clear()
        table = self._tables.setdefault(name, {"items": [], "legacy": []})
        for key in ("title_zh", "title_en", "source", "tolerant"):
            if data.get(key) is not None:
                table[key] = data[key]
        for raw in data["items"]:
            item = _item(raw)
            codes = [old.code for old in table["items"]]
            if item.code in codes:
                old = table["items"][codes.index(item.code)]
                aliases = list(dict.fromkeys([*old.data.get("aliases", ()), *item.data.get("aliases", ())]))
                if aliases:
                    item.data["aliases"] = aliases
                table["items"][codes.index(item.code)] = item
            else:
                table["items"].append(item)
        table["legacy"].extend(data.get("legacy") or [])

    def table_names(self) -> list[str]:
        return list(self._tables)

    def _table(self, name: str) -> dict:
        if name not in self._tables:
            raise BrokerDeskError("codes.unknown_table", name=name)
        return self._tables[name]

    def table_info(self, name: str) -> dict:
        """The table's own keys (title_zh, title_en, source, tolerant…) and its items."""
        return self._table(name)

    def title(self, name: str) -> str:
        table = self._table(name)
        return (table.get("title_en") if get_language() == "en" else None) or table.get("title_zh", name)

    def items(self, name: str) -> list[CodeItem]:
        return list(self._table(name)["items"])

    def item(self, name: str, value: str | None) -> CodeItem | None:
        """The item whose name (else: code) is ``value``."""
        value = (value or "").strip()
        items = self._table(name)["items"]
        return (next((i for i in items if i.name == value), None)
                or next((i for i in items if i.code == value), None))

    def english(self, name: str, value: str | None) -> str:
        """The English name of ``value`` (``value`` itself when it is not in the table)."""
        item = self.item(name, value)
        return item.name_en or item.name if item else (value or "")

    def names(self, name: str) -> list[str]:
        return [item.name for item in self._table(name)["items"]]

    def choices(self, name: str) -> list[str]:
        """The selectable names: all but the top-level groups of the table (专利 → its kinds)."""
        items = self._table(name)["items"]
        groups = {i.parent for i in items} & {i.name for i in items if i.parent is None}
        return [i.name for i in items if i.parent or i.name not in groups]

    def has_name(self, name: str, value: str | None) -> bool:
        """Whether ``value`` is an item's name exactly (the form the ledger keeps)."""
        names = self._names.get(name)
        if names is None:
            names = self._names[name] = frozenset(i.name for i in self._table(name)["items"])
        return value in names

    def contains(self, name: str, value: str | None) -> bool:
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = {i.name for i in self._table(name)["items"]} | {
                i.code for i in self._table(name)["items"]}
        return (value or "").strip() in index

    def subtypes(self, category: str) -> list[str]:
        found = self._kinds.get(("subtypes", category))
        if found is None:
            found = self._kinds[("subtypes", category)] = tuple(
                i.name for i in self._table("contract_subtype")["items"] if i.parent == category)
        return list(found)

    def subtype_fits(self, category: str, subtype: str) -> bool:
        """Whether ``subtype`` is one of ``category``'s subtypes (once per pair)."""
        try:
            found = self._kinds.get(("fits", category, subtype))
        except TypeError:  # (a value that cannot be a key)
            return subtype in self.subtypes(category)
        if found is None:
            found = self._kinds[("fits", category, subtype)] = subtype in self.subtypes(category)
        return found

    def category_of(self, subtype: str) -> str | None:
        item = self.item("contract_subtype", subtype)
        return item.parent if item else None

    def normalize_contract_kind(self, category: str | None, subtype: str | None) -> tuple[str, str]:
        """Map an old (pre-2021) category/subtype pair to today's; fill a blank category (worked
        out once per pair: a bulk import brings the same few on every row)."""
        found = self._kinds.get(("kind", category, subtype))
        if found is None:
            found = self._kinds[("kind", category, subtype)] = self._normalize_contract_kind(category, subtype)
        return found

    def contract_kind_change(self, category: str, subtype: str) -> tuple[str, str] | None:
        """:meth:`normalize_contract_kind` of a pair when it differs from the pair as written
        (trimmed); None when it does not (once per pair)."""
        found = self._kinds.get(("change", category, subtype), self)  # (self: not worked out yet)
        if found is self:
            mapped = self.normalize_contract_kind(category, subtype)
            found = self._kinds[("change", category, subtype)] = (
                None if mapped == (category.strip(), subtype.strip()) else mapped)
        return found

    def _normalize_contract_kind(self, category: str | None, subtype: str | None) -> tuple[str, str]:
        category, subtype = (category or "").strip(), (subtype or "").strip()
        for rule in self._table("contract_subtype")["legacy"]:
            if rule.get("category") == category and rule.get("subtype") == subtype:
                return rule["to_category"], rule["to_subtype"]
        if not category and subtype:
            category = self.category_of(subtype) or ""
        return category, subtype

    def entity_code(self, unit_nature: str | None, enterprise_type: str | None = None) -> str | None:
        """The 买方/卖方性质 code a client prints as (None: the clerk fills it in)."""
        unit = self.item("unit_nature", unit_nature)
        if unit is None:
            return None
        if unit.name == "企业" and enterprise_type:
            kind = self.item("enterprise_type", enterprise_type)
            if kind is not None and kind.data.get("entity_code"):
                return kind.data["entity_code"]
        return unit.data.get("entity_code") or None

    def entity_code_name(self, code: str | None) -> str | None:
        item = self.item("entity_code", code)
        return item.name if item else None


def load_tables(user_dir: Path | None = None) -> CodeTables:
    """The built-in tables, extended by the ``*.json`` files in ``user_dir`` if it exists."""
    result = CodeTables()
    builtin = sorted((f for f in resource_files().joinpath("codes").iterdir() if f.name.endswith(".json")),
                     key=lambda f: f.name)
    for file in builtin:
        result.add(json.loads(file.read_text(encoding="utf-8")), file.name[:-5])
    if user_dir is not None and Path(user_dir).is_dir():
        for path in sorted(Path(user_dir).glob("*.json")):
            result.add(_read_user_file(path), path.stem)
    return result


_user_dir: Path | None = None
_current: CodeTables | None = None  # the tables of _user_dir (every record checked asks for them)


def set_user_dir(user_dir: Path | None) -> None:
    """The folder :func:`tables` reads the user's tables from when it is given none
    (the program sets it once at start-up: ``set_user_dir(paths.code_tables_dir())``)."""
    global _user_dir, _current
    _user_dir = Path(user_dir) if user_dir is not None else None
    _current = None
    _tables.cache_clear()


def tables(user_dir: Path | None = None) -> CodeTables:
    """The tables, loaded once per user folder (``set_user_dir`` reloads)."""
    global _current
    if user_dir is None:
        if _current is None:
            _current = _tables(_user_dir)
        return _current
    return _tables(Path(user_dir))


@lru_cache(maxsize=8)
def _tables(user_dir: Path | None) -> CodeTables:
    return load_tables(user_dir)


# --- regions (GB/T 2260) and countries -------------------------------------------------

@lru_cache(maxsize=1)
def regions() -> dict[str, dict]:
    """code -> {"name", "province", "level" (1–3), "obsolete", "until"?, "placeholder"?}."""
    text = resource_files().joinpath("regions.json").read_text(encoding="utf-8")
    return json.loads(text)["regions"]


def region(code: str | None) -> dict | None:
    return regions().get((code or "").strip())


def is_region_code(code: str | None, current_only: bool = False) -> bool:
    entry = region(code)
    return entry is not None and not (current_only and entry["obsolete"])


def province_code(code: str | None) -> str | None:
    """The 6-digit code of the province a region code lies in."""
    if region(code) is None:
        return None
    code = code.strip()[:2] + "0000"
    return code if code in regions() else None


def region_name(code: str | None) -> str | None:
    """The full display name: 北京市海淀区, 广东省深圳市南山区 (placeholders such as 市辖区 skipped)."""
    entry = region(code)
    if entry is None:
        return None
    code = code.strip()
    parts = [entry["province"]]
    for level, key in ((2, code[:4] + "00"), (3, code)):
        part = regions().get(key) if entry["level"] >= level else None
        if part and not part.get("placeholder"):
            parts.append(part["name"])
    return "".join(parts)


def _listing(level: int, prefix: str, include_obsolete: bool) -> list[tuple[str, str]]:
    return [(code, entry["name"]) for code, entry in regions().items()
            if entry["level"] == level and code.startswith(prefix) and not entry.get("placeholder")
            and (include_obsolete or not entry["obsolete"])]


def provinces(include_obsolete: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the provinces, for a drop-down."""
    return _listing(1, "", include_obsolete)


def prefectures(province: str, include_obsolete: bool = False) -> list[tuple[str, str]]:
    """(code, name) of a province's prefectures (none for 北京市 and the other municipalities)."""
    return _listing(2, province[:2], include_obsolete)


def counties(parent: str, include_obsolete: bool = False) -> list[tuple[str, str]]:
    """(code, name) under a prefecture; under a province code: the counties it governs directly
    (北京市's districts, 湖北省's 仙桃市 …)."""
    if parent.endswith("0000"):
        direct = {code[:4] for code, entry in regions().items()
                  if code.startswith(parent[:2]) and entry["level"] == 2 and entry.get("placeholder")}
        return [item for item in _listing(3, parent[:2], include_obsolete) if item[0][:4] in direct]
    return _listing(3, parent[:4], include_obsolete)


def children(code: str, include_obsolete: bool = False) -> list[tuple[str, str]]:
    """One step down a 省 → 市 → 区县 cascade: a province's prefectures and the counties it
    governs directly (北京市 → its districts), a prefecture's counties."""
    if code.endswith("0000"):
        return prefectures(code, include_obsolete) + counties(code, include_obsolete)
    return counties(code, include_obsolete)


def is_country_code(code: str | None) -> bool:
    """A 3-digit customs country code (142 is China)."""
    code = (code or "").strip()
    return len(code) == 3 and code.isascii() and code.isdigit()


def is_foreign_code(code: str | None) -> bool:
    return is_country_code(code) and code.strip() != CHINA


def country_name(code: str | None) -> str | None:
    """Only China's code is named; foreign countries have no names in this table."""
    return ("中国" if get_language() == "zh" else "China") if (code or "").strip() == CHINA else None
