"""HTML → PDF with WeasyPrint: a fetcher that serves only our own files, atomic writes."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from .errors import ExamgenError
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
    container, CI): every template brings its own fonts, so the papers are the same."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        import weasyprint  # noqa: F401


def font_urls() -> dict[str, str]:
    from .fonts import font_paths

    return {weight: path.as_uri() for weight, path in font_paths().items()}


def html_to_pdf(html: str) -> tuple[bytes, list[str]]:
    """Lay out one document: the PDF bytes (no timestamps: reproducible) and WeasyPrint's
    warnings, collected here because this may run in a worker process."""
    import_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    logged: list[str] = []
    handler = capture_warnings(logged.append)
    try:
        fetcher = _fetcher_class()([templates_dir(), fonts_dir()])
        font_config = FontConfiguration()
        document = HTML(string=html, base_url=templates_dir().as_uri() + "/",
                        url_fetcher=fetcher)
        return document.write_pdf(font_config=font_config), logged
    finally:
        _log.removeHandler(handler)


def _warm_worker(tmpdir: str) -> None:
    """Runs once in each worker: WeasyPrint's temporary font folders go to our own
    folder (removed when the renderer closes, even if a worker was killed), and the
    import is paid while the parent is still loading the bank."""
    tempfile.tempdir = tmpdir
    import_weasyprint()


def _ready() -> None:
    pass


class Renderer:
    """Lays out documents on one warm worker per core (forked), or in this process."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._tmpdir: str | None = None
        if self.workers > 1 and "fork" in get_all_start_methods():
            self._tmpdir = tempfile.mkdtemp(prefix="examgen-")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("fork"),
                                             initializer=_warm_worker,
                                             initargs=(self._tmpdir,))
            self._pool.submit(_ready)  # start every worker now, not at the first document

    def render(self, htmls: Sequence[str],
               on_done: Callable[[], None] | None = None) -> list[tuple[bytes, list[str]]]:
        """(PDF bytes, WeasyPrint warnings) for each document, in order; `on_done` is
        called as each one finishes (for a progress bar)."""
        results = []
        try:
            for result in (self._pool.map(html_to_pdf, htmls) if self._pool
                           else map(html_to_pdf, htmls)):
                results.append(result)
                if on_done:
                    on_done()
        except BrokenProcessPool:
            raise ExamgenError("生成 PDF 的进程意外退出（内存不足或被终止），"
                               "未写入任何文件") from None
        return results

    def close(self) -> None:
        if self._pool is not None:
            workers = list(getattr(self._pool, "_processes", {}).values())
            if any(w.exitcode is not None for w in workers):
                # A killed worker may have died holding the task queue's lock: stop the
                # others too rather than wait for them forever.
                for worker in workers:
                    worker.kill()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
