"""Issue 11, item 1: a build replaces or writes only output folders that cheatdeck made.

Every refused case plants decoy files (sheets, the ledger, a user's notes, ``.git``) and checks
the exit status, the exact error and that not one byte of the project changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.outputs import DOCS_MARKER, OUTPUT_MARKER

SHEET = ROOT / "source" / "stage-1-llm-fundamentals.md"
DECOY = b"the user's own file: must survive\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/home/proj``: a project with a sheet and a note in source/, ``.git`` and a user's folder;
    HOME is ``tmp_path/home``."""
    home = tmp_path / "home"
    root = home / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SHEET, root / "source" / "stage-1.md")
    (root / "source" / "notes.txt").write_bytes(DECOY)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_bytes(DECOY)
    (root / "mystuff").mkdir()
    (root / "mystuff" / "notes.txt").write_bytes(DECOY)
    (home / "diary.txt").write_bytes(DECOY)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.chdir(root)
    return root


def _tree(root: Path) -> dict[str, bytes | str]:
    """Every file's bytes and every symlink's target under ``root`` (links not followed)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


def _config(root: Path, **keys: str) -> None:
    body = "".join(f'{k} = "{v}"\n' for k, v in keys.items())
    (root / "pyproject.toml").write_text(f"[tool.cheatdeck]\n{body}", encoding="utf-8")


def _refused(project: Path, capsys: pytest.CaptureFixture[str], args: list[str],
             expected: str) -> None:
    """Run ``cheatdeck build ARGS``: exit 1, ``expected`` in stderr, the home folder unchanged."""
    home = project.parent
    before = _tree(home)
    capsys.readouterr()
    assert main(["build", *args]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "nothing was written" in err and "hint: " in err
    assert _tree(home) == before


REFUSED: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "the sheets' folder": (lambda p: ["--site-dir", "source"],
                           "cheatdeck: error: source: refusing to use it as the site folder "
                           "(site_dir (--site-dir)): it is the sheets' folder "),
    "inside the sheets' folder": (lambda p: ["--site-dir", "source/site"],
                                  "source/site: refusing to use it as the site folder "
                                  "(site_dir (--site-dir)): it lies inside the sheets' folder "),
    "the sheets' folder through ..": (lambda p: ["--site-dir", "mystuff/../source"],
                                      "it is the sheets' folder "),
    "dist is the sheets' folder": (lambda p: ["--dist", "source"],
                                   "source: refusing to use it as the dist folder (dist (--dist)): "
                                   "it is the sheets' folder "),
    "the project by absolute path": (lambda p: ["--site-dir", str(p)], "it is the project folder /"),
    "the project as .": (lambda p: ["--site-dir", "."], "it is the project folder "),
    "the project's parent": (lambda p: ["--site-dir", ".."], "it holds the project folder "),
    "the file-system root": (lambda p: ["--site-dir", "/"], "it holds the project folder "),
    "the home folder": (lambda p: ["--dist", str(p.parent)], "it holds the project folder "),
    "a user's folder": (lambda p: ["--site-dir", "mystuff"],
                        "mystuff: refusing to use it as the site folder (site_dir (--site-dir)): "
                        f"it holds files that no cheatdeck build made (no {OUTPUT_MARKER} in it)"),
    "a user's folder as dist": (lambda p: ["--dist", "mystuff"],
                                "mystuff: refusing to use it as the dist folder (dist (--dist)): "
                                "it holds files that no cheatdeck build made"),
    "the site is the dist folder": (lambda p: ["--dist", "out", "--site-dir", "out"],
                                    "out: refusing to use it as the dist folder (dist (--dist)): "
                                    "it is the same folder as the site folder out"),
    "the dist folder inside the site": (lambda p: ["--dist", "site/deck"],
                                        "it is nested with the site folder site"),
    "the work folder": (lambda p: ["--site-dir", "build"], "it holds cheatdeck's work folder"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_output_folder_touches_nothing(project: Path, case: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    args, expected = REFUSED[case]
    _refused(project, capsys, args(project), expected)


def test_home_folder_itself_is_refused(project: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = project.parent.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(elsewhere))
    (elsewhere / "diary.txt").write_bytes(DECOY)
    before = _tree(elsewhere)
    _refused(project, capsys, ["--site-dir", str(elsewhere)],
             f"it is your home folder {elsewhere.as_posix()}")
    assert _tree(elsewhere) == before


@pytest.mark.parametrize("key, value, expected", [
    ("site_dir", "source", "source: refusing to use it as the site folder (site_dir (--site-dir)): "
                           "it is the sheets' folder"),
    ("site_dir", "mystuff", "it holds files that no cheatdeck build made"),
    ("site_dir", ".", "it is the project folder"),
    ("docs_dir", "source/docs", "source/docs: refusing to use it as the docs folder (docs_dir): "
                                "it lies inside the sheets' folder"),
    ("docs_dir", "mystuff", f"it holds files that no cheatdeck build made (no {DOCS_MARKER} in it)"),
    ("docs_dir", ".", "it is the project folder"),
    ("docs_dir", "site", "site: refusing to use it as the site folder (site_dir (--site-dir)): "
                         "it is the same folder as the docs folder site (docs_dir)"),
    ("dist", "mystuff", "it holds files that no cheatdeck build made"),
])
def test_refused_from_the_configuration(project: Path, capsys: pytest.CaptureFixture[str],
                                        key: str, value: str, expected: str) -> None:
    _config(project, **{key: value})
    _refused(project, capsys, [], expected)


def test_symlinked_site_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    target = tmp_path / "www"
    target.mkdir()
    (target / "index.html").write_bytes(DECOY)
    (project / "site").symlink_to(target)
    before = _tree(target)
    _refused(project, capsys, [], f"site: refusing to use it as the site folder (site_dir "
                                  f"(--site-dir)): it is a symlink to {target.as_posix()}")
    assert _tree(target) == before and (project / "site").is_symlink()


def test_symlink_to_the_sheets_is_refused_as_the_sheets(project: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (project / "out").symlink_to(project / "source")
    _refused(project, capsys, ["--dist", "out"], "out: refusing to use it as the dist folder "
                                                 "(dist (--dist)): it is the sheets' folder")


def test_a_file_where_the_site_goes_is_refused(project: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (project / "site").write_bytes(DECOY)
    _refused(project, capsys, [], "site: refusing to use it as the site folder (site_dir "
                                  "(--site-dir)): it is a file, not a folder")


def test_absent_and_empty_folders_are_used_and_marked(project: Path) -> None:
    (project / "empty").mkdir()
    assert main(["build", "--site-dir", "empty", "--dist", "new/deck"]) == 0
    assert (project / "empty" / "index.html").is_file()
    assert (project / "empty" / OUTPUT_MARKER).is_file()
    assert (project / "new" / "deck" / OUTPUT_MARKER).is_file()
    assert (project / "new" / "deck" / "interview-cheat-sheets.apkg").is_file()
    assert (project / "build" / "docs" / DOCS_MARKER).is_file()


def test_a_marked_folder_is_replaced_whole(project: Path) -> None:
    assert main(["build"]) == 0
    (project / "site" / "stale.html").write_bytes(b"from an earlier build")
    assert main(["build", "--force"]) == 0
    assert not (project / "site" / "stale.html").exists()
    assert (project / "site" / OUTPUT_MARKER).is_file()
    assert (project / "mystuff" / "notes.txt").read_bytes() == DECOY


def test_a_site_made_by_an_older_cheatdeck_is_adopted(project: Path) -> None:
    """Before the marker, a build left exactly a MkDocs site linking our stylesheet, and
    dist/ held only the deck: both are replaced and marked, once."""
    assert main(["build"]) == 0
    (project / "site" / OUTPUT_MARKER).unlink()
    (project / "dist" / OUTPUT_MARKER).unlink()
    assert main(["build", "--force"]) == 0
    assert (project / "site" / OUTPUT_MARKER).is_file()
    assert (project / "dist" / OUTPUT_MARKER).is_file()


@pytest.mark.parametrize("decoy", ["notes.txt", "sheet/page.html", ".git/HEAD"])
def test_an_older_site_with_a_users_file_is_refused(project: Path, decoy: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    (project / "site" / OUTPUT_MARKER).unlink()
    (project / "site" / decoy).parent.mkdir(parents=True, exist_ok=True)
    (project / "site" / decoy).write_bytes(DECOY)
    _refused(project, capsys, ["--force"],
             "site: refusing to use it as the site folder (site_dir (--site-dir)): it holds files "
             "that no cheatdeck build made")


def test_an_older_dist_with_a_users_file_is_refused(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    (project / "dist" / OUTPUT_MARKER).unlink()
    (project / "dist" / "readme.txt").write_bytes(DECOY)
    _refused(project, capsys, ["--force"], "dist: refusing to use it as the dist folder")


def test_serve_refuses_a_docs_dir_it_did_not_make(project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _config(project, docs_dir="mystuff")
    before = _tree(project)
    assert main(["serve", "--port", "0"]) == 1
    assert "mystuff: refusing to use it as the docs folder (docs_dir)" in capsys.readouterr().err
    assert _tree(project) == before
