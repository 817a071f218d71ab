"""The wheel carries templates, fonts and questions, and renders from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .pdftext import file_paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    [built] = out.glob("examgen-*.whl")
    return built


def test_wheel_ships_templates_fonts_questions_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("examgen/templates/sheet.html", "examgen/templates/key.html",
                 "examgen/templates/paper.css", "examgen/fonts/ExamgenSansSC-Regular.otf",
                 "examgen/fonts/ExamgenSansSC-Bold.otf", "examgen/fonts/coverage.txt",
                 "examgen/fonts/LICENSE.txt", "examgen/questions/roles.yaml",
                 "examgen/questions/director.yaml"):
        assert name in names, name


def test_installed_wheel_builds_a_paper_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target),
           "EXAMGEN_HISTORY": str(tmp_path / "history.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "examgen", "build", "--role", "director",
                           "--count", "5", "--seed", "1", "--allow-shortfall", "--json"],
                          cwd=work, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    [paper] = json.loads(done.stdout)["papers"]
    for path in file_paths(paper["files"]).values():
        assert Path(work, path).read_bytes().startswith(b"%PDF")
    probe = subprocess.run([sys.executable, "-c", "import examgen.resources as r; "
                            "print(r.templates_dir())"], cwd=work, env=env,
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(target))
