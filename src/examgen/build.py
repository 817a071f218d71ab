"""The pipeline for one or more papers: sample → check fonts → HTML → PDF → files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import fonts, pdf
from .bank import Bank
from .paper import Paper, make_paper
from .render import Kind, render_html
from .sampling import sample

FILE_KEYS: dict[Kind, str] = {"sheet": "questions", "key": "answer_key"}


@dataclass(frozen=True)
class BuiltPaper:
    paper: Paper
    files: dict[str, Path]  # "questions", "answer_key" (and "*_html" with --html)
    warnings: tuple[str, ...] = field(default=())


def new_paper(bank: Bank, role_id: str, count: int, seed: int, *, candidate: str = "",
              day: str | None = None, company: str = "", allow_shortfall: bool = False,
              penalty: dict[str, int] | None = None) -> Paper:
    """Sample the questions and dress them as a paper (nothing rendered yet)."""
    selection = sample(bank, role_id, count, seed, allow_shortfall=allow_shortfall,
                       penalty=penalty)
    return make_paper(bank, role_id, selection, seed, candidate=candidate, day=day,
                      company=company)


def paper_paths(paper: Paper, out: Path) -> dict[Kind, Path]:
    """Where a paper's PDFs go: PAPER-ID-sheet.pdf and PAPER-ID-key.pdf."""
    return {kind: out / f"{paper.id}-{kind}.pdf" for kind in FILE_KEYS}


def printed_texts(paper: Paper) -> list[tuple[str, str, str]]:
    """(where, field, text) for everything of the paper's data that gets printed."""
    texts = [("应聘者", "candidate", paper.candidate), ("公司", "company", paper.company),
             (f"岗位 {paper.role.id}", "title", paper.role.title)]
    texts += [(f"维度 {d}", "title", t) for d, t in paper.dimensions.items()]
    for q in paper.questions:
        texts += [(q.id, name, text) for name, text in q.texts().items()]
        texts += [(q.id, "tags", tag) for tag in q.tags]
    return texts


def render_papers(papers: list[Paper], out: Path, *, force: bool = False,
                  keep_html: bool = False,
                  renderer: pdf.Renderer | None = None) -> list[BuiltPaper]:
    """Render every paper's sheet and key; all files are written, or none.

    Pass a `renderer` started early (its workers warm up while the bank loads) or let
    this call start one.
    """
    if renderer is None:
        with pdf.Renderer() as own:
            return render_papers(papers, out, force=force, keep_html=keep_html, renderer=own)
    out = Path(out)
    targets = [paper_paths(p, out) for p in papers]
    html_targets = [{k: v.with_suffix(".html") for k, v in t.items()} for t in targets]
    every = [path for t in targets for path in t.values()]
    if keep_html:
        every += [path for t in html_targets for path in t.values()]
    pdf.check_free(every, force)
    for paper in papers:
        fonts.check_printable(printed_texts(paper))
    urls = pdf.font_urls()
    documents = [render_html(p, kind, urls) for p in papers for kind in FILE_KEYS]
    results = renderer.render(documents)
    warnings = [w for _, logged in results for w in logged]
    files: dict[Path, bytes] = {}
    for i, target in enumerate(targets):
        for j, kind in enumerate(FILE_KEYS):
            files[target[kind]] = results[2 * i + j][0]
    if keep_html:
        for i, (paper, html_target) in enumerate(zip(papers, html_targets, strict=True)):
            embedded = fonts.embedded_font_urls(documents[2 * i] + documents[2 * i + 1])
            for kind in FILE_KEYS:
                files[html_target[kind]] = render_html(paper, kind, embedded).encode()
    pdf.write_atomically(files)
    built = []
    for paper, target, html_target in zip(papers, targets, html_targets, strict=True):
        paths = {FILE_KEYS[k]: v for k, v in target.items()}
        if keep_html:
            paths.update({FILE_KEYS[k] + "_html": v for k, v in html_target.items()})
        built.append(BuiltPaper(paper, paths, tuple(warnings)))
    return built

