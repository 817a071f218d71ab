"""`examgen build`: two real PDFs that read right, and bad input that fails cleanly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from examgen.cli import main
from examgen.resources import default_bank_dir

from .pdftext import embedded_fonts, file_paths, page_texts, squash


@pytest.fixture(scope="module")
def director(director_paper):
    [paper] = director_paper["json"]["papers"]
    files = file_paths(paper["files"])
    return {"paper": paper, "files": files,
            "sheet": page_texts(files["questions"]), "key": page_texts(files["answer_key"])}


def test_build_prints_json_with_paper_questions_and_files(director, director_paper):
    paper = director["paper"]
    assert paper["role"] == "director"
    assert paper["seed"] == 42
    assert len(paper["questions"]) == 20
    assert set(paper["questions"][0]) >= {"id", "dimension", "difficulty", "text"}
    assert paper["files"]["questions"].endswith(f"{paper['id']}-sheet.pdf")
    assert paper["files"]["answer_key"].endswith(f"{paper['id']}-key.pdf")
    assert "警告" not in director_paper["stderr"]  # WeasyPrint logged nothing


def test_director_paper_is_balanced_by_the_roles_mix(director):
    dims = [q["dimension"] for q in director["paper"]["questions"]]
    assert {d: dims.count(d) for d in set(dims)} == {
        "motivation": 3, "knowledge": 4, "situational": 5, "teamwork": 4, "potential": 4}


@pytest.mark.parametrize("kind", ["sheet", "key"])
def test_every_page_is_numbered_x_of_y(director, kind):
    pages = director[kind]
    for number, text in enumerate(pages, start=1):
        if "评分卡" in text and "版式" in text:
            continue  # the rating sheets at the key's end are scanned: no running footer
        assert f"第{number}页/共{len(pages)}页" in squash(text)


def test_header_names_company_role_candidate_date_and_paper_id(director):
    first = squash(director["sheet"][0])
    for text in ("示例科技", "客服总监岗位面试题目卷", "王喆堃", "2026年12月1日",
                 director["paper"]["id"]):
        assert text in first
    key_first = squash(director["key"][0])
    assert "面试官用卷" in key_first
    assert director["paper"]["id"] in key_first


def test_sheet_holds_every_question_whole_on_one_page_and_no_answer(director, shipped_bank):
    by_id = shipped_bank.by_id()
    pages = [squash(t) for t in director["sheet"]]
    for number, item in enumerate(director["paper"]["questions"], start=1):
        text = squash(item["text"])
        holding = [i for i, page in enumerate(pages) if f"{number}.{text}" in page]
        assert len(holding) == 1, f"question {number} is split or missing"
        answer = squash(by_id[item["id"]].answer)[:40]
        assert all(answer not in page for page in pages)
    whole = "".join(pages)
    assert "参考答案" not in whole
    assert "评分要点" not in whole


def test_section_heading_sits_on_the_page_of_its_first_question(director, shipped_bank):
    pages = [squash(t) for t in director["sheet"]]
    seen: set[str] = set()
    for number, item in enumerate(director["paper"]["questions"], start=1):
        if item["dimension"] in seen:
            continue
        seen.add(item["dimension"])
        title = shipped_bank.dimensions[item["dimension"]]
        page = next(p for p in pages if f"{number}.{squash(item['text'])}" in p)
        assert f"、{title}{number}." in page


def test_key_matches_sheet_order_and_holds_answers_and_score_sheet(director, shipped_bank):
    by_id = shipped_bank.by_id()
    key = "".join(squash(t) for t in director["key"])
    sheet = "".join(squash(t) for t in director["sheet"])
    positions_key, positions_sheet = [], []
    for number, item in enumerate(director["paper"]["questions"], start=1):
        needle = f"{number}.{squash(item['text'])}"
        positions_key.append(key.index(needle))
        positions_sheet.append(sheet.index(needle))
        q = by_id[item["id"]]
        assert squash(q.answer)[:40] in key
        assert squash(q.analysis.purpose)[:20] in key
    assert positions_key == sorted(positions_key)
    assert positions_sheet == sorted(positions_sheet)
    for label in ("评分汇总表", "总分", "强烈推荐", "待定", "不推荐", "面试官签名"):
        assert label in key


def test_pdfs_embed_only_subsets_of_the_bundled_fonts(director):
    for path in director["files"].values():
        fonts = embedded_fonts(path)
        assert fonts, path
        for name in fonts:
            prefix, _, family = name.lstrip("/").partition("+")
            assert len(prefix) == 6, name
            assert family.startswith("Examgen-Sans-SC"), name


def test_pdfs_are_small_enough_to_email(director):
    for path in director["files"].values():
        assert path.stat().st_size < 1_000_000


def test_same_inputs_and_seed_give_byte_identical_pdfs(director, runner, tmp_path):
    result = runner.invoke(main, [
        "build", "--role", "director", "--count", "20", "--seed", "42", "--out", str(tmp_path),
        "--candidate", "王喆堃", "--company", "示例科技", "--date", "2026-12-01",
        "--bank", str(default_bank_dir())])
    assert result.exit_code == 0, result.output
    for path in director["files"].values():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def build(runner, out: Path, *extra: str, bank: Path | None = None):
    return runner.invoke(main, ["build", "--out", str(out), "--bank",
                                str(bank or default_bank_dir()), *extra])


def test_existing_paper_is_never_overwritten_without_force(runner, tmp_path):
    args = ("--role", "after-sales-manager", "--count", "5", "--seed", "1", "--date", "2026-12-01")
    assert build(runner, tmp_path, *args).exit_code == 0
    [sheet] = tmp_path.glob("*-sheet.pdf")
    sheet.write_bytes(b"interviewer's annotated copy")
    again = build(runner, tmp_path, *args)
    assert again.exit_code == 1
    assert "已存在" in again.stderr
    assert "--force" in again.stderr
    assert sheet.read_bytes() == b"interviewer's annotated copy"
    assert build(runner, tmp_path, *args, "--force").exit_code == 0
    assert sheet.read_bytes().startswith(b"%PDF")


def test_without_seed_one_is_chosen_printed_and_recorded_on_the_paper(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "after-sales-manager", "--count", "5")
    assert result.exit_code == 0, result.output
    assert "本次随机种子为" in result.stdout
    seed = int(result.stdout.split("本次随机种子为 ")[1].split("（")[0])
    [key] = tmp_path.glob("*-key.pdf")
    assert f"抽题种子{seed}" in squash("".join(page_texts(key)))


def no_files(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "ceo"], "错误：未知岗位 'ceo'，已有岗位：director、subscription-manager、"
                        "after-sales-manager"),
    (["--role", "director", "--count", "500"], "错误：题量 500 超过题库中「客服总监」的题目总数"),
    (["--role", "director", "--date", "12/01/2026"], "错误：日期 '12/01/2026' 格式不对"),
    (["--role", "../../etc/passwd"], "错误：未知岗位 '../../etc/passwd'"),
])
def test_bad_arguments_give_one_clear_line_and_no_pdf(runner, tmp_path, args, message):
    out = tmp_path / "papers"
    result = build(runner, out, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert no_files(out)


def test_broken_bank_yaml_names_file_and_line(runner, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(default_bank_dir(), bank)
    path = bank / "director.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "  - id: [broken"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = build(runner, tmp_path / "out", "--role", "director", bank=bank)
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：")
    assert "director.yaml:" in result.stderr
    assert "YAML 格式错误" in result.stderr
    assert no_files(tmp_path / "out")


def test_missing_bank_folder(runner, tmp_path):
    result = build(runner, tmp_path / "out", "--role", "director", bank=tmp_path / "nope")
    assert result.exit_code == 1
    assert "题库文件夹不存在" in result.stderr


def test_a_character_the_fonts_lack_is_named_before_rendering(runner, tmp_path):
    result = build(runner, tmp_path / "out", "--role", "director", "--candidate", "张\U0001F600")
    assert result.exit_code == 1
    assert "应聘者 candidate: 字体无法显示字符" in result.stderr
    assert "U+1F600" in result.stderr
    assert no_files(tmp_path / "out")


def test_rare_name_characters_print(runner, tmp_path):
    names = "喆堃镕珺犇垚旻祎"
    result = build(runner, tmp_path, "--role", "director", "--count", "5", "--seed", "3",
                   "--candidate", names, "--allow-shortfall")
    assert result.exit_code == 0, result.output
    [sheet] = tmp_path.glob("*-sheet.pdf")
    assert names in squash(page_texts(sheet)[0])


def test_html_is_kept_beside_the_pdfs_with_the_fonts_inside(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "director", "--count", "5", "--seed", "3",
                   "--html", "--json", "--allow-shortfall")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["papers"][0]["files"]
    assert files["answer_key_html"].endswith("-key.html")
    assert files["questions_html"].endswith("-sheet.html")
    html = Path(files["answer_key_html"]).read_text(encoding="utf-8")
    assert "src: url(\"data:font/otf;base64," in html
    assert "file://" not in html



def test_kept_html_prints_every_character_with_its_own_fonts(runner, tmp_path):
    """Opened alone, the --html copy prints what the PDF prints (list markers, page counters,
    `content:` strings too) with the fonts inside it, never a system font or an empty box."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from examgen.pdf import html_to_pdf

    result = build(runner, tmp_path, "--role", "director", "--count", "5", "--seed", "3",
                   "--candidate", "欧阳喆堃", "--html", "--json", "--allow-shortfall")
    assert result.exit_code == 0, result.output
    files = file_paths(json.loads(result.stdout)["papers"][0]["files"])
    for kind in ("questions", "answer_key"):
        html = files[f"{kind}_html"].read_text(encoding="utf-8")
        faces = [TTFont(io.BytesIO(base64.b64decode(data))) for data in
                 re.findall(r'url\("data:font/otf;base64,([A-Za-z0-9+/=]+)"\)', html)]
        assert len(faces) == 2
        printed = set(squash("".join(page_texts(files[kind]))))
        if "<ul" in html:
            printed.add("•")  # the list marker; in the PDF's text it reads as ·, one glyph
        for face in faces:
            assert printed - {chr(c) for c in face.getBestCmap()} == set(), kind
        alone = tmp_path / f"{kind}-from-html.pdf"
        data, warnings = html_to_pdf(html)
        alone.write_bytes(data)
        assert warnings == []
        assert all(name.partition("+")[2].startswith("Examgen-Sans-SC")
                   for name in embedded_fonts(alone))


@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_two_builds_with_one_seed_are_byte_identical_on_either_subsetting_path(
        runner, tmp_path, monkeypatch, subsetter):
    """With HarfBuzz's subset library (set-up installs it) and without it, where WeasyPrint
    subsets with fontTools, which used to stamp each font with the time of the build."""
    import weasyprint.pdf.fonts

    if subsetter == "fonttools":
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    else:
        assert weasyprint.pdf.fonts.harfbuzz_subset is not None, "run setup.sh"
    outputs = []
    for attempt in ("a", "b"):
        out = tmp_path / attempt
        result = runner.invoke(main, [
            "build", "--role", "director", "--count", "5", "--seed", "3", "--html",
            "--date", "2026-12-01", "--out", str(out), "--bank", str(default_bank_dir()),
            "--history", str(out / "history.sqlite3")])
        assert result.exit_code == 0, result.output
        assert ("Using fontTools" in result.output) == (subsetter == "fonttools")
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("*-*.*"))})
    assert len(outputs[0]) == 6  # sheet, key, rating sheet, each with its kept HTML
    assert outputs[0] == outputs[1]


def test_a_rounds_rating_sheets_are_the_last_page_of_each_key_written_apart(
        runner, tmp_path, monkeypatch):
    """In a round the rating sheet is not laid out a second time: the key's last page (its
    rating sheet) is also written as PAPER-ID-rating-1.pdf, under the sheet's own title."""
    papers, laid_out = _round_laid_out(runner, tmp_path, monkeypatch, ["张三", "李四"])
    assert len(laid_out) == 2 * 2  # a sheet and a key a paper
    assert sorted(len(job.tails) for job in laid_out) == [0, 0, 1, 1]
    for paper in papers:
        key, sheet = Path(paper["files"]["answer_key"]), Path(paper["files"]["rating_sheets"]["1"])
        (rating_page,) = page_texts(sheet)
        assert page_texts(key)[-1] == rating_page
        assert f"试卷编号 {paper['id']}" in rating_page and "评分卡" in rating_page
        assert PdfReader(sheet).metadata.title == f"客服总监 评分卡 {paper['id']} 面试官 1"


def test_a_round_lays_out_every_key_before_the_sheets_and_files_each_where_it_belongs(
        runner, tmp_path, monkeypatch):
    """Long documents first, so the workers end a round sharing out short ones; the order
    of layout changes nothing in what is written where."""
    papers, laid_out = _round_laid_out(runner, tmp_path, monkeypatch, ["张三", "李四", "王五"])
    kinds = [re.search(r'<body class="(\w+)', job.html).group(1) for job in laid_out]
    assert kinds == ["key"] * 3 + ["sheet"] * 3
    for paper in papers:
        sheet, key = (page_texts(Path(paper["files"][k])) for k in ("questions", "answer_key"))
        assert "题目卷" in sheet[0] and "面试官用卷" in key[0]
        assert paper["candidate"] in sheet[0] and paper["candidate"] in key[0]


def _round_laid_out(runner, tmp_path, monkeypatch, names: list[str]) -> tuple[list, list]:
    """A director round of 5-question papers for `names`, laid out in this process: the
    papers of its JSON output and every Job laid out, in order."""
    import examgen.pdf
    import examgen.workers

    laid_out: list[examgen.pdf.Job] = []
    real = examgen.pdf.job_to_pdfs
    monkeypatch.setattr(examgen.pdf, "job_to_pdfs", lambda job: laid_out.append(job) or real(job))
    monkeypatch.setattr(examgen.workers.Renderer, "__init__", _in_process)
    people = tmp_path / "people.csv"
    people.write_text("姓名\n" + "".join(f"{name}\n" for name in names), encoding="utf-8")
    result = build(runner, tmp_path / "out", "--role", "director", "--count", "5", "--seed", "3",
                   "--candidates", str(people), "--date", "2026-12-01", "--json",
                   "--history", str(tmp_path / "history.sqlite3"))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["papers"], laid_out


def _in_process(self, workers=None):
    """A renderer that lays out in this process (so the test sees every layout) but plans
    for two workers, as on the machines examgen runs on."""
    self.workers, self._zygote, self._tmpdir = 2, None, None
