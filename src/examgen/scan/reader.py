"""One page image → which sheet it is and what each of its rows says.

Knows images and layouts only: whether the paper exists is for the caller (scanning.py)
to ask the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import layout
from .bubbles import RowReading, ink_image, read_rows
from .markers import MarkerError, find_markers, sheet_homography
from .qr import read_qr

PX_PER_MM = 6.0  # the rectified sheet: 1260 × 1782 pixels, bubbles 38 px across


class PageError(Exception):
    """This page cannot be read (message in Chinese); nothing of it is recorded."""


@dataclass
class PageRead:
    sheet: layout.SheetId
    page_layout: layout.PageLayout
    rows: list[RowReading]
    image: np.ndarray  # the rectified sheet (grayscale), for review crops

    def crop(self, row: layout.Row) -> np.ndarray:
        left, top, right, bottom = (int(round(v * PX_PER_MM)) for v in row.box)
        return self.image[max(0, top):bottom, max(0, left):right]


def read_page(gray: np.ndarray) -> PageRead:
    import cv2

    if gray.size == 0 or min(gray.shape) < 200:
        raise PageError("图片太小，无法识别")
    found = find_markers(gray)
    try:
        to_sheet = sheet_homography(found, PX_PER_MM)
    except MarkerError as exc:
        raise PageError(f"{exc}，不是可识别的评分卡") from None
    text = read_qr(gray, to_sheet, PX_PER_MM)
    if text is None:
        raise PageError("找不到或读不出评分卡右上角的二维码")
    try:
        sheet = layout.SheetId.decode(text)
    except ValueError:
        raise PageError("二维码不是 examgen 评分卡的（可能来自其他工具）") from None
    try:
        page_layout = layout.page_layout(sheet)
    except ValueError:
        raise PageError(f"评分卡版式 {sheet.layout} 与本版本 examgen 不符，"
                        "请升级 examgen") from None
    size = (int(layout.PAGE_W * PX_PER_MM), int(layout.PAGE_H * PX_PER_MM))
    image = cv2.warpPerspective(gray, to_sheet, size, flags=cv2.INTER_LINEAR, borderValue=255)
    rows = read_rows(ink_image(image, PX_PER_MM), page_layout.rows, PX_PER_MM)
    return PageRead(sheet, page_layout, rows, image)
