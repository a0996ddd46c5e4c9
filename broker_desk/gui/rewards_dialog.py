"""奖补测算: a year's reward estimate under a policy file (:mod:`broker_desk.rewards`), opened
from the 排行榜 page. Pick the policy (a shipped example, one of the user's own, or any .toml
file) and the year; the totals per beneficiary and the arithmetic contract by contract show at
once (choosing a beneficiary narrows the arithmetic to it); export to Excel or PDF as a job.
A broken policy file is listed with its faults and cannot be chosen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .. import i18n, policy, rewards
from ..money import yuan_text
from ..reports import rewards as report
from . import files
from .report_view import (
    ReportExport,
    TextRowsModel,
    default_year,
    fit_columns,
    totals_label,
    years_to_offer,
)
from .widgets import Dialog, record_table, show_error

i18n.register({
    "gui.rw.title": ("奖补测算", "Reward estimate"),
    "gui.rw.policy": ("政策", "Policy"),
    "gui.rw.year": ("年份", "Year"),
    "gui.rw.other_file": ("其他文件…", "Other file…"),
    "gui.rw.broken": ("{title}（有误，不能使用）", "{title} (broken, cannot be used)"),
    "gui.rw.choose_file": ("选择奖补政策文件", "Choose a policy file"),
    "gui.rw.exporting": ("正在导出奖补测算", "Exporting the estimate"),
    "gui.rw.totals": ("合计 {total} 元：{beneficiaries} 个受益方，{lines} 行计算", "Total {total} yuan: {beneficiaries} "
                      "beneficiaries, {lines} lines"),
    "gui.rw.filtered": ("（只显示“{name}”的 {count} 行；再点一次取消）", "(only the {count} lines of “{name}”; click again for all)"),
    "gui.rw.no_policy": ("没有可用的奖补政策文件", "No usable policy file"),
})

SUMMARY = ("kind", "name", "contracts", "base", "result", "cap_notes")
LINES = ("rule_no", "contract_no", "registered_on", "name", "base", "arithmetic", "caps", "result")
_HEADER = {"kind": "rwx.kind", "name": "rwx.name", "contracts": "rwx.contracts", "base": "rwx.base",
           "result": "rwx.result", "cap_notes": "rwx.cap_notes", "rule_no": "rwx.rule_no",
           "contract_no": "rwx.contract_no", "registered_on": "rwx.registered_on", "arithmetic": "rwx.calc",
           "caps": "rwx.caps"}
_NUMBERS = {"contracts", "base", "result"}


def summary_texts(t: rewards.BeneficiaryTotal) -> dict[str, str]:
    return {"kind": i18n.tr(f"rw.beneficiary.{t.kind}"), "name": t.name, "contracts": f"{len(t.contracts):,}",
            "base": yuan_text(t.base_fen), "result": yuan_text(t.result_fen),
            "cap_notes": i18n.tr("rw.sep").join(t.cap_notes)}


def line_texts(line: rewards.Line) -> dict[str, str]:
    arithmetic = i18n.tr("rw.sep").join(s for s in (line.weighting(), line.arithmetic()) if s)
    return {"rule_no": str(line.rule.number), "contract_no": line.contract_no, "registered_on": line.registered_on,
            "name": line.beneficiary_name, "base": yuan_text(line.base_fen), "arithmetic": arithmetic,
            "caps": line.caps(), "result": yuan_text(line.result_fen)}


class _Model(TextRowsModel):
    """Rows of an estimate (totals or lines), their texts made when first painted."""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return i18n.tr(_HEADER[self.columns[section]])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "caps" and self.text(index.row(), key):
            return QBrush(QColor("#b45309"))
        return None


class RewardsDialog(Dialog):
    """The estimate of one policy for one year (``estimate``), exports ``export_xlsx/pdf(path)``."""

    def __init__(self, ledger, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(i18n.tr("gui.rw.title"), "rewards", parent, QDialogButtonBox.StandardButton.Close)
        self.ledger = ledger
        self.today = today or dt.date.today()
        self.estimate: rewards.Estimate | None = None
        self.exporter = ReportExport(self, i18n.tr("gui.rw.exporting"))
        self.xlsx_button, self.pdf_button = self.exporter.xlsx_button, self.exporter.pdf_button
        self.status = self.exporter.status
        self._filter: tuple | None = None
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(i18n.tr("gui.rw.policy")))
        self.policy_box = QComboBox()
        self.policy_box.setMinimumContentsLength(24)
        self.policy_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        bar.addWidget(self.policy_box, 1)
        other = QPushButton(i18n.tr("gui.rw.other_file"))
        other.clicked.connect(lambda: self.choose_file())
        bar.addWidget(other)
        bar.addSpacing(10)
        bar.addWidget(QLabel(i18n.tr("gui.rw.year")))
        self.year_box = QComboBox()
        years = years_to_offer(ledger, self.today)
        for year in years:
            self.year_box.addItem(str(year), year)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(default_year(years, self.today))))
        bar.addWidget(self.year_box)
        bar.addSpacing(10)
        self.xlsx_button.clicked.connect(lambda: self.export_xlsx())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)

        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)

        self.summary = _Model(SUMMARY, summary_texts, self)
        self.summary_table = record_table(self.summary, lambda _row: None)  # a click filters (below)
        self.summary_table.clicked.connect(lambda index: self.filter_row(index.row()))
        fit_columns(self.summary_table, SUMMARY.index("cap_notes"))
        self.lines = _Model(LINES, line_texts, self)
        self.lines_table = record_table(self.lines, lambda _row: None)
        fit_columns(self.lines_table, LINES.index("arithmetic"))
        self.totals = totals_label()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.summary_table)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.totals)
        below_layout.addWidget(self.lines_table, 1)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.resize(1180, 660)

        self._fill_policies()
        self.policy_box.currentIndexChanged.connect(lambda _i: self.compute())
        self.year_box.currentIndexChanged.connect(lambda _i: self.compute())
        self.compute()

    # -- choices ------------------------------------------------------------------------------
    def _fill_policies(self) -> None:
        from PySide6.QtGui import QStandardItemModel

        self.policy_box.clear()
        for info in policy.list_policies():
            if not info.in_use:
                continue
            label = info.title if not info.error else i18n.tr("gui.rw.broken", title=info.title)
            self.policy_box.addItem(label, str(info.path))
            i = self.policy_box.count() - 1
            if info.error:
                self.policy_box.setItemData(i, info.error, Qt.ItemDataRole.ToolTipRole)
                model = self.policy_box.model()
                if isinstance(model, QStandardItemModel):
                    model.item(i).setEnabled(False)
        first_good = next((i for i in range(self.policy_box.count())
                           if not self.policy_box.itemData(i, Qt.ItemDataRole.ToolTipRole)), -1)
        self.policy_box.setCurrentIndex(first_good)

    def set_policy(self, name_or_path: str) -> None:
        """Choose a policy by its name, title or file (an unlisted file is added)."""
        chosen = policy.find(name_or_path)
        i = self.policy_box.findData(str(chosen.path))
        if i < 0:
            self.policy_box.addItem(chosen.title, str(chosen.path))
            i = self.policy_box.count() - 1
        self.policy_box.setCurrentIndex(i)

    def set_year(self, year: int) -> None:
        i = self.year_box.findData(year)
        if i < 0:
            self.year_box.addItem(str(year), year)
            i = self.year_box.count() - 1
        self.year_box.setCurrentIndex(i)

    def choose_file(self) -> None:
        path = files.open_file(self, i18n.tr("gui.rw.choose_file"), str(policy.user_dir()), "TOML (*.toml)")
        if path:
            try:
                self.set_policy(path)
            except Exception as e:  # noqa: BLE001 - a broken file is said to the user
                show_error(self, e, i18n.tr("gui.rw.title"))

    # -- the estimate ---------------------------------------------------------------------------
    def compute(self) -> None:
        self.estimate, self._filter = None, None
        path, year = self.policy_box.currentData(), self.year_box.currentData()
        self.exporter.set_enabled(False)
        if not path or year is None:
            self.info.setText(i18n.tr("gui.rw.no_policy"))
            self.summary.set_rows([])
            self.lines.set_rows([])
            self.totals.setText("")
            return
        try:
            chosen = policy.load(path, builtin=Path(path).parent.resolve() == policy.builtin_dir().resolve())
            self.estimate = rewards.estimate(self.ledger, chosen, year)
        except Exception as e:  # noqa: BLE001 - a broken file or a year outside the policy: said here
            self.info.setText(f'<span style="color:#b91c1c">{_html(str(e))}</span>')
            self.summary.set_rows([])
            self.lines.set_rows([])
            self.totals.setText("")
            return
        e = self.estimate
        lines = report.info_lines(e)
        shown = [f'<b style="color:#b91c1c">{_html(lines[0])}</b>'] if e.example else []
        shown += [_html(line) for line in lines[1 if e.example else 0:-2]]
        self.info.setText("<br/>".join(shown))
        self.summary.set_rows(e.totals)
        self.lines.set_rows(e.lines)
        self._say_totals()
        self.exporter.set_enabled(True)

    def filter_row(self, row: int) -> None:
        """Show only the arithmetic of the beneficiary on ``row`` of the totals (again: all)."""
        if self.estimate is None or not 0 <= row < len(self.estimate.totals):
            return
        key = self.estimate.totals[row].key
        self._filter = None if self._filter == key else key
        rows = self.estimate.lines if self._filter is None else [
            line for line in self.estimate.lines if line.beneficiary == key]
        self.lines.set_rows(rows)
        self._say_totals()

    def _say_totals(self) -> None:
        e = self.estimate
        text = i18n.tr("gui.rw.totals", total=yuan_text(e.total_fen), beneficiaries=len(e.totals), lines=len(e.lines))
        if self._filter is not None:
            name = next(t.name for t in e.totals if t.key == self._filter)
            text += i18n.tr("gui.rw.filtered", name=name, count=self.lines.rowCount())
        self.totals.setText(text)

    # -- export ---------------------------------------------------------------------------------
    def export_xlsx(self, path: str | Path | None = None) -> Path | None:
        return self._export(path, ".xlsx")

    def export_pdf(self, path: str | Path | None = None) -> Path | None:
        return self._export(path, ".pdf")

    def _export(self, path: str | Path | None, suffix: str) -> Path | None:
        if self.estimate is None:
            return None
        estimate = self.estimate

        def write(target, progress, cancelled):
            return report.write(estimate, target, progress, cancelled)

        return self.exporter.run(suffix, path, rewards.estimate_file_name(estimate, suffix), write)


def _html(text: str) -> str:
    from html import escape

    return escape(text)
