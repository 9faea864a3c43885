"""The project root is found (as git finds its own), and a project needs no ``mkdocs.yml``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.project import DEFAULT_SITE_CONFIG, ProjectRoot, find_root, site_config

SHEET = "# Notes\n\n## 🔥 BASICS\n\n| Question | Answer |\n| --- | --- |\n| What is 2+2? | 4 |\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_find_root_walks_up_to_the_nearest_marker(tmp_path: Path) -> None:
    _tree(tmp_path, {"p/pyproject.toml": '[tool.cheatdeck]\ndeck = "P"\n',
                     "p/a/b/keep.txt": "",
                     "p/inner/cheatdeck.toml": "", "p/inner/deep/keep.txt": "",
                     "q/pyproject.toml": "[tool.black]\n", "q/source/notes.md": SHEET,
                     "q/sub/source/empty.txt": "",
                     "r/pyproject.toml": "[tool.cheatdeck]\ndeck =\n"})  # broken, still ours
    assert find_root(tmp_path / "p/a/b") == ProjectRoot(Path("../.."),
                                                        "pyproject.toml [tool.cheatdeck]")
    assert find_root(tmp_path / "p") == ProjectRoot(Path("."), "pyproject.toml [tool.cheatdeck]")
    assert find_root(tmp_path / "p/inner/deep") == ProjectRoot(Path(".."), "cheatdeck.toml")
    # a pyproject.toml without [tool.cheatdeck] is someone else's; a source/ without sheets too
    assert find_root(tmp_path / "q/sub") == ProjectRoot(Path(".."), "source/*.md")
    assert find_root(tmp_path / "r") == ProjectRoot(Path("."), "pyproject.toml [tool.cheatdeck]")


def test_find_root_without_marker_uses_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "lonely").mkdir()
    root = find_root(tmp_path / "lonely")
    assert root == ProjectRoot(Path("."), "")
    assert "using the working directory" in root.describe()


def test_given_root_is_used_as_is(tmp_path: Path) -> None:
    _tree(tmp_path, {"p/cheatdeck.toml": "", "p/x/keep.txt": "", "elsewhere/keep.txt": ""})
    assert find_root(tmp_path / "p/x", Path(".."), given_by="--root") == ProjectRoot(
        Path(".."), "--root")
    # a folder beside the working directory stays absolute
    assert find_root(tmp_path / "elsewhere", tmp_path / "p", given_by="build.py") == ProjectRoot(
        tmp_path / "p", "build.py")


def test_own_mkdocs_yml_wins_over_the_packaged_default(tmp_path: Path) -> None:
    assert site_config(tmp_path) == (DEFAULT_SITE_CONFIG, True)
    (tmp_path / "mkdocs.yml").write_text("site_name: Own\n", encoding="utf-8")
    assert site_config(tmp_path) == (tmp_path / "mkdocs.yml", False)


def test_packaged_default_is_the_repository_mkdocs_yml() -> None:
    """One site configuration: the repo's own is the packaged default, byte for byte."""
    assert DEFAULT_SITE_CONFIG.read_bytes() == (ROOT / "mkdocs.yml").read_bytes()


def _title(index: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", index.read_text(encoding="utf-8"))
    assert match
    return match.group(1)


def test_build_from_a_subfolder_without_mkdocs_yml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path, {"cheatdeck.toml": 'deck = "My Prep"\n', "source/notes.md": SHEET,
                     "source/more/keep.txt": ""})
    monkeypatch.chdir(tmp_path / "source" / "more")
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert f"cheatdeck: project {tmp_path.resolve().as_posix()} (found by its cheatdeck.toml)\n" in err
    said = "site: the project has no mkdocs.yml; built with cheatdeck's default (`cheatdeck init`"
    assert err.count(said) == 1
    assert "built 1 sheet(s), 1 section(s), 1 note(s), 1 card(s), 0 warning(s)" in err
    assert "  ../../dist/my-prep.apkg  " in err  # paths relative to the working directory
    assert (tmp_path / "dist" / "my-prep.apkg").is_file()
    assert _title(tmp_path / "site" / "index.html") == "My Prep"  # the deck name, not the default's
    assert not (tmp_path / "source" / "more" / "dist").exists()
    assert main(["build"]) == 0  # the same project: nothing changed
    assert "nothing changed since the last build" in capsys.readouterr().err


def test_projects_own_mkdocs_yml_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    own = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "site_name: Interview Cheat Sheets", "site_name: Our Own Site")
    _tree(tmp_path, {"source/notes.md": SHEET, "mkdocs.yml": own})
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "cheatdeck's default" not in err and "cheatdeck: project" not in err  # root == cwd
    assert _title(tmp_path / "site" / "index.html") == "Our Own Site"


def test_root_option_and_command_line_paths_relative_to_cwd(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path, {"proj/source/notes.md": SHEET, "work/keep.txt": ""})
    monkeypatch.chdir(tmp_path / "work")
    assert main(["build", "--root", "../proj", "--no-site", "--dist", "out"]) == 0
    assert (tmp_path / "work" / "out" / "interview-cheat-sheets.apkg").is_file()
    assert "(from --root)" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["/", "source", "."])
def test_build_py_works_from_any_folder(tmp_path: Path, where: str) -> None:
    project = _tree(tmp_path / "proj", {"source/notes.md": SHEET})
    shutil.copy(ROOT / "build.py", project / "build.py")
    environ = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    cwd = Path(where) if where == "/" else project / where
    done = subprocess.run([sys.executable, str(project / "build.py"), "--no-site"], cwd=cwd,
                          env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (project / "dist" / "interview-cheat-sheets.apkg").is_file()
    assert "built 1 sheet(s), 1 section(s), 1 note(s), 1 card(s)" in done.stderr
    assert ("cheatdeck: project" in done.stderr) is (where != ".")
    assert not (cwd / "dist").exists() or cwd == project
