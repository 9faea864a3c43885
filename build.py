"""Build the Anki deck and the study site from ``source/`` (same as ``cheatdeck build``).

Works from any working directory: the project is the folder this file is in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cheatdeck.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]], project=Path(__file__).resolve().parent))
