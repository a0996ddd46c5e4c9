"""Reward estimates (issue 18): figures worked out by hand on tests/rewards_ledger.py."""

from __future__ import annotations

import pytest
from rankings_ledger import register
from rewards_ledger import YUAN, build

from broker_desk import i18n, policy, rewards
from broker_desk.errors import BrokerDeskError


@pytest.fixture
def hand(ledger):
    build(ledger)
    return ledger


def make(tmp_path, text: str, name: str = "p"):
    path = tmp_path / f"{name}.toml"
    path.write_text('title = "测试政策"\nsource = "测试"\n' + text, encoding="utf-8")
    return policy.load(path)


def lines(estimate):
    return [(x.rule.number, x.contract_no, x.beneficiary_name, x.base_fen, x.computed_fen, x.result_fen, x.year_cap)
            for x in estimate.lines]


def totals(estimate):
    return {(t.kind, t.name): t.result_fen for t in estimate.totals}


TIERED = """
[[rule]]
beneficiary = "卖方"
base = "技术交易额"
tiers = [{ upto = 100000, rate = 1.0 }, { upto = 1000000, rate = 0.5 }, { rate = 0.1 }]
cap_per_year = 20000
"""


def test_marginal_tiers_slice_by_slice_and_the_contract_that_hits_the_yearly_cap(hand, tmp_path):
    e = rewards.estimate(hand, make(tmp_path, TIERED), 2024)
    # A 2,000,000: 100,000 × 1% = 1,000 + 900,000 × 0.5% = 4,500 + 1,000,000 × 0.1% = 1,000 → 6,500
    # B   800,000: 1,000 + 700,000 × 0.5% = 3,500 → 4,500;  C 300,000: 1,000 + 1,000 → 2,000
    # D 12,000,000: 1,000 + 4,500 + 11,000,000 × 0.1% = 11,000 → 16,500; S1 has 20,000 − 6,500 − 2,000 left
    assert lines(e) == [(1, "HT-A", "南昌大学", 200_000_000, 650_000, 650_000, None),
                        (1, "HT-B", "北京理工", 80_000_000, 450_000, 450_000, None),
                        (1, "HT-C", "南昌大学", 30_000_000, 200_000, 200_000, None),
                        (1, "HT-D", "南昌大学", 1_200_000_000, 1_650_000, 1_150_000, "hit")]
    a = e.lines[0]
    assert [(s.low_fen, s.high_fen, s.part_fen, str(s.rate), s.amount) for s in a.slices] == [
        (0, 10_000_000, 10_000_000, "1.0", 100_000), (10_000_000, 100_000_000, 90_000_000, "0.5", 450_000),
        (100_000_000, None, 100_000_000, "0.1", 100_000)]
    assert a.arithmetic() == ("0.00–100,000.00 部分 100,000.00 × 1% = 1,000.00；"
                              "100,000.00–1,000,000.00 部分 900,000.00 × 0.5% = 4,500.00；"
                              "1,000,000.00 以上部分 1,000,000.00 × 0.1% = 1,000.00")
    assert totals(e) == {("卖方", "南昌大学"): 2_000_000, ("卖方", "北京理工"): 450_000}
    south = next(t for t in e.totals if t.name == "南昌大学")
    assert south.cap_notes == ["第 1 条在合同 HT-D 处达到年度上限 20,000.00 元"]
    assert e.lines[3].caps() == "达到年度上限 20,000.00（本合同只计余额）"
    assert e.total_fen == 2_450_000


def test_later_contracts_get_nothing_once_the_yearly_cap_is_reached(hand, tmp_path):
    e = rewards.estimate(hand, make(tmp_path, TIERED.replace("20000", "7000")), 2024)
    # S1: A 6,500 (room 500 left), C 2,000 hits it → 500, D → 0 (already reached)
    assert [(x.contract_no, x.result_fen, x.year_cap) for x in e.lines if x.beneficiary_name == "南昌大学"] == [
        ("HT-A", 650_000, None), ("HT-C", 50_000, "hit"), ("HT-D", 0, "reached")]
    assert e.lines[-1].caps() == "年度上限已满"


def test_rate_with_per_contract_and_yearly_caps_and_the_region_filter(hand, tmp_path):
    p = make(tmp_path, """
[[rule]]
beneficiary = "买方"
base = "技术交易额"
region = ["36"]
min_base = 500000
rate = 2.5
cap_per_contract = 150000
cap_per_year = 200000
""")
    e = rewards.estimate(hand, p, 2024)
    # B1 江西甲公司 (360102): A 50,000; B 20,000; D 300,000 → 150,000 a contract → 130,000 left of the year's 200,000
    # C's buyer is in Beijing (110108): not counted; E registered in 2025; F never registered
    assert lines(e) == [(1, "HT-A", "江西甲公司", 200_000_000, 5_000_000, 5_000_000, None),
                        (1, "HT-B", "江西甲公司", 80_000_000, 2_000_000, 2_000_000, None),
                        (1, "HT-D", "江西甲公司", 1_200_000_000, 30_000_000, 13_000_000, "hit")]
    d = e.lines[2]
    assert d.contract_capped and d.caps() == ("单项封顶 150,000.00；达到年度上限 200,000.00（本合同只计余额）")
    assert totals(e) == {("买方", "江西甲公司"): 20_000_000}


def test_min_base_and_max_base_split_a_buyer_subsidy_by_the_contracts_size(hand, tmp_path):
    e = rewards.estimate(hand, policy.find("企业购买技术成果补助"), 2024)
    # rule 1 (100,000 ≤ base ≤ 999,999.99, 5 %, ≤ 30,000 a contract): B 40,000 → 30,000; C 15,000
    # rule 2 (base ≥ 1,000,000, 3 %, ≤ 500,000 a contract): A 60,000; D 360,000
    assert lines(e) == [(1, "HT-B", "江西甲公司", 80_000_000, 4_000_000, 3_000_000, None),
                        (1, "HT-C", "北京乙公司", 30_000_000, 1_500_000, 1_500_000, None),
                        (2, "HT-A", "江西甲公司", 200_000_000, 6_000_000, 6_000_000, None),
                        (2, "HT-D", "江西甲公司", 1_200_000_000, 36_000_000, 36_000_000, None)]
    assert e.notes == ["第 1 条：基数高于 999,999.99 元不计 2 份", "第 2 条：基数低于 1,000,000.00 元不计 2 份"]
    assert e.example and e.policy.source_text.startswith("示意性规则")


def test_a_base_of_exactly_min_base_counts_and_a_fen_is_rounded_half_up(ledger, tmp_path):
    ns = build(ledger)
    buyer, seller = ns.clients["B1"], ns.clients["S1"]
    cid = ledger.add("contract", {"contract_no": "HT-G", "title": "项目G", "category": "技术开发", "subtype": "委托开发",
                                  "buyer_id": buyer, "seller_id": seller, "signed_on": "2024-01-02",
                                  "amount_fen": 100_000_020}).id
    register(ledger, cid, "2024-01-10", "2024-06-01")
    p = make(tmp_path, '[[rule]]\nbeneficiary = "买方"\nbase = "合同成交额"\nmin_base = 1000000.20\nrate = 2.5\n')
    e = rewards.estimate(ledger, p, 2024)
    g = next(x for x in e.lines if x.contract_no == "HT-G")
    # 1,000,000.20 × 2.5 % = 25,000.005 → 25,000.01 (half up, once per contract)
    assert (g.base_fen, g.computed_fen, g.result_fen) == (100_000_020, 2_500_001, 2_500_001)
    assert g.arithmetic() == "1,000,000.20 × 2.5% = 25,000.005"
    assert [x.contract_no for x in e.lines] == ["HT-A", "HT-D", "HT-G"]  # 登记日期 order; B (800,000) is below


BROKER_RULE = '[[rule]]\nbeneficiary = "{who}"\nbase = "合同成交额"\nmin_base = 500000\nrate = 1\n'


def test_a_brokers_base_is_weighted_by_the_share(hand, tmp_path):
    e = rewards.estimate(hand, make(tmp_path, BROKER_RULE.format(who="经纪人")), 2024)
    # A: 张三 60 % of 2,000,000 = 1,200,000 → 12,000; 李四 40 % → 8,000.  B: 王五 800,000 → 8,000.
    # C (300,000) is below min_base.  D 12,000,000: 张三 50 % → 60,000, 王五 30 % → 36,000, 孙七 20 % → 24,000
    assert [(x.contract_no, x.beneficiary_name, x.share_bp, x.base_fen, x.result_fen) for x in e.lines] == [
        ("HT-A", "张三", 6000, 120_000_000, 1_200_000), ("HT-A", "李四", 4000, 80_000_000, 800_000),
        ("HT-B", "王五", 10000, 80_000_000, 800_000), ("HT-D", "张三", 5000, 600_000_000, 6_000_000),
        ("HT-D", "王五", 3000, 360_000_000, 3_600_000), ("HT-D", "孙七", 2000, 240_000_000, 2_400_000)]
    assert e.lines[0].weighting() == "2,000,000.00 × 份额 60% = 1,200,000.00"
    assert totals(e) == {("经纪人", "张三"): 7_200_000, ("经纪人", "王五"): 4_400_000, ("经纪人", "孙七"): 2_400_000,
                         ("经纪人", "李四"): 800_000}
    assert e.notes == ["第 1 条：基数低于 500,000.00 元不计 1 份"]


def test_an_institution_gets_its_brokers_shares_summed(hand, tmp_path):
    e = rewards.estimate(hand, make(tmp_path, BROKER_RULE.format(who="经纪机构")), 2024)
    # A: 甲机构 (张三 60 + 李四 40 = 100 %) → 20,000; B: 乙机构 → 8,000;
    # D: 甲机构 50 % → 60,000, 乙机构 30 % → 36,000, 孙七's 20 % has no institution
    assert [(x.contract_no, x.beneficiary_name, x.share_bp, x.result_fen) for x in e.lines] == [
        ("HT-A", "甲机构", 10000, 2_000_000), ("HT-B", "乙机构", 10000, 800_000),
        ("HT-D", "甲机构", 5000, 6_000_000), ("HT-D", "乙机构", 3000, 3_600_000)]
    assert totals(e) == {("经纪机构", "甲机构"): 8_000_000, ("经纪机构", "乙机构"): 4_400_000}
    assert "第 1 条：1 位经纪人未填所属机构，其份额不计" in e.notes


def test_money_received_in_the_year_as_the_base(hand, tmp_path):
    e = rewards.estimate(hand, make(tmp_path, '[[rule]]\nbeneficiary = "卖方"\nbase = "到账金额"\nrate = 1\n'), 2024)
    # A: 500,000 + 300,000 received in 2024 (not the 100,000 of 2025) → 8,000; C: 300,000 → 3,000;
    # E (registered in 2025, money in 2024): 1,000,000 → 10,000; F is a draft: its money never counts
    assert [(x.contract_no, x.contract_base_fen, x.result_fen) for x in e.lines] == [
        ("HT-A", 80_000_000, 800_000), ("HT-C", 30_000_000, 300_000), ("HT-E", 100_000_000, 1_000_000)]
    assert totals(e) == {("卖方", "南昌大学"): 1_100_000, ("卖方", "北京理工"): 1_000_000}
    assert rewards.estimate(hand, make(tmp_path, '[[rule]]\nbeneficiary = "卖方"\nbase = "到账金额"\nrate = 1\n'),
                            2023).lines == []


def test_categories_filter_and_the_policys_years(hand, tmp_path):
    p = make(tmp_path, 'year_from = 2025\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\n'
                       'categories = ["技术转让", "技术服务"]\nrate = 1\n')
    with pytest.raises(BrokerDeskError) as e:
        rewards.estimate(hand, p, 2024)
    assert str(e.value) == "政策“测试政策”适用于 2025 年起，不适用于 2024 年"
    e2 = rewards.estimate(hand, make(tmp_path, 'year_to = 2024\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\n'
                                              'categories = ["技术转让", "技术服务"]\nrate = 1\n'), 2024)
    assert [(x.contract_no, x.category) for x in e2.lines] == [("HT-B", "技术转让"), ("HT-C", "技术服务")]


# -- policy files -----------------------------------------------------------------------------------

BROKEN = """title = "坏政策"
year_from = 2026
year_to = 2024

[[rule]]
beneficiary = "买方"
base = "技术交易额"
rate = 2.5

[[rule]]
beneficiary = "经纪机构"
base = "成交额"
region = ["36"]
tiers = [{ upto = 100000, rate = 1.0 }, { upto = 50000, rate = 150 }, { rate = 0.1 }]
min_base = 500000
max_base = 100000
cap_per_year = -1
"""


def test_a_broken_policy_file_names_each_fault_with_its_place(tmp_path):
    path = tmp_path / "坏政策.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(policy.PolicyError) as e:
        policy.load(path)
    assert e.value.lines() == [
        "坏政策.toml:3: year_to：year_to 2024 早于 year_from 2026",
        "坏政策.toml:12: rule[2].base：“成交额”不是可选值之一（可选：合同成交额、技术交易额、核定技术交易额、到账金额）",
        "坏政策.toml:13: rule[2].region：region 只适用于买方或卖方（经纪人、经纪机构没有所在地区）",
        "坏政策.toml:16: rule[2].max_base：max_base 100000 小于 min_base 500000",
        "坏政策.toml:14: rule[2].tiers[2].rate：应为0 到 100 之间的百分数，现为“150”",
        "坏政策.toml:14: rule[2].tiers[2].upto：upto 50000 应大于上一档的 100000",
        "坏政策.toml:17: rule[2].cap_per_year：应为不小于 0 的金额（元，最多两位小数），现为“-1”",
    ]
    i18n.set_language("en")
    with pytest.raises(policy.PolicyError) as e:
        policy.load(path)
    assert e.value.lines()[3:5] == [
        "坏政策.toml:16: rule[2].max_base: max_base 100000 is below min_base 500000",
        "坏政策.toml:14: rule[2].tiers[2].rate: expected a percentage from 0 to 100, got “150”",
    ]


@pytest.mark.parametrize("text, expected", [
    ('title = "x"\n', "p.toml: 至少需要一条 [[rule]]"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\n', "p.toml:2: rule[1]：需要 rate 或 tiers 之一"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 1\ntiers = [{ rate = 1 }]\n',
     "p.toml:6: rule[1]：rate 和 tiers 只能写一个"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\ntiers = [{ rate = 1 }, { upto = 5, rate = 1 }]\n',
     "p.toml:5: rule[1].tiers[1]：只有最后一档可以不写 upto"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 1\ncategories = ["技术买卖"]\n',
     "p.toml:6: rule[1].categories[1]：“技术买卖”不是合同类别（可选：技术开发、技术转让、技术许可、技术咨询、技术服务）"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 1\nmin_base = 0.001\n',
     "p.toml:6: rule[1].min_base：应为不小于 0 的金额（元，最多两位小数），现为“0.001”"),
    ('title = "x"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 1\nceiling = 5\n',
     "p.toml:6: rule[1].ceiling：未知的键“ceiling”（可用：base、beneficiary、cap_per_contract、cap_per_year、categories、"
     "max_base、min_base、rate、region、tiers）"),
    ('title = "x"\n[[rule]\n', "p.toml:2:7: TOML 语法错误：Expected ']]' at the end of an array declaration"),
])
def test_policy_file_faults_word_for_word(tmp_path, text, expected):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(policy.PolicyError) as e:
        policy.load(path)
    assert str(e.value) == expected


def test_the_shipped_examples_load_and_say_where_they_come_from():
    infos = policy.list_policies()
    assert {i.name for i in infos} >= {"江西网上技术市场2020", "技术交易超额累进奖励", "企业购买技术成果补助"}
    assert all(i.error is None and i.source == "builtin" and i.in_use for i in infos)
    jiangxi = policy.find("江西网上技术市场2020")
    assert jiangxi.builtin and "江西省网上常设技术市场技术交易专项补助办法" in jiangxi.source_text
    assert [(r.beneficiary, str(r.rate), r.min_base_fen, r.cap_per_contract_fen, r.cap_per_year_fen)
            for r in jiangxi.rules] == [("买方", "2.5", 50_000_000, 15_000_000, 100_000_000),
                                        ("卖方", "1.5", 50_000_000, 10_000_000, 50_000_000),
                                        ("经纪机构", "1.0", 50_000_000, 10_000_000, 30_000_000)]
    assert policy.find(jiangxi.title) == jiangxi  # by title too


def test_a_user_file_of_the_same_name_wins_and_a_broken_one_is_listed(_isolated_home):
    folder = policy.user_dir()
    folder.mkdir(parents=True)
    (folder / "江西网上技术市场2020.toml").write_text(
        'title = "本地改写"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 2\n', encoding="utf-8")
    (folder / "坏的.toml").write_text('title = "坏的"\n[[rule]]\nbeneficiary = "我"\n', encoding="utf-8")
    infos = {(i.name, i.source): i for i in policy.list_policies()}
    assert not infos[("江西网上技术市场2020", "builtin")].in_use
    assert infos[("江西网上技术市场2020", "user")].in_use and infos[("江西网上技术市场2020", "user")].overrides_builtin
    mine = policy.find("江西网上技术市场2020")
    assert mine.title == "本地改写" and not mine.builtin
    assert infos[("坏的", "user")].error.splitlines() == [
        "坏的.toml:3: rule[1].beneficiary：“我”不是可选值之一（可选：买方、卖方、经纪人、经纪机构）",
        "坏的.toml:2: rule[1]：缺少必需的键“base”",
        "坏的.toml:2: rule[1]：需要 rate 或 tiers 之一"]
    with pytest.raises(BrokerDeskError) as e:
        policy.find("没有这个")
    assert str(e.value).startswith("没有名为“没有这个”的奖补政策（可用：")


def test_rule_text_describes_a_rule():
    rule = policy.find("技术交易超额累进奖励").rules[0]
    assert rewards.rule_text(rule) == (
        "第 1 条：卖方，核定技术交易额；超额累进：100,000.00 元以下部分 1%、1,000,000.00 元以下部分 0.5%、其余 0.1%；"
        "合同类别：技术开发、技术转让、技术许可；每年封顶 200,000.00 元")
    assert YUAN == 100


def test_the_yearly_cap_takes_contracts_by_registration_date_then_contract_number(ledger, tmp_path):
    ns = build(ledger)

    def add(no, registered):
        cid = ledger.add("contract", {"contract_no": no, "title": f"项目{no}", "category": "技术开发",
                                      "subtype": "委托开发", "buyer_id": ns.clients["B2"],
                                      "seller_id": ns.clients["S1"], "signed_on": "2024-01-02",
                                      "amount_fen": 100_000_000}).id
        register(ledger, cid, "2024-01-10", registered)

    add("HT-0", "2024-12-01")   # the smallest number, registered last
    add("HT-AA", "2024-02-01")  # the same day as HT-A, a larger number
    e = rewards.estimate(ledger, make(tmp_path, TIERED.replace("20000", "12000")), 2024)
    # S1 (南昌大学): A 6,500; AA (1,000,000: 1,000 + 4,500) 5,500 → 12,000 reached exactly at AA;
    # C, D and HT-0 get nothing
    assert [(x.contract_no, x.result_fen, x.year_cap) for x in e.lines if x.beneficiary_name == "南昌大学"] == [
        ("HT-A", 650_000, None), ("HT-AA", 550_000, "hit"), ("HT-C", 0, "reached"), ("HT-D", 0, "reached"),
        ("HT-0", 0, "reached")]
    south = next(t for t in e.totals if t.name == "南昌大学")
    assert south.cap_notes == ["第 1 条在合同 HT-AA 处达到年度上限 12,000.00 元"] and south.result_fen == 1_200_000
