"""Issue 7, item 5: images and links stay inside the source folder, and images ship by content.

An image or link that leaves ``source/`` (``..``, an absolute path, a symlink) or an image on the
web is an error naming its line and column; an image inside ``source/`` is packed into the deck
and copied into the site under ``<sha256[:16]>.<suffix>``, so ``a.png`` and ``A.PNG`` never clash.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import anki.collection  # noqa: F401  (before anki.scheduler: circular import, FIELD-NOTES)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import ROOT
from deck_fixtures import deck_of
from playwright.sync_api import Route
from site_fixtures import build_test_site, launch_chromium, serve_directory

from cheatdeck.anki import package_bytes
from cheatdeck.build import BuildOptions
from cheatdeck.cli import main
from cheatdeck.config import Config
from cheatdeck.files import write_atomic
from cheatdeck.inputs import fingerprint, image_files, input_digest
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.reader import read_paths
from cheatdeck.site.pages import MEDIA_DIR

T1 = 1_767_225_600


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid RGB PNG of one colour (stdlib only)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


RED, BLUE = png(3, 2, (255, 0, 0)), png(5, 4, (0, 0, 255))


def sheet(answer: str, *, prose: str = "") -> str:
    """A one-card sheet whose answer (line 7) is ``answer``; ``prose`` goes below the table."""
    return ("# Paths\n\n## Images\n\n| Question | Answer |\n| --- | --- |\n"
            f"| What is shown? | {answer} |\n\n{prose}")


def read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
         files: dict[str, bytes] | None = None) -> tuple[Library, list[str]]:
    """Write ``source/s.md`` (and ``files`` under source/) and read the folder from tmp_path."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    (source / "s.md").write_text(text, encoding="utf-8")
    for name, data in (files or {}).items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    library, diagnostics = read_paths([Path("source")])
    return library, [d.format() for d in diagnostics]


INTO = "copy it into source/ and write its path relative to this sheet"


def test_image_above_the_source_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.png").write_bytes(RED)  # it exists: leaving the folder is the error
    _, errors = read(tmp_path, monkeypatch, sheet("![plot](../x.png)"))
    assert errors == ["source/s.md:7:28: error: image `../x.png` points outside the source "
                      f"folder\n  hint: {INTO}"]


def test_absolute_image_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, errors = read(tmp_path, monkeypatch, sheet("![pw](/etc/passwd)"))
    assert errors == [f"source/s.md:7:26: error: image `/etc/passwd` is an absolute path\n"
                      f"  hint: {INTO}"]


def test_symlink_inside_the_folder_to_a_file_outside(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.png").write_bytes(RED)
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "img").mkdir()
    os.symlink(tmp_path / "secret.png", tmp_path / "source" / "img" / "evil.png")
    _, errors = read(tmp_path, monkeypatch, sheet("ok\n\nSee ![evil](img/evil.png) here.\n"))
    assert errors == ["source/s.md:9:13: error: image `img/evil.png` is a symlink to a file "
                      "outside the source folder\n  hint: copy the file itself into source/"]


def _warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source").mkdir(exist_ok=True)
    (tmp_path / "source" / "s.md").write_text(text, encoding="utf-8")
    _, diagnostics = read_paths([Path("source")])
    return [d.format() for d in diagnostics]


def test_web_images_are_alt_text_with_one_warning_per_sheet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # README badges: a row of web images above the first section must not block the sheet.
    text = ("# S\n\n![build](https://ci.example.org/b.svg) ![pypi](//img.example.org/p.svg)\n\n"
            "## A\n\n| Question | Answer |\n| --- | --- |\n| q | ![r](https://example.org/r.png) |\n")
    assert _warnings(tmp_path, monkeypatch, text) == [
        "source/s.md:3:10: warning: web 3 images (first: `https://ci.example.org/b.svg`) shown "
        "as alt text: a card or page never fetches from the web\n"
        "  hint: download it into source/ and write its path relative to this sheet"]
    library, _ = read_paths([Path("source")])
    (card,) = library.sheets[0].cards
    html = MarkupRenderer(library.media_names).inline(card.answer)
    assert html == "r"


def test_a_link_to_a_file_in_the_folder_is_its_text_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = sheet("see [the notes](notes.md) and [the dir](docs/)")
    assert _warnings(tmp_path, monkeypatch, text) == [
        "source/s.md:7:36: warning: link `notes.md` points to a file: shown as its text, not a "
        "link\n  hint: link a web address (https://…), or show an image with ![alt](path)",
        "source/s.md:7:60: warning: link `docs/` points to a file: shown as its text, not a "
        "link\n  hint: link a web address (https://…), or show an image with ![alt](path)"]
    library, _ = read_paths([Path("source")])
    (card,) = library.sheets[0].cards
    html = MarkupRenderer().inline(card.answer)
    assert html == "see the notes and the dir"
    assert MarkupRenderer().inline("[w](https://e.org/x) [top](#top)") == (
        '<a href="https://e.org/x" rel="noopener noreferrer">w</a> '
        '<a href="#top" rel="noopener noreferrer">top</a>')


ALT = "; the card shows its alt text instead"
"""An image that cannot ship is a warning (DESIGN.md "Severity": the card shows its alt text)."""


@pytest.mark.parametrize(("answer", "error"), [
    ("[secret](../secret.md)", "7:29: error: link `../secret.md` points outside the source folder"),
    ("[pw](/etc/passwd)", "7:25: error: link `/etc/passwd` is an absolute path"),
    ("![p](data:image/png;base64,iVBORw0KGgo=)", "7:25: warning: image "
     f"`data:image/png;base64,iVBORw0KGgo=` is not a file in the source folder{ALT}"),
    ("![p](missing.png)", f"7:25: warning: image `missing.png` not found{ALT}"),
    ("![p](s.md)", f"7:25: warning: image `s.md` is not an image file{ALT}"),
    ("![p](%2e%2e/x.png)", "7:25: error: image `%2e%2e/x.png` points outside the source folder"),
])
def test_other_bad_destinations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str,
                                error: str) -> None:
    _, errors = read(tmp_path, monkeypatch, sheet(answer))
    assert [e.split("\n")[0] for e in errors] == [f"source/s.md:{error}"]


def test_web_links_anchors_code_and_math_are_not_checked(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    answer = ("[w](https://e.org) [m](mailto:a@e.org) [top](#top) `![c](../c.png)` "
              "$![m](../m.png)$")
    library, errors = read(tmp_path, monkeypatch, sheet(answer))
    assert errors == [] and library.sheets[0].media == ()


def test_a_png_and_A_PNG_ship_under_distinct_hashed_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = "![a](a.png) ![b](A.PNG) ![again](./a.png)"
    library, errors = read(tmp_path, monkeypatch, sheet(answer), {"a.png": RED, "A.PNG": BLUE})
    assert errors == []
    media = {m.ref: m.name for m in library.sheets[0].media}
    assert set(media) == {"a.png", "A.PNG", "./a.png"}
    assert media["a.png"] == media["./a.png"] != media["A.PNG"]
    assert all(len(name) == len("0123456789abcdef.png") and name.endswith(".png")
               for name in media.values())
    deck = deck_of(library, root_deck="D", timestamp=T1)
    assert deck.media == tuple(sorted([(media["a.png"], RED), (media["A.PNG"], BLUE)]))
    data = package_bytes(deck)
    assert package_bytes(deck_of(library, root_deck="D", timestamp=T1)) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["collection.anki2", "media", "0", "1"]
        names = json.loads(archive.read("media"))
        assert names == {"0": deck.media[0][0], "1": deck.media[1][0]}
        assert {names[i]: archive.read(i) for i in ("0", "1")} == dict(deck.media)


def test_one_path_naming_two_files_in_two_sheets(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = sheet("![p](p.png)").replace("# Paths", "# Other")
    (tmp_path / "source" / "sub").mkdir(parents=True)
    (tmp_path / "source" / "sub" / "t.md").write_text(text, encoding="utf-8")
    (tmp_path / "source" / "sub" / "p.png").write_bytes(BLUE)
    _, errors = read(tmp_path, monkeypatch, sheet("![p](p.png)"), {"p.png": RED})
    assert errors == ["source/sub/t.md:7:25: error: image `p.png` is source/sub/p.png here but "
                      "source/p.png at source/s.md:7:25\n  hint: give the two images different "
                      "file names"]


def test_renderer_draws_only_checked_images_and_memoizes_by_prefix() -> None:
    markup = MarkupRenderer(media={"a.png": "0123456789abcdef.png"})
    source = "![A *b*](a.png) and ![web](https://e.org/w.png)"
    assert markup.inline(source) == '<img src="0123456789abcdef.png" alt="A b"> and web'
    assert markup.inline(source, media_base="../m/") == (
        '<img src="../m/0123456789abcdef.png" alt="A b"> and web')
    assert markup.inline(source) == '<img src="0123456789abcdef.png" alt="A b"> and web'
    assert MarkupRenderer().inline("![x](a.png)") == "x"


@pytest.fixture
def image_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    text = sheet("A red dot: ![red dot](img/dot.png)",
                 prose="A blue box:\n\n![blue box](img/box.png)\n")
    text = text.replace("# Paths\n", "# Paths\n\nMascot ![mascot](img/dot.png)\n")
    library, errors = read(tmp_path, monkeypatch, text,
                           {"img/dot.png": RED, "img/box.png": BLUE})
    assert errors == []
    return library


@pytest.mark.anki
def test_real_anki_import_puts_the_image_in_the_media_folder(image_library: Library,
                                                             tmp_path: Path) -> None:
    deck = deck_of(image_library, root_deck="D", timestamp=T1)
    apkg = tmp_path / "d.apkg"
    write_atomic(apkg, package_bytes(deck))
    name = image_library.media_names["img/dot.png"]
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions()))
        assert (Path(col.media.dir()) / name).read_bytes() == RED
        (card_id,) = col.find_cards("")
        answer = col.get_card(card_id).answer()
        assert f'<img src="{name}" alt="red dot">' in answer
    finally:
        col.close()


def test_site_ships_the_images_where_the_pages_point(image_library: Library,
                                                     tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    site = build_test_site(image_library, tmp_path / "out")
    dot, box = (image_library.media_names[r] for r in ("img/dot.png", "img/box.png"))
    page = site / "paths" / "images.html"
    html = page.read_text(encoding="utf-8")
    for name, data in ((dot, RED), (box, BLUE)):
        src = f"../{MEDIA_DIR}/{name}"
        assert f'src="{src}"' in html
        assert (page.parent / src).resolve().read_bytes() == data
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'src="{MEDIA_DIR}/{dot}"' in home  # the subtitle, at the root
    quiz = (site / "assets" / "cheatdeck" / "quiz-data.js").read_text(encoding="utf-8")
    assert f'src=\\"{MEDIA_DIR}/{dot}\\"' in quiz  # placed in quiz.html, at the root
    assert (site / MEDIA_DIR / dot).read_bytes() == RED


def test_an_edited_image_changes_the_build_fingerprint(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "img").mkdir(parents=True)
    (source / "s.md").write_text(sheet("![d](img/dot.png)"), encoding="utf-8")
    (source / "img" / "dot.png").write_bytes(RED)
    (source / "notes.txt").write_text("not an image")
    config = Config(root=tmp_path)

    def stamp() -> str:
        return fingerprint(input_digest(config, BuildOptions(), [source / "s.md"],
                                        image_files(source)), "")

    assert image_files(source) == [source / "img" / "dot.png"]
    before = stamp()
    assert stamp() == before
    (source / "img" / "dot.png").write_bytes(BLUE)
    assert stamp() != before


@pytest.mark.browser
def test_images_load_in_chromium_from_the_section_page_and_the_quiz(
        image_library: Library, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    site = build_test_site(image_library, tmp_path / "out")
    foreign: list[str] = []
    with serve_directory(site) as base, launch_chromium() as browser:
        page = browser.new_page()

        def route(route: Route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        widths = {}
        for path in ("paths/images.html", "index.html", "quiz.html#paths/images"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            if path.startswith("quiz"):
                page.keyboard.press("Space")  # reveal the answer, which holds the image
            widths[path] = page.eval_on_selector_all(
                "article img", "els => els.map(e => e.complete && e.naturalWidth)")
    assert widths == {"paths/images.html": [3, 5], "index.html": [3],
                      "quiz.html#paths/images": [3]}
    assert foreign == []


def test_build_ships_the_image_and_rebuilds_when_only_the_image_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "source" / "img").mkdir(parents=True)
    (tmp_path / "source" / "s.md").write_text(sheet("![dot](img/dot.png)"), encoding="utf-8")
    (tmp_path / "source" / "img" / "dot.png").write_bytes(RED)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "D"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    os.utime(tmp_path / "source" / "s.md", (T1, T1))
    os.utime(tmp_path / "source" / "img" / "dot.png", (T1, T1))

    def shipped() -> tuple[dict[str, bytes], bytes]:
        with zipfile.ZipFile(tmp_path / "dist" / "d.apkg") as archive:
            names = json.loads(archive.read("media"))
            files = {names[i]: archive.read(i) for i in names}
            return files, archive.read("collection.anki2")

    assert main(["build"]) == 0
    files, first_db = shipped()
    (name,) = files
    assert files[name] == RED
    assert (tmp_path / "site" / MEDIA_DIR / name).read_bytes() == RED
    assert main(["build"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err
    (tmp_path / "source" / "img" / "dot.png").write_bytes(BLUE)
    os.utime(tmp_path / "source" / "img" / "dot.png", (T1 + 60, T1 + 60))
    assert main(["build"]) == 0
    assert "nothing changed" not in capsys.readouterr().err
    files, second_db = shipped()
    assert list(files.values()) == [BLUE] and name not in files
    assert (tmp_path / "site" / MEDIA_DIR / next(iter(files))).read_bytes() == BLUE
    assert not (tmp_path / "site" / MEDIA_DIR / name).exists()
    assert second_db != first_db  # newer note mod time: Anki updates the field on re-import
