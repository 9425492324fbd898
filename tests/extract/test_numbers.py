"""Numbers as typed and as written."""

import pytest

from handoff.extract.english import ENGLISH
from handoff.extract.numbers import Numbers, parse_digits


@pytest.mark.parametrize(
    ("text", "value"),
    [("50,000", 50000), ("50.000", 50000), ("1.250.000,00", 1250000), ("2.5", 2.5),
     ("1,5", 1.5), ("1,250.50", 1250.5), ("12345", 12345)],
)
def test_digits(text, value):
    assert parse_digits(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("five thousand", 5000), ("twenty-five", 25), ("two hundred and fifty", 250),
     ("half a million", 500000), ("one and a half million", 1500000),
     ("a couple hundred", 200), ("a dozen", 12)],
)
def test_words(text, value):
    assert Numbers(ENGLISH).value(text) == value


def test_magnitudes():
    numbers = Numbers(ENGLISH)
    assert numbers.value("25", "k") == 25000
    assert numbers.value("1.2", "M") == 1200000
