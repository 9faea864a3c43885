"""The conventions of a Python tool: one version, the licence, typing marker, colour switches."""

from __future__ import annotations

import ast
import importlib.metadata
import shlex
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

import cheatdeck
from cheatdeck import arguments
from cheatdeck.cli import HANDLERS, main

WARNING_SHEET = "# S\n\n## A\n\n| Q | A |\n|---|\n| q | a |\n"  # delimiter row: 1 cell, 2 wanted


def test_version_is_the_package_constant_and_the_installed_metadata(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"cheatdeck {cheatdeck.__version__}\n"
    assert importlib.metadata.version("cheatdeck") == cheatdeck.__version__
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]


def test_licence_file_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert set(project["urls"]) >= {"Homepage", "Source", "Issues"}


def test_package_is_marked_typed() -> None:
    assert (ROOT / "src" / "cheatdeck" / "py.typed").is_file()
    metadata = importlib.metadata.metadata("cheatdeck")
    assert "Typing :: Typed" in metadata.get_all("Classifier")


@pytest.mark.parametrize(("environ", "coloured"), [
    ({}, False),                                  # not a terminal
    ({"FORCE_COLOR": "1"}, True),
    ({"FORCE_COLOR": ""}, False),                 # empty counts as unset
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins
    ({"NO_COLOR": ""}, False),
])
def test_colour_follows_no_color_and_force_color(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        environ: dict[str, str], coloured: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    sheet = tmp_path / "s.md"
    sheet.write_text(WARNING_SHEET, encoding="utf-8")
    assert main(["check", str(sheet)]) == 0
    err = capsys.readouterr().err
    plain = f"{sheet.as_posix()}:6:1: warning: delimiter row has 1 cell, header has 2"
    painted = f"{sheet.as_posix()}:6:1: \033[1;33mwarning:\033[0m delimiter row has 1 cell"
    assert (painted in err) is coloured
    assert (plain in err) is not coloured


COMMANDS = ("build", "serve", "check", "fmt", "export", "prune-ledger", "init", "sync")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_examples_and_exit_codes(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: cheatdeck {command} ")
    shown = out.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert shown == [f"  {line}" for line in arguments.examples(command)] and shown
    assert " ".join(out.split("exit status:", 1)[1].split()).startswith("0 success; 1 ")
    assert " ".join(out.split()).endswith("; 2 usage error")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_example_is_a_valid_command_line(command: str) -> None:
    parser = arguments.parser(HANDLERS)
    for example in arguments.examples(command):
        for part in example.split("#")[0].split("&&"):
            words = shlex.split(part.split(">")[0])  # no shell redirection
            if words[0] != "cheatdeck":
                continue  # `cd demo`
            args = parser.parse_args(words[1:])  # a usage error would exit 2 here
            assert args.handler is HANDLERS[words[1]]


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"\n    {command}" in out for command in COMMANDS)
    assert "NO_COLOR=1 turns it off, FORCE_COLOR=1 on" in out


def _cheatdeck_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and node.module}
    names |= {f"{node.module}.{alias.name}" for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module == "cheatdeck"
              for alias in node.names}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
              for alias in node.names}
    return {name for name in names if name.startswith("cheatdeck")}


def test_the_command_line_talks_to_the_build_and_its_operations_only() -> None:
    """Issue 16: cli parses arguments and prints; reading, ledgers, decks, the site and the
    server are reached through ``cheatdeck.build``, ``cheatdeck.operations`` and ``sync``."""
    assert _cheatdeck_imports(ROOT / "src" / "cheatdeck" / "cli.py") == {
        "cheatdeck", "cheatdeck.arguments", "cheatdeck.operations", "cheatdeck.build",
        "cheatdeck.config", "cheatdeck.diagnostics", "cheatdeck.errors", "cheatdeck.model",
        "cheatdeck.project", "cheatdeck.report", "cheatdeck.starter", "cheatdeck.sync"}


def test_sheets_are_read_and_reported_in_one_place() -> None:
    """Only cheatdeck.operations calls the reader (build, sync and every command go through its
    read_sheets), and only it and the build's gather phase read the ledger file."""
    src = ROOT / "src" / "cheatdeck"
    calling = {text: sorted(p.relative_to(src).as_posix() for p in src.rglob("*.py")
                            if "reader" not in p.relative_to(src).parts
                            and text in p.read_text(encoding="utf-8"))
               for text in ("read_paths(", "read_ledger_text(")}
    assert calling == {"read_paths(": ["operations.py"],
                       "read_ledger_text(": ["inputs.py", "ledger_file.py", "operations.py"]}
