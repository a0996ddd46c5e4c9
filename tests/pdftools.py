"""Reading PDFs back in tests: poppler's tools when the machine has them, else pdfplumber.

``pdf_text`` and ``fonts`` give the same kind of answer either way, so the paperwork
tests check real output on a machine with poppler (CI installs it) and on one without.
Pass ``poppler=False`` to force the pure-Python route.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber


def have_poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def _use_poppler(poppler: bool | None) -> bool:
    return have_poppler() if poppler is None else (poppler and have_poppler())


def pdf_text(path: str | Path, poppler: bool | None = None) -> str:
    """The text of every page, pages separated by form feeds (\\f)."""
    if _use_poppler(poppler):
        return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True).stdout.decode("utf-8")
    with pdfplumber.open(str(path)) as pdf:
        return "\f".join((page.extract_text(layout=True) or "") for page in pdf.pages) + "\f"


def page_texts(path: str | Path, poppler: bool | None = None) -> list[str]:
    return pdf_text(path, poppler).split("\f")[:-1]


def squeeze(text: str) -> str:
    """Text without any white space (a value wrapped over two lines reads as one)."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool
    subset: bool


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def fonts(path: str | Path, poppler: bool | None = None) -> list[Font]:
    """Every font the PDF uses (pages and the forms they draw), as ``pdffonts`` lists them."""
    if _use_poppler(poppler):
        out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        lines = out.splitlines()
        header = lines[0]
        # columns: name, type, encoding, emb, sub, uni, object ID; type and encoding may hold spaces
        emb_at = header.index("emb")
        sub_at = header.index("sub")
        type_at = header.index("type")
        found = []
        for line in lines[2:]:
            found.append(Font(line[:type_at].strip(), line[type_at:header.index("encoding")].strip(),
                              line[emb_at:emb_at + 3].strip() == "yes", line[sub_at:sub_at + 3].strip() == "yes"))
        return found
    return _fonts_pdfminer(path)


def _fonts_pdfminer(path) -> list[Font]:
    from pdfminer.pdftypes import resolve1

    seen: dict[int, Font] = {}

    def font(ref):
        obj = resolve1(ref)
        key = getattr(ref, "objid", id(obj))
        if key in seen:
            return
        name = _name(obj.get("BaseFont"))
        subtype = _name(obj.get("Subtype"))
        descriptor = resolve1(obj.get("FontDescriptor"))
        if subtype == "Type0":
            descendant = resolve1(resolve1(obj["DescendantFonts"])[0])
            descriptor = resolve1(descendant.get("FontDescriptor"))
        embedded = bool(descriptor) and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
        seen[key] = Font(name, subtype, embedded, bool(_SUBSET.match(name)))

    def resources(res, depth=0):
        res = resolve1(res) or {}
        for ref in (resolve1(res.get("Font")) or {}).values():
            font(ref)
        for ref in (resolve1(res.get("XObject")) or {}).values():
            xobject = resolve1(ref)
            if depth < 8 and _name(xobject.attrs.get("Subtype")) == "Form":
                resources(xobject.attrs.get("Resources"), depth + 1)

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            resources(page.page_obj.resources)
    return list(seen.values())


def _name(value) -> str:
    text = str(getattr(value, "name", value) or "")
    return text.lstrip("/")


def page_sizes(path: str | Path) -> list[tuple[float, float]]:
    with pdfplumber.open(str(path)) as pdf:
        return [(round(float(p.width), 2), round(float(p.height), 2)) for p in pdf.pages]
