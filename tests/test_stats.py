"""`examgen stats`: item statistics and agreement, against numbers worked out by hand and
against the krippendorff package called directly."""

from __future__ import annotations

import json
import math

import krippendorff
import pytest

from examgen.cli import main
from examgen.consolidate import PaperInfo, QuestionInfo
from examgen.history import History
from examgen.readings import Reading, store
from examgen.stats import statistics_of

from .scoring_round import copy_round

DIMS = {"motivation": "自我认知与职业动机", "knowledge": "专业知识与技能",
        "situational": "情境模拟与解决问题能力"}
QUESTIONS = (QuestionInfo(1, "q1", "motivation", 10), QuestionInfo(2, "q2", "knowledge", 10),
             QuestionInfo(3, "q3", "knowledge", 10))
# paper → (interviewer 1's ratings of q1–q3, interviewer 2's)
RATINGS = {"P1": ("545", "445"), "P2": ("333", "324"), "P3": ("221", "122"),
           "P4": ("454", "434")}


@pytest.fixture
def result():
    papers = [PaperInfo(pid, pid, QUESTIONS, DIMS) for pid in RATINGS]
    papers.append(PaperInfo("P5", "P5", (QuestionInfo(1, "q4", "situational", 10),), DIMS))
    readings = [Reading(pid, i, str(n), v) for pid, both in RATINGS.items()
                for i, values in enumerate(both, start=1) for n, v in enumerate(values, 1)]
    readings.append(Reading("P5", 1, "1", None))  # seen, but not rated
    return statistics_of(papers, readings)


def test_asked_rated_mean_and_sd_of_a_question(result):
    q1 = result.questions[0]
    assert (q1.id, q1.asked, q1.rated, q1.ratings) == ("q1", 4, 4, 8)
    # ratings 5 4 3 3 2 1 4 4: mean 26/8; squared deviations sum to 11.5 over n-1 = 7
    assert q1.mean == pytest.approx(3.25)
    assert q1.sd == pytest.approx(math.sqrt(11.5 / 7))


def test_item_rest_correlation_by_hand(result):
    # panel ratings of q1: 4.5 3 1.5 4; mean of the rest (q2, q3): 4.5 3 1.75 4
    # deviations (1.25 -.25 -1.75 .75) and (1.1875 -.3125 -1.5625 .6875):
    # Σdxdy = 4.8125, Σdx² = 5.25, Σdy² = 4.421875
    assert result.questions[0].item_rest == pytest.approx(4.8125 / math.sqrt(5.25 * 4.421875))


def test_alpha_per_dimension_is_krippendorffs_ordinal_alpha(result):
    motivation, knowledge, situational = result.dimensions
    expected = krippendorff.alpha(reliability_data=[[5, 3, 2, 4], [4, 3, 1, 4]],
                                  level_of_measurement="ordinal",
                                  value_domain=[1, 2, 3, 4, 5])
    assert motivation.alpha == pytest.approx(expected)
    expected = krippendorff.alpha(
        reliability_data=[[4, 5, 3, 3, 2, 1, 5, 4], [4, 5, 2, 4, 2, 2, 3, 4]],
        level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5])
    assert knowledge.alpha == pytest.approx(expected)
    assert (knowledge.units, knowledge.title) == (8, "专业知识与技能")
    assert situational.alpha is None
    assert situational.notes == {"alpha": "没有一道题被两位及以上面试官评过"}


def test_a_question_never_rated_is_listed_and_its_statistics_say_why(result):
    q4 = result.questions[-1]
    assert (q4.id, q4.asked, q4.rated, q4.mean, q4.sd, q4.item_rest) == (
        "q4", 1, 0, None, None, None)
    assert q4.notes["sd"] == "需要至少 2 个评分（现有 0 个）"
    assert "item_rest" in q4.notes
    assert result.never_rated == ["q4"]
    assert result.papers == 4


def test_too_few_papers_give_no_correlation():
    papers = [PaperInfo(p, p, QUESTIONS, DIMS) for p in ("A", "B")]
    readings = [Reading(p, 1, str(n), "3") for p in ("A", "B") for n in (1, 2, 3)]
    q1 = statistics_of(papers, readings).questions[0]
    assert q1.item_rest is None
    assert q1.notes["item_rest"] == "需要至少 3 份评过本题和其他题的试卷（现有 2 份）"
    assert statistics_of(papers, readings).dimensions[0].alpha is None


def test_stats_command_json_over_the_history(scoring_round, tmp_path, runner):
    rnd = copy_round(scoring_round, tmp_path)
    zhang = rnd["records"]["张三"]
    with History(rnd["history"]) as h:
        store(h, [Reading(zhang.id, i, str(n), v, "typed") for i, values in
                  ((1, "43524"), (2, "54334")) for n, v in enumerate(values, 1)])
    result = runner.invoke(main, ["stats", "--json", "--history", str(rnd["history"])])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["papers"] == 1
    first = data["questions"][0]
    assert set(first) >= {"id", "asked", "rated", "mean", "sd", "item_rest"}
    holding = sum(zhang.questions[0] in r.questions for r in rnd["records"].values())
    assert (first["id"], first["asked"], first["rated"], first["mean"]) == (
        zhang.questions[0], holding, 1, 4.5)  # asked on every paper holding it, rated once
    assert first["item_rest"] is None
    assert "item_rest" in first["notes"]
    assert {d["id"] for d in data["dimensions"]} == {"motivation", "knowledge", "situational"}
    assert all(set(d) >= {"id", "alpha"} for d in data["dimensions"])
    never = set(data["never_rated"])
    assert never == {q for r in rnd["records"].values() for q in r.questions} - set(
        zhang.questions)
    text = runner.invoke(main, ["stats", "--role", "tester", "--history",
                                str(rnd["history"])])
    assert text.exit_code == 0
    assert "从未评分的题目" in text.stdout
    assert "Krippendorff" in text.stdout
