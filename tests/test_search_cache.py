"""The search plugin's entries kept between builds (``build/.cheatdeck/search.json``, issue 15).

Every cached entry is marked (a word appended to its text in the file), so an entry of the next
site's search index that carries the mark was served from the cache, one without it was made
again. That the index is right, byte for byte, is tests/test_incremental_identical.py's job.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.site.search_cache import SEARCH_CACHE_FILE

MARK = " servedfromthecache"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s1.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n', encoding="utf-8")
    assert main(["build", "-q", "--root", str(tmp_path)]) == 0
    return tmp_path


def _cache(project: Path) -> Path:
    return project / "build" / ".cheatdeck" / SEARCH_CACHE_FILE


def _index(project: Path) -> list[dict[str, str]]:
    docs: list[dict[str, str]] = json.loads(
        (project / "site" / "search" / "search_index.json").read_bytes())["docs"]
    return docs


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "source" / "s1.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_indexes_only_the_pages_whose_html_changed(project: Path) -> None:
    first = _index(project)
    data = json.loads(_cache(project).read_bytes())
    for entries in data["pages"].values():
        for entry in entries:
            entry["text"] += MARK
    _cache(project).write_text(json.dumps(data), encoding="utf-8")
    _edit(project, "merges frequent character pairs", "merges the most frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    index = _index(project)
    assert len(index) == len(first) > 60
    fresh = sorted({e["location"].split("#")[0] for e in index if not e["text"].endswith(MARK)})
    assert fresh == ["stage-1-interview-cheat-sheet/tokens.html"]  # the edited page only
    bpe = next(e for e in index if e["location"].endswith("#what-is-bpe"))
    assert "merges the most frequent character pairs" in bpe["text"]


@pytest.mark.parametrize("damage", [b"", b"[1, 2", b'{"versions": "other", "pages": {}}',
                                    b'{"versions": 1, "pages": {"k": [1]}}'])
def test_a_damaged_or_foreign_cache_is_ignored(project: Path, damage: bytes) -> None:
    first = (project / "site" / "search" / "search_index.json").read_bytes()
    _cache(project).write_bytes(damage)
    _edit(project, "merges frequent character pairs", "merges the most frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    _edit(project, "merges the most frequent character pairs", "merges frequent character pairs")
    assert main(["build", "-q", "--root", str(project)]) == 0
    assert (project / "site" / "search" / "search_index.json").read_bytes() == first
    assert len(json.loads(_cache(project).read_bytes())["pages"]) == 12
