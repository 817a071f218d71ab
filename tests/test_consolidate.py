"""Consolidation rules, each checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from examgen.consolidate import (
    PaperInfo,
    QuestionInfo,
    consolidate,
    panel_rating,
    score_paper,
)
from examgen.readings import RECOMMENDATION, Reading

DIMS = {"motivation": "自我认知与职业动机", "knowledge": "专业知识与技能",
        "situational": "情境模拟与解决问题能力"}


def paper(pid: str, questions: list[tuple[str, str, float]], candidate: str = "",
          interviewers: tuple[str, ...] = ()) -> PaperInfo:
    return PaperInfo(id=pid, candidate=candidate or pid, dimensions=DIMS,
                     interviewers=interviewers,
                     questions=tuple(QuestionInfo(n, qid, dim, pts)
                                     for n, (qid, dim, pts) in enumerate(questions, 1)))


def rate(pid: str, interviewer: int, values: list[str | None], rec: str | None = None):
    out = [Reading(pid, interviewer, str(n), v, "typed") for n, v in enumerate(values, 1)
           if v != "skip"]
    if rec:
        out.append(Reading(pid, interviewer, RECOMMENDATION, rec, "typed"))
    return out


P1 = paper("P1", [("m1", "motivation", 10), ("k1", "knowledge", 10), ("k2", "knowledge", 20),
                  ("s1", "situational", 10)], "张三", ("王面试", "李面试"))
P1_READINGS = rate("P1", 1, ["4", "3", "5", "2"], "推荐") + rate("P1", 2, ["5", "4", "3", None],
                                                               "强烈推荐")


def test_an_interviewers_score_is_rating_over_five_times_points_summed_per_dimension():
    score = score_paper(P1, P1_READINGS)
    first, second = score.interviewers
    # 4/5×10 + 3/5×10 + 5/5×20 + 2/5×10 = 8 + 6 + 20 + 4
    assert first.total == pytest.approx(38)
    assert first.dimensions == pytest.approx({"motivation": 8, "knowledge": 26,
                                              "situational": 4})
    assert (first.name, second.name) == ("王面试", "李面试")


def test_an_unrated_question_is_left_out_of_that_interviewers_total_and_counted():
    second = score_paper(P1, P1_READINGS).interviewers[1]
    assert second.total == pytest.approx(10 + 8 + 12)  # question 4 not rated
    assert second.missing == (4,)
    assert score_paper(P1, P1_READINGS).missing == 1


def test_the_panel_scores_each_question_by_the_mean_of_those_who_rated_it():
    score = score_paper(P1, P1_READINGS)
    # Q1 (4+5)/2=4.5 → 9; Q2 3.5 → 7; Q3 4 → 16; Q4 only interviewer 1: 2 → 4
    assert score.total == pytest.approx(36)
    assert score.dimensions == pytest.approx({"motivation": 9, "knowledge": 23,
                                              "situational": 4})
    assert score.question_ratings == pytest.approx({1: 4.5, 2: 3.5, 3: 4.0, 4: 2.0})
    assert score.max_points == 50


def test_with_every_question_rated_the_panel_total_is_the_mean_of_the_interviewers():
    readings = rate("P1", 1, ["4", "3", "5", "2"]) + rate("P1", 2, ["5", "4", "3", "3"])
    score = score_paper(P1, readings)
    assert score.total == pytest.approx((38 + 36) / 2)


def test_ratings_two_levels_apart_are_flagged_and_recommendations_tallied():
    score = score_paper(P1, P1_READINGS)
    assert [(f.number, f.question, f.ratings, f.spread) for f in score.flags] == [
        (3, "k2", {1: 5, 2: 3}, 2)]
    assert score.recommendations == {"推荐": 1, "强烈推荐": 1}


def test_five_raters_drop_the_highest_and_the_lowest():
    assert panel_rating([1, 3, 4, 4, 5]) == (pytest.approx(11 / 3), True)
    assert panel_rating([1, 5, 4, 4]) == (pytest.approx(3.5), False)
    one = paper("P9", [("k1", "knowledge", 10)])
    readings = [Reading("P9", n, "1", v) for n, v in enumerate("13445", 1)]
    score = score_paper(one, readings)
    assert score.total == pytest.approx(11 / 3 / 5 * 10)
    assert score.trimmed == (1,)
    result = consolidate([one], readings)
    assert any("体操计分法" in note for note in result.notes)


def test_ranking_is_by_total_highest_first():
    p2 = paper("P2", [(q.id, q.dimension, q.points) for q in P1.questions], "李四")
    readings = P1_READINGS + rate("P2", 1, ["5", "5", "5", "5"])
    result = consolidate([P1, p2], readings, "R-1")
    assert [s.paper.id for s in result.papers] == ["P2", "P1"]
    assert result.same_questions
    assert result.standardized_order == ()
    assert all(s.standardized is None for s in result.papers)


def test_papers_with_different_questions_are_also_ranked_by_standardized_scores():
    a = paper("A", [("q1", "knowledge", 10), ("q2", "knowledge", 10)])
    b = paper("B", [("q1", "knowledge", 10), ("q3", "knowledge", 10)])
    c = paper("C", [("q2", "knowledge", 10), ("q3", "knowledge", 10)])
    readings = (rate("A", 1, ["5", "5"]) + rate("B", 1, ["3", "4"])
                + rate("C", 1, ["5", "2"]))
    result = consolidate([a, b, c], readings)
    z = {s.paper.id: s.standardized for s in result.papers}
    # q1: A 5, B 3 → z ±1; q2: A 5, C 5 → both 0; q3: B 4, C 2 → ±1
    assert z == pytest.approx({"A": 0.5, "B": 0.0, "C": -0.5})
    assert result.standardized_order == ("A", "B", "C")
    assert not result.same_questions
    assert any("题目不同" in note for note in result.notes)


def test_interviewers_who_rate_higher_than_the_panel_are_lenient():
    readings = rate("P1", 1, ["5", "5", "5", "5"]) + rate("P1", 2, ["3", "3", "3", "3"])
    result = consolidate([P1], readings)
    [(n1, mean1, panel1, lean1), (n2, mean2, panel2, lean2)] = [
        (t.name, t.mean, t.panel_mean, t.leaning) for t in result.interviewers]
    assert (n1, mean1, panel1, lean1) == ("王面试", 5, 4, "偏宽")
    assert (n2, mean2, panel2, lean2) == ("李面试", 3, 4, "偏严")


def test_interviewers_without_recorded_names_are_numbered_and_unrated_papers_noted():
    anonymous = paper("P3", [("k1", "knowledge", 10)])
    result = consolidate([anonymous], [])
    assert result.papers[0].total == 0
    assert any("还没有任何评分" in n for n in result.notes)
    score = score_paper(anonymous, [Reading("P3", 2, "1", "4")])
    assert [i.name for i in score.interviewers] == ["面试官2"]


def test_the_round_dimension_rates_are_means_of_each_papers_share():
    p2 = paper("P2", [("m9", "motivation", 20)], "李四")
    readings = P1_READINGS + rate("P2", 1, ["5"])
    result = consolidate([P1, p2], readings)
    # motivation: P1 9/10, P2 20/20 → 0.95; knowledge only P1: 23/30
    assert result.dimension_rates() == pytest.approx({"motivation": 0.95,
                                                      "knowledge": 23 / 30,
                                                      "situational": 0.4})


def test_a_paper_nobody_rated_ranks_last_and_stays_out_of_the_round_mean():
    p2 = paper("P2", [(q.id, q.dimension, q.points) for q in P1.questions], "李四")
    result = consolidate([p2, P1], P1_READINGS)
    assert [(s.paper.id, s.rated) for s in result.papers] == [("P1", True), ("P2", False)]
    assert result.dimension_rates()["motivation"] == pytest.approx(0.9)  # P1 alone: 9/10
