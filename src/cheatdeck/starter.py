"""``cheatdeck init``: a starter project that ``cheatdeck build`` builds as it is.

Writes an example sheet showing every construct, the site configuration, the cheatdeck
configuration and a ``.gitignore`` for the outputs. A user's files are never overwritten: every
file is checked before anything is written, and one that exists stops the whole init (the two
files meant to be shared, ``pyproject.toml`` and ``.gitignore``, are added to instead).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cheatdeck.config import CONFIG_FILE, Config
from cheatdeck.errors import ConfigError, OutputError
from cheatdeck.files import write_atomic
from cheatdeck.project import DEFAULT_SITE_CONFIG

_STARTER = Path(__file__).parent / "templates" / "starter"
EXAMPLE_SHEET = Path("source") / "example.md"
"""Where the example sheet goes, relative to the project."""


@dataclass(frozen=True, slots=True)
class StarterFile:
    """One file ``cheatdeck init`` writes.

    Attributes:
        path: where, relative to the project folder.
        text: the whole new file, or (with ``append``) the text added at its end.
        append: True to add to an existing file (created if missing) instead of a new file.
    """

    path: Path
    text: str
    append: bool = False


def _toml_string(value: str) -> str:
    """Return ``value`` as a TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)


def starter_files(folder: Path, deck: str) -> list[StarterFile]:
    """Return the files of a starter project in ``folder``, without touching the disk.

    Args:
        folder: the project folder (it may exist and hold other files).
        deck: the root deck name (also the site's name).

    Returns:
        The example sheet, ``mkdocs.yml`` (the packaged default with ``site_name`` = ``deck``),
        ``[tool.cheatdeck]`` added to ``pyproject.toml`` if the folder has one, else a
        ``cheatdeck.toml``, and the output folders added to ``.gitignore``.

    Raises:
        ConfigError: ``deck`` is empty or holds ``::`` (Anki's subdeck separator).
    """
    if not deck.strip() or "::" in deck:
        raise ConfigError(f"--deck {deck!r}: must be non-empty and hold no `::` (it is the "
                          "top-level deck)")
    site = DEFAULT_SITE_CONFIG.read_text(encoding="utf-8")
    default_name = f"site_name: {Config(root=Path('.')).deck}\n"
    site = site.replace(default_name, f"site_name: {_toml_string(deck)}\n", 1)  # JSON is YAML
    keys = f'deck = {_toml_string(deck)}\nsource = "source"\ndist = "dist"\nsite_dir = "site"\n'
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        existing = pyproject.read_text(encoding="utf-8", errors="replace")
        gap = "\n" if existing.strip() else ""
        config = StarterFile(Path("pyproject.toml"), f"{gap}[tool.cheatdeck]\n{keys}", True)
    else:
        config = StarterFile(Path(CONFIG_FILE), f"# cheatdeck configuration (README: "
                                                f"Configuration)\n{keys}")
    ignore = (_STARTER / "gitignore").read_text(encoding="utf-8")
    return [StarterFile(EXAMPLE_SHEET, (_STARTER / "example.md").read_text(encoding="utf-8")),
            StarterFile(Path("mkdocs.yml"), site), config,
            StarterFile(Path(".gitignore"), ignore, True)]


def _conflict(folder: Path, item: StarterFile) -> str | None:
    """Return why ``item`` cannot be written into ``folder`` (None if it can)."""
    target = folder / item.path
    if not item.append:
        return f"{target.as_posix()}: exists; init writes only new files" if (
            target.exists() or target.is_symlink()) else None
    if target.exists() and not target.is_file():
        return f"{target.as_posix()}: exists and is not a file"
    if item.path.name == "pyproject.toml" and "cheatdeck" in _tool_tables(target):
        return f"{target.as_posix()}: already has [tool.cheatdeck]"
    return None


def _tool_tables(pyproject: Path) -> dict[str, object]:
    try:
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject.as_posix()}: cannot add [tool.cheatdeck]: {exc}") from None
    return tool if isinstance(tool, dict) else {}


def write_starter(folder: Path, deck: str) -> list[Path]:
    """Write a starter project into ``folder`` (created if missing): all of it or nothing.

    Args:
        folder: the project folder.
        deck: the root deck name.

    Returns:
        The paths written or added to, in order.

    Raises:
        OutputError: a file to be created exists (named, with every other one), or a file
            cannot be written; nothing is written in the first case.
        ConfigError: a bad deck name; ``pyproject.toml`` is not valid TOML.
    """
    files = starter_files(folder, deck)
    conflicts = [why for item in files if (why := _conflict(folder, item))]
    if conflicts:
        raise OutputError("; ".join(conflicts) + " (nothing written; move it away or init "
                          "another folder)")
    written = []
    for item in files:
        target = folder / item.path
        if item.append:
            old = target.read_text(encoding="utf-8") if target.is_file() else ""
            added = _addition(item, old)
            if not added:
                continue
            lead = "" if not old or old.endswith("\n") else "\n"
            write_atomic(target, (old + lead + added).encode("utf-8"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with target.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(item.text)
            except OSError as exc:
                raise OutputError(f"{target.as_posix()}: cannot write: {exc.strerror}") from None
        written.append(target)
    return written


def _addition(item: StarterFile, old: str) -> str:
    """Return what to add to an existing shared file: ``.gitignore`` gets only missing lines."""
    if item.path.name != ".gitignore":
        return item.text
    present = set(old.splitlines())
    rules = [line for line in item.text.splitlines() if line and not line.startswith("#")]
    missing = [line for line in rules if line not in present]
    if not missing:
        return ""
    comments = [line for line in item.text.splitlines() if line.startswith("#")]
    return "\n".join([*comments, *missing]) + "\n"
