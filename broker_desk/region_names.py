"""所在地区 as people write it: a 6-digit code (GB/T 2260), a 3-digit country code, or a
name — a province, a prefecture or a county, in full or short form, alone or after the
places above it (福州, 福州市, 福建省福州市, 福建福州, 北京朝阳区). :func:`resolve` gives the
code to store; a name that several regions answer to is an error listing them with their
codes. Answers are memoised per distinct text, so an import pays once per value, not per row."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from . import codes, i18n

i18n.register({
    "region.bad": ("所在地区“{value}”应为 6 位行政区划代码、3 位国家代码或地区名称（如 福州、福建省福州市）",
                   "Region “{value}” must be a 6-digit division code, a 3-digit country code or a place name "
                   "(such as 福州 or 福建省福州市)"),
    "region.unknown_name": ("所在地区“{value}”不是已知的省、市或区县名称，请核对或填写 6 位行政区划代码",
                            "Region “{value}” is not a known province, city or county; check it or give the "
                            "6-digit division code"),
    "region.ambiguous": ("所在地区“{value}”可指 {count} 个地区：{choices}，请写明上级地区或填写代码",
                         "Region “{value}” could be {count} places: {choices}; name the place above it or give "
                         "the code"),
})

#: The provinces' names in English, by the first two digits of their GB/T 2260 codes.
PROVINCES_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia", "21": "Liaoning",
    "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui",
    "35": "Fujian", "36": "Jiangxi", "37": "Shandong", "41": "Henan", "42": "Hubei", "43": "Hunan",
    "44": "Guangdong", "45": "Guangxi", "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou",
    "53": "Yunnan", "54": "Tibet", "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia",
    "65": "Xinjiang", "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}


def place_label(code: str) -> str:
    """A region's name as shown: 广东省深圳市; in English a province by its English name
    (Guangdong; places below a province keep their Chinese names: no English table holds them)."""
    name = codes.region_name(code) or code
    if i18n.get_language() == "en" and code[:2] in PROVINCES_EN and name == codes.region_name(code[:2] + "0000"):
        return PROVINCES_EN[code[:2]]  # a province, or a place named as its province is (北京市's 市辖区)
    return name


#: Endings a region's name may be written without (longest first): 广西壮族自治区 → 广西.
_ENDINGS = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
            "地区", "林区", "省", "市", "区", "县", "盟", "旗")
#: Peoples named in autonomous prefectures' and counties' names (湘西土家族苗族自治州 → 湘西).
_PEOPLES = ("朝鲜", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
            "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
            "羌", "撒拉", "毛南", "仡佬", "锡伯", "普米", "塔吉克", "怒", "鄂温克", "保安", "裕固", "独龙", "鄂伦春",
            "满", "各")
_PEOPLE = re.compile("(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族?(?=(?:[^族]+族?)*自治[州县旗])")
_CODE = re.compile(r"[0-9]{6}|[0-9]{3}")
_CHOICES_SHOWN = 8


def _forms(name: str) -> set[str]:
    """The ways a region's own name is written: in full, and without its ending (at least two
    characters left)."""
    forms = {name}
    plain = _PEOPLE.sub("", name)
    for ending in _ENDINGS:
        if plain.endswith(ending) and len(plain) - len(ending) >= 2:
            forms.add(plain[:-len(ending)])
            break
    return forms


@lru_cache(maxsize=1)
def _index() -> dict[str, frozenset[str]]:
    """Every way of writing every current region → its codes: its own name, or its name after
    its province's, its prefecture's, or both."""
    regions = codes.regions()
    found: dict[str, set[str]] = {}
    for code, entry in regions.items():
        if entry["obsolete"] or entry.get("placeholder"):
            continue
        own = _forms(entry["name"])
        above: list[set[str]] = [{""}]  # what may be written before the name
        if entry["level"] >= 2:
            province = _forms(entry["province"])
            above.append(province)
            prefecture = regions.get(code[:4] + "00") if entry["level"] == 3 else None
            if prefecture and not prefecture.get("placeholder"):
                city = _forms(prefecture["name"])
                above.append(city)
                above.append({p + c for p, c in product(province, city)})
        for before, name in product(set().union(*above), own):
            found.setdefault(before + name, set()).add(code)
    return {text: frozenset(found_codes) for text, found_codes in found.items()}


def _tidy(text: str) -> str:
    return re.sub(r"[\s·・,，、/-]+", "", unicodedata.normalize("NFKC", text))


def _holds(outer: str, inner: str) -> bool:
    """Whether the region ``outer`` is or contains ``inner``."""
    width = 2 if outer.endswith("0000") else 4 if outer.endswith("00") else 6
    return inner[:width] == outer[:width]


@lru_cache(maxsize=4096)
def resolve(text: str) -> tuple[str | None, str | None, dict]:
    """(the code to store, the problem's message key or None, its arguments) for a 所在地区 as
    written. A code is returned as it is (whether it exists is the caller's to warn about)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if _CODE.fullmatch(value):
        return value, None, {}
    if value.isdigit() or value.isascii():
        return None, "region.bad", {"value": value}
    found = _index().get(_tidy(value))
    if not found:
        return None, "region.unknown_name", {"value": value}
    if len(found) > 1:
        widest = min(found)  # 吉林: 吉林省 and its 吉林市 — the province holds both, and is meant
        if all(_holds(widest, code) for code in found):
            return widest, None, {}
        ordered = sorted(found)
        # the places by their Chinese names, the same in either language (the answer is memoised)
        choices = "、".join(f"{codes.region_name(c)}（{c}）" for c in ordered[:_CHOICES_SHOWN])
        if len(ordered) > _CHOICES_SHOWN:
            choices += "…"
        return None, "region.ambiguous", {"value": value, "count": len(ordered), "choices": choices}
    return next(iter(found)), None, {}


@lru_cache(maxsize=1)
def completions() -> tuple[tuple[str, str], ...]:
    """(full name, code) of every current region, for a completer: 福建省福州市鼓楼区 → 350102."""
    return tuple((codes.region_name(code), code) for code, entry in codes.regions().items()
                 if not entry["obsolete"] and not entry.get("placeholder"))
