"""What Material's search plugin parses of a page: its HTML without the insides of its formulas.

Every formula on the site is a MathML tree marked ``data-search-exclude`` (markup.py: its
readable text is the hidden span after it). Material's search parser (``Parser`` in
material/plugins/search/plugin.py) still walks every tag of such a tree, only to drop it: with a
formula in each answer that was a quarter of the search plugin's time (issue 15). This module
removes what is between ``<math …data-search-exclude…>`` and its ``</math>`` before the parse.
Inside an excluded element the parser records no text and no tag; what it carries across the
element is its stack of open elements, its set of skipped tag names (compared by name) and its
current section, which the insides of a well-formed element leave as they were when:

* they hold no heading, no other formula and no element that is excluded or skipped
  (``script``, ``style``, ``object``, ``summary``);
* every heading with an ``id`` on the page (a section) is at most one element deep: the
  parser goes back to an enclosing section when an end tag leaves a heading's depth, and the
  end tags inside a formula are at least two elements deep;
* the page has no comment, declaration, processing instruction or ``linenodiv`` (which
  HTMLParser or the search parser read in other ways), and only formulas and ``<summary>``
  are excluded.

MkDocs' pages are well-formed: Python-Markdown serializes a tree, raw blocks are nh3's
serialization or our templates. A page where a condition fails is parsed whole, as before.
tests/test_search_input.py compares the parse of real pages with and without their insides.
"""

from __future__ import annotations

import re

_FORMULA = re.compile(r"(<math\s[^>]*data-search-exclude[^>]*>)(.*?)(</math>)", re.DOTALL)
_MARK = "data-search-exclude"
_NOT_IN_A_FORMULA = re.compile(r"<(?:h[1-6]|math|script|style|object|summary)\b|"
                               r"data-search-exclude|/>", re.IGNORECASE)
_VOID = re.compile(r"<(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)"
                   r"[\s/>]", re.IGNORECASE)  # Material's ``void``: never on the stack
_SECTION = re.compile(r"<h[1-6]\s[^>]*\bid=", re.IGNORECASE)


def _depth(html: str) -> int:
    """How many more elements are open at the end of ``html`` than at its start (a part of a
    well-formed page, with no "<" but those of tags: every other "<" starts a start tag)."""
    ends = html.count("</")
    return html.count("<") - 2 * ends - len(_VOID.findall(html)) - html.count("/>")


def _excluded_elements(content: str) -> set[str]:
    """The names of the elements marked ``data-search-exclude`` (no "<" in an attribute)."""
    names = set()
    at = content.find(_MARK)
    while at >= 0:
        start = content.rfind("<", 0, at) + 1
        names.add(re.split(r"[\s/>]", content[start:at], maxsplit=1)[0].lower())
        at = content.find(_MARK, at + len(_MARK))
    return names


def search_input(content: str) -> str:
    """Return ``content`` (a page's HTML, ``page.content``) without the insides of its excluded
    formulas, or ``content`` itself where that could change the search entries (module
    docstring).

    Args:
        content: the HTML MkDocs converted from a page's Markdown.

    Returns:
        HTML whose parse by Material's search plugin gives the same entries.
    """
    if "<math" not in content or "<!" in content or "<?" in content or "linenodiv" in content:
        return content
    if not _excluded_elements(content) <= {"math", "summary"}:
        return content
    depth, counted = 0, 0
    for section in _SECTION.finditer(content):
        depth += _depth(content[counted:section.start()])
        counted = section.start()
        if depth > 1:
            return content
    formulas = _FORMULA.findall(content)
    for _start, inside, _end in formulas:
        if _NOT_IN_A_FORMULA.search(inside) or inside.count("<") != 2 * inside.count("</"):
            return content
    return _FORMULA.sub(r"\1\3", content)
