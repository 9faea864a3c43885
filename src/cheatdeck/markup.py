"""The one Markdown→HTML renderer shared by the Anki fields and the study site.

A cell's Markdown source becomes an HTML fragment here and nowhere else, so a card reads the
same in Anki and on the site. Rules:

* CommonMark + GFM tables/strikethrough via markdown-it-py, with ``$…$`` math from
  mdit-py-plugins' dollarmath. For Anki (``math="mathjax"``) it is written as MathJax
  delimiters ``\\(…\\)`` / ``\\[…\\]`` (Anki renders those natively:
  https://docs.ankiweb.net/math.html); for the site (``math="mathml"``) it is converted to
  MathML at build time (:mod:`cheatdeck.mathml`), followed by a ``hidden`` span with its
  readable text for titles and the search index; an unrenderable formula stays as its source
  text (the reader warns about it). Code spans are parsed before math, so a ``$`` inside
  backticks is never math.
* Raw HTML: only ``<br> <sup> <sub> <kbd>`` without attributes pass; every other tag is shown as
  text. The whole fragment then goes through nh3 (ammonia) with an allow-list, so nothing
  markdown-it produces can carry a script, an event handler or a ``javascript:`` URL either.
* ``{`` and ``}`` are written as character references, so Anki can never read ``{{Field}}`` or
  ``{{c1::…}}`` out of content (its template and cloze parsers work on the raw field text).
* Fenced code is highlighted at build time with Pygments (CSS classes, no script).
* Links: a link to a file (no URL scheme, not ``#anchor``: another sheet, a README) shows
  its text only; neither an Anki card nor a site page can open a file of ``source/``.
* Images: ``![alt](ref)`` becomes ``<img src="<base><file name>">`` only when ``ref`` is in the
  renderer's ``media`` map (the images the reader checked and read, named by content); any other
  image is shown as its alt text, so no fragment ever makes Anki or a browser fetch a file from
  elsewhere or from the network. ``base`` is per call: ``""`` in Anki (media are flat), a
  relative folder on the site (it depends on the page's depth).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from cheatdeck.fragment_cache import FragmentCache
from cheatdeck.mathml import MATHML_NAMESPACE, MathError, readable_text, to_mathml
from cheatdeck.syntax import MAX_HTML_NESTING, make_syntax

RAW_HTML_ALLOWED = frozenset({"br", "sup", "sub", "kbd"})
"""Raw HTML tags an author may write in a cell; everything else is escaped (DESIGN.md)."""

_SANITIZER_TAGS = RAW_HTML_ALLOWED | {
    "p", "em", "strong", "code", "pre", "span", "div", "a", "img", "ul", "ol", "li",
    "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
    "th", "td", "s", "del",
}
_MATHML_TAGS = {
    "math", "mrow", "mi", "mo", "mn", "mtext", "ms", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror",
}
"""MathML Core elements latex2mathml writes (no ``semantics``/``annotation``: no LaTeX text)."""
_SANITIZER_TAGS |= _MATHML_TAGS
_MATHML_ATTRIBUTES = {
    "math": {"display", "data-search-exclude"},
    "mo": {"stretchy", "fence", "form", "separator", "lspace", "rspace", "largeop",
           "movablelimits", "minsize", "maxsize", "symmetric", "accent"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathcolor"},
    "mspace": {"width", "height", "depth", "linebreak"},
    "mfrac": {"linethickness"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "columnlines", "rowlines"},
    "mtd": {"columnalign"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "menclose": {"notation"},
}
_SANITIZER_ATTRIBUTES = {
    **_MATHML_ATTRIBUTES,
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "span": {"class", "hidden", "tabindex"},  # tabindex: a display formula's scroll area
    "div": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
_URL_SCHEMES = {"http", "https", "mailto"}

MathMode = Literal["mathjax", "mathml"]
"""How ``$…$`` is written: MathJax delimiters (Anki) or build-time MathML (the site)."""


class _SingleTag(HTMLParser):
    """Parses one raw HTML tag (stdlib parser) to decide whether it is on the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, bool(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, bool(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, False))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data, False))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data, False))


def _allowed_tag(raw: str) -> str | None:
    """Return the canonical form of an allowed attribute-less tag, or None to escape it."""
    parser = _SingleTag()
    parser.feed(raw)
    parser.close()
    if len(parser.events) != 1:
        return None
    event, tag, has_attrs = parser.events[0]
    if event not in ("start", "end") or tag not in RAW_HTML_ALLOWED or has_attrs:
        return None
    if tag == "br":
        return "<br>"
    return f"<{tag}>" if event == "start" else f"</{tag}>"


def _render_html_inline(
    self: RendererHTML, tokens: list[Token], idx: int, options: object, env: dict[str, Any]
) -> str:
    raw = tokens[idx].content
    tag = _allowed_tag(raw)
    if tag is None:
        return html.escape(raw, quote=False)
    # A closing tag passes only if its opening tag passed (``env`` is new for every render):
    # otherwise the sanitizer would silently drop it, e.g. the ``</sup>`` of an escaped
    # ``<sup onclick=…>``, and the author's text would lose it.
    # Past MAX_HTML_NESTING open tags, an opening tag is shown as text (the reader warns):
    # deep nesting made MkDocs' HTML passes superlinear (issue 11 item 6). Counts by name, so
    # each tag costs O(1) however deep the nesting is.
    opened: dict[str, int] = env.setdefault("cheatdeck_open_tags", {})
    if tag.startswith("</"):
        if not opened.get(tag[2:-1]):
            return html.escape(raw, quote=False)
        opened[tag[2:-1]] -= 1
    elif tag != "<br>":
        if sum(opened.values()) >= MAX_HTML_NESTING:
            return html.escape(raw, quote=False)
        opened[tag[1:-1]] = opened.get(tag[1:-1], 0) + 1
    return tag


def _render_html_block(
    self: RendererHTML, tokens: list[Token], idx: int, options: object, env: object
) -> str:
    return "<p>" + html.escape(tokens[idx].content.strip("\n"), quote=False) + "</p>\n"


def _mathml(latex: str, *, display: bool, source: str, memo: dict[str, str] | None = None) -> str:
    """A formula as MathML plus its readable text in a ``hidden`` span (titles, search index).

    The ``<math>`` is marked ``data-search-exclude`` so the search index holds the readable
    text once, not the letters of the MathML tree; unrenderable: ``source`` as text. A display
    formula inside text (``$$…$$`` in a cell) is a block of its own that scrolls sideways when
    wider than the column, so it is a tab stop (WCAG 2.1.1: keyboard users scroll it too).
    ``memo``: the renderer's ``{source: result}`` (formulas repeat across cells; converting one
    is the costliest step of a cell, issue 15).
    """
    if memo is not None:
        if (done := memo.get(source)) is None:
            done = memo[source] = _mathml(latex, display=display, source=source)
        return done
    try:
        mathml = to_mathml(latex, display=display)
    except MathError:  # the reader already warned, naming the line
        return f'<span class="cd-math-source">{html.escape(source, quote=False)}</span>'
    # The HTML parser puts <math> in the MathML namespace itself: no xmlns (a URL on the page).
    mathml = mathml.replace(f' xmlns="{MATHML_NAMESPACE}"', "", 1)
    mathml = mathml.replace("<math ", "<math data-search-exclude ", 1)
    text = html.escape(readable_text(latex), quote=False)
    if display:
        return (f'<span class="cd-math cd-math--block" tabindex="0">{mathml}'
                f'<span class="cd-math__text" hidden>{text}</span></span>')
    return f'<span class="cd-math">{mathml}<span class="cd-math__text" hidden>{text}</span></span>'


def _render_math(
    self: RendererHTML, tokens: list[Token], idx: int, options: object, env: dict[str, Any]
) -> str:
    content = tokens[idx].content
    env[_HAS_MATH] = True
    if env.get(_MATH) == "mathml":
        return _mathml(content, display=False, source=f"${content}$", memo=env.get(_FORMULAS))
    return "\\(" + html.escape(content, quote=False) + "\\)"


def _render_math_inline_double(
    self: RendererHTML, tokens: list[Token], idx: int, options: object, env: dict[str, Any]
) -> str:
    content = tokens[idx].content
    env[_HAS_MATH] = True
    if env.get(_MATH) == "mathml":
        return _mathml(content, display=True, source=f"$${content}$$", memo=env.get(_FORMULAS))
    return "\\[" + html.escape(content, quote=False) + "\\]"


def _render_math_block(
    self: RendererHTML, tokens: list[Token], idx: int, options: object, env: dict[str, Any]
) -> str:
    content = tokens[idx].content
    env[_HAS_MATH] = True
    if env.get(_MATH) == "mathml":
        formula = _mathml(content, display=True, source=f"$${content}$$", memo=env.get(_FORMULAS))
        return f'<div class="cd-math-block">{formula}</div>\n'
    return "<p>\\[" + html.escape(content, quote=False) + "\\]</p>\n"


def _render_image(
    self: RendererHTML, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    name = env.get(_MEDIA, {}).get(token.attrGet("src"))
    if name is None:  # not an image the reader checked: never emit a src that could fetch
        return html.escape(alt, quote=False)
    env[_HAS_IMAGE] = True
    title = token.attrGet("title")
    title_attr = f' title="{html.escape(str(title))}"' if title else ""
    src = html.escape(env.get(_BASE, "") + name)
    return f'<img src="{src}" alt="{html.escape(alt)}"{title_attr}>'


def _opens_in_place(href: str) -> bool:
    """True for a link a card or page can follow: a URL with a scheme (``https:``, ``mailto:``;
    the sanitizer drops other schemes) or an anchor; not a path to a file of ``source/``."""
    parts = urlsplit(href)
    return bool(parts.scheme) or href.startswith(("#", "//"))


def _render_link_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    # A link to a file (another sheet, a README) cannot open from a card or a site page: its
    # text is shown instead (the reader warned). ``env`` remembers it for the closing tag.
    opened = env.setdefault(_DROPPED_LINKS, [])
    dropped = not _opens_in_place(str(tokens[idx].attrGet("href") or ""))
    opened.append(dropped)
    return "" if dropped else self.renderToken(tokens, idx, options, env)


def _render_link_close(
    self: RendererHTML, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    opened = env.get(_DROPPED_LINKS) or [False]
    return "" if opened.pop() else self.renderToken(tokens, idx, options, env)


_DROPPED_LINKS = "cheatdeck_dropped_links"
"""Key of the per-render ``env``: for each open link, whether its tags were left out."""

_MEDIA, _BASE, _HAS_IMAGE = "cheatdeck_media", "cheatdeck_media_base", "cheatdeck_has_image"
_MATH, _HAS_MATH = "cheatdeck_math", "cheatdeck_has_math"
_FORMULAS = "cheatdeck_formulas"
"""Keys of the per-render ``env``: ref → file name map, src prefix, "an image was drawn",
:data:`MathMode`, "a formula was drawn"."""


def _highlight(code: str, lang: str, attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it falls back to its own escaped <pre><code>
    # A result starting with "<pre" is used as-is by markdown-it (no second <pre><code> wrapper).
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code>{body}</code></pre>'



def make_parser() -> MarkdownIt:
    """Build the one explicitly configured markdown-it-py instance used for rendering.

    Returns:
        The reader's syntax (:func:`cheatdeck.syntax.make_syntax`: CommonMark, GFM tables and
        strikethrough, raw HTML tokenized so the renderer can escape it, dollarmath) with
        Pygments highlighting for fenced code and the render rules above. The image rule reads
        the ref → name map and the src prefix from the render's ``env`` (none: alt text only).
    """
    md = make_syntax()  # the reader parses with the same syntax (images it checked = drawn)
    md.options["highlight"] = _highlight
    md.add_render_rule("html_inline", _render_html_inline)
    md.add_render_rule("html_block", _render_html_block)
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_inline_double", _render_math_inline_double)
    md.add_render_rule("math_block", _render_math_block)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    return md


_INLINE_SYNTAX = frozenset("\\`*_[]<>&!$~{}")
"""Characters that can start inline Markdown, raw HTML, an entity, math or an Anki brace."""


class MarkupRenderer:
    """Render cell and prose Markdown to safe HTML fragments.

    One instance holds one parser and a memo of what it rendered (cells repeat a lot, and the
    deck and the site render the same cells): share one instance across a build. A fragment
    with no image is the same for every ``media_base``, so it is memoized once for all of them.
    """

    def __init__(self, media: Mapping[str, str] | None = None,
                 cache: FragmentCache | None = None) -> None:
        """Args:
            media: ``{image ref: shipped file name}`` (:attr:`cheatdeck.model.Library.media_names`);
                images not in it are shown as their alt text.
            cache: fragments kept from earlier builds (:mod:`cheatdeck.fragment_cache`): asked
                before rendering, and given every fragment rendered without an image.
        """
        self._cache = cache
        self._formulas: dict[str, str] = {}  # "$…$" source → its site HTML (MathML + text)
        self._md = make_parser()
        self._cleaner = make_cleaner()
        self._media = dict(media or {})
        self._inline: dict[str, str] = {}  # fragments without an image or math: one for all
        # Fragments that depend on the image prefix or the math mode.
        self._inline_keyed: dict[tuple[MathMode, str, str], str] = {}

    @property
    def media(self) -> Mapping[str, str]:
        """``{image ref: shipped file name}``: the images this renderer shows (a copy)."""
        return dict(self._media)

    def _env(self, media_base: str, math: MathMode) -> dict[str, Any]:
        return {_MEDIA: self._media, _BASE: media_base, _MATH: math, _FORMULAS: self._formulas}

    def inline(self, source: str, *, media_base: str = "", math: MathMode = "mathjax") -> str:
        """Render one line of inline Markdown (a question, an answer, a table cell).

        Args:
            source: Markdown source, e.g. ``"Use `x | y` and *z*<br>then $n^2$"``.
            media_base: prefix of an image's file name in ``src`` (``""`` for Anki; the path
                from the page to the site's media folder).
            math: ``"mathjax"`` (Anki: ``\\(n^2\\)``) or ``"mathml"`` (the site: ``<math>``).

        Returns:
            An HTML fragment with no enclosing ``<p>``; ``""`` for ``""``.
        """
        if (html := self._inline.get(source)) is None:
            key = (math, media_base, source)
            if (html := self._inline_keyed.get(key)) is not None:
                return html
            if source.isprintable() and _INLINE_SYNTAX.isdisjoint(source):
                html = source.strip()  # no syntax: markdown-it and nh3 change nothing else
                self._inline[source] = html
                return html
            html = self._render("inline", source, media_base, math)
            if source in self._inline:  # no image, no math: the same in every mode
                return html
            self._inline_keyed[key] = html
        return html

    def _render(self, kind: Literal["inline", "block"], source: str, media_base: str,
                math: MathMode, top_heading: int = 0) -> str:
        """Render through the persistent cache. A fragment without math is the same in every
        math mode, so it is cached under the mode ``""`` (and inline, kept in the mode-free
        memo): a build asks for the same keys whether the cache was warm or cold."""
        cache = self._cache
        label = f"{kind}-h{top_heading}" if top_heading else kind  # headings moved: other HTML
        if cache is not None:
            html = cache.get(FragmentCache.key(label, "", source))
            if html is not None:
                if kind == "inline":
                    self._inline[source] = html
                return html
            if (html := cache.get(FragmentCache.key(label, math, source))) is not None:
                return html
        env = self._env(media_base, math)
        if kind == "inline":
            html = _finish(self._md.renderInline(source, env), self._cleaner)
        else:
            tokens = self._md.parse(source, env)
            if top_heading:
                _move_headings(tokens, top_heading)
            html = _finish(self._md.renderer.render(tokens, self._md.options, env), self._cleaner)
        mode_free = not env.get(_HAS_MATH)
        if cache is not None and not env.get(_HAS_IMAGE):  # an image's src depends on the page
            cache.put(FragmentCache.key(label, "" if mode_free else math, source), html)
        if kind == "inline" and mode_free and not env.get(_HAS_IMAGE):
            self._inline[source] = html
        return html

    def block(self, source: str, *, media_base: str = "", math: MathMode = "mathjax",
              top_heading: int = 0) -> str:
        """Render block Markdown (prose, an answer shown as paragraphs).

        Args:
            source: Markdown source of one or more blocks.
            media_base, math: as for :meth:`inline`.
            top_heading: 0 keeps each heading's level as written; 2–6: the fragment's highest
                heading gets that level and the others keep their distance below it (at most
                ``<h6>``). An answer under a page's ``<h2>`` question starts at ``<h3>``, so
                the page skips no heading level (WCAG 1.3.1, issue 20).

        Returns:
            An HTML fragment of block elements (``<p>``, ``<ul>``, highlighted ``<div>`` …).
        """
        return self._render("block", source, media_base, math, top_heading)


def _move_headings(tokens: list[Token], top: int) -> None:
    """Give the headings of a parsed fragment levels from ``top`` down, keeping their
    distances (``####``, ``#####`` under ``top=3``: ``<h3>``, ``<h4>``), at most ``<h6>``."""
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    if not levels:
        return
    shift = top - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


SANITIZER_OPTIONS: dict[str, Any] = {
    "tags": _SANITIZER_TAGS,
    "attributes": _SANITIZER_ATTRIBUTES,
    "url_schemes": _URL_SCHEMES,
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
}
"""The allow-list every fragment is cleaned with (``nh3.Cleaner``/``nh3.clean`` keywords)."""


def make_cleaner() -> nh3.Cleaner:
    """Build the sanitizer of :data:`SANITIZER_OPTIONS` once; ``cleaner.clean(html)`` gives what
    ``nh3.clean(html, **SANITIZER_OPTIONS)`` gives, without rebuilding the allow-list per call
    (issue 15: about 6× faster on a cell)."""
    return nh3.Cleaner(**SANITIZER_OPTIONS)


def _finish(rendered: str, cleaner: nh3.Cleaner) -> str:
    clean = cleaner.clean(rendered)
    return clean.replace("{", "&#123;").replace("}", "&#125;").strip()
