"""Terminal output: diagnostics and the end-of-build summary (colour only on a terminal).

Colour follows the common conventions: ``NO_COLOR`` (https://no-color.org) turns it off,
``FORCE_COLOR`` (https://force-color.org) turns it on where output is not a terminal (CI logs);
each counts when set to a non-empty value, and ``NO_COLOR`` wins when both are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cheatdeck.build import BuildReport
from cheatdeck.diagnostics import Diagnostic
from cheatdeck.model import Library

if TYPE_CHECKING:  # a build never loads the sync machinery (anki_sync, sync_plan): issue 15
    from cheatdeck.sync import SyncReport

_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[2m", "added": "\033[32m",
            "changed": "\033[36m", "removed": "\033[35m", "dim": "\033[2m"}
_RESET = "\033[0m"
LISTED = 10
"""How many questions per kind of change the summary lists without ``-v``."""


def library_counts(library: Library) -> str:
    """Return ``"1 sheet(s), 7 section(s), 58 note(s), 82 card(s)"`` for ``library``.

    Notes and cards as Anki will count them (:attr:`cheatdeck.model.Section.card_count`).
    """
    sections = library.sections
    return (f"{len(library.sheets)} sheet(s), {len(sections)} section(s), "
            f"{sum(s.note_count for s in sections)} note(s), "
            f"{sum(s.card_count for s in sections)} card(s)")


def use_colour(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Return True if text written to ``stream`` should carry ANSI colours.

    Args:
        stream: the output stream.
        environ: the environment: a non-empty ``NO_COLOR`` means no (no-color.org), else a
            non-empty ``FORCE_COLOR`` means yes (force-color.org), else only on a terminal.
    """
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class Printer:
    """Writes diagnostics and summaries to one stream, in colour as :func:`use_colour` says.

    Args:
        stream: where to write (the CLI uses stderr, keeping stdout for exports).
        verbosity: 0 for ``-q`` (errors and a one-line result), 1 normal, 2 for ``-v``.
        environ: the environment, for ``NO_COLOR`` / ``FORCE_COLOR`` (empty: terminal only).
    """

    def __init__(self, stream: TextIO, verbosity: int = 1,
                 environ: Mapping[str, str] | None = None) -> None:
        self.stream = stream
        self.verbosity = verbosity
        self.colour = use_colour(stream, environ or {})

    def _paint(self, text: str, kind: str) -> str:
        return f"{_COLOURS[kind]}{text}{_RESET}" if self.colour else text

    def line(self, text: str = "", *, level: int = 1) -> None:
        """Print ``text`` if the verbosity is at least ``level``."""
        if self.verbosity >= level:
            print(text, file=self.stream)

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        """Print one diagnostic (warnings and infos are hidden by ``-q``)."""
        if diagnostic.level != "error" and self.verbosity == 0:
            return
        text = diagnostic.format()
        marker = f"{diagnostic.level}:"
        print(text.replace(marker, self._paint(marker, diagnostic.level), 1), file=self.stream)

    def diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        """Print each of ``diagnostics``."""
        for diagnostic in diagnostics:
            self.diagnostic(diagnostic)

    def build_summary(self, report: BuildReport, root: Path) -> None:
        """Print what a build did: counts, changes by question, outputs and sizes, time."""
        retired = f" (+{len(report.retired)} retired)" if report.retired else ""
        counts = (f"{report.sheets} sheet(s), {report.sections} section(s), "
                  f"{report.notes} note(s){retired}, {report.cards} card(s), "
                  f"{len(report.warnings)} warning(s)")
        if report.skipped:
            for warning in report.warnings:
                self.line(warning, level=2)
            self.line(f"nothing changed since the last build ({counts}); nothing written "
                      f"[{report.elapsed:.2f} s]", level=0)
            return
        verb = "checked" if report.checked else "built"
        self.line(f"{verb} {counts} in {report.elapsed:.2f} s", level=0)
        changes = report.changes
        if changes is not None:
            if changes.first_build:
                self.line(f"  notes: {len(changes.added)} (no earlier build to compare with)")
            else:
                self.line(f"  notes: {len(changes.added)} added, {len(changes.changed)} changed, "
                          f"{len(changes.removed)} removed")
                for kind, sign, questions in (("added", "+", changes.added),
                                              ("changed", "~", changes.changed),
                                              ("removed", "-", changes.removed)):
                    shown = questions if self.verbosity >= 2 else questions[:LISTED]
                    for question in shown:
                        self.line(f"    {self._paint(sign, kind)} {question}")
                    if len(shown) < len(questions):
                        self.line(f"    … and {len(questions) - len(shown)} more (-v lists all)")
            if changes.kept:
                self.line(f"  kept as shipped: {len(changes.kept)} (row skipped, see warnings)")
        for rewording in report.reworded:
            self.line(f"  reworded: {rewording.old_question!r} → {rewording.new_question!r} keeps "
                      f"its note ({rewording.rule}, similarity {rewording.ratio:.2f}); "
                      "`--new-identity QUESTION` makes it a new note")
        if report.retired:
            self.line(f"  {len(report.retired)} retired note(s) shipped; in Anki, search "
                      "`tag:cheatdeck::retired` to find, suspend or delete them "
                      "(`cheatdeck prune-ledger` stops shipping them)")
        if report.default_site_config:
            self.line("  site: the project has no mkdocs.yml; built with cheatdeck's default "
                      "(`cheatdeck init` writes one to edit)")
        for output, size in report.outputs:
            where = output.relative_to(root) if output.is_relative_to(root) else output
            suffix = "/" if output.is_dir() else ""
            self.line(f"  {where.as_posix()}{suffix}  {_size(size)}")

    def sync_summary(self, report: SyncReport) -> None:
        """Print what a sync did (or, dry, would do): counts in notes, then each note by kind.

        ``-q`` prints the counts line only; the notes of each kind are listed up to
        :data:`LISTED` (all with ``-v``).
        """
        outcome, plan = report.outcome, report.outcome.plan
        counts = ", ".join(f"{n} {kind}" for kind, n in plan.counts().items())
        where = report.collection.as_posix()
        if report.dry_run:
            self.line(f"dry run, nothing written: {where} would get {counts}", level=0)
        else:
            self.line(f"synced {where}: {counts}", level=0)
        would = "would be " if report.dry_run else ""
        for label, names in (("note types " + would + "created or updated", outcome.note_types),
                             ("media files " + would + "added", outcome.media)):
            if names:
                self.line(f"  {label}: {', '.join(names)}")
        for kind, sign, questions in (
                ("added", "+", [n.text for n in plan.added]),
                ("changed", "~", [u.spec.text for u in plan.updated if not u.spec.retired]),
                ("changed", "→", [f"{n.text}  ({n.deck})" for n in plan.moved_notes]),
                ("removed", "-", [n.text for n in (*plan.suspended_notes,
                                                   *plan.deleted_notes)])):
            shown = questions if self.verbosity >= 2 else questions[:LISTED]
            for question in shown:
                self.line(f"    {self._paint(sign, kind)} {question}")
            if len(shown) < len(questions):
                self.line(f"    … and {len(questions) - len(shown)} more (-v lists all)")
        for spec in plan.foreign:
            self.line(f"  left alone: {spec.text!r} (its note in Anki has another note type)")
        if outcome.backup is not None:
            self.line(f"  backup of the collection before this sync: {outcome.backup.as_posix()}")
        if report.ledger is not None:
            self.line(f"  {report.ledger.as_posix()} updated: commit it with the sheets")


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
