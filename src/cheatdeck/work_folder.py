"""cheatdeck's work folder (``build/.cheatdeck/``): the project lock and every temporary file.

Issue 11, items 3 and 4. Staging folders and temp files live in one place that git never lists
(the folder carries a ``.gitignore`` of ``*``), never in ``source/``; each is named after the
process that made it, so the next build removes what a killed build left (its process is gone).
One build at a time: :func:`project_lock` holds an OS file lock (``filelock``; the kernel drops
it when its process dies, even by SIGKILL) and tells a second build what holds it while it waits.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from cheatdeck.errors import OutputError
from cheatdeck.files import same_file_system

WORK_DIR = Path("build/.cheatdeck")
"""The work folder, relative to the project root."""

LOCK_FILE = "build.lock"
OWNER_FILE = "build.owner"
"""Who holds the lock (written by the holder): ``pid N: cheatdeck build since <UTC time>``.
A separate file: the lock file itself is only ever ``flock``-ed."""

STAGING = "staging"
"""Sub-folder of every temporary file and staging folder, each named ``<pid>-…``."""

_LEGACY_LEFTOVERS = (".{site}.staging-*", ".{site}.old-*")
"""What builds before the work folder left next to the site when killed (issue 11, item 3)."""


def open_work_folder(work: Path) -> Path:
    """Create ``work`` and its staging folder if missing; return the staging folder.

    ``work`` gets a ``.gitignore`` of ``*``, so git lists nothing in it.

    Raises:
        OutputError: the folder cannot be created (the message names it).
    """
    staging = work / STAGING
    try:
        staging.mkdir(parents=True, exist_ok=True)
        ignore = work / ".gitignore"
        if not ignore.is_file():
            ignore.write_text("# cheatdeck's work folder: lock and temporary files\n*\n",
                              encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{work.as_posix()}: cannot create cheatdeck's work folder: "
                          f"{exc.strerror}") from None
    return staging


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(staging: Path, *, site_dir: Path | None = None, source: Path | None = None,
          ledger_name: str = "") -> list[Path]:
    """Remove what dead cheatdeck processes left; call it holding :func:`project_lock`.

    Removes: entries of ``staging`` whose ``<pid>-`` prefix names a process that is gone;
    next to ``site_dir``, the staging and old-site folders of builds before the work folder
    (``.site.staging-*``, ``.site.old-*``) and of a cross-device build (``.cheatdeck-staging-<pid>-*``);
    in ``source``, the ledger temp files those builds left (``.<ledger_name>.*.tmp``).

    Returns:
        The paths removed, sorted.
    """
    found = [p for p in staging.iterdir() if not _owner_alive(p.name)] if staging.is_dir() else []
    if site_dir is not None and site_dir.parent.is_dir():
        for pattern in _LEGACY_LEFTOVERS:
            found += site_dir.parent.glob(pattern.format(site=site_dir.name))
        found += [p for p in site_dir.parent.glob(".cheatdeck-staging-*")
                  if not _owner_alive(p.name.removeprefix(".cheatdeck-staging-"))]
    if source is not None and ledger_name and source.is_dir():
        found += source.glob(f".{ledger_name}.*.tmp")
    for path in found:
        _remove(path)
    return sorted(found)


def _owner_alive(name: str) -> bool:
    pid = name.split("-", 1)[0]
    return pid.isdigit() and _alive(int(pid))


def temp_prefix(name: str) -> str:
    """Return the name prefix of a temporary file or folder of this process: ``<pid>-<name>.``."""
    return f"{os.getpid()}-{name}."


def staging_for(staging: Path, target: Path) -> Path:
    """Return where to stage a replacement of ``target``: ``staging`` when it is on the same
    file system as ``target``'s folder (so a rename can swap it in), else that folder itself
    (the staged folder is then named ``.cheatdeck-staging-<pid>-…`` and swept the same way)."""
    return staging if same_file_system(staging, target.parent) else target.parent


@contextmanager
def project_lock(work: Path, *, command: str,
                 notify: Callable[[str], None]) -> Iterator[None]:
    """Hold the project lock for the ``with`` body; wait while another process holds it.

    Args:
        work: the work folder (made by :func:`open_work_folder`).
        command: what this process is doing, for the one that waits (``cheatdeck build``).
        notify: called once with a line naming the holder (pid, command, since when) and the
            lock file, when this process has to wait.

    Raises:
        OutputError: the lock file cannot be created.
    """
    lock = FileLock(work / LOCK_FILE)
    owner = work / OWNER_FILE
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            try:
                holder = owner.read_text(encoding="utf-8").strip()
            except OSError:
                holder = "another process"
            notify(f"cheatdeck: waiting for {holder} to finish (it holds "
                   f"{(work / LOCK_FILE).as_posix()})")
            lock.acquire()
    except OSError as exc:
        raise OutputError(f"{(work / LOCK_FILE).as_posix()}: cannot lock: {exc.strerror}") from None
    try:
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        owner.write_text(f"pid {os.getpid()}: {command} since {since}\n", encoding="utf-8")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
