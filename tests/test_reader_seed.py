"""The verbatim stage-1 seed reads into exactly the model the issue describes."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, SEED, SEED_NAME

from cheatdeck.model import Card, FactTable, Library
from cheatdeck.reader import read_paths


def test_title_subtitle_footer(seed_library: Library) -> None:
    (sheet,) = seed_library.sheets
    assert sheet.title == "Stage 1 — Interview Cheat Sheet"
    assert sheet.subtitle == "LLM Fundamentals: Corner Cases & Trick Questions"
    assert sheet.footer == "Next: Stage 2 — Train a real Transformer from scratch"
    assert sheet.slug == "stage-1-interview-cheat-sheet"


def test_sections_in_order_with_counts(seed_library: Library) -> None:
    (sheet,) = seed_library.sheets
    got = [
        (s.emoji, s.title, sum(c.kind == "qa" for c in s.cards),
         sum(c.kind == "gotcha" for c in s.cards), len(s.fact_tables))
        for s in sheet.sections
    ]
    assert got == [
        ("🔥", "TOKENS", 7, 0, 0),
        ("🔥", "EMBEDDINGS", 7, 0, 0),
        ("🔥", "ATTENTION", 17, 0, 0),
        ("🔥", "TRAINING", 7, 0, 0),
        ("🔥", "GENERATION", 7, 0, 0),
        ("🔥", "GOTCHAS INTERVIEWERS LOVE", 0, 7, 0),
        ("📐", "NUMBERS TO MEMORIZE", 0, 0, 1),
    ]
    assert [s.slug for s in sheet.sections] == [
        "tokens", "embeddings", "attention", "training", "generation",
        "gotchas-interviewers-love", "numbers-to-memorize"]


def test_untitled_second_table_stays_under_attention(seed_library: Library) -> None:
    attention = seed_library.sheets[0].sections[2]
    questions = [c.question for c in attention.cards]
    assert questions[8] == "How many attention heads in GPT-2 small?"
    assert questions[9] == "Why residual connections?"
    assert questions[-1] == "What is the decoder-only architecture?"
    assert attention.cards[9].pos.line == 37


def test_fact_table(seed_library: Library) -> None:
    (table,) = seed_library.sheets[0].sections[6].fact_tables
    assert isinstance(table, FactTable)
    assert table.columns == ("Model", "Params", "Layers", "Heads", "dim", "Vocab")
    assert [r.subject for r in table.rows] == [
        "GPT-2 small", "GPT-2 large", "LLaMA-7B", "LLaMA-13B", "Mistral-7B", "GPT-3"]
    assert table.rows[2].values == ("7B", "32", "32", "4096", "32,000")
    assert table.rows[5].values == ("175B", "96", "96", "12,288", "50,257")
    assert [r.pos.line for r in table.rows] == [76, 77, 78, 79, 80, 81]


def test_gotchas(seed_library: Library) -> None:
    gotchas = seed_library.sheets[0].sections[5].cards
    assert [(c.question, c.pos.line, c.pos.col) for c in gotchas] == [
        ("Attention is permutation-invariant", 66, 1),
        ("Cross-entropy initial value", 67, 1),
        ("Gradient accumulation ≠ larger batch", 68, 1),
        ("nn.Embedding vs nn.Linear", 69, 1),
        ("Why can't you just fine-tune the last layer?", 70, 144),
        ("What happens if you set temperature=0?", 71, 1),
        ("LLMs don't have a concept of 'I don't know'", 72, 24),
    ]
    assert all(c.kind == "gotcha" for c in gotchas)
    assert gotchas[3].answer == (
        "nn.Embedding is just nn.Linear without bias, accessed via index lookup instead of "
        "matrix multiply. Functionally equivalent for integer inputs.")
    assert gotchas[5].answer.endswith(
        "deterministic argmax. In code, usually implemented as torch.argmax directly.")
    assert gotchas[6].answer.startswith("They assign probability to every token regardless.")


def test_first_card_exact(seed_library: Library) -> None:
    first = seed_library.sheets[0].sections[0].cards[0]
    assert first == Card("How many tokens ≈ 1000 words?", "~1333 tokens (1 token ≈ 0.75 words)")
    assert (first.pos.path, first.pos.line, first.pos.col) == (SEED_NAME, 6, 1)


def test_one_warning_per_repair_and_no_error() -> None:
    _, diagnostics = read_paths([SEED])
    assert all(d.level == "warning" for d in diagnostics)
    got = [(d.line, d.col, d.message) for d in diagnostics]
    delimiter = "delimiter row has 1 cell, header has 2"
    assert got == [
        (1, 1, "no `#` title: the first line is read as the sheet title"),
        (3, 1, "plain line starting with an emoji is read as section `TOKENS`"),
        (5, 1, delimiter),
        (13, 1, "plain line starting with an emoji is read as section `EMBEDDINGS`"),
        (15, 1, delimiter),
        (23, 1, "plain line starting with an emoji is read as section `ATTENTION`"),
        (25, 1, delimiter),
        (35, 1, "a new table header starts inside the previous table; read as a second table "
                "in the same section"),
        (36, 1, delimiter),
        (45, 1, "plain line starting with an emoji is read as section `TRAINING`"),
        (47, 1, delimiter),
        (55, 1, "plain line starting with an emoji is read as section `GENERATION`"),
        (57, 1, delimiter),
        (65, 1, "plain line starting with an emoji is read as section `GOTCHAS INTERVIEWERS LOVE`"),
        (70, 1, "gotcha explanation continues on this line; joined with one space"),
        (70, 144, "a gotcha bullet runs into the previous text; read as a new bullet"),
        (72, 1, "gotcha explanation continues on this line; joined with one space"),
        (72, 24, "a gotcha bullet runs into the previous text; read as a new bullet"),
        (73, 1, "plain line starting with an emoji is read as section `NUMBERS TO MEMORIZE`"),
        (75, 1, "delimiter row has 1 cell, header has 6"),
        (82, 1, "line without `|` directly under a table is read as a paragraph, not as a "
                "table row"),
    ]
    assert diagnostics[2].format() == (
        f"{SEED.as_posix()}:5:1: warning: delimiter row has 1 cell, header has 2\n"
        "  hint: write one `---` cell per column: `| --- | --- |`")


def test_seed_and_canonical_source_give_equal_models(seed_library: Library) -> None:
    canonical, diagnostics = read_paths([ROOT / "source"])
    assert diagnostics == []
    assert canonical == seed_library
    assert canonical.sheets[0].cards[0].pos.line == 9  # canonical file: its own lines
    assert Path(canonical.sheets[0].path).name == "stage-1-llm-fundamentals.md"
