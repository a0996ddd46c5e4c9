"""The front office (DESIGN §3): rules for 技术需求 (demands), 对接项目 (engagements) and
跟进记录 (follow-ups); signing an engagement into a technology contract; the follow-ups due.

The ledger calls the ``check_*`` rules from :meth:`Ledger.check_record`; :func:`sign` and
:func:`due_followups` are what the window, the CLI and the home page call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import codes, contracts, i18n
from .errors import BrokerDeskError
from .fields import Checker, entity_label, field, warnings_from_json, warnings_json

DEMAND_NEW, DEMAND_SIGNED, DEMAND_CLOSED = "征集中", "已签约", "已关闭"
#: The demand_status codes a demand moves to when an engagement starts on it and when one is
#: signed (the code table's stable codes; their names are read from it, see demand_status).
DEMAND_ENGAGED_CODE, DEMAND_SIGNED_CODE = "3", "4"
STAGES = ("初步接触", "需求确认", "方案报价", "商务洽谈", "已签约", "已终止")
FIRST_STAGE, SIGNED, ENDED = STAGES[0], STAGES[4], STAGES[5]

i18n.register({
    "engagement.same_party": ("需求方和供给方不能是同一个客户", "The demand side and the supply side must be different clients"),
    "engagement.end_reason": ("阶段为“已终止”时须填写终止原因", "An ended engagement needs the reason it ended"),
    "engagement.unsigned": ("阶段为“已签约”，但没有技术合同关联到这个对接项目",
                            "The stage is “signed” but no technology contract is linked to this engagement"),
    "engagement.sign_ended": ("对接项目“{name}”已终止，不能签约", "Engagement “{name}” has ended and cannot be signed"),
    "engagement.already_signed": ("对接项目“{name}”已关联合同 {contract}", "Engagement “{name}” is already linked to contract {contract}"),
    "engagement.leave_signed": ("对接项目已关联合同 {contract}，阶段须保持“已签约”（要改阶段，先解除合同的关联）",
                                "The engagement is linked to contract {contract}: its stage stays “signed” "
                                "(unlink the contract first)"),
    "engagement.contract_taken": ("合同 {contract} 已关联另一个对接项目“{other}”",
                                  "Contract {contract} is already linked to another engagement “{other}”"),
    "followup.next_before": ("下次跟进日期 {next} 早于本次日期 {date}", "The next follow-up {next} is before this one's date {date}"),
    "followup.no_broker": ("没有名为“{name}”的经纪人", "There is no broker named “{name}”"),
    "followup.broker_ambiguous": ("有 {count} 名经纪人叫“{name}”，请用记录ID", "{count} brokers are named “{name}”: use the record id"),
    "op.sign": ("对接项目“{name}”签约", "Engagement “{name}” signed"),
    "engagement.draft_title": ("{demand}—{achievement}", "{demand} — {achievement}"),
    "delete.used_by": ("不能删除{entity}“{name}”：{count} 条{what}使用它（{names}）",
                       "Cannot delete {entity} “{name}”: {count} {what} records use it ({names})"),
})


# -- rules -------------------------------------------------------------------------------------

def check_demand(ck: Checker, ledger) -> None:
    if ck.current == {} and not ck.get("status"):
        ck.out["status"] = DEMAND_NEW


def check_engagement(ck: Checker, ledger) -> None:
    if "brokers" in ck.values:
        contracts.check_brokers(ck, ledger)
    if ck.current == {} and not ck.get("stage"):
        ck.out["stage"] = FIRST_STAGE
    # the sides follow from the demand and the achievement unless named
    if ck.given("demand_id") and ck.out["demand_id"] and not ck.get("demand_client_id"):
        row = ledger.conn.execute("SELECT client_id FROM demands WHERE id = ?", [ck.out["demand_id"]]).fetchone()
        if row:
            ck.out["demand_client_id"] = row[0]
    if ck.given("achievement_id") and ck.out["achievement_id"] and not ck.get("supply_client_id"):
        row = ledger.conn.execute("SELECT holder_id FROM achievements WHERE id = ?",
                                  [ck.out["achievement_id"]]).fetchone()
        if row:
            ck.out["supply_client_id"] = row[0]
    if ck.get("demand_client_id") and ck.get("demand_client_id") == ck.get("supply_client_id"):
        ck.error("supply_client_id", "engagement.same_party")
    stage = ck.get("stage")
    if ck.current and ck.given("stage") and stage != SIGNED and ck.current.get("stage") == SIGNED:
        linked = signed_contract(ledger, ck.current.get("id"))
        if linked:
            ck.error("stage", "engagement.leave_signed", contract=linked[1])
    if stage == ENDED and not ck.get("end_reason"):
        ck.error("end_reason", "engagement.end_reason")
    # (an import says it at its end: the contracts that name engagements come after them)
    if stage == SIGNED and ck.given("stage") and ck.might_exist("engagement.unsigned", ck.current.get("id")) \
            and not signed_contract(ledger, ck.current.get("id")):
        ck.warn("stage", "engagement.unsigned")


def check_followup(ck: Checker, ledger) -> None:
    date, next_on = ck.get("on_date"), ck.get("next_on")
    if date and next_on and next_on < date and (ck.given("on_date") or ck.given("next_on")):
        ck.error("next_on", "followup.next_before", next=next_on, date=date)


RULES = {"demand": check_demand, "engagement": check_engagement, "followup": check_followup}


def signed_contract(ledger, engagement_id: int | None) -> tuple[int, str] | None:
    """(id, 合同编号) of the contract signed from an engagement, or None."""
    if engagement_id is None:
        return None
    row = ledger.conn.execute("SELECT id, contract_no FROM contracts WHERE engagement_id = ? ORDER BY id LIMIT 1",
                              [engagement_id]).fetchone()
    return (row[0], row[1]) if row else None


# -- deleting ----------------------------------------------------------------------------------

#: Front-office records that use a record: (entity using it, SQL of their names). Deleting a
#: record in use is refused, naming them (contracts are named by the ledger's own rule).
USED_BY: dict[str, tuple[tuple[str, str], ...]] = {
    "client": (("demand", "SELECT title FROM demands WHERE client_id = :id"),
               ("engagement", "SELECT title FROM engagements WHERE demand_client_id = :id "
                              "UNION ALL SELECT title FROM engagements WHERE supply_client_id = :id")),
    "achievement": (("engagement", "SELECT title FROM engagements WHERE achievement_id = :id"),),
    "demand": (("engagement", "SELECT title FROM engagements WHERE demand_id = :id"),),
    "broker": (("demand", "SELECT title FROM demands WHERE broker_id = :id"),
               ("engagement", "SELECT e.title FROM engagement_brokers b JOIN engagements e ON e.id = b.engagement_id "
                              "WHERE b.broker_id = :id"),
               ("followup", "SELECT f.on_date || ' ' || e.title FROM followups f JOIN engagements e "
                            "ON e.id = f.engagement_id WHERE f.broker_id = :id")),
}


def refuse_if_used(ledger, entity: str, row: dict, name: str) -> None:
    for what, sql in USED_BY.get(entity, ()):
        names = [n for (n,) in ledger.conn.execute(sql, {"id": row["id"]})]
        if names:
            raise BrokerDeskError("delete.used_by", entity=entity_label(entity), name=name, count=len(names),
                                  what=entity_label(what), names="、".join(names[:5]) + ("…" if len(names) > 5 else ""))


# -- signing -----------------------------------------------------------------------------------

#: The contract category an achievement's 转化方式 or a demand's 需求类型 suggests.
_CATEGORY = {"转让": "技术转让", "许可": "技术许可", "合作开发": "技术开发", "技术攻关": "技术开发",
             "工艺改进": "技术开发", "揭榜挂帅": "技术开发", "技术咨询": "技术咨询", "技术服务": "技术服务"}


def contract_draft(ledger, engagement_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """A new contract's values prefilled from an engagement: 项目名称, the parties (买方 the demand
    side, 卖方 the supply side), 关联成果, brokers and shares, 合同成交额 (the expected amount),
    技术领域, a category its achievement or demand suggests, 签订日期 ``today`` and the link."""
    eng = _engagement(ledger, engagement_id)
    demand = ledger.get("demand", eng["demand_id"]) if eng["demand_id"] else None
    achievement = ledger.get("achievement", eng["achievement_id"]) if eng["achievement_id"] else None
    draft: dict[str, Any] = {
        "title": eng["title"],
        "buyer_id": eng["demand_client_id"] or (demand or {}).get("client_id"),
        "seller_id": eng["supply_client_id"] or (achievement or {}).get("holder_id"),
        "achievement_id": eng["achievement_id"],
        "brokers": [(b, f"{Decimal(bp) / 100}") for b, bp in eng["brokers"]],
        "amount_fen": eng["expected_fen"],
        "field": (demand or {}).get("field") or (achievement or {}).get("field"),
        "ip_type": (achievement or {}).get("ip_type"),
        "category": _CATEGORY.get((achievement or {}).get("transfer_mode") or "")
        or _CATEGORY.get((demand or {}).get("kind") or ""),
        "signed_on": (today or dt.date.today()).isoformat(),
        "engagement_id": engagement_id,
    }
    return {k: v for k, v in draft.items() if v not in (None, [], "")}


def engagement_draft(ledger, demand_id: int | None, achievement_id: int | None,
                     today: dt.date | None = None) -> dict[str, Any]:
    """A new engagement's values prefilled from a match (发起对接): the demand and the achievement,
    需求方 the demand's client, 供给方 the achievement's holder, the demand's broker in charge
    (100%), 预计金额 the asking price (else the budget), 阶段 初步接触, 开始日期 ``today`` and a
    项目名称 naming both. Either record may be missing (None)."""
    demand = ledger.get("demand", demand_id) if demand_id is not None else None
    achievement = ledger.get("achievement", achievement_id) if achievement_id is not None else None
    for entity, id_, row in (("demand", demand_id, demand), ("achievement", achievement_id, achievement)):
        if id_ is not None and row is None:
            raise BrokerDeskError("record.missing", entity=entity_label(entity), id=id_)
    demand, achievement = demand or {}, achievement or {}
    names = [n for n in (demand.get("title"), achievement.get("title")) if n]
    title = i18n.tr("engagement.draft_title", demand=names[0], achievement=names[1]) if len(names) == 2 \
        else (names[0] if names else None)
    limit = field("engagement", "title").max_len
    draft: dict[str, Any] = {
        "title": title[:limit] if title and limit else title,
        "demand_id": demand_id,
        "achievement_id": achievement_id,
        "demand_client_id": demand.get("client_id"),
        "supply_client_id": achievement.get("holder_id"),
        "brokers": [(demand["broker_id"], "100")] if demand.get("broker_id") else [],
        "stage": FIRST_STAGE,
        "expected_fen": achievement.get("price_fen") or demand.get("budget_fen"),
        "started_on": (today or dt.date.today()).isoformat(),
    }
    return {k: v for k, v in draft.items() if v not in (None, [], "")}


def sign(ledger, engagement_id: int, contract: dict | None = None, *, contract_id: int | None = None,
         today: dt.date | None = None):
    """Sign an engagement, in one undoable action: a new contract from :func:`contract_draft`
    overlaid with ``contract`` (the values the person entered: 合同编号, …), or the existing
    ``contract_id`` linked to it; the engagement moves to 已签约 and its demand to 已签约.
    Returns the :class:`Changes` (``id`` is the contract's); :class:`ValidationError` when the
    contract's values are not valid, :class:`BrokerDeskError` when the engagement cannot be signed."""
    eng = _engagement(ledger, engagement_id)
    if eng["stage"] == ENDED:
        raise BrokerDeskError("engagement.sign_ended", name=eng["title"])
    linked = signed_contract(ledger, engagement_id)
    if linked and linked[0] != contract_id:
        raise BrokerDeskError("engagement.already_signed", name=eng["title"], contract=linked[1])
    if contract_id is not None:
        current = ledger.get("contract", contract_id)
        if current is None:
            raise BrokerDeskError("record.missing", entity=entity_label("contract"), id=contract_id)
        if current["engagement_id"] not in (None, engagement_id):
            other = ledger.get("engagement", current["engagement_id"])
            raise BrokerDeskError("engagement.contract_taken", contract=current["contract_no"], other=other["title"])
        out, warnings = ledger.check_record("contract", {**(contract or {}), "engagement_id": engagement_id}, current)
    else:
        values = {**contract_draft(ledger, engagement_id, today), **(contract or {}), "engagement_id": engagement_id}
        out, warnings = ledger.check_record("contract", values, None)
    kept = [w for w in warnings_from_json(eng["warnings"]) if w.code != "engagement.unsigned"]
    with ledger.operation("op.sign", name=eng["title"]) as op:
        if contract_id is not None:
            op.update("contract", contract_id, out)
        else:
            contract_id = op.insert("contract", out)
        op.update("engagement", engagement_id, {"stage": SIGNED, "warnings": warnings_json(kept)})
        if eng["demand_id"]:
            op.update("demand", eng["demand_id"], {"status": demand_status(DEMAND_SIGNED_CODE)})
    op.changes.id = contract_id
    op.changes.warnings = warnings
    return op.changes


def demand_status(code: str) -> str:
    """The name of a demand_status code (``DEMAND_ENGAGED_CODE``: 对接中, ``DEMAND_SIGNED_CODE``: 已签约)."""
    for item in codes.tables().items("demand_status"):
        if item.code == code:
            return item.name
    raise KeyError(code)


def engage_demand(op, ledger, engagement: dict) -> None:
    """Inside the operation that saves an engagement: its demand, while still in a status before
    对接中 (征集中, 已发布), moves to 对接中 — an engagement has started on it. An engagement
    already signed or ended leaves its demand as it is."""
    demand_id = engagement.get("demand_id")
    if not demand_id or engagement.get("stage") in (SIGNED, ENDED):
        return
    row = ledger.conn.execute("SELECT status FROM demands WHERE id = ?", [demand_id]).fetchone()
    engaged = demand_status(DEMAND_ENGAGED_CODE)
    order = codes.tables().names("demand_status")
    if row and row[0] in order and order.index(row[0]) < order.index(engaged):
        op.update("demand", demand_id, {"status": engaged})


def _engagement(ledger, engagement_id: int) -> dict:
    eng = ledger.get("engagement", engagement_id)
    if eng is None:
        raise BrokerDeskError("record.missing", entity=entity_label("engagement"), id=engagement_id)
    return eng


# -- the to-do list ----------------------------------------------------------------------------

def record_followup(ledger, values: dict, *, close_due: bool = True):
    """Add a follow-up (``values`` as :meth:`Ledger.add` takes them) in one undoable action; with
    ``close_due`` the engagement's earlier next steps due by its date are marked done (this
    contact took them up), so they leave the to-do list. Returns the :class:`Changes` (``id``:
    the new follow-up's)."""
    out, warnings = ledger.check_record("followup", dict(values), None)
    due = [] if not close_due else [i for (i,) in ledger.conn.execute(
        "SELECT id FROM followups WHERE engagement_id = ? AND done = 0 AND next_on IS NOT NULL AND next_on <= ? "
        "ORDER BY id", [out["engagement_id"], out["on_date"]])]
    with ledger.operation("op.add", entity="followup", name=out["on_date"]) as op:
        followup_id = op.insert("followup", out)
        for id_ in due:
            op.update("followup", id_, {"done": 1})
    op.changes.id = followup_id
    op.changes.warnings = warnings
    return op.changes


def timeline(ledger, engagement_id: int) -> list[dict]:
    """An engagement's follow-ups, oldest first (then by id), each with its broker's name."""
    cur = ledger.conn.execute("SELECT f.*, b.name AS broker FROM followups f LEFT JOIN brokers b ON b.id = f.broker_id "
                              "WHERE f.engagement_id = ? ORDER BY f.on_date, f.id", [engagement_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


@dataclass(frozen=True)
class FollowupDue:
    """An undone next step that is due: the follow-up and its engagement."""

    id: int
    next_on: str
    next_step: str | None
    engagement_id: int
    engagement: str            # the engagement's 项目名称
    stage: str
    broker: str | None         # the follow-up's broker, else the engagement's brokers
    on_date: str               # when the follow-up that set it took place
    content: str
    days_late: int             # 0 when due on the day asked about


def days_late(next_on: str | None, today: dt.date) -> int:
    """How many days a next follow-up due on ``next_on`` (ISO date) is late on ``today``: 0 when
    none, not yet due or unreadable (the rule of the board's red dates and the list's)."""
    if not next_on:
        return 0
    try:
        return max(0, (today - dt.date.fromisoformat(next_on)).days)
    except ValueError:
        return 0


def due_followups(ledger, due_by: dt.date | None = None, broker_id: int | None = None) -> list[FollowupDue]:
    """Undone next steps due on or before ``due_by`` (default today), oldest first (then by id).
    With ``broker_id``: the broker's own follow-ups, and those without a broker on an engagement
    the broker works on. Follow-ups of engagements 已签约 or 已终止 are left out."""
    day = (due_by or dt.date.today()).isoformat()
    sql = ("SELECT f.id, f.next_on, f.next_step, e.id, e.title, e.stage, b.name, "
           "(SELECT group_concat(n.name, '、') FROM engagement_brokers x JOIN brokers n ON n.id = x.broker_id "
           " WHERE x.engagement_id = e.id), f.on_date, f.content "
           "FROM followups f JOIN engagements e ON e.id = f.engagement_id LEFT JOIN brokers b ON b.id = f.broker_id "
           "WHERE f.done = 0 AND f.next_on IS NOT NULL AND f.next_on <= ? AND e.stage NOT IN (?, ?)")
    args: list[Any] = [day, SIGNED, ENDED]
    if broker_id is not None:
        sql += (" AND (f.broker_id = ? OR (f.broker_id IS NULL AND EXISTS (SELECT 1 FROM engagement_brokers x "
                "WHERE x.engagement_id = e.id AND x.broker_id = ?)))")
        args += [broker_id, broker_id]
    sql += " ORDER BY f.next_on, f.id"
    end = dt.date.fromisoformat(day)
    return [FollowupDue(fid, next_on, step, eid, title, stage, own or team, on, content,
                        (end - dt.date.fromisoformat(next_on)).days)
            for fid, next_on, step, eid, title, stage, own, team, on, content in ledger.conn.execute(sql, args)]



def broker_id(ledger, key: str) -> int:
    """A broker named by 姓名 or 记录ID (the ``--broker`` of the commands)."""
    key = key.strip()
    ids = [i for (i,) in ledger.conn.execute("SELECT id FROM brokers WHERE uid = ? UNION ALL "
                                              "SELECT id FROM brokers WHERE name = ?", [key, key])]
    if not ids:
        raise BrokerDeskError("followup.no_broker", name=key)
    if len(set(ids)) > 1:
        raise BrokerDeskError("followup.broker_ambiguous", name=key, count=len(set(ids)))
    return ids[0]
