"""Fixtures for ``cheatdeck sync`` tests: a project, an Anki data folder, real collections.

Collections are made and read with the ``anki`` package (Anki desktop's engine); review history
is made by answering cards through its scheduler, as a learner would (FIELD-NOTES).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anki.collection  # noqa: F401  (before any anki.scheduler module: circular import)
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from cheatdeck.cli import main

DATA = Path(__file__).parent / "data" / "ledger"
DECK = "Root::Ledger Sheet"
ALIBI_ROW = "| What is ALiBi? | Linear biases on attention scores |  |\n"
T1 = 1_767_225_600


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the ledger fixture sheet, root deck "Root", and one empty Anki profile
    ("User 1") in an Anki data folder named by ``ANKI_BASE``."""
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    shutil.copy(DATA / "sheet.md", root / "source" / "sheet.md")
    (root / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Root"\n')
    monkeypatch.chdir(root)
    monkeypatch.setenv("ANKI_BASE", str(tmp_path / "Anki2"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    profile = tmp_path / "Anki2" / "User 1"
    profile.mkdir(parents=True)
    Collection(str(profile / "collection.anki2")).close()
    return root


def collection_path(project: Path) -> Path:
    """The collection file of the fixture's only profile."""
    return project.parent / "Anki2" / "User 1" / "collection.anki2"


@contextmanager
def opened(path: Path) -> Iterator[Collection]:
    """Open a collection for the block (a sync refuses while it is open)."""
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def edit(project: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the fixture sheet."""
    sheet = project / "source" / "sheet.md"
    text = sheet.read_text(encoding="utf-8")
    assert old in text
    sheet.write_text(text.replace(old, new), encoding="utf-8")


def sync(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run ``cheatdeck sync ARGS`` in-process; return its exit code and its stderr."""
    capsys.readouterr()
    code = main(["sync", *args])
    return code, capsys.readouterr().err


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def note_id(col: Collection, question: str) -> int:
    """The id of the cheatdeck Q&A note asking ``question``."""
    [nid] = [n for n in col.find_notes("tag:qa") if col.get_note(n)["Question"] == question]
    return nid


def review(col: Collection, deck: str, answers: int) -> list[int]:
    """Answer ``answers`` cards of ``deck`` with "Good", as a learner would; return their ids."""
    col.decks.select(col.decks.id_for_name(deck))
    reviewed = []
    for _ in range(answers):
        card = col.sched.getCard()
        assert card is not None
        col.sched.answerCard(card, 3)
        reviewed.append(card.id)
    return reviewed


def history(col: Collection, card_id: int) -> tuple[Any, ...]:
    """What a card's scheduling is: its revlog rows and its scheduling columns."""
    revlog = col.db.all("select id, ease, ivl, type from revlog where cid = ? order by id",
                        card_id)
    card = col.db.first("select type, queue, due, ivl, factor, reps, lapses from cards "
                        "where id = ?", card_id)
    return tuple(map(tuple, revlog)), tuple(card)


def import_apkg(path: Path, package: Path) -> None:
    """Import ``package`` into the collection at ``path`` with Anki's default options."""
    with opened(path) as col:
        request = ImportAnkiPackageRequest(package_path=str(package),
                                           options=ImportAnkiPackageOptions())
        col.import_anki_package(request)


def contents(path: Path) -> dict[str, Any]:
    """What a learner sees of a collection: notes, cards, decks and note types (no ids)."""
    with opened(path) as col:
        decks = {d.id: d.name for d in col.decks.all_names_and_ids()}
        notes = sorted(col.db.all("select guid, mid, flds, tags from notes"))
        cards = sorted(col.db.all(
            "select n.guid, c.ord, c.did, c.queue, c.type from cards c join notes n on n.id = c.nid"))
        cards = [(guid, ord_, decks[did], queue, kind) for guid, ord_, did, queue, kind in cards]
        types = []
        for entry in col.models.all_names_and_ids():
            model = col.models.get(entry.id)
            # Stock note types get new ids in every new collection; ours are constants.
            ours = model["id"] if model["name"].startswith("cheatdeck") else 0
            types.append((ours, model["name"], model["type"], model["css"],
                          [f["name"] for f in model["flds"]],
                          [(t["name"], t["qfmt"], t["afmt"]) for t in model["tmpls"]]))
        # The order Anki introduces new cards in.
        order = [tuple(r) for r in col.db.all(
            "select n.guid, c.ord from cards c join notes n on n.id = c.nid order by c.due, c.ord")]
        return {"notes": notes, "cards": cards, "decks": sorted(decks.values()),
                "note types": sorted(types), "order": order}
