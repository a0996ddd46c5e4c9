"""``template``: an empty import workbook for people to fill in.

Sheets: 填写说明 (every sheet and column: required or not, what it holds, an
example, the allowed values; and the general rules), then the five canonical
sheets with their headers (required ones written ``名称*`` in bold red, which the
reader's header matching ignores), drop-down lists on code columns, money and
date formats preset, an input message on headers that have help; last, the
hidden 代码表 holding the lists too long to be written into a validation.
"""

from __future__ import annotations

from pathlib import Path

from .. import codes
from . import schema
from .schema import Column, Sheet
from .writing import Styles, atomic_workbook, column_width, text_width

#: Rows of each sheet given a preset number format and a drop-down list.
TEMPLATE_ROWS = 2000
#: Choices listed in the instructions before "…等 N 项".
LISTED_CHOICES = 16
#: Excel's limit on a drop-down list written into the validation itself.
INLINE_LIST_LIMIT = 255

RULES = (
    "每张工作表的第一行是列名，请不要修改或删除；带 * 的列必须填写，其余可以留空。列的先后顺序可以调整；无法识别的列导入时会列出。",
    "记录ID：新记录请留空。从本程序导出的工作簿保留记录ID，修改后再次导入时据此更新原记录，而不是重复新增。",
    "金额单位为元，可写 1250000、1,250,000.00，也可写“12.5万”；列名写作“（万元）”的列按万元读取。金额不能为负数。",
    "日期写作 2025-03-05（也可用 Excel 的日期格式）；日期必须真实存在，有效期止不能早于有效期起。",
    "买方、卖方、持有方：填写客户的名称或统一社会信用代码；有同名客户时请写统一社会信用代码。客户表中没有的单位会自动新建。",
    "关联成果：填写科技成果的成果名称；成果名称重复时请写该成果的记录ID。",
    "技术经纪人：写作“张三(60%)；李四(40%)”，多名经纪人用“；”分隔，括号内为份额，份额合计应为 100%；只写姓名则平分。"
    "有同名经纪人时写作“姓名（证书编号）”。",
    "合同子类必须属于所填的合同类别（见下表）；企业类型只在单位性质为“企业”时填写。",
    "登记进度：每次状态变更一行，同一合同的登记进度按时间先后填写（先早后晚）；合同以合同编号和卖方识别。"
    "已登记的合同事后变更，写一行“变更登记”（合同仍为已登记）；操作人留空时记为导入的人。",
    "只读列（表头为灰色，如技术合同的“办结期限”）由程序导出时写入，供查看；导入时忽略，改了也不会写入账本。",
    "带下拉列表的列请从列表中选择；可选值也列在下表中。",
)

# What a column holds, where the header and its help do not already say it.
MEANINGS = {
    ("经纪人", "姓名"): "技术经纪人的姓名",
    ("经纪人", "证书编号"): "技术经纪人证书上的编号",
    ("经纪人", "所属机构"): "经纪人工作的技术转移机构或单位",
    ("经纪人", "手机"): "经纪人的手机号码",
    ("经纪人", "邮箱"): "经纪人的电子邮箱",
    ("经纪人", "备注"): "其他说明",
    ("客户", "名称"): "单位（或个人）的全称，与营业执照或公章一致",
    ("客户", "统一社会信用代码"): "18 位统一社会信用代码；个人可填身份证号",
    ("客户", "企业类型"): "登记注册类型，只在单位性质为“企业”时填写",
    ("客户", "地址"): "通讯地址",
    ("客户", "联系人"): "业务联系人的姓名",
    ("客户", "联系电话"): "联系人的电话或手机",
    ("客户", "邮箱"): "联系人的电子邮箱",
    ("客户", "备注"): "其他说明",
    ("客户", "法定代表人"): "单位的法定代表人（负责人）",
    ("科技成果", "成果名称"): "科技成果的名称",
    ("科技成果", "完成人"): "成果的完成人（发明人），多人用“、”分隔",
    ("科技成果", "意向价格（元）"): "持有方期望的转化价格",
    ("科技成果", "关键词"): "便于检索的关键词",
    ("科技成果", "简介"): "成果的简要介绍：解决的问题、技术指标、应用前景",
    ("技术合同", "合同编号"): "合同上的编号；同一卖方的合同编号不能重复",
    ("技术合同", "项目名称"): "合同的项目名称",
    ("技术合同", "买方"): "委托方、受让方或被许可方（甲方）",
    ("技术合同", "卖方"): "受托方、让与方或许可方（乙方）",
    ("技术合同", "关联成果"): "合同转化的科技成果",
    ("技术合同", "签订日期"): "合同签订的日期",
    ("技术合同", "有效期起"): "合同履行期限的开始日期",
    ("技术合同", "有效期止"): "合同履行期限的结束日期，不能早于有效期起",
    ("技术合同", "签订地点"): "合同签订地（城市）",
    ("技术合同", "合同成交额（元）"): "合同约定的总金额",
    ("技术合同", "非技术性费用（元）"): "合同成交额中的非技术性费用（设备、材料等）",
    ("技术合同", "技术交易额（元）"): "留空时按 合同成交额 − 非技术性费用 计算；只在需要另行指定时填写。"
                                 "导出时总是写出（另行指定的，或算出的）；导入时与算出的相同即不算另行指定",
    ("技术合同", "佣金（元）"): "技术经纪人（机构）因本合同获得的佣金",
    ("技术合同", "登记状态"): "认定登记的当前状态；每次状态变化请在“登记进度”表中填写一行",
    ("技术合同", "登记机构"): "受理认定登记的技术合同登记机构",
    ("技术合同", "受理日期"): "登记机构受理的日期",
    ("技术合同", "登记编号"): "登记机构给出的认定登记编号",
    ("技术合同", "登记日期"): "准予登记的日期",
    ("技术合同", "备注"): "其他说明",
    ("技术合同", "核定技术交易额（元）"): "登记机构核定的技术交易额",
    ("技术合同", "预计新增投入（元）"): "合同实施预计新增的投入",
    ("技术合同", "预计新增产值（元）"): "合同实施预计新增的产值",
    ("登记进度", "合同编号"): "登记状态发生变化的合同的编号",
    ("登记进度", "卖方"): "该合同的卖方（名称或统一社会信用代码），与合同编号一起确定合同",
    ("登记进度", "状态"): "变更后的登记状态；已登记的合同事后变更时写“变更登记”（合同仍为已登记）",
    ("登记进度", "日期"): "状态变更的日期",
    ("登记进度", "说明"): "补正原因、不予登记的理由等",
    ("技术合同", "对接项目"): "合同签约自哪个对接项目",
    ("技术需求", "需求名称"): "企业技术需求的名称",
    ("技术需求", "需求方"): "提出需求的单位",
    ("技术需求", "需求描述"): "需要解决的技术问题、指标要求、应用场景",
    ("技术需求", "关键词"): "便于匹配和检索的关键词",
    ("技术需求", "预算（元）"): "需求方愿意投入的资金",
    ("技术需求", "截止日期"): "需求的有效期限",
    ("技术需求", "负责经纪人"): "负责这项需求的技术经纪人",
    ("技术需求", "发布日期"): "需求对外发布的日期",
    ("技术需求", "备注"): "其他说明",
    ("对接项目", "项目名称"): "对接项目的名称，用于在跟进记录和技术合同中指明它",
    ("对接项目", "技术需求"): "对接的技术需求",
    ("对接项目", "科技成果"): "对接的科技成果",
    ("对接项目", "技术经纪人"): "参与对接的技术经纪人及其份额",
    ("对接项目", "预计金额（元）"): "预计的合同成交额",
    ("对接项目", "开始日期"): "对接开始的日期",
    ("对接项目", "终止原因"): "对接终止的原因",
    ("对接项目", "备注"): "其他说明",
    ("跟进记录", "日期"): "这次跟进的日期",
    ("跟进记录", "经纪人"): "跟进的技术经纪人",
    ("跟进记录", "内容"): "沟通了什么、结果如何",
    ("跟进记录", "下一步"): "接下来要做的事",
    ("跟进记录", "下次跟进日期"): "下一步的计划日期；到期未完成的出现在待办中",
    ("付款计划", "合同编号"): "付款计划所属合同的编号（合同须已在账本或本表“技术合同”中）",
    ("付款计划", "约定日期"): "合同约定的付款日期；按条件付款的可空",
    ("付款计划", "条件"): "付款条件，如“验收合格后 30 日内”",
    ("到账记录", "合同编号"): "收到款项的合同的编号（合同须已在账本或本表“技术合同”中）",
    ("到账记录", "到账日期"): "款项到账的日期",
    ("到账记录", "金额（元）"): "到账金额",
    ("到账记录", "付款方"): "汇款的单位或个人",
    ("佣金发放", "合同编号"): "发放佣金所依据的合同的编号",
    ("佣金发放", "发放日期"): "佣金支付给经纪人的日期",
    ("佣金发放", "金额（元）"): "本次发放的佣金",
    ("付款计划", "备注"): "其他说明，如提成的比例和基数",
    ("到账记录", "凭证号"): "银行回单或收款凭证的编号",
    ("到账记录", "备注"): "其他说明",
    ("佣金发放", "备注"): "其他说明",
}

KIND_MEANINGS = {
    "money": "金额（元）",
    "date": "日期",
    "party": "客户的名称或统一社会信用代码",
    "achievement": "科技成果的成果名称或记录ID",
    "demand": "技术需求的需求名称或记录ID",
    "engagement": "对接项目的项目名称或记录ID",
    "broker": "技术经纪人的姓名",
}

KIND_VALUES = {
    "money": "不小于 0 的金额，单位元；也可写“12.5万”",
    "date": "日期，如 2025-03-05",
    "uid": "新记录留空",
    "party": "客户名称或 18 位统一社会信用代码",
    "achievement": "成果名称，或成果的记录ID",
    "brokers": "姓名(份额%)，多名用“；”分隔",
    "items": "费用名称 金额（元），多项用“；”分隔",
    "flag": "是 或 否（空白为否）",
    "demand": "需求名称，或需求的记录ID",
    "engagement": "项目名称，或对接项目的记录ID",
    "broker": "经纪人姓名",
}


def header_text(column: Column) -> str:
    """The header as the template writes it: required ones end with ``*``."""
    return column.header + "*" if column.required else column.header


def allowed_values(column: Column) -> str:
    """The instructions' "可选值" for a column: a code table's choices (shortened), or the format."""
    if column.readonly:
        return "只读：导出时写入，导入时忽略"
    tables = codes.tables()
    if column.table == "contract_subtype":  # by category, so that people see which belongs where
        return "；".join(f"{category}：{'、'.join(tables.subtypes(category))}"
                        for category in tables.choices("contract_category") if tables.subtypes(category))
    if column.table:
        choices = [f"“{c}”" if "、" in c else c for c in tables.choices(column.table)]
        if len(choices) > LISTED_CHOICES:
            return "、".join(choices[:LISTED_CHOICES]) + f" 等 {len(choices)} 项（见下拉列表）"
        return "、".join(choices)
    return KIND_VALUES.get(column.kind, "")


def meaning(sheet: Sheet, column: Column) -> str:
    """The instructions' "含义" for a column: what it holds, then its help."""
    what = MEANINGS.get((sheet.name, column.header))
    if what is None and not column.help:
        what = KIND_MEANINGS.get(column.kind) or (codes.tables().title(column.table) if column.table else "")
    return "；".join(p for p in (what, column.help) if p)


def _code_tables() -> list[tuple[str, list[str], str]]:
    """(table, its choices, the 代码表 range holding them) for each code table the sheets use."""
    found: dict[str, list[str]] = {}
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            if column.table and column.table not in found:
                found[column.table] = codes.tables().choices(column.table)
    result = []
    for c, (table, choices) in enumerate(found.items()):
        letters = _column_letters(c)
        result.append((table, choices, f"={schema.CODES_SHEET}!${letters}$2:${letters}${len(choices) + 1}"))
    return result


def _code_sheet(workbook, styles: Styles, code_tables) -> None:
    """The hidden 代码表: one column per code table, its title on top."""
    ws = workbook.add_worksheet(schema.CODES_SHEET)
    for c, (table, choices, _) in enumerate(code_tables):
        title = codes.tables().title(table)
        ws.write_string(0, c, title, styles.header)
        for r, choice in enumerate(choices, 1):
            ws.write_string(r, c, choice)
        ws.set_column(c, c, min(50, max(len(title), *(len(x) for x in choices)) * 2 + 2))
    ws.hide()


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _instructions(ws, styles: Styles, title_format, wrap) -> None:
    widths = (10, 22, 6, 48, 24, 60)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed: one page wide
    ws.write_string(0, 0, "技术合同台账导入模板 · 填写说明", title_format)
    ws.write_string(2, 0, "通用规则", styles.header)
    row = 2
    for number, rule in enumerate(RULES, 1):
        row += 1
        text = f"{number}. {rule}"
        lines = -(-text_width(text) // (sum(widths) - 8))  # Excel does not fit merged rows itself
        ws.merge_range(row, 0, row, len(widths) - 1, text, wrap)
        ws.set_row(row, 16 * lines + 2)
    row += 2
    for c, text in enumerate(("工作表", "列名", "必填", "含义", "示例", "可选值 / 格式")):
        ws.write_string(row, c, text, styles.header)
    for sheet in schema.SHEETS:
        for column in sheet.columns:
            row += 1
            cells = (sheet.name, header_text(column), "是" if column.required else "", meaning(sheet, column),
                     column.example, allowed_values(column))
            for c, text in enumerate(cells):
                if text:
                    ws.write_string(row, c, text, wrap)
            lines = max(-(-text_width(text) // (widths[c] - 1)) for c, text in enumerate(cells))
            if lines > 1:  # not every program fits wrapped rows itself
                ws.set_row(row, 16 * lines + 2)


def _data_sheet(workbook, styles: Styles, sheet: Sheet, lists: dict[str, str]) -> None:
    ws = workbook.add_worksheet(sheet.name)
    tables = codes.tables()
    last = TEMPLATE_ROWS
    for c, column in enumerate(sheet.columns):
        header = header_text(column)
        cell_format = styles.for_cells(column) or styles.text
        ws.set_column(c, c, column_width(column, header, [column.example]), cell_format)
        ws.write_string(0, c, header, styles.for_header(column))
        if column.help:
            ws.data_validation(0, c, 0, c, {"validate": "any", "input_title": column.header,
                                            "input_message": column.help})
        if column.kind in ("money", "date"):
            for r in range(1, last + 1):
                ws.write_blank(r, c, None, cell_format)
        if column.table:
            options = {"validate": "list", "error_type": "warning", "error_title": column.header,
                       "error_message": "请从下拉列表中选择：" + tables.title(column.table)}
            choices = tables.choices(column.table)
            if len(",".join(choices)) > INLINE_LIST_LIMIT or ws.data_validation(
                    1, c, last, c, {**options, "source": choices}) != 0:
                ws.data_validation(1, c, last, c, {**options, "source": lists[column.table]})
    ws.freeze_panes(1, 0)


def write_template(path: str | Path) -> None:
    """Write the import template to ``path`` (replacing a file there; callers ask first)."""
    code_tables = _code_tables()
    lists = {table: source for table, _, source in code_tables}
    with atomic_workbook(path) as workbook:
        styles = Styles(workbook)
        title_format = workbook.add_format({"bold": True, "font_size": 14})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        _instructions(workbook.add_worksheet(schema.INSTRUCTIONS), styles, title_format, wrap)
        for sheet in schema.SHEETS:
            _data_sheet(workbook, styles, sheet, lists)
        _code_sheet(workbook, styles, code_tables)
