"""The words of one language that the readers are built from.

Every reader (money, timeline, authority, size, topic) compiles its patterns
from a `Vocabulary`, so a new language is a new instance registered in
`LANGUAGES`, not new code. Fields ending in `_re` are regular-expression
fragments (compiled case-insensitively, without capturing groups); the others
map words to values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """Words and phrase fragments of one language, as the readers use them."""

    # numbers
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    fuzzy: dict[str, int]
    half_re: str
    magnitudes: dict[str, int]
    # money
    currency_words: dict[str, str]
    qualifier_re: str
    range_re: str
    between_re: str
    budget_re: str
    not_budget_re: str
    not_budget_after_re: str
    unit_price_re: str
    period_re: str
    count_nouns_re: str
    not_number_before_re: str
    bare_after_re: str
    # timeline
    months: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    halves: dict[str, int]
    ordinals: dict[str, int]
    duration_units: dict[str, tuple[str, int]]
    weekdays: dict[str, int]
    not_duration_after_re: str
    generic_periods: dict[str, str]
    asap_re: str
    no_timeline_re: str
    soon_before_re: str
    duration_after_re: str
    timeline_re: str
    past_re: str
    past_after_re: str
    this_re: str
    next_re: str
    start_re: str
    mid_re: str
    end_re: str
    by_re: str
    # authority
    roles: dict[str, str]
    self_re: str
    title_filler_re: str
    superior_re: str
    authority_phrases: tuple[tuple[str, str], ...]
    # size
    staff_re: str
    people_re: str
    company_re: str
    we_re: str
    headcount_re: str
    users_after_re: str
    subset_before_re: str
    alone_re: str
    size_past_re: str
    # bot questions
    topics: tuple[tuple[str, str], ...]
