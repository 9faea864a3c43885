"""``cheatdeck init``: a starter project that builds as it is, and never overwrites a file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cheatdeck.cli import main

STARTER = ("source/example.md", "mkdocs.yml", "cheatdeck.toml", ".gitignore")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_init_then_build_check_and_fmt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert main(["init", "demo"]) == 0
    err = capsys.readouterr().err
    assert [line.strip() for line in err.splitlines()[1:5]] == [f"demo/{f}" for f in STARTER]
    assert err.startswith("cheatdeck: started a project in demo:\n")
    assert err.rstrip().endswith("next: cd demo && cheatdeck build")
    assert sorted(_files(tmp_path / "demo")) == sorted(STARTER)
    config = tomllib.loads((tmp_path / "demo" / "cheatdeck.toml").read_text(encoding="utf-8"))
    assert config == {"deck": "Interview Cheat Sheets", "source": "source", "dist": "dist",
                      "site_dir": "site"}
    monkeypatch.chdir(tmp_path / "demo")
    assert main(["check", "--strict"]) == 0  # the example has not one warning
    assert main(["fmt", "--check"]) == 0  # and is canonical
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "built 1 sheet(s), 4 section(s), 8 note(s), 10 card(s), 0 warning(s)" in err
    assert "cheatdeck's default" not in err  # init wrote the site configuration
    assert (tmp_path / "demo" / "dist" / "interview-cheat-sheets.apkg").is_file()
    assert (tmp_path / "demo" / "site" / "example-cheat-sheet" / "fact-table.html").is_file()
    ignored = (tmp_path / "demo" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/dist/", "/site/", "/build/"} <= set(ignored)


@pytest.mark.parametrize(("existing", "named"), [
    ("mkdocs.yml", "mkdocs.yml: exists"),
    ("source/example.md", "source/example.md: exists"),
    ("cheatdeck.toml", "cheatdeck.toml: exists"),
    ("mkdocs.yml/", "mkdocs.yml: exists"),          # a folder of that name
    ("mkdocs.yml@", "mkdocs.yml: exists"),          # a dangling symlink
    (".gitignore/", ".gitignore: exists and is not a file"),
])
def test_init_refuses_to_overwrite_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        existing: str, named: str) -> None:
    monkeypatch.chdir(tmp_path)
    demo = tmp_path / "demo"
    name = existing.rstrip("/@")
    (demo / name).parent.mkdir(parents=True)
    if existing.endswith("/"):
        (demo / name).mkdir()
    elif existing.endswith("@"):
        (demo / name).symlink_to(tmp_path / "nowhere")
    else:
        (demo / name).write_text("mine\n", encoding="utf-8")
    before = _files(demo)
    assert main(["init", "demo"]) == 1
    err = capsys.readouterr().err
    assert f"cheatdeck: error: demo/{named}" in err
    assert "(nothing written;" in err
    assert _files(demo) == before


def test_init_adds_to_an_existing_pyproject_and_gitignore(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = '[project]\nname = "mine"\n\n[tool.ruff]\nline-length = 99'  # no final newline
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc\n/dist/", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--deck", 'My "Prep" — ü']) == 0
    assert not (tmp_path / "cheatdeck.toml").exists()
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(pyproject + "\n\n[tool.cheatdeck]\n")
    document = tomllib.loads(text)
    assert document["project"] == {"name": "mine"}
    assert document["tool"]["cheatdeck"]["deck"] == 'My "Prep" — ü'
    ignore = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert ignore.startswith("*.pyc\n/dist/\n# cheatdeck outputs")
    assert [line for line in ignore.splitlines() if not line.startswith("#")] == [
        "*.pyc", "/dist/", "/site/", "/build/"]
    assert "./mkdocs.yml" not in capsys.readouterr().err
    assert main(["build", "--no-deck"]) == 0
    title = re.search(r"<title>(.*?)</title>",
                      (tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert title and title.group(1) == 'My "Prep" — ü'  # the YAML string survived quoting
    # a second init finds [tool.cheatdeck] and the example, and names both
    assert main(["init"]) == 1
    err = capsys.readouterr().err
    assert "pyproject.toml: already has [tool.cheatdeck]" in err
    assert "source/example.md: exists" in err


def test_init_gitignore_already_complete_is_left_byte_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".gitignore").write_bytes(b"/build/\n/site/\n/dist/\n")
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / ".gitignore").read_bytes() == b"/build/\n/site/\n/dist/\n"
    assert ".gitignore" not in capsys.readouterr().err


@pytest.mark.parametrize("deck", ["A::B", " ", ""])
def test_init_bad_deck_name_writes_nothing(tmp_path: Path, deck: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "demo"), "--deck", deck]) == 1
    assert "must be non-empty and hold no `::`" in capsys.readouterr().err
    assert not (tmp_path / "demo").exists()
