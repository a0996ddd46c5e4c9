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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import __version__, cli_front, cli_money, cli_paperwork, cli_rewards, codes, i18n, paths, xcb
from .cli_common import (
    OK,
    PROBLEMS,
    UNUSABLE,
    ledger_path,
    open_ledger,
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
    "cli.command": ("命令", "COMMAND"),  # the subcommand's name in usage lines and argparse's messages
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
    "cli.bad_args": ("参数有误：{message}", "bad arguments: {message}"),
    # argparse's own words (its gettext texts), in the user's language
    "cli.usage": ("用法：", "usage: "),
    "cli.options": ("选项", "options"),
    "cli.positionals": ("位置参数", "positional arguments"),
    "cli.help": ("显示此帮助信息并退出", "show this help message and exit"),
    "cli.version": ("显示程序版本号并退出", "show program's version number and exit"),
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
    "cli.money_counts": ("  以及付款计划 {payment_plan} 期、到账记录 {receipt} 笔、佣金发放 {commission_payout} 笔",
                         "  plus {payment_plan} planned payments, {receipt} receipts, {commission_payout} commission payouts"),
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


#: argparse's messages about bad arguments, ours by its own texts (its gettext ids, which are
#: the English; their %-placeholders kept)
_ARGPARSE_WORDS = {
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "one of the arguments %s is required": "需要参数 %s 之一",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "参数不接受值 %r",
}
_ARGPARSE_TEXTS = {english: f"cli.ap.{i}" for i, english in enumerate(_ARGPARSE_WORDS)}  # -> our message ids
i18n.register({_ARGPARSE_TEXTS[english]: (chinese, english) for english, chinese in _ARGPARSE_WORDS.items()})


def _argparse_text(message: str) -> str:
    """argparse's text ``message`` in the user's language (one it has that we do not: as it is)."""
    key = _ARGPARSE_TEXTS.get(message)
    return tr(key) if key is not None else message


@contextmanager
def _our_words() -> Iterator[None]:
    """argparse's messages in the user's language while the block runs: argparse words them
    through its module's gettext function, looked up as they are made."""
    saved, argparse._ = argparse._, _argparse_text
    try:
        yield
    finally:
        argparse._ = saved


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, tr("cli.usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the user's language: its own words (usage, options, the help option) are
    given from the string table instead of argparse's English gettext texts."""

    def __init__(self, *args, add_help: bool = True, parents: Sequence[argparse.ArgumentParser] = (), **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=tr("cli.help"))
        for parent in parents:  # after -h, as argparse adds them, into the groups of the same (English) title
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)
        self._positionals.title = tr("cli.positionals")
        self._optionals.title = tr("cli.options")

    def parse_known_args(self, args=None, namespace=None):  # noqa: D102 - argparse's, its messages in our words
        with _our_words():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):  # noqa: D102 - as parse_known_args ("unrecognized")
        with _our_words():
            return super().parse_args(args, namespace)

    def error(self, message: str):  # noqa: D102 - argparse's hook, in the user's language
        self.print_usage(sys.stderr)
        self.exit(UNUSABLE, tr("cli.bad_args", message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help=tr("cli.db", path=paths.default_ledger()))
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=tr("cli.lang"))
    parser = _Parser(prog="broker-desk", description=tr("cli.description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"BrokerDesk {__version__}", help=tr("cli.version"))
    # a check of an installed or built app: open the window, quit after its first paint
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar=tr("cli.command"), title=tr("cli.commands"),
                                parser_class=_Parser)

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
    cli_money.add_parsers(sub, common)
    cli_paperwork.add_parsers(sub, common)
    cli_front.add_parsers(sub, common)
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
    _more_counts(counts)
    return OK


def _more_counts(counts: dict) -> None:
    """The front office's and the money's records, after a summary of the others (when any)."""
    if counts["demand"] or counts["engagement"] or counts["followup"]:
        print(tr("cli.front_office_counts", **counts))
    if counts["payment_plan"] or counts["receipt"] or counts["commission_payout"]:
        print(tr("cli.money_counts", **counts))


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
    _more_counts(counts)
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


COMMANDS = {"demo": cmd_demo, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
            "template": cmd_template, "import": cmd_import, "export": cmd_export, "rankings": cmd_rankings,
            "forms": cli_paperwork.cmd_forms, "print": cli_paperwork.cmd_print, "match": cli_front.cmd_match,
            "followups": cli_front.cmd_followups, "payments": cli_money.cmd_payments,
            "commission": cli_money.cmd_commission,
            "policies": cli_rewards.cmd_policies, "rewards": cli_rewards.cmd_rewards}

if __name__ == "__main__":
    sys.exit(main())
