"""The bundled fonts print what HR needs: GB 2312, Big5, rare name characters, punctuation."""

from __future__ import annotations

import contextlib

import pytest
from fontTools.ttLib import TTFont

from examgen import fonts
from examgen.errors import ExamgenError


def charset(codec: str, rows: range, cells: range) -> set[str]:
    out = set()
    for hi in rows:
        for lo in cells:
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([hi, lo]).decode(codec))
    return out


def test_coverage_file_matches_the_fonts_themselves():
    maps = [set(TTFont(str(p), lazy=True).getBestCmap()) for p in fonts.font_paths().values()]
    assert fonts.covered() == frozenset(set.intersection(*maps))


def test_the_digits_in_the_rating_bubbles_advance_as_their_row_assumes():
    """sheets.digit_row spaces a row of digits by their advance: every digit of the regular
    face (the bubbles' digits are not bold)."""
    from examgen.sheets import DIGIT_ADVANCE_EM

    font = TTFont(str(fonts.font_paths()["normal"]), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    em = font["head"].unitsPerEm
    assert {hmtx[cmap[ord(d)]][0] / em for d in "0123456789"} == {DIGIT_ADVANCE_EM}


def test_gb2312_is_fully_covered():
    chars = charset("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    assert len(chars) > 7400
    assert fonts.missing_characters("".join(sorted(chars))) == []


def test_big5_levels_one_and_two_are_covered():
    chars = charset("big5", range(0xA4, 0xFA), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))
    assert len(chars) > 13000
    assert fonts.missing_characters("".join(sorted(chars))) == []


def test_ascii_latin1_and_cjk_punctuation():
    text = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))
    text += "，。、；：？！“”‘’（）《》【】—…·「」『』〔〕％＋－＝～￥"
    assert fonts.missing_characters(text) == []


def test_rare_name_characters_of_the_general_standard_table():
    assert fonts.missing_characters("喆堃镕珺犇垚旻祎昇燚淼玥琰璟") == []


def test_missing_characters_are_named_with_their_code_point():
    assert fonts.missing_characters("好\U0001F600好\u2610") == ["\U0001F600", "\u2610"]
    with pytest.raises(ExamgenError, match=r"q-7 question: 字体无法显示字符 '😀' \(U\+1F600"):
        fonts.check_printable([("q-7", "question", "笑\U0001F600")])


def test_missing_subset_library_is_said_once(monkeypatch, capsys):
    assert fonts.has_subset_library()  # set-up installs it
    monkeypatch.setattr(fonts, "has_subset_library", lambda: False)
    monkeypatch.setattr(fonts, "_warned", False)
    fonts.warn_if_slow_subsetting()
    fonts.warn_if_slow_subsetting()
    err = capsys.readouterr().err
    assert err.count("libharfbuzz-subset0") == 1


def test_every_unified_ideograph_of_the_bmp_and_extension_a():
    """The 通用规范汉字表 lies in these blocks, apart from some two hundred characters of
    the supplementary plane (next test); the whole blocks are covered."""
    uro = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    ext_a = "".join(chr(c) for c in range(0x3400, 0x4DB6))
    assert fonts.missing_characters(uro + ext_a) == []


def test_supplementary_plane_characters_of_the_general_standard_table():
    assert fonts.missing_characters("𫖯𬭚𬌗𬊈𬍛𫰛𬀩𬇹𬣙𬱖𫚉𬶍") == []


def test_the_characters_papers_print_most_have_the_lowest_glyph_ids():
    """scripts/build_fonts.py orders the glyphs: Latin and punctuation, the characters of
    the bundled banks and templates, then GB 2312; WeasyPrint's subsets are cut at the
    highest glyph id a document uses, so this keeps them (and their layout) small."""
    from examgen.resources import default_bank_dir

    level1 = charset("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
    banks = {ch for path in default_bank_dir().glob("*.yaml")
             for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7F}
    for path in fonts.font_paths().values():
        font = TTFont(str(path), lazy=True)
        cmap = font.getBestCmap()
        ids = {ch: font.getGlyphID(cmap[ord(ch)]) for ch in level1 | banks if ord(ch) in cmap}
        assert max(ids[ch] for ch in banks if ch in ids) < 2500, path.name
        assert max(ids[ch] for ch in level1) < 4500, path.name
        assert len(font.getGlyphOrder()) > 30000  # and every other glyph is still there

