"""Deterministic generator of realistic cheat-sheet libraries, written as source Markdown.

``write_library(folder, cards=N, seed=S)`` writes the same bytes for the same arguments: N cards
spread over several sheets and sections, with Q&A tables, gotcha lists and fact tables; text
holds code spans, ``$math$``, escaped pipes, emoji, CJK, ``<br>`` and typical lengths (questions
of 4–14 words, answers of 6–40 words).
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "attention token embedding gradient softmax layer batch norm residual decoder encoder "
    "sequence vector matrix loss optimizer learning rate warmup cosine decay cache key value "
    "query head dimension vocabulary sampling temperature logits probability entropy model "
    "training inference latency memory throughput parameter weight bias activation tensor"
).split()
EXTRAS = ("`torch.argmax`", "$O(n^2 d)$", "`a \\| b`", "🔥", "注意力", "<br>", "**key**",
          "*often*", "≈ 0.75", "`x $HOME`", "1 \\| 2", "ln(50257) ≈ 10.8")
EMOJI = ("🔥", "📐", "🧠", "⚙️", "🚀")
CARDS_PER_SECTION = 40
SECTIONS_PER_SHEET = 10


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(EXTRAS))
    return " ".join(words)


def _section(rng: random.Random, sheet: int, index: int, cards: int, serial: list[int]) -> str:
    lines = [f"## {EMOJI[index % len(EMOJI)]} Section {sheet}.{index} {rng.choice(WORDS)}", ""]
    kinds = rng.random()
    if kinds < 0.15:
        for _ in range(cards):
            serial[0] += 1
            claim = f"{_sentence(rng, 3, 8)} #{serial[0]}"
            lines.append(f'- "{claim}" — {_sentence(rng, 8, 30)}')
    elif kinds < 0.25:
        lines += ["| Model | Params | Layers | Heads | dim |", "| --- | --- | --- | --- | --- |"]
        for _ in range(max(1, cards // 4)):
            serial[0] += 1
            lines.append(f"| Model-{serial[0]} | {rng.randint(1, 400)}B | {rng.randint(2, 96)} "
                         f"| {rng.randint(2, 96)} | {rng.choice([768, 1024, 4096, 8192])} |")
    else:
        lines += ["| Question | Answer |", "| --- | --- |"]
        for _ in range(cards):
            serial[0] += 1
            question = f"{_sentence(rng, 4, 14)} (#{serial[0]})?"
            lines.append(f"| {question} | {_sentence(rng, 6, 40)} |")
    return "\n".join(lines)


def write_library(folder: Path, *, cards: int, seed: int = 1) -> list[Path]:
    """Write a synthetic library of about ``cards`` cards into ``folder``.

    Args:
        folder: created if missing; existing ``*.md`` files in it are removed first.
        cards: target number of Q&A + gotcha rows (fact rows count 4 cards each).
        seed: random seed; the same (cards, seed) always gives the same files.

    Returns:
        The written sheet paths, sorted.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    per_sheet = CARDS_PER_SECTION * SECTIONS_PER_SHEET
    serial = [0]
    paths = []
    for sheet in range(max(1, -(-cards // per_sheet))):
        left = min(per_sheet, cards - sheet * per_sheet)
        parts = [f"# Stage {sheet + 1} — Synthetic Sheet {sheet + 1}", "",
                 f"Generated {rng.choice(WORDS)} questions for benchmarks"]
        index = 0
        while left > 0:
            size = min(CARDS_PER_SECTION, left)
            parts += ["", _section(rng, sheet + 1, index, size, serial)]
            left -= size
            index += 1
        parts += ["", f"Next: Stage {sheet + 2}", ""]
        path = folder / f"stage-{sheet + 1:03d}.md"
        path.write_text("\n".join(parts), encoding="utf-8")
        paths.append(path)
    return paths
