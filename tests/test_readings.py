"""Readings: the first value of a cell stays; a different one waits as a conflict."""

from __future__ import annotations

from examgen.history import History
from examgen.readings import (
    Reading,
    ReviewItem,
    add_review,
    conflicts,
    readings,
    review_items,
    store,
)


def test_the_same_reading_twice_changes_nothing(tmp_path):
    with History(tmp_path / "h.sqlite3") as history:
        first = store(history, [Reading("P1", 1, "1", "4", file="a.pdf", page=1)])
        again = store(history, [Reading("P1", 1, "1", "4", file="a.pdf", page=1)])
        assert (len(first.new), len(again.new), len(again.unchanged)) == (1, 0, 1)
        assert len(readings(history)) == 1


def test_a_different_reading_is_a_conflict_and_the_first_stays(tmp_path):
    with History(tmp_path / "h.sqlite3") as history:
        store(history, [Reading("P1", 1, "1", "4")])
        result = store(history, [Reading("P1", 1, "1", "2", file="b.pdf", page=3)])
        assert [offered.value for _, offered in result.conflicts] == ["2"]
        assert [r.value for r in readings(history)] == ["4"]
        assert [c.value for c in conflicts(history)] == ["2"]


def test_a_chosen_reading_wins_and_settles_conflicts_and_review(tmp_path):
    with History(tmp_path / "h.sqlite3") as history:
        store(history, [Reading("P1", 1, "1", "4")])
        store(history, [Reading("P1", 1, "1", "2")])
        add_review(history, [ReviewItem("P1", 1, "2", "两处涂黑", "a.pdf", 1, "r.png")])
        store(history, [Reading("P1", 1, "1", "2", source="typed"),
                        Reading("P1", 1, "2", "3", source="typed")], replace=True)
        assert [(r.question, r.value, r.source) for r in readings(history)] == [
            ("1", "2", "typed"), ("2", "3", "typed")]
        assert conflicts(history) == []
        assert review_items(history) == []


def test_not_rated_is_stored_as_none(tmp_path):
    with History(tmp_path / "h.sqlite3") as history:
        store(history, [Reading("P1", 2, "7", None)])
        assert readings(history)[0].value is None
