"""Step 2, clean: line endings, invisible characters, pinyin readings glued to characters
(`業(yè)` → `業`), and the site's boilerplate lines and footer."""

from __future__ import annotations

import re

from .markers import QUESTION_LINE
from .script import script_re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTER = rf"a-zü\u0300-\u036f{_TONED}"  # pinyin letters, precomposed or combining tones
_PINYIN = rf"[(（](?=[{_LETTER}]*[\u0300-\u036f{_TONED}])[{_LETTER}]{{1,8}}[)）]"
# (a PDF line may break between the character and its reading)
_READING_AFTER_HAN = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])\n?{_PINYIN}")
_READING_AFTER_LATIN = re.compile(rf"(?<=[A-Za-z])\n?{_PINYIN}")
DAMAGED = "\x00"  # marks a character garbled into a Latin letter (`I(yè)`) until parsing ends


def remove_readings(text: str) -> str:
    """Drop pinyin readings glued to characters: `業(yè)` → `業`; `I(yè)` → `I` (marked as
    damage). Other parentheses, `(CLV)`, `(如適用)`, stay."""
    text = _READING_AFTER_HAN.sub("", text)
    return _READING_AFTER_LATIN.sub(DAMAGED, text)


def clean_text(text: str) -> str:
    """Line endings, invisible characters and pinyin readings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(DAMAGED, "")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text).replace("\xa0", " ")
    text = re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+|\*\*", "", text)  # Markdown headings, bold
    return remove_readings(text)


# Whole lines that are the site's, not the document's.
_BOILERPLATE = [script_re(p) for p in (
    r"_第\s*\d+\s*页\s*$",  # page markers "标题_第1頁"
    r"^第\s*\d+\s*页\s*([,，/]?\s*共\s*\d+\s*页)?\s*$",
    r"^-?\s*\d{1,3}\s*-?$",  # lone page numbers
    r"^已阅读\s*\d+\s*页", r"还剩\s*\d+\s*页未读", r"^继续(免费)?阅读",
    r"^(免费|立即|点击)?下载(本文档|文档|全文|原文档|此文档)?\s*$",
    r"^版权(说明|声明|所有)", r"^文档简介\s*$", r"^本文档由.{0,20}(提供|上传)",
    r"^(内容提供方|上传人|文档页数|页数|文档格式|文档大小|上传时间)\s*[:：]",
    r"^(举报|收藏|分享|打印|在线阅读)\s*$",
    r"^[-•·●▪*]\s*\d+\s*[、.．]?.*(本站|本文档|网站|平台|付费|下载|上传|版权|侵权|网友|用户)",
)]
# The line where the site's footer starts: it and everything after it are dropped.
_FOOTER = [script_re(p) for p in (
    r"^(温馨提示|最新文档|相关文档|相关资源|相关搜索|猜你喜欢|精品文档|推荐文档|热门文档)\s*[:：]?\s*$",
    r"^(文档)?评论\s*([(（]\s*\d+\s*[)）])?\s*$", r"^(提交|发表)评论\s*$",
    r"^全文预览已结束", r"^(下载|查看)全文", r"^本文档(预览|试读)已结束",
)]
_SITE_NAME = script_re(r"^[^\s:：,，。；;]{1,12}(文档|文库|资料|网|站)$")


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE)


def strip_site(lines: list[str]) -> list[str]:
    """Drop boilerplate lines and cut the footer (with the site name just above it)."""
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if kept and any(p.search(stripped) for p in _FOOTER):
            break
        if stripped and not _is_boilerplate(stripped):
            kept.append(stripped)
    while kept and _SITE_NAME.match(kept[-1]) and not QUESTION_LINE.match(kept[-1]):
        kept.pop()
    return kept
