"""Which fact a bot question asks for."""

import pytest

from handoff.extract import make_extractor

EX = make_extractor()


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What budget do you have in mind?", "budget"),
        ("How much are you looking to spend?", "budget"),
        ("When are you looking to get started?", "timeline_days"),
        ("What's your timeline?", "timeline_days"),
        ("What's your role?", "authority"),
        ("Who makes the decision?", "authority"),
        ("How many employees?", "company_size"),
        ("How big is your team?", "company_size"),
        ("Great, thanks! And how many people work at your company?", "company_size"),
        ("Thanks for reaching out!", None),
    ],
)
def test_topic(question, topic):
    assert EX.topic(question) == topic
