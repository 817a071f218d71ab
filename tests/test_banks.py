"""The shipped banks are deep enough to use as they are."""

from __future__ import annotations

import re

import pytest

from examgen.build import printed_texts
from examgen.fonts import check_printable
from examgen.paper import make_paper
from examgen.sampling import sample

ROLES = ["director", "subscription-manager", "after-sales-manager"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_at_least_40_questions_and_6_per_dimension(shipped_bank, role):
    questions = shipped_bank.for_role(role)
    assert len(questions) >= 40
    for dim in shipped_bank.dimensions:
        assert sum(q.dimension == dim for q in questions) >= 6, dim


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("seed", [1, 2, 3, 17, 2026])
def test_each_role_builds_a_full_20_question_paper_without_shortfall(shipped_bank, role, seed):
    selection = sample(shipped_bank, role, 20, seed)
    assert len(selection.questions) == 20
    assert selection.notes == ()
    quotas = selection.quotas
    for dim, quota in quotas.items():
        assert sum(q.dimension == dim for q in selection.questions) == quota
    paper = make_paper(shipped_bank, role, selection, seed, candidate="李祎")
    check_printable(printed_texts(paper))


def test_no_two_questions_share_their_first_30_characters(shipped_bank):
    openings: dict[str, str] = {}
    for q in shipped_bank.questions:
        opening = q.question[:30]
        assert opening not in openings, f"{q.id} and {openings[opening]}"
        openings[opening] = q.id


@pytest.mark.parametrize("role", ROLES)
def test_every_question_is_complete_for_the_key(shipped_bank, role):
    for q in shipped_bank.for_role(role):
        chars = len(re.sub(r"\s", "", q.answer))
        assert 300 <= chars <= 900, f"{q.id}: answer has {chars} characters"
        assert 3 <= len(q.analysis.scoring_points) <= 5, q.id
        assert q.analysis.expectations, q.id
        assert q.analysis.purpose, q.id
        assert [level for level, _ in q.levels] == [1, 3, 5], q.id
        assert q.tags, q.id


@pytest.mark.parametrize("role", ROLES)
def test_situational_questions_describe_a_concrete_case_with_numbers(shipped_bank, role):
    for q in shipped_bank.for_role(role):
        if q.dimension == "situational":
            assert re.search(r"\d", q.question), f"{q.id} has no figures"


@pytest.mark.parametrize("role", ROLES)
def test_every_open_question_has_two_or_three_probes_addressed_with_nin(shipped_bank, role):
    for q in shipped_bank.for_role(role):
        assert 2 <= len(q.probes) <= 3, q.id
        for probe in q.probes:
            assert probe.endswith("？"), f"{q.id}: {probe}"
        assert "你" not in q.question, f"{q.id} addresses the candidate as 你"


@pytest.mark.parametrize(("role", "group"), [
    ("director", "ai-bots"), ("subscription-manager", "cancellation-ethics"),
    ("subscription-manager", "chargebacks"), ("after-sales-manager", "product-safety")])
def test_repeated_themes_are_grouped_so_one_lands_on_a_paper(shipped_bank, role, group):
    members = [q for q in shipped_bank.for_role(role) if q.group == group]
    assert len(members) >= 2
    for seed in range(20):
        chosen = sample(shipped_bank, role, 20, seed).questions
        assert sum(q.group == group for q in chosen) <= 1
