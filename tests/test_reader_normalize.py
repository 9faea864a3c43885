"""One-line model text: NFC, Markdown whitespace runs collapsed to one space, trimmed
(reader/normalize.py ``clean``), whether or not a text needs collapsing."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cheatdeck.reader.normalize import clean


@pytest.mark.parametrize(("text", "expected"), [
    ("What is a b?", "What is a b?"),  # nothing to change
    ("  What  is\ta\n\nb?  ", "What is a b?"),
    ("a\rb\fc\vd", "a b c d"),
    ("a \t b", "a b"),
    ("a\x85b\u2028c\u00a0d", "a\x85b\u2028c\u00a0d"),  # not Markdown whitespace: kept
    ("Cafe\u0301", "Café"),  # NFC
    ("\t", ""),
    (" ", ""),
    ("", ""),
])
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected


@given(st.text(alphabet=" \t\n\r\f\va\x85\u00a0e\u0301", max_size=16))
def test_clean_is_nfc_then_every_run_collapsed(text: str) -> None:
    """The definition, run on every text (clean skips the rewrite when nothing would change)."""
    assert clean(text) == re.sub(r"[ \t\n\r\f\v]+", " ",
                                 unicodedata.normalize("NFC", text)).strip(" ")
