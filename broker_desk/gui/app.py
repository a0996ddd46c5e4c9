"""Starting the window: the application object, its font, translations and
style, the first-run welcome, and one running instance per ledger."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from .. import codes, i18n, paths
from . import geometry
from .prefs import APPLICATION, ORGANIZATION

FONT_FILES = ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)  # resources/icons/broker-desk-N.png (tools/make_icon.py)

_translators: list[QTranslator] = []


def translations_loaded() -> int:
    """How many Qt translations are installed (a bundle that lacks them shows stock buttons in English)."""
    return len(_translators)


def _resources(name: str):
    return paths.resource_files() / name


def load_fonts() -> str | None:
    """Register the CJK font the program ships and make it the application font."""
    family = None
    folder = _resources("fonts")
    for name in FONT_FILES:
        font_file = folder / name
        if not font_file.is_file():
            continue
        font_id = QFontDatabase.addApplicationFontFromData(font_file.read_bytes())
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else None)
    if family:
        font = QFont(family)
        font.setPointSizeF(10)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        QApplication.setFont(font)
    return family


class QtGaps(QTranslator):
    """Qt's own strings that its Chinese catalogue lacks (Qt 6 gave them accelerators, so
    the catalogue's "Look in:" no longer matches and the file dialog showed "&Look in:")."""

    TEXTS = {
        ("QFileDialog", "&Look in:"): "查找范围(&L)：",
        ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    }

    def translate(self, context, source_text, disambiguation=None, n=-1) -> str:  # noqa: ARG002 - Qt's signature
        return self.TEXTS.get((context, source_text), "")

    def isEmpty(self) -> bool:
        return False


def use_language_for_dates(language: str) -> None:
    """Qt's own file dialog writes dates in the system's locale; where the system names none
    (C, POSIX: dates came out as "7 12 2026"), in the program's language. Before the
    application object is made, which reads the locale once."""
    if os.name != "posix" or os.environ.get("LC_ALL"):
        return
    current = (os.environ.get("LC_TIME") or os.environ.get("LANG") or "").split(".")[0]
    if current in ("", "C", "POSIX"):
        os.environ["LC_TIME"] = "zh_CN.UTF-8" if language == "zh" else "en_GB.UTF-8"


def application_icon() -> QIcon:
    """The window's and the taskbar's icon (its images are read when first drawn)."""
    icon = QIcon()
    folder = _resources("icons")
    for size in ICON_SIZES:
        icon.addFile(str(folder / f"broker-desk-{size}.png"))
    return icon


def _windows_taskbar_identity() -> None:
    """Windows groups the taskbar button by this id and shows the window's icon (not Python's)."""
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("BrokerDesk.BrokerDesk")
        except (AttributeError, OSError):
            pass


def install_translations(app: QApplication, language: str) -> None:
    """Qt's own strings (stock buttons, context menus, its file dialog) in the user's language:
    Qt's Chinese catalogues from PySide6's translations folder, and what they lack."""
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if language != "zh":
        return
    gaps = QtGaps(app)  # installed first: searched last, after Qt's own catalogues
    app.installTranslator(gaps)
    _translators.append(gaps)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f5f6f8"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fc"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fde"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#fbfbfc"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)


STYLE_SHEET = """
QListWidget#nav { background: #1f2a3a; color: #d7deea; border: none; padding-top: 8px; outline: 0; }
QListWidget#nav::item { padding: 10px 18px; border-left: 3px solid transparent; }
QListWidget#nav::item:selected { background: #2b3a50; color: #ffffff; border-left: 3px solid #4c8dff; }
QListWidget#nav::item:hover:!selected { background: #263246; }
QLabel#navTitle { background: #1f2a3a; color: #ffffff; font-size: 15px; font-weight: bold; padding: 16px 18px 6px 18px; }
QFrame#card { background: #ffffff; border: 1px solid #e3e7ee; border-radius: 8px; }
QLabel#cardValue { font-size: 22px; font-weight: bold; color: #1f2a3a; }
QLabel#cardLabel { color: #67738a; }
QLabel#sectionTitle { font-size: 14px; font-weight: bold; color: #1f2a3a; padding: 4px 0; }
QLabel#pageTitle { font-size: 18px; font-weight: bold; color: #1f2a3a; }
QLabel#muted { color: #67738a; }
QLabel#error { color: #c62828; }
QLabel#warning { color: #a86400; }
QLabel#daxie { color: #46556b; }
QTableView { gridline-color: #eef0f4; selection-background-color: #dce8ff; selection-color: #111; }
QComboBox QAbstractItemView { background: #ffffff; color: #1f2a3a; border: 1px solid #cfd6e0; outline: 0;
                       selection-background-color: #dce8ff; selection-color: #111; }
QComboBox QAbstractItemView::item:hover, QComboBox QAbstractItemView::item:selected { background: #dce8ff; color: #111; }
QComboBox { combobox-popup: 0; }
QComboBox QAbstractItemView::item { min-height: 24px; padding: 0 4px; }
QListView, QTreeView { selection-background-color: #dce8ff; selection-color: #111; }
QListView::item:hover:!selected, QTreeView::item:hover:!selected { background: #eef3fc; }
QMenu { background: #ffffff; border: 1px solid #cfd6e0; padding: 4px 0; }
QMenu::item { padding: 5px 28px 5px 22px; color: #1f2a3a; background: transparent; }
QMenu::item:selected { background: #dce8ff; color: #111; }
QMenu::item:disabled { color: #9aa4b2; }
QMenu::separator { height: 1px; background: #e3e7ee; margin: 4px 8px; }
QMenuBar::item:selected { background: #dce8ff; color: #111; }
QHeaderView::section { background: #f1f3f7; padding: 5px 6px; border: none; border-right: 1px solid #e3e7ee;
                       border-bottom: 1px solid #dde2ea; font-weight: bold; color: #3a4659; }
QHeaderView::up-arrow, QHeaderView::down-arrow { subcontrol-origin: margin; subcontrol-position: top center;
                       width: 12px; height: 7px; }
QLineEdit, QComboBox, QDateEdit, QSpinBox, QPlainTextEdit { padding: 3px 6px; border: 1px solid #cfd6e0;
                       border-radius: 4px; background: #fff; }
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QPlainTextEdit:focus { border: 1px solid #4c8dff; }
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 1px solid #e53935; }
QPushButton { padding: 5px 14px; border: 1px solid #c9d1dc; border-radius: 4px; background: #fff; }
QPushButton:hover { background: #f0f4fb; }
QPushButton:default, QPushButton#primary { background: #2f6fde; color: white; border: 1px solid #2a62c6; }
QPushButton:disabled { color: #9aa4b2; background: #f3f4f6; }
QPushButton#primary:disabled { color: #eef2fa; background: #a9c0ea; border: 1px solid #a9c0ea; }
QToolBar { background: #ffffff; border-bottom: 1px solid #e3e7ee; spacing: 4px; padding: 3px; }
QStatusBar { background: #ffffff; border-top: 1px solid #e3e7ee; }
QDialogButtonBox { dialogbuttonbox-buttons-have-icons: 0; }
QLabel#filterChip { background: #e3edff; color: #2451a6; border-radius: 10px; padding: 3px 10px; }
QPushButton#segment { border-radius: 0; padding: 5px 12px; }
QPushButton#segment:checked { background: #2f6fde; color: white; border: 1px solid #2a62c6; }
QLabel#chartTitle { font-weight: bold; color: #1f2a3a; }
QLabel#totals { background: #ffffff; border: 1px solid #e3e7ee; border-radius: 6px; padding: 6px 10px; color: #1f2a3a; }
"""


def create_app(argv: list[str] | None = None) -> QApplication:
    use_language_for_dates(i18n.get_language())
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(i18n.tr("gui.app_name"))
    app.setDesktopFileName("broker-desk")  # Linux: the .desktop file (packaging/linux) gives the icon
    app.setWindowIcon(application_icon())
    _windows_taskbar_identity()
    load_fonts()
    install_translations(app, i18n.get_language())
    apply_style(app)
    geometry.guard(app)  # every window opens within the screen
    codes.set_user_dir(paths.code_tables_dir())
    return app


i18n.register({"gui.app_name": ("技术经纪人工作台", "BrokerDesk")})
