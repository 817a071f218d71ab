"""HTML → PDF with WeasyPrint: a fetcher that serves only our own files, atomic writes."""

from __future__ import annotations

import atexit
import copy
import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from . import useragent
from .compactfonts import compact_fonts
from .errors import ExamgenError
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
    container, CI): every template brings its own fonts, so the papers are the same."""
    with warnings.catch_warnings():
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
        document = HTML(string=job.html, base_url=templates_dir().as_uri() + "/",
                        url_fetcher=fetcher).render(font_config=_font_config())
        parts = [document]
        for count, title in job.tails:
            tail = document.copy(document.pages[len(document.pages) - count:])
            tail.metadata = copy.copy(document.metadata)
            tail.metadata.title = title
            parts.append(tail)
        with reproducible_subsets():
            return [part.write_pdf(finisher=compact_fonts) for part in parts], logged
    finally:
        _log.removeHandler(handler)


_garbage = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is laid out and written.

    WeasyPrint makes some hundred thousand objects per document that live until it is
    written, and the collector, run after every few hundred new objects, went through
    them again and again: a quarter of a key's time. What the document leaves in cycles
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
        atexit.register(_remove_font_copies, _fonts)
    return _fonts


def _remove_font_copies(config) -> None:
    if getattr(config, "_folder", None):
        shutil.rmtree(config._folder, ignore_errors=True)
        config._folder = None  # nothing left for its __del__, which may run too late to work


def _forget_parent_fonts() -> None:
    """In a forked worker: start a FontConfiguration of its own, and keep the parent's
    alive (never collected here), as collecting it would delete the parent's font copies."""
    global _fonts
    if _fonts is not None:
        _inherited.append(_fonts)
        _fonts = None


def _run(job: str | Job) -> tuple[bytes | list[bytes], list[str]]:
    """A worker's task: a bare HTML string gives one PDF, a Job a list of them."""
    return html_to_pdf(job) if isinstance(job, str) else job_to_pdfs(job)


def _warm_worker(tmpdir: str, parent: int | None = None) -> None:
    """Runs once in each worker: WeasyPrint's temporary font folders go to our own
    folder (removed when the renderer closes, even if a worker was killed), and the
    import is paid while the parent is still loading the bank.

    A worker lives only as long as its parent: Ctrl-C is the parent's to handle (no
    worker traceback), SIGTERM and SIGHUP simply end it, and on Linux the kernel kills it
    when the parent dies, however it dies (so no orphan keeps a pipe open)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _die_with_parent()
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
    tempfile.tempdir = tmpdir
    _forget_parent_fonts()
    gc.disable()
    import_weasyprint()
    gc.enable()
    gc.freeze()  # modules live as long as the worker: no collection need look at them


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: SIGKILL this process when its parent exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


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
                                             initargs=(self._tmpdir, os.getpid()))
            self._pool.submit(_ready)  # start every worker now, not at the first document

    def render(self, htmls: Iterable[str | Job],
               on_done: Callable[[], None] | None = None) -> list[tuple[Any, list[str]]]:
        """(PDF bytes, WeasyPrint warnings) for each HTML string, (list of PDF bytes,
        warnings) for each Job, in order; `on_done` is called as each one finishes (for a
        progress bar). The workers start on the first while later ones are still coming."""
        results = []
        try:
            for result in (self._pool.map(_run, htmls) if self._pool else map(_run, htmls)):
                results.append(result)
                if on_done:
                    on_done()
        except BrokenProcessPool:
            raise ExamgenError("生成 PDF 的进程意外退出（内存不足或被终止），"
                               "未写入任何文件") from None
        return results

    def close(self, *, stop: bool = False) -> None:
        """Shut the workers down; `stop` (an error or a signal is on its way out) kills
        them at once instead of letting a document in progress finish."""
        if self._pool is not None:
            workers = list(getattr(self._pool, "_processes", {}).values())
            if stop or any(w.exitcode is not None for w in workers):
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

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(stop=exc_type is not None)


EXISTS = "文件已存在，不会覆盖（如需重新生成请加 --force）"


def check_free(paths: Sequence[Path] | dict[Path, bytes], force: bool) -> None:
    """Refuse to overwrite an existing file unless told to. Given the bytes to be written,
    a file that already holds exactly those bytes is no conflict: builds are reproducible,
    so that is what a build killed half-way left, and the rerun completes it."""
    if force:
        return
    for path in paths:
        if path.exists() and not (isinstance(paths, dict) and _holds(path, paths[path])):
            raise ExamgenError(EXISTS, path)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temps(path: Path) -> None:
    """Temporary files next to `path` left by an examgen that was killed: their names carry
    the writer's process id, and only those whose writer is gone are removed."""
    try:
        leftovers = list(path.parent.glob(_temp_prefix(path) + "*" + TEMP_SUFFIX))
    except OSError:
        return
    for temp in leftovers:
        pid = temp.name[len(_temp_prefix(path)):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def write_atomically(files: dict[Path, bytes], *, replace: bool = True) -> None:
    """Write every file or none: temporary files first, then moved into place.

    With `replace=False` an existing file is never replaced, even by a writer that got
    there a moment earlier: it is left alone when it holds the same bytes, and otherwise
    the whole write is undone and refused."""
    temps: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    mode = 0o666 & ~_umask()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temps(path)
            fd, name = tempfile.mkstemp(dir=path.parent,
                                        prefix=f"{_temp_prefix(path)}{os.getpid()}-",
                                        suffix=TEMP_SUFFIX)
            temps.append((Path(name), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(name, mode)
        for temp, path in temps:
            if replace:
                os.replace(temp, path)
            elif _place_new(temp, path, files[path]):
                placed.append(path)
    except ExamgenError:
        _undo(placed)
        raise
    except OSError as exc:
        _undo(placed)
        raise ExamgenError(f"无法写入：{exc.strerror}", exc.filename) from None
    except BaseException:
        _undo(placed)
        raise
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)


def _place_new(temp: Path, path: Path, data: bytes) -> bool:
    """Link `temp` at `path` unless something is there; True if this call put it there."""
    try:
        os.link(temp, path)
        return True
    except FileExistsError:
        if _holds(path, data):
            return False
        raise ExamgenError(EXISTS, path) from None
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            if _holds(path, data):
                return False
            raise ExamgenError(EXISTS, path) from None
        os.replace(temp, path)
        return True


def _undo(placed: list[Path]) -> None:
    for path in placed:
        path.unlink(missing_ok=True)


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
