"""How the printed pages look: ink inside the margins, and a key that keeps each question's
number, anchors and score box together (a page that continues a question says which)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from examgen.bank import Bank, load_bank
from examgen.build import new_paper, render_papers, save_papers
from examgen.paper import Paper
from examgen.workers import Renderer

from .conftest import balanced_questions, write_bank
from .pdftext import bundled_html, ink_margins, page_fragments, page_texts, squash

COMPANY = "示例科技（华东）信息服务有限公司"
SIDE_MM = 15.5  # the text column starts 16 mm from either side
EDGE_MM = 8.0 - 0.26  # printers lose the outer 8 mm or so (less one pixel at 100 dpi)


@dataclass(frozen=True)
class Printed:
    paper: Paper
    sheet: Path
    key: Path


def print_papers(bank: Bank, specs: list[tuple[str, int, int]], out: Path) -> list[Printed]:
    papers = [new_paper(bank, role, count, seed, candidate="欧阳喆堃", day="2026-12-01",
                        company=COMPANY) for role, count, seed in specs]
    with Renderer() as renderer:
        built = render_papers(papers, out, renderer=renderer)
    save_papers(built, None)
    return [Printed(b.paper, b.files["questions"], b.files["answer_key"]) for b in built]


@pytest.fixture(scope="module")
def shipped_papers(shipped_bank, tmp_path_factory) -> list[Printed]:
    """A 20-question paper for every shipped role (seed 7), and the director's seed 11."""
    specs = [(role, 20, 7) for role in shipped_bank.roles] + [("director", 20, 11)]
    return print_papers(shipped_bank, specs, tmp_path_factory.mktemp("layout"))


@pytest.fixture(scope="module")
def long_question_paper(tmp_path_factory) -> Printed:
    """A bank whose one question has an answer longer than a page."""
    root = tmp_path_factory.mktemp("long")
    questions = balanced_questions(1)
    for q in questions:
        if q["id"] == "knowledge-medium-0":
            q["answer"] = "\n".join(f"{i}. 第{i}条要点：结合具体案例说明做法、依据和结果，"
                                    "并说明如何复盘改进。" for i in range(1, 70))
    bank = load_bank(write_bank(root / "bank", questions))
    [printed] = print_papers(bank, [("tester", 5, 1)], root / "papers")
    return printed


def test_every_page_of_every_paper_keeps_its_ink_inside_the_margins(shipped_papers):
    """No ink in the outer 8 mm of any page; beside the text column none either, except on
    the rating sheets the key ends with, whose corner markers sit 8 mm from the edges."""
    for printed in shipped_papers:
        for path in (printed.sheet, printed.key):
            texts = page_texts(path)
            for number, (left, top, right, bottom) in enumerate(ink_margins(path), start=1):
                where = f"{path.name} 第 {number} 页"
                assert min(left, right, top, bottom) >= EDGE_MM, (where, left, top, right,
                                                                  bottom)
                if not texts[number - 1].startswith("评分卡"):
                    assert min(left, right) >= SIDE_MM, (where, left, right)


def question_pages(printed: Printed) -> list[dict[str, int]]:
    """Per question: the page (0-based) of its number heading, anchors and score box."""
    pages = [squash(text) for text in page_texts(printed.key)]

    def page_of(needle: str, start: int = 0) -> int:
        """The first page from `start` on that holds `needle`."""
        found = [i for i, text in enumerate(pages) if i >= start and needle in text]
        assert found, (printed.key.name, needle)
        return found[0]

    out = []
    for number, q in enumerate(printed.paper.questions, start=1):
        levels = dict(q.levels)
        closing = q.analysis.purpose or q.analysis.expectations or ""
        heading = page_of(f"{number}.{squash(q.question)[:15]}")
        out.append({
            "heading": heading,
            "end": page_of(squash(closing)[-15:], heading) if closing else -1,
            "anchors": page_of(squash(levels[max(levels)])[:15], heading),
            "score": page_of(f"第{number}题评级"),
        })
    return out


def continued_question(printed: Printed) -> list[int | None]:
    """Per page of the key: N when its first line (under the running header) is N（续）."""
    out: list[int | None] = []
    running = {f"试卷编号 {printed.paper.id}"}
    for fragments in page_fragments(printed.key):
        body = [f for f in fragments if f not in running and "面试官用卷" not in f]
        first = body[0] if body else ""
        out.append(int(first.removesuffix("（续）")) if first.endswith("（续）") else None)
    return out


@pytest.fixture(scope="module")
def keys(shipped_papers) -> list[tuple[Printed, list[dict[str, int]], list[int | None]]]:
    """Each shipped key read once: where its questions are, which pages continue which."""
    return [(p, question_pages(p), continued_question(p)) for p in shipped_papers]


def test_the_key_keeps_number_anchors_score_box_and_end_of_a_question_on_one_page(keys):
    for printed, questions, _ in keys:
        for where in questions:
            assert where["anchors"] == where["score"], (printed.key.name, where)
            if where["end"] >= 0:
                assert where["end"] == where["score"], (printed.key.name, where)


def test_a_page_that_continues_a_question_starts_with_its_number(keys):
    for printed, questions, continued in keys:
        expected: list[int | None] = [None] * len(continued)
        for number, where in enumerate(questions, start=1):
            for page in range(where["heading"] + 1, where["score"] + 1):
                expected[page] = number
        assert continued == expected, printed.key.name


def test_only_question_one_or_a_question_longer_than_a_page_breaks(keys):
    """Director seed 7 and 11 broke 10 of 20 questions before. Now a question goes on to the
    next page only when it is the first (under page 1's header) or it is longer than a page:
    then it begins at the top of its page."""
    for printed, questions, _ in keys:
        fragments = page_fragments(printed.key)
        for number, where in enumerate(questions, start=1):
            if number == 1 or where["heading"] == where["score"]:
                continue
            page = [f for f in fragments[where["heading"]] if "面试官用卷" not in f
                    and not f.startswith("试卷编号")]
            # first the question's number, or its section's heading and then the number
            assert any(squash(f).startswith(f"{number}.") for f in page[:2]), (
                printed.key.name, number, page[:2])


def test_a_question_longer_than_a_page_goes_on_under_its_number(long_question_paper):
    printed = long_question_paper
    [where] = [w for w, q in zip(question_pages(printed), printed.paper.questions, strict=True)
               if q.id == "knowledge-medium-0"]
    number = printed.paper.questions.index(
        next(q for q in printed.paper.questions if q.id == "knowledge-medium-0")) + 1
    assert where["score"] > where["heading"]
    assert where["anchors"] == where["score"]
    continued = continued_question(printed)
    assert [p for p, n in enumerate(continued) if n is not None] == list(
        range(where["heading"] + 1, where["score"] + 1))
    assert {continued[p] for p in range(where["heading"] + 1, where["score"] + 1)} == {number}


def with_paper_css(body: str, css: str = "") -> bytes:
    """The PDF of `body` styled as a paper is (paper.css), plus `css`."""
    from examgen.pdf import html_to_pdf
    from examgen.resources import templates_dir

    paper_css = (templates_dir() / "paper.css").read_text(encoding="utf-8")
    return html_to_pdf(bundled_html(body, paper_css + css))[0]


def test_a_points_bullet_prints_where_a_list_marker_would(tmp_path):
    """The key draws each scoring point's bullet as text hung into the indent (cheaper to lay
    out than a list marker): it must land exactly where the marker did, on short points and
    on points that wrap, in the key's sizes."""
    from .pdftext import largest_difference

    points = "".join(f"<li>{text}</li>" for text in (
        "能说明背景。", "能给出具体数据，并说明口径与来源；" * 6, "Office 与 CRM 工具的使用经验"))
    body = (f'<div class="block"><ul class="points">{points}</ul></div>'
            f'<div class="part" style="font-size: 9pt"><ul class="points">{points}</ul></div>')
    as_text = with_paper_css(body)
    as_markers = with_paper_css(body, (
        "ul.points { list-style: disc } ul.points li { text-indent: 0 }"
        " ul.points li::before { content: none }"))
    assert as_text != as_markers
    assert largest_difference(as_text, as_markers) <= 16


def test_the_margin_boxes_widths_change_nothing_a_page_shows(tmp_path):
    """The header and footer boxes have fixed widths (WeasyPrint otherwise measures their
    text twice on every page: 6% of a key). With a 50-character running header, pages that
    continue a question, an interviewer's mark and the page count, every kind of document
    prints to the same bytes as with the widths left to WeasyPrint."""
    from examgen.build import paper_documents
    from examgen.pdf import font_urls, html_to_pdf
    from examgen.render import render_html
    from examgen.resources import default_bank_dir

    bank = load_bank(default_bank_dir())
    company = "示例科技（华东）信息服务有限公司" * 2 + "客户体验中心"
    papers = [new_paper(bank, "director", 12, 3, candidate="欧阳喆堃", day="2026-12-01",
                        company=company, mode=mode, interviewers=names)
              for mode, names in (("written", ()), ("oral", ("王敏", "欧阳修远")))]
    auto = ("<style>@page { @top-left { width: auto } @top-right { width: auto }"
            " @bottom-left { width: auto } @bottom-center { width: auto }"
            " @bottom-right { width: auto } }</style></head>")
    kinds, continued = set(), 0
    for paper in papers:
        for doc in paper_documents(paper, tmp_path):
            if doc.kind in kinds or doc.pages:  # a tail: the key's own last pages
                continue
            kinds.add(doc.kind)
            html = render_html(paper, doc.kind, font_urls(), **doc.context)
            fixed = html_to_pdf(html)[0]
            assert html_to_pdf(html.replace("</head>", auto, 1))[0] == fixed, doc.kind
            path = tmp_path / f"{doc.kind}.pdf"
            path.write_bytes(fixed)
            pages = [p for p in page_fragments(path) if "评分卡" not in p]  # a rating sheet
            assert all(p[0].startswith(company) and len(p[0]) >= 50 for p in pages), doc.kind
            continued += sum(p[1].endswith("（续）") for p in pages)
    assert kinds == {"sheet", "key", "booklet", "panel"}, kinds
    assert continued


def test_the_rating_circles_print_where_five_bordered_boxes_would():
    """A key's scorebox draws its five rating circles as one box (digits spaced by the font's
    tabular figures, rings one picture) where five round-bordered boxes were. Compared at
    150 dpi, smoothed over a quarter millimetre (the rings' edges are smoothed differently):
    the same, where a ring or a digit a quarter millimetre off is not."""
    import cv2
    import numpy as np

    from .pdftext import page_images

    boxes = (".circle { display: inline-block; width: 4.6mm; height: 4.6mm; line-height: 4.6mm;"
             " border: 0.6pt solid #333; border-radius: 50%; text-align: center;"
             " margin-left: 1mm; font-size: 8pt; }")

    def scorebox(circles: str, css: str = ""):
        body = (f'<table class="scoring"><tr><td class="levels">锚点</td><td class="scorebox">'
                f'<div class="rating">评级 {circles}</div></td></tr></table>')
        [page] = page_images(with_paper_css(body, css))
        return cv2.GaussianBlur(np.asarray(page, dtype=np.float32), (0, 0), 1.5)

    five = scorebox("".join(f'<span class="circle">{n}</span>' for n in range(1, 6)), boxes)
    assert np.abs(scorebox('<span class="circles">12345</span>') - five).max() < 45
    for off in ("margin-left: 0.25mm", "vertical-align: 0.25mm", "letter-spacing: 4.3mm"):
        moved = scorebox(f'<span class="circles" style="{off}">12345</span>')
        assert np.abs(moved - five).max() > 50, off
