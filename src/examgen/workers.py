"""The processes that lay documents out on every core: one forked at once, which imports
WeasyPrint while the parent loads the bank, then forks one warm worker per core and hands
them the documents as they come (`Renderer`)."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from . import pdf, useragent
from .errors import ExamgenError
from .pdf import Job


def _run(job: str | Job) -> tuple[bytes | list[bytes], list[str]]:
    """A worker's task: a bare HTML string gives one PDF, a Job a list of them."""
    return pdf.html_to_pdf(job) if isinstance(job, str) else pdf.job_to_pdfs(job)


_CHILD_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                  if hasattr(signal, name)}


def _as_child(tmpdir: str, parent: int) -> None:
    """What every process examgen forks does first. It lives only as long as its parent:
    Ctrl-C is the parent's to handle (no traceback from here), SIGTERM and SIGHUP simply
    end it, and on Linux the kernel kills it when the parent dies, however it dies (so no
    orphan keeps a pipe open). WeasyPrint's temporary font folders go to our own folder,
    removed when the renderer closes, even after a killed worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _CHILD_SIGNALS)  # held back by the Renderer
    _die_with_parent()
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
    tempfile.tempdir = tmpdir


def _warm_worker(tmpdir: str, parent: int) -> None:
    """Runs once in each worker, forked from the renderer's first process (which has
    WeasyPrint imported already)."""
    _as_child(tmpdir, parent)
    pdf.forget_parent_fonts()
    _import_for_good()


def _import_for_good() -> None:
    """WeasyPrint and its default stylesheet (no fonts in it: safe to fork with)."""
    gc.disable()
    pdf.import_weasyprint()
    useragent.html_class()
    gc.enable()
    gc.freeze()  # modules live as long as the process: no collection need look at them


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


BROKEN = "生成 PDF 的进程意外退出（内存不足或被终止），未写入任何文件"


def _zygote(conn: Any, workers: int, tmpdir: str, parent: int) -> None:
    """The renderer's first process: imports WeasyPrint once, while the parent loads the
    bank and writes the HTML, then forks the workers, which start warm.
    It hands them the jobs that come down `conn`, (index, job), and sends back each
    (index, result, error) as soon as it is done; None ends it."""
    _as_child(tmpdir, parent)
    _import_for_good()
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                               initializer=_warm_worker, initargs=(tmpdir, os.getpid()))
    pool.submit(_ready)  # fork every worker now, while this process has a single thread

    def stop(_signum: int, _frame: object) -> None:
        """SIGTERM (the renderer stopping at once): the workers first, where the kernel
        would not take them along (no PR_SET_PDEATHSIG outside Linux)."""
        for worker in list(getattr(pool, "_processes", {}).values()):
            worker.kill()
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    replies: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_replies, args=(conn, replies), daemon=True)
    sender.start()

    def reply(index: int, future: Any) -> None:
        error = future.exception()
        replies.put((index, None if error else future.result(), error))

    try:
        while (message := _receive(conn)) is not None:
            index, job = message
            try:
                pool.submit(_run, job).add_done_callback(functools.partial(reply, index))
            except BrokenProcessPool as exc:
                replies.put((index, None, exc))
    finally:
        _shut_down(pool, stop=False)
        replies.put(None)
        sender.join()


def _receive(conn: Any) -> Any:
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None


def _send_replies(conn: Any, replies: queue.SimpleQueue) -> None:
    """Sends the results from a thread of its own, so that a parent still busy sending
    jobs never holds up the pool that is handing out the next ones."""
    while (item := replies.get()) is not None:
        try:
            conn.send(item)
        except (OSError, ValueError):
            return
        except Exception:  # an error that does not pickle: its text, then
            conn.send((item[0], None, RuntimeError(f"{type(item[2]).__name__}: {item[2]}")))


def _shut_down(pool: ProcessPoolExecutor, *, stop: bool) -> None:
    workers = list(getattr(pool, "_processes", {}).values())
    if stop or any(w.exitcode is not None for w in workers):
        # A killed worker may have died holding the task queue's lock: stop the others
        # too rather than wait for them forever.
        for worker in workers:
            worker.kill()
    pool.shutdown(wait=True, cancel_futures=True)


class Renderer:
    """Lays out documents on one warm worker per core, or in this process.

    The workers are forked from one process of the renderer's own, which imports
    WeasyPrint first: the import is paid once, not once per worker, and while this process
    is still loading the bank."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._zygote: Any = None
        self._conn: Any = None
        self._tmpdir: str | None = None
        if self.workers > 1 and "fork" in get_all_start_methods():
            self._tmpdir = tempfile.mkdtemp(prefix="examgen-")
            context = get_context("fork")
            self._conn, theirs = context.Pipe()
            self._zygote = context.Process(target=_zygote, name="examgen-renderer",
                                           args=(theirs, self.workers, self._tmpdir,
                                                 os.getpid()))
            # Until it has signal handlers of its own, the child has this process's: a signal
            # in between (a build stopped at once) would raise Stopped in it, with a traceback.
            # It is held back until _as_child has set them.
            held = signal.pthread_sigmask(signal.SIG_BLOCK, _CHILD_SIGNALS)
            try:
                self._zygote.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            theirs.close()

    def render(self, htmls: Iterable[str | Job],
               on_done: Callable[[], None] | None = None) -> list[tuple[Any, list[str]]]:
        """(PDF bytes, WeasyPrint warnings) for each HTML string, (list of PDF bytes,
        warnings) for each Job, in order; `on_done` is called as each one finishes (for a
        progress bar). The workers start on the first while later ones are still coming."""
        if self._zygote is None:
            results = []
            for job in htmls:
                results.append(_run(job))
                if on_done:
                    on_done()
            return results
        try:
            sent = 0
            for job in htmls:
                self._conn.send((sent, job))
                sent += 1
            return self._collect(sent, on_done)
        except (EOFError, OSError):
            self.close(stop=True)
            raise ExamgenError(BROKEN) from None

    def _collect(self, count: int, on_done: Callable[[], None] | None) -> list[Any]:
        """The `count` results, in order; every one is received (so that the next render
        starts clean) before the first error, if any, is raised."""
        done: dict[int, Any] = {}
        results: list[Any] = []
        error: BaseException | None = None
        while len(results) < count:
            while len(results) not in done:
                index, result, failed = self._conn.recv()
                error = error or failed
                done[index] = result
            results.append(done.pop(len(results)))
            if on_done and error is None:
                on_done()
        if isinstance(error, BrokenProcessPool):
            raise ExamgenError(BROKEN)
        if error is not None:
            raise error
        return results

    def close(self, *, stop: bool = False) -> None:
        """Shut the workers down; `stop` (an error or a signal is on its way out) kills
        them at once instead of letting a document in progress finish."""
        if self._zygote is not None:
            if not stop:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
                self._zygote.join(timeout=30)
            if self._zygote.is_alive():
                self._zygote.terminate()  # it kills its workers, then itself
                self._zygote.join(timeout=5)
            if self._zygote.is_alive():
                self._zygote.kill()  # its workers die with it on Linux (PR_SET_PDEATHSIG)
                self._zygote.join()
            self._conn.close()
            self._zygote = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(stop=exc_type is not None)
