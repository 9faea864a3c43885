"""Issue 15's acceptance test: a project rebuilt incrementally after each of a sequence of edits
(fragment cache, MkDocs page and search caches, docs dir, state and ledger kept from the builds
before) gives, byte for byte, the deck and the site that a clean full build of the same sources
gives.

Each edit is one kind a writer makes: an answer's word, a reworded question, a card added and
one removed (shipped retired), a section added and one renamed (its page moves), the sheet
title (every page's nav), a formula, a fact table value, an image's bytes, a new sheet and a
removed one, prose, and an edit reverted (its old fragments were dropped from the cache).
And the edits that change what an unchanged section's parts hold (site/section_cache.py): a
question moved to another section, a tag whose new anchor moves another section's tag link,
a tag removed, the deck name in pyproject.toml (the site's name and home page) and an
``mkdocs.yml`` of the project's own with another setting.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.fragment_cache import CACHE_FILE
from cheatdeck.project import DEFAULT_SITE_CONFIG
from cheatdeck.site.page_cache import PAGE_CACHE_FILE
from cheatdeck.site.search_cache import SEARCH_CACHE_FILE
from cheatdeck.site.section_cache import SECTION_CACHE_DIR

EXTRA = """# Extras — Math, facts and images

Prose before the first section, with `code` and $x^2$.

## ∑ Formulas

| Question | Answer |
| --- | --- |
| What is the attention score? | $\\frac{QK^T}{\\sqrt{d_k}}$ then a **softmax** |
| Cost of attention? | $O(n^2 d)$ time and `x \\| y` |
| What does the diagram show? | ![plot](plot.png) the loss |

## 📐 Sizes

| Model | Params | Layers |
| --- | --- | --- |
| Tiny | 1M | 2 |
| Small | 10M | 4 |

- "Bigger is always better" — Not with a fixed compute budget: see $C \\approx 6ND$.

## 🏷 Tagged

| Question | Answer | Tags |
| --- | --- | --- |
| What is a tag? | A *label* on a card | basics anki |
| What is a deck? | A set of cards | basics |

## 🏷 More tags

| Question | Answer | Tags |
| --- | --- | --- |
| What is a note type? | The fields of a note | anki |
"""


def _png(rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _write_project(root: Path) -> None:
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "source" / "stage-1-llm-fundamentals.md", root / "source" / "s1.md")
    (root / "source" / "extra.md").write_text(EXTRA, encoding="utf-8")
    (root / "source" / "plot.png").write_bytes(_png((255, 0, 0)))
    (root / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Incremental"\n')


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _move(path: Path, line: str, *, after: str) -> None:
    _replace(path, line, "")
    _replace(path, after, after + line)


def _rename_deck(root: Path, name: str) -> None:
    """The deck's new name in pyproject.toml; its .apkg under the old name is the user's to
    delete (a build never deletes an output it does not write)."""
    (root / "pyproject.toml").write_text(f'[tool.cheatdeck]\ndeck = "{name}"\n', encoding="utf-8")
    for old in (root / "dist").glob("*.apkg"):
        old.unlink()


S1, EX = "source/s1.md", "source/extra.md"
ALIBI = ("| What is ALiBi? | Attention with Linear Biases — adds position bias to attention "
         "scores, no embedding needed |\n")
EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("an answer's word", lambda p: _replace(
        p / S1, "merges frequent character pairs", "merges the most frequent character pairs")),
    ("a reworded question", lambda p: _replace(p / S1, "| What is BPE? |", "| What is BPE exactly? |")),
    ("a card added", lambda p: _replace(
        p / EX, "| Cost of attention? |", "| What is $d_k$? | The key width |\n| Cost of attention? |")),
    ("a card removed", lambda p: _replace(
        p / EX, "| What is the attention score? | $\\frac{QK^T}{\\sqrt{d_k}}$ then a **softmax** |\n", "")),
    ("a section added", lambda p: _replace(
        p / EX, "## 📐 Sizes", "## 🧪 New\n\n| Question | Answer |\n| --- | --- |\n"
        "| Is it *new*? | Yes, `new` |\n\n## 📐 Sizes")),
    ("a section renamed", lambda p: _replace(p / S1, "## 🔥 EMBEDDINGS", "## 🔥 VECTORS")),
    ("the sheet title", lambda p: _replace(
        p / EX, "# Extras — Math, facts and images", "# Extras — Formulas and facts")),
    ("a formula", lambda p: _replace(p / EX, "$O(n^2 d)$", "$O(n^2 \\cdot d)$")),
    ("a fact value", lambda p: _replace(p / EX, "| Small | 10M | 4 |", "| Small | 12M | 6 |")),
    ("an image's bytes", lambda p: (p / "source" / "plot.png").write_bytes(_png((0, 0, 255)))),
    ("prose", lambda p: _replace(p / EX, "Prose before the first section", "Prose, edited,")),
    ("a new sheet", lambda p: (p / "source" / "new.md").write_text(
        "# New sheet\n\n## Only\n\n| Question | Answer |\n| --- | --- |\n| Q? | A $n$ |\n",
        encoding="utf-8")),
    ("a sheet removed", lambda p: (p / "source" / "new.md").unlink()),
    ("an edit reverted", lambda p: _replace(
        p / S1, "merges the most frequent character pairs", "merges frequent character pairs")),
    ("a question moved", lambda p: _move(p / S1, ALIBI, after="| 36 layers |\n")),
    # "Basics" sorts before "basics" and takes its anchor (tag-basics): the section "Tagged",
    # unchanged, now links its cards' "basics" tag to tag-basics-2.
    ("a tag whose anchor moves another section's", lambda p: _replace(
        p / EX, "| The fields of a note | anki |", "| The fields of a note | anki Basics |")),
    ("a tag removed", lambda p: _replace(p / EX, "| A set of cards | basics |",
                                         "| A set of cards | |")),
    ("the deck name", lambda p: _rename_deck(p, "Renamed deck")),
    ("an mkdocs.yml of its own", lambda p: (p / "mkdocs.yml").write_text(
        DEFAULT_SITE_CONFIG.read_text(encoding="utf-8").replace(
            "site_name: Interview Cheat Sheets", "site_name: Own site").replace(
            "permalink: true", "permalink: \"#\""), encoding="utf-8")),
    ("a setting in mkdocs.yml", lambda p: _replace(
        p / "mkdocs.yml", "primary: indigo\n      accent: deep orange\n      toggle:\n"
        "        icon: material/weather-night", "primary: teal\n      accent: deep orange\n"
        "      toggle:\n        icon: material/weather-night")),
]


def _outputs(root: Path) -> dict[str, bytes]:
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for folder in ("dist", "site") for p in sorted((root / folder).rglob("*"))
             if p.is_file()}
    files["source/cheatdeck.lock"] = (root / "source" / "cheatdeck.lock").read_bytes()
    return files


def _clean_build(incremental: Path, clean: Path) -> dict[str, bytes]:
    """A full build in a fresh folder of the same sources (ledger included, as committed)."""
    if clean.exists():
        shutil.rmtree(clean)
    clean.mkdir()
    shutil.copytree(incremental / "source", clean / "source")
    shutil.copy(incremental / "pyproject.toml", clean / "pyproject.toml")
    if (incremental / "mkdocs.yml").is_file():
        shutil.copy(incremental / "mkdocs.yml", clean / "mkdocs.yml")
    assert main(["build", "-q", "--root", str(clean)]) == 0
    return _outputs(clean)


def test_incremental_builds_equal_clean_full_builds_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project, clean = tmp_path / "project", tmp_path / "clean"
    _write_project(project)
    assert main(["build", "-q", "--root", str(project)]) == 0
    assert (project / "build" / ".cheatdeck" / CACHE_FILE).is_file()
    assert (project / "build" / ".cheatdeck" / PAGE_CACHE_FILE).is_file()
    assert (project / "build" / ".cheatdeck" / SEARCH_CACHE_FILE).is_file()
    for what, edit in EDITS:
        before = _outputs(project)
        edit(project)
        assert main(["build", "-q", "--root", str(project)]) == 0, what
        got = _outputs(project)
        assert got != before, f"{what}: the build changed nothing"
        want = _clean_build(project, clean)
        assert got.keys() == want.keys(), what
        differ = [name for name in got if got[name] != want[name]]
        assert differ == [], f"{what}: differs from a clean build in {differ}"
        # The clean build made the same caches: the incremental one kept exactly what it uses.
        for name in (PAGE_CACHE_FILE, SEARCH_CACHE_FILE):
            cache = "build/.cheatdeck/" + name
            assert json.loads((project / cache).read_bytes()) == json.loads(
                (clean / cache).read_bytes()), f"{what}: {name}"
        got_sections, want_sections = ({p.name: p.read_bytes() for p in sorted(
            (root / "build/.cheatdeck" / SECTION_CACHE_DIR).iterdir())} for root in (project, clean))
        assert got_sections == want_sections, f"{what}: {SECTION_CACHE_DIR}"
        # Fragments: the site's own (MathML) fragments of a section served whole from the
        # section cache are not asked for, so the incremental cache holds a part of the clean
        # one's, each the same.
        got_fragments, want_fragments = (json.loads((root / "build/.cheatdeck" / CACHE_FILE)
                                                    .read_bytes()) for root in (project, clean))
        assert got_fragments["renderer"] == want_fragments["renderer"], what
        assert got_fragments["fragments"].items() <= want_fragments["fragments"].items(), what
