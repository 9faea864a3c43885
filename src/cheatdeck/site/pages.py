"""Render the study site's pages from the model: pure, text in and text out, no I/O.

Every page is a plain Markdown file (DESIGN.md "Site"), so MkDocs, or any engine that reads
``mkdocs.yml``, can build the docs dir without our code. Text goes through the shared
:class:`~cheatdeck.markup.MarkupRenderer` and :func:`~cheatdeck.site.fragments.for_markdown`;
templates only place values computed here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Card, FactTable, Library, Prose, Section, Sheet
from cheatdeck.names import section_anchors, section_page, slug, tag
from cheatdeck.site.fragments import for_markdown, plain_text
from cheatdeck.site.quizdata import (
    Guids,
    card_keys,
    quiz_data_script,
    quiz_section,
    study_index_script,
)
from cheatdeck.site.section_cache import SectionCache, SectionParts, section_key, shared_salt

ASSET_DIR = "assets/cheatdeck"
"""Docs-relative folder of the site's own CSS/JS (copied from the package) and quiz data."""

QUIZ_DATA = f"{ASSET_DIR}/quiz-data.js"
"""Docs-relative path of the generated quiz data script."""

STUDY_INDEX = f"{ASSET_DIR}/study-index.js"
"""Docs-relative path of the generated study index: each section's study keys, for due counts."""

STUDY_SCRIPT = f"{ASSET_DIR}/study.js"
"""The spaced-repetition store and due counts (package asset), loaded by every page that counts."""

QUIZ_STUDY_SCRIPTS = (f"{ASSET_DIR}/vendor/ts-fsrs/ts-fsrs.umd.js", STUDY_SCRIPT,
                      f"{ASSET_DIR}/study-quiz.js")
"""What the quiz page loads before ``quiz.js`` (package assets): the vendored FSRS scheduler
(ts-fsrs, see its NOTICE), the store, and the quiz's grade buttons and progress panel."""

MEDIA_DIR = f"{ASSET_DIR}/media"
"""Docs-relative folder of the images the sheets show, by content-hashed name
(:class:`cheatdeck.model.Media`); the same files as in the deck."""

ROOT_MEDIA = f"{MEDIA_DIR}/"
"""Image ``src`` prefix on pages at the docs root (home, tags, quiz: the quiz data's fragments
are placed in ``quiz.html``)."""

SECTION_MEDIA = f"../{MEDIA_DIR}/"
"""Image ``src`` prefix on section pages (one folder down, :func:`cheatdeck.names.section_page`)."""

_ANSWER_LABELS = {"qa": "Answer", "gotcha": "Why"}


def sheet_path(sheet: Sheet) -> str:
    """Return the docs-relative Markdown path of a sheet's page: ``<sheet>/_sheet.md``.

    The navigation lists sheets only, each linking this page, which lists the sheet's sections
    (issue 11 item 6: Material renders the whole nav into every page, so a nav of every
    section made the site quadratic in sections). ``_`` never occurs in a slug, so the name
    cannot clash with a section page.
    """
    return f"{sheet.slug}/_sheet.md"


SECTION_PAGES = "/*/*.md"
"""MkDocs ``not_in_nav`` pattern: the section pages, reached from the sheet pages, not the nav."""


def print_path(sheet: Sheet) -> str:
    """Return the docs-relative path of a sheet's print view: ``<sheet>/_print.md``.

    ``_`` is never in a section slug (``[a-z0-9-]``), so it cannot clash with a section page.
    """
    return f"{sheet.slug}/_print.md"


def section_cards(section: Section) -> int:
    """Return how many Anki cards a section gives: one per Q&A/gotcha, one per fact value."""
    facts = sum(1 for t in section.fact_tables for row in t.rows for value in row.values if value)
    return len(section.cards) + facts


def count(number: int, noun: str) -> str:
    """Return ``"1 card"`` / ``"7 cards"``: a count with its noun, plural by ``s``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cheatdeck", "templates/site"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Pages write attr_list's "{#anchor}", which Jinja would read as a comment.
        comment_start_string="{%#",
        comment_end_string="#%}",
    )


@dataclass(frozen=True, slots=True)
class _Context:
    """What every block renderer needs; one per call of render_site_pages (only its caches grow)."""

    env: jinja2.Environment
    markup: MarkupRenderer
    tag_anchors: dict[str, str]
    # Questions, answers and anchors serve the section page, the quiz and the tags page: the
    # caches make each one computed once per call of render_site_pages (and image prefix).
    inline_cache: dict[str, dict[str, str]]
    anchor_cache: dict[int, tuple[str, ...]]
    # The section page, the print view and the tags page place the same fragments: each is
    # made Markdown-safe once (an HTML parse per fragment, issue 15's profile).
    markdown_cache: dict[tuple[str, str], Markup]

    def inline(self, source: str, media_base: str = ROOT_MEDIA) -> str:
        """Inline Markdown → HTML fragment (the shared renderer's, memoized) for a page whose
        image prefix is ``media_base`` (:data:`ROOT_MEDIA` or :data:`SECTION_MEDIA`)."""
        cache = self.inline_cache.setdefault(media_base, {})
        fragment = cache.get(source)
        if fragment is None:
            fragment = cache[source] = self.markup.inline(
                source, media_base=media_base, math="mathml"
            )
        return fragment

    def anchors(self, section: Section) -> tuple[str, ...]:
        """The section's card anchors (:func:`cheatdeck.names.section_anchors`, memoized)."""
        key = id(section)  # sections are frozen and outlive the call: id() is a stable key
        if key not in self.anchor_cache:
            self.anchor_cache[key] = section_anchors(section)
        return self.anchor_cache[key]

    def html(self, source: str, media_base: str = ROOT_MEDIA) -> Markup:
        """Inline Markdown → HTML fragment that survives a pass through Python-Markdown."""
        key = (source, media_base)
        if (safe := self.markdown_cache.get(key)) is None:
            safe = self.markdown_cache[key] = Markup(for_markdown(self.inline(source, media_base)))
        return safe

    def answer(self, card: Card, media_base: str = ROOT_MEDIA, question_level: int = 2) -> str:
        """A card's answer as an HTML fragment: block HTML (paragraphs, lists, highlighted
        code) for a block shape, its headings one level below the question's
        ``<h{question_level}>``; inline HTML for a table row or gotcha."""
        if card.shape.is_block:
            return self.markup.block(card.answer, media_base=media_base, math="mathml",
                                     top_heading=question_level + 1)
        return self.inline(card.answer, media_base)

    def answer_html(self, card: Card, question_level: int) -> Markup:
        """:meth:`answer` for a section page or the print view (images under ``../``), safe
        through Python-Markdown; a row's answer through :meth:`section_html`, whose fragments
        the other pages share."""
        if not card.shape.is_block:
            return self.section_html(card.answer)
        return Markup(for_markdown(self.answer(card, SECTION_MEDIA, question_level)))

    def section_html(self, source: str) -> Markup:
        """:meth:`html` for a section page (one folder down: images under ``../``)."""
        return self.html(source, SECTION_MEDIA)

    def tag_href(self, name: str) -> str:
        """Link from a section page (one folder down) to a tag on the tags page."""
        return f"../tags.html#{self.tag_anchors[name]}"


def _toc_label(fragment: str) -> str:
    """The table-of-contents label of a heading whose text holds math, or ``""`` for none.

    Python-Markdown's toc would list the heading's raw text: the letters of the MathML tree
    run together with the formula's readable text. ``data-toc-label`` (attr_list) names it
    instead; ``"`` and braces would end the attribute list, so they become similar marks.
    """
    if "cd-math" not in fragment:
        return ""
    return plain_text(fragment).translate(_ATTR_LIST_UNSAFE)


_ATTR_LIST_UNSAFE = str.maketrans({'"': "”", "{": "(", "}": ")", "\\": "∖"})


def _card(ctx: _Context, card: Card, anchor: str, heading_id: str) -> str:
    tags = [{"name": t, "href": ctx.tag_href(t)} for t in dict.fromkeys(tag(t) for t in card.tags)]
    question = ctx.inline(card.question, SECTION_MEDIA)
    return ctx.env.get_template("card.md.j2").render(
        question=ctx.section_html(card.question),
        question_text=plain_text(question),
        toc_label=_toc_label(question),
        anchor=anchor,
        kind=card.kind,
        label=ctx.section_html(card.labels[1]) if card.labels else _ANSWER_LABELS[card.kind],
        answer=ctx.answer_html(card, question_level=2),
        block=card.shape.is_block,
        extra=ctx.section_html(card.extra_field) if card.extra_field else "",
        tags=tags,
    )


def _table(ctx: _Context, table: FactTable, anchor: str, heading_id: str) -> str:
    # The first column is a row header (<th scope="row">): it names the row for screen
    # readers, and stays in view while a phone scrolls the other columns (cheatdeck.css).
    def cells(texts: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"html": ctx.section_html(text), "align": table.alignment(i)}
                for i, text in enumerate(texts)]

    names = ", ".join(plain_text(ctx.inline(c, SECTION_MEDIA)) for c in table.columns)
    return ctx.env.get_template("table.md.j2").render(
        heading_id=heading_id,
        label=f"Fact table: {names}",
        columns=cells(table.columns),
        rows=[cells((row.subject, *row.values)) for row in table.rows],
    )


def _prose(ctx: _Context, prose: Prose, anchor: str, heading_id: str,
           top_heading: int = 0) -> str:
    # A heading in the prose (a topic over questions, a question with no answer) goes under
    # the heading above it: the section page's h1, or the "Notes" h2 put before it; in the
    # print view, the section's h2 (``top_heading=3``). Issue 20: no heading level skipped.
    top = top_heading or (3 if heading_id else 2)
    return ctx.env.get_template("prose.md.j2").render(
        heading_id=heading_id,
        html=Markup(for_markdown(
            ctx.markup.block(prose.text, media_base=SECTION_MEDIA, math="mathml",
                             top_heading=top)
        )),
    )


_BLOCKS: dict[type, Callable[[_Context, Any, str, str], str]] = {
    Card: _card,
    FactTable: _table,
    Prose: _prose,
}
"""Block type → renderer of its Markdown (dispatch table, see STYLE.md). Each gets the card's
anchor ("" for other blocks) and the id of a heading to put above it ("" for none)."""


def front_matter_title(ctx: _Context, source: str) -> Markup:
    """Return a page's ``title:`` front-matter value for ``source`` (inline Markdown): its plain
    text, HTML-escaped, as a YAML double-quoted (JSON) string.

    Why: without it MkDocs takes the title from the page's ``#`` heading as HTML and Material
    writes it into ``<title>`` through ``striptags``, which turns ``&lt;/title&gt;&lt;script&gt;``
    back into live markup (issue 11 item 5). Material writes ``page.meta.title`` as it is, so
    the value must already be escaped; search and the header show the same text.
    """
    text = str(escape(plain_text(ctx.inline(source))))
    return Markup(json.dumps(text, ensure_ascii=False))


def _print_card(ctx: _Context, card: Card, anchor: str) -> str:
    return ctx.env.get_template("print_card.html.j2").render(
        question=ctx.section_html(card.question),
        anchor=anchor,
        kind=card.kind,
        answer=ctx.answer_html(card, question_level=3),  # the print view's questions are h3
        block=card.shape.is_block,
        extra=ctx.section_html(card.extra_field) if card.extra_field else "",
    )


def _print_blocks(ctx: _Context, section: Section) -> tuple[str, ...]:
    """A section's blocks in its sheet's print view, each an HTML text (no trailing newline)."""
    anchors = iter(ctx.anchors(section))
    blocks = []
    for block in section.blocks:
        if isinstance(block, Card):
            # "__" is never in a slug: ids stay unique across the sheet's sections.
            text = _print_card(ctx, block, f"{section.slug}__{next(anchors)}")
        elif isinstance(block, Prose):
            text = _prose(ctx, block, "", "", top_heading=3)
        else:
            text = _BLOCKS[type(block)](ctx, block, "", "")
        blocks.append(text.rstrip("\n"))
    return tuple(blocks)


def _print_page(ctx: _Context, sheet: Sheet, blocks: list[tuple[str, ...]]) -> str:
    """A sheet's print view: every section with every answer shown (no ``<details>``);
    ``blocks``: each section's :func:`_print_blocks`.

    Below its title the page is one raw HTML block (``print.md.j2``): its headings are HTML,
    written as Python-Markdown's toc writes them, and its tables and notes are the section
    pages' HTML. Why: Python-Markdown's raw-HTML extractor copies the rest of the page at the
    end of every raw block, so a block per card made this page, which grows with the whole
    sheet, quadratic in the sheet's cards (issue 15: 43 s of a 10k-card build).
    """
    sections = [{"emoji": escape(section.emoji), "title": ctx.section_html(section.title),
                 "anchor": section.slug, "blocks": [Markup(b) for b in section_blocks]}
                for section, section_blocks in zip(sheet.sections, blocks, strict=True)]
    return ctx.env.get_template("print.md.j2").render(
        page_title=front_matter_title(ctx, sheet.title), title=ctx.section_html(sheet.title),
        sections=sections,
    )


def _section_page(ctx: _Context, sheet: Sheet, section: Section) -> str:
    anchors = iter(ctx.anchors(section))
    blocks: list[Markup] = []
    after_card = False
    for index, block in enumerate(section.blocks, start=1):
        is_card = isinstance(block, Card)
        # A table or note after a question gets its own heading, so search does not file its
        # text under that question. "_" keeps these ids apart from question slugs ([a-z0-9-]).
        heading_id = f"block_{index}" if after_card and not is_card else ""
        anchor = next(anchors) if is_card else ""
        blocks.append(Markup(_BLOCKS[type(block)](ctx, block, anchor, heading_id).rstrip("\n")))
        after_card = after_card or is_card
    return ctx.env.get_template("section.md.j2").render(
        page_title=front_matter_title(ctx, f"{section.emoji} {section.title}".strip()),
        emoji=escape(section.emoji),
        title=ctx.section_html(section.title),
        sheet_title=ctx.section_html(sheet.title),
        home_href="_sheet.html",  # the sheet page (sheet_path); raw HTML: MkDocs keeps it
        quiz_href=f"../quiz.html#{sheet.slug}/{section.slug}",
        print_href=f"_print.html#{section.slug}",
        card_count=count(section_cards(section), "card"),
        scope=f"{sheet.slug}/{section.slug}",
        scripts=[f"../{STUDY_INDEX}", f"../{STUDY_SCRIPT}"],
        blocks=blocks,
    )


def _sheet_page(ctx: _Context, sheet: Sheet) -> str:
    return ctx.env.get_template("sheet.md.j2").render(
        page_title=front_matter_title(ctx, sheet.title),
        title=ctx.section_html(sheet.title),
        subtitle=ctx.section_html(sheet.subtitle) if sheet.subtitle else "",
        footer=ctx.section_html(sheet.footer) if sheet.footer else "",
        cards=sum(section_cards(s) for s in sheet.sections),
        quiz_href=f"../quiz.html#{sheet.slug}",
        sections=[
            {
                "emoji": escape(section.emoji),
                "title": ctx.section_html(section.title),
                "path": f"{section.slug}.md",
                "cards": section_cards(section),
                "quiz_href": f"../quiz.html#{sheet.slug}/{section.slug}",
            }
            for section in sheet.sections
        ],
    )


def _home_page(ctx: _Context, library: Library, title: str, deck_file: str | None) -> str:
    sheets = [
        {
            "slug": sheet.slug,
            "title": ctx.html(sheet.title),
            "subtitle": ctx.html(sheet.subtitle) if sheet.subtitle else "",
            "footer": ctx.html(sheet.footer) if sheet.footer else "",
            "cards": sum(section_cards(s) for s in sheet.sections),
            "quiz_href": f"quiz.html#{sheet.slug}",
            "print_path": print_path(sheet),
            "sections": [
                {
                    "emoji": escape(section.emoji),
                    "title": ctx.html(section.title),
                    "path": section_page(sheet, section),
                    "cards": section_cards(section),
                    "quiz_href": f"quiz.html#{sheet.slug}/{section.slug}",
                    "scope": f"{sheet.slug}/{section.slug}",
                }
                for section in sheet.sections
            ],
        }
        for sheet in library.sheets
    ]
    deck = {"name": deck_file, "href": quote(deck_file)} if deck_file else None
    return ctx.env.get_template("home.md.j2").render(
        title=ctx.html(title),
        sheet_count=count(len(library.sheets), "sheet"),
        section_count=count(sum(len(s.sections) for s in library.sheets), "section"),
        card_count=count(sum(section_cards(x) for s in library.sheets for x in s.sections), "card"),
        deck=deck,
        sheets=sheets,
        scripts=[STUDY_INDEX, STUDY_SCRIPT],
    )


def _tag_anchors(library: Library) -> dict[str, str]:
    """Map every card tag (Anki form) to a unique page anchor on the tags page, sorted by tag."""
    names = sorted({tag(t) for s in library.sheets for c in s.cards for t in c.tags})
    anchors: dict[str, str] = {}
    for name in names:
        base = "tag-" + slug(name)
        anchor, n = base, 1
        while anchor in anchors.values():
            n += 1
            anchor = f"{base}-{n}"
        anchors[name] = anchor
    return anchors


TagLine = tuple[str, str, str, str]
"""A line of the tags page: ``(tag, question HTML, href, where HTML)``."""


def _tag_lines(ctx: _Context, sheet: Sheet, section: Section) -> tuple[TagLine, ...]:
    """The tags page's lines of a section: one per tag of each card, in source order."""
    page = section_page(sheet, section)
    lines = []
    for card, anchor in zip(section.cards, ctx.anchors(section), strict=True):
        for name in dict.fromkeys(tag(t) for t in card.tags):
            lines.append((name, str(ctx.html(card.question)), f"{page}#{anchor}",
                          str(ctx.html(f"{sheet.title} › {section.title}"))))
    return tuple(lines)


def _tags_page(ctx: _Context, lines: list[tuple[TagLine, ...]], anchors: dict[str, str]) -> str:
    entries: dict[str, list[dict[str, Any]]] = {name: [] for name in anchors}
    for section_lines in lines:
        for name, question, href, where in section_lines:
            entries[name].append(
                {"question": Markup(question), "href": href, "where": Markup(where)})
    tags = [
        {"name": for_markdown(str(escape(n))), "anchor": a, "entries": entries[n]}
        for n, a in anchors.items()
    ]
    return ctx.env.get_template("tags.md.j2").render(tags=tags)


def render_site_pages(
    library: Library,
    *,
    title: str,
    deck_file: str | None = None,
    renderer: MarkupRenderer | None = None,
    guids: Guids | None = None,
    cache: SectionCache | None = None,
) -> dict[str, str]:
    """Render every generated file of the docs dir.

    Args:
        library: the sheets to publish.
        title: the home page heading (the deck name, e.g. ``"Interview Cheat Sheets"``).
        deck_file: file name of the ``.apkg`` as it will sit next to ``index.md`` (the caller
            copies it there, see :func:`cheatdeck.site.mkdocs_build.write_docs`); ``None`` for no
            download button.
        renderer: the shared Markdown→HTML renderer, made with ``media=library.media_names``
            (a new one if omitted).
        guids: ``{own GUID: GUID to ship}`` of reworded questions
            (:attr:`cheatdeck.plan.NotePlan.overrides`): the quiz's study keys follow the
            deck's GUIDs, so progress survives a rewording (none reworded if omitted).
        cache: what earlier builds made of each section (:mod:`cheatdeck.site.section_cache`):
            a section whose inputs are unchanged is taken from it, the others are rendered and
            put in it; None renders every section.

    Returns:
        Docs-relative POSIX path → file text, in a fixed order: ``index.md``, per sheet its
        ``<sheet>/_sheet.md``, one ``<sheet>/<section>.md`` per section and the sheet's print
        view (:func:`print_path`), ``tags.md``, ``quiz.md``, the quiz data script
        :data:`QUIZ_DATA` and the study index
        :data:`STUDY_INDEX`. The package's static assets and the images (:data:`MEDIA_DIR`,
        :func:`media_files`) are not included: they are copied as bytes.
    """
    markup = renderer or MarkupRenderer(media=library.media_names)
    tag_anchors = _tag_anchors(library)
    ctx = _Context(
        env=_environment(), markup=markup, tag_anchors=tag_anchors, inline_cache={}, anchor_cache={},
        markdown_cache={}
    )
    parts = _all_parts(ctx, library, guids or {}, cache)
    pages = {"index.md": _home_page(ctx, library, title, deck_file)}
    for sheet in library.sheets:
        pages[sheet_path(sheet)] = _sheet_page(ctx, sheet)
        for section in sheet.sections:
            pages[section_page(sheet, section)] = parts[id(section)].page
        pages[print_path(sheet)] = _print_page(
            ctx, sheet, [parts[id(s)].print_blocks for s in sheet.sections])
    pages["tags.md"] = _tags_page(ctx, [parts[id(s)].tags for s in library.sections],
                                  tag_anchors)
    pages["quiz.md"] = ctx.env.get_template("quiz.md.j2").render(
        scripts=[QUIZ_DATA, *QUIZ_STUDY_SCRIPTS], stylesheet=f"{ASSET_DIR}/study.css")
    pages[QUIZ_DATA] = quiz_data_script(library, ctx.inline, ctx.anchors, guids, ctx.answer,
                                         entry=lambda sheet, section: parts[id(section)].quiz)
    pages[STUDY_INDEX] = study_index_script(library, guids)
    return pages


def _section_parts(ctx: _Context, sheet: Sheet, section: Section, guids: Guids) -> SectionParts:
    return SectionParts(
        page=_section_page(ctx, sheet, section),
        print_blocks=_print_blocks(ctx, section),
        quiz=quiz_section(sheet, section, ctx.inline, ctx.anchors, guids, ctx.answer),
        tags=_tag_lines(ctx, sheet, section),
    )


def _all_parts(ctx: _Context, library: Library, guids: Guids,
               cache: SectionCache | None) -> dict[int, SectionParts]:
    """Every section's parts, by ``id(section)`` (the sections outlive the call): from
    ``cache`` when its key (:func:`~cheatdeck.site.section_cache.section_key`) is there,
    rendered (and put there) otherwise."""
    parts: dict[int, SectionParts] = {}
    salt = shared_salt(ctx.markup.media) if cache is not None else ""
    for sheet in library.sheets:
        for section in sheet.sections:
            if cache is None:
                parts[id(section)] = _section_parts(ctx, sheet, section, guids)
                continue
            tags = {tag(t) for card in section.cards for t in card.tags}
            key = section_key(salt, sheet, section, card_keys(sheet, section, guids),
                              {t: ctx.tag_anchors[t] for t in tags})
            found = cache.get(key)
            if found is None:
                found = _section_parts(ctx, sheet, section, guids)
                cache.put(key, found)
            parts[id(section)] = found
    return parts


def media_files(library: Library) -> dict[str, bytes]:
    """Return the images of ``library`` keyed by their docs-relative path (``MEDIA_DIR/<name>``)."""
    return {f"{MEDIA_DIR}/{media.name}": media.data for media in library.media_files}


def site_nav(library: Library, *, renderer: MarkupRenderer | None = None) -> list[dict[str, Any]]:
    """Return the MkDocs ``nav`` for the pages of :func:`render_site_pages`, in source order:
    Home, one entry per sheet (its :func:`sheet_path` page), Quiz, Tags. Section pages are not
    in it (:data:`SECTION_PAGES`): every page carries the nav, so it must not grow with them.

    Titles are HTML-escaped plain text: MkDocs and Material insert nav titles into the page
    without escaping them.
    """

    markup = renderer or MarkupRenderer()

    def title(source: str) -> str:
        return str(escape(plain_text(markup.inline(source, math="mathml"))))

    nav: list[dict[str, Any]] = [{"Home": "index.md"}]
    nav.extend({title(sheet.title): sheet_path(sheet)} for sheet in library.sheets)
    nav.extend([{"Quiz": "quiz.md"}, {"Tags": "tags.md"}])
    return nav
