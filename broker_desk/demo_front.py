"""The front office of the demo ledger (``broker-desk demo``): companies' technology demands,
engagements at every stage with their brokers, and follow-ups dated around ``today`` — some
next steps due today, some overdue, some ahead. Some engagements were signed: each is linked
to a contract of the demo (its parties, achievement, brokers and amount) and the contract names
it back.

It draws from a generator of its own (seeded from the demo's seed), so the rest of the demo is
the same as without it; one demand per 25 contracts, at most 2,000 (100,000 contracts: its
workbook's three sheets stay small beside the contracts, so the import time goal holds).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from .frontoffice import ENDED, SIGNED, STAGES

DEMAND_FORMS = (("{o}关键技术攻关", "技术攻关"), ("{o}工艺改进", "工艺改进"), ("引进{o}成果", "成果引进"),
                ("{o}技术咨询", "技术咨询"), ("{o}检测技术服务", "技术服务"), ("{o}揭榜挂帅项目", "揭榜挂帅"))
SOURCES = ("企业走访", "企业走访", "线上征集", "对接活动", "政府发布", "其他")
CHANNELS = ("电话", "走访", "会议", "路演", "洽谈", "邮件")
TALKS = ("了解企业的技术痛点和指标要求", "介绍成果的技术参数和应用案例", "双方技术负责人交流实验数据",
         "讨论合作方式和知识产权归属", "企业提出报价过高，需再商议", "确认样品测试方案", "参加成果路演，企业表示兴趣",
         "商讨合同条款和付款方式")
STEPS = ("约企业技术负责人面谈", "发送成果资料和报价单", "安排实验室参观", "组织双方视频会议", "提交技术方案",
         "跟进样品测试结果", "确认合同文本", "催问企业内部审批进度")
END_REASONS = ("企业预算不足", "技术指标达不到要求", "企业改为自主研发", "双方在价格上未能达成一致", "企业需求取消")
ACTIVE = STAGES[:4]  # 初步接触 … 商务洽谈


def generate(seed: int, today: dt.date, stamp: str, data: dict) -> dict[str, list]:
    """Demands, engagements (with their brokers) and follow-ups for the demo's ``data`` (its rows:
    ``contracts``, ``clients``, ``companies``, ``academics``, ``achievements``, ``broker_links``,
    ``brokers``); a signed engagement's contract gets its ``engagement_id``. Rows as the tables
    take them: ``demands``, ``engagements``, ``engagement_brokers``, ``followups``."""
    rng = random.Random(seed * 7919 + 104729)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    contracts, companies, academics = data["contracts"], data["companies"], data["academics"]
    achievements, n_brokers = data["achievements"], data["brokers"]
    n_demands = max(20, min(len(contracts) // 25, 2000))
    demands, engagements, links, followups = [], [], [], []
    brokers_of: dict[int, list[tuple[int, int]]] = {}
    for contract_id, broker_id, share in data["broker_links"]:
        brokers_of.setdefault(contract_id, []).append((broker_id, share))
    objects = [a["keywords"] for a in achievements[:200]]

    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    def demand(client: int, status: str, started: dt.date, field: str | None = None, broker: int | None = None) -> int:
        form, kind = rng.choice(DEMAND_FORMS)
        obj = rng.choice(objects)
        published = started - dt.timedelta(days=rng.randrange(5, 60))
        demands.append({
            "id": len(demands) + 1, "uid": uid(), "title": form.format(o=obj), "client_id": client,
            "field": field or rng.choice(achievements)["field"], "kind": kind,
            "description": f"希望解决{obj}方面的技术难题，提升产品性能并降低成本", "keywords": obj,
            "budget_fen": rng.randrange(5, 500) * 10_000 * 100, "deadline": day(rng.randrange(30, 400)),
            "broker_id": broker or rng.randrange(1, n_brokers + 1), "source": rng.choice(SOURCES), "status": status,
            "published_on": None if status == "征集中" else published.isoformat(), "note": None, "warnings": None,
            "created_at": stamp, "updated_at": stamp})
        return len(demands)

    def engagement(title: str, demand_id: int | None, achievement: int | None, buyer: int | None,
                   seller: int | None, stage: str, started: dt.date, expected: int, shares) -> int:
        eid = len(engagements) + 1
        engagements.append({
            "id": eid, "uid": uid(), "title": title, "demand_id": demand_id, "achievement_id": achievement,
            "demand_client_id": buyer, "supply_client_id": seller, "stage": stage, "expected_fen": expected,
            "started_on": started.isoformat(), "end_reason": rng.choice(END_REASONS) if stage == ENDED else None,
            "note": None, "warnings": None, "created_at": stamp, "updated_at": stamp})
        links.extend((eid, b, s) for b, s in shares)
        return eid

    def followup(eid: int, on: dt.date, broker: int, next_on: dt.date | None, done: bool) -> None:
        followups.append({
            "id": len(followups) + 1, "uid": uid(), "engagement_id": eid, "on_date": on.isoformat(),
            "channel": rng.choice(CHANNELS), "broker_id": broker, "content": rng.choice(TALKS),
            "next_step": rng.choice(STEPS) if next_on else None, "next_on": next_on.isoformat() if next_on else None,
            "done": int(done), "created_at": stamp, "updated_at": stamp})

    def history(eid: int, start: dt.date, end: dt.date, broker: int, open_next: dt.date | None) -> None:
        """Follow-ups from ``start`` to ``end``, each setting the next; the last one's next step is
        ``open_next`` (undone) or none."""
        on, count = start, rng.randrange(1, 5)
        for n in range(count):
            last = n == count - 1
            gap = max(1, (end - on).days // (count - n))
            following = on + dt.timedelta(days=rng.randrange(1, gap + 1)) if not last else open_next
            if following is not None and following < on:
                following = on
            followup(eid, on, broker, following, done=not last or open_next is None)
            if last:
                break
            on = min(end, following)

    def team() -> list[tuple[int, int]]:
        chosen = rng.sample(range(1, n_brokers + 1), min(n_brokers, rng.choice((1, 1, 2))))
        return list(zip(chosen, (10000,) if len(chosen) == 1 else (6000, 4000), strict=False))

    # signed: from the demo's contracts of the last two years, a quarter of the engagements
    cutoff = day(-730)
    recent = [c for c in contracts if c["signed_on"] >= cutoff]
    for c in rng.sample(recent, min(len(recent), n_demands // 4)):
        signed = dt.date.fromisoformat(c["signed_on"])
        started = signed - dt.timedelta(days=rng.randrange(20, 150))
        shares = brokers_of.get(c["id"]) or [(rng.randrange(1, n_brokers + 1), 10000)]
        d = demand(c["buyer_id"], SIGNED, started, c["field"], shares[0][0])
        eid = engagement(c["title"], d, c["achievement_id"], c["buyer_id"], c["seller_id"], SIGNED, started,
                         c["amount_fen"], shares)
        c["engagement_id"] = eid
        history(eid, started, signed, shares[0][0], None)
    # under way, ended, and demands still waiting
    while len(demands) < n_demands:
        started = today - dt.timedelta(days=int(rng.random() ** 1.5 * 300) + 1)
        roll = rng.random()
        if roll < 0.25:  # no engagement yet
            demand(rng.choice(companies), rng.choice(("征集中", "已发布", "已发布", "已关闭")), started)
            continue
        stage = ENDED if roll < 0.35 else rng.choice(ACTIVE)
        shares = team()
        buyer = rng.choice(companies)
        d = demand(buyer, "已关闭" if stage == ENDED else "对接中", started, broker=shares[0][0])
        achievement = rng.randrange(1, len(achievements) + 1) if rng.random() < 0.7 else None
        seller = achievements[achievement - 1]["holder_id"] if achievement else rng.choice(academics)
        if seller == buyer:  # a company holding the achievement it needs: no supply side yet
            seller = achievement = None
        title = demands[d - 1]["title"].removesuffix("项目") + "对接"
        expected = rng.randrange(5, 300) * 10_000 * 100 if stage != STAGES[0] or rng.random() < 0.5 else None
        eid = engagement(title, d, achievement, buyer, seller, stage, started, expected, shares)
        if stage == ENDED:
            history(eid, started, min(today, started + dt.timedelta(days=rng.randrange(10, 120))), shares[0][0], None)
        else:  # the next step: overdue (a third), due today or this week, or ahead
            ahead = rng.choice((-rng.randrange(1, 30), -rng.randrange(1, 8), 0, rng.randrange(1, 8), rng.randrange(8, 40)))
            next_on = max(started, today + dt.timedelta(days=ahead))
            history(eid, started, min(today, next_on), shares[0][0], next_on)
    return {"demands": demands, "engagements": engagements, "engagement_brokers": links, "followups": followups}
