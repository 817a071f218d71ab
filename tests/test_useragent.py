"""How examgen runs WeasyPrint lighter (its default stylesheet without the rules no template
can use, our stylesheets parsed once per process) changes no byte of any paper."""

from __future__ import annotations

import re

import pytest

from examgen import pdf, useragent
from examgen.bank import load_bank
from examgen.build import new_paper, paper_documents
from examgen.resources import default_bank_dir, templates_dir
from examgen.render import render_html

from .pdftext import as_weasyprint_comes


@pytest.fixture(scope="module")
def every_kind() -> list[tuple[str, str]]:
    """(what, HTML) of every kind of document a paper has: a written test with choice items
    (sheet with answer grid, key, rating sheet) and an oral panel (booklet, 合议表)."""
    bank = load_bank(default_bank_dir())
    papers = [new_paper(bank, "director", 6, 7, candidate="王喆堃", day="2026-12-01",
                        choice=4),
              new_paper(bank, "director", 6, 7, candidate="王喆堃", day="2026-12-01",
                        mode="oral", interviewers=("王敏", "李强"))]
    urls = pdf.font_urls()
    return [(f"{paper.mode} {doc.kind} {doc.key}",
             render_html(paper, doc.kind, urls, **doc.context))
            for paper in papers for doc in paper_documents(paper, templates_dir())]


def weasyprints_html() -> type:
    pdf.import_weasyprint()  # quietly, on a machine without fonts
    from weasyprint import HTML

    return HTML


def test_every_kind_of_document_is_the_same_to_the_byte_as_weasyprint_makes_it(every_kind):
    """The lighter default stylesheet and the stylesheets parsed once per process."""
    for what, html in every_kind:
        assert pdf.html_to_pdf(html)[0] == as_weasyprint_comes(html), what
    assert pdf.html_to_pdf(every_kind[0][1])[0] == as_weasyprint_comes(every_kind[0][1])


def test_it_is_lighter_than_weasyprints_own():
    lighter, html = useragent.html_class(), weasyprints_html()
    assert lighter is not html and issubclass(lighter, html)
    text = useragent.trimmed(
        "input, td { padding: 1px } [dir=rtl i] dd { margin: 0 } ::footnote-call { x: y }\n"
        "::marker { white-space: pre } :is(dir, ul) ul { list-style-type: circle }\n"
        "@counter-style disc { system: cyclic; symbols: •; }\n@page { margin: 75px }")
    assert text.splitlines() == ["td { padding: 1px }", "li::marker { white-space: pre }",
                                 ":is(dir, ul) ul { list-style-type: circle }",
                                 "@page { margin: 75px }"]


def test_no_template_writes_what_the_lighter_stylesheet_leaves_out():
    """A form field, a dir attribute, a footnote or a list marker outside a list item in a
    template would need the rules left out: this keeps the two in step."""
    for path in sorted(templates_dir().iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not re.search(rf"<(?:{'|'.join(useragent.FORM_ELEMENTS)})\b", text), path.name
        assert not re.search(r"\bdir\s*=", text), path.name
        assert not re.search(r"footnote|::marker|list-item", text), path.name


def test_a_weasyprint_without_the_hook_is_used_as_it_comes(monkeypatch):
    html = weasyprints_html()
    monkeypatch.delattr(html, "_ua_stylesheets")
    useragent.html_class.cache_clear()
    try:
        assert useragent.html_class() is html
    finally:
        monkeypatch.undo()
        useragent.html_class.cache_clear()
    assert useragent.html_class() is not html
