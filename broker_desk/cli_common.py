"""What the command-line modules (:mod:`broker_desk.cli` and its ``cli_*`` command modules) share:
the exit statuses, opening the ledger named by ``--db`` (with a warning when it lies on a network
or synced folder), progress on a terminal, and the listing of a kind of user file (``forms``,
``policies``)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import i18n, paths
from .i18n import tr

#: Exit statuses: done; problems found (``check``); unusable input (not a ledger, a bad argument).
OK, PROBLEMS, UNUSABLE = 0, 1, 2

i18n.register({
    "cli.error": ("错误：{message}", "error: {message}"),
    "cli.warning": ("注意：{message}", "warning: {message}"),
    "cli.force": ("文件已存在时覆盖它", "overwrite the file if it exists"),
    "cli.network": ("账本位于网络或云同步文件夹中，多人同时写入可能损坏数据", "The ledger is on a network or cloud-synced folder; writes from several places can damage it"),
    "cli.forms.builtin": ("内置", "built-in"),
    "cli.forms.user": ("用户", "user"),
    "cli.forms.in_use": ("使用中", "in use"),
    "cli.forms.broken": ("有误，不能使用：", "broken, cannot be used:"),
})


def ledger_path(args) -> Path:
    """The ledger file of the command: ``--db``, else the default one."""
    return getattr(args, "db", None) or paths.default_ledger()


def open_ledger(args, create: bool = True):
    """The command's ledger, opened (``create``: made when missing); a warning on stderr when it
    lies on a network or cloud-synced folder."""
    from .ledger import Ledger
    from .ledger.files import on_network_or_synced_folder

    ledger = Ledger.open(ledger_path(args), create=create)
    if on_network_or_synced_folder(ledger.path):
        print(tr("cli.warning", message=tr("cli.network")), file=sys.stderr)
    return ledger


def progress_printer():
    """Progress on stderr when it is a terminal (a line that rewrites itself)."""
    if not sys.stderr.isatty():
        return lambda fraction, message: None

    def show(fraction, message):
        sys.stderr.write("\r\033[K" if fraction is None else f"\r{fraction:4.0%} {message}")
        sys.stderr.flush()
    return show


def print_files(prefix: str, builtin_dir: Path, user_dir: Path, infos: list, extra=None) -> None:
    """What ``forms`` and ``policies`` say (``prefix``: their messages, ``cli.forms`` or
    ``cli.policies``): the built-in and the user's folder, then a line a file — its name, 「title」
    when another, what ``extra(info)`` adds, built-in or user, in use, replaced or broken, and a
    user file's path — with each fault of a broken file under it."""
    print(tr(f"{prefix}.builtin_dir", path=builtin_dir))
    print(tr(f"{prefix}.user_dir", path=user_dir))
    for info in infos:
        if info.error:
            state = tr("cli.forms.broken")
        elif not info.in_use:
            state = tr(f"{prefix}.overridden")
        else:
            state = tr(f"{prefix}.in_use_override" if info.overrides_builtin else "cli.forms.in_use")
        title = "" if info.title == info.name else f"「{info.title}」"
        line = "  ".join([f"  {info.name}{title}", *(extra(info) if extra else []), tr(f"cli.forms.{info.source}"),
                          state])
        print(line + (f"  {info.path}" if info.source == "user" else ""))
        for error in (info.error or "").splitlines():
            print(f"      {error}")
    if not infos:
        print(f"  {tr(f'{prefix}.none')}")
