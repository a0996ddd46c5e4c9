"""Records through the :class:`Ledger`: clients, achievements, contracts, deleting,
undo/redo with the change log, and search (DESIGN.md §2–§4, §7)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from broker_desk import clients
from broker_desk.errors import BrokerDeskError, ValidationError
from broker_desk.ledger import Ledger
from broker_desk.registration import ACCEPTED, READY, REGISTERED

TODAY = dt.date(2025, 6, 30)
CODE_A = "91110108MA01ABCD1E"   # check characters right (conftest's Factory.CODES)
CODE_B = "91310115MA1H7XXXX2"
CODE_C = "12100000400001355R"
CODE_A_BAD = "91110108MA01ABCD1F"  # check character should be E
PATENT = "ZL202110921116.9"
PATENT_2 = "ZL202120001234.3"
PATENT_OLD = "ZL99123456.1"


def codes_of(exc: ValidationError) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in exc.errors]


def counts(ledger) -> dict:
    return {e: ledger.count(e) for e in ("broker", "client", "achievement", "contract")}


def log_size(ledger) -> tuple[int, int]:
    return (ledger.conn.execute("SELECT count(*) FROM ops").fetchone()[0],
            ledger.conn.execute("SELECT count(*) FROM changes").fetchone()[0])


@pytest.fixture
def parties(make):
    """A buyer (企业) and a seller (高等院校)."""
    return make.client(name="甲方科技有限公司"), make.client(name="乙方大学", nature="高等院校")


@pytest.fixture
def base(parties) -> dict:
    buyer, seller = parties
    return {"contract_no": "JS-2025-001", "title": "智能电网调度系统技术开发", "category": "技术开发",
            "subtype": "委托开发", "buyer_id": buyer, "seller_id": seller, "signed_on": "2025-03-01",
            "amount_fen": 100_000_000}


# === clients ==================================================================================

@pytest.mark.parametrize("typed", [
    CODE_A,
    CODE_A.lower(),
    " 9111 0108 MA01 ABCD 1E ",
    "91110108-MA01ABCD1E",
    "９１１１０１０８ＭＡ０１ＡＢＣＤ１Ｅ",      # full-width
    "９１１１０１０８ｍａ０１ａｂｃｄ１ｅ",      # full-width lower case
    "\u3000" + CODE_A + "\u00a0",
])
def test_credit_code_is_stored_normalised(ledger, typed):
    changes = ledger.add("client", {"name": "某公司", "credit_code": typed})
    assert changes.warnings == []
    row = ledger.get("client", changes.id)
    assert row["credit_code"] == CODE_A
    assert ledger.warnings("client", changes.id) == []
    assert row["warnings"] is None


def test_credit_code_with_a_wrong_check_character_is_a_warning_kept_on_the_record(ledger):
    changes = ledger.add("client", {"name": "早期试点单位", "credit_code": CODE_A_BAD.lower()})
    assert [(w.field, w.code, w.severity) for w in changes.warnings] == [
        ("client.credit_code", "idnum.credit_check", "warning")]
    cid = changes.id
    assert ledger.get("client", cid)["credit_code"] == CODE_A_BAD
    kept = ledger.warnings("client", cid)
    assert [(w.field, w.code, w.severity, w.args["expected"]) for w in kept] == [
        ("client.credit_code", "idnum.credit_check", "warning", "E")]
    message = kept[0].message()
    assert CODE_A_BAD in message.upper()
    assert "校验位不符（应为 E）" in message
    # an edit of another field keeps it …
    ledger.update("client", cid, {"phone": "010-62751234"})
    assert [w.code for w in ledger.warnings("client", cid)] == ["idnum.credit_check"]
    # … correcting the code clears it
    assert ledger.update("client", cid, {"credit_code": CODE_A}).warnings == []
    assert ledger.warnings("client", cid) == []
    assert ledger.get("client", cid)["credit_code"] == CODE_A


@pytest.mark.parametrize(("typed", "code"), [
    ("91110108MA01ABCD1", "idnum.credit_length"),
    ("91110108MA01ABCD1EE", "idnum.credit_length"),
    ("91110108MA01ABCD1I", "idnum.credit_chars"),
    ("91110108MA01ABCDOE", "idnum.credit_chars"),
    ("91A10108MA01ABCD1E", "idnum.credit_region"),
])
def test_credit_code_of_a_wrong_shape_is_an_error(ledger, typed, code):
    before = log_size(ledger)
    with pytest.raises(ValidationError) as info:
        ledger.add("client", {"name": "某公司", "credit_code": typed})
    assert codes_of(info.value) == [("client.credit_code", code)]
    assert ledger.count("client") == 0
    assert log_size(ledger) == before


def test_duplicate_credit_code_is_refused_naming_the_other_client(ledger, make):
    first = make.client(name="北京某某科技有限公司", credit_code=CODE_A)
    for typed in (CODE_A, CODE_A.lower(), " 9111 0108 MA01 ABCD 1E"):
        with pytest.raises(ValidationError) as info:
            make.client(name="另一家公司", credit_code=typed)
        assert codes_of(info.value) == [("client.credit_code", "client.duplicate_code")]
        assert str(info.value) == f"统一社会信用代码 {CODE_A} 已属于客户“北京某某科技有限公司”"
    other = make.client(name="另一家公司", credit_code=CODE_B)
    with pytest.raises(ValidationError) as info:
        ledger.update("client", other, {"credit_code": CODE_A})
    assert "北京某某科技有限公司" in str(info.value)
    assert ledger.get("client", other)["credit_code"] == CODE_B
    # a client may keep its own code
    ledger.update("client", first, {"credit_code": CODE_A.lower(), "name": "北京某某科技股份有限公司"})
    assert ledger.get("client", first)["name"] == "北京某某科技股份有限公司"


def test_enterprise_type_only_on_an_enterprise(ledger, make):
    with pytest.raises(ValidationError) as info:
        make.client(nature="高等院校", enterprise_type="有限责任公司")
    assert codes_of(info.value) == [("client.enterprise_type", "client.type_not_enterprise")]
    cid = make.client(nature="企业", enterprise_type="有限责任公司")
    assert ledger.get("client", cid)["enterprise_type"] == "有限责任公司"
    # turning the enterprise into something else while its type stays is refused too
    with pytest.raises(ValidationError) as info:
        ledger.update("client", cid, {"nature": "科研机构"})
    assert codes_of(info.value) == [("client.enterprise_type", "client.type_not_enterprise")]
    ledger.update("client", cid, {"nature": "科研机构", "enterprise_type": None})
    row = ledger.get("client", cid)
    assert (row["nature"], row["enterprise_type"]) == ("科研机构", None)


def test_nature_must_be_in_its_table(ledger, make):
    with pytest.raises(ValidationError) as info:
        make.client(nature="民办非企业单位")  # not an enterprise, though it contains the word
    assert codes_of(info.value) == [("client.nature", "field.not_in_table_near")]
    assert str(info.value) == "单位性质“民办非企业单位”不在可选值中（最接近的：企业）"
    with pytest.raises(ValidationError) as info:
        make.client(nature="基金")
    assert str(info.value) == ("单位性质“基金”不在可选值中（可选：企业、高等院校、科研机构、医疗卫生机构、机关、"
                               "社会团体、个人、其他）")


def test_code_values_by_alias_or_code_are_kept_as_names(ledger, make):
    """An alias or an item's code is the item: the ledger keeps its name."""
    cid = make.client(nature="高校")
    assert ledger.get("client", cid)["nature"] == "高等院校"
    ledger.update("client", cid, {"nature": "1", "enterprise_type": "民营企业"})
    assert (ledger.get("client", cid)["nature"], ledger.get("client", cid)["enterprise_type"]) == ("企业", "私营企业")
    with pytest.raises(ValidationError) as info:  # a close value is a guess: the editors and the API say so
        ledger.update("client", cid, {"enterprise_type": "有限责任公司（自然人独资）"})
    assert str(info.value) == "企业类型“有限责任公司（自然人独资）”不在可选值中（最接近的：有限责任公司）"
    with pytest.raises(ValidationError) as info:
        ledger.update("client", cid, {"enterprise_type": "股份有限责任公司"})
    assert str(info.value) == "企业类型“股份有限责任公司”可指有限责任公司、股份有限公司中的任一项，请写明是哪一项"


@pytest.mark.parametrize("region", ["11010", "1101080", "ABCDEF", "11-010", "１１０１０", "١١٠١٠٨", "1101"])
def test_bad_region_is_refused(ledger, make, region):
    with pytest.raises(ValidationError) as info:
        make.client(region=region)
    found = codes_of(info.value)
    assert ("client.region", "region.bad") in found
    assert {f for f, _ in found} == {"client.region"}
    assert f"所在地区“{unicodedata.normalize('NFKC', region)}”应为 6 位行政区划代码、3 位国家代码或地区名称（如 福州、福建省福州市）" \
        in str(info.value)
    assert ledger.count("client") == 0


def test_region_typed_with_full_width_digits_is_normalised(ledger):
    changes = ledger.add("client", {"name": "某公司", "region": "１１０１０８"})
    assert changes.warnings == []
    assert ledger.get("client", changes.id)["region"] == "110108"


def test_unknown_but_well_formed_region_is_a_warning(ledger):
    changes = ledger.add("client", {"name": "某公司", "region": "999999"})
    assert [(w.field, w.code) for w in changes.warnings] == [("client.region", "client.unknown_region")]
    kept = ledger.warnings("client", changes.id)
    assert [w.code for w in kept] == ["client.unknown_region"]
    assert "999999" in kept[0].message()
    assert ledger.get("client", changes.id)["region"] == "999999"


@pytest.mark.parametrize("region", ["110108", "310115", "142", "840"])
def test_known_regions_and_country_codes(ledger, region):
    changes = ledger.add("client", {"name": "某单位", "region": region})
    assert changes.warnings == []
    assert ledger.get("client", changes.id)["region"] == region


def test_warnings_of_two_fields_are_both_kept(ledger):
    cid = ledger.add("client", {"name": "某公司", "credit_code": CODE_A_BAD, "region": "999999"}).id
    assert sorted(w.code for w in ledger.warnings("client", cid)) == ["client.unknown_region", "idnum.credit_check"]
    ledger.update("client", cid, {"region": "110108"})
    assert [w.code for w in ledger.warnings("client", cid)] == ["idnum.credit_check"]


@pytest.mark.parametrize(("nature", "code"), [
    ("企业", "100"),
    ("高等院校", "022"),
    ("科研机构", "021"),
    ("医疗卫生机构", "023"),
    ("机关", "010"),
    ("社会团体", "030"),
    ("个人", "400"),
    ("其他", None),
    (None, None),
])
def test_entity_code_of_each_nature(ledger, make, nature, code):
    assert clients.entity_code({"nature": nature}) == code
    cid = make.client(nature=nature)
    assert clients.entity_code(ledger.get("client", cid)) == code


@pytest.mark.parametrize(("enterprise_type", "code"), [
    ("国有企业", "110"), ("集体企业", "120"), ("股份合作企业", "130"), ("联营企业", "140"),
    ("有限责任公司", "150"), ("股份有限公司", "160"), ("私营企业", "170"), ("其他内资企业", "180"),
    ("港澳台商投资企业", "200"), ("外商投资企业", "300"),
])
def test_entity_code_of_each_enterprise_type(ledger, make, enterprise_type, code):
    cid = make.client(nature="企业", enterprise_type=enterprise_type)
    assert clients.entity_code(ledger.get("client", cid)) == code


def test_client_name_is_required_and_trimmed(ledger):
    with pytest.raises(ValidationError) as info:
        ledger.add("client", {"name": "  \u3000 "})
    assert codes_of(info.value) == [("client.name", "field.required")]
    cid = ledger.add("client", {"name": "  某某   科技\u3000有限公司 "}).id
    assert ledger.get("client", cid)["name"] == "某某 科技 有限公司"


# === achievements ===============================================================================

@pytest.mark.parametrize("typed", [
    "ZL2021 1 0921116.9", "CN202110921116.9", "202110921116.9", "zl202110921116.9",
    "ＺＬ２０２１１０９２１１１６．９", "ZL202110921116。9", "2021109211169",
])
def test_patent_number_forms_have_one_normal_form(ledger, make, typed):
    holder = make.client()
    aid = ledger.add("achievement", {"title": "一种电网调度方法", "holder_id": holder, "patents": typed}).id
    assert ledger.get("achievement", aid)["patents"] == PATENT
    assert ledger.warnings("achievement", aid) == []


def test_patents_in_mixed_forms_are_joined_by_the_chinese_semicolon(ledger, make):
    holder = make.client()
    typed = f"ZL2021 1 0921116.9；CN202120001234.3、99123456.1; 202110921116.9，{PATENT_2}\n"
    changes = ledger.add("achievement", {"title": "储能材料", "holder_id": holder, "patents": typed})
    assert changes.warnings == []
    assert ledger.get("achievement", changes.id)["patents"] == "；".join([PATENT, PATENT_2, PATENT_OLD])
    # a list works the same
    other = ledger.add("achievement", {"title": "储能材料二", "holder_id": holder,
                                       "patents": ["CN202110921116.9", "ZL99123456.1"]}).id
    assert ledger.get("achievement", other)["patents"] == f"{PATENT}；{PATENT_OLD}"


def test_patent_with_a_wrong_check_character_is_a_warning(ledger, make):
    holder = make.client()
    changes = ledger.add("achievement", {"title": "某成果", "holder_id": holder,
                                         "patents": f"{PATENT}；ZL202120001234.4"})
    assert [(w.field, w.code, w.args["expected"]) for w in changes.warnings] == [
        ("achievement.patents", "idnum.patent_check", "3")]
    assert ledger.get("achievement", changes.id)["patents"] == f"{PATENT}；ZL202120001234.4"
    kept = ledger.warnings("achievement", changes.id)
    assert [w.code for w in kept] == ["idnum.patent_check"]
    assert "ZL202120001234.4" in kept[0].message() and "应为 3" in kept[0].message()


@pytest.mark.parametrize(("typed", "code"), [
    ("ZL2021109211.8", "idnum.patent_shape"),
    ("专利一项", "idnum.patent_shape"),
    ("ZL202140921116.9", "idnum.patent_type"),
    ("ZL202110921116", "idnum.patent_no_check"),
    ("ZL50123456.1", "idnum.patent_year"),
])
def test_patent_of_a_bad_shape_is_an_error(ledger, make, typed, code):
    holder = make.client()
    with pytest.raises(ValidationError) as info:
        ledger.add("achievement", {"title": "某成果", "holder_id": holder, "patents": f"{PATENT}；{typed}"})
    assert codes_of(info.value) == [("achievement.patents", code)]
    assert ledger.count("achievement") == 0


def test_achievement_needs_an_existing_holder(ledger):
    with pytest.raises(ValidationError) as info:
        ledger.add("achievement", {"title": "某成果", "holder_id": 42})
    assert codes_of(info.value) == [("achievement.holder_id", "field.no_such_record")]
    with pytest.raises(ValidationError) as info:
        ledger.add("achievement", {"title": "某成果"})
    assert codes_of(info.value) == [("achievement.holder_id", "field.required")]


# === contracts ==================================================================================

def test_a_valid_contract_reads_back(ledger, base):
    cid = ledger.add("contract", base).id
    row = ledger.get("contract", cid)
    for key, value in base.items():
        assert row[key] == value, key
    assert (row["status"], row["deductions_fen"], row["tech_fen"], row["brokers"]) == ("草稿", 0, 100_000_000, [])


@pytest.mark.parametrize(("category", "subtype"), [
    ("技术开发", "专利权转让"), ("技术咨询", "技术服务"), ("技术服务", "委托开发"), ("技术许可", "技术秘密转让"),
])
def test_subtype_must_belong_to_its_category(ledger, base, category, subtype):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "category": category, "subtype": subtype})
    assert codes_of(info.value) == [("contract.subtype", "contract.subtype_mismatch")]
    assert f"合同子类“{subtype}”不属于合同类别“{category}”" in str(info.value)
    assert ledger.count("contract") == 0


def test_changing_the_category_alone_is_checked_against_the_subtype(ledger, base):
    cid = ledger.add("contract", base).id
    with pytest.raises(ValidationError) as info:
        ledger.update("contract", cid, {"category": "技术咨询"})
    assert codes_of(info.value) == [("contract.subtype", "contract.subtype_mismatch")]
    ledger.update("contract", cid, {"category": "技术咨询", "subtype": "技术咨询"})
    assert ledger.get("contract", cid)["category"] == "技术咨询"


@pytest.mark.parametrize(("subtype", "mapped"), [
    ("专利实施许可", "专利实施许可"), ("技术秘密使用许可", "技术秘密使用许可"), ("技术秘密许可", "技术秘密使用许可"),
])
def test_legacy_licence_under_transfer_is_mapped_to_licence(ledger, base, subtype, mapped):
    cid = ledger.add("contract", {**base, "category": "技术转让", "subtype": subtype}).id
    row = ledger.get("contract", cid)
    assert (row["category"], row["subtype"]) == ("技术许可", mapped)


def test_a_transfer_stays_a_transfer(ledger, base):
    cid = ledger.add("contract", {**base, "category": "技术转让", "subtype": "专利权转让"}).id
    assert ledger.get("contract", cid)["category"] == "技术转让"


def test_buyer_and_seller_must_differ(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "seller_id": base["buyer_id"]})
    assert codes_of(info.value) == [("contract.seller_id", "contract.same_party")]
    cid = ledger.add("contract", base).id
    with pytest.raises(ValidationError):
        ledger.update("contract", cid, {"buyer_id": base["seller_id"]})
    assert ledger.get("contract", cid)["buyer_id"] == base["buyer_id"]


def test_valid_to_not_before_valid_from(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "valid_from": "2025-05-01", "valid_to": "2025-04-30"})
    assert codes_of(info.value) == [("contract.valid_to", "contract.valid_to_before_from")]
    assert str(info.value) == "有效期止 2025-04-30 早于有效期起 2025-05-01"
    cid = ledger.add("contract", {**base, "valid_from": "2025-05-01", "valid_to": "2025-05-01"}).id
    with pytest.raises(ValidationError):
        ledger.update("contract", cid, {"valid_to": "2025-04-01"})
    assert ledger.get("contract", cid)["valid_to"] == "2025-05-01"


def test_deductions_not_over_the_amount(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "deductions_fen": 100_000_001})
    assert codes_of(info.value) == [("contract.deductions_fen", "contract.deductions_over_amount")]
    assert str(info.value) == "非技术性费用 1,000,000.01 元超过合同成交额 1,000,000.00 元"
    cid = ledger.add("contract", {**base, "deductions_fen": 100_000_000}).id
    assert ledger.get("contract", cid)["tech_fen"] == 0
    with pytest.raises(ValidationError) as info:  # lowering the amount under the deductions
        ledger.update("contract", cid, {"amount_fen": 99_999_999})
    assert codes_of(info.value) == [("contract.deductions_fen", "contract.deductions_over_amount")]


def test_technology_amount_is_derived_unless_given(ledger, base):
    cid = ledger.add("contract", {**base, "deductions_fen": 12_345_600}).id
    assert ledger.get("contract", cid)["tech_fen"] == 100_000_000 - 12_345_600
    ledger.update("contract", cid, {"amount_fen": 200_000_000})
    assert ledger.get("contract", cid)["tech_fen"] == 200_000_000 - 12_345_600
    ledger.update("contract", cid, {"tech_given_fen": 150_000_000})
    assert ledger.get("contract", cid)["tech_fen"] == 150_000_000
    ledger.update("contract", cid, {"tech_given_fen": None})
    assert ledger.get("contract", cid)["tech_fen"] == 200_000_000 - 12_345_600
    with pytest.raises(ValidationError) as info:
        ledger.update("contract", cid, {"tech_given_fen": 200_000_001})
    assert codes_of(info.value) == [("contract.tech_given_fen", "contract.tech_over_amount")]


def test_brokers_and_shares(ledger, base, make):
    b1, b2, b3 = make.broker(), make.broker(), make.broker()
    cid = ledger.add("contract", {**base, "brokers": [(b1, 60), (b2, 40)]}).id
    assert ledger.get("contract", cid)["brokers"] == [(b1, 6000), (b2, 4000)]

    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "contract_no": "X-2", "brokers": [(b1, 60), (b2, 30)]})
    assert codes_of(info.value) == [("contract.brokers", "contract.shares_sum")]
    assert str(info.value) == "经纪人份额合计应为 100%，现为 90%"

    other = ledger.add("contract", {**base, "contract_no": "X-3",
                                    "brokers": [(b1, "33.33"), (b2, "33.33"), (b3, "33.34")]}).id
    assert ledger.get("contract", other)["brokers"] == [(b1, 3333), (b2, 3333), (b3, 3334)]

    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "contract_no": "X-4", "brokers": [(b1, 50), (b1, 50)]})
    assert codes_of(info.value) == [("contract.brokers", "contract.duplicate_broker")]

    alone = ledger.add("contract", {**base, "contract_no": "X-5", "brokers": [(b2, "100%")]}).id
    assert ledger.get("contract", alone)["brokers"] == [(b2, 10000)]
    none = ledger.add("contract", {**base, "contract_no": "X-6", "brokers": []}).id
    assert ledger.get("contract", none)["brokers"] == []
    assert ledger.count("contract") == 4


@pytest.mark.parametrize(("brokers", "code"), [
    ([(1, 0), (2, 100)], "contract.bad_share"),
    ([(1, "33.333"), (2, "66.667")], "contract.bad_share"),
    ([(1, 101)], "contract.bad_share"),
    ([(1, "六十"), (2, 40)], "contract.bad_share"),
    ([(99, 100)], "field.no_such_record"),
    ("张三", "contract.bad_brokers"),
])
def test_bad_brokers_are_refused(ledger, base, make, brokers, code):
    for _ in range(2):  # brokers 1 and 2 exist
        make.broker()
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "brokers": brokers})
    assert ("contract.brokers", code) in codes_of(info.value)
    assert ledger.count("contract") == 0


def test_changing_brokers_by_edit(ledger, base, make):
    b1, b2 = make.broker(), make.broker()
    cid = ledger.add("contract", {**base, "brokers": [(b1, 100)]}).id
    ledger.update("contract", cid, {"brokers": [(b2, 70), (b1, 30)]})
    assert ledger.get("contract", cid)["brokers"] == [(b2, 7000), (b1, 3000)]
    ledger.undo()
    assert ledger.get("contract", cid)["brokers"] == [(b1, 10000)]


def test_contract_number_is_unique_per_seller(ledger, base, make):
    ledger.add("contract", base)
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "title": "另一个项目"})
    assert codes_of(info.value) == [("contract.contract_no", "contract.duplicate_no")]
    assert str(info.value) == "卖方“乙方大学”已有合同编号为 JS-2025-001 的合同"
    # the same number at another seller is another contract
    other_seller = make.client(name="丙方研究院", nature="科研机构")
    second = ledger.add("contract", {**base, "seller_id": other_seller}).id
    assert ledger.count("contract") == 2
    # moving the second one to the first seller clashes
    with pytest.raises(ValidationError) as info:
        ledger.update("contract", second, {"seller_id": base["seller_id"]})
    assert codes_of(info.value) == [("contract.contract_no", "contract.duplicate_no")]
    third = ledger.add("contract", {**base, "contract_no": "JS-2025-002"}).id
    with pytest.raises(ValidationError):
        ledger.update("contract", third, {"contract_no": " JS-2025-001 "})
    # saving a contract with its own number is fine
    ledger.update("contract", third, {"contract_no": "JS-2025-002", "title": "新标题"})
    assert ledger.get("contract", third)["title"] == "新标题"


@pytest.mark.parametrize("amount", [1_000_000.0, 1.5, "1000000", "100万", True, [100]])
def test_money_must_be_whole_fen(ledger, base, amount):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "amount_fen": amount})
    assert codes_of(info.value) == [("contract.amount_fen", "field.not_amount")]
    assert f"合同成交额“{amount}”无法识别为金额" in str(info.value)
    assert ledger.count("contract") == 0


def test_money_may_not_be_negative(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "commission_fen": -1})
    assert codes_of(info.value) == [("contract.commission_fen", "field.negative")]


def test_text_longer_than_its_maximum_is_refused(ledger, base):
    cid = ledger.add("contract", {**base, "title": "技" * 200}).id
    assert len(ledger.get("contract", cid)["title"]) == 200
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "contract_no": "X-2", "title": "技" * 201})
    assert codes_of(info.value) == [("contract.title", "field.too_long")]
    assert str(info.value) == "项目名称过长：最多 200 个字符，现有 201 个"
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "contract_no": "N" * 101})
    assert codes_of(info.value) == [("contract.contract_no", "field.too_long")]


def test_unknown_field_is_refused(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "colour": "红"})
    assert codes_of(info.value) == [("contract.colour", "field.unknown")]
    assert str(info.value) == "未知字段“colour”"
    cid = ledger.add("contract", base).id
    with pytest.raises(ValidationError):
        ledger.update("contract", cid, {"tech_fen": 5})  # generated, not a field one may set
    with pytest.raises(ValidationError):
        ledger.update("client", base["buyer_id"], {"uid": "x"})


def test_every_problem_is_listed_at_once(ledger, base):
    values = {**base, "amount_fen": 1.5, "valid_from": "2025-02-30", "title": "技" * 201}
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", values)
    assert sorted(codes_of(info.value)) == [
        ("contract.amount_fen", "field.not_amount"),
        ("contract.title", "field.too_long"),
        ("contract.valid_from", "idnum.date_bad_day"),
    ]
    assert len(str(info.value).split("；")) == 3


def test_every_problem_is_listed_at_once_for_rules_too(ledger, base):
    values = {k: v for k, v in base.items() if k not in ("title", "signed_on")}
    values.update(seller_id=base["buyer_id"], deductions_fen=200_000_000, subtype="技术咨询",
                  valid_from="2025-05-01", valid_to="2025-01-01", colour="红")
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", values)
    assert sorted(codes_of(info.value)) == [
        ("contract.colour", "field.unknown"),
        ("contract.deductions_fen", "contract.deductions_over_amount"),
        ("contract.seller_id", "contract.same_party"),
        ("contract.signed_on", "field.required"),
        ("contract.subtype", "contract.subtype_mismatch"),
        ("contract.title", "field.required"),
        ("contract.valid_to", "contract.valid_to_before_from"),
    ]
    assert ledger.count("contract") == 0


def test_references_must_exist(ledger, base):
    with pytest.raises(ValidationError) as info:
        ledger.add("contract", {**base, "buyer_id": 999, "achievement_id": 5})
    assert sorted(codes_of(info.value)) == [
        ("contract.achievement_id", "field.no_such_record"), ("contract.buyer_id", "field.no_such_record")]


def test_an_update_of_a_missing_record(ledger):
    with pytest.raises(BrokerDeskError) as info:
        ledger.update("contract", 7, {"title": "x"})
    assert info.value.code == "record.missing"
    assert str(info.value) == "技术合同 ID 7 不存在"
    with pytest.raises(BrokerDeskError) as info:
        ledger.delete("client", 7)
    assert info.value.code == "record.missing"


# === deleting ===================================================================================

def test_a_client_used_by_contracts_cannot_be_deleted(ledger, base, make):
    first = ledger.add("contract", base).id
    ledger.add("contract", {**base, "contract_no": "JS-2025-002"})
    before = (counts(ledger), log_size(ledger))
    for client in base["buyer_id"], base["seller_id"]:
        with pytest.raises(BrokerDeskError) as info:
            ledger.delete("client", client)
        assert info.value.code == "delete.in_use"
        message = str(info.value)
        assert "它被 2 份合同使用" in message
        assert "JS-2025-001" in message and "JS-2025-002" in message
    assert (counts(ledger), log_size(ledger)) == before
    assert ledger.get("contract", first)["buyer_id"] == base["buyer_id"]


def test_many_contracts_are_named_up_to_five(ledger, base):
    for i in range(7):
        ledger.add("contract", {**base, "contract_no": f"JS-{i:03d}"})
    with pytest.raises(BrokerDeskError) as info:
        ledger.delete("client", base["buyer_id"])
    message = str(info.value)
    assert "它被 7 份合同使用" in message
    assert sum(f"JS-{i:03d}" in message for i in range(7)) == 5
    assert message.endswith("…）")


def test_a_client_holding_an_achievement_cannot_be_deleted(ledger, make):
    holder = make.client(name="某研究所", nature="科研机构")
    ledger.add("achievement", {"title": "高效光伏电池", "holder_id": holder})
    with pytest.raises(BrokerDeskError) as info:
        ledger.delete("client", holder)
    assert info.value.code == "delete.holder"
    assert str(info.value) == "不能删除客户“某研究所”：它是 1 项科技成果的持有方（高效光伏电池）"
    assert ledger.get("client", holder) is not None


def test_an_achievement_linked_to_a_contract_cannot_be_deleted(ledger, base, make):
    aid = ledger.add("achievement", {"title": "高效光伏电池", "holder_id": base["seller_id"]}).id
    ledger.add("contract", {**base, "achievement_id": aid})
    with pytest.raises(BrokerDeskError) as info:
        ledger.delete("achievement", aid)
    assert info.value.code == "delete.in_use"
    assert str(info.value) == "不能删除科技成果“高效光伏电池”：它被 1 份合同使用（JS-2025-001）"
    assert ledger.get("achievement", aid)["title"] == "高效光伏电池"


def test_a_broker_on_a_contract_cannot_be_deleted(ledger, base, make):
    b1 = make.broker(name="张三")
    b2 = make.broker(name="李四")
    ledger.add("contract", {**base, "brokers": [(b1, 50), (b2, 50)]})
    with pytest.raises(BrokerDeskError) as info:
        ledger.delete("broker", b1)
    assert info.value.code == "delete.in_use"
    assert str(info.value) == "不能删除经纪人“张三”：它被 1 份合同使用（JS-2025-001）"
    spare = make.broker(name="王五")
    ledger.delete("broker", spare)
    assert ledger.get("broker", spare) is None


def test_an_unused_client_is_deleted_and_undo_brings_it_back(ledger, make):
    make.client()
    cid = make.client(name="待删除公司", credit_code=CODE_C, region="110108", contact="赵六")
    make.client()
    before = ledger.get("client", cid)
    changes = ledger.delete("client", cid)
    assert changes.entities == {"client"}
    assert ledger.get("client", cid) is None
    assert ledger.search("client", "待删除") == []
    assert ledger.undo_label() == "删除客户“待删除公司”"
    ledger.undo()
    after = ledger.get("client", cid)
    assert after == before
    assert (after["id"], after["uid"]) == (cid, before["uid"])
    assert ledger.get_by_uid("client", before["uid"])["id"] == cid
    assert ledger.search("client", "待删除") == [cid]
    ledger.redo()
    assert ledger.get("client", cid) is None


# === undo / redo and the change log =============================================================

def test_an_edit_undone_restores_the_old_value(ledger, base):
    cid = ledger.add("contract", base).id
    ledger.update("contract", cid, {"title": "新的项目名称", "amount_fen": 5_000})
    assert ledger.undo_label() == "修改技术合同“JS-2025-001”"
    ledger.undo()
    row = ledger.get("contract", cid)
    assert (row["title"], row["amount_fen"], row["tech_fen"]) == (base["title"], 100_000_000, 100_000_000)
    assert ledger.redo_label() == "修改技术合同“JS-2025-001”"
    ledger.redo()
    row = ledger.get("contract", cid)
    assert (row["title"], row["amount_fen"]) == ("新的项目名称", 5_000)


def test_an_edit_that_changes_nothing_logs_no_change(ledger, base):
    cid = ledger.add("contract", base).id
    uid = ledger.get("contract", cid)["uid"]
    ledger.update("contract", cid, {"title": base["title"]})
    assert [h["action"] for h in ledger.history("contract", uid)] == ["insert"]


def test_undo_three_newest_first(ledger, make):
    client = make.client(name="原名公司")
    broker = make.broker(name="原名经纪人")
    start = counts(ledger)
    ledger.update("client", client, {"name": "新名公司"})       # 1
    ledger.update("broker", broker, {"institution": "某转移中心"})  # 2
    added = make.client(name="新增公司")                          # 3
    last_three = [r["id"] for r in ledger.recent_ops(3)]
    results = ledger.undo(3)
    assert len(results) == 3
    targets = [ledger.conn.execute("SELECT target FROM ops WHERE id = ?", [c.op_id]).fetchone()[0]
               for c in results]
    assert targets == last_three  # newest first
    assert results[0].entities == {"client"} and results[1].entities == {"broker"}
    assert ledger.get("client", added) is None
    assert ledger.get("broker", broker)["institution"] is None
    assert ledger.get("client", client)["name"] == "原名公司"
    assert counts(ledger) == start
    assert ledger.undo_label() == "新建经纪人“原名经纪人”"
    # redo re-applies, oldest of the undone first
    ledger.redo()
    assert ledger.get("client", client)["name"] == "新名公司"
    assert ledger.get("broker", broker)["institution"] is None
    ledger.redo(2)
    assert ledger.get("broker", broker)["institution"] == "某转移中心"
    assert ledger.get("client", added)["name"] == "新增公司"
    assert ledger.redo_label() is None


def test_a_fresh_edit_after_undo_clears_redo(ledger, make):
    cid = make.client(name="甲")
    ledger.update("client", cid, {"name": "乙"})
    ledger.undo()
    assert ledger.redo_label() is not None
    ledger.update("client", cid, {"name": "丙"})
    assert ledger.redo_label() is None
    with pytest.raises(BrokerDeskError) as info:
        ledger.redo()
    assert info.value.code == "redo.nothing"
    assert str(info.value) == "没有可重做的操作"
    assert ledger.get("client", cid)["name"] == "丙"
    # undo still walks back through what is left
    ledger.undo()
    assert ledger.get("client", cid)["name"] == "甲"


def test_nothing_to_undo(ledger):
    assert ledger.undo_label() is None and ledger.redo_label() is None
    with pytest.raises(BrokerDeskError) as info:
        ledger.undo()
    assert info.value.code == "undo.nothing"
    with pytest.raises(BrokerDeskError) as info:
        ledger.redo()
    assert info.value.code == "redo.nothing"


def test_undo_everything_then_nothing_left(ledger, make):
    cid = make.client(name="甲")
    ledger.update("client", cid, {"name": "乙"})
    ledger.undo(2)
    assert ledger.count("client") == 0
    with pytest.raises(BrokerDeskError) as info:
        ledger.undo()
    assert info.value.code == "undo.nothing"


def test_undo_after_closing_and_reopening(tmp_path):
    path = tmp_path / "reopen.brokerdesk"
    with Ledger.open(path) as led:
        cid = led.add("client", {"name": "原名", "credit_code": CODE_A}).id
        led.update("client", cid, {"name": "改名"})
    with Ledger.open(path) as led:
        assert led.undo_label() == "修改客户“改名”"
        led.undo()
        assert led.get("client", cid)["name"] == "原名"
    with Ledger.open(path) as led:
        assert led.redo_label() == "修改客户“改名”"
        led.redo()
        assert led.get("client", cid)["name"] == "改名"
        led.undo(2)
        assert led.count("client") == 0
    with Ledger.open(path) as led:
        assert led.count("client") == 0
        assert led.undo_label() is None


def test_undo_of_deleting_a_contract_restores_brokers_and_registration(ledger, base, make):
    b1, b2 = make.broker(), make.broker()
    cid = ledger.add("contract", {**base, "brokers": [(b1, 60), (b2, 40)], "deductions_fen": 1_000}).id
    ledger.move(cid, READY, "2025-04-01", "材料齐备", today=TODAY)
    ledger.move(cid, ACCEPTED, "2025-04-02", reg_office="北京技术市场", today=TODAY)
    ledger.move(cid, REGISTERED, "2025-04-20", reg_no="2025110101000123", today=TODAY)
    before = ledger.get("contract", cid)
    history = ledger.registration_history(cid)
    assert len(history) == 3

    ledger.delete("contract", cid)
    assert ledger.get("contract", cid) is None
    assert ledger.registration_history(cid) == []
    assert ledger.conn.execute("SELECT count(*) FROM contract_brokers").fetchone()[0] == 0
    ledger.delete("broker", b1)  # no longer on any contract …
    ledger.undo()                 # … and back
    ledger.undo()

    assert ledger.get("contract", cid) == before
    assert ledger.get("contract", cid)["brokers"] == [(b1, 6000), (b2, 4000)]
    assert ledger.registration_history(cid) == history
    assert ledger.search("contract", "2025110101000123") == [cid]
    with pytest.raises(BrokerDeskError):
        ledger.delete("broker", b1)


def test_history_shows_who_when_field_old_new(ledger, make):
    ledger.set_setting("operator", "张三")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cid = make.client(name="原名公司")
    ledger.set_setting("operator", "李四")
    ledger.update("client", cid, {"name": "新名公司", "phone": "010-1234"})
    uid = ledger.get("client", cid)["uid"]
    rows = ledger.history("client", uid)
    assert [(r["user"], r["kind"], r["action"], r["field"]) for r in rows] == [
        ("张三", "edit", "insert", None), ("李四", "edit", "update", "name"), ("李四", "edit", "update", "phone")]
    assert rows[0]["new"]["name"] == "原名公司" and rows[0]["old"] is None
    assert (rows[1]["old"], rows[1]["new"]) == ("原名公司", "新名公司")
    assert (rows[2]["old"], rows[2]["new"]) == (None, "010-1234")
    for r in rows:
        assert r["ts"].endswith("Z")
        ts = dt.datetime.fromisoformat(r["ts"].replace("Z", "+00:00"))
        assert start - dt.timedelta(seconds=1) <= ts <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    ledger.undo()
    rows = ledger.history("client", uid)
    assert [(r["user"], r["kind"], r["field"], r["old"], r["new"]) for r in rows[3:]] == [
        ("李四", "undo", "phone", "010-1234", None), ("李四", "undo", "name", "新名公司", "原名公司")]
    assert ledger.history("client", "no-such-uid") == []


def test_history_of_a_deleted_record(ledger, make):
    cid = make.client(name="甲公司")
    uid = ledger.get("client", cid)["uid"]
    ledger.delete("client", cid)
    rows = ledger.history("client", uid)
    assert [r["action"] for r in rows] == ["insert", "delete"]
    assert rows[-1]["old"]["name"] == "甲公司" and rows[-1]["new"] is None


def test_undo_of_the_demo_empties_the_ledger(demo_ledger):
    led = demo_ledger
    assert counts(led) == {"broker": 12, "client": 100, "achievement": 300, "contract": 1500}
    assert led.undo_label() == "生成示例数据（1500 份合同）"
    led.undo()
    assert counts(led) == dict.fromkeys(("broker", "client", "achievement", "contract"), 0)
    for table in ("registration_events", "contract_brokers", "contract_search"):
        assert led.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert led.search("contract", "技术") == []
    assert led.undo_label() is None
    led.redo()
    assert counts(led) == {"broker": 12, "client": 100, "achievement": 300, "contract": 1500}


# === search =====================================================================================

@pytest.fixture
def searchable(ledger, make):
    buyer = make.client(name="华北电力设备有限公司", credit_code=CODE_A)
    buyer2 = make.client(name="江南水务集团", credit_code=CODE_B)
    seller = make.client(name="清华大学", nature="高等院校", credit_code=CODE_C)
    ids = {
        "grid": ledger.add("contract", {"contract_no": "BJ-2025-ABC-001", "title": "智能电网调度系统技术开发",
                                        "category": "技术开发", "subtype": "委托开发", "buyer_id": buyer,
                                        "seller_id": seller, "signed_on": "2025-03-01",
                                        "amount_fen": 1_000_000}).id,
        "water": ledger.add("contract", {"contract_no": "SH-2025-XYZ-002", "title": "城市污水处理工艺技术咨询",
                                         "category": "技术咨询", "subtype": "技术咨询", "buyer_id": buyer2,
                                         "seller_id": seller, "signed_on": "2025-03-02",
                                         "amount_fen": 500_000}).id,
        "grid2": ledger.add("contract", {"contract_no": "BJ-2025-ABC-003", "title": "电网储能技术服务",
                                         "category": "技术服务", "subtype": "技术服务", "buyer_id": buyer,
                                         "seller_id": seller, "signed_on": "2025-03-03",
                                         "amount_fen": 300_000}).id,
    }
    ledger.move(ids["water"], READY, "2025-04-01", today=TODAY)
    ledger.move(ids["water"], ACCEPTED, "2025-04-02", reg_office="上海技术交易所", today=TODAY)
    ledger.move(ids["water"], REGISTERED, "2025-04-20", reg_no="2025310101000777", today=TODAY)
    return ids | {"buyer": buyer, "buyer2": buyer2, "seller": seller}


def test_search_by_one_and_two_chinese_characters(ledger, searchable):
    s = searchable
    assert ledger.search("contract", "网") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "污水") == [s["water"]]
    assert ledger.search("contract", "电网") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "咨询") == [s["water"]]
    assert ledger.search("contract", "火箭") == []


def test_search_by_a_party_name(ledger, searchable):
    s = searchable
    assert ledger.search("contract", "华北电力") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "江南水务") == [s["water"]]
    assert ledger.search("contract", "清华") == [s["grid"], s["water"], s["grid2"]]
    assert ledger.search("client", "水务") == [s["buyer2"]]


def test_search_by_credit_code_prefix(ledger, searchable):
    s = searchable
    assert ledger.search("contract", "91110108") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "91310115ma") == [s["water"]]
    assert ledger.search("client", "9131") == [s["buyer2"]]
    assert ledger.search("client", "91110108ma01") == [s["buyer"]]
    assert ledger.search("client", "９１") == [s["buyer"], s["buyer2"]]


def test_search_by_part_of_a_contract_number_in_lower_case(ledger, searchable):
    s = searchable
    assert ledger.search("contract", "abc") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "xyz-0") == [s["water"]]
    assert ledger.search("contract", "bj-2025-abc-003") == [s["grid2"]]
    assert ledger.search("contract", "ＡＢＣ") == [s["grid"], s["grid2"]]  # full-width
    assert ledger.search("contract", "  abc-001 ") == [s["grid"]]


def test_search_by_registration_number(ledger, searchable):
    s = searchable
    assert ledger.search("contract", "2025310101000777") == [s["water"]]
    assert ledger.search("contract", "000777") == [s["water"]]


def test_search_results_are_ascending_ids(ledger, searchable, make):
    ids = [make.contract(title=f"电网项目{i}") for i in range(5)]
    found = ledger.search("contract", "电网")
    assert found == sorted(found)
    assert found == sorted([searchable["grid"], searchable["grid2"], *ids])
    assert ledger.search("contract", "电网", limit=2) == found[:2]
    assert ledger.search("contract", "") == sorted(found + [searchable["water"]])


def test_search_follows_a_renamed_client(ledger, searchable):
    s = searchable
    ledger.update("client", s["buyer"], {"name": "北方能源装备股份公司"})
    assert ledger.search("contract", "北方能源") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "华北电力") == []
    ledger.undo()
    assert ledger.search("contract", "华北电力") == [s["grid"], s["grid2"]]
    assert ledger.search("contract", "北方能源") == []


def test_search_follows_a_contract_edit_and_a_new_party(ledger, searchable, make):
    s = searchable
    ledger.update("contract", s["grid"], {"title": "配电自动化技术开发"})
    assert ledger.search("contract", "配电") == [s["grid"]]
    assert ledger.search("contract", "智能") == []
    newbuyer = make.client(name="西部新能源公司")
    ledger.update("contract", s["grid"], {"buyer_id": newbuyer})
    assert ledger.search("contract", "西部新") == [s["grid"]]


def test_a_deleted_contract_disappears_from_search(ledger, searchable):
    s = searchable
    ledger.delete("contract", s["grid"])
    assert ledger.search("contract", "电网") == [s["grid2"]]
    assert ledger.search("contract", "abc-001") == []
    ledger.undo()
    assert ledger.search("contract", "电网") == [s["grid"], s["grid2"]]


def test_change_log_labels_name_the_original_action_in_the_current_language(ledger, make):
    from broker_desk import i18n

    cid = make.client(name="标签客户")
    ledger.update("client", cid, {"address": "杭州市西湖区"})
    ledger.undo()
    ledger.redo()
    ledger.undo()
    labels = [op["label"] for op in ledger.recent_ops(4)]
    assert labels == ["撤销：修改客户“标签客户”", "重做：修改客户“标签客户”", "撤销：修改客户“标签客户”",
                      "修改客户“标签客户”"]
    i18n.set_language("en")
    assert ledger.recent_ops(1)[0]["label"] == "Undo: Edit client “标签客户”"
    assert ledger.redo_label() == "Edit client “标签客户”"


def test_new_record_ids_are_uuid7_in_the_order_made():
    import uuid

    from broker_desk.ledger.journal import new_uid

    ids = [new_uid() for _ in range(20_000)]  # far more than one millisecond's sequence can hold
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[-1])
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122) and str(parsed) == ids[-1]


def test_record_ids_made_together_are_uuid7_with_random_tails():
    import itertools
    import uuid

    from broker_desk.ledger.journal import new_uids

    ids = new_uids(10_000)  # more than one millisecond's sequence: made in parts
    assert len(ids) == 10_000 and ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = [uuid.UUID(i) for i in ids]
    assert all((p.version, p.variant) == (7, uuid.RFC_4122) and str(p) == i for p, i in zip(parsed, ids, strict=True))
    stamps = [(p.int >> 80, (p.int >> 64) & 0xFFF) for p in parsed]  # (millisecond, sequence within it)
    assert all(b == (a[0], a[1] + 1) or (b[0] > a[0] and b[1] == 0) for a, b in itertools.pairwise(stamps))
    tails = [p.int & ((1 << 62) - 1) for p in parsed]
    assert len(set(tails)) == len(tails)  # 62 random bits each
    assert {t >> 61 for t in tails} == {0, 1} and {t & 1 for t in tails} == {0, 1}  # the first and the last vary
