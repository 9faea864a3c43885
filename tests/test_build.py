"""``cheatdeck build`` in-process: exit codes, atomic outputs, change summary, no-op, two sheets."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

import cheatdeck.build
from cheatdeck.cli import main

SHEET = ROOT / "source" / "stage-1-llm-fundamentals.md"
APKG = Path("dist/interview-cheat-sheets.apkg")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the stage-1 sheet, the repo's mkdocs.yml and default config."""
    (tmp_path / "source").mkdir()
    shutil.copy(SHEET, tmp_path / "source" / "stage-1.md")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Interview Cheat Sheets"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for folder in ("dist", "site") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _collection(apkg: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        data = archive.read("collection.anki2")
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    return db


def _guids(apkg: Path) -> list[str]:
    return sorted(row[0] for row in _collection(apkg).execute("select guid from notes"))


def _deck_names(apkg: Path) -> set[str]:
    (decks,) = _collection(apkg).execute("select decks from col").fetchone()
    return {deck["name"] for deck in json.loads(decks).values()}


def test_build_writes_deck_and_site(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "built 1 sheet(s), 7 section(s), 58 note(s), 82 card(s), 0 warning(s)" in err
    assert "dist/interview-cheat-sheets.apkg" in err and "site/" in err
    assert len(_guids(project / APKG)) == 58
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "stage-1-interview-cheat-sheet" / "tokens.html").is_file()
    assert (project / "site" / APKG.name).read_bytes() == (project / APKG).read_bytes()
    assert not [p for p in project.iterdir() if p.name.startswith(".site")]


def test_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--check"]) == 0
    assert capsys.readouterr().err.startswith(
        "checked 1 sheet(s), 7 section(s), 58 note(s), 82 card(s), 0 warning(s) in ")
    assert not (project / "dist").exists() and not (project / "site").exists()
    assert main(["build", "--no-such-flag"]) == 2
    (project / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = 3\n')
    assert main(["build"]) == 1
    assert "[tool.cheatdeck] deck: expected a string, got int" in capsys.readouterr().err


def test_strict_fails_on_a_warning(project: Path) -> None:
    _edit(project / "source" / "stage-1.md", "| --- | --- |\n| How many", "|---|\n| How many")
    assert main(["build", "--strict"]) == 1
    assert not (project / "dist").exists()
    assert main(["build"]) == 0


def test_content_error_leaves_outputs_byte_identical(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    before = _snapshot(project)
    _edit(project / "source" / "stage-1.md", "embedding? | 4096 |", "embedding? | 4096 | x |")
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "source/stage-1.md:26:46: error: row has 3 cells, header has 2" in err
    assert "nothing written" in err
    assert _snapshot(project) == before


def test_exception_between_writing_and_swapping_leaves_outputs_whole(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["build"]) == 0
    before = _snapshot(project)
    _edit(project / "source" / "stage-1.md", "embedding? | 4096 |", "embedding? | 4,096 |")

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed after staging, before the swap")

    monkeypatch.setattr(cheatdeck.build, "publish", killed)
    with pytest.raises(KeyboardInterrupt):
        main(["build"])
    assert _snapshot(project) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site")]


def test_change_summary_names_the_edited_added_and_removed_questions(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    sheet = project / "source" / "stage-1.md"
    _edit(sheet, "| Encodes relative positions", "| Rotary: encodes relative positions")
    _edit(sheet, "| What is ALiBi? | Attention with Linear Biases — adds position bias to "
          "attention scores, no embedding needed |\n", "")
    _edit(sheet, "| What is BPE? |", "| What is WordPiece? | A subword tokenizer |\n| What is BPE? |")
    capsys.readouterr()
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "notes: 1 added, 1 changed, 1 removed" in err
    assert "    + What is WordPiece?" in err
    assert "    ~ Why RoPE?" in err
    assert "    - What is ALiBi?" in err


def test_noop_rebuild_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--force"]) == 0  # a forced build leaves the same state as a plain one
    # The project lock's bookkeeping in build/.cheatdeck/ is not an output.
    work = project / "build" / ".cheatdeck"
    mtimes = {p: p.stat().st_mtime_ns for p in project.rglob("*")
              if p != work and work not in p.parents}
    assert main(["build"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in project.rglob("*")
            if p != work and work not in p.parents} == mtimes


def test_a_template_change_or_a_missing_output_rebuilds(project: Path) -> None:
    assert main(["build"]) == 0
    (project / APKG).unlink()
    assert main(["build"]) == 0
    assert (project / APKG).is_file()


def test_two_sheets_give_two_subdecks_and_two_site_sections(project: Path) -> None:
    (project / "source" / "stage-2.md").write_text(
        "# Stage 2 — Transformers\n\n## 🛠 Build\n\n| Question | Answer |\n| --- | --- |\n"
        "| What is a residual stream? | The running sum every layer reads and writes |\n",
        encoding="utf-8")
    assert main(["build"]) == 0
    assert len(_guids(project / APKG)) == 59
    decks = _deck_names(project / APKG)
    assert "Interview Cheat Sheets::Stage 2 — Transformers::Build" in decks
    assert "Interview Cheat Sheets::Stage 1 — Interview Cheat Sheet::TOKENS" in decks
    assert (project / "site" / "stage-2-transformers" / "build.html").is_file()
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Stage 2 — Transformers" in home and "Stage 1 — Interview Cheat Sheet" in home


def test_overrides_and_no_site(project: Path) -> None:
    assert main(["build", "--no-site", "--dist", "out", "--source", "source"]) == 0
    assert (project / "out" / APKG.name).is_file()
    assert not (project / "site").exists()
    assert main(["build", "--no-deck", "--site-dir", "public"]) == 0
    assert (project / "public" / "index.html").is_file()


def test_summary_reports_rewording_and_retired_notes(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build"]) == 0
    sheet = project / "source" / "stage-1.md"
    _edit(sheet, "| Why RoPE? |", "| Why use RoPE? |")
    _edit(sheet, "| What is ALiBi? | Attention with Linear Biases — adds position bias to "
          "attention scores, no embedding needed |\n", "")
    capsys.readouterr()
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "  reworded: 'Why RoPE?' → 'Why use RoPE?' keeps its note" in err
    assert ("  1 retired note(s) shipped; in Anki, search `tag:cheatdeck::retired` to find, "
            "suspend or delete them") in err
    assert "    - What is ALiBi?" in err
    assert len(_guids(project / APKG)) == 58  # 57 live notes + 1 retired
    assert "built 1 sheet(s), 7 section(s), 57 note(s) (+1 retired), 81 card(s)," in err


def test_committed_ledger_matches_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["build", "--check", "--frozen"]) == 0


def test_build_then_serve_answers_on_the_given_port(project: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    shutil.copy(ROOT / "build.py", project / "build.py")  # build.py builds its own folder
    server = subprocess.Popen(
        [sys.executable, str(project / "build.py"), "--serve", "--port", str(port)],
        cwd=project, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    body = page.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.3)
        assert "Stage 1 — Interview Cheat Sheet" in body
        assert (project / "site" / "index.html").is_file()  # built first, then served
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert f"serving http://127.0.0.1:{port}/ (Ctrl-C stops)" in err


def test_a_site_only_build_renders_no_anki_field_and_gives_the_same_site(project: Path) -> None:
    """``--no-deck`` plans the notes for their GUIDs only (issue 15): the deck's fields (the
    answers' MathJax, never used by the site) are not rendered, and the site is the one a full
    build gives, a reworded question keeping its old GUID in the quiz data."""
    sheet = project / "source" / "stage-1.md"
    fragments = project / "build" / ".cheatdeck" / "fragments.json"
    _edit(sheet, "merges frequent character pairs", "merges frequent pairs in $O(n^2)$")
    assert main(["build"]) == 0
    assert any("\0mathjax\0" in key for key in json.loads(fragments.read_bytes())["fragments"])
    _edit(sheet, "| Why RoPE? |", "| Why use RoPE? |")
    lock = (project / "source" / "cheatdeck.lock").read_bytes()
    assert main(["build", "--no-deck"]) == 0
    # The fragments file keeps what a build rendered: no Anki field was.
    assert not any("\0mathjax\0" in key for key in json.loads(fragments.read_bytes())["fragments"])
    assert (project / "source" / "cheatdeck.lock").read_bytes() == lock
    site_only = {k: v for k, v in _snapshot(project).items() if k.startswith("site/")}
    assert main(["build"]) == 0
    full = {k: v for k, v in _snapshot(project).items() if k.startswith("site/")}
    # The home page offers the deck only when one was built.
    deck_link = {"site/index.html", f"site/{APKG.name}", "site/search/search_index.json"}
    assert site_only.keys() | {f"site/{APKG.name}"} == full.keys()
    assert [k for k in site_only if k not in deck_link and site_only[k] != full[k]] == []

    def search(site: dict[str, bytes]) -> list[dict[str, str]]:
        docs = json.loads(site["site/search/search_index.json"])["docs"]
        return [d for d in docs if d["location"].split("#")[0] not in ("", "index.html")]

    assert search(site_only) == search(full) and len(search(full)) == 60
    assert "Why use RoPE?" in full["site/assets/cheatdeck/quiz-data.js"].decode()
