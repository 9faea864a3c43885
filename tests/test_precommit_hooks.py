"""``.pre-commit-hooks.yaml``: each hook's entry is a cheatdeck command that runs as declared."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SEED

from cheatdeck.cli import main


def _hooks() -> dict[str, dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def test_hooks_declare_fmt_check_and_strict_check() -> None:
    hooks = _hooks()
    assert {k: v["entry"] for k, v in hooks.items()} == {
        "cheatdeck-fmt": "cheatdeck fmt --check", "cheatdeck-check": "cheatdeck check --strict"}
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit installs this repository's package
        assert hook["pass_filenames"] is False  # the whole configured source/, once
        assert hook["files"] == r"\.md$"


@pytest.mark.parametrize("hook", ["cheatdeck-fmt", "cheatdeck-check"])
def test_hooks_pass_on_this_repository_and_fail_on_a_pasted_sheet(
        hook: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command, *args = shlex.split(str(_hooks()[hook]["entry"]))
    assert command == "cheatdeck"
    monkeypatch.chdir(ROOT)
    assert main(args) == 0
    (tmp_path / "source").mkdir()
    shutil.copy(SEED, tmp_path / "source" / "stage-1.md")  # warnings, not canonical
    monkeypatch.chdir(tmp_path)
    assert main(args) == 1
