"""Hypothesis on handoff.load_policy: any text or structure is a Policy or a PolicyError, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handoff
from handoff.core.source import parse

REFERENCE = yaml.safe_load((Path(__file__).parents[2] / "examples" / "policy.yaml").read_text())
KEYS = sorted({*REFERENCE, "when", "weight", "max_count", "trigger", "qualify", "team", "hours",
               "timezone", "holidays", "after_hours", "action", "reps", "capacity", "assign",
               "intent_threshold", "gte", "lte", "any", "all", "not", "in", "says", "page",
               "mentions", "within_days", "schedule", "id", "priority", "exists"})  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["09:00-17:00", "mon-fri", "24:00", "[", "*", "US",
                                           "round_robin", "on_call", "(", "a{99999}"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
EXAMPLES = int(os.environ.get("HANDOFF_FUZZ_EXAMPLES", "150"))  # more for a deeper run
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def loads_or_refuses(source: str) -> None:
    """The contract: a Policy, or PolicyError with at least one problem."""
    try:
        policy = handoff.load_policy(source)
    except handoff.PolicyError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
    else:
        assert policy.sha256


@FAST
@given(st.text(max_size=300))
def test_any_text(source):
    loads_or_refuses(source + "\n")


def test_one_line_ending_in_yaml_is_a_path(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("name: [unclosed\n")
    try:
        handoff.load_policy(str(path))
    except handoff.PolicyError as exc:
        assert exc.problems[0].file == str(path)


@FAST
@given(VALUES)
def test_any_yaml_structure(data):
    loads_or_refuses(yaml.safe_dump(data, allow_unicode=True))


@FAST
@given(st.sampled_from(sorted(REFERENCE)), VALUES)
def test_the_reference_with_one_section_replaced(section, value):
    policy = {**REFERENCE, section: value}
    loads_or_refuses(yaml.safe_dump(policy, allow_unicode=True))


@FAST
@given(st.data())
def test_the_reference_with_one_nested_value_replaced(data):
    policy = yaml.safe_load(yaml.safe_dump(REFERENCE))
    node, path = policy, []
    while isinstance(node, (dict, list)) and node:
        key = data.draw(
            st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node)))
        )
        path.append(key)
        if not isinstance(node[key], (dict, list)) or data.draw(st.booleans()):
            node[key] = data.draw(VALUES)
            break
        node = node[key]
    loads_or_refuses(yaml.safe_dump(policy, allow_unicode=True))


def test_values_yaml_cannot_construct_are_problems_with_their_place():
    """Found by test_any_text: "=" and unknown or malformed tags once escaped as a crash."""
    for text, where, words in [
        ("name: !foo bar\n", (1, 7), "'!foo'"),
        ("name: !!int abc\n", (1, 7), "tag:yaml.org,2002:int"),
        ("name: ok\nx: !!python/name:os.system\n", (2, 4), "python/name:os.system"),
    ]:
        try:
            handoff.load_policy(text)
        except handoff.PolicyError as exc:
            found = [p for p in exc.problems if words in p.message]
            assert found and (found[0].line, found[0].column) == where, exc.problems
        else:
            raise AssertionError(f"{text!r} loaded")


def test_a_lone_equals_sign_is_text():
    """YAML 1.1's "=" value key is not a tag we read: it stays the text "=" (no crash)."""
    src, problems = parse("name: =\n= : 1\n")
    assert problems == [] and src.data == {"name": "=", "=": 1}
