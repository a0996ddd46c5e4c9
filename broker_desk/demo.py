"""Realistic generated sample data (``broker-desk demo``).

Companies, universities and institutes across the provinces with valid
credit codes, brokers in a handful of transfer institutions, achievements with
valid patent numbers, and contracts of every category and registration status
with plausible amounts and registration histories that obey the workflow.

Everything follows from the seed and the day it is laid out around
(``today``, so a sample ledger always has cases due this week): the same seed
and day give the same ledger. It is written in one transaction, as one action
in the change log, so it can be undone, and a kill leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable

from stdnum.cn import uscc

from . import codes, demo_front, demo_money, i18n
from .errors import BrokerDeskError
from .idnumbers import patent_check_char
from .ledger.journal import dumps, now_utc
from .registration import (
    ACCEPTED,
    ALLOWED,
    CORRECTION,
    DRAFT,
    READY,
    REFUSED,
    REGISTERED,
    WITHDRAWN,
)

i18n.register({
    "demo.not_empty": ("账本 {path} 中已有数据：示例数据只写入空账本（用 --db 指定一个新文件，例如 sample.brokerdesk）",
                       "The ledger {path} already holds data: demo data goes only into an empty ledger (choose a new file with --db)"),
    "demo.bad_count": ("合同数应在 1 到 1,000,000 之间", "The number of contracts must be between 1 and 1,000,000"),
})

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志宏海波宁俊峰晨琳雪颖佳欣浩宇博文睿泽思远子涵雨轩一鸣天佑嘉怡梓萱晓东立新卫东永刚春梅秋菊"
TRADE_NAMES = ("华创", "中科", "恒信", "瑞德", "天合", "博源", "聚能", "卓越", "远航", "新元", "精诚", "同创",
               "鼎盛", "汇智", "宏达", "启明", "嘉禾", "锐思", "云帆", "海川", "晶华", "德润", "正泰", "科达",
               "安泰", "联创", "睿明", "星辰", "青禾", "长风", "明德", "普惠", "凯瑞", "迈特", "铭泰", "思源")
INDUSTRIES = (("电子信息", "电子科技"), ("电子信息", "信息技术"), ("先进制造", "智能装备"),
              ("先进制造", "精密机械"), ("生物、医药和医疗器械", "生物医药"), ("生物、医药和医疗器械", "医疗器械"),
              ("新材料及其应用", "新材料"), ("新能源与高效节能", "新能源"), ("新能源与高效节能", "节能科技"),
              ("环境保护与资源综合利用", "环保科技"), ("农业", "农业科技"), ("现代交通", "智能交通"),
              ("航空航天", "航空科技"), ("城市建设与社会发展", "建筑科技"), ("核应用技术", "核技术应用"))
ENTERPRISE_TYPES = (("有限责任公司", 55), ("股份有限公司", 15), ("私营企业", 12), ("国有企业", 8),
                    ("外商投资企业", 3), ("港澳台商投资企业", 2), ("集体企业", 2), ("其他内资企业", 3))
UNIVERSITY_SUFFIXES = ("理工大学", "工业大学", "科技大学", "大学", "农业大学", "医科大学", "师范大学")
INSTITUTE_FORMS = ("{p}科学院{f}研究所", "{c}市{f}研究院", "{p}{f}技术研究中心", "中国科学院{c}{f}研究所")
INSTITUTE_FIELDS = ("先进材料", "智能制造", "生物技术", "能源", "环境科学", "信息技术", "农业科学", "海洋技术", "医学")
BROKER_ORGS = ("{c}技术转移中心", "{p}技术市场服务中心", "{c}科技成果转化促进中心", "{c}知识产权运营有限公司",
               "{p}产业技术研究院技术转移部", "{c}大学技术转移办公室")
TITLE_OBJECTS = ("高性能锂电池正极材料", "工业机器人视觉检测系统", "新型疫苗佐剂", "智能电网故障诊断", "水处理膜材料",
                 "农作物病虫害智能识别", "碳化硅功率器件", "可降解包装材料", "医用影像辅助诊断算法",
                 "高效光伏组件", "氢燃料电池电堆", "精密减速器", "工业互联网平台", "智慧农业物联网",
                 "城市污泥资源化", "新能源汽车热管理", "航空复合材料", "5G通信射频前端", "中药有效成分提取",
                 "土壤重金属修复", "智能仓储调度", "钠离子电池", "芯片封装测试", "生物基可降解塑料",
                 "数控机床误差补偿", "建筑垃圾再生骨料", "轨道交通减振", "稀土永磁材料", "储能系统安全管理")
TITLE_ACTIONS = {
    "技术开发": ("{o}研发", "{o}关键技术开发", "{o}工艺研究与开发", "{o}样机研制"),
    "技术转让": ("{o}专利权转让", "“{o}”专利申请权转让", "{o}技术秘密转让"),
    "技术许可": ("{o}专利实施许可", "{o}技术秘密使用许可"),
    "技术咨询": ("{o}可行性论证", "{o}技术路线咨询", "{o}产业化前景评估"),
    "技术服务": ("{o}检测分析服务", "{o}技术培训", "{o}工艺优化技术服务", "{o}技术中介服务"),
}
CATEGORY_WEIGHTS = (("技术服务", 42), ("技术开发", 30), ("技术转让", 9), ("技术许可", 8), ("技术咨询", 11))
SUBTYPE_FOR_ACTION = {"专利权转让": "专利权转让", "专利申请权转让": "专利申请权转让", "技术秘密转让": "技术秘密转让",
                      "专利实施许可": "专利实施许可", "技术秘密使用许可": "技术秘密使用许可", "技术培训": "技术培训",
                      "技术中介": "技术中介"}
CORRECTIONS = ("合同签章不全，请补盖公章", "技术交易额计算有误，请补充费用明细", "缺少技术秘密转让的相关说明")
OFFICES = ("{p}技术市场管理办公室", "{c}技术合同登记处", "{c}高新区技术合同登记点")
PLACES = ("北京", "上海", "深圳", "杭州", "苏州", "南京", "武汉", "成都", "西安", "合肥", "广州", "长沙", "济南", "天津")

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def _org_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    check = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, kind: str, region: str) -> str:
    """A valid 统一社会信用代码: registry + type, region, organisation code, check."""
    prefix = {"企业": "91", "高等院校": "12", "科研机构": "12", "医疗卫生机构": "12"}.get(kind, "91")
    body = prefix + region + _org_code(rng)
    return body + uscc.calc_check_digit(body)


def patent_number(rng: random.Random, year: int) -> str:
    kind = rng.choices("12", weights=(6, 4))[0]
    digits = f"{year}{kind}{rng.randrange(10**7):07d}"
    return f"ZL{digits}.{patent_check_char(digits)}"



#: How a contract's non-technical costs are itemized (no randomness: the same seed gives the same data).
_DEDUCTION_SPLITS = {
    "技术开发": (("设备购置费", 50), ("原材料费", 30), ("差旅及其他费用", 20)),
    "技术服务": (("仪器设备费", 60), ("耗材费", 40)),
}


def _deduction_items(deductions: int, category: str) -> str | None:
    """A JSON list of (item, fen) adding up to ``deductions`` (whole 元 for all but the last)."""
    if not deductions:
        return None
    parts, left = [], deductions
    splits = _DEDUCTION_SPLITS.get(category, (("非技术性费用", 100),))
    for n, (name, percent) in enumerate(splits):
        fen = left if n == len(splits) - 1 else deductions * percent // 100 // 100 * 100
        parts.append([name, fen])
        left -= fen
    return json.dumps(parts, ensure_ascii=False)

def generate(ledger, contracts: int = 2000, seed: int = 1, today: dt.date | None = None,
             progress: Callable[[float, str], None] | None = None, cancelled: Callable[[], bool] | None = None):
    """Fill an empty ``ledger`` with sample data; returns the counts per entity."""
    if not 1 <= contracts <= 1_000_000:
        raise BrokerDeskError("demo.bad_count")
    if any(ledger.count(e) for e in ("broker", "client", "achievement", "contract", "demand", "engagement")):
        raise BrokerDeskError("demo.not_empty", path=ledger.path)
    today = today or dt.date.today()
    rng = random.Random(seed)

    def uid() -> str:  # uuid4-shaped, but from the seeded generator
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    stamp = now_utc()
    report = progress or (lambda fraction, message: None)

    # -- places -------------------------------------------------------------------------
    places = []  # (province, city as used in names, region code, address prefix)
    for pcode, pname in codes.provinces():
        if pcode[:2] in ("71", "81", "82"):
            continue
        municipal = pname in ("北京市", "天津市", "上海市", "重庆市")
        for ccode, cname in codes.children(pcode)[:6]:
            city = pname.removesuffix("市") if municipal else cname.removesuffix("市").removesuffix("地区")
            places.append((pname, city, ccode, pname + cname))
    hubs = [p for p in places if p[0] in ("北京市", "上海市", "广东省", "江苏省", "浙江省", "湖北省", "四川省",
                                          "陕西省", "安徽省", "山东省")]

    def place():
        return rng.choice(hubs) if rng.random() < 0.7 else rng.choice(places)

    def short(province: str) -> str:
        for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
            if province.endswith(suffix):
                return province[: -len(suffix)]
        return province

    def person() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def phone() -> str:
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"

    # -- clients ------------------------------------------------------------------------
    n_clients = max(40, min(contracts // 15, 8000))
    client_rows, names, used_codes = [], set(), set()
    companies, academics = [], []
    while len(client_rows) < n_clients:
        province, city, region, prefix = place()
        roll = rng.random()
        etype = None
        if roll < 0.72:
            nature = "企业"
            field_, trade = rng.choice(INDUSTRIES)
            form = rng.choice(("{c}{t}{i}有限公司", "{t}{i}（{c}）有限公司", "{c}{t}{i}股份有限公司"))
            name = form.format(c=city, t=rng.choice(TRADE_NAMES), i=trade)
            etype = "股份有限公司" if "股份" in name else rng.choices(
                [t for t, _ in ENTERPRISE_TYPES], weights=[w for _, w in ENTERPRISE_TYPES])[0]
            if etype == "股份有限公司" and "股份" not in name:
                etype = "有限责任公司"
        elif roll < 0.86:
            nature = "高等院校"
            name = rng.choice((city, short(province))) + rng.choice(UNIVERSITY_SUFFIXES)
        elif roll < 0.97:
            nature = "科研机构"
            name = rng.choice(INSTITUTE_FORMS).format(p=short(province), c=city, f=rng.choice(INSTITUTE_FIELDS))
        else:
            nature = "医疗卫生机构"
            name = f"{city}市第{rng.choice('一二三四五六七八')}人民医院"
        if name in names:
            continue
        code = credit_code(rng, nature, region)
        if code in used_codes:
            continue
        names.add(name)
        used_codes.add(code)
        cid = len(client_rows) + 1
        (companies if nature == "企业" else academics).append(cid)
        client_rows.append({
            "id": cid, "uid": uid(), "name": name, "credit_code": code, "nature": nature,
            "enterprise_type": etype, "region": region,
            "address": f"{prefix}{rng.choice(('科技', '创新', '高新', '学院', '文化', '建设'))}路{rng.randrange(1, 999)}号",
            "legal_rep": person(), "contact": person(), "phone": phone(), "email": None, "note": None,
            "warnings": None, "created_at": stamp, "updated_at": stamp})
    if not academics:
        academics.append(companies.pop())
    report(0.1, "clients")

    # -- brokers --------------------------------------------------------------------------
    n_brokers = max(12, min(contracts // 120, 900))
    orgs = [rng.choice(BROKER_ORGS).format(p=short(p), c=c) for p, c, _, _ in rng.sample(hubs, min(8, len(hubs)))]
    orgs = list(dict.fromkeys(orgs))
    broker_rows = []
    for i in range(n_brokers):
        broker_rows.append({
            "id": i + 1, "uid": uid(), "name": person(),
            "cert_no": f"JSJJ{rng.randrange(2019, today.year + 1)}{rng.randrange(10**6):06d}",
            "level": rng.choices(("初级", "中级", "高级"), weights=(5, 3, 1))[0],
            "institution": rng.choice(orgs), "phone": phone(), "email": None,
            "status": "在职" if rng.random() < 0.92 else "离职", "note": None, "warnings": None,
            "created_at": stamp, "updated_at": stamp})
    broker_weights = [rng.paretovariate(1.3) for _ in broker_rows]

    # -- achievements ---------------------------------------------------------------------
    n_ach = max(20, min(contracts // 5, 25000))
    ach_rows = []
    for i in range(n_ach):
        holder = rng.choice(academics) if rng.random() < 0.8 else rng.choice(companies)
        year = rng.randrange(today.year - 8, today.year)
        patents = "；".join(patent_number(rng, year) for _ in range(rng.choice((1, 1, 2, 3))))
        obj = rng.choice(TITLE_OBJECTS)
        ach_rows.append({
            "id": i + 1, "uid": uid(), "title": f"{obj}{rng.choice(('技术', '关键技术', '制备方法', '系统', '工艺'))}",
            "holder_id": holder, "inventors": "、".join(person() for _ in range(rng.randrange(1, 5))),
            "field": rng.choice(INDUSTRIES)[0], "ip_type": rng.choice(("发明专利", "发明专利", "实用新型")),
            "patents": patents, "maturity": rng.choice(("实验室", "小试", "中试", "试生产", "批量生产")),
            "transfer_mode": rng.choice(("转让", "许可", "作价投资", "合作开发")),
            "price_fen": rng.randrange(10, 2000) * 10_000 * 100, "status": rng.choice(("征集", "已发布", "洽谈中", "已转化")),
            "keywords": obj, "summary": None, "warnings": None, "created_at": stamp, "updated_at": stamp})
    report(0.2, "achievements")

    # -- contracts ------------------------------------------------------------------------
    rule = ledger.deadlines()
    categories = [c for c, _ in CATEGORY_WEIGHTS]
    weights = [w for _, w in CATEGORY_WEIGHTS]
    serials: dict[str, int] = {}
    # the office a contract is registered at is in its seller's province (a city's or the province's own);
    # the draw of twelve is kept so that a seed gives the same ledger as before, only the office follows the seller
    drawn = len([rng.choice(OFFICES) for _ in rng.sample(hubs, min(12, len(hubs)))])
    seats = {region: (province, city) for province, city, region, _ in places}
    office_names: dict[tuple[str, int], str] = {}

    def office(region: str, kind: int) -> str:
        key = (region, kind % len(OFFICES))
        name = office_names.get(key)
        if name is None:
            province, city = seats.get(region) or (codes.region_name(region[:2] + "0000") or "", "")
            form = OFFICES[key[1]] if city else OFFICES[0]
            name = office_names[key] = form.format(p=short(province), c=city)
        return name
    socio = codes.tables().names("socio_goal")
    plans = codes.tables().names("plan_source")
    contract_rows, broker_links, events, logs = [], [], [], []
    start = today - dt.timedelta(days=5 * 365)
    span = (today - start).days
    for i in range(contracts):
        cid = i + 1
        category = rng.choices(categories, weights=weights)[0]
        action = rng.choice(TITLE_ACTIONS[category])
        subtype = next((s for k, s in SUBTYPE_FOR_ACTION.items() if k in action), None) or {
            "技术开发": rng.choice(("委托开发", "委托开发", "合作开发")), "技术转让": "专利权转让",
            "技术许可": "专利实施许可", "技术咨询": "技术咨询", "技术服务": "技术服务"}[category]
        achievement = None
        if category in ("技术转让", "技术许可") or rng.random() < 0.15:
            achievement = rng.randrange(1, n_ach + 1)
            seller = ach_rows[achievement - 1]["holder_id"]
            obj = ach_rows[achievement - 1]["keywords"]
        else:
            seller = rng.choice(academics) if rng.random() < 0.65 else rng.choice(companies)
            obj = rng.choice(TITLE_OBJECTS)
        buyer = rng.choice(companies)
        if buyer == seller:
            buyer = companies[(companies.index(buyer) + 1) % len(companies)]
        # the age of a contract decides how far its registration has come
        age = int(span * (rng.random() ** 1.25))
        signed = today - dt.timedelta(days=age)
        median = {"技术开发": 60, "技术转让": 80, "技术许可": 50, "技术咨询": 12, "技术服务": 20}[category]
        amount = int(rng.lognormvariate(0, 1.0) * median * 10_000) // 100 * 100 * 100  # whole hundreds of 元
        amount = max(amount, 5_000 * 100)
        deductions = 0
        if category in ("技术开发", "技术服务") and rng.random() < 0.25:
            deductions = amount * rng.randrange(5, 35) // 100 // 10_000 * 10_000
        seller_row = client_rows[seller - 1]
        year = signed.year
        contract = {
            "id": cid, "uid": uid(),
            "contract_no": f"{rng.choice(('JS', 'HT', 'KY', 'TC'))}{year}-{rng.randrange(1, 10**5):05d}-{cid}",
            "title": rng.choice(TITLE_ACTIONS[category]).format(o=obj) if achievement is None else action.format(o=obj),
            "category": category, "subtype": subtype, "buyer_id": buyer, "seller_id": seller,
            "achievement_id": achievement, "signed_on": signed.isoformat(),
            "valid_from": signed.isoformat(), "valid_to": (signed + dt.timedelta(days=rng.choice((180, 365, 730, 1095)))).isoformat(),
            "signed_place": rng.choice(PLACES), "amount_fen": amount, "deductions_fen": deductions, "tech_given_fen": None,
            "deduction_items": _deduction_items(deductions, category),
            "field": rng.choice(INDUSTRIES)[0], "ip_type": rng.choice(("发明专利", "技术秘密", "计算机软件著作权", "实用新型", "未涉及知识产权")),
            "plan_source": rng.choices(plans, weights=[1] * (len(plans) - 1) + [12])[0],
            "socio_goal": rng.choice(socio), "payment": rng.choices(("一次总付", "分期支付", "提成支付"), weights=(5, 8, 1))[0],
            "invest_fen": amount * rng.randrange(0, 30) // 10 // 10_000 * 10_000 or None,
            "output_fen": amount * rng.randrange(0, 80) // 10 // 10_000 * 10_000 or None,
            "commission_fen": None, "status": DRAFT, "reg_office": None, "accepted_on": None, "clock_from": None,
            "reg_no": None, "registered_on": None, "approved_fen": None, "note": None, "warnings": None,
            "expert_review": int(cid % 20 == 0),  # one case in twenty goes to expert review
            "created_at": stamp, "updated_at": stamp, "engagement_id": None}
        if rng.random() < 0.6:
            k = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
            chosen = []
            while len(chosen) < k:
                b = rng.choices(range(1, n_brokers + 1), weights=broker_weights)[0]
                if b not in chosen:
                    chosen.append(b)
            shares = {1: (10000,), 2: rng.choice(((6000, 4000), (5000, 5000), (7000, 3000))), 3: (4000, 3000, 3000)}[k]
            broker_links.extend((cid, b, s) for b, s in zip(chosen, shares, strict=True))
            contract["commission_fen"] = amount * rng.randrange(10, 50) // 1000 // 100 * 100
        _registration(rng, contract, seller_row["region"], today, rule,
                      lambda kind, r=seller_row["region"]: office(r, kind), drawn, serials, events, uid)
        contract_rows.append(contract)
        if cancelled and i % 5000 == 0 and cancelled():
            return None
        if i % 5000 == 0:
            report(0.2 + 0.6 * i / contracts, "contracts")

    # -- the front office: demands, engagements (some signed into these contracts), follow-ups
    front = demo_front.generate(seed, today, stamp, {
        "contracts": contract_rows, "companies": companies, "academics": academics, "achievements": ach_rows,
        "broker_links": broker_links, "brokers": n_brokers})
    money = demo_money.generate(seed, today, contract_rows, broker_links, stamp)  # sets some contracts' 支付方式

    # -- write it all in one transaction ------------------------------------------------
    with ledger.operation("op.demo", contracts=contracts) as op:
        op_id = op.op_id
        for entity, table, rows in (("client", "clients", client_rows), ("broker", "brokers", broker_rows),
                                    ("achievement", "achievements", ach_rows), ("demand", "demands", front["demands"]),
                                    ("engagement", "engagements", front["engagements"]),
                                    ("contract", "contracts", contract_rows), ("followup", "followups", front["followups"])):
            if not rows:
                continue
            cols = list(rows[0])
            ledger.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                    [tuple(r.values()) for r in rows])
            logs.extend((op_id, entity, r["uid"], "insert") for r in rows)
        report(0.9, "links")
        ledger.conn.executemany("INSERT INTO contract_brokers (contract_id, broker_id, share_bp) VALUES (?, ?, ?)",
                                broker_links)
        ledger.conn.executemany("INSERT INTO engagement_brokers (engagement_id, broker_id, share_bp) VALUES (?, ?, ?)",
                                front["engagement_brokers"])
        ledger.conn.executemany(
            "INSERT INTO registration_events (id, uid, contract_id, from_status, to_status, on_date, note, details, "
            "user, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        ledger.conn.executemany("INSERT INTO changes (op_id, entity, uid, action) VALUES (?, ?, ?, ?)", logs)
        money_counts = demo_money.write(ledger.conn, op_id, money)
    report(1.0, "done")
    return {"client": len(client_rows), "broker": len(broker_rows), "achievement": len(ach_rows),
            "contract": len(contract_rows), "registration_event": len(events), "demand": len(front["demands"]),
            "engagement": len(front["engagements"]), "followup": len(front["followups"]), **money_counts}



def _registration(rng: random.Random, contract: dict, region: str, today: dt.date, rule,
                  office: Callable[[int], str], offices: int, serials: dict[str, int], events: list,
                  uid: Callable[[], str]) -> None:
    """A registration history for one contract that obeys the workflow, up to ``today``."""
    state, day = DRAFT, dt.date.fromisoformat(contract["signed_on"])

    def step(to: str, gap: int, note: str | None = None) -> bool:
        nonlocal state, day
        assert to in ALLOWED[state]
        when = day + dt.timedelta(days=gap)
        if when > today:
            return False
        events.append([len(events) + 1, uid(), contract["id"], state, to, when.isoformat(), note, None, "demo",
                       contract["created_at"]])
        state, day = to, when
        contract["status"] = state
        return True

    def entered(**details) -> None:
        contract.update(details)
        events[-1][7] = dumps(details)

    # time alone stops most contracts; a few are left as drafts or never handed in
    if rng.random() < 0.03 or not step(READY, rng.randrange(1, 20)):
        return
    if not step(ACCEPTED, rng.randrange(1, 15)):
        return
    entered(reg_office=office(rng.randrange(offices)), accepted_on=day.isoformat(), clock_from=day.isoformat())
    if rng.random() < 0.12 and step(CORRECTION, rng.randrange(3, 20), rng.choice(CORRECTIONS)):
        if not step(ACCEPTED, rng.randrange(5, 45)):
            return
        entered(clock_from=day.isoformat())
    slow = rng.random() < 0.3  # an office that runs late
    # the calendar days to the deadline by the rule (Ledger.due) for this case
    limit_days = (rule.due(contract["accepted_on"], day.isoformat(), contract["amount_fen"] - contract["deductions_fen"],
                           contract["expert_review"]).on - day).days
    decide = rng.randrange(3, limit_days + (2 * limit_days if slow else 1))
    if rng.random() < 0.03:
        step(REFUSED, decide, rng.choice(("不属于技术合同", "合同主体不适格")))
        return
    key = f"{(day + dt.timedelta(days=decide)).year}{region[:4]}{rng.randrange(1, 6):02d}"
    tech = contract["amount_fen"] - contract["deductions_fen"]
    approved = tech if rng.random() < 0.93 else tech * rng.randrange(70, 100) // 100
    if step(REGISTERED, decide):
        serials[key] = serials.get(key, 0) + 1
        entered(reg_no=f"{key}{serials[key]:06d}", registered_on=day.isoformat(), approved_fen=approved)
        if rng.random() < 0.01:
            step(WITHDRAWN, rng.randrange(10, 200), "合同双方协议解除")
