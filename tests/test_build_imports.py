"""What a build imports (issue 15): ``--no-site`` and no-op builds never load MkDocs, and a
no-op build loads neither MkDocs nor genanki. Checked in a fresh interpreter's ``sys.modules``,
not by a clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHEET = """# Imports

## Basics

| Question | Answer |
| --- | --- |
| What is `x`? | A **name** with $n^2$ |
| Why? | Because |
"""

PROBE = """
import json, sys
from pathlib import Path
from cheatdeck.cli import main
code = main(sys.argv[1:], project=Path.cwd())
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"mkdocs", "material", "jieba",
                                                          "genanki", "markdown"})
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _build(project: Path, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, "build", "-q", *args], cwd=project,
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def _project(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "imports.md").write_text(SHEET, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.cheatdeck]\ndeck = "Imports"\n')
    return tmp_path


def test_no_site_build_never_imports_mkdocs(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _build(project, "--no-site")
    assert first == {"code": 0, "heavy": ["genanki"]}
    assert (project / "dist" / "imports.apkg").is_file() and not (project / "site").exists()
    assert _build(project, "--no-site", "--force") == {"code": 0, "heavy": ["genanki"]}


def test_no_op_build_imports_neither_mkdocs_nor_genanki(tmp_path: Path) -> None:
    project = _project(tmp_path)
    full = _build(project)
    assert full["code"] == 0 and {"mkdocs", "material", "genanki"} <= set(full["heavy"])  # type: ignore[arg-type]
    assert (project / "site" / "index.html").is_file()
    assert _build(project) == {"code": 0, "heavy": []}


LIGHT_PROBE = """
import json, sys
from pathlib import Path
from cheatdeck.cli import main
code = main(sys.argv[1:], project=Path.cwd())
print(json.dumps({"code": code, "loaded": sorted(
    m for m in ("cheatdeck.sync", "cheatdeck.anki_sync", "pylatexenc", "latex2mathml")
    if m in sys.modules)}))
"""


def test_a_deck_build_loads_no_sync_and_no_formula_text(tmp_path: Path) -> None:
    """The sync machinery is for ``cheatdeck sync`` and a formula's readable text for the
    site: a deck build checks its formula ($n^2$) with latex2mathml only (issue 15)."""
    project = _project(tmp_path)
    done = subprocess.run([sys.executable, "-c", LIGHT_PROBE, "build", "-q", "--no-site"],
                          cwd=project, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "code": 0, "loaded": ["latex2mathml"]}
