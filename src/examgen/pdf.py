"""HTML → PDF with WeasyPrint: a fetcher that serves only our own files, one font
configuration and one parse of our stylesheets per process (workers.py runs it on every
core)."""

from __future__ import annotations

import atexit
import contextlib
import copy
import gc
import logging
import re
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import sonames, useragent
from .compactfonts import compact_embedding
from .fonts import reproducible_subsets
from .resources import fonts_dir, templates_dir

_log = logging.getLogger("weasyprint")


def _fetcher_class():
    import_weasyprint()
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Serves `data:` URLs and files inside the package's templates/ and fonts/ only.

        Bank text is escaped, so it cannot add tags; this is the second wall: whatever
        a template or stylesheet asks for outside those folders is refused.
        """

        def __init__(self, roots: Sequence[Path]):
            super().__init__(allowed_protocols={"file", "data"})
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"examgen refuses to load {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"examgen refuses to load {url}")
            return super().fetch(url, headers)

    return LocalFetcher


def import_weasyprint() -> None:
    """Import WeasyPrint without its warning about a machine with no system fonts (a slim
    container, CI): every template brings its own fonts, so the papers are the same. Its C
    libraries are opened by their Linux names first (sonames.py: 0.3 s less)."""
    if "weasyprint" in sys.modules:
        return
    with warnings.catch_warnings(), sonames.linux_names_first():
        warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        import weasyprint  # noqa: F401


def font_urls() -> dict[str, str]:
    from .fonts import font_paths

    return {weight: path.as_uri() for weight, path in font_paths().items()}


@dataclass(frozen=True)
class Job:
    """A document to lay out, and runs of its last pages to write as PDFs of their own
    as well: a key ends with its rating sheets, which are also a file to print apart.
    Laid out once, written twice; each tail is (number of last pages, PDF title)."""

    html: str
    tails: tuple[tuple[int, str], ...] = ()


def html_to_pdf(html: str) -> tuple[bytes, list[str]]:
    """Lay out one document: the PDF bytes (no timestamps: reproducible) and WeasyPrint's
    warnings, collected here because this may run in a worker process."""
    pdfs, logged = job_to_pdfs(Job(html))
    return pdfs[0], logged


def job_to_pdfs(job: Job) -> tuple[list[bytes], list[str]]:
    """The whole document's PDF, then one PDF per tail, and WeasyPrint's warnings."""
    with _collector_paused():
        return _job_to_pdfs(job)


def _job_to_pdfs(job: Job) -> tuple[list[bytes], list[str]]:
    import_weasyprint()
    HTML = useragent.html_class()  # noqa: N806 (weasyprint.HTML, lighter)

    logged: list[str] = []
    handler = capture_warnings(logged.append)
    try:
        fetcher = _fetcher_class()([templates_dir(), fonts_dir()])
        base_url = templates_dir().as_uri() + "/"
        html, stylesheets = _parsed_styles(job.html, base_url, fetcher)
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_font_config(), stylesheets=stylesheets)
        parts = [document]
        for count, title in job.tails:
            tail = document.copy(document.pages[len(document.pages) - count:])
            tail.metadata = copy.copy(document.metadata)
            tail.metadata.title = title
            parts.append(tail)
        with reproducible_subsets(), compact_embedding() as finisher:
            return [part.write_pdf(finisher=finisher) for part in parts], logged
    finally:
        _log.removeHandler(handler)


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_stylesheets: dict[str, Any] = {}


def _parsed_styles(html: str, base_url: str, fetcher: Any) -> tuple[str, list[Any]]:
    """The document without its <style> blocks, and those blocks as stylesheets parsed once
    per process: every paper of a kind carries the same ones, and a sheet spent a quarter of
    its time parsing them (bank text is escaped: no <style> comes from it). The PDF is the
    same to the byte (tests/test_useragent.py)."""
    from weasyprint import CSS

    fonts = _font_config()  # first: a new one (in a forked worker) empties the cache
    if len(_stylesheets) > 32:  # only a few kinds of document exist; never grow unbounded
        _stylesheets.clear()
    sheets = []
    for text in _STYLE.findall(html):
        if text not in _stylesheets:
            _stylesheets[text] = CSS(string=text, base_url=base_url, url_fetcher=fetcher,
                                     font_config=fonts)
        sheets.append(_stylesheets[text])
    return _STYLE.sub("", html), sheets


_garbage = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is laid out and written.

    WeasyPrint makes some hundred thousand objects per document that live until it is
    written, and the collector, run after every few hundred new objects, went through
    them again and again: a fifth of a round's CPU. What the document leaves in cycles
    is collected once, as the next document starts."""
    global _garbage
    if _garbage:
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _garbage = True
        if enabled:
            gc.enable()


_fonts: Any = None
_inherited: list[Any] = []


def _font_config():
    """One FontConfiguration per process: every document's @font-face rules name the same
    bundled files, which WeasyPrint then copies and fontconfig reads once, not per
    document. Its copies are removed when the process exits."""
    global _fonts
    if _fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        _fonts = FontConfiguration()
        _stylesheets.clear()  # parsed with another configuration's fonts (a forked parent's)
        atexit.register(_remove_font_copies, _fonts)
    return _fonts


def _remove_font_copies(config) -> None:
    if getattr(config, "_folder", None):
        shutil.rmtree(config._folder, ignore_errors=True)
        config._folder = None  # nothing left for its __del__, which may run too late to work


def forget_parent_fonts() -> None:
    """In a forked worker: start a FontConfiguration of its own, and keep the parent's
    alive (never collected here), as collecting it would delete the parent's font copies."""
    global _fonts
    if _fonts is not None:
        _inherited.append(_fonts)
        _fonts = None


def capture_warnings(handler: Callable[[str], None]) -> logging.Handler:
    """Route WeasyPrint's log warnings to `handler` (a clean paper logs nothing)."""

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler(record.getMessage())

    h = _Handler(logging.WARNING)
    _log.addHandler(h)
    _log.propagate = False
    return h
