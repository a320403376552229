"""Build the CJK font subset that the reports embed (a dev tool; needs fontTools).

Source: Noto Sans CJK SC Regular 2.004 from Debian's ``fonts-noto-cjk`` package
(``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``, SIL Open Font License 1.1).

Coverage: every character of GB 2312 (levels 1 and 2, 7 445 characters, enumerated through
Python's ``gb2312`` codec), printable ASCII and Latin-1, general punctuation, CJK symbols and
full-width forms, Greek letters, and the unit and math symbols the reports print (², ³, µ, °,
±, ×, −, ≤, ≥, ′, Δ, …). Layout tables are kept for the kept glyphs only.

The family is renamed ``LuxcheckSansSC`` so that the subset never shadows a full Noto font
installed on the reader's system; the OFL notice and licence text ship alongside
(``reports/fonts/OFL.txt``).

Usage::

    .venv/bin/python scripts/make_font_subset.py [--source TTC] [--out reports/fonts]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
FAMILY = "LuxcheckSansSC"
OUT_NAME = "LuxcheckSansSC-Regular.otf"

# Ranges kept besides GB 2312: (first, last) code points, inclusive.
EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement: ° ± ² ³ µ · × ÷
    (0x0391, 0x03C9),  # Greek: Δ λ μ Ω
    (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” … ′ ″ ‰
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x2100, 0x214F),  # letterlike symbols: ℃ №
    (0x2160, 0x217F),  # Roman numerals
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: − ≤ ≥ ≈ √ ∑
    (0x2460, 0x24FF),  # enclosed numbers
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ▲ ● ○
    (0x2600, 0x2613),  # ★ ☆
    (0x2713, 0x2718),  # ✓ ✔ ✕ ✗
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK
    (0x3300, 0x33FF),  # CJK compatibility: ㎡ ㏄ ㎜
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
)


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    chars: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_codepoints() -> list[int]:
    """The code points of the subset, sorted."""
    points = {ord(c) for c in gb2312_characters()}
    for first, last in EXTRA_RANGES:
        points.update(range(first, last + 1))
    return sorted(points)


def _rename(font: object) -> None:
    name = font["name"]  # type: ignore[index]
    for record in list(name.names):
        if record.nameID in (1, 4, 16):
            record.string = FAMILY if record.nameID != 4 else f"{FAMILY} Regular"
        elif record.nameID == 3:
            record.string = f"{FAMILY}-Regular;subset of NotoSansCJKsc-Regular 2.004"
        elif record.nameID == 6:
            record.string = f"{FAMILY}-Regular"
    name.setName(
        "Subset of Noto Sans CJK SC 2.004 (GB 2312 + ASCII + units) made for luxcheck reports "
        "by scripts/make_font_subset.py; SIL Open Font License 1.1",
        10,
        3,
        1,
        0x409,
    )
    cff = font["CFF "].cff  # type: ignore[index]
    cff.fontNames = [f"{FAMILY}-Regular"]


def build(source: Path, out_dir: Path) -> Path:
    """Subset ``source`` (the SC face of the TTC) and write the OTF into ``out_dir``."""
    collection = TTCollection(str(source))
    faces = [f for f in collection.fonts if f["name"].getDebugName(4) == SOURCE_FACE]
    if not faces:
        raise SystemExit(f"{source}: no face named {SOURCE_FACE!r}")
    font = faces[0]
    options = subset.Options()
    options.layout_features = ["kern", "liga", "palt", "halt", "ccmp", "mark", "mkmk"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # screen hinting is irrelevant for print and the browsers' rasterisers
    options.drop_tables += ["VORG", "vhea", "vmtx"]  # horizontal text only
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(font)
    _rename(font)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUT_NAME
    font.save(str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "reports/fonts")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"{args.source}: not found (apt-get install fonts-noto-cjk)", file=sys.stderr)
        return 2
    target = build(args.source, args.out)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
