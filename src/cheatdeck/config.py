"""Project configuration, validated, with defaults: ``cheatdeck.toml``, else ``[tool.cheatdeck]``.

A project that has a ``pyproject.toml`` keeps the table there (as ruff, mypy and pytest do); any
other project writes the same keys at the top level of ``cheatdeck.toml`` (as ``ruff.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cheatdeck.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    """Where things are and what the deck is called. Relative paths are relative to ``root``.

    Attributes:
        root: the project folder (:func:`cheatdeck.project.find_root`); relative to the working
            directory when it is the working directory or above it, so paths in diagnostics
            stay short.
        deck: the root deck name in Anki (``Interview Cheat Sheets``); subdecks are
            ``<deck>::<sheet title>::<section title>``.
        source: the folder of sheets (``source``).
        dist: where the ``.apkg`` goes (``dist``).
        site_dir: where MkDocs writes the site (``site``).
        docs_dir: where the generated Markdown pages go (``build/docs``).
        site_url: the published site's base URL, for "open on the site" links on cards ("" for
            none), e.g. ``https://example.org/cheats``.
    """

    root: Path
    deck: str = "Interview Cheat Sheets"
    source: Path = Path("source")
    dist: Path = Path("dist")
    site_dir: Path = Path("site")
    docs_dir: Path = Path("build/docs")
    site_url: str = ""

    def path(self, relative: Path) -> Path:
        """Return ``relative`` resolved against :attr:`root` (absolute paths stay as they are)."""
        return relative if relative.is_absolute() else self.root / relative


_PATH_KEYS = {"source", "dist", "site_dir", "docs_dir"}
_STR_KEYS = {"deck", "site_url"}


CONFIG_FILE = "cheatdeck.toml"
"""The configuration file of a project without ``pyproject.toml`` (keys at the top level)."""


def _read_table(root: Path) -> tuple[dict[str, Any], str]:
    """Return the configuration table and how errors name it (``"<file>: [tool.cheatdeck] "``)."""
    own, pyproject = root / CONFIG_FILE, root / "pyproject.toml"
    path = own if own.is_file() else pyproject
    if not path.is_file():
        return {}, f"{pyproject}: [tool.cheatdeck] "
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path == own:
        return document, f"{own}: "
    table = document.get("tool", {}).get("cheatdeck", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: tool.cheatdeck: expected a table")
    return table, f"{pyproject}: [tool.cheatdeck] "


def load_config(root: Path) -> Config:
    """Read the project's configuration (every key optional).

    Args:
        root: the project folder.

    Returns:
        The :class:`Config` from ``root/cheatdeck.toml`` (keys at the top level) if it exists,
        else from ``root/pyproject.toml``'s ``[tool.cheatdeck]`` table, else the defaults.

    Raises:
        ConfigError: the file is not valid TOML, a key is unknown, a value has the wrong type,
            the deck name is empty or holds ``::``, or ``site_url`` is not http(s).
    """
    table, where = _read_table(root)
    known = {f.name for f in fields(Config)} - {"root"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}{key}: unknown key (known: {', '.join(sorted(known))})")
        if not isinstance(value, str):
            raise ConfigError(f"{where}{key}: expected a string, got {type(value).__name__}")
        values[key] = Path(value) if key in _PATH_KEYS else value.strip()
    config = Config(root=root, **values)
    if not config.deck or "::" in config.deck:
        raise ConfigError(f"{where}deck: must be non-empty and hold no `::` (it is the "
                          "top-level deck)")
    if config.site_url and not config.site_url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}site_url: must start with http:// or https://")
    return config
