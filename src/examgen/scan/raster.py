"""Scans and photos → grayscale page images, one at a time (a 30-page PDF is never held
whole in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDF_DPI = 200  # scanned PDFs are rendered at this resolution (bubbles are ~50 px wide)
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
        image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    except cv2.error:
        raise RasterError("图片太大或已损坏，无法读取") from None
    if image is None:
        raise RasterError("不是可识别的 PDF 或图片文件（支持 PDF、JPEG、PNG）")
    return image


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
