"""``broker-desk check``: integrity, schema version, counts, and the domain's
own invariants (shares, registration fields, search rows)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from . import i18n, payments
from .contracts import reg_no_length
from .errors import ValidationError
from .fields import ENTITY_FIELDS, TABLES, entity_label
from .idnumbers import check_registration_number
from .ledger import Ledger

i18n.register({
    "check.integrity": ("SQLite 完整性检查未通过：{detail}", "SQLite integrity check failed: {detail}"),
    "check.foreign_keys": ("{count} 条记录引用了不存在的记录（表 {table}）", "{count} rows refer to missing records (table {table})"),
    "check.shares": ("{count} 份合同的经纪人份额合计不是 100%（如 {examples}）",
                     "{count} contracts have broker shares that do not add up to 100% (e.g. {examples})"),
    "check.registered_fields": ("{count} 份“已登记”合同缺少登记编号、登记日期或核定技术交易额（如 {examples}）",
                                "{count} registered contracts lack a registration number, date or approved amount (e.g. {examples})"),
    "check.accepted_fields": ("{count} 份“已受理”合同缺少受理日期（如 {examples}）",
                              "{count} accepted contracts lack the date of acceptance (e.g. {examples})"),
    "check.search_rows": ("搜索索引与合同数不一致（{rows} 行 / {contracts} 份合同）",
                          "The search index does not match the contracts ({rows} rows / {contracts} contracts)"),
    "check.unknown_calendar": (
        "提示：{count} 份已受理合同的办结期限延伸到 {years} 年，程序尚无该年的节假日安排，暂按周一至周五计算工作日"
        "（如 {examples}）；请在“设置 → 工作日日历”中补充",
        "Note: {count} accepted contracts have a deadline reaching into {years}, whose holiday calendar is not "
        "known; Monday to Friday are counted as working days meanwhile (e.g. {examples}); add the dates under "
        "Settings → Working-day calendar"),
    "check.engagement_shares": ("{count} 个对接项目的经纪人份额合计不是 100%（如 {examples}）",
                                "{count} engagements have broker shares that do not add up to 100% (e.g. {examples})"),
    "check.history": ("{count} 份合同的当前状态与登记进度的最后一步不符（如 {examples}）",
                      "{count} contracts' status differs from the last step of their history (e.g. {examples})"),
    "check.reg_no": ("合同 {contract_no}（卖方 {seller}）：{message}",
                     "Contract {contract_no} (seller {seller}): {message}"),
    "check.reg_no_more": ("另有 {count} 份合同的登记编号需要核对", "{count} more contracts have registration numbers to verify"),
    "check.money_contract": ("{what}（合同 {contract_no}）：{message}", "{what} (contract {contract_no}): {message}"),
    "check.money_record": ("{what}“{name}”：{message}", "{what} “{name}”: {message}"),
    "check.money_more": ("另有 {count} 处付款计划、到账记录或佣金发放的问题", "{count} more problems in payment plans, "
                         "money received or commission payouts"),
})

#: Contracts with a doubtful 登记编号 listed one by one, up to this many.
REG_NO_LISTED = 20
#: Problems of money records listed one by one, up to this many.
MONEY_LISTED = 20
#: The money rules about a contract's totals: said once per contract (not by each of its records).
_MONEY_TOTALS = frozenset({"money.plan_over_amount", "money.received_over_amount", "money.payout_over_earned"})


@dataclass
class Report:
    path: str
    schema_version: int
    journal_mode: str
    counts: dict[str, int]
    statuses: dict[str, int]
    overdue: int
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # worth saying, not a fault of the ledger

    @property
    def healthy(self) -> bool:
        return not self.problems


def _examples(ledger: Ledger, sql: str) -> tuple[int, str]:
    rows = ledger.conn.execute(sql).fetchall()
    return len(rows), "、".join(r[0] for r in rows[:3])


def run(ledger: Ledger, today: dt.date | None = None) -> Report:
    start = time.perf_counter()
    conn = ledger.conn
    report = Report(
        path=str(ledger.path), schema_version=ledger.schema_version, journal_mode=ledger.journal_mode,
        counts={e: ledger.count(e) for e in TABLES},
        statuses=dict(conn.execute("SELECT status, count(*) FROM contracts GROUP BY status ORDER BY 2 DESC")),
        overdue=len(ledger.overdue(today)))
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if integrity != ["ok"]:
        report.problems.append(i18n.tr("check.integrity", detail="; ".join(integrity[:5])))
    for table, count in conn.execute("SELECT \"table\", count(*) FROM pragma_foreign_key_check GROUP BY 1"):
        report.problems.append(i18n.tr("check.foreign_keys", table=table, count=count))
    for key, sql in (
        ("check.shares", "SELECT c.contract_no FROM contracts c JOIN contract_brokers b ON b.contract_id = c.id "
                         "GROUP BY c.id HAVING sum(b.share_bp) != 10000"),
        ("check.engagement_shares", "SELECT e.title FROM engagements e JOIN engagement_brokers b "
                                    "ON b.engagement_id = e.id GROUP BY e.id HAVING sum(b.share_bp) != 10000"),
        ("check.registered_fields", "SELECT contract_no FROM contracts WHERE status = '已登记' AND "
                                    "(reg_no IS NULL OR registered_on IS NULL OR approved_fen IS NULL)"),
        ("check.accepted_fields", "SELECT contract_no FROM contracts WHERE status = '已受理' AND "
                                  "(accepted_on IS NULL OR clock_from IS NULL)"),
        ("check.history", "SELECT c.contract_no FROM contracts c JOIN registration_events e ON e.id = "
                          "(SELECT max(id) FROM registration_events WHERE contract_id = c.id) "
                          "WHERE e.to_status != c.status AND NOT (e.to_status = '变更登记' AND c.status = '已登记')"),
    ):
        count, examples = _examples(ledger, sql)
        if count:
            report.problems.append(i18n.tr(key, count=count, examples=examples))
    report.problems.extend(_registration_numbers(ledger, today or dt.date.today()))
    report.problems.extend(_money_records(ledger))
    rows = conn.execute("SELECT count(*) FROM contract_search").fetchone()[0]
    if rows != report.counts["contract"]:
        report.problems.append(i18n.tr("check.search_rows", rows=rows, contracts=report.counts["contract"]))
    unknown = [(id_, due) for id_, due in ledger.accepted_dues() if due.unknown_years]
    if unknown:
        years = sorted({y for _, due in unknown for y in due.unknown_years})
        shown = [n for (n,) in conn.execute("SELECT contract_no FROM contracts WHERE id IN "
                                            f"({','.join(str(i) for i, _ in unknown[:3])}) ORDER BY id")]
        report.notes.append(i18n.tr("check.unknown_calendar", count=len(unknown), years="、".join(map(str, years)),
                                    examples="、".join(shown)))
    report.seconds = time.perf_counter() - start
    return report


def _registration_numbers(ledger: Ledger, today: dt.date) -> list[str]:
    """Each contract whose 登记编号 is of another length than the ledger's, of a future year or
    of an unknown province (warnings when it was entered, still worth a look)."""
    length, found = reg_no_length(ledger), []
    for contract_no, seller, reg_no in ledger.conn.execute(
            "SELECT c.contract_no, s.name, c.reg_no FROM contracts c JOIN clients s ON s.id = c.seller_id "
            "WHERE c.reg_no IS NOT NULL ORDER BY c.contract_no, c.id"):
        _, problems = check_registration_number(reg_no, today, length=length)
        if problems:
            found.append((contract_no, seller, "；".join(p.message() for p in problems)))
    lines = [i18n.tr("check.reg_no", contract_no=no, seller=seller, message=message)
             for no, seller, message in found[:REG_NO_LISTED]]
    if len(found) > REG_NO_LISTED:
        lines.append(i18n.tr("check.reg_no_more", count=len(found) - REG_NO_LISTED))
    return lines


def _money_records(ledger: Ledger) -> list[str]:
    """Each money record (plan item, receipt, payout) checked by the rules the editors and the
    import use (:meth:`Ledger.check_record`, with :mod:`payments`' rules): errors (an amount below
    0, a reference to a missing contract, broker or plan item …) and warnings (a plan or the money
    received above 成交额, a payout above what the broker earned), a contract's totals said once."""
    found, seen = [], set()
    for entity in payments.ENTITIES:
        names = [f.name for f in ENTITY_FIELDS[entity]]
        label = entity_label(entity)
        what = label[:1].upper() + label[1:]  # a line begins with it (English)
        cur = ledger.conn.execute(f"SELECT * FROM {TABLES[entity]} ORDER BY contract_id, id")
        columns = [d[0] for d in cur.description]
        for row in cur.fetchall():
            current = dict(zip(columns, row, strict=True))
            try:
                problems = ledger.check_record(entity, {n: current[n] for n in names}, current)[1]
            except ValidationError as e:
                problems = e.problems
            for p in problems:
                message = p.message()
                if p.code in _MONEY_TOTALS:
                    key = (entity, current["contract_id"], message)
                    if key in seen:
                        continue
                    seen.add(key)
                    no = ledger.conn.execute("SELECT contract_no FROM contracts WHERE id = ?",
                                             [current["contract_id"]]).fetchone()
                    found.append(i18n.tr("check.money_contract", what=what,
                                         contract_no=no[0] if no else "?", message=message))
                else:
                    found.append(i18n.tr("check.money_record", what=what,
                                         name=ledger.display_name(entity, current), message=message))
    lines = found[:MONEY_LISTED]
    if len(found) > MONEY_LISTED:
        lines.append(i18n.tr("check.money_more", count=len(found) - MONEY_LISTED))
    return lines
