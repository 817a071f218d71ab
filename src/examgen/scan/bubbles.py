"""How dark each bubble is, and what a row of them says.

The sheet image is first flattened (divided by its own paper brightness, so a phone's light
gradient disappears) and scaled so the printed markers are full ink. A bubble's score is how
much ink its inside holds beyond what an empty bubble of the same page holds: the printed
digit is in every bubble, so it is in that baseline and never counts as a mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from .. import layout

MARK = 0.30  # a bubble at least this dark (above the empty level) is marked
FAINT = 0.10  # between FAINT and MARK nobody can tell: a person decides
INNER_MM = layout.BUBBLE_R - 0.55  # measured inside the printed outline
BACKGROUND_MM = 9.0  # wider than a filled bubble, so paper brightness ignores the ink

NOT_RATED = "blank"
REASONS = {"double": "涂了不止一个圆圈", "faint": "涂痕太浅，无法判断"}


@dataclass(frozen=True)
class RowReading:
    row: layout.Row
    scores: tuple[float, ...]
    value: str | None  # the marked bubble's value; None when blank or for review
    review: str = ""  # "", "double" or "faint"


def ink_image(sheet: np.ndarray, px_per_mm: float) -> np.ndarray:
    """0 (paper) … 1 (printed black) per pixel of the rectified sheet, as float32."""
    import cv2

    step = 4
    small = cv2.resize(sheet, None, fx=1 / step, fy=1 / step, interpolation=cv2.INTER_AREA)
    k = max(3, int(BACKGROUND_MM * px_per_mm / step) | 1)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    paper = cv2.GaussianBlur(paper, (k, k), 0)
    paper = cv2.resize(paper, (sheet.shape[1], sheet.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = sheet.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    black = _marker_level(flat, px_per_mm)
    ink = (1.0 - flat) / max(1.0 - black, 0.4)
    return np.clip(ink, 0.0, 1.0, out=ink)


def _marker_level(flat: np.ndarray, px_per_mm: float) -> float:
    """How dark printed black comes out on this page: the markers' outer border cells."""
    cell = layout.MARKER_SIZE / 6
    values = []
    for _, x, y in layout.markers():
        x0, y0 = int((x + cell * 0.25) * px_per_mm), int((y + cell * 0.25) * px_per_mm)
        x1 = int((x + layout.MARKER_SIZE - cell * 0.25) * px_per_mm)
        y1 = int((y + cell * 0.75) * px_per_mm)
        values.append(flat[y0:y1, x0:x1].ravel())
    return float(np.clip(np.median(np.concatenate(values)), 0.0, 0.6))


@cache
def _disc(px_per_mm: float) -> tuple[np.ndarray, int]:
    r = int(np.ceil(INNER_MM * px_per_mm))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    mask = (xx ** 2 + yy ** 2) <= (INNER_MM * px_per_mm) ** 2
    return mask, r


def bubble_score(ink: np.ndarray, bubble: layout.Bubble, px_per_mm: float) -> float:
    mask, r = _disc(px_per_mm)
    cx, cy = int(round(bubble.x * px_per_mm)), int(round(bubble.y * px_per_mm))
    patch = ink[cy - r:cy + r + 1, cx - r:cx + r + 1]
    if patch.shape != mask.shape:
        return 0.0
    return float(patch[mask].mean())


def read_rows(ink: np.ndarray, rows: tuple[layout.Row, ...], px_per_mm: float
              ) -> list[RowReading]:
    """Every row of a page, decided against the page's own empty level."""
    raw = [[bubble_score(ink, b, px_per_mm) for b in row.bubbles] for row in rows]
    empty = _empty_levels(rows, raw)
    out = []
    for row, scores in zip(rows, raw, strict=True):
        relative = tuple(max(0.0, s - empty[b.inside]) for s, b in
                         zip(scores, row.bubbles, strict=True))
        out.append(decide(row, relative))
    return out


def _empty_levels(rows: tuple[layout.Row, ...], raw: list[list[float]]) -> dict[bool, float]:
    """The median score of the page's bubbles with printing inside and of those without:
    at most one bubble a row is marked, so the median is an empty one."""
    levels = {}
    for inside in (True, False):
        values = [s for row, scores in zip(rows, raw, strict=True)
                  for s, b in zip(scores, row.bubbles, strict=True) if b.inside == inside]
        levels[inside] = min(float(np.median(values)), 0.25) if values else 0.0
    # Four empty recommendation bubbles may hold two marks: never above the digits' level.
    levels[False] = min(levels[False], levels[True]) if levels[True] else levels[False]
    return levels


def decide(row: layout.Row, scores: tuple[float, ...]) -> RowReading:
    """One clear mark gives its value; nothing gives "not rated"; anything else is for a
    person (two marks, or a mark too faint to call) and is never guessed."""
    marked = [i for i, s in enumerate(scores) if s >= MARK]
    faint = [i for i, s in enumerate(scores) if FAINT <= s < MARK]
    if len(marked) > 1:
        return RowReading(row, scores, None, "double")
    if faint:
        return RowReading(row, scores, None, "faint")
    if marked:
        return RowReading(row, scores, row.bubbles[marked[0]].value)
    return RowReading(row, scores, None)
