"""MkDocs' page conversions kept between builds (``build/.cheatdeck/pages.json``, issue 15).

Which pages a rebuild serves from the cache is seen from outside: every cached conversion is
marked (an HTML comment appended to it in the file), so a page of the next site that carries
the mark was served from the cache and one without it was converted again. That the served
pages are right, byte for byte, is tests/test_incremental_identical.py's job.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.site.page_cache import PAGE_CACHE_FILE

MARK = "<!-- served from the page cache -->"
SHEET = "stage-1-interview-cheat-sheet"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s1.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n', encoding="utf-8")
    assert main(["build", "-q", "--root", str(tmp_path)]) == 0
    return tmp_path


def _cache(project: Path) -> Path:
    return project / "build" / ".cheatdeck" / PAGE_CACHE_FILE


def _mark_every_cached_page(project: Path) -> int:
    data = json.loads(_cache(project).read_bytes())
    for entry in data["pages"].values():
        entry["html"] += MARK
    _cache(project).write_text(json.dumps(data), encoding="utf-8")
    return len(data["pages"])


def _pages(project: Path) -> dict[str, bool]:
    """Each built page (not the theme's 404 page) → whether it was served from the cache."""
    return {p.relative_to(project / "site").as_posix(): MARK in p.read_text(encoding="utf-8")
            for p in sorted((project / "site").rglob("*.html")) if p.name != "404.html"}


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "source" / "s1.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_converts_only_the_pages_whose_markdown_changed(project: Path) -> None:
    assert _mark_every_cached_page(project) == 12  # home, sheet, 7 sections, print, tags, quiz
    _edit(project, "merges frequent character pairs", "merges the most frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    pages = _pages(project)
    assert len(pages) == 12
    # The answer is on its section page and the sheet's print view, in raw HTML blocks that go
    # around the conversion (site/raw_blocks.py): the rest of both pages is served from the cache.
    assert [p for p, cached in pages.items() if not cached] == []
    for page in ("tokens.html", "_print.html"):
        assert "merges the most frequent" in (project / "site" / SHEET / page).read_text(
            encoding="utf-8")
    # The cache holds this build's pages: the same conversions.
    entries = json.loads(_cache(project).read_bytes())["pages"].values()
    assert sum(MARK not in e["html"] for e in entries) == 0 and len(entries) == 12
    # A question is a heading of its section page (Markdown): that page is converted again;
    # on the print view it is in the raw block.
    _edit(project, "| What is BPE? |", "| What is BPE (bytes)? |")
    assert main(["build", "-q", "--root", str(project)]) == 0
    pages = _pages(project)
    assert [p for p, cached in pages.items() if not cached] == [f"{SHEET}/tokens.html"]
    for page in ("tokens.html", "_print.html"):
        assert "What is BPE (bytes)?" in (project / "site" / SHEET / page).read_text(
            encoding="utf-8")


def test_a_new_file_in_the_docs_dir_converts_every_page_again(project: Path) -> None:
    """Links are resolved and checked against the docs dir's files: a new sheet (new pages,
    a new nav) makes every key new."""
    _mark_every_cached_page(project)
    (project / "source" / "new.md").write_text(
        "# New sheet\n\n## Only\n\n| Question | Answer |\n| --- | --- |\n| Q? | A |\n",
        encoding="utf-8")
    assert main(["build", "-q", "--root", str(project)]) == 0
    pages = _pages(project)
    assert len(pages) == 12 + 3 and not any(pages.values())


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"versions": "other", "pages": {}}',
                                    b'{"versions": 1, "pages": []}', b"\xff\xfe",
                                    b"[" * 200_000])  # nested too deep for json: RecursionError
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(project: Path, damage: bytes) -> None:
    clean = {p: (project / "site" / p).read_bytes() for p in _pages(project)}
    _cache(project).write_bytes(damage)
    _edit(project, "merges frequent character pairs", "merges the most frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    _edit(project, "merges the most frequent character pairs", "merges frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    assert {p: (project / "site" / p).read_bytes() for p in _pages(project)} == clean
    assert len(json.loads(_cache(project).read_bytes())["pages"]) == 12


def test_an_entry_of_the_wrong_shape_is_converted_again(project: Path) -> None:
    data = json.loads(_cache(project).read_bytes())
    for entry in data["pages"].values():
        entry["toc"] = "not a list"
    _cache(project).write_text(json.dumps(data), encoding="utf-8")
    _edit(project, "merges frequent character pairs", "merges the most frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    entries = json.loads(_cache(project).read_bytes())["pages"].values()
    assert all(isinstance(e["toc"], list) for e in entries) and len(entries) == 12
