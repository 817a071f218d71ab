"""WeasyPrint gets only our own files; output is written whole or not at all."""

from __future__ import annotations

import faulthandler
import gc
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

import examgen.pdf
import examgen.workers
from examgen.atomic import check_free, write_atomically
from examgen.cli import main
from examgen.errors import ExamgenError
from examgen.pdf import Job, _fetcher_class, html_to_pdf, job_to_pdfs
from examgen.resources import default_bank_dir, fonts_dir, templates_dir
from examgen.workers import Renderer

from .pdftext import bundled_html, embedded_fonts, page_texts


@pytest.fixture
def fetcher():
    return _fetcher_class()([templates_dir(), fonts_dir()])


def test_fetcher_serves_the_bundled_fonts_and_data_urls(fetcher):
    font = fonts_dir() / "ExamgenSansSC-Regular.otf"
    assert fetcher.fetch(font.as_uri()).read(4) == b"OTTO"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (templates_dir() / ".." / ".." / "pyproject.toml").as_uri(),
    "http://127.0.0.1:9/evil.css",
    "https://example.org/logo.png",
    "ftp://example.org/x",
])
def test_fetcher_refuses_everything_else(fetcher, url):
    with pytest.raises(ValueError, match="refuses|disallowed"):
        fetcher.fetch(url)


def test_a_template_cannot_pull_a_local_file_into_the_pdf(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    html = bundled_html(f'<link rel="stylesheet" href="{secret.as_uri()}">'
                        f'<iframe src="{secret.as_uri()}"></iframe><p>hello</p>')
    data, warnings = html_to_pdf(html)
    out = tmp_path / "x.pdf"
    out.write_bytes(data)
    assert "TOPSECRET" not in "".join(page_texts(out))
    assert any("refuses" in w for w in warnings)


def test_write_atomically_writes_all_or_nothing(tmp_path):
    good = tmp_path / "out" / "a.pdf"
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExamgenError, match="无法写入"):
        write_atomically({good: b"%PDF-a", blocker / "b.pdf": b"%PDF-b"})
    assert not good.exists()
    assert not [p for p in (tmp_path / "out").iterdir()]  # no temporary files left


def test_check_free_refuses_existing_files_unless_forced(tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(b"x")
    with pytest.raises(ExamgenError, match="已存在"):
        check_free([path], force=False)
    check_free([path], force=True)


def _crash_on_key(job: Job) -> tuple[list[bytes], list[str]]:
    """Lays out like job_to_pdfs, but a worker given the answer key dies of a segfault, as
    Pango does on a machine without fonts."""
    if 'class="key"' in job.html or job.html == "crash":
        faulthandler.disable()  # pytest's dump of the worker's stack would only be noise
        os.kill(os.getpid(), signal.SIGSEGV)
    return job_to_pdfs(job)


def test_a_crashed_render_worker_becomes_one_error_and_the_renderer_still_closes(monkeypatch):
    monkeypatch.setattr(examgen.pdf, "job_to_pdfs", _crash_on_key)
    renderer = Renderer(workers=2)
    tmpdir = Path(renderer._tmpdir)
    with pytest.raises(ExamgenError, match="生成 PDF 的进程意外退出"):
        renderer.render([bundled_html("<p>好</p>"), "crash"])
    with pytest.raises(ExamgenError, match="生成 PDF 的进程意外退出"):
        renderer.render([bundled_html("<p>再来</p>")])  # a broken pool stays an error
    renderer.close()
    renderer.close()
    assert not tmpdir.exists()


def test_a_build_whose_worker_crashes_says_so_in_one_line_and_writes_nothing(
        runner, tmp_path, monkeypatch):
    monkeypatch.setattr(examgen.pdf, "job_to_pdfs", _crash_on_key)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # workers, even on a one-core machine
    out = tmp_path / "papers"
    result = runner.invoke(main, ["build", "--role", "director", "--count", "5", "--seed", "1",
                                  "--out", str(out), "--bank", str(default_bank_dir())])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "错误：生成 PDF 的进程意外退出（内存不足或被终止），未写入任何文件"]
    assert not out.exists() or not list(out.iterdir())


def test_the_cycle_collector_rests_while_a_document_is_laid_out_and_catches_up_after(
        monkeypatch):
    """Layout makes some hundred thousand objects: the collector must not go through them
    again and again, and what one document leaves behind goes as the next one starts."""
    full_collections: list[int] = []
    seen: list[tuple[bool, int]] = []  # (collector on?, full collections since the call)

    def watch(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections.append(1)

    real = examgen.pdf._job_to_pdfs
    monkeypatch.setattr(examgen.pdf, "_job_to_pdfs",
                        lambda job: (seen.append((gc.isenabled(), len(full_collections))),
                                     real(job))[1])
    monkeypatch.setattr(examgen.pdf, "_garbage", False)  # as in a fresh worker
    texts = []
    gc.callbacks.append(watch)
    try:
        for text in ("第一份", "第二份"):
            full_collections.clear()
            data = html_to_pdf(bundled_html(f"<p>{text}</p>"))[0]
            texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    finally:
        gc.callbacks.remove(watch)
    assert seen == [(False, 0), (False, 1)]
    assert gc.isenabled()
    assert "第一份" in texts[0] and "第二份" in texts[1]


def test_workers_forked_after_this_process_laid_out_a_document_still_find_the_fonts():
    """This process's stylesheets were parsed with its own font configuration; a forked
    worker starts one of its own and must parse them again (a font Pango cannot find
    crashes it on a machine without system fonts)."""
    here = html_to_pdf(bundled_html("<p>本进程</p>"))[0]
    with Renderer(workers=2) as renderer:
        there = [pdfs for pdfs, _ in renderer.render([bundled_html("<p>本进程</p>")] * 2)]
    assert there == [here, here]


@pytest.mark.skipif(not Path(f"/proc/self/task/{os.getpid()}/children").exists(),
                    reason="reads the process table")
def test_a_renderer_stopped_at_once_takes_its_workers_along_without_the_kernels_help(
        monkeypatch):
    """Outside Linux nothing kills a worker whose parent dies: stopping the renderer must
    end its workers itself."""
    monkeypatch.setattr(examgen.workers, "_die_with_parent", lambda: None)
    renderer = Renderer(workers=2)
    renderer.render([bundled_html("<p>一</p>")])
    first = renderer._zygote.pid
    workers = [int(pid) for pid in
               Path(f"/proc/{first}/task/{first}/children").read_text().split()]
    assert len(workers) == 2
    renderer.close(stop=True)

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # never leave one behind holding this run's pipes, even on failure
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_a_machine_without_any_fonts_prints_the_same_paper_and_says_nothing(tmp_path):
    """A slim container has no fonts at all: the bundled ones must carry every page, with
    neither a Pango complaint nor WeasyPrint's warning about missing system fonts."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    out = tmp_path / "papers"
    done = subprocess.run(
        [sys.executable, "-m", "examgen", "build", "--role", "director", "--count", "4",
         "--seed", "3", "--out", str(out), "--history", str(tmp_path / "h.sqlite3"),
         "--bank", str(default_bank_dir())],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for pdf in sorted(out.glob("*.pdf")):
        fonts = embedded_fonts(pdf)
        assert fonts
        assert all(name.partition("+")[2].startswith("Examgen-Sans-SC") for name in fonts)
        assert "面试" in "".join(page_texts(pdf))


LOADED_LIBRARIES = """
import json, subprocess, sys
started = []
popen = subprocess.Popen.__init__
def spy(self, args, *rest, **kwargs):
    started.append(str(args))
    popen(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = spy
{importer}
import weasyprint.text.ffi as ffi
libraries = sorted({{line.split()[-1] for line in open("/proc/self/maps")
                    if "/lib" in line and any(name in line for name in (
                        "gobject", "pango", "harfbuzz", "fontconfig"))}})
print(json.dumps({{"started": started, "libraries": libraries,
                   "subset": ffi.harfbuzz_subset is not None}}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux library names")
def test_weasyprint_opens_its_libraries_by_their_linux_names_without_a_search():
    """cffi searched for each name WeasyPrint tries before the Linux one with ldconfig, gcc
    and ld: 0.3 s of every build's start. The libraries loaded are the same ones."""
    import json

    def run(importer: str) -> dict:
        code = LOADED_LIBRARIES.format(importer=importer)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, timeout=120)
        return json.loads(out.stdout)

    ours = run("from examgen.pdf import import_weasyprint; import_weasyprint()")
    plain = run("import weasyprint")
    assert ours["started"] == []
    assert plain["started"]  # WeasyPrint as it comes: ldconfig and the rest
    assert ours["libraries"] == plain["libraries"]
    assert len(ours["libraries"]) >= 5
    assert ours["subset"] and plain["subset"]
