"""What the rating sheet template needs beyond the paper: its layout, QR codes and markers.

Registered as Jinja globals, so `_rating_pages.html` can be included at the end of any
document (a booklet, the written key) with only `paper`, `interviewer` and
`interviewer_name` in its context.
"""

from __future__ import annotations

import json
from functools import cache

import jinja2
from markupsafe import Markup

from . import layout
from .resources import fonts_dir

SHEET_H = 296.0  # a sheet's box: a hair under A4, so it never spills onto a next page


def qr_svg(text: str) -> Markup:
    """The QR code as inline SVG without a size (CSS sizes it to layout.QR_SIZE)."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return Markup(code.svg_inline(omitsize=True, border=layout.QR_BORDER, dark="#000",
                                  light="#fff"))


def marker_svg(marker_id: int) -> Markup:
    """One ArUco marker as inline SVG: a unit square per black cell."""
    bits = layout.MARKER_BITS[marker_id]
    cells = "".join(f"M{x} {y}h1v1h-1z" for y, row in enumerate(bits)
                    for x, cell in enumerate(row) if cell == "#")
    n = len(bits)
    return Markup(f'<svg viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
                  f'<path d="{cells}" fill="#000"/></svg>')


# A digit or letter of 7.5 pt, centred in its bubble: font size and baseline drop in mm.
BUBBLE_TEXT_SIZE = 7.5 * 25.4 / 72
BUBBLE_TEXT_DROP = 0.95


@cache
def bubble_glyphs() -> dict:
    """Outlines of the digits and letters printed in bubbles (fonts/bubble-glyphs.json,
    from the bundled regular face by scripts/build_fonts.py)."""
    return json.loads((fonts_dir() / "bubble-glyphs.json").read_text(encoding="utf-8"))


def bubbles_svg(sheet: layout.PageLayout) -> Markup:
    """Every bubble of a sheet as one SVG the size of the sheet, its digit or letter drawn
    inside from the bundled font's outline: one box for WeasyPrint to lay out instead of one
    per bubble (a rating sheet has over a hundred), at the places examgen.layout gives."""
    glyphs = bubble_glyphs()
    scale = BUBBLE_TEXT_SIZE / glyphs["units_per_em"]
    r = layout.BUBBLE_R - layout.BUBBLE_LINE / 2
    bubbles = [b for row in sheet.rows for b in row.bubbles]
    inside = [b for b in bubbles if b.inside and b.text]
    used = sorted({b.text for b in inside})
    prefix = f"glyph-{sheet.sheet.interviewer}-{sheet.sheet.page}"  # ids unique in a document
    defs = "".join(f'<path id="{prefix}-{ord(c)}" d="{glyphs["glyphs"][c]["path"]}"/>'
                   for c in used)
    circles = "".join(f'<circle cx="{b.x:.2f}" cy="{b.y:.2f}" r="{r:.3f}"/>' for b in bubbles)
    marks = "".join(
        f'<use href="#{prefix}-{ord(b.text)}" transform="translate('
        f'{b.x - glyphs["glyphs"][b.text]["advance"] * scale / 2:.3f} '
        f'{b.y + BUBBLE_TEXT_DROP:.3f}) scale({scale:.6f} {-scale:.6f})"/>' for b in inside)
    return Markup(
        f'<svg viewBox="0 0 {layout.PAGE_W:g} {SHEET_H:g}"><defs>{defs}</defs>'
        f'<g fill="none" stroke="#333" stroke-width="{layout.BUBBLE_LINE}">{circles}</g>'
        f'<g fill="#444">{marks}</g></svg>')


def rating_pages(paper, interviewer: int) -> list[layout.PageLayout]:
    """An interviewer rates the open questions; a written test's choice items (numbered
    first) are graded from the candidate's answer grid instead."""
    return layout.rating_sheets(paper.id, int(interviewer), len(paper.questions),
                                layout.LAYOUT_VERSION, skip=len(paper.choice_items))


def grid_items(paper) -> list[layout.GridItem]:
    return [layout.GridItem(len(q.options), q.multiple) for q in paper.choice_items]


def grid_pages(paper) -> list[layout.PageLayout]:
    """The answer grid (答题卡) of a written test; no pages when it has no choice items."""
    items = grid_items(paper)
    if not items:
        return []
    return layout.grid_sheets(paper.id, len(paper.questions), items, layout.LAYOUT_VERSION)


def register(env: jinja2.Environment) -> None:
    env.globals.update(sheet_layout=layout, rating_pages=rating_pages, grid_pages=grid_pages,
                       qr_svg=qr_svg, marker_svg=marker_svg, bubbles_svg=bubbles_svg,
                       sheet_height=SHEET_H)
