"""Scans and photos → grayscale page images, one at a time (a 30-page PDF is never held
whole in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDF_DPI = 200  # PDF pages that are not one scanned image are rendered at this resolution
MAX_SIDE = 3600  # larger images (600 dpi scans, 48 MP photos) are halved first
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"}


class RasterError(Exception):
    """A file or page that cannot be turned into an image (message in Chinese)."""


@dataclass
class PageImage:
    file: Path
    page: int  # 1-based; an image file is page 1
    image: np.ndarray | None  # 8-bit grayscale, or None when `error` says why
    error: str = ""


def read_pages(path: Path) -> Iterator[PageImage]:
    """Every page of a PDF, or the one image of a photo; a broken page is yielded with its
    error so the pages after it are still read. Raises RasterError for a file that cannot be
    opened at all."""
    from ..errors import ExamgenError
    from ..limits import MAX_SCAN_FILE_BYTES, check_file_size

    try:
        check_file_size(path, MAX_SCAN_FILE_BYTES, "扫描文件")
    except ExamgenError as exc:
        raise RasterError(exc.message) from None
    try:
        head = path.read_bytes()[:8] if path.is_file() else None
    except OSError as exc:
        raise RasterError(f"无法读取文件：{exc.strerror}") from None
    if head is None:
        raise RasterError("文件不存在")
    if not head:
        raise RasterError("文件是空的")
    if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        yield from _pdf_pages(path)
    else:
        yield PageImage(path, 1, _read_image(path))


def _too_big(width: float, height: float) -> RasterError | None:
    from ..limits import MAX_IMAGE_PIXELS

    if width * height <= MAX_IMAGE_PIXELS:
        return None
    return RasterError(f"图片太大（{int(width)}×{int(height)} 像素，最多 "
                       f"{MAX_IMAGE_PIXELS // 1_000_000} 百万像素），未读取")


def _read_image(path: Path) -> np.ndarray:
    import cv2
    from PIL import Image

    try:  # the header says how big it is, before anything is decoded
        with Image.open(path) as probe:
            if error := _too_big(*probe.size):
                raise error
    except Image.DecompressionBombError:
        raise RasterError("图片太大（像素数远超扫描件），可能是解压炸弹，未读取") from None
    except (OSError, ValueError):
        pass  # not a format Pillow knows: OpenCV decides below
    data = np.fromfile(str(path), dtype=np.uint8)  # cv2.imread cannot open non-ASCII paths
    try:
        image = _decode(data)
    except cv2.error:
        raise RasterError("图片太大或已损坏，无法读取") from None
    if image is None:
        raise RasterError("不是可识别的 PDF 或图片文件（支持 PDF、JPEG、PNG）")
    return image


def _decode(data: np.ndarray) -> np.ndarray | None:
    import cv2

    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    while image is not None and max(image.shape) > MAX_SIDE:
        image = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return image


def _scanned_image(page) -> np.ndarray | None:
    """The page's one picture, decoded as stored, when the page is a scan: five times
    faster than rendering it, and no resolution is lost or invented."""
    import io

    import cv2
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    if len(images) != 1:
        return None
    left, bottom, right, top = images[0].get_bounds()
    width, height = page.get_size()
    if (right - left) * (top - bottom) < 0.8 * width * height:
        return None  # a picture on a page, not a scanned page
    px_width, px_height = images[0].get_px_size()
    if _too_big(px_width, px_height):
        return None  # rendered at PDF_DPI instead, within the limit
    buffer = io.BytesIO()
    try:
        images[0].extract(buffer)
        image = _decode(np.frombuffer(buffer.getvalue(), np.uint8))
    except (Exception, cv2.error):  # noqa: BLE001 - an unusual encoding: render instead
        return None
    return image if image is not None and min(image.shape) >= 200 else None


def _pdf_pages(path: Path) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        raise RasterError("PDF 文件已损坏或无法打开") from None
    try:
        if len(document) == 0:
            raise RasterError("PDF 中没有页面")
        for index in range(len(document)):
            try:
                page = document[index]
                width, height = page.get_size()
                if error := _too_big(width * PDF_DPI / 72, height * PDF_DPI / 72):
                    page.close()
                    yield PageImage(path, index + 1, None, str(error))
                    continue
                image = _scanned_image(page)
                if image is None:
                    bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
                    image = np.array(bitmap.to_numpy(), copy=True)
                    if image.ndim == 3:
                        image = image[..., 0]
                page.close()
            except pdfium.PdfiumError:
                yield PageImage(path, index + 1, None, "此页无法渲染")
                continue
            yield PageImage(path, index + 1, image)
    finally:
        document.close()
