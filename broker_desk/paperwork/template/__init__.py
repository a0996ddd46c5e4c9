"""Paperwork templates: TOML files read with :mod:`tomllib`, checked, and compiled
into what the renderer draws (see ``forms/README.md`` for the format).

A template is data, never code: its elements (``[[text]]``, ``[[box]]``,
``[[grid]]``, ``[[table]]``, ``[[line]]``) give rectangles in millimetres from
the page's top-left corner, static labels, and the ledger fields that fill them
by name (``contract.title``, ``{buyer.entity_code:code_name}``). Everything is
checked when the file is read: unknown keys, fields, formats and lists, shapes
off the printable area, cells wider than their grid, static text that cannot fit
its box. Each fault is reported with the file, the line (when it can be found)
and the place (``grid[2].row[3].cells[1].field``, counted from 1).

Compiling splits a template into what never changes — ruled lines, labels,
check-box frames: drawn once per PDF as a form XObject per kind of page — and
*slots* that are filled for each contract (values, ticks, repeating rows, page
numbers).

The stages, one module each: :mod:`.check` reads the TOML and reports each fault
with its place; :mod:`.compiled` is what a compiled template holds; :mod:`.scope`,
:mod:`.elements`, :mod:`.tables` and :mod:`.compiler` turn the checked data into it;
:mod:`.layout` places text, check boxes and ruled lines.
"""

from __future__ import annotations

from pathlib import Path

from .check import FileChecker, Problem, TemplateError, read_toml
from .compiled import (
    ALIGNS,
    MM,
    PAGE_SIZES,
    PAGES,
    VALIGNS,
    ChecklistSlot,
    CheckSlot,
    Column,
    Ref,
    Table,
    Template,
    TextSlot,
    Total,
)
from .compiler import Compiler
from .layout import ASCENT, DESCENT, merge_lines, text_ops

__all__ = ["ALIGNS", "ASCENT", "DESCENT", "MM", "PAGES", "PAGE_SIZES", "VALIGNS", "CheckSlot", "ChecklistSlot",
           "Column", "FileChecker", "Problem", "Ref", "Table", "Template", "TemplateError", "TextSlot", "Total",
           "load", "merge_lines", "read_toml", "text_ops"]


def load(path: Path, name: str | None = None, source: str | None = None) -> Template:
    """Read and compile one template file; :class:`TemplateError` lists every fault."""
    path = Path(path)
    name = name or path.stem
    source, data = read_toml(path, source, TemplateError)
    checker = FileChecker(path, source, data)
    template = Compiler(checker, name, path).compile()
    if checker.problems or template is None:
        raise TemplateError(path, checker.problems)
    return template
