"""The canonical workbook, sheet by sheet: the exact headers that ``export``
writes and ``template`` gives, which ledger field each one holds, its kind,
whether it is required, its code table (for drop-downs), and the synonyms
``import`` also accepts.

Headers after the ones DESIGN.md §4 lists (经纪人 备注, 客户 法定代表人, 技术合同
计划来源/预计新增投入/预计新增产值/非技术性费用明细/专家审核) carry fields the ledger has beyond the
dictionary, so that an export loses nothing (技术合同 对接项目 names the engagement a contract was
signed from). The front office's sheets (技术需求, 对接项目, 跟进记录) come last. Read-only columns (技术合同 办结期限:
what the ledger works out) come last, after every column a user may edit: the
export writes them, ``import`` ignores them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str                 # the canonical header, without the required marker
    field: str                  # ledger field (or a workbook-only key: uid, buyer, seller, …)
    kind: str = "text"          # text | money | date | code | party | achievement | brokers | uid | status | flag
    required: bool = False
    table: str | None = None    # code table for drop-downs and checks
    synonyms: tuple[str, ...] = ()
    width: int = 14             # characters, for export and template
    example: str = ""
    help: str = ""
    readonly: bool = False      # written by export, ignored by import (what the ledger works out)


@dataclass(frozen=True)
class Sheet:
    name: str
    entity: str                 # ledger entity; "registration_event" for 登记进度
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _c(header, field, kind="text", required=False, table=None, synonyms=(), width=14, example="", help="",
       readonly=False):
    return Column(header, field, kind, required, table, tuple(synonyms), width, example, help, readonly)


UID = _c("记录ID", "uid", "uid", synonyms=("ID", "记录编号", "uid"), width=38,
         help="导出时写入；新记录留空。再次导入时据此更新而不是重复新增")

BROKERS = Sheet("经纪人", "broker", (
    UID,
    _c("姓名", "name", required=True, synonyms=("经纪人姓名", "技术经纪人", "经纪人"), width=10, example="张三"),
    _c("证书编号", "cert_no", synonyms=("技术经纪人证书编号", "证书号"), width=18, example="JSJJ2023000123"),
    _c("等级", "level", "code", table="broker_level", synonyms=("级别", "证书等级"), width=8, example="中级"),
    _c("所属机构", "institution", synonyms=("工作单位", "单位", "机构"), width=26, example="杭州市技术转移中心"),
    _c("手机", "phone", synonyms=("手机号", "手机号码", "电话", "联系电话"), width=14, example="13800000000"),
    _c("邮箱", "email", synonyms=("电子邮箱", "Email", "E-mail"), width=22),
    _c("状态", "status", "code", table="broker_status", synonyms=("在职状态",), width=8, example="在职"),
    _c("备注", "note", width=20),
))

CLIENTS = Sheet("客户", "client", (
    UID,
    _c("名称", "name", required=True, synonyms=("单位名称", "客户名称", "企业名称", "名字"), width=30,
       example="杭州某某科技有限公司"),
    _c("统一社会信用代码", "credit_code", synonyms=("信用代码", "社会信用代码", "统一代码", "组织机构代码"), width=22,
       example="91330106MA2XXXXXXX"),
    _c("单位性质", "nature", "code", table="unit_nature", synonyms=("性质", "单位类型", "主体类型"), width=12, example="企业"),
    _c("企业类型", "enterprise_type", "code", table="enterprise_type", synonyms=("企业性质", "登记注册类型"), width=14,
       example="有限责任公司"),
    _c("所在地区", "region", synonyms=("地区", "行政区划代码", "地区代码", "所在地"), width=10, example="330106",
       help="6 位行政区划代码；境外单位填 3 位国家代码"),
    _c("地址", "address", synonyms=("通讯地址", "详细地址", "住所"), width=30),
    _c("联系人", "contact", synonyms=("联系人姓名",), width=10),
    _c("联系电话", "phone", synonyms=("电话", "手机", "联系方式"), width=14),
    _c("邮箱", "email", synonyms=("电子邮箱", "Email", "E-mail"), width=22),
    _c("备注", "note", width=20),
    _c("法定代表人", "legal_rep", synonyms=("法人代表", "法人", "负责人"), width=10),
))

ACHIEVEMENTS = Sheet("科技成果", "achievement", (
    UID,
    _c("成果名称", "title", required=True, synonyms=("名称", "成果", "项目名称", "技术名称"), width=30),
    _c("持有方", "holder_id", "party", required=True, synonyms=("成果持有方", "持有单位", "权利人", "完成单位"), width=28,
       help="客户的名称或统一社会信用代码；不存在的客户会自动新建"),
    _c("完成人", "inventors", synonyms=("发明人", "完成人员"), width=16),
    _c("技术领域", "field", "code", table="tech_field", synonyms=("领域", "所属领域"), width=18),
    _c("知识产权类型", "ip_type", "code", table="ip_type", synonyms=("知识产权", "IP类型"), width=14),
    _c("专利号", "patents", synonyms=("专利", "专利申请号", "申请号"), width=24, example="ZL202110921116.9",
       help="多个专利号用“；”分隔"),
    _c("成熟度", "maturity", "code", table="maturity", synonyms=("技术成熟度", "成熟程度"), width=10),
    _c("转化方式", "transfer_mode", "code", table="transfer_mode", synonyms=("转移方式", "合作方式"), width=10),
    _c("意向价格（元）", "price_fen", "money", synonyms=("意向价格", "价格", "转让价格", "报价"), width=16),
    _c("状态", "status", "code", table="achievement_status", synonyms=("成果状态",), width=8),
    _c("关键词", "keywords", synonyms=("关键字",), width=16),
    _c("简介", "summary", synonyms=("成果简介", "简要介绍", "摘要", "介绍"), width=30),
))

CONTRACTS = Sheet("技术合同", "contract", (
    UID,
    _c("合同编号", "contract_no", required=True, synonyms=("合同号", "编号", "合同序号"), width=18),
    _c("项目名称", "title", required=True, synonyms=("合同名称", "项目", "名称"), width=30),
    _c("合同类别", "category", "code", required=True, table="contract_category",
       synonyms=("合同类型", "类别", "技术合同类别", "合同种类"), width=10, example="技术开发"),
    _c("合同子类", "subtype", "code", table="contract_subtype", synonyms=("子类", "合同细类", "细分类别"), width=14,
       example="委托开发"),
    _c("买方", "buyer_id", "party", required=True,
       synonyms=("甲方", "委托方", "受让方", "被许可方", "买方名称", "委托单位"), width=28),
    _c("卖方", "seller_id", "party", required=True,
       synonyms=("乙方", "受托方", "研究开发方", "让与方", "让与人", "许可方", "许可人", "卖方名称", "受托单位"), width=28),
    _c("关联成果", "achievement_id", "achievement", synonyms=("科技成果", "成果名称", "对应成果"), width=24),
    _c("签订日期", "signed_on", "date", required=True, synonyms=("签订时间", "签约日期", "签署日期", "合同签订日期"),
       width=12, example="2025-03-05"),
    _c("有效期起", "valid_from", "date", synonyms=("起始日期", "开始日期", "履行期限起", "合同开始日期"), width=12),
    _c("有效期止", "valid_to", "date", synonyms=("终止日期", "结束日期", "截止日期", "履行期限止", "合同结束日期"), width=12),
    _c("签订地点", "signed_place", synonyms=("签约地点", "签署地点"), width=10),
    _c("合同成交额（元）", "amount_fen", "money", required=True,
       synonyms=("合同成交额", "合同金额", "成交金额", "合同总额", "成交额", "合同总金额"), width=16),
    _c("非技术性费用（元）", "deductions_fen", "money", synonyms=("非技术性费用", "非技术费用"), width=16),
    _c("技术交易额（元）", "tech_given_fen", "money", synonyms=("技术交易额", "技术交易金额"), width=16),
    _c("技术领域", "field", "code", table="tech_field", synonyms=("领域",), width=18),
    _c("知识产权类型", "ip_type", "code", table="ip_type", synonyms=("知识产权", "IP类型"), width=14),
    _c("社会经济目标", "socio_goal", "code", table="socio_goal", synonyms=("社会经济目标分类",), width=16),
    _c("支付方式", "payment", "code", table="payment_method", synonyms=("付款方式", "支付方法"), width=12),
    _c("技术经纪人", "brokers", "brokers", synonyms=("经纪人", "技术经纪人及份额", "经纪人份额"), width=22,
       example="张三(60%)；李四(40%)", help="多名经纪人用“；”分隔，括号内为份额；只写姓名则平分"),
    _c("佣金（元）", "commission_fen", "money", synonyms=("佣金", "中介费", "中介费（元）", "服务费"), width=14),
    _c("登记状态", "status", "status", table="registration_status", synonyms=("状态", "认定登记状态", "登记进度"),
       width=10, example="草稿"),
    _c("登记机构", "reg_office", synonyms=("登记点", "认定登记机构", "受理机构"), width=22),
    _c("受理日期", "accepted_on", "date", synonyms=("受理时间",), width=12),
    _c("登记编号", "reg_no", synonyms=("认定登记编号", "登记号", "合同登记号", "登记证号"), width=18),
    _c("登记日期", "registered_on", "date", synonyms=("认定登记日期", "登记时间"), width=12),
    _c("核定技术交易额（元）", "approved_fen", "money", synonyms=("核定技术交易额", "核定金额", "认定技术交易额"), width=18),
    _c("备注", "note", width=20),
    _c("计划来源", "plan_source", "code", table="plan_source", synonyms=("项目来源",), width=12),
    _c("预计新增投入（元）", "invest_fen", "money", synonyms=("预计新增投入",), width=16),
    _c("预计新增产值（元）", "output_fen", "money", synonyms=("预计新增产值",), width=16),
    _c("非技术性费用明细", "deduction_items", "items", synonyms=("非技术性费用明细（元）", "费用明细", "扣除项目"),
       width=30, example="设备费 20000；材料费 5000",
       help="每项写“费用名称 金额（元）”，多项用“；”分隔；填写后非技术性费用取其合计"),
    _c("专家审核", "expert_review", "flag", synonyms=("是否专家审核", "专家评审"), width=10, example="否",
       help="登记机构是否组织专家审核（是则办理时限为 30 个工作日）；空白为否"),
    _c("对接项目", "engagement_id", "engagement", synonyms=("对接项目名称", "来源对接项目"), width=24,
       help="签约自哪个对接项目：项目名称或其记录ID"),
    # read-only, after every column a user may edit
    _c("办结期限", "deadline", "date", width=12, readonly=True,
       help="只读：登记机构应办结的日期（仅已受理的合同），导出时写入，导入时忽略"),
))

HISTORY = Sheet("登记进度", "registration_event", (
    _c("合同编号", "contract_no", required=True, synonyms=("合同号",), width=18),
    _c("卖方", "seller", "party", required=True, synonyms=("乙方", "受托方", "让与方", "许可方"), width=28),
    _c("状态", "to_status", "status", required=True, table="registration_step", synonyms=("登记状态", "变更为"), width=10),
    _c("日期", "on_date", "date", required=True, synonyms=("变更日期", "时间"), width=12),
    _c("说明", "note", synonyms=("备注", "原因"), width=30),
    _c("操作人", "user", synonyms=("经办人", "录入人", "记录人"), width=10,
       help="记录这一步的人；留空时为导入的操作人"),
))

# the front office (DESIGN §3): after the sheets above, so that a sheet whose name is not known
# is taken for one of those when its headers fit both equally
DEMANDS = Sheet("技术需求", "demand", (
    UID,
    _c("需求名称", "title", required=True, synonyms=("需求", "需求标题", "技术需求名称", "名称"), width=30),
    _c("需求方", "client_id", "party", required=True, synonyms=("需求单位", "需求企业", "提出单位", "企业名称"),
       width=28, help="客户的名称或统一社会信用代码；不存在的客户会自动新建"),
    _c("技术领域", "field", "code", table="tech_field", synonyms=("领域", "所属领域"), width=18),
    _c("需求类型", "kind", "code", table="demand_kind", synonyms=("类型", "需求类别"), width=10, example="技术攻关"),
    _c("需求描述", "description", synonyms=("描述", "需求内容", "需求简介", "简介"), width=36),
    _c("关键词", "keywords", synonyms=("关键字",), width=16),
    _c("预算（元）", "budget_fen", "money", synonyms=("预算", "预算金额", "拟投入资金", "投入预算"), width=16),
    _c("截止日期", "deadline", "date", synonyms=("截止时间", "需求截止日期", "有效期至"), width=12),
    _c("负责经纪人", "broker_id", "broker", synonyms=("经纪人", "技术经纪人", "负责人"), width=12,
       help="一名经纪人的姓名；不存在的经纪人会自动新建"),
    _c("来源", "source", "code", table="demand_source", synonyms=("需求来源", "征集方式"), width=10),
    _c("状态", "status", "code", table="demand_status", synonyms=("需求状态",), width=8, example="征集中"),
    _c("发布日期", "published_on", "date", synonyms=("发布时间",), width=12),
    _c("备注", "note", width=20),
))

ENGAGEMENTS = Sheet("对接项目", "engagement", (
    UID,
    _c("项目名称", "title", required=True, synonyms=("对接项目", "对接项目名称", "项目", "名称"), width=30),
    _c("技术需求", "demand_id", "demand", synonyms=("需求", "需求名称", "对应需求"), width=24,
       help="需求名称或其记录ID"),
    _c("科技成果", "achievement_id", "achievement", synonyms=("成果", "成果名称", "对应成果", "关联成果"), width=24),
    _c("需求方", "demand_client_id", "party", synonyms=("需求单位", "买方", "甲方"), width=28,
       help="客户的名称或统一社会信用代码；空白时取技术需求的需求方"),
    _c("供给方", "supply_client_id", "party", synonyms=("供给单位", "供方", "卖方", "乙方", "成果持有方"), width=28,
       help="客户的名称或统一社会信用代码；空白时取科技成果的持有方"),
    _c("技术经纪人", "brokers", "brokers", synonyms=("经纪人", "技术经纪人及份额", "经纪人份额"), width=22,
       example="张三(60%)；李四(40%)", help="多名经纪人用“；”分隔，括号内为份额；只写姓名则平分"),
    _c("阶段", "stage", "code", required=True, table="engagement_stage", synonyms=("对接阶段", "进展", "状态"),
       width=10, example="初步接触"),
    _c("预计金额（元）", "expected_fen", "money", synonyms=("预计金额", "预计成交额", "意向金额"), width=16),
    _c("开始日期", "started_on", "date", synonyms=("开始时间", "对接日期", "启动日期"), width=12),
    _c("终止原因", "end_reason", synonyms=("终止说明", "原因"), width=20, help="阶段为“已终止”时必填"),
    _c("备注", "note", width=20),
))

FOLLOWUPS = Sheet("跟进记录", "followup", (
    UID,
    _c("对接项目", "engagement_id", "engagement", required=True, synonyms=("项目名称", "对接项目名称", "项目"),
       width=24, help="对接项目的项目名称或其记录ID；须是账本或本工作簿中已有的对接项目"),
    _c("日期", "on_date", "date", required=True, synonyms=("跟进日期", "时间", "跟进时间"), width=12),
    _c("方式", "channel", "code", table="followup_channel", synonyms=("跟进方式", "联系方式"), width=8, example="电话"),
    _c("经纪人", "broker_id", "broker", synonyms=("跟进人", "技术经纪人", "负责人"), width=10),
    _c("内容", "content", required=True, synonyms=("跟进内容", "情况", "沟通内容", "纪要"), width=36),
    _c("下一步", "next_step", synonyms=("下一步计划", "后续安排", "待办"), width=24),
    _c("下次跟进日期", "next_on", "date", synonyms=("下次跟进", "下次跟进时间", "计划日期"), width=12),
    _c("已完成", "done", "flag", synonyms=("是否完成", "完成"), width=8, example="否",
       help="下一步是否已完成；空白为否"),
))


# money after signing (DESIGN §4): a contract named by 合同编号 + 卖方 (it must exist); rows in
# workbook/money_sheets.py
_CONTRACT_NO = _c("合同编号", "contract_no", required=True, synonyms=("合同号",), width=18)
_SELLER = _c("卖方", "seller", required=True, synonyms=("乙方", "受托方", "让与方", "许可方"), width=28,
             help="合同的卖方（名称或统一社会信用代码），与合同编号一起指明合同")

PLANS = Sheet("付款计划", "payment_plan", (
    UID, _CONTRACT_NO, _SELLER,
    _c("期次", "seq", required=True, synonyms=("期数", "第几期", "序号"), width=6, example="1",
       help="该合同的第几期付款：1、2、3…（也可写“第1期”）"),
    _c("类型", "kind", "code", table="payment_kind", synonyms=("付款类型", "款项类型"), width=8, example="预付款"),
    _c("约定日期", "due_on", "date", synonyms=("应付日期", "付款日期", "到期日"), width=12),
    _c("约定金额（元）", "amount_fen", "money", synonyms=("约定金额", "应付金额", "金额"), width=16,
       help="提成可不填金额，在条件或备注中写明比例和基数"),
    _c("条件", "condition", synonyms=("付款条件",), width=24),
    _c("备注", "note", width=20),
))

RECEIPTS = Sheet("到账记录", "receipt", (
    UID, _CONTRACT_NO, _SELLER,
    _c("到账日期", "received_on", "date", required=True, synonyms=("收款日期", "日期"), width=12),
    _c("金额（元）", "amount_fen", "money", required=True, synonyms=("到账金额", "金额", "收款金额"), width=16),
    _c("付款方", "payer", synonyms=("付款单位", "汇款人"), width=24),
    _c("期次", "plan_seq", synonyms=("对应期次", "期数"), width=6, help="对应付款计划的第几期；可空"),
    _c("凭证号", "voucher", synonyms=("凭证编号", "单据号", "流水号"), width=16),
    _c("备注", "note", width=20),
))

PAYOUTS = Sheet("佣金发放", "commission_payout", (
    UID, _CONTRACT_NO, _SELLER,
    _c("经纪人", "broker", required=True, synonyms=("技术经纪人", "姓名"), width=10, help="账本中已有的经纪人"),
    _c("发放日期", "paid_on", "date", required=True, synonyms=("日期", "支付日期"), width=12),
    _c("金额（元）", "amount_fen", "money", required=True, synonyms=("发放金额", "金额", "佣金"), width=16),
    _c("备注", "note", width=20),
))

#: The money sheets: imported after the contracts they name.
MONEY_SHEETS = (PLANS, RECEIPTS, PAYOUTS)

#: In the order an import must process them (parties before what refers to them).
SHEETS = (BROKERS, CLIENTS, ACHIEVEMENTS, CONTRACTS, HISTORY, DEMANDS, ENGAGEMENTS, FOLLOWUPS, *MONEY_SHEETS)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
INSTRUCTIONS = "填写说明"
CODES_SHEET = "代码表"

_WAN = re.compile(r"[（(]\s*万元\s*[)）]|万元$")
_UNIT = re.compile(r"[（(]\s*(元|人民币元|人民币)\s*[)）]")


def normalise_header(text: object) -> str:
    """A header as people write it, reduced for matching: no spaces, marks or asterisks."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"[\s*＊※:：]+", "", text)
    return text.replace("(", "（").replace(")", "）")


def match_header(sheet: Sheet, header: object) -> tuple[Column | None, int]:
    """The column a header means, and its scale: 1 (元 or none) or 10,000 (a header in 万元)."""
    text = normalise_header(header)
    if not text:
        return None, 1
    scale = 10_000 if _WAN.search(text) else 1
    bare = _UNIT.sub("", _WAN.sub("", text))
    for column in sheet.columns:
        names = {normalise_header(column.header), *(normalise_header(s) for s in column.synonyms)}
        names |= {_UNIT.sub("", n) for n in names}
        if text in names or bare in names:
            return column, scale
    return None, 1


def find_sheet(name: str) -> Sheet | None:
    """A sheet by its name, tolerating spaces and common alternatives."""
    text = normalise_header(name)
    aliases = {"经纪人": ("技术经纪人", "经纪人名单"), "客户": ("客户名单", "单位", "合作单位"),
               "科技成果": ("成果", "成果库"), "技术合同": ("合同", "合同台账", "技术合同台账", "合同登记台账"),
               "登记进度": ("登记历史", "进度"), "技术需求": ("需求", "需求库", "企业需求"),
               "对接项目": ("对接", "项目对接"), "跟进记录": ("跟进", "跟踪记录")}
    for sheet in SHEETS:
        if text == sheet.name or text in aliases.get(sheet.name, ()):
            return sheet
    return None
