"""HTML → PDF with WeasyPrint: a fetcher that serves only our own files, atomic writes."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from .errors import ExamgenError
from .resources import fonts_dir, templates_dir

_log = logging.getLogger("weasyprint")


def _fetcher_class():
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


def font_urls() -> dict[str, str]:
    from .fonts import font_paths

    return {weight: path.as_uri() for weight, path in font_paths().items()}


def html_to_pdf(html: str) -> tuple[bytes, list[str]]:
    """Lay out one document: the PDF bytes (no timestamps: reproducible) and WeasyPrint's
    warnings, collected here because this may run in a worker process."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    warnings: list[str] = []
    handler = capture_warnings(warnings.append)
    try:
        fetcher = _fetcher_class()([templates_dir(), fonts_dir()])
        font_config = FontConfiguration()
        document = HTML(string=html, base_url=templates_dir().as_uri() + "/",
                        url_fetcher=fetcher)
        return document.write_pdf(font_config=font_config), warnings
    finally:
        _log.removeHandler(handler)


def render_all(htmls: Sequence[str], parallel: bool = True) -> list[tuple[bytes, list[str]]]:
    """Lay out independent documents, one per core when there is more than one."""
    workers = min(len(htmls), os.cpu_count() or 1)
    if parallel and workers > 1 and "fork" in _start_methods():
        import weasyprint  # noqa: F401 (import once, before forking)

        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            return list(pool.map(html_to_pdf, htmls))
    return [html_to_pdf(h) for h in htmls]


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods

    return get_all_start_methods()


def check_free(paths: Sequence[Path], force: bool) -> None:
    """Refuse to overwrite an existing paper unless told to."""
    if force:
        return
    for path in paths:
        if path.exists():
            raise ExamgenError("文件已存在，不会覆盖（如需重新生成请加 --force）", path)


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every file or none: temporary files first, then renamed into place."""
    temps: list[tuple[Path, Path]] = []
    mode = 0o666 & ~_umask()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(name, mode)
            temps.append((Path(name), path))
        for temp, path in temps:
            os.replace(temp, path)
    except OSError as exc:
        raise ExamgenError(f"无法写入：{exc.strerror}", exc.filename) from None
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def capture_warnings(handler: Callable[[str], None]) -> logging.Handler:
    """Route WeasyPrint's log warnings to `handler` (a clean paper logs nothing)."""

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            handler(record.getMessage())

    h = _Handler(logging.WARNING)
    _log.addHandler(h)
    _log.propagate = False
    return h
