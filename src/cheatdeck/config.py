"""Project configuration: ``[tool.cheatdeck]`` in ``pyproject.toml``, validated, with defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cheatdeck.diagnostics import ConfigError


@dataclass(frozen=True, slots=True)
class Config:
    """Where things are and what the deck is called. Relative paths are relative to ``root``.

    Attributes:
        root: the project folder (where ``pyproject.toml`` is, else the working directory).
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


def load_config(root: Path) -> Config:
    """Read ``root/pyproject.toml``'s ``[tool.cheatdeck]`` table (all keys optional).

    Raises:
        ConfigError: the file is not valid TOML, a key is unknown, a value has the wrong type,
            the deck name is empty or holds ``::``, or ``site_url`` is not http(s).
    """
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] = {}
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get(
                "cheatdeck", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from None
    known = {f.name for f in fields(Config)} - {"root"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{pyproject}: [tool.cheatdeck] {key}"
        if key not in known:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(sorted(known))})")
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {type(value).__name__}")
        values[key] = Path(value) if key in _PATH_KEYS else value.strip()
    config = Config(root=root, **values)
    if not config.deck or "::" in config.deck:
        raise ConfigError(f"{pyproject}: [tool.cheatdeck] deck: must be non-empty and hold no "
                          "`::` (it is the top-level deck)")
    if config.site_url and not config.site_url.startswith(("http://", "https://")):
        raise ConfigError(f"{pyproject}: [tool.cheatdeck] site_url: must start with http:// or "
                          "https://")
    return config
