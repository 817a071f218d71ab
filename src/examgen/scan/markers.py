"""Find the four corner markers and map the photo onto the sheet's millimetre grid.

The markers are ArUco codes, so each one says which corner it is: a page scanned upside
down or photographed at an angle maps back just the same.
"""

from __future__ import annotations

import numpy as np

from .. import layout

DETECT_SIDE = 1400  # markers are looked for on a copy this long (they are ~45 px there)
MIN_MARKERS = 3  # a thumb over one corner still leaves twelve points to map from
MAX_ERROR_MM = 1.5  # markers that disagree more than this are not a flat sheet


class MarkerError(Exception):
    pass


_detector = None


def _aruco():
    global _detector
    import cv2

    if _detector is None:
        dictionary = cv2.aruco.getPredefinedDictionary(
            getattr(cv2.aruco, layout.MARKER_DICTIONARY))
        _detector = cv2.aruco.ArucoDetector(dictionary, cv2.aruco.DetectorParameters())
    return _detector


def find_markers(gray: np.ndarray) -> dict[int, np.ndarray]:
    """Marker id → its four corners (4 × 2, image pixels), for the ids of our layout."""
    import cv2

    wanted = set(layout.MARKER_BITS)
    found: dict[int, np.ndarray] = {}
    side = max(gray.shape)
    for scale in ([DETECT_SIDE / side, 1.0] if side > DETECT_SIDE * 1.2 else [1.0]):
        small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                      interpolation=cv2.INTER_AREA)
        corners, ids, _ = _aruco().detectMarkers(small)
        if ids is not None:
            for c, i in zip(corners, ids.ravel(), strict=True):
                if int(i) in wanted and int(i) not in found:
                    found[int(i)] = c.reshape(4, 2) / scale
        if len(found) == len(wanted):
            break
    return found


def sheet_homography(found: dict[int, np.ndarray], px_per_mm: float) -> np.ndarray:
    """The 3 × 3 map from image pixels to the sheet at `px_per_mm` (MarkerError when the
    markers are too few or do not fit one flat page)."""
    import cv2

    if len(found) < MIN_MARKERS:
        raise MarkerError(f"只找到 {len(found)} 个定位标记（四角的黑白方块），至少需要 "
                          f"{MIN_MARKERS} 个")
    expected = layout.marker_corners()
    src = np.concatenate([found[i] for i in sorted(found)]).astype(np.float32)
    dst = np.array([p for i in sorted(found) for p in expected[i]], np.float32) * px_per_mm
    matrix, _ = cv2.findHomography(src, dst, 0)
    if matrix is None:
        raise MarkerError("定位标记的位置无法构成一页纸")
    mapped = cv2.perspectiveTransform(src.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    error = float(np.max(np.linalg.norm(mapped - dst, axis=1))) / px_per_mm
    if error > MAX_ERROR_MM:
        raise MarkerError(f"定位标记的位置相差 {error:.1f} 毫米，纸张可能折叠或拍摄变形过大")
    return matrix
