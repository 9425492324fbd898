"""Budgets: currencies, conversion, ranges, qualifiers and the bot's question."""

from datetime import UTC, datetime

import pytest

from handoff.extract import make_extractor

AT = datetime(2026, 3, 3, 15, tzinfo=UTC)


def budgets(text, asked=None, currency="USD", rates=None):
    ex = make_extractor(currency=currency, rates=rates or {"EUR": 1.08})
    return [f for f in ex.facts(text, at=AT, asked=asked) if f.name == "budget"]


def test_a_rate_converts_into_the_policy_currency():
    [f] = budgets("budget is €50k")
    assert f.value == pytest.approx(54000)
    assert f.note == "EUR at 1.08"


def test_a_currency_without_a_rate_is_left_unknown():
    assert budgets("budget is £50k") == []
    assert budgets("we have CHF 80,000") == []


def test_the_policy_currency_needs_no_rate():
    [f] = budgets("budget is €50k", currency="EUR", rates={})
    assert f.value == 50000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("40-60k budget", 60000),
        ("budget between 20 and 30 thousand", 30000),
        ("budget $8,000-$12,000", 12000),
        ("budget from 5 to 10k", 10000),
        ("budget 500-1k", 1000),
    ],
)
def test_a_range_counts_as_its_upper_bound(text, value):
    assert [f.value for f in budgets(text)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("budget 50.000", 50000), ("budget 1.250.000,00", 1250000), ("budget 2.5k", 2500),
     ("budget 1,250.50", 1250.5), ("budget 50 000", 50000)],
)
def test_both_thousands_conventions(text, value):
    assert [f.value for f in budgets(text)] == [value]


def test_a_bare_number_is_a_budget_only_when_the_bot_asked_for_one():
    assert budgets("50k") == []
    assert [f.value for f in budgets("50k", asked="budget")] == [50000]
    assert budgets("3 people", asked="budget") == []


def test_qualifiers_are_part_of_the_evidence():
    text = "we could do around $50k"
    [f] = budgets(text)
    assert (f.words, text[f.start : f.end]) == ("around $50k", "around $50k")


def test_the_later_amount_in_a_message_wins():
    found = budgets("budget 50k, actually more like 80k budget")
    assert found[-1].value == 80000


@pytest.mark.parametrize(
    "text", ["we raised $5M", "We do about $10M in revenue", "$20 per user", "call 555-123-4567"]
)
def test_sums_that_are_not_budgets(text):
    assert budgets(text, asked="budget") == []


def test_a_period_is_noted():
    [f] = budgets("$5k/month")
    assert (f.value, f.note) == (5000, "per month")
