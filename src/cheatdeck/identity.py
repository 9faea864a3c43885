"""Which GUID each note ships under: its own, or the older one the ledger says it continues.

A note's own GUID hashes its sheet and question (``ids.py``). Against the ledger
(``ledger.py``) each card of a sheet, in this order:

1. with an ``ID`` column: the GUID of its ID, always;
2. whose own GUID the ledger knows: keeps it;
3. whose question is, up to :func:`~cheatdeck.model.question_key`, the recorded question of a
   ledger entry of the same sheet that no card claims (no ``ID``, not a fact row): that entry's
   GUID, silently (a rewording matched by an earlier build, or a question that was asked in two
   sections and now is in one, or the reverse: not reported again). An entry of the card's own
   section is preferred; a question asked in two sections (``Card.scope``) continues only the
   entry of its own section, so each of the two notes keeps its own history;
4. otherwise it is offered to :func:`~cheatdeck.ledger_match.match_rewordings` against the sheet's
   entries still unclaimed; a match keeps the old GUID and is reported.

Fact rows and questions asked in two sections are never matched as rewordings (rule 4): a fact
row is identified by its subject, a scoped question by its section, which a wording comparison
cannot see. ``--new-identity`` questions skip 3 and 4.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from cheatdeck.errors import LedgerError
from cheatdeck.ids import card_guid, fact_guid
from cheatdeck.ledger import Ledger, LedgerEntry
from cheatdeck.ledger_match import Candidate, Rewording, match_rewordings
from cheatdeck.model import Library, question_key


@dataclass(frozen=True, slots=True)
class Identities:
    """The GUID decisions of one build.

    Attributes:
        overrides: ``{own GUID (ids.card_guid): GUID to ship}`` for cards that continue an older
            note (rules 3 and 4 of the module docstring).
        reworded: the rewording matches made by this build (rule 4), for the build report.
    """

    overrides: dict[str, str]
    reworded: tuple[Rewording, ...]


def assign_guids(library: Library, ledger: Ledger,
                 new_identity: Collection[str] = ()) -> Identities:
    """Decide which cards ship under an older GUID (module docstring).

    Args:
        library: the model just read.
        ledger: the ledger as committed.
        new_identity: questions (compared by :func:`question_key`) that must not inherit an old
            GUID (``build --new-identity``).

    Returns:
        The :class:`Identities`.

    Raises:
        LedgerError: a ``new_identity`` question is not a question of the library.
    """
    forced = {question_key(q) for q in new_identity}
    unknown = forced - {c.key for s in library.sheets for c in s.cards} if forced else set()
    if unknown:
        raise LedgerError(f"--new-identity: no such question: {', '.join(sorted(unknown))}")
    if not ledger.entries:  # a first build: every card ships under its own GUID
        return Identities({}, ())
    known = {e.guid for e in ledger.entries}
    claimed = {card_guid(sheet, card) for sheet in library.sheets for card in sheet.cards}
    claimed |= {fact_guid(sheet.slug, table, row) for sheet in library.sheets
                for section in sheet.sections for table in section.fact_tables
                for row in table.rows}
    overrides: dict[str, str] = {}
    reworded: list[Rewording] = []
    for sheet in library.sheets:
        orphans = [e for e in ledger.entries if e.sheet == sheet.slug and e.guid not in claimed
                   and not e.id and e.kind != "fact"]
        if not orphans:  # no entry left to continue or reword (most rebuilds)
            continue
        by_key: dict[str, list[LedgerEntry]] = {}
        for orphan in orphans:
            by_key.setdefault(question_key(orphan.question), []).append(orphan)
        candidates = []
        for section in sheet.sections:
            for card in section.cards:
                own = card_guid(sheet, card)
                if card.id or own in known or card.key in forced:
                    continue
                continued = _continued(by_key.get(card.key, []), section.slug,
                                       same_section_only=bool(card.scope))
                if continued is not None:
                    overrides[own] = continued.guid
                elif not card.scope:
                    candidates.append(Candidate(own, card.question, card.answer))
        taken = set(overrides.values())
        for match in match_rewordings(candidates, [o for o in orphans if o.guid not in taken]):
            overrides[match.new_guid] = match.old_guid
            reworded.append(match)
    return Identities(overrides, tuple(reworded))


def _continued(entries: list[LedgerEntry], section: str, *,
               same_section_only: bool) -> LedgerEntry | None:
    """Take (remove and return) the entry a card continues under rule 3, or ``None``.

    ``entries``: the unclaimed entries with the card's question key, in ledger order. The one
    recorded in ``section`` wins; otherwise the first in ledger order (a question moved out of
    two sections into a third: either history is as good), unless ``same_section_only``.
    """
    for index, entry in enumerate(entries):
        if entry.section == section:
            return entries.pop(index)
    return entries.pop(0) if entries and not same_section_only else None
