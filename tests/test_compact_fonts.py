"""Embedded fonts are compact bare CFF subsets that print and read exactly as before."""

from __future__ import annotations

import contextlib
import io

import pytest
from fontTools import subset
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from examgen import fonts, pdf
from examgen.compactfonts import bare_cid_cff

from .pdftext import bundled_html, largest_difference

# Common text, punctuation, Latin with a ligature candidate, and rare name characters
# (outside GB 2312: they sit far up the font, where a kept-id subset pays for every slot).
TEXT = ("<p>第 3 题：请描述您处理客户投诉的经历，office fi “引号”（括号）……①②③</p>"
        "<p><b>应聘者 王喆堃、李燚、赵璟</b> · 评级 1–5 · 得分 ≈ 评级 ÷ 5 × 分值</p>")


def _pdf_without_compaction(html: str, monkeypatch) -> bytes:
    """The PDF with the fonts WeasyPrint's own subsetting embeds."""
    with monkeypatch.context() as patch:
        patch.setattr(pdf, "compact_embedding", lambda: contextlib.nullcontext(None))
        return pdf.html_to_pdf(html)[0]


def _font_files(data: bytes) -> list[tuple[str, object]]:
    files = []
    for descriptor in _descriptors(data):
        (key,) = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
        files.append((key, descriptor[key].get_object()))
    return files


def _descriptors(data: bytes) -> list:
    reader, out, seen = PdfReader(io.BytesIO(data)), [], set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/BaseFont"] in seen:
                continue
            seen.add(font["/BaseFont"])
            out.append(font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object())
    return out


def test_every_font_is_embedded_as_a_bare_cid_keyed_cff():
    data, _ = pdf.html_to_pdf(bundled_html(TEXT))
    files = _font_files(data)
    assert len(files) == 2  # regular and bold
    for key, stream in files:
        assert key == "/FontFile3" and stream["/Subtype"] == "/CIDFontType0C"


def test_pages_look_the_same_as_with_the_fonts_weasyprint_embeds(monkeypatch):
    html = bundled_html(TEXT * 3)
    compact, original = pdf.html_to_pdf(html)[0], _pdf_without_compaction(html, monkeypatch)
    assert largest_difference(compact, original) <= 64
    other_page = _pdf_without_compaction(bundled_html(TEXT), monkeypatch)
    assert largest_difference(compact, other_page) > 200
    assert page_texts_of(compact) == page_texts_of(original)
    assert "王喆堃" in page_texts_of(compact)[0]


def page_texts_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_rare_character_costs_its_own_glyph_not_the_glyphs_below_it(monkeypatch):
    common = bundled_html("<p>请描述您处理客户投诉的经历。</p>")
    rare = bundled_html("<p>请描述您处理客户投诉的经历。喆堃</p>")
    grown = len(pdf.html_to_pdf(rare)[0]) - len(pdf.html_to_pdf(common)[0])
    kept_ids = (len(_pdf_without_compaction(rare, monkeypatch))
                - len(_pdf_without_compaction(common, monkeypatch)))
    assert grown < 2000 < kept_ids


@pytest.mark.parametrize("keep_ids", [True, False], ids=["every id kept", "drawn glyphs only"])
def test_the_compact_font_keeps_each_glyph_under_its_id_as_cid(keep_ids):
    """From a subset as WeasyPrint makes it (every id up to the highest kept) or a cut
    holding only the glyphs drawn (as HarfBuzz makes it here): the same bare CFF."""
    source = fonts.font_paths()["normal"]
    font = TTFont(str(source))
    glyphs = sorted(font.getGlyphID(font.getBestCmap()[ord(c)]) for c in "喆题")
    cff = bare_cid_cff(_subset(source, glyphs, keep_ids), glyphs)
    font_set = CFFFontSet()
    font_set.decompile(io.BytesIO(cff), None)
    top = font_set.topDictIndex[0]
    assert top.charset == [".notdef", *(f"cid{glyph:05d}" for glyph in glyphs)]
    assert top.ROS == ("Adobe", "Identity", 0)
    assert top.CIDCount == glyphs[-1] + 1
    assert len(cff) < 3000
    assert cff == bare_cid_cff(_subset(source, glyphs, not keep_ids), glyphs)


def _subset(path, glyphs: list[int], keep_ids: bool) -> bytes:
    options = subset.Options(retain_gids=keep_ids, notdef_outline=True, desubroutinize=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    font = TTFont(str(path))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@pytest.mark.parametrize("otf", [b"", b"not a font"])
def test_a_font_it_cannot_read_is_left_as_it_was(otf):
    assert bare_cid_cff(otf, [1]) is None


class CountingCuts:
    """HarfBuzz's subset library, counting the subsets it makes."""

    def __init__(self, library):
        self.library, self.cuts = library, 0

    def hb_subset_or_fail(self, face, subset_input):
        self.cuts += 1
        return self.library.hb_subset_or_fail(face, subset_input)

    def __getattr__(self, name):
        return getattr(self.library, name)


def test_harfbuzz_cuts_each_font_once_to_the_glyphs_drawn(monkeypatch):
    import weasyprint.pdf.fonts

    html = bundled_html(TEXT)
    counting = CountingCuts(weasyprint.pdf.fonts.harfbuzz_subset)
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", counting)
    compact = pdf.html_to_pdf(html)[0]
    assert counting.cuts == 2  # regular and bold (WeasyPrint's own subsetting: twice each)
    counting.cuts = 0
    _pdf_without_compaction(html, monkeypatch)
    assert counting.cuts == 4
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # fontTools, then
    by_fonttools = pdf.html_to_pdf(html)[0]
    assert [key for key, _ in _font_files(by_fonttools)] == ["/FontFile3"] * 2
    assert largest_difference(compact, by_fonttools) <= 64
    assert page_texts_of(compact) == page_texts_of(by_fonttools)
