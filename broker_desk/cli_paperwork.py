"""The ``forms`` and ``print`` commands: the paperwork templates and printing from them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import i18n
from .cli_common import OK, PROBLEMS, UNUSABLE, open_ledger, print_files, progress_printer
from .errors import BrokerDeskError
from .i18n import tr

i18n.register({
    "cli.forms": ("列出表格模板：内置的和用户自己的，标明正在使用哪一个", "list the paperwork templates, built-in and your own, marking the one in use"),
    "cli.print": ("按模板打印登记材料（PDF）：一份合同，或某年/某月登记的全部合同",
                  "print registration paperwork (PDF) from a template: one contract, or every contract registered in a year or month"),
    "cli.print.form": ("表格名称（见 broker-desk forms），或一个 .toml 模板文件", "the form's name (see broker-desk forms), or a .toml template file"),
    "cli.print.contract": ("合同的记录ID、登记编号或合同编号（可重复，合成一个 PDF）",
                           "the contract's record id, registration no. or contract no. (repeat it for one PDF of several)"),
    "cli.print.registered": ("登记年份或年月（2025 或 2025-03）：该期间登记的全部合同", "a year or month of registration (2025 or 2025-03): every contract registered then"),
    "cli.print.out": ("要写入的 .pdf 文件", "the .pdf file to write"),
    "cli.print.allow_blank": ("缺少必填内容时仍打印，相应的框留空（供手工填写）", "print even when required data is missing, leaving those boxes blank to fill in by hand"),
    "cli.forms.builtin_dir": ("内置模板：{path}", "Built-in templates: {path}"),
    "cli.forms.user_dir": ("用户模板：{path}（同名文件优先于内置模板）", "Your templates: {path} (a file there wins over a built-in of the same name)"),
    "cli.forms.per.contract": ("按合同", "per contract"),
    "cli.forms.per.period": ("按期间", "per period"),
    "cli.forms.in_use_override": ("使用中（替代内置模板）", "in use (replaces the built-in)"),
    "cli.forms.overridden": ("未使用（已被用户模板替代）", "not used (replaced by your template)"),
    "cli.forms.none": ("（没有表格模板）", "(no templates)"),
    "cli.print.done": ("已生成“{form}”：{contracts} 份合同，{pages} 页（{seconds:.1f} 秒）→ {path}",
                       "Printed “{form}”: {contracts} contracts, {pages} pages ({seconds:.1f} s) → {path}"),
    "cli.print.blank": ("以下必填内容留空打印：", "printed with these required fields left blank:"),
    "cli.print.hint_blank": ("可补全数据后重试，或加 --allow-blank 留空打印（由人工填写）",
                             "complete the data and try again, or add --allow-blank to print those boxes blank"),
})


def add_parsers(sub, common) -> None:
    sub.add_parser("forms", parents=[common], help=tr("cli.forms"), description=tr("cli.forms"))
    p = sub.add_parser("print", parents=[common], help=tr("cli.print"), description=tr("cli.print"))
    p.add_argument("form", help=tr("cli.print.form"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--contract", action="append", metavar="KEY", help=tr("cli.print.contract"))
    which.add_argument("--registered", metavar="Y[-MM]", help=tr("cli.print.registered"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.print.out"))
    p.add_argument("--allow-blank", action="store_true", help=tr("cli.print.allow_blank"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))


def cmd_forms(args) -> int:
    from . import paperwork

    print_files("cli.forms", paperwork.builtin_dir(), paperwork.user_dir(), paperwork.list_forms(),
                lambda info: [tr(f"cli.forms.per.{info.per}")])
    return OK


def cmd_print(args) -> int:
    """0: printed; 1: required data missing (or a value too long for its box); 2: unusable template,
    unknown form, contract or period."""
    from . import paperwork

    path = paperwork.check_target(args.out, overwrite=args.force)
    start = time.perf_counter()
    progress = progress_printer()
    try:
        template = paperwork.find_form(args.form)
        if template.per == "period" and not args.registered:
            raise BrokerDeskError("paperwork.need_period", form=template.title)
        with open_ledger(args, create=False) as ledger:
            ids = [paperwork.find_contract(ledger, key) for key in args.contract] if args.contract else None
            result = paperwork.render(ledger, args.form, path, contract_ids=ids, period=args.registered,
                                      allow_blank=args.allow_blank, progress=progress)
            blank = paperwork.MissingData(template.title, result.missing, paperwork.contract_names(
                ledger, list(result.missing))).lines()
    except paperwork.TemplateError as e:
        progress(None, "")
        for line in e.lines():
            print(tr("cli.error", message=line), file=sys.stderr)
        return UNUSABLE
    except paperwork.MissingData as e:
        progress(None, "")
        print(tr("cli.error", message=tr("paperwork.missing", form=e.form, count=len(e.missing))), file=sys.stderr)
        for line in e.lines():
            print(f"  {line}", file=sys.stderr)
        print(tr("cli.print.hint_blank"), file=sys.stderr)
        return PROBLEMS
    except paperwork.TextOverflow as e:
        progress(None, "")
        print(tr("cli.error", message=str(e)), file=sys.stderr)
        return PROBLEMS
    progress(None, "")
    if blank:
        print(tr("cli.warning", message=tr("cli.print.blank")), file=sys.stderr)
        for line in blank:
            print(f"  {line}", file=sys.stderr)
    print(tr("cli.print.done", form=template.title, contracts=result.contracts, pages=result.pages,
             seconds=time.perf_counter() - start, path=path))
    return OK

