"""Command line: ``cheatdeck build|serve|sync|check|fmt|export|prune-ledger|init``.

Tests call :func:`main` in-process; the console script and ``build.py`` call it too.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from cheatdeck import arguments
from cheatdeck.build import BuildOptions, run_build
from cheatdeck.config import Config, load_config
from cheatdeck.diagnostics import Diagnostic, has_errors
from cheatdeck.errors import CheatdeckError, SourceError
from cheatdeck.export import export_csv, export_json
from cheatdeck.files import write_atomic
from cheatdeck.ledger import LEDGER_FILE
from cheatdeck.ledger_file import load_ledger, read_ledger_text
from cheatdeck.markdown import write_markdown
from cheatdeck.model import Library
from cheatdeck.names import deck_slug
from cheatdeck.outputs import check_outputs, planned_outputs
from cheatdeck.project import find_root, site_config
from cheatdeck.reader import read_paths
from cheatdeck.report import Printer, library_counts
from cheatdeck.starter import write_starter
from cheatdeck.work_folder import WORK_DIR, open_work_folder, project_lock


def _print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    Printer(stream, environ=os.environ).diagnostics(diagnostics)


def _paths(args: argparse.Namespace, config: Config | None = None) -> list[Path]:
    if args.paths:
        return [Path(p) for p in args.paths]
    config = config or _config(args)
    return [config.path(config.source)]


def _read(args: argparse.Namespace,
          config: Config | None = None) -> tuple[Library, list[Diagnostic]]:
    library, diagnostics = read_paths(_paths(args, config))
    _print_diagnostics(diagnostics, sys.stderr)
    if getattr(args, "strict", False) and diagnostics:
        raise SourceError(diagnostics)
    if has_errors(diagnostics):
        raise SourceError(diagnostics)
    return library, diagnostics


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _temp_folder(config: Config) -> Path:
    """The project's folder for temp files (:mod:`cheatdeck.work_folder`), created."""
    return open_work_folder(config.path(WORK_DIR))


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
    source = config.path(config.source).resolve()
    changed = []
    left = 0
    for sheet in library.sheets:
        path = Path(sheet.path)
        if sheet.skipped:
            # The canonical form has no place for a skipped row: rewriting would delete it.
            print(f"left {path.as_posix()} as written: {len(sheet.skipped)} row(s) skipped "
                  "(see the warnings); fix them, then run fmt again", file=sys.stderr)
            left += 1
            continue
        canonical = write_markdown(sheet)
        if path.read_text(encoding="utf-8-sig") != canonical:
            changed.append(path)
            if not args.check:  # the temp file goes to the work folder, never into source/
                inside = source in path.resolve().parents
                write_atomic(path, canonical.encode("utf-8"),
                             tmp_dir=_temp_folder(config) if inside else None)
    verb = "would reformat" if args.check else "reformatted"
    for path in changed:
        print(f"{verb} {path.as_posix()}", file=sys.stderr)
    print(f"{len(changed)} file(s) {verb}, {len(library.sheets) - len(changed) - left} "
          "unchanged" + (f", {left} left as written" if left else ""), file=sys.stderr)
    return 1 if (args.check and changed) or left else 0


def cmd_export(args: argparse.Namespace) -> int:
    """``cheatdeck export --format json|csv``: write the model (JSON) or the notes (Anki CSV)."""
    library, _ = _read(args)
    if args.format == "json":
        text = export_json(library)
    else:
        from cheatdeck.markup import MarkupRenderer
        from cheatdeck.plan import plan_notes

        config = _config(args)
        # The same note plan as the .apkg's: GUIDs (rewordings), kept and retired notes.
        path = config.path(config.source) / LEDGER_FILE
        ledger = load_ledger(read_ledger_text(path), path=path, shipped="", new_ledger=False)
        plan = plan_notes(library, ledger, root_deck=config.deck, site_url=config.site_url,
                          renderer=MarkupRenderer(media=library.media_names),
                          now=0)  # the CSV carries no time
        text = export_csv(plan.notes)
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
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
    config = _config(args)
    path = config.path(config.source) / LEDGER_FILE
    work = config.path(WORK_DIR)
    staging = open_work_folder(work)
    # A build reads and rewrites the ledger: pruning between the two would be lost.
    with project_lock(work, command="cheatdeck prune-ledger", notify=_say):
        ledger = load_ledger(read_ledger_text(path), path=path, shipped="", new_ledger=False)
        pruned = ledger.pruned()
        dropped = len(ledger.entries) - len(pruned.entries)
        if dropped:
            write_atomic(path, pruned.dumps().encode("utf-8"), tmp_dir=staging)
    print(f"{path.as_posix()}: dropped {dropped} retired note(s), kept {len(pruned.entries)}",
          file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace, config: Config | None = None) -> int:
    """``cheatdeck serve``: live-reloading site on 127.0.0.1 that follows edits in source/."""
    from cheatdeck.site.serve import serve  # imports MkDocs' server only when serving

    config = config or _config(args)
    source = config.path(config.source)
    check_outputs(planned_outputs(config, deck=False, site=True)[1:], root=config.root,
                  source=source, home=Path.home(), work=config.path(WORK_DIR))  # the docs dir
    apkg = config.path(config.dist) / f"{deck_slug(config.deck)}.apkg"

    def load() -> Library:
        library, diagnostics = read_paths([source])
        Printer(sys.stderr, args.verbosity, os.environ).diagnostics(diagnostics)
        if has_errors(diagnostics):
            raise SourceError(diagnostics)
        return library

    work = config.path(WORK_DIR)
    open_work_folder(work)

    def lock() -> AbstractContextManager[None]:
        # A build writes the same docs dir: one of them at a time (held only while reading the
        # sheets, writing the pages or building the preview, so builds still run meanwhile).
        return project_lock(work, command="cheatdeck serve", notify=_say)

    print(f"serving http://127.0.0.1:{args.port}/ (Ctrl-C stops); pages follow every edit in "
          f"{source.as_posix()}/; run `cheatdeck build` to write {config.dist.as_posix()}/ and "
          f"{config.site_dir.as_posix()}/", file=sys.stderr)
    mkdocs_yml, default_site = site_config(config.root)
    if default_site:
        print("site: the project has no mkdocs.yml; serving with cheatdeck's default "
              "(`cheatdeck init` writes one to edit)", file=sys.stderr)
    serve(load, source_dir=source, config_file=mkdocs_yml,
          docs_dir=config.path(config.docs_dir), title=config.deck, port=args.port,
          deck_path=apkg if apkg.is_file() else None,
          site_name=config.deck if default_site else None, guard=lock)
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
