"""The front office's commands: ``match`` (demands and achievements that fit each other) and
``followups`` (the next steps that are due)."""

from __future__ import annotations

import datetime as dt

from . import codes, i18n
from .cli_common import OK, open_ledger
from .i18n import tr

i18n.register({
    "cli.match": ("为技术需求找最合适的科技成果，或为科技成果找技术需求：每行一个结果（名次、分数、名称、持有方或需求方、匹配理由）",
                  "the achievements that best answer a demand, or the demands an achievement answers: one a line (rank, score, name, holder or demand side, why)"),
    "cli.match.demand": ("技术需求的记录ID或名称", "the demand's record ID or name"),
    "cli.match.achievement": ("科技成果的记录ID或名称", "the achievement's record ID or name"),
    "cli.match.top": ("最多列出几个结果（默认 10）", "how many results at most (default 10)"),
    "cli.match.none": ("没有找到匹配的记录", "Nothing matches"),
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


def add_parsers(sub, common) -> None:
    p = sub.add_parser("match", parents=[common], help=tr("cli.match"), description=tr("cli.match"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--demand", metavar="KEY", help=tr("cli.match.demand"))
    which.add_argument("--achievement", metavar="KEY", help=tr("cli.match.achievement"))
    p.add_argument("--top", type=int, default=10, help=tr("cli.match.top"))
    p = sub.add_parser("followups", parents=[common], help=tr("cli.followups"), description=tr("cli.followups"))
    p.add_argument("--broker", metavar="NAME", default=None, help=tr("cli.followups.broker"))
    p.add_argument("--due-by", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, default=None,
                   help=tr("cli.followups.due_by"))


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

