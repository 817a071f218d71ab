"""Filled-in, scanned and photographed rating sheets, made from the real printed PDF.

Marks are drawn as a pen leaves them (uneven blobs, a little off-centre, some small, one
crossed out, some too light to call), then the page is degraded as a flatbed scanner or a
phone would. `plan_marks` says what each row should read as, so tests compare against it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium

from examgen import layout

CLEAR = ("fill", "small", "offcentre", "hatched")
REVIEW = ("double", "crossed", "faint")


def rings_where_the_layout_says(page: np.ndarray, rows, dpi: int) -> bool:
    """Every bubble's outline is printed on its radius, with paper just outside it."""
    s = dpi / 25.4
    ink = 255 - page.astype(np.float32)
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)

    def ring(b: layout.Bubble, r: float) -> float:
        xs = np.round((b.x + r * np.cos(angles)) * s).astype(int)
        ys = np.round((b.y + r * np.sin(angles)) * s).astype(int)
        return float(ink[ys, xs].mean())

    on = layout.BUBBLE_R - layout.BUBBLE_LINE / 2
    return all(ring(b, on) > 3 * ring(b, layout.BUBBLE_R + 0.9)
               for row in rows for b in row.bubbles)


def rasterize(pdf: bytes, dpi: int) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [np.array(page.render(scale=dpi / 72, grayscale=True).to_numpy(), copy=True)
                for page in doc]
    finally:
        doc.close()


@dataclass(frozen=True)
class Mark:
    row: str  # row key
    kind: str  # "blank", one of CLEAR or REVIEW
    value: str | None  # the bubble meant (clear marks), else None

    @property
    def expected(self) -> str | None:
        return self.value if self.kind in CLEAR else None

    @property
    def for_review(self) -> bool:
        return self.kind in REVIEW


def plan_marks(page: layout.PageLayout, rng: np.random.Generator,
               kinds: tuple[str, ...] = ("blank", *CLEAR, *CLEAR, *REVIEW)) -> list[Mark]:
    """A mark of a random kind per row (every kind at least once when rows allow)."""
    rows = page.rows
    order = list(kinds) + [str(k) for k in rng.choice(kinds, max(0, len(rows) - len(kinds)))]
    rng.shuffle(order)
    marks = []
    for row, kind in zip(rows, order, strict=False):
        value = str(rng.choice([b.value for b in row.bubbles]))
        marks.append(Mark(row.key, kind, None if kind == "blank" else value))
    return marks


def draw_marks(image: np.ndarray, page: layout.PageLayout, marks: list[Mark], dpi: float,
               rng: np.random.Generator) -> np.ndarray:
    out = image.copy()
    s = dpi / 25.4
    rows = {r.key: r for r in page.rows}
    for mark in marks:
        if mark.kind == "blank":
            continue
        row = rows[mark.row]
        chosen = next(b for b in row.bubbles if b.value == mark.value)
        others = [b for b in row.bubbles if b is not chosen]
        ink = int(rng.integers(25, 110))
        if mark.kind == "fill":
            _blob(out, chosen, s, rng, ink, 0.95)
        elif mark.kind == "small":
            _blob(out, chosen, s, rng, ink, 0.68)
        elif mark.kind == "offcentre":
            _blob(out, chosen, s, rng, ink, 0.9, shift=0.9)
        elif mark.kind == "hatched":
            _hatch(out, chosen, s, rng, ink)
        elif mark.kind == "double":
            _blob(out, chosen, s, rng, ink, 0.9)
            _blob(out, others[int(rng.integers(len(others)))], s, rng, ink, 0.9)
        elif mark.kind == "crossed":  # filled, crossed out, another one filled
            wrong = others[int(rng.integers(len(others)))]
            _blob(out, wrong, s, rng, ink, 0.9)
            _cross(out, wrong, s, ink)
            _blob(out, chosen, s, rng, ink, 0.9)
        elif mark.kind == "faint":  # a light pencil touch
            _blob(out, chosen, s, rng, int(rng.integers(196, 212)), 0.9)
    return out


def _blob(img, b: layout.Bubble, s: float, rng, ink: int, size: float, shift: float = 0.35):
    """An uneven filled shape, as a pen fills a circle."""
    r = layout.BUBBLE_R * size * s
    cx = b.x * s + rng.normal(0, shift * s / 2)
    cy = b.y * s + rng.normal(0, shift * s / 2)
    angles = np.linspace(0, 2 * np.pi, 18, endpoint=False)
    radii = r * rng.uniform(0.85, 1.08, angles.size)
    pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
    cv2.fillPoly(img, [pts.astype(np.int32)], ink, lineType=cv2.LINE_AA)


def _hatch(img, b: layout.Bubble, s: float, rng, ink: int) -> None:
    """Back-and-forth strokes with gaps, as a quick ballpoint fill."""
    r = layout.BUBBLE_R * 0.9 * s
    width = max(1, int(0.55 * s))
    for dy in np.arange(-r, r, 0.7 * s):
        half = np.sqrt(max(r * r - dy * dy, 0))
        y = b.y * s + dy + rng.normal(0, 0.1 * s)
        cv2.line(img, (int(b.x * s - half), int(y)), (int(b.x * s + half), int(y + 0.3 * s)),
                 ink, width, cv2.LINE_AA)


def _cross(img, b: layout.Bubble, s: float, ink: int) -> None:
    r = layout.BUBBLE_R * 1.3 * s
    w = max(1, int(0.5 * s))
    x, y = b.x * s, b.y * s
    cv2.line(img, (int(x - r), int(y - r)), (int(x + r), int(y + r)), ink, w, cv2.LINE_AA)
    cv2.line(img, (int(x - r), int(y + r)), (int(x + r), int(y - r)), ink, w, cv2.LINE_AA)


def flatbed(img: np.ndarray, rng: np.random.Generator, angle: float, scale: float,
            noise: float = 6.0) -> np.ndarray:
    """Rotated and scaled on the glass, with sensor noise, on a slightly larger white bed."""
    h, w = img.shape
    bed = (int(w * 1.06), int(h * 1.06))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += ((bed[0] - w) / 2, (bed[1] - h) / 2)
    out = cv2.warpAffine(img, m, bed, flags=cv2.INTER_LINEAR, borderValue=250)
    return _noise(out, rng, noise)


def phone(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """From above but not square on, on a darker desk, lit from one side."""
    h, w = img.shape
    out_w, out_h = int(w * 1.15), int(h * 1.12)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0.08 * w, 0.05 * h], [1.05 * w, 0.03 * h], [1.1 * w, 1.07 * h],
                      [0.02 * w, 1.02 * h]])
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(img, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=70)
    xx = np.linspace(0.5, 1.0, out_w, dtype=np.float32)[None, :]
    yy = np.linspace(0.9, 1.0, out_h, dtype=np.float32)[:, None]
    out = out.astype(np.float32) * xx * yy
    out = cv2.GaussianBlur(out, (3, 3), 0)
    return _noise(np.clip(out, 0, 255).astype(np.uint8), rng, 4.0)


def _noise(img: np.ndarray, rng, sigma: float) -> np.ndarray:
    noisy = img.astype(np.float32) + rng.normal(0, sigma, img.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def png(img: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", img)
    assert ok
    return data.tobytes()


def decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def scanned_pdf(images: list[np.ndarray], dpi: int = 200) -> bytes:
    """Page images bound into one PDF as a scanner's 'scan to PDF' does (JPEG pages)."""
    from PIL import Image

    pages = [Image.open(io.BytesIO(jpeg(img, 80))) for img in images]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()
