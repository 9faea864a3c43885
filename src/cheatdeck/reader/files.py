"""Finding sheet files and decoding them, with one-line diagnostics for what cannot be read."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from cheatdeck.diagnostics import Diagnostic

SHEET_SUFFIX = ".md"
_UTF_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),  # before UTF-16's
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)
"""Byte-order marks of encodings a sheet is sometimes saved in by mistake (Windows editors)."""


def _error(path: Path, message: str, hint: str, line: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(path.as_posix(), line, col, "error", message, hint)


def find_sheets(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and folders into the sheet files to read.

    Returns:
        ``(files, diagnostics)``: files in sorted order without repeats; an error for each
        path that does not exist, each folder with no ``*.md`` file, and each sheet in a
        folder that is a symlink to a file outside that folder (left out, as a symlinked image
        is: what a project builds lives in its source folder; issue 11 item 8).
    """
    files: list[Path] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{SHEET_SUFFIX}") if p.is_file())
            if not found:
                diagnostics.append(_error(path, "no `*.md` sheet in this folder",
                                          "add a sheet, or pass the right folder"))
            real_folder = path.resolve()
            for sheet in found:
                target = sheet.resolve()
                if real_folder not in target.parents:
                    diagnostics.append(_error(
                        sheet, f"is a symlink to a file outside {path.as_posix()}/: "
                               f"{target.as_posix()}",
                        f"copy the file itself into {path.as_posix()}/"))
                else:
                    files.append(sheet)
        elif path.exists():
            files.append(path)
        else:
            diagnostics.append(_error(path, "no such file or folder", "check the path"))
    unique = sorted(set(files), key=lambda p: p.as_posix())
    return unique, diagnostics


def decode(path: Path) -> tuple[str, Diagnostic | None]:
    """Read a sheet file as UTF-8 (a BOM is allowed and dropped).

    Returns:
        ``(text, None)``, or ``("", error)`` for: a folder, something that is not a regular file
        (a FIFO or device would block or never end), an unreadable file, UTF-16 or UTF-32 (a BOM
        says so), a binary file (NUL bytes), bytes that are not UTF-8 (line and column of the
        first bad byte). An empty file decodes to ``""``; the reader reports it.
    """
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return "", _error(path, "is a folder, not a sheet file", "pass a `.md` file")
        if not stat.S_ISREG(mode):
            return "", _error(path, "is not a regular file", "pass a `.md` file")
        data = path.read_bytes()
    except OSError as exc:
        return "", _error(path, f"cannot read the file: {exc.strerror}", "check its permissions")
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            return "", _error(path, f"file is {encoding}, not UTF-8", "save it as UTF-8")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return "", _error(path, "file holds NUL bytes: not a text file", "save it as UTF-8 text",
                          line)
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        return "", _error(path, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
                          "save the file as UTF-8", line, col)
