"""Shared fixtures: real ledgers in temporary folders, cheaply.

A demo ledger is built once per run and copied for each test that wants one
(the pattern of Anki's pylib/tests/shared.py). ``BROKER_DESK_HOME`` points at
a temporary folder so no test touches the user's real data or backups.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from broker_desk import i18n  # noqa: E402
from broker_desk.ledger import Ledger  # noqa: E402

#: The day demo ledgers are laid out around, so that tests do not depend on the calendar.
DEMO_TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BROKER_DESK_HOME", str(home))
    monkeypatch.delenv("BROKER_DESK_DB", raising=False)
    monkeypatch.delenv("BROKER_DESK_LANG", raising=False)
    i18n.set_language("zh")
    yield home
    i18n.set_language("zh")


#: The moment every PDF a test writes is dated with (pdffonts.clock): outputs stay the same byte for byte.
PDF_CLOCK = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _pdf_clock(monkeypatch):
    from broker_desk import pdffonts

    monkeypatch.setattr(pdffonts, "clock", lambda: PDF_CLOCK)


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    """A new, empty ledger."""
    with Ledger.open(tmp_path / "test.brokerdesk") as led:
        yield led


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from broker_desk import demo

    path = tmp_path_factory.mktemp("template") / "demo.brokerdesk"
    with Ledger.open(path) as led:
        demo.generate(led, 1500, seed=7, today=DEMO_TODAY)
    src = sqlite3.connect(path)
    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    src.close()
    return path


@pytest.fixture
def demo_ledger(_demo_template, tmp_path) -> Ledger:
    """A copy of a 1,500-contract demo ledger (seed 7, laid out around DEMO_TODAY)."""
    path = tmp_path / "demo.brokerdesk"
    shutil.copy(_demo_template, path)
    with Ledger.open(path) as led:
        yield led


@pytest.fixture
def make(ledger):
    """Small factories for valid records: make.client(...), make.contract(...)."""
    return Factory(ledger)


class Factory:
    # real-shaped credit codes whose check characters are right
    CODES = ["91110108MA01ABCD1E", "91310115MA1H7XXXX2", "12100000400001355R", "12100000400000624D"]

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.n = 0

    def client(self, **values) -> int:
        self.n += 1
        values.setdefault("name", f"测试客户{self.n}有限公司")
        values.setdefault("nature", "企业")
        return self.ledger.add("client", values).id

    def broker(self, **values) -> int:
        self.n += 1
        values.setdefault("name", f"经纪人{self.n}")
        return self.ledger.add("broker", values).id

    def contract(self, **values) -> int:
        self.n += 1
        if "buyer_id" not in values:
            values["buyer_id"] = self.client()
        if "seller_id" not in values:
            values["seller_id"] = self.client(nature="高等院校", name=f"测试大学{self.n}")
        values.setdefault("contract_no", f"HT-{self.n:04d}")
        values.setdefault("title", f"测试项目{self.n}技术开发")
        values.setdefault("category", "技术开发")
        values.setdefault("subtype", "委托开发")
        values.setdefault("signed_on", "2025-03-01")
        values.setdefault("amount_fen", 100_000_000)
        return self.ledger.add("contract", values).id


@pytest.fixture
def qt_setup(qapp):
    """The window tests' Qt set-up: the program's fonts and style, background jobs run inline.
    A window test module asks for it with ``pytestmark = pytest.mark.usefixtures("qt_setup")``."""
    from broker_desk.gui import geometry, jobs
    from broker_desk.gui.app import apply_style, load_fonts

    jobs.SYNCHRONOUS = True
    load_fonts()
    apply_style(qapp)
    geometry.guard(qapp)  # every window within the screen, as create_app sets it up
    yield
    jobs.SYNCHRONOUS = False
    jobs.wait_for_readers()


@pytest.fixture
def window(demo_ledger, qtbot):
    """The main window on a copy of the demo ledger, shown."""
    from broker_desk.gui.main_window import MainWindow

    w = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(w)
    w.show()
    return w
