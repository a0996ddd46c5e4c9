"""China's working-day calendar: rest days, statutory holidays and the 调休 working weekends.

A year's calendar comes from the ``chinesecalendar`` library (the State Council's
published calendars; it refuses a year it has no data for, so "unknown" is a plain
fact, never a guess), corrected and extended by the dates an office enters itself
(kept in the ledger's settings as ``calendar.office``):
``{"2027": {"complete": true, "days": [["2027-01-01", "holiday", "元旦"], ...]}}``.
A year is known when the library knows it or the office says it entered the whole
year; in a year nobody knows, Monday to Friday are counted as working days and the
deadline says so.

Counting is per year: each year's working days once, as a sorted list of ordinals,
so that "15 working days after D" is a bisect, whatever the number of contracts.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar

from . import i18n
from .errors import BrokerDeskError

HOLIDAY, WORKDAY = "holiday", "workday"
KIND_NAMES = {HOLIDAY: ("放假", "Day off"), WORKDAY: ("上班", "Working day")}
CSV_HEADER = ("日期", "类型", "说明")

i18n.register({
    "cal.bad_date": ("{file}：第 {row} 行：日期“{value}”不是 YYYY-MM-DD 形式的日期",
                     "{file}: row {row}: the date “{value}” is not a YYYY-MM-DD date"),
    "cal.bad_kind": ("{file}：第 {row} 行：类型“{value}”应为“放假”或“上班”",
                     "{file}: row {row}: the kind “{value}” should be “放假” (day off) or “上班” (working day)"),
    "cal.no_rows": ("{file}：没有找到“日期、类型、说明”三列的日历行",
                    "{file}: no calendar rows with the columns 日期, 类型, 说明 were found"),
    "cal.twice": ("{file}：第 {row} 行：日期 {value} 已在前面出现过",
                  "{file}: row {row}: the date {value} appears more than once"),
})


@dataclass(frozen=True)
class Entry:
    """A date an office adds or corrects: a day off or a working day, with a note."""

    day: dt.date
    kind: str          # HOLIDAY or WORKDAY
    note: str = ""


@functools.cache
def library_year(year: int) -> tuple[bool, ...] | None:
    """Whether each day of ``year`` is a working day by the library, or None for a year it does not know."""
    day = dt.date(year, 1, 1)
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None
    out = []
    while day.year == year:
        out.append(chinese_calendar.is_workday(day))
        day += dt.timedelta(days=1)
    return tuple(out)


def library_years() -> tuple[int, int]:
    """The first and last year the library knows (2004–2026 for chinesecalendar 1.11)."""
    known = [y for y in range(2000, dt.date.today().year + 3) if library_year(y) is not None]
    return (known[0], known[-1]) if known else (0, -1)


def kind_name(kind: str) -> str:
    zh, en = KIND_NAMES[kind]
    return zh if i18n.get_language() == "zh" else en


class Calendar:
    """Working days by the library and the office's own dates (``office``: the setting's value)."""

    def __init__(self, office: dict | None = None):
        self.entries: dict[dt.date, Entry] = {}
        self.complete: set[int] = set()
        for year, data in (office or {}).items():
            if data.get("complete"):
                self.complete.add(int(year))
            for iso, kind, *note in data.get("days", ()):
                day = dt.date.fromisoformat(iso)
                self.entries[day] = Entry(day, kind, note[0] if note else "")
        self._years: dict[int, list[int]] = {}   # year -> ordinals of its working days, in order

    def known(self, year: int) -> bool:
        return year in self.complete or library_year(year) is not None

    def is_working(self, day: dt.date) -> bool:
        entry = self.entries.get(day)
        if entry is not None:
            return entry.kind == WORKDAY
        days = library_year(day.year)
        if days is None:
            return day.weekday() < 5
        return days[day.timetuple().tm_yday - 1]

    def _working(self, year: int) -> list[int]:
        found = self._years.get(year)
        if found is None:
            day, found = dt.date(year, 1, 1), []
            while day.year == year:
                if self.is_working(day):
                    found.append(day.toordinal())
                day += dt.timedelta(days=1)
            self._years[year] = found
        return found

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted; n ≥ 1)."""
        ordinal, year = start.toordinal(), start.year
        while True:
            days = self._working(year)
            i = bisect.bisect_right(days, ordinal)
            if i + n - 1 < len(days):
                return dt.date.fromordinal(days[i + n - 1])
            n -= len(days) - i
            year += 1
            ordinal = dt.date(year, 1, 1).toordinal() - 1

    def next_working(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next working day."""
        days = self._working(day.year)
        i = bisect.bisect_left(days, day.toordinal())
        if i < len(days):
            return dt.date.fromordinal(days[i])
        return self.next_working(dt.date(day.year + 1, 1, 1))

    def unknown_years(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """The years from ``first`` to ``last`` whose calendar nobody gave."""
        return tuple(y for y in range(first.year, last.year + 1) if not self.known(y))


# -- the office's dates: the setting's value, a table per year, a CSV file ------------------------
def office_entries(office: dict | None, year: int) -> tuple[list[Entry], bool]:
    """The office's dates of ``year``, in date order, and whether it entered the whole year."""
    data = (office or {}).get(str(year)) or {}
    entries = [Entry(dt.date.fromisoformat(iso), kind, note[0] if note else "")
               for iso, kind, *note in data.get("days", ())]
    return sorted(entries, key=lambda e: e.day), bool(data.get("complete"))


def with_year(office: dict | None, year: int, entries: Iterable[Entry], complete: bool) -> dict:
    """The setting's value with ``year``'s dates replaced (a year with nothing left is dropped)."""
    out = {k: v for k, v in (office or {}).items() if k != str(year)}
    days = [[e.day.isoformat(), e.kind, e.note] for e in sorted(entries, key=lambda e: e.day)
            if e.day.year == year]
    if days or complete:
        out[str(year)] = {"complete": bool(complete), "days": days}
    return dict(sorted(out.items()))


def to_csv(entries: Iterable[Entry]) -> str:
    """The dates as CSV text (UTF-8 with a byte order mark when written, so that Excel reads it)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([e.day.isoformat(), KIND_NAMES[e.kind][0], e.note])
    return buf.getvalue()


_KIND_WORDS = {"放假": HOLIDAY, "休息": HOLIDAY, "假日": HOLIDAY, "节假日": HOLIDAY, "holiday": HOLIDAY,
               "day off": HOLIDAY, "上班": WORKDAY, "工作日": WORKDAY, "补班": WORKDAY, "调休上班": WORKDAY,
               "workday": WORKDAY, "working day": WORKDAY}


def from_csv(text: str, file: str) -> list[Entry]:
    """Dates read back from :func:`to_csv`'s form; a bad row is refused naming the file and row."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and [c.strip() for c in rows[0][:3]] == list(CSV_HEADER):
        rows = rows[1:]
        first = 2
    else:
        first = 1
    out: dict[dt.date, Entry] = {}
    for n, row in enumerate(rows, first):
        cells = [c.strip() for c in row] + ["", "", ""]
        if not any(cells):
            continue
        try:
            day = dt.date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            raise BrokerDeskError("cal.bad_date", file=file, row=n, value=cells[0]) from None
        kind = _KIND_WORDS.get(cells[1].lower())
        if kind is None:
            raise BrokerDeskError("cal.bad_kind", file=file, row=n, value=cells[1])
        if day in out:
            raise BrokerDeskError("cal.twice", file=file, row=n, value=day.isoformat())
        out[day] = Entry(day, kind, cells[2])
    if not out:
        raise BrokerDeskError("cal.no_rows", file=file)
    return sorted(out.values(), key=lambda e: e.day)
