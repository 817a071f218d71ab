"""Smaller embedded fonts: each subset WeasyPrint writes becomes a compact bare CFF.

WeasyPrint subsets a font keeping every glyph's original id, so the subset carries an empty
slot (a charstring offset, an `hmtx` entry, a select byte) for every glyph below the highest
id a page uses: a rare name character costs some 50 KB. The bundled faces are CID-keyed
CFF, and a PDF selects their glyphs by CID (PDF 32000 §9.7.4.2), so the subset is rewritten
here with only the glyphs drawn, each under a CID equal to the glyph id the page content
already uses (embedded as `FontFile3 /CIDFontType0C`, the form dvipdfmx and Ghostscript
write). The text, its extraction and the widths stay as they were.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

_log = logging.getLogger(__name__)


def compact_fonts(document, pdf) -> None:
    """WeasyPrint finisher: replace each OpenType CFF subset stream by a compact bare CFF."""
    import pydyf

    fonts = {id(font.file_content): font for font in document.fonts.values()
             if not font.bitmap}
    for obj in pdf.objects:
        if not (isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType"
                and len(obj.stream) == 1 and id(obj.stream[0]) in fonts):
            continue
        font = fonts[id(obj.stream[0])]
        cff = bare_cid_cff(font.file_content, font.to_unicode)
        if cff is not None:
            obj.stream = [cff]
            obj.extra["Subtype"] = "/CIDFontType0C"
    for obj in pdf.objects:  # only meaningful for TrueType (CIDFontType2) fonts
        if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/CIDFontType0":
            obj.pop("CIDToGIDMap", None)


def bare_cid_cff(otf: bytes, glyph_ids: Iterable[int]) -> bytes | None:
    """The CFF of an OpenType font cut to these glyphs, glyph id N kept as CID N.

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
        # Glyphs are picked by id, so the subset's own names are never needed: reading its
        # charset (a name for every slot up to the highest id) was a third of this function.
        order = top.charset = [".notdef", *(f"cid{gid:05d}" for gid in range(1, top.numGlyphs))]
        keep = sorted({0, *(gid for gid in glyph_ids if 0 <= gid < len(order))})
        charstrings, fd_of_gid = top.CharStrings, top.FDSelect.gidArray
        names = [".notdef" if gid == 0 else f"cid{gid:05d}" for gid in keep]
        drawn = {}
        for name, gid in zip(names, keep):
            drawn[name] = charstrings[order[gid]]  # read while still indexed by glyph id
            drawn[name].fdSelectIndex = fd_of_gid[gid]
        charstrings.charStringsAreIndexed = 0
        charstrings.charStrings = drawn
        charstrings.fdSelect, charstrings.fdArray = top.FDSelect, top.FDArray
        top.FDSelect.gidArray = [fd_of_gid[gid] for gid in keep]
        top.charset = names
        top.CIDCount = keep[-1] + 1
        font.setGlyphOrder(names)
        out = io.BytesIO()
        cff.compile(out, font)
        return out.getvalue()
    except Exception as error:  # a font we do not understand is embedded as WeasyPrint made it
        _log.debug("font kept as OpenType: %s", error)
        return None
