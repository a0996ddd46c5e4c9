"""Build the CJK fonts BrokerDesk ships: ``resources/fonts/NotoSansSC-{Regular,Bold}.ttf``.

Why: the Qt window must show Chinese and every printed PDF must embed a CJK
font on machines that have none installed. reportlab embeds only TrueType
(``glyf``) outlines, while Noto Sans SC is released with CFF (PostScript)
outlines, so this tool subsets the font to what a Simplified Chinese business
program writes and converts the outlines to TrueType quadratics.

Sources (both Noto Sans CJK 2.004, SIL Open Font License 1.1):

* Regular: ``NotoSansSC-Regular.otf`` from the PyPI wheel
  ``pylopdf-fonts-zh-cn==0.1.1`` (upstream's region-specific subset OTF).
* Bold: the "Noto Sans CJK SC Bold" face (index 2) of ``NotoSansCJK-Bold.ttc``
  from the Debian package ``fonts-noto-cjk=1:20220127+repack1-1``.  It is the
  same design and version as upstream's ``NotoSansSC-Bold.otf``; its names are
  set to "Noto Sans SC" / "Bold" (as upstream names that file) so that the two
  files form one family.  Its character set is limited to the characters the
  Regular file has, so both weights cover exactly the same text.

Steps, per weight: subset with fontTools.subset (hinting off, all names kept,
no vertical-layout or ``locl`` features so no glyphs of other regions come
along), then convert CFF to ``glyf`` the way fontTools' ``otf2ttf`` snippet
does (Cu2QuPen + TTGlyphPen, max error 1 unit, contours reversed to TrueType
direction, ``maxp`` 1.0, ``post`` format 3).  Head timestamps are kept from the
source, so the same inputs and fontTools version give byte-identical files.

fontTools is a build tool only (``python -m pip install fonttools``); the
program never imports it.

Usage (from the repository root)::

    python tools/make_font.py                      # fetches both sources itself
    python tools/make_font.py --regular-src NotoSansSC-Regular.otf \\
        --bold-src NotoSansCJK-Bold.ttc --license LICENSE

Fetching uses ``python -m pip download`` and ``apt-get download`` (Debian or a
derivative with bookworm's archive); the fetched files are checked against the
SHA-256 sums below.  ``--no-bold`` builds the Regular weight only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import lzma
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "fonts"

WHEEL = "pylopdf-fonts-zh-cn==0.1.1"
WHEEL_OTF = "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf"
WHEEL_LICENSE = "pylopdf_fonts_zh_cn-0.1.1.dist-info/licenses/LICENSE"
DEB = "fonts-noto-cjk=1:20220127+repack1-1"
DEB_TTC = "./usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BOLD_FACE = "Noto Sans CJK SC"  # the face picked out of the TTC, by family name

SHA256 = {
    "NotoSansSC-Regular.otf": "faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9",
    "NotoSansCJK-Bold.ttc": "faa5f3656a78b2e2d450d27fe8382c778bc2b6bb5ea29c986664a6a435056ceb",
    "LICENSE": "6a73f9541c2de74158c0e7cf6b0a58ef774f5a780bf191f2d7ec9cc53efe2bf2",
}

# The notice upstream (github.com/notofonts/noto-cjk, Sans/LICENSE) and Google
# Fonts (ofl/notosanssc/OFL.txt) put above the OFL text; the fonts' own name
# record 0 reads "© 2014-2021 Adobe (http://www.adobe.com/)."
COPYRIGHT = "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."

# (first, last, what) — inclusive code point ranges; only what the font has is kept.
RANGES = [
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x20A0, 0x20CF, "Currency Symbols"),
    (0x2100, 0x214F, "Letterlike Symbols"),
    (0x2150, 0x218F, "Number Forms (Ⅰ Ⅱ …)"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators (≤ ≥ ≠ …)"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics (① ② …)"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x25A0, 0x25FF, "Geometric Shapes"),
    (0x2600, 0x26FF, "Miscellaneous Symbols (☐ ☑ ☒ if present)"),
    (0x2700, 0x27BF, "Dingbats (✓ ✔ if present)"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation (incl. 〇)"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
    (0x2F800, 0x2FA1F, "CJK Compatibility Ideographs Supplement"),
]

# fontTools' default features, less those that only pull in glyphs a
# horizontal Simplified Chinese text never shows: vertical forms and the
# language-specific (JP/KR/TC/HK) forms of the full CJK face.
DROP_FEATURES = {"locl", "vert", "vrt2", "vkrn", "vpal", "valt", "vhal", "vchw", "vjmo"}
DROP_TABLES = ["VORG", "vhea", "vmtx", "DSIG"]

MAX_ERR = 1.0  # font units (of 1000/em): cu2qu's approximation tolerance


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sum(path: Path, key: str, verify: bool) -> None:
    want, got = SHA256[key], sha256(path)
    if verify and got != want:
        raise SystemExit(f"{path}: SHA-256 {got}, expected {want} (use --no-verify to accept)")
    print(f"  {key}: sha256 {got}")


def deb_member(deb: Path, member: str) -> bytes:
    """One file out of a .deb (an ar archive holding data.tar.xz)."""
    data = deb.read_bytes()
    if not data.startswith(b"!<arch>\n"):
        raise SystemExit(f"{deb}: not a .deb")
    pos = 8
    while pos < len(data):
        name = data[pos : pos + 16].decode().strip().rstrip("/")
        size = int(data[pos + 48 : pos + 58].decode().strip())
        body = data[pos + 60 : pos + 60 + size]
        if name.startswith("data.tar"):
            raw = lzma.decompress(body) if name.endswith(".xz") else body
            with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
                return tar.extractfile(member).read()
        pos += 60 + size + (size & 1)
    raise SystemExit(f"{deb}: no data.tar")


def fetch(work: Path, bold: bool) -> tuple[Path, Path | None, Path]:
    """Download the sources into ``work``; return (regular otf, bold ttc, licence)."""
    print(f"fetching {WHEEL} with pip")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", WHEEL, "-d", str(work)],
        check=True,
    )
    wheel = next(work.glob("pylopdf_fonts_zh_cn-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        (work / "NotoSansSC-Regular.otf").write_bytes(zf.read(WHEEL_OTF))
        (work / "LICENSE").write_bytes(zf.read(WHEEL_LICENSE))
    ttc = None
    if bold:
        print(f"fetching {DEB} with apt-get download")
        subprocess.run(["apt-get", "download", DEB], cwd=work, check=True)
        deb = next(work.glob("fonts-noto-cjk_*.deb"))
        ttc = work / "NotoSansCJK-Bold.ttc"
        ttc.write_bytes(deb_member(deb, DEB_TTC))
    return work / "NotoSansSC-Regular.otf", ttc, work / "LICENSE"


def open_face(path: Path, family: str | None = None) -> TTFont:
    """The font in ``path``; in a collection, the face named ``family``."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(path, recalcTimestamp=False)
    names = [face["name"].getDebugName(1) for face in TTCollection(path, lazy=True).fonts]
    if family not in names:
        raise SystemExit(f"{path}: no face named {family!r} (has {', '.join(names)})")
    return TTFont(path, fontNumber=names.index(family), recalcTimestamp=False)


def wanted_unicodes(font: TTFont) -> list[int]:
    cmap = font.getBestCmap()
    return sorted(c for first, last, _ in RANGES for c in range(first, last + 1) if c in cmap)


def subset_font(font: TTFont, unicodes: list[int]) -> None:
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.layout_features = [f for f in options.layout_features if f not in DROP_FEATURES]
    options.drop_tables = list(options.drop_tables) + DROP_TABLES
    options.desubroutinize = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """CFF outlines to TrueType quadratic ``glyf``, as fontTools' otf2ttf snippet."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    font.sfntVersion = "\000\001\000\000"
    glyf.compile(font)  # computes each glyph's bounding box

    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(len(getattr(g, "components", [])) for g in glyphs.values())
    maxp.compile(font)  # counts glyphs, points and contours

    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order

    font["head"].glyphDataFormat = 0


def rename_bold(font: TTFont) -> None:
    """Name the Noto Sans CJK SC Bold face as upstream names NotoSansSC-Bold.otf."""
    for record in font["name"].names:
        text = record.toUnicode()
        new = text.replace("Noto Sans CJK SC", "Noto Sans SC").replace("NotoSansCJKsc", "NotoSansSC")
        if new != text:
            record.string = new


def build(src: Path, out: Path, unicodes: list[int] | None, family: str | None, bold: bool) -> list[int]:
    font = open_face(src, family)
    if unicodes is None:
        unicodes = wanted_unicodes(font)
    else:
        cmap = font.getBestCmap()
        missing = [c for c in unicodes if c not in cmap]
        if missing:
            print(f"  {len(missing)} characters of Regular missing in {src.name}: "
                  + " ".join(f"U+{c:04X}" for c in missing[:20]))
        unicodes = [c for c in unicodes if c in cmap]
    subset_font(font, unicodes)
    cff_to_glyf(font)
    if bold:
        rename_bold(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out, reorderTables=True)
    print(f"  wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
          f"{out.stat().st_size:,} bytes, {font['maxp'].numGlyphs} glyphs, {len(unicodes)} characters")
    return unicodes


def write_license(src: Path, out: Path) -> None:
    text = src.read_text(encoding="utf-8")
    if "SIL OPEN FONT LICENSE Version 1.1" not in text:
        raise SystemExit(f"{src}: not the OFL 1.1 text")
    if not text.startswith("Copyright"):
        text = COPYRIGHT + "\n\n" + text
    out.write_text(text, encoding="utf-8", newline="\n")
    print(f"  wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regular-src", type=Path, help="NotoSansSC-Regular.otf (default: fetch)")
    parser.add_argument("--bold-src", type=Path, help="NotoSansCJK-Bold.ttc (default: fetch)")
    parser.add_argument("--license", type=Path, help="OFL text of the source (default: the wheel's)")
    parser.add_argument("--no-bold", action="store_true", help="build the Regular weight only")
    parser.add_argument("--no-verify", action="store_true", help="accept sources whose SHA-256 differs")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="brokerdesk-font-") as tmp:
        regular_src, bold_src, license_src = args.regular_src, args.bold_src, args.license
        need_bold = not args.no_bold and bold_src is None
        if regular_src is None or license_src is None or need_bold:
            got = fetch(Path(tmp), need_bold)
            regular_src = regular_src or got[0]
            bold_src = bold_src or got[1]
            license_src = license_src or got[2]
        verify = not args.no_verify
        print(f"fontTools {fontTools.version}; sources")
        check_sum(regular_src, "NotoSansSC-Regular.otf", verify)
        check_sum(license_src, "LICENSE", verify)
        if not args.no_bold:
            check_sum(bold_src, "NotoSansCJK-Bold.ttc", verify)

        print("Regular")
        unicodes = build(regular_src, args.out / "NotoSansSC-Regular.ttf", None, None, bold=False)
        if not args.no_bold:
            print("Bold")
            build(bold_src, args.out / "NotoSansSC-Bold.ttf", unicodes, BOLD_FACE, bold=True)
        write_license(license_src, args.out / "OFL.txt")


if __name__ == "__main__":
    main()
