"""Words to facts: budget, timeline, authority and company size, each with its evidence.

    ex = make_extractor(currency="USD", rates={"EUR": 1.08})
    ex.facts("around €50k, decision by Q3", at=now)   # -> [Finding(...), ...]
    ex.topic("What budget do you have in mind?")      # -> "budget"
"""

from handoff.extract.extractor import LANGUAGES, RuleExtractor, make_extractor
from handoff.extract.vocabulary import Vocabulary

__all__ = ["LANGUAGES", "RuleExtractor", "Vocabulary", "make_extractor"]
