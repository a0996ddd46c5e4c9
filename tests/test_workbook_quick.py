"""The quick way in for plain new contracts (workbook/quick.py) must change nothing but the time:
the same workbook imported with it and without it gives the same ledger, the same summary and
the same messages, whatever its rows hold — good rows, bad rows, rows that create parties,
duplicates, old contract kinds, registration histories."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import shutil

import pytest
from workbooks import write_xlsx

from broker_desk.ledger import Ledger, journal
from broker_desk.workbook import importer, quick
from broker_desk.workbook.export import export_workbook

HEADERS = ["记录ID", "合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "关联成果", "签订日期", "有效期起",
           "有效期止", "合同成交额（元）", "非技术性费用（元）", "技术交易额（元）", "技术经纪人", "登记状态", "登记机构",
           "受理日期", "登记编号", "登记日期", "核定技术交易额（元）", "非技术性费用明细", "技术领域", "备注"]
HISTORY_HEADERS = ["合同编号", "卖方", "状态", "日期", "说明"]
D = dt.date

def _fields(n: int) -> dict[str, tuple[list, list]]:
    """For row ``n``: each field's usual values and its unusual ones (wrong, unknown, untidy)."""
    reg = f"2024310101{n:06d}"
    return {
        "记录ID": ([None, f"0b9d5a4e-54a5-4c1e-9d0e-{n:012d}"], ["not-a-record-id", "0b9d5a4e-54a5-4c1e-9d0e-000000000001"]),
        "合同编号": ([f"HT-{n}"], [" HT-7 ", None, "HT-1", "HT-2"]),
        "项目名称": (["智能仓储调度研发", "工业互联网平台"], ["带  空格的项目", "长" * 201, None]),
        "kind": ([("技术开发", "委托开发"), ("技术开发", "合作开发"), ("技术服务", "技术服务"), ("技术咨询", None)],
                 [("技术转让", "专利实施许可"), ("技术开发", "技术服务"), ("不存在的类别", None), (None, "委托开发")]),
        "买方": (["甲科技有限公司", "丙研究所"], ["乙大学", "同名客户", "新来的客户", "91110108MA01ABCD1E", None]),
        "卖方": (["乙大学"], ["丙研究所", "甲科技有限公司", "另一家新客户"]),
        "关联成果": ([None, "高效电机控制技术"], ["没有这项成果"]),
        "签订日期": ([D(2024, 3, 5)], ["2024/3/5", "2024年3月5日", "不是日期", None]),
        "valid": ([(None, None), (D(2024, 3, 5), D(2026, 3, 4))], [(D(2026, 3, 4), D(2024, 3, 5))]),
        "money": ([(1_000_000.0, 0.0, None), (1_000_000.0, 200_000.0, None), (100_000.0, 20_000.0, 80_000.0),
                   (1_000_000.0, None, None), (1_000_000.0, 100_000.0, 850_000.0)],
                  [(500.0, 800.0, None), (1_000_000.0, 0.0, 2_000_000.0), ("12.5万", None, None), (-5.0, None, None),
                   (1234.567, None, None), (None, None, None), (100_000.0, None, 0.0), (1_000_000.0, 100_000.0, 0.0)]),
        "技术经纪人": ([None, "张三(60%)；李四(40%)", "李四", "张三、李四", "张三(100%)"],
                  ["张三(50%)；李四(40%)", "新经纪人", "同名经纪人", "张三(abc)", "；", "张三(60%)；张三(40%)"]),
        "registration": (
            [(None, None, None, None, None, None), ("草稿", None, None, None, None, None),
             ("已受理", "上海技术合同登记处", D(2024, 3, 10), None, None, None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), reg, D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), reg, D(2024, 3, 20), 800_000.0),
             ("已撤销", "上海技术合同登记处", D(2024, 3, 10), reg, D(2024, 3, 20), None),
             (None, None, None, reg, D(2024, 3, 20), None)],
            [("已受理", None, None, None, None, None), ("已登记", "上海技术合同登记处", D(2024, 3, 10),
                                                   "2024310101000002", D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), f"2099310101{n:06d}", D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), f"24310101{n:06d}", D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), f"2024 3101 01{n:06d}", D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), reg, D(2024, 3, 20), 9_000_000.0),
             ("草稿", None, None, reg, None, None), ("需补正", "上海技术合同登记处", D(2024, 3, 10), None, None, 1000.0),
             ("未知状态", None, None, None, None, None)]),
        "非技术性费用明细": ([None, None, None, "设备费 150000；材料费 50000"],
                     ["设备费 200000", "设备费 100000", "写不出金额的明细", "；", "设备费 " + "9" * 2000,
                      "；".join(f"第{i}项费用 1" for i in range(200))]),
        "技术领域": (["电子信息", None], ["不在代码表里"]),
        "备注": ([None, "备注"], ["=1+1"]),
    }


CHAINS = [["待提交"], ["待提交", "已受理"], ["待提交", "已受理", "已登记"], ["待提交", "已受理", "需补正", "已受理", "已登记"],
          ["已登记"], ["待提交", "已受理", "不予登记"], ["待提交", "未知"], ["待提交", "已受理", "已登记", "已撤销"]]


SPECIAL = [
    {"非技术性费用明细": "；".join(f"第{i}项费用 1" for i in range(200)), "money": (1_000_000.0, None, None)},
    {"非技术性费用明细": "设备费 150000；材料费 50000", "money": (1_000_000.0, None, None)},
    {"money": (1_000_000.0, None, None), "registration": ("已登记", "上海技术合同登记处", D(2024, 3, 10),
                                                          "2024310101999999", D(2024, 3, 20), None)},
    {"买方": "乙大学"},
]


def _draw(rng: random.Random, count: int) -> tuple[list[dict], list]:
    """``count`` contract rows — each field usual, or now and then (1 in 25) unusual, so that
    about half the rows are plain — and registration histories for some of them."""
    contracts = []
    for n in range(count):
        contracts.append({name: rng.choice(unusual if rng.random() < 0.04 else usual)
                          for name, (usual, unusual) in _fields(n).items()})
    for n, special in enumerate(SPECIAL, start=count):  # rarities worth having every time
        contracts.append({**{name: usual[0] for name, (usual, _) in _fields(n).items()}, **special})
    history = [(f"HT-{rng.randrange(count + 5)}", rng.choice(["乙大学", "乙大学", "丙研究所"]), rng.choice(CHAINS),
                rng.random() < 0.05) for _ in range(count // 2)]
    return contracts, history


def _contract_row(r: dict) -> list:
    (category, subtype), (frm, to), (amount, deductions, tech) = r["kind"], r["valid"], r["money"]
    status, office, accepted, reg_no, registered, approved = r["registration"]
    return [r["记录ID"], r["合同编号"], r["项目名称"], category, subtype, r["买方"], r["卖方"], r["关联成果"], r["签订日期"],
            frm, to, amount, deductions, tech, r["技术经纪人"], status, office, accepted, reg_no, registered, approved,
            r["非技术性费用明细"], r["技术领域"], r["备注"]]


def _history_rows(history) -> list[list]:
    out = []
    for no, seller, chain, backwards in history:
        day = D(2024, 3, 6)
        for status in chain:
            out.append([no, seller, status, day, None])
            day += dt.timedelta(days=-3 if backwards else 2)
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A ledger holding the parties, brokers and the achievement the rows name (some twice)."""
    path = tmp_path_factory.mktemp("quick") / "base.brokerdesk"
    with Ledger.open(path) as led:
        ids = {name: led.add("client", {"name": name}).id for name in ("甲科技有限公司", "乙大学", "丙研究所")}
        led.add("client", {"name": "同名客户"})
        led.add("client", {"name": "同名客户", "credit_code": "91110108MA01ABCD1E"})
        for name in ("张三", "李四", "同名经纪人", "同名经纪人"):
            led.add("broker", {"name": name})
        led.add("achievement", {"title": "高效电机控制技术", "holder_id": ids["乙大学"]})
    return path


def _import(base, folder, book, quick_way: bool, chunk: int, monkeypatch):
    counter = itertools.count(1)

    def uid() -> str:
        return f"00000000-0000-7000-8000-{next(counter):012d}"

    monkeypatch.setattr(journal, "new_uid", uid)
    monkeypatch.setattr(importer, "new_uid", uid)
    monkeypatch.setattr(quick, "new_uid", uid)
    monkeypatch.setattr(importer, "new_uids", lambda n: [uid() for _ in range(n)])
    monkeypatch.setattr(importer, "_CHUNK", chunk)  # columns found normal row by row, or a few rows together
    if not quick_way:
        monkeypatch.setattr(quick.QuickContracts, "insert", lambda self, raw, row_no, values: False)
    path = folder / f"{'quick' if quick_way else 'general'}.brokerdesk"
    shutil.copy(base, path)
    with Ledger.open(path, create=False) as led:
        result = importer.import_workbook(led, book, skip_invalid=True)
        tables = {}
        for table in ("contracts", "contract_brokers", "registration_events", "clients", "brokers", "changes",
                      "contract_search"):
            columns = ", ".join(r[1] for r in led.conn.execute(f"PRAGMA table_xinfo({table})")
                                if r[1] not in ("created_at", "updated_at"))
            tables[table] = led.conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
    monkeypatch.undo()
    return result, tables


@pytest.mark.parametrize("seed, chunk", [(1, 1), (2, 1), (3, 3), (4, 2000), (5, 1)])
def test_the_quick_way_changes_nothing_but_the_time(base, tmp_path, monkeypatch, seed, chunk):
    """Hundreds of rows, each field drawn at random from usual and unusual values (a chunk of
    one row: each row's columns found normal or not on their own)."""
    contracts, history = _draw(random.Random(seed), 300)
    sheets = {"技术合同": [HEADERS, *map(_contract_row, contracts)], "登记进度": [HISTORY_HEADERS, *_history_rows(history)]}
    book = write_xlsx(tmp_path / "book.xlsx", sheets)
    quick_result, quick_tables = _import(base, tmp_path, book, True, chunk, monkeypatch)
    general_result, general_tables = _import(base, tmp_path, book, False, chunk, monkeypatch)
    assert quick_result.summaries == general_result.summaries
    assert [p.line() for p in quick_result.problems] == [p.line() for p in general_result.problems]
    assert quick_result.written == general_result.written
    for table, content in general_tables.items():
        assert quick_tables[table] == content, table
    assert quick_tables["contracts"]  # some rows went in, and not all: both ways were taken
    assert len(quick_tables["contracts"]) < len(contracts)


def test_a_clean_export_goes_the_quick_way_row_for_row(demo_ledger, tmp_path, monkeypatch):
    """Every contract of an exported ledger is plain: none needs the general path."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    taken = []
    insert = quick.QuickContracts.insert
    monkeypatch.setattr(quick.QuickContracts, "insert",
                        lambda self, raw, row_no, values: taken.append(insert(self, raw, row_no, values)) or taken[-1])
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        result = importer.import_workbook(led, book)
        assert result.written and not result.errors
        assert len(taken) == demo_ledger.count("contract") == led.count("contract") and all(taken)
