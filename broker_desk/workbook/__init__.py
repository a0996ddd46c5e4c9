"""The canonical workbook (DESIGN.md §4): template, tolerant import, exact export."""
