"""Shared fixtures: the verbatim stage-1 seed and its model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from cheatdeck.diagnostics import has_errors
from cheatdeck.model import Library
from cheatdeck.reader import read_text

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed" / "stage-1-verbatim.txt"
SEED_NAME = "tests/data/seed/stage-1-verbatim.txt"
"""How the seed's path appears in positions and golden files, wherever the checkout is."""
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def seed_library() -> Library:
    """The stage-1 seed, read from the verbatim paste (warnings only, no error)."""
    sheet, diagnostics = read_text(SEED.read_text(encoding="utf-8"), path=SEED_NAME)
    assert sheet is not None and not has_errors(diagnostics)
    return Library((sheet,))


# Bounded in CI; `HYPOTHESIS_PROFILE=full pytest` for a long fuzzing run on demand.
settings.register_profile("ci", max_examples=150, deadline=None)
settings.register_profile("full", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
