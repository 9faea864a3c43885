"""Command line: ``cheatdeck build|serve|sync|check|fmt|export|prune-ledger|init``.

Tests call :func:`main` in-process; the console script and ``build.py`` call it too.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from cheatdeck import arguments, operations
from cheatdeck.build import BuildOptions, run_build
from cheatdeck.config import Config, load_config
from cheatdeck.diagnostics import Diagnostic
from cheatdeck.errors import CheatdeckError, SourceError
from cheatdeck.model import Library
from cheatdeck.project import find_root
from cheatdeck.report import Printer, library_counts
from cheatdeck.starter import write_starter


def _paths(args: argparse.Namespace, config: Config | None = None) -> list[Path]:
    if args.paths:
        return [Path(p) for p in args.paths]
    config = config or _config(args)
    return [config.path(config.source)]


def _read(args: argparse.Namespace,
          config: Config | None = None) -> tuple[Library, list[Diagnostic]]:
    return operations.read_sheets(_paths(args, config),
                                  emit=Printer(sys.stderr, environ=os.environ).diagnostic,
                                  strict=getattr(args, "strict", False))


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_check(args: argparse.Namespace) -> int:
    """``cheatdeck check``: print diagnostics; 0 when there is no error (no warning with --strict)."""
    library, diagnostics = _read(args)
    warnings = sum(d.level == "warning" for d in diagnostics)
    print(f"checked {library_counts(library)}, {warnings} warning(s)", file=sys.stderr)
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    """``cheatdeck fmt``: rewrite sheets in canonical Markdown; ``--check`` only reports.

    A sheet with skipped rows (:attr:`Sheet.skipped`) is left as written and the exit code is 1:
    its canonical form would drop those rows, and a user's text is not ours to delete.
    """
    config = _config(args)
    library, _ = _read(args, config)
    report = operations.format_sheets(config, library, write=not args.check)
    for path, skipped in report.left:
        print(f"left {path.as_posix()} as written: {skipped} row(s) skipped "
              "(see the warnings); fix them, then run fmt again", file=sys.stderr)
    verb = "would reformat" if args.check else "reformatted"
    for path in report.changed:
        print(f"{verb} {path.as_posix()}", file=sys.stderr)
    left = len(report.left)
    print(f"{len(report.changed)} file(s) {verb}, {report.unchanged} "
          "unchanged" + (f", {left} left as written" if left else ""), file=sys.stderr)
    return 1 if (args.check and report.changed) or left else 0


def cmd_export(args: argparse.Namespace) -> int:
    """``cheatdeck export --format json|csv``: write the model (JSON) or the notes (Anki CSV)."""
    library, _ = _read(args)
    config = _config(args) if args.format == "csv" else None  # JSON needs no project
    text = operations.export_text(library, config, fmt=args.format)
    if args.output:
        operations.write_export(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0


def _config(args: argparse.Namespace) -> Config:
    """The project's configuration: its root found (or given), then ``--source`` & co. applied."""
    given, given_by = (Path(args.root), "--root") if args.root else (args.project, "build.py")
    root = find_root(Path.cwd(), given, given_by=given_by)
    if root.path != Path(".") or getattr(args, "verbosity", 1) >= 2:
        print(f"cheatdeck: {root.describe()}", file=sys.stderr)
    config = load_config(root.path)
    # Folders typed on the command line are relative to where the user is, not to the root.
    here = Path(".") if root.path == Path(".") else Path.cwd()
    overrides = {key: here / value for key in ("source", "dist", "site_dir")
                 if (value := getattr(args, key, None))}
    return dataclasses.replace(config, **overrides)


def cmd_build(args: argparse.Namespace) -> int:
    """``cheatdeck build`` (= ``python build.py``): read, then write the deck and the site."""
    config = _config(args)
    printer = Printer(sys.stderr, args.verbosity, os.environ)
    options = BuildOptions(deck=args.deck, site=args.site, strict=args.strict,
                           check_only=args.check, force=args.force, frozen=args.frozen,
                           new_identity=tuple(args.new_identity), new_ledger=args.new_ledger)
    report = run_build(config, options, environ=os.environ, emit=printer.diagnostic,
                       notify=_say)
    printer.build_summary(report, Path(".").resolve())  # paths as the user's shell sees them
    return cmd_serve(args, config) if args.serve else 0


def cmd_sync(args: argparse.Namespace) -> int:
    """``cheatdeck sync``: apply the notes to the learner's Anki collection (or ``--dry-run``)."""
    from cheatdeck.sync import SyncOptions, run_sync

    printer = Printer(sys.stderr, args.verbosity, environ=os.environ)
    options = SyncOptions(collection=args.collection, profile=args.profile,
                          dry_run=args.dry_run, delete_retired=args.delete_retired,
                          strict=args.strict)
    report = run_sync(_config(args), options, environ=os.environ, platform=sys.platform,
                      home=Path.home(), now=datetime.now(UTC), emit=printer.diagnostic,
                      notify=_say)
    printer.sync_summary(report)
    return 0


def cmd_prune_ledger(args: argparse.Namespace) -> int:
    """``cheatdeck prune-ledger``: drop the retired entries of the identity ledger."""
    report = operations.prune_ledger(_config(args), say=_say)
    print(f"{report.path.as_posix()}: dropped {report.dropped} retired note(s), kept "
          f"{report.kept}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace, config: Config | None = None) -> int:
    """``cheatdeck serve``: live-reloading site on 127.0.0.1 that follows edits in source/."""
    operations.serve_site(config or _config(args), port=args.port,
                          emit=Printer(sys.stderr, args.verbosity, os.environ).diagnostic,
                          say=_say)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """``cheatdeck init [DIR]``: write a starter project that builds as it is."""
    folder = Path(args.folder)
    written = write_starter(folder, args.deck)
    print(f"cheatdeck: started a project in {folder.as_posix()}:", file=sys.stderr)
    for path in written:
        print(f"  {path.as_posix()}", file=sys.stderr)
    step = "" if folder == Path(".") else f"cd {folder.as_posix()} && "
    print(f"next: {step}cheatdeck build", file=sys.stderr)
    return 0


HANDLERS = {"build": cmd_build, "serve": cmd_serve, "check": cmd_check, "fmt": cmd_fmt,
            "export": cmd_export, "prune-ledger": cmd_prune_ledger, "init": cmd_init,
            "sync": cmd_sync}


def main(argv: Sequence[str] | None = None, *, project: Path | None = None) -> int:
    """Run the CLI in-process.

    Args:
        argv: arguments without the program name (``None``: ``sys.argv[1:]``).
        project: the project folder (``build.py`` passes its own); None looks upward from the
            working directory (:func:`cheatdeck.project.find_root`). ``--root`` overrides both.

    Returns:
        0 on success, 1 on content, configuration or output errors (printed as diagnostics,
        no traceback), 2 on usage errors.
    """
    parser = arguments.parser(HANDLERS)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors by exiting
        return int(exc.code or 0)
    try:
        args.project = project
        return int(args.handler(args))
    except SourceError as exc:
        print(f"cheatdeck: {exc}; nothing written", file=sys.stderr)
        return 1
    except CheatdeckError as exc:
        print(f"cheatdeck: error: {exc}", file=sys.stderr)
        return 1


def main_entry() -> None:
    """Console-script entry point: exit with :func:`main`'s status."""
    raise SystemExit(main())
