"""Company size: employees, not users or customers."""

from datetime import UTC, datetime

import pytest

from handoff.extract import make_extractor

EX = make_extractor()
AT = datetime(2026, 3, 3, tzinfo=UTC)


def sizes(text, asked=None):
    return [f.value for f in EX.facts(text, at=AT, asked=asked) if f.name == "company_size"]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("we're about 200 people", 200),
        ("5k employees", 5000),
        ("a 40-person startup", 40),
        ("headcount is 85", 85),
        ("we're a team of 12", 12),
        ("we're between 50 and 100 employees", 100),
    ],
)
def test_sizes(text, size):
    assert sizes(text) == [size]


@pytest.mark.parametrize(
    "text",
    ["we have 50 users", "200 customers", "12 offices", "I manage a team of 8",
     "We have 30 people on the support team", "50 people will use it"],
)
def test_not_company_sizes(text):
    assert sizes(text) == []


def test_a_bare_number_counts_when_asked():
    assert sizes("about 300") == []
    assert sizes("about 300", asked="company_size") == [300]
    assert sizes("just me", asked="company_size") == [1]


def test_a_budget_answer_is_not_a_size():
    assert sizes("about 120 people, budget 30-40k", asked="company_size") == [120]
