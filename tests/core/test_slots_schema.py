"""`handoff schema slots`: the facts a policy uses, as a JSON Schema an LLM can fill."""

from __future__ import annotations

from pathlib import Path

import handoff
from handoff.core.slots_schema import slots_schema, used_facts

POLICY = handoff.load_policy(Path(__file__).parents[2] / "examples" / "policy.yaml")


def test_reference_policy_uses_the_qualification_and_routing_facts() -> None:
    assert used_facts(POLICY) == [
        "deal_size",
        "product",
        "company_size",
        "budget",
        "timeline_days",
        "authority",
        "territory",
        "country",
        "region",
    ]


def test_schema_types_and_allowed_values() -> None:
    schema = slots_schema(POLICY)
    props = schema["properties"]
    assert schema["additionalProperties"] is False
    assert props["budget"]["type"] == "number"
    assert "USD" in props["budget"]["description"]
    assert props["authority"]["enum"] == ["decision_maker", "influencer", "user"]
    assert props["product"]["enum"] == ["enterprise", "smb"]
    assert props["territory"]["enum"] == ["northeast", "west", "north-america", "emea"]
    assert props["timeline_days"]["type"] == "integer"


def test_a_policy_that_reads_fewer_facts_asks_for_fewer() -> None:
    policy = handoff.load_policy(
        "name: t\nsegments:\n  - id: all\n    qualify: {budget: {gte: 10}}\n"
    )
    assert list(slots_schema(policy)["properties"]) == ["budget"]


def test_schema_slots_accepted_by_the_engine() -> None:
    """A slots event shaped by the schema is what decide accepts."""
    values = {
        "budget": 60000,
        "timeline_days": 30,
        "authority": "decision_maker",
        "product": "enterprise",
    }
    assert set(values) <= set(slots_schema(POLICY)["properties"])
    decision = handoff.decide(
        POLICY, [{"type": "slots", "values": values}], at="2026-03-03T15:00:00Z"
    )
    assert decision.qualification["qualified"] is True
