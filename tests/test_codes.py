"""Code tables (resources/codes), regions (resources/regions.json) and the user's extensions."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from broker_desk import codes, i18n
from broker_desk.errors import BrokerDeskError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def t():
    return codes.load_tables()


# --- the shipped tables ---------------------------------------------------------------

def test_every_shipped_table_file_has_the_schema():
    files = sorted((ROOT / "resources" / "codes").glob("*.json"))
    assert {f.stem for f in files} == {
        "contract_category", "contract_subtype", "tech_field", "ip_type", "plan_source",
        "socio_goal", "payment_method", "entity_code", "unit_nature", "enterprise_type",
        "broker_level", "broker_status", "maturity", "transfer_mode", "achievement_status",
        "registration_status", "registration_step",
        "demand_kind", "demand_source", "demand_status", "engagement_stage", "followup_channel",
        "payment_kind"}
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        assert data["name"] == file.stem
        assert data["title_zh"] and data["title_en"] and data["source"]
        item_codes = [item["code"] for item in data["items"]]
        assert len(item_codes) == len(set(item_codes)), file.name
        assert all(item["name"] and item["name_en"] for item in data["items"]), file.name


def test_tables_are_loaded_once():
    assert codes.tables() is codes.tables()


def test_contract_categories_and_subtypes(t):
    assert t.names("contract_category") == ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]
    assert t.subtypes("技术开发") == ["委托开发", "合作开发"]
    assert t.subtypes("技术转让") == ["专利权转让", "专利申请权转让", "技术秘密转让", "其他技术转让"]
    assert t.subtypes("技术许可") == ["专利实施许可", "技术秘密使用许可", "其他技术许可"]
    assert t.subtypes("技术咨询") == ["技术咨询"]
    assert t.subtypes("技术服务") == ["技术服务", "技术培训", "技术中介"]
    assert t.category_of("技术中介") == "技术服务"
    assert t.category_of("专利实施许可") == "技术许可"
    assert t.category_of("不存在") is None


@pytest.mark.parametrize("old, new", [
    (("技术转让", "专利实施许可"), ("技术许可", "专利实施许可")),
    (("技术转让", "技术秘密使用许可"), ("技术许可", "技术秘密使用许可")),
    (("技术转让", "技术秘密许可"), ("技术许可", "技术秘密使用许可")),
    (("技术转让", "其他技术许可"), ("技术许可", "其他技术许可")),
    ((" 技术转让 ", "专利实施许可 "), ("技术许可", "专利实施许可")),
    (("技术转让", "专利权转让"), ("技术转让", "专利权转让")),      # not a licence: unchanged
    (("技术许可", "专利实施许可"), ("技术许可", "专利实施许可")),
    (("", "委托开发"), ("技术开发", "委托开发")),                  # blank category filled in
    ((None, None), ("", "")),
    (("技术咨询", ""), ("技术咨询", "")),
])
def test_normalize_contract_kind(t, old, new):
    assert t.normalize_contract_kind(*old) == new


def test_ip_type_groups_patents(t):
    assert t.names("ip_type")[:4] == ["专利", "发明专利", "实用新型", "外观设计"]
    assert [i.parent for i in t.items("ip_type")[:4]] == [None, "专利", "专利", "专利"]
    assert t.choices("ip_type") == [
        "发明专利", "实用新型", "外观设计", "专利申请", "技术秘密", "计算机软件著作权", "集成电路布图设计专有权",
        "生物、医药新品种", "植物新品种", "其他知识产权", "未涉及知识产权"]
    assert t.choices("contract_subtype") == t.names("contract_subtype")


def test_other_tables(t):
    assert t.names("tech_field") == [
        "电子信息", "航空航天", "先进制造", "生物、医药和医疗器械", "新材料及其应用",
        "新能源与高效节能", "环境保护与资源综合利用", "核应用技术", "农业", "现代交通",
        "城市建设与社会发展"]
    assert t.names("payment_method") == ["一次总付", "分期支付", "提成支付", "提成支付附加预付入门费", "其他",
                                         "先使用后付费", "零门槛费+阶段性支付+提成"]
    assert t.names("plan_source") == ["国家科技计划", "部门计划", "省级计划", "地市县计划", "计划外"]
    assert len(t.names("socio_goal")) == 10 and t.names("socio_goal")[-1] == "其他"
    assert t.names("unit_nature") == ["企业", "高等院校", "科研机构", "医疗卫生机构", "机关", "社会团体",
                                      "个人", "其他"]
    assert t.names("broker_level") == ["初级", "中级", "高级"]
    assert t.names("broker_status") == ["在职", "离职"]
    assert t.names("maturity") == ["实验室", "小试", "中试", "试生产", "批量生产"]
    assert t.names("transfer_mode") == ["转让", "许可", "作价投资", "合作开发", "其他"]
    assert t.names("achievement_status") == ["征集", "已发布", "洽谈中", "已转化", "已下架"]
    statuses = t.items("registration_status")
    assert [(s.name, s.name_en) for s in statuses] == [
        ("草稿", "Draft"), ("待提交", "Ready to submit"), ("已受理", "Accepted"),
        ("需补正", "Needs correction"), ("已登记", "Registered"), ("不予登记", "Refused"),
        ("已撤销", "Withdrawn")]
    # a history step: a status, or 变更登记 (a registered contract changed, still 已登记)
    assert [(s.name, s.name_en) for s in t.items("registration_step")] == [
        *[(s.name, s.name_en) for s in statuses], ("变更登记", "Registration changed")]


def test_contains_and_item_lookup(t):
    assert t.contains("tech_field", "电子信息")
    assert t.contains("tech_field", " 农业 ")
    assert t.contains("entity_code", "170")              # by code as well
    assert not t.contains("tech_field", "电子")
    assert not t.contains("tech_field", None)
    assert t.item("entity_code", "170").name == "私营企业"
    with pytest.raises(BrokerDeskError) as info:
        t.items("no_such_table")
    assert str(info.value) == "没有名为“no_such_table”的代码表"


def test_labels_follow_the_language(t):
    item = t.item("registration_status", "需补正")
    assert item.label() == "需补正"
    i18n.set_language("en")
    assert item.label() == "Needs correction"
    assert t.title("tech_field") == "Technology field"


@pytest.mark.parametrize("unit, code", [
    ("企业", "100"), ("高等院校", "022"), ("科研机构", "021"), ("医疗卫生机构", "023"),
    ("机关", "010"), ("社会团体", "030"), ("个人", "400"), ("其他", None), ("", None),
    (None, None), ("外星人", None),
])
def test_entity_code_per_unit_nature(t, unit, code):
    assert t.entity_code(unit, None) == code


@pytest.mark.parametrize("kind, code", [
    ("国有企业", "110"), ("集体企业", "120"), ("股份合作企业", "130"), ("联营企业", "140"),
    ("有限责任公司", "150"), ("股份有限公司", "160"), ("私营企业", "170"), ("其他内资企业", "180"),
    ("港澳台商投资企业", "200"), ("外商投资企业", "300"),
    ("", "100"), (None, "100"), ("不知道", "100"),
])
def test_entity_code_of_enterprises(t, kind, code):
    assert t.entity_code("企业", kind) == code


def test_enterprise_type_only_counts_for_enterprises(t):
    assert t.entity_code("高等院校", "私营企业") == "022"


def test_entity_code_names(t):
    assert t.entity_code_name("100") == "内资企业"
    assert t.entity_code_name("170") == "私营企业"
    assert t.entity_code_name("024") == "其他事业单位"
    assert t.entity_code_name("999") is None
    assert t.entity_code_name(None) is None
    assert [i.code for i in t.items("entity_code")] == [
        "010", "021", "022", "023", "024", "030", "100", "110", "120", "130", "140", "150", "160",
        "170", "180", "200", "300", "400"]


# --- the user's own tables --------------------------------------------------------------

def test_user_files_extend_and_replace(tmp_path):
    (tmp_path / "tech_field.json").write_text(json.dumps({
        "name": "tech_field",
        "items": [{"code": "12", "name": "人工智能", "name_en": "Artificial intelligence"},
                  {"code": "09", "name": "现代农业", "name_en": "Modern agriculture"}]},
        ensure_ascii=False), encoding="utf-8")
    # a BOM (Windows Notepad) is fine; the table name may come from the file name
    (tmp_path / "unit_nature.json").write_text(json.dumps({
        "items": [{"code": "9", "name": "其他事业单位", "name_en": "Other public institution",
                   "entity_code": "024"}]}, ensure_ascii=False), encoding="utf-8-sig")
    (tmp_path / "contract_subtype.json").write_text(json.dumps({
        "items": [], "legacy": [{"category": "技术服务", "subtype": "技术推广",
                                 "to_category": "技术服务", "to_subtype": "技术服务"}]},
        ensure_ascii=False), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a table", encoding="utf-8")
    t = codes.load_tables(tmp_path)
    fields = t.names("tech_field")
    assert fields[8] == "现代农业"            # code 09 replaced in place
    assert "农业" not in fields
    assert fields[-1] == "人工智能"           # a new code is appended
    assert len(fields) == 12
    assert t.entity_code("其他事业单位") == "024"
    assert t.normalize_contract_kind("技术服务", "技术推广") == ("技术服务", "技术服务")
    assert t.normalize_contract_kind("技术转让", "专利实施许可") == ("技术许可", "专利实施许可")
    # the built-in tables are untouched
    assert "人工智能" not in codes.load_tables().names("tech_field")


def test_default_user_folder(tmp_path):
    (tmp_path / "maturity.json").write_text(
        '{"items": [{"code": "6", "name": "产业化", "name_en": "Industrialised"}]}', encoding="utf-8")
    try:
        codes.set_user_dir(tmp_path)
        assert codes.tables().names("maturity")[-1] == "产业化"
        assert codes.tables() is codes.tables(tmp_path)
    finally:
        codes.set_user_dir(None)
    assert codes.tables().names("maturity")[-1] == "批量生产"


def test_missing_user_folder_is_fine(tmp_path):
    assert codes.load_tables(tmp_path / "nope").names("maturity") == codes.load_tables().names("maturity")


def test_broken_user_file_names_file_and_position(tmp_path):
    bad = tmp_path / "tech_field.json"
    bad.write_text('{\n  "items": [\n    {"code": "12" "name": "人工智能"}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(BrokerDeskError) as info:
        codes.load_tables(tmp_path)
    error = info.value
    assert error.code == "codes.user_file_broken"
    assert (error.args_["line"], error.args_["column"]) == (3, 19)
    assert str(error) == (f"代码表文件“{bad}”不是有效的 JSON：第 3 行第 19 列："
                          "Expecting ',' delimiter")


@pytest.mark.parametrize("content, code", [
    ('{"name": "tech_field"}', "codes.user_file_no_items"),
    ('[1, 2]', "codes.user_file_no_items"),
    ('{"items": [{"code": "1", "name": "甲"}, {"code": "2"}]}', "codes.user_file_bad_item"),
])
def test_user_file_of_the_wrong_shape(tmp_path, content, code):
    (tmp_path / "x.json").write_text(content, encoding="utf-8")
    with pytest.raises(BrokerDeskError) as info:
        codes.load_tables(tmp_path)
    assert info.value.code == code
    assert str(tmp_path / "x.json") in str(info.value)


def test_user_file_not_utf8(tmp_path):
    (tmp_path / "x.json").write_bytes('{"items": [{"code": "1", "name": "人工智能"}]}'.encode("gbk"))
    with pytest.raises(BrokerDeskError) as info:
        codes.load_tables(tmp_path)
    assert info.value.code == "codes.user_file_unreadable"
    assert str(tmp_path / "x.json") in str(info.value)


# --- regions ----------------------------------------------------------------------------

@pytest.mark.parametrize("code, name", [
    ("110108", "北京市海淀区"),
    ("110000", "北京市"),
    ("110100", "北京市"),                 # 市辖区 is a placeholder
    ("440000", "广东省"),
    ("440300", "广东省深圳市"),
    ("440305", "广东省深圳市南山区"),
    ("441900", "广东省东莞市"),
    ("429004", "湖北省仙桃市"),           # 省直辖县级行政单位 skipped
    ("500000", "重庆市"),
    ("810000", "香港特别行政区"),
    ("110103", "北京市崇文区"),           # obsolete since 2010, still named
    ("110228", "北京市密云县"),           # obsolete county under the obsolete placeholder 县
    (" 110108 ", "北京市海淀区"),
])
def test_region_names(code, name):
    assert codes.region_name(code) == name


@pytest.mark.parametrize("code", ["999999", "11010", "1101080", "", None, "142"])
def test_unknown_regions(code):
    assert codes.region_name(code) is None
    assert not codes.is_region_code(code)
    assert codes.province_code(code) is None


def test_obsolete_regions_are_flagged():
    assert codes.region("110103") == {"name": "崇文区", "province": "北京市", "level": 3,
                                      "obsolete": True, "until": 2010}
    assert codes.region("110108")["obsolete"] is False
    assert codes.is_region_code("110103")
    assert not codes.is_region_code("110103", current_only=True)
    assert codes.is_region_code("110108", current_only=True)


def test_reused_code_takes_the_current_name():
    # loc.dat: 120110 "[-1991]东郊区,[1992-]东丽区"
    assert codes.region("120110")["name"] == "东丽区"
    assert codes.region("120110")["obsolete"] is False


def test_province_codes_and_lists():
    assert codes.province_code("440305") == "440000"
    assert codes.province_code("110000") == "110000"
    provinces = codes.provinces()
    assert len(provinces) == 34
    assert provinces[0] == ("110000", "北京市")
    assert ("440000", "广东省") in provinces
    guangdong = codes.prefectures("440000")
    assert len(guangdong) == 21
    assert guangdong[:3] == [("440100", "广州市"), ("440200", "韶关市"), ("440300", "深圳市")]
    assert codes.prefectures("110000") == []
    beijing = codes.counties("110000")
    assert len(beijing) == 16 and ("110108", "海淀区") in beijing
    assert ("110103", "崇文区") not in beijing
    assert ("110103", "崇文区") in codes.counties("110000", include_obsolete=True)
    shenzhen = codes.counties("440300")
    assert ("440305", "南山区") in shenzhen
    assert all(code.startswith("4403") for code, _ in shenzhen)
    assert ("429004", "仙桃市") in codes.counties("420000")


def test_children_cascade():
    beijing = codes.children("110000")
    assert len(beijing) == 16 and beijing[0] == ("110101", "东城区")
    hubei = codes.children("420000")
    assert ("420100", "武汉市") in hubei and ("429004", "仙桃市") in hubei
    assert len(codes.children("440000")) == 21
    assert codes.children("440300") == codes.counties("440300")


def test_english_names(t):
    assert t.english("registration_status", "已登记") == "Registered"
    assert t.english("registration_status", "registered") == "Registered"
    assert t.english("registration_status", "未知") == "未知"
    assert t.english("registration_status", None) == ""


def test_country_codes():
    assert codes.is_country_code("142") and not codes.is_foreign_code("142")
    assert codes.country_name("142") == "中国"
    assert codes.is_country_code("840") and codes.is_foreign_code("840")
    assert codes.country_name("840") is None
    assert not codes.is_country_code("14") and not codes.is_country_code("110108")
    assert not codes.is_foreign_code("abc")


def test_make_regions_converts_loc_dat_lines():
    spec = importlib.util.spec_from_file_location("make_regions", ROOT / "tools" / "make_regions.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.parse_names("海淀区") == ("海淀区", False, None)
    assert tool.parse_names("[-2010]崇文区") == ("崇文区", True, 2010)
    assert tool.parse_names("[1997-]通州区") == ("通州区", False, None)
    assert tool.parse_names("[-1991]东郊区,[1992-]东丽区") == ("东丽区", False, None)
    assert tool.parse_names("[-1988]宽城县,[1989-1993]宽城满族自治县") == ("宽城满族自治县", True, 1993)
    lines = ['# comment', '11 province="北京市"', '  0000 county="北京市"', '  0100 county="市辖区"',
             '  0103 county="[-2010]崇文区"']
    assert tool.convert(lines) == {
        "110000": {"name": "北京市", "province": "北京市", "level": 1, "obsolete": False},
        "110100": {"name": "市辖区", "province": "北京市", "level": 2, "obsolete": False,
                   "placeholder": True},
        "110103": {"name": "崇文区", "province": "北京市", "level": 3, "obsolete": True,
                   "until": 2010},
    }
