"""The quick ways in (workbook/quick.py: plain new contracts and achievements, and contracts a
re-import finds as the ledger holds them) must change nothing but the time: the same workbook imported with them and
without them gives the same ledger, the same summary and the same messages, whatever its rows
hold — good rows, bad rows, rows that create parties, duplicates, old contract kinds, changed
cells, registration histories."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import shutil

import pytest
import python_calamine
from workbooks import write_xlsx

from broker_desk.ledger import Ledger, journal
from broker_desk.workbook import importer, quick
from broker_desk.workbook.export import export_workbook

HEADERS = ["记录ID", "合同编号", "项目名称", "合同类别", "合同子类", "买方", "卖方", "关联成果", "签订日期", "有效期起",
           "有效期止", "合同成交额（元）", "非技术性费用（元）", "技术交易额（元）", "技术经纪人", "登记状态", "登记机构",
           "受理日期", "登记编号", "登记日期", "核定技术交易额（元）", "非技术性费用明细", "技术领域", "备注", "专家审核",
           "对接项目"]
HISTORY_HEADERS = ["合同编号", "卖方", "状态", "日期", "说明", "操作人"]
USERS = ["王五", None, "赵六"]  # who recorded a step (blank: who imports)
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
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), f"2024990101{n:06d}", D(2024, 3, 20), None),
             ("已登记", "上海技术合同登记处", D(2024, 3, 10), reg, D(2024, 3, 20), 9_000_000.0),
             ("草稿", None, None, reg, None, None), ("需补正", "上海技术合同登记处", D(2024, 3, 10), None, None, 1000.0),
             ("未知状态", None, None, None, None, None)]),
        "非技术性费用明细": ([None, None, None, "设备费 150000；材料费 50000"],
                     ["设备费 200000", "设备费 100000", "写不出金额的明细", "；", "设备费 " + "9" * 2000,
                      "；".join(f"第{i}项费用 1" for i in range(200))]),
        "技术领域": (["电子信息", None], ["不在代码表里"]),
        "备注": ([None, "备注"], ["=1+1"]),
        "专家审核": ([None, "否", "是"], ["也许", " 是 ", "Y", 1.0, True]),
        "对接项目": ([None, None, "电机对接"], ["没有这个项目", "同名项目", " 电机对接 "]),
    }


CHAINS = [["待提交"], ["待提交", "已受理"], ["待提交", "已受理", "已登记"], ["待提交", "已受理", "需补正", "已受理", "已登记"],
          ["已登记"], ["待提交", "已受理", "不予登记"], ["待提交", "未知"], ["待提交", "已受理", "已登记", "已撤销"],
          ["待提交", "已受理", "草稿"], ["待提交", "已受理", "已登记", "变更登记"],
          ["待提交", "已受理", "已登记", "变更登记", "变更登记", "已撤销"], ["待提交", "已受理", "变更登记"]]


SPECIAL = [
    {"非技术性费用明细": "；".join(f"第{i}项费用 1" for i in range(200)), "money": (1_000_000.0, None, None)},
    {"非技术性费用明细": "设备费 150000；材料费 50000", "money": (1_000_000.0, None, None)},
    {"money": (1_000_000.0, None, None), "registration": ("已登记", "上海技术合同登记处", D(2024, 3, 10),
                                                          "2024310101999999", D(2024, 3, 20), None)},
    {"买方": "乙大学"},
    {"合同编号": "HT-变更", "registration": ("已撤销", "上海技术合同登记处", D(2024, 3, 10), "2024310101999998",
                                        D(2024, 3, 20), None)},
]
#: Histories worth having every time: a registered contract changed twice, then cancelled.
SPECIAL_HISTORY = [("HT-变更", "乙大学", ["待提交", "已受理", "已登记", "变更登记", "变更登记", "已撤销"], False)]


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
    return contracts, history + SPECIAL_HISTORY


def _contract_row(r: dict) -> list:
    (category, subtype), (frm, to), (amount, deductions, tech) = r["kind"], r["valid"], r["money"]
    status, office, accepted, reg_no, registered, approved = r["registration"]
    return [r["记录ID"], r["合同编号"], r["项目名称"], category, subtype, r["买方"], r["卖方"], r["关联成果"], r["签订日期"],
            frm, to, amount, deductions, tech, r["技术经纪人"], status, office, accepted, reg_no, registered, approved,
            r["非技术性费用明细"], r["技术领域"], r["备注"], r["专家审核"], r.get("对接项目")]


def _history_rows(history) -> list[list]:
    out = []
    for no, seller, chain, backwards in history:
        day = D(2024, 3, 6)
        for status in chain:
            out.append([no, seller, status, day, None, USERS[len(out) % len(USERS)]])
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
        for title in ("电机对接", "同名项目", "同名项目"):
            led.add("engagement", {"title": title})
    return path


def _import(base, folder, book, quick_way: bool, chunk: int, monkeypatch, first_uid: int = 1):
    counter = itertools.count(first_uid)

    def uid() -> str:
        return f"00000000-0000-7000-8000-{next(counter):012d}"

    monkeypatch.setattr(journal, "new_uid", uid)
    monkeypatch.setattr(importer, "new_uid", uid)
    monkeypatch.setattr(quick, "new_uid", uid)
    monkeypatch.setattr(importer, "new_uids", lambda n: [uid() for _ in range(n)])
    monkeypatch.setattr(importer, "_CHUNK", chunk)  # columns found normal row by row, or a few rows together
    if not quick_way:
        monkeypatch.setattr(quick.QuickContracts, "insert", lambda self, raw, row_no, values: False)
        monkeypatch.setattr(quick.QuickContracts, "unchanged", lambda self, row_no, values: False)
        monkeypatch.setattr(quick.QuickAchievements, "insert", lambda self, row_no, values: False)
    path = folder / f"{'quick' if quick_way else 'general'}-{first_uid}.brokerdesk"
    shutil.copy(base, path)
    with Ledger.open(path, create=False) as led:
        result = importer.import_workbook(led, book, skip_invalid=True)
        tables = {}
        for table in ("contracts", "contract_brokers", "registration_events", "clients", "brokers", "changes",
                      "contract_search", "achievements"):
            columns = ", ".join(r[1] for r in led.conn.execute(f"PRAGMA table_xinfo({table})")
                                if r[1] not in ("created_at", "updated_at"))
            tables[table] = led.conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
    monkeypatch.undo()
    return result, tables


def _answers(monkeypatch, name: str, cls=quick.QuickContracts) -> list[bool]:
    """What ``cls.<name>`` answers, row by row, from now on."""
    answers, method = [], getattr(cls, name)

    def answering(self, *args):
        answers.append(method(self, *args))
        return answers[-1]

    monkeypatch.setattr(cls, name, answering)
    return answers


def _both_ways(base, folder, book, chunk, monkeypatch, first_uid: int = 1):
    """The book imported into copies of ``base`` with the quick ways and without: both results
    and tables, after checking they are the same."""
    quick_result, quick_tables = _import(base, folder, book, True, chunk, monkeypatch, first_uid)
    general_result, general_tables = _import(base, folder, book, False, chunk, monkeypatch, first_uid)
    assert quick_result.summaries == general_result.summaries
    assert [p.line() for p in quick_result.problems] == [p.line() for p in general_result.problems]
    assert quick_result.written == general_result.written
    for table, content in general_tables.items():
        assert quick_tables[table] == content, table
    return quick_result, quick_tables


@pytest.mark.parametrize("seed, chunk", [(1, 1), (2, 1), (3, 3), (4, 2000), (5, 1)])
def test_the_quick_way_changes_nothing_but_the_time(base, tmp_path, monkeypatch, seed, chunk):
    """Hundreds of rows, each field drawn at random from usual and unusual values (a chunk of
    one row: each row's columns found normal or not on their own)."""
    contracts, history = _draw(random.Random(seed), 300)
    sheets = {"技术合同": [HEADERS, *map(_contract_row, contracts)], "登记进度": [HISTORY_HEADERS, *_history_rows(history)]}
    book = write_xlsx(tmp_path / "book.xlsx", sheets)
    _, quick_tables = _both_ways(base, tmp_path, book, chunk, monkeypatch)
    assert quick_tables["contracts"]  # some rows went in, and not all: both ways were taken
    assert len(quick_tables["contracts"]) < len(contracts)


ACHIEVEMENT_HEADERS = ["记录ID", "成果名称", "持有方", "完成人", "技术领域", "知识产权类型", "专利号", "成熟度", "转化方式",
                       "意向价格（元）", "状态", "关键词"]


def _achievement_fields(n: int) -> dict[str, tuple[list, list]]:
    """For achievement row ``n``: each column's usual values and its unusual ones."""
    return {
        "记录ID": ([None, f"1c9d5a4e-54a5-4c1e-9d0e-{n:012d}"], ["not-a-record-id", "1c9d5a4e-54a5-4c1e-9d0e-000000000001"]),
        "成果名称": ([f"成果{n}", f"成果{n}"], ["高效电机控制技术", "成果1", " 带  空格 ", None, "长" * 201]),
        "持有方": (["乙大学", "甲科技有限公司"], ["同名客户", "新的持有方", "91110108MA01ABCD1E", None]),
        "完成人": ([None, "张三、李四"], ["长" * 501]),
        "技术领域": (["电子信息", None], ["不在代码表里"]),
        "知识产权类型": (["发明专利", None], ["不存在的类型"]),
        "专利号": ([None, "ZL202110921116.9", "ZL202110921116.9；ZL202316521470.X"],
                ["202110921116.9", "ZL202110921116.0", "不是专利号", "ZL2021 1092 1116.9", "ZL209910921116.9",
                 "ZL202110921116.9；ZL202110921116.9", "ZL202110921116.9；", "；".join(["ZL202110921116.9"] * 120)]),
        "成熟度": (["中试", None], ["很成熟"]),
        "转化方式": (["许可", None], ["送"]),
        "意向价格（元）": ([1_000_000.0, None], ["12.5万", -5.0, 1234.567]),
        "状态": (["征集", None], ["未知"]),
        "关键词": ([None, "电机"], ["=1+1"]),
    }


@pytest.mark.parametrize("seed, chunk", [(1, 1), (2, 2000), (3, 3)])
def test_the_quick_way_for_achievements_changes_nothing_but_the_time(base, tmp_path, monkeypatch, seed, chunk):
    """Achievement rows drawn as the contract rows are, with contracts that name some of them (in
    one chunk, unusual values only where they leave the columns in normal form)."""
    rng = random.Random(seed)
    odd = None if chunk < 300 else {"记录ID", "持有方", "专利号"}
    rows = [[rng.choice(unusual if rng.random() < 0.04 and (odd is None or name in odd) else usual)
             for name, (usual, unusual) in _achievement_fields(n).items()] for n in range(300)]
    plain = [usual[0] for usual, _ in _achievement_fields(300).values()]
    for title, holder, uid in (("高效电机控制技术", "乙大学", None), ("成果1", "乙大学", None), ("成果2", "乙大学", None),
                               ("成果2", "乙大学", "1c9d5a4e-54a5-4c1e-9d0e-000000000999")):  # the ledger's, this file's
        rows.append([uid, title, holder, *plain[3:]])
    rows[-4:-4] = [[None, "成果3", "乙大学", *plain[3:6], "不是专利号", *plain[7:]]]  # rejected: a row after it names it too
    rows.append([None, "成果3", "乙大学", *plain[3:]])
    contracts, _ = _draw(rng, 40)
    for c in contracts:
        c["关联成果"] = rng.choice([None, f"成果{rng.randrange(300)}", "成果1", "高效电机控制技术"])
    sheets = {"科技成果": [ACHIEVEMENT_HEADERS, *rows], "技术合同": [HEADERS, *map(_contract_row, contracts)]}
    book = write_xlsx(tmp_path / "book.xlsx", sheets)
    taken = _answers(monkeypatch, "insert", quick.QuickAchievements)  # by the quick import, which goes first
    result, tables = _both_ways(base, tmp_path, book, chunk, monkeypatch)
    summary = result.summaries["科技成果"]
    assert summary.inserted and summary.rejected
    assert len(tables["achievements"]) == 1 + summary.inserted
    assert taken.count(True) > summary.inserted / 2 and False in taken  # both ways were taken


def test_a_clean_export_goes_the_quick_way_row_for_row(demo_ledger, tmp_path, monkeypatch):
    """Every contract of an exported ledger is plain: none needs the general path."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    taken = _answers(monkeypatch, "insert")
    with Ledger.open(tmp_path / "new.brokerdesk") as led:
        result = importer.import_workbook(led, book)
        assert result.written and not result.errors
        assert len(taken) == demo_ledger.count("contract") == led.count("contract") and all(taken)


def _sheets(path) -> dict[str, list[list]]:
    """A workbook's sheets as rows, read back by python-calamine (an empty cell is None)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: [[None if cell == "" else cell for cell in row] for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names}


def _changed(rng: random.Random, sheets: dict[str, list[list]]) -> dict[str, list[list]]:
    """An exported workbook as a user sends it back: most rows as they were, some with a cell
    changed (to something else, or to the same said otherwise), rows copied, taken out or added,
    registration histories carried further, changed or cut short."""
    header, *rows = sheets["技术合同"]
    col = {h: i for i, h in enumerate(header)}
    out, more_steps = [], []
    for row in rows:
        row = list(row)
        change = rng.choice(["none"] * 6 + ["title", "amount", "status", "no_uid", "copy", "copy_no_uid",
                                             "same_items", "blank_deductions", "same_brokers", "other_no", "drop",
                                             "new", "bad_amount", "seller", "accepted", "accepted", "bad_uid",
                                             "new_broker", "changed_copy", "other_items"])
        if change == "accepted" and row[col["登记状态"]] == "草稿":  # handed in: with the steps that got it there
            row[col["登记状态"]], row[col["登记机构"]], row[col["受理日期"]] = "已受理", "上海技术合同登记处", D(2024, 4, 2)
            more_steps += [[row[col["合同编号"]], row[col["卖方"]], "待提交", D(2024, 4, 1), None],
                           [row[col["合同编号"]], row[col["卖方"]], "已受理", D(2024, 4, 2), None]]
        elif change == "bad_uid":
            row[col["记录ID"]] = rng.choice(["not-a-record-id", row[col["记录ID"]].upper()])
        elif change == "new_broker":
            row[col["技术经纪人"]] = rng.choice(["新经纪人", "张三(60%)；李四(30%)", "同名经纪人"])
        elif change == "changed_copy":  # changed by 记录ID, then named as it was by (合同编号, 卖方)
            out.append([*row[:col["项目名称"]], "改过的项目名称", *row[col["项目名称"] + 1:]])
            row[col["记录ID"]] = None
        elif change == "other_items":
            row[col["非技术性费用明细"]] = rng.choice(["设备费 1", "设备费 150000；材料费 50000", "说不清的费用"])
        elif change == "title":
            row[col["项目名称"]] = (row[col["项目名称"]] or "") + "（二期）"
        elif change == "amount":
            row[col["合同成交额（元）"]] = (row[col["合同成交额（元）"]] or 0) + 100.0
        elif change == "bad_amount":
            row[col["合同成交额（元）"]] = -1.0
        elif change == "status":
            row[col["登记状态"]] = rng.choice(["草稿", "待提交", "已受理", "已登记", "需补正"])
        elif change == "no_uid":
            row[col["记录ID"]] = None
        elif change in ("copy", "copy_no_uid"):
            out.append(list(row))
            if change == "copy_no_uid":
                row[col["记录ID"]] = None
        elif change == "same_items" and row[col["非技术性费用明细"]]:
            row[col["非技术性费用明细"]] = row[col["非技术性费用明细"]].replace(",", "").replace(".00", "")
        elif change == "blank_deductions":
            row[col["非技术性费用（元）"]] = None
        elif change == "same_brokers" and re.fullmatch(r"(.+)\(50%\)；(.+)\(50%\)", row[col["技术经纪人"]] or ""):
            row[col["技术经纪人"]] = re.sub(r"\(50%\)；(.+)\(50%\)", r"、\1", row[col["技术经纪人"]])
        elif change == "other_no":
            row[col["合同编号"]] = rng.choice(rows)[col["合同编号"]]
        elif change == "drop":
            continue
        elif change == "new":
            row[col["记录ID"]], row[col["合同编号"]] = None, f"NEW-{len(out)}"
        elif change == "seller":
            row[col["卖方"]] = rng.choice(["丙研究所", "甲科技有限公司"])
        out.append(row)
    history_header, *steps = sheets["登记进度"]
    changed_steps = []
    for step in steps:
        change = rng.choice(["none"] * 12 + ["date", "drop", "status", "more", "note", "user"])
        step = list(step)
        if change == "note":
            step[4] = "改过的说明"
        elif change == "user":  # who recorded a step the ledger holds: not a change
            step[5] = rng.choice(["别人", None])
        elif change == "date":
            step[3] = step[3] + dt.timedelta(days=1) if isinstance(step[3], dt.date) else step[3]
        elif change == "drop":
            continue
        elif change == "status":
            step[2] = rng.choice(["已受理", "需补正", "已登记", "不予登记"])
        changed_steps.append(step)
        if change == "more":
            changed_steps.append([step[0], step[1], rng.choice(["已受理", "已登记", "已撤销", "变更登记"]), step[3], "补记",
                                  rng.choice(USERS)])
    return {**sheets, "技术合同": [header, *out], "登记进度": [history_header, *changed_steps, *more_steps]}


@pytest.mark.parametrize("seed, chunk", [(11, 1), (12, 7), (13, 2000)])
def test_a_reimport_the_quick_way_changes_nothing_but_the_time(_demo_template, tmp_path, monkeypatch, seed, chunk):
    """A demo ledger's export sent back with changes (rows unchanged, changed, copied, dropped,
    added; histories kept, carried further or changed) into that ledger: the same both ways."""
    rng = random.Random(seed)
    ledger_path = shutil.copy(_demo_template, tmp_path / "ledger.brokerdesk")
    with Ledger.open(ledger_path, create=False) as led:
        held = led.count("contract")
        # histories the workflow would not allow (a ledger's own, as an older version may have left them)
        led.conn.execute("UPDATE registration_events SET to_status = '已登记' WHERE id IN (SELECT min(id) FROM "
                         "registration_events GROUP BY contract_id HAVING count(*) > 1 ORDER BY contract_id LIMIT 30)")
        led.conn.commit()
        export_workbook(led, tmp_path / "export.xlsx")
    book = write_xlsx(tmp_path / "back.xlsx", _changed(rng, _sheets(tmp_path / "export.xlsx")))
    taken = _answers(monkeypatch, "unchanged")
    result, tables = _both_ways(ledger_path, tmp_path, book, chunk, monkeypatch, first_uid=10**6)
    # both ways were taken, and the file did change the ledger
    assert held / 3 < taken.count(True) < held
    contracts, history = result.summaries["技术合同"], result.summaries["登记进度"]
    assert contracts.inserted and contracts.updated and contracts.rejected
    assert history.inserted and history.unchanged and history.rejected


def test_a_reimported_export_goes_the_quick_way_row_for_row(demo_ledger, tmp_path, monkeypatch):
    """Every contract of a ledger's own export is found unchanged the quick way, its history with it."""
    book = tmp_path / "demo.xlsx"
    export_workbook(demo_ledger, book)
    taken = _answers(monkeypatch, "unchanged")
    merged = []
    monkeypatch.setattr(importer._Import, "_merge_history", lambda self, *args: merged.append(args))
    result = importer.import_workbook(demo_ledger, book)
    assert not result.problems
    assert all(not (s.inserted or s.updated or s.rejected) for s in result.summaries.values())
    assert len(taken) == demo_ledger.count("contract") and all(taken)
    assert not merged  # every history was settled with its contract's row
    steps = demo_ledger.conn.execute("SELECT count(*) FROM registration_events").fetchone()[0]
    assert result.summaries["登记进度"].unchanged == steps > 0
