"""Planning a paper by time: never over the budget, every dimension, as full as the bank allows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.bank import load_bank
from examgen.errors import ExamgenError
from examgen.resources import default_bank_dir
from examgen.sampling import AVOID, choose
from examgen.timeplan import quotas_for

from .conftest import DIMENSIONS, question, write_bank

MINUTES = (3, 4, 5, 6, 8, 10, 12)


def timed_bank(root, minutes_of, groups=None):
    """Three questions per dimension × difficulty, minutes from `minutes_of(i)`."""
    questions, i = [], 0
    for dim in DIMENSIONS:
        for level in ("easy", "medium", "hard"):
            for n in range(3):
                extra = {"group": groups(i)} if groups and groups(i) else {}
                questions.append(question(f"{dim}-{level}-{n}", dim, level,
                                          minutes=minutes_of(i), **extra))
                i += 1
    return load_bank(write_bank(root, questions))


@pytest.fixture(scope="module")
def shipped():
    return load_bank(default_bank_dir())


def minutes(selection) -> int:
    return sum(q.minutes for q in selection.questions)


def test_a_60_minute_director_interview_fills_the_hour_with_every_dimension(shipped):
    chosen = choose(shipped, "director", 7, minutes=60)
    assert minutes(chosen) == 60
    assert {q.dimension for q in chosen.questions} == set(shipped.role("director").mix)
    assert 6 <= len(chosen.questions) <= 12  # a live interview, not a written test


def test_the_mix_is_followed_by_count_within_the_budget(shipped):
    chosen = choose(shipped, "director", 7, minutes=120)
    counts = {d: sum(q.dimension == d for q in chosen.questions)
              for d in shipped.role("director").mix}
    assert counts == quotas_for(shipped.role("director").mix, len(chosen.questions))


def test_count_and_minutes_together_give_that_many_questions_within_the_budget(shipped):
    chosen = choose(shipped, "director", 7, count=10, minutes=75)
    assert len(chosen.questions) == 10
    assert minutes(chosen) <= 75


def test_a_count_that_cannot_fit_the_budget_is_one_clear_error(shipped):
    message = r"20 分钟内排不下 10 道题：按维度比例最短也需要 \d+ 分钟"
    with pytest.raises(ExamgenError, match=message):
        choose(shipped, "director", 7, count=10, minutes=20)


def test_a_budget_below_one_question_per_dimension_says_how_much_is_needed(shipped):
    with pytest.raises(ExamgenError, match=r"15 分钟不够每个能力维度各一题：最短也需要 \d+ 分钟"):
        choose(shipped, "director", 7, minutes=15)


def test_when_the_minutes_cannot_add_up_the_paper_stays_under_and_as_close_as_possible(tmp_path):
    bank = timed_bank(tmp_path, lambda i: 10)  # every question takes 10 minutes
    chosen = choose(bank, "tester", 1, minutes=57)
    assert minutes(chosen) == 50


def test_a_dimension_missing_from_the_bank_is_an_error_unless_allowed(tmp_path):
    questions = [question(f"k{i}", "knowledge", minutes=5) for i in range(4)]
    questions += [question(f"s{i}", "situational", minutes=5) for i in range(4)]
    bank = load_bank(write_bank(tmp_path, questions))
    with pytest.raises(ExamgenError, match="题库中没有「自我认知与职业动机」的题目"):
        choose(bank, "tester", 1, minutes=30)
    chosen = choose(bank, "tester", 1, minutes=30, allow_shortfall=True)
    assert "本卷未考这些维度" in chosen.notes[0]
    assert minutes(chosen) == 30


def test_questions_a_candidate_saw_are_avoided_while_others_fit(shipped):
    first = choose(shipped, "director", 7, minutes=60)
    seen = {q.id: AVOID for q in first.questions}
    second = choose(shipped, "director", 7, minutes=60, penalty=seen)
    assert not {q.id for q in second.questions} & set(seen)
    assert minutes(second) == 60


def test_a_group_spanning_dimensions_is_never_taken_twice(tmp_path):
    bank = timed_bank(tmp_path, lambda i: 5, groups=lambda i: "theme" if i % 9 == 0 else None)
    for seed in range(10):
        chosen = choose(bank, "tester", seed, minutes=40)
        assert sum(q.group == "theme" for q in chosen.questions) <= 1


def test_every_dimension_gets_at_least_one_question_even_with_a_small_weight():
    assert quotas_for({"a": 1, "b": 10, "c": 10}, 3) == {"a": 1, "b": 1, "c": 1}
    assert sum(quotas_for({"a": 1, "b": 10, "c": 10}, 5).values()) == 5


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), budget=st.integers(1, 150),
       pattern=st.lists(st.sampled_from(MINUTES), min_size=5, max_size=5))
def test_property_never_over_budget_every_dimension_when_feasible_same_seed_same_paper(
        tmp_path_factory, seed, budget, pattern):
    root = tmp_path_factory.getbasetemp() / f"timed-{'-'.join(map(str, pattern))}"
    bank = load_bank(root) if root.exists() else timed_bank(
        root, lambda i: pattern[i % len(pattern)],  # groups within a dimension (9 each)
        groups=lambda i: f"g{i // 9}-{i % 2}" if i % 3 else None)
    feasible_minimum = sum(min(q.minutes for q in bank.questions if q.dimension == d)
                           for d in DIMENSIONS)
    if budget < feasible_minimum:  # the only reason it may refuse
        with pytest.raises(ExamgenError, match="不够每个能力维度各一题"):
            choose(bank, "tester", seed, minutes=budget)
        return
    chosen = choose(bank, "tester", seed, minutes=budget)
    assert minutes(chosen) <= budget
    assert {q.dimension for q in chosen.questions} == set(DIMENSIONS)
    groups = [q.group for q in chosen.questions if q.group]
    assert len(groups) == len(set(groups))
    assert choose(bank, "tester", seed, minutes=budget) == chosen
