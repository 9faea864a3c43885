"""``python -m cheatdeck`` runs the command-line interface."""

from __future__ import annotations

from cheatdeck.cli import main_entry

main_entry()
