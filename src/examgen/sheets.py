"""What the rating sheet template needs beyond the paper: its layout, QR codes and markers.

Registered as Jinja globals, so `_rating_pages.html` can be included at the end of any
document (a booklet, the written key) with only `paper`, `interviewer` and
`interviewer_name` in its context.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from . import layout


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
                       qr_svg=qr_svg, marker_svg=marker_svg)
