"""The sheet geometry that template and scanner share, and the QR code's contents."""

from __future__ import annotations

import dataclasses

import cv2
import pytest

from examgen import layout
from examgen.layout import SheetId


def test_printed_marker_bits_are_opencvs_aruco_markers():
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, layout.MARKER_DICTIONARY))
    for marker_id, rows in layout.MARKER_BITS.items():
        image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
        assert ["".join("#" if v == 0 else "." for v in row) for row in image] == list(rows)


def test_markers_sit_in_the_four_corners_inside_the_printable_area():
    corners = layout.markers()
    assert [m[0] for m in corners] == [0, 1, 2, 3]
    for _, x, y in corners:
        assert x >= 5
        assert x + layout.MARKER_SIZE <= layout.PAGE_W - 5
        assert y >= 5
        assert y + layout.MARKER_SIZE <= layout.PAGE_H - 5


def test_twenty_questions_fit_one_sheet_and_more_go_onto_a_second():
    [one] = layout.rating_sheets("D-1", 1, 20)
    assert [r.key for r in one.questions] == [str(n) for n in range(1, 21)]
    assert one.recommendation is not None
    first, second = layout.rating_sheets("D-1", 2, 23)
    assert [r.key for r in first.questions] == [str(n) for n in range(1, 21)]
    assert first.recommendation is None
    assert [r.key for r in second.questions] == ["21", "22", "23"]
    assert second.recommendation is not None
    assert (first.sheet.page, first.sheet.pages, second.sheet.page) == (1, 2, 2)
    assert second.questions[0].y == first.questions[0].y  # every sheet starts at the top


def test_rows_never_overlap_each_other_the_recommendation_or_the_signature():
    [page] = layout.rating_sheets("D-1", 1, 20)
    boxes = [r.box for r in page.rows]
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert above[3] <= below[1] + 1e-9
    assert boxes[-1][3] < layout.SIGNATURE_Y - 5
    for row in page.rows:
        xs = [b.x for b in row.bubbles]
        assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) > 2 * layout.BUBBLE_R + 4


def test_recommendation_row_offers_the_four_labels():
    [page] = layout.rating_sheets("D-1", 1, 3)
    rec = page.recommendation
    assert [b.value for b in rec.bubbles] == ["强烈推荐", "推荐", "待定", "不推荐"]
    assert rec.key == "recommendation"


def test_qr_text_round_trips_and_names_paper_interviewer_page_and_layout():
    sid = SheetId("D-20261201-ABC123", 2, 1, 2, 23, "R1")
    assert sid.encode() == "EXG1|D-20261201-ABC123|2|1/2|23|R1"
    assert SheetId.decode(sid.encode()) == sid
    assert layout.page_layout(sid).sheet == sid


@pytest.mark.parametrize("text", ["https://example.com/", "EXG1|D-1|1|3/2|5|R1",
                                  "EXG2|D-1|1|1/1|5|R1", "EXG1|D-1|x|1/1|5|R1", ""])
def test_foreign_or_broken_codes_are_refused(text):
    with pytest.raises(ValueError, match="sheet code"):
        SheetId.decode(text)


def test_unknown_layout_or_wrong_page_count_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        layout.page_layout(SheetId("D-1", 1, 1, 1, 5, "R9"))
    with pytest.raises(ValueError, match="page count"):
        layout.page_layout(SheetId("D-1", 1, 1, 1, 25, "R1"))


def test_a_row_of_bubbles_that_is_not_evenly_spaced_digits_is_not_printed_as_one_line():
    from examgen.sheets import digit_row

    row = layout.rating_sheets("D-1", 1, 3)[0].rows[0]
    assert digit_row(row).count("12345") == 1
    uneven = dataclasses.replace(row, bubbles=row.bubbles[:2] + row.bubbles[3:])
    with pytest.raises(ValueError, match="one pitch"):
        digit_row(uneven)
    with pytest.raises(ValueError, match="one pitch"):
        digit_row(layout.recommendation_row())
