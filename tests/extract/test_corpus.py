"""Every labelled message yields exactly its expected facts, with exact evidence spans."""

from __future__ import annotations

import pytest

from extract.corpus import CURRENCY, RATES, latest, load
from handoff.core.facts import NO_TIMELINE
from handoff.extract import make_extractor

EXAMPLES = load()
EXTRACTOR = make_extractor(currency=CURRENCY, rates=RATES)


def test_corpus_is_big_and_has_negatives():
    assert len(EXAMPLES) >= 400
    assert sum(1 for e in EXAMPLES if not e.expect) >= 100


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.text[:60])
def test_message(example):
    findings = EXTRACTOR.facts(example.text, at=example.at, asked=example.asked)
    for f in findings:
        assert example.text[f.start : f.end] == f.words
    got = latest(findings)
    assert set(got) == set(example.expect), findings
    for name, expected in example.expect.items():
        if name == "budget":
            assert got[name] == pytest.approx(expected, abs=0.01), findings
        elif expected is None:
            last = [f for f in findings if f.name == name][-1]
            assert (last.value, last.note) == (None, NO_TIMELINE)
        else:
            assert got[name] == expected, findings
