"""Converted pages held compressed between MkDocs' two passes (``site/content_store.py``,
issue 15): the site is the same byte for byte, the pages hold no HTML between the passes, and
a plugin or hook of the user's, which might read it then, turns the store off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from site_fixtures import CONFIG, browser_library, plain_mkdocs_build, site_files, written_docs

from cheatdeck.model import Library
from cheatdeck.site import run_mkdocs, site_nav
from cheatdeck.site.content_store import ContentStore, applies


class _Probe(BasePlugin):  # type: ignore[type-arg]
    """Records every page's HTML between MkDocs' passes (on_env)."""

    def __init__(self) -> None:
        super().__init__()
        self.between: dict[str, str | None] = {}

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        self.between = {f.src_uri: f.page.content for f in files.documentation_pages() if f.page}
        return env


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Library]:
    library = browser_library()
    return written_docs(tmp_path_factory.mktemp("content-store"), library), library


def test_pages_hold_no_html_between_the_passes_and_the_site_is_the_same(
        docs: tuple[Path, Library]) -> None:
    root, library = docs
    stored, plain = _Probe(), _Probe()
    plain_mkdocs_build(CONFIG, root, library, "stored",
                       ("cheatdeck/content-store", ContentStore()), ("probe", stored))
    plain_mkdocs_build(CONFIG, root, library, "plain", ("probe", plain))
    assert len(stored.between) == len(plain.between) > 10
    assert set(stored.between.values()) == {""}
    assert all(html and "<h1" in html for html in plain.between.values())
    ours, theirs = site_files(root / "stored"), site_files(root / "plain")
    assert ours.keys() == theirs.keys()
    assert [p for p in ours if ours[p] != theirs[p]] == []


def test_only_the_search_plugin_and_our_own_let_it_apply(docs: tuple[Path, Library],
                                                          tmp_path: Path) -> None:
    text = CONFIG.read_text(encoding="utf-8")

    def loaded(extra: str = "", *plugins: str) -> Any:
        config_file = tmp_path / "mkdocs.yml"
        config_file.write_text(text + extra, encoding="utf-8")
        config = load_config(config_file=str(config_file), docs_dir=str(docs[0] / "docs"))
        for name in plugins:
            config.plugins[name] = BasePlugin()
        return config

    assert list(loaded().plugins) == ["material/search"]
    assert applies(loaded())
    assert applies(loaded("", "cheatdeck/raw-blocks", "cheatdeck/page-cache",
                          "cheatdeck/search-cache"))
    assert not applies(loaded("", "material/tags"))
    assert not applies(loaded("", "rss"))
    (tmp_path / "overrides").mkdir()
    with_overrides = text.replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1)
    assert with_overrides != text
    (tmp_path / "mkdocs.yml").write_text(with_overrides, encoding="utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"), docs_dir=str(docs[0] / "docs"))
    assert config.theme.custom_dir and not applies(config)
    (tmp_path / "extra.html").write_text("x", encoding="utf-8")
    assert not applies(loaded("\nextra_templates:\n  - extra.html\n"))


def test_a_template_override_reading_the_next_page_sees_it_whole(
        docs: tuple[Path, Library], tmp_path: Path) -> None:
    """A theme override may read another page's HTML (``page.next_page.content``), which a
    stored page would not hold: with ``custom_dir`` the store is off and the site is what
    plain MkDocs builds."""
    root, library = docs
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ super() }}<!-- next='
        "{{ (page.next_page.content or '')|length if page.next_page else '-' }} -->"
        "{% endblock %}", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(CONFIG.read_text(encoding="utf-8").replace(
        "theme:\n", "theme:\n  custom_dir: overrides\n", 1), encoding="utf-8")
    run_mkdocs(config_file, docs_dir=root / "docs", site_dir=tmp_path / "ours",
               nav=site_nav(library), cache_dir=tmp_path / "cache")
    plain_mkdocs_build(config_file, root, library, "plain-overrides")
    ours, plain = site_files(tmp_path / "ours"), site_files(root / "plain-overrides")
    assert ours.keys() == plain.keys()
    assert [p for p in ours if ours[p] != plain[p]] == []
    lengths = [int(n) for page in ours.values() for n in re.findall(rb"<!-- next=([0-9]+) -->", page)]
    assert len(lengths) >= 3 and min(lengths) > 0  # the pages in the nav have a next page


def test_a_hook_of_the_users_sees_every_page_whole(docs: tuple[Path, Library],
                                                    tmp_path: Path) -> None:
    """A hook (mkdocs.yml ``hooks:``) is a plugin to MkDocs: with one, the store is off and the
    hook reads each page's HTML in on_env, where a stored page would hold ``""``."""
    root, library = docs
    (tmp_path / "probe_hook.py").write_text(
        "import json, pathlib\n"
        "def on_env(env, config, files):\n"
        "    pages = {f.src_uri: f.page.content for f in files.documentation_pages() if f.page}\n"
        f"    pathlib.Path({str(tmp_path / 'seen.json')!r}).write_text(json.dumps(pages))\n"
        "    return env\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(CONFIG.read_text(encoding="utf-8") + "\nhooks:\n  - probe_hook.py\n",
                           encoding="utf-8")
    run_mkdocs(config_file, docs_dir=root / "docs", site_dir=tmp_path / "site",
               nav=site_nav(library), cache_dir=tmp_path / "cache")
    seen = json.loads((tmp_path / "seen.json").read_text(encoding="utf-8"))
    assert len(seen) > 10 and all(html and "<h1" in html for html in seen.values())
