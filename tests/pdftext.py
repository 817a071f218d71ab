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
