"""What the rankings share with the figures built beside them (the funnel, the statistics, the
commission statements, the rewards): a checked period of whole years, share-weighted sums in
exact integer fen, and the order of names (see rankings.py's documentation). Kept below
rankings.py so that funnel.py, which rankings.py asks for 对接项目数, need not import it."""

from __future__ import annotations

from . import i18n
from .errors import BrokerDeskError
from .i18n import tr

i18n.register({
    "rank.period.one": ("{year} 年", "{year}"),
    "rank.period.span": ("{year_from}—{year_to} 年", "{year_from}–{year_to}"),
    "rank.bad_year": ("年份 {year} 不在 1900 到 9999 之间", "The year {year} is not between 1900 and 9999"),
    "rank.bad_period": ("截止年份 {year_to} 早于起始年份 {year_from}",
                        "The last year {year_to} is before the first year {year_from}"),
})

SHARE_SCALE = 10_000  # share_bp of a whole contract


def period_text(year_from: int, year_to: int | None = None) -> str:
    year_to = year_from if year_to is None else year_to
    if year_from == year_to:
        return tr("rank.period.one", year=year_from)
    return tr("rank.period.span", year_from=year_from, year_to=year_to)


def period_bounds(year_from: int, year_to: int | None = None) -> tuple[int, int, str, str]:
    """``(year_from, year_to, first day, last day)`` of a checked period (ISO dates)."""
    year_to = year_from if year_to is None else year_to
    for year in (year_from, year_to):
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
            raise BrokerDeskError("rank.bad_year", year=year)
    if year_to < year_from:
        raise BrokerDeskError("rank.bad_period", year_from=year_from, year_to=year_to)
    return year_from, year_to, f"{year_from:04d}-01-01", f"{year_to:04d}-12-31"


def name_key(name: str) -> bytes:
    """Sort key approximating pinyin order without ICU (see rankings.py's documentation)."""
    return (name or "").strip().encode("gb18030", errors="replace")


def weighted(numerator: int) -> int:
    """``Σ share_bp × fen`` as whole fen: divided by 10,000 once, rounded half up."""
    return (numerator + SHARE_SCALE // 2) // SHARE_SCALE
