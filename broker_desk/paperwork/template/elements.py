"""Compiling the drawn elements: lines, boxes and text, grids of cells, and a cell's
border, label, notes and content (a field, text, check boxes or a checklist)."""

from __future__ import annotations

from ... import i18n
from .. import text
from .check import CHECKLIST_KEYS, GRID_CELL_KEYS, GRID_ROW_KEYS, NOTE_KEYS, short
from .compiled import ALIGNS, MM, VALIGNS, ChecklistSlot, CheckSlot, Ref, TextSlot
from .layout import lay_out_options, num
from .scope import Scope


class ElementCompiler(Scope):
    """``[[line]]``, ``[[box]]``, ``[[text]]`` and ``[[grid]]`` (``<kind>_element``), down to their cells."""

    def line_element(self, where, element, pages):
        c = self.c
        vals = [c.number(where, element, k, required=True) for k in ("x1", "y1", "x2", "y2")]
        width = c.number(where, element, "width", self.form.line_width, positive=True, kind="paperwork.tpl.t.points")
        dash = c.boolean(where, element, "dash")
        if any(v is None for v in vals):
            return
        x1, y1, x2, y2 = vals
        if not self.inside(where, min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)):
            return
        H = self.t.page_h
        self.t.static[pages].append(("line", x1 * MM, H - y1 * MM, x2 * MM, H - y2 * MM, width, dash))

    def box_element(self, where, element, pages, border=True):
        rect = self.rect_of(where, element)
        if rect is None:
            self._cell(where, element, pages, None, border=border)  # still check the content's keys
            return
        self.area(where, pages, *rect)
        self._cell(where, element, pages, rect, border=self.c.boolean(where, element, "border", border))

    def text_element(self, where, element, pages):
        self.box_element(where, element, pages, border=False)

    def grid_element(self, where, element, pages):
        c = self.c
        x = c.number(where, element, "x", required=True)
        y = c.number(where, element, "y", required=True)
        width = c.number(where, element, "w", required=True, positive=True)
        defaults = {k: element[k] for k in ("size", "label_size") if k in element}
        rows = c.tables(where, element, "row")
        if x is None or y is None or width is None:
            return
        heights = []
        for r, row in enumerate(rows, 1):
            rw = f"{where}.row[{r}]"
            c.keys(rw, row, GRID_ROW_KEYS)
            heights.append(c.number(rw, row, "h", 8.0, positive=True) or 8.0)
        total_h = sum(heights)
        if not self.inside(where, x, y, width, total_h):
            return
        self.area(where, pages, x, y, width, total_h)
        spans: list[tuple[float, float, int]] = []  # (x0, x1, last row index) of cells spanning rows
        tops = [y + sum(heights[:r]) for r in range(len(rows))]
        for r, row in enumerate(rows):
            rw = f"{where}.row[{r + 1}]"
            cells = row.get("cells", [])
            if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
                c.problem(f"{rw}.cells", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                          value=short(cells))
                continue
            blocked = sorted((a, b) for a, b, last in spans if last >= r)
            given = c.widths(rw, cells, f"{rw}.cells", GRID_CELL_KEYS)
            if given is None:
                continue
            blocked_w = sum(b - a for a, b in blocked)
            rest = width - blocked_w - sum(g for g in given if g is not None)
            if None not in given and abs(rest) > 0.05 or rest < -0.05:
                c.problem(rw, "paperwork.tpl.row_width", total=num(width - rest), width=num(width))
                continue
            cursor = 0.0
            for k, (cell, w) in enumerate(zip(cells, given, strict=True), 1):
                cw = f"{rw}.cells[{k}]"
                for a, b in blocked:
                    if a <= cursor + 0.01 < b:
                        cursor = b
                w = rest if w is None else w
                span = int(cell.get("rows", 1)) if isinstance(cell.get("rows", 1), int) else 1
                if span < 1 or r + span > len(rows):
                    c.problem(f"{cw}.rows", "paperwork.tpl.rowspan", cell.get("rows"), rows=cell.get("rows"))
                    span = 1
                if span > 1:
                    spans.append((cursor, cursor + w, r + span - 1))
                h = sum(heights[r:r + span])
                merged = {**defaults, **cell}
                self._cell(cw, merged, pages, (x + cursor, tops[r], w, h), border=True)
                cursor += w

    # ---- a cell: border, label, and one content (field / text / checks / checklist)
    def _cell(self, where, cell, pages, rect, border: bool):
        c, f = self.c, self.form
        size = c.number(where, cell, "size", f.size, positive=True, kind="paperwork.tpl.t.points")
        min_size = min(c.number(where, cell, "min_size", f.min_size, positive=True, kind="paperwork.tpl.t.points"),
                       size)
        label_size = c.number(where, cell, "label_size", f.label_size, positive=True, kind="paperwork.tpl.t.points")
        pad = c.number(where, cell, "padding", f.padding)
        label = c.string(where, cell, "label")
        label_pos = c.string(where, cell, "label_pos", "left", choices=("left", "top"))
        label_w = c.number(where, cell, "label_w", None, positive=True)
        align = c.string(where, cell, "align", None, choices=ALIGNS)
        valign = c.string(where, cell, "valign", "middle", choices=VALIGNS)
        bold = c.boolean(where, cell, "bold")
        label_bold = c.boolean(where, cell, "label_bold")
        vertical = c.boolean(where, cell, "vertical")
        required = c.boolean(where, cell, "required")
        shade = c.boolean(where, cell, "shade")
        dash = c.boolean(where, cell, "dash")
        contents = [k for k in ("field", "text", "checks", "checklist") if k in cell and not (
            k == "field" and "checks" in cell)]
        if len(contents) > 1:
            c.problem(where, "paperwork.tpl.content_twice")
        parts = self._content_parts(where, cell) if contents and contents[0] in ("field", "text") else None
        if rect is None:
            return
        x, y, w, h = rect
        px, py, pw, ph = self.pdf_rect(x, y, w, h)
        static = self.t.static[pages]
        if shade:
            static.append(("fill", px, py, pw, ph))
        if border:
            static.append(("rect", px, py, pw, ph, f.line_width, dash))
        pad_x, pad_y = pad * MM, pad * MM / 2
        cx, cy, cwid, chgt = px + pad_x, py + pad_y, pw - 2 * pad_x, ph - 2 * pad_y
        if label:
            if contents or "label_pos" in cell:
                if label_pos == "top":
                    lh = label_size * (1 + label.count("\n") * text.LEADING) + 2
                    self.static_text(where + ".label", label, cx, cy + chgt - lh, cwid, lh, label_size,
                                      f.min_size, label_bold, align or "left", "middle", False, pages)
                    chgt -= lh
                else:
                    lw = label_w * MM if label_w else text.unit_width(label, label_bold) * label_size + pad_x / 2
                    lw = min(lw, cwid)
                    self.static_text(where + ".label", label, cx, cy, lw, chgt, label_size, f.min_size,
                                      label_bold, "left", valign if "\n" in label else "middle", False, pages)
                    cx += lw
                    cwid -= lw
            else:
                self.static_text(where + ".label", label, cx, cy, cwid, chgt, label_size, f.min_size,
                                  label_bold or bold, align or "center", valign, vertical, pages)
        bands = {"top": 0.0, "bottom": 0.0}  # what notes at the top and bottom take from the content
        for n, note in enumerate(c.tables(where, cell, "notes"), 1):
            nw = f"{where}.notes[{n}]"
            c.keys(nw, note, NOTE_KEYS)
            note_text = c.string(nw, note, "text", "", required=True)
            note_parts = self.parts(nw + ".text", note_text) if note_text else ()
            note_size = c.number(nw, note, "size", label_size, positive=True, kind="paperwork.tpl.t.points")
            note_valign = c.string(nw, note, "valign", "bottom", choices=VALIGNS)
            slot = TextSlot(cx, cy, cwid, chgt, note_parts, note_size, f.min_size, c.boolean(nw, note, "bold"),
                            c.string(nw, note, "align", "right", choices=ALIGNS), note_valign, where=nw)
            if note_valign != "middle":  # a note at the top or bottom has a band of its own
                band = note_size * 1.3
                slot.h = band
                if note_valign == "top":
                    slot.y = cy + chgt - bands["top"] - band
                else:
                    slot.y = cy + bands["bottom"]
                bands[note_valign] += band
            self.add_slot(slot, pages)
        if contents and (bands["top"] or bands["bottom"]):
            cy += bands["bottom"]
            chgt -= bands["top"] + bands["bottom"]
        if not contents:
            return
        if parts is not None:
            slot = TextSlot(cx, cy, cwid, chgt, parts, size, min_size, bold, align or "left", valign, vertical,
                            required, c.string(where, cell, "name") or self.label_of(label, parts),
                            where + "." + contents[0])
            self.add_slot(slot, pages)
        elif contents[0] == "checks":
            self._checks(where, cell, pages, (cx, cy, cwid, chgt), size, min_size, required,
                         c.string(where, cell, "name") or label)
        elif contents[0] == "checklist":
            self._checklist(where, cell, pages, (cx, cy, cwid, chgt), size, min_size)

    def _content_parts(self, where, cell) -> tuple | None:
        c = self.c
        prefix = c.string(where, cell, "prefix", "")
        suffix = c.string(where, cell, "suffix", "")
        if "field" in cell:
            ref = self.ref(f"{where}.field", cell["field"], c.string(where, cell, "format"))
            if ref is None:
                return None
            return tuple(p for p in (prefix, ref, suffix) if p != "")
        source = c.string(where, cell, "text", "")
        if "format" in cell:
            c.problem(f"{where}.format", "paperwork.tpl.unknown_key", "format", key="format",
                      keys="field")
        return tuple(p for p in (prefix, *self.parts(f"{where}.text", source), suffix) if p != "")

    # ---- check boxes
    def _options(self, where, cell, ref: Ref) -> list[str] | None:
        c = self.c
        value = cell.get("checks")
        if value is True:
            table = ref.defs[0].table
            if not table:
                c.problem(f"{where}.checks", "paperwork.tpl.checks_no_options", ref.paths[0], field=ref.paths[0])
                return None
            return self.tables.choices(table)
        if isinstance(value, str):
            if value not in self.tables.table_names():
                c.problem(f"{where}.checks", "paperwork.tpl.unknown_code_table", value, name=value)
                return None
            return self.tables.choices(value)
        if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            return list(value)
        c.problem(f"{where}.checks", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                  value=short(value))
        return None

    def _checks(self, where, cell, pages, area, size, min_size, required, label):
        c = self.c
        if "field" not in cell:
            c.problem(where, "paperwork.tpl.checks_need_field")
            return
        ref = self.ref(f"{where}.field", cell["field"], "name")
        if ref is None:
            return
        options = self._options(where, cell, ref)
        if options is None:
            return
        other = c.string(where, cell, "other")
        if other is not None and other not in options:
            c.problem(f"{where}.other", "paperwork.tpl.other_not_option", other, value=other)
            other = None
        columns = cell.get("columns")
        if columns is not None and (not isinstance(columns, int) or isinstance(columns, bool) or columns < 1):
            c.problem(f"{where}.columns", "paperwork.tpl.type", columns, expected=i18n.tr("paperwork.tpl.t.int"),
                      value=columns)
            columns = None
        layout = lay_out_options(options, area, size, min_size, columns, other)
        if layout is None:
            c.problem(where, "paperwork.tpl.options_too_long", size=num(min_size))
            return
        s, placed, other_area = layout
        boxes = {}
        static = self.t.static[pages]
        for option, (bx, by, side, tx, ty) in zip(options, placed, strict=True):
            static.append(("square", bx, by, side, 0.5))
            static.append(("text", tx, ty, False, s, option))
            boxes[option] = (bx, by, side)
        self.t.slots[pages].append(CheckSlot(ref, boxes, other, other_area, s, min_size, required,
                                             (label or "").rstrip("：:") or ref.label, where))

    def _checklist(self, where, cell, pages, area, size, min_size):
        c = self.c
        items = c.tables(where, cell, "checklist")
        labels, conditions = [], []
        for n, item in enumerate(items, 1):
            iw = f"{where}.checklist[{n}]"
            c.keys(iw, item, CHECKLIST_KEYS)
            labels.append(c.string(iw, item, "text", "", required=True))
            if "when" in item:
                ref = self.ref(f"{iw}.when", item["when"], None)
                values = item.get("values")
                if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                    c.problem(f"{iw}.values", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                              value=short(values))
                    values = None
                conditions.append((ref, tuple(values) if values is not None else None))
            else:
                conditions.append(c.boolean(iw, item, "checked"))
        columns = cell.get("columns")
        if columns is not None and not (isinstance(columns, int) and columns >= 1):
            c.problem(f"{where}.columns", "paperwork.tpl.type", columns, expected=i18n.tr("paperwork.tpl.t.int"),
                      value=columns)
            columns = None
        if not labels:
            return
        layout = lay_out_options(labels, area, size, min_size, columns, None)
        if layout is None:
            c.problem(where, "paperwork.tpl.options_too_long", size=num(min_size))
            return
        s, placed, _ = layout
        static = self.t.static[pages]
        slot_items = []
        for label, condition, (bx, by, side, tx, ty) in zip(labels, conditions, placed, strict=True):
            static.append(("square", bx, by, side, 0.5))
            static.append(("text", tx, ty, False, s, label))
            slot_items.append(((bx, by, side), condition))
        self.t.slots[pages].append(ChecklistSlot(slot_items, where))
