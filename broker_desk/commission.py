"""Brokers' commission (佣金, DESIGN §3): a contract's 佣金 split by its brokers' shares, earned
as the client's money arrives or on registration (the office's setting ``commission.mode``),
the payouts (佣金发放) and a broker's statement (佣金对账单) for a period.

* A broker's full share = 佣金 × share (rounded to the fen, half up).
* As the money arrives (``"arrival"``, the default): earned = 佣金 × share × 已到账 / 成交额,
  rounded to the fen, never above the full share (a contract of 成交额 0 earns it in full).
* On registration (``"registration"``): the full share once the contract has a 登记日期.
* Outstanding (未发放) = earned − paid (negative when more was paid than earned).

A statement of a period (a year or a span of years) lists, per contract of the broker signed by
the period's end, what was earned and paid in the period and in all up to its end; it shows the
contracts where anything happened in the period or something is still outstanding at its end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import i18n
from .rankings import period_bounds, period_text

ARRIVAL, REGISTRATION = "arrival", "registration"
MODES = (ARRIVAL, REGISTRATION)

i18n.register({
    "commission.mode.arrival": ("按到账计提", "As the money arrives"),
    "commission.mode.registration": ("登记后计提", "On registration"),
    "commission.title": ("佣金对账单", "Commission statement"),
    "commission.no_broker": ("没有名为“{name}”的经纪人", "There is no broker named “{name}”"),
})


def mode(ledger) -> str:
    value = ledger.setting("commission.mode")
    return value if value in MODES else ARRIVAL


def _div(num: int, den: int) -> int:
    """num / den rounded to the nearest whole number, halves up (both ≥ 0, den > 0)."""
    return (2 * num + den) // (2 * den)


def full_share(commission_fen: int | None, share_bp: int) -> int:
    return _div((commission_fen or 0) * share_bp, 10000)


def earned(commission_fen: int | None, share_bp: int, amount_fen: int, received_fen: int,
           registered: bool, how: str = ARRIVAL) -> int:
    """What a broker with ``share_bp`` (1/100 %) has earned of a contract's 佣金."""
    full = full_share(commission_fen, share_bp)
    if how == REGISTRATION:
        return full if registered else 0
    if amount_fen <= 0:
        return full
    return min(full, _div((commission_fen or 0) * share_bp * max(received_fen, 0), 10000 * amount_fen))


@dataclass
class BrokerCommission:
    broker_id: int
    name: str
    share_bp: int
    full_fen: int
    earned_fen: int
    paid_fen: int

    @property
    def outstanding_fen(self) -> int:
        return self.earned_fen - self.paid_fen


def of_contract(ledger, contract_id: int, on: dt.date | None = None) -> list[BrokerCommission]:
    """Each broker's share of a contract's 佣金, earned and paid (up to ``on``, default: all)."""
    conn, until = ledger.conn, (on.isoformat() if on else "9999-12-31")
    c = conn.execute("SELECT amount_fen, commission_fen, registered_on FROM contracts WHERE id = ?",
                     [contract_id]).fetchone()
    if c is None:
        return []
    amount, commission, registered_on = c
    got = conn.execute("SELECT coalesce(sum(amount_fen), 0) FROM receipts WHERE contract_id = ? AND received_on <= ?",
                       [contract_id, until]).fetchone()[0]
    paid = dict(((b, s) for b, s in conn.execute(
        "SELECT broker_id, sum(amount_fen) FROM commission_payouts WHERE contract_id = ? AND paid_on <= ? "
        "GROUP BY broker_id", [contract_id, until])))
    how, out = mode(ledger), []
    for broker_id, name, share in conn.execute(
            "SELECT cb.broker_id, b.name, cb.share_bp FROM contract_brokers cb JOIN brokers b ON b.id = cb.broker_id "
            "WHERE cb.contract_id = ? ORDER BY cb.rowid", [contract_id]):
        registered = bool(registered_on and registered_on <= until)
        out.append(BrokerCommission(broker_id, name, share, full_share(commission, share),
                                    earned(commission, share, amount, got, registered, how), paid.pop(broker_id, 0)))
    for broker_id, amount_paid in paid.items():  # paid to someone who is not (or no longer) on the contract
        name = conn.execute("SELECT name FROM brokers WHERE id = ?", [broker_id]).fetchone()[0]
        out.append(BrokerCommission(broker_id, name, 0, 0, 0, amount_paid))
    return out


@dataclass
class Line:
    contract_id: int
    contract_no: str
    title: str
    amount_fen: int            # 成交额
    received_fen: int          # 已到账 by the period's end
    commission_fen: int        # the contract's 佣金
    share_bp: int
    full_fen: int              # the broker's full share
    earned_period_fen: int     # 本期挣得
    earned_fen: int            # 累计挣得 by the period's end
    paid_period_fen: int       # 本期发放
    paid_fen: int              # 累计发放 by the period's end

    @property
    def outstanding_fen(self) -> int:
        return self.earned_fen - self.paid_fen


@dataclass
class Statement:
    broker_id: int
    broker: str
    institution: str | None
    year_from: int
    year_to: int
    mode: str
    lines: list[Line] = field(default_factory=list)
    _totals: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def period_text(self) -> str:
        return period_text(self.year_from, self.year_to)

    def total(self, name: str) -> int:
        """The lines' sum of ``name`` (worked out once while the lines stay as they are: a report
        asks for each total several times)."""
        key = (name, len(self.lines))
        if key not in self._totals:
            self._totals[key] = sum(getattr(line, name) for line in self.lines)
        return self._totals[key]


# The contracts that may have a line: signed in the period, or with money received or paid out by
# its end, or earning without money (成交额 0; registered, when commission is earned on registration).
# On any other contract nothing was earned or paid, so it has no line (statements() decides).
_LINES = """
    WITH ids AS (SELECT id FROM contracts WHERE signed_on BETWEEN :start AND :end
                 UNION SELECT contract_id FROM receipts WHERE received_on <= :end
                 UNION SELECT contract_id FROM commission_payouts WHERE paid_on <= :end
                 UNION SELECT id FROM contracts WHERE amount_fen <= 0 {registered})
    SELECT cb.broker_id, c.id, c.contract_no, c.title, c.amount_fen, coalesce(c.commission_fen, 0), cb.share_bp,
           c.registered_on, c.signed_on
    FROM ids JOIN contracts c ON c.id = ids.id JOIN contract_brokers cb ON cb.contract_id = c.id
    WHERE c.signed_on <= :end {brokers}
    ORDER BY cb.broker_id, c.signed_on, c.id"""
_REGISTERED = "UNION SELECT id FROM contracts WHERE registered_on <= :end"


def statements(ledger, year_from: int, year_to: int | None = None,
               broker_ids: list[int] | None = None) -> list[Statement]:
    """佣金对账单 of a period for the given brokers (default: every broker with a line), by name."""
    year_from, year_to, start, end = period_bounds(year_from, year_to)
    conn, how = ledger.conn, mode(ledger)
    before = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
    args: dict = {"start": start, "end": end}
    only = ""
    if broker_ids is not None:
        only = "AND cb.broker_id IN (SELECT value FROM json_each(:ids))"
        args["ids"] = "[" + ",".join(str(int(i)) for i in broker_ids) + "]"
    # receipts per contract: before the period, up to its end
    got = {cid: (b, e) for cid, b, e in conn.execute(
        "SELECT contract_id, sum(CASE WHEN received_on < :start THEN amount_fen ELSE 0 END), sum(amount_fen) "
        "FROM receipts WHERE received_on <= :end GROUP BY contract_id", args)}
    paid = {(cid, bid): (b, e) for cid, bid, b, e in conn.execute(
        "SELECT contract_id, broker_id, sum(CASE WHEN paid_on < :start THEN amount_fen ELSE 0 END), "
        "sum(amount_fen) FROM commission_payouts WHERE paid_on <= :end GROUP BY contract_id, broker_id", args)}
    brokers = {bid: (name, inst) for bid, name, inst in conn.execute("SELECT id, name, institution FROM brokers")}
    out: dict[int, Statement] = {}
    seen = set()
    for bid, cid, no, title, amount, commission, share, registered_on, signed_on in conn.execute(
            _LINES.format(brokers=only, registered=_REGISTERED if how == REGISTRATION else ""), args):
        seen.add((cid, bid))
        got_before, got_end = got.get(cid, (0, 0))
        paid_before, paid_end = paid.get((cid, bid), (0, 0))
        reg_before = bool(registered_on and registered_on <= before)
        reg_end = bool(registered_on and registered_on <= end)
        e_before = earned(commission, share, amount, got_before, reg_before, how) if signed_on <= before else 0
        e_end = earned(commission, share, amount, got_end, reg_end, how)
        line = Line(cid, no, title, amount, got_end, commission, share, full_share(commission, share),
                    e_end - e_before, e_end, paid_end - paid_before, paid_end)
        if not (line.earned_period_fen or line.paid_period_fen or line.outstanding_fen or signed_on >= start):
            continue
        if bid not in out:
            name, inst = brokers[bid]
            out[bid] = Statement(bid, name, inst, year_from, year_to, how)
        out[bid].lines.append(line)
    # payouts to a broker who is not on the contract
    for (cid, bid), (paid_before, paid_end) in paid.items():
        if (cid, bid) in seen or (broker_ids is not None and bid not in broker_ids):
            continue
        no, title, amount, commission = conn.execute(
            "SELECT contract_no, title, amount_fen, coalesce(commission_fen, 0) FROM contracts WHERE id = ?",
            [cid]).fetchone()
        if bid not in out:
            name, inst = brokers[bid]
            out[bid] = Statement(bid, name, inst, year_from, year_to, how)
        out[bid].lines.append(Line(cid, no, title, amount, got.get(cid, (0, 0))[1], commission, 0, 0, 0, 0,
                                   paid_end - paid_before, paid_end))
    if broker_ids is not None:
        for bid in broker_ids:
            if bid not in out and bid in brokers:
                out[bid] = Statement(bid, brokers[bid][0], brokers[bid][1], year_from, year_to, how)
    return sorted(out.values(), key=lambda s: (s.broker, s.broker_id))


def find_broker(ledger, name: str) -> int:
    """The id of the broker named ``name`` (BrokerDeskError if none)."""
    from .errors import BrokerDeskError

    r = ledger.conn.execute("SELECT id FROM brokers WHERE name = ? ORDER BY id LIMIT 1", [name.strip()]).fetchone()
    if r is None:
        raise BrokerDeskError("commission.no_broker", name=name)
    return r[0]
