"""Reading PDFs as a reader would: page texts through pypdf."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def squash(text: str) -> str:
    """Text without whitespace, so line wrapping does not matter when comparing."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def bundled_html(body: str, css: str = "") -> str:
    """A document that prints only through the bundled fonts (CI has no system fonts, and
    Pango crashes when a document names no font it can find)."""
    from examgen.fonts import FAMILY
    from examgen.pdf import font_urls

    faces = "".join(f'@font-face{{font-family:"{FAMILY}";font-weight:{weight};'
                    f'src:url("{url}")}}' for weight, url in font_urls().items())
    return (f"<html><head><style>{faces}html{{font-family:\"{FAMILY}\"}}{css}</style>"
            f"</head><body>{body}</body></html>")


def page_fragments(path: Path) -> list[list[str]]:
    """Each page's text pieces from the top of the paper down (then left to right): what a
    reader sees first comes first, margin boxes included (pypdf alone puts those last)."""
    pages = []
    for page in PdfReader(path).pages:
        top = float(page.mediabox.top)
        pieces: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, _font, _size, pieces=pieces, top=top):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.append((round(top - y, 1), round(x, 1), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append([text for _, _, text in sorted(pieces)])
    return pages



def ink_margins(path: Path, dpi: int = 100) -> list[tuple[float, float, float, float]]:
    """For each page, the blank distance in mm from the left, top, right and bottom edge of
    the paper to the nearest ink (a pixel darker than light grey), from the rendered page."""
    import pypdfium2

    scale = dpi / 72
    margins = []
    document = pypdfium2.PdfDocument(path)
    try:
        for page in document:
            image = page.render(scale=scale, grayscale=True).to_pil()
            box = image.point(lambda v: 255 if v < 200 else 0).getbbox()
            width, height = image.size
            left, top, right, bottom = box or (width, height, 0, 0)
            to_mm = 25.4 / dpi
            margins.append((left * to_mm, top * to_mm, (width - right) * to_mm,
                            (height - bottom) * to_mm))
    finally:
        document.close()
    return margins


def file_paths(files: dict) -> dict[str, Path]:
    """A paper's `files` from `build --json` as key → Path, nested groups flattened
    ("rating_sheets": {"1": …} becomes "rating_sheets.1")."""
    out: dict[str, Path] = {}
    for key, value in files.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": Path(v) for k, v in value.items()})
        else:
            out[key] = Path(value)
    return out


def page_images(data: bytes) -> list:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [page.render(scale=150 / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()


def largest_difference(a: bytes, b: bytes) -> int:
    """The largest grey-level difference of any pixel: edge smoothing differs a little
    between font formats; a wrong or missing glyph differs by far more."""
    from PIL import ImageChops

    pages_a, pages_b = page_images(a), page_images(b)
    assert len(pages_a) == len(pages_b)
    return max(ImageChops.difference(x, y).getextrema()[1] for x, y in zip(pages_a, pages_b))


def as_weasyprint_comes(html: str) -> bytes:
    """The PDF of WeasyPrint run as it comes: its full default stylesheet, the document's own
    <style> blocks parsed with it, a fresh font configuration, the collector running."""
    from examgen import pdf
    from examgen.compactfonts import compact_embedding
    from examgen.fonts import reproducible_subsets
    from examgen.resources import fonts_dir, templates_dir

    pdf.import_weasyprint()  # quietly, on a machine without fonts
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    base_url = templates_dir().as_uri() + "/"
    fetcher = pdf._fetcher_class()([templates_dir(), fonts_dir()])
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        font_config=FontConfiguration())
    with reproducible_subsets(), compact_embedding() as finisher:
        return document.write_pdf(finisher=finisher)
