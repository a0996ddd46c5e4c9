"""The ``payments`` and ``commission`` commands (issue 18), kept apart from cli.py's other commands."""

from __future__ import annotations

import time
from pathlib import Path

from . import i18n
from .cli_common import OK, open_ledger, progress_printer
from .i18n import tr

i18n.register({
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
})


def add_parsers(sub, common) -> None:
    p = sub.add_parser("payments", parents=[common], help=tr("cli.payments"), description=tr("cli.payments"))
    p.add_argument("--overdue", action="store_true", help=tr("cli.payments.overdue"))
    p.add_argument("--year", type=int, default=None, help=tr("cli.payments.year"))
    p = sub.add_parser("commission", parents=[common], help=tr("cli.commission"), description=tr("cli.commission"))
    p.add_argument("--year", type=int, required=True, help=tr("cli.commission.year"))
    p.add_argument("--to-year", type=int, default=None, help=tr("cli.rankings.to_year"))
    p.add_argument("--broker", default=None, metavar="NAME", help=tr("cli.commission.broker"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.rankings.out"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))


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

