"""Compiling a checked template: the ``[form]`` settings, then every element, then
the overlaps between them."""

from __future__ import annotations

from ... import i18n
from .check import ELEMENT_KEYS, FORM_KEYS, short
from .compiled import MM, PAGE_SIZES, PAGES, Template
from .elements import ElementCompiler
from .layout import merge_lines, num
from .scope import Form
from .tables import TableCompiler


class Compiler(ElementCompiler, TableCompiler):
    """One template file's checked data -> :class:`Template` (``None`` when ``[form]`` is missing);
    every fault goes to the checker."""

    def compile(self) -> Template | None:
        c, data = self.c, self.c.data
        c.keys("", data, {"form", *ELEMENT_KEYS})
        form_table = data.get("form")
        if not isinstance(form_table, dict):
            c.problem("form", "paperwork.tpl.missing_key", key="[form]")
            return None
        c.keys("form", form_table, FORM_KEYS)
        title = c.string("form", form_table, "title", self.name, required=True)
        per = c.string("form", form_table, "per", "contract", required=True, choices=("contract", "period"))
        page = c.string("form", form_table, "page", "A4", choices=tuple(PAGE_SIZES))
        page_w, page_h = PAGE_SIZES.get(page, PAGE_SIZES["A4"])
        margins = self._margins(form_table.get("margins", 12))
        size = c.number("form", form_table, "font_size", 9, positive=True, kind="paperwork.tpl.t.points")
        self.form = Form(
            per=per, page_w=page_w, page_h=page_h, margins=margins, size=size,
            min_size=c.number("form", form_table, "min_font_size", min(6.0, size), positive=True,
                              kind="paperwork.tpl.t.points"),
            label_size=c.number("form", form_table, "label_size", size, positive=True, kind="paperwork.tpl.t.points"),
            line_width=c.number("form", form_table, "line_width", 0.6, positive=True, kind="paperwork.tpl.t.points"),
            padding=c.number("form", form_table, "padding", 1.2, kind="paperwork.tpl.t.number"),
        )
        self.form.min_size = min(self.form.min_size, self.form.size)
        self.t = Template(self.name, title, per, self.path, page_w * MM, page_h * MM, self.form.line_width)
        count = 0
        for kind in ("line", "grid", "table", "box", "text"):
            for i, element in enumerate(c.tables("", data, kind), 1):
                count += 1
                where = f"{kind}[{i}]"
                c.keys(where, element, ELEMENT_KEYS[kind])
                pages = c.string(where, element, "pages", "first", choices=PAGES)
                getattr(self, f"{kind}_element")(where, element, pages)
        if not count:
            c.problem("", "paperwork.tpl.no_elements")
        self._overlaps()
        for kind, ops in self.t.static.items():
            self.t.static[kind] = merge_lines(ops)
        return self.t

    def _overlaps(self) -> None:
        """Two elements that share a page must not cover each other (their borders may touch)."""
        eps = 0.3
        areas = self.areas
        for i, (wa, pa, xa, ya, wwa, ha) in enumerate(areas):
            for wb, pb, xb, yb, wwb, hb in areas[:i]:
                if {pa, pb} == {"first", "continued"}:
                    continue
                x0, x1 = max(xa, xb), min(xa + wwa, xb + wwb)
                y0, y1 = max(ya, yb), min(ya + ha, yb + hb)
                if x1 - x0 > eps and y1 - y0 > eps:
                    self.c.problem(wa, "paperwork.tpl.overlap", other=wb, x=num(x0), x1=num(x1), y=num(y0), y1=num(y1))

    def _margins(self, value) -> tuple[float, float, float, float]:
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return (float(value),) * 4
        if (isinstance(value, list) and len(value) == 4
                and all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value)):
            return tuple(float(v) for v in value)
        self.c.problem("form.margins", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.margins"),
                       value=short(value))
        return (12.0,) * 4
