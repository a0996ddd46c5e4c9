"""所在地区 typed or imported as a name (福州, 福州市, 福建省福州市, 福建福州) is stored as its
code; a name several regions answer to is an error listing them with their codes."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook
from workbooks import write_xlsx

from broker_desk import i18n, region_names
from broker_desk.errors import ValidationError
from broker_desk.workbook.export import export_workbook
from broker_desk.workbook.importer import import_workbook

CHAOYANG = ("所在地区“朝阳区”可指 2 个地区：北京市朝阳区（110105）、吉林省长春市朝阳区（220104），"
            "请写明上级地区或填写代码")


@pytest.mark.parametrize("text, code", [
    ("福州", "350100"), ("福州市", "350100"), ("福建省福州市", "350100"), ("福建福州", "350100"),
    ("福建省 福州市", "350100"), ("福建", "350000"), ("福建省", "350000"), ("福建省福州市鼓楼区", "350102"),
    ("福州鼓楼区", "350102"), ("北京朝阳区", "110105"), ("北京市朝阳区", "110105"), ("长春市朝阳区", "220104"),
    ("广西", "450000"), ("广西壮族自治区", "450000"), ("内蒙古", "150000"), ("香港", "810000"),
    ("延边", "222400"), ("延边朝鲜族自治州", "222400"), ("伊犁", "654000"), ("湖北仙桃", "429004"),
    ("深圳市南山区", "440305"), ("上海浦东新区", "310115"), ("海淀", "110108"),
    ("吉林", "220000"),            # 吉林省 and its 吉林市: the province holds both
    ("350102", "350102"), ("３５０１０２", "350102"), ("142", "142"),
])
def test_names_are_understood(text, code):
    assert region_names.resolve(text) == (code, None, {})


def test_an_ambiguous_name_lists_the_candidates_with_codes(ledger):
    with pytest.raises(ValidationError) as info:
        ledger.add("client", {"name": "某公司", "region": "朝阳区"})
    assert str(info.value) == CHAOYANG
    assert ledger.count("client") == 0
    i18n.set_language("en")
    with pytest.raises(ValidationError) as info:
        ledger.add("client", {"name": "某公司", "region": "朝阳区"})
    assert str(info.value) == ("Region “朝阳区” could be 2 places: 北京市朝阳区（110105）、吉林省长春市朝阳区（220104）; "
                               "name the place above it or give the code")


def test_an_unknown_name(ledger):
    with pytest.raises(ValidationError) as info:
        ledger.add("client", {"name": "某公司", "region": "火星基地"})
    assert str(info.value) == "所在地区“火星基地”不是已知的省、市或区县名称，请核对或填写 6 位行政区划代码"


@pytest.mark.parametrize("typed", ["福州", "福建省福州市", "福建福州", "福州市"])
def test_the_editor_path_stores_the_code(ledger, typed):
    cid = ledger.add("client", {"name": "福州某公司", "region": typed}).id
    assert ledger.get("client", cid)["region"] == "350100"
    ledger.update("client", cid, {"region": "福建省福州市鼓楼区"})
    assert ledger.get("client", cid)["region"] == "350102"


def test_resolve_is_memoised_per_distinct_text():
    region_names.resolve.cache_clear()
    for _ in range(1000):
        region_names.resolve("福建省福州市")
    info = region_names.resolve.cache_info()
    assert (info.misses, info.hits) == (1, 999)


def test_a_client_sheet_with_region_names_imports(ledger, tmp_path):
    path = write_xlsx(tmp_path / "clients.xlsx", {"客户": [
        ["名称", "单位性质", "所在地区"],
        ["福州甲公司", "企业", "福州"], ["福州乙公司", "企业", "福建省福州市"], ["杭州丙公司", "企业", "浙江杭州"],
        ["北京丁公司", "企业", "330106"], ["朝阳戊公司", "企业", "朝阳区"], ["己公司", "企业", "火星基地"]]})
    result = import_workbook(ledger, path, skip_invalid=True)
    assert [p.line() for p in result.errors] == [
        f"clients.xlsx:客户:6:C（所在地区）: {CHAOYANG}",
        "clients.xlsx:客户:7:C（所在地区）: 所在地区“火星基地”不是已知的省、市或区县名称，请核对或填写 6 位行政区划代码"]
    assert dict(ledger.conn.execute("SELECT name, region FROM clients")) == {
        "福州甲公司": "350100", "福州乙公司": "350100", "杭州丙公司": "330100", "北京丁公司": "330106"}
    out = tmp_path / "out.xlsx"
    export_workbook(ledger, out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("客户").to_python()
    column = rows[0].index("所在地区")
    assert sorted(str(r[column]) for r in rows[1:]) == ["330100", "330106", "350100", "350100"]
    again = import_workbook(ledger, out)
    assert (again.summaries["客户"].inserted, again.summaries["客户"].updated) == (0, 0)
