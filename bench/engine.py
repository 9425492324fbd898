"""Benchmark: `handoff.decide` with its trace against zen-engine (GoRules) with tracing on.

Run from the repository root:

    .venv/bin/python bench/engine.py            # the table (≈ 20 s)
    .venv/bin/python bench/engine.py --profile  # plus cProfile of our side, top 25 by cumulative

Ours: the whole `handoff.decide` call on the reference policy for a 10-event
conversation (parse the event dicts, fold them one by one, assess after each,
decide with the full trace at the 10th). Zen: `ZenEngine({"loader": ...}).evaluate`
with `{"trace": True}` on bench/zen_reference.json, a JDM graph holding the same
signals (collect), segments (first) and routes (first), fed the facts and signal
counts our engine ends up with. Both must name the same route, or the script fails.
Goal: our median and p99 ≤ 1.0× zen's. An info row times our `evaluate` alone on the
folded state, i.e. on what zen is fed (facts known, signals counted), still with our
whole decision and trace (criteria, hours, rep, what to say), which zen's graph lacks.
Exit status is 0 when the goal is missed (the table says MISS); non-zero only when the
two sides disagree or crash.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import handoff  # noqa: E402
from handoff.core import is_compiled  # noqa: E402
from handoff.core.engine import evaluate  # noqa: E402

POLICY = ROOT / "examples" / "policy.yaml"
ZEN_GRAPH = Path(__file__).resolve().parent / "zen_reference.json"
ZEN_KEY = "handoff-reference"
GOAL = 1.0
ITERATIONS = 10000
WARMUP = 500
PROFILED = 2000
BLOCK = 500  # calls of one side in a row (0.2% follow a switch: too few to move the p99)

# Tuesday 3 March 2026, 10:00-10:09 in New York (15:00Z, EST): us-east is open.
CONVERSATION: list[dict[str, Any]] = [
    {"type": "source", "landing_page": "/enterprise", "referrer": "https://www.google.com/",
     "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "enterprise-q1",
     "at": "2026-03-03T15:00:00Z"},
    {"type": "page_view", "url": "https://acme.example/enterprise?ref=nav",
     "title": "Acme Enterprise", "at": "2026-03-03T15:00:05Z"},
    {"type": "page_view", "url": "https://acme.example/pricing?plan=enterprise", "title": "Pricing",
     "at": "2026-03-03T15:01:20Z"},
    {"type": "identify", "name": "Dana Miller", "email": "dana.miller@globex.example",
     "company": "Globex", "phone": "+1 212 555 0100", "country": "US", "region": "US-NY",
     "city": "New York", "at": "2026-03-03T15:02:00Z"},
    {"type": "message", "role": "bot", "text": "Hi Dana! What brings you to Acme today?",
     "at": "2026-03-03T15:02:10Z"},
    {"type": "message", "role": "visitor",
     "text": "We're evaluating tools for our sales org and I want to understand the implementation "
             "effort and how long onboarding usually takes.",
     "at": "2026-03-03T15:03:00Z"},
    {"type": "message", "role": "bot", "text": "Happy to help. Which tools are you using today?",
     "at": "2026-03-03T15:03:15Z"},
    {"type": "message", "role": "visitor",
     "text": "We're on HubSpot right now. We set aside budget for a switch this year, so cost "
             "matters less than getting the migration right.",
     "at": "2026-03-03T15:05:00Z"},
    {"type": "note", "text": "Visitor compares with HubSpot; enterprise pages viewed.",
     "at": "2026-03-03T15:05:05Z"},
    {"type": "slots",
     "values": {"budget": 120000, "timeline_days": 60, "authority": "decision_maker",
                "company_size": 400},
     "at": "2026-03-03T15:09:00Z"},
]
EXPECTED_ROUTE = "enterprise-east"


def load_reference_policy() -> tuple[Any, str]:
    """The reference policy, through `handoff.load_policy` when it imports, else extractor-less."""
    try:
        return handoff.load_policy(str(POLICY)), "handoff.load_policy"
    except ImportError as exc:
        from handoff.core.loader import load_policy

        return load_policy(str(POLICY)), f"handoff.core.loader.load_policy (extractor-less: {exc})"


def zen_context(decision: dict[str, Any], signal_ids: list[str]) -> dict[str, Any]:
    """What our engine saw at its decision, as zen input: fact values and every signal's count."""
    facts = {name: entry["value"] for name, entry in decision["facts"].items()}
    fired = {s["id"]: s["count"] for s in decision["intent"]["signals"]}
    return {"facts": facts, "counts": {sid: fired.get(sid, 0) for sid in signal_ids}}


def folded(policy: Any, raws: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
    """The conversation folded into a state, as zen gets it: facts known, signals counted."""
    from handoff.core.assignment import RosterState
    from handoff.core.events import parse_events
    from handoff.core.state import ConversationState, apply_event

    events = parse_events(raws, datetime.now(UTC))
    state = ConversationState()
    for event in events:
        apply_event(policy, state, event)
    return state, RosterState(), events[-1].at


def time_calls(
    calls: list[Callable[[], Any]], iterations: int, warmup: int, block: int = BLOCK
) -> list[list[int]]:
    """Nanoseconds per call of each of `calls`, each timed on its own with perf_counter_ns.

    After a warm-up of each, the calls take turns in blocks of `block`, so that whatever else
    the machine does at a moment falls on every side alike, in the median and in the p99.
    """
    for call in calls:
        for _ in range(warmup):
            call()
    samples: list[list[int]] = [[] for _ in calls]
    clock = time.perf_counter_ns
    gc.collect()  # start clean; the collector stays on, so its pauses show in p99 as in service
    for start_at in range(0, iterations, block):
        for call, times in zip(calls, samples, strict=True):
            for _ in range(min(block, iterations - start_at)):
                start = clock()
                call()
                times.append(clock() - start)
    return samples


def stats_us(samples: list[int]) -> tuple[float, float]:
    """Median and p99 (nearest rank) in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, max(0, -(-99 * len(ordered) // 100) - 1))]
    return statistics.median(ordered) / 1000, p99 / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=ITERATIONS, help="timed calls per side")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="untimed calls first")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile our decide, top 25 by cumulative"
    )
    args = parser.parse_args(argv)

    import zen

    policy, loaded_with = load_reference_policy()
    events = CONVERSATION

    def ours() -> Any:
        return handoff.decide(policy, events, roster_state=None, at=None)

    decision = ours().to_dict()
    assert len(events) == 10, "the benchmark conversation has 10 events"
    assert decision["action"] == "handoff", decision["reason"]
    assert decision["event_index"] == len(events) - 1, "the handoff must come at the 10th event"
    assert decision["mode"] == "live", decision["reason"]
    assert decision["trace"], "the trace is on"

    graph = ZEN_GRAPH.read_text(encoding="utf-8")
    content = zen.ZenDecisionContent(graph)  # parsed once; the loader hands it out per key
    graphs = {ZEN_KEY: content}

    def loader(key: str) -> Any:
        return graphs[key]

    engine = zen.ZenEngine({"loader": loader})
    signal_ids = [s.id for s in policy.signals]
    context = zen_context(decision, signal_ids)
    options = {"trace": True}

    def theirs() -> Any:
        return engine.evaluate(ZEN_KEY, context, options)

    answer = theirs()
    ours_route = decision["route"]["id"]
    zen_route = answer["result"]["route"]["id"]
    assert answer["trace"], "zen's trace is on"
    assert ours_route == zen_route == EXPECTED_ROUTE, f"route: ours {ours_route}, zen {zen_route}"
    assert answer["result"]["segment"] == decision["segment"], "segment differs"
    assert answer["result"]["intent_score"] == decision["intent"]["score"], "intent score differs"

    precompiled = engine.get_decision(ZEN_KEY)

    def theirs_precompiled() -> Any:
        return precompiled.evaluate(context, options)

    def ours_json() -> Any:
        return ours().to_dict()

    state, roster, at = folded(policy, events)

    def ours_decision_only() -> Any:
        return evaluate(policy, state, roster, at, len(events) - 1)

    ours_times, zen_times, json_times = time_calls(
        [ours, theirs, ours_json], args.iterations, args.warmup
    )
    few, few_warm = max(1, args.iterations // 4), args.warmup // 4
    pre_times, only_times = time_calls([theirs_precompiled, ours_decision_only], few, few_warm)
    ours_med, ours_p99 = stats_us(ours_times)
    zen_med, zen_p99 = stats_us(zen_times)
    ours_json_med, ours_json_p99 = stats_us(json_times)
    pre_med, pre_p99 = stats_us(pre_times)
    only_med, only_p99 = stats_us(only_times)

    ratio_med, ratio_p99 = ours_med / zen_med, ours_p99 / zen_p99
    verdict = "PASS" if ratio_med <= GOAL and ratio_p99 <= GOAL else "MISS"

    print(f"reference policy loaded via {loaded_with}; core "
          f"{'compiled by mypyc' if is_compiled() else 'pure Python (HANDOFF_PURE_PYTHON build)'}")
    print(f"zen-engine {_zen_version()}; {args.iterations} timed calls per side, "
          f"after {args.warmup} warm-up")
    print(f"conversation: {len(events)} events -> {decision['action']} {decision['mode']} "
          f"via route {ours_route} (zen: {zen_route}), {len(decision['trace'])} trace lines; "
          f"zen trace: {len(answer['trace'])} nodes")
    print()
    rows = [
        ("ours: handoff.decide, trace on", ours_med, ours_p99),
        ("zen:  ZenEngine+loader evaluate, trace", zen_med, zen_p99),
        ("(info) ours: decide + to_dict()", ours_json_med, ours_json_p99),
        ("(info) zen: get_decision().evaluate", pre_med, pre_p99),
        ("(info) ours: evaluate on zen's inputs", only_med, only_p99),
    ]
    print(f"{'':40} {'median µs':>10} {'p99 µs':>10}")
    for name, med, p99 in rows:
        print(f"{name:40} {med:10.1f} {p99:10.1f}")
    print(f"{'ratio ours/zen':40} {ratio_med:9.2f}× {ratio_p99:9.2f}×")
    print(f"{'goal':40} {'≤ 1.0×':>10} {'≤ 1.0×':>10}")
    print(f"{'result':40} {verdict:>10}")

    if args.profile:
        print()
        calls = min(args.iterations, PROFILED)
        print(f"cProfile of our decide, {calls} calls, top 25 by cumulative time:")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            ours()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return 0


def _zen_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zen-engine")
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
