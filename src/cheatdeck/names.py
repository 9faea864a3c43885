"""The one owner of names and links shared by the deck and the site: slugs, page paths, question
anchors, URLs and tags.

A card's link to its question on the study site and the site page's own anchor come from the same
functions here, so they cannot drift apart (as MkDocs' ``File.url`` is the one owner of a page's
URL). The site imports these, never the Anki side; ``ids.py`` (GUIDs) and ``anki_notes.py`` (deck
names, fields) import them too.
"""

from __future__ import annotations

import hashlib

from slugify import slugify

from cheatdeck.model import Section, Sheet

TAG_ROOT = "cheatdeck"
"""First level of every section tag: ``cheatdeck::<sheet-slug>::<section-slug>``."""

TAG_SEPARATOR = "::"
"""Anki's tag (and deck) hierarchy separator."""


def slug(text: str, *, max_length: int = 80) -> str:
    """Return the URL slug of ``text`` (python-slugify: ASCII, lowercase, ``-`` separated).

    Args:
        text: a title or question (Markdown source).
        max_length: longest slug, cut at a word boundary.

    Returns:
        e.g. ``"stage-1-interview-cheat-sheet"``; ``"x"`` + 8 hex digits of a hash when nothing
        ASCII is left (an all-CJK or all-emoji title), so a slug is never empty.
    """
    # A fixed transliteration backend: with "auto", installing Unidecode would change slugs,
    # and with them sheet GUIDs (and "auto" retries that failed import on every call).
    result = slugify(text, max_length=max_length, word_boundary=True, backend="text-unidecode")
    return result or "x" + hashlib.sha256("\x1f".join(("slug", text)).encode()).hexdigest()[:8]


def deck_slug(root_deck: str) -> str:
    """Return the file-name stem of the deck: ``dist/<deck-slug>.apkg``.

    ``"Interview Cheat Sheets"`` → ``"interview-cheat-sheets"`` (:func:`slug`).
    """
    return slug(root_deck)


def question_anchor(question: str) -> str:
    """Return the page anchor a question gets when no earlier question of its section slugs
    the same: its :func:`slug`, at most 60 characters."""
    return slug(question, max_length=60)


def section_anchors(section: Section) -> tuple[str, ...]:
    """Return the page anchor of each card of ``section``, parallel to ``section.cards``.

    The anchor is :func:`question_anchor`; a second card whose question slugs the same gets
    ``-2``, ``-3`` … in source order. The site's ``### … {#anchor}`` and the Anki card's link
    back to the site both come from here.
    """
    seen: dict[str, int] = {}
    anchors = []
    for card in section.cards:
        base = question_anchor(card.question)
        seen[base] = seen.get(base, 0) + 1
        anchors.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return tuple(anchors)


def section_page(sheet: Sheet, section: Section) -> str:
    """Return the docs-relative Markdown path of a section page: ``<sheet>/<section>.md``."""
    return f"{sheet.slug}/{section.slug}.md"


def section_url(sheet: Sheet, section: Section) -> str:
    """Return the site-relative URL of a section page: ``<sheet>/<section>.html``.

    MkDocs with ``use_directory_urls: false`` publishes :func:`section_page` there.
    """
    return f"{sheet.slug}/{section.slug}.html"


def question_url(site_url: str, sheet: Sheet, section: Section, anchor: str = "") -> str:
    """Return the absolute URL of a section page (and question) on the published site.

    Args:
        site_url: the configured site URL; ``""`` means "no site", giving ``""``.
        sheet, section: whose page (:func:`section_url`).
        anchor: the question's anchor from :func:`section_anchors`, or ``""`` for the page.

    Returns:
        e.g. ``https://example.org/cheats/stage-1/tokens.html#what-is-bpe``, not escaped.
    """
    if not site_url:
        return ""
    url = f"{site_url.rstrip('/')}/{section_url(sheet, section)}"
    return f"{url}#{anchor}" if anchor else url


def tag(text: str) -> str:
    """Return ``text`` as one Anki tag: runs of whitespace become ``_``.

    Anki splits a note's tags on whitespace and genanki raises ``ValueError`` on a space
    (FIELD-NOTES), so no tag may hold any. The site's tags page lists tags in this form too.
    """
    return "_".join(text.split())


def section_tag(sheet_slug: str, section_slug: str) -> str:
    """Return the hierarchy tag of a section's notes: ``cheatdeck::<sheet>::<section>``."""
    return TAG_SEPARATOR.join((TAG_ROOT, sheet_slug, section_slug))


def note_tags(sheet_slug: str, section_slug: str, kind: str,
              extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Return the tags of a note: hierarchy tag, kind, then ``extra`` as tags (deduplicated,
    in order, empty ones dropped)."""
    tags = [section_tag(sheet_slug, section_slug), kind, *(tag(t) for t in extra)]
    return tuple(dict.fromkeys(t for t in tags if t))
