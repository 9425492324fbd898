"""Rule behaviour pinned by data: every scenario file runs through one parametrised test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import handoff
from handoff.core.source import load_yaml

HERE = Path(__file__).parent
REFERENCE = HERE.parent.parent / "examples" / "policy.yaml"


def _merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(patch)


def _cases():
    reference = load_yaml(REFERENCE.read_text())
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for case in doc["scenarios"]:
            patch = _merge(doc.get("policy_patch") or {}, case.get("policy_patch") or {})
            yield pytest.param(
                path.name, _merge(reference, patch), case, id=f"{path.stem}:{case['name']}"
            )


_POLICIES: dict[str, handoff.Policy] = {}


def _policy(data: dict) -> handoff.Policy:
    text = yaml.safe_dump(data, sort_keys=False)
    if text not in _POLICIES:
        _POLICIES[text] = handoff.load_policy(text)
    return _POLICIES[text]


def _get(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


@pytest.mark.parametrize(("file", "policy_data", "case"), list(_cases()))
def test_scenario(file: str, policy_data: dict, case: dict) -> None:
    policy = _policy(policy_data)
    decision = handoff.decide(
        policy,
        case["events"],
        roster_state=case.get("roster"),
        at=case.get("at", "2026-03-03T15:00:00Z"),
    ).to_dict()
    for key, want in case["expect"].items():
        got = _get(decision, key)
        if isinstance(want, dict) and set(want) == {"contains"}:
            assert want["contains"] in got, f"{key}: {want['contains']!r} not in {got!r}"
        else:
            assert got == want, f"{key}: expected {want!r}, got {got!r}\ntrace: {decision['trace']}"
