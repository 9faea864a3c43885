"""The README's source-format example is a valid sheet, read without a single warning."""

from __future__ import annotations

import re

from conftest import ROOT

from cheatdeck.markdown import write_markdown
from cheatdeck.reader import read_text


def test_readme_example_reads_cleanly_and_is_canonical() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"````markdown\n(.*?)````", readme, re.DOTALL)
    sheet, diagnostics = read_text(example, path="README.md")
    assert [d.format() for d in diagnostics] == []
    assert sheet is not None
    assert [len(s.cards) for s in sheet.sections] == [3, 1, 2, 5, 0]
    assert [c.shape.form for c in sheet.sections[3].cards] == [
        "bold", "lines", "details", "bullet", "heading"]
    assert sheet.sections[1].cards[0].tags == ("positional", "core")
    assert sheet.sections[1].cards[0].id == "rope"
    assert len(sheet.sections[4].fact_tables[0].rows) == 1
    assert write_markdown(sheet) == example
