"""Opening any workbook safely, and the sheets of it.

:func:`open_workbook` opens what python-calamine reads (.xlsx, .xlsm, .xls, .xlsb, .ods — also
when the file's extension lies), saying in one sentence why a file cannot be used: missing, a
folder, unreadable, empty, not a workbook, encrypted (also told by the OLE2 container's stream
names), or damaged so badly that calamine would abort the process (an .xls or .ods is read once
in a child process first). :class:`ExtentGuard` refuses a sheet too large to build in memory
before calamine reads it; :func:`load_sheet` and :func:`load_sheet_aside` load a sheet (in the
caller's thread pool). Streaming a loaded sheet's rows is :mod:`.sheet_rows`'s job, recognising its
sheets and headers :mod:`.reader`'s.

No exception of the reading library escapes: :class:`~broker_desk.errors.BrokerDeskError`.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from ..errors import BrokerDeskError
from ..i18n import register

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
    "workbook.sheet_unreadable": ("文件“{name}”的工作表“{sheet}”无法读取（{reason}），文件可能已损坏",
                                  "The sheet “{sheet}” of the file “{name}” cannot be read ({reason}); the file "
                                  "may be damaged"),
    "workbook.sheet_too_large": (
        "文件“{name}”的工作表“{sheet}”的 {cell} 单元格有内容，使表格区域大到 {rows} 行 × {columns} 列，"
        "请删除表格以外的多余内容后再导入",
        "Sheet “{sheet}” of the file “{name}” has content in cell {cell}, which makes it {rows} rows × "
        "{columns} columns; delete what lies outside the table before importing"),
})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def is_fatal(e: BaseException) -> bool:
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


def open_workbook(path: Path):
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
            if is_fatal(e):
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
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\"")
_VALUE_CELL = re.compile(rb"<(?:\w+:)?c\s+r=\"([A-Z]{1,3})(\d+)\"[^>]*?(?<!/)>")
_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def column_number(letters: bytes | str) -> int:
    """1-based number of a column's letters (A → 1, AA → 27)."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


class ExtentGuard:
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
            match = DIMENSION.search(head)
            if match and match.group(3):
                rows, columns = int(match.group(4)), column_number(match.group(3))
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
                    max_column = max(max_column, column_number(letters))
                chunk = f.read(1 << 20)
            for letters, row in _VALUE_CELL.findall(carry):
                max_row = max(max_row, int(row))
                max_column = max(max_column, column_number(letters))
        if not max_row:
            return None
        return max_row, max_column, f"{column_letter(max_column - 1)}{max_row}"


def load_sheet(workbook, name: str):
    """The sheet as the reading library holds it (the slow part of reading, done without
    Python's lock: it runs in a thread while the previous sheet's rows are being built)."""
    try:
        return workbook.get_sheet_by_name(name)
    except BaseException as e:  # noqa: BLE001 - see open_workbook
        sheet_failed(e, name)


def blank_sheet(workbook, name: str) -> bool:
    """Whether a sheet holds nothing but blank cells (asked only of a file with nothing to import)."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        return sheet.height == 0 or (sheet.height * sheet.width <= 10_000 and not any(
            str(cell).strip() for row in sheet.to_python() for cell in row))
    except BaseException as e:  # noqa: BLE001 - see open_workbook
        if is_fatal(e):
            raise
        return False


def load_sheet_aside(path: Path, name: str):
    """:func:`load_sheet` on a handle of its own, closed once the sheet is loaded (which stands alone)."""
    workbook = open_workbook(path)
    try:
        return load_sheet(workbook, name)
    finally:
        workbook.close()


def sheet_failed(e: BaseException, name: str):
    if is_fatal(e):
        raise e
    if isinstance(e, python_calamine.PasswordError) or "password" in str(e).lower():
        raise BrokerDeskError("workbook.encrypted") from None
    raise BrokerDeskError("workbook.sheet_unreadable", sheet=name, reason=str(e)[:200] or type(e).__name__) from None
