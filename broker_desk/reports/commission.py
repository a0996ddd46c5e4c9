"""佣金对账单 (commission statements, :mod:`broker_desk.commission`) to Excel and to PDF.

Excel (:func:`write_xlsx`): a 汇总 sheet (one row per broker: earned and paid in the period,
in all by its end, outstanding; a totals row), then one sheet per broker (up to
:data:`SHEET_PER_BROKER` brokers; beyond, one 明细 sheet with a 经纪人 column and a subtotal
after each broker): a title block (broker, institution, period, how commission is earned,
when and from which ledger) and the contracts with 成交额, 已到账, 佣金, share, full share,
earned and paid in the period and in all, outstanding, and a totals row — every amount in 元.

PDF (:func:`write_pdf`): A4 portrait, one statement per broker starting on a new page: title,
broker, period and basis, the table (in 元) with its header repeated on every page and a
totals row, "第 N 页 共 M 页" at the foot; every font embedded (:mod:`broker_desk.pdffonts`).

Both are written all-or-nothing (``NAME.part`` renamed when complete); a cancelled export
returns None and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from .. import i18n
from ..commission import Statement
from ..i18n import tr
from ..rankings import period_bounds
from .common import (
    Cancelled,
    Formats,
    ProgressFn,
    Steps,
    Table,
    apply_widths,
    build_pdf,
    page_setup,
    pdf_styles,
    pdf_table,
    percent_cell,
    title_block,
    when,
    write_either,
    write_workbook,
    yuan,
    yuan_cell,
)

i18n.register({
    "cx.title": ("佣金对账单", "Commission statement"),
    "cx.title_of": ("佣金对账单 — {broker}", "Commission statement — {broker}"),
    "cx.summary": ("汇总", "Summary"),
    "cx.details": ("明细", "Details"),
    "cx.subtotal": ("小计", "Subtotal"),
    "cx.broker_line": ("经纪人：{broker}　所属机构：{institution}", "Broker: {broker}   Institution: {institution}"),
    "cx.period": ("对账期间：{first} 至 {last}", "Period: {first} to {last}"),
    "cx.basis.arrival": ("计提方式：按到账计提（挣得 = 佣金 × 份额 × 已到账 ÷ 成交额，以份额全额为限）",
                         "Earned as the money arrives (commission × share × received ÷ amount, at most the full "
                         "share)"),
    "cx.basis.registration": ("计提方式：登记后计提（合同登记后挣得份额全额）",
                              "Earned on registration (the full share once the contract is registered)"),
    "cx.contract_no": ("合同编号", "Contract no."),
    "cx.project": ("项目名称", "Project"),
    "cx.amount": ("成交额（元）", "Amount (yuan)"),
    "cx.received": ("已到账（元）", "Received (yuan)"),
    "cx.commission": ("佣金（元）", "Commission (yuan)"),
    "cx.share": ("份额", "Share"),
    "cx.full": ("应得佣金（元）", "Full share (yuan)"),
    "cx.earned_period": ("本期挣得（元）", "Earned in period (yuan)"),
    "cx.earned": ("累计挣得（元）", "Earned to date (yuan)"),
    "cx.paid_period": ("本期发放（元）", "Paid in period (yuan)"),
    "cx.paid": ("累计发放（元）", "Paid to date (yuan)"),
    "cx.outstanding": ("未发放（元）", "Outstanding (yuan)"),
    "cx.broker": ("经纪人", "Broker"),
    "cx.institution": ("所属机构", "Institution"),
    "cx.contracts": ("合同数", "Contracts"),
    "cx.none": ("本期没有佣金记录。", "No commission in this period."),
})

_SUMS = ("earned_period_fen", "earned_fen", "paid_period_fen", "paid_fen", "outstanding_fen")


def _columns() -> list[tuple[str, str]]:
    return [(tr("cx.contract_no"), "text"), (tr("cx.project"), "text"), (tr("cx.amount"), "money"),
            (tr("cx.received"), "money"), (tr("cx.commission"), "money"), (tr("cx.share"), "percent"),
            (tr("cx.full"), "money"), (tr("cx.earned_period"), "money"), (tr("cx.earned"), "money"),
            (tr("cx.paid_period"), "money"), (tr("cx.paid"), "money"), (tr("cx.outstanding"), "money")]


def info_lines(ledger, statement: Statement) -> list[str]:
    _, _, first, last = period_bounds(statement.year_from, statement.year_to)
    return [tr("cx.broker_line", broker=statement.broker, institution=statement.institution or "—"),
            tr("cx.period", first=first, last=last), tr(f"cx.basis.{statement.mode}"),
            tr("rx.generated_source", when=when(dt.datetime.now()), path=ledger.path)]


_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub("_", name).strip("'")[:28] or "?"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:26]}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


#: Up to this many brokers, a sheet each; beyond, one 明细 sheet (a sheet per broker of hundreds
#: of brokers is neither quick to write nor easy to use).
SHEET_PER_BROKER = 30


def write_xlsx(ledger, statements: list[Statement], path: str | Path, progress: ProgressFn | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write the statements as one workbook (see the module); the path, or None when cancelled."""
    apart = len(statements) <= SHEET_PER_BROKER
    steps = Steps((len(statements) if apart else 1) + 2, progress, cancelled)

    def sheets(wb, fmt: Formats) -> None:
        taken = {tr("cx.summary").lower(), tr("cx.details").lower()}
        steps.step(tr("rx.progress.sheet", sheet=tr("cx.summary")))
        _summary_sheet(wb, fmt, ledger, statements)
        if apart:
            for st in statements:
                steps.step(tr("rx.progress.sheet", sheet=st.broker))
                _lines_sheet(wb, fmt, [st], _sheet_name(st.broker, taken),
                             tr("cx.title_of", broker=st.broker), info_lines(ledger, st), steps)
        else:
            steps.step(tr("rx.progress.sheet", sheet=tr("cx.details")))
            _lines_sheet(wb, fmt, statements, tr("cx.details"), tr("cx.title"),
                         info_lines(ledger, statements[0])[1:], steps)

    return write_workbook(path, steps, {"title": tr("cx.title")}, sheets, in_memory=True)


def _summary_sheet(wb, fmt: Formats, ledger, statements: list[Statement]) -> None:
    ws = wb.add_worksheet(tr("cx.summary"))
    columns = [(tr("cx.broker"), "text"), (tr("cx.institution"), "text"), (tr("cx.contracts"), "count"),
               (tr("cx.earned_period"), "money"), (tr("cx.earned"), "money"), (tr("cx.paid_period"), "money"),
               (tr("cx.paid"), "money"), (tr("cx.outstanding"), "money")]
    widths: dict[int, int] = {}
    lines = info_lines(ledger, statements[0])[1:] if statements else []
    r = title_block(ws, fmt, tr("cx.title"), lines, len(columns))
    table = Table(ws, fmt, columns, widths)
    table.header(r)
    page_setup(ws, r)
    for st in statements:
        r += 1
        table.row(r, [st.broker, st.institution, len(st.lines), *(yuan(st.total(n)) for n in _SUMS)])
    r += 1
    table.row(r, [tr("rx.total"), "", sum(len(s.lines) for s in statements),
                  *(yuan(sum(s.total(n) for s in statements)) for n in _SUMS)], total=True)
    apply_widths(ws, widths)


def _line_values(line) -> list:
    return [line.contract_no, line.title, yuan(line.amount_fen), yuan(line.received_fen), yuan(line.commission_fen),
            line.share_bp / 10000, yuan(line.full_fen), yuan(line.earned_period_fen), yuan(line.earned_fen),
            yuan(line.paid_period_fen), yuan(line.paid_fen), yuan(line.outstanding_fen)]


def _lines_sheet(wb, fmt: Formats, statements: list[Statement], name: str, title: str, info: list[str],
                 steps: Steps) -> None:
    """The contracts of one broker (or, with a 经纪人 column first, of several, each followed by its
    subtotal), a totals row last (the lines, tens of thousands of them, through :meth:`Table.rows`)."""
    ws = wb.add_worksheet(name)
    several = len(statements) > 1
    columns = ([(tr("cx.broker"), "text")] if several else []) + _columns()
    widths: dict[int, int] = {}
    r = title_block(ws, fmt, title, info, len(columns))
    table = Table(ws, fmt, columns, widths)
    table.header(r)
    ws.freeze_panes(r + 1, 1 if several else 0)
    page_setup(ws, r)
    for st in statements:
        r = table.rows(r, (([st.broker] if several else []) + _line_values(line) for line in st.lines), steps)
        if several:
            r += 1
            table.row(r, [st.broker, tr("cx.subtotal"), "", "", "", "", "", yuan(st.total("full_fen")),
                          *(yuan(st.total(n)) for n in _SUMS)], total=True)
    r += 1
    totals = [sum(s.total(n) for s in statements) for n in ("full_fen", *_SUMS)]
    table.row(r, [tr("rx.total")] + [""] * (len(columns) - 7) + [yuan(v) for v in totals], total=True)
    apply_widths(ws, widths)


def write_pdf(ledger, statements: list[Statement], path: str | Path, progress: ProgressFn | None = None,
              cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write the statements as an A4 PDF, a broker to a page at least; None when cancelled."""
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    steps = Steps(len(statements) + 2, progress, cancelled)
    styles = pdf_styles()
    # 511 points of A4 portrait: the amounts the broker needs, in 元
    columns = [(tr("cx.contract_no"), 88, "text"), (tr("cx.project"), 96, "text"), (tr("cx.amount"), 60, "num"),
               (tr("cx.share"), 30, "num"), (tr("cx.commission"), 55, "num"), (tr("cx.earned_period"), 60, "num"),
               (tr("cx.paid_period"), 60, "num"), (tr("cx.outstanding"), 62, "num")]
    story: list = []
    try:
        for i, st in enumerate(statements):
            steps.step(tr("rx.progress.pdf"))
            if i:
                story.append(PageBreak())
            story.append(Paragraph(escape(tr("cx.title_of", broker=st.broker)), styles["title"]))
            for line in info_lines(ledger, st):
                story.append(Paragraph(escape(line), styles["info"]))
            story.append(Spacer(1, 6))
            if not st.lines:
                story.append(Paragraph(escape(tr("cx.none")), styles["cell"]))
                continue
            rows = [[ln.contract_no, ln.title, yuan_cell(ln.amount_fen), percent_cell(ln.share_bp / 10000),
                     yuan_cell(ln.commission_fen), yuan_cell(ln.earned_period_fen), yuan_cell(ln.paid_period_fen),
                     yuan_cell(ln.outstanding_fen)] for ln in st.lines]
            total = [tr("rx.total"), "", "", "", "", yuan_cell(st.total("earned_period_fen")),
                     yuan_cell(st.total("paid_period_fen")), yuan_cell(st.total("outstanding_fen"))]
            story.append(pdf_table(columns, rows, styles, total, steps))
        if not statements:
            story += [Paragraph(escape(tr("cx.title")), styles["title"]), Paragraph(escape(tr("cx.none")),
                                                                                    styles["cell"])]
    except Cancelled:
        return None
    return build_pdf(Path(path), story, title=tr("cx.title"), subject=tr("cx.title"), steps=steps,
                     progress=progress)


def write(ledger, statements: list[Statement], path: str | Path, progress: ProgressFn | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path | None:
    """:func:`write_xlsx` or :func:`write_pdf`, by the file's extension."""
    return write_either(path, lambda p: write_xlsx(ledger, statements, p, progress, cancelled),
                        lambda p: write_pdf(ledger, statements, p, progress, cancelled))
