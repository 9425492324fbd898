"""A JSON Schema of the facts a policy uses, for an LLM bot to fill as a tool's parameters."""

from __future__ import annotations

from typing import Any

from handoff.core.compiled import Policy
from handoff.core.conditions import AllOf, AnyOf, Cond, Leaf, NoneOf
from handoff.core.facts import AUTHORITY_VALUES

DESCRIPTIONS = {
    "budget": "Budget the visitor stated, in {currency}. A range counts as its upper bound.",
    "deal_size": "Expected deal size in {currency}, when it differs from the budget.",
    "timeline_days": "Days from now until the visitor wants to decide or start (ASAP = 0).",
    "authority": "The visitor's role in the buying decision.",
    "company_size": "Number of employees at the visitor's company.",
    "country": "Country as an ISO 3166-1 alpha-2 code, such as US or DE.",
    "region": "Region as an ISO 3166-2 code, such as US-NY.",
    "territory": "Sales territory of the visitor.",
    "product": "Product line the visitor is interested in.",
    "industry": "Industry of the visitor's company.",
    "email": "The visitor's email address.",
    "name": "The visitor's full name.",
    "company": "The visitor's company name.",
    "phone": "The visitor's phone number.",
}
_AUTHORITY_HELP = {
    "decision_maker": "signs off or owns the budget",
    "influencer": "recommends; someone else decides",
    "user": "would use the product; not part of the decision",
}


def used_facts(policy: Policy) -> list[str]:
    """Facts the policy's criteria and conditions read, in first-use order."""
    seen: dict[str, None] = {}
    for segment in policy.segments:
        _collect(segment.when, seen)
        for criterion in segment.criteria:
            seen[criterion.fact] = None
    for route in policy.routes:
        _collect(route.when, seen)
    for rule in policy.nurture:
        _collect(rule.when, seen)
    if "deal_size" in seen:
        seen.setdefault("budget", None)
    if "territory" in seen:
        seen.setdefault("country", None)
        seen.setdefault("region", None)
    return [name for name in seen if name in DESCRIPTIONS]


def _collect(cond: Cond, seen: dict[str, None]) -> None:
    if isinstance(cond, Leaf):
        seen[cond.name] = None
    elif isinstance(cond, AllOf | AnyOf):
        for part in cond.parts:
            _collect(part, seen)
    elif isinstance(cond, NoneOf):
        _collect(cond.part, seen)


def slots_schema(policy: Policy) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the slots an LLM should extract for this policy."""
    currency = policy.model.currency
    props: dict[str, Any] = {}
    for name in used_facts(policy):
        prop: dict[str, Any] = {"description": DESCRIPTIONS[name].format(currency=currency)}
        if name in ("budget", "deal_size"):
            prop.update(type="number", minimum=0)
        elif name in ("timeline_days", "company_size"):
            prop.update(type="integer", minimum=0)
        elif name == "authority":
            prop.update(type="string", enum=list(AUTHORITY_VALUES))
            prop["description"] += " " + "; ".join(f"{k}: {v}" for k, v in _AUTHORITY_HELP.items())
        elif name == "product":
            prop.update(type="string", enum=list(policy.model.products))
        elif name == "territory":
            prop.update(type="string", enum=list(policy.model.territories))
        elif name == "country":
            prop.update(type="string", pattern="^[A-Z]{2}$")
        elif name == "region":
            prop.update(type="string", pattern="^[A-Z]{2}-[A-Z0-9]{1,3}$")
        else:
            prop["type"] = "string"
        props[name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Slots for {policy.name}",
        "description": "Facts about the visitor that the handoff policy uses. "
        "Fill only what the visitor actually said; leave out what is unknown.",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }
