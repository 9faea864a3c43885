"""The rewording rule: which new question inherits the GUID of which vanished one.

A note's GUID hashes its sheet and question (``ids.py``), so a reworded question would become a
new Anki note and the old one, with its reviews, a stale duplicate (FIELD-NOTES: notes match only
by GUID; imports never delete). Within one sheet, the build offers the questions whose GUID is
new (no ``ID`` column, not named by ``--new-identity``) to the ledger entries whose GUID no card
claims any more (no ``ID``, not a fact row), and pairs them by two rules, in order:

1. **Same answer.** The answers have the same :func:`~cheatdeck.model.question_key` (equal up
   to case, spacing and a final ``?``/``.``/``!``), and no other new question or vanished entry
   of the sheet has that answer.
2. **Similar question.** ``difflib.SequenceMatcher(None, old_key, new_key).ratio()`` on the two
   question keys is at least :data:`SIMILARITY` (0.8: "What is BPE?" → "What is BPE
   tokenization?" is 0.63, no match; "How many tokens ≈ 1000 words?" → "Roughly how many tokens
   ≈ 1000 words?" is 0.88, a match), and each is the other's single best such partner (a tie
   matches nothing).

Everything else is a new note, and every unpaired vanished entry is retired. The build reports
each pair; an author who meant a new question forces a new identity with an ``ID`` column value
or ``cheatdeck build --new-identity "the new question"`` (README "Re-importing into Anki").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal

from cheatdeck.model import question_key

if TYPE_CHECKING:  # ledger.py imports this module at run time
    from cheatdeck.ledger import LedgerEntry

SIMILARITY = 0.8
"""Minimum ``SequenceMatcher.ratio()`` of two question keys for rule 2."""

Rule = Literal["same answer", "similar question"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A question whose own GUID is not in the ledger.

    Attributes:
        new_guid: its own GUID (``ids.card_guid``).
        question, answer: its Markdown source.
    """

    new_guid: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Rewording:
    """One match: the new question ships under the old GUID.

    Attributes:
        sheet: the sheet slug.
        old_guid: the ledger GUID it keeps.
        new_guid: the GUID it would have had on its own.
        old_question, new_question: Markdown source, for the report.
        rule: which rule matched.
        ratio: the question keys' ``SequenceMatcher`` ratio (reported for both rules).
    """

    sheet: str
    old_guid: str
    new_guid: str
    old_question: str
    new_question: str
    rule: Rule
    ratio: float


def match_rewordings(candidates: Sequence[Candidate],
                     orphans: Sequence[LedgerEntry]) -> list[Rewording]:
    """Pair new questions with vanished ledger entries of the same sheet (module docstring).

    Args:
        candidates: the sheet's questions with a GUID the ledger does not know, source order.
        orphans: the sheet's ledger entries no card claims, ledger order.

    Returns:
        The pairs, rule-1 pairs first, each in candidate order; each candidate and each orphan
        in at most one pair.
    """
    if not candidates or not orphans:  # nothing to pair (every first build): skip the scoring
        return []
    matches = list(_same_answer(candidates, orphans))
    used_new = {m.new_guid for m in matches}
    used_old = {m.old_guid for m in matches}
    matches.extend(_similar_question([c for c in candidates if c.new_guid not in used_new],
                                     [o for o in orphans if o.guid not in used_old]))
    return matches


def _pair(candidate: Candidate, orphan: LedgerEntry, rule: Rule, ratio: float) -> Rewording:
    return Rewording(orphan.sheet, orphan.guid, candidate.new_guid, orphan.question,
                     candidate.question, rule, ratio)


def _ratio(old: str, new: str) -> float:
    return SequenceMatcher(None, question_key(old), question_key(new)).ratio()


def _same_answer(candidates: Sequence[Candidate],
                 orphans: Sequence[LedgerEntry]) -> Iterable[Rewording]:
    by_answer: defaultdict[str, list[LedgerEntry]] = defaultdict(list)
    for orphan in orphans:
        by_answer[question_key(orphan.answer)].append(orphan)
    new_answers = [question_key(c.answer) for c in candidates]
    for candidate, answer in zip(candidates, new_answers, strict=True):
        olds = by_answer.get(answer, [])
        if len(olds) == 1 and new_answers.count(answer) == 1:
            yield _pair(candidate, olds[0], "same answer", _ratio(olds[0].question,
                                                                  candidate.question))


def _similar_question(candidates: Sequence[Candidate],
                      orphans: Sequence[LedgerEntry]) -> Iterable[Rewording]:
    scores: dict[tuple[int, int], float] = {}
    for i, candidate in enumerate(candidates):
        matcher = SequenceMatcher(None, b=question_key(candidate.question))
        for j, orphan in enumerate(orphans):
            matcher.set_seq1(question_key(orphan.question))
            # The two cheap upper bounds skip most pairs, as difflib.get_close_matches does.
            if (matcher.real_quick_ratio() >= SIMILARITY and matcher.quick_ratio() >= SIMILARITY
                    and (ratio := matcher.ratio()) >= SIMILARITY):
                scores[i, j] = ratio
    for (i, j), ratio in scores.items():
        rivals_of_new = [r for (a, _), r in scores.items() if a == i]
        rivals_of_old = [r for (_, b), r in scores.items() if b == j]
        # A pair only when each is the other's single best: a tie is ambiguous, so no match.
        if rivals_of_new.count(ratio) == 1 and max(rivals_of_new) == ratio and \
                rivals_of_old.count(ratio) == 1 and max(rivals_of_old) == ratio:
            yield _pair(candidates[i], orphans[j], "similar question", ratio)
