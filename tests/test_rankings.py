"""Rankings (DESIGN.md §3, issue 6): every rank and figure of a ledger known by hand,
the order setting, exact share-weighting, and the contracts behind a row."""

from __future__ import annotations

from collections import defaultdict

import pytest
from rankings_ledger import BROKERS_2024, INSTITUTIONS_2024, TODAY, TOTALS_2024, build, register

from broker_desk import rankings
from broker_desk.errors import BrokerDeskError
from broker_desk.registration import REGISTERED


@pytest.fixture
def hand(ledger):
    return ledger, build(ledger)


def figures(row) -> tuple:
    return (row.contracts, row.amount_fen, row.approved_fen, row.commission_fen, row.clients)


def test_broker_ranking_known_by_hand(hand):
    ledger, ns = hand
    r = rankings.compute(ledger, 2024)
    got = [(row.rank, row.name, row.institution, *figures(row)) for row in r.rows]
    assert got == BROKERS_2024
    assert [row.key for row in r.rows] == [ns.brokers[name] for _, name, *_ in BROKERS_2024]
    assert figures(r.totals) == TOTALS_2024 and r.totals.name == "合计"
    assert (r.by, r.year_from, r.year_to, r.order) == ("broker", 2024, 2024, ["approved", "contracts", "name"])
    assert r.rule_text.startswith("按核定技术交易额、登记合同数从高到低排序，数值相同者名次并列")
    assert r.title == "2024 年技术经纪人排行榜"
    assert r.ledger_path.endswith("test.brokerdesk") and r.generated_at.tzinfo is not None


def test_institution_ranking_known_by_hand(hand):
    ledger, _ = hand
    r = rankings.compute(ledger, 2024, by="institution")
    got = [(row.rank, row.name, *figures(row)) for row in r.rows]
    assert got == INSTITUTIONS_2024
    assert [row.key for row in r.rows] == ["甲机构", "乙机构", "", "丙机构"]
    assert figures(r.totals) == TOTALS_2024  # the same contracts, each once
    assert "机构名称" in r.rule_text and r.title == "2024 年技术经纪人所属机构排行榜"


def test_refused_withdrawn_waiting_and_next_year_never_count(hand):
    ledger, ns = hand
    rows = {row.name: row for row in rankings.compute(ledger, 2024).rows}
    assert "周八" not in rows  # only on the refused K6 and the withdrawn K7
    assert rows["张三"].contracts == 2  # K1, K11 - not the withdrawn K7
    assert rows["李四"].contracts == 1  # K1 - not K8, still waiting
    assert rows["王五"].amount_fen == 50_000_000  # K2 - K5 was registered on 1 January 2025
    assert rows["赵六"].contracts == 1  # K3, registered on 31 December 2024, counts for 2024 …
    assert "赵六" not in {row.name for row in rankings.compute(ledger, 2025).rows}  # … and only for 2024
    nxt = rankings.compute(ledger, 2025)
    assert [(row.rank, row.name, *figures(row)) for row in nxt.rows] == [
        (1, "王五", 1, 900_000_000, 900_000_000, 0, 2)]
    assert figures(nxt.totals) == (1, 900_000_000, 900_000_000, 0, 2)


def test_a_span_of_years(hand):
    ledger, _ = hand
    r = rankings.compute(ledger, 2024, 2025)
    top = r.rows[0]
    assert (top.rank, top.name, *figures(top)) == (1, "王五", 2, 950_000_000, 950_000_000, 1_000_001, 4)
    assert r.title == "2024—2025 年技术经纪人排行榜"
    assert figures(r.totals)[:3] == (7, 1_145_000_000, 1_130_000_000)


def test_the_order_setting_and_shared_ranks(hand):
    ledger, _ = hand
    ledger.set_setting("rankings.order", ["contracts", "clients"])
    r = rankings.compute(ledger, 2024)
    assert r.order == ["contracts", "clients", "name"]
    # 张三 alone has two contracts; everyone else has one and two clients: all share rank 2,
    # shown in pinyin order of their names (li, qian, sun, wang, zhao)
    assert [(row.rank, row.name) for row in r.rows] == [
        (1, "张三"), (2, "李四"), (2, "钱九"), (2, "孙七"), (2, "王五"), (2, "赵六")]
    assert r.rule_text.startswith("按登记合同数、服务客户数从高到低排序")
    # an explicit order wins over the setting
    r = rankings.compute(ledger, 2024, order=["commission"])
    assert [(row.rank, row.name) for row in r.rows][:3] == [(1, "张三"), (2, "李四"), (3, "王五")]
    assert r.rows[-1].name == "赵六" and r.rows[-1].commission_fen == 0


def test_amount_order_ranks_by_share_weighted_turnover(hand):
    ledger, _ = hand
    r = rankings.compute(ledger, 2024, order=["amount", "name"])
    assert [(row.rank, row.name, row.amount_fen) for row in r.rows] == [
        (1, "张三", 70_000_000), (2, "王五", 50_000_000), (3, "李四", 40_000_000),
        (4, "孙七", 30_000_000), (4, "赵六", 30_000_000), (6, "钱九", 25_000_000)]


@pytest.mark.parametrize("order", [["foo"], ["name", "approved"], ["approved", "approved"], "approved", 3])
def test_a_bad_order_is_refused(ledger, order):
    with pytest.raises(BrokerDeskError) as info:
        rankings.compute(ledger, 2024, order=order)
    assert info.value.code == "rank.bad_order"


@pytest.mark.parametrize("args, code", [((2025, 2024), "rank.bad_period"), ((1800,), "rank.bad_year"),
                                        ((2024, None, "team"), "rank.bad_by")])
def test_bad_periods_and_groupings_are_refused(ledger, args, code):
    with pytest.raises(BrokerDeskError) as info:
        rankings.compute(ledger, *args)
    assert info.value.code == code


def test_an_empty_period(hand):
    ledger, _ = hand
    r = rankings.compute(ledger, 2010)
    assert r.rows == [] and figures(r.totals) == (0, 0, 0, 0, 0)


def test_share_weighting_divides_once_and_rounds_half_up(ledger, make):
    """Three contracts shared 50/50 of 1, 1 and 3 fen: Σ 5000 × fen = 25,000 → 2.5 fen → 3 fen.
    (Rounding each contract would give 1 + 1 + 2 = 4; truncating, 2.)"""
    p, q = make.broker(name="甲"), make.broker(name="乙")
    for i, fen in enumerate((1, 1, 3)):
        cid = make.contract(signed_on="2024-01-02", amount_fen=fen, commission_fen=fen,
                            brokers=[(p, 50), (q, 50)])
        register(ledger, cid, "2024-02-01", f"2024-03-0{i + 1}")
    r = rankings.compute(ledger, 2024)
    assert [(row.rank, row.amount_fen, row.approved_fen, row.commission_fen) for row in r.rows] == [
        (1, 3, 3, 3), (1, 3, 3, 3)]
    assert (r.totals.amount_fen, r.totals.contracts) == (5, 3)
    assert rankings.weighted(3333 * 10_001) == 3333 and rankings.weighted(5000 * 3) == 2


def test_large_amounts_stay_exact(ledger, make):
    """Shares of amounts near the maximum do not overflow SQLite's 64-bit sums."""
    b1, b2, b3 = (make.broker() for _ in range(3))
    big = 999_999_999_999_999
    for i in range(3):
        cid = make.contract(signed_on="2024-01-02", amount_fen=big, brokers=[(b1, "33.33"), (b2, "33.33"),
                                                                             (b3, "33.34")])
        register(ledger, cid, "2024-02-01", f"2024-03-0{i + 1}")
    rows = {row.key: row for row in rankings.compute(ledger, 2024).rows}
    assert rows[b1].amount_fen == (3 * 3333 * big + 5000) // 10_000
    assert rows[b3].amount_fen == (3 * 3334 * big + 5000) // 10_000


def test_contributions_are_the_contracts_behind_a_row(hand):
    ledger, ns = hand
    r = rankings.compute(ledger, 2024)
    items = rankings.contributions(ledger, r, ns.brokers["张三"])
    assert [(i["contract_no"], i["registered_on"], i["share_bp"], i["share"], i["weighted_amount_fen"],
             i["weighted_approved_fen"], i["weighted_commission_fen"]) for i in items] == [
        ("HT-K11", "2024-02-02", 10_000, "100%", 10_000_000, 10_000_000, 0),
        ("HT-K1", "2024-03-10", 6000, "60%", 60_000_000, 54_000_000, 1_800_000)]
    k1 = items[1]
    assert (k1["contract_id"], k1["title"], k1["amount_fen"], k1["approved_fen"], k1["buyer"], k1["seller"]) == (
        ns.contracts["K1"], "项目K1", 100_000_000, 90_000_000, "北京甲公司", "卖方大学1")
    assert k1["reg_no"] == ledger.get("contract", ns.contracts["K1"])["reg_no"]
    assert sum(i["weighted_amount_fen"] for i in items) == r.rows[0].amount_fen
    # an institution adds up its brokers' shares on a contract
    inst = rankings.contributions(ledger, (2024, 2024), "甲机构", by="institution")
    assert [(i["contract_no"], i["share_bp"], i["brokers"]) for i in inst] == [
        ("HT-K11", 10_000, "张三(100%)"), ("HT-K1", 10_000, "张三(60%)；李四(40%)")]
    assert rankings.contributions(ledger, 2024, ns.brokers["周八"]) == []
    every = rankings.all_contributions(ledger, r)
    assert {k: len(v) for k, v in every.items()} == {ns.brokers[n]: c for _, n, _, c, *_ in BROKERS_2024}


def test_contract_ids_open_a_rows_contracts(hand):
    ledger, ns = hand
    c = ns.contracts
    assert rankings.contract_ids(ledger, 2024, 2024, "broker", ns.brokers["张三"]) == [c["K11"], c["K1"]]
    assert rankings.contract_ids(ledger, 2024, None, "institution", "乙机构") == [c["K2"], c["K3"]]
    assert rankings.contract_ids(ledger, 2024, 2024, "institution", "") == [c["K4"]]
    assert rankings.contract_ids(ledger, 2024, 2025, "broker", ns.brokers["王五"]) == [c["K2"], c["K5"]]
    assert rankings.contract_ids(ledger, 2024, 2024, "broker", ns.brokers["周八"]) == []


def test_english_texts(hand):
    from broker_desk import i18n

    ledger, _ = hand
    i18n.set_language("en")
    r = rankings.compute(ledger, 2024, by="institution")
    assert r.rule_text.startswith("Ordered by approved technology turnover, registered contracts")
    assert r.rows[2].name == "(no institution)" and r.title == "Ranking of brokers' institutions, 2024"


def _reference(ledger, year: int, by: str) -> dict:
    """The same figures the slow, obvious way: one contract at a time, in Python."""
    brokers = {i: (inst or "").strip() for i, inst in ledger.conn.execute("SELECT id, institution FROM brokers")}
    links = defaultdict(list)
    for cid, bid, bp in ledger.conn.execute("SELECT contract_id, broker_id, share_bp FROM contract_brokers"):
        links[cid].append((bid, bp))
    acc = defaultdict(lambda: {"contracts": set(), "amount": 0, "approved": 0, "commission": 0, "clients": set()})
    for cid, buyer, seller, amount, approved, commission, status, registered_on in ledger.conn.execute(
            "SELECT id, buyer_id, seller_id, amount_fen, approved_fen, commission_fen, status, registered_on "
            "FROM contracts"):
        if status != REGISTERED or not (registered_on or "").startswith(f"{year}-"):
            continue
        for bid, bp in links[cid]:
            a = acc[bid if by == "broker" else brokers[bid]]
            a["contracts"].add(cid)
            a["amount"] += bp * amount
            a["approved"] += bp * approved
            a["commission"] += bp * (commission or 0)
            a["clients"] |= {buyer, seller}
    return {k: (len(a["contracts"]), (a["amount"] + 5000) // 10_000, (a["approved"] + 5000) // 10_000,
                (a["commission"] + 5000) // 10_000, len(a["clients"])) for k, a in acc.items()}


@pytest.mark.parametrize("by", ["broker", "institution"])
def test_the_demo_ledger_agrees_with_a_plain_python_count(demo_ledger, by):
    r = rankings.compute(demo_ledger, 2025, by=by)
    assert len(r.rows) > 3
    assert {row.key: figures(row) for row in r.rows} == _reference(demo_ledger, 2025, by)
    ranks = [row.rank for row in r.rows]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    for i, row in enumerate(r.rows):  # competition ranking: a rank is one more than the rows above it …
        above = [o for o in r.rows if (o.approved_fen, o.contracts) > (row.approved_fen, row.contracts)]
        assert row.rank == len(above) + 1, i


def test_today_is_irrelevant_to_rankings(hand):
    """Rankings look only at registration dates; the fixture's TODAY is well past 2024."""
    ledger, _ = hand
    assert TODAY.year == 2025 and rankings.compute(ledger, 2026).rows == []
