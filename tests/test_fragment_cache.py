"""The persistent cache of rendered fragments (issue 15): used when its renderer version
matches, ignored when it does not or cannot be read, and never changes an output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.fragment_cache import CACHE_FILE, FragmentCache, renderer_version
from cheatdeck.markup import MarkupRenderer

CELLS = ["Use `x | y` and *z*", "$O(n^2)$ with **bold**", "plain words", "a<br>b {{c1::x}}",
         "![diagram](img.png) shown", "`$HOME` is not math"]
BLOCK = "Para *one*\n\n- item $d_k$\n- `code`\n\n```python\ndef f(): pass\n```"


def _render_all(renderer: MarkupRenderer) -> list[str]:
    out = []
    for math in ("mathjax", "mathml"):
        out += [renderer.inline(c, math=math, media_base="m/") for c in CELLS]  # type: ignore[arg-type]
        out.append(renderer.block(BLOCK, math=math))  # type: ignore[arg-type]
    return out


def test_cached_fragments_equal_fresh_renders_and_are_all_hits(tmp_path: Path) -> None:
    media = {"img.png": "img-0123abcd.png"}
    fresh = _render_all(MarkupRenderer(media=media))
    cold = FragmentCache.load(tmp_path / CACHE_FILE)  # missing file: empty
    assert _render_all(MarkupRenderer(media=media, cache=cold)) == fresh
    cold.save(tmp_path / CACHE_FILE)
    saved = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))
    assert saved["renderer"] == renderer_version()
    keys = set(saved["fragments"])
    # No image fragment is kept (its src depends on the page); math-free ones once for both modes.
    assert not any("img.png" in k for k in keys)
    assert "inline\0\0Use `x | y` and *z*" in keys
    assert {"inline\0mathjax\0$O(n^2)$ with **bold**", "inline\0mathml\0$O(n^2)$ with **bold**",
            f"block\0mathjax\0{BLOCK}", f"block\0mathml\0{BLOCK}"} <= keys
    warm = FragmentCache.load(tmp_path / CACHE_FILE)
    assert _render_all(MarkupRenderer(media=media, cache=warm)) == fresh
    assert not warm.changed  # it asked for exactly the fragments it holds


def test_a_matching_entry_is_served_and_another_renderer_version_is_ignored(
        tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    key = FragmentCache.key("inline", "", "a *b*")
    path.write_text(json.dumps({"renderer": renderer_version(),
                                "fragments": {key: "from the cache"}}), encoding="utf-8")
    assert MarkupRenderer(cache=FragmentCache.load(path)).inline("a *b*") == "from the cache"
    path.write_text(json.dumps({"renderer": "an older renderer",
                                "fragments": {key: "stale"}}), encoding="utf-8")
    assert MarkupRenderer(cache=FragmentCache.load(path)).inline("a *b*") == "a <em>b</em>"
    for broken in (b"{not json", b"[]", b'{"renderer": 1}', b"\xff\xfe", b""):
        path.write_bytes(broken)
        cache = FragmentCache.load(path)
        assert MarkupRenderer(cache=cache).inline("a *b*") == "a <em>b</em>"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s1.md")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Cache"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return tmp_path


def test_build_keeps_the_cache_in_the_ignored_work_folder_and_follows_the_sources(
        project: Path) -> None:
    cache = project / "build" / ".cheatdeck" / CACHE_FILE
    assert main(["build", "-q", "--no-site"]) == 0
    first = json.loads(cache.read_text(encoding="utf-8"))["fragments"]
    assert (project / "build" / ".cheatdeck" / ".gitignore").read_text().endswith("*\n")
    deck = (project / "dist" / "cache.apkg").read_bytes()
    before = cache.stat().st_mtime_ns
    assert main(["build", "-q", "--no-site", "--force"]) == 0
    assert (project / "dist" / "cache.apkg").read_bytes() == deck
    assert cache.stat().st_mtime_ns == before  # every fragment came from it: not rewritten
    sheet = project / "source" / "s1.md"
    text = sheet.read_text(encoding="utf-8")
    old = '"12345" tokenizes as ["123","45"] — they operate on token chunks'
    assert f"inline\0\0{old}" in first
    sheet.write_text(text.replace(old, old + " edited", 1), encoding="utf-8")
    assert main(["build", "-q", "--no-site"]) == 0
    after = json.loads(cache.read_text(encoding="utf-8"))["fragments"]
    assert set(after) - set(first) == {f"inline\0\0{old} edited"}
    assert set(first) - set(after) == {f"inline\0\0{old}"}


@pytest.mark.parametrize("damage", ["a folder in its place", b"[" * 200_000])
def test_a_cache_that_cannot_be_read_or_written_never_fails_the_build(
        project: Path, damage: bytes | str) -> None:
    """The cache is written after the deck and site are published: failing to write it must not
    fail the build, whose ledger records the notes the published deck ships (stop 25: a folder
    named fragments.json made the build exit 1 without writing the ledger). JSON nested too deep
    for Python's parser (RecursionError) is a miss like any damaged file."""
    assert main(["build", "-q", "--no-site"]) == 0
    cache = project / "build" / ".cheatdeck" / CACHE_FILE
    cache.unlink()
    if isinstance(damage, bytes):
        cache.write_bytes(damage)
    else:
        cache.mkdir()
    sheet = project / "source" / "s1.md"
    sheet.write_text(sheet.read_text(encoding="utf-8")
                     + "\n\n## 🆕 Added later\n\n| Question | Answer |\n| --- | --- |\n"
                     "| What is a new row? | A row added after the first build |\n",
                     encoding="utf-8")
    assert main(["build", "-q", "--no-site"]) == 0
    ledger = (project / "source" / "cheatdeck.lock").read_text(encoding="utf-8")
    assert "What is a new row?" in ledger
    assert cache.is_dir() == (not isinstance(damage, bytes))
