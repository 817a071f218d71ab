"""The bundled CJK fonts: which characters they print, and where to find them."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import ExamgenError
from .resources import fonts_dir

FAMILY = "Examgen Sans SC"
FACES = {"normal": "ExamgenSansSC-Regular.otf", "bold": "ExamgenSansSC-Bold.otf"}
# Layout characters that never need a glyph.
_INVISIBLE = {"\n", "\r", "\t", "\u200b", "\ufeff"}


@cache
def covered() -> frozenset[int]:
    """Code points every bundled face maps (from fonts/coverage.txt)."""
    codes: set[int] = set()
    for line in (fonts_dir() / "coverage.txt").read_text().split():
        start, _, end = line.partition("-")
        codes.update(range(int(start, 16), int(end or start, 16) + 1))
    return frozenset(codes)


def font_paths() -> dict[str, Path]:
    """weight → font file."""
    return {weight: fonts_dir() / name for weight, name in FACES.items()}


def missing_characters(text: str) -> list[str]:
    """The distinct characters of `text` the bundled fonts cannot print, in order."""
    have = covered()
    seen: dict[str, None] = {}
    for char in text:
        if char not in _INVISIBLE and ord(char) not in have:
            seen.setdefault(char, None)
    return list(seen)


def describe(char: str) -> str:
    name = unicodedata.name(char, "")
    shown = char if char.isprintable() else ""
    return f"'{shown}' (U+{ord(char):04X}{' ' + name if name else ''})"


@dataclass(frozen=True)
class Unprintable:
    where: str  # question id or field name
    field: str
    chars: list[str]

    def message(self) -> str:
        chars = "、".join(describe(c) for c in self.chars)
        return f"{self.where} {self.field}: 字体无法显示字符 {chars}"


def find_unprintable(texts: Iterable[tuple[str, str, str]]) -> Iterator[Unprintable]:
    """(where, field, text) triples → the ones with characters the fonts lack."""
    for where, field, text in texts:
        chars = missing_characters(text)
        if chars:
            yield Unprintable(where, field, chars)


def check_printable(texts: Iterable[tuple[str, str, str]]) -> None:
    """Raise before rendering if any text holds a character the fonts lack."""
    problems = list(find_unprintable(texts))
    if problems:
        raise ExamgenError("；".join(p.message() for p in problems))


_warned = False


def has_subset_library() -> bool:
    """Whether HarfBuzz's subset library loads (the names WeasyPrint tries), without
    importing WeasyPrint."""
    import ctypes
    import ctypes.util

    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                 "libharfbuzz-subset-0.dll"):
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            continue
    return ctypes.util.find_library("harfbuzz-subset") is not None


def warn_if_slow_subsetting() -> None:
    """Say once when HarfBuzz's subset library is missing: every PDF is then seconds slower."""
    global _warned
    if not _warned and not has_subset_library():
        _warned = True
        print("提示：未找到 HarfBuzz 字体子集库，每份 PDF 会慢几秒。"
              "Debian/Ubuntu 上请安装：apt-get install libharfbuzz-subset0", file=sys.stderr)


# What WeasyPrint's (and a browser's) own stylesheet prints for list markers (disc, circle,
# square): neither the HTML nor our CSS spells them out, and a PDF cannot tell • from ·, which
# share one glyph in the bundled fonts.
LIST_MARKERS = "•◦▪"


def printed_characters(pdf_data: bytes) -> set[str]:
    """Every character a PDF of ours prints, read from its fonts' ToUnicode maps: counters,
    `content:` strings and markers included (quicker than extracting the text)."""
    import io
    import re

    from pypdf import PdfReader

    chars: set[str] = set()
    seen: set[int] = set()
    for page in PdfReader(io.BytesIO(pdf_data)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            if id(font) in seen or "/ToUnicode" not in font:
                continue
            seen.add(id(font))
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for hexes in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", cmap):
                chars.update(bytes.fromhex(hexes).decode("utf-16-be", "ignore"))
    return chars


def embedded_font_urls(text: str, pdfs: Iterable[bytes] = ()) -> dict[str, str]:
    """weight → data: URL of the bundled face cut down to what the page prints: the
    characters of `text` (the HTML, whose inline CSS holds every `content:` string), of the
    rendered `pdfs` (counters, page numbers) and the list markers.

    Used for the HTML kept with --html, so it opens in any browser with exactly the
    fonts of the PDF and without reaching into the installed package.
    """
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    printed = set(text) | set(LIST_MARKERS)
    for data in pdfs:
        printed |= printed_characters(data)
    chars = {ord(c) for c in printed} & covered()
    chars.update(range(0x20, 0x7F))
    urls = {}
    for weight, path in font_paths().items():
        font = TTFont(str(path))
        options = subset.Options()
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(chars))
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        urls[weight] = "data:font/otf;base64," + base64.b64encode(buffer.getvalue()).decode()
    return urls
