"""The import, a module per stage: :mod:`.run` (the file, the order of the sheets, the transaction),
:mod:`.convert` (cells to values, column-wise), :mod:`.refs` (what a row names), :mod:`.lookups`
(which record a row is), :mod:`.rows` (one row through the core's rules), :mod:`.history`
(registration steps), :mod:`.batches` (writing in batches); :mod:`.rules` holds the import's own
row rules and :mod:`.result` what it gives back. Every row of every sheet takes the same way."""
