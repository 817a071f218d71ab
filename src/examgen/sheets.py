"""What the rating sheet template needs beyond the paper: its layout, QR codes and markers.

Registered as Jinja globals, so `_rating_pages.html` can be included at the end of any
document (a booklet, the written key) with only `paper`, `interviewer` and
`interviewer_name` in its context.
"""

from __future__ import annotations

from collections.abc import Sequence

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


# The regular face's digits all advance 0.555 em (tabular figures): a row of digits with a
# letter-spacing of one pitch less that puts each one in the middle of its bubble.
DIGIT_ADVANCE_EM = 0.555
DIGIT_PT = 7.5  # the digits' size in the bubbles


def rings_svg(rows: Sequence[layout.Row]) -> Markup:
    """The outline of every bubble on a sheet, as one picture the size of the page.

    A hundred round-bordered boxes took WeasyPrint two fifths of a rating sheet's time to
    lay out and draw; this picture and a line of digits a row (digit_row) take under half
    of that, and print the same rings (the border ran inside the radius: the stroke is
    centred half a line in)."""
    r = layout.BUBBLE_R - layout.BUBBLE_LINE / 2
    circles = "".join(f'<circle cx="{b.x:g}" cy="{b.y:g}" r="{r:g}"/>'
                      for row in rows for b in row.bubbles)
    return Markup(f'<svg viewBox="0 0 {layout.PAGE_W:g} {layout.PAGE_H:g}">'
                  f'<g fill="none" stroke="#333" stroke-width="{layout.BUBBLE_LINE:g}">'
                  f"{circles}</g></svg>")


def digit_row(row: layout.Row) -> Markup:
    """A row's digits ("1" … "5") in its bubbles: one line of text, not a box each."""
    xs = [b.x for b in row.bubbles]
    pitches = {round(b - a, 6) for a, b in zip(xs, xs[1:])}
    if len(pitches) != 1 or not all(len(b.text) == 1 and b.text.isdigit()
                                    for b in row.bubbles):
        raise ValueError(f"row {row.key}: digits at one pitch only")
    advance = DIGIT_ADVANCE_EM * DIGIT_PT * 25.4 / 72  # mm
    top = row.y - layout.BUBBLE_R + layout.BUBBLE_LINE  # the line box the border held
    return Markup(f'<div class="abs digits" style="left: {xs[0] - advance / 2:.3f}mm; '
                  f'top: {top:.2f}mm; font-size: {DIGIT_PT:g}pt; '
                  f'letter-spacing: {pitches.pop() - advance:.3f}mm">'
                  f'{"".join(b.text for b in row.bubbles)}</div>')


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
                       qr_svg=qr_svg, marker_svg=marker_svg, rings_svg=rings_svg,
                       digit_row=digit_row)
