"""The public surface: make_extractor, the Extractor protocol, pure and precompiled."""

from datetime import UTC, datetime

import handoff.extract
from handoff.core.facts import Extractor
from handoff.extract import make_extractor


def test_exports():
    assert sorted(handoff.extract.__all__) == [
        "LANGUAGES", "RuleExtractor", "Vocabulary", "make_extractor"
    ]


def test_it_is_an_extractor():
    ex: Extractor = make_extractor(currency="USD", rates={"EUR": 1.08})
    assert ex.facts("", at=datetime(2026, 3, 3, tzinfo=UTC)) == []


def test_findings_come_in_text_order_with_exact_spans():
    text = "I'm the CFO. Budget is $200k and we want it live in 3 months, we're 80 people."
    found = make_extractor().facts(text, at=datetime(2026, 3, 3, tzinfo=UTC))
    assert [f.name for f in found] == ["authority", "budget", "timeline_days", "company_size"]
    assert all(text[f.start : f.end] == f.words for f in found)
