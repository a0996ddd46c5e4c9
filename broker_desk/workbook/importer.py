"""Importing a workbook into the ledger (see :mod:`.importing.run`): the names the window, the
command line and the benchmarks use. The import itself is in :mod:`.importing`, a module per stage
(read, convert, references, identity, history, rows, batches)."""

from __future__ import annotations

from .importing.convert import MoneyParser, convert_column
from .importing.result import ImportResult, RowProblem, SheetSummary
from .importing.rules import parse_brokers
from .importing.run import import_sheets, import_workbook

__all__ = ["ImportResult", "MoneyParser", "RowProblem", "SheetSummary", "convert_column", "import_sheets",
           "import_workbook", "parse_brokers"]
