"""Matching demands and achievements (broker_desk/matching.py, matchindex.py) and ``match``."""

from __future__ import annotations

import pytest

from broker_desk import i18n, matchindex, matching
from broker_desk.cli import main


@pytest.fixture
def desk(ledger):
    """A ledger with a few achievements from holders in different places, and a way to add demands."""
    d = Desk(ledger)
    d.hz_uni = d.client("浙江工业大学", "330106", "高等院校")
    d.bj_uni = d.client("北京理工大学", "110108", "高等院校")
    d.nb_co = d.client("宁波某电池有限公司", "330203")
    d.bj_co = d.client("北京某环保有限公司", "110105")
    d.sodium = d.achievement("钠离子电池硬碳负极材料制备技术", d.hz_uni, field="新能源与高效节能",
                             keywords="钠离子电池；硬碳；负极", maturity="中试", price_fen=300_0000_00,
                             summary="以生物质为前驱体制备硬碳负极，首次库伦效率高，成本低。")
    d.robot = d.achievement("工业机器人视觉检测系统", d.bj_uni, field="先进制造", keywords="机器视觉；缺陷检测",
                            maturity="批量生产", price_fen=80_0000_00)
    d.membrane = d.achievement("反渗透水处理膜材料", d.bj_uni, field="环境保护与资源综合利用",
                               keywords="反渗透；水处理；膜", maturity="小试", price_fen=150_0000_00)
    d.lithium = d.achievement("锂离子电池三元正极材料共沉淀工艺", d.bj_uni, field="新能源与高效节能",
                              keywords="锂电池；正极", maturity="试生产", price_fen=900_0000_00)
    return d


class Desk:
    def __init__(self, ledger):
        self.ledger = ledger

    def client(self, name, region, nature="企业"):
        return self.ledger.add("client", {"name": name, "nature": nature, "region": region}).id

    def achievement(self, title, holder, **values):
        return self.ledger.add("achievement", {"title": title, "holder_id": holder, **values}).id

    def demand(self, title, client, **values):
        return self.ledger.add("demand", {"title": title, "client_id": client, "status": "已发布", **values}).id


def titles(results):
    return [m.name for m in results]


def test_a_demand_finds_the_achievement_that_answers_it_with_the_reasons(desk):
    demand = desk.demand("寻求钠电池负极材料技术", desk.nb_co, field="新能源与高效节能", keywords="钠离子；负极",
                         description="我公司生产储能电池，希望引进低成本的硬碳负极制备工艺。", budget_fen=500_0000_00)
    results = matching.match_demand(desk.ledger, demand)
    assert results[0].id == desk.sodium
    assert results[0].kind == "achievement" and results[0].party == "浙江工业大学"
    assert desk.robot not in [m.id for m in results]  # no word in common: not a result at all
    codes = {r.code: r for r in results[0].reasons}
    assert {"words", "field", "maturity", "price", "province"} <= set(codes)
    assert {"钠离子电池", "硬碳"} <= set(codes["words"].args["words"])  # the whole keyword, not 钠离子
    assert codes["field"].args["field"] == "新能源与高效节能"
    assert codes["price"].text == "意向价格 300.00 万元，在预算 500.00 万元以内"
    assert codes["province"].text == "同在浙江省"
    assert results[0].score > results[1].score
    assert "共同词语：" in results[0].why and "同一技术领域：新能源与高效节能" in results[0].why


def test_an_achievement_finds_its_demands_and_a_closed_demand_never(desk):
    open_ = desk.demand("水处理膜材料需求", desk.bj_co, keywords="反渗透膜", field="环境保护与资源综合利用")
    closed = desk.demand("反渗透水处理膜材料", desk.bj_co, keywords="反渗透；水处理；膜", status="已关闭")
    signed = desk.demand("反渗透水处理膜", desk.bj_co, keywords="反渗透；水处理", status="已签约")
    other = desk.demand("钠离子电池负极", desk.nb_co)
    results = matching.match_achievement(desk.ledger, desk.membrane)
    ids = [m.id for m in results]
    assert ids[0] == open_
    assert closed not in ids and signed not in ids and other not in ids
    assert results[0].party == "北京某环保有限公司"
    assert any(r.code == "city" and r.text == "同在北京市" for r in results[0].reasons)


@pytest.mark.parametrize("status", ["已下架", "已转化"])
def test_a_closed_achievement_never_appears(desk, status):
    twin = desk.achievement("钠离子电池硬碳负极材料制备技术", desk.hz_uni, keywords="钠离子电池；硬碳；负极",
                            status=status, field="新能源与高效节能")
    demand = desk.demand("钠离子电池硬碳负极", desk.nb_co)
    assert twin not in [m.id for m in matching.match_demand(desk.ledger, demand, top=50)]
    desk.ledger.update("achievement", twin, {"status": "已发布"})  # reopened: found again
    assert twin in [m.id for m in matching.match_demand(desk.ledger, demand, top=50)]


def test_a_price_above_the_budget_says_by_how_much():
    near = matching.Reason("price_near", 3.0, {"price": 250_0000_00, "budget": 200_0000_00})
    assert near.text == "意向价格 250.00 万元，比预算 200.00 万元高 25%"
    i18n.set_language("en")
    assert near.text == "Asking price 250.00 (10k yuan), 25% above the budget of 200.00"
    assert matching.Reason("price_near", 3.0, {"price": 200_0010_00, "budget": 200_0000_00}).text.endswith(
        "1% above the budget of 200.00")  # (never "0%")


def test_a_shared_province_is_named_in_the_language():
    province, city = matching.Reason("province", 2.5, {"region": "440000"}), matching.Reason("city", 5, {"region": "440300"})
    assert (province.text, city.text) == ("同在广东省", "同在广东省深圳市")
    i18n.set_language("en")
    assert (province.text, city.text) == ("Both in Guangdong", "Both in 广东省深圳市")  # (no English city names)
    assert matching.Reason("city", 5, {"region": "110100"}).text == "Both in Beijing"  # a city that is a province


def test_budget_below_the_price_gives_no_price_reason(desk):
    demand = desk.demand("锂电池正极材料", desk.nb_co, budget_fen=100_0000_00)
    top = matching.match_demand(desk.ledger, demand)[0]
    assert top.id == desk.lithium
    assert not {"price", "price_near"} & {r.code for r in top.reasons}


def test_partial_keywords_and_words_inside_longer_ones_match(desk):
    assert {"锂电", "电池", "锂电池"} <= set(matchindex.words("锂电池回收"))
    assert {"石墨", "石墨烯", "钠电池"} <= set(matchindex.words("石墨烯", "钠电池"))  # terms jieba does not know
    demand = desk.demand("机器视觉", desk.bj_co)  # two words of a longer title
    assert matching.match_demand(desk.ledger, demand)[0].id == desk.robot


def test_field_synonyms():
    assert matchindex.canonical_field("新材料") == "新材料及其应用"
    assert matchindex.canonical_field("生物医药") == "生物、医药和医疗器械"
    assert matchindex.canonical_field("Agriculture") == "农业"
    assert matchindex.canonical_field("电子信息") == "电子信息"
    assert matchindex.canonical_field("节能环保") is None  # two fields' synonym: ambiguous
    assert matchindex.canonical_field("不知道") is None


def _indexed(ledger, kind="achievement"):
    return {i: (t, b, g) for i, t, b, g in ledger.conn.execute(
        f"SELECT rowid, title, body, tags FROM match_{kind}")}


def _current(ledger, kind="achievement"):
    last = ledger.conn.execute("SELECT max(id) FROM changes").fetchone()[0]
    return ledger.conn.execute("SELECT change_id FROM match_state WHERE kind = ?", [kind]).fetchone()[0] == last


def test_the_index_follows_every_edit_and_undo_within_the_action(desk):
    ledger = desk.ledger
    assert matching.refresh_index(ledger) == {"achievement": "rebuilt", "demand": "rebuilt"}
    new = desk.achievement("石墨烯导热膜制备技术", desk.hz_uni, keywords="石墨烯")
    assert "石墨烯" in _indexed(ledger)[new][0].split() and _current(ledger)  # no match needed
    ledger.update("achievement", new, {"title": "碳纳米管导电浆料", "keywords": "碳纳米管"})
    title, body, tags = _indexed(ledger)[new]
    assert "石墨烯" not in title + body and "碳纳米管" in title.split() and tags == "open"
    ledger.update("achievement", new, {"status": "已下架"})
    assert _indexed(ledger)[new][2] == "closed"
    ledger.delete("achievement", new)
    assert new not in _indexed(ledger) and _current(ledger)
    ledger.undo()  # the deletion
    assert "碳纳米管" in _indexed(ledger)[new][0].split() and _current(ledger)
    ledger.undo(2)  # withdrawn, then renamed: back to its first title
    assert "石墨烯" in _indexed(ledger)[new][0].split() and _indexed(ledger)[new][2] == "open"
    ledger.redo()
    assert "碳纳米管" in _indexed(ledger)[new][0].split() and _current(ledger)
    demand = desk.demand("石墨烯散热", desk.nb_co)
    assert "石墨烯" in _indexed(ledger, "demand")[demand][0].split() and _current(ledger, "demand")


def test_matches_follow_edits(desk):
    demand = desk.demand("碳纳米管导电浆料", desk.nb_co)
    assert matching.match_demand(desk.ledger, demand) == []
    new = desk.achievement("碳纳米管导电剂", desk.hz_uni)
    assert [m.id for m in matching.match_demand(desk.ledger, demand)] == [new]
    desk.ledger.delete("achievement", new)
    assert matching.match_demand(desk.ledger, demand) == []


def test_a_large_action_leaves_the_index_to_be_rebuilt_by_the_next_match(desk):
    ledger = desk.ledger
    matching.refresh_index(ledger)
    with ledger.operation("op.demo", contracts=0) as op:
        for i in range(matchindex.BULK + 1):
            op.insert("achievement", {"title": f"第{i}号石墨烯材料", "holder_id": desk.hz_uni, "keywords": "石墨烯"})
    assert not _current(ledger)  # the action did not pay for indexing 501 records
    demand = desk.demand("石墨烯", desk.nb_co)
    assert len(matching.match_demand(ledger, demand, top=1000)) == matchindex.BULK + 1
    assert _current(ledger)


def test_a_missing_stale_or_foreign_index_is_rebuilt(desk):
    ledger = desk.ledger
    demand = desk.demand("钠离子电池负极", desk.nb_co)
    matching.match_demand(ledger, demand)
    ledger.conn.execute("DROP TABLE match_achievement")
    assert matching.match_demand(ledger, demand)[0].id == desk.sodium
    ledger.conn.execute("UPDATE match_state SET format = 'old'")
    assert matchindex.refresh(ledger.conn, "achievement") == "rebuilt"
    # a record written behind the change log's back: the count disagrees, the index is rebuilt
    ledger.conn.execute("INSERT INTO achievements (uid, title, holder_id, created_at, updated_at) "
                        "VALUES ('x-1', '钠离子电池正极', ?, '', '')", [desk.hz_uni])
    assert "钠离子电池正极" in titles(matching.match_demand(ledger, demand))


def test_an_unsaved_record_can_be_matched_its_field_named_differently(desk):
    found = matching.match_values(desk.ledger, {"title": "污水深度处理", "keywords": "反渗透", "field": "环保"},
                                  "achievement")
    assert found[0].id == desk.membrane
    assert "同一技术领域：环境保护与资源综合利用" in found[0].why  # 环保 is that field named differently
    assert matching.match_values(desk.ledger, {"title": "的 和 与"}, "achievement") == []


def test_find_record_by_uid_or_name(desk):
    uid = desk.ledger.get("achievement", desk.robot)["uid"]
    assert matching.find_record(desk.ledger, "achievement", uid)["id"] == desk.robot
    assert matching.find_record(desk.ledger, "achievement", " 工业机器人视觉检测系统 ")["id"] == desk.robot


def test_match_command(desk, capsys):
    path = str(desk.ledger.path)
    desk.demand("寻求钠电池负极材料技术", desk.nb_co, keywords="钠离子；硬碳负极", budget_fen=500_0000_00)
    assert main(["--db", path, "match", "--demand", "寻求钠电池负极材料技术", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    rank, score, name, party, why = lines[0].split("\t")
    assert (rank, name, party) == ("1", "钠离子电池硬碳负极材料制备技术", "浙江工业大学")
    assert float(score) > float(lines[1].split("\t")[1])
    assert why.startswith("共同词语：") and "在预算 500.00 万元以内" in why
    uid = desk.ledger.get("achievement", desk.robot)["uid"]
    assert main(["--db", path, "match", "--achievement", uid]) == 0
    assert capsys.readouterr().out.strip() == "没有找到匹配的记录"


def test_match_command_exit_2_for_no_such_record(desk, capsys):
    path = str(desk.ledger.path)
    assert main(["--db", path, "match", "--achievement", "没有这个成果"]) == 2
    assert capsys.readouterr().err.strip() == "错误：没有找到科技成果“没有这个成果”（请用记录ID或名称）"
    desk.achievement("工业机器人视觉检测系统", desk.hz_uni)
    assert main(["--db", path, "--lang", "en", "match", "--achievement", "工业机器人视觉检测系统"]) == 2
    assert "2 records of achievement are named “工业机器人视觉检测系统”" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:  # one or the other
        main(["--db", path, "match", "--demand", "x", "--achievement", "y"])
    assert e.value.code == 2


def test_the_weights_are_data_and_a_score_stays_within_100(desk):
    weights = matchindex.matching_data()["weights"]
    assert sum(weights.values()) == 100
    same = desk.demand("钠离子电池硬碳负极材料制备技术", desk.hz_uni, field="新能源与高效节能",
                       keywords="钠离子电池；硬碳；负极", budget_fen=900_0000_00)
    top = matching.match_demand(desk.ledger, same)[0]
    assert top.id == desk.sodium and 90 < top.score <= 100
    assert top.score == pytest.approx(sum(r.points for r in top.reasons), abs=0.2)  # each point explained
