"""The main window: a navigation bar (工作台, the lists, 排行榜 and 统计), menus and a
toolbar, undo/redo through the core's change log, and the editors."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError
from ..fields import entity_label
from . import files, geometry
from .demands_page import DemandsPage
from .engagements_page import EngagementsPage
from .help import GuideDialog, ShortcutsDialog, about_text
from .history import HistoryDialog
from .home import HomePage
from .lists import ListPage
from .prefs import settings
from .rankings_page import RankingsPage
from .statistics_page import StatisticsPage
from .titles import main_title
from .widgets import show_error

if TYPE_CHECKING:
    from .editors import RecordEditor

ENTITIES = ("contract", "client", "achievement", "demand", "engagement", "broker")
#: Lists with a page of their own (the others are plain ListPages).
PAGES = {"demand": DemandsPage, "engagement": EngagementsPage}

i18n.register({
    "gui.menu.file": ("文件(&F)", "&File"),
    "gui.menu.edit": ("编辑(&E)", "&Edit"),
    "gui.menu.view": ("视图(&V)", "&View"),
    "gui.menu.help": ("帮助(&H)", "&Help"),
    "gui.action.new": ("新建(&N)", "&New"),
    "gui.action.open": ("打开(&O)", "&Open"),
    "gui.action.delete": ("删除(&D)", "&Delete"),
    "gui.action.undo": ("撤销(&U)", "&Undo"),
    "gui.action.undo_what": ("撤销：{what}", "Undo: {what}"),
    "gui.action.redo": ("重做(&R)", "&Redo"),
    "gui.action.redo_what": ("重做：{what}", "Redo: {what}"),
    "gui.action.find": ("查找(&F)", "&Find"),
    "gui.action.history": ("修改记录(&H)…", "&History…"),
    "gui.action.refresh": ("刷新", "Refresh"),
    "gui.action.quit": ("退出(&X)", "E&xit"),
    "gui.action.about": ("关于(&A)", "&About"),
    "gui.delete.title": ("删除", "Delete"),
    "gui.delete.confirm": ("删除{entity}“{name}”？可以用 Ctrl+Z 撤销。", "Delete {entity} “{name}”? Ctrl+Z undoes it."),
    "gui.undone": ("已撤销：{what}", "Undone: {what}"),
    "gui.redone": ("已重做：{what}", "Redone: {what}"),
    "gui.saved": ("已保存", "Saved"),
    "gui.ledger_status": ("账本：{path}", "Ledger: {path}"),
    "gui.excel.import": ("导入 Excel(&I)…", "&Import workbook…"),
    "gui.excel.export": ("导出 Excel(&E)…", "&Export workbook…"),
    "gui.excel.template": ("下载导入模板…", "Save an import template…"),
    "gui.excel.filter": ("Excel 工作簿 (*.xlsx *.xlsm *.xls *.ods);;所有文件 (*)", "Workbooks (*.xlsx *.xlsm *.xls *.ods);;All files (*)"),
    "gui.excel.exporting": ("正在导出…", "Exporting…"),
    "gui.excel.exported": ("已导出到 {path}", "Exported to {path}"),
    "gui.excel.template_saved": ("导入模板已保存到 {path}", "Import template saved to {path}"),
})
i18n.register({
    "gui.action.print": ("打印(&P)…", "&Print…"),
    "gui.action.batch_print": ("批量打印(&B)…", "&Batch print…"),
    "gui.action.commission": ("佣金对账单(&M)…", "Co&mmission statements…"),
})


class MainWindow(QMainWindow):
    #: 打开示例账本 asked for (from the empty ledger's first steps): the controller opens it.
    sampleRequested = Signal()

    def __init__(self, ledger, today: dt.date | None = None):
        super().__init__()
        self.ledger = ledger
        self.today = today
        self.setWindowTitle(main_title(ledger.path.name))
        self.setMinimumSize(QSize(960, 560))
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        side = QVBoxLayout()
        side.setSpacing(0)
        title = QLabel(i18n.tr("gui.app_name"))
        title.setObjectName("navTitle")
        side.addWidget(title)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(176)
        side.addWidget(self.nav, 1)
        row.addLayout(side)
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        start = int(settings().value("main/page", 0) or 0)
        self.home = HomePage(ledger, today=today, load=start == 0)  # else filled when first shown
        self.home.openContract.connect(lambda id_: self.open_record("contract", id_))
        self.home.openRecord.connect(self.open_record)
        self.home.openEngagement.connect(lambda id_: self.open_record("engagement", id_))
        self.home.showOverdue.connect(self.show_overdue)
        self.home.first_steps.chosen.connect(self.first_step)
        self.pages: dict[str, ListPage] = {}
        self.nav.addItem(i18n.tr("gui.home"))
        self.stack.addWidget(self.home)
        for entity in ENTITIES:
            page = PAGES.get(entity, ListPage)(ledger, entity)
            page.model.today = today
            page.openRequested.connect(lambda id_, e=entity: self.open_record(e, id_))
            if isinstance(page, EngagementsPage):
                page.refresh()  # the board's cards say what is overdue as of ``today``
                page.changed.connect(lambda _c: self.refresh_all())
                page.signRequested.connect(self.sign_engagement)
                page.followupRequested.connect(self.add_followup)
            self.pages[entity] = page
            self.nav.addItem(i18n.tr(f"gui.list.{entity}"))
            self.stack.addWidget(page)
        self.rankings = RankingsPage(ledger, today)
        self.statistics = StatisticsPage(ledger, today)
        for key, page in (("gui.rankings", self.rankings), ("gui.statistics", self.statistics)):
            page.openContracts.connect(self.show_contracts)
            self.nav.addItem(i18n.tr(key))
            self.stack.addWidget(page)
        self.rankings.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.statistics.openRecord.connect(self.open_record)  # a broker of the 对接漏斗 table
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(lambda _r: self._update_actions())
        self._actions()
        self.path_label = QLabel(i18n.tr("gui.ledger_status", path=ledger.path))
        self.path_label.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.path_label)
        geometry.remember(self, "main", QSize(1280, 800))  # within the screen, maximised if it was
        self.nav.setCurrentRow(start)
        self._update_actions()

    # -- actions ---------------------------------------------------------------------
    def _action(self, key: str, slot, shortcut=None, menu=None) -> QAction:
        action = QAction(i18n.tr(key), self)
        self.named_actions.append((i18n.tr(key), action))  # for 帮助 → 快捷键
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        self.addAction(action)
        return action

    def _actions(self) -> None:
        self.named_actions: list[tuple[str, QAction]] = []
        bar = self.menuBar()
        self.file_menu = bar.addMenu(i18n.tr("gui.menu.file"))
        edit = bar.addMenu(i18n.tr("gui.menu.edit"))
        view = bar.addMenu(i18n.tr("gui.menu.view"))
        help_ = bar.addMenu(i18n.tr("gui.menu.help"))
        self.quit_action = self._action("gui.action.quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self._action("gui.action.undo", self.undo, QKeySequence.StandardKey.Undo, edit)
        self.redo_action = self._action("gui.action.redo", self.redo,
                                        [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], edit)
        edit.addSeparator()
        self.new_action = self._action("gui.action.new", self.new_record, QKeySequence.StandardKey.New, edit)
        self.open_action = self._action("gui.action.open", self.open_selected, None, edit)
        self.delete_action = self._action("gui.action.delete", self.delete_selected,
                                          QKeySequence(Qt.Key.Key_Delete), edit)
        self.history_action = self._action("gui.action.history", self.show_history, QKeySequence("Ctrl+H"), edit)
        edit.addSeparator()
        self.find_action = self._action("gui.action.find", self.focus_search, QKeySequence.StandardKey.Find, edit)
        self._action("gui.action.refresh", self.refresh_all, QKeySequence.StandardKey.Refresh, view)
        for i, key in enumerate(["gui.home"] + [f"gui.list.{e}" for e in ENTITIES] + ["gui.rankings", "gui.statistics"]):
            self._action(key, lambda _=False, i=i: self.nav.setCurrentRow(i), QKeySequence(f"Ctrl+{i + 1}"), view)
        self._action("gui.help.guide", self.show_guide, QKeySequence.StandardKey.HelpContents, help_)
        self._action("gui.help.shortcuts", self.show_shortcuts, None, help_)
        help_.addSeparator()
        self._action("gui.action.about", self.about, None, help_)
        self.import_action = self._action("gui.excel.import", lambda: self.import_workbook(), QKeySequence("Ctrl+I"))
        self.export_action = self._action("gui.excel.export", self.export_workbook, QKeySequence("Ctrl+E"))
        self.template_action = self._action("gui.excel.template", self.save_template)
        self.print_action = self._action("gui.action.print", self.print_selected, QKeySequence.StandardKey.Print)
        self.batch_print_action = self._action("gui.action.batch_print", self.batch_print, QKeySequence("Ctrl+Shift+P"))
        self.commission_action = self._action("gui.action.commission", self.commission_statements)
        for page in self.pages.values():
            self.named_actions += getattr(page, "named_actions", [])  # 对接项目's Ctrl+→/←, Ctrl+J
        contracts = self.pages["contract"].table
        contracts.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        contracts.model().modelReset.connect(self._update_actions)
        self.setAcceptDrops(True)
        tools = self.addToolBar("main")
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        for action in (self.new_action, self.delete_action, self.undo_action, self.redo_action):
            tools.addAction(action)
        tools.addSeparator()
        tools.addAction(self.print_action)

    def current_entity(self) -> str | None:
        row = self.nav.currentRow()
        return ENTITIES[row - 1] if 1 <= row <= len(ENTITIES) else None

    def _update_actions(self) -> None:
        entity = self.current_entity()
        self.delete_action.setEnabled(entity is not None)
        self.print_action.setEnabled(entity == "contract" and self.pages["contract"].selected_id() is not None)
        what = self.ledger.undo_label()
        self.undo_action.setEnabled(what is not None)
        self.undo_action.setText(i18n.tr("gui.action.undo_what", what=what) if what else i18n.tr("gui.action.undo"))
        what = self.ledger.redo_label()
        self.redo_action.setEnabled(what is not None)
        self.redo_action.setText(i18n.tr("gui.action.redo_what", what=what) if what else i18n.tr("gui.action.redo"))

    # -- records ---------------------------------------------------------------------
    def editor(self, entity: str, id_: int | None = None, initial: dict | None = None) -> RecordEditor:
        # the editors are loaded with the first one opened, not before the window is painted
        from .contract_editor import ContractEditor
        from .editors import RecordEditor
        from .engagement_editor import EngagementEditor
        from .match_panel import MATCHING, MatchingEditor

        if entity == "contract":
            editor = ContractEditor(self.ledger, id_, self, initial)
        elif entity in MATCHING:
            editor = MatchingEditor(self.ledger, entity, id_, self, initial)
            editor.openRecord.connect(self.open_record)
            editor.startEngagement.connect(lambda draft: self.editor("engagement", None, draft).exec())
        elif entity == "engagement":
            editor = EngagementEditor(self.ledger, id_, self, initial)
        else:
            editor = RecordEditor(self.ledger, entity, id_, self, initial)
        editor.saved.connect(lambda saved_id, _changes, e=entity: self.after_change(e, saved_id))
        return editor

    def open_record(self, entity: str, id_: int) -> None:
        self.editor(entity, id_).exec()

    def sign_engagement(self, id_: int) -> None:
        """签约 from the board (a card moved to 已签约): the new contract prefilled from it."""
        from .engagement_editor import sign_engagement

        sign_engagement(self, self.ledger, id_, self.today, on_saved=lambda *_: self.after_change("engagement", id_))

    def add_followup(self, id_: int) -> None:
        """添加跟进 (Ctrl+J) on the engagement selected in the 对接项目 page."""
        from .engagement_editor import FollowupDialog

        dialog = FollowupDialog(self.ledger, id_, self, self.today)
        dialog.exec()
        if dialog.changes is not None:
            self.after_change("engagement", id_)

    def first_step(self, step: str) -> None:
        """A first step in an empty ledger: a new client, an import, or the sample ledger."""
        if step == "client":
            self.nav.setCurrentRow(1 + ENTITIES.index("client"))
            self.editor("client").exec()
        elif step == "import":
            self.import_workbook()
        else:
            self.sampleRequested.emit()

    def new_record(self) -> None:
        entity = self.current_entity() or "contract"
        self.editor(entity).exec()

    def open_selected(self) -> None:
        entity = self.current_entity()
        if entity and (id_ := self.pages[entity].selected_id()) is not None:
            self.open_record(entity, id_)

    def delete_selected(self) -> None:
        entity = self.current_entity()
        if entity is None or (id_ := self.pages[entity].selected_id()) is None:
            return
        record = self.ledger.get(entity, id_)
        name = self.ledger.display_name(entity, record)
        answer = QMessageBox.question(self, i18n.tr("gui.delete.title"),
                                      i18n.tr("gui.delete.confirm", entity=entity_label(entity), name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.ledger.delete(entity, id_)
        except BrokerDeskError as e:
            show_error(self, e, i18n.tr("gui.delete.title"))
            return
        self.refresh_all()

    def show_history(self) -> None:
        entity = self.current_entity()
        if entity and (id_ := self.pages[entity].selected_id()) is not None:
            HistoryDialog(self.ledger, entity, id_, self).exec()

    def after_change(self, entity: str, id_: int) -> None:
        self.refresh_all()
        if entity in self.pages:
            self.pages[entity].select(id_)
        self.statusBar().showMessage(i18n.tr("gui.saved"), 4000)

    def undo(self) -> None:
        self._reverse(self.ledger.undo, "gui.undone", self.ledger.undo_label())

    def redo(self) -> None:
        self._reverse(self.ledger.redo, "gui.redone", self.ledger.redo_label())

    def _reverse(self, step, message: str, what: str | None) -> None:
        try:
            step()
        except BrokerDeskError as e:
            show_error(self, e)
            return
        self.refresh_all()
        self.statusBar().showMessage(i18n.tr(message, what=what or ""), 5000)

    def refresh_all(self) -> None:
        self.home.refresh()
        for page in self.pages.values():
            page.refresh()
        self.rankings.refresh()
        self.statistics.refresh()
        self._update_actions()

    def focus_search(self) -> None:
        entity = self.current_entity()
        if entity is None:
            self.nav.setCurrentRow(1)
            entity = "contract"
        self.pages[entity].focus_search()

    def show_overdue(self) -> None:
        self.nav.setCurrentRow(1)
        self.pages["contract"].show_overdue()

    def show_contracts(self, ids: list[int], caption: str) -> None:
        """The contract list showing only ``ids`` (a ranking row's contracts), ``caption`` saying which."""
        self.nav.setCurrentRow(1)
        self.pages["contract"].show_ids(ids, caption)

    # -- paperwork -----------------------------------------------------------------------
    def print_selected(self) -> None:
        """打印: the preview of the selected contract's paperwork."""
        if self.current_entity() == "contract" and (id_ := self.pages["contract"].selected_id()) is not None:
            self.print_contract(id_)

    def print_contract(self, id_: int) -> None:
        from .print_preview import PreviewDialog

        dialog = PreviewDialog(self.ledger, id_, self, today=self.today)
        dialog.exec()
        dialog.deleteLater()

    def batch_print(self) -> None:
        from .batch_print import BatchPrintDialog

        dialog = BatchPrintDialog(self.ledger, self, today=self.today)
        dialog.exec()
        dialog.deleteLater()

    def commission_statements(self) -> None:
        from .commission_view import CommissionDialog

        dialog = CommissionDialog(self.ledger, self, today=self.today)
        dialog.exec()
        dialog.deleteLater()

    # -- Excel -------------------------------------------------------------------------
    WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")

    def import_workbook(self, path: str | None = None) -> None:
        from pathlib import Path

        from .import_dialog import ImportDialog

        if path is None:
            path = files.open_file(self, i18n.tr("gui.excel.import"), "", i18n.tr("gui.excel.filter"))
            if not path:
                return
        dialog = ImportDialog(self.ledger, Path(path), self)
        if dialog.load():
            dialog.exec()
            if dialog.result is not None and dialog.result.written:
                self.refresh_all()

    def export_workbook(self) -> None:
        import datetime as dt
        from pathlib import Path

        from ..workbook.export import export_workbook
        from .jobs import run_job

        suggested = f"{self.ledger.path.stem}-{dt.date.today():%Y%m%d}.xlsx"
        path = files.save_file(self, i18n.tr("gui.excel.export"), suggested, "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path).with_suffix(".xlsx")
        if target.exists():
            target.unlink()  # the file dialog already asked whether to replace it
        ledger_path = self.ledger.path

        def work(progress, cancelled):
            from ..ledger import Ledger

            with Ledger.open(ledger_path, create=False) as led:
                return export_workbook(led, target, progress=progress, cancelled=cancelled)
        try:
            run_job(self, i18n.tr("gui.excel.exporting"), work)
        except Exception as e:  # noqa: BLE001
            show_error(self, e)
            return
        self.statusBar().showMessage(i18n.tr("gui.excel.exported", path=target), 8000)

    def save_template(self) -> None:
        from pathlib import Path

        from ..workbook.template import write_template

        path = files.save_file(self, i18n.tr("gui.excel.template"), "BrokerDesk-导入模板.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path).with_suffix(".xlsx")
        try:
            if target.exists():
                target.unlink()
            write_template(target)
        except (OSError, BrokerDeskError) as e:
            show_error(self, e)
            return
        self.statusBar().showMessage(i18n.tr("gui.excel.template_saved", path=target), 8000)

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and urls[0].toLocalFile().lower().endswith(self.WORKBOOK_SUFFIXES):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.import_workbook(urls[0].toLocalFile())

    def show_guide(self) -> None:
        """帮助 → 使用说明 (F1)."""
        self.guide = GuideDialog(self)  # not modal: read beside the window
        self.guide.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.guide.show()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.named_actions, self).exec()

    def about(self) -> None:
        QMessageBox.about(self, i18n.tr("gui.help.about_title"), about_text(self.ledger.path))

    def closeEvent(self, event) -> None:
        settings().setValue("main/page", self.nav.currentRow())
        for page in self.pages.values():
            page.save_columns()
        from .jobs import wait_for_readers

        wait_for_readers()  # a ranking still being computed ends before the window does
        super().closeEvent(event)
