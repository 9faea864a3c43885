"""Phase "gather" of a build: where it reads and writes, every input it depends on, read once,
their fingerprint, and whether the outputs are already up to date (the no-op check)."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
from dataclasses import dataclass
from importlib.resources import files as package_files
from importlib.resources.abc import Traversable
from pathlib import Path

from cheatdeck import __version__
from cheatdeck.changes import BuildState, load_state
from cheatdeck.config import Config
from cheatdeck.ledger import LEDGER_FILE
from cheatdeck.ledger_file import read_ledger_text
from cheatdeck.names import deck_slug
from cheatdeck.project import site_config
from cheatdeck.reader.files import find_sheets
from cheatdeck.reader.media import IMAGE_SUFFIXES

STATE_FILE = ".cheatdeck-state.json"
"""Kept in the folder above the docs dir (``build/`` by default), git-ignored."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build.

    Attributes:
        deck: write ``dist/<deck-slug>.apkg``.
        site: write the study site into ``site_dir``.
        strict: treat warnings as errors.
        check_only: read and validate, write nothing.
        force: rebuild even when no input changed.
        frozen: fail if the identity ledger (``source/cheatdeck.lock``) would change (CI).
        new_identity: questions that must not keep an old GUID by a rewording match.
        new_ledger: start a new identity ledger on purpose when it is missing, empty or
            damaged (otherwise an error once the project has shipped notes).
    """

    deck: bool = True
    site: bool = True
    strict: bool = False
    check_only: bool = False
    force: bool = False
    frozen: bool = False
    new_identity: tuple[str, ...] = ()
    new_ledger: bool = False


@dataclass(frozen=True, slots=True)
class Paths:
    """Where a build reads and writes (from the configuration).

    Attributes:
        source: the folder of sheets; ledger: its identity ledger; apkg: the deck file;
        site_dir: the site folder; docs_dir: the generated pages; state: the last build's state
        file; mkdocs_yml: the site configuration; default_site: True when that is the packaged
        default (the project has no ``mkdocs.yml``, :func:`cheatdeck.project.site_config`).
    """

    source: Path
    ledger: Path
    apkg: Path
    site_dir: Path
    docs_dir: Path
    state: Path
    mkdocs_yml: Path
    default_site: bool

    @classmethod
    def of(cls, config: Config) -> Paths:
        """Return the paths of ``config``'s project."""
        source = config.path(config.source)
        docs_dir = config.path(config.docs_dir)
        return cls(source, source / LEDGER_FILE,
                   config.path(config.dist) / f"{deck_slug(config.deck)}.apkg",
                   config.path(config.site_dir), docs_dir, docs_dir.parent / STATE_FILE,
                   *site_config(config.root))


@dataclass(frozen=True, slots=True)
class Inputs:
    """Phase "gather": everything a build depends on, read once, before any parsing.

    Attributes:
        sources: the sheet files, sorted.
        images: the image files under the source folder (:func:`image_files`).
        ledger_text: the ledger's text, or None when there is no file.
        digest: :func:`input_digest` of all but the ledger.
        fingerprint: :func:`fingerprint` of all of it.
        previous: the last build's state, if any.
    """

    sources: tuple[Path, ...]
    images: tuple[Path, ...]
    ledger_text: str | None
    digest: str
    fingerprint: str
    previous: BuildState | None


def gather(config: Config, options: BuildOptions, paths: Paths) -> Inputs:
    """Phase "gather": find the sheets, images and ledger and fingerprint them.

    Raises:
        LedgerError: the ledger is not a regular file, unreadable, or not UTF-8.
    """
    sources, _ = find_sheets([paths.source])
    ledger_text = read_ledger_text(paths.ledger)
    images = image_files(paths.source)
    # Hashed before the sheets are parsed: the fingerprint is never newer than the outputs.
    digest = input_digest(config, options, sources, images)
    return Inputs(tuple(sources), tuple(images), ledger_text, digest,
                  fingerprint(digest, ledger_text or ""), load_state(paths.state))


def changed_since(inputs: Inputs, config: Config, options: BuildOptions, paths: Paths) -> bool:
    """True when an input other than the ledger differs from what :func:`gather` hashed: a sheet,
    an image or ``mkdocs.yml`` edited, added or removed while the build ran (issue 11 item 4).

    The outputs of such a build may lack the edit, so the build must not record the new inputs
    as built (the next build would skip them).
    """
    sources, _ = find_sheets([paths.source])
    return input_digest(config, options, sources, image_files(paths.source)) != inputs.digest


def up_to_date(inputs: Inputs, options: BuildOptions, paths: Paths) -> bool:
    """True when the wanted outputs were built from these very inputs and are still there.

    Only what changes the outputs counts: ``--strict`` (a strict build that passes writes what a
    plain one does; with warnings recorded it rebuilds, to fail), ``--no-site``/``--no-deck``
    (each output is compared on its own), ``--force`` and ``--frozen`` do not.
    """
    previous = inputs.previous
    if (previous is None or previous.fingerprint != inputs.fingerprint or options.force
            or options.check_only or (options.strict and previous.warnings)):
        return False
    wanted = {"deck": (options.deck, paths.apkg.is_file()),
              "site": (options.site, (paths.site_dir / "index.html").is_file())}
    return all(there and name in previous.built
               for name, (want, there) in wanted.items() if want)


def shipped_evidence(paths: Paths, previous: BuildState | None) -> str:
    """Return why the project must have shipped notes before (``""``: no sign of it).

    Args:
        paths: the project's paths.
        previous: the last build's state (:attr:`Inputs.previous`), if any.

    Returns:
        The first sign found, as words for the error: the deck file exists, the last build's
        state counts notes, or git tracks the ledger (a fresh clone has neither of the others).
    """
    if paths.apkg.is_file():
        return f"{paths.apkg.as_posix()} exists"
    if previous is not None and previous.counts[2]:
        return f"the last build, recorded in {paths.state.as_posix()}, made notes"
    try:
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "--", paths.ledger.name],
                                 cwd=paths.ledger.parent, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""  # no git, or not a folder git can run in
    return "git tracks it" if tracked.returncode == 0 else ""


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        name = f"{prefix}{child.name}"
        if child.is_dir():
            found.extend(_walk(child, name + "/"))
        elif not name.endswith(".pyc"):
            found.append((name, child.read_bytes()))
    return found


def image_files(source: Path) -> list[Path]:
    """Return every file under ``source`` with an image suffix, sorted: what a sheet may show.

    A superset of the images the sheets use (found without reading them), for the no-op
    fingerprint; symlinked folders are not followed (their targets, if inside, are listed).
    """
    if not source.is_dir():
        return []
    return sorted((p for p in source.rglob("*")
                   if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
                  key=lambda p: p.as_posix())


def fingerprint(digest: str, ledger: str) -> str:
    """Return the no-op fingerprint of a build: the :func:`input_digest` of its inputs and the
    identity ledger's text (it decides GUIDs, note times and retired notes), hashed together.

    The ledger is hashed apart so that a build which rewrites it records the fingerprint of what
    it built without reading the sources again: read again after the build, they may hold an
    edit made meanwhile that the outputs lack (issue 11 item 4).
    """
    return hashlib.sha256(f"{digest}\nledger\n{len(ledger)}\n{ledger}".encode()).hexdigest()


def input_digest(config: Config, options: BuildOptions, sources: list[Path],
                 images: list[Path] | None = None) -> str:
    """Return a hash of every input that shapes a build's outputs but the ledger
    (:func:`fingerprint` adds it), so an unchanged rebuild can be skipped.

    Covers: cheatdeck's version and packaged templates and assets, the configuration, the
    ``--new-identity`` questions, ``mkdocs.yml``, each source file's and image file's
    (:func:`image_files`) path and bytes. Not modification times, not ``SOURCE_DATE_EPOCH`` (note times come
    from the ledger; ``touch source/*.md`` is a no-op), and no option that leaves the outputs as
    they are (``--strict``, ``--force``, ``--frozen``, ``--check``; ``--no-site``/``--no-deck``
    are compared per output by the build). An image that cannot be read counts by its error (the
    reader reports it if it is used).
    """
    # The project however it is spelled ("." or its absolute path) is the same project.
    config = dataclasses.replace(config, root=config.root.resolve())
    digest = hashlib.sha256(f"cheatdeck {__version__}\n{config!r}\n"
                            f"{options.new_identity!r}\n".encode())
    package = package_files("cheatdeck")
    for folder in ("templates", "assets"):
        for name, data in _walk(package / folder, folder + "/"):
            digest.update(f"{name}\n{len(data)}\n".encode() + data)
    mkdocs_yml, default_site = site_config(config.root)
    if not default_site:  # the packaged default is covered by the assets above
        digest.update(mkdocs_yml.read_bytes())
    for path in sources:
        data = path.read_bytes()
        digest.update(f"{_name(path, config.root)}\n{len(data)}\n".encode() + data)
    for path in images or ():
        try:
            data = path.read_bytes()
        except OSError as error:
            data = f"unreadable: {error.strerror}".encode()
        digest.update(f"image {_name(path, config.root)}\n{len(data)}\n".encode() + data)
    return digest.hexdigest()


def _name(path: Path, root: Path) -> str:
    """The path relative to the (resolved) project root, if inside it."""
    full = path.absolute()
    return full.relative_to(root).as_posix() if full.is_relative_to(root) else full.as_posix()
