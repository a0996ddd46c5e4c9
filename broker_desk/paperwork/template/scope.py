"""The compiler's shared state and tools: the form's settings, the template being
built, the areas taken, and the field references, placeholders and static text every
element uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ... import codes, i18n
from .. import model, text
from ..model import FieldDef, ListDef
from .check import FileChecker, hint, short
from .compiled import MM, Ref, Template, TextSlot
from .layout import num, text_ops

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass
class Form:
    per: str
    page_w: float   # mm
    page_h: float
    margins: tuple[float, float, float, float]
    size: float
    min_size: float
    label_size: float
    line_width: float
    padding: float


class Scope:
    """What the element compilers share (:class:`~.compiler.Compiler` sets ``form`` and ``t``)."""

    form: Form
    t: Template

    def __init__(self, checker: FileChecker, name: str, path: Path):
        self.c = checker
        self.name = name
        self.path = path
        self.tables = codes.tables()
        self.areas: list[tuple] = []

    def area(self, where: str, pages: str, x: float, y: float, w: float, h: float) -> None:
        self.areas.append((where, pages, x, y, w, h))

    # ---- geometry
    def inside(self, where: str, x: float, y: float, w: float, h: float, what: str | None = None) -> bool:
        f = self.form
        top, right, bottom, left = f.margins
        x1, y1 = f.page_w - right, f.page_h - bottom
        eps = 0.01
        if x < left - eps or y < top - eps or x + w > x1 + eps or y + h > y1 + eps or w < 0 or h < 0:
            self.c.problem(where, "paperwork.tpl.off_page", what=what or i18n.tr(
                "paperwork.tpl.shape", x=num(x), y=num(y), w=num(w), h=num(h)),
                x0=num(left), x1=num(x1), y0=num(top), y1=num(y1))
            return False
        return True

    def pdf_rect(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        """mm from the top-left -> PDF points (x, bottom y, w, h)."""
        return x * MM, self.t.page_h - (y + h) * MM, w * MM, h * MM

    def rect_of(self, where: str, element: dict) -> tuple[float, float, float, float] | None:
        c = self.c
        vals = [c.number(where, element, k, required=True) for k in ("x", "y", "w", "h")]
        if any(v is None for v in vals):
            return None
        x, y, w, h = vals
        if w <= 0 or h <= 0:
            c.problem(f"{where}.w", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.positive"),
                      value=f"{num(w)}×{num(h)}")
            return None
        return (x, y, w, h) if self.inside(where, x, y, w, h) else None

    def label_of(self, label: str | None, parts) -> str:
        refs = [p for p in parts if isinstance(p, Ref)]
        if refs and (len(refs) > 1 or not label):
            return "、".join(dict.fromkeys(r.label for r in refs))
        return (label or "").replace("\n", "").rstrip("：:") or (refs[0].label if refs else "")

    def ref(self, where: str, value, fmt: str | None, row: ListDef | None = None) -> Ref | None:
        c = self.c
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            c.problem(where, "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.fields"),
                      value=short(value))
            return None
        defs = []
        for path in paths:
            d = self.field(where, path.strip(), row)
            if d is None:
                return None
            defs.append(d)
        kinds = {d.kind for d in defs}
        formats = model.formats_for(defs[0].kind)
        if fmt is None:
            fmt = formats[0]
        elif fmt not in model.FORMATS:
            c.problem(where.rsplit(".", 1)[0] + ".format", "paperwork.tpl.unknown_format", fmt, format=fmt,
                      formats="、".join(model.FORMATS))
            return None
        if any(fmt not in model.formats_for(k) for k in kinds):
            c.problem(where.rsplit(".", 1)[0] + ".format", "paperwork.tpl.bad_format", fmt, format=fmt,
                      field=paths[0], formats="、".join(formats))
            return None
        for d in defs:
            need = model.need_of(d.path)
            if need:
                self.t.needs.add(need)
        return Ref(tuple(d.path for d in defs), tuple(defs), fmt)

    def field(self, where: str, path: str, row: ListDef | None) -> FieldDef | None:
        c = self.c
        if path.startswith("row."):
            if row is None:
                c.problem(where, "paperwork.tpl.row_outside", path, field=path)
                return None
            d = row.rows.get(path)
        else:
            d = model.FIELDS.get(path)
        if d is None:
            known = row.rows if path.startswith("row.") and row is not None else model.FIELDS
            c.problem(where, "paperwork.tpl.unknown_field", path, field=path, hint=hint(path, known))
            return None
        if d.scope not in ("any", self.form.per):
            c.problem(where, "paperwork.tpl.wrong_scope", path, field=path, per=self.per_text())
            return None
        return d

    def per_text(self) -> str:
        return i18n.tr("paperwork.tpl.per" if self.form.per == "contract" else "paperwork.tpl.per_period")

    def parts(self, where: str, source: str, row: ListDef | None = None, extra: dict | None = None) -> tuple:
        """``"至 {contract.valid_to:date}"`` -> ("至 ", Ref(...)); ``extra`` names more placeholders."""
        parts: list = []
        pos = 0
        buf = ""
        for m in _PLACEHOLDER.finditer(source):
            buf += source[pos:m.start()]
            pos = m.end()
            token = m.group(0)
            if token in ("{{", "}}"):
                buf += token[0]
                continue
            if m.group(1) is None:
                self.c.problem(where, "paperwork.tpl.placeholder", source, text=source)
                return ()
            name, _, fmt = m.group(1).strip().partition(":")
            name = name.strip()
            if extra is not None and name in extra:
                if buf:
                    parts.append(buf)
                    buf = ""
                parts.append(extra[name])
                continue
            ref = self.ref(where, name, fmt.strip() or None, row)
            if ref is None:
                return ()
            if buf:
                parts.append(buf)
                buf = ""
            parts.append(ref)
        buf += source[pos:]
        if buf:
            parts.append(buf)
        return tuple(parts)

    def add_slot(self, slot: TextSlot, pages: str) -> None:
        if slot.refs:
            self.t.slots[pages].append(slot)
            return
        content = "".join(slot.parts)
        if content:
            self.static_text(slot.where, content, slot.x, slot.y, slot.w, slot.h, slot.size, slot.min_size,
                              slot.bold, slot.align, slot.valign, slot.vertical, pages)

    def static_text(self, where, content, x, y, w, h, size, min_size, bold, align, valign, vertical, pages):
        fitted = text.fit(content, w, h, size, min_size, bold, vertical)
        if fitted is None:
            self.c.problem(where, "paperwork.tpl.text_too_long", content, text=short(content), size=num(min_size),
                           w=num(w / MM), h=num(h / MM))
            return
        self.t.static[pages].extend(text_ops(fitted, x, y, w, h, bold, align, valign, vertical))
