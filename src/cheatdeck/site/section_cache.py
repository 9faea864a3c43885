"""What the site's pages hold of each section, kept between builds in the work folder.

A rebuild after one edit changes one section, yet every section page, the sheet's print view,
the quiz data and the tags page were rendered again from the model: in a profiled 10k-card
rebuild that was 42% of the time (issue 15), most of it making each fragment safe for
Python-Markdown (:func:`cheatdeck.site.fragments.for_markdown`) and Jinja. This module keeps,
per section, everything :func:`cheatdeck.site.pages.render_site_pages` makes of it
(:class:`SectionParts`) in ``build/.cheatdeck/sections/<key>.json``, under a key that hashes all a
section's parts are made from:

* the section itself: every field that takes part in the model's equality
  (:func:`model_text`; source positions are not, and no page shows them);
* its sheet's slug and title (GUIDs, links and the section page's header);
* the study keys of its cards (the GUIDs the deck ships, rewordings included);
* the anchors, on the tags page, of the tags its cards carry (a tag's anchor depends on the
  other tags of the library);
* what every key shares (:func:`shared_salt`): the images' shipped names (an image's ``src``),
  the bytes of every file of the cheatdeck package (code, templates, assets) and the versions of
  Python and of the libraries that render.

The folder keeps the sections of the last build only; a file that cannot be read, holds
malformed JSON or was written under other versions is a miss, never an error. JSON, not
pickle: the folder is the user's, and loading it must never run code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cheatdeck.errors import OutputError
from cheatdeck.files import write_atomic
from cheatdeck.model import Card, FactRow, FactTable, Prose, Section, Shape, Sheet
from cheatdeck.site.cache_file import versions

SECTION_CACHE_DIR = "sections"
"""The cache's folder inside the work folder (:data:`cheatdeck.work_folder.WORK_DIR`)."""

_FORMAT = 1
_LIBRARIES = ("jinja2", "markupsafe", "python-slugify", "markdown-it-py", "mdit-py-plugins",
              "nh3", "pygments", "latex2mathml", "pylatexenc")


@dataclass(frozen=True, slots=True)
class SectionParts:
    """Everything the generated files hold of one section (all JSON-able).

    Attributes:
        page: the section page's Markdown (``<sheet>/<section>.md``), whole.
        print_blocks: the section's blocks in the sheet's print view, each an HTML text.
        quiz: the section's entry in the quiz data (``{"slug", "title", "emoji", "cards"}``,
            :func:`cheatdeck.site.quizdata.quiz_section`).
        tags: the section's lines on the tags page, in order: ``[tag, question HTML, href,
            where HTML]`` per tag of each card.
    """

    page: str
    print_blocks: tuple[str, ...]
    quiz: dict[str, Any]
    tags: tuple[tuple[str, str, str, str], ...]

    def to_json(self) -> dict[str, Any]:
        """The parts as the cache file keeps them."""
        return {"page": self.page, "print": list(self.print_blocks), "quiz": self.quiz,
                "tags": [list(t) for t in self.tags]}

    @classmethod
    def from_json(cls, data: Any) -> SectionParts | None:
        """Inverse of :meth:`to_json`; None when ``data`` is not what it writes."""
        if not isinstance(data, dict):
            return None
        page, blocks, quiz, tags = (data.get(k) for k in ("page", "print", "quiz", "tags"))
        if not (isinstance(page, str) and isinstance(blocks, list) and _strings(blocks)
                and isinstance(quiz, dict) and isinstance(tags, list)
                and all(_strings(t) and len(t) == 4 for t in tags)):
            return None
        return cls(page, tuple(blocks), quiz,
                   tuple((t[0], t[1], t[2], t[3]) for t in tags))


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _package_files(folder: Traversable, prefix: str, digest: Any) -> None:
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            if item.name != "__pycache__":
                _package_files(item, f"{prefix}{item.name}/", digest)
        elif item.is_file() and not item.name.endswith((".pyc", ".pyo")):
            data = item.read_bytes()
            digest.update(f"{prefix}{item.name}\n{len(data)}\n".encode() + data)


def shared_salt(media_names: Mapping[str, str]) -> str:
    """Return what every section's key shares, as a hex hash.

    Args:
        media_names: ``{image ref: shipped file name}`` (:attr:`cheatdeck.model.Library.media_names`):
            the renderer writes an image's ``src`` from it.

    Returns:
        A hash of ``media_names``, of every file of the cheatdeck package (its code, the page
        templates and the site's assets) and of the versions of Python and the rendering libraries.
    """
    digest = hashlib.sha256(versions(_FORMAT, _LIBRARIES).encode())
    digest.update(json.dumps(sorted(media_names.items())).encode())
    _package_files(files("cheatdeck"), "", digest)
    return digest.hexdigest()


def model_text(value: Any) -> Any:
    """Return a model value as JSON-able data that holds every field the model compares.

    Args:
        value: a section or a value inside one (a card, fact table, fact row, prose, shape, a
            tuple, string, number, bool or None).

    Returns:
        Nested lists and scalars: a dataclass is ``[class name, field values…]`` with only its
        fields that take part in equality (``compare=True``): two values that compare equal give
        the same data, whatever their source positions.

    Raises:
        TypeError: ``value`` holds something else.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [model_text(v) for v in value]
    names = _COMPARED.get(kind)
    if names is None:
        raise TypeError(f"not a model value: {kind.__name__}")
    return [kind.__name__, *[model_text(getattr(value, name)) for name in names]]


_SCALARS = frozenset({str, int, float, bool, type(None)})
_COMPARED: Mapping[type, tuple[str, ...]] = MappingProxyType({
    cls: tuple(f.name for f in fields(cls) if f.compare)
    for cls in (Section, Card, FactTable, FactRow, Prose, Shape)})
"""The model classes a section holds → their compared fields' names."""


def section_key(salt: str, sheet: Sheet, section: Section, card_keys: Sequence[str],
                tag_anchors: Mapping[str, str]) -> str:
    """Return the cache key of ``section``'s parts (module docstring), a hex hash.

    Args:
        salt: :func:`shared_salt` of this build.
        sheet, section: the section and its sheet.
        card_keys: the study keys of its cards (:func:`cheatdeck.site.quizdata.card_keys`).
        tag_anchors: ``{tag: anchor}`` of the tags its cards carry.
    """
    text = json.dumps([salt, sheet.slug, sheet.title, model_text(section), list(card_keys),
                       sorted(tag_anchors.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SectionCache:
    """A ``{key: SectionParts}`` memo that a build reads, uses and saves: one file per key,
    ``<folder>/<key>.json``, so a rebuild reads the sections it takes and writes only the ones
    it rendered (one file for 10k cards made a rebuild write 22 MB to change one section).
    A rendered section's file is written at once, not kept in memory until the build ends
    (a 100k-card build holds its pages in MkDocs meanwhile, issue 15); what a build did not
    use is deleted by :meth:`save`, once the build succeeded."""

    def __init__(self, folder: Path) -> None:
        """Args:
            folder: the cache's folder (:data:`SECTION_CACHE_DIR` in the work folder; it need
                not exist).
        """
        self._folder = folder
        self._stamp = versions(_FORMAT, _LIBRARIES)
        self._used: set[str] = set()
        self._failed: OutputError | None = None
        self.rendered = 0
        """How many sections this build rendered (missed), for tests and profiles."""

    def get(self, key: str) -> SectionParts | None:
        """Return the parts kept under ``key``, or None: no such file, or one that cannot be
        read, is no JSON, was written under other versions or holds no parts."""
        if not _KEY.fullmatch(key):
            return None
        try:
            data: Any = json.loads((self._folder / f"{key}.json").read_bytes())
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return None
        if not isinstance(data, dict) or data.get("versions") != self._stamp:
            return None
        parts = SectionParts.from_json(data.get("parts"))
        if parts is not None:
            self._used.add(key)
        return parts

    def put(self, key: str, parts: SectionParts) -> None:
        """Write ``parts`` under ``key`` (a hex hash, :func:`section_key`) to its file,
        atomically. A file that cannot be written is only a miss for the next build; the
        first such failure is raised by :meth:`save`."""
        self.rendered += 1
        self._used.add(key)
        data = json.dumps({"versions": self._stamp, "parts": parts.to_json()},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_atomic(self._folder / f"{key}.json", data, durable=False)
        except OutputError as error:  # the others are still worth keeping
            self._failed = self._failed or error

    def save(self) -> None:
        """Delete the files of the sections this build did not use (the folder follows the
        sources); call it once the build succeeded. Nothing is deleted when the folder is
        reached through a symbolic link (it, or a folder above it, links elsewhere): the files
        there may be someone else's, and a stale section only takes disk space.

        Raises:
            OutputError: a section's file could not be written (:meth:`put`), or a file cannot
                be deleted.
        """
        try:
            linked = self._folder.resolve() != self._folder.absolute()
            stale = [] if linked else [
                path for path in self._folder.iterdir() if _KEY_FILE.fullmatch(path.name)
                and path.name[:-len(".json")] not in self._used]
            for path in stale:
                path.unlink()
        except FileNotFoundError:
            pass  # nothing kept yet, nothing rendered
        except OSError as error:
            raise OutputError(f"{self._folder.as_posix()}: cannot update the section cache: "
                              f"{error.strerror}") from error
        if self._failed is not None:
            raise self._failed


_KEY = re.compile(r"[0-9a-f]{64}")
_KEY_FILE = re.compile(r"[0-9a-f]{64}\.json")
