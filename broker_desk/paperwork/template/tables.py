"""Compiling a ``[[table]]``: a list's rows under a header, columns and totals, on the
first page and (for one table) continued on further pages."""

from __future__ import annotations

from .. import model
from .check import COLUMN_KEYS, TOTAL_KEYS
from .compiled import ALIGNS, MM, Column, Ref, Table, Total
from .layout import num
from .scope import Scope


class TableCompiler(Scope):
    """``[[table]]``: repeating rows."""

    def table_element(self, where, element, pages):
        c, f = self.c, self.form
        x = c.number(where, element, "x", required=True)
        y = c.number(where, element, "y", required=True)
        width = c.number(where, element, "w", None, positive=True)
        bottom = c.number(where, element, "bottom", required=True)
        header_h = c.number(where, element, "header_h", 8.0, positive=True)
        row_h = c.number(where, element, "row_h", 7.0, positive=True)
        cont_y = c.number(where, element, "continued_y")
        cont_bottom = c.number(where, element, "continued_bottom", None)
        size = c.number(where, element, "size", f.size, positive=True, kind="paperwork.tpl.t.points")
        min_size = min(c.number(where, element, "min_size", f.min_size, positive=True,
                                kind="paperwork.tpl.t.points"), size)
        header_size = c.number(where, element, "header_size", f.label_size, positive=True,
                               kind="paperwork.tpl.t.points")
        header_bold = c.boolean(where, element, "header_bold")
        required = c.boolean(where, element, "required")
        empty_text = c.string(where, element, "empty_text", "")
        source = c.string(where, element, "rows", required=True)
        lst = model.LISTS.get(source) if source else None
        if source and lst is None:
            c.problem(f"{where}.rows", "paperwork.tpl.unknown_list", source, name=source, lists="、".join(model.LISTS))
        elif lst is not None and lst.scope != f.per:
            c.problem(f"{where}.rows", "paperwork.tpl.list_scope", source, name=source, per=self.per_text())
            lst = None
        label = c.string(where, element, "label", lst.label() if lst else "")
        if lst is not None:
            need = model.need_of(lst.name)
            if need:
                self.t.needs.add(need)
            if lst.name == "deductions":
                self.t.needs.add("deductions")
        columns_in = c.tables(where, element, "column")
        totals_in = c.tables(where, element, "total")
        if None in (x, y, bottom) or lst is None:
            return
        given = c.widths(where, columns_in, f"{where}.column", COLUMN_KEYS)
        if given is None:
            return
        if width is None:
            if None in given:
                c.problem(where, "paperwork.tpl.missing_key", key="w")
                return
            width = sum(given)
        rest = width - sum(g for g in given if g is not None)
        if (None not in given and abs(rest) > 0.05) or rest < -0.05:
            c.problem(where, "paperwork.tpl.columns_width", total=num(width - rest), width=num(width))
            return
        flows = cont_y is not None
        if flows:
            other = self.t.flow
            if other is not None:
                c.problem(f"{where}.continued_y", "paperwork.tpl.two_flows", first=other.where)
                flows = False
            if cont_bottom is None:
                cont_bottom = f.page_h - f.margins[2]
        ok = self.inside(where, x, y, width, bottom - y)
        if flows:
            ok = self.inside(f"{where}.continued_y", x, cont_y, width, cont_bottom - cont_y) and ok
        if not ok:
            return
        self.area(where, "first", x, y, width, bottom - y)
        if flows:
            self.area(f"{where}.continued_y", "continued", x, cont_y, width, cont_bottom - cont_y)
        first_rows = int((bottom - y - header_h) / row_h + 1e-6)
        cont_rows = int((cont_bottom - cont_y - header_h) / row_h + 1e-6) if flows else 0
        if first_rows < 1 or (flows and cont_rows < 1):
            c.problem(where, "paperwork.tpl.no_room")
            return
        pad = f.padding * MM
        cols: list[Column] = []
        cursor = 0.0
        headers = []
        for k, (col, w) in enumerate(zip(columns_in, given, strict=True), 1):
            cw = f"{where}.column[{k}]"
            w = rest if w is None else w
            header = c.string(cw, col, "header", "")
            headers.append((header, cursor, w))
            prefix = c.string(cw, col, "prefix", "")
            suffix = c.string(cw, col, "suffix", "")
            if "field" in col:
                ref = self.ref(f"{cw}.field", col["field"], c.string(cw, col, "format"), lst)
                parts = tuple(p for p in (prefix, ref, suffix) if p != "") if ref else ()
            else:
                parts = tuple(p for p in (prefix, *self.parts(f"{cw}.text", c.string(cw, col, "text", ""), lst),
                                          suffix) if p != "")
            total = c.string(cw, col, "total", None, choices=("sum",)) == "sum"
            if total:
                refs = [p for p in parts if isinstance(p, Ref)]
                if not refs:
                    c.problem(cw, "paperwork.tpl.total_needs_field")
                    total = False
                elif refs[0].defs[0].kind != "fen":
                    c.problem(f"{cw}.total", "paperwork.tpl.total_kind", "sum", field=refs[0].paths[0])
                    total = False
            cols.append(Column(x * MM + cursor * MM, w * MM, parts,
                               c.string(cw, col, "align", "left", choices=ALIGNS), total,
                               c.boolean(cw, col, "required"), header.replace("\n", "")))
            cursor += w
        totals = []
        for k, tot in enumerate(totals_in, 1):
            tw = f"{where}.total[{k}]"
            c.keys(tw, tot, TOTAL_KEYS)
            by_name = c.string(tw, tot, "by")
            by = None
            if by_name is not None:
                by = lst.rows.get(by_name)
                if by is None:
                    c.problem(f"{tw}.by", "paperwork.tpl.by_field", by_name, field=by_name)
            label_parts = self.parts(f"{tw}.label", c.string(tw, tot, "label", "合计"), lst,
                                      extra={"group": "\x00group", "count": "\x00count"})
            totals.append(Total(label_parts, by, c.boolean(tw, tot, "all_groups"), c.boolean(tw, tot, "bold", True)))
        table = Table(lst, x * MM, width * MM, cols, header_h * MM, row_h * MM,
                      self.t.page_h - y * MM, first_rows,
                      self.t.page_h - cont_y * MM if flows else None, cont_rows, size, min_size, pad, pad / 2,
                      totals, required, label, empty_text, where)
        self.t.tables.append(table)
        for kind, top, rows in (("first", table.first_top, first_rows), ("continued", table.cont_top, cont_rows)):
            if kind == "continued" and not flows:
                continue
            ops = self.t.static[kind]
            height = header_h * MM + rows * row_h * MM
            ops.append(("rect", table.x, top - height, table.w, height, f.line_width, False))
            for i in range(rows):
                yy = top - header_h * MM - i * row_h * MM
                ops.append(("line", table.x, yy, table.x + table.w, yy, f.line_width * (1 if i == 0 else 0.6), False))
            for _header, cx, _w in headers[1:]:
                xx = (x + cx) * MM
                ops.append(("line", xx, top, xx, top - height, f.line_width * 0.8, False))
            for k, (header, cx, cw) in enumerate(headers, 1):
                if header:
                    self.static_text(f"{where}.column[{k}].header", header, (x + cx) * MM + pad / 2,
                                      top - header_h * MM + pad / 2, cw * MM - pad, header_h * MM - pad,
                                      header_size, f.min_size, header_bold, "center", "middle", False, kind)
