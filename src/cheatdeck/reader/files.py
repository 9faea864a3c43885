"""Finding sheet files and decoding them, with one-line diagnostics for what cannot be read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cheatdeck.diagnostics import Diagnostic

SHEET_SUFFIX = ".md"


def _error(path: Path, message: str, hint: str, line: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(path.as_posix(), line, col, "error", message, hint)


def find_sheets(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and folders into the sheet files to read.

    Returns:
        ``(files, diagnostics)``: files in sorted order without repeats; an error for each
        path that does not exist and each folder with no ``*.md`` file.
    """
    files: list[Path] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{SHEET_SUFFIX}") if p.is_file())
            if not found:
                diagnostics.append(_error(path, "no `*.md` sheet in this folder",
                                          "add a sheet, or pass the right folder"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            diagnostics.append(_error(path, "no such file or folder", "check the path"))
    unique = sorted(set(files), key=lambda p: p.as_posix())
    return unique, diagnostics


def decode(path: Path) -> tuple[str, Diagnostic | None]:
    """Read a sheet file as UTF-8 (a BOM is allowed and dropped).

    Returns:
        ``(text, None)``, or ``("", error)`` for: a folder, an unreadable file, UTF-16 (a BOM
        says so), a binary file (NUL bytes), bytes that are not UTF-8 (line and column of the
        first bad byte).
    """
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return "", _error(path, "is a folder, not a sheet file", "pass a `.md` file")
    except OSError as exc:
        return "", _error(path, f"cannot read the file: {exc.strerror}", "check its permissions")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", _error(path, "file is UTF-16, not UTF-8", "save it as UTF-8")
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
