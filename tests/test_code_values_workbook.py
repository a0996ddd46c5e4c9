"""Issue 14's "done when": a workbook LibreOffice wrote, its code values in people's forms
(tests/data/workbooks/lo_code_values.xlsx, made by tools/make_workbook_fixtures.py), imports
with exit 0 and the notes; its export re-imports with nothing inserted and nothing updated."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from broker_desk.cli import main
from broker_desk.ledger import Ledger

BOOK = Path(__file__).parent / "data" / "workbooks" / "lo_code_values.xlsx"


def test_libreoffice_workbook_in_peoples_forms_imports_with_notes_and_round_trips(tmp_path, capsys):
    db = str(tmp_path / "x.brokerdesk")
    assert main(["--db", db, "import", str(BOOK)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "lo_code_values.xlsx:科技成果:4:C（技术领域）: （提示）已将“医疗器械”识别为“生物、医药和医疗器械”",
        "lo_code_values.xlsx:技术合同:5:I（技术领域）: （提示）已将“新能源技术”识别为“新能源与高效节能”",
        "lo_code_values.xlsx:技术合同:6:I（技术领域）: （提示）已将“医疗器械”识别为“生物、医药和医疗器械”",
        "lo_code_values.xlsx:技术合同:6:K（社会经济目标）: （提示）已将“教育事业发展”识别为“教育”",
        "lo_code_values.xlsx:技术合同:7:I（技术领域）: （提示）已将“先进制造业”识别为“先进制造”",
    ]
    assert out.splitlines()[1:] == [
        "  客户：新增 4，更新 0，未变 0，有误 0",
        "  科技成果：新增 3，更新 0，未变 0，有误 0，按相近写法识别 1 个值",
        "  技术合同：新增 6，更新 0，未变 0，有误 0，按相近写法识别 4 个值",
    ]
    with Ledger.open(db) as ledger:
        c = ledger.conn
        assert c.execute("SELECT contract_no, category, subtype, field, ip_type, socio_goal, payment, plan_source "
                         "FROM contracts ORDER BY contract_no").fetchall() == [
            ("LO-2025-001", "技术许可", "专利实施许可", "生物、医药和医疗器械", "实用新型", "卫生", "分期支付", "省级计划"),
            ("LO-2025-002", "技术转让", "专利申请权转让", "新能源与高效节能", "专利申请", "促进工业发展", "一次总付", "计划外"),
            ("LO-2025-003", "技术转让", "其他技术转让", "农业", "植物新品种", "农林牧渔业发展", "提成支付附加预付入门费",
             "国家科技计划"),
            ("LO-2025-004", "技术开发", "委托开发", "新能源与高效节能", "技术秘密", "能源生产、分配和合理利用", "分期支付", None),
            ("LO-2025-005", "技术服务", "技术服务", "生物、医药和医疗器械", "未涉及知识产权", "教育", "一次总付", None),
            ("LO-2025-006", "技术开发", "合作开发", "先进制造", "计算机软件著作权", "促进工业发展", "提成支付", None),
        ]
        assert c.execute("SELECT title, field, ip_type, maturity, transfer_mode FROM achievements ORDER BY id").fetchall() == [
            ("高产抗病水稻新品种", "农业", "植物新品种", "中试", "转让"),
            ("固态电池电解质制备方法", "新能源与高效节能", "专利申请", "小试", "作价投资"),
            ("便携式血氧监测装置", "生物、医药和医疗器械", "实用新型", "批量生产", "许可"),
        ]
        assert c.execute("SELECT name, nature, enterprise_type FROM clients ORDER BY id").fetchall() == [
            ("杭州云栖智能科技有限公司", "企业", "私营企业"), ("浙江某某大学", "高等院校", None),
            ("中国农业科学院某某研究所", "科研机构", None), ("宁波某某医疗器械股份有限公司", "企业", "股份有限公司")]
    exported = tmp_path / "export.xlsx"
    assert main(["--db", db, "export", str(exported)]) == 0
    sheet = CalamineWorkbook.from_path(str(exported)).get_sheet_by_name("技术合同").to_python()
    header = sheet[0]
    assert [row[header.index("知识产权类型")] for row in sheet[1:]] == [
        "实用新型", "专利申请", "植物新品种", "技术秘密", "未涉及知识产权", "计算机软件著作权"]
    capsys.readouterr()
    assert main(["--db", db, "import", str(exported)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[1:] == [
        "  经纪人：新增 0，更新 0，未变 0，有误 0", "  客户：新增 0，更新 0，未变 4，有误 0",
        "  科技成果：新增 0，更新 0，未变 3，有误 0", "  技术合同：新增 0，更新 0，未变 6，有误 0",
        "  登记进度：新增 0，更新 0，未变 0，有误 0", "  技术需求：新增 0，更新 0，未变 0，有误 0",
        "  对接项目：新增 0，更新 0，未变 0，有误 0", "  跟进记录：新增 0，更新 0，未变 0，有误 0",
        "  付款计划：新增 0，更新 0，未变 0，有误 0", "  到账记录：新增 0，更新 0，未变 0，有误 0",
        "  佣金发放：新增 0，更新 0，未变 0，有误 0"]
