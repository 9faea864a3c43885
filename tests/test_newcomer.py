"""A newcomer's first run, outside this repository, from the built wheel.

Builds the wheel from the tracked files, installs it into a fresh venv in a temporary folder
(pip resolves the dependencies from its usual index and cache), then runs exactly
``cheatdeck init demo && cd demo && cheatdeck build`` with only that venv on ``PATH``, imports
the ``.apkg`` into a real Anki collection and opens the site's home page in Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import ROOT
from site_fixtures import launch_chromium, serve_directory

import cheatdeck

pytestmark = [pytest.mark.anki, pytest.mark.browser]


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with the wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("newcomer")
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                  ROOT).stdout
    checkout = work / "checkout"
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "wheel"),
          str(checkout)], work)
    (wheel,) = (work / "wheel").glob("cheatdeck-*.whl")
    assert wheel.name == f"cheatdeck-{cheatdeck.__version__}-py3-none-any.whl"
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], work)
    return bin_dir


def test_init_then_build_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environ["PATH"] = f"{installed}{os.pathsep}/usr/bin:/bin"
    home = tmp_path / "home"
    home.mkdir()
    environ["HOME"] = str(home)
    version = _run(["cheatdeck", "--version"], home, environ).stdout
    assert version == f"cheatdeck {cheatdeck.__version__}\n"
    located = _run(["python", "-c", "import cheatdeck; print(cheatdeck.__file__)"], home,
                   environ).stdout
    assert Path(located).is_relative_to(installed.parent)  # not this checkout
    assert not Path(located).is_relative_to(ROOT)
    done = _run(["bash", "-ec", "cheatdeck init demo && cd demo && cheatdeck build"], home,
                environ, timeout=300)
    assert "next: cd demo && cheatdeck build" in done.stderr
    assert "built 1 sheet(s), 4 section(s), 8 note(s), 10 card(s), 0 warning(s)" in done.stderr
    demo = home / "demo"
    apkg = demo / "dist" / "interview-cheat-sheets.apkg"

    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(apkg),
                                           options=ImportAnkiPackageOptions())
        log = collection.import_anki_package(request).log
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (8, 0, 0)
        assert collection.note_count() == 8 and collection.card_count() == 10
        decks = {d.name for d in collection.decks.all_names_and_ids()}
        assert "Interview Cheat Sheets::Example — Cheat Sheet::FACT TABLE" in decks
    finally:
        collection.close()

    with serve_directory(demo / "site") as url, launch_chromium() as browser:
        page = browser.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert page.title() == "Interview Cheat Sheets"
        assert "Example — Cheat Sheet" in page.inner_text("body")
        download = page.locator("a[href$='interview-cheat-sheets.apkg']")
        assert download.count() >= 1
        assert failed == []
        page.close()
