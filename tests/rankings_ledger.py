"""A small ledger whose 2024 ranking and statistics are known by hand (issue 6).

Brokers (所属机构): 张三, 李四 (甲机构); 王五, 赵六, 周八 (乙机构); 孙七 (none);
钱九 (丙机构). Clients: buyers X1 (北京 110108), X2 (上海 310115), X3 (广东 440305),
X4 (北京 110105), X5 (no region); sellers S1–S5. Every contract signed 2024-01-02;
``TODAY`` = 2025-06-30. Amounts in fen.

| key | brokers        | category | amount      | approved    | commission | accepted   | registered | status |
|-----|----------------|----------|-------------|-------------|------------|------------|------------|--------|
| K1  | 张三 60 李四 40 | 技术开发 | 100_000_000 | 90_000_000  | 3_000_000  | 2024-03-05 | 2024-03-10 | 已登记 (X1/S1, 电子信息) |
| K2  | 王五 100       | 技术转让 | 50_000_000  | (declared)  | 1_000_001  | 2024-05-02 | 2024-06-01 | 已登记 (X2/S1, 电子信息) |
| K3  | 赵六 100       | 技术服务 | 30_000_000  | (declared)  | —          | 2024-12-06 | 2024-12-31 | 已登记 (X1/S2, 先进制造) |
| K4  | 孙七 100       | 技术开发 | 30_000_000  | (declared)  | 500_000    | 2024-07-29 | 2024-08-08 | 已登记 (X3/S3) |
| K11 | 张三 100       | 技术咨询 | 10_000_000  | (declared)  | —          | 2024-01-13 | 2024-02-02 | 已登记 (X2/S2) |
| K12 | 钱九 100       | 技术开发 | 25_000_000, deductions 5_000_000 → 20_000_000 | | 200_000 | 2024-08-01 | 2024-09-15 | 已登记 (X4/S4) |
| K9  | —              | 技术许可 | 40_000_000  | (declared)  | —          | 2024-09-25 | 2024-10-10 | 已登记 (X5/S5) |
| K5  | 王五 100       | 技术开发 | 900_000_000 |             |            | 2024-12-20 | 2025-01-01 | 已登记 (next year) |
| K6  | 周八 100       | 技术开发 | 800_000_000 |             |            | 2024-06-01 | —          | 不予登记 2024-06-20 |
| K7  | 张三 50 周八 50 | 技术开发 | 700_000_000 |             |            | 2024-04-20 | 2024-05-05 | 已撤销 2024-07-01 |
| K8  | 李四 100       | 技术开发 | 600_000_000 |             |            | 2024-11-01 | —          | 已受理 (overdue) |
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from broker_desk.registration import ACCEPTED, READY, REFUSED, REGISTERED, WITHDRAWN

TODAY = dt.date(2025, 6, 30)
OFFICE = "北京技术市场管理办公室"
SIGNED = "2024-01-02"


_serials = itertools.count(1)


def accept(ledger, cid: int, on: str) -> None:
    """草稿 → 待提交 → 已受理 on one day."""
    ledger.move(cid, READY, on, today=TODAY)
    ledger.move(cid, ACCEPTED, on, reg_office=OFFICE, today=TODAY)


def register(ledger, cid: int, accepted: str, registered: str, approved: int | None = None) -> None:
    """Through the workflow to 已登记 (a new 16-digit 登记编号; 核定 defaults to the declared amount)."""
    accept(ledger, cid, accepted)
    reg_no = f"{registered[:4]}110101{next(_serials):06d}"
    ledger.move(cid, REGISTERED, registered, reg_no=reg_no, approved_fen=approved, today=TODAY)


def build(ledger) -> SimpleNamespace:
    """Fill ``ledger``; returns the ids: ``ns.brokers[name]``, ``ns.contracts[key]``, ``ns.clients[key]``."""

    def broker(name, institution=None):
        return ledger.add("broker", {"name": name, "institution": institution}).id

    def client(name, region=None, nature="企业"):
        return ledger.add("client", {"name": name, "region": region, "nature": nature}).id

    brokers = {"张三": broker("张三", "甲机构"), "李四": broker("李四", "甲机构"), "王五": broker("王五", "乙机构"),
               "赵六": broker("赵六", "乙机构"), "周八": broker("周八", "乙机构"), "孙七": broker("孙七"),
               "钱九": broker("钱九", "丙机构")}
    clients = {"X1": client("北京甲公司", "110108"), "X2": client("上海乙公司", "310115"),
               "X3": client("深圳丙公司", "440305"), "X4": client("北京丁公司", "110105"),
               "X5": client("无地区戊公司")}
    for i in range(1, 6):
        clients[f"S{i}"] = client(f"卖方大学{i}", "110108", "高等院校")

    def contract(key, shares, category, subtype, amount, buyer, seller, commission=None, deductions=0, field=None):
        values = {"contract_no": f"HT-{key}", "title": f"项目{key}", "category": category, "subtype": subtype,
                  "buyer_id": clients[buyer], "seller_id": clients[seller], "signed_on": SIGNED,
                  "amount_fen": amount, "deductions_fen": deductions, "commission_fen": commission,
                  "field": field, "brokers": [(brokers[b], pct) for b, pct in shares]}
        return ledger.add("contract", values).id

    c = {}
    c["K1"] = contract("K1", [("张三", 60), ("李四", 40)], "技术开发", "委托开发", 100_000_000, "X1", "S1",
                       commission=3_000_000, field="电子信息")
    register(ledger, c["K1"], "2024-03-05", "2024-03-10", approved=90_000_000)
    c["K2"] = contract("K2", [("王五", 100)], "技术转让", "专利权转让", 50_000_000, "X2", "S1",
                       commission=1_000_001, field="电子信息")
    register(ledger, c["K2"], "2024-05-02", "2024-06-01")
    c["K3"] = contract("K3", [("赵六", 100)], "技术服务", "技术服务", 30_000_000, "X1", "S2", field="先进制造")
    register(ledger, c["K3"], "2024-12-06", "2024-12-31")
    c["K4"] = contract("K4", [("孙七", 100)], "技术开发", "委托开发", 30_000_000, "X3", "S3", commission=500_000)
    register(ledger, c["K4"], "2024-07-29", "2024-08-08")
    c["K11"] = contract("K11", [("张三", 100)], "技术咨询", "技术咨询", 10_000_000, "X2", "S2")
    register(ledger, c["K11"], "2024-01-13", "2024-02-02")
    c["K12"] = contract("K12", [("钱九", 100)], "技术开发", "合作开发", 25_000_000, "X4", "S4",
                        commission=200_000, deductions=5_000_000)
    register(ledger, c["K12"], "2024-08-01", "2024-09-15")
    c["K9"] = contract("K9", [], "技术许可", "专利实施许可", 40_000_000, "X5", "S5")
    register(ledger, c["K9"], "2024-09-25", "2024-10-10")
    c["K5"] = contract("K5", [("王五", 100)], "技术开发", "委托开发", 900_000_000, "X1", "S3")
    register(ledger, c["K5"], "2024-12-20", "2025-01-01")
    c["K6"] = contract("K6", [("周八", 100)], "技术开发", "委托开发", 800_000_000, "X1", "S4")
    accept(ledger, c["K6"], "2024-06-01")
    ledger.move(c["K6"], REFUSED, "2024-06-20", note="不属于技术合同", today=TODAY)
    c["K7"] = contract("K7", [("张三", 50), ("周八", 50)], "技术开发", "委托开发", 700_000_000, "X2", "S5")
    register(ledger, c["K7"], "2024-04-20", "2024-05-05")
    ledger.move(c["K7"], WITHDRAWN, "2024-07-01", note="合同解除", today=TODAY)
    c["K8"] = contract("K8", [("李四", 100)], "技术开发", "委托开发", 600_000_000, "X3", "S1")
    accept(ledger, c["K8"], "2024-11-01")
    return SimpleNamespace(brokers=brokers, clients=clients, contracts=c)


#: The 2024 ranking by broker, default order, in display order:
#: (rank, name, institution, contracts, amount, approved, commission, clients)
BROKERS_2024 = [
    (1, "张三", "甲机构", 2, 70_000_000, 64_000_000, 1_800_000, 4),
    (2, "王五", "乙机构", 1, 50_000_000, 50_000_000, 1_000_001, 2),
    (3, "李四", "甲机构", 1, 40_000_000, 36_000_000, 1_200_000, 2),
    (4, "孙七", "", 1, 30_000_000, 30_000_000, 500_000, 2),   # tied with 赵六; 孙 (sun) before 赵 (zhao)
    (4, "赵六", "乙机构", 1, 30_000_000, 30_000_000, 0, 2),
    (6, "钱九", "丙机构", 1, 25_000_000, 20_000_000, 200_000, 2),
]
#: The totals: each contract with a broker once, in full (K1, K2, K3, K4, K11, K12).
TOTALS_2024 = (6, 245_000_000, 230_000_000, 4_700_001, 8)
#: The 2024 ranking by institution: (rank, name, contracts, amount, approved, commission, clients).
INSTITUTIONS_2024 = [
    (1, "甲机构", 2, 110_000_000, 100_000_000, 3_000_000, 4),
    (2, "乙机构", 2, 80_000_000, 80_000_000, 1_000_001, 4),
    (3, "（未填所属机构）", 1, 30_000_000, 30_000_000, 500_000, 2),
    (4, "丙机构", 1, 25_000_000, 20_000_000, 200_000, 2),
]
