"""A small ledger whose 2024 reward estimates are known by hand (issue 18).

Clients: buyers B1 江西甲公司 (360102), B2 北京乙公司 (110108); sellers S1 南昌大学 (360100),
S2 北京理工 (110108). Brokers: 张三, 李四 (甲机构), 王五 (乙机构), 孙七 (no institution).
Amounts in 元 (no deductions, so 成交额 = 技术交易额 = 核定技术交易额):

| key | amount        | registered | buyer/seller | brokers              | category |
|-----|---------------|------------|--------------|----------------------|----------|
| A   | 2,000,000     | 2024-02-01 | B1/S1        | 张三 60, 李四 40      | 技术开发 |
| B   |   800,000     | 2024-03-01 | B1/S2        | 王五 100             | 技术转让 |
| C   |   300,000     | 2024-04-01 | B2/S1        | 孙七 100             | 技术服务 |
| D   | 12,000,000    | 2024-05-01 | B1/S1        | 张三 50, 王五 30, 孙七 20 | 技术开发 |
| E   | 5,000,000     | 2025-01-05 | B2/S2        | 王五 100             | 技术开发 |
| F   | 1,000,000     | (draft)    | B2/S2        | —                    | 技术开发 |

Receipts (到账记录): A 500,000 on 2024-03-01, 300,000 on 2024-12-31, 100,000 on 2025-01-02;
C 300,000 on 2024-05-01; E 1,000,000 on 2024-12-01 (E is 已登记, in 2025); F 200,000 on 2024-06-01
(F is a draft: never counts).
"""

from __future__ import annotations

from types import SimpleNamespace

from rankings_ledger import register

YUAN = 100


def build(ledger) -> SimpleNamespace:
    def broker(name, institution=None):
        return ledger.add("broker", {"name": name, "institution": institution}).id

    def client(name, region):
        return ledger.add("client", {"name": name, "region": region, "nature": "企业"}).id

    brokers = {"张三": broker("张三", "甲机构"), "李四": broker("李四", "甲机构"), "王五": broker("王五", "乙机构"),
               "孙七": broker("孙七")}
    clients = {"B1": client("江西甲公司", "360102"), "B2": client("北京乙公司", "110108"),
               "S1": client("南昌大学", "360100"), "S2": client("北京理工", "110108")}

    def contract(key, amount_yuan, buyer, seller, shares, category="技术开发", subtype="委托开发"):
        values = {"contract_no": f"HT-{key}", "title": f"项目{key}", "category": category, "subtype": subtype,
                  "buyer_id": clients[buyer], "seller_id": clients[seller], "signed_on": "2024-01-02",
                  "amount_fen": amount_yuan * YUAN, "brokers": [(brokers[b], pct) for b, pct in shares]}
        return ledger.add("contract", values).id

    c = {"A": contract("A", 2_000_000, "B1", "S1", [("张三", 60), ("李四", 40)]),
         "B": contract("B", 800_000, "B1", "S2", [("王五", 100)], "技术转让", "专利权转让"),
         "C": contract("C", 300_000, "B2", "S1", [("孙七", 100)], "技术服务", "技术服务"),
         "D": contract("D", 12_000_000, "B1", "S1", [("张三", 50), ("王五", 30), ("孙七", 20)]),
         "E": contract("E", 5_000_000, "B2", "S2", [("王五", 100)]),
         "F": contract("F", 1_000_000, "B2", "S2", [])}
    for key, registered in (("A", "2024-02-01"), ("B", "2024-03-01"), ("C", "2024-04-01"), ("D", "2024-05-01"),
                            ("E", "2025-01-05")):
        register(ledger, c[key], "2024-01-10", registered)
    for key, on, amount in (("A", "2024-03-01", 500_000), ("A", "2024-12-31", 300_000), ("A", "2025-01-02", 100_000),
                            ("C", "2024-05-01", 300_000), ("E", "2024-12-01", 1_000_000),
                            ("F", "2024-06-01", 200_000)):
        ledger.add("receipt", {"contract_id": c[key], "received_on": on, "amount_fen": amount * YUAN})
    return SimpleNamespace(brokers=brokers, clients=clients, contracts=c)
