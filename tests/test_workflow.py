"""The example GitHub workflow runs here: its shell steps, in order, in a copy of the repository.

Two steps are not run again here because they are this very test run: "Set up" installs the
package with its test extras and "Test" runs the suite; both must be exactly the README's test
command (which ``.ci/run`` runs on a bare machine). Every other shell step runs as GitHub runs
it (``bash -e``; ``$GITHUB_PATH`` entries put on ``PATH`` for later steps), and what the
``uses:`` steps pick up afterwards (the Pages artifact, the release files) must exist.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def _workflow() -> dict[str, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _step(steps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (step,) = [s for s in steps if s.get("name") == name]
    return step


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    return str(commands[1])  # the second command: set up and run the tests


def test_set_up_and_test_steps_are_the_readme_test_command() -> None:
    steps = _workflow()["jobs"]["build"]["steps"]
    install = _step(steps, "Set up")["run"].splitlines()[0]
    test = _step(steps, "Test")["run"].strip()
    assert f"{install} && {test}" == _readme_test_command()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_test_command() in ci


def test_publishing_jobs_take_the_build_outputs() -> None:
    jobs = _workflow()["jobs"]
    uses = {s["uses"].split("@")[0]: s.get("with", {}) for s in jobs["build"]["steps"]
            if "uses" in s}
    assert uses["actions/upload-pages-artifact"] == {"path": "site"}
    assert uses["actions/upload-artifact"]["path"] == "release/"
    assert jobs["pages"]["needs"] == jobs["release"]["needs"] == "build"
    assert jobs["pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in jobs["pages"]["steps"]] == ["actions/deploy-pages"]
    assert jobs["release"]["permissions"] == {"contents": "write"}
    release = [s for s in jobs["release"]["steps"] if "action-gh-release" in s.get("uses", "")]
    assert release[0]["with"]["files"] == "release/*.apkg"
    assert "refs/tags/v" in jobs["release"]["if"] and "refs/heads/main" in jobs["pages"]["if"]


def _copy_repository(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_shell_steps_build_and_collect_what_the_publishing_steps_upload(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.fail("the workflow test needs a git checkout (it copies the tracked files)")
    repo = tmp_path / "repo"
    _copy_repository(repo)
    # "Set up" made .venv here; this run's environment is that venv (see the module docstring).
    (repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    github_path = tmp_path / "github_path"
    github_path.touch()
    path = os.environ.get("PATH", "")
    ran = []
    for step in _workflow()["jobs"]["build"]["steps"]:
        script = step.get("run")
        if script is None:
            continue
        if step["name"] == "Test":
            continue
        if step["name"] == "Set up":
            script = "\n".join(script.splitlines()[1:])  # the install line: see the docstring
        environ = {**os.environ, "GITHUB_PATH": str(github_path), "CI": "true",
                   "PATH": os.pathsep.join([*reversed(github_path.read_text().split()), path])}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=repo, env=environ, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{step['name']}: {done.stdout}{done.stderr}"
        ran.append((step["name"], done.stderr))
    assert [name for name, _ in ran] == ["Set up", "Check the sheets",
                                         "Build the deck and the site", "Collect the release files"]
    assert github_path.read_text().split() == [f"{repo}/.venv/bin"]
    built = dict(ran)["Build the deck and the site"]
    assert "built 1 sheet(s), 7 section(s), 58 note(s), 82 card(s), 0 warning(s)" in built
    # what the `uses:` steps pick up
    assert (repo / "site" / "index.html").is_file()  # upload-pages-artifact: path: site
    assert [Path(p).name for p in glob.glob(str(repo / "release" / "*.apkg"))] == [
        "interview-cheat-sheets.apkg"]
    assert (repo / "release" / "interview-cheat-sheets.apkg").read_bytes() == (
        repo / "dist" / "interview-cheat-sheets.apkg").read_bytes()
