"""Where everything on a scannable sheet is, in millimetres from the page's top-left corner.

The rating sheet template places its markers, QR code and bubbles from these numbers and the
scanner looks for them at the same numbers, so print and scan can never disagree. A sheet is
rows of labelled bubbles: the rating sheet has a row per question (bubbles 1–5) and one for
the recommendation; an answer grid for choice items can use the same rows with A–H.

The QR code says which paper, interviewer and page a sheet is and which layout it follows;
a change to any number here that moves a bubble must come with a new layout version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PAGE_W, PAGE_H = 210.0, 297.0  # A4

# Four ArUco markers (OpenCV's DICT_4X4_50, ids 0–3), clockwise from the top left. Each is
# 6 × 6 cells (the 4 × 4 code inside a black border); "#" is black. The bits are written out
# here so printing needs no OpenCV; a test checks them against OpenCV's dictionary.
MARKER_DICTIONARY = "DICT_4X4_50"
MARKER_SIZE = 10.0
MARKER_MARGIN = 8.0  # from the paper's edge to the marker (inside what printers can print)
MARKER_BITS: dict[int, tuple[str, ...]] = {
    0: ("######", "#.#..#", "##.#.#", "###..#", "###.##", "######"),
    1: ("######", "######", "#....#", "#.##.#", "#.#.##", "######"),
    2: ("######", "###..#", "###..#", "###.##", "#..#.#", "######"),
    3: ("######", "#.##.#", "#.##.#", "##.###", "##..##", "######"),
}

QR_PREFIX = "EXG1"  # first field of every examgen QR code
QR_X, QR_Y, QR_SIZE = 164.0, 9.0, 24.0  # the code's square, quiet zone included
QR_BORDER = 2  # quiet-zone modules inside that square (the page around it is blank too)

BUBBLE_R = 3.2  # radius of a printed bubble
BUBBLE_LINE = 0.35  # its outline
LEFT = 22.0  # left edge of the rows' text
RIGHT = 188.0  # right edge of the rows (crops for review span LEFT–RIGHT)

RATING_VALUES = ("1", "2", "3", "4", "5")
RATING_XS = (122.0, 136.0, 150.0, 164.0, 178.0)
RECOMMENDATIONS = ("强烈推荐", "推荐", "待定", "不推荐")
RECOMMENDATION_XS = (62.0, 94.0, 126.0, 158.0)  # bubble centres; labels follow on the right
RECOMMENDATION_KEY = "recommendation"  # = readings.RECOMMENDATION

FIRST_ROW_Y = 75.0  # centre of the first row
ROW_PITCH = 8.6
ROWS_PER_SHEET = 20
RECOMMENDATION_Y = 254.0
SIGNATURE_Y = 266.0  # baseline of the name and signature line


@dataclass(frozen=True)
class Bubble:
    value: str  # what marking it means: "1"–"5", a label, a letter
    x: float  # centre
    y: float
    text: str  # printed inside (digits, letters) or beside it (labels)
    inside: bool = True


@dataclass(frozen=True)
class Row:
    key: str  # the question's number on the paper, or "recommendation"
    y: float  # centre line
    bubbles: tuple[Bubble, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the row: what a review crop shows."""
        half = ROW_PITCH / 2
        return (LEFT - 2, self.y - half, RIGHT + 6, self.y + half)


@dataclass(frozen=True)
class SheetId:
    """What the QR code of a sheet says."""

    paper: str
    interviewer: int  # 1, 2, …; 0 for a candidate's answer grid
    page: int  # 1-based
    pages: int
    count: int  # questions on the paper
    layout: str  # e.g. "R1": rating sheet, layout version 1

    def encode(self) -> str:
        return "|".join([QR_PREFIX, self.paper, str(self.interviewer),
                         f"{self.page}/{self.pages}", str(self.count), self.layout])

    @classmethod
    def decode(cls, text: str) -> SheetId:
        """Raises ValueError for anything that is not one of our codes."""
        parts = text.strip().split("|")
        if len(parts) != 6 or parts[0] != QR_PREFIX:
            raise ValueError("not an examgen sheet code")
        _, paper, interviewer, pages, count, layout = parts
        page, _, total = pages.partition("/")
        try:
            sid = cls(paper, int(interviewer), int(page), int(total), int(count), layout)
        except ValueError:
            raise ValueError("not an examgen sheet code") from None
        if not paper or not 1 <= sid.page <= sid.pages or sid.count < 0:
            raise ValueError("inconsistent sheet code")
        return sid


@dataclass(frozen=True)
class PageLayout:
    """One printed sheet: its code and its rows of bubbles."""

    sheet: SheetId
    rows: tuple[Row, ...]

    @property
    def questions(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.key != RECOMMENDATION_KEY)

    @property
    def recommendation(self) -> Row | None:
        return next((r for r in self.rows if r.key == RECOMMENDATION_KEY), None)


def markers() -> list[tuple[int, float, float]]:
    """(id, left, top) of each marker: top left, top right, bottom right, bottom left."""
    far_x, far_y = PAGE_W - MARKER_MARGIN - MARKER_SIZE, PAGE_H - MARKER_MARGIN - MARKER_SIZE
    return [(0, MARKER_MARGIN, MARKER_MARGIN), (1, far_x, MARKER_MARGIN),
            (2, far_x, far_y), (3, MARKER_MARGIN, far_y)]


def marker_corners() -> dict[int, list[tuple[float, float]]]:
    """Each marker's four corners in OpenCV's order (clockwise from its top left)."""
    s = MARKER_SIZE
    return {mid: [(x, y), (x + s, y), (x + s, y + s), (x, y + s)] for mid, x, y in markers()}


def rating_row(number: int, y: float) -> Row:
    return Row(str(number), y, tuple(Bubble(v, x, y, v) for v, x in
                                     zip(RATING_VALUES, RATING_XS, strict=True)))


def recommendation_row() -> Row:
    y = RECOMMENDATION_Y
    return Row(RECOMMENDATION_KEY, y, tuple(
        Bubble(label, x, y, label, inside=False)
        for label, x in zip(RECOMMENDATIONS, RECOMMENDATION_XS, strict=True)))


def rating_sheets(paper: str, interviewer: int, count: int, version: int = 1
                  ) -> list[PageLayout]:
    """The sheets for one interviewer: ROWS_PER_SHEET questions a sheet, the recommendation
    on the last one (a paper without questions still gets one sheet for it)."""
    pages = max(1, math.ceil(count / ROWS_PER_SHEET))
    out = []
    for page in range(1, pages + 1):
        first = (page - 1) * ROWS_PER_SHEET + 1
        last = min(count, page * ROWS_PER_SHEET)
        rows = [rating_row(n, FIRST_ROW_Y + (n - first) * ROW_PITCH)
                for n in range(first, last + 1)]
        if page == pages:
            rows.append(recommendation_row())
        sheet = SheetId(paper, interviewer, page, pages, count, f"R{version}")
        out.append(PageLayout(sheet, tuple(rows)))
    return out


LAYOUTS = {"R1": rating_sheets}  # layout code → how its sheets are laid out
LAYOUT_VERSION = 1


def page_layout(sheet: SheetId) -> PageLayout:
    """The layout a QR code names (ValueError for a layout this version does not know)."""
    make = LAYOUTS.get(sheet.layout)
    if make is None:
        raise ValueError(f"unknown layout {sheet.layout}")
    sheets = make(sheet.paper, sheet.interviewer, sheet.count)
    if sheet.pages != len(sheets):
        raise ValueError("page count does not match the layout")
    return sheets[sheet.page - 1]
