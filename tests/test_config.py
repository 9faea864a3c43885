"""``[tool.cheatdeck]``: defaults, overrides, and one clear error per kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from cheatdeck.config import Config, load_config
from cheatdeck.errors import ConfigError


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config(root=tmp_path)
    config = load_config(tmp_path)
    assert (config.deck, config.site_url) == ("Interview Cheat Sheets", "")
    assert config.path(config.docs_dir) == tmp_path / "build" / "docs"


def test_values_are_read(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, '[tool.cheatdeck]\ndeck = "ML Prep"\nsource = "sheets"\n'
                                          'site_url = "https://example.org/prep"\n'))
    assert (config.deck, config.source, config.site_url) == (
        "ML Prep", Path("sheets"), "https://example.org/prep")


@pytest.mark.parametrize(("body", "message"), [
    ('[tool.cheatdeck]\ndesk = "x"\n',
     "[tool.cheatdeck] desk: unknown key (known: deck, dist, docs_dir, site_dir, site_url, "
     "source)"),
    ("[tool.cheatdeck]\ndeck = 3\n", "[tool.cheatdeck] deck: expected a string, got int"),
    ('[tool.cheatdeck]\ndeck = "A::B"\n',
     "[tool.cheatdeck] deck: must be non-empty and hold no `::` (it is the top-level deck)"),
    ('[tool.cheatdeck]\ndeck = " "\n',
     "[tool.cheatdeck] deck: must be non-empty and hold no `::` (it is the top-level deck)"),
    ('[tool.cheatdeck]\nsite_url = "example.org"\n',
     "[tool.cheatdeck] site_url: must start with http:// or https://"),
    ("[tool.cheatdeck\n", "invalid TOML: "),
])
def test_each_mistake_is_named(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, body))
    assert str(error.value).startswith(f"{tmp_path / 'pyproject.toml'}: {message}")


def test_cheatdeck_toml_holds_the_keys_at_top_level_and_wins(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.cheatdeck]\ndeck = "From pyproject"\n')
    (tmp_path / "cheatdeck.toml").write_text('deck = "From cheatdeck.toml"\nsource = "notes"\n',
                                             encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.deck, config.source) == ("From cheatdeck.toml", Path("notes"))


@pytest.mark.parametrize(("body", "message"), [
    ('desk = "x"\n', "cheatdeck.toml: desk: unknown key (known: deck, dist, docs_dir, "
                     "site_dir, site_url, source)"),
    ('deck = "A::B"\n', "cheatdeck.toml: deck: must be non-empty and hold no `::`"),
    ('site_url = "ftp://x"\n', "cheatdeck.toml: site_url: must start with http:// or https://"),
    ("deck = \n", "cheatdeck.toml: invalid TOML: "),
])
def test_cheatdeck_toml_errors_name_the_file_and_key(tmp_path: Path, body: str,
                                                     message: str) -> None:
    (tmp_path / "cheatdeck.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / message.split(':')[0]}:")
    assert message.split(": ", 1)[1] in str(caught.value)
