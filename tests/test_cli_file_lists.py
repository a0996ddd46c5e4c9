"""``forms`` and ``policies`` list their files through one cli.print_files: an empty list says so."""

from __future__ import annotations

from broker_desk import paperwork, policy
from broker_desk.cli import main


def test_no_policy_files_is_said(capsys, monkeypatch):
    monkeypatch.setattr(policy, "list_policies", lambda: [])
    assert main(["policies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"内置示例：{policy.builtin_dir()}" and out[-1] == "  （没有政策文件）"


def test_no_templates_is_said_in_either_language(capsys, monkeypatch):
    monkeypatch.setattr(paperwork, "list_forms", lambda: [])
    assert main(["forms"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"内置模板：{paperwork.builtin_dir()}" and out[-1] == "  （没有表格模板）"
    assert main(["--lang", "en", "forms"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  (no templates)"
