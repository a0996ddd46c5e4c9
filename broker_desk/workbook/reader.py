"""Reading the workbooks people really have.

:func:`read_workbook` opens any workbook python-calamine reads (see :mod:`.opening`), finds
which canonical sheet each worksheet is (by its name, else by its headers), finds the header row
under any title rows, maps the headers (synonyms, 万元 headers, the user's own overrides) and
hands back the data rows as raw cell values, without blank rows and 合计/小计/总计 rows (see
:mod:`.sheet_rows`). Turning cells into ledger values is :mod:`.cells`'s job, checking and writing
them the importer's.

A file that cannot be used raises :class:`~broker_desk.errors.BrokerDeskError`
with one sentence saying why; no exception of the reading library escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from ..errors import BrokerDeskError
from ..i18n import register, tr
from ..ledger.bulk import gc_paused
from .opening import (
    DIMENSION,
    ExtentGuard,
    blank_sheet,
    column_number,
    is_fatal,
    load_sheet,
    load_sheet_aside,
    open_workbook,
)
from .schema import (
    CODES_SHEET,
    INSTRUCTIONS,
    SHEETS,
    Column,
    Sheet,
    find_sheet,
    match_header,
    normalise_header,
)
from .sheet_rows import HEADER_SEARCH_ROWS, RowStream

register({
    "workbook.no_sheets": (
        "文件“{name}”中没有找到可导入的工作表：需要名为 经纪人/客户/科技成果/技术合同/登记进度 的工作表，"
        "或表头能识别的工作表",
        "No sheet to import was found in the file “{name}”: a sheet must be named "
        "经纪人/客户/科技成果/技术合同/登记进度 or have headers that can be recognised"),
    "workbook.empty_workbook": ("文件“{name}”中没有数据：工作表{sheets}是空的",
                                "The file “{name}” holds no data (empty sheets: {sheets})"),
    "workbook.bad_override": ("文件“{name}”工作表“{sheet}”的列“{header}”被指定为“{target}”，但这张表没有这一列",
                              "Column “{header}” of sheet “{sheet}” of the file “{name}” was assigned to "
                              "“{target}”, which that sheet does not have"),
    "workbook.reading": ("正在读取工作表“{sheet}”", "Reading sheet “{sheet}”"),
    "workbook.read": ("已读取工作簿", "Workbook read"),
})

_IGNORED_SHEETS = (normalise_header(INSTRUCTIONS), normalise_header(CODES_SHEET))


@dataclass
class RawSheet:
    name: str                      # the sheet's name in the file
    sheet: Sheet | None            # the canonical sheet it is
    header_row: int                # 1-based row number of the header row; 0 when none was found
    headers: list[str]             # the header texts as written ("" for an empty header cell)
    columns: dict[int, tuple[Column, int]] = field(default_factory=dict)  # index -> (column, scale)
    unmapped: list[tuple[int, str]] = field(default_factory=list)         # (index, header text)
    rows: list[tuple[int, list]] = field(default_factory=list)            # (1-based row number, cells)
    skipped_total_rows: list[int] = field(default_factory=list)           # rows skipped as totals

    def column_index(self, field_name: str) -> int | None:
        """The 0-based index of the column holding ``field_name``, if the sheet has it."""
        return next((i for i, (c, _) in self.columns.items() if c.field == field_name), None)



# -- headers --------------------------------------------------------------------------------


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_NO_OVERRIDE = object()


def _map_headers(sheet: Sheet, texts: list[str], overrides: dict[str, str], sheet_name: str,
                 strict: bool) -> tuple[dict[int, tuple[Column, int]], list[tuple[int, str]]]:
    """Columns and unmapped headers of one header row. A header mapped to a column that an
    earlier header already holds is reported as unmapped. ``strict``: a bad override raises."""
    columns: dict[int, tuple[Column, int]] = {}
    unmapped: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, text in enumerate(texts):
        if not text:
            continue
        target = overrides.get(text, overrides.get(normalise_header(text), _NO_OVERRIDE)) if overrides \
            else _NO_OVERRIDE
        if target is _NO_OVERRIDE:
            column, scale = match_header(sheet, text)
        elif target is None or not str(target).strip():
            continue  # the user chose not to import this column
        else:
            column, scale = match_header(sheet, target)
            if column is None and strict:
                raise BrokerDeskError("workbook.bad_override", sheet=sheet_name, header=text, target=target)
        if column is None or column.field in taken:
            unmapped.append((index, text))
            continue
        taken.add(column.field)
        columns[index] = (column, scale)
    return columns, unmapped


def _normal_overrides(overrides: dict[str, str] | None) -> dict[str, str]:
    """The user's mapping, also under each header's normalised form."""
    result: dict[str, str] = {}
    for written, target in (overrides or {}).items():
        result[str(written).strip()] = target
        result.setdefault(normalise_header(written), target)
    return result


def _recognised(sheet: Sheet, required: int, mapped: int) -> bool:
    """Whether headers matching ``mapped`` columns, ``required`` of them required, make a
    sheet of any name this canonical sheet: two of its required headers; for 经纪人 and 客户,
    whose only required header is the name, that one and two more (姓名 + 手机 alone is
    any list of people, 名称 + 信用代码 + 联系人 a list of clients)."""
    needed = sum(1 for c in sheet.columns if c.required)
    if needed >= 2:
        return required >= 2
    return required >= needed and mapped >= 3


def _find_header(rows: list[list], known: Sheet | None, overrides: dict[str, str], sheet_name: str):
    """``(row index, sheet, texts)`` of the header row, or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [_header_text(v) for v in row]
        if sum(1 for t in texts if t) < 2:
            continue
        if known is not None:
            columns, _ = _map_headers(known, texts, overrides, sheet_name, strict=False)
            if len(columns) >= 2:
                return index, known, texts
            continue
        best, best_score = None, (0, 0)
        for candidate in SHEETS:
            columns, _ = _map_headers(candidate, texts, overrides, sheet_name, strict=False)
            required = sum(1 for c, _ in columns.values() if c.required)
            score = (len(columns), required)
            if _recognised(candidate, required, len(columns)) and score > best_score:
                best, best_score = candidate, score
        if best is not None:
            return index, best, texts
    return None


# -- the workbook ---------------------------------------------------------------------------


class WorkbookReader:
    """An open workbook whose importable sheets are read one at a time, each loaded by the
    reading library in a thread (without Python's lock) while the rows of the sheet before it
    are being built. :func:`read_workbook` reads every sheet at once; a large import reads each
    sheet when it comes to it (:meth:`read_in_order`), so that loading overlaps the import.

    Raises :class:`BrokerDeskError` when the file is missing, empty, not a workbook or encrypted.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.workbook = open_workbook(self.path)
        self.guard = ExtentGuard(self.path)
        self.loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader")
        self.aside: ThreadPoolExecutor | None = None  # see load_aside
        self._loads: dict[str, Future] = {}
        try:
            metadata = [(m.name, m.typ) for m in self.workbook.sheets_metadata]
        except BaseException as e:  # noqa: BLE001 - see open_workbook
            self.close()
            if is_fatal(e):
                raise
            raise BrokerDeskError("workbook.not_workbook", name=self.path.name) from None
        #: every worksheet, in the file's order, and those an import looks at
        self.worksheets = [name for name, typ in metadata if typ == python_calamine.SheetTypeEnum.WorkSheet]
        self.wanted = [name for name in self.worksheets if normalise_header(name) not in _IGNORED_SHEETS]

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if isinstance(exc, BrokerDeskError) and exc.code.startswith("workbook."):
            exc.args_.setdefault("name", self.path.name)  # a sheet's fault, said of this file

    def load(self, name: str) -> None:
        """Start loading the sheet ``name`` (in the loader thread) unless it is loading already."""
        if name not in self._loads:
            self.guard.check(name)
            self._loads[name] = self.loader.submit(load_sheet, self.workbook, name)

    def load_aside(self, name: str) -> None:
        """Start loading the sheet ``name`` now, beside the loads of the other sheets: on a handle
        on the file and in a thread of its own (loading a sheet takes the most memory it will
        ever need near its end; a large sheet loaded from the start has that moment behind it
        before the sheets before it are imported)."""
        if name not in self._loads:
            self.guard.check(name)
            if self.aside is None:
                self.aside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader-aside")
            self._loads[name] = self.aside.submit(load_sheet_aside, self.path, name)

    def read(self, name: str, overrides: dict[str, str] | None = None, then: Iterable[str] = (),
             stream: bool = False) -> RawSheet | None:
        """The sheet ``name`` read (see :func:`read_workbook`), with the sheets ``then`` loading
        meanwhile (one after the other); None for a sheet that is not importable. With ``stream``,
        the sheet's ``rows`` are an iterator that builds each data row as it is asked for (once)."""
        self.load(name)
        for following in then:
            self.load(following)  # loads while this sheet's rows are built
        return _read_sheet(self._loads.pop(name), name, _normal_overrides(overrides), stream)

    @gc_paused()  # a bulk job
    def read_all(self, overrides: dict[str, dict[str, str]] | None = None,
                 progress: Callable[[float, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[RawSheet] | None:
        """Every importable sheet, in the file's order: see :func:`read_workbook`."""
        report = progress or (lambda fraction, message: None)
        result: list[RawSheet] = []
        wanted = self.wanted
        for number, name in enumerate(self.worksheets):
            if cancelled is not None and cancelled():
                return None
            report(number / max(len(self.worksheets), 1), tr("workbook.reading", sheet=name))
            if name not in wanted:
                continue
            following = wanted.index(name) + 1
            raw = self.read(name, (overrides or {}).get(name), wanted[following:following + 1])
            if raw is not None:
                result.append(raw)
        if not result:
            blank = [name for name in self.worksheets if blank_sheet(self.workbook, name)]
            if blank and len(blank) == len(self.worksheets):
                raise BrokerDeskError("workbook.empty_workbook", name=self.path.name,
                                      sheets="、".join(f"“{name}”" for name in blank))
            raise BrokerDeskError("workbook.no_sheets", name=self.path.name)
        report(1.0, tr("workbook.read"))
        return result

    def size_estimate(self, name: str) -> tuple[int, int, int] | None:
        """How many rows and columns the sheet says it has (its ``<dimension>``) and the bytes of
        its XML unpacked (what loading it takes in memory goes with them), without reading it;
        None when the file does not say (not an .xlsx, or a writer that leaves it out)."""
        part = self.guard.parts.get(name)
        if part is None or self.guard.zip is None:
            return None
        try:
            with self.guard.zip.open(part) as f:
                match = DIMENSION.search(f.read(4096))
            xml = self.guard.zip.getinfo(part).file_size
        except Exception:  # noqa: BLE001 - a damaged part is calamine's to report
            return None
        if match is None:
            return None
        return int(match.group(4) or match.group(2)), column_number(match.group(3) or match.group(1)), xml

    def close(self) -> None:
        self.loader.shutdown(wait=True, cancel_futures=True)  # a load under way finishes before the file is closed
        if self.aside is not None:
            self.aside.shutdown(wait=True, cancel_futures=True)
        self.guard.close()
        try:
            self.workbook.close()
        except BaseException as e:  # noqa: BLE001 - closing never matters more than what happened
            if is_fatal(e):
                raise


def read_workbook(path, overrides: dict[str, dict[str, str]] | None = None,
                  progress: Callable[[float, str], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[RawSheet] | None:
    """The importable sheets of the workbook at ``path``, in the file's order.

    A sheet is importable when it is named like a canonical sheet (:func:`find_sheet`)
    or its headers match one: the canonical sheet whose columns they match best, with at
    least two required headers (经纪人/客户, with one required header: it and two more). 填写说明 and 代码表 are ignored, as are chart sheets.
    A sheet named like a canonical one whose header row cannot be found comes back with
    ``header_row == 0``, no columns and every non-blank row, so that the caller can say so.

    ``overrides`` maps a sheet's name to ``{header as written: canonical header}`` for
    columns the synonyms do not know (a target of ``""``/``None`` leaves the column out
    without reporting it). ``progress(fraction, message)`` is told of each sheet; when
    ``cancelled()`` turns true between sheets, the reading stops and None is returned.

    Raises :class:`BrokerDeskError` when the file is missing, empty, not a workbook,
    encrypted, or has no importable sheet.
    """
    with WorkbookReader(path) as book:
        return book.read_all(overrides, progress, cancelled)


def _read_sheet(loaded: Future, name: str, overrides: dict[str, str], stream: bool = False) -> RawSheet | None:
    """The sheet as a RawSheet, its data rows a list (``stream``: a :class:`RowStream`); None
    for a sheet that is not importable."""
    known = find_sheet(name)
    rows = RowStream(loaded, name)
    found = _find_header(rows.head, known, overrides, name)
    if found is None:  # a canonical sheet whose header is not found: every row, for the caller to say so
        if known is None:
            return None
        return RawSheet(name, known, 0, [], {}, [], rows.collect(), rows.totals)
    index, sheet, texts = found
    columns, unmapped = _map_headers(sheet, texts, overrides, name, strict=True)
    rows.start = index + 1
    return RawSheet(name, sheet, index + 1, texts, columns, unmapped, rows if stream else rows.collect(),
                    rows.totals)
