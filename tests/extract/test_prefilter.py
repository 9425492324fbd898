"""Prefilters only skip searches that would find nothing; word gates equal their regexes."""

from __future__ import annotations

import json
import re

import pytest

from extract.snapshot import SNAPSHOT
from handoff.extract import make_extractor
from handoff.extract.english import ENGLISH
from handoff.extract.prefilter import Gated, WordGate, needs
from handoff.extract.spans import lowercase
from handoff.extract.topic import _last_question

EX = make_extractor()
TEXTS = sorted({lowercase(row["text"]) for row in json.loads(SNAPSHOT.read_text("utf-8"))})
EXTRA = ["", "?", "a?b.c?", "ceo here", "i'm the vp", "twenty one users", "by friday", "q3 2026"]


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
