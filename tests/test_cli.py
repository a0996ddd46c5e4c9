"""The command line as a user runs it: exit codes, messages, languages, no tracebacks."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import pytest

from broker_desk.cli import main
from broker_desk.ledger import Ledger


def run(*args: str, env_lang: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "broker_desk", *args], capture_output=True, text=True,
                          timeout=300)


def test_demo_then_check(tmp_path):
    db = tmp_path / "x.brokerdesk"
    r = run("--db", str(db), "demo", "--contracts", "2000")
    assert r.returncode == 0, r.stderr
    assert "2000 份合同" in r.stdout
    r = run("--db", str(db), "check")
    assert r.returncode == 0, r.stderr
    assert "检查通过" in r.stdout and "技术合同 2000" in r.stdout
    r = run("--db", str(db), "--lang", "en", "check")
    assert r.returncode == 0 and "Healthy" in r.stdout and "2000 contracts" in r.stdout


def test_demo_refuses_a_ledger_with_data(tmp_path, capsys):
    db = str(tmp_path / "x.brokerdesk")
    assert main(["--db", db, "demo", "--contracts", "20"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "demo", "--contracts", "20"]) == 2
    err = capsys.readouterr().err
    assert "已有数据" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["random", "newer", "missing", "foreign"])
def test_check_on_unusable_files(tmp_path, kind):
    path = tmp_path / "f.brokerdesk"
    if kind == "random":
        path.write_bytes(bytes((i * 7919) % 256 for i in range(20000)))
    elif kind == "newer":
        assert main(["--db", str(path), "demo", "--contracts", "10"]) == 0
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 42")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    r = run("--db", str(path), "check")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert {"random": "不是 BrokerDesk 账本", "newer": "更新版本", "missing": "找不到账本文件",
            "foreign": "不是 BrokerDesk 账本"}[kind] in r.stderr
    after = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    assert before == after
    assert not (tmp_path / "f.brokerdesk-wal").exists() or kind == "newer"


def test_demo_and_export_count_every_kind_they_wrote(tmp_path, capsys):
    """The summary names the front office's and the money's records too, with the counts written."""
    db = str(tmp_path / "x.brokerdesk")
    assert main(["--db", db, "demo", "--contracts", "200", "--today", "2026-06-15"]) == 0
    with Ledger.open(db, create=False) as ledger:
        n = {e: ledger.count(e) for e in ("demand", "engagement", "followup", "payment_plan", "receipt",
                                          "commission_payout")}
    assert all(n.values())
    money = f"以及付款计划 {n['payment_plan']} 期、到账记录 {n['receipt']} 笔、佣金发放 {n['commission_payout']} 笔"
    front = f"另有技术需求 {n['demand']} 项、对接项目 {n['engagement']} 个、跟进记录 {n['followup']} 条"
    out = capsys.readouterr().out
    assert money in out and front in out
    assert main(["--db", db, "export", str(tmp_path / "all.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "已导出：" in out and money in out and front in out
    assert main(["--db", db, "--lang", "en", "export", str(tmp_path / "all.xlsx"), "--force"]) == 0
    assert f"plus {n['payment_plan']} planned payments, {n['receipt']} receipts" in capsys.readouterr().out


def test_check_reports_problems_with_exit_1(tmp_path, capsys):
    db = tmp_path / "x.brokerdesk"
    assert main(["--db", str(db), "demo", "--contracts", "100", "--today", "2026-06-15"]) == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE contract_brokers SET share_bp = 100 WHERE rowid = (SELECT min(rowid) FROM contract_brokers)")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["--db", str(db), "check"]) == 1
    assert "经纪人份额合计不是 100%" in capsys.readouterr().err


def test_no_command_without_a_display_lists_the_commands(capsys, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "没有可用的显示器" in out
    for command in ("demo", "check", "backup", "restore"):
        assert f"broker-desk {command}" in out


def test_bad_arguments_say_so_in_chinese(capsys):
    with pytest.raises(SystemExit) as e:
        main(["demo", "--contracts", "many"])
    assert e.value.code == 2
    assert "参数有误" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "said"), [
    (["demo", "--contracts", "many"], "参数有误：参数 --contracts：“many”不是有效的值"),
    (["--lang", "xx", "check"], "参数有误：参数 --lang：“xx”不是可选的值（可选：'zh', 'en'）"),
    (["import"], "参数有误：缺少必需的参数：file"),
    (["check", "--bogus"], "参数有误：无法识别的参数：--bogus"),
    (["chek"], "参数有误：参数 命令：“chek”不是可选的值（可选：'demo', 'check', 'backup', 'restore', 'template', "
               "'import', 'export', 'rankings', 'payments', 'commission', 'forms', 'print', 'match', 'followups', "
               "'policies', 'rewards'）"),
])
def test_argparse_messages_are_in_chinese(capsys, argv, said):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == said


def test_argparse_messages_stay_english_in_english(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "demo", "--contracts", "many"])
    assert capsys.readouterr().err.splitlines()[-1] == "bad arguments: argument --contracts: invalid int value: 'many'"


def test_english_help(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "demo", "--help"])
    assert "number of contracts" in capsys.readouterr().out


def test_default_ledger_comes_from_the_environment(tmp_path, monkeypatch, capsys):
    db = tmp_path / "env.brokerdesk"
    monkeypatch.setenv("BROKER_DESK_DB", str(db))
    assert main(["demo", "--contracts", "10"]) == 0
    assert db.exists()


def test_backup_and_restore_commands(tmp_path, capsys):
    db, copy = tmp_path / "x.brokerdesk", tmp_path / "copy.brokerdesk"
    assert main(["--db", str(db), "demo", "--contracts", "30"]) == 0
    assert main(["--db", str(db), "backup", "--to", str(copy)]) == 0
    assert "已备份到" in capsys.readouterr().out
    assert main(["--db", str(db), "backup", "--to", str(copy)]) == 2  # never overwrites
    assert "已存在" in capsys.readouterr().err
    junk = tmp_path / "junk.brokerdesk"
    junk.write_text("这不是账本")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert main(["--db", str(db), "restore", str(junk)]) == 2
    assert "不是 BrokerDesk 账本" in capsys.readouterr().err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert main(["--db", str(db), "restore", str(copy)]) == 0
    assert "已从" in capsys.readouterr().out


def test_import_exit_codes_and_lines(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parent / "data" / "workbooks" / "lo_contracts.xlsx"
    db = str(tmp_path / "i.brokerdesk")
    r = run("--db", db, "import", str(fixture))
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if "（提示）" not in line and line.strip()]
    assert "lo_contracts.xlsx:技术合同台账:4:L（登记编号）: 登记状态为“已登记”时须填写登记日期" in errors
    assert "未写入任何数据" in r.stdout and "Traceback" not in r.stderr
    assert run("--db", db, "check").returncode == 0 and "技术合同 0" in run("--db", db, "check").stdout
    r = run("--db", db, "import", str(fixture), "--dry-run")
    assert r.returncode == 1 and "未写入" in r.stdout
    r = run("--db", db, "import", str(fixture), "--skip-invalid")
    assert r.returncode == 1 and "新增 6" in r.stdout
    assert "技术合同 6" in run("--db", db, "check").stdout
    good = tmp_path / "good.xlsx"
    assert run("--db", db, "export", str(good)).returncode == 0
    r = run("--db", db, "--lang", "en", "import", str(good))
    assert r.returncode == 0 and "0 inserted, 0 updated, 6 unchanged" in r.stdout
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    r = run("--db", db, "import", str(junk))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("argv", [["--help"], ["import", "--help"], ["payments", "-h"]])
def test_help_is_chinese_in_chinese_mode_including_argparses_own_words(argv, capsys, monkeypatch):
    from broker_desk import cli, i18n

    monkeypatch.delenv("BROKER_DESK_LANG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：broker-desk") and "\n选项:\n" in out and "-h, --help" in out
    assert "显示此帮助信息并退出" in out
    for english in ("usage:", "options:", "show this help message and exit", "positional arguments",
                    "show program's version number"):
        assert english not in out
    if argv[0] == "import":
        assert "\n位置参数:\n" in out
    if argv == ["--help"]:
        assert "显示程序版本号并退出" in out
    # English mode keeps argparse's English
    try:
        with pytest.raises(SystemExit):
            cli.main([*argv, "--lang", "en"])
    finally:
        i18n.set_language("zh")
    out = capsys.readouterr().out
    assert out.startswith("usage: broker-desk") and "\noptions:\n" in out and "show this help message and exit" in out
