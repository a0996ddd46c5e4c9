"""Reports written to Excel and PDF: :mod:`.common` holds the shared helpers (formats,
tables with totals, title blocks, page setup; PDF styles, tables and the numbered,
dated document); :mod:`.rankings` (with :mod:`.stats`) the rankings and statistics."""
