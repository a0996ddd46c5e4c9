"""The data dictionary's per-field rules compiled once per entity (issue 19): instead of walking an
entity's field list for every record, :func:`normaliser` writes one function per entity (and per set
of fields the caller already found in normal form) that settles the common value of each field
inline — blank, tidy text within its length, a known code, whole non-negative fen, a reference that
exists, an ISO date — and hands anything else to the checker's full rule for its kind
(:meth:`~broker_desk.fields.Checker.normalise`). The normalised record starts as a copy of the
values given (one copy in C, not a dict built key by key), so a field found in normal form — a
trusted one, or a value already settled — costs nothing more. The rules stay those of
:mod:`.fields`, which passes its fields in; this module imports nothing of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

#: Kinds whose values a caller may vouch for (found in normal form column by column).
TRUSTABLE_KINDS = frozenset(("text", "code", "date", "fen"))


def is_iso_date(text: str) -> bool:
    """``YYYY-MM-DD`` naming a day that exists (the normal form dates are kept in)."""
    if text[4] != "-" or text[7] != "-":
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _settled(kind: str, value: str, f: Any) -> str | None:
    """The source of the test that a (non-blank) ``value`` of field ``f`` is already normal; None
    when every value of the kind takes the full rule."""
    if kind == "text":
        return f"{value}.__class__ is str and {value} and len({value}) <= {f.max_len} and untidy({value}) is None"
    if kind == "code":  # (worked out once per value and code tables: see _settled_code)
        return (f"{value}.__class__ is str and (S{f.name}.get({value}) is tables or "
                f"settled_code(S{f.name}, {value}, tables, {f.table!r}, {f.max_len}, untidy))")
    if kind == "fen":
        return f"{value}.__class__ is int and {value} >= 0"
    if kind == "ref":
        return f"{value}.__class__ is int and exists({f.table!r}, {value})"
    if kind == "date":
        return f"{value}.__class__ is str and len({value}) == 10 and is_iso({value})"
    return None


def normaliser(entity: str, fields: Iterable[Any], trusted: frozenset[str], flags: dict[str, int],
               untidy: Callable[[str], Any]) -> Callable:
    """``normalise(checker, values, exists, tables) -> out``: ``values`` (fields of ``entity``
    only) as the checker keeps them, in their order: ``trusted`` fields as given, every other one
    settled or put through the full rule of its kind (problems said on ``checker``, in the entity's
    field order); ``tables``: the code tables. ``flags``: the yes/no words as written that need
    no tidying (是 → 1); ``untidy(text)``: whether text has spaces to trim or fold. A field of the
    entity's own rule (a contract's brokers) is left out for it, unless blank."""
    fields = tuple(fields)
    for f in fields:
        if f.name in trusted and f.kind not in TRUSTABLE_KINDS:
            raise ValueError(f"{entity}.{f.name} cannot be trusted")
    lines = ["def normalise(checker, values, exists, tables):",
             "    out = values.copy()",
             "    full = checker.normalise"]
    namespace: dict[str, Any] = {"is_iso": is_iso_date, "flags": flags, "untidy": untidy,
                                 "settled_code": _settled_code}
    for i, f in enumerate(fields):
        if f.name in trusted:
            continue  # (as given: in the copy)
        name = repr(f.name)
        namespace[f"F{i}"] = f
        lines += [f"    if {name} in values:", f"        v = values[{name}]"]
        if f.kind == "brokers":  # blank is none; anything else is the entity's own rule (contracts.check_brokers)
            lines += ["        if v is not None:", f"            del out[{name}]"]
        elif f.kind == "flag":  # blank is no; a yes/no word as written is settled
            lines += ["        if v is None:", f"            out[{name}] = 0",
                      "        elif v.__class__ is str and v in flags:", f"            out[{name}] = flags[v]",
                      "        else:", f"            out[{name}] = full(F{i}, v)"]
        else:  # blank is blank and a settled value stays as given (in the copy); the rest takes the full rule
            if f.kind == "code":
                namespace[f"S{f.name}"] = {}  # its values found settled: value -> the code tables
            test = _settled(f.kind, "v", f)
            unsettled = "v is not None" if test is None else f"v is not None and not ({test})"
            lines += [f"        if {unsettled}:", f"            out[{name}] = full(F{i}, v)"]
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<rules of {entity}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["normalise"]


def _settled_code(memo: dict[str, Any], value: str, tables: Any, table: str, max_len: int,
                  untidy: Callable[[str], Any]) -> bool:
    """Whether ``value`` is kept as it is in a code field: an item's name exactly, tidy and
    within the field's length; remembered in ``memo`` with the tables (a bulk import brings a
    few values down a whole column; code tables are never changed once loaded)."""
    if not (value and len(value) <= max_len and untidy(value) is None and tables.has_name(table, value)):
        return False
    if len(memo) > 10_000:
        memo.clear()
    memo[value] = tables
    return True

