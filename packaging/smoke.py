"""Smoke test of the built app: every step runs the frozen executables, with a clean HOME.

    python3 packaging/smoke.py [dist/broker-desk]

--help, demo --contracts 200, export, import of that export into a new ledger, print one form
(a PDF with embedded fonts per pdffonts, its text found by pdftotext), rankings, and the
window opened offscreen until its first paint (--smoke), from both entries. A data file left
out of the bundle shows up here. Exit status 0 when every step passes; otherwise the failed
step and its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if sys.platform == "win32" else ""


class Failed(Exception):
    pass


class Smoke:
    def __init__(self, app: Path, folder: Path):
        self.cli = app / f"broker-desk{EXE}"
        self.window = app / f"BrokerDesk{EXE}"
        self.folder = folder
        home = folder / "home"
        home.mkdir()
        # a clean HOME and nothing of the developer's: no virtual environment, no source tree
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("BROKER_DESK", "PYTHON", "VIRTUAL_ENV", "QT_"))}
        self.env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"),
                        LOCALAPPDATA=str(home / "AppData" / "Local"), XDG_DATA_HOME=str(home / ".local/share"),
                        XDG_CONFIG_HOME=str(home / ".config"), QT_QPA_PLATFORM="offscreen")

    def run(self, name: str, args: list, exe: Path | None = None, expect: int = 0, timeout: int = 300) -> str:
        command = [str(exe or self.cli)] + [str(a) for a in args]
        result = subprocess.run(command, cwd=self.folder, env=self.env, capture_output=True, text=True,
                                encoding="utf-8", errors="replace", timeout=timeout)
        output = result.stdout + result.stderr
        if result.returncode != expect:
            raise Failed(f"{name}: exit status {result.returncode} (wanted {expect})\n$ {' '.join(command)}\n{output}")
        print(f"ok  {name}: {output.strip().splitlines()[-1] if output.strip() else ''}", flush=True)
        return output

    def steps(self) -> None:
        out = self.run("--help", ["--help"])
        if "rankings" not in out or "print" not in out:
            raise Failed(f"--help lists no commands:\n{out}")
        ledger, copy = self.folder / "demo.brokerdesk", self.folder / "copy.brokerdesk"
        self.run("demo", ["--db", ledger, "demo", "--contracts", 200, "--today", "2026-06-30"])
        workbook = self.folder / "demo.xlsx"
        self.run("export", ["--db", ledger, "export", workbook])
        out = self.run("import", ["--db", copy, "import", workbook])
        if "200" not in out:
            raise Failed(f"import did not take the 200 contracts:\n{out}")
        self.run("check", ["--db", copy, "check"])
        pdf = self.folder / "form.pdf"
        self.run("print", ["--db", ledger, "print", "技术合同登记表", "--registered", "2026", "--out", pdf])
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        if not rows or any(row[-5] != "yes" for row in rows):  # emb, sub, uni, object number, generation
            raise Failed(f"the PDF has fonts that are not embedded:\n{fonts}")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        if "技术合同登记表" not in text.replace(" ", ""):
            raise Failed(f"pdftotext finds no 技术合同登记表 in the PDF:\n{text[:500]}")
        print(f"ok  PDF: {len(rows)} fonts, all embedded; text searchable", flush=True)
        year = 2025  # the demo above is laid out around 2026-06-30
        self.run("rankings", ["--db", ledger, "rankings", "--year", year, "--out", self.folder / "rankings.xlsx"])
        self.run("rankings pdf", ["--db", ledger, "rankings", "--year", year, "--out", self.folder / "rankings.pdf"])
        # the command line with --db; the window entry as the desktop opens a ledger file with it
        for exe, args in ((self.cli, ["--db", ledger, "--smoke"]), (self.window, [ledger, "--smoke"])):
            out = self.run(f"window ({exe.name})", args, exe=exe, timeout=120)
            if "painted" not in out:
                raise Failed(f"the window did not paint:\n{out}")
            if "Qt translations loaded: 0" in out:
                raise Failed(f"Qt's Chinese translation (qtbase_zh_CN.qm) was not found:\n{out}")


def main() -> int:
    app = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "broker-desk"
    with tempfile.TemporaryDirectory(prefix="broker-desk-smoke-") as folder:
        try:
            Smoke(app.resolve(), Path(folder)).steps()
        except (Failed, subprocess.SubprocessError, OSError) as e:
            print(f"FAILED {e}", file=sys.stderr)
            return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
