"""`broker-desk policies` and `broker-desk rewards` (issue 18): the files read back with
python-calamine and pdftotext, the fonts embedded, broken policies refused with their faults."""

from __future__ import annotations

import datetime as dt

import pytest
from pdftools import fonts, pdf_text, squeeze
from report_tools import ledger_file, sheets, table_after
from rewards_ledger import build
from test_pdf_metadata import MOMENT, info

from broker_desk import pdffonts, policy, rewards
from broker_desk.cli import main
from broker_desk.ledger import Ledger
from broker_desk.reports import rewards as report


@pytest.fixture
def db(tmp_path):
    return ledger_file(tmp_path, build)


def test_cli_rewards_xlsx_read_back(db, tmp_path, capsys):
    out = tmp_path / "江西.xlsx"
    assert main(["--db", db, "rewards", "--policy", "江西网上技术市场2020", "--year", "2024", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已写出“2024 年奖补测算：江西省网上常设技术市场技术交易专项补助（示例）”：5 个受益方、10 行计算，合计 486,000.00 元" in said
    book = sheets(out)
    assert list(book) == ["汇总", "逐份合同计算"]
    summary = book["汇总"]
    assert summary[1][0].startswith("【示例，请按本地文件核对】")
    assert any(str(r[0]).startswith("依据：《江西省网上常设技术市场技术交易专项补助办法（试行）》") for r in summary)
    header, body = table_after(summary, "受益方类别")
    assert header == ["受益方类别", "受益方", "合同数", "计奖基数（元）", "测算金额（元）", "年度封顶"]
    # buyer 江西甲公司: A 50,000 + B 20,000 + D 150,000 (per-contract cap); seller 南昌大学: A 30,000 + D 100,000;
    # 北京理工: B 12,000; 甲机构: A 20,000 + D 60,000; 乙机构: B 8,000 + D 36,000
    assert [r[:2] + r[4:5] for r in body] == [
        ["买方", "江西甲公司", 220_000.0], ["卖方", "南昌大学", 130_000.0], ["卖方", "北京理工", 12_000.0],
        ["经纪机构", "甲机构", 80_000.0], ["经纪机构", "乙机构", 44_000.0], ["合计", "", 486_000.0]]
    header, body = table_after(book["逐份合同计算"], "规则")
    assert header[10] == "分段计算" and header[13] == "测算金额（元）"
    d = next(r for r in body if r[1] == "HT-D" and r[6] == "江西甲公司")
    assert d[3] == dt.date(2024, 5, 1) and d[7] == 12_000_000.0
    assert d[10:] == ["12,000,000.00 × 2.5% = 300,000.00", 300_000.0, "单项封顶 150,000.00", 150_000.0]
    weighted = next(r for r in body if r[1] == "HT-D" and r[6] == "乙机构")
    assert (weighted[8], weighted[9], weighted[13]) == (0.3, 3_600_000.0, 36_000.0)
    assert body[-1][0] == "合计" and body[-1][13] == 486_000.0


def test_cli_rewards_pdf_read_back(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pdffonts, "clock", lambda: MOMENT)
    out = tmp_path / "累进.pdf"
    assert main(["--db", db, "rewards", "--policy", "技术交易超额累进奖励", "--year", "2024", "--out", str(out)]) == 0
    text = squeeze(pdf_text(out))
    assert "2024年奖补测算" in text and "示例，请按本地文件核对" in text
    # A: 1,000 + 4,500 + 1,000 = 6,500; D: 1,000 + 4,500 + 11,000 = 16,500; B: 1,000 + 3,500 = 4,500
    for piece in ("1,000,000.00以上部分11,000,000.00×0.1%=11,000.00", "南昌大学", "23,000.00", "4,500.00",
                  "合计", "27,500.00"):
        assert squeeze(piece) in text
    assert all(f.embedded for f in fonts(out))
    meta = info(out)
    assert meta["Title"] == "2024 年奖补测算：技术合同登记超额累进奖励（示例）" and meta["Author"] == "BrokerDesk"
    assert meta["CreationDate"].startswith("D:20261207180509+08'00'")


def test_a_user_policy_is_not_labelled_an_example(db, tmp_path, capsys):
    mine = tmp_path / "本地.toml"
    mine.write_text('title = "本地奖励"\nsource = "某市文件"\n[[rule]]\nbeneficiary = "经纪人"\nbase = "到账金额"\n'
                    'rate = 1\n', encoding="utf-8")
    out = tmp_path / "本地.pdf"
    assert main(["--db", db, "rewards", "--policy", str(mine), "--year", "2024", "--out", str(out)]) == 0
    text = squeeze(pdf_text(out))
    # 到账金额 2024: A 800,000 (张三 60 % → 480,000 → 4,800; 李四 40 % → 3,200), C 300,000 (孙七 → 3,000),
    # E 1,000,000 (王五 → 10,000)
    assert "示例" not in text and "依据：某市文件" in text
    assert all(squeeze(p) in text for p in ("800,000.00 × 份额 60% = 480,000.00", "4,800.00", "3,200.00", "21,000.00"))


def test_cli_rewards_refuses_a_broken_policy_with_its_faults(db, tmp_path, capsys):
    bad = tmp_path / "坏.toml"
    bad.write_text('title = "坏"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\n'
                   'tiers = [{ upto = 100000, rate = 1 }, { upto = 100000, rate = 0.5 }]\n', encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["--db", db, "rewards", "--policy", str(bad), "--year", "2024", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "坏.toml:5: rule[1].tiers[2].upto：upto 100000 应大于上一档的 100000" in err
    assert "Traceback" not in err and not out.exists()
    assert main(["--lang", "en", "--db", db, "rewards", "--policy", str(bad), "--year", "2024", "--out", str(out)]) == 2
    assert "坏.toml:5: rule[1].tiers[2].upto: upto 100000 must be above the previous tier's 100000" in \
        capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--policy", "没有", "--year", "2024", "--out", "{dir}/r.xlsx"], "没有名为“没有”的奖补政策"),
    (["--policy", "江西网上技术市场2020", "--year", "2019", "--out", "{dir}/r.xlsx"],
     "政策“江西省网上常设技术市场技术交易专项补助（示例）”适用于 2020 年起，不适用于 2019 年"),
    (["--policy", "江西网上技术市场2020", "--year", "2024", "--out", "{dir}/r.docx"], "不是 .xlsx 或 .pdf 文件名"),
])
def test_cli_rewards_bad_arguments(db, tmp_path, capsys, args, message):
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    assert main(["--db", db, "rewards", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("hand.brokerdesk")]


def test_cli_policies_lists_builtin_user_and_broken(capsys):
    folder = policy.user_dir()
    folder.mkdir(parents=True)
    (folder / "技术交易超额累进奖励.toml").write_text(
        'title = "我的累进"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 1\n', encoding="utf-8")
    (folder / "坏.toml").write_text('title = "坏"\n[[rule]]\nbeneficiary = "卖方"\nbase = "技术交易额"\nrate = 101\n',
                                    encoding="utf-8")
    assert main(["policies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"内置示例：{policy.builtin_dir()}"
    assert "  江西网上技术市场2020「江西省网上常设技术市场技术交易专项补助（示例）」  内置  使用中" in out
    assert "  技术交易超额累进奖励「技术合同登记超额累进奖励（示例）」  内置  未使用（已被用户的同名文件替代）" in out
    assert any(line.startswith("  技术交易超额累进奖励「我的累进」  用户  使用中（替代内置示例）") for line in out)
    i = next(i for i, line in enumerate(out) if line.startswith("  坏  用户  有误，不能使用："))
    assert out[i + 1] == "      坏.toml:5: rule[1].rate：应为0 到 100 之间的百分数，现为“101”"


def test_every_shipped_policy_estimates_and_writes(db, tmp_path):
    with Ledger.open(db) as ledger:
        for info_ in policy.list_policies():
            estimate = rewards.estimate(ledger, policy.find(info_.name), 2024)
            assert estimate.example and estimate.total_fen > 0
            assert report.write(estimate, tmp_path / f"{info_.name}.xlsx") is not None
            assert report.write(estimate, tmp_path / f"{info_.name}.pdf") is not None
            assert report.write_xlsx(estimate, tmp_path / "x.xlsx", cancelled=lambda: True) is None
            assert not (tmp_path / "x.xlsx").exists()
