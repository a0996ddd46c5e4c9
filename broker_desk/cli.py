"""``broker-desk``: the command line. A thin skin: each command parses its
arguments and calls one core function; every user error is one clear line on
stderr, never a traceback.

Exit status: 0 done; 1 problems found (``check``); 2 unusable input (a file
that is not a ledger, a bad argument).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from . import __version__, cli_rewards, codes, i18n, paths, xcb
from .cli_common import (
    OK,
    PROBLEMS,
    UNUSABLE,
    ledger_path,
    open_ledger,
    print_files,
    progress_printer,
)
from .errors import BrokerDeskError, ValidationError
from .i18n import tr

i18n.register({
    "cli.description": ("技术经纪人工作台：技术合同、客户、科技成果与认定登记台账",
                        "BrokerDesk: a ledger of technology contracts, clients, achievements and their registration"),
    "cli.db": ("账本文件（默认：{path}）", "ledger file (default: {path})"),
    "cli.lang": ("界面语言：zh 中文（默认）或 en 英文", "language: zh Chinese (default) or en English"),
    "cli.commands": ("命令", "commands"),
    "cli.demo": ("向空账本写入逼真的示例数据", "fill an empty ledger with realistic sample data"),
    "cli.demo.contracts": ("合同数（默认 2000）", "number of contracts (default 2000)"),
    "cli.demo.seed": ("随机种子：同一种子、同一日期生成相同数据（默认 1）", "random seed: the same seed and day give the same data (default 1)"),
    "cli.demo.today": ("以哪一天为“今天”布置日期（YYYY-MM-DD，默认今天）", "the day the dates are laid out around (YYYY-MM-DD, default today)"),
    "cli.check": ("检查账本：完整性、结构版本、记录数", "check the ledger: integrity, schema version, counts"),
    "cli.backup": ("备份账本（一致的副本）", "back the ledger up (a consistent copy)"),
    "cli.backup.to": ("备份文件（默认：备份文件夹中带时间的文件）", "backup file (default: a timestamped file in the backup folder)"),
    "cli.restore": ("检查备份后用它替换账本（先备份当前账本）", "replace the ledger with a checked backup (the current ledger is backed up first)"),
    "cli.restore.file": ("备份文件", "backup file"),
    "cli.template": ("写出空白的导入工作簿：标准表头、下拉列表、填写说明", "write an empty import workbook: canonical headers, drop-down lists, instructions"),
    "cli.template.file": ("要写入的 .xlsx 文件", "the .xlsx file to write"),
    "cli.export": ("把账本（或某一年的合同）导出为标准工作簿", "export the ledger (or one year's contracts) as the canonical workbook"),
    "cli.export.file": ("要写入的 .xlsx 文件", "the .xlsx file to write"),
    "cli.export.year": ("只导出该年签订的合同，以及它们涉及的客户、成果和经纪人", "only the contracts signed in that year and the clients, achievements and brokers they refer to"),
    "cli.force": ("文件已存在时覆盖它", "overwrite the file if it exists"),
    "cli.error": ("错误：{message}", "error: {message}"),
    "cli.bad_args": ("参数有误：{message}", "bad arguments: {message}"),
    "cli.no_display": ("没有可用的显示器，无法打开窗口。", "There is no display to open the window on."),
    "cli.no_qt": ("无法加载图形界面（{reason}）。", "The window cannot be loaded ({reason})."),
    "cli.commands_list": ("可用命令：", "Commands:"),
    "cli.help_hint": ("用 broker-desk 命令 --help 查看每个命令的选项。", "Use broker-desk COMMAND --help for each command's options."),
    "cli.demo.done": ("已生成示例数据：{client} 个客户、{broker} 名经纪人、{achievement} 项科技成果、{contract} 份合同、{registration_event} 条登记进度（{seconds:.1f} 秒）→ {path}",
                      "Demo data written: {client} clients, {broker} brokers, {achievement} achievements, {contract} contracts, {registration_event} registration steps ({seconds:.1f} s) → {path}"),
    "cli.check.title": ("账本：{path}", "Ledger: {path}"),
    "cli.check.schema": ("结构版本：{version}（日志模式 {mode}）", "Schema version: {version} (journal mode {mode})"),
    "cli.check.counts": ("记录：经纪人 {broker}，客户 {client}，科技成果 {achievement}，技术合同 {contract}，登记进度 {registration_event}",
                         "Records: {broker} brokers, {client} clients, {achievement} achievements, {contract} contracts, {registration_event} registration steps"),
    "cli.front_office_counts": ("  另有技术需求 {demand} 项、对接项目 {engagement} 个、跟进记录 {followup} 条",
                                "  and {demand} demands, {engagement} engagements, {followup} follow-ups"),
    "cli.check.front_office": ("前台：技术需求 {demand}，对接项目 {engagement}，跟进记录 {followup}",
                               "Front office: {demand} demands, {engagement} engagements, {followup} follow-ups"),
    "cli.check.money": ("付款：付款计划 {payment_plan}，到账记录 {receipt}，佣金发放 {commission_payout}",
                        "Money: {payment_plan} plan items, {receipt} receipts, {commission_payout} commission payouts"),
    "cli.check.statuses": ("登记状态：{statuses}", "Registration status: {statuses}"),
    "cli.check.overdue": ("超过办理时限的已受理合同：{count}", "Accepted contracts past the office's time limit: {count}"),
    "cli.check.healthy": ("检查通过（{seconds:.2f} 秒）", "Healthy ({seconds:.2f} s)"),
    "cli.check.problems": ("发现 {count} 个问题：", "{count} problems found:"),
    "cli.backup.done": ("已备份到 {path}", "Backed up to {path}"),
    "cli.restore.done": ("已从 {source} 恢复账本 {path}", "Restored the ledger {path} from {source}"),
    "cli.restore.safety": ("原账本已先备份到 {path}", "The replaced ledger was backed up to {path} first"),
    "cli.template.done": ("已写出导入模板 → {path}", "Import template written → {path}"),
    "cli.export.done": ("已导出：经纪人 {broker}，客户 {client}，科技成果 {achievement}，技术合同 {contract}，登记进度 {registration_event}（{seconds:.1f} 秒）→ {path}",
                        "Exported {broker} brokers, {client} clients, {achievement} achievements, {contract} contracts, {registration_event} registration steps ({seconds:.1f} s) → {path}"),
    "cli.match": ("为技术需求找最合适的科技成果，或为科技成果找技术需求：每行一个结果（名次、分数、名称、持有方或需求方、匹配理由）",
                  "the achievements that best answer a demand, or the demands an achievement answers: one a line (rank, score, name, holder or demand side, why)"),
    "cli.match.demand": ("技术需求的记录ID或名称", "the demand's record ID or name"),
    "cli.match.achievement": ("科技成果的记录ID或名称", "the achievement's record ID or name"),
    "cli.match.top": ("最多列出几个结果（默认 10）", "how many results at most (default 10)"),
    "cli.match.none": ("没有找到匹配的记录", "Nothing matches"),
    "cli.rankings": ("把某年（或几年）的经纪人或机构排行榜写成 .xlsx（含统计）或 .pdf",
                     "write a year's (or years') broker or institution ranking as .xlsx (with statistics) or .pdf"),
    "cli.rankings.year": ("登记年份（登记日期在该年的已登记合同）", "the year of registration"),
    "cli.rankings.to_year": ("截止年份（统计 --year 至该年，含两端）", "the last year of a span (from --year, both included)"),
    "cli.rankings.by": ("按经纪人（broker，默认）或所属机构（institution）排名", "rank brokers (default) or their institutions"),
    "cli.rankings.out": ("要写入的 .xlsx 或 .pdf 文件", "the .xlsx or .pdf file to write"),
    "cli.rankings.front_office": ("排行榜另列对接项目数和签约率（不影响排序；默认按账本设置）；--no-front-office 不列",
                                  "also show engagements and signing rate (the order is unchanged; default: the "
                                  "ledger's setting); --no-front-office leaves them out"),
    "cli.rankings.statistics": ("PDF 也附上统计（含对接漏斗）；.xlsx 总是含统计",
                                "add the statistics (with the front office funnel) to a PDF; an .xlsx always has them"),
    "cli.payments": ("列出本月应收和已逾期的付款（付款计划中未到账的各期）", "list payments due this month and overdue"),
    "cli.payments.overdue": ("只列已逾期的", "only those overdue"),
    "cli.payments.year": ("只列约定日期在该年的", "only those due in that year"),
    "cli.payments.late": ("逾期 {days} 天", "{days} days overdue"),
    "cli.payments.due": ("本月到期", "due this month"),
    "cli.payments.done": ("共 {count} 笔未到账，合计 {total} 元，其中逾期 {late} 笔",
                          "{count} payments outstanding, {total} yuan in all, {late} overdue"),
    "cli.commission": ("把某年（或几年）的佣金对账单写成 .xlsx 或 .pdf", "write commission statements of a year to .xlsx or .pdf"),
    "cli.commission.year": ("对账年份", "the year of the statement"),
    "cli.commission.broker": ("只写该经纪人的（姓名）", "only this broker's (name)"),
    "cli.commission.done": ("已写出佣金对账单：经纪人 {brokers} 名，合同 {lines} 行（{seconds:.1f} 秒）→ {path}",
                            "Commission statements written: {brokers} brokers, {lines} lines ({seconds:.1f} s) → {path}"),
    "cli.rankings.done": ("已写出“{title}”：{rows} 行，计入合同 {contracts} 份（{seconds:.1f} 秒）→ {path}",
                          "Wrote “{title}”: {rows} rows, {contracts} contracts ({seconds:.1f} s) → {path}"),
    "cli.import": ("导入工作簿（.xlsx/.xls/.ods）：默认全部无误才写入", "import a workbook (.xlsx/.xls/.ods): by default all rows or none"),
    "cli.import.warning_mark": ("（提示）", "(warning) "),
    "cli.import.file": ("要导入的工作簿", "the workbook to import"),
    "cli.import.dry_run": ("只检查并报告将会发生什么，不写入", "check and report what would happen; write nothing"),
    "cli.import.skip_invalid": ("写入无误的行，列出有误的行", "write the good rows, list the rejected ones"),
    "cli.import.unmapped": ("{file}:{sheet}: 这些列无法识别，未导入：{columns}", "{file}:{sheet}: these columns were not recognised and not imported: {columns}"),
    "cli.import.done": ("已导入 {file}（{seconds:.1f} 秒）", "Imported {file} ({seconds:.1f} s)"),
    "cli.import.dry_run_done": ("检查完成，未写入（{file}，{errors} 个错误）：", "Checked, nothing written ({file}, {errors} errors):"),
    "cli.import.refused": ("{file} 有 {errors} 处错误，未写入任何数据（可用 --skip-invalid 只导入无误的行）：",
                           "{file} has {errors} errors; nothing was written (--skip-invalid imports the good rows):"),
})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D102 - argparse's hook, in the user's language
        self.print_usage(sys.stderr)
        self.exit(UNUSABLE, tr("cli.bad_args", message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help=tr("cli.db", path=paths.default_ledger()))
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=tr("cli.lang"))
    parser = _Parser(prog="broker-desk", description=tr("cli.description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"BrokerDesk {__version__}")
    # a check of an installed or built app: open the window, quit after its first paint
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", title=tr("cli.commands"), parser_class=_Parser)

    p = sub.add_parser("demo", parents=[common], help=tr("cli.demo"), description=tr("cli.demo"))
    p.add_argument("--contracts", type=int, default=2000, help=tr("cli.demo.contracts"))
    p.add_argument("--seed", type=int, default=1, help=tr("cli.demo.seed"))
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help=tr("cli.demo.today"))
    sub.add_parser("check", parents=[common], help=tr("cli.check"), description=tr("cli.check"))
    p = sub.add_parser("backup", parents=[common], help=tr("cli.backup"), description=tr("cli.backup"))
    p.add_argument("--to", type=Path, default=None, help=tr("cli.backup.to"))
    p = sub.add_parser("restore", parents=[common], help=tr("cli.restore"), description=tr("cli.restore"))
    p.add_argument("file", type=Path, help=tr("cli.restore.file"))
    p = sub.add_parser("template", parents=[common], help=tr("cli.template"), description=tr("cli.template"))
    p.add_argument("file", type=Path, help=tr("cli.template.file"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))
    p = sub.add_parser("import", parents=[common], help=tr("cli.import"), description=tr("cli.import"))
    p.add_argument("file", type=Path, help=tr("cli.import.file"))
    p.add_argument("--dry-run", action="store_true", help=tr("cli.import.dry_run"))
    p.add_argument("--skip-invalid", action="store_true", help=tr("cli.import.skip_invalid"))
    p = sub.add_parser("export", parents=[common], help=tr("cli.export"), description=tr("cli.export"))
    p.add_argument("file", type=Path, help=tr("cli.export.file"))
    p.add_argument("--year", type=int, default=None, help=tr("cli.export.year"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))
    p = sub.add_parser("rankings", parents=[common], help=tr("cli.rankings"), description=tr("cli.rankings"))
    p.add_argument("--year", type=int, required=True, help=tr("cli.rankings.year"))
    p.add_argument("--to-year", type=int, default=None, help=tr("cli.rankings.to_year"))
    p.add_argument("--by", choices=("broker", "institution"), default="broker", help=tr("cli.rankings.by"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.rankings.out"))
    p.add_argument("--front-office", action=argparse.BooleanOptionalAction, default=None,
                   help=tr("cli.rankings.front_office"))
    p.add_argument("--statistics", action="store_true", help=tr("cli.rankings.statistics"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))
    p = sub.add_parser("payments", parents=[common], help=tr("cli.payments"), description=tr("cli.payments"))
    p.add_argument("--overdue", action="store_true", help=tr("cli.payments.overdue"))
    p.add_argument("--year", type=int, default=None, help=tr("cli.payments.year"))
    p = sub.add_parser("commission", parents=[common], help=tr("cli.commission"), description=tr("cli.commission"))
    p.add_argument("--year", type=int, required=True, help=tr("cli.commission.year"))
    p.add_argument("--to-year", type=int, default=None, help=tr("cli.rankings.to_year"))
    p.add_argument("--broker", default=None, metavar="NAME", help=tr("cli.commission.broker"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.rankings.out"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))
    sub.add_parser("forms", parents=[common], help=tr("cli.forms"), description=tr("cli.forms"))
    p = sub.add_parser("print", parents=[common], help=tr("cli.print"), description=tr("cli.print"))
    p.add_argument("form", help=tr("cli.print.form"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--contract", action="append", metavar="KEY", help=tr("cli.print.contract"))
    which.add_argument("--registered", metavar="Y[-MM]", help=tr("cli.print.registered"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.print.out"))
    p.add_argument("--allow-blank", action="store_true", help=tr("cli.print.allow_blank"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))
    p = sub.add_parser("match", parents=[common], help=tr("cli.match"), description=tr("cli.match"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--demand", metavar="KEY", help=tr("cli.match.demand"))
    which.add_argument("--achievement", metavar="KEY", help=tr("cli.match.achievement"))
    p.add_argument("--top", type=int, default=10, help=tr("cli.match.top"))
    _add_followups_parser(sub, common)
    cli_rewards.add_parsers(sub, common)
    return parser


def _language(argv: list[str]) -> str:
    """--lang is needed before the parser is built (its help texts are translated)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("BROKER_DESK_LANG", "zh")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        i18n.set_language(_language(argv))
    except ValueError:
        i18n.set_language("zh")
    _utf8_console()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        codes.set_user_dir(paths.code_tables_dir())
        if args.command is None:
            return _window(args, parser)
        return COMMANDS[args.command](args)
    except ValidationError as e:
        for problem in e.errors:
            print(tr("cli.error", message=problem.message()), file=sys.stderr)
        return UNUSABLE
    except BrokerDeskError as e:
        print(tr("cli.error", message=str(e)), file=sys.stderr)
        return UNUSABLE
    except KeyboardInterrupt:
        return 130


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def _window(args, parser: argparse.ArgumentParser) -> int:
    """No command: open the window, or say what the commands are where there is no screen or no Qt."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print(tr("cli.no_display"))
        return _commands(parser)
    if xcb.needed():
        missing = xcb.missing_libraries()
        if missing:
            print(xcb.message(missing), file=sys.stderr)
            return UNUSABLE
    try:
        from .gui.startup import run
    except ImportError as e:
        print(tr("cli.no_qt", reason=e))
        return _commands(parser)
    return run(getattr(args, "db", None), [sys.argv[0]], getattr(args, "lang", None), smoke=args.smoke)


def _commands(parser: argparse.ArgumentParser) -> int:
    print(tr("cli.commands_list"))
    for action in parser._subparsers._group_actions[0]._choices_actions:  # the commands, in order
        print(f"  broker-desk {action.dest:<8} {action.help}")
    print(tr("cli.help_hint"))
    return OK


def cmd_demo(args) -> int:
    from . import demo

    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args) as ledger:
        counts = demo.generate(ledger, args.contracts, seed=args.seed, today=args.today, progress=progress)
    progress(None, "")
    print(tr("cli.demo.done", seconds=time.perf_counter() - start, path=ledger.path, **counts))
    print(tr("cli.front_office_counts", **counts))
    return OK


def cmd_check(args) -> int:
    from .check import run

    with open_ledger(args, create=False) as ledger:
        report = run(ledger)
    print(tr("cli.check.title", path=report.path))
    print(tr("cli.check.schema", version=report.schema_version, mode=report.journal_mode))
    print(tr("cli.check.counts", **report.counts))
    if report.counts.get("demand") or report.counts.get("engagement"):
        print(tr("cli.check.front_office", **report.counts))
    if report.counts.get("payment_plan") or report.counts.get("receipt") or report.counts.get("commission_payout"):
        print(tr("cli.check.money", **report.counts))
    if report.statuses:
        print(tr("cli.check.statuses", statuses="，".join(f"{k} {v}" for k, v in report.statuses.items())))
    print(tr("cli.check.overdue", count=report.overdue))
    for note in report.notes:
        print(note)
    if report.healthy:
        print(tr("cli.check.healthy", seconds=report.seconds))
        return OK
    print(tr("cli.check.problems", count=len(report.problems)), file=sys.stderr)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return PROBLEMS


def cmd_backup(args) -> int:
    from . import backup

    with open_ledger(args, create=False) as ledger:
        target = backup.copy(ledger, args.to) if args.to else backup.automatic(ledger, "manual")
    print(tr("cli.backup.done", path=target))
    return OK


def cmd_restore(args) -> int:
    from . import backup

    safety, ledger = backup.restore(ledger_path(args), args.file)
    ledger.close()
    if safety:
        print(tr("cli.restore.safety", path=safety))
    print(tr("cli.restore.done", path=ledger.path, source=args.file))
    return OK


def cmd_template(args) -> int:
    from .workbook.template import write_template
    from .workbook.writing import check_target

    path = check_target(args.file, overwrite=args.force)
    write_template(path)
    print(tr("cli.template.done", path=path))
    return OK


def cmd_export(args) -> int:
    from .workbook.export import export_workbook
    from .workbook.schema import SHEETS
    from .workbook.writing import check_target

    path = check_target(args.file, overwrite=args.force)
    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args, create=False) as ledger:
        written = export_workbook(ledger, path, year=args.year, progress=progress)
    progress(None, "")
    counts = {sheet.entity: written[sheet.name] for sheet in SHEETS}
    print(tr("cli.export.done", seconds=time.perf_counter() - start, path=path, **counts))
    if counts["demand"] or counts["engagement"] or counts["followup"]:
        print(tr("cli.front_office_counts", **counts))
    return OK


def cmd_rankings(args) -> int:
    from . import rankings, statistics
    from .reports import rankings as rankings_report

    rankings.period_bounds(args.year, args.to_year)  # a bad period is refused before anything is opened
    path = rankings_report.check_target(args.out, overwrite=args.force)
    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args, create=False) as ledger:
        ranking = rankings.compute(ledger, args.year, args.to_year, by=args.by, front_office=args.front_office)
        pdf = path.suffix.lower() == ".pdf"
        stats = statistics.compute(ledger, args.year, args.to_year) if args.statistics or not pdf else None
        if pdf:
            rankings_report.write_pdf(ledger, ranking, path, stats, progress=progress)
        else:
            rankings_report.write_xlsx(ledger, ranking, stats, path, progress=progress)
    progress(None, "")
    print(tr("cli.rankings.done", title=ranking.title, rows=len(ranking.rows), contracts=ranking.totals.contracts,
             seconds=time.perf_counter() - start, path=path))
    return OK


def cmd_payments(args) -> int:
    """Payments due this month and overdue (or only overdue), oldest first."""
    from . import payments
    from .money import yuan_text

    with open_ledger(args, create=False) as ledger:
        due = payments.due_payments(ledger, overdue_only=args.overdue, year=args.year)
    for d in due:
        late = tr("cli.payments.late", days=d.days_late) if d.days_late > 0 else tr("cli.payments.due")
        print(f"{d.due_on}  {d.contract_no}  {tr('money.name.plan', contract='', seq=d.seq).strip()}  "
              f"{d.kind or ''}  {yuan_text(d.open_fen)}  {late}  {d.buyer}")
    print(tr("cli.payments.done", count=len(due), total=yuan_text(sum(d.open_fen for d in due)),
             late=sum(1 for d in due if d.days_late > 0)))
    return OK


def cmd_commission(args) -> int:
    """佣金对账单 of a period for every broker (or one) to .xlsx or .pdf."""
    from . import commission, outfiles
    from .reports import commission as report

    commission.period_bounds(args.year, args.to_year)
    path = outfiles.check_target(args.out, (".xlsx", ".pdf"), "rx.bad_extension", args.force)
    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args, create=False) as ledger:
        ids = [commission.find_broker(ledger, args.broker)] if args.broker else None
        statements = commission.statements(ledger, args.year, args.to_year, ids)
        report.write(ledger, statements, path, progress=progress)
    progress(None, "")
    print(tr("cli.commission.done", brokers=len(statements), lines=sum(len(s.lines) for s in statements),
             seconds=time.perf_counter() - start, path=path))
    return OK


def cmd_import(args) -> int:
    """0: every row taken; 1: rows rejected (nothing written unless --skip-invalid); 2: unusable file."""
    from .workbook.importer import import_workbook

    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args) as ledger:
        result = import_workbook(ledger, args.file, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                                 progress=progress)
    progress(None, "")
    for problem in result.problems:  # FILE:SHEET:ROW:COLUMN: message, a warning marked as one
        print(problem.line() if problem.is_error else problem.line(tr("cli.import.warning_mark")), file=sys.stderr)
    for sheet, columns in result.unmapped.items():
        print(tr("cli.warning", message=tr("cli.import.unmapped", file=result.file, sheet=sheet,
                                           columns="、".join(columns))), file=sys.stderr)
    heading = ("cli.import.dry_run_done" if args.dry_run else
               "cli.import.done" if result.written else "cli.import.refused")
    print(tr(heading, file=result.file, errors=len(result.errors), seconds=time.perf_counter() - start))
    for line in result.summary_lines():
        print(f"  {line}")
    return PROBLEMS if result.errors else OK


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


def cmd_match(args) -> int:
    """0: the best matches, one a line; 2: no such record (or a name several records share)."""
    from . import matching

    kind = "demand" if args.demand is not None else "achievement"
    with open_ledger(args, create=False) as ledger:
        record = matching.find_record(ledger, kind, args.demand if kind == "demand" else args.achievement)
        find = matching.match_demand if kind == "demand" else matching.match_achievement
        results = find(ledger, record["id"], top=max(args.top, 1))
    if not results:
        print(tr("cli.match.none"))
    for rank, m in enumerate(results, 1):
        print(f"{rank}\t{m.score:.1f}\t{m.name}\t{m.party}\t{m.why}")
    return OK


i18n.register({
    "cli.followups": ("列出到期未完成的跟进（下一步），最早的在前", "list the undone next steps that are due, oldest first"),
    "cli.followups.broker": ("只列该经纪人（姓名或记录ID）的跟进", "only this broker's follow-ups (name or record id)"),
    "cli.followups.due_by": ("截至哪一天到期（YYYY-MM-DD，默认今天）", "due on or before this day (YYYY-MM-DD, default today)"),
    "cli.followups.title": ("截至 {day} 到期的跟进：{count} 条", "Follow-ups due by {day}: {count}"),
    "cli.followups.none": ("截至 {day} 没有到期的跟进", "No follow-ups due by {day}"),
    "cli.followups.late": ("逾期 {days} 天", "{days} days late"),
    "cli.followups.today": ("今天到期", "due today"),
    "cli.followups.line": ("  {on}  {late}  {engagement}（{stage}）  {broker}  {step}",
                           "  {on}  {late}  {engagement} ({stage})  {broker}  {step}"),
})


def _add_followups_parser(sub, common) -> None:
    p = sub.add_parser("followups", parents=[common], help=tr("cli.followups"), description=tr("cli.followups"))
    p.add_argument("--broker", metavar="NAME", default=None, help=tr("cli.followups.broker"))
    p.add_argument("--due-by", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, default=None,
                   help=tr("cli.followups.due_by"))


def cmd_followups(args) -> int:
    """The broker's to-do list: one line per due next step (date, how late, engagement and stage,
    broker, next step)."""
    from . import frontoffice

    day = args.due_by or dt.date.today()
    with open_ledger(args, create=False) as ledger:
        broker = frontoffice.broker_id(ledger, args.broker) if args.broker else None
        due = frontoffice.due_followups(ledger, day, broker)
    if not due:
        print(tr("cli.followups.none", day=day.isoformat()))
        return OK
    print(tr("cli.followups.title", day=day.isoformat(), count=len(due)))
    for d in due:
        late = tr("cli.followups.late", days=d.days_late) if d.days_late else tr("cli.followups.today")
        stage = d.stage if i18n.get_language() == "zh" else codes.tables().english("engagement_stage", d.stage)
        print(tr("cli.followups.line", on=d.next_on, late=late, engagement=d.engagement, stage=stage,
                 broker=d.broker or "-", step=d.next_step or d.content))
    return OK


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
            "template": cmd_template, "import": cmd_import, "export": cmd_export, "rankings": cmd_rankings,
            "forms": cmd_forms, "print": cmd_print, "match": cmd_match, "followups": cmd_followups,
            "payments": cmd_payments, "commission": cmd_commission,
            "policies": cli_rewards.cmd_policies, "rewards": cli_rewards.cmd_rewards}

if __name__ == "__main__":
    sys.exit(main())
