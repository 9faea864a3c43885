"""Reader cases as data: every ``tests/data/fixtures/**/*.md`` and ``tests/data/regressions/**/*.md``.

Each case is a sheet file with ``<name>.expected`` beside it: the model the reader makes and every
diagnostic, in the plain-text form :func:`dump` writes (readable without Python). A folder named
``<name>.library`` is one case read as a whole project (several sheets, :func:`read_paths`).
For every case this module also checks that the canonical rewrite reads back to the same model
(``read(write(m)) == m``) and that ``fmt`` is idempotent.

To add a case, write the ``.md`` file and run
``CHEATDECK_UPDATE_FIXTURES=1 .venv/bin/python -m pytest tests/test_reader_fixtures.py``, then read
the ``.expected`` file it wrote: it is the specification, and a review reads it as such. Golden
files change only with that flag.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cheatdeck.diagnostics import Diagnostic, has_errors
from cheatdeck.markdown import write_markdown
from cheatdeck.model import Card, FactTable, Library, Prose, Shape, Sheet
from cheatdeck.reader import read_file, read_paths, read_text

DATA = Path(__file__).parent / "data"
ROOTS = (DATA / "fixtures", DATA / "regressions")
UPDATE = os.environ.get("CHEATDECK_UPDATE_FIXTURES") == "1"


def _cases() -> list[Path]:
    cases = []
    for root in ROOTS:
        cases += sorted(root.rglob("*.library"))
        cases += sorted(p for p in root.rglob("*.md")
                        if not any(part.endswith(".library") for part in p.parts))
    return cases


def _shape(shape: Shape) -> str:
    """``heading h3 number=1. bold``: the shape's form and whatever else it records."""
    parts = [shape.form]
    if shape.level:
        parts.append(f"h{shape.level}")
    parts += [f"{name}={value}" for name in ("number", "label")
              if (value := getattr(shape, name))]
    if shape.bold:
        parts.append("bold")
    return " ".join(parts)


def _card(card: Card) -> list[str]:
    if card.shape.is_block:  # a block answer: one "  | " line per answer line
        lines = [f"L{card.pos.line} {card.kind} {_shape(card.shape)}: {card.question}",
                 *(f"  | {line}".rstrip() for line in card.answer.split("\n"))]
    else:
        lines = [f"L{card.pos.line} {card.kind}: {card.question} => {card.answer}"]
    for name in ("extra", "id"):
        if value := getattr(card, name):
            lines.append(f"    {name}: {value}")
    if card.tags:
        lines.append(f"    tags: {' '.join(card.tags)}")
    for name in ("labels", "columns", "table"):
        value = getattr(card, name, None)
        if value:
            lines.append(f"    {name}: {_plain(value)}")
    return lines


def _plain(value: object) -> str:
    if isinstance(value, tuple):
        return " | ".join(_plain(v) if not isinstance(v, tuple) else ": ".join(v) for v in value)
    return str(value)


def _table(table: FactTable) -> list[str]:
    lines = [f"L{table.pos.line} facts: {' | '.join(table.columns)}"]
    lines += [f"  L{row.pos.line} row: {' | '.join((row.subject, *row.values))}"
              for row in table.rows]
    return lines


def _prose(prose: Prose) -> list[str]:
    return [f"L{prose.pos.line} prose:", *(f"  > {line}" for line in prose.text.split("\n"))]


def dump_sheet(sheet: Sheet) -> list[str]:
    """The sheet as reviewable text: title, subtitle, footer, then each section's blocks."""
    lines = [f"sheet {sheet.slug}: {sheet.title}"]
    if sheet.subtitle:
        lines.append(f"subtitle: {sheet.subtitle}")
    for section in sheet.sections:
        lines.append(f"section {section.slug} L{section.pos.line}: "
                     f"[{section.emoji}] {section.title}")
        for block in section.blocks:
            if isinstance(block, Card):
                lines += _card(block)
            elif isinstance(block, FactTable):
                lines += _table(block)
            else:
                lines += _prose(block)
    for skipped in getattr(sheet, "skipped", ()):
        lines.append(f"skipped L{skipped.pos.line} in {skipped.section}: "
                     f"{skipped.question!r} ({skipped.reason})")
    if sheet.footer:
        lines.append(f"footer: {sheet.footer}")
    return lines


def dump(library: Library, diagnostics: list[Diagnostic]) -> str:
    """The whole case: every sheet (:func:`dump_sheet`), then every diagnostic as printed."""
    lines = []
    for sheet in library.sheets:
        lines += dump_sheet(sheet)
        lines.append("")
    lines.append("diagnostics:" if diagnostics else "diagnostics: none")
    lines += [d.format() for d in diagnostics]
    return "\n".join(lines) + "\n"


def _read_case(case: Path) -> tuple[Library, list[Diagnostic]]:
    relative = case.relative_to(case.parent)
    if case.is_dir():
        return read_paths([relative])
    sheet, diagnostics = read_file(relative)
    return Library(() if sheet is None else (sheet,)), diagnostics


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.relative_to(DATA).as_posix())
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)  # diagnostics name the file as the author sees it
    library, diagnostics = _read_case(case)
    got = dump(library, diagnostics)
    expected_path = case.with_name(case.name.removesuffix(".md") + ".expected")
    if UPDATE or not expected_path.exists():
        expected_path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote {expected_path.name}: review it, then run again")
    assert got == expected_path.read_text(encoding="utf-8")
    if has_errors(diagnostics):
        return
    for sheet in library.sheets:
        once = write_markdown(sheet)
        again, _ = read_text(once, path=sheet.path)
        assert again == sheet, once
        assert write_markdown(again) == once


def test_every_repair_rule_has_a_fixture() -> None:
    from cheatdeck.reader.repairs import REPAIRS

    names = {p.name for p in (DATA / "fixtures").glob("repair-*.md")}
    missing = [name for name, _ in REPAIRS
               if not any(n.startswith(f"repair-{name.replace('_', '-')}") for n in names)]
    assert missing == []
