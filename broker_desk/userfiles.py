"""Files that ship built in and that the user may add to or replace by name, one folder each
(paperwork templates, reward policies): which ``.toml`` files there are, and which one is in use
under each name (the user's file wins over a built-in of the same name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".toml"


@dataclass(frozen=True)
class Entry:
    name: str                 # the file's stem
    path: Path
    source: str               # "builtin" | "user"
    in_use: bool              # the one used under this name
    overrides_builtin: bool   # a user file with a built-in's name


def files(folder: Path) -> dict[str, Path]:
    """``{stem: path}`` of the folder's ``.toml`` files, by name (none when there is no folder;
    hidden files left out)."""
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() == SUFFIX and p.is_file()
            and not p.name.startswith(".")}


def entries(builtin: dict[str, Path], user: dict[str, Path],
            key: Callable[[str], object] | None = None) -> list[Entry]:
    """Every file of both folders, in the order of ``key`` on the name (by name when None): under
    each name the built-in first, then the user's, which is the one in use."""
    out = []
    for name in sorted(set(builtin) | set(user), key=key):
        if name in builtin:
            out.append(Entry(name, builtin[name], "builtin", name not in user, False))
        if name in user:
            out.append(Entry(name, user[name], "user", True, name in builtin))
    return out
