"""A cache's JSON written in pieces (``cheatdeck.json_pieces``) and the atomic write that takes
them (``cheatdeck.files.write_atomic``), issue 15: the same bytes as ``json.dumps``, never the
whole text in memory, and a torn write leaves the old file whole."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cheatdeck.errors import OutputError
from cheatdeck.files import write_atomic
from cheatdeck.json_pieces import json_object_pieces

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))  # Cs: no UTF-8 for them
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _dumps(head: dict[str, Any], name: str, entries: dict[str, Any]) -> bytes:
    return json.dumps({**head, name: entries}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


@given(head=st.dictionaries(TEXT.filter(lambda k: k != "pages"), VALUES, max_size=3),
       entries=st.dictionaries(TEXT, VALUES, max_size=6))
def test_the_pieces_are_the_bytes_of_json_dumps(head: dict[str, Any],
                                                 entries: dict[str, Any]) -> None:
    pieces = list(json_object_pieces(head, "pages", entries))
    assert b"".join(pieces) == _dumps(head, "pages", entries)
    assert len(pieces) == len(entries) + 2  # one piece per entry: never the whole text at once


def test_a_page_cache_entry_with_emoji_math_and_quotes() -> None:
    entries = {"k1": {"html": '<p>🔥 "x" <math><mi>n</mi></math> 注意力</p>', "toc": [], "n": 3},
               "k2": ["a\\b", None, True]}
    assert b"".join(json_object_pieces({"versions": "python 3\nformat 1"}, "pages", entries)) \
        == _dumps({"versions": "python 3\nformat 1"}, "pages", entries)
    assert b"".join(json_object_pieces({}, "fragments", {})) == b'{"fragments":{}}'


def test_a_name_already_in_the_head_is_refused() -> None:
    with pytest.raises(ValueError, match="'pages' is already a member"):
        list(json_object_pieces({"pages": 1}, "pages", {}))


def test_write_atomic_writes_the_pieces_in_order(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    write_atomic(target, iter([b"{", b'"a":1', b"}"]))
    assert target.read_bytes() == b'{"a":1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]


def test_pieces_that_fail_midway_leave_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    target.write_bytes(b"old")

    def pieces() -> Iterator[bytes]:
        yield b"new, half"
        raise TypeError("Object of type set is not JSON serializable")

    with pytest.raises(TypeError, match="not JSON serializable"):
        write_atomic(target, pieces())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]


@pytest.mark.parametrize(("durable", "syncs"), [(True, 1), (False, 0)])
def test_only_a_durable_write_waits_for_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 durable: bool, syncs: int) -> None:
    calls: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
    write_atomic(tmp_path / "f", b"data", durable=durable)
    assert (tmp_path / "f").read_bytes() == b"data"
    assert len(calls) == syncs


def test_a_write_into_a_file_posing_as_a_folder_names_it(tmp_path: Path) -> None:
    (tmp_path / "build").write_bytes(b"")
    with pytest.raises(OutputError, match=r"build/cache.json: cannot write: .*build is not a folder"):
        write_atomic(tmp_path / "build" / "cache.json", iter([b"{}"]), durable=False)
