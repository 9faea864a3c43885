"""Issue 7, item 4, on the shared renderer's output: hostile cell text comes out inert.

Inert means: the only elements are the renderer's own and the ``br sup sub kbd`` allow-list;
no attribute is an event handler or a style; every URL is http(s) or mailto; no ``{{`` or
``}}`` (Anki template and cloze syntax) survives as text Anki would parse. The real-browser and
real-Anki checks are in tests/test_hardening_xss.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cheatdeck.markup import MarkupRenderer

MARKUP = MarkupRenderer()
ELEMENTS = {"p", "em", "strong", "code", "pre", "span", "div", "a", "img", "ul", "ol", "li",
            "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
            "tr", "th", "td", "s", "del", "br", "sup", "sub", "kbd"}
ATTRIBUTES = {"href", "title", "src", "alt", "class", "start", "rel"}

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
    "[x](java&#115;cript:alert(1))", "[x](&#x6A;avascript:alert(1))", "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](javascript:alert(1))", '<iframe src="https://e.org"></iframe>', "<style>*{x:y}</style>",
    "<!-- hidden --> t", "&lt;script&gt;", "&#60;script&#62;", "<br onmouseover=alert(1)>",
    "<sup onclick=alert(1)>x</sup>", "<kbd style=x>k</kbd>", "<<script>script>alert(1)<</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "<object data=x></object>",
    '[x](https://e.org "t\\" onclick=\\"alert(1)")', "{{Front}}", "{{c1::answer::hint}}",
    "`{{c1::x}}`", "{{#Front}}x{{/Front}}", "$<script>alert(1)</script>$",
    "<math><mi>x</mi></math>",
]


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name not in ATTRIBUTES:
                self.problems.append(f"attribute {name}= on <{tag}>")
            if name in ("href", "src") and urlsplit(value or "").scheme not in ("http", "https",
                                                                                 "mailto"):
                self.problems.append(f"URL {value!r}")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")


def _problems(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    # Anki reads {{…}} from the raw field text: braces must be character references there.
    return audit.problems + [f"raw brace in {html!r}" for brace in "{}" if brace in html]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_inline_and_as_a_block(payload: str) -> None:
    assert _problems(MARKUP.inline(payload)) == []
    assert _problems(MARKUP.block(payload)) == []


@pytest.mark.parametrize(("payload", "html"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("[x](java&#115;cript:alert(1))", "[x](javascript:alert(1))"),
    ("<!-- hidden --> t", "&lt;!-- hidden --&gt; t"),
    ("<sup onclick=alert(1)>x</sup>", "&lt;sup onclick=alert(1)&gt;x&lt;/sup&gt;"),
    ("<sup>2</sup> and <br/>", "<sup>2</sup> and <br>"),
    ("{{c1::answer}}", "&#123;&#123;c1::answer&#125;&#125;"),
    ("[ok](https://e.org)", '<a href="https://e.org" rel="noopener noreferrer">ok</a>'),
])
def test_exact_output(payload: str, html: str) -> None:
    assert MARKUP.inline(payload) == html


def test_a_fenced_script_is_highlighted_text() -> None:
    html = MARKUP.block("```html\n<script>alert(1)</script>\n```")
    assert html.startswith('<pre class="highlight"><code><span class="p">&lt;</span>')
    assert _problems(html) == []


@given(st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=8)), max_size=6))
def test_payloads_mixed_with_any_text_stay_inert(parts: list[str]) -> None:
    source = "".join(parts)
    assert _problems(MARKUP.inline(source)) == []
    assert _problems(MARKUP.block(source)) == []
