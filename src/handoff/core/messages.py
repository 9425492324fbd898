"""What the bot says to the visitor: templates with {placeholders}, rendered safely.

Templates are not code: a placeholder names one known variable, optionally with a
strftime format for times (`{next_open:%A at %H:%M}`); nothing else is evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

VARIABLES = (
    "rep.name",
    "rep.first_name",
    "team",
    "visitor.name",
    "visitor.first_name",
    "company",
    "next_open",
    "timezone",
    "resources",
    "sequence",
    "follow_up",
    "route",
    "resources_note",
    "criterion",
)
TIME_VARIABLES = ("next_open",)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.!?])")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}:]*)(?::([^{}]*))?\}|[{}]")

DEFAULTS = {
    "live": "Connecting you with {rep.name} from our {team} team now; "
    "they can see everything you've shared here.",
    "on_call": "Our {team} team is offline right now, so I'm bringing in {rep.name}, "
    "who is on call and can see everything you've shared here.",
    "next_business_day": "Our {team} team is offline right now. They'll reach out first thing "
    "{next_open:%A at %H:%M} {timezone}, with everything you've shared here.",
    "after_hours_notify": "Our team is away right now. I've let them know, and someone will "
    "get back to you by {next_open:%A at %H:%M} {timezone}.",
    "queued": "Everyone on our {team} team is helping other customers right now; "
    "you're in line and the next person free will join you here.",
    "nurture": "Thanks, that's really helpful. I'll send over a few things that should help "
    "for now{resources_note}, and we'll stay in touch.",
    "qualify.budget": "Roughly what budget do you have in mind for this?",
    "qualify.timeline": "When are you hoping to have something in place?",
    "qualify.authority": "What's your role in choosing a solution like this?",
    "qualify.company_size": "About how many people work at your company?",
    "qualify.deal_size": "Roughly how large a deal are we talking about?",
    "qualify": "Could you tell me a bit about your {criterion}?",
}


class TemplateError(ValueError):
    """A template that names an unknown variable or is malformed."""


@dataclass(frozen=True)
class Template:
    """A compiled message template: literal text and placeholders, in order."""

    parts: tuple[str | tuple[str, str | None], ...]

    def render(self, values: dict[str, Any]) -> str:
        """Fill the placeholders from `values`; missing ones render as ''."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            name, spec = part
            value = values.get(name)
            if value is None:
                continue
            if isinstance(value, datetime):
                out.append(value.strftime(spec or "%A %d %B at %H:%M"))
            else:
                out.append(str(value))
        return _SPACE_BEFORE_PUNCTUATION.sub(_punctuation, "".join(out)).strip()


def _punctuation(found: re.Match[str]) -> str:
    """The punctuation of a space-and-punctuation match (a callable: re compiles no template)."""
    return found.group(1)


def compile_template(text: str, extra: tuple[str, ...] = ()) -> Template:
    """Compile a template, refusing unknown variables and stray braces."""
    parts: list[str | tuple[str, str | None]] = []
    pos = 0
    allowed = VARIABLES + extra
    for found in _PLACEHOLDER.finditer(text):
        parts.append(text[pos : found.start()])
        pos = found.end()
        token = found.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
            continue
        if token in ("{", "}"):
            raise TemplateError("a lone brace; write {{ or }} for a literal brace")
        name, spec = found.group(1).strip(), found.group(2)
        if name not in allowed:
            known = ", ".join(allowed)
            raise TemplateError(f"unknown placeholder '{{{name}}}' (known: {known})")
        if spec is not None and name not in TIME_VARIABLES:
            raise TemplateError(f"'{{{name}}}' takes no format")
        parts.append((name, spec))
    parts.append(text[pos:])
    return Template(tuple(p for p in parts if p != ""))
