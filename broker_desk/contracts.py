"""Rules for technology contracts (技术合同): kind, parties, dates, amounts,
brokers and their shares, and the registration fields."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from . import codes, deductions, i18n
from .errors import ValidationError
from .fields import Checker
from .idnumbers import check_registration_number
from .registration import ACCEPTED, CORRECTION, REFUSED, REGISTERED, WITHDRAWN

i18n.register({
    "contract.subtype_mismatch": ("合同子类“{subtype}”不属于合同类别“{category}”（可选：{choices}）",
                                  "Subtype “{subtype}” does not belong to category “{category}” (choose: {choices})"),
    "contract.same_party": ("买方和卖方不能是同一个客户", "Buyer and seller must be different clients"),
    "contract.valid_to_before_from": ("有效期止 {to} 早于有效期起 {frm}",
                                      "Valid-to date {to} is before valid-from {frm}"),
    "contract.deductions_over_amount": ("非技术性费用 {deductions} 元超过合同成交额 {amount} 元",
                                        "Non-technical costs {deductions} exceed the contract amount {amount}"),
    "contract.tech_over_amount": ("技术交易额不能超过合同成交额", "The technology trade amount may not exceed the contract amount"),
    "contract.approved_over_amount": ("核定技术交易额不能超过合同成交额",
                                      "The approved technology amount may not exceed the contract amount"),
    "contract.duplicate_no": ("卖方“{seller}”已有合同编号为 {value} 的合同",
                              "Seller “{seller}” already has a contract numbered {value}"),
    "contract.duplicate_reg_no": ("登记编号 {value} 已用于合同 {other}",
                                  "Registration number {value} is already used by contract {other}"),
    "contract.bad_brokers": ("技术经纪人应为（经纪人ID, 份额%）的列表", "Brokers must be a list of (broker id, share %)"),
    "contract.bad_share": ("经纪人份额“{value}”应为 0 到 100 之间、最多两位小数的百分数",
                           "Broker share “{value}” must be a percentage between 0 and 100 with at most two decimals"),
    "contract.duplicate_broker": ("同一经纪人在合同中出现了两次", "The same broker appears twice"),
    "contract.shares_sum": ("经纪人份额合计应为 100%，现为 {total}%", "Broker shares must add up to 100%, they add up to {total}%"),
    "contract.status_fields": ("{label}须在登记状态为 {statuses} 时填写，当前为“{status}”",
                               "{label} is only filled in when the status is {statuses}; it is “{status}”"),
})

#: Which registration fields a contract may hold in which statuses.
REGISTRATION_FIELDS = {
    "reg_office": (ACCEPTED, CORRECTION, REGISTERED, REFUSED, WITHDRAWN),
    "accepted_on": (ACCEPTED, CORRECTION, REGISTERED, REFUSED, WITHDRAWN),
    "reg_no": (REGISTERED, WITHDRAWN),
    "registered_on": (REGISTERED, WITHDRAWN),
    "approved_fen": (REGISTERED, WITHDRAWN),
}


def share_bp(value: Any) -> int | None:
    """A percentage (60, "33.33", Decimal) as hundredths of a percent, or None if invalid
    (worked out once per value: a bulk import brings the same few shares on every row)."""
    key = (value.__class__, value)
    try:
        return _SHARES[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key
        return _share_bp(value)
    if len(_SHARES) > 10_000:
        _SHARES.clear()
    found = _SHARES[key] = _share_bp(value)
    return found


_SHARES: dict[tuple, int | None] = {}


def _share_bp(value: Any) -> int | None:
    try:
        d = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        return None
    bp = d * 100
    if bp != bp.to_integral_value() or not 0 < bp <= 10000:
        return None
    return int(bp)


def check_brokers(ck: Checker, ledger) -> None:
    """``brokers`` given as (broker id, share %) pairs: as (id, hundredths of a percent), shares
    summing to 100 when any (a contract's, an engagement's)."""
    value = ck.values["brokers"]
    if value is None:
        ck.out["brokers"] = []
        return
    result: list[tuple[int, int]] = []
    problems = ck.problems
    said, exists, count = len(problems), ck.exists, 0
    try:
        for broker_id, share in value:
            count += 1
            try:  # (share_bp, its memo looked up here: a bulk import brings a share on most rows)
                bp = _SHARES[(share.__class__, share)]
            except (KeyError, TypeError):
                bp = share_bp(share)
            if bp is None:
                ck.error("brokers", "contract.bad_share", value=share)
                continue
            if broker_id.__class__ is not int and (isinstance(broker_id, bool) or not isinstance(broker_id, int)) \
                    or not exists("broker", broker_id):
                ck.error("brokers", "field.no_such_record", value=broker_id)
                continue
            result.append((broker_id, bp))
    except (TypeError, ValueError):  # not a list of pairs: that alone is said
        del problems[said:]
        ck.error("brokers", "contract.bad_brokers")
        return
    if len(result) > 1 and len({b for b, _ in result}) != len(result):  # (one broker cannot appear twice)
        ck.error("brokers", "contract.duplicate_broker")
    if result:
        total = result[0][1] if len(result) == 1 else sum(bp for _, bp in result)
        if total != 10000 and len(result) == count:
            ck.error("brokers", "contract.shares_sum", total=f"{Decimal(total) / 100:g}")
    ck.out["brokers"] = result


def legacy_kind(values: dict, current: dict | None) -> dict:
    """``values`` with an old (pre-2021) category/subtype pair mapped to today's, before the
    code tables are consulted: an old subtype name (技术秘密许可) is not in today's table."""
    if "category" not in values and "subtype" not in values:
        return values
    if current:
        category = values.get("category", current.get("category"))
        subtype = values.get("subtype", current.get("subtype"))
    else:
        category, subtype = values.get("category"), values.get("subtype")
    if category.__class__ is not str and not isinstance(category, str) or \
            subtype.__class__ is not str and not isinstance(subtype, str) or not category.strip():
        return values
    mapped = codes.tables().contract_kind_change(category, subtype)  # (once per pair)
    if mapped is None:
        return values
    return {**values, "category": mapped[0], "subtype": mapped[1]}


def check(ck: Checker, ledger, today: dt.date) -> None:
    # (a bulk import checks every row: each value looked up once, the steps written out here)
    out, current = ck.out, ck.current
    get = ck.get if current else out.get  # a new contract has only the values given
    if "brokers" in ck.values:
        check_brokers(ck, ledger)
    category, subtype = get("category"), get("subtype")
    if category and ("category" in out or "subtype" in out):  # old kinds were mapped by legacy_kind()
        tables = ck.tables
        if subtype and not tables.subtype_fits(category, subtype):
            ck.error("subtype", "contract.subtype_mismatch", subtype=subtype, category=category,
                     choices="、".join(tables.subtypes(category)))
    buyer = get("buyer_id")
    if buyer and buyer == get("seller_id"):
        ck.error("seller_id", "contract.same_party")
    frm, to = get("valid_from"), get("valid_to")
    if frm and to and to < frm:
        ck.error("valid_to", "contract.valid_to_before_from", to=to, frm=frm)
    # itemized non-technical costs add up to 非技术性费用: given items set the total; a total typed
    # beside them must agree
    if "deduction_items" in out or "deductions_fen" in out:
        total = _items_total(get("deduction_items"))
        if total is not None and "deductions_fen" in out and out["deductions_fen"] is not None \
                and out["deductions_fen"] != total:
            from .money import yuan_text

            ck.error("deduction_items", "deductions.sum_mismatch", items=yuan_text(total),
                     total=yuan_text(out["deductions_fen"]))
        elif total is not None and "deduction_items" in out:
            out["deductions_fen"] = total
    amount = get("amount_fen")
    if amount is not None:
        deductions = get("deductions_fen") or 0
        if deductions > amount:
            from .money import yuan_text

            ck.error("deductions_fen", "contract.deductions_over_amount",
                     deductions=yuan_text(deductions), amount=yuan_text(amount))
        if (get("tech_given_fen") or 0) > amount:
            ck.error("tech_given_fen", "contract.tech_over_amount")
        if (get("approved_fen") or 0) > amount:
            ck.error("approved_fen", "contract.approved_over_amount")
    # the registration fields: those of the status only, the 登记编号 as the ledger writes them
    status = get("status") or "草稿"
    if "status" in out and current:
        ck.error("status", "reg.not_via_edit")
    for name, statuses in _not_for(status) if isinstance(status, str) else _not_for.__wrapped__(status):
        if out.get(name) is not None:
            ck.error(name, "contract.status_fields", statuses="、".join(statuses), status=status)
    reg_no = out.get("reg_no")
    if reg_no:
        reg_no, problems = check_registration_number(reg_no, today, length=reg_no_length(ledger))
        if problems:
            ck.adopt("reg_no", problems)
        out["reg_no"] = reg_no
    # identity: a seller's contract numbers and the 登记编号 are unique
    own_id = current.get("id")
    no, seller = get("contract_no"), get("seller_id")
    if ("contract_no" in out or "seller_id" in out) and no and seller and \
            ck.might_exist("contract.key", (no, seller)):
        row = ledger.db.execute(
            "SELECT c.id, s.name FROM contracts c JOIN clients s ON s.id = c.seller_id "
            "WHERE c.seller_id = ? AND c.contract_no = ? AND c.id IS NOT ?", [seller, no, own_id]).fetchone()
        if row:
            ck.error("contract_no", "contract.duplicate_no", seller=row[1], value=no)
    if "reg_no" in out and (reg_no := get("reg_no")) and ck.might_exist("contract.reg_no", reg_no):
        check_reg_no_unique(ck, ledger, reg_no, own_id)
    if "deductions_fen" in out and out["deductions_fen"] is None:
        out["deductions_fen"] = 0  # left blank: no non-technical costs (the ledger keeps a number)


@functools.lru_cache(maxsize=4096)
def _items_total(stored: str | None) -> int | None:
    """The sum of itemised costs as kept (JSON); None when there are none (once per text)."""
    items = deductions.from_json(stored)
    return sum(fen for _, fen in items) if items else None


@functools.lru_cache(maxsize=64)
def _not_for(status) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The registration fields a contract in ``status`` may not have, each with the statuses that
    may, in REGISTRATION_FIELDS order (once per status: a bulk import checks every row)."""
    return tuple((name, statuses) for name, statuses in REGISTRATION_FIELDS.items() if status not in statuses)


def reg_no_length(ledger) -> int:
    """The ledger's 登记编号 length (``registration.number_length``: 14 or 16)."""
    return int(ledger.setting("registration.number_length") or 16)


def reg_no_problems(ledger, reg_no: str | None, own_id: int | None, today: dt.date) -> list:
    """What is wrong with a 登记编号 as it is typed (errors and warnings, not raised)."""
    ck = Checker("contract", {}, {"id": own_id})
    number, problems = check_registration_number(reg_no, today, length=reg_no_length(ledger))
    ck.adopt("reg_no", problems)
    if number:
        check_reg_no_unique(ck, ledger, number, own_id)
    return ck.problems


def check_reg_no(ledger, reg_no: str, own_id: int | None, today: dt.date) -> tuple[str, list]:
    """A registration number entered by a move: normalised, unique, warnings kept."""
    ck = Checker("contract", {}, {"id": own_id})
    number, problems = check_registration_number(reg_no, today, length=reg_no_length(ledger))
    ck.adopt("reg_no", problems)
    if number:
        check_reg_no_unique(ck, ledger, number, own_id)
    if any(p.is_error for p in ck.problems):
        raise ValidationError(ck.problems)
    return number, ck.problems


def check_reg_no_unique(ck: Checker, ledger, reg_no: str, own_id: int | None) -> None:
    row = ledger.db.execute("SELECT contract_no FROM contracts WHERE reg_no = ? AND id IS NOT ?",
                            [reg_no, own_id]).fetchone()
    if row:
        ck.error("reg_no", "contract.duplicate_reg_no", value=reg_no, other=row[0])
