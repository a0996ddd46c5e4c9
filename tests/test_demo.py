"""Demo data: realistic, valid by the ledger's own rules, deterministic."""

from __future__ import annotations

import datetime as dt
import hashlib

from conftest import DEMO_TODAY
from stdnum.cn import uscc

from broker_desk import codes, demo, registration
from broker_desk.idnumbers import check_credit_code, check_patent_number, check_registration_number
from broker_desk.ledger import Ledger

CONTENT = {
    "clients": "name, credit_code, nature, enterprise_type, region, address",
    "brokers": "uid, name, cert_no, institution",
    "achievements": "uid, title, holder_id, patents, price_fen",
    "contracts": "uid, contract_no, title, category, subtype, buyer_id, seller_id, signed_on, amount_fen, "
                 "deductions_fen, status, accepted_on, clock_from, reg_no, registered_on, approved_fen",
    "contract_brokers": "contract_id, broker_id, share_bp",
    "registration_events": "uid, contract_id, from_status, to_status, on_date, note, details",
    "demands": "uid, title, client_id, kind, budget_fen, deadline, broker_id, status, published_on",
    "engagements": "uid, title, demand_id, achievement_id, demand_client_id, supply_client_id, stage, expected_fen, "
                   "started_on, end_reason",
    "engagement_brokers": "engagement_id, broker_id, share_bp",
    "followups": "uid, engagement_id, on_date, channel, broker_id, content, next_step, next_on, done",
}


def fingerprint(led: Ledger) -> str:
    h = hashlib.sha256()
    for table, cols in CONTENT.items():
        for row in led.conn.execute(f"SELECT {cols} FROM {table} ORDER BY 1, 2"):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_and_day_give_the_same_ledger(tmp_path):
    prints = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        with Ledger.open(tmp_path / f"{name}.brokerdesk") as led:
            demo.generate(led, 300, seed=seed, today=DEMO_TODAY)
            prints.append(fingerprint(led))
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_every_category_and_status_occurs(demo_ledger):
    categories = {c for (c,) in demo_ledger.conn.execute("SELECT DISTINCT category FROM contracts")}
    assert categories == set(codes.tables().names("contract_category"))
    statuses = {s for (s,) in demo_ledger.conn.execute("SELECT DISTINCT status FROM contracts")}
    assert statuses == set(registration.STATUSES)
    years = {y for (y,) in demo_ledger.conn.execute("SELECT DISTINCT substr(signed_on, 1, 4) FROM contracts")}
    assert len(years) >= 4


def test_subtypes_belong_to_their_categories(demo_ledger):
    for category, subtype in demo_ledger.conn.execute("SELECT DISTINCT category, subtype FROM contracts"):
        assert subtype in codes.tables().subtypes(category), (category, subtype)


def test_identification_numbers_are_valid(demo_ledger):
    codes_ = [c for (c,) in demo_ledger.conn.execute("SELECT credit_code FROM clients")]
    assert len(codes_) == len(set(codes_)) > 50
    for code in codes_:
        assert check_credit_code(code) == (code, []), code
        assert uscc.is_valid(code)
    for (patents,) in demo_ledger.conn.execute("SELECT patents FROM achievements"):
        for number in patents.split("；"):
            assert check_patent_number(number, today=DEMO_TODAY) == (number, []), number
    for (reg_no,) in demo_ledger.conn.execute("SELECT reg_no FROM contracts WHERE reg_no IS NOT NULL"):
        number, problems = check_registration_number(reg_no, DEMO_TODAY)
        assert len(reg_no) == 16 and number == reg_no and problems == [], reg_no
    for (region,) in demo_ledger.conn.execute("SELECT DISTINCT region FROM clients"):
        assert codes.region_name(region), region


def test_histories_obey_the_workflow(demo_ledger):
    contracts = {i: (status, signed) for i, status, signed in
                 demo_ledger.conn.execute("SELECT id, status, signed_on FROM contracts")}
    walked = {i: registration.DRAFT for i in contracts}
    last_day = {i: contracts[i][1] for i in contracts}
    for cid, frm, to, on in demo_ledger.conn.execute(
            "SELECT contract_id, from_status, to_status, on_date FROM registration_events ORDER BY contract_id, id"):
        assert frm == walked[cid]
        assert to in registration.ALLOWED[frm], (cid, frm, to)
        assert on >= last_day[cid] and on <= DEMO_TODAY.isoformat()
        walked[cid], last_day[cid] = to, on
    assert all(walked[i] == contracts[i][0] for i in contracts)


def test_amounts_and_shares_are_plausible(demo_ledger):
    bad = demo_ledger.conn.execute(
        "SELECT count(*) FROM contracts WHERE amount_fen < 100000 OR deductions_fen > amount_fen "
        "OR amount_fen % 100 != 0 OR (approved_fen IS NOT NULL AND approved_fen > amount_fen)").fetchone()[0]
    assert bad == 0
    sums = {s for (s,) in demo_ledger.conn.execute(
        "SELECT sum(share_bp) FROM contract_brokers GROUP BY contract_id")}
    assert sums == {10000}
    assert demo_ledger.conn.execute("SELECT count(*) FROM contracts WHERE status = '已登记' AND "
                                    "(reg_no IS NULL OR approved_fen IS NULL)").fetchone()[0] == 0


def test_overdue_cases_exist_and_are_past_the_limit(demo_ledger):
    overdue = demo_ledger.overdue(DEMO_TODAY)
    assert overdue
    for cid in overdue:
        contract = demo_ledger.get("contract", cid)
        assert demo_ledger.deadline(contract) < DEMO_TODAY


def test_demo_is_one_undoable_action(demo_ledger):
    assert demo_ledger.undo_label().startswith("生成示例数据")
    assert demo_ledger.conn.execute("SELECT count(DISTINCT op_id) FROM changes").fetchone()[0] == 1


def test_demo_passes_check(demo_ledger):
    from broker_desk.check import run

    report = run(demo_ledger, today=DEMO_TODAY)
    assert report.healthy, report.problems
    assert report.counts["contract"] == 1500


def test_dates_follow_the_given_day(tmp_path):
    day = dt.date(2030, 1, 10)
    with Ledger.open(tmp_path / "d.brokerdesk") as led:
        demo.generate(led, 200, seed=1, today=day)
        latest = led.conn.execute("SELECT max(on_date) FROM registration_events").fetchone()[0]
        assert "2029-10-01" <= latest <= day.isoformat()
