"""Build the Anki deck and the study site from ``source/`` (same as ``cheatdeck build``)."""

from __future__ import annotations

import sys

from cheatdeck.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))
