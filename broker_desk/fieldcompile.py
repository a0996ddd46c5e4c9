"""The data dictionary's per-field rules compiled once per entity (issue 19): instead of walking an
entity's field list for every record, :func:`normaliser` writes one function per entity, per set of
fields the caller already found in normal form and per set of fields given (a bulk import gives the
same columns on every row), that settles the common value of each field inline — blank, tidy text
within its length, a known code, whole non-negative fen, a reference that exists, an ISO date — and
hands anything else to the checker's full rule for its kind
(:meth:`~broker_desk.fields.Checker.normalise`). The fields given are known when the function is
written, so it asks no "was this field given" per record and builds the normalised record as one
dict. The rules stay those of :mod:`.fields`, which passes its fields in; this module imports nothing
of it."""

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


def normaliser(entity: str, fields: Iterable[Any], trusted: frozenset[str], flags: dict[str, int],
               given: Iterable[str]) -> Callable:
    """``normalise(checker, values, exists, contains, untidy) -> out``: each field of ``entity``
    among ``given`` (the keys of ``values``, all of them fields of the entity) as the checker keeps
    it, in the entity's field order (``trusted`` fields as given), problems said on ``checker``;
    ``flags``: the yes/no words as written that need no tidying (是 → 1). A field of the entity's
    own rule (a contract's brokers) is left to it unless blank."""
    fields = tuple(fields)
    for f in fields:
        if f.name in trusted and f.kind not in TRUSTABLE_KINDS:
            raise ValueError(f"{entity}.{f.name} cannot be trusted")
    given = frozenset(given)
    lines = ["def normalise(checker, values, exists, contains, untidy):",
             "    full = checker.normalise"]
    namespace: dict[str, Any] = {"is_iso": is_iso_date, "flags": flags}
    parts: list[list[str]] = [[]]  # the items of the dict displays (a field left to the entity's rule splits them)
    for i, f in enumerate(fields):
        if f.name not in given:
            continue
        name = repr(f.name)
        if f.name in trusted:
            parts[-1].append(f"{name}: values[{name}]")
            continue
        if f.kind == "brokers":  # blank is none; anything else is the entity's own rule (contracts.check_brokers)
            parts.append([f"if values[{name}] is None:", f"    out[{name}] = None"])
            parts.append([])
            continue
        namespace[f"F{i}"] = f
        lines += [f"    v = values[{name}]",
                  "    if v is None:",
                  f"        v{i} = {0 if f.kind == 'flag' else None}"]  # blank is blank (a flag: no)
        test = _settled(f.kind, "v", f)
        if test is not None:
            lines += [f"    elif {test}:", f"        v{i} = v"]
        elif f.kind == "flag":
            lines += ["    elif v.__class__ is str and v in flags:", f"        v{i} = flags[v]"]
        lines += ["    else:", f"        v{i} = full(F{i}, v)"]
        parts[-1].append(f"{name}: v{i}")
    lines.append("    out = {" + ", ".join(parts[0]) + "}")
    for j, part in enumerate(parts[1:], 1):
        if j % 2:  # a field of the entity's own rule
            lines += [f"    {line}" for line in part]
        elif part:
            lines.append("    out.update({" + ", ".join(part) + "})")
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<rules of {entity}>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["normalise"]
