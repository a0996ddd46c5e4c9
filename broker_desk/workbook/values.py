"""Code-table values of an import as people write them (实用新型专利, 工业发展, 生物、医药):
each distinct value of a column recognised once (:func:`broker_desk.codematch.recognise`),
the column's cells replaced by the items' names, and a note for every cell whose value was a
close guess rather than a name, an alias or a value the office mapped by hand. A value that
is not understood is left as written (the core's check says so, naming the nearest items) and
listed for the import dialog, where it can be mapped by hand."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import codes
from ..codematch import AMBIGUOUS, CLOSE, UNKNOWN, Recognition, recognise


@dataclass
class UnknownValue:
    """A code value of the file no item was found for: where it was met and the nearest items."""

    table: str
    value: str
    places: list[str] = field(default_factory=list)   # "技术合同 · 技术领域", once each
    nearest: tuple[str, ...] = ()


class CodeValues:
    """The code values of one import, recognised once per table and value."""

    def __init__(self, mapped: dict[str, dict[str, str]] | None = None):
        self.mapped = mapped or {}
        self.found: dict[tuple[str, str], Recognition] = {}
        self.unknown: dict[tuple[str, str], UnknownValue] = {}
        self.unknown_list: list[UnknownValue] = []  # the same, in the order met


    def recognise(self, table: str, value: str) -> Recognition:
        found = self.found.get((table, value))
        if found is None:
            found = self.found[(table, value)] = recognise(table, value, self.mapped.get(table))
        return found

    def column(self, values: list, table: str, place: str) -> tuple[bool, dict[int, str]]:
        """Put the items' names in ``values`` (a column's texts, changed in place); whether every
        value is now a name, and the notes on the cells taken for a close item, by index."""
        has_name = codes.tables().has_name
        names: dict[str, str | None] = {}
        notes: dict[str, str] = {}
        for value in dict.fromkeys(values):
            if value is None or has_name(table, value):
                continue
            found = self.recognise(table, value)
            names[value] = found.name
            if found.how == CLOSE:
                notes[value] = found.note()
            elif found.how in (UNKNOWN, AMBIGUOUS):
                unknown = self.unknown.get((table, value))
                if unknown is None:
                    unknown = self.unknown[(table, value)] = UnknownValue(table, value, nearest=found.nearest)
                    self.unknown_list.append(unknown)
                if place not in unknown.places:
                    unknown.places.append(place)
        if not names:
            return True, {}
        noted: dict[int, str] = {}
        for i, value in enumerate(values):
            if value in names:
                name = names[value]
                if name is not None:
                    values[i] = name
                if value in notes:
                    noted[i] = notes[value]
        return None not in names.values(), noted
