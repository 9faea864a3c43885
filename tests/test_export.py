"""JSON export: golden file of the seed's model, and the model rebuilt from it."""

from __future__ import annotations

import json
import os

import pytest
from conftest import DATA

from cheatdeck.export import export_json
from cheatdeck.model import ROW, Library

GOLDEN = DATA / "golden" / "stage-1.json"


def test_seed_model_matches_golden_json(seed_library: Library) -> None:
    text = export_json(seed_library)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_json_shape_and_rebuild(seed_library: Library) -> None:
    data = json.loads(export_json(seed_library))
    assert data["schema"] == 2
    (sheet,) = data["sheets"]
    assert list(sheet) == ["title", "subtitle", "footer", "slug", "path", "sections", "skipped"]
    tokens = sheet["sections"][0]
    assert tokens["title"] == "TOKENS" and tokens["emoji"] == "🔥" and tokens["slug"] == "tokens"
    assert tokens["cards"][1]["question"] == 'Why can\'t LLMs count letters in "strawberry"?'
    assert tokens["cards"][1]["kind"] == "qa" and tokens["cards"][1]["line"] == 7
    assert sheet["sections"][5]["cards"][0]["kind"] == "gotcha"
    assert sheet["sections"][6]["tables"][0]["rows"][2] == [
        "LLaMA-7B", "7B", "32", "32", "4096", "32,000"]
    assert Library.from_dict(data) == seed_library


def test_schema_1_json_reads_with_the_default_shape(seed_library: Library) -> None:
    # A JSON export written before shapes existed (schema 1: no "shape" key) still rebuilds the
    # same model: every card it could hold is a table row or a gotcha bullet.
    data = json.loads(export_json(seed_library))
    data["schema"] = 1
    for sheet in data["sheets"]:
        for section in sheet["sections"]:
            for block in [*section["blocks"], *section["cards"]]:
                block.pop("shape", None)
    rebuilt = Library.from_dict(data)
    assert rebuilt == seed_library
    assert {card.shape for card in rebuilt.sheets[0].cards} == {ROW}


def test_unknown_schema_and_shape_are_refused(seed_library: Library) -> None:
    data = json.loads(export_json(seed_library))
    data["schema"] = 3
    with pytest.raises(ValueError, match="unsupported schema 3"):
        Library.from_dict(data)
    data["schema"] = 2
    data["sheets"][0]["sections"][0]["blocks"][0]["shape"]["form"] = "sideways"
    with pytest.raises(ValueError, match="unknown card shape 'sideways'"):
        Library.from_dict(data)
