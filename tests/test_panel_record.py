"""What a live interview leaves in the history (for scoring), and the documents of a paper."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from examgen.bank import load_bank
from examgen.build import paper_documents, paper_record, recorded_paper, render_papers
from examgen.history import History
from examgen.paper import make_paper
from examgen.sampling import sample


def paper_for(root: Path, **kwargs):
    bank = load_bank(root)
    return bank, make_paper(bank, "tester", sample(bank, "tester", 5, seed=3), 3,
                            day="2026-12-01", **kwargs)


def test_without_interviewers_a_paper_has_todays_two_files(small_bank, tmp_path):
    _, paper = paper_for(small_bank)
    docs = paper_documents(paper, tmp_path)
    assert [(d.key, d.kind, d.path.name) for d in docs] == [
        ("questions", "sheet", f"{paper.id}-sheet.pdf"),
        ("answer_key", "key", f"{paper.id}-key.pdf")]
    assert docs[1].context == {"interviewer": 1, "interviewer_name": ""}


def test_named_interviewers_get_numbered_booklets_and_the_paper_a_panel_sheet(small_bank,
                                                                             tmp_path):
    _, paper = paper_for(small_bank, mode="oral", interviewers=("王敏", "李/强"))
    docs = paper_documents(paper, tmp_path)
    assert [(d.key, d.kind, d.path.name, d.context) for d in docs] == [
        ("questions", "sheet", f"{paper.id}-sheet.pdf", {}),
        ("answer_key", "booklet", f"{paper.id}-key-1-王敏.pdf",
         {"interviewer": 1, "interviewer_name": "王敏"}),
        ("answer_key_2", "booklet", f"{paper.id}-key-2-李_强.pdf",  # never a folder
         {"interviewer": 2, "interviewer_name": "李/强"}),
        ("consolidation", "panel", f"{paper.id}-panel.pdf", {})]
    assert all(d.path.parent == tmp_path for d in docs)


def test_an_oral_paper_never_takes_the_files_of_the_written_one(small_bank):
    _, written = paper_for(small_bank)
    _, oral = paper_for(small_bank, mode="oral")
    assert written.questions == oral.questions
    assert written.id != oral.id


def test_the_record_holds_mode_panel_and_what_scoring_needs_per_question(small_bank,
                                                                          tmp_path):
    bank, paper = paper_for(small_bank, interviewers=("王敏", "李强"))
    [built] = render_papers([paper], tmp_path)
    record = paper_record(built, bank)
    with History(tmp_path / "h.sqlite3") as history:
        history.record([record])
        stored = history.get(paper.id)
    assert stored.mode == "written"
    assert stored.minutes_budget is None
    assert stored.interviewers == ["王敏", "李强"]  # interviewer N is position N
    assert stored.same_questions is False
    assert stored.question_meta == {
        q.id: {"dimension": q.dimension, "points": q.points, "minutes": q.minutes}
        for q in paper.questions}
    assert set(stored.files) == {"questions", "answer_key", "answer_key_2", "consolidation"}
    again = recorded_paper(stored, bank)
    assert (again.mode, again.interviewers, again.same_questions) == (
        "written", ("王敏", "李强"), False)


def test_records_written_before_live_interviews_still_load(small_bank, tmp_path):
    bank, paper = paper_for(small_bank)
    [built] = render_papers([paper], tmp_path)
    old = paper_record(built, bank).to_json()
    for name in ("mode", "minutes_budget", "interviewers", "same_questions", "question_meta"):
        old.pop(name)
    path = tmp_path / "old.sqlite3"
    History(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO papers (id, role, candidate, date, created, record)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (paper.id, "tester", "", paper.date, "2026-01-01T00:00:00+00:00",
                    json.dumps(old, ensure_ascii=False)))
    with History(path) as history:
        record = history.get(paper.id)
    assert (record.mode, record.minutes_budget, record.interviewers) == ("written", None, [])
    assert (record.same_questions, record.question_meta) == (False, {})
