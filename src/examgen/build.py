"""The pipeline for one or more papers: sample → check fonts → HTML → PDF → files + history."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fonts, pdf
from .bank import Bank, Role
from .history import History, PaperRecord
from .paper import Paper, make_paper
from .render import Kind, render_html
from .sampling import sample

FILE_KEYS: dict[Kind, str] = {"sheet": "questions", "key": "answer_key"}


@dataclass(frozen=True)
class BuiltPaper:
    paper: Paper
    files: dict[str, Path]  # "questions", "answer_key" (and "*_html" with --html)
    data: dict[Path, bytes] = field(repr=False)
    warnings: tuple[str, ...] = ()

    def sha256(self) -> dict[str, str]:
        return {key: hashlib.sha256(self.data[path]).hexdigest()
                for key, path in self.files.items() if path.suffix == ".pdf"}


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


def render_papers(papers: list[Paper], out: Path | list[Path], *, force: bool = False,
                  keep_html: bool = False, renderer: pdf.Renderer | None = None,
                  on_done: Callable[[], None] | None = None) -> list[BuiltPaper]:
    """Render every paper's sheet and key in memory (nothing is written yet).

    `out` is one folder for all papers or one per paper. Pass a `renderer` started early
    (its workers warm up while the bank loads) or let this call start one.
    """
    if renderer is None:
        with pdf.Renderer() as own:
            return render_papers(papers, out, force=force, keep_html=keep_html, renderer=own,
                                 on_done=on_done)
    outs = [Path(o) for o in out] if isinstance(out, list) else [Path(out)] * len(papers)
    targets = [paper_paths(p, o) for p, o in zip(papers, outs, strict=True)]
    html_targets = [{k: v.with_suffix(".html") for k, v in t.items()} for t in targets]
    every = [path for t in targets for path in t.values()]
    if keep_html:
        every += [path for t in html_targets for path in t.values()]
    pdf.check_free(every, force)
    for paper in papers:
        fonts.check_printable(printed_texts(paper))
    urls = pdf.font_urls()
    documents = [render_html(p, kind, urls) for p in papers for kind in FILE_KEYS]
    results = renderer.render(documents, on_done)
    built = []
    for i, (paper, target, html_target) in enumerate(
            zip(papers, targets, html_targets, strict=True)):
        files = {FILE_KEYS[k]: path for k, path in target.items()}
        data = {path: results[2 * i + j][0] for j, path in enumerate(target.values())}
        if keep_html:
            embedded = fonts.embedded_font_urls(
                documents[2 * i] + documents[2 * i + 1],
                pdfs=[results[2 * i][0], results[2 * i + 1][0]])
            for kind, path in html_target.items():
                files[FILE_KEYS[kind] + "_html"] = path
                data[path] = render_html(paper, kind, embedded).encode()
        warnings = tuple(w for j in (0, 1) for w in results[2 * i + j][1])
        built.append(BuiltPaper(paper, files, data, warnings))
    return built


def paper_record(built: BuiltPaper, bank: Bank, *, allow_shortfall: bool = False,
                 email: str = "", candidate_id: str = "", round_id: str = "") -> PaperRecord:
    paper = built.paper
    return PaperRecord(
        id=paper.id, role=paper.role.id, role_title=paper.role.title, seed=paper.seed,
        count=len(paper.questions), candidate=paper.candidate, date=paper.date,
        company=paper.company, questions=[q.id for q in paper.questions],
        question_digests={q.id: q.digest() for q in paper.questions},
        dimensions=dict(paper.dimensions), bank_fingerprint=bank.fingerprint,
        bank_dir=str(Path(bank.root).resolve()),
        files={k: str(p.resolve()) for k, p in built.files.items()},
        sha256=built.sha256(), allow_shortfall=allow_shortfall, candidate_id=candidate_id,
        email=email, round=round_id)


def save_papers(built: list[BuiltPaper], history: History | None,
                records: list[PaperRecord] | None = None,
                extra_files: dict[Path, bytes] | None = None) -> None:
    """Write every file and record every paper together: all of it, or none of it."""
    files = {path: data for b in built for path, data in b.data.items()}
    files.update(extra_files or {})
    if history is None:
        pdf.write_atomically(files)
        return
    with history.transaction() as db:
        history.insert(db, records or [])
        pdf.write_atomically(files)


def changed_questions(record: PaperRecord, bank: Bank) -> list[str]:
    """Questions of a recorded paper that are gone from the bank or print differently now."""
    by_id = bank.by_id()
    return [qid for qid in record.questions
            if qid not in by_id or by_id[qid].digest() != record.question_digests.get(qid)]


def recorded_paper(record: PaperRecord, bank: Bank) -> Paper:
    """The paper of a history record, with today's text of its questions."""
    by_id = bank.by_id()
    role = Role(id=record.role, title=record.role_title, mix={}, difficulty={})
    return Paper(id=record.id, role=role, seed=record.seed,
                 questions=tuple(by_id[qid] for qid in record.questions if qid in by_id),
                 dimensions=dict(record.dimensions), candidate=record.candidate,
                 date=record.date, company=record.company,
                 bank_fingerprint=bank.fingerprint)
