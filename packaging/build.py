"""Build the standalone app for the platform this runs on.

    python3 -m pip install -e ".[packaging]"     # PyInstaller, pinned
    python3 packaging/build.py                   # → dist/broker-desk/ (and on Linux a tarball)

``dist/broker-desk/`` holds ``broker-desk`` (the command line; with no command it opens the
window) and ``BrokerDesk`` (the window; on Windows without a console), with everything they
need. On Linux the build also checks that every library the bundle links to is either in it
or one the system provides (the X11/GL libraries named in broker_desk/xcb.py, the C library),
and packs ``dist/broker-desk-VERSION-linux-ARCH.tar.gz`` with a .desktop file and the icon.
On Windows, packaging/windows/broker-desk.iss (Inno Setup) makes the installer from the folder.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "broker-desk.spec"
LINUX = sys.platform.startswith("linux")
# the system's own: the C library family, and what broker_desk/xcb.py checks before the window starts
SYSTEM_LIBRARIES = {"ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libc.so.6", "libm.so.6", "libdl.so.2",
                    "libpthread.so.0", "librt.so.1", "libresolv.so.2", "libutil.so.1",
                    "libcups.so.2"}  # Qt's CUPS print plugin: where CUPS is missing it is not loaded (PDF only)


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from broker_desk import __version__

    return __version__


def pyinstaller(dist: Path, work: Path) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit('PyInstaller is not installed: python3 -m pip install -e ".[packaging]"')
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], check=True, cwd=ROOT)


def linked_outside(folder: Path) -> set[str]:
    """Libraries the bundle's ELF files need that are neither in it nor the system's own."""
    sys.path.insert(0, str(ROOT))
    from broker_desk.xcb import LIBRARIES

    present = {p.name for p in folder.rglob("*.so*")}
    needed: set[str] = set()
    for file in folder.rglob("*.so*"):
        if file.is_symlink() or not file.is_file():
            continue
        out = subprocess.run(["objdump", "-p", str(file)], capture_output=True, text=True).stdout
        needed.update(line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED"))
    return needed - present - SYSTEM_LIBRARIES - set(LIBRARIES)


def linux_extras(app: Path, dist: Path) -> Path:
    """The .desktop file, the icon and a per-user installer in the folder; then the tarball."""
    shutil.copy(ROOT / "packaging" / "linux" / "broker-desk.desktop", app / "broker-desk.desktop")
    shutil.copy(ROOT / "packaging" / "linux" / "install-desktop-entry.sh", app / "install-desktop-entry.sh")
    shutil.copy(ROOT / "resources" / "icons" / "broker-desk-256.png", app / "broker-desk.png")
    (app / "install-desktop-entry.sh").chmod(0o755)
    tarball = dist / f"broker-desk-{version()}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(app, arcname="broker-desk")
    return tarball


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder (default: build/)")
    parser.add_argument("--no-tarball", action="store_true", help="Linux: skip the tarball")
    args = parser.parse_args()
    start = time.perf_counter()
    pyinstaller(args.dist, args.work)
    app = args.dist / "broker-desk"
    if LINUX:
        outside = linked_outside(app)
        if outside:
            print(f"the bundle links to libraries it does not carry: {', '.join(sorted(outside))}", file=sys.stderr)
            return 1
    tarball = linux_extras(app, args.dist) if LINUX and not args.no_tarball else None
    print(f"built {app} ({size(app) / 1e6:.0f} MB) in {time.perf_counter() - start:.0f} s")
    if tarball:
        print(f"tarball {tarball} ({tarball.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
