"""Reading a template's TOML and checking it: each fault becomes a :class:`Problem`
with its place (``grid[2].row[3].cells[1].field``) and, where it can be found, its line."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ... import i18n
from ...errors import BrokerDeskError

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


FORM_KEYS = {"title", "per", "page", "margins", "font_size", "min_font_size", "label_size", "line_width",
              "padding", "description"}
POS_KEYS = {"x", "y", "w", "h", "pages"}
CELL_KEYS = {"label", "label_w", "label_pos", "label_size", "label_bold", "field", "text", "format",
              "prefix", "suffix", "required", "align", "valign", "size", "min_size", "bold", "vertical",
              "checks", "other", "columns", "checklist", "notes", "shade", "border", "dash", "padding",
              "name"}
ELEMENT_KEYS = {
    "text": POS_KEYS | CELL_KEYS,
    "box": POS_KEYS | CELL_KEYS,
    "line": {"x1", "y1", "x2", "y2", "width", "dash", "pages"},
    "grid": {"x", "y", "w", "row", "pages", "size", "label_size"},
    "table": {"x", "y", "w", "rows", "bottom", "header_h", "row_h", "continued_y", "continued_bottom",
              "column", "total", "required", "label", "empty_text", "size", "min_size", "header_size",
              "header_bold", "pages"},
}
GRID_ROW_KEYS = {"h", "cells"}
GRID_CELL_KEYS = (CELL_KEYS | {"w", "rows"}) - {"border"}
COLUMN_KEYS = {"w", "header", "field", "text", "format", "prefix", "suffix", "align", "required", "total"}
TOTAL_KEYS = {"label", "by", "all_groups", "bold"}
NOTE_KEYS = {"text", "align", "valign", "size", "bold"}
CHECKLIST_KEYS = {"text", "checked", "when", "values"}


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
                         value=short(value))
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


def hint(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return i18n.tr("paperwork.tpl.did_you_mean", name=close[0]) if close else ""


def short(value) -> str:
    shown = str(value).replace("\n", " ")
    return shown if len(shown) <= 40 else shown[:37] + "…"


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
