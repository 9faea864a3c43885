"""Build a deck in memory from a library, as the build does: note plan, then package."""

from __future__ import annotations

from cheatdeck.anki import CardStyle, DeckBuild, build_package
from cheatdeck.ledger import Ledger
from cheatdeck.markup import MarkupRenderer
from cheatdeck.model import Library
from cheatdeck.plan import plan_notes


def deck_of(library: Library, *, root_deck: str, timestamp: int, site_url: str = "",
            style: CardStyle | None = None, ledger: Ledger | None = None) -> DeckBuild:
    """The deck of ``library`` planned against ``ledger`` (none: every note new at
    ``timestamp``)."""
    plan = plan_notes(library, ledger or Ledger(), root_deck=root_deck, site_url=site_url,
                      renderer=MarkupRenderer(media=library.media_names), now=timestamp)
    return build_package(plan, media=library.media_files, style=style)
