"""Code-table values written the way people write them (issue 14 point 1): aliases, close
values taken with a note, unknown and ambiguous ones refused naming the nearest items, the
office's hand mappings, the same rule in the core's checks and in the import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from workbooks import write_xlsx

from broker_desk import codematch, codes, i18n
from broker_desk.cli import main
from broker_desk.codematch import recognise, unknown_problem
from broker_desk.errors import BrokerDeskError
from broker_desk.workbook import values as workbook_values
from broker_desk.workbook.importer import import_workbook


@pytest.mark.parametrize("table, value, how, name", [
    # the item's name or code
    ("ip_type", "实用新型", "exact", "实用新型"),
    ("ip_type", "11", "exact", "发明专利"),
    # aliases, and names or aliases written with other punctuation, width or case: silent
    ("ip_type", "实用新型专利", "alias", "实用新型"),
    ("ip_type", "外观设计专利", "alias", "外观设计"),
    ("ip_type", "植物新品种权", "alias", "植物新品种"),
    ("ip_type", "集成电路布图设计", "alias", "集成电路布图设计专有权"),
    ("ip_type", "软著", "alias", "计算机软件著作权"),
    ("ip_type", "发明专利申请", "alias", "专利申请"),
    ("ip_type", "生物医药新品种", "alias", "生物、医药新品种"),
    ("ip_type", "Utility model", "alias", "实用新型"),
    ("socio_goal", "工业发展", "alias", "促进工业发展"),
    ("socio_goal", "卫生事业发展", "alias", "卫生"),
    ("socio_goal", "农业发展", "alias", "农林牧渔业发展"),
    ("tech_field", "新能源", "alias", "新能源与高效节能"),
    ("tech_field", "生物、医药", "alias", "生物、医药和医疗器械"),
    ("tech_field", "生物医药", "alias", "生物、医药和医疗器械"),
    ("tech_field", "生物，医药", "alias", "生物、医药和医疗器械"),
    ("tech_field", "生物医药和医疗器械", "alias", "生物、医药和医疗器械"),
    ("tech_field", "电子信息技术", "alias", "电子信息"),
    ("payment_method", "入门费＋提成", "alias", "提成支付附加预付入门费"),
    ("contract_subtype", "技术秘密许可", "alias", "技术秘密使用许可"),
    ("unit_nature", "高校", "alias", "高等院校"),
    ("enterprise_type", "民营企业", "alias", "私营企业"),
    # close: the same without 促进/发展/技术/事业…, one containing the other, a typo
    ("tech_field", "新能源技术", "close", "新能源与高效节能"),
    ("tech_field", "先进制造业", "close", "先进制造"),
    ("tech_field", "医疗器械", "close", "生物、医药和医疗器械"),
    ("socio_goal", "促进农林牧渔业发展", "close", "农林牧渔业发展"),
    ("socio_goal", "教育事业发展", "close", "教育"),
    ("ip_type", "实用新形专利", "close", "实用新型"),
    ("enterprise_type", "有限责任公司（自然人独资）", "close", "有限责任公司"),
    # not understood
    ("tech_field", "人工智能", "unknown", None),
    ("unit_nature", "民办非企业单位", "unknown", None),   # not an enterprise, whatever it contains
    ("unit_nature", "非企业", "unknown", None),
    ("enterprise_type", "股份有限责任公司", "ambiguous", None),
    ("transfer_mode", "许可转让", "ambiguous", None),
    ("ip_type", "专利权", "ambiguous", None),             # which patent? 专利 is a group, never a guess
    ("registration_status", "登记", "unknown", None),     # a workflow takes no guesses
])
def test_recognise(table, value, how, name):
    found = recognise(table, value)
    assert (found.how, found.name) == (how, name)


def test_what_a_value_not_understood_is_told():
    def message(table, value, field):
        key, args = unknown_problem(recognise(table, value))
        return i18n.tr(key, label=field, **args)

    assert message("ip_type", "专利权", "知识产权类型") == \
        "知识产权类型“专利权”可指发明专利、专利申请、实用新型中的任一项，请写明是哪一项"
    assert message("enterprise_type", "股份有限责任公司", "企业类型") == \
        "企业类型“股份有限责任公司”可指有限责任公司、股份有限公司中的任一项，请写明是哪一项"
    assert message("registration_status", "登记", "登记状态") == "登记状态“登记”不在可选值中（最接近的：已登记、不予登记）"
    assert message("tech_field", "人工智能", "技术领域") == (
        "技术领域“人工智能”不在可选值中（可选：电子信息、航空航天、先进制造、生物、医药和医疗器械、新材料及其应用、"
        "新能源与高效节能、环境保护与资源综合利用、核应用技术、农业、现代交通、城市建设与社会发展）")
    i18n.set_language("en")
    assert message("registration_status", "登记", "Status") == \
        "Status “登记” is not one of the allowed values (nearest: 已登记、不予登记)"
    assert recognise("ip_type", "实用新形专利").note() == "Read “实用新形专利” as “实用新型”"


def test_the_built_in_aliases_are_unambiguous():
    """No alias is another item's name, and no two items share a key once normalised."""
    tables = codes.tables()
    for table in tables.table_names():
        seen: dict[str, str] = {}
        for item in tables.items(table):
            for alias in item.data.get("aliases", ()):
                assert tables.item(table, alias) is None, (table, alias)
            for text in (item.name, *item.data.get("aliases", ())):
                key = codematch.normalise(text)
                assert seen.setdefault(key, item.code) == item.code, (table, text)


def test_an_office_adds_aliases_in_its_own_table_files(tmp_path):
    (tmp_path / "tech_field.json").write_text(json.dumps({"items": [
        {"code": "01", "name": "电子信息", "aliases": ["集成电路", "人工智能"]}]}, ensure_ascii=False), encoding="utf-8")
    tables = codes.load_tables(tmp_path)
    assert tables.item("tech_field", "01").data["aliases"][:3] == ["电子信息技术", "电子与信息", "信息技术"]
    for value in ("人工智能", "电子信息技术", "集成电路"):  # its own and the built-in ones
        found = recognise("tech_field", value, tables=tables)
        assert (found.how, found.name) == ("alias", "电子信息")
    assert recognise("tech_field", "人工智能").how == "unknown"  # not in the built-in tables


def test_aliases_of_the_wrong_shape_are_refused(tmp_path):
    path = tmp_path / "tech_field.json"
    path.write_text('{"items": [{"code": "01", "name": "电子信息", "aliases": "集成电路"}]}', encoding="utf-8")
    with pytest.raises(BrokerDeskError) as info:
        codes.load_tables(tmp_path)
    assert str(info.value) == f"代码表文件“{path}”的第 1 项的 aliases 应为文字的列表"


# -- the import --------------------------------------------------------------------------------

HEADERS = ["合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）",
           "技术领域", "知识产权类型", "社会经济目标", "支付方式"]


def _row(no, field, ip, goal, payment="一次总付", category="技术开发", subtype="委托开发"):
    return [no, "项目" + no, category, subtype, "杭州甲方科技有限公司", "浙江乙方大学", dt.date(2025, 3, 5), 100000,
            field, ip, goal, payment]


def _book(tmp_path, rows, name="codes.xlsx"):
    return write_xlsx(tmp_path / name, {"技术合同": [HEADERS, *rows]})


def _values(ledger):
    return ledger.conn.execute("SELECT contract_no, category, subtype, field, ip_type, socio_goal, payment "
                               "FROM contracts ORDER BY contract_no").fetchall()


def test_import_takes_aliases_silently_and_close_values_with_a_note(ledger, tmp_path):
    path = _book(tmp_path, [
        _row("A1", "新能源", "实用新型专利", "工业发展", "分期付款"),
        _row("A2", "生物、医药", "发明专利申请", "卫生事业发展", category="技术开发合同", subtype="委托研发"),
        _row("A3", "新能源技术", "植物新品种权", "教育事业发展"),
        _row("A4", "新能源技术", "实用新形专利", "农业发展", "3"),  # a code is its item too
    ])
    result = import_workbook(ledger, path)
    assert result.written and not result.errors
    notes = [p.line() for p in result.warnings if "识别" in p.message]
    assert notes == [
        "codes.xlsx:技术合同:4:I（技术领域）: 已将“新能源技术”识别为“新能源与高效节能”",
        "codes.xlsx:技术合同:4:K（社会经济目标）: 已将“教育事业发展”识别为“教育”",
        "codes.xlsx:技术合同:5:I（技术领域）: 已将“新能源技术”识别为“新能源与高效节能”",
        "codes.xlsx:技术合同:5:J（知识产权类型）: 已将“实用新形专利”识别为“实用新型”",
    ]
    assert all(not p.is_error for p in result.problems)
    assert result.summaries["技术合同"].recognised == 4
    assert result.summary_lines()[0] == "技术合同：新增 4，更新 0，未变 0，有误 0，按相近写法识别 4 个值"
    assert _values(ledger) == [
        ("A1", "技术开发", "委托开发", "新能源与高效节能", "实用新型", "促进工业发展", "分期支付"),
        ("A2", "技术开发", "委托开发", "生物、医药和医疗器械", "专利申请", "卫生", "一次总付"),
        ("A3", "技术开发", "委托开发", "新能源与高效节能", "植物新品种", "教育", "一次总付"),
        ("A4", "技术开发", "委托开发", "新能源与高效节能", "实用新型", "农林牧渔业发展", "提成支付"),
    ]
    assert result.unknown_values == []


def test_an_unknown_or_ambiguous_value_stays_an_error_naming_the_nearest_items(ledger, tmp_path):
    path = _book(tmp_path, [_row("B1", "人工智能", "专利权", "工业"), _row("B2", "新能源", "专利权", "工业")])
    result = import_workbook(ledger, path)
    assert not result.written and ledger.count("contract") == 0
    assert [p.line() for p in result.errors] == [
        "codes.xlsx:技术合同:2:I（技术领域）: 技术领域“人工智能”不在可选值中（可选：电子信息、航空航天、先进制造、"
        "生物、医药和医疗器械、新材料及其应用、新能源与高效节能、环境保护与资源综合利用、核应用技术、农业、现代交通、"
        "城市建设与社会发展）",
        "codes.xlsx:技术合同:2:J（知识产权类型）: 知识产权类型“专利权”可指发明专利、专利申请、实用新型中的任一项，请写明是哪一项",
        "codes.xlsx:技术合同:3:J（知识产权类型）: 知识产权类型“专利权”可指发明专利、专利申请、实用新型中的任一项，请写明是哪一项",
    ]
    assert [(u.table, u.value, u.places, u.nearest) for u in result.unknown_values] == [
        ("tech_field", "人工智能", ["技术合同 · 技术领域"], ()),
        ("ip_type", "专利权", ["技术合同 · 知识产权类型"], ("发明专利", "专利申请", "实用新型")),
    ]


def test_each_distinct_value_is_recognised_once(ledger, tmp_path, monkeypatch):
    calls = []
    real = workbook_values.recognise
    monkeypatch.setattr(workbook_values, "recognise", lambda *a: calls.append(a[:2]) or real(*a))
    rows = [_row(f"C{i}", ("新能源技术", "生物医药", "电子信息")[i % 3], "实用新型专利", "工业发展") for i in range(300)]
    result = import_workbook(ledger, _book(tmp_path, rows))
    assert result.written and result.summaries["技术合同"].recognised == 100
    assert sorted(calls) == [("ip_type", "实用新型专利"), ("socio_goal", "工业发展"), ("tech_field", "新能源技术"),
                             ("tech_field", "生物医药")]


def test_a_value_mapped_by_hand_is_remembered_for_the_next_import_and_the_cli(ledger, tmp_path, capsys):
    path = _book(tmp_path, [_row("D1", "人工智能", "软件著作权", "工业发展")])
    assert not import_workbook(ledger, path, dry_run=True).written
    codematch.remember(ledger, "tech_field", "人工智能", "电子信息")
    assert ledger.setting("import.value_map") == {"tech_field": {"人工智能": "电子信息"}}
    result = import_workbook(ledger, path)
    assert result.written  # silently, as an alias: only the new clients are told
    assert [p.message for p in result.problems] == ["已新建客户“杭州甲方科技有限公司”", "已新建客户“浙江乙方大学”"]
    assert result.summaries["技术合同"].recognised == 0
    assert _values(ledger)[0][3:5] == ("电子信息", "计算机软件著作权")
    with pytest.raises(BrokerDeskError) as info:
        codematch.remember(ledger, "tech_field", "量子", "量子信息")
    assert str(info.value) == "代码表“技术领域”中没有“量子信息”"
    codematch.remember(ledger, "tech_field", "人工智能", None)
    assert ledger.setting("import.value_map") == {}


def test_the_cli_reads_the_remembered_mappings(tmp_path, capsys):
    from broker_desk.ledger import Ledger

    db = tmp_path / "x.brokerdesk"
    path = _book(tmp_path, [_row("E1", "人工智能", "实用新形专利", "工业发展")])
    assert main(["--db", str(db), "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "codes.xlsx:技术合同:2:I（技术领域）: 技术领域“人工智能”不在可选值中" in err
    with Ledger.open(db) as ledger:
        codematch.remember(ledger, "tech_field", "人工智能", "电子信息")
    assert main(["--db", str(db), "import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "codes.xlsx:技术合同:2:J（知识产权类型）: （提示）已将“实用新形专利”识别为“实用新型”" in err.splitlines()
    assert "  技术合同：新增 1，更新 0，未变 0，有误 0，按相近写法识别 1 个值" in out.splitlines()
    with Ledger.open(db) as ledger:
        assert _values(ledger)[0][3:5] == ("电子信息", "实用新型")


def test_english_notes_and_summary(tmp_path, capsys):
    db = tmp_path / "x.brokerdesk"
    path = _book(tmp_path, [_row("F1", "新能源技术", "实用新型专利", "工业发展")])
    assert main(["--db", str(db), "--lang", "en", "import", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "codes.xlsx:技术合同:2:I（技术领域）: (warning) Read “新能源技术” as “新能源与高效节能”" in err.splitlines()
    assert "  技术合同: 1 inserted, 0 updated, 0 unchanged, 0 rejected, 1 values recognised from close spellings" \
        in out.splitlines()
