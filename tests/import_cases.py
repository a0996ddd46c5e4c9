"""Representative imports and what they gave, recorded (issue 19): each case builds a ledger and a
workbook (random contract, achievement and follow-up sheets with good and bad rows, a demo export into
an empty ledger and back into its own, an export sent back changed, money sheets with errors, the
LibreOffice fixtures), imports it, and takes the ledger's contents (every table, minus the clock's
stamps), the summaries and every message. ``tests/test_import_recorded.py`` compares the import with
what ``python tests/import_cases.py`` recorded under tests/data/recorded/ (recorded with the
importer of before issue 19, which had a quick path beside the general one)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import random
import re
import sys
from pathlib import Path

import python_calamine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from workbooks import write_xlsx  # noqa: E402

from broker_desk.ledger import Ledger  # noqa: E402

RECORDED = HERE / "data" / "recorded"
FIXTURES = HERE / "data" / "workbooks"
DEMO_TODAY = dt.date(2026, 6, 15)
TODAY = dt.date(2026, 12, 7)  # the import's "today" (a registration number of a later year warns)
#: Tables this long are kept as a digest (and their row count), not row by row.
_ROWS_KEPT = 400

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
                 [("技术转让", "专利实施许可"), ("技术开发", "技术服务"), ("不存在的类别", None), (None, "委托开发"),
                  ("技术开发合同", "委托研发"), ("技术转让", "技术秘密许可"), ("技术开发类", "专利转让")]),
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
        "技术领域": (["电子信息", None], ["不在代码表里", "新能源", "新能源技术", "01", "生物"]),
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


ACHIEVEMENT_HEADERS = ["记录ID", "成果名称", "持有方", "完成人", "技术领域", "知识产权类型", "专利号", "成熟度", "转化方式",
                       "意向价格（元）", "状态", "关键词"]


def _achievement_fields(n: int) -> dict[str, tuple[list, list]]:
    """For achievement row ``n``: each column's usual values and its unusual ones."""
    return {
        "记录ID": ([None, f"1c9d5a4e-54a5-4c1e-9d0e-{n:012d}"], ["not-a-record-id", "1c9d5a4e-54a5-4c1e-9d0e-000000000001"]),
        "成果名称": ([f"成果{n}", f"成果{n}"], ["高效电机控制技术", "成果1", " 带  空格 ", None, "长" * 201]),
        "持有方": (["乙大学", "甲科技有限公司"], ["同名客户", "新的持有方", "91110108MA01ABCD1E", None]),
        "完成人": ([None, "张三、李四"], ["长" * 501]),
        "技术领域": (["电子信息", None], ["不在代码表里", "生物医药"]),
        "知识产权类型": (["发明专利", None], ["不存在的类型", "实用新型专利", "实用新形专利", "专利权"]),
        "专利号": ([None, "ZL202110921116.9", "ZL202110921116.9；ZL202316521470.X"],
                ["202110921116.9", "ZL202110921116.0", "不是专利号", "ZL2021 1092 1116.9", "ZL209910921116.9",
                 "ZL202110921116.9；ZL202110921116.9", "ZL202110921116.9；", "；".join(["ZL202110921116.9"] * 120)]),
        "成熟度": (["中试", None], ["很成熟", "中试阶段", "试验"]),
        "转化方式": (["许可", None], ["送"]),
        "意向价格（元）": ([1_000_000.0, None], ["12.5万", -5.0, 1234.567]),
        "状态": (["征集", None], ["未知"]),
        "关键词": ([None, "电机"], ["=1+1"]),
    }


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


FOLLOWUP_FIELDS = {  # each column's usual values, then its unusual ones
    "记录ID": ([None, None, "uid"], ["not-a-record-id", "0b9d5a4e-54a5-4c1e-9d0e-000000000001"]),
    "对接项目": (["电机对接", "水处理对接"], ["同名项目", "没有的项目", " 电机对接 ", None]),
    "日期": ([dt.date(2026, 5, 1), dt.date(2026, 5, 2)], ["2026/5/3", "不是日期", None]),
    "方式": (["电话", "走访", None], ["飞鸽"]),
    "经纪人": ([None, "张三", "李四"], ["同名经纪人", "新经纪人"]),
    "内容": (["沟通", "走访车间"], [None, "长" * 5001, "  两个  空格 "]),
    "下一步": ([None, "报价"], ["=1+1"]),
    "下次跟进日期": ([None, dt.date(2026, 5, 9)], [dt.date(2026, 4, 1), "2026-05-10"]),
    "已完成": ([None, "否", "是"], ["也许", "Y", 1.0]),
}


def _followup_book(tmp_path, seed: int, count: int = 300):
    import random

    rng = random.Random(seed)
    rows = [list(FOLLOWUP_FIELDS)]
    for n in range(count):
        row = [rng.choice(unusual if rng.random() < 0.05 else usual) for usual, unusual in FOLLOWUP_FIELDS.values()]
        if row[0] == "uid":
            row[0] = f"0b9d5a4e-54a5-4c1e-9d0e-{n:012d}"
        if row[5] in ("沟通", "走访车间") and rng.random() < 0.9:  # mostly follow-ups of their own
            row[5] = f"{row[5]}{n}"
        rows.append(row)
    rows.append(rows[1])  # the same follow-up twice
    return write_xlsx(tmp_path / f"f{seed}.xlsx", {"跟进记录": rows})



# -- running a case: the same record ids every time, the chunk size chosen ----------------------------------

@contextlib.contextmanager
def steady(chunk: int | None = None):
    """Record ids counted from 1 (every module that makes them, one at a time), and rows converted ``chunk`` at a
    time (columns found normal row by row, or a few rows together) while the block runs."""
    counter = itertools.count(1)

    def uid() -> str:
        return f"00000000-0000-7000-8000-{next(counter):012d}"

    patched = []

    def patch(module, name, value):
        patched.append((module, name, getattr(module, name)))
        setattr(module, name, value)

    for name, module in list(sys.modules.items()):
        if not name.startswith("broker_desk") or module is None:
            continue
        if callable(getattr(module, "new_uid", None)):
            patch(module, "new_uid", uid)
        if callable(getattr(module, "new_uids", None)):
            patch(module, "new_uids", lambda n: [uid() for _ in range(n)])
        if isinstance(getattr(module, "UID_STOCK", None), int):
            patch(module, "UID_STOCK", 1)  # (ids made one at a time: counted in the order they are used)
        if chunk is not None and name.startswith("broker_desk.workbook"):
            for constant in ("_CHUNK", "CHUNK"):
                if isinstance(getattr(module, constant, None), int):
                    patch(module, constant, chunk)
    try:
        yield
    finally:
        for module, name, value in reversed(patched):
            setattr(module, name, value)


def _import(led, book, **kwargs):
    from broker_desk.workbook import importer

    return importer.import_workbook(led, book, today=TODAY, **kwargs)


_STAMP = re.compile(r'"(created_at|updated_at|ts)": ?"[^"]*"')


def tables(led) -> dict:
    """Every table of the ledger (not the full-text index's own), rows sorted, the clock's stamps left
    out; a long table as its row count and a digest."""
    names = [n for (n,) in led.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT IN ('meta', '_sqlite_migrations') "
                                            "ORDER BY name")]
    out = {}
    for table in names:
        if re.search(r"_(data|idx|docsize|config|content)$", table):
            continue
        columns = [r[1] for r in led.conn.execute(f"PRAGMA table_xinfo({table})")
                   if r[1] not in ("created_at", "updated_at", "ts")
                   and (table, r[1]) != ("changes", "id")]  # a record's fields are logged in no set order
        rows = sorted(json.dumps([_STAMP.sub(r'"\1": "*"', v) if isinstance(v, str) else v for v in row],
                                 ensure_ascii=False)
                      for row in led.conn.execute(f"SELECT {', '.join(columns)} FROM {table}"))
        if len(rows) > _ROWS_KEPT:
            out[table] = {"rows": len(rows), "sha256": hashlib.sha256("\n".join(rows).encode()).hexdigest()}
        else:
            out[table] = [json.loads(r) for r in rows]
    return out


def outcome(result) -> dict:
    """An import's result: written or not, the summaries, every message as the CLI lines it."""
    return {"written": result.written, "dry_run": result.dry_run,
            "summaries": {name: dataclasses.asdict(s) for name, s in result.summaries.items()},
            "problems": [("" if p.is_error else "! ") + p.line() for p in result.problems],
            "unmapped": result.unmapped,
            "unknown_values": [dataclasses.asdict(u) for u in result.unknown_values]}


# -- the ledgers the cases start from ------------------------------------------------------------------------

def _parties(path: Path) -> Path:
    """The parties, brokers, achievement and engagements the random contract rows name (some twice)."""
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


def _office(path: Path) -> Path:
    with Ledger.open(path) as led:
        for name in ("张三", "李四", "同名经纪人", "同名经纪人"):
            led.add("broker", {"name": name})
        for title in ("电机对接", "水处理对接", "同名项目", "同名项目"):
            led.add("engagement", {"title": title})
        led.add("followup", {"engagement_id": 1, "on_date": "2026-05-02", "content": "沟通"})  # already there
    return path


def _demo(path: Path) -> Path:
    from broker_desk import demo

    with Ledger.open(path) as led:
        demo.generate(led, 1500, seed=7, today=DEMO_TODAY)
    return path


def _money(path: Path) -> Path:
    with Ledger.open(path) as led:
        a = led.add("broker", {"name": "张三"}).id
        buyer = led.add("client", {"name": "买方公司", "nature": "企业"}).id
        seller = led.add("client", {"name": "某某大学", "nature": "高等院校"}).id
        cid = led.add("contract", {"contract_no": "HT-1", "title": "测试项目", "category": "技术开发",
                                   "subtype": "委托开发", "signed_on": "2025-03-01", "buyer_id": buyer,
                                   "seller_id": seller, "amount_fen": 20_000_000, "commission_fen": 1_000_000,
                                   "brokers": [(a, 100)]}).id
        p1 = led.add("payment_plan", {"contract_id": cid, "seq": 1, "kind": "预付款", "due_on": "2025-02-01",
                                      "amount_fen": 6_000_050, "condition": "签订后 10 日内"}).id
        led.add("payment_plan", {"contract_id": cid, "seq": 2, "kind": "提成", "note": "销售额 3%"})
        led.add("receipt", {"contract_id": cid, "received_on": "2025-02-05", "amount_fen": 6_000_050,
                            "payer": "买方公司", "plan_id": p1, "voucher": "PZ-001"})
        led.add("commission_payout", {"contract_id": cid, "broker_id": a, "paid_on": "2025-03-10",
                                      "amount_fen": 300_000, "note": "首笔"})
    return path


# -- the cases -----------------------------------------------------------------------------------------------

def _contracts(seed: int, chunk: int, skip_invalid: bool = True):
    def case(tmp: Path) -> dict:
        contracts, history = _draw(random.Random(seed), 300)
        book = write_xlsx(tmp / "book.xlsx", {"技术合同": [HEADERS, *map(_contract_row, contracts)],
                                              "登记进度": [HISTORY_HEADERS, *_history_rows(history)]})
        with steady(chunk):
            base = _parties(tmp / "ledger.brokerdesk")
            with Ledger.open(base, create=False) as led:
                return {"results": [outcome(_import(led, book, skip_invalid=skip_invalid))], "tables": tables(led)}
    return case


def _achievements(seed: int, chunk: int):
    def case(tmp: Path) -> dict:
        rng = random.Random(seed)
        odd = None if chunk < 300 else {"记录ID", "持有方", "专利号"}
        rows = [[rng.choice(unusual if rng.random() < 0.04 and (odd is None or name in odd) else usual)
                 for name, (usual, unusual) in _achievement_fields(n).items()] for n in range(300)]
        plain = [usual[0] for usual, _ in _achievement_fields(300).values()]
        for title, holder, uid in (("高效电机控制技术", "乙大学", None), ("成果1", "乙大学", None), ("成果2", "乙大学", None),
                                   ("成果2", "乙大学", "1c9d5a4e-54a5-4c1e-9d0e-000000000999")):
            rows.append([uid, title, holder, *plain[3:]])
        rows[-4:-4] = [[None, "成果3", "乙大学", *plain[3:6], "不是专利号", *plain[7:]]]  # rejected; named again below
        rows.append([None, "成果3", "乙大学", *plain[3:]])
        contracts, _ = _draw(rng, 40)
        for c in contracts:
            c["关联成果"] = rng.choice([None, f"成果{rng.randrange(300)}", "成果1", "高效电机控制技术"])
        book = write_xlsx(tmp / "book.xlsx", {"科技成果": [ACHIEVEMENT_HEADERS, *rows],
                                              "技术合同": [HEADERS, *map(_contract_row, contracts)]})
        with steady(chunk):
            base = _parties(tmp / "ledger.brokerdesk")
            with Ledger.open(base, create=False) as led:
                return {"results": [outcome(_import(led, book, skip_invalid=True))], "tables": tables(led)}
    return case


def _followups(seed: int, chunk: int):
    def case(tmp: Path) -> dict:
        book = _followup_book(tmp, seed)
        with steady(chunk):
            base = _office(tmp / "ledger.brokerdesk")
            with Ledger.open(base, create=False) as led:
                return {"results": [outcome(_import(led, book, skip_invalid=True))], "tables": tables(led)}
    return case


def _reimport_changed(seed: int, chunk: int):
    """A demo ledger's export sent back with changes (rows unchanged, changed, copied, dropped, added;
    histories kept, carried further or changed) into that ledger."""
    def case(tmp: Path) -> dict:
        from broker_desk.workbook.export import export_workbook

        rng = random.Random(seed)
        with steady(chunk):
            path = _demo(tmp / "ledger.brokerdesk")
            with Ledger.open(path, create=False) as led:
                # histories the workflow would not allow (a ledger's own, as an older version may have left them)
                led.conn.execute("UPDATE registration_events SET to_status = '已登记' WHERE id IN (SELECT min(id) FROM "
                                 "registration_events GROUP BY contract_id HAVING count(*) > 1 ORDER BY contract_id "
                                 "LIMIT 30)")
                led.conn.commit()
                export_workbook(led, tmp / "export.xlsx")
                book = write_xlsx(tmp / "back.xlsx", _changed(rng, _sheets(tmp / "export.xlsx")))
                return {"results": [outcome(_import(led, book, skip_invalid=True))], "tables": tables(led)}
    return case


def _demo_round_trip(dry_run: bool = False):
    """A demo ledger exported: into an empty ledger, then into that ledger again (nothing changes),
    then back into the ledger it came from."""
    def case(tmp: Path) -> dict:
        from broker_desk.workbook.export import export_workbook

        with steady():
            path = _demo(tmp / "demo.brokerdesk")
            with Ledger.open(path, create=False) as led:
                export_workbook(led, tmp / "export.xlsx")
                home = outcome(_import(led, tmp / "export.xlsx"))
            with Ledger.open(tmp / "new.brokerdesk") as led:
                results = [outcome(_import(led, tmp / "export.xlsx", dry_run=dry_run)), home]
                if not dry_run:
                    results.append(outcome(_import(led, tmp / "export.xlsx")))
                return {"results": results, "tables": tables(led)}
    return case


PLAN_HEAD = ["记录ID", "合同编号", "卖方", "期次", "类型", "约定日期", "约定金额（元）", "条件", "备注"]
RECEIPT_HEAD = ["记录ID", "合同编号", "卖方", "到账日期", "金额（元）", "付款方", "期次", "凭证号", "备注"]
PAYOUT_HEAD = ["记录ID", "合同编号", "卖方", "经纪人", "发放日期", "金额（元）", "备注"]


def _money_sheets(tmp: Path) -> dict:
    """Money sheets with errors (all or nothing), the good rows alone, again, and the export round trip."""
    from broker_desk.workbook.export import export_workbook

    bad = write_xlsx(tmp / "in.xlsx", {
        "付款计划": [PLAN_HEAD,
                 [None, "HT-1", "某某大学", "第3期", "尾款", dt.date(2025, 9, 1), 50000, None, None],
                 [None, "HT-9", "某某大学", 1, "尾款", None, 5, None, None],
                 [None, "HT-1", "某某大学", "x", None, None, 5, None, None]],
        "到账记录": [RECEIPT_HEAD,
                 [None, "HT-1", "某某大学", dt.date(2025, 9, 2), 50000, None, 3, None, None],
                 [None, "HT-1", "某某大学", dt.date(2025, 9, 3), 1, None, 7, None, None]],
        "佣金发放": [PAYOUT_HEAD,
                 [None, "HT-1", "某某大学", "王五", dt.date(2025, 9, 9), 1, None],
                 [None, "HT-1", "某某大学", "张三", dt.date(2025, 9, 9), -1, None]]})
    good = write_xlsx(tmp / "good.xlsx", {
        "付款计划": [PLAN_HEAD, [None, "HT-1", "某某大学", "第3期", "尾款", dt.date(2025, 9, 1), 50000, None, None]],
        "到账记录": [RECEIPT_HEAD, [None, "HT-1", "某某大学", dt.date(2025, 9, 2), 50000, None, 3, None, None]]})
    with steady():
        path = _money(tmp / "ledger.brokerdesk")
        with Ledger.open(path, create=False) as led:
            results = [outcome(_import(led, book)) for book in (bad, good, good)]
            export_workbook(led, tmp / "export.xlsx")
        with Ledger.open(tmp / "fresh.brokerdesk") as led:
            results.append(outcome(_import(led, tmp / "export.xlsx")))
            return {"results": results, "tables": tables(led)}


def _fixture(name: str, dry_run: bool = False):
    def case(tmp: Path) -> dict:
        with steady(), Ledger.open(tmp / "ledger.brokerdesk") as led:
            return {"results": [outcome(_import(led, FIXTURES / name, skip_invalid=True, dry_run=dry_run))],
                    "tables": tables(led)}
    return case


CASES = {
    "contracts-1-chunk1": _contracts(1, 1),
    "contracts-4-chunk2000": _contracts(4, 2000),
    "contracts-3-chunk3-all-or-nothing": _contracts(3, 3, skip_invalid=False),
    "achievements-1-chunk1": _achievements(1, 1),
    "achievements-2-chunk2000": _achievements(2, 2000),
    "followups-1-chunk1": _followups(1, 1),
    "followups-3-chunk3": _followups(3, 3),
    "reimport-changed-11-chunk1": _reimport_changed(11, 1),
    "reimport-changed-13-chunk2000": _reimport_changed(13, 2000),
    "demo-round-trip": _demo_round_trip(),
    "demo-dry-run": _demo_round_trip(dry_run=True),
    "money-sheets": _money_sheets,
    "lo-contracts-xlsx": _fixture("lo_contracts.xlsx"),
    "lo-contracts-ods": _fixture("lo_contracts.ods"),
    "lo-contracts-xls-dry-run": _fixture("lo_contracts.xls", dry_run=True),
    "lo-clients": _fixture("lo_clients.xlsx"),
    "lo-code-values": _fixture("lo_code_values.xlsx"),
}


def run(name: str, tmp: Path) -> dict:
    """The case's record, worked out now (in ``tmp``), with the messages in Chinese."""
    from broker_desk import i18n

    language = i18n.get_language()
    i18n.set_language("zh")
    try:
        return json.loads(json.dumps(CASES[name](tmp), ensure_ascii=False))  # as recorded: tuples are lists
    finally:
        i18n.set_language(language)


def recorded(name: str) -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


if __name__ == "__main__":  # python tests/import_cases.py [NAME...]: record (again)
    import tempfile

    RECORDED.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or CASES:
        with tempfile.TemporaryDirectory() as tmp:
            record = run(name, Path(tmp))
        (RECORDED / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n",
                                              encoding="utf-8")
        print(name, sum(len(r["problems"]) for r in record["results"]), "messages")
