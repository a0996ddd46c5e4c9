"""The window's life: choose the ledger (a welcome on first run), hold it
against a second instance, open the main window, and the 文件 menu — new,
open, recent ledgers, backup, restore, check, settings — with automatic
rotating backups (daily and on close)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import backup, check, demo, i18n, paths
from ..errors import BrokerDeskError
from ..ledger import Ledger
from ..ledger import files as ledger_files
from ..ledger.files import on_network_or_synced_folder
from ..ledger.schema import SCHEMA_VERSION
from . import app as app_module
from . import files
from .app import create_app
from .instance import InstanceGuard
from .jobs import run_job
from .main_window import MainWindow
from .prefs import settings
from .titles import clean_title
from .widgets import show_error

SAMPLE_CONTRACTS = 2000

i18n.register({
    "gui.welcome.title": ("欢迎使用技术经纪人工作台", "Welcome to BrokerDesk"),
    "gui.welcome.text": ("第一次使用，请选择从哪里开始。示例账本是单独的文件，不会混入您的正式数据。",
                         "First time here: choose where to start. The sample ledger is a separate file and never mixes with your real data."),
    "gui.welcome.empty": ("新建空账本（默认位置）", "Start an empty ledger (default place)"),
    "gui.welcome.sample": ("打开示例账本（{count} 份演示合同）", "Open a sample ledger ({count} demo contracts)"),
    "gui.welcome.open": ("打开已有账本…", "Open an existing ledger…"),
    "gui.welcome.building": ("正在生成示例账本…", "Building the sample ledger…"),
    "gui.file.new": ("新建账本(&N)…", "&New ledger…"),
    "gui.file.open": ("打开账本(&O)…", "&Open ledger…"),
    "gui.file.recent": ("最近打开(&R)", "&Recent ledgers"),
    "gui.file.backup": ("备份账本(&B)…", "&Back up…"),
    "gui.file.restore": ("从备份恢复…", "Restore from backup…"),
    "gui.file.check": ("检查账本", "Check the ledger"),
    "gui.file.settings": ("设置(&S)…", "&Settings…"),
    "gui.file.sample": ("打开示例账本", "Open the sample ledger"),
    "gui.running.title": ("账本已打开", "Ledger already open"),
    "gui.running.text": ("账本 {path} 已在另一个窗口中打开，已切换到该窗口。", "The ledger {path} is open in another window; it has been brought to the front."),
    "gui.open_failed": ("无法打开账本", "Cannot open the ledger"),
    "gui.network_title": ("账本位置", "Ledger location"),
    "gui.network": ("账本位于网络或云同步文件夹中。多台电脑同时写入可能损坏数据，建议放在本机磁盘上。",
                    "The ledger is on a network or cloud-synced folder; writes from several computers can damage it. A local disk is safer."),
    "gui.backup.working": ("正在备份…", "Backing up…"),
    "gui.upgrading": ("正在升级账本（已先备份）…", "Upgrading the ledger (backed up first)…"),
    "gui.backup.done": ("已备份到 {path}", "Backed up to {path}"),
    "gui.restore.confirm": ("用 {source} 替换当前账本？当前账本会先自动备份。", "Replace the current ledger with {source}? It is backed up first."),
    "gui.restore.working": ("正在恢复…", "Restoring…"),
    "gui.restore.done": ("已恢复。原账本已备份到 {path}", "Restored. The replaced ledger was backed up to {path}"),
    "gui.check.working": ("正在检查…", "Checking…"),
    "gui.check.healthy": ("账本正常：{contract} 份合同，{client} 个客户，结构版本 {version}。", "The ledger is healthy: {contract} contracts, {client} clients, schema {version}."),
    "gui.check.problems": ("发现问题：\n{problems}", "Problems found:\n{problems}"),
})


class WelcomeDialog(QDialog):
    EMPTY, SAMPLE, OPEN = 1, 2, 3

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(i18n.tr("gui.welcome.title"))
        layout = QVBoxLayout(self)
        title = QLabel(i18n.tr("gui.welcome.title"))
        title.setObjectName("pageTitle")
        text = QLabel(i18n.tr("gui.welcome.text"))
        text.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(text)
        self.choice = 0
        for value, label in ((self.EMPTY, i18n.tr("gui.welcome.empty")),
                             (self.SAMPLE, i18n.tr("gui.welcome.sample", count=SAMPLE_CONTRACTS)),
                             (self.OPEN, i18n.tr("gui.welcome.open"))):
            button = QPushButton(label)
            button.setMinimumHeight(40)
            if value == self.EMPTY:
                button.setObjectName("primary")
            button.clicked.connect(lambda _=False, v=value: self._choose(v))
            layout.addWidget(button)
        self.resize(460, 260)

    def _choose(self, value: int) -> None:
        self.choice = value
        self.accept()


def recent_ledgers() -> list[str]:
    value = settings().value("recent", []) or []
    return [value] if isinstance(value, str) else list(value)


def remember(path: Path) -> None:
    items = [str(Path(path).resolve())] + [p for p in recent_ledgers() if p != str(Path(path).resolve())]
    settings().setValue("recent", items[:8])


def backup_folder(ledger_path: Path) -> Path:
    custom = settings().value("backup_dir", "") or ""
    return Path(custom) / Path(ledger_path).stem if custom else paths.backup_dir(ledger_path)


def _automatic_backup(path: Path, reason: str, keep: int) -> Path:
    with Ledger.open(path, create=False) as led:
        return backup.automatic(led, reason, backup_folder(path), keep=keep)


class Controller(QObject):
    """Owns the open ledger, its instance guard and its window."""

    def __init__(self, today: dt.date | None = None):
        super().__init__()
        self.today = today
        self.ledger: Ledger | None = None
        self.guard: InstanceGuard | None = None
        self.window: MainWindow | None = None

    # -- choosing and opening ---------------------------------------------------------
    def first_ledger(self, db: Path | None) -> Path | None:
        if db:
            return Path(db)
        default = paths.default_ledger()
        if default.exists() or recent_ledgers():
            recent = [p for p in recent_ledgers() if Path(p).exists()]
            return Path(recent[0]) if recent else default
        dialog = WelcomeDialog()
        if not dialog.exec():
            return None
        if dialog.choice == WelcomeDialog.SAMPLE:
            return self.sample_ledger()
        if dialog.choice == WelcomeDialog.OPEN:
            name = files.open_file(None, i18n.tr("gui.file.open"), str(paths.data_dir()), files.ledger_filter())
            return Path(name) if name else None
        return default

    def sample_ledger(self) -> Path | None:
        path = paths.data_dir() / "sample.brokerdesk"
        if not path.exists():
            def build(progress, cancelled):
                with Ledger.open(path) as led:
                    return demo.generate(led, SAMPLE_CONTRACTS, progress=progress, cancelled=cancelled)
            try:
                run_job(self.window, i18n.tr("gui.welcome.building"), build)
            except Exception as e:  # noqa: BLE001
                show_error(self.window, e)
                return None
        return path

    def open(self, path: Path) -> bool:
        """Open ``path`` in the window (replacing the ledger shown now)."""
        guard = InstanceGuard(path)
        if not guard.acquire():
            guard.signal_running()
            QMessageBox.information(self.window, i18n.tr("gui.running.title"), i18n.tr("gui.running.text", path=path))
            return False
        try:
            self._upgrade_first(path)
            ledger = Ledger.open(path)
        except BrokerDeskError as e:
            guard.release()
            show_error(self.window, e, i18n.tr("gui.open_failed"))
            return False
        old_window = self.window
        self.close_ledger(backup_on_close=True)
        self.ledger, self.guard = ledger, guard
        remember(path)
        self.window = MainWindow(ledger, self.today)
        self.install_file_menu(self.window)
        guard.activated.connect(self._bring_to_front)
        if old_window is not None:
            old_window.hide()
            old_window.deleteLater()
        self.window.show()
        QTimer.singleShot(0, self.ask_office)
        if on_network_or_synced_folder(path):
            QMessageBox.warning(self.window, i18n.tr("gui.network_title"), i18n.tr("gui.network"))
        self.daily_backup()
        return True

    def ask_office(self) -> None:
        """A ledger's first run asks for the office's name and registration point (once; skippable)."""
        if self.ledger is None or self.window is None or self.ledger.setting("office_name"):
            return
        path = str(self.ledger.path.resolve())
        asked = settings().value("office_asked", []) or []
        asked = [asked] if isinstance(asked, str) else list(asked)
        if path in asked or self.ledger.path.name == "sample.brokerdesk":
            return
        settings().setValue("office_asked", [*asked, path][-50:])
        from .settings_dialog import OfficeDialog

        dialog = OfficeDialog(self.ledger, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without blocking the start
        self.office_dialog = dialog

    def _upgrade_first(self, path: Path) -> None:
        """A ledger of an older schema is backed up and upgraded off the GUI thread, with progress."""
        state, version = ledger_files.inspect(path)
        if state == ledger_files.LEDGER and version < SCHEMA_VERSION:
            run_job(self.window, i18n.tr("gui.upgrading"), lambda p, c: Ledger.open(path).close())

    def _bring_to_front(self) -> None:
        if self.window:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def close_ledger(self, backup_on_close: bool = True) -> None:
        if self.ledger is None:
            return
        path = self.ledger.path
        self.ledger.close()
        self.ledger = None
        if backup_on_close:
            try:
                _automatic_backup(path, "close", keep=5)
            except BrokerDeskError:
                pass
        if self.guard:
            self.guard.release()
            self.guard = None

    def daily_backup(self) -> None:
        """One automatic backup a day, kept for two weeks."""
        path = self.ledger.path
        stamp = dt.date.today().strftime("%Y%m%d")
        if any(backup_folder(path).glob(f"{path.stem}-daily-{stamp}-*")):
            return
        try:
            run_job(self.window, i18n.tr("gui.backup.working"), lambda p, c: _automatic_backup(path, "daily", 14))
        except Exception:  # noqa: BLE001 - a failed automatic backup must not stop the day's work
            pass

    # -- the 文件 menu ------------------------------------------------------------------
    def install_file_menu(self, window: MainWindow) -> None:
        menu = window.file_menu
        menu.addAction(i18n.tr("gui.file.new"), self.new_ledger)
        menu.addAction(i18n.tr("gui.file.open"), self.open_dialog)
        recent = menu.addMenu(i18n.tr("gui.file.recent"))
        for p in recent_ledgers():
            recent.addAction(p, lambda p=p: self.open(Path(p)))
        menu.addAction(i18n.tr("gui.file.sample"), self.open_sample)
        window.sampleRequested.connect(self.open_sample)
        menu.addSeparator()
        menu.addAction(window.import_action)
        menu.addAction(window.export_action)
        menu.addAction(window.template_action)
        menu.addSeparator()
        menu.addAction(window.print_action)
        menu.addAction(window.batch_print_action)
        menu.addAction(window.commission_action)
        menu.addSeparator()
        menu.addAction(i18n.tr("gui.file.backup"), self.backup_now)
        menu.addAction(i18n.tr("gui.file.restore"), self.restore)
        menu.addAction(i18n.tr("gui.file.check"), self.check)
        menu.addSeparator()
        menu.addAction(i18n.tr("gui.file.settings"), self.settings)
        menu.addSeparator()
        menu.addAction(window.quit_action)

    def open_sample(self) -> None:
        if path := self.sample_ledger():
            self.open(path)

    def new_ledger(self) -> None:
        name = files.save_file(self.window, i18n.tr("gui.file.new"), str(paths.data_dir()), files.ledger_filter())
        if name:
            path = Path(name) if Path(name).suffix else Path(name + ".brokerdesk")
            self.open(path)

    def open_dialog(self) -> None:
        name = files.open_file(self.window, i18n.tr("gui.file.open"), str(paths.data_dir()), files.ledger_filter())
        if name:
            self.open(Path(name))

    def backup_now(self) -> None:
        suggested = str(backup_folder(self.ledger.path) / f"{self.ledger.path.stem}-{dt.datetime.now():%Y%m%d-%H%M}.brokerdesk")
        name = files.save_file(self.window, i18n.tr("gui.file.backup"), suggested, files.ledger_filter())
        if not name:
            return
        path = self.ledger.path

        def work(progress, cancelled):
            with Ledger.open(path, create=False) as led:
                return backup.copy(led, Path(name))
        try:
            target = run_job(self.window, i18n.tr("gui.backup.working"), work)
        except Exception as e:  # noqa: BLE001
            show_error(self.window, e)
            return
        self.window.statusBar().showMessage(i18n.tr("gui.backup.done", path=target), 8000)

    def restore(self) -> None:
        name = files.open_file(self.window, i18n.tr("gui.file.restore"), str(backup_folder(self.ledger.path)),
                               files.ledger_filter())
        if not name:
            return
        if QMessageBox.question(self.window, clean_title(i18n.tr("gui.file.restore")),
                                i18n.tr("gui.restore.confirm", source=name)) != QMessageBox.StandardButton.Yes:
            return
        path = self.ledger.path
        try:
            backup.verify(Path(name))
        except BrokerDeskError as e:
            show_error(self.window, e)
            return
        self.ledger.close()
        self.ledger = None

        def work(progress, cancelled):
            safety, led = backup.restore(path, Path(name))
            led.close()
            return safety
        try:
            safety = run_job(self.window, i18n.tr("gui.restore.working"), work)
        except Exception as e:  # noqa: BLE001
            show_error(self.window, e)
            safety = None
        if self.guard:
            self.guard.release()
            self.guard = None
        self.open(path)
        if safety:
            QMessageBox.information(self.window, clean_title(i18n.tr("gui.file.restore")),
                                    i18n.tr("gui.restore.done", path=safety))

    def check(self) -> None:
        path = self.ledger.path

        def work(progress, cancelled):
            with Ledger.open(path, create=False) as led:
                return check.run(led)
        try:
            report = run_job(self.window, i18n.tr("gui.check.working"), work)
        except Exception as e:  # noqa: BLE001
            show_error(self.window, e)
            return
        if report.healthy:
            QMessageBox.information(self.window, i18n.tr("gui.file.check"), i18n.tr(
                "gui.check.healthy", contract=report.counts["contract"], client=report.counts["client"],
                version=report.schema_version))
        else:
            QMessageBox.warning(self.window, i18n.tr("gui.file.check"),
                                i18n.tr("gui.check.problems", problems="\n".join(report.problems)))

    def settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if SettingsDialog(self.ledger, self.window).exec():
            self.window.refresh_all()


def run(db: Path | None = None, argv: list[str] | None = None, language: str | None = None,
        smoke: bool = False) -> int:
    """Open the window (on ``db`` or the user's ledger); returns the exit status.

    ``language`` (from ``--lang``) wins over the one chosen in the settings. ``smoke``
    (``--smoke``, a check of an installed or built app): no welcome dialog (the ledger
    given, else the default one), and quit once the main window has painted, printing
    how long that took from the process's start; exit status 1 if it never paints.
    """
    i18n.set_language(language or settings().value("language", "") or i18n.get_language())
    app = create_app(argv)
    controller = Controller()
    if smoke:
        path = Path(db) if db else paths.default_ledger()
        watch = _FirstPaint(app)
    else:
        path = controller.first_ledger(db)
    if path is None or not controller.open(path):
        return 0
    if smoke and watch.painted:  # painted while opening (say, under the daily backup's progress)
        controller.close_ledger(backup_on_close=True)
        return 0
    app.aboutToQuit.connect(lambda: controller.close_ledger(backup_on_close=True))
    if smoke:
        watch.quit_on_paint = True
    status = QApplication.exec()
    return (0 if watch.painted else 1) if smoke else status


class _FirstPaint(QObject):
    """--smoke: the first paint of the main window ends the run (or a minute without one)."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app, self.painted, self.quit_on_paint = app, False, False
        app.installEventFilter(self)
        QTimer.singleShot(60_000, app.quit)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and isinstance(obj.window(), MainWindow)):
            self.app.removeEventFilter(self)
            self.painted = True
            age = process_age()
            # the Qt translations loaded tell a bundle that lacks them (its stock buttons in English)
            print((f"window painted {age:.3f} s after the process started" if age is not None
                   else "window painted") + f"; Qt translations loaded: {app_module.translations_loaded()}", flush=True)
            if self.quit_on_paint:  # not in a nested loop (a progress dialog's), which quit would end
                QTimer.singleShot(0, self.app.quit)
        return False


def process_age() -> float | None:
    """Seconds since this process was created (Linux, from /proc; None elsewhere)."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
