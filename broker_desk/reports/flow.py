"""How every report is written (rankings and statistics, reward estimates, commission
statements): the file name checked (.xlsx or .pdf, :func:`check_target`), the writer chosen by it
(:func:`write_either`), and progress in :class:`Steps`, which raises :class:`Cancelled` as soon as
``cancelled()`` says so; writers catch it and return None (nothing is written then)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import i18n, outfiles
from ..errors import BrokerDeskError
from ..i18n import tr
from ..workbook.writing import Cancelled

__all__ = ["CHECK_EVERY", "EXTENSIONS", "Cancelled", "ProgressFn", "Steps", "check_target", "write_either"]

i18n.register({
    "rx.bad_extension": ("“{path}”不是 .xlsx 或 .pdf 文件名", "“{path}” is not an .xlsx or .pdf file name"),
    "rx.progress.sheet": ("正在写入“{sheet}”", "Writing “{sheet}”"),
    "rx.progress.pdf": ("正在排版 PDF", "Laying out the PDF"),
    "rx.progress.saving": ("正在保存文件", "Saving the file"),
})

ProgressFn = outfiles.ProgressFn
#: Rows between two looks at ``cancelled()`` in long sheets.
CHECK_EVERY = 1000
#: What a report may be written as.
EXTENSIONS = (".xlsx", ".pdf")


def check_target(path: str | Path, overwrite: bool = False) -> Path:
    """``path`` as a Path if a report may be written there (.xlsx or .pdf); else a BrokerDeskError."""
    return outfiles.check_target(path, EXTENSIONS, "rx.bad_extension", overwrite)


def write_either(path: str | Path, xlsx: Callable[[Path], Path | None],
                 pdf: Callable[[Path], Path | None]) -> Path | None:
    """``xlsx(path)`` or ``pdf(path)``, by the file's extension (another: a BrokerDeskError)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return pdf(path)
    if path.suffix.lower() == ".xlsx":
        return xlsx(path)
    raise BrokerDeskError("rx.bad_extension", path=path)


class Steps:
    """Progress in steps; raises :class:`Cancelled` as soon as ``cancelled()`` says so."""

    def __init__(self, total: int, progress: ProgressFn | None, cancelled: Callable[[], bool] | None):
        self.total, self.done = max(total, 1), 0
        self.progress, self.cancelled = progress, cancelled
        self.message = ""

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled

    def step(self, message: str) -> None:
        self.check()
        self.message = message
        if self.progress is not None:
            self.progress(min(self.done / self.total, 0.99), message)
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(1.0, tr("rx.progress.saving"))
