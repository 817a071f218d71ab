"""The pipeline for one or more papers: sample → check fonts → HTML → PDF → files + history."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import atomic, fonts, pdf, workers
from .bank import Bank, Question, Role
from .history import History, PaperRecord
from .paper import Paper, make_paper
from .render import Kind, kind_label, render_html
from .sampling import choose
from .sheets import rating_pages


@dataclass(frozen=True)
class BuiltPaper:
    paper: Paper
    files: dict[str, Path]  # "questions", "answer_key", … (and "*_html" with --html)
    data: dict[Path, bytes] = field(repr=False)
    warnings: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # file key → what it is, in Chinese

    def sha256(self) -> dict[str, str]:
        return {key: hashlib.sha256(self.data[path]).hexdigest()
                for key, path in self.files.items() if path.suffix == ".pdf"}


def new_paper(bank: Bank, role_id: str, count: int | None, seed: int, *, candidate: str = "",
              day: str | None = None, company: str = "", allow_shortfall: bool = False,
              penalty: dict[str, int] | None = None, minutes: int | None = None,
              mode: str = "written", interviewers: tuple[str, ...] = (),
              same_questions: bool = False, choice: int = 0) -> Paper:
    """Sample the questions (by count, or by time with `minutes`; `choice` choice items
    first for a written test) and dress them as a paper (nothing rendered yet)."""
    selection = choose(bank, role_id, seed, count=count, minutes=minutes,
                       allow_shortfall=allow_shortfall, penalty=penalty, choice=choice)
    return make_paper(bank, role_id, selection, seed, candidate=candidate, day=day,
                      company=company, mode=mode, minutes_budget=minutes,
                      interviewers=interviewers, same_questions=same_questions)


@dataclass(frozen=True)
class Document:
    """One PDF of a paper: its key in `files` and the history, its template, what the
    template gets besides the paper, and where it goes."""

    key: str  # "questions", "answer_key", "answer_key_2", …, "consolidation"
    kind: Kind  # the template: sheet, key, booklet, panel
    path: Path
    label: str  # what the output calls it (Chinese)
    context: dict[str, Any] = field(default_factory=dict)
    # A document that is the last `pages` pages of another (a rating sheet, which ends its
    # interviewer's key or booklet) is not laid out again: those pages are written apart.
    tail_of: str = ""
    pages: int = 0
    title: str = ""


# Makers of a paper's documents, in output order: (paper, folder) → documents. Another
# document kind (a rating sheet, …) is one more function appended here.
DocumentMaker = Callable[[Paper, Path], list[Document]]


def _sheet(paper: Paper, out: Path) -> list[Document]:
    return [Document("questions", "sheet", out / f"{paper.id}-sheet.pdf",
                     kind_label(paper, "sheet"))]


def _keys(paper: Paper, out: Path) -> list[Document]:
    """The written key or the oral booklet; one per interviewer when they are named."""
    kind: Kind = "booklet" if paper.oral else "key"
    label = kind_label(paper, kind)
    if not paper.interviewers:
        return [Document("answer_key", kind, out / f"{paper.id}-key.pdf", label,
                         {"interviewer": 1, "interviewer_name": ""})]
    return [Document("answer_key" if n == 1 else f"answer_key_{n}", kind,
                     out / f"{paper.id}-key-{n}-{safe_name(name)}.pdf", f"{label}（{name}）",
                     {"interviewer": n, "interviewer_name": name})
            for n, name in enumerate(paper.interviewers, start=1)]


def _panel(paper: Paper, out: Path) -> list[Document]:
    if not paper.interviewers:
        return []
    return [Document("consolidation", "panel", out / f"{paper.id}-panel.pdf",
                     kind_label(paper, "panel"))]


def _ratings(paper: Paper, out: Path) -> list[Document]:
    """Each interviewer's rating sheets (评分卡) as a file of their own, to print apart from
    the key or booklet they also end: PAPER-ID-rating-N.pdf, one ("1") without a panel."""
    names = paper.interviewers or ("",)
    label = kind_label(paper, "rating")
    return [Document(f"rating_{n}", "rating", out / f"{paper.id}-rating-{n}.pdf",
                     f"{label}（{name}）" if name else label,
                     {"interviewer": n, "interviewer_name": name},
                     tail_of="answer_key" if n == 1 else f"answer_key_{n}",
                     pages=len(rating_pages(paper, n)),
                     title=f"{paper.role.title} 评分卡 {paper.id} 面试官 {n}")
            for n, name in enumerate(names, start=1)]


DOCUMENT_MAKERS: list[DocumentMaker] = [_sheet, _keys, _panel, _ratings]


def safe_name(name: str) -> str:
    """A person's name as part of a file name: letters and digits kept (Chinese too), the
    rest (slashes, spaces, dots) becomes _, so a name can never leave the folder."""
    return "".join(c if c.isalnum() else "_" for c in name)[:40] or "_"


def paper_documents(paper: Paper, out: Path) -> list[Document]:
    """Every document of a paper, in output order."""
    return [doc for make in DOCUMENT_MAKERS for doc in make(paper, out)]


def paper_paths(paper: Paper, out: Path) -> dict[str, Path]:
    """Where a paper's PDFs go, by file key (PAPER-ID-sheet.pdf, PAPER-ID-key.pdf, …)."""
    return {doc.key: doc.path for doc in paper_documents(paper, out)}


def printed_texts(paper: Paper) -> list[tuple[str, str, str]]:
    """(where, field, text) for everything of the paper's data that gets printed."""
    texts = [("应聘者", "candidate", paper.candidate), ("公司", "company", paper.company),
             (f"岗位 {paper.role.id}", "title", paper.role.title)]
    texts += [("面试官", "interviewers", name) for name in paper.interviewers]
    texts += [(f"维度 {d}", "title", t) for d, t in paper.dimensions.items()]
    for q in paper.questions:
        texts += [(q.id, name, text) for name, text in q.texts().items()]
        texts += [(q.id, "tags", tag) for tag in q.tags]
    return texts


def render_papers(papers: list[Paper], out: Path | list[Path], *, force: bool = False,
                  keep_html: bool = False, renderer: workers.Renderer | None = None,
                  on_done: Callable[[], None] | None = None) -> list[BuiltPaper]:
    """Render every document of every paper in memory (nothing is written yet).

    `out` is one folder for all papers or one per paper. Pass a `renderer` started early
    (its workers warm up while the bank loads) or let this call start one. `on_done` is
    called once per document laid out (a tail of another, see `Document`, is not).
    """
    if renderer is None:
        with workers.Renderer() as own:
            return render_papers(papers, out, force=force, keep_html=keep_html, renderer=own,
                                 on_done=on_done)
    outs = [Path(o) for o in out] if isinstance(out, list) else [Path(out)] * len(papers)
    plans = [paper_documents(p, o) for p, o in zip(papers, outs, strict=True)]
    for paper in papers:
        fonts.check_printable(printed_texts(paper))
    urls = pdf.font_urls()
    plan_layouts = layouts(plans, renderer.workers)
    htmls: list[list[str]] = []
    order: list[tuple[int, int]] = []  # (paper, document) in the order they are laid out

    def jobs() -> Iterator[pdf.Job]:
        """Each paper's HTML as the workers take the previous paper's (a round's HTML
        takes the parent a second or more). The long documents go first (a key or booklet
        takes four times a sheet), the short ones last: at the end of a round the workers
        then share out sheets, rather than one idling while the other lays out a key."""
        short: list[tuple[tuple[int, int], pdf.Job]] = []
        for p, (paper, laid_out) in enumerate(zip(papers, plan_layouts, strict=True)):
            htmls.append([render_html(paper, doc.kind, urls, **doc.context)
                          for doc, _ in laid_out])
            for d, (html, (doc, tails)) in enumerate(zip(htmls[-1], laid_out, strict=True)):
                job = pdf.Job(html, tuple((t.pages, t.title) for t in tails))
                if doc.kind in LONG:
                    order.append((p, d))
                    yield job
                else:
                    short.append(((p, d), job))
        for place, job in short:
            order.append(place)
            yield job

    results = dict(zip(order, renderer.render(jobs(), on_done), strict=True))
    built = []
    for p, (paper, docs, laid_out, paper_htmls) in enumerate(
            zip(papers, plans, plan_layouts, htmls, strict=True)):
        files: dict[str, Path] = {doc.key: doc.path for doc in docs}
        labels: dict[str, str] = {doc.key: doc.label for doc in docs}
        data: dict[Path, bytes] = {}
        warnings: list[str] = []
        for d, (doc, tails) in enumerate(laid_out):
            pdfs, logged = results[p, d]
            for part, pdf_bytes in zip([doc, *tails], pdfs, strict=True):
                data[part.path] = pdf_bytes
            warnings += logged
        if keep_html:
            embedded = fonts.embedded_font_urls("".join(paper_htmls),
                                                pdfs=[data[doc.path] for doc in docs])
            for doc in docs:
                path = doc.path.with_suffix(".html")
                files[doc.key + "_html"], labels[doc.key + "_html"] = path, doc.label + " HTML"
                data[path] = render_html(paper, doc.kind, embedded, **doc.context).encode()
        built.append(BuiltPaper(paper, files, data, tuple(warnings), labels))
    return built


LONG = ("key", "booklet")  # the kinds laid out first: see render_papers

Layout = list[tuple[Document, list[Document]]]  # documents to lay out, each with its tails


def layouts(plans: list[list[Document]], workers: int) -> list[Layout]:
    """What to lay out for each paper. A rating sheet is cut from the end of its key or
    booklet when there is enough else to keep every worker busy (a round, a panel); a
    single paper lays it out on its own, beside the key, on the core that would idle."""
    def cut(docs: list[Document]) -> Layout:
        return [(doc, [t for t in docs if t.pages and t.tail_of == doc.key])
                for doc in docs if not doc.pages]

    cuts = [cut(docs) for docs in plans]
    if sum(len(layout) for layout in cuts) > workers:
        return cuts
    return [[(doc, []) for doc in docs] for docs in plans]


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
        email=email, round=round_id, mode=paper.mode, minutes_budget=paper.minutes_budget,
        interviewers=list(paper.interviewers), same_questions=paper.same_questions,
        question_meta={q.id: question_meta(q) for q in paper.questions})


def question_meta(q: Question) -> dict:
    """What scoring needs of a question without the bank; a choice item also keeps its
    type, answer letters, option count and partial rule, so `scan` can grade its grid."""
    meta: dict = {"dimension": q.dimension, "points": q.points, "minutes": q.minutes}
    if q.is_choice:
        meta.update(type="choice", answer="".join(q.correct), options=len(q.options),
                    partial=q.partial)
    return meta


def save_papers(built: list[BuiltPaper], history: History | None,
                records: list[PaperRecord] | None = None,
                extra_files: dict[Path, bytes] | None = None, *, force: bool = False,
                check: Callable[[sqlite3.Connection], None] | None = None
                ) -> list[PaperRecord]:
    """Write every file and record every paper together: all of it, or none of it.

    Inside the history's write transaction: `check` (e.g. what a candidate has seen, or
    that the round is still new) runs first, then a paper id already recorded is refused
    (with `force`: its files are written again and its record stays), then the files are
    moved into place, never over a different file unless `force`. Returns the records
    that were added."""
    files = {path: data for b in built for path, data in b.data.items()}
    files.update(extra_files or {})
    atomic.check_free(files, force)  # early, before waiting for the history
    if history is None:
        atomic.write_atomically(files, replace=force)
        return []
    with history.transaction() as db:
        if check is not None:
            check(db)
        added = history.insert(db, records or [], reprint=force)
        atomic.write_atomically(files, replace=force)
    return added


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
                 bank_fingerprint=bank.fingerprint, mode=record.mode,
                 minutes_budget=record.minutes_budget,
                 interviewers=tuple(record.interviewers),
                 same_questions=record.same_questions)
