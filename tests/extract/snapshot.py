"""Builds findings_snapshot.json: the corpus and ~2,000 seeded variants of it with their findings.

    .venv/bin/python tests/extract/snapshot.py   # rewrite the snapshot from the current extractor

The inputs are stored with the findings, so the test does not depend on this generator.
"""

from __future__ import annotations

import json
import random
import re
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extract.corpus import CURRENCY, DEFAULT_AT, FACTS, RATES, load  # noqa: E402
from handoff.extract import make_extractor  # noqa: E402

SNAPSHOT = Path(__file__).with_name("findings_snapshot.json")
SEED = 20260303
VARIANTS = 2000
ASKED = (None, *FACTS)
TIMES = (DEFAULT_AT, "2026-01-01T09:00:00+00:00", "2026-06-30T23:30:00-05:00",
         "2026-11-15T12:00:00+01:00", "2027-02-28T08:00:00+00:00")
JOINS = (" ", "  ", ", ", " and ", "\n", ". ", "; ", " but ", " - ")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d+")


def vary(rng: random.Random, sentences: list[str]) -> str:
    """A message of 1 to 5 corpus sentences, joined, cut, re-cased or re-numbered."""
    parts = rng.sample(sentences, rng.randint(1, 5))
    if rng.random() < 0.2:
        words = parts[0].split()
        parts[0] = " ".join(words[rng.randint(0, len(words) - 1) :])
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(JOINS) + part
    roll = rng.random()
    if roll < 0.1:
        text = text.upper()
    elif roll < 0.2:
        text = text.lower()
    elif roll < 0.25:
        text = text.title()
    if rng.random() < 0.3:
        text = _NUMBER.sub(lambda m: str(rng.randint(0, 10 ** len(m.group()) * 2)), text)
    return text


def inputs() -> list[tuple[str, str, str | None]]:
    """(text, at, asked) for every corpus message under every question, then the variants."""
    examples = load()
    rows = [(e.text, e.at.isoformat(), asked) for e in examples for asked in ASKED]
    sentences = sorted({s for e in examples for s in _SENTENCE.split(e.text) if s.strip()})
    rng = random.Random(SEED)
    for _ in range(VARIANTS):
        rows.append((vary(rng, sentences), rng.choice(TIMES), rng.choice(ASKED)))
    return rows


def findings(extractor, text: str, at: str, asked: str | None) -> list[list]:
    """The findings as [name, value, words, start, end, note] lists."""
    found = extractor.facts(text, at=datetime.fromisoformat(at), asked=asked)
    return [[f.name, f.value, f.words, f.start, f.end, f.note] for f in found]


def main() -> None:
    """Write the snapshot, one message per line."""
    extractor = make_extractor(currency=CURRENCY, rates=RATES)
    lines = [
        json.dumps({"text": t, "at": at, "asked": asked, "found": findings(extractor, t, at, asked)},
                   ensure_ascii=False)
        for t, at, asked in inputs()
    ]
    SNAPSHOT.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    print(f"{len(lines)} messages -> {SNAPSHOT}")


if __name__ == "__main__":
    main()
