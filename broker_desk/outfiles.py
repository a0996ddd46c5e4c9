"""Files the program writes (workbooks, PDFs): the checks on a target before any work
starts, an all-or-nothing write — the file is made as ``NAME.part`` beside the
target and renamed over it only when complete, so a cancelled or failed write never
leaves half a file, nor touches one that was there — and progress reports that do
not flood the window."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import i18n
from .errors import BrokerDeskError

ProgressFn = Callable[[float, str], None]
#: Seconds between two progress reports.
PROGRESS_INTERVAL = 0.2

i18n.register({
    "write.no_folder": ("文件夹“{folder}”不存在", "The folder “{folder}” does not exist"),
    "write.exists": ("文件“{path}”已存在；要覆盖请加 --force", "“{path}” exists already; add --force to overwrite it"),
    "write.failed": ("无法写入“{path}”：{reason}", "Cannot write “{path}”: {reason}"),
})


def check_target(path: str | Path, suffixes: tuple[str, ...], wrong_name: str, overwrite: bool = False) -> Path:
    """``path`` as a Path if a file may be written there: one of ``suffixes`` (else the
    message ``wrong_name``), in a folder that exists, not an existing file unless ``overwrite``."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise BrokerDeskError(wrong_name, path=path)
    if not path.parent.is_dir():
        raise BrokerDeskError("write.no_folder", folder=path.parent)
    if path.exists() and not overwrite:
        raise BrokerDeskError("write.exists", path=path)
    return path


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """The file to write instead of ``path``; it replaces ``path`` when the block ends
    normally and is removed when it does not. An OSError becomes one clear message."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BrokerDeskError("write.no_folder", folder=path.parent)
    part = path.with_name(path.name + ".part")
    try:
        yield part
        part.replace(path)
    except OSError as e:
        raise BrokerDeskError("write.failed", path=path, reason=e.strerror or e) from None
    finally:
        part.unlink(missing_ok=True)


class Throttled:
    """``progress(fraction, message)`` passed on at most every :data:`PROGRESS_INTERVAL`
    seconds (or when ``force``d), the fraction kept within 0…1; nothing without a ``progress``."""

    def __init__(self, progress: ProgressFn | None):
        self.progress = progress
        self.last = 0.0

    def __call__(self, fraction: float, message: str, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            self.progress(min(1.0, max(0.0, fraction)), message)
