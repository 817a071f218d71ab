"""Import question-bank documents users already have (.txt/.md, .docx, .pdf) into a bank file.

The pipeline, one module per step (see /work/shared/import-formats.md and the README):

    read → clean → detect → shape_a / shape_b / shape_c / shape_d → dimensions (place)
         → write / roles → report

* A, "run-on preview": sections `一、维度` with questions `1.…答案:…` on one long line;
* B, "line-based with analysis": `第一题` / `问题1` / `1、` headings, `答案:` and `解析:` lines
  (an analysis in parts, `价值理解部分:` …, becomes `analysis.parts`: see `analysis`);
* C, "choice items": `一、单选题(共15题,每题2分)`, `1.题干:…`, options `A.…`, `答案:B`;
* D, "article": section headings, bare question lines with guidance below, no 答案 labels.

`pipeline.import_document` ties the steps together and writes all or nothing.
"""

from .analysis import split_analysis
from .clean import clean_text, remove_readings
from .damage import is_garbled
from .detect import detect_shape
from .dimensions import infer_dimension, match_dimension, normalize_heading, place
from .model import Analysis, ImportResult, Placed, RawQuestion
from .parsing import parse
from .pipeline import import_document
from .read import _without_running_lines, read_document, read_text
from .report import ImportReport
from .script import cn_number, to_simplified

__all__ = [
    "Analysis", "ImportReport", "ImportResult", "Placed", "RawQuestion", "_without_running_lines",
    "clean_text", "cn_number", "detect_shape", "import_document", "infer_dimension",
    "is_garbled", "match_dimension", "normalize_heading", "parse", "place", "read_document",
    "read_text", "remove_readings", "split_analysis", "to_simplified",
]
