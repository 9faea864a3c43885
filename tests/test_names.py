"""One owner of names and links: a card's link and the site's anchor cannot drift apart, and the
site takes nothing from the Anki side."""

from __future__ import annotations

import ast
import html
import re
import subprocess
import sys
from pathlib import Path

from cheatdeck.ledger import Ledger
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.names import question_url, section_page, section_url
from cheatdeck.plan import plan_notes
from cheatdeck.site import render_site_pages

SITE = "https://example.org/study"
PACKAGE = Path(__file__).parent.parent / "src" / "cheatdeck"
# GUID hashing (ids.py) is shared: the site keys study progress by the deck's GUIDs.
ANKI_SIDE = {"cheatdeck.anki", "cheatdeck.anki_notes", "cheatdeck.plan", "cheatdeck.ledger",
             "cheatdeck.identity", "cheatdeck.export", "cheatdeck.build"}


def test_every_card_links_to_its_own_question_on_its_page(seed_library: Library) -> None:
    pages = render_site_pages(seed_library, title="T")
    plan = plan_notes(seed_library, Ledger(), root_deck="R", site_url=SITE,
                      renderer=MarkupRenderer(), now=1)
    checked = 0
    for sheet in seed_library.sheets:
        for section in sheet.sections:
            page = pages[section_page(sheet, section)]
            assert question_url(SITE, sheet, section) == f"{SITE}/{section_url(sheet, section)}"
            for note in plan.notes:
                if note.section != section.slug or note.kind == "fact":
                    continue
                url, _, anchor = html.unescape(note.fields[4]).partition("#")
                assert url == f"{SITE}/{section_url(sheet, section)}"
                headings = re.findall(r"^## (.*) \{#" + re.escape(anchor) + r" ", page, re.M)
                assert len(headings) == 1, (note.text, anchor)
                checked += 1
    assert checked == 52  # every Q&A and gotcha note of the seed


def test_the_site_imports_nothing_from_the_anki_side() -> None:
    for module in sorted((PACKAGE / "site").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert not imported & ANKI_SIDE, module.name


def test_the_csv_export_reads_the_note_plan_without_genanki(tmp_path: Path) -> None:
    """Issue 13: the CSV comes from the note plan, as the deck does, and never loads genanki."""
    (tmp_path / "source").mkdir()
    sheet = Path(__file__).parent / "data" / "ledger" / "sheet.md"
    (tmp_path / "source" / "sheet.md").write_bytes(sheet.read_bytes())
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    script = ("import sys; from cheatdeck.cli import main; code = main(['export', '--format', "
              "'csv', '-o', 'notes.csv']); print(code, 'genanki' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout == "0 False\n", result.stderr
    rows = (tmp_path / "notes.csv").read_text(encoding="utf-8").splitlines()
    assert sum(1 for row in rows if not row.startswith("#")) == 7  # 6 Q&A/gotcha + 1 fact row
