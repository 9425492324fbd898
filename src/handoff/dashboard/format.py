"""Jinja2 filters: times, ages, durations, conditions, and evidence highlighted in escaped text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import yaml
from markupsafe import Markup, escape


def when(value: datetime | str | None) -> str:
    """A time as 'YYYY-MM-DD HH:MM UTC' (empty for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.strftime("%Y-%m-%d %H:%M %Z").replace("+00:00", "UTC").strip()


def local(value: str | None) -> str:
    """An ISO time with its offset as 'Tue 2026-03-03 10:04' (wall clock of that offset)."""
    return datetime.fromisoformat(value).strftime("%a %Y-%m-%d %H:%M") if value else ""


def num(value):
    """A whole float without its '.0' and with thousands separators; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def duration(seconds: float | None) -> str:
    """Seconds as '45s', '12m', '3h 5m' or '2d 4h'."""
    if seconds is None:
        return ""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else f"{secs}s"


def ago(value: datetime | None, now: datetime) -> str:
    """How long before `now` a time was, as a duration."""
    return duration((now - value).total_seconds()) if value is not None else ""


def compact(value) -> str:
    """A condition or value as one line of flow YAML."""
    if value is None:
        return "always"
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()


def title_case(value: str | None) -> str:
    """'next_business_day' as 'Next business day'."""
    return (value or "").replace("_", " ").capitalize()


def highlight(text: str, marks: Iterable[tuple[str, str]]) -> Markup:
    """`text` escaped, with each (words, label) occurrence wrapped in <mark> (case-insensitive)."""
    spans: list[tuple[int, int, str]] = []
    for words, label in marks:
        if not words:
            continue
        for found in re.finditer(re.escape(words), text, re.IGNORECASE):
            spans.append((found.start(), found.end(), label))
    spans.sort()
    pieces, cursor = [], 0
    for start, end, label in spans:
        if start < cursor:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(Markup('<mark title="{}">{}</mark>').format(label, text[start:end]))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)
