"""The ``policies`` and ``rewards`` commands (issue 18), kept apart from cli.py's other commands."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import i18n
from .cli_common import UNUSABLE, open_ledger, print_files, progress_printer
from .i18n import tr

i18n.register({
    "cli.policies": ("列出奖补政策文件：内置示例和用户自己的，标明正在使用哪一个及有误的文件",
                     "list the reward policy files, built-in examples and your own, marking the one in use and any broken one"),
    "cli.policies.builtin_dir": ("内置示例：{path}", "Built-in examples: {path}"),
    "cli.policies.user_dir": ("用户政策：{path}（同名文件优先于内置示例）", "Your policies: {path} (a file there wins over a built-in of the same name)"),
    "cli.policies.overridden": ("未使用（已被用户的同名文件替代）", "not used (replaced by your file of the same name)"),
    "cli.policies.in_use_override": ("使用中（替代内置示例）", "in use (replaces the built-in example)"),
    "cli.policies.none": ("（没有政策文件）", "(no policy files)"),
    "cli.rewards": ("按奖补政策测算某年的奖补，写成 .xlsx 或 .pdf（每份合同的基数、比例或分段、封顶和结果，按受益方合计）",
                    "estimate a year's rewards under a policy to .xlsx or .pdf (every contract's base, rate or tiers, caps and result; totals per beneficiary)"),
    "cli.rewards.policy": ("政策名称（broker-desk policies 列出）或 .toml 文件", "a policy name (see broker-desk policies) or a .toml file"),
    "cli.rewards.year": ("测算年份", "the year"),
    "cli.rewards.out": ("要写入的 .xlsx 或 .pdf 文件", "the .xlsx or .pdf file to write"),
    "cli.rewards.done": ("已写出“{title}”：{beneficiaries} 个受益方、{lines} 行计算，合计 {total} 元（{seconds:.1f} 秒）→ {path}",
                         "Wrote “{title}”: {beneficiaries} beneficiaries, {lines} lines, {total} yuan in all ({seconds:.1f} s) → {path}"),
})


def add_parsers(sub, common) -> None:
    sub.add_parser("policies", parents=[common], help=tr("cli.policies"), description=tr("cli.policies"))
    p = sub.add_parser("rewards", parents=[common], help=tr("cli.rewards"), description=tr("cli.rewards"))
    p.add_argument("--policy", required=True, help=tr("cli.rewards.policy"))
    p.add_argument("--year", type=int, required=True, help=tr("cli.rewards.year"))
    p.add_argument("--out", type=Path, required=True, help=tr("cli.rewards.out"))
    p.add_argument("--force", action="store_true", help=tr("cli.force"))


def cmd_policies(args) -> int:
    from . import policy

    print_files("cli.policies", policy.builtin_dir(), policy.user_dir(), policy.list_policies())
    return 0


def cmd_rewards(args) -> int:
    """0: written; 2: an unusable policy (each fault with its place), an unknown one, or a year outside it."""
    from . import policy, rewards
    from .money import yuan_text
    from .reports import rewards as report

    path = report.check_target(args.out, overwrite=args.force)
    try:
        chosen = policy.find(args.policy)
    except policy.PolicyError as e:
        for line in e.lines():
            print(tr("cli.error", message=line), file=sys.stderr)
        return UNUSABLE
    rewards.check_year(chosen, args.year)
    start = time.perf_counter()
    progress = progress_printer()
    with open_ledger(args, create=False) as ledger:
        estimate = rewards.estimate(ledger, chosen, args.year)
        report.write(estimate, path, progress=progress)
    progress(None, "")
    print(tr("cli.rewards.done", title=report.title(estimate), beneficiaries=len(estimate.totals),
             lines=len(estimate.lines), total=yuan_text(estimate.total_fen), seconds=time.perf_counter() - start,
             path=path))
    return 0
