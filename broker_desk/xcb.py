"""Before the window starts on Linux: can Qt's xcb platform plugin load?

Qt's own answer, when a system library of its X11 plugin is missing, is an abort
("could not load the Qt platform plugin xcb") that names no package. This looks
for the same libraries first — a ``dlopen`` of each, no Qt import, about a
millisecond — so the program can say which Debian/Ubuntu packages to install.

The list is what the xcb plugin (``libqxcb.so``, ``libQt6XcbQpa.so.6``) and the Qt
modules the window uses (QtGui, QtWidgets, QtNetwork) need outside Qt itself, read
with ``readelf -d``; the packages are Debian's (Ubuntu's names are the same, but for
its ``t64`` renames, which apt-get finds under the old names).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .i18n import get_language, register, tr

LIBRARIES = {  # soname → the Debian/Ubuntu package that ships it
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",  # QtNetwork (one window per ledger)
    "libbrotlidec.so.1": "libbrotli1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}

register({
    "xcb.missing": ("无法打开窗口：缺少图形界面所需的系统库 {libraries}。"
                    "请安装：sudo apt-get install {packages}"
                    "（没有显示器时可设置 QT_QPA_PLATFORM=offscreen）",
                    "The window cannot open: system libraries it needs are missing ({libraries}). "
                    "Install them with: sudo apt-get install {packages} "
                    "(without a display, set QT_QPA_PLATFORM=offscreen)"),
})


def needed(environ=os.environ, platform: str | None = None) -> bool:
    """Whether the window would start on X11 through the xcb plugin (Linux with a display)."""
    if not (platform or sys.platform).startswith("linux"):
        return False
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    return not chosen or "xcb" in chosen


def _loads(soname: str) -> bool:
    import ctypes  # only when the window is about to open: commands never pay for it

    candidates = [soname]
    if getattr(sys, "frozen", False):  # the standalone app carries some of them itself
        candidates.append(str(Path(sys._MEIPASS) / soname))
    for candidate in candidates:
        try:
            ctypes.CDLL(candidate)
            return True
        except OSError:
            continue
    return False


def missing_libraries() -> list[str]:
    """The sonames that cannot be loaded, in the order of LIBRARIES."""
    return [soname for soname in LIBRARIES if not _loads(soname)]


def message(missing: list[str]) -> str:
    """One line in the user's language: what is missing and the packages to install."""
    packages = list(dict.fromkeys(LIBRARIES[soname] for soname in missing))
    separator = "、" if get_language() == "zh" else ", "
    return tr("xcb.missing", libraries=separator.join(missing), packages=" ".join(packages))
