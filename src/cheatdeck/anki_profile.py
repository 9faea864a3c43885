"""Where the learner's Anki collection is: Anki's data folder, its profiles, ``--collection``.

Anki desktop keeps one folder per profile in its data folder, each holding ``collection.anki2``
(and ``collection.media/``). The data folder is, as Anki's own ``aqt/profiles.py`` finds it:

* ``$ANKI_BASE`` when set (Anki honours it, like its ``-b`` option);
* Windows: ``%APPDATA%\\Anki2``;
* macOS: ``~/Library/Application Support/Anki2``;
* Linux and other Unix: ``$XDG_DATA_HOME/Anki2``, else ``~/.local/share/Anki2``.

Pure path logic plus directory listing; opening the collection is :mod:`cheatdeck.sync`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cheatdeck.errors import CollectionNotFound

__all__ = ["COLLECTION_FILE", "CollectionNotFound", "anki_data_dir", "find_collection",
           "profiles"]

COLLECTION_FILE = "collection.anki2"
"""The collection file in every profile folder."""


def anki_data_dir(environ: Mapping[str, str], platform: str, home: Path) -> Path:
    """Return Anki desktop's data folder (module docstring).

    Args:
        environ: the environment (``ANKI_BASE``, ``APPDATA``, ``XDG_DATA_HOME``).
        platform: ``sys.platform`` (``"win32"``, ``"darwin"``, ``"linux"`` …).
        home: the user's home folder.

    Returns:
        The folder; it may not exist.
    """
    if environ.get("ANKI_BASE"):
        return Path(environ["ANKI_BASE"])
    if platform == "win32":
        appdata = environ.get("APPDATA")
        return (Path(appdata) if appdata else home / "AppData" / "Roaming") / "Anki2"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Anki2"
    data = environ.get("XDG_DATA_HOME")
    return (Path(data) if data else home / ".local" / "share") / "Anki2"


def profiles(data_dir: Path) -> list[str]:
    """Return the names of the profiles in ``data_dir``: sub-folders holding a collection, sorted.

    Anki's other sub-folders (``addons21``, ``logs`` …) hold no ``collection.anki2``.
    """
    if not data_dir.is_dir():
        return []
    return sorted(p.name for p in data_dir.iterdir() if (p / COLLECTION_FILE).is_file())


def find_collection(*, collection: Path | None, profile: str | None,
                    environ: Mapping[str, str], platform: str, home: Path) -> Path:
    """Return the collection file to sync.

    Args:
        collection: ``--collection PATH``: a collection file, or a profile folder holding one.
        profile: ``--profile NAME``: a profile of Anki's data folder.
        environ, platform, home: as for :func:`anki_data_dir`.

    Returns:
        The path of an existing ``.anki2`` file.

    Raises:
        CollectionNotFound: the path or profile does not exist, the data folder has no profile,
            or it has several and none was named (the message lists them).
    """
    if collection is not None:
        path = collection / COLLECTION_FILE if collection.is_dir() else collection
        if not path.is_file():
            raise CollectionNotFound(f"{collection.as_posix()}: no Anki collection there")
        return path
    data_dir = anki_data_dir(environ, platform, home)
    names = profiles(data_dir)
    if profile is not None:
        if profile not in names:
            known = ", ".join(names) or "none"
            raise CollectionNotFound(f"{data_dir.as_posix()}: no Anki profile {profile!r} "
                                     f"(profiles: {known})")
        return data_dir / profile / COLLECTION_FILE
    if not names:
        raise CollectionNotFound(f"{data_dir.as_posix()}: no Anki profile found; open Anki once, "
                                 "or name the file with --collection PATH")
    if len(names) > 1:
        raise CollectionNotFound(f"{data_dir.as_posix()}: several Anki profiles "
                                 f"({', '.join(names)}); choose one with --profile NAME")
    return data_dir / names[0] / COLLECTION_FILE
