"""Write the workbook fixtures of tests/test_workbook_reader.py, made by LibreOffice.

The source workbooks are written with openpyxl and converted by LibreOffice
(``soffice --headless --convert-to``), so that the committed files hold what
LibreOffice really writes (its own date cells, shared strings, cached formula
results) — not what our own writer would write.

Writes into ``tests/data/workbooks/``:

* ``lo_contracts.xlsx``, ``lo_contracts.ods``, ``lo_contracts.xls`` — a sheet named
  技术合同台账 with two title rows above a header row of synonyms, amounts and dates
  in every way people type them, a blank row in the middle and a 合计 row at the end;
* ``lo_contracts_expected.json`` — what each data row must give (see ``CONTRACT_ROWS``);
* ``lo_clients.xlsx`` and ``lo_clients_expected.json`` — a canonical 客户 sheet with a
  phone number and a region code stored as numbers and a credit code with spaces;
* ``encrypted.xlsx`` — ``lo_clients.xlsx`` encrypted with the password ``secret``
  (only when msoffcrypto-tool is installed; otherwise the committed file is kept);
* ``lo_code_values.xlsx`` — a canonical workbook (客户, 科技成果, 技术合同) whose code-table
  values are written as people write them (实用新型专利, 发明专利申请, 植物新品种权, 工业发展,
  卫生事业发展, 新能源, 生物、医药, 高校 …; tests/test_code_values_workbook.py says what each
  becomes).

Run it again with::

    apt-get install -y libreoffice-calc-nogui      # soffice, headless
    pip install msoffcrypto-tool                    # only for encrypted.xlsx
    python tools/make_workbook_fixtures.py [STEM …]  # all of them, or only these (lo_code_values)

LibreOffice runs with a temporary HOME and user profile, so it neither needs nor
touches a real one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "workbooks"

# -- 技术合同台账 -------------------------------------------------------------------------------

CONTRACT_SHEET = "技术合同台账"
CONTRACT_TITLES = ("2024年度技术合同登记台账", "填报单位：某技术转移中心")
CONTRACT_HEADERS = ("序号", "合同编号", "项目名称", "合同类型", "合同子类", "甲方", "乙方", "签订时间",
                    "合同金额（万元）", "技术交易金额（元）", "技术经纪人", "登记编号", "备注")
#: Header as written -> (canonical header, scale); 序号 is not a column of the ledger.
CONTRACT_COLUMNS = {
    "合同编号": ("合同编号", 1), "项目名称": ("项目名称", 1), "合同类型": ("合同类别", 1),
    "合同子类": ("合同子类", 1), "甲方": ("买方", 1), "乙方": ("卖方", 1), "签订时间": ("签订日期", 1),
    "合同金额（万元）": ("合同成交额（元）", 10_000), "技术交易金额（元）": ("技术交易额（元）", 1),
    "技术经纪人": ("技术经纪人", 1), "登记编号": ("登记编号", 1), "备注": ("备注", 1),
}
CONTRACT_UNMAPPED = ("序号",)

#: One entry per source row (row 4 on, under the two title rows and the header row):
#: ``cells`` are the cells as typed, in CONTRACT_HEADERS order, or None for a blank or a
#: 合计 row; ``expect`` is what the row must give, by ledger field: ``cells`` what the
#: cell parsers give (text normalised, amounts in fen, ISO dates) and ``ledger`` what
#: the importer then makes of them (today's contract kind, broker shares in hundredths
#: of a percent, a party given by its credit code). Two rows are valid cells but not valid
#: contracts, on purpose: ``refused`` says why the importer must reject them.
CONTRACT_ROWS = [
    {"cells": [1, "HT-2024-001", "智能网关控制算法开发", "技术开发", "委托开发", "杭州云栖智能科技有限公司",
               "浙江某某大学\u3000", dt.date(2024, 3, 5), 125, "¥1,250,000.00", "张三(60%)；李四(40%)",
               "2024330106000123", None],
     "expect": {"cells": {"contract_no": "HT-2024-001", "title": "智能网关控制算法开发", "category": "技术开发",
                          "subtype": "委托开发", "buyer_id": "杭州云栖智能科技有限公司", "seller_id": "浙江某某大学",
                          "signed_on": "2024-03-05", "amount_fen": 125_000_000, "tech_given_fen": 125_000_000,
                          "brokers": "张三(60%)；李四(40%)", "reg_no": "2024330106000123", "note": None},
                "ledger": {"category": "技术开发", "subtype": "委托开发",
                           "brokers": [["张三", 6000], ["李四", 4000]]},
                "refused": "登记编号 makes it 已登记, which needs a 登记日期 the sheet does not have"}},
    {"cells": [2, "HT-2024-002", "  污水处理膜材料技术服务 ", "技术服务", "技术服务", "\u3000宁波某某环保有限公司 ",
               "浙江某某大学", "2024/3/5", "12.5万", "125,000", "张三、李四", None, "名称前后有空格"],
     "expect": {"cells": {"contract_no": "HT-2024-002", "title": "污水处理膜材料技术服务", "category": "技术服务",
                          "subtype": "技术服务", "buyer_id": "宁波某某环保有限公司", "seller_id": "浙江某某大学",
                          "signed_on": "2024-03-05", "amount_fen": 12_500_000, "tech_given_fen": 12_500_000,
                          "brokers": "张三、李四", "reg_no": None, "note": "名称前后有空格"},
                "ledger": {"category": "技术服务", "subtype": "技术服务",
                           "brokers": [["张三", 5000], ["李四", 5000]]}}},
    {"cells": [3, "HT-2024-003", "锂电池回收工艺专利权转让", "技术转让", "专利权转让", "91330106MA27XK5T2Q",
               "中国科学院某某研究所", "2024年3月5日", 3.25, "１２５０", "王五(100%)", None, None],
     "expect": {"cells": {"contract_no": "HT-2024-003", "title": "锂电池回收工艺专利权转让", "category": "技术转让",
                          "subtype": "专利权转让", "buyer_id": "91330106MA27XK5T2Q", "seller_id": "中国科学院某某研究所",
                          "signed_on": "2024-03-05", "amount_fen": 3_250_000, "tech_given_fen": 125_000,
                          "brokers": "王五(100%)", "reg_no": None, "note": None},
                "ledger": {"category": "技术转让", "subtype": "专利权转让", "buyer_credit_code": "91330106MA27XK5T2Q",
                           "brokers": [["王五", 10000]]}}},
    {"cells": None},  # a blank row: nothing but an ideographic space and a space
    {"cells": [4, "HT-2024-004", "新型传感器技术咨询", "技术咨询", "技术咨询", "苏州某某电子有限公司",
               "上海某某咨询有限公司", "2024.03.05", "150", "1,250,000", "李四", None, None],
     "expect": {"cells": {"contract_no": "HT-2024-004", "title": "新型传感器技术咨询", "category": "技术咨询",
                          "subtype": "技术咨询", "buyer_id": "苏州某某电子有限公司", "seller_id": "上海某某咨询有限公司",
                          "signed_on": "2024-03-05", "amount_fen": 150_000_000, "tech_given_fen": 125_000_000,
                          "brokers": "李四", "reg_no": None, "note": None},
                "ledger": {"category": "技术咨询", "subtype": "技术咨询", "brokers": [["李四", 10000]]}}},
    {"cells": [5, "HT-2024-005", "高效光伏组件封装专利实施许可", "技术转让", "专利实施许可", "某某新能源股份有限公司",
               "浙江某某大学", "２０２４年３月５日", 60, 600000, "张三", None, "2021年前的合同类别"],
     "expect": {"cells": {"contract_no": "HT-2024-005", "title": "高效光伏组件封装专利实施许可", "category": "技术转让",
                          "subtype": "专利实施许可", "buyer_id": "某某新能源股份有限公司", "seller_id": "浙江某某大学",
                          "signed_on": "2024-03-05", "amount_fen": 60_000_000, "tech_given_fen": 60_000_000,
                          "brokers": "张三", "reg_no": None, "note": "2021年前的合同类别"},
                "ledger": {"category": "技术许可", "subtype": "专利实施许可", "brokers": [["张三", 10000]]}}},
    # A number typed into 合同编号 and an old 14-digit 登记编号 typed as a number. (A 16-digit
    # one would not survive: LibreOffice writes numbers to .xlsx with 15 significant digits,
    # 2024330106000124 -> 2024330106000120, as Excel keeps them when typed.)
    {"cells": [6, 20240006, "工业软件联合开发", "技术开发", "合作开发", "12100000400000624D", "杭州云栖智能科技有限公司",
               dt.datetime(2024, 3, 5, 14, 30), 1234.56, 12345600.5, "张三(60%)；李四(40%)", 24330106000124, None],
     "expect": {"cells": {"contract_no": "20240006", "title": "工业软件联合开发", "category": "技术开发",
                          "subtype": "合作开发", "buyer_id": "12100000400000624D", "seller_id": "杭州云栖智能科技有限公司",
                          "signed_on": "2024-03-05", "amount_fen": 1_234_560_000, "tech_given_fen": 1_234_560_050,
                          "brokers": "张三(60%)；李四(40%)", "reg_no": "24330106000124", "note": None},
                "ledger": {"category": "技术开发", "subtype": "合作开发", "buyer_credit_code": "12100000400000624D",
                           "brokers": [["张三", 6000], ["李四", 4000]]},
                "refused": "技术交易额 12,345,600.50 元 exceeds 合同成交额 12,345,600.00 元; and 登记编号 "
                           "without 登记日期"}},
    {"cells": [7, "HT-2024-007", "数控机床故障诊断技术培训", "技术服务", "技术培训", "宁波某某环保有限公司",
               "浙江某某大学", dt.date(2024, 12, 31), "1,250,000元", None, "张三、李四", None, None],
     "expect": {"cells": {"contract_no": "HT-2024-007", "title": "数控机床故障诊断技术培训", "category": "技术服务",
                          "subtype": "技术培训", "buyer_id": "宁波某某环保有限公司", "seller_id": "浙江某某大学",
                          "signed_on": "2024-12-31", "amount_fen": 125_000_000, "tech_given_fen": None,
                          "brokers": "张三、李四", "reg_no": None, "note": None},
                "ledger": {"category": "技术服务", "subtype": "技术培训",
                           "brokers": [["张三", 5000], ["李四", 5000]]}}},
    {"cells": [8, "HT-2024-008", "Wi-Fi 6  芯片测试方法开发", "技术开发", "委托开发", "深圳某某半导体有限公司",
               "浙江某某大学", "2024-03-05 09:30", 0.5, 4999.99, "王五", None, None],
     "expect": {"cells": {"contract_no": "HT-2024-008", "title": "Wi-Fi 6 芯片测试方法开发", "category": "技术开发",
                          "subtype": "委托开发", "buyer_id": "深圳某某半导体有限公司", "seller_id": "浙江某某大学",
                          "signed_on": "2024-03-05", "amount_fen": 500_000, "tech_given_fen": 499_999,
                          "brokers": "王五", "reg_no": None, "note": None},
                "ledger": {"category": "技术开发", "subtype": "委托开发", "brokers": [["王五", 10000]]}}},
    {"cells": None, "total": True},  # 合 计, with SUM formulas under the amounts
]

# -- 客户 --------------------------------------------------------------------------------------

CLIENT_HEADERS = ("记录ID", "名称*", "统一社会信用代码", "单位性质", "企业类型", "所在地区", "地址", "联系人",
                  "联系电话", "邮箱", "备注")
CLIENT_ROWS = [
    {"cells": [None, "杭州云栖智能科技有限公司", "91 3301 06MA 27XK 5T2Q", "企业", "有限责任公司", 330106,
               "浙江省杭州市西湖区某某路 1 号", "王经理", 13800000000, "wang@example.com", None],
     "expect": {"cells": {"uid": None, "name": "杭州云栖智能科技有限公司", "credit_code": "91 3301 06MA 27XK 5T2Q",
                          "nature": "企业", "enterprise_type": "有限责任公司", "region": "330106",
                          "address": "浙江省杭州市西湖区某某路 1 号", "contact": "王经理", "phone": "13800000000",
                          "email": "wang@example.com", "note": None},
                "ledger": {"credit_code": "91330106MA27XK5T2Q"}}},
    {"cells": [None, "浙江某某大学", "12330000470003281H", "高等院校", None, 330100, "浙江省杭州市某某路 2 号",
               "李老师", "0571-88888888", None, "高校"],
     "expect": {"cells": {"uid": None, "name": "浙江某某大学", "credit_code": "12330000470003281H",
                          "nature": "高等院校", "enterprise_type": None, "region": "330100",
                          "address": "浙江省杭州市某某路 2 号", "contact": "李老师", "phone": "0571-88888888",
                          "email": None, "note": "高校"},
                "ledger": {"credit_code": "12330000470003281H"}}},
    {"cells": ["5b0d7c1e-8f3a-4c2e-9a61-2f4d8e9b7c10", " 宁波某某环保有限公司", "91330203MA2AB3CD1J", "企业",
               "私营企业", 330203, None, None, 13912345678, None, None],
     "expect": {"cells": {"uid": "5b0d7c1e-8f3a-4c2e-9a61-2f4d8e9b7c10", "name": "宁波某某环保有限公司",
                          "credit_code": "91330203MA2AB3CD1J", "nature": "企业", "enterprise_type": "私营企业",
                          "region": "330203", "address": None, "contact": None, "phone": "13912345678",
                          "email": None, "note": None},
                "ledger": {"credit_code": "91330203MA2AB3CD1J"}}},
]


def _contracts_source(path: Path) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = CONTRACT_SHEET
    ws.append([CONTRACT_TITLES[0]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CONTRACT_HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([CONTRACT_TITLES[1]])
    ws.append(list(CONTRACT_HEADERS))
    first = 4
    rows, blank_rows, total_rows = [], [], []
    for number, entry in enumerate(CONTRACT_ROWS, start=first):
        if entry.get("total"):
            row = ["合 计"] + [None] * (len(CONTRACT_HEADERS) - 1)
            for header in ("合同金额（万元）", "技术交易金额（元）"):
                letter = chr(ord("A") + CONTRACT_HEADERS.index(header))
                row[CONTRACT_HEADERS.index(header)] = f"=SUM({letter}{first}:{letter}{number - 1})"
            ws.append(row)
            total_rows.append(number)
            continue
        if entry["cells"] is None:
            ws.append([None, "\u3000", None, " "])
            blank_rows.append(number)
            continue
        ws.append(entry["cells"])
        for column, value in enumerate(entry["cells"], start=1):
            cell = ws.cell(number, column)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and value.isdigit():
                cell.number_format = "@"  # 登记编号 kept as text
        rows.append({"row": number, **entry["expect"]})
    for column, width in zip("ABCDEFGHIJKLM", (6, 14, 28, 10, 12, 26, 22, 16, 14, 16, 22, 20, 18), strict=True):
        ws.column_dimensions[column].width = width
    wb.save(path)
    letters = {h: chr(ord("A") + i) for i, h in enumerate(CONTRACT_HEADERS)}
    return {
        "sheet": CONTRACT_SHEET,
        "canonical_sheet": "技术合同",
        "header_row": 3,
        "headers": list(CONTRACT_HEADERS),
        "columns": {letters[h]: {"header": h, "canonical": c, "scale": s} for h, (c, s) in CONTRACT_COLUMNS.items()},
        "unmapped": [[letters[h], h] for h in CONTRACT_UNMAPPED],
        "blank_rows": blank_rows,
        "skipped_total_rows": total_rows,
        "rows": rows,
    }


def _clients_source(path: Path) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(list(CLIENT_HEADERS))
    rows = []
    for number, entry in enumerate(CLIENT_ROWS, start=2):
        ws.append(entry["cells"])
        rows.append({"row": number, **entry["expect"]})
    wb.create_sheet("填写说明").append(["名称必填；统一社会信用代码为 18 位"])
    wb.save(path)
    return {"sheet": "客户", "canonical_sheet": "客户", "header_row": 1, "headers": list(CLIENT_HEADERS),
            "unmapped": [], "blank_rows": [], "skipped_total_rows": [], "rows": rows}


# -- code values as people write them ---------------------------------------------------------

CODE_SHEETS = {
    "客户": [
        ["名称", "统一社会信用代码", "单位性质", "企业类型", "所在地区"],
        ["杭州云栖智能科技有限公司", "91330106MA27XK5T2Q", "公司", "民营企业", "330106"],
        ["浙江某某大学", "12330000470003281H", "高校", None, "330100"],
        ["中国农业科学院某某研究所", None, "科研院所", None, "110108"],
        ["宁波某某医疗器械股份有限公司", "91330203MA2AB3CD1J", "企业", "股份公司", "330203"],
    ],
    "科技成果": [
        ["成果名称", "持有方", "技术领域", "知识产权类型", "专利号", "成熟度", "转化方式", "意向价格（元）"],
        ["高产抗病水稻新品种", "中国农业科学院某某研究所", "现代农业", "植物新品种权", None, "中试阶段", "技术转让", 800000],
        ["固态电池电解质制备方法", "浙江某某大学", "新能源", "发明专利申请", "CN202310921116.8", "小试", "作价入股",
         5000000],
        ["便携式血氧监测装置", "宁波某某医疗器械股份有限公司", "医疗器械", "实用新型专利", "ZL202320123456.1",
         "批量生产", "许可使用", 300000],
    ],
    "技术合同": [
        ["合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "签订日期", "合同成交额（元）", "技术领域",
         "知识产权类型", "社会经济目标", "支付方式", "计划来源"],
        ["LO-2025-001", "便携式血氧监测装置专利实施许可", "技术许可", "专利许可", "杭州云栖智能科技有限公司",
         "宁波某某医疗器械股份有限公司", dt.date(2025, 3, 5), 300000, "生物、医药", "实用新型专利", "卫生事业发展",
         "分期付款", "省级"],
        ["LO-2025-002", "固态电池电解质专利申请权转让", "技术转让", "专利申请权转让", "杭州云栖智能科技有限公司",
         "浙江某某大学", dt.date(2025, 4, 1), 5000000, "新能源", "发明专利申请", "工业发展", "一次性支付", "计划外"],
        ["LO-2025-003", "高产抗病水稻品种权转让", "技术转让合同", "其他技术转让", "杭州云栖智能科技有限公司",
         "中国农业科学院某某研究所", dt.date(2025, 4, 15), 800000, "现代农业", "植物新品种权", "农业发展",
         "入门费+提成", "国家级"],
        ["LO-2025-004", "储能系统热管理技术开发", "技术开发", "委托研发", "杭州云栖智能科技有限公司", "浙江某某大学",
         dt.date(2025, 5, 8), 1200000, "新能源技术", "技术诀窍", "能源", "分期支付", None],
        ["LO-2025-005", "医用传感器可靠性技术服务", "技术服务", "技术服务", "宁波某某医疗器械股份有限公司",
         "浙江某某大学", dt.date(2025, 6, 2), 150000, "医疗器械", "未涉及", "教育事业发展", "一次总付", None],
        ["LO-2025-006", "数控机床故障诊断软件合作开发", "技术开发", "合作开发", "杭州云栖智能科技有限公司",
         "浙江某某大学", dt.date(2025, 6, 20), 600000, "先进制造业", "软著", "促进工业发展", "提成", None],
    ],
}


def _code_values_source(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in CODE_SHEETS.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str) and cell.value.isdigit():
                    cell.number_format = "@"  # codes kept as text
    wb.save(path)


def _soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("soffice not found: apt-get install -y libreoffice-calc-nogui")


def _convert(source: Path, fmt: str, out_dir: Path, home: Path) -> Path:
    env = {**os.environ, "HOME": str(home)}
    profile = (home / "profile").as_uri()
    subprocess.run([_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(source)],
                   check=True, env=env, stdout=subprocess.DEVNULL, timeout=300)
    result = out_dir / f"{source.stem}.{fmt}"
    if not result.exists():
        sys.exit(f"LibreOffice did not write {result.name}")
    return result


def _encrypt(source: Path, target: Path) -> bool:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        print("msoffcrypto-tool not installed: keeping the committed encrypted.xlsx")
        return False
    with open(source, "rb") as f, open(target, "wb") as out:
        OOXMLFile(f).encrypt("secret", out)
    return True


def main() -> None:
    only = set(sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="brokerdesk-fixtures-") as tmp:
        tmp = Path(tmp)
        home, src, out = tmp / "home", tmp / "src", tmp / "out"
        for folder in (home, src, out):
            folder.mkdir()
        expected = {"lo_contracts": _contracts_source(src / "lo_contracts.xlsx"),
                    "lo_clients": _clients_source(src / "lo_clients.xlsx")}
        _code_values_source(src / "lo_code_values.xlsx")
        written = []
        for stem, formats in (("lo_contracts", ("xlsx", "ods", "xls")), ("lo_clients", ("xlsx",)),
                              ("lo_code_values", ("xlsx",))):
            if only and stem not in only:
                continue
            for fmt in formats:
                result = _convert(src / f"{stem}.xlsx", fmt, out, home)
                written.append(Path(shutil.copyfile(result, OUT / result.name)))
            if stem in expected:
                target = OUT / f"{stem}_expected.json"
                target.write_text(json.dumps(expected[stem], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
                written.append(target)
        if (not only or "lo_clients" in only) and _encrypt(OUT / "lo_clients.xlsx", OUT / "encrypted.xlsx"):
            written.append(OUT / "encrypted.xlsx")
    for path in written:
        size = path.stat().st_size
        print(f"{path.relative_to(OUT.parent.parent.parent)}  {size:,} bytes")
        if size > 50_000:
            sys.exit(f"{path.name} is larger than 50 KB")


if __name__ == "__main__":
    main()
