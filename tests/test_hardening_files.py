"""Issue 7, item 6: files that are not readable sheets give one error line naming the path.

Each case goes through ``cheatdeck check`` (exit 1, the exact line on stderr) or the reader's
file API. Tests run as root here, where ``chmod 000`` does not stop a read: the unreadable case
reads from a forked child that has dropped to the ``nobody`` user (no exec: the venv's Python is
under /root, which ``nobody`` cannot enter). When the tests run as a normal user, the file's
mode alone is enough.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from cheatdeck.cli import main
from cheatdeck.reader import read_file, read_paths
from cheatdeck.reader.files import decode

NOBODY = 65534
SHEET = "# S\n\n## A\n\n| Q | A |\n|---|---|\n| q | a |\n"


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run ``cheatdeck check path``; return stderr's diagnostic lines (without the summary)."""
    assert main(["check", str(path)]) == 1
    return [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]


@pytest.mark.parametrize(("data", "message"), [
    (b"# S\n\n## A\nab\xe9cd\n", "4:3: error: not UTF-8: byte 0xe9 cannot be decoded"),
    ("\ufeff# S\n".encode("utf-16-le"), "1:1: error: file is UTF-16, not UTF-8"),
    ("\ufeff# S\n".encode("utf-16-be"), "1:1: error: file is UTF-16, not UTF-8"),
    ("\ufeff# S\n".encode("utf-32-le"), "1:1: error: file is UTF-32, not UTF-8"),
    (b"", "1:1: error: the sheet is empty"),
    (b" \n\t\r\n", "1:1: error: the sheet is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "3:1: error: file holds NUL bytes: not a text file"),
    (b"\x7fELF\x02\x01\x01" + bytes(9), "1:1: error: file holds NUL bytes: not a text file"),
    (b"\xcf\xfa\xed\xfe\x07", "1:1: error: not UTF-8: byte 0xcf cannot be decoded"),
])
def test_bad_file_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    data: bytes, message: str) -> None:
    path = tmp_path / "sheet.md"
    path.write_bytes(data)
    assert _check(path, capsys) == [f"{path.as_posix()}:{message}"]


def test_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    folder = tmp_path / "sheet.md"
    folder.mkdir()
    assert [d.format() for d in read_file(folder)[1]] == [
        f"{folder.as_posix()}:1:1: error: is a folder, not a sheet file\n  hint: pass a `.md` file"]


def test_fifo_is_refused_without_blocking(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "sheet.md"
    os.mkfifo(fifo)
    assert _check(fifo, capsys) == [f"{fifo.as_posix()}:1:1: error: is not a regular file"]


def test_dangling_symlink_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "sheet.md"
    link.symlink_to(tmp_path / "gone.md")
    assert _check(link, capsys) == [f"{link.as_posix()}:1:1: error: no such file or folder"]


def test_missing_source_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert errors == ["source:1:1: error: no such file or folder"]
    assert [d.message for d in read_paths([tmp_path / "source"])[1]] == ["no such file or folder"]


@pytest.fixture
def unreadable() -> Iterator[Path]:
    """A sheet with mode 000 in a folder every user may enter (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="cheatdeck-unreadable-"))
    folder.chmod(0o755)
    path = folder / "sheet.md"
    path.write_text(SHEET, encoding="utf-8")
    path.chmod(0o000)
    yield path
    shutil.rmtree(folder)


def _decode_error_as_nobody(path: Path) -> str:
    """``decode(path)``'s error line, read by a forked child running as ``nobody``."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns on fork() in a process with threads; the child only reads one
        # file and exits, taking no lock another thread could hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            os.close(read_end)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            _, problem = decode(path)
            os.write(write_end, (problem.format() if problem else "read it").encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        out = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return out


def test_unreadable_file(unreadable: Path) -> None:
    expected = (f"{unreadable.as_posix()}:1:1: error: cannot read the file: Permission denied\n"
                "  hint: check its permissions")
    if os.geteuid() == 0:
        assert _decode_error_as_nobody(unreadable) == expected
    else:
        assert decode(unreadable)[1].format() == expected  # type: ignore[union-attr]
