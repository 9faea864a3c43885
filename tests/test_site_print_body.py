"""The print view's body around MkDocs' conversion (``cheatdeck.site.print_body``, issue 15):
the site cheatdeck builds is byte for byte the site a plain ``mkdocs build`` of the same docs
dir gives, and the body's anchors are the ones MkDocs would collect."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from markdown.preprocessors import NormalizeWhitespace
from mkdocs.commands.build import build
from mkdocs.config import load_config
from site_fixtures import CONFIG, TITLE, browser_library

from cheatdeck.model import Library
from cheatdeck.reader import read_text
from cheatdeck.site import render_site_pages, run_mkdocs, site_nav, write_docs
from cheatdeck.site.pages import SECTION_PAGES, print_path
from cheatdeck.site.print_body import EMPTY_BODY, body_anchors, split_body

# Code with a tab, a line of spaces and a line of tabs inside a note, a formula, references,
# and a section without an emoji: what Python-Markdown normalizes in a raw block.
WHITESPACE_SHEET = (
    "# Whitespace &amp; Tabs\n\n## Tabs\n\n| Question | Answer |\n| --- | --- |\n"
    "| Tab\tin a question? | `a\tb` and $x_1$ &#42; &lt; |\n\n"
    "```make\nall:\n\techo done\n    \n\t\n\t\tdeeper\n```\n\n"
    "| Key | Value | Unit |\n| --- | ---: | --- |\n| Tab | 4 | spaces |\n")


def _library() -> Library:
    sheet, diagnostics = read_text(WHITESPACE_SHEET, path="whitespace.md")
    assert sheet is not None, diagnostics
    return Library((*browser_library().sheets, sheet))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v for k, v in attrs if v and (k == "id" or (k == "name" and tag == "a")))


def test_split_body_keeps_other_pages_and_finds_every_id() -> None:
    library = _library()
    pages = render_site_pages(library, title=TITLE)
    for path, text in pages.items():
        split = split_body(text)
        if path not in {print_path(s) for s in library.sheets}:
            assert split is None, path
            continue
        assert split is not None
        rest, body = split
        assert rest.endswith("\n\n" + EMPTY_BODY + "\n") and body.startswith('<div class="cd-print">')
        parser = _Ids()
        parser.feed(body)
        assert body_anchors(body) == parser.ids and len(parser.ids) >= 2, path
    tabs = split_body(pages[print_path(library.sheets[-1])])
    assert tabs is not None
    # Tabs expanded to Python-Markdown's 4-column stops, as it does to the whole source.
    assert "\t" not in tabs[1]
    assert '\n<span class="w">    </span><span class="nb">echo</span>' in tabs[1]
    assert '\n<span class="w">        </span>deeper\n' in tabs[1]


def test_split_body_normalizes_whitespace_as_python_markdown_does() -> None:
    page = ('# T\n\n<div class="cd-print">\n<pre>a\tb\r\n   \n\t\x02c\x03</pre>\n'
            '</div>\n')
    assert split_body(page) == ('# T\n\n' + EMPTY_BODY + '\n',
                                '<div class="cd-print">\n<pre>a  b\n\n    c</pre>\n</div>')
    normalized = "\n".join(NormalizeWhitespace(markdown.Markdown()).run(page.split("\n")))
    assert split_body(page)[1] in normalized  # type: ignore[index]
    assert split_body(page.replace("</div>\n", "</div>\n\nMore text\n")) is None
    assert split_body(page.replace('<div class="cd-print">', '<div class="other">')) is None


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Library]:
    library = _library()
    root = tmp_path_factory.mktemp("print-body")
    write_docs(root / "docs", render_site_pages(library, title=TITLE))
    return root, library


def test_the_site_is_byte_for_byte_what_plain_mkdocs_builds(docs: tuple[Path, Library]) -> None:
    root, library = docs
    nav = site_nav(library)
    run_mkdocs(CONFIG, docs_dir=root / "docs", site_dir=root / "ours", nav=nav)
    config = load_config(config_file=str(CONFIG), strict=True, docs_dir=str(root / "docs"),
                         site_dir=str(root / "plain"), nav=nav, not_in_nav=SECTION_PAGES)
    build(config)
    ours = {p.relative_to(root / "ours"): p.read_bytes() for p in (root / "ours").rglob("*")
            if p.is_file()}
    plain = {p.relative_to(root / "plain"): p.read_bytes() for p in (root / "plain").rglob("*")
             if p.is_file()}
    assert ours.keys() == plain.keys()
    assert [p for p in ours if ours[p] != plain[p]] == []
    for sheet in library.sheets:  # the bodies are there (not the empty stand-in)
        page = ours[Path(print_path(sheet)).with_suffix(".html")].decode()
        assert EMPTY_BODY not in page and page.count('<div class="cd-print">\n') == 1
