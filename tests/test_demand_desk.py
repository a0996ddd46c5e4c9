"""The core behind the 技术需求 page and the 匹配 panel: the demand list's filters,
frontoffice.engagement_draft (发起对接) and matching.match_record (an editor's values)."""

from __future__ import annotations

import datetime as dt

import pytest

from broker_desk import frontoffice, i18n, listing, matching
from broker_desk.errors import BrokerDeskError


@pytest.fixture
def desk(ledger, make):
    """Two demand sides, a university holding two achievements, brokers, three demands."""
    d = {"nb": make.client(name="宁波某电池有限公司", region="330203"),
         "bj": make.client(name="北京某环保有限公司", region="110105"),
         "uni": make.client(name="浙江工业大学", nature="高等院校", region="330106"),
         "zhang": make.broker(name="张三"), "li": make.broker(name="李四")}
    d["sodium"] = ledger.add("achievement", {
        "title": "钠离子电池硬碳负极材料制备技术", "holder_id": d["uni"], "field": "新能源与高效节能",
        "keywords": "钠离子电池；硬碳；负极", "maturity": "中试", "price_fen": 300_0000_00}).id
    d["membrane"] = ledger.add("achievement", {"title": "反渗透水处理膜材料", "holder_id": d["uni"],
                                               "keywords": "反渗透；水处理；膜"}).id
    d["battery"] = ledger.add("demand", {
        "title": "寻求钠电池负极材料技术", "client_id": d["nb"], "field": "新能源与高效节能", "keywords": "钠离子；负极",
        "budget_fen": 500_0000_00, "broker_id": d["zhang"], "status": "已发布"}).id
    d["water"] = ledger.add("demand", {"title": "工业废水处理", "client_id": d["bj"], "field": "环境保护与资源综合利用",
                                       "status": "对接中"}).id
    d["old"] = ledger.add("demand", {"title": "电池回收工艺", "client_id": d["nb"], "field": "新能源与高效节能",
                                     "status": "已关闭"}).id
    return d


def test_engagement_draft_prefills_both_sides_the_broker_and_the_amount(ledger, desk):
    draft = frontoffice.engagement_draft(ledger, desk["battery"], desk["sodium"], today=dt.date(2026, 6, 15))
    assert draft == {
        "title": "寻求钠电池负极材料技术—钠离子电池硬碳负极材料制备技术",
        "demand_id": desk["battery"], "achievement_id": desk["sodium"],
        "demand_client_id": desk["nb"], "supply_client_id": desk["uni"],
        "brokers": [(desk["zhang"], "100")], "stage": "初步接触",
        "expected_fen": 300_0000_00, "started_on": "2026-06-15"}
    eid = ledger.add("engagement", draft).id  # valid as it is
    row = ledger.get("engagement", eid)
    assert (row["demand_id"], row["achievement_id"], row["brokers"]) == (desk["battery"], desk["sodium"],
                                                                        [(desk["zhang"], 10000)])


def test_engagement_draft_without_a_price_takes_the_budget_and_says_a_missing_record(ledger, desk):
    draft = frontoffice.engagement_draft(ledger, desk["water"], desk["membrane"], today=dt.date(2026, 6, 15))
    assert "brokers" not in draft and "expected_fen" not in draft  # no broker in charge, no price nor budget
    assert draft["supply_client_id"] == desk["uni"] and draft["demand_client_id"] == desk["bj"]
    ledger.update("demand", desk["water"], {"budget_fen": 80_0000_00})
    assert frontoffice.engagement_draft(ledger, desk["water"], desk["membrane"])["expected_fen"] == 80_0000_00
    only = frontoffice.engagement_draft(ledger, None, desk["membrane"])
    assert only["title"] == "反渗透水处理膜材料" and "demand_id" not in only
    i18n.set_language("en")
    assert frontoffice.engagement_draft(ledger, desk["water"], desk["membrane"])["title"] == \
        "工业废水处理 — 反渗透水处理膜材料"
    with pytest.raises(BrokerDeskError, match="achievement with id 99 does not exist"):
        frontoffice.engagement_draft(ledger, desk["water"], 99)


def test_the_demand_list_filters_by_status_field_and_client(ledger, desk):
    ids = lambda **f: listing.list_ids(ledger, "demand", "", listing.DemandFilters(**f))  # noqa: E731
    assert ids() == [desk["old"], desk["water"], desk["battery"]]  # newest first
    assert ids(status="已发布") == [desk["battery"]]
    assert ids(field="新能源与高效节能") == [desk["old"], desk["battery"]]
    assert ids(client_id=desk["nb"], status="已关闭") == [desk["old"]]
    assert listing.list_ids(ledger, "demand", "电池", listing.DemandFilters(status="已关闭")) == [desk["old"]]
    with pytest.raises(ValueError, match="demand list only"):
        listing.list_ids(ledger, "contract", "", listing.DemandFilters(status="已关闭"))
    facets = listing.demand_facets(ledger)
    assert facets["statuses"] == ["征集中", "已发布", "对接中", "已签约", "已关闭"]
    assert facets["fields"] == ["新能源与高效节能", "环境保护与资源综合利用"]
    assert [n for _, n in facets["clients"]] == ["北京某环保有限公司", "宁波某电池有限公司"]


def test_match_record_takes_an_unsaved_records_values_and_its_partys_region(ledger, desk):
    values = {"title": "钠电负极", "client_id": desk["nb"], "field": "新能源", "budget_fen": 400_0000_00}
    best = matching.match_record(ledger, "demand", values)[0]
    assert best.id == desk["sodium"]
    assert {r.code for r in best.reasons} >= {"words", "field", "price", "province"}  # 浙江 both: the region looked up
    saved = ledger.get("demand", desk["battery"])
    assert matching.match_record(ledger, "demand", saved) == matching.match_demand(ledger, desk["battery"])
    demands = matching.match_record(ledger, "achievement", ledger.get("achievement", desk["sodium"]))
    assert [m.id for m in demands] == [desk["battery"]]  # 电池回收工艺 is closed


def test_match_reasons_name_the_field_and_maturity_in_the_language(ledger, desk):
    i18n.set_language("en")
    texts = [r.text for r in matching.match_demand(ledger, desk["battery"])[0].reasons]
    assert "Same field: New energy and energy efficiency" in texts and "Maturity: Pilot" in texts
    i18n.set_language("zh")
    texts = [r.text for r in matching.match_demand(ledger, desk["battery"])[0].reasons]
    assert "同一技术领域：新能源与高效节能" in texts and "成熟度：中试" in texts


def test_match_reasons_list_the_shared_words_as_the_language_does():
    reason = matching.Reason("words", 1.0, {"words": ["钠离子", "电池"]})
    assert reason.text.endswith("钠离子、电池")
    i18n.set_language("en")
    try:
        assert reason.text.endswith("钠离子, 电池")
    finally:
        i18n.set_language("zh")
