"""Paperwork templates: TOML files read with :mod:`tomllib`, checked, and compiled
into what the renderer draws (see ``forms/README.md`` for the format).

A template is data, never code: its elements (``[[text]]``, ``[[box]]``,
``[[grid]]``, ``[[table]]``, ``[[line]]``) give rectangles in millimetres from
the page's top-left corner, static labels, and the ledger fields that fill them
by name (``contract.title``, ``{buyer.entity_code:code_name}``). Everything is
checked when the file is read: unknown keys, fields, formats and lists, shapes
off the printable area, cells wider than their grid, static text that cannot fit
its box. Each fault is reported with the file, the line (when it can be found)
and the place (``grid[2].row[3].cells[1].field``, counted from 1).

Compiling splits a template into what never changes — ruled lines, labels,
check-box frames: drawn once per PDF as a form XObject per kind of page — and
*slots* that are filled for each contract (values, ticks, repeating rows, page
numbers).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .. import codes, i18n
from ..errors import BrokerDeskError
from . import model, text
from .model import FieldDef, ListDef

MM = 72 / 25.4
PAGE_SIZES = {"A4": (210.0, 297.0), "A4 landscape": (297.0, 210.0), "A5": (148.0, 210.0),
              "A3": (297.0, 420.0)}
PAGES = ("first", "continued", "last", "all")
ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")
#: Glyph box of the font per point of size (Noto Sans SC: ideographic ascent and descent).
ASCENT, DESCENT = 0.88, 0.12

i18n.register({
    "paperwork.tpl.error": ("模板有误：{problems}", "The template has errors: {problems}"),
    "paperwork.tpl.unreadable": ("无法读取模板文件：{error}", "cannot read the template file: {error}"),
    "paperwork.tpl.syntax": ("TOML 语法错误：{error}", "TOML syntax error: {error}"),
    "paperwork.tpl.unknown_key": ("未知的键“{key}”（可用：{keys}）", "unknown key “{key}” (known: {keys})"),
    "paperwork.tpl.missing_key": ("缺少必需的键“{key}”", "the key “{key}” is required"),
    "paperwork.tpl.type": ("应为{expected}，现为“{value}”", "expected {expected}, got “{value}”"),
    "paperwork.tpl.t.number": ("数字（毫米）", "a number (mm)"),
    "paperwork.tpl.t.points": ("数字（磅）", "a number (points)"),
    "paperwork.tpl.t.positive": ("大于 0 的数字", "a number above 0"),
    "paperwork.tpl.t.int": ("正整数", "a positive whole number"),
    "paperwork.tpl.t.text": ("文字", "text"),
    "paperwork.tpl.t.bool": ("true 或 false", "true or false"),
    "paperwork.tpl.t.list": ("列表 [...]", "a list [...]"),
    "paperwork.tpl.t.table": ("表 {...}", "a table {...}"),
    "paperwork.tpl.t.fields": ("字段名或字段名列表", "a field name or a list of field names"),
    "paperwork.tpl.t.margins": ("一个数字或 [上, 右, 下, 左]（毫米）", "one number or [top, right, bottom, left] (mm)"),
    "paperwork.tpl.choice": ("“{value}”不是可选值之一（可选：{choices}）", "“{value}” is not one of {choices}"),
    "paperwork.tpl.unknown_field": ("未知字段“{field}”{hint}（可用的字段见 forms/README.md）",
                                    "unknown field “{field}”{hint} (forms/README.md lists the fields)"),
    "paperwork.tpl.did_you_mean": ("，是否为“{name}”？", "; did you mean “{name}”?"),
    "paperwork.tpl.more": ("……另有 {count} 处错误", "… and {count} more"),
    "paperwork.tpl.row_outside": ("字段“{field}”只能用在表格 [[table]] 的列中", "the field “{field}” belongs in a [[table]] column"),
    "paperwork.tpl.wrong_scope": ("字段“{field}”不能用在按{per}打印的表格中", "the field “{field}” cannot be used in a form printed per {per}"),
    "paperwork.tpl.unknown_format": ("未知格式“{format}”（可用：{formats}）", "unknown format “{format}” (known: {formats})"),
    "paperwork.tpl.bad_format": ("格式“{format}”不适用于字段“{field}”（可用：{formats}）",
                                 "the format “{format}” does not suit the field “{field}” (use one of {formats})"),
    "paperwork.tpl.placeholder": ("无法识别的占位符：{text}（写作 {{字段}} 或 {{字段:格式}}，字面的花括号写作 {{{{ }}}}）",
                                  "cannot read the placeholder {text} (write {{field}} or {{field:format}}; literal braces as {{{{ }}}})"),
    "paperwork.tpl.off_page": ("{what}超出页面可打印区域（页边距以内：x {x0}–{x1} 毫米，y {y0}–{y1} 毫米）",
                               "{what} lies outside the printable area (within the margins: x {x0}–{x1} mm, y {y0}–{y1} mm)"),
    "paperwork.tpl.shape": ("位置 x={x} y={y} 宽 {w} 高 {h} 毫米的框", "the box at x={x} y={y} sized {w}×{h} mm"),
    "paperwork.tpl.row_width": ("这一行各格宽度合计 {total} 毫米，与表格宽度 {width} 毫米不符（可让一格不写 w 以占满余下宽度）",
                                "the cells of this row are {total} mm wide, the grid {width} mm (leave one cell without w to take the rest)"),
    "paperwork.tpl.two_rest": ("一行中只能有一格不写宽度 w", "only one cell of a row may leave out its width w"),
    "paperwork.tpl.rowspan": ("跨行 rows={rows} 超出了表格的最后一行", "rows={rows} reaches past the grid's last row"),
    "paperwork.tpl.columns_width": ("各列宽度合计 {total} 毫米，与表格宽度 {width} 毫米不符",
                                    "the columns are {total} mm wide, the table {width} mm"),
    "paperwork.tpl.text_too_long": ("文字“{text}”即使缩小到 {size} 磅也放不进它的框（{w}×{h} 毫米）",
                                    "the text “{text}” does not fit its box ({w}×{h} mm) even at {size} pt"),
    "paperwork.tpl.options_too_long": ("勾选项即使缩小到 {size} 磅也放不进它的框", "the check boxes do not fit their box even at {size} pt"),
    "paperwork.tpl.unknown_list": ("未知列表“{name}”（可用：{lists}）", "unknown list “{name}” (known: {lists})"),
    "paperwork.tpl.list_scope": ("列表“{name}”不能用在按{per}打印的表格中", "the list “{name}” cannot be used in a form printed per {per}"),
    "paperwork.tpl.no_room": ("表格区域放不下表头和至少一行", "the table's area cannot hold its header and one row"),
    "paperwork.tpl.two_flows": ("只能有一个表格续到后页（已有 {first}）", "only one table may continue onto further pages ({first} does)"),
    "paperwork.tpl.total_kind": ("合计只能用于金额列（字段“{field}”不是金额）", "totals are for amounts (“{field}” is not one)"),
    "paperwork.tpl.total_needs_field": ("合计列需要 field", "a total column needs a field"),
    "paperwork.tpl.by_field": ("分组字段“{field}”不是这个列表的字段", "the group field “{field}” is not a field of this list"),
    "paperwork.tpl.checks_need_field": ("勾选框需要 field", "check boxes need a field"),
    "paperwork.tpl.checks_no_options": ("字段“{field}”没有代码表，请用 checks = [\"选项\", ...] 列出选项",
                                        "the field “{field}” has no code table: list the options as checks = [\"option\", ...]"),
    "paperwork.tpl.other_not_option": ("other = “{value}” 不在选项中", "other = “{value}” is not one of the options"),
    "paperwork.tpl.unknown_code_table": ("没有名为“{name}”的代码表", "there is no code table named “{name}”"),
    "paperwork.tpl.overlap": ("与 {other} 重叠（{x}–{x1} × {y}–{y1} 毫米）", "overlaps {other} ({x}–{x1} × {y}–{y1} mm)"),
    "paperwork.tpl.content_twice": ("field、text、checks、checklist 只能用其中一个", "use only one of field, text, checks and checklist"),
    "paperwork.tpl.no_elements": ("模板中没有任何元素", "the template has no elements"),
    "paperwork.tpl.per": ("合同", "contract"),
    "paperwork.tpl.per_period": ("期间", "period"),
    "paperwork.tpl.place": ("{file}:{line}: {where}：{message}", "{file}:{line}: {where}: {message}"),
    "paperwork.tpl.place_noline": ("{file}: {where}：{message}", "{file}: {where}: {message}"),
})


class TemplateError(BrokerDeskError):
    """A template that cannot be used: its file and each fault with its place."""

    def __init__(self, file: str | Path, problems: list[Problem]):
        self.file = Path(file)
        self.problems = list(problems)
        super().__init__("paperwork.tpl.error", problems="")

    #: At most this many problems are listed.
    SHOWN = 20

    def lines(self) -> list[str]:
        lines = [p.text(self.file.name) for p in self.problems[:self.SHOWN]]
        if len(self.problems) > self.SHOWN:
            lines.append(i18n.tr("paperwork.tpl.more", count=len(self.problems) - self.SHOWN))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Problem:
    where: str           # grid[2].row[3].cells[1].field ("" for the file as a whole)
    key: str
    args: dict
    line: int | None = None
    column: int | None = None

    def text(self, file: str) -> str:
        message = i18n.tr(self.key, **self.args)
        place = f"{self.line}:{self.column}" if self.line and self.column else str(self.line or "")
        if not self.where:
            return f"{file}:{place}: {message}" if place else f"{file}: {message}"
        if place:
            return i18n.tr("paperwork.tpl.place", file=file, line=place, where=self.where, message=message)
        return i18n.tr("paperwork.tpl.place_noline", file=file, where=self.where, message=message)


# -- compiled form ----------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """A field a slot prints: the first non-blank of ``paths`` in ``fmt``."""
    paths: tuple[str, ...]
    defs: tuple[FieldDef, ...]
    fmt: str

    @property
    def label(self) -> str:
        return self.defs[0].label()


@dataclass
class TextSlot:
    x: float            # content area, PDF points (bottom-left origin)
    y: float
    w: float
    h: float
    parts: tuple        # str | Ref
    size: float
    min_size: float
    bold: bool = False
    align: str = "left"
    valign: str = "middle"
    vertical: bool = False
    required: bool = False
    label: str = ""
    where: str = ""

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]


@dataclass
class CheckSlot:
    ref: Ref
    boxes: dict[str, tuple[float, float, float]]   # option -> (x, y, side) of its square
    other: str | None = None
    other_area: tuple[float, float, float, float] | None = None  # x, y, w, h for a value not listed
    size: float = 9
    min_size: float = 6
    required: bool = False
    label: str = ""
    where: str = ""


@dataclass
class ChecklistSlot:
    items: list[tuple[tuple[float, float, float], object]]  # (square, condition)
    where: str = ""


@dataclass
class Column:
    x: float
    w: float
    parts: tuple
    align: str
    total: bool
    required: bool
    label: str


@dataclass
class Total:
    label: tuple        # parts ({group}, {count} allowed)
    by: FieldDef | None
    all_groups: bool
    bold: bool


@dataclass
class Table:
    list: ListDef
    x: float
    w: float
    columns: list[Column]
    header_h: float
    row_h: float
    first_top: float           # PDF y of the table's top on the first page
    first_rows: int
    cont_top: float | None     # on continued pages (None: does not continue)
    cont_rows: int
    size: float
    min_size: float
    pad_x: float
    pad_y: float
    totals: list[Total]
    required: bool
    label: str
    empty_text: str
    where: str

    @property
    def flows(self) -> bool:
        return self.cont_top is not None


@dataclass
class Template:
    name: str
    title: str
    per: str
    path: Path
    page_w: float
    page_h: float
    line_width: float
    static: dict[str, list[tuple]] = field(default_factory=lambda: {p: [] for p in PAGES})
    slots: dict[str, list] = field(default_factory=lambda: {p: [] for p in PAGES})
    tables: list[Table] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)

    @property
    def flow(self) -> Table | None:
        return next((t for t in self.tables if t.flows), None)


# -- reading ----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FORM_KEYS = {"title", "per", "page", "margins", "font_size", "min_font_size", "label_size", "line_width",
              "padding", "description"}
_POS_KEYS = {"x", "y", "w", "h", "pages"}
_CELL_KEYS = {"label", "label_w", "label_pos", "label_size", "label_bold", "field", "text", "format",
              "prefix", "suffix", "required", "align", "valign", "size", "min_size", "bold", "vertical",
              "checks", "other", "columns", "checklist", "notes", "shade", "border", "dash", "padding",
              "name"}
_ELEMENT_KEYS = {
    "text": _POS_KEYS | _CELL_KEYS,
    "box": _POS_KEYS | _CELL_KEYS,
    "line": {"x1", "y1", "x2", "y2", "width", "dash", "pages"},
    "grid": {"x", "y", "w", "row", "pages", "size", "label_size"},
    "table": {"x", "y", "w", "rows", "bottom", "header_h", "row_h", "continued_y", "continued_bottom",
              "column", "total", "required", "label", "empty_text", "size", "min_size", "header_size",
              "header_bold", "pages"},
}
_GRID_ROW_KEYS = {"h", "cells"}
_GRID_CELL_KEYS = (_CELL_KEYS | {"w", "rows"}) - {"border"}
_COLUMN_KEYS = {"w", "header", "field", "text", "format", "prefix", "suffix", "align", "required", "total"}
_TOTAL_KEYS = {"label", "by", "all_groups", "bold"}
_NOTE_KEYS = {"text", "align", "valign", "size", "bold"}
_CHECKLIST_KEYS = {"text", "checked", "when", "values"}


class FileChecker:
    """Reads one template's TOML data, collecting every problem with its place."""

    def __init__(self, path: Path, source: str, data: dict):
        self.path = path
        self.lines = source.splitlines()
        self.data = data
        self.problems: list[Problem] = []

    # problems and where they are
    def problem(self, where: str, code: str, value=None, /, **args) -> None:
        self.problems.append(Problem(where, code, args, self._line(where, value)))

    def _line(self, where: str, value) -> int | None:
        """The line a place is on, found by scanning the source (a good guess, not a parse):
        the section of ``grid[2].row[3]``, then the offending value or key inside it."""
        if not where:
            return None
        steps = re.findall(r"([A-Za-z_]+)(?:\[(\d+)\])?", where)
        start, end, found = 0, len(self.lines), False
        path = ""
        for name, index in steps:
            if not (index or name == "form"):
                break
            path = f"{path}.{name}" if path else name
            section = self._section(path, int(index or 1), start, end)
            if section is None:  # cells[3], notes[1] … are inline: look for the value
                break
            (start, end), found = section, True
        key = steps[-1][0] if steps else ""
        if value is not None and not isinstance(value, dict | list | bool) and str(value):
            for i in range(start, end):
                if str(value) in self.lines[i]:
                    return i + 1
        if key:
            pattern = re.compile(r"(^|[\s{,])" + re.escape(key) + r"\s*=")
            for i in range(start, end):
                if pattern.search(self.lines[i]):
                    return i + 1
        return start + 1 if found else None

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?")

    def _section(self, path: str, n: int, start: int, end: int) -> tuple[int, int] | None:
        """Lines [first, stop) of the n-th ``[[path]]`` (or ``[path]``) table between start and end."""
        heads = [(i, m.group(1)) for i in range(start, end) if (m := self._HEADER.match(self.lines[i]))]
        mine = [i for i, name in heads if name == path]
        if len(mine) < n:
            return None
        first = mine[n - 1]
        stop = next((i for i, name in heads if i > first and not name.startswith(path + ".")), end)
        return first, stop

    # typed getters (a bad value is reported and replaced by the default)
    def keys(self, where: str, table: dict, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(f"{where}.{key}" if where else key, "paperwork.tpl.unknown_key", key,
                             key=key, keys="、".join(sorted(allowed)))

    def number(self, where: str, table: dict, key: str, default=None, *, required=False, positive=False,
               kind="paperwork.tpl.t.number"):
        value = table.get(key, default)
        if key not in table and required:
            self.problem(where, "paperwork.tpl.missing_key", key=key)
            return None
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (positive and value <= 0):
            self.problem(f"{where}.{key}", "paperwork.tpl.type", value,
                         expected=i18n.tr("paperwork.tpl.t.positive" if positive else kind), value=value)
            return default
        return float(value)

    def string(self, where: str, table: dict, key: str, default=None, *, required=False, choices=None):
        if key not in table:
            if required:
                self.problem(where, "paperwork.tpl.missing_key", key=key)
            return default
        value = table[key]
        if not isinstance(value, str):
            self.problem(f"{where}.{key}", "paperwork.tpl.type", value, expected=i18n.tr("paperwork.tpl.t.text"),
                         value=value)
            return default
        if choices and value not in choices:
            self.problem(f"{where}.{key}", "paperwork.tpl.choice", value, value=value, choices="、".join(choices))
            return default
        return value

    def boolean(self, where: str, table: dict, key: str, default=False) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{where}.{key}", "paperwork.tpl.type", value, expected=i18n.tr("paperwork.tpl.t.bool"),
                         value=value)
            return default
        return value

    def tables(self, where: str, table: dict, key: str) -> list[dict]:
        value = table.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(f"{where}.{key}", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                         value=_short(value))
            return []
        return value


    def widths(self, where: str, items: list[dict], path: str, allowed: set[str]) -> list[float | None] | None:
        """The ``w`` of each of ``items`` (``path[1]``, ``path[2]``…; None: takes the rest), or
        None (said at ``where``) when more than one leaves it out."""
        given = []
        for k, item in enumerate(items, 1):
            iw = f"{path}[{k}]"
            self.keys(iw, item, allowed)
            given.append(self.number(iw, item, "w", None, positive=True))
        if sum(1 for g in given if g is None) > 1:
            self.problem(where, "paperwork.tpl.two_rest")
            return None
        return given


def _hint(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return i18n.tr("paperwork.tpl.did_you_mean", name=close[0]) if close else ""


def _short(value) -> str:
    shown = str(value).replace("\n", " ")
    return shown if len(shown) <= 40 else shown[:37] + "…"


@dataclass
class _Form:
    per: str
    page_w: float   # mm
    page_h: float
    margins: tuple[float, float, float, float]
    size: float
    min_size: float
    label_size: float
    line_width: float
    padding: float


class _Compiler:
    def __init__(self, checker: FileChecker, name: str, path: Path):
        self.c = checker
        self.name = name
        self.path = path
        self.tables = codes.tables()

    # ---- top level
    def compile(self) -> Template | None:
        c, data = self.c, self.c.data
        c.keys("", data, {"form", *_ELEMENT_KEYS})
        form_table = data.get("form")
        if not isinstance(form_table, dict):
            c.problem("form", "paperwork.tpl.missing_key", key="[form]")
            return None
        c.keys("form", form_table, _FORM_KEYS)
        title = c.string("form", form_table, "title", self.name, required=True)
        per = c.string("form", form_table, "per", "contract", required=True, choices=("contract", "period"))
        page = c.string("form", form_table, "page", "A4", choices=tuple(PAGE_SIZES))
        page_w, page_h = PAGE_SIZES.get(page, PAGE_SIZES["A4"])
        margins = self._margins(form_table.get("margins", 12))
        size = c.number("form", form_table, "font_size", 9, positive=True, kind="paperwork.tpl.t.points")
        self.form = _Form(
            per=per, page_w=page_w, page_h=page_h, margins=margins, size=size,
            min_size=c.number("form", form_table, "min_font_size", min(6.0, size), positive=True,
                              kind="paperwork.tpl.t.points"),
            label_size=c.number("form", form_table, "label_size", size, positive=True, kind="paperwork.tpl.t.points"),
            line_width=c.number("form", form_table, "line_width", 0.6, positive=True, kind="paperwork.tpl.t.points"),
            padding=c.number("form", form_table, "padding", 1.2, kind="paperwork.tpl.t.number"),
        )
        self.form.min_size = min(self.form.min_size, self.form.size)
        self.t = Template(self.name, title, per, self.path, page_w * MM, page_h * MM, self.form.line_width)
        self.areas: list[tuple] = []
        count = 0
        for kind in ("line", "grid", "table", "box", "text"):
            for i, element in enumerate(c.tables("", data, kind), 1):
                count += 1
                where = f"{kind}[{i}]"
                c.keys(where, element, _ELEMENT_KEYS[kind])
                pages = c.string(where, element, "pages", "first", choices=PAGES)
                getattr(self, f"_{kind}")(where, element, pages)
        if not count:
            c.problem("", "paperwork.tpl.no_elements")
        self._overlaps()
        for kind, ops in self.t.static.items():
            self.t.static[kind] = merge_lines(ops)
        return self.t

    def _area(self, where: str, pages: str, x: float, y: float, w: float, h: float) -> None:
        self.areas.append((where, pages, x, y, w, h))

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
                    self.c.problem(wa, "paperwork.tpl.overlap", other=wb, x=_n(x0), x1=_n(x1), y=_n(y0), y1=_n(y1))

    def _margins(self, value) -> tuple[float, float, float, float]:
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            return (float(value),) * 4
        if (isinstance(value, list) and len(value) == 4
                and all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value)):
            return tuple(float(v) for v in value)
        self.c.problem("form.margins", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.margins"),
                       value=_short(value))
        return (12.0,) * 4

    # ---- geometry
    def _inside(self, where: str, x: float, y: float, w: float, h: float, what: str | None = None) -> bool:
        f = self.form
        top, right, bottom, left = f.margins
        x1, y1 = f.page_w - right, f.page_h - bottom
        eps = 0.01
        if x < left - eps or y < top - eps or x + w > x1 + eps or y + h > y1 + eps or w < 0 or h < 0:
            self.c.problem(where, "paperwork.tpl.off_page", what=what or i18n.tr(
                "paperwork.tpl.shape", x=_n(x), y=_n(y), w=_n(w), h=_n(h)),
                x0=_n(left), x1=_n(x1), y0=_n(top), y1=_n(y1))
            return False
        return True

    def _pdf_rect(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        """mm from the top-left -> PDF points (x, bottom y, w, h)."""
        return x * MM, self.t.page_h - (y + h) * MM, w * MM, h * MM

    def _rect_of(self, where: str, element: dict) -> tuple[float, float, float, float] | None:
        c = self.c
        vals = [c.number(where, element, k, required=True) for k in ("x", "y", "w", "h")]
        if any(v is None for v in vals):
            return None
        x, y, w, h = vals
        if w <= 0 or h <= 0:
            c.problem(f"{where}.w", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.positive"),
                      value=f"{_n(w)}×{_n(h)}")
            return None
        return (x, y, w, h) if self._inside(where, x, y, w, h) else None

    # ---- elements
    def _line(self, where, element, pages):
        c = self.c
        vals = [c.number(where, element, k, required=True) for k in ("x1", "y1", "x2", "y2")]
        width = c.number(where, element, "width", self.form.line_width, positive=True, kind="paperwork.tpl.t.points")
        dash = c.boolean(where, element, "dash")
        if any(v is None for v in vals):
            return
        x1, y1, x2, y2 = vals
        if not self._inside(where, min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)):
            return
        H = self.t.page_h
        self.t.static[pages].append(("line", x1 * MM, H - y1 * MM, x2 * MM, H - y2 * MM, width, dash))

    def _box(self, where, element, pages, border=True):
        rect = self._rect_of(where, element)
        if rect is None:
            self._cell(where, element, pages, None, border=border)  # still check the content's keys
            return
        self._area(where, pages, *rect)
        self._cell(where, element, pages, rect, border=self.c.boolean(where, element, "border", border))

    def _text(self, where, element, pages):
        self._box(where, element, pages, border=False)

    def _grid(self, where, element, pages):
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
            c.keys(rw, row, _GRID_ROW_KEYS)
            heights.append(c.number(rw, row, "h", 8.0, positive=True) or 8.0)
        total_h = sum(heights)
        if not self._inside(where, x, y, width, total_h):
            return
        self._area(where, pages, x, y, width, total_h)
        spans: list[tuple[float, float, int]] = []  # (x0, x1, last row index) of cells spanning rows
        tops = [y + sum(heights[:r]) for r in range(len(rows))]
        for r, row in enumerate(rows):
            rw = f"{where}.row[{r + 1}]"
            cells = row.get("cells", [])
            if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
                c.problem(f"{rw}.cells", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                          value=_short(cells))
                continue
            blocked = sorted((a, b) for a, b, last in spans if last >= r)
            given = c.widths(rw, cells, f"{rw}.cells", _GRID_CELL_KEYS)
            if given is None:
                continue
            blocked_w = sum(b - a for a, b in blocked)
            rest = width - blocked_w - sum(g for g in given if g is not None)
            if None not in given and abs(rest) > 0.05 or rest < -0.05:
                c.problem(rw, "paperwork.tpl.row_width", total=_n(width - rest), width=_n(width))
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
        px, py, pw, ph = self._pdf_rect(x, y, w, h)
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
                    self._static_text(where + ".label", label, cx, cy + chgt - lh, cwid, lh, label_size,
                                      f.min_size, label_bold, align or "left", "middle", False, pages)
                    chgt -= lh
                else:
                    lw = label_w * MM if label_w else text.unit_width(label, label_bold) * label_size + pad_x / 2
                    lw = min(lw, cwid)
                    self._static_text(where + ".label", label, cx, cy, lw, chgt, label_size, f.min_size,
                                      label_bold, "left", valign if "\n" in label else "middle", False, pages)
                    cx += lw
                    cwid -= lw
            else:
                self._static_text(where + ".label", label, cx, cy, cwid, chgt, label_size, f.min_size,
                                  label_bold or bold, align or "center", valign, vertical, pages)
        bands = {"top": 0.0, "bottom": 0.0}  # what notes at the top and bottom take from the content
        for n, note in enumerate(c.tables(where, cell, "notes"), 1):
            nw = f"{where}.notes[{n}]"
            c.keys(nw, note, _NOTE_KEYS)
            note_text = c.string(nw, note, "text", "", required=True)
            note_parts = self._parts(nw + ".text", note_text) if note_text else ()
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
            self._add_slot(slot, pages)
        if contents and (bands["top"] or bands["bottom"]):
            cy += bands["bottom"]
            chgt -= bands["top"] + bands["bottom"]
        if not contents:
            return
        if parts is not None:
            slot = TextSlot(cx, cy, cwid, chgt, parts, size, min_size, bold, align or "left", valign, vertical,
                            required, c.string(where, cell, "name") or self._label_of(label, parts),
                            where + "." + contents[0])
            self._add_slot(slot, pages)
        elif contents[0] == "checks":
            self._checks(where, cell, pages, (cx, cy, cwid, chgt), size, min_size, required,
                         c.string(where, cell, "name") or label)
        elif contents[0] == "checklist":
            self._checklist(where, cell, pages, (cx, cy, cwid, chgt), size, min_size)

    def _label_of(self, label: str | None, parts) -> str:
        refs = [p for p in parts if isinstance(p, Ref)]
        if refs and (len(refs) > 1 or not label):
            return "、".join(dict.fromkeys(r.label for r in refs))
        return (label or "").replace("\n", "").rstrip("：:") or (refs[0].label if refs else "")

    def _content_parts(self, where, cell) -> tuple | None:
        c = self.c
        prefix = c.string(where, cell, "prefix", "")
        suffix = c.string(where, cell, "suffix", "")
        if "field" in cell:
            ref = self._ref(f"{where}.field", cell["field"], c.string(where, cell, "format"))
            if ref is None:
                return None
            return tuple(p for p in (prefix, ref, suffix) if p != "")
        source = c.string(where, cell, "text", "")
        if "format" in cell:
            c.problem(f"{where}.format", "paperwork.tpl.unknown_key", "format", key="format",
                      keys="field")
        return tuple(p for p in (prefix, *self._parts(f"{where}.text", source), suffix) if p != "")

    def _ref(self, where: str, value, fmt: str | None, row: ListDef | None = None) -> Ref | None:
        c = self.c
        paths = [value] if isinstance(value, str) else value
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            c.problem(where, "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.fields"),
                      value=_short(value))
            return None
        defs = []
        for path in paths:
            d = self._field(where, path.strip(), row)
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

    def _field(self, where: str, path: str, row: ListDef | None) -> FieldDef | None:
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
            c.problem(where, "paperwork.tpl.unknown_field", path, field=path, hint=_hint(path, known))
            return None
        if d.scope not in ("any", self.form.per):
            c.problem(where, "paperwork.tpl.wrong_scope", path, field=path, per=self._per_text())
            return None
        return d

    def _per_text(self) -> str:
        return i18n.tr("paperwork.tpl.per" if self.form.per == "contract" else "paperwork.tpl.per_period")

    def _parts(self, where: str, source: str, row: ListDef | None = None, extra: dict | None = None) -> tuple:
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
            ref = self._ref(where, name, fmt.strip() or None, row)
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

    def _add_slot(self, slot: TextSlot, pages: str) -> None:
        if slot.refs:
            self.t.slots[pages].append(slot)
            return
        content = "".join(slot.parts)
        if content:
            self._static_text(slot.where, content, slot.x, slot.y, slot.w, slot.h, slot.size, slot.min_size,
                              slot.bold, slot.align, slot.valign, slot.vertical, pages)

    def _static_text(self, where, content, x, y, w, h, size, min_size, bold, align, valign, vertical, pages):
        fitted = text.fit(content, w, h, size, min_size, bold, vertical)
        if fitted is None:
            self.c.problem(where, "paperwork.tpl.text_too_long", content, text=_short(content), size=_n(min_size),
                           w=_n(w / MM), h=_n(h / MM))
            return
        self.t.static[pages].extend(text_ops(fitted, x, y, w, h, bold, align, valign, vertical))

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
                  value=_short(value))
        return None

    def _checks(self, where, cell, pages, area, size, min_size, required, label):
        c = self.c
        if "field" not in cell:
            c.problem(where, "paperwork.tpl.checks_need_field")
            return
        ref = self._ref(f"{where}.field", cell["field"], "name")
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
        layout = _lay_out_options(options, area, size, min_size, columns, other)
        if layout is None:
            c.problem(where, "paperwork.tpl.options_too_long", size=_n(min_size))
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
            c.keys(iw, item, _CHECKLIST_KEYS)
            labels.append(c.string(iw, item, "text", "", required=True))
            if "when" in item:
                ref = self._ref(f"{iw}.when", item["when"], None)
                values = item.get("values")
                if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                    c.problem(f"{iw}.values", "paperwork.tpl.type", None, expected=i18n.tr("paperwork.tpl.t.list"),
                              value=_short(values))
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
        layout = _lay_out_options(labels, area, size, min_size, columns, None)
        if layout is None:
            c.problem(where, "paperwork.tpl.options_too_long", size=_n(min_size))
            return
        s, placed, _ = layout
        static = self.t.static[pages]
        slot_items = []
        for label, condition, (bx, by, side, tx, ty) in zip(labels, conditions, placed, strict=True):
            static.append(("square", bx, by, side, 0.5))
            static.append(("text", tx, ty, False, s, label))
            slot_items.append(((bx, by, side), condition))
        self.t.slots[pages].append(ChecklistSlot(slot_items, where))

    # ---- repeating rows
    def _table(self, where, element, pages):
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
            c.problem(f"{where}.rows", "paperwork.tpl.list_scope", source, name=source, per=self._per_text())
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
        given = c.widths(where, columns_in, f"{where}.column", _COLUMN_KEYS)
        if given is None:
            return
        if width is None:
            if None in given:
                c.problem(where, "paperwork.tpl.missing_key", key="w")
                return
            width = sum(given)
        rest = width - sum(g for g in given if g is not None)
        if (None not in given and abs(rest) > 0.05) or rest < -0.05:
            c.problem(where, "paperwork.tpl.columns_width", total=_n(width - rest), width=_n(width))
            return
        flows = cont_y is not None
        if flows:
            other = self.t.flow
            if other is not None:
                c.problem(f"{where}.continued_y", "paperwork.tpl.two_flows", first=other.where)
                flows = False
            if cont_bottom is None:
                cont_bottom = f.page_h - f.margins[2]
        ok = self._inside(where, x, y, width, bottom - y)
        if flows:
            ok = self._inside(f"{where}.continued_y", x, cont_y, width, cont_bottom - cont_y) and ok
        if not ok:
            return
        self._area(where, "first", x, y, width, bottom - y)
        if flows:
            self._area(f"{where}.continued_y", "continued", x, cont_y, width, cont_bottom - cont_y)
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
                ref = self._ref(f"{cw}.field", col["field"], c.string(cw, col, "format"), lst)
                parts = tuple(p for p in (prefix, ref, suffix) if p != "") if ref else ()
            else:
                parts = tuple(p for p in (prefix, *self._parts(f"{cw}.text", c.string(cw, col, "text", ""), lst),
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
            c.keys(tw, tot, _TOTAL_KEYS)
            by_name = c.string(tw, tot, "by")
            by = None
            if by_name is not None:
                by = lst.rows.get(by_name)
                if by is None:
                    c.problem(f"{tw}.by", "paperwork.tpl.by_field", by_name, field=by_name)
            label_parts = self._parts(f"{tw}.label", c.string(tw, tot, "label", "合计"), lst,
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
                    self._static_text(f"{where}.column[{k}].header", header, (x + cx) * MM + pad / 2,
                                      top - header_h * MM + pad / 2, cw * MM - pad, header_h * MM - pad,
                                      header_size, f.min_size, header_bold, "center", "middle", False, kind)


def merge_lines(ops: list[tuple]) -> list[tuple]:
    """Rectangles and straight lines as the fewest lines: the edges that neighbouring
    cells share are drawn once (a shared edge drawn twice prints heavier)."""
    runs: dict[tuple, list[list[float]]] = {}
    rest = []
    for op in ops:
        if op[0] == "rect":
            _, x, y, w, h, lw, dash = op
            segments = [("h", y, x, x + w), ("h", y + h, x, x + w), ("v", x, y, y + h), ("v", x + w, y, y + h)]
        elif op[0] == "line" and (abs(op[2] - op[4]) < 1e-6 or abs(op[1] - op[3]) < 1e-6):
            _, x1, y1, x2, y2, lw, dash = op
            if abs(y1 - y2) < 1e-6:
                segments = [("h", y1, min(x1, x2), max(x1, x2))]
            else:
                segments = [("v", x1, min(y1, y2), max(y1, y2))]
        else:
            rest.append(op)
            continue
        for orient, at, a, b in segments:
            runs.setdefault((orient, round(at, 2), lw, dash), []).append([a, b])
    lines = []
    for (orient, at, lw, dash), spans in runs.items():
        spans.sort()
        merged = [spans[0][:]]
        for a, b in spans[1:]:
            if a <= merged[-1][1] + 0.01:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            lines.append(("line", a, at, b, at, lw, dash) if orient == "h" else ("line", at, a, at, b, lw, dash))
    return [op for op in rest if op[0] == "fill"] + lines + [op for op in rest if op[0] != "fill"]


def _n(value: float) -> str:
    return f"{value:g}" if abs(value - round(value, 1)) < 1e-9 else f"{value:.1f}"


def _lay_out_options(options, area, size, min_size, columns, other):
    """Place check boxes with their labels in ``area`` (x, y, w, h in points): the
    largest size at which they fit, in columns or flowing left to right. Returns
    (size, [(box x, box y, side, text x, text baseline)], other's value area) or None."""
    x, y, w, h = area
    steps = max(0, int(round((size - min_size) / text.STEP)))
    for i in range(steps + 1):
        s = size - i * text.STEP
        side = s * 0.82
        gap = s * 0.3
        spacing = s * 1.1
        widths = [side + gap + text.unit_width(o) * s for o in options]
        rows: list[list[int]] = [[]]
        if columns:
            col_w = w / columns
            if max(widths) > col_w + 1e-6:
                continue
            for k in range(len(options)):
                if len(rows[-1]) == columns:
                    rows.append([])
                rows[-1].append(k)
            lefts = {k: x + (k % columns) * col_w for k in range(len(options))}
        else:
            lefts = {}
            cursor = 0.0
            if max(widths) > w + 1e-6:
                continue
            for k, wd in enumerate(widths):
                if rows[-1] and cursor + wd > w + 1e-6:
                    rows.append([])
                    cursor = 0.0
                lefts[k] = x + cursor
                rows[-1].append(k)
                cursor += wd + spacing
        line_h = s * 1.35
        if len(rows) > 1:  # spread the rows over the box, up to a comfortable spacing
            line_h = max(line_h, min(s * 1.8, (h - s) / (len(rows) - 1)))
        block = s + (len(rows) - 1) * line_h
        if block > h + 1e-6:
            continue
        top = y + h / 2 + block / 2
        placed = [None] * len(options)
        other_area = None
        for r, row in enumerate(rows):
            baseline = top - ASCENT * s - r * line_h
            mid = baseline + (ASCENT - DESCENT) * s / 2
            for pos, k in enumerate(row):
                bx = lefts[k]
                placed[k] = (bx, mid - side / 2, side, bx + side + gap, baseline)
                if options[k] == other:
                    start = bx + widths[k] + gap
                    end = lefts[row[pos + 1]] - gap if pos + 1 < len(row) else x + w
                    other_area = (start, baseline + DESCENT * -s - 0.5, max(0.0, end - start), s * 1.2)
        return s, placed, other_area
    return None


def text_ops(fitted: text.Fitted, x, y, w, h, bold, align, valign, vertical=False) -> list[tuple]:
    """Draw operations placing fitted lines in the box (x, y, w, h), PDF points."""
    s = fitted.size
    leading = s * (1.3 if vertical else text.LEADING)
    block = s + (len(fitted.lines) - 1) * leading
    if valign == "top":
        top = y + h
    elif valign == "bottom":
        top = y + block
    else:
        top = y + h / 2 + block / 2
    ops = []
    for i, (line, lw) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
        if not line:
            continue
        baseline = top - ASCENT * s - i * leading
        if align == "center" or vertical:
            lx = x + (w - lw) / 2
        elif align == "right":
            lx = x + w - lw
        else:
            lx = x
        ops.append(("text", lx, baseline, bold, s, line))
    return ops


# -- loading ----------------------------------------------------------------------------

def read_toml(path: Path, source: str | None, error: type[Exception]) -> tuple[str, dict]:
    """A declarative TOML file's text (read from ``path`` unless given) and data; a file that
    cannot be read or parsed raises ``error(path, [problem])``, the problem at its line and column
    (templates and reward policies alike)."""
    if source is None:
        try:
            source = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise error(path, [Problem("", "paperwork.tpl.unreadable", {"error": e})]) from None
    try:
        return source, tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise error(path, [Problem("", "paperwork.tpl.syntax", {"error": message}, line, column)]) from None

def load(path: Path, name: str | None = None, source: str | None = None) -> Template:
    """Read and compile one template file; :class:`TemplateError` lists every fault."""
    path = Path(path)
    name = name or path.stem
    source, data = read_toml(path, source, TemplateError)
    checker = FileChecker(path, source, data)
    template = _Compiler(checker, name, path).compile()
    if checker.problems or template is None:
        raise TemplateError(path, checker.problems)
    return template
