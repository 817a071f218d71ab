"""Smaller embedded fonts, made faster: each font WeasyPrint embeds becomes a compact bare CFF.

WeasyPrint subsets a font keeping every glyph's original id, so the subset carries an empty
slot (a charstring offset, an `hmtx` entry, a select byte) for every glyph below the highest
id a page uses: a rare name character costs some 50 KB. The bundled faces are CID-keyed
CFF, and a PDF selects their glyphs by CID (PDF 32000 §9.7.4.2), so the font is embedded
here with only the glyphs drawn, each under a CID equal to the glyph id the page content
already uses (`FontFile3 /CIDFontType0C`, the form dvipdfmx and Ghostscript write). The
text, its extraction and the widths stay as they were.

While `compact_embedding` is active, HarfBuzz cuts each font once, to the glyphs drawn and
the CFF table alone (WeasyPrint's own subsetting passes twice and keeps every slot, which
then had to be read again to drop them). Without HarfBuzz's subset library, WeasyPrint's
fontTools subset (which keeps the ids) is cut down the same way.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_log = logging.getLogger(__name__)

# Everything HarfBuzz would otherwise subset too: a bare CFF needs none of it, and without
# GSUB no glyph is added that the page does not draw (the ids must be the ones drawn).
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF",
         b"LTSH", b"OS/2", b"PCLT", b"SVG ", b"VORG", b"cmap", b"hhea", b"hmtx", b"name",
         b"post", b"vhea", b"vmtx")


@contextlib.contextmanager
def compact_embedding() -> Iterator[Any]:
    """The finisher to pass to `write_pdf`, with WeasyPrint's font subsetting replaced
    by `compact_subset` until the block ends."""
    from weasyprint.pdf.fonts import Font

    original = Font.subset

    def subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        compact_subset(font, to_unicode, hinting, original)

    Font.subset = subset
    try:
        yield compact_fonts
    finally:
        Font.subset = original


def compact_subset(font: Any, to_unicode: dict[int, str], hinting: bool,
                   weasyprint_subset: Any) -> None:
    """Cut `font` to the glyphs of `to_unicode` and keep their bare CFF as `font.bare_cff`
    (None: the font is embedded as WeasyPrint's own subset makes it)."""
    font.bare_cff = None
    if not to_unicode:
        return weasyprint_subset(font, to_unicode, hinting)
    glyphs = sorted({0, *to_unicode})
    otf = None if font.missing else _harfbuzz_cut(font.hb_face, glyphs, hinting)
    if otf is not None:
        font.bare_cff = bare_cid_cff(otf, glyphs)
    if font.bare_cff is None:
        weasyprint_subset(font, to_unicode, hinting)
        font.bare_cff = bare_cid_cff(font.file_content, glyphs)
    else:
        font.file_content = otf


def _harfbuzz_cut(hb_face: Any, glyphs: Sequence[int], hinting: bool) -> bytes | None:
    """The face cut by HarfBuzz to `glyphs` (sorted, new ids in that order) and its CFF
    table, outlines without subroutines; None without HarfBuzz's subset library, or if
    the cut holds other glyphs than those asked for."""
    from weasyprint.pdf import fonts as weasyprint_fonts  # its names: where WeasyPrint looks

    ffi, harfbuzz = weasyprint_fonts.ffi, weasyprint_fonts.harfbuzz
    harfbuzz_subset = weasyprint_fonts.harfbuzz_subset
    if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    hb_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                      harfbuzz_subset.hb_subset_input_destroy)
    if hb_input == ffi.NULL:
        return None
    for which, values in ((harfbuzz_subset.HB_SUBSET_SETS_GLYPH_INDEX, glyphs),
                          (harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG,
                           sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROP))):
        array = ffi.new(f"hb_codepoint_t[{len(values)}]", values)
        harfbuzz.hb_set_add_sorted_array(
            harfbuzz_subset.hb_subset_input_set(hb_input, which), array, len(values))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(hb_input, flags)
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, hb_input)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    if harfbuzz.hb_face_get_glyph_count(face) != len(glyphs):
        return None
    return weasyprint_fonts.get_hb_object_data(face) or None


def compact_fonts(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: each font stream `compact_subset` made a bare CFF for becomes
    that bare CFF."""
    import pydyf

    fonts = {id(font.file_content): font for font in document.fonts.values()
             if getattr(font, "bare_cff", None)}
    for obj in pdf.objects:
        if (isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType"
                and len(obj.stream) == 1 and id(obj.stream[0]) in fonts):
            obj.stream = [fonts[id(obj.stream[0])].bare_cff]
            obj.extra["Subtype"] = "/CIDFontType0C"
    for obj in pdf.objects:  # only meaningful for TrueType (CIDFontType2) fonts
        if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/CIDFontType0":
            obj.pop("CIDToGIDMap", None)


def bare_cid_cff(otf: bytes, glyph_ids: Iterable[int]) -> bytes | None:
    """The CFF of an OpenType subset cut to these glyphs, glyph id N kept as CID N. The
    subset holds either only these glyphs, in order (as `_harfbuzz_cut` makes it), or
    every id up to the highest one (as WeasyPrint's own subsetting does).

    None (the caller keeps the font as it was) if the font is not a CID-keyed CFF."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(otf), recalcBBoxes=False)
        if "CFF " not in font:
            return None
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        if not hasattr(top, "ROS") or not hasattr(top, "FDSelect"):
            return None
        # Glyphs are picked by index, so the subset's own names are never needed (reading
        # its charset of a kept-id subset was a third of the time this took).
        count = top.numGlyphs
        top.charset = [".notdef", *(f"g{slot}" for slot in range(1, count))]
        keep = sorted({0, *glyph_ids})
        if count == len(keep):  # the cut holds exactly these glyphs
            slots: Sequence[int] = range(count)
        else:  # every id kept (ids past the font's end are glyphs it lacks)
            keep = slots = [gid for gid in keep if gid < count]
        charstrings, fd_of_slot = top.CharStrings, top.FDSelect.gidArray
        names = [".notdef" if gid == 0 else f"cid{gid:05d}" for gid in keep]
        drawn = {name: charstrings.charStringsIndex[slot] for name, slot in zip(names, slots)}
        # Only the font dicts (hinting zones) of the glyphs drawn, in their order.
        used = sorted({fd_of_slot[slot] for slot in slots})
        fd_of = [used.index(fd_of_slot[slot]) for slot in slots]
        top.FDArray.items = [top.FDArray[fd] for fd in used]
        for charstring, fd in zip(drawn.values(), fd_of, strict=True):
            charstring.fdSelectIndex = fd
        charstrings.charStringsAreIndexed = 0
        charstrings.charStrings = drawn
        charstrings.fdSelect, charstrings.fdArray = top.FDSelect, top.FDArray
        top.FDSelect.gidArray = fd_of
        top.FDSelect.format = None  # fontTools writes the smaller of formats 0 and 3
        top.charset = names
        top.CIDCount = keep[-1] + 1
        font.setGlyphOrder(names)
        out = io.BytesIO()
        cff.compile(out, font)
        return out.getvalue()
    except Exception as error:  # a font we do not understand is embedded as WeasyPrint made it
        _log.debug("font kept as OpenType: %s", error)
        return None
