"""The import's own rules for a row, one place for each: a contract row's status and 技术交易额, its
registration steps against the workflow, broker lists, when the decision clock starts, whether a
cell says something else than the record."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ... import deductions, i18n, registration
from ...contracts import share_bp
from ...errors import BrokerDeskError
from ...fields import flag_value
from .. import duplicates

#: A contract's registration steps (the 登记进度 sheet's rows) are kept while the import runs as one
#: flat list of their items, step after step, and used as they are kept (a large file has hundreds
#: of thousands of steps: kept so, they take half the memory of a tuple each). A step's items, at
#: these offsets: the status it moves to (may be 变更登记), its date, note and 操作人 (None when
#: blank); then where it stands: its row number and ``(the sheet, its columns)``.
TO, ON, NOTE, USER, ROW, ORIGIN = range(6)
#: Items of one step in a flat list of steps.
STEP_ITEMS = 6


def step_heads(flat: list) -> list[tuple]:
    """What each step of a flat list says, (status, date, note): as the ledger's steps are compared."""
    return list(zip(flat[TO::STEP_ITEMS], flat[ON::STEP_ITEMS], flat[NOTE::STEP_ITEMS], strict=True))


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
#: An import of this many rows, all sheets together, is kept by a rollback journal (see
#: :func:`~broker_desk.ledger.bulk.rollback_journal`).
JOURNAL_ROWS = 5000
#: Contract fields the import may fill in itself (not as the cells gave them).
DERIVED = frozenset(("status", "approved_fen"))
#: A sheet this large (rows × columns), the file's largest, is loaded from the start beside the others.
ASIDE_CELLS = 500_000
#: Cells of the sheets loaded ahead of the one being imported, at most (but always the next one).
AHEAD_CELLS = 4_000_000
#: Bytes of XML of the largest sheet (loading from the start) and of another sheet loading beside
#: it, at most (but always the next one). Loading a sheet takes the most memory near its end, some
#: 1.4 to 1.7 times its XML: the 登记进度 of 100,000 contracts (85 MB of XML as the export writes
#: it, shared strings for the texts that repeat) loads beside its contracts (139 MB), and they start
#: half a second sooner, the import's peak some 10 MB higher (450 MB); sheets of in-line strings
#: only (98 and 165 MB) would take 30 to 50 MB more, too close to 500 MB: 登记进度 waits its turn.
BESIDE_XML = 240_000_000
#: Rows whose cells are turned into values together.
CHUNK = 2000
#: New records' 记录IDs made at a time (see Batches.new_uid).
UID_STOCK = 4096
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


def chain_fault(flat: list, key: tuple[str, str] = ("", "")) -> tuple[int, str, str] | None:
    """The first step of an imported history (flat, see :data:`STEP_ITEMS`) that the workflow does
    not allow (a move it has no way for, or a date before the step before): (where its items
    start in ``flat``, the field at fault, message). A step that repeats the row before it (same
    status, date and note) is said to be that row again (``key``: the contract's 合同编号 and
    卖方 as written)."""
    fault = move_fault(flat)
    if fault is None:
        return None
    at = fault[0]
    if at and flat[at:at + NOTE + 1] == flat[at - STEP_ITEMS:at - STEP_ITEMS + NOTE + 1]:
        return at, "contract_no", i18n.tr("import.duplicate_in_file", other=flat[at - STEP_ITEMS + ROW],
                                           key=duplicates.step_identity(key, flat[at + TO], flat[at + ON]))
    return fault


def move_fault(flat: list) -> tuple[int, str, str] | None:
    """As :func:`chain_fault`: (where the step at fault starts in ``flat``, the field at fault, message).
    A 变更登记 step keeps the walk at 已登记 (:data:`registration.ALLOWED` has its moves)."""
    state, last, allowed = registration.DRAFT, None, registration.ALLOWED
    for at in range(0, len(flat), STEP_ITEMS):
        to, on_date = flat[at + TO], flat[at + ON]
        if to not in allowed[state]:
            return at, "to_status", i18n.tr("import.history_move", frm=state, to=to)
        if last and on_date < last:
            return at, "on_date", i18n.tr("import.history_order", date=on_date, last=last)
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



def clock(status: str, accepted_on: str | None, flat) -> str | None:
    """When the office's decision clock started: the last move to 已受理, else the 受理日期
    (``flat``: the steps, see :data:`STEP_ITEMS`)."""
    if status in (registration.DRAFT, registration.READY):
        return None
    for at in range(len(flat) - STEP_ITEMS, -1, -STEP_ITEMS):  # the last move to 已受理
        if flat[at + TO] == registration.ACCEPTED:
            return flat[at + ON]
    return accepted_on


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
        old, new = old or (), new or ()
        if len(old) != len(new):
            return True
        for held, (b, s) in zip(old, new, strict=True):
            if tuple(held) != (b, share_bp(s) if not isinstance(s, int) else s):
                return True
        return False
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
