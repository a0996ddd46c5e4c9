"""Render the application icon from its SVG source (packaging/icon/broker-desk.svg).

    python3 tools/make_icon.py

Writes resources/icons/broker-desk-N.png (the window and taskbar icon, the Linux
.desktop icon) and packaging/icon/broker-desk.ico (the Windows executable and
installer), with Qt's SVG renderer: no other dependency. The .ico holds PNG
images (Windows Vista and later read them), one per size.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "packaging" / "icon" / "broker-desk.svg"
PNG_DIR = ROOT / "resources" / "icons"
ICO = ROOT / "packaging" / "icon" / "broker-desk.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico file of PNG entries (ICONDIR, ICONDIRENTRY per size, then the PNGs)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - image rendering wants an application
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    images = {size: render(size) for size in SIZES}
    for size, png in images.items():
        (PNG_DIR / f"broker-desk-{size}.png").write_bytes(png)
    ICO.write_bytes(ico(images))
    print(f"{len(images)} PNGs → {PNG_DIR}, {ICO} ({ICO.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
