"""The import dialog under pytest-qt: column preview and hand mapping, the
check with its problems, the import with its summary."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("pytestqt")

from test_workbook_import import HEADERS, contract_row, write  # noqa: E402

from broker_desk.gui import jobs  # noqa: E402
from broker_desk.gui.import_dialog import ImportDialog  # noqa: E402


@pytest.fixture(autouse=True)
def _sync():
    jobs.SYNCHRONOUS = True
    yield
    jobs.SYNCHRONOUS = False


def test_preview_check_and_import(ledger, tmp_path, qtbot):
    path = write(tmp_path / "台账.xlsx", {"技术合同": [
        HEADERS + ["内部编号"],
        contract_row() + ["N-1"],
        contract_row(no="BAD", amount="一百万") + ["N-2"],
        contract_row(no="HT-003") + ["N-3"],
    ]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    dialog.show()
    assert ("技术合同", "内部编号") in dialog.mapping_boxes  # an unknown column, offered for mapping
    assert dialog.mapping_boxes[("技术合同", "合同成交额（元）")].currentData() == "合同成交额（元）"
    dialog.check()
    assert dialog.problems.topLevelItemCount() >= 1
    first_error = next(dialog.problems.topLevelItem(i) for i in range(dialog.problems.topLevelItemCount())
                       if dialog.problems.topLevelItem(i).text(1) == "错误")
    assert "第 3 行" in first_error.text(0) and "无法识别" in first_error.text(2)
    assert "检查结果（尚未写入）" in dialog.summary.text() and "新增 2" in dialog.summary.text()
    assert ledger.count("contract") == 0
    dialog.run_import()  # all or nothing: refused
    assert ledger.count("contract") == 0 and "未写入任何数据" in dialog.summary.text()
    dialog.skip_invalid.setChecked(True)
    dialog.run_import()
    assert dialog.result.written and ledger.count("contract") == 2
    assert "已导入" in dialog.summary.text() and "有误 1" in dialog.summary.text()


def test_mapping_a_column_by_hand_is_remembered(ledger, tmp_path, qtbot):
    path = write(tmp_path / "a.xlsx", {"技术合同": [
        ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "本合同价款"],
        ["X-1", "检测服务", "技术服务", "甲公司", "乙大学", dt.date(2025, 1, 2), 30000],
    ]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    dialog.load()
    box = dialog.mapping_boxes[("技术合同", "本合同价款")]
    box.setCurrentIndex(box.findData("合同成交额（元）"))  # re-reads the file with the mapping
    dialog.check()
    assert "新增 1" in dialog.summary.text()
    dialog.run_import()
    assert ledger.conn.execute("SELECT amount_fen FROM contracts").fetchone()[0] == 3_000_000
    again = ImportDialog(ledger, write(tmp_path / "b.xlsx", {"技术合同": [
        ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "本合同价款"],
        ["X-2", "检测服务", "技术服务", "甲公司", "乙大学", dt.date(2025, 1, 3), 40000]]}))
    qtbot.addWidget(again)
    again.load()
    assert again.mapping_boxes[("技术合同", "本合同价款")].currentData() == "合同成交额（元）"


def test_the_import_runs_in_a_worker_thread_on_the_windows_ledger(ledger, tmp_path, qtbot):
    """As in the program (not inline as the other tests run jobs): the worker thread uses the
    window's ledger connection, and the import's writer thread that connection too."""
    jobs.SYNCHRONOUS = False
    path = write(tmp_path / "线程.xlsx", {"技术合同": [HEADERS, contract_row(), contract_row(no="HT-002")]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    dialog.run_import()
    assert dialog.result is not None and dialog.result.written
    assert [n for (n,) in ledger.conn.execute("SELECT contract_no FROM contracts ORDER BY id")] == ["HT-001", "HT-002"]


def test_a_read_only_column_is_shown_as_not_imported(ledger, tmp_path, qtbot):
    """办结期限 (what the export writes for a contract with the office) is recognised, never
    offered as a target, and shown as not imported."""
    path = write(tmp_path / "a.xlsx", {"技术合同": [
        ["合同编号", "项目名称", "合同类别", "买方", "卖方", "签订日期", "合同成交额（元）", "办结期限"],
        ["X-1", "检测服务", "技术服务", "甲公司", "乙大学", dt.date(2025, 1, 2), 30000, "随便写的"],
    ]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    box = dialog.mapping_boxes[("技术合同", "办结期限")]
    assert box.currentData() is None and box.currentText() == box.itemText(0)
    targets = [box.itemData(i) for i in range(box.count())]
    assert "办结期限" not in targets and "合同成交额（元）" in targets
    dialog.skip_invalid.setChecked(True)
    dialog.run_import()
    assert dialog.result.written and ledger.count("contract") == 1 and not dialog.result.errors
