"""Atomic file and folder writes: an output is either the old one or the new one, never half."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cheatdeck.errors import OutputError


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, mode: int = 0o644,
                 tmp_dir: Path | None = None, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temp file and ``os.replace``.

    ``data`` is the file's bytes, or an iterable of its pieces, written as they come: a large
    file (a build cache) then never has to be whole in memory (issue 15).

    Readers of ``path`` see the old file or the new one, never half of one; the parent folder
    is created if missing; the file gets ``mode`` (``mkstemp`` would leave it 0600).
    The temp file goes into ``tmp_dir`` (named ``<pid>-<name>.….tmp``, so
    :func:`cheatdeck.work_folder.sweep` can remove it if this process dies) when that folder
    exists on the same file system as ``path``; else next to ``path``. Pass the work folder's
    staging folder for files in ``source/``: nothing temporary is ever written there.
    ``durable=False`` skips the ``fsync`` before the rename: for caches, which a crash may
    leave empty or torn (their readers take such a file for a miss), a few milliseconds each.

    Raises:
        OutputError: the folder cannot be created or written (permission, disk full); the
            message names the path; the previous file, if any, is left whole.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if tmp_dir is not None and same_file_system(tmp_dir, path.parent):
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=f"{os.getpid()}-{path.name}.",
                                       suffix=".tmp")
        else:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocker.as_posix()} is not a folder" if blocker else exc.strerror
        raise OutputError(f"{path.as_posix()}: cannot write: {reason}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, bytes) else data:
                handle.write(piece)
            os.fchmod(handle.fileno(), mode)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path.as_posix()}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def same_file_system(a: Path, b: Path) -> bool:
    """True when folders ``a`` and ``b`` exist on one file system (a rename between them works)."""
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def replace_dir(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` in place of ``target`` (same filesystem), then drop the old.

    On Linux the two folders are exchanged in one ``renameat2(RENAME_EXCHANGE)`` call, so at
    every instant ``target`` is either the whole old folder or the whole new one. Elsewhere (or
    on a filesystem without it) the old folder is first renamed aside, which leaves a moment
    with no ``target`` but never a half-written one.

    Raises:
        OutputError: the folders cannot be renamed (the message names ``target``).
    """
    try:
        if not target.exists():
            os.rename(new, target)
            return
        if not _exchange(new, target):
            aside = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, aside)
            os.rename(new, aside.with_name(target.name))
            new = aside
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous folder
    except OSError as exc:
        raise OutputError(f"{target.as_posix()}: cannot replace: {exc.strerror}") from None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2``; False where that is unavailable."""
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2  # from <fcntl.h> and <linux/fs.h>
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: fall back to two renames
        return False
    raise OSError(errno, os.strerror(errno), str(b))
