"""The 奖补测算 dialog (issue 18) against the core's figures (pytest-qt, offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")

from conftest import DEMO_TODAY  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from rewards_ledger import build  # noqa: E402

from broker_desk import policy  # noqa: E402
from broker_desk.gui.rankings_page import RankingsPage  # noqa: E402
from broker_desk.gui.rewards_dialog import LINES, SUMMARY, RewardsDialog  # noqa: E402


@pytest.fixture
def dialog(ledger, qtbot):
    build(ledger)
    d = RewardsDialog(ledger, DEMO_TODAY)
    qtbot.addWidget(d)
    d.set_year(2024)
    d.set_policy("江西网上技术市场2020")
    d.show()
    return d


def cells(model, columns) -> list[dict[str, str]]:
    return [{key: model.text(r, key) for key in columns} for r in range(model.rowCount())]


def test_the_dialog_shows_totals_per_beneficiary_and_the_arithmetic(dialog):
    assert dialog.policy_box.currentText() == "江西省网上常设技术市场技术交易专项补助（示例）"
    assert "示例，请按本地文件核对" in dialog.info.text()
    assert [(c["kind"], c["name"], c["result"]) for c in cells(dialog.summary, SUMMARY)] == [
        ("买方", "江西甲公司", "220,000.00"), ("卖方", "南昌大学", "130,000.00"), ("卖方", "北京理工", "12,000.00"),
        ("经纪机构", "甲机构", "80,000.00"), ("经纪机构", "乙机构", "44,000.00")]
    assert dialog.totals.text() == "合计 486,000.00 元：5 个受益方，10 行计算"
    lines = cells(dialog.lines, LINES)
    d = next(c for c in lines if c["contract_no"] == "HT-D" and c["name"] == "乙机构")
    assert d["arithmetic"] == "12,000,000.00 × 份额 30% = 3,600,000.00；3,600,000.00 × 1% = 36,000.00"
    capped = next(c for c in lines if c["contract_no"] == "HT-D" and c["name"] == "江西甲公司")
    assert (capped["caps"], capped["result"]) == ("单项封顶 150,000.00", "150,000.00")


def test_choosing_a_beneficiary_narrows_the_arithmetic_and_again_shows_all(dialog):
    dialog.filter_row(3)  # 甲机构
    assert [c["contract_no"] for c in cells(dialog.lines, LINES)] == ["HT-A", "HT-D"]
    assert "只显示“甲机构”的 2 行" in dialog.totals.text()
    dialog.filter_row(3)
    assert dialog.lines.rowCount() == 10


def test_another_policy_and_year_and_a_year_outside_the_policy(dialog):
    dialog.set_policy("技术交易超额累进奖励")
    assert [(c["name"], c["result"]) for c in cells(dialog.summary, SUMMARY)] == [
        ("南昌大学", "23,000.00"), ("北京理工", "4,500.00")]
    assert "1,000,000.00 以上部分 11,000,000.00 × 0.1% = 11,000.00" in dialog.lines.text(2, "arithmetic")
    dialog.set_policy("江西网上技术市场2020")
    dialog.set_year(2019)
    assert "不适用于 2019 年" in dialog.info.text() and dialog.summary.rowCount() == 0
    assert not dialog.xlsx_button.isEnabled()


def test_export_from_the_dialog(dialog, tmp_path):
    written = dialog.export_xlsx(tmp_path / "jx")
    assert written == tmp_path / "jx.xlsx" and "已导出" in dialog.status.text()
    rows = CalamineWorkbook.from_path(str(written)).get_sheet_by_name("汇总").to_python()
    assert ["合计", "", "", "", 486_000.0, ""] in rows
    assert dialog.export_pdf(tmp_path / "jx.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_dialog_exports_like_the_rankings_page(dialog, ledger, qtbot, tmp_path, monkeypatch):
    """One export for both (gui/report_view): the folder written to is offered next time, on either
    screen, and the message links to the file."""
    from broker_desk.gui import files

    folder = tmp_path / "报表"
    folder.mkdir()
    written = dialog.export_pdf(folder / "jx.pdf")
    assert f'href="{written.resolve().as_uri()}"' in dialog.status.text()
    asked = []
    monkeypatch.setattr(files, "save_file", lambda _p, title, suggested, _f: asked.append((title, suggested)) or "")
    assert dialog.export_xlsx() is None
    page = RankingsPage(ledger, DEMO_TODAY)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.ranking is not None)
    assert page.export_xlsx() is None
    assert [(t, str(Path(s).parent)) for t, s in asked] == [("导出 Excel…", str(folder))] * 2
    assert Path(asked[0][1]).name == "2024年奖补测算-江西网上技术市场2020.xlsx"
    assert Path(asked[1][1]).name == f"{page.ranking.title.replace(' ', '')}.xlsx"


def test_a_broken_user_policy_is_listed_but_cannot_be_chosen(ledger, qtbot):
    folder = policy.user_dir()
    folder.mkdir(parents=True)
    (folder / "坏.toml").write_text('title = "坏政策"\n[[rule]]\nbeneficiary = "卖方"\n', encoding="utf-8")
    d = RewardsDialog(ledger, DEMO_TODAY)
    qtbot.addWidget(d)
    texts = [d.policy_box.itemText(i) for i in range(d.policy_box.count())]
    assert "坏政策（有误，不能使用）" in texts
    i = texts.index("坏政策（有误，不能使用）")
    assert "缺少必需的键“base”" in d.policy_box.itemData(i, 3)  # the tooltip names the fault
    assert not d.policy_box.model().item(i).isEnabled() and d.policy_box.currentIndex() != i


def test_the_rankings_page_opens_the_dialog_for_its_year(demo_ledger, qtbot):
    page = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(page)
    page.show()
    dialog = page.open_rewards()
    qtbot.addWidget(dialog)
    assert dialog.year_box.currentData() == page.period.period()[0]
    assert dialog.estimate is not None and dialog.estimate.year == page.period.period()[0]
