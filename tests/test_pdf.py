"""WeasyPrint gets only our own files; output is written whole or not at all."""

from __future__ import annotations

import pytest

from examgen.errors import ExamgenError
from examgen.pdf import _fetcher_class, check_free, html_to_pdf, write_atomically
from examgen.resources import fonts_dir, templates_dir

from .pdftext import page_texts


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
    html = (f'<link rel="stylesheet" href="{secret.as_uri()}">'
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
