"""Skipping signal and product patterns that cannot match never changes what a message counts for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import handoff
from extract.snapshot import SNAPSHOT
from handoff.core.alternation import needs
from handoff.core.signals import FirstMatch, SignalMatcher, fold, words_regex

POLICY = handoff.load_policy(str(Path(__file__).parents[2] / "examples" / "policy.yaml"))
TEXTS = sorted({row["text"] for row in json.loads(SNAPSHOT.read_text("utf-8"))})
# Case folding outside ASCII: the Kelvin sign, the long s, dotted and dotless i, a ligature.
ODD = [
    "Can we get a \u212aickoff demo?", "\u017fso and \u017fla please", "\u0130mplementation time",
    "\u0131ntegrate with HubSpot", "\ufb01nance wants a DEMO", "talk to a HUMAN", "TALK TO SALES",
    "Spea\u212a to someone", "speak with an agent", "SAML + SSO", "small-team plan", "",
    "talk to\u00a0sales", "HubSpotter", "ZOHO!", "integratıon with", "a ro\u017fllout",
    "an SLA and SSO", "Kickoff call", "a rollout",
]
ADVERSARIAL = [
    r"\u212aickoff", r"\u017fla", r"integrat(e|ion) with", r"(?-i:DEMO)", r"[a-c]udget",
    r"talk to (a |an )?(human|person|someone|sales|rep)", r"\bdemo\b", r"ro\u017f?llout",
    r"spea[kK] (to|with)",
]


def first_match(patterns, text):
    """What `FirstMatch` must find: the first pattern's `search`, in order."""
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found
    return None


def pattern_lists() -> list[list[re.Pattern[str]]]:
    lists = [list(s.patterns) for s in POLICY.signals if s.patterns]
    lists += [[s.pattern] for s in POLICY.signals if s.kind == "mentions"]
    lists += [[p.words] for p in POLICY.products if p.words]
    lists += [[re.compile(p, re.IGNORECASE) for p in ADVERSARIAL]]
    lists += [[re.compile(p) for p in ADVERSARIAL]]
    return lists + [[words_regex(["Salesforce", "\u017fso", "SLA"])]]


@pytest.mark.parametrize("patterns", pattern_lists(), ids=lambda ps: ps[0].pattern[:30])
def test_first_match_is_the_first_pattern_that_searches_true(patterns):
    search = FirstMatch(patterns)
    for text in TEXTS + ODD + [t.upper() for t in ODD] + [t.lower() for t in ODD]:
        got, expected = search.search(text, fold(text)), first_match(patterns, text)
        assert (got and (got.re, got.span())) == (expected and (expected.re, expected.span())), text


def test_folded_needs_are_lower_case_ascii_and_skip_other_letters():
    assert needs(re.compile("Talk TO (a|an) Human", re.IGNORECASE), fold=True) == (
        frozenset({"talk to a human", "talk to an human"}),
    )
    assert needs(re.compile("\u212aickoff", re.IGNORECASE), fold=True) == (frozenset({"ickoff"}),)
    assert needs(re.compile("demo", re.IGNORECASE)) == ()


def test_a_signal_still_reports_the_words_as_written():
    signal = SignalMatcher(
        "s", "says", 1.0, None, False,
        patterns=(re.compile("demo", re.IGNORECASE), re.compile("price", re.IGNORECASE)),
    )
    assert signal.match_text("A PRICE and a Demo?") == "Demo"
    assert signal.match_text("\u212aickoff") is None
    assert SignalMatcher("m", "mentions", 1.0, None, False).match_text("anything") is None
