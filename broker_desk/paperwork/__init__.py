"""Registration paperwork: PDF forms filled from the ledger through templates.

The public API (the command line and the window use only this)::

    list_forms() -> list[FormInfo]
    find_contract(ledger, key) -> int
    registered_in(ledger, period) -> list[int]
    render(ledger, form, out, *, contract_ids=None, period=None, allow_blank=False,
           progress=None, cancelled=None, today=None) -> RenderResult

Templates are TOML files (``forms/README.md``); see :mod:`.template`. A PDF
embeds the program's font as subsets, is A4 (or the template's page) and its
text can be searched and copied.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, i18n, outfiles, pdffonts
from ..errors import BrokerDeskError
from . import data
from . import render as _render
from .library import FormInfo, builtin_dir, list_forms, user_dir
from .library import find as find_form
from .render import TextOverflow
from .template import Template, TemplateError

__all__ = ["FormInfo", "RenderResult", "MissingData", "TemplateError", "TextOverflow", "Cancelled",
           "list_forms", "find_contract", "registered_in", "render", "find_form", "builtin_dir", "user_dir",
           "check_target", "contract_names"]

i18n.register({
    "paperwork.missing": ("“{form}”缺少必填内容（{count} 份）：", "“{form}” lacks required data ({count}):"),
    "paperwork.missing.line": ("{contract}：{fields}", "{contract}: {fields}"),
    "paperwork.contract_name": ("合同 {contract_no}（{title}）", "contract {contract_no} ({title})"),
    "paperwork.period_name": ("{period}汇总", "the summary of {period}"),
    "paperwork.cancelled": ("已取消打印，未写入文件", "Printing cancelled; no file was written"),
    "paperwork.no_contract": ("找不到合同“{key}”（可用记录ID、登记编号或合同编号）",
                              "No contract “{key}” (give its record id, registration no. or contract no.)"),
    "paperwork.ambiguous": ("合同编号“{key}”对应 {count} 份合同（{choices}），请改用登记编号或记录ID",
                            "The contract no. “{key}” matches {count} contracts ({choices}); use the registration no. or record id"),
    "paperwork.need_contracts": ("表格“{form}”按合同打印：请指定合同", "The form “{form}” is printed per contract: name the contracts"),
    "paperwork.need_period": ("表格“{form}”按期间打印：请指定期间（如 2025 或 2025-03）",
                              "The form “{form}” is printed per period: give the period (e.g. 2025 or 2025-03)"),
    "paperwork.none_registered": ("{period}没有已登记的合同", "No contract was registered in {period}"),
    "paperwork.progress": ("正在生成 {done}/{total}", "Rendering {done}/{total}"),
    "paperwork.progress.reading": ("正在读取合同 {done}/{total}", "Reading contracts {done}/{total}"),
    "paperwork.progress.saving": ("正在保存 PDF", "Saving the PDF"),
    "paperwork.not_pdf": ("“{path}”不是 .pdf 文件名", "“{path}” is not a .pdf file name"),
})

ProgressFn = outfiles.ProgressFn
#: Seconds between two progress reports.


class MissingData(BrokerDeskError):
    """Required fields are blank: names every contract and every field (nothing was written)."""

    def __init__(self, form: str, missing: dict[int, list[str]], names: dict[int, str]):
        self.form = form
        self.missing = missing
        self.names = names
        super().__init__("paperwork.missing", form=form, count=len(missing))

    def lines(self) -> list[str]:
        return [i18n.tr("paperwork.missing.line", contract=self.names.get(key, str(key)), fields="、".join(labels))
                for key, labels in self.missing.items()]

    def __str__(self) -> str:
        return "\n".join([i18n.tr("paperwork.missing", form=self.form, count=len(self.missing)), *self.lines()])


class Cancelled(BrokerDeskError):
    """The user cancelled a print job; no file was written."""

    def __init__(self):
        super().__init__("paperwork.cancelled")


@dataclass
class RenderResult:
    pages: int
    contracts: int
    missing: dict[int, list[str]] = field(default_factory=dict)


def find_contract(ledger, key: str) -> int:
    """A contract's id from its 记录ID (uid), 登记编号 or 合同编号."""
    key = str(key or "").strip()
    conn = ledger.conn
    for column in ("uid", "reg_no"):
        r = conn.execute(f"SELECT id FROM contracts WHERE {column} = ?", [key]).fetchone()
        if r:
            return r[0]
    rows = conn.execute("SELECT c.id, c.reg_no, s.name FROM contracts c JOIN clients s ON s.id = c.seller_id "
                        "WHERE c.contract_no = ? ORDER BY c.id", [key]).fetchall()
    if not rows and key:
        rows = conn.execute("SELECT c.id, c.reg_no, s.name FROM contracts c JOIN clients s ON s.id = c.seller_id "
                            "WHERE lower(c.uid) = lower(?) OR c.contract_no = ? COLLATE NOCASE ORDER BY c.id",
                            [key, key]).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    if not rows:
        raise BrokerDeskError("paperwork.no_contract", key=key)
    choices = "；".join(f"{seller}{'，' + reg_no if reg_no else ''}" for _, reg_no, seller in rows[:5])
    raise BrokerDeskError("paperwork.ambiguous", key=key, count=len(rows), choices=choices)


def registered_in(ledger, period: str) -> list[int]:
    """Contracts registered (已登记) in a year ("2025") or a month ("2025-03"), by 登记日期 then 登记编号."""
    return data.registered_ids(ledger, data.parse_period(period))


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path if a PDF may be written there; else a BrokerDeskError."""
    return outfiles.check_target(path, (".pdf",), "paperwork.not_pdf", overwrite)


def render(ledger, form: str, out, *, contract_ids: list[int] | None = None, period: str | None = None,
           allow_blank: bool = False, progress: ProgressFn | None = None,
           cancelled: Callable[[], bool] | None = None, today: dt.date | None = None) -> RenderResult:
    """Print ``form`` into the PDF ``out`` (a path, or a binary file object).

    A form printed per contract takes ``contract_ids`` (many: one PDF, each contract's
    pages in turn; or, without ids, every contract registered in ``period``); the
    period form takes ``period`` (its contracts: ``contract_ids`` if given, else those
    registered in the period). Required fields left blank raise :class:`MissingData`
    naming them, unless ``allow_blank`` (then they print empty and are listed in the
    result). A value too long for its box raises :class:`TextOverflow`. A cancelled
    job raises :class:`Cancelled`. Nothing is written to a path unless it all succeeds.
    """
    template = find_form(form)
    today = today or dt.date.today()
    report = outfiles.Throttled(progress)
    check = cancelled or (lambda: False)
    source = data.Source(ledger, today)
    _render._fmt.cache_clear()

    docs: list[_render.Doc] = []
    if template.per == "period":
        if period is None:
            raise BrokerDeskError("paperwork.need_period", form=template.title)
        the_period = data.parse_period(period)
        ids = list(contract_ids) if contract_ids is not None else data.registered_ids(ledger, the_period)
        values, lists = source.period(the_period, ids)
        docs.append(_render.Doc(0, i18n.tr("paperwork.period_name", period=the_period.label), values, lists))
        names = {row["id"]: _contract_name(row["row.contract_no"], row["row.title"]) for row in lists["contracts"]}
        count = len(ids)
    else:
        if contract_ids is None:
            if period is None:
                raise BrokerDeskError("paperwork.need_contracts", form=template.title)
            the_period = data.parse_period(period)
            contract_ids = data.registered_ids(ledger, the_period)
            if not contract_ids:
                raise BrokerDeskError("paperwork.none_registered", period=the_period.label)
        if not contract_ids:
            raise BrokerDeskError("paperwork.need_contracts", form=template.title)
        names = {}
        total = len(contract_ids)
        for i, contract_id in enumerate(contract_ids):
            if check():
                raise Cancelled()
            values, lists, row = source.contract(contract_id, template.needs)
            names[contract_id] = _contract_name(row["contract_no"], row["title"])
            docs.append(_render.Doc(contract_id, names[contract_id], values, lists))
            report(0.15 * (i + 1) / total, i18n.tr("paperwork.progress.reading", done=i + 1, total=total))
        count = len(contract_ids)

    missing: dict[int, list[str]] = {}
    for doc in docs:
        _render.prepare(template, doc)
        if doc.missing:
            missing.setdefault(doc.key, []).extend(doc.missing)
        for key, labels in doc.row_missing.items():
            missing.setdefault(key, []).extend(labels)
    if missing and not allow_blank:
        if 0 in missing:
            names[0] = docs[0].name
        raise MissingData(template.title, missing, names)

    pages = _write(template, docs, out, report, check)
    return RenderResult(pages, count, missing)


def contract_names(ledger, contract_ids: list[int]) -> dict[int, str]:
    """How messages name contracts: 合同 HT-0001（项目名称）."""
    names = {}
    for contract_id in contract_ids:
        r = ledger.conn.execute("SELECT contract_no, title FROM contracts WHERE id = ?", [contract_id]).fetchone()
        if r:
            names[contract_id] = _contract_name(*r)
    return names


def _contract_name(contract_no: str, title: str) -> str:
    return i18n.tr("paperwork.contract_name", contract_no=contract_no, title=title)


def _canvas(target, template: Template, docs):
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(target, pagesize=(template.page_w, template.page_h), pageCompression=1, invariant=1,
                    **pdffonts.canvas_options())
    subject = docs[0].name if len(docs) == 1 else f"{len(docs)}"
    canvas.setTitle(template.title)
    canvas.setSubject(subject)
    canvas.setAuthor("BrokerDesk")
    canvas.setCreator(f"BrokerDesk {__version__}")
    pdffonts.date_stamp(canvas)
    return canvas


def _write(template: Template, docs: list, out, report: outfiles.Throttled, check) -> int:
    """Draw every document and save: to a path all or nothing, or into a file object."""
    if isinstance(out, str | os.PathLike):
        with outfiles.replacing(out) as part:
            return _draw(template, docs, str(part), report, check)
    buffer = io.BytesIO()
    pages = _draw(template, docs, buffer, report, check)
    out.write(buffer.getvalue())
    return pages


def _draw(template: Template, docs: list, target, report: outfiles.Throttled, check) -> int:
    canvas = _canvas(target, template, docs)
    painter = _render.Painter(canvas)
    pages = 0
    total = len(docs)
    for i, doc in enumerate(docs):
        if check():
            raise Cancelled()
        pages += painter.draw(template, doc)
        report(0.15 + 0.8 * (i + 1) / total, i18n.tr("paperwork.progress", done=i + 1, total=total))
    if check():
        raise Cancelled()
    report(0.96, i18n.tr("paperwork.progress.saving"), force=True)
    canvas.save()
    report(1.0, i18n.tr("paperwork.progress.saving"), force=True)
    return pages
