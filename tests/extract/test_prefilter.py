"""Prefilters only skip searches that would find nothing; word gates equal their regexes."""

from __future__ import annotations

import json
import re

import pytest

from extract.snapshot import SNAPSHOT
from handoff.core.alternation import needs
from handoff.extract import make_extractor
from handoff.extract.english import ENGLISH
from handoff.extract.gates import Ending, Gated, WordGate, Words, has_digit, words
from handoff.extract.prefilter import heads
from handoff.extract.spans import _CLAUSE_BREAK, _clause_breaks, lowercase
from handoff.extract.topic import _last_question

EX = make_extractor()
TEXTS = sorted({lowercase(row["text"]) for row in json.loads(SNAPSHOT.read_text("utf-8"))})
EXTRA = ["", "?", "a?b.c?", "ceo here", "i'm the vp", "twenty one users", "by friday", "q3 2026"]
HEAD_CASES = [
    "in 3to 5 weeks", "xa weeks, an extra weeks", "bathe next year", "fiscal year", "xfiscal year",
    "someone weeks", "٣ weeks", "q3q4 2026", "the end of the end of q2", "not not the decision maker",
]


def gated_patterns() -> list[Gated]:
    a, t, s = EX.authority, EX.timeline, EX.size
    return [
        *(p for _, p, _ in a.phrases), *a.titles, a.superior, t.no_timeline, t.asap, t.iso,
        t.day_month, t.named, t.duration, t.weekday, s.alone, s.few_of_us,
        *(p for _, p in EX.topics.topics),
    ]


@pytest.mark.parametrize("gated", gated_patterns(), ids=lambda g: g.pattern.pattern[:40])
def test_a_gate_never_hides_a_match(gated):
    for text in TEXTS + EXTRA:
        assert gated.possible(text) or not gated.pattern.search(text), text


@pytest.mark.parametrize("gated", gated_patterns(), ids=lambda g: g.pattern.pattern[:40])
def test_trying_only_where_a_head_starts_finds_what_finditer_finds(gated):
    for text in TEXTS + EXTRA + HEAD_CASES:
        expected = [(m.span(), m.groups()) for m in gated.pattern.finditer(text)]
        assert [(m.span(), m.groups()) for m in gated.finditer(text)] == expected, text
        first = gated.search(text)
        assert (first and first.span()) == (expected[0][0] if expected else None), text


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (r"\bnot\s+x", "not"),
        (r"(?:my|our)?\s*boss", None),  # may start with any white space
        (r"(?:my\s+|our\s+)?boss", "(?:boss|my|our)"),
        (r"(?<![\w.])\d+\s*(?:k|m)|an?\b", "an?|[\\d]"),
        (r"(?:^|x)y", "(?:x|y)"),
        (r"\w+ing", None),
        (r"x?", "x"),  # of the non-empty matches
        (r"(?:by\s+)?(?:the\s+)?$", "(?:by|the)"),
        (r"[^a]b", None),
        (r"(?i)boss", None),
    ],
)
def test_heads_are_where_every_match_starts(pattern, found):
    finder = heads(re.compile(pattern))
    assert (finder and finder.pattern) == found


@pytest.mark.parametrize("name", sorted(EX.timeline.prefixes))
def test_an_ending_pattern_finds_what_search_finds_before_a_position(name):
    ending = EX.timeline.prefixes[name]
    for text in TEXTS + EXTRA + HEAD_CASES + ["by\n", "by the\n\n", "the end of\nq2"]:
        for end in {0, len(text)} | {m.end() for m in re.finditer(r"\s+|\n", text)}:
            for width in (0, 1, 40):
                pos = max(0, end - width)
                got = ending.search(text, pos, end)
                expected = ending.pattern.search(text, pos, end)
                assert (got and (got.span(), got.groupdict())) == (
                    expected and (expected.span(), expected.groupdict())
                ), (text, end, width)


def test_an_ending_pattern_ends_in_a_dollar():
    with pytest.raises(ValueError, match="ending in"):
        Ending(re.compile("by$|the"))


def test_needs_are_substrings_of_every_match():
    assert needs(re.compile(r"\bnot\s+(?:the|a)\s+decision[- ]?maker")) == (
        frozenset({"decision maker", "decision-maker", "decisionmaker"}), frozenset({"not"})
    )
    assert needs(re.compile(r"x\d+|y"), most=3) == ()
    assert needs(re.compile("budget", re.IGNORECASE)) == ()


@pytest.mark.parametrize(
    ("fragment", "marks"),
    [
        (f"{ENGLISH.staff_re}|{ENGLISH.people_re}|{ENGLISH.company_re}|{ENGLISH.headcount_re}|us",
         r"\d"),
        ("january|business days|q[1-4]|h[12]|eo[yqm]", r"\d"),
        ("ceo|vice president|co-founder|head", None),
    ],
)
def test_a_word_gate_is_its_regex(fragment, marks):
    gate = WordGate(fragment, marks)
    regex = re.compile(rf"{marks}|\b(?:{fragment})\b" if marks else rf"\b(?:{fragment})\b")
    for text in TEXTS + EXTRA:
        assert gate.search(text) == bool(regex.search(text)), text


def test_the_last_question_is_the_last_regex_question():
    question = re.compile(r"[^.!?\n]*\?")
    for text in TEXTS + EXTRA:
        found = question.findall(text)
        assert _last_question(text) == (found[-1] if found else text), text


def test_clause_breaks_in_lower_case_are_the_case_insensitive_ones():
    for text in TEXTS + EXTRA + ["We said so. BUT I'd... ALSO, WE'LL\nsee", "\u0130 and we \u212a"]:
        for original in (text, text.upper()):
            expected = [m.span() for m in _CLAUSE_BREAK.finditer(original)]
            assert [m.span() for m in _clause_breaks(original)] == expected, original


def test_the_words_of_a_text_are_its_maximal_runs_of_word_characters():
    for text in TEXTS + EXTRA + ["a_b-c\tD9 \x00x\x7fy", "caf\u00e9 na\u00efve", "\u0130\u212a"]:
        assert words(text) == re.findall(r"\w+", text), text
        assert Words(text).found() == words(text)


def test_a_text_has_a_digit_where_the_regex_finds_one():
    digit = re.compile(r"\d")
    for text in TEXTS + EXTRA + ["", "no digits here", "room 101", "\u0663 in Arabic-Indic",
                                 "caf\u00e9 4", "caf\u00e9", "\uff15 fullwidth"]:
        assert has_digit(text) is (digit.search(text) is not None), text
