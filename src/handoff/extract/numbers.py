"""Numbers as people type them: "50,000", "1.250.000,00", "2.5k", "twenty-five thousand"."""

from __future__ import annotations

import re

from handoff.core.alternation import alternation
from handoff.extract.gates import Words, has_digit, words
from handoff.extract.vocabulary import Vocabulary

DIGITS_RE = (
    r"(?<![\w.,/])(?:\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
    r"|\d+(?:[.,]\d+)?)(?![\d])"
)
_SEPARATORS = re.compile(r"[,. \u00a0\u202f]")


def parse_digits(text: str) -> float:
    """The value of a digit string with either thousands convention ("50.000" is 50000)."""
    last = max(text.rfind(","), text.rfind("."))
    if last < 0:
        return float(_SEPARATORS.sub("", text))
    kinds = {c for c in text if c in ",."}
    single = len(kinds) == 1 and text.count(text[last]) == 1
    if len(kinds) == 2 or (single and len(text) - last - 1 != 3):
        return float(_SEPARATORS.sub("", text[:last]) + "." + text[last + 1 :])
    return float(_SEPARATORS.sub("", text))


class Numbers:
    """Number patterns and their values for one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.words = {**vocab.units, **vocab.tens, **vocab.scales, **vocab.fuzzy}
        scales = alternation(vocab.scales)
        word = rf"\b(?:{alternation({**vocab.units, **vocab.tens, **vocab.scales})})\b"
        fuzzy = rf"\b(?:an?\s+)?(?:{alternation(vocab.fuzzy)})(?:\s+of)?\s+(?=(?:{scales})\b)"
        article = rf"\b(?:(?:{vocab.half_re})\s+)?an?\s+(?=(?:{scales})\b)"
        half = rf"an?\s+(?:{vocab.half_re})\b"
        words = rf"(?:{fuzzy}|{article})?{word}(?:(?:\s+and\s+|[\s-]+)(?:{half}|{word}))*"
        self.number_re = rf"(?:{DIGITS_RE}|{words})"
        self.magnitude_re = rf"\s?(?:{alternation(vocab.magnitudes)})\b"
        self._number_words = frozenset({**vocab.units, **vocab.tens, **vocab.scales})
        self._token = re.compile(r"[a-z]+")
        self._half = re.compile(vocab.half_re, re.IGNORECASE)
        self._magnitudes = {k.lower(): v for k, v in vocab.magnitudes.items()}

    def present(self, text: str, shared: Words | None = None) -> bool:
        """Whether `number_re` can match in `text`: it holds a digit or a whole number word.

        `shared`: the text's Words, when the caller has them.
        """
        if has_digit(text):
            return True
        return not self._number_words.isdisjoint(words(text) if shared is None else shared.found())

    def value(self, number: str, magnitude: str | None = None) -> float:
        """The value of a matched number and its optional magnitude ("k", "million")."""
        result = parse_digits(number) if number[0].isdigit() else self._words_value(number)
        if magnitude:
            result *= self._magnitudes[magnitude.strip().lower()]
        return result

    def _words_value(self, text: str) -> float:
        total, current = 0.0, 0.0
        for token in self._token.findall(text.lower()):
            if self._half.fullmatch(token):
                current += 0.5
            elif token in self.vocab.scales:
                scale = self.vocab.scales[token]
                if scale < 1000:
                    current = (current or 1) * scale
                else:
                    total += (current or 1) * scale
                    current = 0.0
            elif token in self.words:
                current += self.words[token]
        return total + current
