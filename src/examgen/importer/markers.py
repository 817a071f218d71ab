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
PARTS = {
    "scoring_points": script_re(r"(评分点|评分要点|得分点|评分标准)\s*[:：]"),
    "expectations": script_re(r"(期望|面试官期望|期望回答)\s*[:：]"),
    "purpose": script_re(r"(考察目的|考查目的|考核目的|考察点|考查点|考察要点)\s*[:：]"),
}
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
