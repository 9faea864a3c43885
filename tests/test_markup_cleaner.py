"""The sanitizer built once (``nh3.Cleaner``, issue 15) cleans exactly as ``nh3.clean`` with the
same allow-list did on every call: same bytes for every kind of fragment the renderer makes and
for hostile HTML it never makes."""

from __future__ import annotations

from pathlib import Path

import nh3
from hypothesis import given
from hypothesis import strategies as st

from cheatdeck.markup import SANITIZER_OPTIONS, MarkupRenderer, make_cleaner
from cheatdeck.reader import read_paths

SEED = Path(__file__).parent.parent / "source"

HOSTILE = [
    '<a href="javascript:alert(1)">x</a>', '<a href="https://e.org" onclick="x()">y</a>',
    '<img src="x.png" onerror="alert(1)">', "<script>alert(1)</script>text",
    "<style>p{}</style><p>a</p>", "<!-- comment --><b>bold</b>", '<span class="a" id="b">s</span>',
    '<math display="block" onload="x"><mi mathvariant="bold">x</mi><annotation>t</annotation>'
    "</math>", '<td style="text-align: right">1</td>', '<ol start="3" reversed><li>x</li></ol>',
    "<iframe src=//e.org></iframe>", "<svg><circle/></svg>", '<a href="mailto:a@b.c">m</a>',
    '<div class="highlight"><pre><span class="k">def</span></pre></div>', "{{c1::x}} <br> & <",
]


def _rendered_fragments() -> list[str]:
    """What markdown-it renders for every cell and prose block of the repo's sheets, before
    cleaning, in both math modes."""
    library, _ = read_paths([SEED])
    md = MarkupRenderer()._md
    texts = [t for sheet in library.sheets for card in sheet.cards
             for t in (card.question, card.answer, card.extra_field or "")]
    found = []
    for mode in ("mathjax", "mathml"):
        env = {"cheatdeck_math": mode}
        found += [md.renderInline(text, dict(env)) for text in texts]
    return found


def test_cleaner_equals_clean_on_every_seed_fragment_and_hostile_html() -> None:
    cleaner = make_cleaner()
    fragments = _rendered_fragments() + HOSTILE
    assert len(fragments) > 150
    for fragment in fragments:
        assert cleaner.clean(fragment) == nh3.clean(fragment, **SANITIZER_OPTIONS), fragment


@given(st.text(st.sampled_from(list("<>/=\"' abhrefsrcimgscriptmathmi:{}&;#")), max_size=60))
def test_cleaner_equals_clean_on_arbitrary_markup(text: str) -> None:
    assert make_cleaner().clean(text) == nh3.clean(text, **SANITIZER_OPTIONS)
