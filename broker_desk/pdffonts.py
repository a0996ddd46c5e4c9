"""The CJK font every PDF uses (reportlab), registered once.

The program ships Noto Sans SC (regular and bold, TrueType outlines) in
``resources/fonts``; reportlab embeds only the glyphs a document uses (a subset),
so every PDF is self-contained, searchable and small. The fonts have no ☐/☑
glyphs: draw check boxes as shapes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from pathlib import Path

REGULAR = "NotoSansSC"
BOLD = "NotoSansSC-Bold"
_FILES = {REGULAR: "NotoSansSC-Regular.ttf", BOLD: "NotoSansSC-Bold.ttf"}


def font_file(name: str) -> Path:
    from .paths import resource_files

    return Path(str(resource_files() / "fonts" / _FILES[name]))


@cache
def register() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab; returns their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` set in the program's font."""
    from reportlab.pdfbase import pdfmetrics

    register()
    return pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size)


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


#: The time every PDF is dated with (its creation and modification dates). Tests put a fixed
#: moment here, so that two runs write the same bytes.
clock: Callable[[], dt.datetime] = _now


def date_stamp(canvas) -> None:
    """Date the PDF ``canvas`` draws by :data:`clock`, not reportlab's invariant 2000-01-01.

    Every PDF is drawn with ``invariant=1`` (its file identifier then depends only on what it
    holds); this puts the real date back into its information dictionary."""
    from reportlab.lib.utils import TimeStamp

    when = clock()
    if when.tzinfo is None:
        when = when.astimezone()
    offset = int(when.utcoffset().total_seconds()) // 60
    stamp = TimeStamp(invariant=True)
    stamp.t = when.timestamp()
    stamp.lt = when.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh, stamp.dmm = int(offset / 60), abs(offset) % 60
    stamp.tzname = when.tzname() or "UTC"
    canvas._doc._timeStamp = stamp


def canvas_options() -> dict:
    """Keyword arguments for ``reportlab.pdfgen.canvas.Canvas`` and for
    ``BaseDocTemplate``: start on our font, so that no unembedded Helvetica is
    ever named in the PDF (``pdffonts`` must show every font embedded)."""
    regular, _ = register()
    return {"initialFontName": regular, "initialFontSize": 10}
