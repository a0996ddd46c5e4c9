"""Fitting text into a box: the largest size (down to a minimum) at which the text
fits on one line, or wrapped into lines when the box is tall enough for several.

Nothing is ever cut: :func:`fit` returns None when the text cannot fit even at
the minimum size, and the caller reports which field that was.

Widths come from the program's font (Noto Sans SC) through a per-character
cache, so measuring is a few dictionary look-ups per character.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from .. import pdffonts

#: Distance between baselines, in font sizes.
LEADING = 1.18
#: Size steps when shrinking (points).
STEP = 0.25

#: Characters that may not begin a line (行首禁则) or end one (行尾禁则).
NO_START = set("，。、；：？！）》」』】〕〉”’%‰．,.;:!?)]}·…—～")
NO_END = set("（《「『【〔〈“‘([{")


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]   # of each line at ``size``


@cache
def _font(bold: bool):
    from reportlab.pdfbase import pdfmetrics

    regular, heavy = pdffonts.register()
    return pdfmetrics.getFont(heavy if bold else regular)


@cache
def metrics(bold: bool = False) -> tuple[float, float]:
    """(ascent, descent) of the font per point of size (descent negative)."""
    face = _font(bold).face
    return face.ascent / 1000, face.descent / 1000


class _Widths(dict):
    """char -> advance width at size 1 (points)."""

    def __init__(self, bold: bool):
        super().__init__()
        self.font = _font(bold)

    def __missing__(self, char: str) -> float:
        width = self.font.stringWidth(char, 1.0)
        self[char] = width
        return width


_WIDTHS = {False: None, True: None}


def widths(bold: bool) -> _Widths:
    table = _WIDTHS[bold]
    if table is None:
        table = _WIDTHS[bold] = _Widths(bold)
    return table


def unit_width(text: str, bold: bool = False) -> float:
    """Width of ``text`` at size 1."""
    table = widths(bold)
    return sum(table[c] for c in text)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


#: A latin run may break after these (contract numbers such as JS2021-25159-756).
SOFT_BREAKS = set("-/_")


def _tokens(text: str) -> list[str]:
    """Break opportunities: each wide (CJK) character, each space, each run of other
    characters (split after a hyphen or slash)."""
    out: list[str] = []
    run = ""
    for char in text:
        if char == " " or _is_wide(char):
            if run:
                out.append(run)
                run = ""
            out.append(char)
        else:
            run += char
            if char in SOFT_BREAKS:
                out.append(run)
                run = ""
    if run:
        out.append(run)
    return out


def wrap(text: str, width: float, size: float, bold: bool = False, break_words: bool = True) -> list[str] | None:
    """Greedy line breaking of ``text`` into lines no wider than ``width`` at ``size``,
    with basic 禁则 for punctuation. A latin word wider than a line is broken inside
    when ``break_words``, else the result is None."""
    table = widths(bold)
    limit = width / size
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for token in _tokens(paragraph):
            w = sum(table[c] for c in token)
            if used + w <= limit:
                line += token
                used += w
                continue
            if token == " ":
                lines.append(line)
                line, used = "", 0.0
                continue
            if w > limit:  # a word longer than a line
                if not break_words:
                    return None
                for char in token:
                    cw = table[char]
                    if used + cw > limit and line:
                        lines.append(line)
                        line, used = "", 0.0
                    line += char
                    used += cw
                continue
            if not line:
                line, used = token, w
                continue
            # 禁则: a closing mark stays with what it closes; an opening mark goes with what follows
            if (token[0] in NO_START or line[-1] in NO_END) and len(line) > 1:
                carry = line[-1]
                lines.append(line[:-1])
                line, used = carry + token, table[carry] + w
                continue
            lines.append(line.rstrip(" "))
            line, used = token, w
        lines.append(line.rstrip(" "))
    return lines


#: Text first shrinks on one line down to this share of its size before it wraps.
SHRINK_FIRST = 0.85


def fit(text: str, width: float, height: float, size: float, min_size: float, bold: bool = False,
        vertical: bool = False) -> Fitted | None:
    """The way ``text`` fits a ``width`` × ``height`` box (points), or None if it cannot:

    1. on one line, shrinking from ``size`` down to 85 % of it (not below ``min_size``);
    2. wrapped at spaces, between CJK characters and after hyphens, from ``size`` down to
       ``min_size``, when the box is tall enough for the lines;
    3. on one line down to ``min_size``;
    4. wrapped, breaking long latin words too, down to ``min_size``.
    """
    if vertical:
        return _fit_vertical(text, width, height, size, min_size, bold)
    one = unit_width(text, bold)
    single_line = "\n" not in text
    width += 1e-6
    sizes = [size - i * STEP for i in range(max(0, int(round((size - min_size) / STEP))) + 1)]
    sizes = [s for s in sizes if s <= height + 1e-6]
    first = max(min_size, size * SHRINK_FIRST)

    def one_line(s):
        if single_line and one * s <= width:
            return Fitted(s, (text,), (one * s,))
        return None

    def wrapped(s, break_words):
        capacity = int((height + 1e-6 - s) // (s * LEADING)) + 1
        if capacity < 2:
            return None
        lines = wrap(text, width, s, bold, break_words)
        if lines is None or len(lines) > capacity:
            return None
        line_widths = tuple(unit_width(line, bold) * s for line in lines)
        return Fitted(s, tuple(lines), line_widths) if max(line_widths) <= width else None

    for attempt in (lambda s: one_line(s) if s >= first - 1e-9 else None,
                    lambda s: wrapped(s, False), one_line, lambda s: wrapped(s, True)):
        for s in sizes:
            found = attempt(s)
            if found is not None:
                return found
    return None


def block_height(fitted: Fitted) -> float:
    """Height of the glyph block of a fitted text (first ascender to last descender)."""
    return fitted.size * (1 + (len(fitted.lines) - 1) * LEADING)


def _fit_vertical(text, width, height, size, min_size, bold) -> Fitted | None:
    chars = [c for c in text if not c.isspace()]
    table = widths(bold)
    steps = max(0, int(round((size - min_size) / STEP)))
    for i in range(steps + 1):
        s = size - i * STEP
        if len(chars) * s * 1.3 <= height + 1e-6 and all(table[c] * s <= width + 1e-6 for c in chars):
            return Fitted(s, tuple(chars), tuple(table[c] * s for c in chars))
    return None
