"""Command line: ``cheatdeck check|fmt|export|build|serve``; ``main(argv) -> int`` for tests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from cheatdeck.config import load_config
from cheatdeck.diagnostics import CheatdeckError, Diagnostic, SourceError, has_errors
from cheatdeck.export import export_json
from cheatdeck.files import write_atomic
from cheatdeck.markdown import write_markdown
from cheatdeck.model import Library
from cheatdeck.reader import read_file, read_paths


def _print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=stream)


def _paths(args: argparse.Namespace) -> list[Path]:
    if args.paths:
        return [Path(p) for p in args.paths]
    config = load_config(Path("."))
    return [config.path(config.source)]


def _read(args: argparse.Namespace) -> tuple[Library, list[Diagnostic]]:
    library, diagnostics = read_paths(_paths(args))
    _print_diagnostics(diagnostics, sys.stderr)
    if getattr(args, "strict", False) and diagnostics:
        raise SourceError(diagnostics)
    if has_errors(diagnostics):
        raise SourceError(diagnostics)
    return library, diagnostics


def cmd_check(args: argparse.Namespace) -> int:
    """``cheatdeck check``: print diagnostics; 0 when there is no error (no warning with --strict)."""
    library, diagnostics = _read(args)
    cards = sum(len(s.cards) for s in library.sheets)
    warnings = sum(d.level == "warning" for d in diagnostics)
    print(f"{len(library.sheets)} sheet(s), {cards} card(s), {warnings} warning(s)",
          file=sys.stderr)
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    """``cheatdeck fmt``: rewrite sheets in canonical Markdown; ``--check`` only reports."""
    library, _ = _read(args)
    changed = []
    for sheet in library.sheets:
        path = Path(sheet.path)
        canonical = write_markdown(sheet)
        if path.read_text(encoding="utf-8-sig") != canonical:
            changed.append(path)
            if not args.check:
                write_atomic(path, canonical.encode("utf-8"))
    verb = "would reformat" if args.check else "reformatted"
    for path in changed:
        print(f"{verb} {path.as_posix()}", file=sys.stderr)
    print(f"{len(changed)} file(s) {verb}, {len(library.sheets) - len(changed)} unchanged",
          file=sys.stderr)
    return 1 if args.check and changed else 0


def cmd_export(args: argparse.Namespace) -> int:
    """``cheatdeck export --format json``: write the model as JSON to ``-o FILE`` or stdout."""
    library, _ = _read(args)
    text = export_json(library)
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cheatdeck", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str,
            paths: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        if paths:
            sub.add_argument("paths", nargs="*", metavar="PATH",
                             help="sheet files or folders (default: the configured source/)")
        return sub

    check = add("check", cmd_check, "report diagnostics for the sheets")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    fmt = add("fmt", cmd_fmt, "rewrite the sheets in canonical Markdown")
    fmt.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    export = add("export", cmd_export, "export the model")
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI in-process.

    Args:
        argv: arguments without the program name (``None``: ``sys.argv[1:]``).

    Returns:
        0 on success, 1 on content, configuration or output errors (printed as diagnostics,
        no traceback), 2 on usage errors.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors by exiting
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except SourceError as exc:
        print(f"cheatdeck: {exc}", file=sys.stderr)
        return 1
    except CheatdeckError as exc:
        print(f"cheatdeck: error: {exc}", file=sys.stderr)
        return 1


def main_entry() -> None:
    """Console-script entry point: exit with :func:`main`'s status."""
    raise SystemExit(main())
