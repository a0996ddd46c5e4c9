"""Every window inside the screen: sizes and places remembered per window (and whether the main
window was maximised), and any window about to be shown — a dialog, a message, the main window —
kept within the screen's available geometry (QScreen.availableGeometry: the screen less its
panels), its title bar included. Content taller than that scrolls inside the window
(:func:`scrolled`) instead of pushing the window's buttons off the screen."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QMainWindow, QScrollArea, QWidget

from .prefs import settings

#: What the window manager adds around a window not yet shown (title bar, borders), a guess
#: used until the real frame is known.
FRAME_GUESS = QSize(10, 38)


def available(widget: QWidget | None = None) -> QRect:
    """The screen area a window may use: that of the screen ``widget`` (or its parent window) is on."""
    screen = None
    if widget is not None:
        shown = widget if widget.isVisible() or widget.parentWidget() is None else widget.parentWidget().window()
        screen = shown.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)


def frame_extra(window: QWidget) -> QSize:
    """The size the window manager's frame adds to ``window``."""
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    return extra if extra.width() > 0 or extra.height() > 0 else FRAME_GUESS


def fit(window: QWidget) -> None:
    """Shrink ``window`` to the available screen area if it is larger, and move it inside."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    area = available(window)
    extra = frame_extra(window)
    most = QSize(max(area.width() - extra.width(), 200), max(area.height() - extra.height(), 150))
    size = window.size()
    if size.width() > most.width() or size.height() > most.height():
        window.setMinimumSize(window.minimumSize().boundedTo(most))
        window.resize(size.boundedTo(most))
    frame = QRect(window.pos(), window.size() + extra)
    x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(QPoint(x, y))


def restore(window: QWidget, key: str, default: QSize) -> None:
    """Size ``window`` as it was when last closed (``default`` the first time), within the
    screen; a main window that was maximised is maximised again."""
    store = settings()
    saved = store.value(f"{key}/geometry")
    if not (isinstance(saved, QByteArray | bytes) and window.restoreGeometry(saved)):
        window.resize(default.boundedTo(available(window).size() - FRAME_GUESS))
        centre(window)
    if isinstance(window, QMainWindow) and str(store.value(f"{key}/maximized", "false")).lower() == "true":
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    fit(window)


def save(window: QWidget, key: str) -> None:
    store = settings()
    store.setValue(f"{key}/geometry", window.saveGeometry())
    if isinstance(window, QMainWindow):
        store.setValue(f"{key}/maximized", window.isMaximized())


class _Keeper(QObject):
    def __init__(self, window: QWidget, key: str):
        super().__init__(window)
        self.key = key

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Hide, QEvent.Type.Close) and watched.isWindow():
            save(watched, self.key)
        return False


def remember(window: QWidget, key: str, default: QSize) -> None:
    """:func:`restore` ``window`` now and :func:`save` it whenever it is closed or hidden."""
    restore(window, key, default)
    window.installEventFilter(_Keeper(window, key))


def centre(window: QWidget) -> None:
    """Over its parent window, else in the middle of the screen."""
    parent = window.parentWidget()
    over = parent.window().frameGeometry() if parent is not None and parent.isVisible() else available(window)
    rect = QRect(QPoint(0, 0), window.size() + frame_extra(window))
    rect.moveCenter(over.center())
    window.move(rect.topLeft())


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: taller content scrolls instead of growing the window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(widget)
    return area


class ScreenGuard(QObject):
    """Installed on the application: every dialog and main window, about to be shown, is fitted
    into the available screen area (see :func:`fit`)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog | QMainWindow) and watched.isWindow():
            fit(watched)
        return False


_guard: ScreenGuard | None = None


def guard(app: QApplication) -> None:
    global _guard
    if _guard is None:
        _guard = ScreenGuard(app)
        app.installEventFilter(_guard)
