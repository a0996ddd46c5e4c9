"""``broker-desk forms`` and ``broker-desk print`` as a user runs them: exit codes, messages, files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdftools import page_sizes, page_texts, pdf_text, squeeze

from broker_desk import paperwork, paths
from broker_desk.cli import main

FORMS = Path(__file__).resolve().parents[1] / "forms"


@pytest.fixture
def db(demo_ledger):
    path = str(demo_ledger.path)
    return path


def registered(demo_ledger) -> dict:
    """A contract registered in 2025 with brokers and a commission (every form can print it)."""
    found = demo_ledger.get_many("contract", paperwork.registered_in(demo_ledger, "2025")[:50])
    return next(c for c in found.values() if c["brokers"] and c["commission_fen"])


def test_forms_lists_builtin_and_user_templates(capsys):
    assert main(["forms"]) == 0
    out = capsys.readouterr().out
    for name in ("技术合同登记表", "技术合同认定登记申请表", "技术性收入核定表", "技术经纪服务确认书", "登记合同汇总表"):
        assert re.search(rf"^  {name}\s.*内置\s+使用中$", out, re.M), name
    assert str(paths.forms_dir()) in out

    user = paths.forms_dir()
    user.mkdir(parents=True)
    shutil.copy(FORMS / "技术性收入核定表.toml", user / "技术性收入核定表.toml")
    (user / "我的表.toml").write_text((FORMS / "技术经纪服务确认书.toml").read_text(encoding="utf-8").replace(
        'field = "row.cert_no"', 'field = "row.certificate"'), encoding="utf-8")
    assert main(["forms"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  技术性收入核定表\s.*内置\s+未使用（已被用户模板替代）$", out, re.M)
    assert re.search(r"^  技术性收入核定表\s.*用户\s+使用中（替代内置模板）", out, re.M)
    assert re.search(r"^  我的表「技术经纪服务确认书」.*用户\s+有误，不能使用：", out, re.M)
    assert re.search(r"^      我的表\.toml:\d+: table\[1\]\.column\[3\]\.field：未知字段“row.certificate”", out, re.M)

    assert main(["--lang", "en", "forms"]) == 0
    assert "in use (replaces the built-in)" in capsys.readouterr().out


def test_print_one_contract(db, demo_ledger, tmp_path, capsys):
    contract = registered(demo_ledger)
    out = tmp_path / "one.pdf"
    assert main(["--db", db, "print", "技术合同登记表", "--contract", contract["reg_no"], "--out", str(out)]) == 0
    assert "已生成“技术合同登记表”：1 份合同，1 页" in capsys.readouterr().out
    body = squeeze(pdf_text(out))
    assert contract["reg_no"] in body and contract["contract_no"] in body
    assert page_sizes(out) == [(595.28, 841.89)]
    # the same contract by its record id and by its contract number
    for key in (contract["uid"], contract["contract_no"]):
        assert main(["--db", db, "print", "技术经纪服务确认书", "--contract", key, "--out", str(out), "--force"]) == 0


def test_print_refuses_to_overwrite_without_force(db, demo_ledger, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    out.write_bytes(b"keep")
    key = registered(demo_ledger)["reg_no"]
    assert main(["--db", db, "print", "技术合同登记表", "--contract", key, "--out", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"keep"
    assert main(["--db", db, "print", "技术合同登记表", "--contract", key, "--out", str(out), "--force"]) == 0


def test_missing_data_exits_1_naming_the_fields_and_writes_nothing(db, demo_ledger, tmp_path, capsys):
    draft = demo_ledger.conn.execute("SELECT contract_no FROM contracts WHERE status = '草稿' AND contract_no IN "
                                     "(SELECT contract_no FROM contracts GROUP BY contract_no HAVING count(*) = 1) "
                                     "LIMIT 1").fetchone()[0]
    out = tmp_path / "draft.pdf"
    assert main(["--db", db, "print", "技术合同登记表", "--contract", draft, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "“技术合同登记表”缺少必填内容（1 份）" in err
    assert re.search(rf"合同 {re.escape(draft)}（.*）：登记编号、登记日期、核定技术交易额", err)
    assert "--allow-blank" in err and "Traceback" not in err
    assert not out.exists()

    assert main(["--db", db, "print", "技术合同登记表", "--contract", draft, "--out", str(out), "--allow-blank"]) == 0
    captured = capsys.readouterr()
    assert "留空打印" in captured.err and "登记编号" in captured.err and out.exists()

    assert main(["--db", db, "--lang", "en", "print", "技术合同登记表", "--contract", draft, "--out",
                 str(tmp_path / "en.pdf")]) == 1
    assert "lacks required data" in capsys.readouterr().err


def test_print_a_month_in_one_pdf(db, demo_ledger, tmp_path, capsys):
    ids = paperwork.registered_in(demo_ledger, "2025-03")
    out = tmp_path / "march.pdf"
    assert main(["--db", db, "print", "技术合同认定登记申请表", "--registered", "2025-03", "--out", str(out)]) == 0
    assert f"{len(ids)} 份合同，{len(ids)} 页" in capsys.readouterr().out
    pages = page_texts(out)
    assert len(pages) == len(ids)
    for page, cid in zip(pages, ids, strict=True):
        assert demo_ledger.get("contract", cid)["contract_no"] in page
        assert "技术合同认定登记申请表" in page and "第1页共1页" in squeeze(page)


def test_print_the_period_summary(db, tmp_path, capsys):
    out = tmp_path / "year.pdf"
    assert main(["--db", db, "print", "登记合同汇总表", "--registered", "2025", "--out", str(out)]) == 0
    assert "已生成“登记合同汇总表”" in capsys.readouterr().out
    pages = page_texts(out)
    assert len(pages) > 1 and all("序号" in p and "登记编号" in p for p in pages)
    assert main(["--db", db, "print", "登记合同汇总表", "--contract", "x", "--out", str(tmp_path / "y.pdf")]) == 2
    assert "按期间打印" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["print", "没有这张表", "--contract", "x"], "没有名为“没有这张表”的表格模板"),
    (["print", "技术合同登记表", "--contract", "NO-SUCH-CONTRACT"], "找不到合同“NO-SUCH-CONTRACT”"),
    (["print", "技术合同登记表", "--registered", "2025-13"], "期间“2025-13”无法识别"),
    (["print", "技术合同登记表", "--registered", "2031"], "2031年没有已登记的合同"),
])
def test_unusable_requests_exit_2(db, tmp_path, capsys, args, message):
    out = tmp_path / "o.pdf"
    assert main(["--db", db, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_broken_template_exits_2_with_its_place(db, demo_ledger, tmp_path, capsys):
    user = paths.forms_dir()
    user.mkdir(parents=True)
    source = (FORMS / "技术合同登记表.toml").read_text(encoding="utf-8")
    (user / "技术合同登记表.toml").write_text(source.replace("x = 15\ny = 228.5\nw = 180", "x = 15\ny = 228.5\nw = 200"),
                                         encoding="utf-8")
    out = tmp_path / "o.pdf"
    key = registered(demo_ledger)["reg_no"]
    assert main(["--db", db, "print", "技术合同登记表", "--contract", key, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"技术合同登记表\.toml:\d+: grid\[2\]：.*超出页面可打印区域", err)
    assert not out.exists()
    # the other forms still print
    assert main(["--db", db, "print", "技术性收入核定表", "--contract", key, "--out", str(out)]) == 0


def test_a_value_too_long_for_its_box_exits_1_naming_it(db, demo_ledger, tmp_path, capsys):
    contract = registered(demo_ledger)
    demo_ledger.update("contract", contract["id"], {"title": "超长项目名称" * 33})
    out = tmp_path / "o.pdf"
    assert main(["--db", db, "print", "技术合同登记表", "--contract", contract["reg_no"], "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "项目名称" in err and contract["contract_no"] in err and "grid[1].row[2].cells[2]" in err
    assert not out.exists()


def test_print_runs_as_a_program_without_traceback(db, demo_ledger, tmp_path):
    out = tmp_path / "p.pdf"
    key = registered(demo_ledger)["reg_no"]
    env_home = str(paths.data_dir())
    run = subprocess.run([sys.executable, "-m", "broker_desk", "--db", db, "print", "技术合同登记表",
                          "--contract", key, "--out", str(out)], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "BROKER_DESK_HOME": env_home})
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF")
