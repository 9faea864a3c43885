"""The command line's grammar: every command, its options, and its help with an example.

:func:`parser` only describes arguments; :mod:`cheatdeck.cli` binds each command to the
function that runs it. Every command's ``--help`` ends with examples and its exit codes.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

from cheatdeck import __version__

Handler = Callable[[argparse.Namespace], int]
_WIDTH = 78

_ROOT_HELP = ("the project folder (default: the nearest of the working directory and its "
              "parents holding cheatdeck.toml, a pyproject.toml with [tool.cheatdeck], or "
              "source/*.md)")
_EXIT = {
    "build": "1 a content, configuration or output error (the previous outputs are left "
             "whole), a warning with --strict, a ledger change with --frozen",
    "serve": "1 the sheets have errors at start or the port is taken",
    "check": "1 a sheet has an error (a warning too with --strict)",
    "fmt": "1 with --check: a file would change; a sheet has an error (nothing rewritten)",
    "export": "1 a sheet has an error (nothing exported)",
    "prune-ledger": "1 the ledger is malformed or cannot be written",
    "init": "1 a file to be written exists (named; nothing written)",
    "sync": "1 no collection found, Anki has it open, a sheet has an error, or Anki refused a "
            "change (the collection is left as it was)",
}
_EXAMPLES = {
    "build": ["cheatdeck build", "cheatdeck build --strict --frozen   # in CI",
              "cheatdeck build --no-site -q"],
    "serve": ["cheatdeck serve --port 8001"],
    "check": ["cheatdeck check --strict", "cheatdeck check source/stage-1.md"],
    "fmt": ["cheatdeck fmt --check", "cheatdeck fmt source/"],
    "export": ["cheatdeck export --format csv -o notes.csv",
               "cheatdeck export > library.json"],
    "prune-ledger": ["cheatdeck prune-ledger"],
    "init": ["cheatdeck init demo && cd demo && cheatdeck build",
             "cheatdeck init --deck 'ML Interview Prep'"],
    "sync": ["cheatdeck sync --dry-run", "cheatdeck sync --profile 'User 1' --delete-retired",
             "cheatdeck sync --collection ~/anki/collection.anki2"],
}
_SUMMARY = {
    "build": "build the Anki deck and the study site",
    "serve": "preview the site on 127.0.0.1 with live reload, regenerated on every edit in "
             "source/ (writes neither dist/ nor site/)",
    "check": "report diagnostics for the sheets",
    "fmt": "rewrite the sheets in canonical Markdown",
    "export": "export the model (JSON) or the notes (Anki CSV)",
    "prune-ledger": "drop retired notes from source/cheatdeck.lock (they stop being shipped)",
    "init": "start a project: an example sheet, mkdocs.yml, the configuration and a "
            ".gitignore (never overwrites a file)",
    "sync": "update your own Anki collection directly: add, update and move notes, suspend "
            "(or delete) retired ones; Anki desktop must be closed (needs "
            "pip install 'cheatdeck[sync]')",
}


def _fill(text: str) -> str:
    return textwrap.fill(text, width=_WIDTH, subsequent_indent="  ")


def _epilog(examples: list[str], status: str) -> str:
    lines = "\n".join(f"  {line}" for line in examples)
    return f"examples:\n{lines}\n\n{_fill(f'exit status: 0 success; {status}; 2 usage error')}"


def examples(name: str) -> list[str]:
    """Return the example command lines shown by ``cheatdeck <name> --help`` (tests run them)."""
    return list(_EXAMPLES[name])


def parser(handlers: Mapping[str, Handler]) -> argparse.ArgumentParser:
    """Return the ``cheatdeck`` argument parser.

    Args:
        handlers: command name (``build``, ``serve``, ``check``, ``fmt``, ``export``,
            ``prune-ledger``, ``init``, ``sync``) → the function that runs it; stored as ``handler`` on
            the parsed namespace.

    Returns:
        The parser; ``parse_args`` raises ``SystemExit`` (2) on a usage error, (0) after
        ``--help`` or ``--version``.
    """
    top = argparse.ArgumentParser(
        prog="cheatdeck", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Turn Markdown cheat sheets (source/) into an Anki deck (dist/*.apkg) and an MkDocs "
            "Material study site (site/). Diagnostics and summaries go to stderr; exports go "
            "to stdout. `cheatdeck COMMAND --help` shows a command's options and examples.",
            width=_WIDTH),
        epilog=_epilog(["cheatdeck init demo && cd demo && cheatdeck build"],
                       "1 a content, configuration or output error (nothing written)")
        + "\n" + _fill("colour: only on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on"))
    top.add_argument("--version", action="version", version=f"cheatdeck {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, *, paths: bool = False, root: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=_SUMMARY[name],
                                  description=textwrap.fill(_SUMMARY[name], width=_WIDTH),
                                  epilog=_epilog(_EXAMPLES[name], _EXIT[name]),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handlers[name])
        if root:
            sub.add_argument("--root", metavar="DIR", help=_ROOT_HELP)
        if paths:
            sub.add_argument("paths", nargs="*", metavar="PATH",
                             help="sheet files or folders (default: the configured source/)")
        return sub

    build = add("build")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--check", action="store_true", help="only read and validate")
    build.add_argument("--no-deck", dest="deck", action="store_false", help="skip the .apkg")
    build.add_argument("--no-site", dest="site", action="store_false", help="skip the site")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument("--frozen", action="store_true",
                       help="fail if source/cheatdeck.lock (the identity ledger) would change")
    build.add_argument("--new-ledger", action="store_true",
                       help="start a new source/cheatdeck.lock on purpose when it is missing, "
                            "empty or damaged (restoring it from version control keeps "
                            "every note's identity)")
    build.add_argument("--new-identity", action="append", default=[], metavar="QUESTION",
                       help="give this new question a new note instead of an older note's "
                            "identity (repeatable)")
    build.add_argument("--serve", action="store_true",
                       help="then serve the site with live reload (as `cheatdeck serve`)")
    build.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    _add_location_options(build)
    build.add_argument("--dist", metavar="DIR", help="folder for the .apkg (default: dist)")
    build.add_argument("--site-dir", metavar="DIR", help="folder for the site (default: site)")
    serve = add("serve")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    _add_location_options(serve)
    check = add("check", paths=True)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    fmt = add("fmt", paths=True)
    fmt.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    export = add("export", paths=True)
    export.add_argument("--format", choices=["json", "csv"], default="json",
                        help="json: the model; csv: an Anki text-import file with GUIDs")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    prune = add("prune-ledger")
    prune.add_argument("--source", metavar="DIR",
                       help="folder of sheets (default from the configuration: source)")
    sync = add("sync")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--collection", type=Path, metavar="PATH",
                       help="the collection file (or its profile folder) to sync")
    where.add_argument("--profile", metavar="NAME",
                       help="the Anki profile to sync (default: the only one)")
    sync.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    sync.add_argument("--delete-retired", action="store_true",
                      help="delete retired notes instead of suspending them")
    sync.add_argument("--strict", action="store_true", help="fail on warnings too")
    _add_location_options(sync)
    init = add("init", root=False)
    init.add_argument("folder", nargs="?", default=".", metavar="DIR",
                      help="the project folder, created if missing (default: here)")
    init.add_argument("--deck", default="Interview Cheat Sheets",
                      help="the root deck name, also the site's name (default: %(default)s)")
    return top


def _add_location_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--source", metavar="DIR",
                     help="folder of sheets (default from the configuration: source)")
    sub.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=0,
                     default=1, help="print errors and one result line only")
    sub.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=2,
                     help="list every changed note")
