"""The core and the CLI must work where Qt cannot even be imported."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import textwrap

import broker_desk

SCRIPT = textwrap.dedent("""
    import importlib, pkgutil, sys
    sys.modules["PySide6"] = None          # any 'import PySide6…' now raises ImportError
    import broker_desk
    for m in pkgutil.walk_packages(broker_desk.__path__, "broker_desk."):
        if m.name.startswith("broker_desk.gui") or m.name == "broker_desk.__main__":
            continue
        importlib.import_module(m.name)
    from broker_desk.cli import main
    path = sys.argv[1]
    assert main(["--db", path, "demo", "--contracts", "50", "--today", "2026-06-15"]) == 0
    assert main(["--db", path, "check"]) == 0
    assert not any(name.startswith("PySide6") and sys.modules[name] is not None for name in sys.modules)
    print("core ok without Qt")
""")


def test_core_and_cli_import_and_run_without_qt(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "l.brokerdesk")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "core ok without Qt" in result.stdout


def test_no_core_module_mentions_qt():
    """A cheap second guard: no core source imports a Qt binding."""
    for module in pkgutil.walk_packages(broker_desk.__path__, "broker_desk."):
        if module.name.startswith("broker_desk.gui"):
            continue
        spec = module.module_finder.find_spec(module.name.rsplit(".", 1)[-1])
        source = open(spec.origin, encoding="utf-8").read()
        for binding in ("PySide6", "PyQt5", "PyQt6", "PySide2"):
            assert f"import {binding}" not in source and f"from {binding}" not in source, module.name
