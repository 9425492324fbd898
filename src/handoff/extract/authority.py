"""Authority: who the visitor is in the buying decision ("I'm the CTO", "my boss decides")."""

from __future__ import annotations

import re

from handoff.core.facts import AUTHORITY_VALUES, Finding
from handoff.extract.gates import Gated, WordGate, Words
from handoff.extract.numbers import alternation
from handoff.extract.vocabulary import Vocabulary


class AuthorityReader:
    """Finds what the visitor says about their own role in the decision."""

    def __init__(self, vocab: Vocabulary) -> None:
        flags = 0
        unknown = {role for role in vocab.roles.values() if role not in AUTHORITY_VALUES}
        unknown |= {role for role, _ in vocab.authority_phrases if role not in AUTHORITY_VALUES}
        if unknown:
            raise ValueError(f"unknown authority values: {sorted(unknown)}")
        self.roles = {word.lower(): role for word, role in vocab.roles.items()}
        self.phrases = [
            (role, Gated(re.compile(p, flags)), vocab.superior_re in p)
            for role, p in vocab.authority_phrases
        ]
        self.superior = Gated(re.compile(rf"\b{vocab.superior_re}", flags))
        # one alternative per role, so that the one-word roles are looked up in the text's words
        self.role = WordGate("|".join(map(re.escape, self.roles)))
        roles = rf"(?P<role>{alternation(vocab.roles)})\b"
        filler = rf"(?:{vocab.title_filler_re}\s+){{0,3}}?"
        self.titles = (
            Gated(re.compile(
                rf"(?:{vocab.self_re})\s+(?:(?:the|a|an)\s+)?(?:just\s+(?:an?\s+)?)?{filler}{roles}"
                rf"(?:\s+of\s+(?!(?:a|an|the|my|our|it|this)\b)[\w&]+)?",
                flags,
            )),
            Gated(re.compile(
                rf"(?:^|(?<=[.!?,;:\n])\s*|\b(?:hi|hello|hey)\s+)(?:the\s+)?{filler}{roles}"
                rf"(?:\s*(?:and|&|/)\s*[\w-]+)?(?:\s+of\s+[\w&]+(?:\s+[\w&]+)?)?"
                rf"(?:\s+(?:at|@|for)\s+\S+)?\s+here\b",
                flags,
            )),
        )

    def read(self, text: str, shared: Words) -> list[Finding]:
        """Authority statements in `text`, in text order (the last one is the one meant).

        `shared`: the message in lower case and its words.
        """
        found: list[Finding] = []
        low = shared.low
        superior = bool(self.superior.search(low))
        for role, pattern, needs_superior in self.phrases:
            if needs_superior and not superior:
                continue
            for m in pattern.finditer(low):
                self._add(found, role, text, m.start(), m.end())
        for pattern in self.titles if self.role.search(low, shared) else ():
            for m in pattern.finditer(low):
                self._add(found, self.roles[m["role"].lower()], text, m.start(), m.end())
        return sorted(found, key=lambda f: f.start)

    def _add(self, found: list[Finding], role: str, text: str, start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        if not any(start < f.end and f.start < end for f in found):
            found.append(Finding("authority", role, text[start:end], start, end))
