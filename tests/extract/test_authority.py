"""Authority: the visitor's own role in the decision."""

from datetime import UTC, datetime

import pytest

from handoff.extract import make_extractor

EX = make_extractor()
AT = datetime(2026, 3, 3, tzinfo=UTC)


def roles(text):
    return [f.value for f in EX.facts(text, at=AT) if f.name == "authority"]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("I'm the CTO", "decision_maker"),
        ("VP of Sales here", "decision_maker"),
        ("I run the team", "decision_maker"),
        ("it's my call", "decision_maker"),
        ("my boss decides", "influencer"),
        ("I'll run it by our CFO", "influencer"),
        ("it's not my call", "influencer"),
        ("I'm an engineering manager", "influencer"),
        ("I'm an engineer who'd use it", "user"),
        ("I'd be a user", "user"),
    ],
)
def test_roles(text, role):
    assert roles(text) == [role]


@pytest.mark.parametrize(
    "text", ["Our CEO liked the demo", "I'm meeting the CEO tomorrow", "I'm looking for a CRM"]
)
def test_other_peoples_roles_say_nothing(text):
    assert roles(text) == []


def test_evidence_is_the_exact_words():
    text = "Hi! I'm the Head of Marketing at Acme."
    [f] = EX.facts(text, at=AT)
    assert text[f.start : f.end] == f.words == "I'm the Head of Marketing"
