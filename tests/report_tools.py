"""Reading the reports back in tests (rankings, reward estimates …): every sheet of a workbook
through python-calamine, a table under its header row, and a ledger file built for the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from python_calamine import CalamineWorkbook

from broker_desk.ledger import Ledger


def sheets(path) -> dict[str, list[list]]:
    """Every sheet of the workbook at ``path``, by name, as rows of cell values."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def table_after(rows: list[list], first_header: str) -> tuple[list, list[list]]:
    """The header row that starts with ``first_header`` and the rows under it, up to a blank one."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    body = []
    for row in rows[start + 1:]:
        if not any(v not in ("", None) for v in row):
            break
        body.append(row)
    return rows[start], body


def ledger_file(folder: Path, build: Callable[[Ledger], object]) -> str:
    """A ledger file ``hand.brokerdesk`` in ``folder`` filled by ``build(ledger)``: its path, for ``--db``."""
    path = folder / "hand.brokerdesk"
    with Ledger.open(path) as led:
        build(led)
    return str(path)
