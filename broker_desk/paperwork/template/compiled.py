"""What a compiled template holds: the static drawing per kind of page and the slots
filled for each contract (all in PDF points, bottom-left origin, unless said)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import FieldDef, ListDef

MM = 72 / 25.4
PAGE_SIZES = {"A4": (210.0, 297.0), "A4 landscape": (297.0, 210.0), "A5": (148.0, 210.0),
              "A3": (297.0, 420.0)}
PAGES = ("first", "continued", "last", "all")
ALIGNS = ("left", "center", "right")
VALIGNS = ("top", "middle", "bottom")


@dataclass(frozen=True)
class Ref:
    """A field a slot prints: the first non-blank of ``paths`` in ``fmt``."""
    paths: tuple[str, ...]
    defs: tuple[FieldDef, ...]
    fmt: str

    @property
    def label(self) -> str:
        return self.defs[0].label()


@dataclass
class TextSlot:
    x: float            # content area, PDF points (bottom-left origin)
    y: float
    w: float
    h: float
    parts: tuple        # str | Ref
    size: float
    min_size: float
    bold: bool = False
    align: str = "left"
    valign: str = "middle"
    vertical: bool = False
    required: bool = False
    label: str = ""
    where: str = ""

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]


@dataclass
class CheckSlot:
    ref: Ref
    boxes: dict[str, tuple[float, float, float]]   # option -> (x, y, side) of its square
    other: str | None = None
    other_area: tuple[float, float, float, float] | None = None  # x, y, w, h for a value not listed
    size: float = 9
    min_size: float = 6
    required: bool = False
    label: str = ""
    where: str = ""


@dataclass
class ChecklistSlot:
    items: list[tuple[tuple[float, float, float], object]]  # (square, condition)
    where: str = ""


@dataclass
class Column:
    x: float
    w: float
    parts: tuple
    align: str
    total: bool
    required: bool
    label: str


@dataclass
class Total:
    label: tuple        # parts ({group}, {count} allowed)
    by: FieldDef | None
    all_groups: bool
    bold: bool


@dataclass
class Table:
    list: ListDef
    x: float
    w: float
    columns: list[Column]
    header_h: float
    row_h: float
    first_top: float           # PDF y of the table's top on the first page
    first_rows: int
    cont_top: float | None     # on continued pages (None: does not continue)
    cont_rows: int
    size: float
    min_size: float
    pad_x: float
    pad_y: float
    totals: list[Total]
    required: bool
    label: str
    empty_text: str
    where: str

    @property
    def flows(self) -> bool:
        return self.cont_top is not None


@dataclass
class Template:
    name: str
    title: str
    per: str
    path: Path
    page_w: float
    page_h: float
    line_width: float
    static: dict[str, list[tuple]] = field(default_factory=lambda: {p: [] for p in PAGES})
    slots: dict[str, list] = field(default_factory=lambda: {p: [] for p in PAGES})
    tables: list[Table] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)

    @property
    def flow(self) -> Table | None:
        return next((t for t in self.tables if t.flows), None)
