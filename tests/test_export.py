"""JSON export: golden file of the seed's model, and the model rebuilt from it."""

from __future__ import annotations

import json
import os

from conftest import DATA

from cheatdeck.export import export_json
from cheatdeck.model import Library

GOLDEN = DATA / "golden" / "stage-1.json"


def test_seed_model_matches_golden_json(seed_library: Library) -> None:
    text = export_json(seed_library)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_json_shape_and_rebuild(seed_library: Library) -> None:
    data = json.loads(export_json(seed_library))
    assert data["schema"] == 1
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
