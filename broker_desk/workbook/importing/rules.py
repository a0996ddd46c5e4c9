"""The import's own rules for a row, one place for each: a contract row's status and 技术交易额, its
registration steps against the workflow, broker lists, when the decision clock starts, whether a
cell says something else than the record."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, NamedTuple

from ... import deductions, i18n, registration
from ...contracts import share_bp
from ...errors import BrokerDeskError
from ...fields import flag_value
from .. import duplicates
from ..reader import RawSheet
from ..schema import Column


class Step(NamedTuple):
    """One registration step of the 登记进度 sheet, kept small (a large file has hundreds of
    thousands): what it says (``to_status`` may be 变更登记; ``user``: its 操作人, None when
    blank), and where it stands (``origin``: the sheet and its columns)."""

    to_status: str
    on_date: str
    note: str | None
    user: str | None
    row_no: int
    origin: tuple[RawSheet, dict[str, Column]]


_new_step = tuple.__new__  # a Step made without its generated __new__ (hundreds of thousands of them)
#: Items of one step in a flat list of steps (see as_steps).
STEP_ITEMS = len(Step._fields)


def as_steps(flat) -> list[Step]:
    """A contract's registration steps as kept while the import runs: one list of their items
    one after another (hundreds of thousands of steps take half the memory kept so)."""
    return [_new_step(Step, flat[i:i + STEP_ITEMS]) for i in range(0, len(flat), STEP_ITEMS)]

_BROKER_PART = re.compile(r"^(?P<name>.+?)\s*(?:[（(]\s*(?P<share>[\d.]+)\s*%?\s*[)）])?$")
_BROKER_SPLIT = re.compile(r"[；;，,、/\n]+")
_PLAIN_BROKER = re.compile(r"([^；;，,、/\n()（）%\s]+)\((\d+(?:\.\d+)?)%\)").fullmatch  # 张三(60%)
NAME_AND_CERT = re.compile(r"^(.+?)[（(](.+)[)）]$")  # 姓名（证书编号）
CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")
UID_LIKE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STATUS_NEEDS = {
    registration.ACCEPTED: ("accepted_on", "reg_office"),
    registration.CORRECTION: ("accepted_on",),
    registration.REGISTERED: ("reg_no", "registered_on"),
    registration.WITHDRAWN: ("reg_no", "registered_on"),
}
#: New records wait in memory and are written this many at a time.
BATCH = 5000
#: A contracts sheet this long, into a ledger holding fewer contracts, has the indexes built once at the end.
BULK_ROWS = 5000
#: Contract fields the import may fill in itself (not as the cells gave them).
DERIVED = frozenset(("status", "approved_fen"))
#: A sheet this large (rows × columns), the file's largest, is loaded from the start beside the others.
ASIDE_CELLS = 500_000
#: Cells of the sheets loaded ahead of the one being imported, at most (but always the next one).
AHEAD_CELLS = 3_000_000
#: Rows whose cells are turned into values together.
CHUNK = 2000
REGISTRATION = ("status", "reg_office", "accepted_on", "reg_no", "registered_on", "approved_fen")


def no_override(values: dict, current: dict | None) -> None:
    """A 技术交易额 that is what the ledger derives is no override (DESIGN.md §4: the export
    writes the derived value): taken as blank when it equals the row's 成交额 − 非技术性费用, or,
    for a record ``current`` that derives it, the value the export wrote (its 成交额 changed in
    the sheet, the 技术交易额 cell left as it was). A record that holds this very value as
    given keeps it. Costs given only as items are left to the rules."""
    given, get = values["tech_given_fen"], (current or {}).get
    held = get("tech_given_fen")
    if held == given:
        return
    amount = values["amount_fen"] if "amount_fen" in values else get("amount_fen")
    costs = values["deductions_fen"] if "deductions_fen" in values else get("deductions_fen")
    if costs is None:
        if values.get("deduction_items"):
            return
        costs = 0
    if (amount is not None and given == amount - costs) or (current is not None and held is None
                                                            and given == get("tech_fen")):
        values["tech_given_fen"] = None


def sheet_status(values: dict) -> str:
    """A contract row's 登记状态; a row that has 登记编号 but no 登记状态 (common in brokers' own
    ledgers) means registered, one with neither a draft."""
    return values.get("status") or (registration.REGISTERED if values.get("reg_no") else registration.DRAFT)


def chain_fault(rows: list[Step], key: tuple[str, str] = ("", "")) -> tuple[Step, str, str] | None:
    """The first step of an imported history that the workflow does not allow (a move it has
    no way for, or a date before the step before): (step, the field at fault, message). A step
    that repeats the row before it (same status, date and note) is said to be that row again
    (``key``: the contract's 合同编号 and 卖方 as written)."""
    fault = move_fault(rows)
    if fault is None:
        return None
    i = fault[0]
    if i and rows[i][:3] == rows[i - 1][:3]:
        step = rows[i]
        return step, "contract_no", i18n.tr("import.duplicate_in_file", other=rows[i - 1].row_no,
                                             key=duplicates.step_identity(key, step.to_status, step.on_date))
    return rows[i], *fault[1:]


def move_fault(moves) -> tuple[int, str, str] | None:
    """As :func:`chain_fault`, for moves given as (status, date, …) (steps, or pairs): (the
    fault's index, the field at fault, message). A 变更登记 step keeps the walk at 已登记
    (:data:`registration.ALLOWED` has its moves)."""
    state, last = registration.DRAFT, None
    for i, move in enumerate(moves):
        to, on_date = move[0], move[1]
        if to not in registration.ALLOWED[state]:
            return i, "to_status", i18n.tr("import.history_move", frm=state, to=to)
        if last and on_date < last:
            return i, "on_date", i18n.tr("import.history_order", date=on_date, last=last)
        state, last = to, on_date
    return None


def parse_brokers(text: str) -> list[tuple[str, str]] | None:
    """``张三(60%)；李四(40%)`` or ``张三、李四`` (equal shares) as (name, share %) pairs; None
    when it cannot be read that way."""
    plain = [_PLAIN_BROKER(part) for part in text.split("；")]
    if None not in plain:  # as the export writes it: one pattern per broker
        return [m.groups() for m in plain]
    parsed = []
    for part in (p.strip() for p in _BROKER_SPLIT.split(text)):
        if not part:
            continue
        m = _BROKER_PART.match(part)
        if not m:
            return None
        parsed.append((m.group("name").strip(), m.group("share")))
    if not parsed:
        return []  # separators only: nobody named
    if any(s is None for _, s in parsed) and any(s is not None for _, s in parsed):
        return None
    if all(s is None for _, s in parsed):
        n = len(parsed)
        base = Decimal(10000 // n) / 100
        shares = [str(base)] * (n - 1) + [str(Decimal(100) - base * (n - 1))]
        parsed = [(name, share) for (name, _), share in zip(parsed, shares, strict=True)]
    return parsed



def clock(status: str, accepted_on: str | None, history) -> str | None:
    """When the office's decision clock started: the last move to 已受理, else the 受理日期
    (``history``: its steps, or (status, date) pairs)."""
    if status in (registration.DRAFT, registration.READY):
        return None
    accepted = [step[1] for step in history if step[0] == registration.ACCEPTED]
    return accepted[-1] if accepted else accepted_on


def any_differs(current: dict, values: dict) -> bool:
    """Whether any of ``values`` says something else than the record ``current`` (see differs;
    what is plainly equal is told without it)."""
    get = current.get
    for name, value in values.items():  # (a loop: a generator costs more for the few values of a row)
        old = get(name)
        if old != value and differs(old, value, name):
            return True
    return False


def differs(old: Any, new: Any, name: str) -> bool:
    """Whether a cell's value says something else than the record's: broker shares as the rules
    keep them, itemised costs as the ledger keeps them (the text that says the same is no change)."""
    if name == "brokers":
        return [tuple(p) for p in (old or [])] != [(b, share_bp(s) if not isinstance(s, int) else s)
                                                  for b, s in (new or [])]
    if name in ("expert_review", "done") and new.__class__ is not int:  # 是/否 as the cell says it
        return old != flag_value(new)
    if name == "deduction_items" and isinstance(new, str) and old != new:
        return old != _stored_items(new)
    return old != new


_ITEMS: dict[str, str | None | object] = {}
_UNREADABLE = object()


def _stored_items(text: str):
    """Itemised costs as the ledger keeps them (JSON), worked out once per text; ``_UNREADABLE``
    (unlike any record's) when they cannot be read."""
    found = _ITEMS.get(text, _ITEMS)  # (the dict itself: not worked out yet)
    if found is _ITEMS:
        if len(_ITEMS) > 10_000:
            _ITEMS.clear()
        try:
            found = deductions.to_json(deductions.parse(text))
        except BrokerDeskError:
            found = _UNREADABLE
        _ITEMS[text] = found
    return found
