"""Which fact a bot question asks for ("What budget do you have in mind?" -> "budget")."""

from __future__ import annotations

import re

from handoff.extract.gates import Gated
from handoff.extract.spans import lowercase
from handoff.extract.vocabulary import Vocabulary

_ENDS = ".!?\n"


class TopicReader:
    """Classifies a bot message by the fact its (last) question asks for."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.topics = [(name, Gated(re.compile(p))) for name, p in vocab.topics]

    def read(self, text: str) -> str | None:
        """The fact asked for by the last question in `text` (or by `text` if it has none)."""
        question = _last_question(lowercase(text))
        best: tuple[int, str] | None = None
        for name, pattern in self.topics:
            m = pattern.search(question)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), name)
        return best[1] if best else None


def _last_question(text: str) -> str:
    """The last question in `text` with the rest of its sentence before it, else all of `text`."""
    end = text.rfind("?")
    if end < 0:
        return text
    return text[max(text.rfind(c, 0, end) for c in _ENDS) + 1 : end + 1]
