"""What the forms print, read from the ledger: one flat dict of field values per
contract (``"buyer.name" -> "…"``) plus its lists (brokers, deductions,
registration steps), or, for a period, the period's fields and its contracts.

A :class:`Source` serves one print job: clients, brokers and achievements are
read once and kept, since a batch of contracts shares many of them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from .. import codes, i18n
from ..errors import BrokerDeskError
from ..registration import ACCEPTED, READY, REGISTERED

i18n.register({
    "paperwork.bad_period": ("期间“{period}”无法识别：请写年份（2025）或年月（2025-03）",
                             "Cannot read the period “{period}”: write a year (2025) or a month (2025-03)"),
    "paperwork.deductions_total": ("非技术性费用", "Non-technical costs"),
    "paperwork.period_year": ("{year}年", "{year}"),
    "paperwork.period_month": ("{year}年{month}月", "{year}-{month:02d}"),
})


@dataclass(frozen=True)
class Period:
    text: str            # as given: 2025 or 2025-03
    start: dt.date
    end: dt.date         # the last day
    label: str           # 2025年3月

    @property
    def stop(self) -> dt.date:
        """The day after the period (for half-open date ranges)."""
        return self.end + dt.timedelta(days=1)


def parse_period(period: str) -> Period:
    text = str(period or "").strip()
    m = re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})月?)?", text)
    if not m:
        raise BrokerDeskError("paperwork.bad_period", period=period)
    year = int(m.group(1))
    try:
        if m.group(2):
            month = int(m.group(2))
            start = dt.date(year, month, 1)
            stop = dt.date(year + (month == 12), month % 12 + 1, 1)
            label = i18n.tr("paperwork.period_month", year=year, month=month)
        else:
            start, stop = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            label = i18n.tr("paperwork.period_year", year=year)
    except ValueError:
        raise BrokerDeskError("paperwork.bad_period", period=period) from None
    if year < 1980:
        raise BrokerDeskError("paperwork.bad_period", period=period)
    return Period(text, start, stop - dt.timedelta(days=1), label)


def registered_ids(ledger, period: Period) -> list[int]:
    return [r[0] for r in ledger.conn.execute(
        "SELECT id FROM contracts WHERE status = ? AND registered_on >= ? AND registered_on < ? "
        "ORDER BY registered_on, reg_no, id", [REGISTERED, period.start.isoformat(), period.stop.isoformat()])]


def split_commission(total: int | None, shares: list[int]) -> list[int | None]:
    """Each broker's part of the commission (fen), by share, adding up exactly to the
    total (largest remainders get the odd fen)."""
    if total is None or not shares:
        return [None] * len(shares)
    whole = sum(shares) or 1
    exact = [total * s for s in shares]
    parts = [e // whole for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] % whole), i))
    for i in order[:max(0, left)]:
        parts[i] += 1
    return parts


def deduction_items(contract: dict) -> list[tuple[str, int]]:
    """The itemized non-technical costs: the ledger's items, else one row with the total."""
    items = contract.get("deductions")
    if items is None and contract.get("deduction_items"):
        try:
            items = json.loads(contract["deduction_items"])
        except (TypeError, ValueError):
            items = None
    out = []
    for item in items or []:
        if isinstance(item, dict):
            name, fen = item.get("name") or item.get("item"), item.get("fen", item.get("amount_fen"))
        else:
            name, fen = item[0], item[1]
        if isinstance(fen, int):
            out.append((str(name or ""), fen))
    if not out and (contract.get("deductions_fen") or 0) > 0:
        out.append((i18n.tr("paperwork.deductions_total"), contract["deductions_fen"]))
    return out


class Source:
    """Reads the ledger for one print job."""

    def __init__(self, ledger, today: dt.date):
        self.ledger = ledger
        self.today = today
        self._clients: dict[int, dict] = {}
        self._brokers: dict[int, dict] = {}
        self._achievements: dict[int, dict] = {}
        self.tables = codes.tables()
        self.common = {
            "office.name": ledger.setting("office_name") or "",
            "office.code": ledger.setting("office_code") or "",
            "office.address": ledger.setting("office_address") or "",
            "office.phone": ledger.setting("office_phone") or "",
            "today": today,
        }

    def _client(self, id_: int | None) -> dict:
        if id_ is None:
            return {}
        client = self._clients.get(id_)
        if client is None:
            client = self.ledger.get("client", id_) or {}
            client["entity_code"] = self.tables.entity_code(client.get("nature"), client.get("enterprise_type"))
            self._clients[id_] = client
        return client

    def _broker(self, id_: int) -> dict:
        broker = self._brokers.get(id_)
        if broker is None:
            broker = self._brokers[id_] = self.ledger.get("broker", id_) or {}
        return broker

    def _achievement(self, id_: int | None) -> dict:
        if id_ is None:
            return {}
        found = self._achievements.get(id_)
        if found is None:
            found = self.ledger.get("achievement", id_) or {}
            found["holder"] = self._client(found.get("holder_id")).get("name")
            self._achievements[id_] = found
        return found

    def contract(self, contract_id: int, needs: set[str]) -> tuple[dict, dict, dict]:
        """(values, lists, the contract row) of one contract."""
        row = self.ledger.get("contract", contract_id)
        if row is None:
            raise BrokerDeskError("move.missing_contract", id=contract_id)
        values = dict(self.common)
        for key, value in row.items():
            if key not in ("brokers", "deductions"):
                values["contract." + key] = value
        lists: dict[str, list[dict]] = {}
        if "buyer" in needs:
            for key, value in self._client(row["buyer_id"]).items():
                values["buyer." + key] = value
        if "seller" in needs:
            for key, value in self._client(row["seller_id"]).items():
                values["seller." + key] = value
        if "achievement" in needs:
            for key, value in self._achievement(row.get("achievement_id")).items():
                values["achievement." + key] = value
        if "history" in needs:
            history = self.ledger.registration_history(contract_id)
            last = {}
            note = None
            for event in history:
                last[event["to_status"]] = event["on_date"]
                note = event.get("note") or note
            values.update({
                "registration.status": row["status"],
                "registration.submitted_on": last.get(READY),
                "registration.accepted_on": row.get("accepted_on") or last.get(ACCEPTED),
                "registration.registered_on": row.get("registered_on") or last.get(REGISTERED),
                "registration.office": row.get("reg_office"),
                "registration.reg_no": row.get("reg_no"),
                "registration.approved_fen": row.get("approved_fen"),
                "registration.note": note,
            })
            lists["registration.history"] = [
                {"row.index": i, "row.status": e["to_status"], "row.on_date": e["on_date"], "row.note": e.get("note")}
                for i, e in enumerate(history, 1)]
        if "brokers" in needs:
            shares = [bp for _, bp in row["brokers"]]
            parts = split_commission(row.get("commission_fen"), shares)
            rows = []
            for i, ((broker_id, bp), part) in enumerate(zip(row["brokers"], parts, strict=True), 1):
                broker = self._broker(broker_id)
                rows.append({"row.index": i, "row.name": broker.get("name"), "row.cert_no": broker.get("cert_no"),
                             "row.level": broker.get("level"), "row.institution": broker.get("institution"),
                             "row.phone": broker.get("phone"), "row.share_bp": bp, "row.commission_fen": part})
            lists["brokers"] = rows
            values["contract.brokers"] = "；".join(f"{r['row.name']}({r['row.share_bp'] / 100:g}%)" for r in rows)
        if "deductions" in needs:
            lists["deductions"] = [{"row.index": i, "row.name": name, "row.amount_fen": fen}
                                   for i, (name, fen) in enumerate(deduction_items(row), 1)]
        return values, lists, row

    def period(self, period: Period, contract_ids: list[int]) -> tuple[dict, dict]:
        """(values, lists) of a period's summary: its fields and its contracts in the given order."""
        values = dict(self.common)
        values.update({"period.text": period.label, "period.start": period.start, "period.end": period.end,
                       "period.year": period.start.year})
        rows: dict[int, dict] = {}
        conn = self.ledger.conn
        for chunk_start in range(0, len(contract_ids), 500):
            chunk = contract_ids[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            cur = conn.execute(
                "SELECT c.id, c.uid, c.reg_no, c.contract_no, c.title, c.category, c.subtype, c.field, s.name, b.name, "
                "c.signed_on, c.registered_on, c.amount_fen, c.deductions_fen, c.tech_fen, c.approved_fen, "
                f"c.commission_fen FROM contracts c JOIN clients s ON s.id = c.seller_id "
                f"JOIN clients b ON b.id = c.buyer_id WHERE c.id IN ({marks})", chunk)
            for r in cur:
                rows[r[0]] = dict(zip(_PERIOD_COLUMNS, r, strict=True))
            brokers: dict[int, list[str]] = {}
            for contract_id, name, bp in conn.execute(
                    "SELECT cb.contract_id, br.name, cb.share_bp FROM contract_brokers cb "
                    f"JOIN brokers br ON br.id = cb.broker_id WHERE cb.contract_id IN ({marks}) "
                    "ORDER BY cb.contract_id, cb.rowid", chunk):
                brokers.setdefault(contract_id, []).append(f"{name}({bp / 100:g}%)")
            for contract_id, names in brokers.items():
                rows[contract_id]["row.brokers"] = "；".join(names)
        listed = []
        for i, contract_id in enumerate(contract_ids, 1):
            r = rows.get(contract_id)
            if r is None:
                raise BrokerDeskError("move.missing_contract", id=contract_id)
            listed.append({**r, "row.index": i})
        return values, {"contracts": listed}


_PERIOD_COLUMNS = ("id", "row.uid", "row.reg_no", "row.contract_no", "row.title", "row.category", "row.subtype",
                   "row.field", "row.seller", "row.buyer", "row.signed_on", "row.registered_on", "row.amount_fen",
                   "row.deductions_fen", "row.tech_fen", "row.approved_fen", "row.commission_fen")
