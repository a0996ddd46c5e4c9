"""A reward estimate (:mod:`broker_desk.rewards`) to Excel and to PDF (issue 18).

Excel (:func:`write_xlsx`): 汇总 — a title block (the policy, its source, the year, each
rule in words, contracts left out, "示例，请按本地文件核对" for a shipped example) and the
totals per beneficiary with a totals row; 逐份合同计算 — every counted contract under every
rule: its base, the share it is weighted by, the slices with their rates, the caps and the
result, with a totals row equal to the summary's.

PDF (:func:`write_pdf`): A4 portrait, the same two tables, every font embedded, the
metadata of the other reports (:func:`broker_desk.reports.common.build_pdf`).

Both are written all-or-nothing; ``cancelled()`` returning True stops them (None returned).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from .. import i18n
from ..i18n import tr
from ..outfiles import ProgressFn
from ..rewards import Estimate, rule_text, span_text
from ..workbook.writing import Cancelled
from .common import (
    CHECK_EVERY,
    Formats,
    Steps,
    Table,
    apply_widths,
    build_pdf,
    check_target,
    count_cell,
    iso_day,
    page_setup,
    page_width,
    pdf_styles,
    pdf_table,
    title_block,
    when,
    write_either,
    write_workbook,
    yuan,
    yuan_cell,
)

i18n.register({
    "rwx.title": ("{year} 年奖补测算：{policy}", "Reward estimate {year}: {policy}"),
    "rwx.heading": ("{year} 年奖补测算", "Reward estimate {year}"),
    "rwx.sheet.summary": ("汇总", "Summary"),
    "rwx.sheet.lines": ("逐份合同计算", "Per contract"),
    "rwx.example": ("【示例，请按本地文件核对】本政策是程序自带的示例，仿照公开的地方规定写成，金额仅为测算。",
                    "[An example: check it against the local rules] This policy ships with the program as an "
                    "example modelled on published local rules; the amounts are estimates."),
    "rwx.estimate_only": ("以上金额仅为按政策文件的测算，以主管部门核定为准。",
                          "The amounts are estimates under the policy file; the authorities decide."),
    "rwx.source": ("依据：{source}", "Source: {source}"),
    "rwx.years": ("适用年份：{span}", "Applies: {span}"),
    "rwx.period": ("测算年份：{year} 年（登记日期在该年的已登记合同；到账金额按该年到账计）",
                   "Year: {year} (contracts registered in it; money received counts by its date)"),
    "rwx.generated": ("生成时间：{when}　数据来源：{path}", "Generated {when} from {path}"),
    "rwx.rules": ("规则", "Rules"),
    "rwx.notes": ("未计入", "Left out"),
    "rwx.summary": ("按受益方汇总", "Totals per beneficiary"),
    "rwx.lines": ("逐份合同计算过程", "The arithmetic, contract by contract"),
    "rwx.kind": ("受益方类别", "Beneficiary type"),
    "rwx.name": ("受益方", "Beneficiary"),
    "rwx.contracts": ("合同数", "Contracts"),
    "rwx.base": ("计奖基数（元）", "Base (yuan)"),
    "rwx.result": ("测算金额（元）", "Estimate (yuan)"),
    "rwx.cap_notes": ("年度封顶", "Yearly cap"),
    "rwx.rule_no": ("规则", "Rule"),
    "rwx.contract_no": ("合同编号", "Contract no."),
    "rwx.project": ("项目名称", "Project"),
    "rwx.registered_on": ("登记日期", "Registered"),
    "rwx.category": ("合同类别", "Category"),
    "rwx.contract_base": ("合同基数（元）", "Contract base (yuan)"),
    "rwx.share": ("份额", "Share"),
    "rwx.arithmetic": ("分段计算", "Slices and rates"),
    "rwx.computed": ("计算值（元）", "Computed (yuan)"),
    "rwx.caps": ("封顶", "Caps"),
    "rwx.none": ("本年度没有按此政策计奖的合同。", "No contract earns a reward under this policy in this year."),
    "rwx.total": ("合计", "Total"),
    "rwx.calc": ("计算", "Arithmetic"),
})

def title(estimate: Estimate) -> str:
    return tr("rwx.title", year=estimate.year, policy=estimate.policy.title)


def info_lines(estimate: Estimate) -> list[str]:
    """The lines under the title: example warning, source, years, the rules, what was left out."""
    p = estimate.policy
    lines = [tr("rwx.example")] if estimate.example else []
    if p.source_text:
        lines.append(tr("rwx.source", source=p.source_text))
    if span_text(p):
        lines.append(tr("rwx.years", span=span_text(p)))
    lines.append(tr("rwx.period", year=estimate.year))
    lines += [rule_text(rule) for rule in p.rules]
    if estimate.notes:
        lines.append(f"{tr('rwx.notes')}：" + tr("rw.sep").join(estimate.notes))
    lines.append(tr("rwx.estimate_only"))
    lines.append(tr("rwx.generated", when=when(estimate.generated_at), path=estimate.ledger_path))
    return lines


def _share(line) -> float | None:
    return None if line.share_bp is None else line.share_bp / 10_000


# -- Excel ----------------------------------------------------------------------------------------

def _summary_sheet(wb, fmt: Formats, estimate: Estimate) -> None:
    ws = wb.add_worksheet(tr("rwx.sheet.summary"))
    columns = [(tr("rwx.kind"), "text"), (tr("rwx.name"), "text"), (tr("rwx.contracts"), "count"),
               (tr("rwx.base"), "money"), (tr("rwx.result"), "money"), (tr("rwx.cap_notes"), "text")]
    top = title_block(ws, fmt, title(estimate), info_lines(estimate), len(columns))
    widths: dict[int, int] = {0: 12, 1: 24, 5: 40}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, t in enumerate(estimate.totals, top + 1):
        table.row(r, [tr(f"rw.beneficiary.{t.kind}"), t.name, len(t.contracts), yuan(t.base_fen), yuan(t.result_fen),
                      tr("rw.sep").join(t.cap_notes)])
    table.row(r + 1, [tr("rwx.total"), "", None, None, yuan(estimate.total_fen), ""], total=True)
    if not estimate.totals:
        ws.write_string(r + 3, 0, tr("rwx.none"), fmt.info)
    widths[5] = min(widths.get(5, 40), 60)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 0)
    page_setup(ws, top)


def _lines_sheet(wb, fmt: Formats, estimate: Estimate, steps: Steps) -> None:
    ws = wb.add_worksheet(tr("rwx.sheet.lines"))
    columns = [(tr("rwx.rule_no"), "count"), (tr("rwx.contract_no"), "text"), (tr("rwx.project"), "text"),
               (tr("rwx.registered_on"), "date"), (tr("rwx.category"), "text"), (tr("rwx.kind"), "text"),
               (tr("rwx.name"), "text"), (tr("rwx.contract_base"), "money"), (tr("rwx.share"), "percent"),
               (tr("rwx.base"), "money"), (tr("rwx.arithmetic"), "text"), (tr("rwx.computed"), "money"),
               (tr("rwx.caps"), "text"), (tr("rwx.result"), "money")]
    top = title_block(ws, fmt, f"{title(estimate)}（{tr('rwx.sheet.lines')}）",
                      [tr("rwx.example")] if estimate.example else [tr("rwx.estimate_only")], 8)
    widths: dict[int, int] = {}
    table = Table(ws, fmt, columns, widths)
    table.header(top)
    r = top
    for r, line in enumerate(estimate.lines, top + 1):
        table.row(r, [line.rule.number, line.contract_no, line.title, iso_day(line.registered_on), line.category,
                      tr(f"rw.beneficiary.{line.rule.beneficiary}"), line.beneficiary_name,
                      yuan(line.contract_base_fen), _share(line), yuan(line.base_fen), line.arithmetic(),
                      yuan(line.computed_fen), line.caps(), yuan(line.result_fen)])
        if r % CHECK_EVERY == 0:
            steps.check()
    table.row(r + 1, [tr("rwx.total"), *[None] * 12, yuan(estimate.total_fen)], total=True)
    for col, cap in ((2, 30), (6, 24), (10, 70), (12, 36)):
        widths[col] = min(widths.get(col, cap), cap)
    apply_widths(ws, widths)
    ws.freeze_panes(top + 1, 2)
    if estimate.lines:
        ws.autofilter(top, 0, r, len(columns) - 1)
    page_setup(ws, top)


def write_xlsx(estimate: Estimate, path: str | Path, progress: ProgressFn | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``estimate`` as an Excel workbook at ``path``; None when cancelled (nothing written)."""
    steps = Steps(3, progress, cancelled)

    def sheets(wb, fmt: Formats) -> None:
        steps.step(tr("rx.progress.sheet", sheet=tr("rwx.sheet.summary")))
        _summary_sheet(wb, fmt, estimate)
        steps.step(tr("rx.progress.sheet", sheet=tr("rwx.sheet.lines")))
        _lines_sheet(wb, fmt, estimate, steps)

    return write_workbook(path, steps, {"title": title(estimate), "subject": estimate.policy.source_text}, sheets)


# -- PDF -------------------------------------------------------------------------------------------

def _story(estimate: Estimate, steps: Steps) -> list:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer

    styles = pdf_styles()
    width = page_width()
    warn = ParagraphStyle("warn", parent=styles["cell"], textColor=colors.HexColor("#C00000"), fontSize=10,
                          leading=14)
    story = [Paragraph(escape(tr("rwx.heading", year=estimate.year)), styles["title"]),
             Paragraph(escape(estimate.policy.title), styles["subtitle"]), Spacer(1, 6)]
    for i, line in enumerate(info_lines(estimate)):
        style = warn if estimate.example and i == 0 else styles["info"]
        story.append(Paragraph(escape(line), style))
    story.append(Spacer(1, 6))
    story.append(Paragraph(escape(tr("rwx.summary")), styles["h2"]))
    columns = [(tr("rwx.kind"), 62, "text"), (tr("rwx.name"), 150, "text"), (tr("rwx.contracts"), 44, "num"),
               (tr("rwx.base"), 85, "num"), (tr("rwx.result"), 80, "num")]
    columns.append((tr("rwx.cap_notes"), width - sum(w for _, w, _ in columns), "text"))
    rows = [[tr(f"rw.beneficiary.{t.kind}"), t.name, count_cell(len(t.contracts)), yuan_cell(t.base_fen),
             yuan_cell(t.result_fen), tr("rw.sep").join(t.cap_notes)] for t in estimate.totals]
    story.append(pdf_table(columns, rows, styles, [tr("rwx.total"), "", "", "", yuan_cell(estimate.total_fen), ""]))
    story.append(Paragraph(escape(tr("rwx.lines")), styles["h2"]))
    if not estimate.lines:
        story.append(Paragraph(escape(tr("rwx.none")), styles["cell"]))
        return story
    columns = [(tr("rwx.rule_no"), 26, "center"), (tr("rwx.contract_no"), 86, "text"),
               (tr("rwx.registered_on"), 54, "center"), (tr("rwx.name"), 80, "text"), (tr("rwx.result"), 58, "num")]
    columns.insert(4, (tr("rwx.calc"), width - sum(w for _, w, _ in columns), "text"))
    rows = []
    for line in estimate.lines:
        steps_text = [line.weighting(), line.arithmetic(), line.caps()]
        rows.append([str(line.rule.number), line.contract_no, line.registered_on, line.beneficiary_name,
                     tr("rw.sep").join(s for s in steps_text if s), yuan_cell(line.result_fen)])
    story.append(pdf_table(columns, rows, styles, [tr("rwx.total"), "", "", "", "", yuan_cell(estimate.total_fen)],
                           steps))
    return story


def write_pdf(estimate: Estimate, path: str | Path, progress: ProgressFn | None = None,
              cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Write ``estimate`` as an A4 PDF at ``path``; None when cancelled (nothing written)."""
    steps = Steps(3, progress, cancelled)
    try:
        steps.step(tr("rx.progress.pdf"))
        story = _story(estimate, steps)
        steps.step(tr("rx.progress.pdf"))
    except Cancelled:
        return None
    return build_pdf(Path(path), story, title=title(estimate), subject=estimate.policy.source_text or
                     estimate.policy.title, steps=steps, progress=progress,
                     footer=tr("rwx.heading", year=estimate.year))


def write(estimate: Estimate, path: str | Path, progress: ProgressFn | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path | None:
    """:func:`write_xlsx` or :func:`write_pdf`, by the file's extension."""
    return write_either(path, lambda p: write_xlsx(estimate, p, progress, cancelled),
                        lambda p: write_pdf(estimate, p, progress, cancelled))


__all__ = ["check_target", "info_lines", "title", "write", "write_pdf", "write_xlsx"]
