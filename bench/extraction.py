"""Extraction quality and speed: precision and recall per fact over the corpus, messages/s."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from extract.corpus import CURRENCY, FACTS, RATES, latest, load  # noqa: E402
from handoff.extract import make_extractor  # noqa: E402

PRECISION_GOAL, RECALL_GOAL, SPEED_GOAL = 0.95, 0.90, 10_000
ROUNDS = 30


def same(name: str, got, expected) -> bool:
    """Whether an extracted value is the labelled one (budgets to the cent)."""
    if name == "budget" and got is not None and expected is not None:
        return abs(got - expected) < 0.01
    return got == expected


def score(extractor, examples) -> dict[str, tuple[int, int, int]]:
    """Per fact: (right findings, findings made, facts labelled)."""
    counts = {name: [0, 0, 0] for name in FACTS}
    for e in examples:
        got = latest(extractor.facts(e.text, at=e.at, asked=e.asked))
        for name in FACTS:
            made, labelled = name in got, name in e.expect
            counts[name][1] += made
            counts[name][2] += labelled
            counts[name][0] += made and labelled and same(name, got[name], e.expect[name])
    return {name: tuple(c) for name, c in counts.items()}


def speed(extractor, examples) -> float:
    """Messages per second on one core, over ROUNDS passes of the corpus."""
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for e in examples:
            extractor.facts(e.text, at=e.at, asked=e.asked)
    return ROUNDS * len(examples) / (time.perf_counter() - start)


def main() -> int:
    """Print the figures with their goals; exit 1 when a goal is missed."""
    examples = load()
    extractor = make_extractor(currency=CURRENCY, rates=RATES)
    negatives = sum(1 for e in examples if not e.expect)
    print(f"extraction over {len(examples)} messages ({negatives} with no fact)")
    ok = True
    for name, (right, made, labelled) in score(extractor, examples).items():
        precision = right / made if made else 1.0
        recall = right / labelled if labelled else 1.0
        ok &= precision >= PRECISION_GOAL and recall >= RECALL_GOAL
        print(
            f"  {name:<14} precision {precision:.3f} (goal >= {PRECISION_GOAL})"
            f"  recall {recall:.3f} (goal >= {RECALL_GOAL})"
            f"  [{right}/{made} right, {labelled} labelled]"
        )
    rate = speed(extractor, examples)
    ok &= rate >= SPEED_GOAL
    print(f"  speed          {rate:,.0f} messages/s on one core (goal >= {SPEED_GOAL:,})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
