"""Statistics of registered contracts (issue 6) on the ledger of rankings_ledger.py, known by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from rankings_ledger import TODAY, build

from broker_desk import codes, i18n, region_names, statistics
from broker_desk.errors import BrokerDeskError

M = 1_000_000  # fen in 1万元 … used below only to keep the hand figures short: 10 * M fen = 10 万元


@pytest.fixture
def hand(ledger):
    return ledger, build(ledger)


@pytest.fixture
def s2024(hand):
    ledger, _ = hand
    return statistics.compute(ledger, 2024, today=TODAY)


def test_totals_and_categories(s2024):
    # K1, K2, K3, K4, K11, K12, K9: not K5 (2025), K6 (refused), K7 (withdrawn), K8 (waiting)
    assert tuple(s2024.totals)[1:] == (7, 285 * M, 280 * M, 270 * M)
    assert [tuple(g) for g in s2024.by_category] == [
        ("技术开发", 3, 155 * M, 150 * M, 140 * M),   # K1 100 (核定 90), K4 30, K12 25 (技术交易额 20)
        ("技术转让", 1, 50 * M, 50 * M, 50 * M),
        ("技术许可", 1, 40 * M, 40 * M, 40 * M),
        ("技术咨询", 1, 10 * M, 10 * M, 10 * M),
        ("技术服务", 1, 30 * M, 30 * M, 30 * M)]


def test_fields_in_table_order_then_blank(s2024):
    rows = {g.label: tuple(g)[1:] for g in s2024.by_field}
    assert s2024.by_field[0].label == "电子信息" and s2024.by_field[-1].label == "（未填）"
    assert len(s2024.by_field) == 12  # the 11 fields of the code table, then the blank one
    assert rows["电子信息"] == (2, 150 * M, 150 * M, 140 * M)
    assert rows["先进制造"] == (1, 30 * M, 30 * M, 30 * M)
    assert rows["航空航天"] == (0, 0, 0, 0)
    assert rows["（未填）"] == (4, 105 * M, 100 * M, 100 * M)
    assert sum(g.contracts for g in s2024.by_field) == s2024.totals.contracts


def test_buyer_provinces_by_amount(s2024):
    assert [tuple(g) for g in s2024.by_province] == [
        ("北京市", 3, 155 * M, 150 * M, 140 * M),  # X1 (K1, K3) and X4 (K12)
        ("上海市", 2, 60 * M, 60 * M, 60 * M),     # X2 (K2, K11)
        ("（未填地区）", 1, 40 * M, 40 * M, 40 * M),  # X5 (K9)
        ("广东省", 1, 30 * M, 30 * M, 30 * M)]     # X3 (K4)


def test_buyer_provinces_named_in_english(hand):
    ledger, _ = hand
    i18n.set_language("en")
    stats = statistics.compute(ledger, 2024, today=TODAY)
    assert [g.label for g in stats.by_province] == ["Beijing", "Shanghai", "(no region)", "Guangdong"]


def test_every_province_has_an_english_name():
    provinces = {code[:2] for code, entry in codes.regions().items() if code.endswith("0000") and entry["level"] == 1}
    assert provinces == set(region_names.PROVINCES_EN)


def test_months_cover_the_period(s2024):
    months = {g.label: (g.contracts, g.amount_fen) for g in s2024.by_month}
    assert list(months) == [f"2024-{m:02d}" for m in range(1, 13)]
    assert months == {"2024-01": (0, 0), "2024-02": (1, 10 * M), "2024-03": (1, 100 * M), "2024-04": (0, 0),
                      "2024-05": (0, 0), "2024-06": (1, 50 * M), "2024-07": (0, 0), "2024-08": (1, 30 * M),
                      "2024-09": (1, 25 * M), "2024-10": (1, 40 * M), "2024-11": (0, 0),
                      "2024-12": (1, 30 * M)}


def test_top_buyers_and_sellers(s2024):
    assert [tuple(p) for p in s2024.top_buyers] == [
        ("北京甲公司", 2, 130 * M), ("上海乙公司", 2, 60 * M), ("无地区戊公司", 1, 40 * M),
        ("深圳丙公司", 1, 30 * M), ("北京丁公司", 1, 25 * M)]
    # 卖方大学2 and 卖方大学5 both sold 40万元: more contracts first
    assert [tuple(p) for p in s2024.top_sellers] == [
        ("卖方大学1", 2, 150 * M), ("卖方大学2", 2, 40 * M), ("卖方大学5", 1, 40 * M),
        ("卖方大学3", 1, 30 * M), ("卖方大学4", 1, 25 * M)]


def test_registration_duration(hand, s2024):
    # days 受理 → 登记: 5, 10, 15, 20, 25, 30, 45 → median 20, 90th percentile (nearest rank 7 of 7) 45
    assert tuple(s2024.duration) == (7, 20.0, 45)
    ledger, _ = hand
    # with 2025 (K5: 12 days) there are eight: median (15 + 20) / 2, p90 the 8th
    assert tuple(statistics.compute(ledger, 2024, 2025, today=TODAY).duration) == (8, 17.5, 45)
    assert tuple(statistics.compute(ledger, 2010, today=TODAY).duration) == (0, None, None)


def test_percentile_is_nearest_rank():
    assert statistics.percentile(list(range(1, 11)), 0.9) == 9
    assert statistics.percentile(list(range(1, 12)), 0.9) == 10
    assert statistics.percentile([7], 0.9) == 7 and statistics.percentile([], 0.9) is None


def test_overdue_at_the_end_of_a_past_period(hand, s2024):
    ledger, ns = hand
    # K8, accepted 2024-11-01, was past its 30 days on 2024-12-31 (and still is); the 30th
    # day, Sunday 2024-12-01, moves on to Monday
    assert s2024.overdue_as_of == dt.date(2024, 12, 31)
    assert tuple(s2024.overdue) == (1, [ns.contracts["K8"]])
    rows = statistics.overdue_rows(ledger, s2024)
    assert [(r["contract_no"], r["clock_from"], r["deadline"], r["days_over"]) for r in rows] == [
        ("HT-K8", "2024-11-01", "2024-12-02", 29)]


def test_overdue_on_a_past_day_is_rebuilt_from_the_history(hand):
    ledger, ns = hand
    # on 2024-09-10 only K12 (accepted 2024-08-01, registered 2024-09-15) was waiting past its limit
    assert statistics.overdue_on(ledger, dt.date(2024, 9, 10)) == [ns.contracts["K12"]]
    # its 30th day, Saturday 2024-08-31, moves on to Monday 2024-09-02: that day itself is not late
    assert statistics.overdue_on(ledger, dt.date(2024, 9, 2)) == []
    assert statistics.overdue_on(ledger, dt.date(2024, 9, 3)) == [ns.contracts["K12"]]
    # today the same rebuild agrees with the ledger's own list
    assert statistics.overdue_on(ledger, TODAY) == ledger.overdue(TODAY) == [ns.contracts["K8"]]


def test_a_period_not_yet_ended_counts_overdue_today(hand):
    ledger, ns = hand
    s = statistics.compute(ledger, 2025, today=TODAY)
    assert s.overdue_as_of == TODAY and s.overdue.ids == [ns.contracts["K8"]]
    assert tuple(s.totals)[1:3] == (1, 900 * M)


def test_foreign_and_unknown_regions():
    assert statistics._province_label("840") == "境外"
    assert statistics._province_label("") == "（未填地区）"
    assert statistics._province_label("440305") == "广东省"


def test_bad_period(ledger):
    with pytest.raises(BrokerDeskError):
        statistics.compute(ledger, 2025, 2024)


def test_demo_ledger_groupings_add_up(demo_ledger):
    s = statistics.compute(demo_ledger, 2025, today=dt.date(2026, 6, 15))
    total = tuple(s.totals)[1:]
    assert total[0] > 100
    for groups in (s.by_category, s.by_field, s.by_province, s.by_month):
        assert tuple(sum(col) for col in zip(*(tuple(g)[1:] for g in groups), strict=True)) == total
    assert len(s.top_buyers) == 10 and s.top_buyers[0].amount_fen >= s.top_buyers[-1].amount_fen
    assert s.duration.count == total[0] and s.duration.median_days <= s.duration.p90_days
    assert s.overdue.count == len(statistics.overdue_on(demo_ledger, dt.date(2025, 12, 31)))
