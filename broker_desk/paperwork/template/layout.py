"""Laying out: text placed in its box, check boxes with their labels, and ruled lines
merged so that shared edges are drawn once."""

from __future__ import annotations

from .. import text

#: Glyph box of the font per point of size (Noto Sans SC: ideographic ascent and descent).
ASCENT, DESCENT = 0.88, 0.12


def merge_lines(ops: list[tuple]) -> list[tuple]:
    """Rectangles and straight lines as the fewest lines: the edges that neighbouring
    cells share are drawn once (a shared edge drawn twice prints heavier)."""
    runs: dict[tuple, list[list[float]]] = {}
    rest = []
    for op in ops:
        if op[0] == "rect":
            _, x, y, w, h, lw, dash = op
            segments = [("h", y, x, x + w), ("h", y + h, x, x + w), ("v", x, y, y + h), ("v", x + w, y, y + h)]
        elif op[0] == "line" and (abs(op[2] - op[4]) < 1e-6 or abs(op[1] - op[3]) < 1e-6):
            _, x1, y1, x2, y2, lw, dash = op
            if abs(y1 - y2) < 1e-6:
                segments = [("h", y1, min(x1, x2), max(x1, x2))]
            else:
                segments = [("v", x1, min(y1, y2), max(y1, y2))]
        else:
            rest.append(op)
            continue
        for orient, at, a, b in segments:
            runs.setdefault((orient, round(at, 2), lw, dash), []).append([a, b])
    lines = []
    for (orient, at, lw, dash), spans in runs.items():
        spans.sort()
        merged = [spans[0][:]]
        for a, b in spans[1:]:
            if a <= merged[-1][1] + 0.01:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            lines.append(("line", a, at, b, at, lw, dash) if orient == "h" else ("line", at, a, at, b, lw, dash))
    return [op for op in rest if op[0] == "fill"] + lines + [op for op in rest if op[0] != "fill"]


def num(value: float) -> str:
    return f"{value:g}" if abs(value - round(value, 1)) < 1e-9 else f"{value:.1f}"


def lay_out_options(options, area, size, min_size, columns, other):
    """Place check boxes with their labels in ``area`` (x, y, w, h in points): the
    largest size at which they fit, in columns or flowing left to right. Returns
    (size, [(box x, box y, side, text x, text baseline)], other's value area) or None."""
    x, y, w, h = area
    steps = max(0, int(round((size - min_size) / text.STEP)))
    for i in range(steps + 1):
        s = size - i * text.STEP
        side = s * 0.82
        gap = s * 0.3
        spacing = s * 1.1
        widths = [side + gap + text.unit_width(o) * s for o in options]
        rows: list[list[int]] = [[]]
        if columns:
            col_w = w / columns
            if max(widths) > col_w + 1e-6:
                continue
            for k in range(len(options)):
                if len(rows[-1]) == columns:
                    rows.append([])
                rows[-1].append(k)
            lefts = {k: x + (k % columns) * col_w for k in range(len(options))}
        else:
            lefts = {}
            cursor = 0.0
            if max(widths) > w + 1e-6:
                continue
            for k, wd in enumerate(widths):
                if rows[-1] and cursor + wd > w + 1e-6:
                    rows.append([])
                    cursor = 0.0
                lefts[k] = x + cursor
                rows[-1].append(k)
                cursor += wd + spacing
        line_h = s * 1.35
        if len(rows) > 1:  # spread the rows over the box, up to a comfortable spacing
            line_h = max(line_h, min(s * 1.8, (h - s) / (len(rows) - 1)))
        block = s + (len(rows) - 1) * line_h
        if block > h + 1e-6:
            continue
        top = y + h / 2 + block / 2
        placed = [None] * len(options)
        other_area = None
        for r, row in enumerate(rows):
            baseline = top - ASCENT * s - r * line_h
            mid = baseline + (ASCENT - DESCENT) * s / 2
            for pos, k in enumerate(row):
                bx = lefts[k]
                placed[k] = (bx, mid - side / 2, side, bx + side + gap, baseline)
                if options[k] == other:
                    start = bx + widths[k] + gap
                    end = lefts[row[pos + 1]] - gap if pos + 1 < len(row) else x + w
                    other_area = (start, baseline + DESCENT * -s - 0.5, max(0.0, end - start), s * 1.2)
        return s, placed, other_area
    return None


def text_ops(fitted: text.Fitted, x, y, w, h, bold, align, valign, vertical=False) -> list[tuple]:
    """Draw operations placing fitted lines in the box (x, y, w, h), PDF points."""
    s = fitted.size
    leading = s * (1.3 if vertical else text.LEADING)
    block = s + (len(fitted.lines) - 1) * leading
    if valign == "top":
        top = y + h
    elif valign == "bottom":
        top = y + block
    else:
        top = y + h / 2 + block / 2
    ops = []
    for i, (line, lw) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
        if not line:
            continue
        baseline = top - ASCENT * s - i * leading
        if align == "center" or vertical:
            lx = x + (w - lw) / 2
        elif align == "right":
            lx = x + w - lw
        else:
            lx = x
        ops.append(("text", lx, baseline, bold, s, line))
    return ops
