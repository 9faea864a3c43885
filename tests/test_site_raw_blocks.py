"""Cheatdeck's raw HTML blocks around MkDocs' conversion (``cheatdeck.site.raw_blocks``, issue
15): the site cheatdeck builds is byte for byte the site a plain ``mkdocs build`` of the same
docs dir gives, for every kind of page and block, and each block's anchors are the ones MkDocs
would collect."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from site_fixtures import (
    CONFIG,
    ROOT,
    TITLE,
    browser_library,
    plain_mkdocs_build,
    site_files,
    written_docs,
)

from cheatdeck.model import Card, FactTable, Library, Prose
from cheatdeck.reader import read_paths, read_text
from cheatdeck.site import render_site_pages, run_mkdocs, site_nav
from cheatdeck.site.pages import print_path, section_page
from cheatdeck.site.raw_blocks import (
    block_anchors,
    block_end,
    put_back,
    split_blocks,
    splits_safely,
)

FIXTURES = ROOT / "tests" / "data" / "fixtures"

# Code with a tab, a line of spaces and a line of tabs inside a note, a formula, references,
# and a section without an emoji: what Python-Markdown normalizes in a raw block.
WHITESPACE_SHEET = (
    "# Whitespace &amp; Tabs\n\n## Tabs\n\n| Question | Answer |\n| --- | --- |\n"
    "| Tab\tin a question? | `a\tb` and $x_1$ &#42; &lt; |\n\n"
    "```make\nall:\n\techo done\n    \n\t\n\t\tdeeper\n```\n\n"
    "| Key | Value | Unit |\n| --- | ---: | --- |\n| Tab | 4 | spaces |\n")

# Answers whose HTML looks like the end of a block, or like a code fence, or quotes tags.
TRICKY_SHEET = (
    "# Tricky Blocks\n\n## Looks Like Markup\n\n| Question | Answer |\n| --- | --- |\n"
    '| What closes a details element? | Write `</details>` and "</div>" <br> on a line |\n'
    "| What about an image? | ![a <div> b](missing.png) and <kbd>Ctrl</kbd> |\n\n"
    "## Fences In Code\n\n"
    "**Q1. What does a tilde fence look like?**\n\n"
    "```text\n~~~\ninside\n~~~\n```\n\n"
    "**Q2. And a backtick fence?**\n\n"
    "````markdown\n```\nx\n```\n````\n")


def _library() -> Library:
    sheets = []
    for text, path in ((WHITESPACE_SHEET, "whitespace.md"), (TRICKY_SHEET, "tricky.md")):
        sheet, diagnostics = read_text(text, path=path)
        assert sheet is not None, diagnostics
        sheets.append(sheet)
    # Every shape of card, block answers with headings, lists and code, math and nesting.
    fixtures = sorted(FIXTURES.glob("shapes/**/*.md")) + sorted(FIXTURES.glob("math/*.md")) \
        + sorted(FIXTURES.glob("nested/*.md")) + sorted(FIXTURES.glob("emoji-headings/*.md"))
    shapes, _ = read_paths(fixtures)
    assert len(shapes.sheets) > 60
    return Library((*browser_library().sheets, *sheets, *shapes.sheets))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v for k, v in attrs if v and (k == "id" or (k == "name" and tag == "a")))


def test_every_card_table_and_note_is_one_block_and_its_anchors_are_found() -> None:
    library = _library()
    pages = render_site_pages(library, title=TITLE)
    kinds = {Card: 0, FactTable: 0, Prose: 0}
    for sheet in library.sheets:
        for section in sheet.sections:
            split = split_blocks(pages[section_page(sheet, section)])
            if sheet.title == "Tricky Blocks" and section.title == "Fences In Code":
                # A line of the code reads as a code fence: the page stays whole.
                assert split.blocks == () and "\n~~~" in split.markdown
                continue
            assert len(split.blocks) == len(section.blocks), (sheet.title, section.title)
            for block, item in zip(split.blocks, section.blocks, strict=True):
                kinds[type(item)] += 1
                start = {Card: '<details class="cd-answer', FactTable: '<div class="cd-facts"',
                         Prose: '<div class="cd-prose">'}[type(item)]
                assert block.startswith(start) and block.endswith(
                    "</details>" if isinstance(item, Card) else "</div>")
                parser = _Ids()
                parser.feed(block)
                assert block_anchors(block) == parser.ids
            assert "cd-answer" not in split.markdown and "cd-facts\"" not in split.markdown
        printed = split_blocks(pages[print_path(sheet)])
        if sheet.title == "Tricky Blocks":  # "~~~" starts a line in the code: stays whole
            assert printed.blocks == () and "\n~~~" in printed.markdown
            continue
        assert len(printed.blocks) == 1 and printed.blocks[0].startswith('<div class="cd-print">')
        parser = _Ids()
        parser.feed(printed.blocks[0])
        assert block_anchors(printed.blocks[0]) == parser.ids and len(parser.ids) >= 2
    assert min(kinds.values()) >= 5, kinds  # cards, fact tables and notes all covered
    for path in ("index.md", "tags.md", "quiz.md"):
        assert split_blocks(pages[path]).blocks == ()
    tabs = split_blocks(pages[print_path(library.sheets[2])]).blocks[0]
    # Tabs expanded to Python-Markdown's 4-column stops, as it does to the whole source.
    assert "\t" not in tabs
    assert '\n<span class="w">    </span><span class="nb">echo</span>' in tabs
    assert '\n<span class="w">        </span>deeper\n' in tabs


def test_blocks_are_normalized_as_python_markdown_normalizes_a_source() -> None:
    page = ('# T\n\n<div class="cd-print">\n<pre>a\tb\r\n   \n\t\x02c\x03</pre>\n'
            '</div>\n')
    split = split_blocks(page)
    assert split.markdown == '# T\n\n<div data-cd-raw="0"></div>\n'
    assert split.blocks == ('<div class="cd-print">\n<pre>a  b\n\n    c</pre>\n</div>',)
    normalized = "\n".join(NormalizeWhitespace(markdown.Markdown()).run(page.split("\n")))
    assert split.blocks[0] in normalized


@pytest.mark.parametrize(("block", "taken"), [
    # Inner elements of the same name, one written <div/>: the first element's end tag ends it.
    ('<div class="cd-prose">\n<div>\n<div/>\n</div>\n</div>\n\nafter', 2),
    ('<details class="cd-answer">\n<summary>S</summary>\n<details>\n</details>\n</details>\n'
     '\n<details class="cd-answer">\n</details>\n', 2),
    # A quoted attribute value holding ">"; the block at the end of the text.
    ('<details class="cd-answer" title="a>b">\n<summary>S</summary>\n</details>', 1),
    # The end tag closing the first element is not at the end of its line: not taken out.
    ('<div class="cd-prose">\n<p>x</p></div> tail\n', None),
    # A comment, a processing instruction, a script: HTMLParser reads on differently.
    ('<div class="cd-prose">\n<!-- </div> -->\n</div>\n', None),
    ('<div class="cd-prose">\n<?php ?>\n</div>\n', None),
    ('<div class="cd-prose">\n<script>"</div>"</script>\n</div>\n', None),
    # Never closed.
    ('<div class="cd-prose">\n<div>\n</div>\n', None),
])
def test_a_block_ends_where_python_markdown_ends_it(block: str, taken: int | None) -> None:
    """``taken``: how many end tags of the first element's name the block holds (None: the
    block stays in the page)."""
    name = block[1:block.index(" ")]
    end = block_end(block, 0, name)
    if taken is None:
        assert end is None
        return
    assert end is not None and block[:end].count(f"</{name}>") == taken
    md = markdown.Markdown()
    HtmlBlockPreprocessor(md).run(("\n\n" + block).split("\n"))
    assert md.htmlStash.rawHtmlBlocks[0].rstrip("\n") == block[:end]


def test_pages_that_cannot_be_split_stay_whole() -> None:
    card = '<details class="cd-answer cd-answer--qa">\n<summary>A</summary>\n</details>'
    for page in (f"# T\n\n{card}\n\n```\ncode\n```\n",  # a code fence on the page
                 f"# T\n\n{card}\n\n~~~\ncode\n~~~\n",
                 f'# T\n\n{card}\n\n<div data-cd-raw="0"></div>\n',  # the stand-ins' marker
                 f"# T\n{card}\n"):  # no blank line before the block
        assert split_blocks(page).markdown == page and split_blocks(page).blocks == ()
    split = split_blocks(f"# T\n\n{card}\n\n## Q\n\n{card}\n")
    assert split.markdown == ('# T\n\n<details data-cd-raw="0"></details>\n\n## Q\n\n'
                              '<details data-cd-raw="1"></details>\n')
    assert put_back(markdown.markdown(split.markdown), split.blocks) == markdown.markdown(
        f"# T\n\n{card}\n\n## Q\n\n{card}\n")
    with pytest.raises(PluginError, match="lost its place"):
        put_back('<details data-cd-raw="0"></details>', split.blocks)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Library]:
    library = _library()
    return written_docs(tmp_path_factory.mktemp("raw-blocks"), library), library


def test_the_site_is_byte_for_byte_what_plain_mkdocs_builds(docs: tuple[Path, Library]) -> None:
    root, library = docs
    run_mkdocs(CONFIG, docs_dir=root / "docs", site_dir=root / "ours", nav=site_nav(library),
               cache_dir=root / "cache")
    plain_mkdocs_build(CONFIG, root, library, "plain")
    ours, plain = site_files(root / "ours"), site_files(root / "plain")
    assert ours.keys() == plain.keys()
    assert [p for p in ours if ours[p] != plain[p]] == []
    # MkDocs converted the stand-ins (the page cache keeps its conversions): one per card,
    # table and note, but on the two pages whose code holds a fence line.
    converted = json.loads((root / "cache" / "pages.json").read_text(encoding="utf-8"))["pages"]
    stand_ins = sum(e["html"].count("data-cd-raw=") for e in converted.values())
    blocks = sum(len(x.blocks) for s in library.sheets for x in s.sections)
    assert stand_ins == blocks + len(library.sheets) - 2 - 1  # with print views; but those
    # 2 cards of "Fences In Code" and the print view holding them
    for sheet in library.sheets:  # the bodies are there (not the stand-ins)
        page = ours[Path(print_path(sheet)).with_suffix(".html")].decode()
        assert "data-cd-raw" not in page and page.count('<div class="cd-print">\n') == 1


def test_extensions_that_read_the_whole_text_get_the_whole_page(
        docs: tuple[Path, Library], tmp_path: Path) -> None:
    """A Markdown extension with its own preprocessor or postprocessor (footnotes, md_in_html's
    extractor) could see or change a raw block: the pages are converted whole. One with block
    processors only (admonition, def_list) leaves raw blocks to Python-Markdown: split."""
    root, library = docs
    text = CONFIG.read_text(encoding="utf-8")
    for extensions, safe in ((["footnotes"], False), (["md_in_html"], False),
                             (["admonition", "def_list"], True)):
        config_file = tmp_path / f"{extensions[0]}.yml"
        config_file.write_text(text.replace(
            "markdown_extensions:\n", "markdown_extensions:\n" + "".join(
                f"  - {e}\n" for e in extensions)), encoding="utf-8")
        config = load_config(config_file=str(config_file), docs_dir=str(root / "docs"))
        assert splits_safely(config) == (safe, 4)
        site = f"ours-{extensions[0]}"
        run_mkdocs(config_file, docs_dir=root / "docs", site_dir=root / site,
                   nav=site_nav(library), cache_dir=tmp_path / site)
        plain_mkdocs_build(config_file, root, library, f"plain-{extensions[0]}")
        ours, plain = site_files(root / site), site_files(root / f"plain-{extensions[0]}")
        assert ours.keys() == plain.keys()
        assert [p for p in ours if ours[p] != plain[p]] == []
        converted = (tmp_path / site / "pages.json").read_text(encoding="utf-8")
        assert ("data-cd-raw" in converted) == safe
