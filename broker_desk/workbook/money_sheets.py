"""The rows of the money sheets (付款计划, 到账记录, 佣金发放; DESIGN §4) for ``export`` and
``import``.

A row names its contract by 合同编号 + 卖方 (the seller's 名称, or its 统一社会信用代码 when
another client has the same name, as the contracts sheet writes it); a contract that does not
exist (in the ledger or earlier in the same file) is the row's error. 到账记录's 期次 names an
item of that contract's 付款计划; 佣金发放's 经纪人 a broker the ledger has (姓名, or
姓名（证书编号） for namesakes). Without a 记录ID a row is the record with the same contract and
期次 (a plan item), the same contract, date, amount and 凭证号 (money received), or the same
contract, broker, date and amount (a payout): importing a sheet twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import i18n
from ..payments import ENTITIES, parse_seq

__all__ = ["ENTITIES", "key", "natural", "references", "rows"]

i18n.register({
    "import.no_instalment": ("合同 {no} 没有第 {seq} 期付款计划", "Contract {no} has no instalment {seq}"),
    "import.bad_seq": ("期次“{value}”应为正整数（如 1 或“第1期”）",
                       "Instalment “{value}” must be a whole number from 1 (e.g. 1 or 第1期)"),
    "import.no_broker": ("找不到经纪人“{name}”", "No broker “{name}”"),
})

_SQL = {
    "payment_plan": "SELECT x.uid, c.contract_no, c.seller_id, x.seq, x.kind, x.due_on, x.amount_fen / 100.0, "
                    "x.condition, x.note FROM payment_plans x JOIN contracts c ON c.id = x.contract_id{where} "
                    "ORDER BY x.contract_id, x.seq",
    "receipt": "SELECT x.uid, c.contract_no, c.seller_id, x.received_on, x.amount_fen / 100.0, x.payer, p.seq, "
               "x.voucher, x.note FROM receipts x JOIN contracts c ON c.id = x.contract_id "
               "LEFT JOIN payment_plans p ON p.id = x.plan_id{where} ORDER BY x.contract_id, x.received_on, x.id",
    "commission_payout": "SELECT x.uid, c.contract_no, c.seller_id, x.broker_id, x.paid_on, x.amount_fen / 100.0, "
                         "x.note FROM commission_payouts x JOIN contracts c ON c.id = x.contract_id{where} "
                         "ORDER BY x.contract_id, x.paid_on, x.id",
}
_DATES = {"payment_plan": (5,), "receipt": (3,), "commission_payout": (4,)}


def rows(conn, sheet, where: str, params: list, names, dates) -> Iterator[list]:
    """The sheet's rows as cell values, in the order of its columns (``where`` picks the contracts
    of a year's export, on ``x.contract_id``)."""
    entity = sheet.entity
    party, broker = names.party, names.broker
    at_dates = _DATES[entity]
    for record in conn.execute(_SQL[entity].format(where=where), params):
        row = list(record)
        row[2] = party[row[2]]
        for i in at_dates:
            if row[i] is not None:
                row[i] = dates[row[i]]
        if entity == "payment_plan":
            row[3] = str(row[3])
        elif entity == "receipt" and row[6] is not None:
            row[6] = str(row[6])
        elif entity == "commission_payout":
            row[3] = broker[row[3]]
        yield row


def references(job, raw, row_no: int, values: dict, where: dict) -> bool:
    """Resolve a money row's contract (合同编号 + 卖方), 期次 and 经纪人 into ids, reporting what is
    not found; the row's values then hold ``contract_id`` (and ``plan_id`` / ``broker_id``)."""
    entity, ok = raw.sheet.entity, True
    no, seller = values.pop("contract_no", None), values.pop("seller", None)
    values["_contract_no"], values["_seller_text"] = no, seller
    contract_id = None
    if no and seller:
        seller_id = job.known_party(seller)
        contract_id = job.contracts_by_key.get((no, seller_id)) if seller_id is not None else None
        if contract_id is None:
            code = "import.contract_rejected" if (no, seller) in job.rejected_contracts else "import.no_contract"
            job.problem(raw, row_no, where.get("contract_no"), i18n.tr(code, no=no, seller=seller))
            ok = False
    values["contract_id"] = contract_id
    if entity == "payment_plan" and values.get("seq") is not None:
        values["seq"] = parse_seq(values["seq"]) or values["seq"]  # the rule says what is wrong with it
    elif entity == "receipt" and "plan_seq" in values:
        text, plan_id = values.pop("plan_seq"), None
        if text not in (None, ""):
            seq = parse_seq(text)
            if seq is None:
                job.problem(raw, row_no, where.get("plan_seq"), i18n.tr("import.bad_seq", value=text))
                ok = False
            elif contract_id is not None:
                found = job.conn.execute("SELECT id FROM payment_plans WHERE contract_id = ? AND seq = ?",
                                         [contract_id, seq]).fetchone()
                if found is None:
                    job.problem(raw, row_no, where.get("plan_seq"), i18n.tr("import.no_instalment", no=no, seq=seq))
                    ok = False
                else:
                    plan_id = found[0]
        values["plan_id"] = plan_id
    elif entity == "commission_payout" and "broker" in values:
        text, broker_id = values.pop("broker"), None
        if text:
            broker_id = job.known_broker(text)
            if broker_id is None:
                ambiguous = len(job.brokers_by_name.get(text, ())) > 1
                job.problem(raw, row_no, where.get("broker"), i18n.tr(
                    "import.ambiguous_broker" if ambiguous else "import.no_broker", name=text))
                ok = False
        values["broker_id"] = broker_id
    if ok:
        job.flush()  # the rules' sums (received, paid, planned) see the rows before this one
    return ok


_NATURAL = {
    "payment_plan": ("SELECT id FROM payment_plans WHERE contract_id = ? AND seq = ?", ("contract_id", "seq")),
    "receipt": ("SELECT id FROM receipts WHERE contract_id = ? AND received_on = ? AND amount_fen = ? "
                "AND voucher IS ? ORDER BY id LIMIT 1", ("contract_id", "received_on", "amount_fen", "voucher")),
    "commission_payout": ("SELECT id FROM commission_payouts WHERE contract_id = ? AND broker_id = ? AND paid_on = ? "
                          "AND amount_fen = ? ORDER BY id LIMIT 1", ("contract_id", "broker_id", "paid_on", "amount_fen")),
}


def natural(job, entity: str, values: dict) -> int | None:
    """The record a row without (a known) 记录ID is, by its natural key (see the module)."""
    if not job.ledger_held[entity]:
        return None  # nothing to find (rows of this file that are the same record meet in job.seen)
    sql, names = _NATURAL[entity]
    args = [values.get(n) for n in names]
    if any(a is None for a in args[:2]):
        return None
    found = job.conn.execute(sql, args).fetchone()
    return found[0] if found else None


def key(entity: str, values: dict) -> tuple:
    """A row's identity within the file (two rows with it are the same record)."""
    return (entity, *(values.get(n) for n in _NATURAL[entity][1]))
