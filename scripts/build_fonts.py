"""Make the bundled fonts under fonts/ from Debian's fonts-noto-cjk.

    apt-get install fonts-noto-cjk && python scripts/build_fonts.py
    python scripts/build_fonts.py --reorder IN.otf OUT.otf   # only the glyph order step

It also writes fonts/coverage.txt (what the fonts can print) and fonts/LICENSE.txt.

Takes the Simplified Chinese face out of each Noto Sans CJK collection (.ttc), keeps every
character it maps (GB 2312, Big5, 通用规范汉字表, ASCII, Latin-1, punctuation) except Hangul,
and drops the glyphs only reachable through `locl` (the Japanese, Korean and Traditional
variants) and the vertical-writing features, which papers never use. The family is renamed
"Examgen Sans SC" so a PDF shows plainly that the bundled font, not a system font, was
used (a Modified Version under the SIL OFL must not use the Reserved Font Name "Source";
this name does not). Last, the glyphs are reordered so the characters papers print most
have the lowest glyph ids (`reorder`): outlines, metrics, cmap and GSUB/GPOS are unchanged,
which was checked by shaping 900 strings with HarfBuzz against the unordered font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from collections import Counter

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

SOURCE = Path("/usr/share/fonts/opentype/noto")
TARGET = Path(__file__).resolve().parents[1] / "fonts"
FACES = {
    "NotoSansCJK-Regular.ttc": ("ExamgenSansSC-Regular.otf", "Regular"),
    "NotoSansCJK-Bold.ttc": ("ExamgenSansSC-Bold.otf", "Bold"),
}
FAMILY = "Examgen Sans SC"
# Hangul is the one large script the papers never print (about 11,000 glyphs a face).
DROPPED_RANGES = [(0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
                  (0xFFA0, 0xFFDC)]
DROPPED_FEATURES = {"locl", "vert", "vrt2", "vkna", "vkrn", "valt", "vhal", "vpal"}
ROOT = TARGET.parent
# Characters every paper may print outside the question text: Latin, punctuation, symbols.
COMMON_RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203B),
                 (0x2190, 0x2193), (0x2460, 0x2473), (0x25A0, 0x25CF), (0x2713, 0x2717),
                 (0x3000, 0x303F), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE5)]


def sc_face(collection: Path) -> TTFont:
    """The face of a Noto CJK collection whose family is the SC one."""
    for font in TTCollection(str(collection)).fonts:
        if font["name"].getDebugName(1).endswith(" SC"):
            return font
    raise SystemExit(f"{collection}: no SC face")


def rename(font: TTFont, style: str) -> None:
    postscript = FAMILY.replace(" ", "") + "-" + style
    names = {1: FAMILY, 2: style, 3: f"{postscript};subset", 4: f"{FAMILY} {style}",
             6: postscript, 16: FAMILY, 17: style}
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} {style}", FAMILY


def build(source: Path, target: Path, style: str) -> None:
    font = sc_face(source)
    options = subset.Options()
    options.layout_features = [f for f in options.layout_features if f not in DROPPED_FEATURES]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    keep = [u for u in font.getBestCmap() if not any(a <= u <= b for a, b in DROPPED_RANGES)]
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    rename(font, style)
    reorder(font)
    font.save(str(target))
    print(f"{target.name}: {len(font.getBestCmap())} characters, "
          f"{target.stat().st_size / 1e6:.1f} MB")


def gb2312(rows: range) -> list[str]:
    """The characters of GB 2312 rows (0xB0-0xD7: level 1, 0xD8-0xF7: level 2), in GB order."""
    chars = []
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def priority_characters() -> list[str]:
    """Characters from most to least likely on a paper.

    Latin and punctuation first, then the characters of the bundled banks, templates and
    code by how often they occur (about 1,600: customer-service Chinese), then the rest of
    GB 2312 level 1 and level 2.
    """
    common = [chr(c) for a, b in COMMON_RANGES for c in range(a, b + 1)]
    counts: Counter[str] = Counter()
    for folder, pattern in (("questions", "*.yaml"), ("templates", "*.*"), ("src", "*.py")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            counts.update(ch for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7F)
    used = [ch for ch, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return list(dict.fromkeys(common + used + gb2312(range(0xB0, 0xD8))
                              + gb2312(range(0xD8, 0xF8))))


def reorder(font: TTFont) -> None:
    """Give the characters papers print most the lowest glyph ids.

    WeasyPrint subsets fonts keeping the original glyph ids, so an embedded subset carries
    an empty slot for every glyph below the highest id it uses. In Noto's order (by CID)
    common characters reach id 30,000 or more; in this order a paper's text stays within
    the first few thousand, and its subsets are a fraction of the size.
    """
    cmap = font.getBestCmap()
    order = [".notdef"]
    for ch in priority_characters():
        if ord(ch) in cmap:
            order.append(cmap[ord(ch)])
    reached = sorted(ligatures_of(font, set(order)), key=font.getGlyphID)
    rest = font.getGlyphOrder()
    order = list(dict.fromkeys(order + reached + rest))
    _reorder_cid_charstrings(font, order)
    reorderGlyphs(font, order)


def ligatures_of(font: TTFont, glyphs: set[str]) -> set[str]:
    """The glyphs GSUB's ligature lookups (ccmp, liga: all the built fonts keep) make from
    these glyphs."""
    made: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        if lookup.LookupType != 4:
            raise SystemExit(f"GSUB lookup type {lookup.LookupType}: extend ligatures_of")
        for table in lookup.SubTable:
            for first, ligatures in table.ligatures.items():
                made.update(lig.LigGlyph for lig in ligatures
                            if first in glyphs and glyphs.issuperset(lig.Component))
    return made


def _reorder_cid_charstrings(font: TTFont, order: list[str]) -> None:
    """Prepare a CID-keyed CFF for the new order: fontTools' reorderGlyphs moves the
    charstrings but not the Font DICT each glyph is drawn with (FDSelect)."""
    font.ensureDecompiled()
    top = font["CFF "].cff.topDictIndex[0]
    charstrings, fd_select = top.CharStrings, top.FDSelect
    old_id = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    drawn = {name: charstrings[name] for name in order}  # read while still indexed
    fd_of = [fd_select.gidArray[old_id[name]] for name in order]
    for name, fd in zip(order, fd_of):
        drawn[name].fdSelectIndex = fd
    charstrings.charStringsAreIndexed = 0
    charstrings.charStrings = drawn
    charstrings.fdSelect, charstrings.fdArray = fd_select, top.FDArray
    fd_select.gidArray = fd_of


def write_coverage(fonts: list[Path]) -> None:
    """fonts/coverage.txt: the characters every bundled face maps, as hex ranges.

    examgen reads this small file to check a paper's text before rendering, instead of
    parsing a 9 MB font on every build; a test keeps it equal to the fonts' cmaps.
    """
    common = set.intersection(*(set(TTFont(str(f), lazy=True).getBestCmap()) for f in fonts))
    lines, codes = [], sorted(common)
    start = prev = codes[0]
    for code in [*codes[1:], None]:
        if code is not None and code == prev + 1:
            prev = code
            continue
        lines.append(f"{start:04X}" if start == prev else f"{start:04X}-{prev:04X}")
        if code is not None:
            start = prev = code
    (TARGET / "coverage.txt").write_text("\n".join(lines) + "\n")


def write_license(font: Path) -> None:
    """fonts/LICENSE.txt: the fonts' copyright notice and the SIL OFL 1.1 from Debian."""
    notice = TTFont(str(font), lazy=True)["name"].getDebugName(0)
    copyright_file = Path("/usr/share/doc/fonts-noto-cjk/copyright").read_text()
    ofl = copyright_file.split("License: SIL-1.1\n", 2)[2].split("\nLicense:", 1)[0]
    ofl = "\n".join("" if line == " ." else line[1:] for line in ofl.splitlines())
    header = (f"{notice}\n\nExamgenSansSC-*.otf are Modified Versions of Noto Sans CJK SC "
              "(Debian package fonts-noto-cjk), made by scripts/build_fonts.py: subset and "
              f"renamed \"{FAMILY}\".\n\n")
    (TARGET / "LICENSE.txt").write_text(header + ofl.strip() + "\n")


def main() -> None:
    TARGET.mkdir(exist_ok=True)
    built = []
    for source_name, (target_name, style) in FACES.items():
        source = SOURCE / source_name
        if not source.exists():
            sys.exit(f"{source} missing: apt-get install fonts-noto-cjk")
        build(source, TARGET / target_name, style)
        built.append(TARGET / target_name)
    write_coverage(built)
    write_license(built[0])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--reorder"]:  # reorder fonts already built: --reorder IN OUT
        built = TTFont(sys.argv[2])
        reorder(built)
        built.save(sys.argv[3])
        raise SystemExit
    if sys.argv[1:] == ["--meta"]:  # only coverage.txt and LICENSE.txt, from fonts already built
        files = [TARGET / name for name, _ in FACES.values()]
        write_coverage(files)
        write_license(files[0])
        raise SystemExit
    main()
