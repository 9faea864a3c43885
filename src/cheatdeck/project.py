"""Where the project is: its root folder (found as git finds its own) and its site configuration.

A project is a folder holding one of :data:`MARKERS`. ``cheatdeck`` looks in the working
directory, then in each folder above it, and takes the first that has one; ``build.py`` names
its own folder instead. A project without its own ``mkdocs.yml`` builds its site with the copy
shipped in the package.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cheatdeck.config import CONFIG_FILE

DEFAULT_SITE_CONFIG = Path(__file__).parent / "assets" / "mkdocs.yml"
"""The packaged ``mkdocs.yml``: used when the project has none (``cheatdeck init`` copies it)."""

MARKERS = (CONFIG_FILE, "pyproject.toml [tool.cheatdeck]", "source/*.md")
"""What makes a folder a project, in the order they are looked for in each folder."""


@dataclass(frozen=True, slots=True)
class ProjectRoot:
    """The project folder a command works in.

    Attributes:
        path: the folder; ``.``, ``..``, … when it is the working directory or above it (so
            paths in diagnostics stay relative), else absolute.
        found_by: the marker that made it the project (one of :data:`MARKERS`), ``"build.py"``
            or ``"--root"`` when it was given, or ``""`` when no folder had a marker and the
            working directory is used.
    """

    path: Path
    found_by: str

    def describe(self) -> str:
        """Return ``"project /abs/path (found by its pyproject.toml [tool.cheatdeck])"``."""
        where = self.path.resolve().as_posix()
        if not self.found_by:
            return (f"project {where} (no {', '.join(MARKERS)} here or above; using the "
                    "working directory)")
        if self.found_by in ("build.py", "--root"):
            return f"project {where} (from {self.found_by})"
        return f"project {where} (found by its {self.found_by})"


def _has_cheatdeck_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        return "cheatdeck" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:  # a broken table is still ours: load_config names the error
        return "[tool.cheatdeck]" in text


def _marker(folder: Path) -> str:
    if (folder / CONFIG_FILE).is_file():
        return CONFIG_FILE
    if (folder / "pyproject.toml").is_file() and _has_cheatdeck_table(folder / "pyproject.toml"):
        return "pyproject.toml [tool.cheatdeck]"
    if (folder / "source").is_dir() and any((folder / "source").glob("*.md")):
        return "source/*.md"
    return ""


def _short(folder: Path, cwd: Path) -> Path:
    """``folder`` relative to ``cwd`` when it is ``cwd`` or one of its parents, else as is."""
    if cwd == folder or cwd.is_relative_to(folder):
        return Path(os.path.relpath(folder, cwd))
    return folder


def find_root(cwd: Path, given: Path | None = None, *, given_by: str = "--root") -> ProjectRoot:
    """Return the project a command started in ``cwd`` works in.

    Args:
        cwd: the absolute working directory.
        given: a folder named by the caller (``--root``, ``build.py``'s folder), used as is;
            None to look for the project.
        given_by: how ``given`` was named, for :meth:`ProjectRoot.describe`.

    Returns:
        ``given`` if set; else the nearest of ``cwd`` and its parents that holds a marker
        (:data:`MARKERS`, in that order per folder, as git looks for ``.git``); else ``cwd``.
    """
    if given is not None:
        return ProjectRoot(_short(Path(os.path.abspath(cwd / given)), cwd), given_by)
    for folder in (cwd, *cwd.parents):
        found = _marker(folder)
        if found:
            return ProjectRoot(_short(folder, cwd), found)
    return ProjectRoot(Path("."), "")


def site_config(root: Path) -> tuple[Path, bool]:
    """Return the ``mkdocs.yml`` to build the site with, and whether it is the packaged default.

    Args:
        root: the project folder.

    Returns:
        ``(root/mkdocs.yml, False)`` when the project has one (it always wins), else
        ``(DEFAULT_SITE_CONFIG, True)``.
    """
    own = root / "mkdocs.yml"
    return (own, False) if own.is_file() else (DEFAULT_SITE_CONFIG, True)
