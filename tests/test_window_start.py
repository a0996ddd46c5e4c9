"""Starting the window: the missing-library check before Qt (broker_desk/xcb.py) and --smoke."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from broker_desk import xcb
from broker_desk.cli import main

MISSING = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libgthread-2.0.so.0", "libglib-2.0.so.0"]


@pytest.fixture
def x11(monkeypatch):
    """Linux with an X display and no platform chosen; the library check made to fail."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(xcb, "missing_libraries", lambda: list(MISSING))


def test_missing_libraries_named_with_their_packages_in_chinese(x11, capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "无法打开窗口：缺少图形界面所需的系统库 libxcb-cursor.so.0、libxcb-icccm.so.4、libgthread-2.0.so.0、"
        "libglib-2.0.so.0。请安装：sudo apt-get install libxcb-cursor0 libxcb-icccm4 libglib2.0-0"
        "（没有显示器时可设置 QT_QPA_PLATFORM=offscreen）\n")


def test_missing_libraries_named_with_their_packages_in_english(x11, capsys):
    assert main(["--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "The window cannot open: system libraries it needs are missing (libxcb-cursor.so.0, libxcb-icccm.so.4, "
        "libgthread-2.0.so.0, libglib-2.0.so.0). Install them with: sudo apt-get install libxcb-cursor0 "
        "libxcb-icccm4 libglib2.0-0 (without a display, set QT_QPA_PLATFORM=offscreen)\n")


def test_the_check_stops_before_qt_is_started(x11, monkeypatch):
    import broker_desk.gui.startup as startup

    monkeypatch.setattr(startup, "run", lambda *a, **k: pytest.fail("the window was started"))
    assert main([]) == 2


def test_commands_need_no_display_nor_the_libraries(x11, tmp_path, capsys):
    db = tmp_path / "x.brokerdesk"
    assert main(["--db", str(db), "demo", "--contracts", "5"]) == 0
    assert main(["--db", str(db), "check"]) == 0
    assert "无法打开窗口" not in capsys.readouterr().err


@pytest.mark.parametrize("environ, platform, wanted", [
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, "linux", True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", False),
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "win32", False),
    ({"DISPLAY": ":0"}, "darwin", False),
])
def test_the_check_is_made_only_where_xcb_would_be_used(environ, platform, wanted):
    assert xcb.needed(environ, platform) is wanted


def test_offscreen_skips_the_check(x11, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(xcb, "missing_libraries", lambda: pytest.fail("checked under offscreen"))
    import broker_desk.gui.startup as startup

    monkeypatch.setattr(startup, "run", lambda *a, **k: 0)
    assert main([]) == 0


def test_a_library_that_loads_and_one_that_does_not():
    assert xcb._loads("libc.so.6") if sys.platform.startswith("linux") else True
    assert not xcb._loads("libbrokerdesk-nothing.so.9")


def test_missing_libraries_lists_those_that_fail_in_order(monkeypatch):
    monkeypatch.setattr(xcb, "_loads", lambda soname: soname not in ("libxcb-keysyms.so.1", "libGL.so.1"))
    assert xcb.missing_libraries() == ["libGL.so.1", "libxcb-keysyms.so.1"]


def test_smoke_opens_the_window_and_quits_after_the_first_paint(tmp_path):
    db = tmp_path / "x.brokerdesk"
    assert main(["--db", str(db), "demo", "--contracts", "20"]) == 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BROKER_DESK_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "broker_desk", "--db", str(db), "--smoke"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("window painted ")
    assert float(result.stdout.split()[2]) > 0
    assert "Qt translations loaded: 0" not in result.stdout
