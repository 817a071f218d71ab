"""Read the sheet's QR code from its known place (rectified at a finer resolution)."""

from __future__ import annotations

import numpy as np

from .. import layout

QR_PX_PER_MM = 10.0
QR_MARGIN_MM = 4.0


def read_qr(gray: np.ndarray, to_sheet: np.ndarray, px_per_mm: float) -> str | None:
    """The text of the QR code at layout.QR_X/QR_Y, or None when there is none to read.

    `to_sheet` maps image pixels to the sheet at `px_per_mm`; the code's square is warped
    out of the original image, so a coarse sheet image costs the code no detail.
    """
    import cv2
    import zxingcpp

    side = int((layout.QR_SIZE + 2 * QR_MARGIN_MM) * QR_PX_PER_MM)
    shift = np.array([[QR_PX_PER_MM / px_per_mm, 0, -(layout.QR_X - QR_MARGIN_MM) * QR_PX_PER_MM],
                      [0, QR_PX_PER_MM / px_per_mm, -(layout.QR_Y - QR_MARGIN_MM) * QR_PX_PER_MM],
                      [0, 0, 1]])
    crop = cv2.warpPerspective(gray, shift @ to_sheet, (side, side), flags=cv2.INTER_LINEAR,
                               borderValue=255)
    for image in (crop, cv2.GaussianBlur(crop, (3, 3), 0)):
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            if result.valid and result.text:
                return result.text
    return None
