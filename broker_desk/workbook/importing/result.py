"""What an import gives back: a row's problem, a sheet's counts, the result of the whole file; and the import's messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import i18n
from ...errors import ERROR
from ..values import UnknownValue

i18n.register({
    "import.summary": ("{sheet}：新增 {inserted}，更新 {updated}，未变 {unchanged}，有误 {rejected}",
                       "{sheet}: {inserted} inserted, {updated} updated, {unchanged} unchanged, {rejected} rejected"),
    "import.created": ("，另新建 {created} 条", ", {created} created for references"),
    "import.recognised": ("，按相近写法识别 {recognised} 个值", ", {recognised} values recognised from close spellings"),
    "import.write_failed": ("{file}：写入账本失败（{detail}），账本未改动", "{file}: writing to the ledger failed ({detail}); the ledger was not changed"),
    "import.indexing": ("正在建立索引…", "Building indexes…"),
    "import.cancelled": ("导入已取消，账本未改动", "Import cancelled; the ledger was not changed"),
    "import.duplicate_in_file": ("与第 {other} 行是同一条记录（{key}）", "Same record as row {other} ({key})"),
    "import.unknown_uid_entity": ("记录ID {uid} 属于另一类记录", "Record ID {uid} belongs to another kind of record"),
    "import.ambiguous_party": ("有 {count} 个客户名为“{name}”，请改填统一社会信用代码", "{count} clients are named “{name}”; give the credit code instead"),
    "import.party_rejected": ("{label}“{name}”所在的客户行有误，未导入", "{label} “{name}”: its row in the client sheet has errors"),
    "import.created_client": ("已新建客户“{name}”", "New client “{name}” created"),
    "import.created_broker": ("已新建经纪人“{name}”", "New broker “{name}” created"),
    "import.no_achievement": ("找不到科技成果“{value}”", "No achievement “{value}”"),
    "import.ambiguous_achievement": ("有多项科技成果名为“{value}”，请改填其记录ID", "Several achievements are titled “{value}”; give its record ID"),
    "import.bad_brokers": ("技术经纪人“{value}”无法识别，应写作 张三(60%)；李四(40%) 或 张三、李四", "Brokers “{value}” not understood; write 张三(60%)；李四(40%) or 张三、李四"),
    "import.ambiguous_broker": ("有多名经纪人叫“{name}”，请写作 姓名（证书编号）", "Several brokers are named “{name}”; write 姓名（证书编号）"),
    "import.status_needs": ("登记状态为“{status}”时须填写{fields}", "Status “{status}” needs {fields}"),
    "import.status_kept": ("登记状态与账本不同（账本：{ledger}，表格：{sheet}）；未改动，登记状态请随登记进度导入", "Registration status differs (ledger: {ledger}, sheet: {sheet}); kept — import it with its registration history"),
    "import.no_contract": ("找不到合同 {no}（卖方 {seller}）", "No contract {no} (seller {seller})"),
    "import.contract_rejected": ("所属合同 {no} 未导入", "Its contract {no} was not imported"),
    "import.history_move": ("登记进度不能从“{frm}”到“{to}”", "The history cannot move from “{frm}” to “{to}”"),
    "import.history_order": ("日期 {date} 早于上一步 {last}", "Date {date} is before the previous step {last}"),
    "import.history_end": ("登记进度最后为“{last}”，与合同的登记状态“{status}”不一致", "The history ends at “{last}” but the contract's status is “{status}”"),
    "import.history_diverges": ("登记进度与账本中的不一致（账本第 {step} 步为 {ledger}），未导入", "The history differs from the ledger's (step {step} there is {ledger}); not imported"),
    "import.history_older": ("账本中的登记进度更新，保留账本的", "The ledger's history is further along; the ledger's is kept"),
})


@dataclass(frozen=True)
class RowProblem:
    file: str
    sheet: str
    row: int
    column: str            # "M（合同金额）", or "" for the whole row
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def line(self, mark: str = "") -> str:
        """``FILE:SHEET:ROW:COLUMN: message`` (``mark`` goes before a warning's message)."""
        return f"{self.file}:{self.sheet}:{self.row}:{self.column}: {mark}{self.message}"


@dataclass
class SheetSummary:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created: int = 0       # clients or brokers made for parties named in other sheets
    recognised: int = 0    # code values taken for the item they are close to (each with a note)


@dataclass
class ImportResult:
    file: str
    summaries: dict[str, SheetSummary] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    unknown_values: list[UnknownValue] = field(default_factory=list)  # code values no item was found for
    written: bool = False
    dry_run: bool = False

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if not p.is_error]

    def summary_lines(self) -> list[str]:
        """One line per sheet: inserted / updated / unchanged / rejected, and records made for references."""
        lines = []
        for sheet, s in self.summaries.items():
            line = i18n.tr("import.summary", sheet=sheet, inserted=s.inserted, updated=s.updated,
                           unchanged=s.unchanged, rejected=s.rejected)
            lines.append(line + (i18n.tr("import.created", created=s.created) if s.created else "")
                         + (i18n.tr("import.recognised", recognised=s.recognised) if s.recognised else ""))
        return lines


class Rollback(Exception):
    """Leaves the import's transaction without writing (dry run, or errors in all-or-nothing mode)."""


class RowFailed(Exception):
    pass
