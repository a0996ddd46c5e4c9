"""A generator of achievements and of demands that each one answers, for bench_matching.py.

The demo's achievements (broker_desk/demo.py) have 29 subjects × 5 endings = 145
distinct titles: too few for a test of matching, where the right answer must be
one record among thousands. Here an achievement is a subject (钠离子电池) with
an aspect (关键材料), a technique (溶胶凝胶法) and an application (储能电站),
within one of the 11 fields, plus a modifier and an ending in its title; its
summary names the technique and the application.

A demand for an achievement is written the way a company writes a need: mostly
(two times in three, ``renamed``) a shorter or different name of the subject
(钠电池, 单抗, 太阳能电池板), a part of the aspect (材料) or another word for it
(降本), a part or another name of the technique (溶胶凝胶, CVD) and of the
application (养猪), else the full term; the application in its own sentence, the
field named by a synonym or not at all, a budget around the price.
It never copies the title and shares no token peculiar to its achievement: every
word it uses is vocabulary that many achievements share. The right answer is
the one achievement with that subject, aspect, technique and application (a
demand whose combination is not unique is not used).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# field: (subjects "full|other names…", techniques "full|shorter…", applications "full|shorter")
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "电子信息": (
        ("工业互联网平台|工业互联网", "边缘计算网关|边缘网关", "射频前端芯片|射频芯片", "图像传感器|CMOS传感器",
         "区块链溯源系统|区块链溯源", "智能语音识别|语音识别", "北斗定位终端|北斗终端", "数据中心液冷|液冷服务器",
         "功率半导体模块|功率模块", "柔性显示面板|柔性屏"),
        ("深度学习算法|深度学习|神经网络", "知识图谱|图谱", "联邦学习|隐私计算", "数字孪生|孪生建模",
         "低功耗广域网|LoRa", "毫米波天线|毫米波", "异构计算|异构加速", "时间敏感网络|TSN"),
        ("智能工厂|工厂", "智慧医院|医院", "城市安防|安防", "电力调度|电网", "金融风控|风控", "物流园区|物流"),
    ),
    "航空航天": (
        ("无人机飞控系统|飞控|无人机控制", "航空发动机叶片|发动机叶片", "卫星姿态控制|姿态控制", "机载雷达|雷达",
         "复合材料机翼|机翼", "航空液压作动器|作动器", "火箭燃料贮箱|贮箱", "飞机起落架|起落架",
         "航天器热控|热控", "航空座椅|机舱座椅"),
        ("增材制造|3D打印", "热障涂层|涂层", "自适应控制|自适应", "碳纤维缠绕|碳纤维", "振动主动抑制|减振",
         "钛合金精密铸造|精密铸造", "故障预测与健康管理|PHM|健康管理", "视觉导航|视觉定位"),
        ("通用航空|通航", "物流配送|无人配送", "应急救援|救援", "遥感测绘|测绘", "民航维修|维修", "低空经济|低空"),
    ),
    "先进制造": (
        ("工业机器人|机器人", "数控机床|机床", "精密减速器|减速器", "激光焊接设备|激光焊接", "注塑模具|模具",
         "智能仓储系统|智能仓储|立体仓库", "协作机械臂|机械臂", "伺服电机|伺服驱动", "工业视觉检测设备|视觉检测",
         "液压泵阀|泵阀"),
        ("误差补偿|补偿算法", "机器视觉|视觉识别", "力控柔顺装配|柔顺控制", "数字孪生|孪生建模",
         "超精密磨削|精密磨削", "激光熔覆|熔覆", "振动抑制|减振", "自适应控制|自适应"),
        ("汽车零部件|汽车", "3C电子装配|电子装配", "航空结构件|航空", "工程机械|工程机械行业", "家电制造|家电",
         "光伏组件生产|光伏产线"),
    ),
    "生物、医药和医疗器械": (
        ("新型疫苗佐剂|疫苗佐剂|佐剂", "单克隆抗体|单抗", "医用影像诊断|影像诊断|医学影像", "中药有效成分|中药提取物",
         "可降解心脏支架|心脏支架", "基因测序仪|测序仪", "体外诊断试剂|诊断试剂|IVD试剂", "骨科植入物|骨植入物",
         "细胞培养基|培养基", "透析器|血液透析"),
        ("超临界萃取|超临界", "微流控芯片|微流控", "基因编辑|CRISPR", "纳米载药|纳米递送", "深度学习算法|深度学习|神经网络",
         "发酵工艺优化|发酵", "3D生物打印|生物打印", "冷冻干燥|冻干"),
        ("肿瘤治疗|肿瘤", "心血管疾病|心血管", "基层医疗|基层诊疗", "宠物医疗|兽用", "慢病管理|慢病", "传染病防控|传染病"),
    ),
    "新材料及其应用": (
        ("石墨烯导热膜|石墨烯膜|导热膜", "碳纤维复合材料|碳纤维", "稀土永磁材料|稀土永磁|永磁体", "生物基可降解塑料|可降解塑料",
         "高温合金|耐高温合金", "气凝胶隔热材料|气凝胶", "特种陶瓷|结构陶瓷", "光学薄膜|光学膜",
         "高分子分离膜|分离膜", "纳米涂料|纳米涂层"),
        ("溶胶凝胶法|溶胶凝胶", "化学气相沉积|气相沉积|CVD", "磁控溅射|溅射镀膜", "熔融纺丝|纺丝",
         "粉末冶金|粉末成型", "表面改性|改性", "静电纺丝|电纺", "原位聚合|聚合"),
        ("新能源汽车|电动汽车", "消费电子|手机", "建筑节能|建筑", "包装|包装行业", "风电叶片|风电", "军工装备|国防"),
    ),
    "新能源与高效节能": (
        ("钠离子电池|钠电池|钠电", "锂离子电池|锂电池|锂电", "固态电池|全固态电池", "光伏组件|太阳能电池板",
         "氢燃料电池|燃料电池", "储能变流器|PCS", "超级电容器|超级电容", "空气源热泵|热泵",
         "钙钛矿太阳能电池|钙钛矿电池", "余热回收装置|余热回收"),
        ("溶胶凝胶法|溶胶凝胶", "固相烧结|烧结", "磁控溅射|溅射镀膜", "电池管理算法|BMS算法|电池管理",
         "热管理优化|热管理", "喷雾干燥|喷雾造粒", "原子层沉积|ALD", "共沉淀法|共沉淀"),
        ("储能电站|储能", "电动两轮车|两轮车", "分布式光伏|屋顶光伏", "工业园区|园区", "数据中心|机房", "通信基站|基站"),
    ),
    "环境保护与资源综合利用": (
        ("城市污泥|污泥", "建筑垃圾再生骨料|建筑垃圾|再生骨料", "土壤重金属修复|土壤修复|重金属污染土壤",
         "工业废水|废水", "VOCs治理设备|VOCs|挥发性有机物", "废旧锂电池回收|电池回收", "餐厨垃圾|厨余垃圾",
         "脱硫脱硝|烟气脱硝", "固体废弃物|固废", "水处理膜|反渗透膜"),
        ("高级氧化|芬顿氧化", "厌氧消化|厌氧发酵", "生物修复|微生物修复", "湿法冶金|湿法回收", "等离子体|低温等离子",
         "吸附催化|催化吸附", "热解炭化|热解", "膜生物反应器|MBR"),
        ("化工园区|化工", "市政污水|污水处理厂", "矿山|矿区", "印染行业|印染", "农村环境|农村", "钢铁行业|钢铁"),
    ),
    "核应用技术": (
        ("辐射探测器|探测器", "核医学显像|核医学", "辐照灭菌装置|辐照灭菌", "放射性废物处理|核废物", "同位素电池|核电池",
         "中子成像|中子照相", "核电站阀门|核级阀门", "加速器束流|束流", "核辐射防护服|防护服", "在线核子秤|核子秤"),
        ("闪烁晶体|闪烁体", "蒙特卡罗模拟|蒙卡模拟", "电子束辐照|电子束", "屏蔽材料设计|屏蔽", "数字化能谱|能谱分析",
         "远程操控|遥操作", "玻璃固化|固化处理", "同位素分离|分离提纯"),
        ("核电站|核电", "医院放射科|放射科", "食品保鲜|食品", "安检|安全检查", "工业无损检测|无损检测", "环境监测|监测站"),
    ),
    "农业": (
        ("农作物病虫害识别|病虫害识别|病虫害", "智慧温室|温室大棚", "水稻新品种|水稻品种", "畜禽养殖环境|养殖环境",
         "水肥一体化设备|水肥一体化", "农产品冷链|冷链", "植保无人机|无人机植保", "土壤墒情监测|墒情监测",
         "生物农药|微生物农药", "饲料添加剂|饲料"),
        ("深度学习算法|深度学习|神经网络", "分子标记育种|分子育种", "物联网传感|物联网", "微生物发酵|发酵",
         "精准变量施肥|变量施肥", "遥感监测|遥感", "组织培养|组培", "纳米缓释|缓释"),
        ("大田种植|种植", "设施农业|设施", "生猪养殖|养猪", "果园|水果", "茶园|茶叶", "水产养殖|渔业"),
    ),
    "现代交通": (
        ("新能源汽车热管理|整车热管理", "轨道交通减振|轨道减振", "自动驾驶感知|自动驾驶|无人驾驶", "智能交通信号|信号控制",
         "动力电池包|电池包", "车载激光雷达|激光雷达", "船舶压载水|压载水", "充电桩|充电设施", "车路协同|V2X",
         "汽车轻量化车身|轻量化车身"),
        ("热管理优化|热管理", "多传感器融合|传感器融合", "深度学习算法|深度学习|神经网络", "振动主动抑制|减振",
         "铝合金挤压|铝挤压", "强化学习调度|强化学习", "电磁兼容设计|电磁兼容", "高精度地图|高精地图"),
        ("城市公交|公交", "高速公路|高速", "港口码头|港口", "地铁|城市轨道", "物流车队|物流", "网约车|出行平台"),
    ),
    "城市建设与社会发展": (
        ("装配式建筑|装配式", "建筑外墙保温|外墙保温", "地下管网检测|管网检测", "桥梁健康监测|桥梁监测",
         "智慧社区平台|智慧社区", "海绵城市透水铺装|透水铺装", "老旧小区改造|旧改", "建筑光伏一体化|光伏建筑",
         "隧道盾构|盾构", "城市内涝预警|内涝预警"),
        ("BIM建模|BIM", "光纤传感|光纤监测", "数字孪生|孪生建模", "再生骨料混凝土|再生混凝土", "地质雷达|探地雷达",
         "物联网传感|物联网", "相变储能|相变材料", "预应力张拉|预应力"),
        ("住宅小区|小区", "市政道路|道路", "学校医院|公共建筑", "工业厂房|厂房", "地铁车站|车站", "城市更新|更新改造"),
    ),
}
ASPECTS = ("关键材料|材料", "核心部件|部件", "控制系统|控制", "检测方法|检测", "制造工艺|工艺", "寿命评估|寿命",
           "故障诊断|故障", "回收利用|回收", "成本优化|降本", "安全防护|安全")
MODIFIERS = ("", "", "高性能", "低成本", "高效", "新型", "智能化", "长寿命", "高可靠", "绿色")
ENDINGS = ("技术", "关键技术", "方法", "系统", "装置", "研究", "成套技术", "及其应用")
BENEFITS = ("性能提升30%以上", "成本降低约20%", "效率显著提高", "寿命延长一倍", "已完成中试验证", "能耗明显下降")
NEEDS = ("技术需求", "技术攻关", "解决方案", "技术合作", "升级改造", "技术引进")
PAINS = ("存在效率偏低的问题", "成本居高不下", "稳定性不足", "依赖进口", "良品率不高", "能耗较高")
GOALS = ("降低生产成本", "提升产品竞争力", "实现国产替代", "扩大产能", "满足客户要求", "提高良品率")
MATURITY = ("实验室", "小试", "中试", "试生产", "批量生产")
#: Another name of each field, as people write it (what the program must understand).
FIELD_NAMES = {"电子信息": "信息技术", "航空航天": "航空", "先进制造": "智能制造", "生物、医药和医疗器械": "生物医药",
               "新材料及其应用": "新材料", "新能源与高效节能": "新能源", "环境保护与资源综合利用": "环保",
               "核应用技术": "核技术", "农业": "现代农业", "现代交通": "交通运输", "城市建设与社会发展": "城市建设"}


def names(item: str) -> list[str]:
    return item.split("|")


@dataclass
class Achievement:
    field: str
    subject: str
    aspect: str
    technique: str
    application: str
    title: str
    keywords: str
    summary: str
    maturity: str
    price_fen: int

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return self.subject, self.aspect, self.technique, self.application


def achievement(rng: random.Random) -> Achievement:
    field = rng.choice(list(FIELDS))
    subjects, techniques, applications = FIELDS[field]
    subject, aspect, technique, application = (rng.choice(subjects), rng.choice(ASPECTS), rng.choice(techniques),
                                               rng.choice(applications))
    s, a, t, p = (names(x)[0] for x in (subject, aspect, technique, application))
    title = f"{rng.choice(MODIFIERS)}{s}{a}{rng.choice([e for e in ENDINGS if not a.endswith(e[-2:])])}"
    summary = f"本成果面向{p}，针对{s}{a}的难题，采用{t}，{rng.choice(BENEFITS)}。"
    return Achievement(field, subject, aspect, technique, application, title, "；".join((s, a, t)), summary,
                       rng.choice(MATURITY), rng.randrange(10, 2000) * 10_000 * 100)


def achievements(count: int, seed: int) -> list[Achievement]:
    rng = random.Random(seed)
    return [achievement(rng) for _ in range(count)]


def other_name(item: str, rng: random.Random) -> str:
    """Another name than the full one where there is one, else the full one."""
    options = names(item)
    return rng.choice(options[1:]) if len(options) > 1 else options[0]


def demand(a: Achievement, rng: random.Random, renamed: float = 2 / 3) -> dict:
    """A demand that ``a`` answers, in a company's words (never ``a``'s title): each of the
    subject, aspect, technique and application by another name with the chance ``renamed``
    (else by its full name), and always the subject or the aspect, so that the demand never
    holds the subject and aspect of the title side by side."""
    facets = [a.subject, a.aspect, a.technique, a.application]
    other = [rng.random() < renamed for _ in facets]
    if not (other[0] or other[1]):
        other[rng.randrange(2)] = True
    s, asp, t, p = (other_name(f, rng) if o else names(f)[0] for f, o in zip(facets, other, strict=True))
    title = rng.choice((f"{s}{asp}{rng.choice(NEEDS)}", f"寻求{s}{asp}{rng.choice(NEEDS)}",
                        f"{p.removesuffix('用')}用{s}{asp}{rng.choice(NEEDS)}"))
    description = (f"我公司主要面向{p}市场，目前{s}在{asp}方面{rng.choice(PAINS)}，"
                   f"希望引进基于{t}的成熟技术，{rng.choice(GOALS)}。")
    field = rng.choice((a.field, FIELD_NAMES[a.field], None))
    return {"title": title, "keywords": rng.choice((s, t, f"{s}；{t}")), "description": description,
            "field": field, "budget_fen": int(a.price_fen * rng.uniform(0.6, 2.0)) // 1_000_000 * 1_000_000}
