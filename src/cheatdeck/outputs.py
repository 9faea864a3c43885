"""Which folders a build may write: never one that holds the user's own files.

A build replaces the site folder as a whole, deletes stale pages from the docs dir and writes
the ``.apkg`` into the dist folder. Each of these folders is used only when it is absent, empty,
carries the marker file a cheatdeck build writes into it (:data:`OUTPUT_MARKER`,
:data:`DOCS_MARKER`), or holds exactly what an older cheatdeck (before the marker) left there.
A folder that is, holds or lies inside the sheets' folder, or that is or holds the project,
the home folder or cheatdeck's work folder, is refused whatever it contains (issue 11, item 1).
Every check runs before anything is written: a refused build touches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cheatdeck.config import Config
from cheatdeck.errors import OutputError

OUTPUT_MARKER = ".cheatdeck-output"
"""File a build writes into the site folder and the dist folder: "cheatdeck made this folder,
the next build may replace it". A dot-file: MkDocs does not publish it, ``ls`` does not show it."""

DOCS_MARKER = ".cheatdeck-docs"
"""The docs dir's marker (the name every cheatdeck version used): stale pages may be deleted."""

MARKER_TEXT = "made by cheatdeck build; the next build replaces this folder\n"

_SITE_ASSET = "assets/cheatdeck/cheatdeck.css"
"""Every page of a cheatdeck site links this stylesheet (``extra_css`` in ``mkdocs.yml``)."""


@dataclass(frozen=True, slots=True)
class OutputFolder:
    """One folder a build is about to write.

    Attributes:
        kind: ``"site"``, ``"dist"`` or ``"docs"`` (what goes there).
        setting: how the user names it: the config key and CLI flag, e.g. ``site_dir (--site-dir)``.
        shown: the path as configured (relative to the project), for messages.
        path: the path to write (configured path made absolute against the project root).
    """

    kind: str
    setting: str
    shown: str
    path: Path

    @property
    def marker(self) -> str:
        """The name of this folder's marker file."""
        return DOCS_MARKER if self.kind == "docs" else OUTPUT_MARKER


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies below it (both resolved)."""
    return path == folder or folder in path.parents


def _refuse(out: OutputFolder, why: str, hint: str) -> OutputError:
    return OutputError(f"{out.shown}: refusing to use it as the {out.kind} folder ({out.setting}): "
                       f"{why}; nothing was written\n  hint: {hint}")


def _pick_hint(out: OutputFolder) -> str:
    default = {"site": "site", "dist": "dist", "docs": "build/docs"}[out.kind]
    return f"give {out.setting} a folder of its own (default `{default}`)"


def check_outputs(outputs: list[OutputFolder], *, root: Path, source: Path, home: Path,
                  work: Path) -> None:
    """Refuse, before anything is written, every output folder a build must not touch.

    Args:
        outputs: the folders this build will write (only those: ``--no-site`` skips the site).
        root: the project folder; ``source``: the sheets' folder; ``home``: the user's home
            folder; ``work``: cheatdeck's own work folder (staging, lock) — all may be relative
            or hold symlinks and ``..``: they are compared resolved.

    Raises:
        OutputError: a folder is, holds or lies inside ``source``; is or holds ``root``,
            ``home``, ``work`` or ``/``; is the same as or nested with another output; is a
            symlink while it is replaced as a whole (the site); is a file; or holds files that
            no cheatdeck build made (no marker, and not exactly an older cheatdeck output).
            The message names the folder, the setting and why, with a hint.
    """
    src, top, home_dir, work_dir = (p.resolve() for p in (source, root, home, work))
    resolved = [(out, out.path.resolve()) for out in outputs]
    for out, real in resolved:
        for name, protected in (("the project folder", top), ("your home folder", home_dir),
                                ("cheatdeck's work folder", work_dir)):
            if _inside(protected, real):
                what = "is" if real == protected else "holds"
                raise _refuse(out, f"it {what} {name} {protected.as_posix()}", _pick_hint(out))
        if _inside(real, src) or _inside(src, real):
            where = "is" if real == src else "lies inside" if _inside(real, src) else "holds"
            raise _refuse(out, f"it {where} the sheets' folder {src.as_posix()}", _pick_hint(out))
    for index, (out, real) in enumerate(resolved):
        for other, other_real in resolved[index + 1:]:
            if _inside(real, other_real) or _inside(other_real, real):
                relation = "is the same folder as" if real == other_real else "is nested with"
                raise _refuse(out, f"it {relation} the {other.kind} folder {other.shown} "
                                   f"({other.setting})", "keep the output folders apart")
    for out, real in resolved:
        _check_contents(out, real)


def _check_contents(out: OutputFolder, real: Path) -> None:
    path = out.path
    if out.kind == "site" and path.is_symlink():
        raise _refuse(out, f"it is a symlink to {real.as_posix()}, and the build replaces the "
                           "site folder as a whole (the link would become a folder)",
                      f"set {out.setting} to {real.as_posix()} itself")
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir():
        raise _refuse(out, "it is a file, not a folder", _pick_hint(out))
    marker = path / out.marker
    if marker.is_file() and not marker.is_symlink():
        return
    if not any(path.iterdir()) or made_by_older_cheatdeck(out.kind, path):
        return
    raise _refuse(out, f"it holds files that no cheatdeck build made (no {out.marker} in it)",
                  f"move your files out of {out.shown}, or {_pick_hint(out)}; cheatdeck replaces "
                  "only folders it made")


def made_by_older_cheatdeck(kind: str, folder: Path) -> bool:
    """True when ``folder`` holds exactly what a cheatdeck build before the marker wrote there.

    A site: ``index.html`` and :data:`_SITE_ASSET`, and every file is a page linking that
    stylesheet, a file under ``assets/`` or ``search/``, a sitemap, or a top-level ``.apkg``.
    A dist folder: only ``.apkg`` files. Docs dirs always had their marker: never. Any symlink
    or other file (a user's note, ``.git``) means no. Reads at most the pages' bytes.
    """
    if kind == "docs":
        return False
    entries = sorted(folder.rglob("*"))
    if any(p.is_symlink() for p in entries):
        return False
    files = [p for p in entries if p.is_file()]
    if kind == "dist":
        return all(p.parent == folder and p.suffix == ".apkg" for p in files) and \
            all(p.is_file() for p in folder.iterdir())
    if not (folder / "index.html").is_file() or not (folder / _SITE_ASSET).is_file():
        return False
    for file in files:
        relative = file.relative_to(folder)
        if relative.parts[0] in ("assets", "search") and len(relative.parts) > 1:
            continue
        if relative.as_posix() in ("sitemap.xml", "sitemap.xml.gz") or (
                len(relative.parts) == 1 and file.suffix == ".apkg"):
            continue
        if file.suffix == ".html" and _SITE_ASSET.encode() in file.read_bytes():
            continue
        return False
    return True


def mark(folder: Path, kind: str) -> None:
    """Write the marker file of ``kind`` into ``folder`` (which must exist).

    Raises:
        OSError: the file cannot be written (callers turn it into an :class:`OutputError`).
    """
    name = DOCS_MARKER if kind == "docs" else OUTPUT_MARKER
    (folder / name).write_text(MARKER_TEXT, encoding="utf-8")


_SETTINGS = {"site": "site_dir (--site-dir)", "dist": "dist (--dist)", "docs": "docs_dir"}


def planned_outputs(config: Config, *, deck: bool, site: bool) -> list[OutputFolder]:
    """Return the output folders a build of ``config`` writes: dist with ``deck``, the site and
    the docs dir with ``site``, in that order (what :func:`check_outputs` takes)."""
    wanted = [("dist", config.dist)] if deck else []
    if site:
        wanted += [("site", config.site_dir), ("docs", config.docs_dir)]
    return [OutputFolder(kind, _SETTINGS[kind], value.as_posix(), config.path(value))
            for kind, value in wanted]
