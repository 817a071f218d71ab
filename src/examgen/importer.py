"""Import question-bank documents users already have (.txt/.md, .docx, .pdf) into a bank file.

Two shapes are recognised (see /work/shared/import-formats.md and the README):

* A, "run-on preview": sections `一、维度` with questions `1.…答案:…` on one long line;
* B, "line-based with analysis": `第一题` / `问题1` / `1、` headings, `答案:` and `解析:` lines.

Site boilerplate and pinyin readings glued to characters (`業(yè)`) are removed first. The
result is a question file `examgen validate` accepts (plus a roles.yaml entry when it is safe
to add one) and a report of what was found, inferred, truncated, garbled or unprintable.
"""

from __future__ import annotations

import re
import shlex
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .bank import ID_PATTERN, ROLES_FILE, bank_files, load_bank
from .errors import BankErrors, ExamgenError

DEFAULT_DIFFICULTY = "medium"
DEFAULT_MINUTES = 5
DEFAULT_POINTS = 10
SUFFIXES = {".txt": "text", ".md": "text", ".text": "text", ".docx": "docx", ".pdf": "pdf"}
# The shipped dimensions, for inferring a question's dimension from its wording.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "motivation": (
        "为什么选择", "为什么想", "为什么离开", "为什么来", "离职", "职业规划", "职业发展",
        "职业目标", "动机", "自我介绍", "介绍一下你", "介绍一下自己", "优点", "缺点", "优势",
        "劣势", "性格", "评价自己", "描述你自己", "描述自己", "兴趣", "薪资", "期望薪",
        "加入我们", "吸引你", "三年后", "五年后", "未来三年", "未来五年", "求职", "应聘",
        "这个岗位", "这份工作"),
    "knowledge": (
        "什么是", "解释", "含义", "定义", "概念", "指标", "计算", "公式", "原理", "流程", "体系",
        "标准", "工具", "系统", "模型", "维护", "SLA", "KPI", "NPS", "CSAT", "AHT", "FCR", "CLV",
        "专业", "知识", "区别", "有哪些", "包括哪些"),
    "situational": (
        "如果", "假如", "假设", "遇到", "突发", "紧急", "投诉", "危机", "情绪激动", "怎么办",
        "如何处理", "怎么处理", "怎样处理", "你会怎么", "你会如何", "场景", "情境", "宕机",
        "故障"),
    "teamwork": (
        "团队", "协作", "沟通", "同事", "上级", "领导", "下属", "跨部门", "冲突", "合作", "配合",
        "意见不合", "意见不一致", "分歧", "协调", "组长"),
    "potential": (
        "学习", "成长", "文化", "价值观", "压力", "适应", "变化", "变革", "创新", "新技能",
        "反馈", "失败", "挫折", "学到", "反思", "挑战", "潜力", "自我提升", "提升自己"),
}
FALLBACK_DIMENSION = "knowledge"


# ---------------------------------------------------------------------------- data


@dataclass
class Analysis:
    scoring_points: list[str] = field(default_factory=list)
    expectations: str = ""
    purpose: str = ""

    def is_empty(self) -> bool:
        return not (self.scoring_points or self.expectations or self.purpose)


@dataclass
class RawQuestion:
    """One question as the document gives it, before it gets an id and a dimension."""

    source: str  # where it is in the document, e.g. "二、第3题" or "第十一题"
    heading: str | None  # the section heading it sits under, as written
    question: str
    answer: str
    analysis: Analysis = field(default_factory=Analysis)
    truncated: bool = False  # cut off by the end of the preview
    partial: str = ""  # the cut-off answer, kept out of `answer` (it goes into a comment)
    garbled: bool = False  # encoding damage found in its text


@dataclass
class ImportResult:
    shape: str  # "A" or "B"
    title: str  # the document's title, "" when none was found
    announced: int | None  # "共20题"
    questions: list[RawQuestion]


@dataclass
class Placed:
    """A question with its bank id and dimension, and how the dimension was decided."""

    raw: RawQuestion
    id: str
    dimension: str
    how: str  # "heading" | "inferred" | "option"
    keywords: tuple[str, ...] = ()


@dataclass
class RolesPlan:
    text: str | None  # new roles.yaml text, None when left as it is
    created: bool = False
    role_added: bool = False
    new_dimensions: dict[str, str] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    file: str
    output: str
    bank: str
    shape: str
    role: str
    title: str
    announced: int | None
    placed: list[Placed]
    dimensions: dict[str, str]  # the bank's dimensions after the import, id → title
    roles: RolesPlan
    unprintable: list[dict[str, Any]]
    next_command: str | None
    notes: list[str] = field(default_factory=list)

    def ids(self, test) -> list[str]:
        return [p.id for p in self.placed if test(p)]

    def per_dimension(self) -> dict[str, int]:
        counts = Counter(p.dimension for p in self.placed)
        return {d: counts[d] for d in self.dimensions if counts[d]}

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "shape": self.shape,
            "questions": len(self.placed),
            "per_dimension": self.per_dimension(),
            "missing_answers": self.ids(lambda p: not p.raw.answer.strip()),
            "truncated": self.ids(lambda p: p.raw.truncated),
            "inferred": self.ids(lambda p: p.how == "inferred"),
            "announced": self.announced,
            "garbled": self.ids(lambda p: p.raw.garbled),
            "unprintable": self.unprintable,
            "bank": self.bank,
            "output": self.output,
            "role": self.role,
            "new_dimensions": self.roles.new_dimensions,
            "roles_file": ("created" if self.roles.created else
                           "updated" if self.roles.text is not None else "unchanged"),
            "next": self.next_command,
            "notes": [*self.notes, *self.roles.hints],
        }


# ---------------------------------------------------------------------------- script helpers


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(f"{config}.json")


def to_simplified(text: str) -> str:
    """Traditional → simplified script (OpenCC `t2s`)."""
    return _converter("t2s").convert(text)


@cache
def _variants(char: str) -> str:
    return "".join(dict.fromkeys(char + _converter("s2t").convert(char) +
                                 _converter("t2s").convert(char)))


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written in simplified script so it matches traditional script too:
    every CJK character becomes a class of its simplified and traditional forms."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        if "\u3400" <= char <= "\u9fff":
            forms = _variants(char)
            out.append(forms if in_class or len(forms) == 1 else f"[{forms}]")
        else:
            out.append(char)
    return re.compile("".join(out), flags)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "零〇一二两兩三四五六七八九十百"


def cn_number(text: str) -> int | None:
    """`十一` → 11, `二十` → 20, `一百零五` → 105, `12` → 12; None when not a number."""
    text = text.strip()
    if text.isdecimal():
        return int(text)
    total = current = 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char in "十百":
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
        else:
            return None
    return total + current if text else None


# ---------------------------------------------------------------------------- reading


def _display(path: Path) -> str:
    return str(path)


def read_text(path: Path | str) -> str:
    """The text of a .txt/.md, .docx or text-based .pdf file; ExamgenError naming the file
    when it cannot be read."""
    return read_document(Path(path))[0]


def read_document(path: Path) -> tuple[str, bool]:
    """(text, wrapped): `wrapped` is true for PDFs, whose lines are layout lines."""
    from .limits import MAX_DOCUMENT_BYTES, check_file_size

    name = _display(path)
    check_file_size(path, MAX_DOCUMENT_BYTES, "文档")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ExamgenError("这是文件夹，不是文件", name) from None
    except OSError as exc:
        raise ExamgenError(f"无法读取：{exc.strerror or exc}", name) from None
    kind = _sniff(data) or SUFFIXES.get(path.suffix.lower())
    if kind == "doc":
        raise ExamgenError("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入", name)
    if kind is None:
        raise ExamgenError(f"不支持的文件类型「{path.suffix or '无扩展名'}」"
                           "（支持 .txt、.md、.docx、.pdf）", name)
    if kind == "pdf":
        text = _read_pdf(data, name)
    elif kind == "docx":
        text = _read_docx(data, name)
    else:
        text = _decode(data, name)
    if not text.strip():
        raise ExamgenError("文件中没有可读取的文字" +
                           ("（可能是扫描件，请先做文字识别）" if kind == "pdf" else ""), name)
    return text, kind == "pdf"


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return None


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise ExamgenError("不是文本文件（含二进制内容）", name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in ("gb18030", "cp950"):  # simplified (GBK), then traditional (Big5)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        odd = len(re.findall(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]", text))
        if encoding == "cp950" or odd * 20 <= len(re.findall(r"[^\x00-\x7f]", text)):
            return text
    raise ExamgenError("无法识别文字编码（请另存为 UTF-8 文本）", name)


def _read_docx(data: bytes, name: str) -> str:
    import io

    import docx
    from docx.table import Table

    from .limits import check_zip

    check_zip(name, data, what="Word 文件")  # a zip bomb is refused before it is unpacked
    lines: list[str] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        lines.extend(p.text for p in cell.paragraphs)
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged file
        raise ExamgenError(f"无法打开 Word 文件，文件可能已损坏（{type(exc).__name__}）",
                           name) from None
    return "\n".join(lines)


def _read_pdf(data: bytes, name: str) -> str:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExamgenError("PDF 已加密，无法读取文字", name)
        pages = [(page.extract_text() or "").strip("\n").split("\n") for page in reader.pages]
    except ExamgenError:
        raise
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise ExamgenError(f"无法读取 PDF（{type(exc).__name__}）", name) from None
    return "\n".join(line for page in _without_running_lines(pages) for line in page)


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop a page's first or last line when most pages start or end with it (running
    headers and footers; digits are ignored so page numbers match)."""
    if len(pages) < 3:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    out = [page[:] for page in pages]
    for index in (0, -1):
        counts = Counter(key(page[index]) for page in pages if page and page[index].strip())
        for page in out:
            if page and page[index].strip() and counts[key(page[index])] * 2 > len(pages):
                page.pop(index)
    return out


# ---------------------------------------------------------------------------- cleaning

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
_BOILERPLATE = [_re(p) for p in (
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
_FOOTER = [_re(p) for p in (
    r"^(温馨提示|最新文档|相关文档|相关资源|相关搜索|猜你喜欢|精品文档|推荐文档|热门文档)\s*[:：]?\s*$",
    r"^(文档)?评论\s*([(（]\s*\d+\s*[)）])?\s*$", r"^(提交|发表)评论\s*$",
    r"^全文预览已结束", r"^(下载|查看)全文", r"^本文档(预览|试读)已结束",
)]
_SITE_NAME = _re(r"^[^\s:：,，。；;]{1,12}(文档|文库|资料|网|站)$")


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in _BOILERPLATE)


def _strip_site(lines: list[str]) -> list[str]:
    """Drop boilerplate lines and cut the footer (with the site name just above it)."""
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if kept and any(p.search(stripped) for p in _FOOTER):
            break
        if stripped and not _is_boilerplate(stripped):
            kept.append(stripped)
    while kept and _SITE_NAME.match(kept[-1]) and not _QUESTION_LINE.match(kept[-1]):
        kept.pop()
    return kept


def _join(left: str, right: str) -> str:
    """Join two pieces of one paragraph: a space only between two Latin words."""
    if left and right and re.match(r"[A-Za-z0-9,;:)]", left[-1]) and re.match(r"[A-Za-z0-9(]",
                                                                             right[0]):
        return f"{left} {right}"
    return left + right


_END = "。！？!?…」』”\"'）)》；;~～"


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    return bool(text) and text[-1] in _END


# ---------------------------------------------------------------------------- markers

_NUMBER = re.compile(r"(?<![\d.．])(\d{1,3})\s*[.．、](?!\d)\s*")
_ANSWER_INLINE = _re(r"(?:【\s*(?:参考)?答案\s*】\s*[:：]?|(?:参考)?答案\s*[:：])")
_SECTION_INLINE = _re(
    rf"(?<![第其之{CN_NUMERAL}])([{CN_NUMERAL}]{{1,4}})\s*、\s*"
    r"([^\n。，,；;？?！!:：、]{2,30}?)\s*(?=\d{1,3}\s*[.．、](?!\d))")
_ANALYSIS = _re(r"(?:【\s*解析\s*】\s*[:：]?|解析\s*[:：])")
_PARTS = {
    "scoring_points": _re(r"(评分点|评分要点|得分点|评分标准)\s*[:：]"),
    "expectations": _re(r"(期望|面试官期望|期望回答)\s*[:：]"),
    "purpose": _re(r"(考察目的|考查目的|考核目的|考察点|考查点|考察要点)\s*[:：]"),
}
_QUESTION_LINE = _re(
    rf"^(?:第\s*([{CN_NUMERAL}\d]+)\s*[题道]|问题\s*(\d+)|(\d{{1,3}})\s*[、.．](?!\d))\s*[:：、.．]?\s*(.*)$")
_ANSWER_LINE = _re(r"^(?:【\s*(?:参考)?答案\s*】|(?:参考)?答案|答)\s*(?:[:：]\s*(.*)|$)")
_ANALYSIS_LINE = _re(r"^【?\s*解析\s*】?\s*(?:[:：]\s*(.*)|$)")
_SECTION_LINE = _re(rf"^(?:([{CN_NUMERAL}]{{1,4}})\s*、|第\s*([{CN_NUMERAL}\d]+)\s*部分\s*[:：、]?)"
                    r"\s*([^。，,；;？?！!]{2,30})$")
_ANNOUNCED = _re(r"共\s*(\d{1,4})\s*[道个]?\s*题")
_LIST_ITEM = re.compile(r"^(\d{1,2}\s*[.．、)）]|[（(]\s*\d{1,2}\s*[)）]|[①-⑳]|[-•·●▪*]\s)")
_POINT = _re(r"^(要点|第[一二三四五六七八九十]+[点步条]|首先|其次|再次|最后)")
_PAGE_TITLE = _re(r"^(.{2,80}?)_第\s*\d+\s*页\s*$")


# ---------------------------------------------------------------------------- shape


def detect_shape(text: str) -> str | None:
    """"A" (run-on sections and `1.…答案:` inline), "B" (headings and `答案:` on their own
    lines) or None when neither shape is there."""
    lines = _strip_site(clean_text(text).split("\n"))
    return _shape(lines)


def _shape(lines: list[str]) -> str | None:
    inline = line_answers = headings = 0
    for line in lines:
        if _ANSWER_LINE.match(line) or _ANALYSIS_LINE.match(line):
            line_answers += 1
        if _QUESTION_LINE.match(line):
            headings += 1
        for match in _NUMBER.finditer(line):
            rest = line[match.end():match.end() + 300]
            found = _ANSWER_INLINE.search(rest)
            nxt = _NUMBER.search(rest)
            if found and (not nxt or nxt.start() > found.start()) and found.start() > 0:
                inline += 1
        inline += 2 * len(_SECTION_INLINE.findall(line))
    if inline > line_answers and inline >= 1:
        return "A"
    if line_answers and headings:
        return "B"
    return None


# ---------------------------------------------------------------------------- parsing


def parse(text: str, *, wrapped: bool = False, simplified: bool = False) -> ImportResult:
    """Find the questions of a document's text. `wrapped`: lines are layout lines (PDF).
    `simplified`: convert traditional script to simplified first. Raises ExamgenError
    (without a file name) for an unknown shape or when no question is found."""
    text = clean_text(text)
    if simplified:
        text = to_simplified(text)
    raw_lines = text.split("\n")
    lines = _strip_site(raw_lines)
    shape = _shape(lines)
    if shape is None:
        raise ExamgenError("无法识别题库格式：没有找到「1.…答案:」或「第一题 … 答案:」这样的题目")
    title = _title(raw_lines)
    if shape == "A":
        questions, preamble = _parse_a(lines)
    else:
        questions, preamble = _parse_b(_unwrap(lines) if wrapped else lines)
    for q in questions:
        _finish(q)
    questions = [q for q in questions if q.question]
    if not questions:
        raise ExamgenError("没有找到任何题目（找到了题号，但没有题目文字）")
    announced = _ANNOUNCED.search(preamble)
    return ImportResult(shape=shape, title=title or _title_from_preamble(preamble),
                        announced=int(announced.group(1)) if announced else None,
                        questions=questions)


def _title(raw_lines: list[str]) -> str:
    """The title the site repeats in its page markers (`标题_第1页`)."""
    for line in raw_lines:
        match = _PAGE_TITLE.match(line.strip())
        if match:
            return match.group(1).strip()
    return ""


def _title_from_preamble(preamble: str) -> str:
    for line in preamble.split("\n"):
        if re.search(r"[\u3400-\u9fff]", line) and _re(r"面试|题库|试题|笔试").search(line):
            return line.strip()
    return ""


def _finish(q: RawQuestion) -> None:
    """Mark encoding damage, drop the damage marks, tidy every text."""
    texts = [q.question, q.answer, q.partial, q.analysis.expectations, q.analysis.purpose,
             *q.analysis.scoring_points]
    q.garbled = q.garbled or any(is_garbled(t) for t in texts)

    def tidy(value: str) -> str:
        value = value.replace(DAMAGED, "")
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in value.split("\n")]
        return "\n".join(line for line in lines if line)

    q.question, q.answer, q.partial = tidy(q.question), tidy(q.answer), tidy(q.partial)
    q.analysis = Analysis([p for p in (tidy(s) for s in q.analysis.scoring_points) if p],
                          tidy(q.analysis.expectations), tidy(q.analysis.purpose))


# --- shape A


@dataclass
class _Cand:
    number: int
    start: int  # where the number starts
    end: int  # where the question text starts


def _parse_a(lines: list[str]) -> tuple[list[RawQuestion], str]:
    body = ""
    for line in lines:
        body = _join(body, line)
    sections = _sections_a(body)
    questions: list[RawQuestion] = []
    if not sections:
        sections = [(0, 0, len(body), None, "")]
    preamble = body[:sections[0][0]]
    for index, (_, start, end, heading, label) in enumerate(sections):
        last = index == len(sections) - 1
        text = body[start:end]
        cands = [_Cand(int(m.group(1)), m.start(), m.end()) for m in _NUMBER.finditer(text)]
        markers = [(m.start(), m.end()) for m in _ANSWER_INLINE.finditer(text)]
        chain = _chain(text, cands, markers, last)
        if chain and heading is None and index == 0:
            preamble = body[:start + chain[0].start]
        for i, cand in enumerate(chain):
            stop = chain[i + 1].start if i + 1 < len(chain) else len(text)
            final = last and i == len(chain) - 1
            questions.append(_unit_a(text[cand.end:stop], markers, cand.end, heading,
                                     f"{label}第{cand.number}题", final))
    return questions, preamble


def _sections_a(body: str) -> list[tuple[int, int, int, str | None, str]]:
    """(start, content start, end, heading as written, label) of each `一、维度` section."""
    found: list[tuple[int, int, str, str]] = []
    expected: int | None = None
    for match in _SECTION_INLINE.finditer(body):
        number = cn_number(match.group(1))
        if number is None or number != (expected or 1):
            continue
        found.append((match.start(), match.end(), match.group(2).strip(), match.group(1)))
        expected = number + 1
    out = []
    for i, (start, content, heading, numeral) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(body)
        out.append((start, content, end, heading, f"{numeral}、"))
    return out


def _chain(text: str, cands: list[_Cand], markers: list[tuple[int, int]],
           final: bool) -> list[_Cand]:
    """The numbers that really start questions: consecutive (1, 2, 3, …), each question
    holding at most one answer marker, preferring the reading where questions are short,
    start after a sentence and hold no numbered list of their own."""
    by_number: dict[int, list[_Cand]] = {}
    for cand in cands:
        by_number.setdefault(cand.number, []).append(cand)
    if not by_number:
        return []
    at_start = [c for c in cands if not text[:c.start].strip()]
    if at_start:  # a section starts with its first question
        first = at_start[0].number
        by_number[first] = at_start[:1]
    else:
        first = 1 if 1 in by_number else min(by_number)
    best: dict[int, tuple[float, _Cand | None]] = {}  # id(cand) → (score, previous)
    keep: dict[int, _Cand] = {}
    for cand in by_number[first]:
        best[id(cand)] = (-_start_penalty(text, cand), None)
        keep[id(cand)] = cand
    number = first
    while number + 1 in by_number:
        for nxt in by_number[number + 1]:
            options = []
            for cand in by_number[number]:
                if id(cand) not in best or cand.end > nxt.start:
                    continue
                score = _unit_score(text, cand, nxt.start, markers, False)
                if score is not None:
                    options.append((best[id(cand)][0] + score - _start_penalty(text, nxt), cand))
            if options:
                score, previous = max(options, key=lambda o: o[0])
                best[id(nxt)] = (score, previous)
                keep[id(nxt)] = nxt
        number += 1
    ends = []
    for key, (score, _) in best.items():
        cand = keep[key]
        tail = _unit_score(text, cand, len(text), markers, final)
        ends.append((score + (tail if tail is not None else -50), cand.start, cand))
    _, _, last = max(ends, key=lambda e: (e[0], -e[1]))
    chain = [last]
    while best[id(chain[-1])][1] is not None:
        chain.append(best[id(chain[-1])][1])
    return chain[::-1]


def _start_penalty(text: str, cand: _Cand) -> float:
    before = text[:cand.start].rstrip(" ")
    if not before or before[-1] in _END + "\n.":
        return 0
    return 3 if before[-1] in "，,、：:" else 1


def _unit_score(text: str, cand: _Cand, end: int, markers: list[tuple[int, int]],
                final: bool) -> float | None:
    inside = [m for m in markers if cand.end <= m[0] and m[1] <= end]
    if len(inside) >= 2:
        return None
    if inside:
        question = text[cand.end:inside[0][0]]
        return 10 - _question_penalty(question) if question.strip() else None
    unit = text[cand.end:end]
    mark = re.search(r"[?？]", unit[:300])
    if mark and unit[:mark.start()].strip():
        return 6 - _question_penalty(unit[:mark.end()])
    return 1 if final else -2


def _question_penalty(question: str) -> float:
    return len(question) / 150 + (5 if _NUMBER.search(question) else 0)


def _unit_a(unit: str, markers: list[tuple[int, int]], offset: int, heading: str | None,
            source: str, final: bool) -> RawQuestion:
    """One question's text (after its number) → question, answer, analysis."""
    marker = next(((s - offset, e - offset) for s, e in markers
                   if s >= offset and e - offset <= len(unit)), None)
    if marker:
        question, answer = unit[:marker[0]], unit[marker[1]:]
    else:
        mark = re.search(r"[?？]", unit[:300])
        if mark:
            cut = mark.end()
            # "…什么？…什么？" : a second short question sentence belongs to the question
            more = re.match(r"[^。！!？?]{1,40}[?？]", unit[cut:])
            if more:
                cut += more.end()
            question, answer = unit[:cut], unit[cut:]
        else:
            question, answer = unit, ""
    answer, analysis = split_analysis(answer)
    q = RawQuestion(source=source, heading=heading, question=question.strip(),
                    answer=_structure(answer.strip()), analysis=analysis)
    if final:
        _mark_truncated(q, unit)
    return q


def _structure(answer: str) -> str:
    """Put each item of a numbered list in a run-on answer on its own line
    (`1.…；2.…；3.…` or `（1）…（2）…` or `①…②…`)."""
    for pattern in (r"(?<![\d.．])(\d{1,2})\s*[.．、](?!\d)", r"[（(](\d{1,2})[)）]",
                    r"([①-⑳])"):
        positions, expected = [], 1
        for match in re.finditer(pattern, answer):
            value = match.group(1)
            number = int(value) if value.isdecimal() else ord(value) - ord("①") + 1
            if number == expected:
                positions.append(match.start())
                expected += 1
        if len(positions) >= 2:
            for pos in reversed(positions):
                if pos > 0:
                    answer = answer[:pos].rstrip() + "\n" + answer[pos:]
            return answer
    return answer


def split_analysis(text: str) -> tuple[str, Analysis]:
    """Split an answer at `解析:` (or at `评分点:` / `考察目的:` when there is no 解析)
    into the answer and its analysis fields."""
    start = _ANALYSIS.search(text)
    if start:
        return text[:start.start()], _analysis(text[start.end():])
    firsts = [m for m in (_PARTS["scoring_points"].search(text), _PARTS["purpose"].search(text))
              if m]
    if not firsts:
        return text, Analysis()
    cut = min(m.start() for m in firsts)
    return text[:cut], _analysis(text[cut:])


def _analysis(text: str) -> Analysis:
    """`评分点:… 期望:… 考察目的:…` → the bank's analysis fields; free text before the
    first part counts as expectations."""
    found = sorted((m.start(), m.end(), name) for name, pattern in _PARTS.items()
                   for m in pattern.finditer(text))
    parts: dict[str, list[str]] = {name: [] for name in _PARTS}
    free = text[:found[0][0]] if found else text
    for i, (_, end, name) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        parts[name].append(text[end:stop].strip())
    expectations = "\n".join(p for p in [free.strip(), *parts["expectations"]] if p)
    return Analysis(scoring_points=_points("\n".join(parts["scoring_points"])),
                    expectations=expectations, purpose="\n".join(parts["purpose"]))


def _points(text: str) -> list[str]:
    """Scoring points: one per line, or split at `；` / numbered items in a single line."""
    text = text.strip()
    if not text:
        return []
    items = text.split("\n") if "\n" in text else re.split(r"[；;]|(?<=。)|\s(?=\d+[.．、])",
                                                             _structure(text).replace("\n", " "))
    out = []
    for item in items:
        item = re.sub(r"^(\d{1,2}\s*[.．、)）]|[（(]\d{1,2}[)）]|[①-⑳]|[-•·●▪*])\s*", "",
                      item.strip())
        item = item.strip().rstrip("。；;，,")
        if item:
            out.append(item)
    return out


def _mark_truncated(q: RawQuestion, tail: str, expect_analysis: bool = False) -> None:
    """The last question of a preview is cut off when the document's last text (`tail`)
    does not end a sentence, when it has no answer, or when it lacks the analysis the
    other questions have. A cut answer moves to `partial` (the answer is left empty)."""
    if _ends_sentence(tail) and q.answer and (not expect_analysis
                                               or not q.analysis.is_empty()):
        return
    q.truncated = True
    if q.analysis.is_empty() and not _ends_sentence(tail):
        q.partial, q.answer = q.answer, ""


# --- shape B


def _unwrap(lines: list[str]) -> list[str]:
    """Join PDF layout lines back into paragraphs: a line continues the one before unless
    that one ends a sentence or either is a heading, a marker or a list item."""
    out: list[str] = []
    for line in lines:
        if out and not _ends_sentence(out[-1]) and not _structural(out[-1]) \
                and not _structural(line):
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
    return out


def _structural(line: str) -> bool:
    return bool(_QUESTION_LINE.match(line) or _ANSWER_LINE.match(line)
                or _ANALYSIS_LINE.match(line) or _SECTION_LINE.match(line)
                or _LIST_ITEM.match(line) or _POINT.match(line) or _ANNOUNCED.search(line)
                or any(p.match(line) for p in _PARTS.values())
                or (line.rstrip()[-1:] or "x") in ":：")


def _parse_b(lines: list[str]) -> tuple[list[RawQuestion], str]:
    heads = []  # (line index, number text, text after the heading)
    numeric = []
    for i, line in enumerate(lines):
        match = _QUESTION_LINE.match(line)
        if not match:
            continue
        if match.group(1) or match.group(2):
            heads.append((i, match.group(1) or f"问题{match.group(2)}", match.group(4)))
        else:
            numeric.append((i, match.group(3), match.group(4)))
    if not heads:  # only `1、` / `1.` headings: pick the ones that start questions
        heads = _numeric_heads(lines, numeric)
    questions: list[RawQuestion] = []
    heading: str | None = None
    preamble = "\n".join(lines[:heads[0][0]]) if heads else "\n".join(lines)
    starts = [h[0] for h in heads]
    for n, (index, number, rest) in enumerate(heads):
        stop = starts[n + 1] if n + 1 < len(heads) else len(lines)
        block = ([rest] if rest.strip() else []) + lines[index + 1:stop]
        next_heading = None
        if block and n + 1 < len(heads):  # a section title just above the next question
            section = _SECTION_LINE.match(block[-1])
            if section:
                next_heading = section.group(3).strip()
                block = block[:-1]
        if n == 0:
            above = lines[max(0, index - 1)] if index else ""
            section = _SECTION_LINE.match(above)
            heading = section.group(3).strip() if section else None
        label = number if number.startswith("问题") else f"第{number}题"
        if heading:
            label = f"「{heading}」{label}"
        final = n == len(heads) - 1
        expect = final and sum(not q.analysis.is_empty() for q in questions) * 2 > len(questions)
        questions.append(_block_b(block, heading, label, final, expect))
        if next_heading:
            heading = next_heading
    return questions, preamble


def _numeric_heads(lines: list[str], numeric: list[tuple[int, str, str]]):
    """The `1、` / `1.` lines that start questions, numbering restarting after each
    section title line (`二、专业知识`)."""
    starts = {i for i, _, _ in numeric}
    cuts = [0] + [i for i, line in enumerate(lines)
                  if _SECTION_LINE.match(line) and i + 1 in starts and i not in starts]
    cuts.append(len(lines))
    heads = []
    for n, (low, high) in enumerate(zip(cuts, cuts[1:], strict=False)):
        part = [(i, num, rest) for i, num, rest in numeric if low <= i < high]
        heads += _chain_lines(lines, part, final=n == len(cuts) - 2)
    return heads


def _chain_lines(lines: list[str], numeric: list[tuple[int, str, str]], final: bool):
    text_lines = ["\n" + line for line in lines]
    offsets, pos = [], 0
    for line in text_lines:
        offsets.append(pos)
        pos += len(line)
    text = "".join(text_lines)
    cands = [_Cand(int(num), offsets[i] + 1, offsets[i] + 1 + len(lines[i]) - len(rest))
             for i, num, rest in numeric]
    low = offsets[numeric[0][0]] if numeric else 0
    markers = [(offsets[i], offsets[i] + len(text_lines[i])) for i, line in enumerate(lines)
               if _ANSWER_LINE.match(line) and offsets[i] >= low]
    if numeric:
        high = max(i for i, _, _ in numeric)
        later = [i for i in range(high + 1, len(lines)) if _SECTION_LINE.match(lines[i])]
        end = offsets[later[0]] if later and not final else len(text)
        text = text[:end]
        markers = [m for m in markers if m[1] <= end]
    chain = _chain(text, cands, markers, final)
    by_offset = {offsets[i] + 1: (i, num, rest) for i, num, rest in numeric}
    return [by_offset[c.start] for c in chain]


def _block_b(block: list[str], heading: str | None, source: str, final: bool,
             expect_analysis: bool = False) -> RawQuestion:
    question: list[str] = []
    answer: list[str] = []
    analysis: list[str] = []
    state = "question"
    marked = False  # an answer marker was seen
    for line in block:
        answer_mark = _ANSWER_LINE.match(line)
        analysis_mark = _ANALYSIS_LINE.match(line)
        if state == "question" and answer_mark:
            state, marked = "answer", True
            if answer_mark.group(1):
                answer.append(answer_mark.group(1))
        elif state != "analysis" and analysis_mark:
            state = "analysis"
            if analysis_mark.group(1):
                analysis.append(analysis_mark.group(1))
        elif state != "analysis" and (_PARTS["scoring_points"].match(line)
                                      or _PARTS["purpose"].match(line)):
            state = "analysis"
            analysis.append(line)
        else:
            {"question": question, "answer": answer, "analysis": analysis}[state].append(line)
    if not marked:
        # no answer marker: the question ends with its first line ending in ？
        split = next((i + 1 for i, line in enumerate(question) if line.rstrip()[-1:] in "?？"),
                     1)
        question, answer = question[:split], question[split:] + answer
    q = RawQuestion(source=source, heading=heading, question="".join(question).strip(),
                    answer="\n".join(answer).strip(), analysis=_analysis("\n".join(analysis)))
    if final:
        _mark_truncated(q, block[-1] if block else "", expect_analysis)
    return q


# ---------------------------------------------------------------------------- damage

_PRIVATE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd\x01-\x08\x0b-\x1f\x7f-\x9f]")
_RUN = re.compile(r"[^\x00-\x7f]{4,}")


def _as_gbk(text: str) -> bytes | None:
    try:  # Windows' GBK has the euro sign at 0x80, Python's codec does not
        return b"".join(b"\x80" if c == "€" else c.encode("gbk") for c in text)
    except UnicodeEncodeError:
        return None


def _as_latin1(text: str) -> bytes | None:
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return None


def is_garbled(text: str) -> bool:
    """Signs of a wrong-encoding round trip: private-use or replacement characters, runs
    of `?`, a character garbled into a Latin letter, or text that is UTF-8 read as GBK
    (or as Latin-1)."""
    if DAMAGED in text or _PRIVATE.search(text) or "??" in text:
        return True
    for run in _RUN.findall(text):
        for encode in (_as_gbk, _as_latin1):
            raw = encode(run)
            if raw is None:
                continue
            decoded = raw.decode("utf-8", errors="replace")
            good = len(re.findall(r"[\u4e00-\u9fff]", decoded))
            if good >= 3 and 4 * decoded.count("\ufffd") <= good and 2 * good >= len(decoded):
                return True
    return False


# ---------------------------------------------------------------------------- dimensions


def normalize_heading(text: str) -> str:
    """A heading or dimension title as compared: simplified script, no parentheses, no
    trailing 类 / 题 / 问题."""
    text = to_simplified(remove_readings(text).replace(DAMAGED, ""))
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    text = re.sub(r"[\s:：、.．]+", "", text)
    text = re.sub(r"(类)?(题目|问题|试题|题)$", "", text)
    return re.sub(r"类$", "", text)


def match_dimension(heading: str, dimensions: dict[str, str]) -> str | None:
    """The id of the dimension a heading names (by title or id), or None."""
    wanted = normalize_heading(heading)
    if not wanted:
        return None
    if heading.strip() in dimensions:
        return heading.strip()
    titles = {dim: normalize_heading(title) for dim, title in dimensions.items()}
    for dim, title in titles.items():
        if title == wanted:
            return dim
    for dim, title in titles.items():
        short = min(title, wanted, key=len)
        if len(short) >= 4 and (title in wanted or wanted in title):
            return dim
    return None


def infer_dimension(question: RawQuestion,
                    dimensions: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """A dimension from the wording (keywords of the shipped dimensions): the question
    counts most, the answer breaks ties. Falls back to knowledge when nothing matches."""
    ask = to_simplified(question.question)
    said = to_simplified(question.answer)
    best: tuple[float, str, tuple[str, ...]] | None = None
    for dim, words in KEYWORDS.items():
        if dim not in dimensions:
            continue
        hits = tuple(w for w in words if w in ask)
        score = 2 * len(hits) + 0.1 * sum(said.count(w) for w in words)
        if hits and (best is None or score > best[0]):
            best = (score, dim, hits)
    if best:
        return best[1], best[2]
    fallback = FALLBACK_DIMENSION if FALLBACK_DIMENSION in dimensions else next(iter(dimensions))
    return fallback, ()


def place(result: ImportResult, role: str, dimensions: dict[str, str],
          option: str | None = None, taken: set[str] | None = None
          ) -> tuple[list[Placed], dict[str, str]]:
    """Give every question a dimension and an id `ROLE-DIMENSION-NNN`.

    Headings map onto `dimensions` (id → title); unknown headings become new dimensions
    (returned as id → title, ids `extra-N`). Questions without a heading take `option`
    (a dimension id or title) or a dimension inferred from their wording. `taken`: ids
    already used elsewhere in the bank, never reused."""
    chosen: str | None = None
    if option is not None:
        chosen = match_dimension(option, dimensions)
        if chosen is None:
            raise ExamgenError(f"未知维度「{option}」，可选：{'、'.join(dimensions)}")
    new: dict[str, str] = {}
    placed: list[Placed] = []
    for q in result.questions:
        if q.heading:
            dim = match_dimension(q.heading, {**dimensions, **new})
            if dim is None:
                number = 1
                while f"extra-{number}" in dimensions or f"extra-{number}" in new:
                    number += 1
                dim = f"extra-{number}"
                new[dim] = q.heading.strip()
            placed.append(Placed(q, "", dim, "heading"))
        elif chosen is not None:
            placed.append(Placed(q, "", chosen, "option"))
        else:
            dim, words = infer_dimension(q, dimensions)
            placed.append(Placed(q, "", dim, "inferred", words))
    taken = taken or set()
    counters: Counter[str] = Counter()
    for p in placed:
        while True:
            counters[p.dimension] += 1
            qid = f"{role}-{p.dimension}-{counters[p.dimension]:03d}"
            if qid not in taken:
                break
        p.id = qid
    return placed, new


# ---------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Readable YAML for people: block style for text with line breaks, no line folding."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: Any, flow: bool = False) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=flow)


def _scalar(value: str) -> str:
    return _dump(value).removesuffix("\n...\n").strip()


def question_data(p: Placed) -> dict[str, Any]:
    """One bank question, keys in the bank's order."""
    q = p.raw
    data: dict[str, Any] = {
        "id": p.id, "dimension": p.dimension, "difficulty": DEFAULT_DIFFICULTY,
        "minutes": DEFAULT_MINUTES, "points": DEFAULT_POINTS, "question": q.question,
        "answer": q.answer,
    }
    analysis: dict[str, Any] = {}
    if q.analysis.scoring_points:
        analysis["scoring_points"] = list(q.analysis.scoring_points)
    if q.analysis.expectations:
        analysis["expectations"] = q.analysis.expectations
    if q.analysis.purpose:
        analysis["purpose"] = q.analysis.purpose
    if analysis:
        data["analysis"] = analysis
    return data


def bank_file_text(placed: list[Placed], role: str, dimensions: dict[str, str],
                   source: str, shape: str) -> str:
    """The question file: a header, then the questions grouped by dimension in the bank's
    order, each with a comment saying where it came from."""
    out = [f"# 由 examgen import 从「{Path(source).name}」导入"
           f"（形式 {shape}，共 {len(placed)} 题）。",
           f"# 难度、答题时间、分值为默认值（{DEFAULT_DIFFICULTY}、{DEFAULT_MINUTES} 分钟、"
           f"{DEFAULT_POINTS} 分），请按需修改。",
           f"roles: {_dump([role], flow=True).strip()}", "questions:"]
    order = {dim: i for i, dim in enumerate(dimensions)}
    ordered = sorted(placed, key=lambda p: order.get(p.dimension, len(order)))
    current = None
    for p in ordered:
        if p.dimension != current:
            current = p.dimension
            out.append(f"  # ---------------- {current} {dimensions.get(current, '')} "
                       "----------------")
        note = f"原文：{p.raw.source}"
        if p.how == "inferred":
            why = "、".join(p.keywords) if p.keywords else "无关键词，按默认"
            note += f"；维度按关键词推断（{why}），请核对"
        elif p.how == "option":
            note += "；维度由 --dimension 指定"
        out.append(f"  # {note}")
        if p.raw.garbled:
            out.append("  # 注意：此题有乱码，请对照原文修改")
        if p.raw.truncated:
            if p.raw.partial:
                out.append("  # 原文在此截断，答案不完整，已留空。预览中的残缺答案：")
                out.extend(f"  #   {line}" for line in p.raw.partial.split("\n"))
            elif not p.raw.answer:
                out.append("  # 原文在此截断，没有答案")
            else:
                out.append("  # 原文在此截断，解析可能不完整")
        elif not p.raw.answer:
            out.append("  # 原文没有参考答案，请补充")
        item = _dump([question_data(p)])
        out.extend(("  " + line) if line else line for line in item.rstrip("\n").split("\n"))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _block(lines: list[str], key: str) -> tuple[int, int, str] | None:
    """(index of `key:` line, index of its last child line, child indent) of a top-level
    block mapping in roles.yaml text; None when not a plain block mapping."""
    head = next((i for i, line in enumerate(lines)
                 if re.match(rf"{re.escape(key)}\s*:\s*(#.*)?$", line)), None)
    if head is None:
        return None
    last, indent = head, None
    for i in range(head + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        last = i
        if indent is None:
            indent = line[:len(line) - len(line.lstrip())]
    return (head, last, indent) if indent else None


def plan_roles(bank_dir: Path, role: str, title: str, mix: list[str],
               new_dimensions: dict[str, str], default_text: str) -> RolesPlan:
    """What to do to roles.yaml: add the new dimensions and the role (when missing) by
    inserting lines, so comments survive; when that is not safe, say what to add."""
    path = bank_dir / ROLES_FILE
    created = not path.is_file()
    text = default_text if created else path.read_text(encoding="utf-8-sig")
    data = yaml.safe_load(text) or {}
    roles = data.get("roles") if isinstance(data.get("roles"), dict) else {}
    plan = RolesPlan(text=None, created=created, new_dimensions=dict(new_dimensions))
    lines = text.rstrip("\n").split("\n")
    if new_dimensions:
        block = _block(lines, "dimensions")
        if block is None:
            wanted = "、".join(f"{d}: {t}" for d, t in new_dimensions.items())
            raise ExamgenError("无法自动在 roles.yaml 的 dimensions 中添加新维度，"
                               f"请手动添加：{wanted}", str(path))
        _, last, indent = block
        lines[last + 1:last + 1] = [f"{indent}{dim}: {_scalar(t)}  # examgen import 添加"
                                    for dim, t in new_dimensions.items()]
    weights = ", ".join(f"{dim}: 1" for dim in mix)
    if role in roles:
        spec = roles[role] if isinstance(roles[role], dict) else {}
        have = spec.get("mix") if isinstance(spec.get("mix"), dict) else {}
        missing = [d for d in mix if d not in have]
        if missing:
            add = ", ".join(f"{d}: 1" for d in missing)
            plan.hints.append(f"岗位 {role} 已在 roles.yaml 中，未修改；要抽到新导入维度的题，"
                              f"请在它的 mix 中加入：{add}")
    else:
        block = _block(lines, "roles")
        entry_indent = block[2] if block else "  "
        entry = [f"{entry_indent}{_scalar(role)}:  # examgen import 添加",
                 f"{entry_indent * 2}title: {_scalar(title)}",
                 f"{entry_indent * 2}mix: {{{weights}}}",
                 f"{entry_indent * 2}difficulty: {{{DEFAULT_DIFFICULTY}: 1}}"]
        if block:
            lines[block[1] + 1:block[1] + 1] = entry
        elif "roles" not in data:
            lines += ["roles:", *entry]
        else:
            raise ExamgenError(f"无法自动在 roles.yaml 中添加岗位 {role}，请手动添加："
                               f"{role}: {{title: {_scalar(title)}, mix: {{{weights}}}, "
                               f"difficulty: {{{DEFAULT_DIFFICULTY}: 1}}}}", str(path))
        plan.role_added = True
    if created or new_dimensions or plan.role_added:
        new_text = "\n".join(lines) + "\n"
        check = yaml.safe_load(new_text) or {}
        dims = check.get("dimensions") or {}
        ok = all(dims.get(d) == t for d, t in new_dimensions.items()) and role in (
            check.get("roles") or {})
        if not ok:
            raise ExamgenError("无法安全地修改 roles.yaml，请手动添加岗位与维度", str(path))
        plan.text = new_text
    return plan


def role_title(document_title: str, role: str) -> str:
    """A role title from a document title: `2025年客服主管岗位面试题库` → `客服主管`."""
    title = re.sub(r"^\s*\d{4}\s*年度?", "", document_title)
    title = re.split(r"面试|面試|笔试|筆試|招聘|题库|題庫|试题|試題|考试|考試", title)[0]
    title = re.sub(r"[(（【\[][^)）】\]]*[)）】\]]", "", title)
    title = re.sub(r"(岗位|崗位|职位|職位)$", "", title.strip(" -_·、"))
    return title if 2 <= len(title) <= 20 else role


def _other_ids(bank_dir: Path, output: Path) -> set[str]:
    ids: set[str] = set()
    if not bank_dir.is_dir():
        return ids
    for path in bank_files(bank_dir):
        if path.resolve() == output.resolve():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        items = data.get("questions") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and "id" in item:
                ids.add(str(item["id"]))
    return ids


def _bank_dimensions(bank_dir: Path, default_text: str) -> dict[str, str]:
    path = bank_dir / ROLES_FILE
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else default_text
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise ExamgenError("roles.yaml 格式错误，请先运行 examgen validate 检查",
                           str(path)) from None
    dims = data.get("dimensions") if isinstance(data, dict) else None
    if not isinstance(dims, dict) or not dims:
        raise ExamgenError("roles.yaml 中没有 dimensions", str(path))
    return {str(k): str(v) for k, v in dims.items()}


def import_document(source: Path, role: str, output: Path, *, dimension: str | None = None,
                    simplified: bool = False, force: bool = False) -> ImportReport:
    """Read a document, write the bank file (and roles.yaml when needed), all or nothing."""
    from .fonts import find_unprintable
    from .pdf import write_atomically
    from .resources import default_bank_dir

    source, output = Path(source), Path(output)
    if not ID_PATTERN.match(role):
        raise ExamgenError(f"岗位编号「{role}」只能包含字母、数字、-、_（例如 director）")
    if output.suffix.lower() not in (".yaml", ".yml") or output.name == ROLES_FILE:
        raise ExamgenError("输出文件应为 .yaml 题目文件（不能是 roles.yaml），"
                           "例如 questions/director-imported.yaml", str(output))
    if output.exists() and not force:
        raise ExamgenError("输出文件已存在，未覆盖（确认要覆盖请加 --force）", str(output))
    text, wrapped = read_document(source)
    try:
        result = parse(text, wrapped=wrapped, simplified=simplified)
    except ExamgenError as exc:
        raise ExamgenError(exc.message, _display(source)) from None
    bank_dir = output.parent
    default_text = (default_bank_dir() / ROLES_FILE).read_text(encoding="utf-8")
    dimensions = _bank_dimensions(bank_dir, default_text)
    placed, new_dims = place(result, role, dimensions, dimension, _other_ids(bank_dir, output))
    all_dims = {**dimensions, **new_dims}
    mix = [d for d in all_dims if any(p.dimension == d for p in placed)]
    title = role_title(result.title, role)
    roles_plan = plan_roles(bank_dir, role, title, mix, new_dims, default_text)
    content = bank_file_text(placed, role, all_dims, source.name, result.shape)
    _dry_run(roles_plan.text or (bank_dir / ROLES_FILE).read_text(encoding="utf-8-sig"),
             content, output.name, role, len(placed))
    files = {output: content.encode("utf-8")}
    if roles_plan.text is not None:
        files[bank_dir / ROLES_FILE] = roles_plan.text.encode("utf-8")
    write_atomically(files)
    texts = [(p.id, name, value) for p in placed
             for name, value in _texts(question_data(p)).items()]
    unprintable = [{"id": u.where, "field": u.field,
                    "chars": [f"U+{ord(c):04X}" for c in u.chars]}
                   for u in find_unprintable(texts)]
    notes = []
    if dimension is not None and not any(p.how == "option" for p in placed):
        notes.append("文档已给出每道题的维度，--dimension 未使用")
    return ImportReport(file=str(source), output=str(output), bank=str(bank_dir),
                        shape=result.shape, role=role, title=title, announced=result.announced,
                        placed=placed, dimensions=all_dims, roles=roles_plan,
                        unprintable=unprintable,
                        next_command=_next_command(bank_dir, role), notes=notes)


def _texts(data: dict[str, Any]) -> dict[str, str]:
    out = {"question": data["question"], "answer": data["answer"]}
    for key, value in data.get("analysis", {}).items():
        if isinstance(value, list):
            out.update({f"analysis.{key}[{i}]": v for i, v in enumerate(value)})
        else:
            out[f"analysis.{key}"] = value
    return out


def _dry_run(roles_text: str, content: str, name: str, role: str, count: int) -> None:
    """Load what is about to be written, alone, as a bank: it must be valid."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ROLES_FILE).write_text(roles_text, encoding="utf-8")
        (root / name).write_text(content, encoding="utf-8")
        try:
            bank = load_bank(root)
        except BankErrors as exc:
            raise ExamgenError(f"导入结果未通过检查（请报告此问题）：{exc.errors[0]}") from None
        if len(bank.for_role(role)) != count:
            raise ExamgenError("导入结果未通过检查（请报告此问题）：题目数量不符")


def _next_command(bank_dir: Path, role: str) -> str | None:
    """The build command that works on the bank as it now is (None if it does not load)."""
    from .sampling import sample

    try:
        bank = load_bank(bank_dir)
        pool = bank.for_role(role)
        if role not in bank.roles or not pool:
            return None
        count = min(20, len(pool))
        try:
            sample(bank, role, count, 0)
            extra = ""
        except ExamgenError:
            extra = " --allow-shortfall"
    except ExamgenError:
        return None
    return (f"examgen build --role {shlex.quote(role)} --bank {shlex.quote(str(bank_dir))} "
            f"--count {count}{extra}")
