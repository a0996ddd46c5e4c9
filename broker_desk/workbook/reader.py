"""Reading the workbooks people really have.

:func:`read_workbook` opens any workbook python-calamine reads (.xlsx, .xlsm,
.xls, .xlsb, .ods — also when the file's extension lies), finds which canonical
sheet each worksheet is (by its name, else by its headers), finds the header row
under any title rows, maps the headers (synonyms, 万元 headers, the user's own
overrides) and hands back the data rows as raw cell values, without blank rows
and 合计/小计/总计 rows. Turning cells into ledger values is :mod:`.cells`'s job,
checking and writing them the importer's.

A file that cannot be used raises :class:`~broker_desk.errors.BrokerDeskError`
with one sentence saying why; no exception of the reading library escapes.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from ..errors import BrokerDeskError
from ..i18n import register, tr
from ..ledger.bulk import gc_paused
from .cells import is_blank
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

register({
    "workbook.damaged": ("文件“{name}”已损坏，无法读取；请在 Excel/WPS 中打开后另存为 .xlsx 再导入",
                         "“{name}” is damaged and cannot be read; open it in Excel or WPS and save it as .xlsx"),
    "workbook.not_found": ("找不到文件“{path}”", "File not found: “{path}”"),
    "workbook.is_folder": ("“{path}”是文件夹，请选择工作簿文件", "“{path}” is a folder; choose a workbook file"),
    "workbook.unreadable": ("无法打开文件“{name}”（{reason}），请确认有读取权限且文件未被其他程序独占",
                            "Cannot open the file “{name}” ({reason}); check that you may read it and that "
                            "no other program holds it"),
    "workbook.empty_file": ("文件“{name}”是空的（0 字节），不是工作簿",
                            "The file “{name}” is empty (0 bytes), not a workbook"),
    "workbook.not_workbook": (
        "文件“{name}”不是可读取的工作簿（.xlsx、.xlsm、.xls、.xlsb 或 .ods），"
        "如果它是 CSV、网页或 PDF，请先用 Excel/WPS 打开并另存为 .xlsx",
        "The file “{name}” is not a workbook that can be read (.xlsx, .xlsm, .xls, .xlsb or .ods); "
        "if it is a CSV, web page or PDF, open it in Excel/WPS and save it as .xlsx first"),
    "workbook.encrypted": (
        "文件“{name}”已加密（设有打开密码），请先在 Excel/WPS 中取消密码后再导入",
        "The file “{name}” is encrypted (it has a password to open); remove the password in Excel/WPS "
        "before importing it"),
    "workbook.no_sheets": (
        "文件“{name}”中没有找到可导入的工作表：需要名为 经纪人/客户/科技成果/技术合同/登记进度 的工作表，"
        "或表头能识别的工作表",
        "No sheet to import was found in the file “{name}”: a sheet must be named "
        "经纪人/客户/科技成果/技术合同/登记进度 or have headers that can be recognised"),
    "workbook.empty_workbook": ("文件“{name}”中没有数据：工作表{sheets}是空的",
                                "The file “{name}” holds no data (empty sheets: {sheets})"),
    "workbook.sheet_unreadable": ("文件“{name}”的工作表“{sheet}”无法读取（{reason}），文件可能已损坏",
                                  "The sheet “{sheet}” of the file “{name}” cannot be read ({reason}); the file "
                                  "may be damaged"),
    "workbook.sheet_too_large": (
        "文件“{name}”的工作表“{sheet}”的 {cell} 单元格有内容，使表格区域大到 {rows} 行 × {columns} 列，"
        "请删除表格以外的多余内容后再导入",
        "Sheet “{sheet}” of the file “{name}” has content in cell {cell}, which makes it {rows} rows × "
        "{columns} columns; delete what lies outside the table before importing"),
    "workbook.bad_override": ("文件“{name}”工作表“{sheet}”的列“{header}”被指定为“{target}”，但这张表没有这一列",
                              "Column “{header}” of sheet “{sheet}” of the file “{name}” was assigned to "
                              "“{target}”, which that sheet does not have"),
    "workbook.reading": ("正在读取工作表“{sheet}”", "Reading sheet “{sheet}”"),
    "workbook.read": ("已读取工作簿", "Workbook read"),
})

#: Rows searched for the header row (title rows above it are skipped).
HEADER_SEARCH_ROWS = 15
#: Words that start a total row (after spaces are removed).
TOTAL_WORDS = ("合计", "小计", "总计")
#: How many of a row's first non-empty text cells are looked at for a total word.
TOTAL_CELLS = 3

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
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


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    if index < 0:
        raise ValueError("column index must be >= 0")
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -- opening --------------------------------------------------------------------------------


def _is_fatal(e: BaseException) -> bool:
    return isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError)


def _ole_stream_names(data_path: Path) -> set[str]:
    """Names of the entries of an OLE2 compound file (the container of .xls files and of
    encrypted .xlsx files), read from its directory; empty when it cannot be parsed."""
    try:
        with open(data_path, "rb") as f:
            header = f.read(512)
            if len(header) < 512 or header[:8] != _OLE_MAGIC:
                return set()
            sector_size = 1 << struct.unpack_from("<H", header, 30)[0]
            if sector_size not in (512, 4096):
                return set()
            first_dir, = struct.unpack_from("<I", header, 48)
            first_difat, difat_count = struct.unpack_from("<II", header, 68)
            fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s < 0xFFFFFFFA]
            ids_per_sector = sector_size // 4

            def sector(n: int) -> bytes:
                f.seek((n + 1) * sector_size)
                return f.read(sector_size)

            next_difat = first_difat
            for _ in range(min(difat_count, 10_000)):
                if next_difat >= 0xFFFFFFFA:
                    break
                ids = struct.unpack(f"<{ids_per_sector}I", sector(next_difat))
                fat_sectors.extend(s for s in ids[:-1] if s < 0xFFFFFFFA)
                next_difat = ids[-1]
            fat: list[int] = []
            for s in fat_sectors:
                data = sector(s)
                if len(data) < sector_size:
                    break
                fat.extend(struct.unpack(f"<{ids_per_sector}I", data))
            names: set[str] = set()
            current, seen = first_dir, set()
            while current < len(fat) and current not in seen and len(seen) < 100_000:
                seen.add(current)
                data = sector(current)
                for offset in range(0, len(data) - 127, 128):
                    length, kind = struct.unpack_from("<HB", data, offset + 64)
                    if kind in (1, 2, 5) and 2 <= length <= 64:
                        names.add(data[offset:offset + length - 2].decode("utf-16-le", "replace"))
                current = fat[current]
            return names
    except (OSError, struct.error):
        return set()


def _open(path: Path):
    """The calamine workbook of ``path``, or a BrokerDeskError saying why there is none."""
    if not path.exists():
        raise BrokerDeskError("workbook.not_found", path=str(path))
    if path.is_dir():
        raise BrokerDeskError("workbook.is_folder", path=str(path))
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as e:
        raise BrokerDeskError("workbook.unreadable", name=path.name, reason=e.strerror or str(e)) from None
    if not head:
        raise BrokerDeskError("workbook.empty_file", name=path.name)
    if head == _OLE_MAGIC and "EncryptedPackage" in _ole_stream_names(path):
        raise BrokerDeskError("workbook.encrypted", name=path.name)
    if head == _OLE_MAGIC or path.suffix.lower() == ".ods":
        _probe_in_child(path)
    errors: list[BaseException] = []
    for how in ("path", "content"):
        try:
            if how == "path":
                return python_calamine.CalamineWorkbook.from_path(str(path))
            # The extension may lie (an .xls saved as .xlsx): let calamine look at the bytes.
            with open(path, "rb") as f:
                return python_calamine.CalamineWorkbook.from_filelike(f)
        except BaseException as e:  # noqa: BLE001 - calamine raises Rust panics as BaseException
            if _is_fatal(e):
                raise
            errors.append(e)
    if any(isinstance(e, python_calamine.PasswordError) or "password" in str(e).lower()
           or "encrypt" in str(e).lower() for e in errors):
        raise BrokerDeskError("workbook.encrypted", name=path.name)
    raise BrokerDeskError("workbook.not_workbook", name=path.name)


_PROBE = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""


def _probe_in_child(path: Path) -> None:
    """Read an .xls or .ods once in a child process first: on some damaged files of these formats
    calamine aborts the whole process instead of raising, and that must not take the program down."""
    try:
        result = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired):
        return  # no verdict: read it here as usual
    if result.returncode < 0 or (result.returncode != 0 and b"Error" not in result.stderr):
        raise BrokerDeskError("workbook.damaged", name=path.name)


#: Largest sheet read, in cells from A1 to the last cell with content. calamine builds the
#: whole rectangle in memory and aborts the process (no exception) when it cannot.
MAX_CELLS = 25_000_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_VALUE_CELL = re.compile(rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})(\d+)\"[^>]*?(?<!/)>")
_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _column_number(letters: bytes | str) -> int:
    """1-based number of a column's letters (A → 1, AA → 27)."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


class _ExtentGuard:
    """Refuses, before calamine reads it, an .xlsx/.xlsm sheet whose content reaches so far
    (a stray value in XFD1048576) that building it in memory would kill the process.

    The sheet's ``<dimension>`` (written by Excel, WPS, LibreOffice and the Python writers)
    settles most sheets from the first bytes; only when it is missing or large are the
    cells with content scanned. Any surprise leaves the decision to calamine.
    """

    def __init__(self, path: Path):
        self.parts: dict[str, str] = {}
        self.zip: zipfile.ZipFile | None = None
        try:
            if not zipfile.is_zipfile(path):
                return
            self.zip = zipfile.ZipFile(path)
            names = set(self.zip.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return
            rels = ElementTree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
            for sheet in book.iter():
                if sheet.tag.endswith("}sheet") and sheet.get("name"):
                    target = targets.get(sheet.get(_RELS_NS + "id"), "")
                    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                    if part in names:
                        self.parts[sheet.get("name")] = part
        except Exception:  # noqa: BLE001 - a damaged file is calamine's to report
            self.parts = {}

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def check(self, name: str) -> None:
        part = self.parts.get(name)
        if part is None or self.zip is None:
            return
        try:
            extent = self._extent(part)
        except Exception:  # noqa: BLE001 - a damaged part is calamine's to report
            return
        if extent is not None and extent[0] * extent[1] > MAX_CELLS:
            rows, columns, cell = extent
            raise BrokerDeskError("workbook.sheet_too_large", sheet=name, cell=cell, rows=f"{rows:,}",
                                  columns=f"{columns:,}")

    def _extent(self, part: str) -> tuple[int, int, str] | None:
        """(rows, columns, farthest cell) from A1 to the last cell with content."""
        with self.zip.open(part) as f:
            head = f.read(4096)
            match = _DIMENSION.search(head)
            if match and match.group(3):
                rows, columns = int(match.group(4)), _column_number(match.group(3))
                if rows * columns <= MAX_CELLS:
                    return None
            max_row = max_column = 0
            carry, chunk = b"", head
            while chunk:
                buffer = carry + chunk
                cut = buffer.rfind(b"<")
                carry, buffer = (buffer[cut:], buffer[:cut]) if cut >= 0 else (b"", buffer)
                for letters, row in _VALUE_CELL.findall(buffer):
                    max_row = max(max_row, int(row))
                    max_column = max(max_column, _column_number(letters))
                chunk = f.read(1 << 20)
            for letters, row in _VALUE_CELL.findall(carry):
                max_row = max(max_row, int(row))
                max_column = max(max_column, _column_number(letters))
        if not max_row:
            return None
        return max_row, max_column, f"{column_letter(max_column - 1)}{max_row}"


def _load(workbook, name: str):
    """The sheet as the reading library holds it (the slow part of reading, done without
    Python's lock: it runs in a thread while the previous sheet's rows are being built)."""
    try:
        return workbook.get_sheet_by_name(name)
    except BaseException as e:  # noqa: BLE001 - see _open
        _sheet_failed(e, name)


def _blank_sheet(workbook, name: str) -> bool:
    """Whether a sheet holds nothing but blank cells (asked only of a file with nothing to import)."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        return sheet.height == 0 or (sheet.height * sheet.width <= 10_000 and not any(
            str(cell).strip() for row in sheet.to_python() for cell in row))
    except BaseException as e:  # noqa: BLE001 - see _open
        if _is_fatal(e):
            raise
        return False


def _load_aside(path: Path, name: str):
    """:func:`_load` on a handle of its own, closed once the sheet is loaded (which stands alone)."""
    workbook = _open(path)
    try:
        return _load(workbook, name)
    finally:
        workbook.close()


class RowStream:
    """The rows of a sheet as loaded, built by the reading library as they are asked for, a
    chunk at a time: only the rows being imported need be in memory, not the whole sheet's.
    ``head`` holds the first rows (where the header is looked for); once ``start`` is set to
    the header's row number, :meth:`chunks` gives the data rows after it as ``(1-based row
    number, cells)`` — without blank rows and total rows, whose numbers go to ``totals``.
    The rows can be gone through once."""

    def __init__(self, loaded: Future, name: str):
        self._name = name
        self.start = 0
        self.totals: list[int] = []
        try:
            self._sheet = loaded.result()  # stays while its rows are read
            self._rest = self._sheet.iter_rows()
            # iter_rows starts at the first used column
            self._pad = [""] * self._sheet.start[1] if self._sheet.height else []
            self.head = [self._pad + row for row in islice(self._rest, HEADER_SEARCH_ROWS)]
        except BrokerDeskError:
            raise
        except BaseException as e:  # noqa: BLE001 - see _open
            _sheet_failed(e, name)

    def __iter__(self):
        for chunk in self.chunks():
            yield from chunk

    def collect(self) -> list[tuple[int, list]]:
        """Every data row at once, with text repeated down the sheet (categories, statuses, party
        names) kept once: a sheet held whole needs far less memory so."""
        kept: dict[str, str] = {}
        keep = kept.setdefault
        return [(number, [keep(v, v) if v.__class__ is str else v for v in cells])
                for chunk in self.chunks() for number, cells in chunk]

    def chunks(self, size: int = 2000) -> Iterator[list[tuple[int, list]]]:
        number, start, totals = 0, self.start, self.totals
        pending, self.head = self.head, []
        while True:
            if pending:
                cells, pending = pending[:size], pending[size:]
            else:
                try:
                    cells = list(islice(self._rest, size))
                except BrokerDeskError:
                    raise
                except BaseException as e:  # noqa: BLE001 - see _open
                    _sheet_failed(e, self._name)
                if self._pad:
                    cells = [self._pad + row for row in cells]
            if not cells:
                self._sheet = None
                return
            first, number = number + 1, number + len(cells)
            if first <= start:  # the header and the rows above it
                cells, first = cells[start - first + 1:], start + 1
            suspects = _suspects(cells)
            if suspects is not None and not suspects:
                yield list(zip(range(first, number + 1), cells, strict=True))
                continue
            data = []
            for row_no, row in enumerate(cells, start=first):
                kind = row_kind(row) if suspects is None or row_no - first in suspects else DATA
                if kind is DATA:
                    data.append((row_no, row))
                elif kind is TOTAL:
                    totals.append(row_no)
            if data:
                yield data


def _sheet_failed(e: BaseException, name: str):
    if _is_fatal(e):
        raise e
    if isinstance(e, python_calamine.PasswordError) or "password" in str(e).lower():
        raise BrokerDeskError("workbook.encrypted") from None
    raise BrokerDeskError("workbook.sheet_unreadable", sheet=name, reason=str(e)[:200] or type(e).__name__) from None


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


# -- rows -----------------------------------------------------------------------------------


_TOTAL_FIRST = frozenset(word[0] for word in TOTAL_WORDS)
_INVISIBLE_FIRST = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_NOT_PLAIN_FIRST = _TOTAL_FIRST | _INVISIBLE_FIRST
BLANK, TOTAL, DATA = "blank", "total", "data"


def _is_total_label(text: str) -> bool:
    """合计, 合 计, 合计：, 合计（万元）, 小计3项 — but not 总计算平台 or 合计划: a Chinese
    character right after the word makes it part of a longer word, a title."""
    text = "".join(text.split())
    if not text.startswith(TOTAL_WORDS):
        return False
    rest = text[2:3]
    return not rest or not ("\u3400" <= rest <= "\u9fff" or "\uf900" <= rest <= "\ufaff")


def row_kind(cells: list) -> str:
    """BLANK (every cell empty or spaces only), TOTAL (one of the first three non-empty text
    cells is 合计/小计/总计, spaces ignored: ``"合 计"``, maybe followed by anything but
    another Chinese character: ``"合计："``, ``"小计（3项）"``) or DATA. One pass that
    usually stops after a few cells: this runs once for every row of the file."""
    seen = 0
    filled = False
    for value in cells:
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            filled = True
            continue
        text = value.lstrip()
        if not text or (text[0] in _INVISIBLE_FIRST and is_blank(text)):
            continue
        if text[0] in _TOTAL_FIRST and _is_total_label(text):
            return TOTAL
        filled = True
        seen += 1
        if seen == TOTAL_CELLS:
            return DATA
    return DATA if filled else BLANK


_NOT_PLAIN = "(?:\x00|$|\\s|[" + "".join(sorted(_NOT_PLAIN_FIRST)) + "])"  # a cell's start that may not be DATA
_NOT_PLAIN_START = re.compile("\x00" + _NOT_PLAIN)  # in cells joined, each after a \x00
_NOT_PLAIN_CELL = re.compile(_NOT_PLAIN).match


def _suspects(rows: list[list]) -> set[int] | None:
    """The rows :func:`row_kind` must look at, by index: those whose first three cells are not
    all text starting with neither a space, an invisible character nor the first character of
    a total word (the others are DATA; nearly every row of a large sheet is), told for a column
    of cells at once; None (every row) when the cells are not all text."""
    if not rows or min(map(len, rows)) < TOTAL_CELLS:
        return None
    suspects = set()
    for i in range(TOTAL_CELLS):
        column = [row[i] for row in rows]
        if set(map(type, column)) != {str}:
            return None
        if _NOT_PLAIN_START.search("\x00" + "\x00".join(column)):  # a few: which ones
            suspects.update(j for j, text in enumerate(column) if _NOT_PLAIN_CELL(text))
    return suspects


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
        self.workbook = _open(self.path)
        self.guard = _ExtentGuard(self.path)
        self.loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader")
        self.aside: ThreadPoolExecutor | None = None  # see load_aside
        self._loads: dict[str, Future] = {}
        try:
            metadata = [(m.name, m.typ) for m in self.workbook.sheets_metadata]
        except BaseException as e:  # noqa: BLE001 - see _open
            self.close()
            if _is_fatal(e):
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
            self._loads[name] = self.loader.submit(_load, self.workbook, name)

    def load_aside(self, name: str) -> None:
        """Start loading the sheet ``name`` now, beside the loads of the other sheets: on a handle
        on the file and in a thread of its own (loading a sheet takes the most memory it will
        ever need near its end; a large sheet loaded from the start has that moment behind it
        before the sheets before it are imported)."""
        if name not in self._loads:
            self.guard.check(name)
            if self.aside is None:
                self.aside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-loader-aside")
            self._loads[name] = self.aside.submit(_load_aside, self.path, name)

    def read(self, name: str, overrides: dict[str, str] | None = None, then: str | None = None,
             stream: bool = False) -> RawSheet | None:
        """The sheet ``name`` read (see :func:`read_workbook`), with the sheet ``then`` loading
        meanwhile; None for a sheet that is not importable. With ``stream``, the sheet's
        ``rows`` are an iterator that builds each data row as it is asked for (once)."""
        self.load(name)
        if then is not None:
            self.load(then)  # loads while this sheet's rows are built
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
            raw = self.read(name, (overrides or {}).get(name), wanted[following] if following < len(wanted) else None)
            if raw is not None:
                result.append(raw)
        if not result:
            blank = [name for name in self.worksheets if _blank_sheet(self.workbook, name)]
            if blank and len(blank) == len(self.worksheets):
                raise BrokerDeskError("workbook.empty_workbook", name=self.path.name,
                                      sheets="、".join(f"“{name}”" for name in blank))
            raise BrokerDeskError("workbook.no_sheets", name=self.path.name)
        report(1.0, tr("workbook.read"))
        return result

    def size_estimate(self, name: str) -> tuple[int, int] | None:
        """How many rows and columns the sheet says it has (its ``<dimension>``), without reading
        it; None when the file does not say (not an .xlsx, or a writer that leaves it out)."""
        part = self.guard.parts.get(name)
        if part is None or self.guard.zip is None:
            return None
        try:
            with self.guard.zip.open(part) as f:
                match = _DIMENSION.search(f.read(4096))
        except Exception:  # noqa: BLE001 - a damaged part is calamine's to report
            return None
        if match is None:
            return None
        return int(match.group(4) or match.group(2)), _column_number(match.group(3) or match.group(1))

    def close(self) -> None:
        self.loader.shutdown(wait=True, cancel_futures=True)  # a load under way finishes before the file is closed
        if self.aside is not None:
            self.aside.shutdown(wait=True, cancel_futures=True)
        self.guard.close()
        try:
            self.workbook.close()
        except BaseException as e:  # noqa: BLE001 - closing never matters more than what happened
            if _is_fatal(e):
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
