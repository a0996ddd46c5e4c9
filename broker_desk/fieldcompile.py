"""The data dictionary's per-field rules compiled once per entity (issue 19): instead of walking an
entity's field list for every record, :func:`normaliser` writes one function per entity (and per set
of fields the caller already found in normal form) that settles the common value of each field
inline — blank, tidy text within its length, a known code, whole non-negative fen, a reference that
exists, an ISO date — and hands anything else to the checker's full rule for its kind
(:meth:`~broker_desk.fields.Checker.normalise`). The rules stay those of :mod:`.fields`, which
passes its fields in; this module imports nothing of it."""

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
    if kind == "code":
        return (f"{value}.__class__ is str and {value} and len({value}) <= {f.max_len} and untidy({value}) is None "
                f"and contains({f.table!r}, {value})")
    if kind == "fen":
        return f"{value}.__class__ is int and {value} >= 0"
    if kind == "ref":
        return f"{value}.__class__ is int and exists({f.table!r}, {value})"
    if kind == "date":
        return f"{value}.__class__ is str and len({value}) == 10 and is_iso({value})"
    return None


def normaliser(entity: str, fields: Iterable[Any], trusted: frozenset[str], flags: dict[str, int]) -> Callable:
    """``normalise(checker, values, out, contains, untidy)``: each field of ``entity`` given in
    ``values`` into ``out`` as the checker keeps it (``trusted`` fields as given), problems said on
    ``checker``; ``flags``: the yes/no words as written that need no tidying (是 → 1)."""
    fields = tuple(fields)
    for f in fields:
        if f.name in trusted and f.kind not in TRUSTABLE_KINDS:
            raise ValueError(f"{entity}.{f.name} cannot be trusted")
    lines = ["def normalise(checker, values, out, contains, untidy):",
             "    exists, full = checker.exists, checker.normalise"]
    namespace: dict[str, Any] = {"is_iso": is_iso_date, "flags": flags}
    for i, f in enumerate(fields):
        name = repr(f.name)
        lines.append(f"    if {name} in values:")
        if f.name in trusted:
            lines.append(f"        out[{name}] = values[{name}]")
            continue
        namespace[f"F{i}"] = f
        lines += [f"        v = values[{name}]",
                  "        if v is None:",
                  f"            out[{name}] = {0 if f.kind == 'flag' else None}"]  # blank is blank (a flag: no)
        test = _settled(f.kind, "v", f)
        if test is not None:
            lines += [f"        elif {test}:", f"            out[{name}] = v"]
        elif f.kind == "flag":
            lines += ["        elif v.__class__ is str and v in flags:", f"            out[{name}] = flags[v]"]
        if f.kind != "brokers":  # a contract's brokers: the entity's own rule (contracts.check_brokers)
            lines += ["        else:", f"            out[{name}] = full(F{i}, v)"]
    if len(lines) == 2:
        lines.append("    pass")
    exec(compile("\n".join(lines), f"<rules of {entity}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["normalise"]
