"""Build ``resources/regions.json`` from python-stdnum's ``stdnum/cn/loc.dat``.

loc.dat lists the GB/T 2260 administrative division codes as compiled on the
Chinese Wikipedia (中华人民共和国行政区划代码): a province line ``11 province="北京市"``
followed by indented 4-digit lines ``  0108 county="海淀区"``. A name may carry
its years of validity (``[-2010]崇文区``, ``[1997-]通州区``, ``[1982-1999]昌平县``)
and a reused code lists several names separated by commas.

Every code is kept, current and obsolete: old ledgers use old codes. A code's
name is its current one when it has one, else its most recent one.

Usage: ``python tools/make_regions.py [--source loc.dat] [--out resources/regions.json]``
"""

from __future__ import annotations

import argparse
import json
import re
from importlib import metadata, resources
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
_PROVINCE = re.compile(r'^(\d{2}) province="(.+)"$')
_COUNTY = re.compile(r'^\s+(\d{4}) county="(.+)"$')
_NAME = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


def parse_names(text: str) -> tuple[str, bool, int | None]:
    """(name, obsolete, until-year) of one loc.dat name field."""
    versions = []
    for part in text.split(","):
        match = _NAME.match(part.strip())
        until = int(match.group(2)) if match.group(2) else None
        versions.append((match.group(3).strip(), until))
    current = [name for name, until in versions if until is None]
    if current:
        return current[-1], False, None
    name, until = max(versions, key=lambda version: version[1])
    return name, True, until


def convert(lines) -> dict[str, dict]:
    raw: dict[str, tuple[str, bool, int | None]] = {}
    province = None
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if match := _PROVINCE.match(line):
            province = match.group(1)
            raw.setdefault(province + "0000", (match.group(2), False, None))
        elif (match := _COUNTY.match(line)) and province:
            raw[province + match.group(1)] = parse_names(match.group(2))
        else:
            raise SystemExit(f"loc.dat line {number} not understood: {line!r}")
    regions = {}
    for code in sorted(raw):
        name, obsolete, until = raw[code]
        level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
        entry = {"name": name, "province": raw[code[:2] + "0000"][0], "level": level,
                 "obsolete": obsolete}
        if until is not None:
            entry["until"] = until
        if name in PLACEHOLDERS:
            entry["placeholder"] = True
        regions[code] = entry
    return regions


def dump(regions: dict[str, dict], source: str) -> str:
    lines = [f'{{"source": {json.dumps(source, ensure_ascii=False)},', '"regions": {']
    body = [f'"{code}": {json.dumps(entry, ensure_ascii=False, separators=(",", ":"))}'
            for code, entry in regions.items()]
    lines.append(",\n".join(body))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="loc.dat (default: the installed stdnum's)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "resources" / "regions.json")
    options = parser.parse_args(argv)
    if options.source:
        text = options.source.read_text(encoding="utf-8")
        origin = str(options.source)
    else:
        text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
        origin = f"python-stdnum {metadata.version('python-stdnum')} stdnum/cn/loc.dat"
    regions = convert(text.splitlines())
    source = (f"GB/T 2260 administrative division codes from {origin}, compiled from "
              "zh.wikipedia.org 中华人民共和国行政区划代码 (CC BY-SA); "
              "obsolete codes kept with obsolete=true and the last year they were valid (until)")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(dump(regions, source), encoding="utf-8")
    print(f"{len(regions)} regions written to {options.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
