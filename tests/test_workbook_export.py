"""``export`` and ``template``: the canonical workbook read back by a second reader
(python-calamine) for values and by openpyxl for styles, formulas and validations."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from broker_desk import codes
from broker_desk.cli import main
from broker_desk.ledger import Ledger
from broker_desk.workbook import schema, template
from broker_desk.workbook.export import cell_values, export_workbook, row_counts, share_text
from broker_desk.workbook.importer import import_workbook
from broker_desk.workbook.schema import normalise_header
from broker_desk.workbook.template import write_template

FORMULA_LIKE = ("=SUM(A1)", "+86 138 0000 0000", "-abc", "@x")
CODE_A = "91110108MA01ABCD1E"  # check characters right (conftest's Factory.CODES)
CODE_B = "91310115MA1H7XXXX2"


def read_back(path) -> dict[str, list[list]]:
    """Every sheet's rows as python-calamine sees them ('' for an empty cell)."""
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def expected(ledger, year=None) -> dict[str, list[list]]:
    """What cell_values says, headers first, blanks as calamine reads them."""
    return {sheet.name: [[c.header for c in sheet.columns]]
            + [["" if v is None else v for v in row] for row in rows]
            for sheet, rows in cell_values(ledger, year)}


def column_widths(ws) -> dict[int, float]:
    """1-based column -> width (a <col> element may cover several columns)."""
    return {i: dim.width for dim in ws.column_dimensions.values() if dim.min for i in range(dim.min, dim.max + 1)}


def column_letter(sheet: schema.Sheet, field: str) -> str:
    return openpyxl.utils.get_column_letter([c.field for c in sheet.columns].index(field) + 1)


@pytest.fixture
def rich(ledger, make):
    """A small ledger with every awkward case: namesakes, formula-looking text, odd shares."""
    ids = {}
    ids["b1"] = make.broker(name="张三", cert_no="JSJJ001", note="=SUM(A1)")
    ids["b2"] = make.broker(name="张三", cert_no="JSJJ002")
    ids["b3"] = make.broker(name="李四")
    ids["c1"] = make.client(name="同名科技有限公司", credit_code=CODE_A)
    ids["c2"] = make.client(name="同名科技有限公司", note="+86 138 0000 0000")
    ids["c3"] = make.client(name="买方甲有限公司", credit_code=CODE_B)
    ids["c4"] = make.client(name="无关客户有限公司")
    ids["a1"] = ledger.add("achievement", {"title": "重复成果", "holder_id": ids["c3"], "price_fen": 12_345}).id
    ids["a2"] = ledger.add("achievement", {"title": "重复成果", "holder_id": ids["c3"]}).id
    ids["a3"] = ledger.add("achievement", {"title": "独一成果", "holder_id": ids["c4"], "keywords": "@x"}).id
    ids["k1"] = make.contract(
        contract_no="HT-2024-1", title="-abc", buyer_id=ids["c3"], seller_id=ids["c1"], achievement_id=ids["a1"],
        signed_on="2024-05-06", valid_from="2024-05-06", valid_to="2025-05-05", amount_fen=123_456_789,
        deductions_fen=100, commission_fen=0, note="=SUM(A1)",
        brokers=[(ids["b1"], "33.33"), (ids["b2"], "33.33"), (ids["b3"], "33.34")])
    ids["k2"] = make.contract(
        contract_no="@x", buyer_id=ids["c2"], seller_id=ids["c3"], achievement_id=ids["a3"], signed_on="2025-01-02",
        amount_fen=5_000_000, tech_given_fen=4_000_000, brokers=[(ids["b3"], 100)])
    today = dt.date(2025, 6, 30)
    ledger.move(ids["k1"], "待提交", "2024-05-10", today=today)
    ledger.move(ids["k1"], "已受理", "2024-05-20", reg_office="北京技术市场管理办公室", today=today)
    ledger.move(ids["k2"], "待提交", "2025-01-03", note="=SUM(A1)", today=today)
    return ids


def rows_by_uid(values: dict[str, list[list]], sheet: str) -> dict[str, list]:
    return {row[0]: row for row in values[sheet][1:]}


# -- values ------------------------------------------------------------------------------

def test_cell_values_say_what_each_cell_holds(ledger, rich):
    values = expected(ledger)
    uid = {key: ledger.get({"b": "broker", "c": "client", "a": "achievement", "k": "contract"}[key[0]], id_)["uid"]
           for key, id_ in rich.items()}
    contracts = rows_by_uid(values, "技术合同")
    k1 = dict(zip(values["技术合同"][0], contracts[uid["k1"]], strict=True))
    assert k1["合同编号"] == "HT-2024-1" and k1["项目名称"] == "-abc" and k1["备注"] == "=SUM(A1)"
    assert k1["买方"] == "买方甲有限公司"            # a unique name
    assert k1["卖方"] == CODE_A                      # a namesake: its credit code
    assert k1["关联成果"] == uid["a1"]              # a title that is not unique: its 记录ID
    assert k1["签订日期"] == dt.date(2024, 5, 6) and k1["有效期止"] == dt.date(2025, 5, 5)
    assert k1["合同成交额（元）"] == 1234567.89 and k1["非技术性费用（元）"] == 1.0
    assert k1["技术交易额（元）"] == 1234566.89     # derived (成交额 − 非技术性费用), written all the same
    assert k1["办结期限"] == dt.date(2024, 6, 19)    # with the office (已受理): 30 days from 2024-05-20
    assert k1["佣金（元）"] == 0.0                  # zero is a value, not a blank
    assert k1["技术经纪人"] == "张三（JSJJ001）(33.33%)；张三（JSJJ002）(33.33%)；李四(33.34%)"
    assert k1["登记状态"] == "已受理" and k1["受理日期"] == dt.date(2024, 5, 20)
    assert k1["登记机构"] == "北京技术市场管理办公室" and k1["登记编号"] == ""
    k2 = dict(zip(values["技术合同"][0], contracts[uid["k2"]], strict=True))
    assert k2["买方"] == "同名科技有限公司"          # a namesake without a code keeps its name
    assert k2["关联成果"] == "独一成果" and k2["技术交易额（元）"] == 40000.0
    assert k2["技术经纪人"] == "李四(100%)" and k2["办结期限"] == ""  # 待提交: no deadline
    achievements = rows_by_uid(values, "科技成果")
    assert achievements[uid["a1"]][1:4] == ["重复成果", "买方甲有限公司", ""]
    assert achievements[uid["a1"]][9] == 123.45
    assert values["登记进度"][1:] == [
        ["HT-2024-1", CODE_A, "待提交", dt.date(2024, 5, 10), "", ledger.user],
        ["HT-2024-1", CODE_A, "已受理", dt.date(2024, 5, 20), "", ledger.user],
        ["@x", "买方甲有限公司", "待提交", dt.date(2025, 1, 3), "=SUM(A1)", ledger.user],
    ]
    # records in id order
    assert [row[0] for row in values["经纪人"][1:]] == [uid["b1"], uid["b2"], uid["b3"]]
    assert [row[0] for row in values["技术合同"][1:]] == [uid["k1"], uid["k2"]]


@pytest.mark.parametrize(("bp", "text"), [(10000, "100%"), (6000, "60%"), (3333, "33.33%"), (3350, "33.5%"),
                                          (1, "0.01%")])
def test_share_text(bp, text):
    assert share_text(bp) == text


def test_export_reads_back_exactly_with_a_second_reader(ledger, rich, tmp_path):
    path = tmp_path / "out.xlsx"
    written = export_workbook(ledger, path)
    assert written == {"经纪人": 3, "客户": 4, "科技成果": 3, "技术合同": 2, "登记进度": 3,
                       "技术需求": 0, "对接项目": 0, "跟进记录": 0,
                       "付款计划": 0, "到账记录": 0, "佣金发放": 0}
    back = read_back(path)
    assert list(back) == [s.name for s in schema.SHEETS]
    assert back == expected(ledger)
    for sheet in schema.SHEETS:
        assert back[sheet.name][0] == [c.header for c in sheet.columns]  # no markers, canonical order


def test_text_that_looks_like_rich_text_xml_comes_back_as_it_is(ledger, make, tmp_path):
    """XlsxWriter takes a text between <r> and </r> for the XML of a rich string: not in an export."""
    title, note = "<r>重点项目</r>", "<r>R&D <b>中心</b></r>"
    make.contract(contract_no="HT-R", title=title, note=note)
    export_workbook(ledger, tmp_path / "out.xlsx")
    back = read_back(tmp_path / "out.xlsx")
    assert back == expected(ledger)
    row = back["技术合同"][1]
    assert title in row and note in row
    with Ledger.open(tmp_path / "again.brokerdesk") as again:
        import_workbook(again, tmp_path / "out.xlsx")
        assert again.conn.execute("SELECT title, note FROM contracts").fetchall() == [(title, note)]
    assert import_workbook(ledger, tmp_path / "out.xlsx").summaries["技术合同"].unchanged == 1


def test_a_demo_ledger_reads_back_exactly(demo_ledger, tmp_path):
    path = tmp_path / "demo.xlsx"
    written = export_workbook(demo_ledger, path)
    assert written == row_counts(demo_ledger)
    assert written["技术合同"] == 1500 and written["登记进度"] > 2000
    assert read_back(path) == expected(demo_ledger)
    # texts that repeat down a column (合同类别, 登记状态…) are written once, as shared strings
    import zipfile

    with zipfile.ZipFile(path) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<t>技术开发</t>" in strings and "<t>已登记</t>" in strings
    assert strings.count("<t>技术开发</t>") == 1


def test_styles_formats_and_text_that_looks_like_a_formula(ledger, rich, tmp_path):
    path = tmp_path / "out.xlsx"
    export_workbook(ledger, path)
    book = openpyxl.load_workbook(path)
    contracts = book["技术合同"]
    sheet = schema.CONTRACTS
    amount, signed = column_letter(sheet, "amount_fen"), column_letter(sheet, "signed_on")
    assert contracts[f"{amount}2"].value == 1234567.89 and contracts[f"{amount}2"].number_format == "#,##0.00"
    assert contracts[f"{signed}2"].is_date and contracts[f"{signed}2"].number_format == "yyyy-mm-dd"
    assert contracts[f"{signed}2"].value == dt.datetime(2024, 5, 6)
    texts = {}
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.value in FORMULA_LIKE:
                    texts.setdefault(cell.value, []).append(cell.data_type)
    assert set(texts) == set(FORMULA_LIKE)
    assert all(kind == "s" for kinds in texts.values() for kind in kinds), texts
    for sheet in schema.SHEETS:
        ws = book[sheet.name]
        assert ws.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(sheet.columns))
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 2)}"  # an empty sheet's filter takes one row
        widths = column_widths(ws)
        for c, column in enumerate(sheet.columns, 1):
            head = ws.cell(1, c)
            assert head.value == column.header and head.font.b
            assert (head.font.color is not None and head.font.color.rgb == "FFC00000") == column.required
            assert column.width <= widths[c] <= 51
    assert book.defined_names is not None  # the autofilters' hidden names do not break loading


def test_a_year_keeps_its_contracts_and_what_they_refer_to(ledger, rich, tmp_path):
    path = tmp_path / "2024.xlsx"
    written = export_workbook(ledger, path, year=2024)
    back = read_back(path)
    assert back == expected(ledger, 2024)
    uid = {key: ledger.get({"b": "broker", "c": "client", "a": "achievement", "k": "contract"}[key[0]], id_)["uid"]
           for key, id_ in rich.items()}
    assert [row[0] for row in back["技术合同"][1:]] == [uid["k1"]]
    assert {row[0] for row in back["客户"][1:]} == {uid["c1"], uid["c3"]}  # c3 buys and holds a1
    assert [row[0] for row in back["科技成果"][1:]] == [uid["a1"]]
    assert [row[0] for row in back["经纪人"][1:]] == [uid["b1"], uid["b2"], uid["b3"]]
    assert [row[0] for row in back["登记进度"][1:]] == ["HT-2024-1", "HT-2024-1"]
    assert written == {"经纪人": 3, "客户": 2, "科技成果": 1, "技术合同": 1, "登记进度": 2,
                       "技术需求": 0, "对接项目": 0, "跟进记录": 0,
                       "付款计划": 0, "到账记录": 0, "佣金发放": 0}
    nothing = export_workbook(ledger, tmp_path / "1999.xlsx", year=1999)
    assert nothing == {name: 0 for name in nothing}
    assert [row for rows in read_back(tmp_path / "1999.xlsx").values() for row in rows[1:]] == []


def test_the_export_is_one_snapshot_while_another_program_writes(ledger, rich, tmp_path):
    import sqlite3

    def write_elsewhere(fraction, message):
        if fraction == 0.0:
            other = sqlite3.connect(ledger.path)
            other.execute("INSERT INTO clients (uid, name, created_at, updated_at) VALUES "
                          "('00000000-0000-4000-8000-000000000000', '半路客户', '2025-01-01', '2025-01-01')")
            other.commit()
            other.close()
    written = export_workbook(ledger, tmp_path / "out.xlsx", progress=write_elsewhere)
    assert written["客户"] == 4
    assert "半路客户" not in {row[1] for row in read_back(tmp_path / "out.xlsx")["客户"]}
    assert ledger.count("client") == 5  # the other program's write went through


def test_an_empty_ledger_gives_headers_only(ledger, tmp_path):
    path = tmp_path / "empty.xlsx"
    assert export_workbook(ledger, path) == {s.name: 0 for s in schema.SHEETS}
    assert read_back(path) == {s.name: [[c.header for c in s.columns]] for s in schema.SHEETS}


def _xlsx_temp_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("broker-desk-xlsx-*")}


def test_a_cancelled_export_leaves_nothing_behind(demo_ledger, tmp_path):
    before = _xlsx_temp_dirs()
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) >= 3  # after a few thousand rows
    path = tmp_path / "out.xlsx"
    seen = []
    assert export_workbook(demo_ledger, path, cancelled=cancelled, progress=lambda f, m: seen.append(f)) is None
    assert len(calls) == 3
    assert list(tmp_path.glob("out.xlsx*")) == []
    assert _xlsx_temp_dirs() <= before
    # an existing file stays as it was
    path.write_bytes(b"old")
    calls.clear()
    assert export_workbook(demo_ledger, path, cancelled=cancelled) is None
    assert path.read_bytes() == b"old" and list(tmp_path.glob("out.xlsx.*")) == []


def test_progress_is_reported_and_reaches_the_end(demo_ledger, tmp_path):
    seen = []
    export_workbook(demo_ledger, tmp_path / "out.xlsx", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)


def test_a_failed_write_is_one_clear_error(ledger, rich, tmp_path):
    from broker_desk.errors import BrokerDeskError

    folder = tmp_path / "sub"
    folder.mkdir()
    target = folder / "out.xlsx"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(BrokerDeskError) as e:
        export_workbook(ledger, target)
    assert "无法写入" in str(e.value)
    assert sorted(p.name for p in folder.iterdir()) == ["out.xlsx"]


# -- template ----------------------------------------------------------------------------

def test_template_sheets_headers_and_formats(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [schema.INSTRUCTIONS, *(s.name for s in schema.SHEETS), schema.CODES_SHEET]
    assert book[schema.CODES_SHEET].sheet_state == "hidden"
    for sheet in schema.SHEETS:
        ws = book[sheet.name]
        headers = [c.value for c in ws[1]]
        assert [normalise_header(h) for h in headers] == [normalise_header(c.header) for c in sheet.columns]
        for column, header, cell in zip(sheet.columns, headers, ws[1], strict=True):
            assert header == (column.header + "*" if column.required else column.header)
            assert cell.font.b and (cell.font.color is not None and cell.font.color.rgb == "FFC00000") == column.required
        assert ws.freeze_panes == "A2"
        for c, column in enumerate(sheet.columns, 1):
            if column.kind in ("money", "date"):
                fmt = "#,##0.00" if column.kind == "money" else "yyyy-mm-dd"
                assert ws.cell(2, c).number_format == fmt
                assert ws.cell(template.TEMPLATE_ROWS + 1, c).number_format == fmt
    # the readers see no data rows
    for name, rows in read_back(path).items():
        if name in schema.SHEETS_BY_NAME:
            assert [r for r in rows[1:] if any(v != "" for v in r)] == []


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_template_drop_downs_and_input_messages(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    for sheet in schema.SHEETS:
        ws = book[sheet.name]
        validations = _validations(ws)
        for c, column in enumerate(sheet.columns, 1):
            letter = openpyxl.utils.get_column_letter(c)
            if column.table:
                dv = validations[f"{letter}2:{letter}{template.TEMPLATE_ROWS + 1}"]
                assert dv.type == "list"
                assert dv.formula1 == '"' + ",".join(codes.tables().choices(column.table)) + '"'
            if column.help:
                dv = validations[f"{letter}1"]
                assert dv.prompt == column.help and dv.promptTitle == column.header
        assert sum(dv.type == "list" for dv in validations.values()) == sum(bool(c.table) for c in sheet.columns)


def test_long_lists_come_from_the_hidden_code_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(template, "INLINE_LIST_LIMIT", 10)
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    code_sheet = book[schema.CODES_SHEET]
    dv = _validations(book["技术合同"])[f"D2:D{template.TEMPLATE_ROWS + 1}"]  # 合同类别
    assert dv.formula1.startswith(f"{schema.CODES_SHEET}!$")
    cells = code_sheet[dv.formula1.split("!", 1)[1].replace("$", "")]
    assert [row[0].value for row in cells] == codes.tables().choices("contract_category")
    for sheet in schema.SHEETS:
        validations = _validations(book[sheet.name])
        for c, column in enumerate(sheet.columns, 1):
            if column.table:
                letter = openpyxl.utils.get_column_letter(c)
                dv = validations[f"{letter}2:{letter}{template.TEMPLATE_ROWS + 1}"]
                long = len(",".join(codes.tables().choices(column.table))) > 10  # 初级,中级,高级 stays inline
                assert dv.formula1.startswith(f"{schema.CODES_SHEET}!$") == long, dv.formula1


def test_template_instructions_list_every_column(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(path)
    rows = read_back(path)[schema.INSTRUCTIONS]
    text = "\n".join("\t".join(str(v) for v in row) for row in rows)
    for rule in ("12.5万", "2025-03-05", "记录ID", "张三(60%)；李四(40%)", "先早后晚"):
        assert rule in text
    table = {(row[0], normalise_header(row[1])): row for row in rows if row[0] in schema.SHEETS_BY_NAME}
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            row = table[(sheet.name, normalise_header(column.header))]
            assert row[2] == ("是" if column.required else "")
            assert row[3], (sheet.name, column.header)  # what it means
            if column.example:
                assert row[4] == column.example
    assert "技术开发、技术转让、技术许可、技术咨询、技术服务" == table[("技术合同", "合同类别")][5]
    assert "“生物、医药和医疗器械”" in table[("技术合同", "技术领域")][5]
    assert "技术开发：委托开发、合作开发" in table[("技术合同", "合同子类")][5]


# -- command line -----------------------------------------------------------------------

def test_cli_template(tmp_path, capsys):
    path = tmp_path / "模板.xlsx"
    assert main(["template", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已写出导入模板" in out and str(path) in out
    assert CalamineWorkbook.from_path(str(path)).sheet_names[0] == schema.INSTRUCTIONS
    assert main(["template", str(path)]) == 2  # never overwrites unasked
    err = capsys.readouterr().err
    assert "已存在" in err and "--force" in err
    assert main(["template", str(path), "--force"]) == 0
    assert main(["--lang", "en", "template", str(tmp_path / "t.xlsx")]) == 0
    assert "Import template written" in capsys.readouterr().out


@pytest.mark.parametrize(("target", "message"), [
    ("missing/out.xlsx", "不存在"), ("out.csv", "不是 .xlsx 文件名"), ("out", "不是 .xlsx 文件名")])
def test_cli_refuses_bad_targets(tmp_path, capsys, target, message):
    for command in ("template", "export"):
        assert main(["--db", str(tmp_path / "x.brokerdesk"), command, str(tmp_path / target)]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # not even a ledger


def test_cli_export(tmp_path, capsys):
    db = tmp_path / "x.brokerdesk"
    assert main(["--db", str(db), "demo", "--contracts", "200", "--today", "2026-06-15"]) == 0
    capsys.readouterr()
    path = tmp_path / "all.xlsx"
    assert main(["--db", str(db), "export", str(path)]) == 0
    captured = capsys.readouterr()
    assert "已导出" in captured.out and "技术合同 200" in captured.out and str(path) in captured.out
    assert captured.err == ""  # no progress when stderr is not a terminal
    assert len(read_back(path)["技术合同"]) == 201
    assert main(["--db", str(db), "export", str(path)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["--db", str(db), "--lang", "en", "export", str(path), "--year", "2025", "--force"]) == 0
    out = capsys.readouterr().out
    assert "Exported" in out
    contracts = read_back(path)["技术合同"][1:]
    signed = [c.header for c in schema.CONTRACTS.columns].index("签订日期")
    assert contracts and all(row[signed].year == 2025 for row in contracts)
    assert f"{len(contracts)} contracts" in out
    assert main(["--db", str(tmp_path / "none.brokerdesk"), "export", str(tmp_path / "n.xlsx")]) == 2
    assert "找不到账本文件" in capsys.readouterr().err
    assert not (tmp_path / "none.brokerdesk").exists()
