"""A report's values: dates and moments (:func:`iso_day`, :func:`when`), amounts for Excel cells
(:func:`yuan`, :func:`wan_value`: numbers in 元 or 万元 from fen) and texts for PDF cells
(:func:`wan` ``3,228.62`` 万元, :func:`yuan_cell` ``1,234.56`` 元, :func:`count_cell` ``1,234``,
:func:`percent_cell` ``2.5%``)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from ..money import wan_text, yuan_text

__all__ = ["count_cell", "iso_day", "percent_cell", "wan", "wan_value", "when", "yuan", "yuan_cell"]


@functools.lru_cache(maxsize=4096)
def iso_day(text: str) -> dt.date:
    """A ledger's ``YYYY-MM-DD`` as a date for a ``date`` cell (once per distinct day: a column
    repeats its days)."""
    return dt.date.fromisoformat(text)


def when(moment: dt.datetime) -> str:
    """A moment as the reports show it: 2024-06-30 14:05."""
    return moment.strftime("%Y-%m-%d %H:%M")


def yuan(fen: int) -> float:
    """An Excel ``money`` cell value in 元: the double nearest the amount (as the canonical export writes)."""
    return fen / 100


def wan_value(fen: int) -> float:
    """An Excel ``money`` cell value in 万元 (to the fen: shown with two decimals, summed exactly enough)."""
    return fen / 1_000_000


def wan(fen: int) -> str:
    """万元 as text, two decimals and thousands separators: 3,228.62."""
    text = wan_text(fen)
    whole, _, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{decimals}"


def yuan_cell(fen: int | None) -> str:
    """元 as text for a PDF cell: 1,234.56 (empty for None)."""
    return "" if fen is None else yuan_text(fen)


def count_cell(n: int | None) -> str:
    """A count as text for a PDF cell: 1,234 (empty for None)."""
    return "" if n is None else f"{n:,}"


def percent_cell(fraction: Decimal | float | None) -> str:
    """A fraction as a percentage for a PDF cell, without useless zeros: 0.025 -> 2.5%."""
    if fraction is None:
        return ""
    text = f"{Decimal(str(fraction)) * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
