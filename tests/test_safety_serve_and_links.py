"""Issue 11, item 8: a sheet symlinked from outside source/ is an error at its path; the preview
server answers only requests addressed to 127.0.0.1/localhost (DNS rebinding) and removes its
temporary site folder when it gets SIGTERM (a real ``cheatdeck serve`` process)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from cheatdeck.cli import main
from cheatdeck.site.serve import host_allowed
from cheatdeck.work_folder import project_lock

SHEET = ROOT / "source" / "stage-1-llm-fundamentals.md"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SHEET, root / "source" / "stage-1.md")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return root


@pytest.mark.parametrize("command", [["build"], ["check"], ["build", "--check"]])
def test_a_sheet_symlinked_from_outside_source_is_an_error(
        project: Path, tmp_path: Path, command: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "elsewhere" / "private.md"
    secret.parent.mkdir()
    secret.write_text("# Private\n\n## A\n\n| Question | Answer |\n| --- | --- |\n| q? | a |\n",
                      encoding="utf-8")
    (project / "source" / "linked.md").symlink_to(secret)
    assert main(command) == 1
    err = capsys.readouterr().err
    assert (f"source/linked.md:1:1: error: is a symlink to a file outside source/: "
            f"{secret.as_posix()}\n  hint: copy the file itself into source/") in err
    assert not (project / "site").exists() and not (project / "dist").exists()


def test_a_symlink_through_a_parent_folder_is_an_error(project: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (project / "source" / "more").mkdir()
    (project / "source" / "more" / "up.md").symlink_to(Path("../../../proj-notes.md"))
    (tmp_path / "proj-notes.md").write_text("# Notes\n\n## A\n\n| Question | Answer |\n"
                                            "| --- | --- |\n| q? | a |\n", encoding="utf-8")
    assert main(["check"]) == 1
    assert ("source/more/up.md:1:1: error: is a symlink to a file outside source/: "
            f"{(tmp_path / 'proj-notes.md').as_posix()}") in capsys.readouterr().err


def test_a_symlink_to_a_sheet_inside_source_is_read(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (project / "source" / "drafts").mkdir()
    (project / "source" / "drafts" / "real.md").write_text(
        "# Drafts\n\n## A\n\n| Question | Answer |\n| --- | --- |\n| q? | a |\n", encoding="utf-8")
    (project / "source" / "alias.md").symlink_to(Path("drafts/real.md"))
    assert main(["check"]) == 1  # read twice: the same title twice is the error, not the link
    err = capsys.readouterr().err
    assert "symlink" not in err and "sheet title 'Drafts' is also the title of" in err


@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1:8123", True), ("localhost:8123", True), ("LOCALHOST:8123", True),
    ("127.0.0.1", True), ("localhost", True),
    ("127.0.0.1:8124", False), ("evil.example:8123", False), ("evil.example", False),
    ("127.0.0.1.evil.example:8123", False), ("localhost.evil.example", False),
    ("0.0.0.0:8123", False), ("", False), ("127.0.0.1:8123:1", False),
])
def test_host_allowed(host: str, allowed: bool) -> None:
    assert host_allowed(host, 8123) is allowed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", "/index.html", skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_checks_the_host_and_cleans_up_on_sigterm(project: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(temp), "NO_MKDOCS_2_WARNING": "1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        server = subprocess.Popen([sys.executable, "-m", "cheatdeck", "serve", "--port",
                                   str(port)], cwd=project, env=env, stdout=err, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                status, body = _get(port, f"127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert status == 200 and b"Interview Cheat Sheets" in body
        assert _get(port, f"localhost:{port}")[0] == 200
        for rebound in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", None):
            status, body = _get(port, rebound)
            assert (status, body) == (403, b"cheatdeck serve answers only http://127.0.0.1 "
                                           b"and http://localhost\n"), rebound
        made = [p.name for p in temp.iterdir()]
        assert len(made) == 1 and made[0].startswith("cheatdeck-site-"), made
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
    assert list(temp.iterdir()) == [], log.read_text()


def test_serve_takes_the_project_lock_only_while_it_writes_and_builds(project: Path,
                                                                     tmp_path: Path) -> None:
    """serve writes the docs dir a build also writes: it waits while a build holds the project
    lock (issue 11 item 4), and holds the lock only while writing and building, so a build
    runs while the preview is up."""
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = tmp_path / "serve.log"
    work = project / "build" / ".cheatdeck"
    work.mkdir(parents=True)
    with project_lock(work, command="a test", notify=lambda line: None), log.open("wb") as err:
        server = subprocess.Popen([sys.executable, "-m", "cheatdeck", "serve", "--port",
                                   str(port)], cwd=project, env=env, stdout=err, stderr=err)
        deadline = time.monotonic() + 120
        while b"waiting for" not in log.read_bytes():
            assert server.poll() is None, log.read_text()
            assert not (project / "build" / "docs").exists(), "written while a build held the lock"
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert f"cheatdeck: waiting for pid {os.getpid()}: a test since " in log.read_text()
        assert not (project / "build" / "docs").exists()  # nothing written while it waits
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                status, body = _get(port, f"127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert status == 200 and b"Interview Cheat Sheets" in body
        assert main(["build", "--no-deck"]) == 0  # not blocked by the running preview
        assert (project / "site" / "index.html").is_file()
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, log.read_text()
