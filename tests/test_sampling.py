"""Balanced sampling: exact quotas, the difficulty mix, groups, seeds, shortfalls."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.bank import load_bank
from examgen.errors import ExamgenError
from examgen.sampling import largest_remainder, sample

from .conftest import balanced_questions, question, write_bank


def test_largest_remainder_gives_exact_integers():
    mix = {"motivation": 3, "knowledge": 4, "situational": 5, "teamwork": 4, "potential": 4}
    assert largest_remainder(mix, 20) == {"motivation": 3, "knowledge": 4, "situational": 5,
                                          "teamwork": 4, "potential": 4}
    # exact shares 1.05 1.4 1.75 1.4 1.4: situational has the largest remainder, then the
    # three tied at .4 go in listed order, so knowledge gets the second unit
    assert largest_remainder(mix, 7) == {"motivation": 1, "knowledge": 2, "situational": 2,
                                         "teamwork": 1, "potential": 1}


def test_largest_remainder_ties_go_to_the_dimension_listed_first():
    assert largest_remainder({"b": 1, "a": 1, "c": 1}, 2) == {"b": 1, "a": 1, "c": 0}
    assert largest_remainder({"c": 1, "b": 1, "a": 1}, 1) == {"c": 1, "b": 0, "a": 0}


@given(weights=st.lists(st.integers(0, 9), min_size=1, max_size=6).filter(lambda w: sum(w) > 0),
       count=st.integers(0, 60))
def test_quotas_always_sum_to_the_count(weights, count):
    quotas = largest_remainder({f"d{i}": w for i, w in enumerate(weights)}, count)
    assert sum(quotas.values()) == count
    for i, w in enumerate(weights):  # never more than one unit from the exact share
        assert abs(quotas[f"d{i}"] - count * w / sum(weights)) < 1


def test_paper_follows_the_dimension_quotas_and_difficulty_mix(small_bank):
    bank = load_bank(small_bank)
    selection = sample(bank, "tester", 10, seed=1)
    dims = Counter(q.dimension for q in selection.questions)
    assert dims == {"motivation": 2, "knowledge": 4, "situational": 4}
    for dim, quota in selection.quotas.items():
        levels = Counter(q.difficulty for q in selection.questions if q.dimension == dim)
        wanted = largest_remainder({"easy": 1, "medium": 2, "hard": 1}, quota)
        assert levels == {level: n for level, n in wanted.items() if n}


def test_questions_print_in_dimension_order_then_easy_to_hard(small_bank):
    bank = load_bank(small_bank)
    qs = sample(bank, "tester", 10, seed=3).questions
    order = [(list(bank.dimensions).index(q.dimension),
              ["easy", "medium", "hard"].index(q.difficulty)) for q in qs]
    assert order == sorted(order)


def test_same_seed_same_paper_other_seed_other_paper(small_bank):
    bank = load_bank(small_bank)
    first = [q.id for q in sample(bank, "tester", 8, seed=7).questions]
    assert first == [q.id for q in sample(bank, "tester", 8, seed=7).questions]
    others = {tuple(q.id for q in sample(bank, "tester", 8, seed=s).questions) for s in range(8)}
    assert len(others) > 1


def test_difficulty_falls_back_to_the_nearest_level_when_one_is_missing(tmp_path):
    questions = [question(f"k{i}", "knowledge", "medium") for i in range(4)]
    questions += [question("k-easy", "knowledge", "easy")]
    bank = load_bank(write_bank(tmp_path, questions, mix={"knowledge": 1}))
    selection = sample(bank, "tester", 4, seed=0)  # wants 1 easy, 2 medium, 1 hard
    assert Counter(q.difficulty for q in selection.questions) == {"medium": 3, "easy": 1}


def test_never_two_questions_of_one_group(tmp_path):
    questions = [question(f"k{i}", "knowledge", "medium", group="same") for i in range(3)]
    questions += [question(f"free{i}", "knowledge", "medium") for i in range(3)]
    bank = load_bank(write_bank(tmp_path, questions, mix={"knowledge": 1},
                                difficulty={"medium": 1}))
    for seed in range(20):
        chosen = sample(bank, "tester", 4, seed=seed).questions
        assert sum(q.group == "same" for q in chosen) == 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), count=st.integers(1, 12))
def test_property_groups_never_collide_and_seed_is_reproducible(tmp_path_factory, seed, count):
    root = tmp_path_factory.getbasetemp() / "grouped-bank"
    if not root.exists():
        questions = balanced_questions(3)
        for i, q in enumerate(questions):
            q["group"] = f"g{i % 20}"
        write_bank(root, questions)
    bank = load_bank(root)
    try:
        chosen = sample(bank, "tester", count, seed=seed, allow_shortfall=True).questions
    except ExamgenError:
        return  # groups can make a large count impossible; that is reported, not broken
    groups = [q.group for q in chosen]
    assert len(groups) == len(set(groups))
    assert len(chosen) == count
    again = sample(bank, "tester", count, seed=seed, allow_shortfall=True).questions
    assert chosen == again


def test_a_quota_the_bank_cannot_fill_names_the_dimension_and_the_gap(tmp_path):
    questions = [question(f"k{i}", "knowledge") for i in range(6)]
    questions += [question("s1", "situational")]
    bank = load_bank(write_bank(tmp_path, questions, mix={"knowledge": 1, "situational": 1}))
    with pytest.raises(ExamgenError, match="「情境模拟与解决问题能力」缺 2 题") as caught:
        sample(bank, "tester", 6, seed=0)
    assert "--allow-shortfall" in str(caught.value)


def test_allow_shortfall_fills_from_other_dimensions_and_says_so(tmp_path):
    questions = [question(f"k{i}", "knowledge") for i in range(6)]
    questions += [question("s1", "situational")]
    bank = load_bank(write_bank(tmp_path, questions, mix={"knowledge": 1, "situational": 1}))
    selection = sample(bank, "tester", 6, seed=0, allow_shortfall=True)
    assert len(selection.questions) == 6
    assert Counter(q.dimension for q in selection.questions) == {"knowledge": 5, "situational": 1}
    assert selection.notes == ("「情境模拟与解决问题能力」缺 2 题，已从其他维度补足",)


def test_count_larger_than_the_bank_is_an_error(small_bank):
    bank = load_bank(small_bank)
    with pytest.raises(ExamgenError, match="题量 19 超过题库中「测试岗」的题目总数 18"):
        sample(bank, "tester", 19, seed=0)


def test_unknown_role_lists_the_known_ones(small_bank):
    with pytest.raises(ExamgenError, match="未知岗位 'ceo'，已有岗位：tester"):
        sample(load_bank(small_bank), "ceo", 5, seed=0)


def test_penalty_steers_away_from_used_questions(tmp_path):
    bank = load_bank(write_bank(tmp_path, balanced_questions(4)))
    first = sample(bank, "tester", 9, seed=1).questions
    second = sample(bank, "tester", 9, seed=2, penalty={q.id: 1 for q in first}).questions
    assert not {q.id for q in first} & {q.id for q in second}
