"""Drawing filled-in forms with reportlab's canvas.

One PDF holds one or many *documents* (a contract's form, or a period's
summary), each of one page or more. A template's static part (ruled lines,
labels, check-box frames) becomes a form XObject per kind of page, drawn once
per PDF and placed on every page; only the values, ticks, rows and page numbers
are drawn per page, all text of a page in one text object. Rows of the one
flowing table continue onto further pages with its header (in the static
"continued" layer) repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from .. import codes, i18n, pdffonts
from ..errors import BrokerDeskError
from . import model, text
from .template import ChecklistSlot, CheckSlot, Ref, Table, Template, TextSlot, text_ops

i18n.register({
    "paperwork.overflow": ("“{form}”中{contract}的“{field}”太长，缩小到 {size} 磅并换行后仍放不进它的框（{where}）：{text}",
                           "“{form}”: the {field} of {contract} is too long for its box even at {size} pt, wrapped ({where}): {text}"),
    "paperwork.too_many_rows": ("“{form}”中{contract}的“{table}”有 {count} 行，表格只有 {rows} 行（{where}）",
                                "“{form}”: {contract} has {count} rows of {table}, the table holds {rows} ({where})"),
    "paperwork.not_an_option": ("“{form}”中{contract}的“{field}”是“{value}”，不是勾选项之一（{where}）",
                                "“{form}”: the {field} of {contract} is “{value}”, which is not one of the check boxes ({where})"),
    "paperwork.row_label": ("{table}第 {n} 行{field}", "{table} row {n}: {field}"),
})


class TextOverflow(BrokerDeskError):
    """A value that cannot fit its box even at the minimum size (names the field)."""

    def __init__(self, code: str = "paperwork.overflow", **args):
        super().__init__(code, **args)


def _blank(value) -> bool:
    return value is None or value == ""


@lru_cache(maxsize=1 << 16)
def _fmt(defn: model.FieldDef, fmt: str, value) -> str:
    return model.format_value(defn, fmt, value)


def resolve(ref: Ref, values: dict, row: dict | None = None):
    """(field, value) of the first non-blank path of ``ref``."""
    for path, defn in zip(ref.paths, ref.defs, strict=True):
        value = row.get(path) if row is not None and path.startswith("row.") else values.get(path)
        if not _blank(value):
            return defn, value
    return ref.defs[0], None


def compose(parts: tuple, values: dict, row: dict | None = None) -> str:
    """The text of a slot; "" when every field in it is blank (its static words go too)."""
    out = []
    any_value = False
    has_ref = False
    for part in parts:
        if isinstance(part, Ref):
            has_ref = True
            defn, value = resolve(part, values, row)
            if value is not None:
                any_value = True
                out.append(_fmt(defn, part.fmt, value))
        else:
            out.append(part)
    if has_ref and not any_value:
        return ""
    return "".join(out)


@dataclass
class Doc:
    """One filled-in form: a contract's or a period's."""
    key: int                 # contract id (0 for a period)
    name: str                # how messages name it
    values: dict
    lists: dict
    pages: int = 1
    rows: dict[int, list] = field(default_factory=dict)   # table index -> its rows (items, then totals)
    missing: list[str] = field(default_factory=list)
    row_missing: dict[int, list[str]] = field(default_factory=dict)   # contract id of a row -> labels


def prepare(template: Template, doc: Doc) -> Doc:
    """Count the pages, build each table's rows and find required fields left blank."""
    missing: list[str] = []
    for t_index, table in enumerate(template.tables):
        items = doc.lists.get(table.list.name, [])
        rows = list(items) if items or not table.empty_text else [("empty", table.empty_text)]
        rows += _totals(table, items)
        doc.rows[t_index] = rows
        if table.required and not items:
            missing.append(table.label)
        for col in table.columns:
            if not col.required:
                continue
            for n, item in enumerate(items, 1):
                blank = [r for r in col.parts if isinstance(r, Ref) and resolve(r, doc.values, item)[1] is None]
                if blank:
                    label = i18n.tr("paperwork.row_label", table=table.label, n=n, field=col.label or blank[0].label)
                    if "id" in item:
                        doc.row_missing.setdefault(item["id"], []).append(label)
                    else:
                        missing.append(label)
        if table.flows:
            extra = max(0, len(rows) - table.first_rows)
            doc.pages = max(doc.pages, 1 + math.ceil(extra / table.cont_rows))
        elif len(rows) > table.first_rows:
            raise TextOverflow("paperwork.too_many_rows", form=template.title, contract=doc.name, table=table.label,
                               count=len(rows), rows=table.first_rows, where=table.where)
    kinds = ["all", "first", "last"] + (["continued"] if doc.pages > 1 else [])
    for kind in kinds:
        for slot in template.slots[kind]:
            if isinstance(slot, TextSlot):
                blank = [r for r in asked(slot.refs, slot.required) if resolve(r, doc.values)[1] is None]
                if blank:
                    missing.extend([slot.label] if len(slot.refs) == 1 else [r.label for r in blank])
            elif isinstance(slot, CheckSlot) and asked([slot.ref], slot.required) and \
                    resolve(slot.ref, doc.values)[1] is None:
                missing.append(slot.label)
    doc.missing = list(dict.fromkeys(missing))
    return doc


def asked(refs: list[Ref], required: bool) -> list[Ref]:
    """The fields a box asks for: those the ledger requires of every contract wherever they are
    printed (:func:`model.essential`); in a box marked ``required``, the one field it prints, or
    of several (合同类别 and 合同子类 in one box) those the ledger requires — all of them only
    when it requires none. A form asks for what it shows, and only that."""
    essential = [r for r in refs if model.essential(r.defs[0].path)]
    if not required:
        return essential
    return refs if len(refs) == 1 else (essential or refs)


def _totals(table: Table, items: list[dict]) -> list:
    """Total rows: ("total", label, {column index: sum}, bold)."""
    out = []
    summed = [i for i, c in enumerate(table.columns) if c.total]
    for total in table.totals:
        if total.by is None:
            groups = [(None, items)]
        else:
            key = total.by.path
            order: dict = {}
            if total.by.table:  # groups in the code table's order
                for name in codes.tables().names(total.by.table):
                    order[name] = []
            for item in items:
                order.setdefault(item.get(key), []).append(item)
            groups = [(g, rows) for g, rows in order.items() if rows or (total.all_groups and g is not None)]
        for group, rows in groups:
            sums = {}
            for i in summed:
                ref = next(p for p in table.columns[i].parts if isinstance(p, Ref))
                sums[i] = sum(v for v in (resolve(ref, {}, r)[1] for r in rows) if isinstance(v, int))
            label = []
            for part in total.label:
                if part == "\x00group":
                    label.append("" if group is None else str(group))
                elif part == "\x00count":
                    label.append(str(len(rows)))
                else:
                    label.append(part)
            out.append(("total", tuple(label), sums, total.bold))
    return out


class Painter:
    """Draws documents of templates onto one reportlab canvas."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.regular, self.bold = pdffonts.register()
        self._forms: dict[tuple[int, str], str] = {}
        self._fits: dict[tuple, text.Fitted | None] = {}
        self.erase: list[tuple] = []

    # -- static layers as form XObjects
    def _form_name(self, template: Template, kind: str) -> str | None:
        key = (id(template), kind)
        if key in self._forms:
            return self._forms[key]
        ops = template.static[kind]
        if not ops:
            self._forms[key] = None
            return None
        name = f"BD{len(self._forms)}{kind[:1]}"
        c = self.canvas
        c.beginForm(name)
        self._draw_ops(ops)
        c.endForm()
        self._forms[key] = name
        return name

    def _draw_ops(self, ops: list[tuple]) -> None:
        c = self.canvas
        fills = [op for op in ops if op[0] == "fill"]
        if fills:
            c.setFillGray(0.93)
            for _, x, y, w, h in fills:
                c.rect(x, y, w, h, stroke=0, fill=1)
            c.setFillGray(0)
        width = dash = None
        c.setLineCap(2)  # square ends close the corners where merged lines meet
        for op in ops:
            kind = op[0]
            if kind in ("line", "rect"):
                lw, dashed = op[-2], op[-1]
                if lw != width:
                    c.setLineWidth(lw)
                    width = lw
                if dashed != dash:
                    c.setDash(2, 2) if dashed else c.setDash()
                    dash = dashed
                if kind == "line":
                    c.line(op[1], op[2], op[3], op[4])
                else:
                    c.rect(op[1], op[2], op[3], op[4], stroke=1, fill=0)
        if dash:
            c.setDash()
        c.setLineCap(0)
        squares = [op for op in ops if op[0] == "square"]
        if squares:  # check boxes: each its own rectangle
            c.setLineWidth(squares[0][4])
            for _, x, y, side, _lw in squares:
                c.rect(x, y, side, side, stroke=1, fill=0)
        self._draw_text([op for op in ops if op[0] == "text"])

    def _draw_text(self, ops: list[tuple]) -> None:
        if not ops:
            return
        t = self.canvas.beginText()
        font = None
        for _, x, y, bold, size, string in ops:
            if (bold, size) != font:
                t.setFont(self.bold if bold else self.regular, size)
                font = (bold, size)
            t.setTextOrigin(x, y)
            t.textOut(string)
        self.canvas.drawText(t)

    # -- documents
    def draw(self, template: Template, doc: Doc) -> int:
        c = self.canvas
        pages = doc.pages
        for kind in ("all", "first", "continued", "last"):
            self._form_name(template, kind)   # forms are defined before a page starts
        placed = [0] * len(template.tables)
        for page in range(pages):
            kinds = ["all", "first" if page == 0 else "continued"]
            if page == pages - 1:
                kinds.append("last")
            for kind in kinds:
                name = self._form_name(template, kind)
                if name:
                    c.doForm(name)
            doc.values["page"] = page + 1
            doc.values["pages"] = pages
            texts: list[tuple] = []
            ticks: list[tuple[float, float, float]] = []
            self.erase = []
            for kind in kinds:
                for slot in template.slots[kind]:
                    if isinstance(slot, TextSlot):
                        self._text_slot(template, doc, slot, texts)
                    elif isinstance(slot, CheckSlot):
                        self._check_slot(template, doc, slot, texts, ticks)
                    else:
                        self._checklist_slot(doc, slot, ticks)
            for t_index, table in enumerate(template.tables):
                if page > 0 and not table.flows:
                    continue
                capacity = table.first_rows if page == 0 else table.cont_rows
                top = table.first_top if page == 0 else table.cont_top
                rows = doc.rows[t_index][placed[t_index]:placed[t_index] + capacity]
                for n, row in enumerate(rows):
                    self._row(template, doc, table, row, top - table.header_h - n * table.row_h, texts)
                placed[t_index] += len(rows)
            if self.erase:
                self._erase(template.line_width)
            self._draw_text(texts)
            if ticks:
                self._draw_ticks(ticks)
            c.showPage()
        return pages

    def _fit_into(self, template, doc, string, x, y, w, h, size, min_size, bold, align, label, where, texts,
                  valign="middle", vertical=False):
        key = (string, round(w, 2), round(h, 2), size, min_size, bold, vertical)
        fitted = self._fits.get(key, False)
        if fitted is False:
            fitted = self._fits[key] = text.fit(string, w, h, size, min_size, bold, vertical)
        if fitted is None:
            raise TextOverflow(form=template.title, contract=doc.name, field=label, size=f"{min_size:g}",
                               where=where, text=string if len(string) <= 60 else string[:57] + "…")
        texts.extend(text_ops(fitted, x, y, w, h, bold, align, valign, vertical))

    def _text_slot(self, template, doc, slot: TextSlot, texts) -> None:
        string = compose(slot.parts, doc.values)
        if string:
            self._fit_into(template, doc, string, slot.x, slot.y, slot.w, slot.h, slot.size, slot.min_size,
                           slot.bold, slot.align, slot.label or slot.where, slot.where, texts, slot.valign,
                           slot.vertical)

    def _check_slot(self, template, doc, slot: CheckSlot, texts, ticks) -> None:
        defn, value = resolve(slot.ref, doc.values)
        if value is None:
            return
        name = _fmt(defn, "name", value)
        box = slot.boxes.get(name)
        if box is None and slot.other is not None:
            box = slot.boxes[slot.other]
            if slot.other_area:
                x, y, w, h = slot.other_area
                self._fit_into(template, doc, f"（{name}）", x, y, w, h, slot.size, slot.min_size, False, "left",
                               slot.label, slot.where, texts)
        if box is None:
            raise TextOverflow("paperwork.not_an_option", form=template.title, contract=doc.name, field=slot.label,
                               value=name, where=slot.where)
        ticks.append(box)

    def _checklist_slot(self, doc, slot: ChecklistSlot, ticks) -> None:
        for box, condition in slot.items:
            if condition is True:
                ticks.append(box)
            elif isinstance(condition, tuple):
                ref, wanted = condition
                if ref is None:
                    continue
                defn, value = resolve(ref, doc.values)
                if value not in (None, 0) and (wanted is None or _fmt(defn, "name", value) in wanted):
                    ticks.append(box)

    def _erase(self, line_width: float) -> None:
        """White out the inside of merged cells (the rules of the columns they span), then
        draw their top and bottom rules again."""
        c = self.canvas
        c.setFillGray(1)
        inset = line_width * 0.6
        for x, y, w, h in self.erase:
            c.rect(x + inset, y, w - 2 * inset, h, stroke=0, fill=1)
        c.setFillGray(0)
        c.setLineWidth(line_width * 0.6)
        for x, y, w, h in self.erase:
            c.line(x, y, x + w, y)
            c.line(x, y + h, x + w, y + h)

    def _draw_ticks(self, ticks) -> None:
        c = self.canvas
        path = c.beginPath()
        width = 1.0
        for x, y, side in ticks:
            path.moveTo(x + side * 0.18, y + side * 0.52)
            path.lineTo(x + side * 0.42, y + side * 0.2)
            path.lineTo(x + side * 0.86, y + side * 0.9)
            width = max(0.6, side * 0.13)
        c.setLineWidth(width)
        c.setLineCap(1)
        c.setLineJoin(1)
        c.drawPath(path, stroke=1, fill=0)
        c.setLineCap(0)
        c.setLineJoin(0)

    def _row(self, template, doc, table: Table, row, top, texts) -> None:
        y = top - table.row_h + table.pad_y
        h = table.row_h - 2 * table.pad_y
        if isinstance(row, tuple) and row[0] == "empty":  # the words for an empty list, across the table
            self.erase.append((table.x, top - table.row_h, table.w, table.row_h))
            self._fit_into(template, doc, row[1], table.x + table.pad_x, y, table.w - 2 * table.pad_x, h, table.size,
                           table.min_size, False, "center", table.label, table.where, texts)
            return
        if isinstance(row, tuple):  # a total row
            _, label, sums, bold = row
            first = min(sums) if sums else len(table.columns)
            span_x = table.x
            span_w = sum(c.w for c in table.columns[:first]) if first else 0
            label_text = "".join(label)
            if span_w:  # one cell across the columns before the sums: cover their rules
                self.erase.append((span_x, top - table.row_h, span_w, table.row_h))
            if label_text and span_w:
                self._fit_into(template, doc, label_text, span_x + table.pad_x, y, span_w - 2 * table.pad_x, h,
                               table.size, table.min_size, bold, "center", table.label, table.where, texts)
            for i, value in sums.items():
                col = table.columns[i]
                ref = next(p for p in col.parts if isinstance(p, Ref))
                string = _fmt(ref.defs[0], ref.fmt, value)
                self._fit_into(template, doc, string, col.x + table.pad_x, y, col.w - 2 * table.pad_x, h, table.size,
                               table.min_size, bold, col.align, col.label, table.where, texts)
            return
        for k, col in enumerate(table.columns, 1):
            string = compose(col.parts, doc.values, row)
            if string:
                self._fit_into(template, doc, string, col.x + table.pad_x, y, col.w - 2 * table.pad_x, h,
                               table.size, table.min_size, False, col.align,
                               f"{table.label}·{col.label}" if col.label else table.label,
                               f"{table.where}.column[{k}]", texts)
