"""The labelled corpus of visitor messages shared by the tests and the benchmark."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).with_name("corpus.jsonl")
DEFAULT_AT = "2026-03-03T15:00:00+00:00"
CURRENCY = "USD"
RATES = {"EUR": 1.08, "GBP": 1.27}
FACTS = ("budget", "timeline_days", "authority", "company_size")


@dataclass(frozen=True)
class Example:
    """One labelled visitor message."""

    text: str
    at: datetime
    asked: str | None
    expect: dict[str, Any]


def load(path: Path = CORPUS) -> list[Example]:
    """The examples of the corpus, in file order."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            at = datetime.fromisoformat(row.get("at", DEFAULT_AT))
            examples.append(Example(row["text"], at, row.get("asked"), row["expect"]))
    return examples


def latest(findings) -> dict[str, Any]:
    """The value of each fact as the core sees it: the last finding of each fact wins."""
    return {f.name: f.value for f in findings}
