"""What the site's pages hold of each section, kept between builds (``build/.cheatdeck/
sections/<key>.json``, issue 15).

Which sections a rebuild took from the cache is seen from outside, as in test_page_cache.py:
every cached section page is marked (an HTML comment appended to it in its file), so a section
page of the next docs dir that carries the mark was served from the cache and one without it was
rendered again. That the served parts are right, byte for byte, is
tests/test_incremental_identical.py's job.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.errors import OutputError
from cheatdeck.model import Section, SourcePos
from cheatdeck.site import section_cache
from cheatdeck.site.section_cache import (
    SECTION_CACHE_DIR,
    SectionCache,
    SectionParts,
    model_text,
    section_key,
    shared_salt,
)

MARK = "<!-- served from the section cache -->"
SHEET = "stage-1-interview-cheat-sheet"
TAGGED = """# Tagged

## One

| Question | Answer | Tags |
| --- | --- | --- |
| What is a tag? | A label | basics |

## Two

| Question | Answer | Tags |
| --- | --- | --- |
| What is a deck? | A set of cards | anki |

## Three

| Question | Answer |
| --- | --- |
| What is a note? | Fields |
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    (tmp_path / "source").mkdir()
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", tmp_path / "source" / "s1.md")
    (tmp_path / "source" / "tagged.md").write_text(TAGGED, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n', encoding="utf-8")
    _build(tmp_path)
    return tmp_path


def _build(project: Path) -> None:
    assert main(["build", "-q", "--root", str(project)]) == 0


def _files(project: Path) -> list[Path]:
    return sorted((project / "build" / ".cheatdeck" / SECTION_CACHE_DIR).iterdir())


def _mark_every_cached_section(project: Path) -> int:
    for path in _files(project):
        data = json.loads(path.read_bytes())
        data["parts"]["page"] += MARK
        path.write_text(json.dumps(data), encoding="utf-8")
    return len(_files(project))


def _rendered(project: Path) -> list[str]:
    """The section pages of the docs dir rendered by the last build (not from the cache)."""
    docs = project / "build" / "docs"
    pages = [p for p in sorted(docs.glob("*/*.md")) if not p.name.startswith("_")]
    assert pages
    return [p.relative_to(docs).as_posix() for p in pages
            if MARK not in p.read_text(encoding="utf-8")]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_rebuild_renders_only_the_section_whose_content_changed(project: Path) -> None:
    assert _mark_every_cached_section(project) == 10  # 7 sections of s1, 3 of tagged
    _edit(project / "source" / "s1.md", "merges frequent character pairs",
          "merges the most frequent character pairs")
    _build(project)
    assert _rendered(project) == [f"{SHEET}/tokens.md"]
    # Its parts are new everywhere they show: the print view and the quiz data too.
    docs = project / "build" / "docs"
    for path in (f"{SHEET}/tokens.md", f"{SHEET}/_print.md", "assets/cheatdeck/quiz-data.js"):
        assert "merges the most frequent" in (docs / path).read_text(encoding="utf-8"), path
    # The cache holds this build's sections: the new one unmarked, the edited one gone.
    entries = [json.loads(p.read_bytes())["parts"] for p in _files(project)]
    assert len(entries) == 10 and sum(MARK not in e["page"] for e in entries) == 1


def test_a_section_moved_down_by_new_lines_is_still_served(project: Path) -> None:
    """Source positions are not in the key: lines added above a section change none of its
    parts."""
    _mark_every_cached_section(project)
    _edit(project / "source" / "s1.md", "## 🔥 TOKENS\n", "## 🔥 TOKENS\n\n\n\n")
    _build(project)
    assert _rendered(project) == []


def test_the_sheet_title_renders_every_section_of_its_sheet(project: Path) -> None:
    """Each section page names its sheet (and the tags page its sheet's title)."""
    _mark_every_cached_section(project)
    _edit(project / "source" / "tagged.md", "# Tagged\n", "# Tagged and titled\n")
    _build(project)
    assert _rendered(project) == ["tagged-and-titled/one.md", "tagged-and-titled/three.md",
                                  "tagged-and-titled/two.md"]


def test_a_tag_taking_another_tags_anchor_renders_the_section_that_links_it(
        project: Path) -> None:
    """``Basics`` sorts before ``basics`` and takes the anchor ``tag-basics``: section One, not
    edited, links its card's tag to ``tag-basics-2`` now; section Three has no tag and stays."""
    _mark_every_cached_section(project)
    _edit(project / "source" / "tagged.md", "| A set of cards | anki |",
          "| A set of cards | anki Basics |")
    _build(project)
    assert _rendered(project) == ["tagged/one.md", "tagged/two.md"]
    one = (project / "build" / "docs" / "tagged" / "one.md").read_text(encoding="utf-8")
    assert "tags.html#tag-basics-2" in one


@pytest.mark.parametrize("damage", [
    b"{not json", b"[]", b'{"versions": "other", "parts": {}}', "parts are no parts",
    "a folder in its place", b"[" * 200_000])  # the last: nested too deep, RecursionError
def test_a_damaged_or_foreign_cache_file_is_a_miss(project: Path, damage: bytes | str) -> None:
    """Every section's file damaged: each is rendered again, the build succeeds, its site is
    right and the files are rewritten."""
    for path in _files(project):
        if damage == "parts are no parts":
            data = json.loads(path.read_bytes())
            data["parts"]["page"] = 1
            path.write_text(json.dumps(data), encoding="utf-8")
        elif damage == "a folder in its place":
            path.unlink()
            path.mkdir()
        else:
            assert isinstance(damage, bytes)
            path.write_bytes(damage)
    _edit(project / "source" / "s1.md", "merges frequent", "merges often frequent")
    _build(project)
    assert "merges often frequent" in (project / "site" / SHEET / "tokens.html").read_text(
        encoding="utf-8")
    files = [p for p in _files(project) if p.is_file()]
    # In place of a folder no file can be written: only tokens' (a new key) is.
    assert len(files) == (1 if damage == "a folder in its place" else 10)
    for path in files:
        data = json.loads(path.read_bytes())
        assert SectionParts.from_json(data["parts"]) is not None, path.name


def test_a_cache_folder_that_is_a_file_is_no_error(project: Path) -> None:
    folder = project / "build" / ".cheatdeck" / SECTION_CACHE_DIR
    shutil.rmtree(folder)
    folder.write_text("not a folder", encoding="utf-8")
    _edit(project / "source" / "s1.md", "merges frequent", "merges often frequent")
    _build(project)
    assert "merges often frequent" in (project / "site" / SHEET / "tokens.html").read_text(
        encoding="utf-8")


def test_section_parts_survive_their_json_and_reject_other_shapes() -> None:
    parts = SectionParts("# page\n", ("<p>a</p>", "<p>b</p>"), {"slug": "s", "cards": []},
                         (("tag", "<b>q</b>", "s/x.md#q", "Sheet › S"),))
    assert SectionParts.from_json(json.loads(json.dumps(parts.to_json()))) == parts
    bad: list[Any] = [None, [], {"page": "x"}, {**parts.to_json(), "tags": [["a", "b", "c"]]},
                      {**parts.to_json(), "print": "one"}, {**parts.to_json(), "quiz": []}]
    for data in bad:
        assert SectionParts.from_json(data) is None
    cache = SectionCache(Path("/nonexistent"))
    assert cache.get("0" * 64) is None and cache.get("../../etc/passwd") is None
    assert cache.rendered == 0


def test_a_rendered_section_is_on_disk_at_once_and_save_drops_the_unused(
        tmp_path: Path) -> None:
    """A 100k-card build must not hold every section's parts until it ends (issue 15): put
    writes the file, get reads it back; save, after a build that succeeded, deletes the rest."""
    folder = tmp_path / SECTION_CACHE_DIR
    parts = SectionParts("# 🔥 page\n", ("<p>a</p>",), {"slug": "s", "cards": []}, ())
    first = SectionCache(folder)
    first.put("a" * 64, parts)
    assert json.loads((folder / f"{'a' * 64}.json").read_bytes())["parts"] == parts.to_json()
    first.put("b" * 64, parts)
    first.save()
    second = SectionCache(folder)
    assert second.get("a" * 64) == parts and second.rendered == 0
    second.save()
    assert sorted(p.name for p in folder.iterdir()) == [f"{'a' * 64}.json"]


def test_a_folder_linked_from_elsewhere_loses_no_file(tmp_path: Path) -> None:
    """A sections folder that is a symbolic link (or under one) may hold someone else's files
    named like a key: save deletes nothing there (stop 25's attack deleted one)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    theirs = outside / f"{'c' * 64}.json"
    theirs.write_text('{"mine": 1}', encoding="utf-8")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / SECTION_CACHE_DIR).symlink_to(outside, target_is_directory=True)
    (tmp_path / "linked").symlink_to(tmp_path, target_is_directory=True)
    # The folder is the link; the folder is under a link.
    for folder in (tmp_path / "work" / SECTION_CACHE_DIR, tmp_path / "linked" / "outside"):
        cache = SectionCache(folder)
        cache.put("d" * 64, SectionParts("# page\n", (), {"slug": "s", "cards": []}, ()))
        cache.save()
        assert theirs.read_text(encoding="utf-8") == '{"mine": 1}'
    plain = SectionCache(outside)  # reached without a link: the stale files go
    plain.save()
    assert list(outside.iterdir()) == []


def test_a_section_that_cannot_be_written_fails_save_after_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / SECTION_CACHE_DIR
    folder.mkdir()
    (folder / f"{'c' * 64}.json").mkdir()  # os.replace cannot put a file there
    parts = SectionParts("# page\n", (), {"slug": "s", "cards": []}, ())
    cache = SectionCache(folder)
    cache.put("c" * 64, parts)
    cache.put("d" * 64, parts)
    assert SectionCache(folder).get("d" * 64) == parts
    with pytest.raises(OutputError, match=f"{'c' * 64}.json: cannot write"):
        cache.save()


def test_the_key_follows_every_input_but_source_positions() -> None:
    from cheatdeck.reader import read_text

    sheet, _ = read_text(TAGGED, path="tagged.md")
    assert sheet is not None
    one = sheet.sections[0]
    key = section_key("salt", sheet, one, ["k1"], {"basics": "tag-basics"})
    moved = replace(one, pos=SourcePos("other.md", 99),
                    blocks=tuple(replace(b, pos=SourcePos("other.md", 100)) for b in one.blocks))
    assert section_key("salt", sheet, moved, ["k1"], {"basics": "tag-basics"}) == key
    changed = [
        section_key("other salt", sheet, one, ["k1"], {"basics": "tag-basics"}),
        section_key("salt", replace(sheet, title="T"), one, ["k1"], {"basics": "tag-basics"}),
        section_key("salt", replace(sheet, slug="t"), one, ["k1"], {"basics": "tag-basics"}),
        section_key("salt", sheet, replace(one, title="ONE"), ["k1"], {"basics": "tag-basics"}),
        section_key("salt", sheet, one, ["k2"], {"basics": "tag-basics"}),
        section_key("salt", sheet, one, ["k1"], {"basics": "tag-basics-2"}),
    ]
    assert key not in changed and len(set(changed)) == len(changed)
    assert model_text(Section("s", "", "S", ())) == ["Section", "s", "", "S", []]
    with pytest.raises(TypeError):
        model_text(object())


def test_the_shared_salt_follows_images_and_every_package_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template, a stylesheet or a module of cheatdeck changed (a new version, an edited
    checkout): every key is new."""
    package = Path(section_cache.__file__).parent.parent
    copy = tmp_path / "cheatdeck"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(section_cache, "files", lambda name: copy)
    salt = shared_salt({})
    assert shared_salt({}) == salt
    assert shared_salt({"plot.png": "plot-1a2b.png"}) != salt
    for changed in ("templates/site/card.md.j2", "assets/site/cheatdeck.css", "site/pages.py"):
        path = copy / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert shared_salt({}) != salt, changed
        path.write_bytes(original)
    assert shared_salt({}) == salt
