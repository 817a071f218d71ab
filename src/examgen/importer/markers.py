"""The markers documents use: question numbers and headings, answer and analysis labels,
section headings, announced counts. Written in simplified script, they match both."""

from __future__ import annotations

import re

from .script import CN_NUMERAL, script_re

NUMBER = re.compile(r"(?<![\d.．])(\d{1,3})\s*[.．、](?!\d)\s*")
ANSWER_INLINE = script_re(r"(?:【\s*(?:参考)?答案\s*】\s*[:：]?|(?:参考)?答案\s*[:：])")
SECTION_INLINE = script_re(
    rf"(?<![第其之{CN_NUMERAL}])([{CN_NUMERAL}]{{1,4}})\s*、\s*"
    r"([^\n。，,；;？?！!:：、]{2,30}?)\s*(?=\d{1,3}\s*[.．、](?!\d))")
ANALYSIS = script_re(r"(?:【\s*解析\s*】\s*[:：]?|解析\s*[:：])")
_FIELD_WORDS = {
    "scoring_points": "评分点|评分要点|得分点|评分标准",
    "expectations": "期望|面试官期望|期望回答",
    "purpose": "考察目的|考查目的|考核目的|考察点|考查点|考察要点",
}
# The analysis fields (named PARTS before analyses had parts of their own).
PARTS = {name: script_re(rf"({words})\s*[:：]") for name, words in _FIELD_WORDS.items()}
_ANY_FIELD = "|".join(_FIELD_WORDS.values())
_AT_BOUNDARY = r"(?:^|(?<=[\n。！？!?；;]))[ \t]*"
_ENUMERATOR = rf"(?:[（(]?[{CN_NUMERAL}\d]{{1,3}}[)）、.．]\s*)?"
_NOT_A_LABEL = rf"(?!(?:{_ANY_FIELD}|解析|答案|参考答案)\s*[:：])"
# A part of an analysis scored on its own (`价值理解部分:`, `第一部分`, `第二部分：语言表达`),
# at a line start or after a sentence, before a field label or on a line of its own …
PART_HEADING = script_re(
    rf"{_AT_BOUNDARY}{_ENUMERATOR}{_NOT_A_LABEL}(?P<head>"
    rf"第\s*[{CN_NUMERAL}\d]{{1,3}}\s*部分(?:\s*[:：、]\s*[^\n。；;:：，,！？!?]{{1,16}})?"
    r"|[^\n。；;:：，,！？!?]{1,16}?部分)\s*[:：]?"
    rf"(?=\s*(?:{_ANY_FIELD})\s*[:：]|[ \t]*(?:\n|$))")
# … or a short name with a colon right before a field label (`语言与表达:评分点:…`).
PART_NAME = script_re(
    rf"{_AT_BOUNDARY}{_ENUMERATOR}{_NOT_A_LABEL}(?P<head>[^\n。；;:：，,！？!?]{{2,16}}?)\s*[:：]"
    rf"(?=\s*(?:{_ANY_FIELD})\s*[:：])")
QUESTION_LINE = script_re(
    rf"^(?:第\s*([{CN_NUMERAL}\d]+)\s*[题道]|问题\s*(\d+)|(\d{{1,3}})\s*[、.．](?!\d))\s*[:：、.．]?\s*(.*)$")
ANSWER_LINE = script_re(r"^(?:【\s*(?:参考)?答案\s*】|(?:参考)?答案|答)\s*(?:[:：]\s*(.*)|$)")
ANALYSIS_LINE = script_re(r"^【?\s*解析\s*】?\s*(?:[:：]\s*(.*)|$)")
SECTION_LINE = script_re(
    rf"^(?:([{CN_NUMERAL}]{{1,4}})\s*、|第\s*([{CN_NUMERAL}\d]+)\s*部分\s*[:：、]?)"
    r"\s*([^。，,；;？?！!]{2,30})$")
ANNOUNCED = script_re(r"共\s*(\d{1,4})\s*[道个]?\s*题")
LIST_ITEM = re.compile(r"^(\d{1,2}\s*[.．、)）]|[（(]\s*\d{1,2}\s*[)）]|[①-⑳]|[-•·●▪*]\s)")
POINT = script_re(r"^(要点|第[一二三四五六七八九十]+[点步条]|首先|其次|再次|最后)")
PAGE_TITLE = script_re(r"^(.{2,80}?)_第\s*\d+\s*页\s*$")

# Choice items (shape C): `一、单选题(共15题,每题2分,合计30分)`, `1.题干:…`, `-A.…`, `答案:A,C`.
CHOICE_SECTION = script_re(
    rf"^([{CN_NUMERAL}]{{1,4}})\s*[、.．]\s*([^(（\n]{{1,24}}?)\s*(?:[(（]([^)）]*)[)）])?\s*[:：]?$")
ITEM = script_re(r"^(\d{1,3})\s*[.．、](?!\d)\s*(?:【\s*题干\s*】|题干\s*[:：])?\s*(.*)$")
OPTION = re.compile(r"^[-•·●▪*]?\s*[(（]?([A-H])\s*(?:[.．、:：]|[)）])\s*(.*)$")
INLINE_OPTION = re.compile(r"(?:(?<=\s)|(?<=[?？]))[(（]?([A-H])\s*(?:[.．、]|[)）])")
LETTERS = script_re(r"^([A-Ha-h](?:\s*[,，、/;；和及]?\s*[A-Ha-h])*)\s*[。.]?\s*"
                    r"(?:解析\s*[:：]\s*(.*))?$")
TRUE_FALSE = script_re(r"^(对|错|正确|错误|√|×|✓|✗|是|否|T|F)\s*[。.]?$")
EACH_POINTS = script_re(r"每\s*[小道]?题\s*(\d+(?:\.\d+)?)\s*分")
