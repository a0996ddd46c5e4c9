"""The standalone app: build it with PyInstaller and run packaging/smoke.py on the frozen executables.

Marked ``packaging``: it builds the bundle (about a minute), so it runs in CI (``CI`` set, as
.ci/run has it) or when asked for (``pytest -m packaging``), and is skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def wanted(request):
    if not os.environ.get("CI") and "packaging" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("builds the standalone app (about a minute): runs in CI, or with -m packaging")


@pytest.mark.packaging
def test_the_built_app_passes_the_smoke_test(wanted, tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist),
                            "--work", str(tmp_path / "build"), "--no-tarball"],
                           capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout + build.stderr
    app = dist / "broker-desk"
    assert (app / ("broker-desk.exe" if sys.platform == "win32" else "broker-desk")).is_file()
    bundled = {p.relative_to(app).as_posix() for p in app.rglob("*")}
    assert any(p.endswith("broker_desk/resources/fonts/NotoSansSC-Regular.ttf") for p in bundled)
    assert any(p.endswith("translations/qtbase_zh_CN.qm") for p in bundled)
    assert not any(p.endswith("translations/qtbase_de.qm") for p in bundled)
    assert not any("QtQml" in p or "QtQuick" in p for p in bundled)
    smoke = subprocess.run([sys.executable, str(ROOT / "packaging" / "smoke.py"), str(app)],
                           capture_output=True, text=True, timeout=900)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke test passed" in smoke.stdout


def test_every_package_of_the_source_is_listed_for_the_wheel():
    """A package left out of pyproject's list works in the editable install and the tests, and
    is missing from an installed wheel: the list must name every folder with an __init__.py."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "broker_desk").rglob("__init__.py")}
    assert found - listed == set()
