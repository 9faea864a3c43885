"""Lint, import order, dead code and types, checked with the tools configured in pyproject.toml
(issue 16, "Code health in CI").

They run inside the test suite, so ``.ci/run`` (the README's test command) and every full run
before a landing fail on a lint error, on dead code or on a type error, as the tool prints it.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def _tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


def test_ruff_lint_and_import_order_are_clean() -> None:
    done = _tool("ruff", "check", "--no-cache", ".")  # rules: [tool.ruff] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr


def test_vulture_finds_no_dead_code_in_src() -> None:
    done = _tool("vulture")  # paths and the library-callback names: [tool.vulture]
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_finds_no_type_error_in_src() -> None:
    done = _tool("mypy")  # strict, on src/cheatdeck: [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found in ")
