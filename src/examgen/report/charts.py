"""The report's charts as small vector SVG, drawn here rather than by a plotting library.

Why not matplotlib or pygal: measured on the same bar chart, WeasyPrint lays our SVG out
with the document's own bundled font, so chart labels are real text (selectable, found by
pypdf, sharing the one font subset of the PDF), while matplotlib's text-as-paths cannot be
read back and its SVG styles draw dozens of WeasyPrint warnings; and two bar charts do not
justify a 30 MB dependency that takes half a second to import. Labels are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "Examgen Sans SC"
INK, MUTED, GRID, BAR, MEAN = "#222", "#666", "#d0d0d0", "#3d6fa8", "#b9b9b9"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    maximum: float  # what full length means for this bar (its paper's max points)
    text: str  # printed after the bar


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" role="img">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, size: float = 11, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}">{escape(text)}</text>')


def _grid(left: float, top: float, length: float, height: float, ticks: Sequence[float],
          labels: Sequence[str]) -> list[str]:
    out = []
    for tick, label in zip(ticks, labels, strict=True):
        x = left + tick * length
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + height}" '
                   f'stroke="{GRID}" stroke-width="0.8"/>')
        out.append(_text(x, top + height + 13, label, 9, "middle", MUTED))
    return out


def totals_chart(bars: Sequence[Bar], title: str) -> Markup:
    """Horizontal bars, one per candidate, as a share of their paper's points."""
    width, left, right, row, top = 640, 110, 90, 26, 10
    length = width - left - right
    height = top + row * len(bars) + 24
    body = _grid(left, top, length, row * len(bars), [0, .25, .5, .75, 1],
                 ["0", "25%", "50%", "75%", "100%"])
    for i, bar in enumerate(bars):
        y = top + i * row
        share = bar.value / bar.maximum if bar.maximum else 0.0
        body.append(_text(left - 8, y + 17, bar.label, 11, "end"))
        body.append(f'<rect x="{left}" y="{y + 5}" width="{max(share, 0) * length:.1f}" '
                    f'height="{row - 10}" fill="{BAR}"/>')
        body.append(_text(left + share * length + 6, y + 17, bar.text, 10))
    return _svg(width, height, body, title)


def profile_chart(dimensions: Sequence[str], own: Sequence[float | None],
                  mean: Sequence[float | None], title: str) -> Markup:
    """Per dimension, the candidate's share of the points (dark) against the round's mean
    share (grey), both 0–1; a dimension the paper did not hold shows no bar."""
    width, left, right, group, top = 640, 190, 60, 34, 24
    length = width - left - right
    height = top + group * len(dimensions) + 24
    body = [
        f'<rect x="{left}" y="4" width="10" height="10" fill="{BAR}"/>',
        _text(left + 14, 13, "本人得分率", 9, fill=MUTED),
        f'<rect x="{left + 90}" y="4" width="10" height="10" fill="{MEAN}"/>',
        _text(left + 104, 13, "本轮平均", 9, fill=MUTED),
    ]
    body += _grid(left, top, length, group * len(dimensions), [0, .2, .4, .6, .8, 1],
                  ["0", "20%", "40%", "60%", "80%", "100%"])
    for i, (dim, mine, avg) in enumerate(zip(dimensions, own, mean, strict=True)):
        y = top + i * group
        body.append(_text(left - 8, y + 21, dim, 10.5, "end"))
        for j, (value, colour) in enumerate(((mine, BAR), (avg, MEAN))):
            if value is None:
                continue
            by = y + 5 + j * 12
            body.append(f'<rect x="{left}" y="{by}" width="{value * length:.1f}" '
                        f'height="11" fill="{colour}"/>')
            body.append(_text(left + value * length + 4, by + 9.5, f"{value:.0%}", 8.5,
                              fill=INK if j == 0 else MUTED))
    return _svg(width, height, body, title)
