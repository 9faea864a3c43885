"""cheatdeck: Markdown cheat sheets → one normalized Q&A model → Anki deck, study site, exports."""

from __future__ import annotations

__version__ = "0.1.0"
