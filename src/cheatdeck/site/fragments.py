"""Make markup.py's HTML fragments safe to place inside a Markdown page.

MkDocs runs every page through Python-Markdown, which would read ``*``, ``_``, backticks, ``\\``,
``[`` … in a fragment's text as Markdown a second time (``vocab_size × dim_`` would turn italic,
``\\(x\\)`` would lose its backslashes, a ``#`` would close a heading). So every such character
in a *text node* is written as a numeric character reference, which Python-Markdown passes
through untouched and the browser shows as the same character. Tags are kept byte for byte:
they come from markup.py, which already sanitized them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Characters Python-Markdown (with the extensions in mkdocs.yml) may treat as syntax mid-line:
# emphasis, code, escapes, links/images, heading closers, attr_list braces, table pipes; and the
# three that HTML itself needs escaped.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]!#{}|<>&]")
_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_WHITESPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"(&#?[0-9A-Za-z]+;)")


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"&#{ord(char)};"


class _Protector(HTMLParser):
    """Re-emits a fragment with its tags verbatim and its text nodes reference-escaped."""

    def __init__(self) -> None:
        # convert_charrefs=True: text arrives unescaped, so every character is escaped once.
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        # Inside <math>: its letters are not its text; the hidden span after it holds that.
        self.in_math = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag == "br":  # a line break separates words in the plain text
            self.text.append(" ")
        elif tag == "math":
            self.in_math += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag == "math":
            self.in_math -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(_MARKDOWN_SYNTAX.sub(_reference, data))
        if not self.in_math:
            self.text.append(data)


def _parse(fragment: str) -> _Protector:
    parser = _Protector()
    parser.feed(fragment)
    parser.close()
    return parser


def for_markdown(fragment: str) -> str:
    """Return ``fragment`` rewritten so Python-Markdown leaves it exactly as it is.

    Args:
        fragment: an HTML fragment from :class:`cheatdeck.markup.MarkupRenderer` (well-formed,
            sanitized).

    Returns:
        The same HTML, with Markdown-significant characters of text nodes (``\\ ` * _ [ ] ! #
        { } |``) as ``&#N;`` references and ``< > &`` as named ones. The browser renders it identically; it can
        be put in a heading, a table cell, a link text or a raw HTML block.
    """
    if "<" not in fragment:
        # Text only (most cells): skip the HTML parser. Its text is already escaped, so every
        # "&" starts a character reference, which is kept; the rest is escaped as above.
        parts = _ENTITY.split(fragment)
        parts[::2] = [_MARKDOWN_SYNTAX.sub(_reference, part) for part in parts[::2]]
        return "".join(parts)
    return "".join(_parse(fragment).out)


def plain_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, whitespace collapsed (no escaping).

    Used where only text is allowed (navigation titles, the quiz's deck menu, table-of-contents
    labels); the caller escapes it for its context. A formula counts as its readable text (the
    hidden span after its ``<math>``), not as the letters of its MathML tree.
    """
    return _WHITESPACE.sub(" ", "".join(_parse(fragment).text)).strip()

