"""Deciding (CONTRACT §3): segment, qualification, intent, action, route, hours, rep.

Pure: the policy, the conversation's state, the roster and the time come in; a
Decision with its trace comes out. Segments, routes and nurture rules are
*first match wins*; signals *collect*.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handoff.core.assignment import RosterState, assign
from handoff.core.compiled import CompiledSegment, Policy
from handoff.core.decision import Decision, Step
from handoff.core.events import Event, format_time
from handoff.core.formats import grouped, local_iso, wall_clock
from handoff.core.messages import Template
from handoff.core.state import (
    ConversationState,
    apply_event,
    fact_values,
    resolve_facts,
    says_no_timeline,
)

DERIVED_FACTS = ("deal_size", "territory", "product", "region")
MODE_WORDS = {
    "live": "live",
    "on_call": "to the on-call team",
    "next_business_day": "for the next business day",
    "after_hours_notify": "after hours, with the contact told",
    "queued": "to the team queue (no rep free)",
}


class Assessment:
    """The first half of a decision: facts, segment, qualification, intent and action."""

    def __init__(
        self,
        facts: dict[str, dict],
        ctx: dict[str, Any],
        segment: CompiledSegment | None,
        criteria: list[dict[str, Any]],
        intent: dict[str, Any],
        action: str,
        qualified: bool,
        steps: list[Step],
    ) -> None:
        self.facts = facts
        self.ctx = ctx
        self.segment = segment
        self.criteria = criteria
        self.intent = intent
        self.action = action
        self.qualified = qualified
        self.steps = steps

    @property
    def missing(self) -> list[str]:
        """Criteria still unknown, in policy order."""
        return [c["id"] for c in self.criteria if c["status"] == "unknown"]

    @property
    def unmet(self) -> list[str]:
        """Criteria unmet, in policy order."""
        return [c["id"] for c in self.criteria if c["status"] == "unmet"]


def assess(policy: Policy, state: ConversationState, trace: bool = True) -> Assessment:
    """Facts, segment, criteria, intent score and the action they lead to."""
    steps: list[Step] = []
    facts = resolve_facts(policy, state)
    ctx = fact_values(facts)
    if trace and facts:
        shown = ", ".join(f"{k} {_show(v['value'])}" for k, v in facts.items())
        steps.append(Step("facts", sorted(facts), f"Known facts: {shown}."))
    signals, score, triggers = _intent(policy, state, steps if trace else None)
    ctx["signals"] = frozenset(s["id"] for s in signals)
    ctx["intent_score"] = score
    segment = _segment(policy, ctx, steps if trace else None)
    criteria = _criteria(segment, facts, ctx, steps if trace else None) if segment else []
    threshold = segment.spec.intent_threshold if segment else None
    qualified = segment is not None and all(c["status"] == "met" for c in criteria)
    intent = {
        "score": score,
        "threshold": threshold,
        "signals": signals,
        "triggers": triggers,
    }
    if triggers or qualified and threshold is not None and score >= threshold:
        action = "handoff"
    elif any(c["status"] == "unmet" for c in criteria):
        action = "nurture"
    else:
        action = "qualify"
    if trace:
        steps.append(Step("intent", score, _intent_sentence(score, threshold, triggers, signals)))
    return Assessment(facts, ctx, segment, criteria, intent, action, qualified, steps)


def evaluate(
    policy: Policy,
    state: ConversationState,
    roster: RosterState,
    now: datetime,
    event_index: int | None = None,
    assessment: Assessment | None = None,
) -> Decision:
    """The whole decision for the state at `now`, with its trace.

    `assessment`, when given, is `assess(policy, state)` (with its trace) already made.
    """
    a = assessment or assess(policy, state)
    decision = Decision(
        action=a.action,
        reason="",
        segment=a.segment.spec.id if a.segment else None,
        qualification={
            "qualified": a.qualified,
            "criteria": a.criteria,
            "missing": a.missing,
            "unmet": a.unmet,
        },
        intent=a.intent,
        facts=a.facts,
        policy=policy.identity(),
        decided_at=format_time(now),
        event_index=event_index,
        steps=a.steps,
    )
    if a.action == "handoff":
        _handoff(policy, a, roster, now, decision)
    elif a.action == "nurture":
        _nurture(policy, a, decision)
    else:
        _qualify(policy, a, decision)
    decision.steps.append(Step("decision", decision.action, decision.reason))
    if decision.say:
        decision.steps.append(Step("say", decision.say, f'The bot says: "{decision.say}"'))
    return decision


def decide_events(
    policy: Policy, events: list[Event], roster: RosterState, at: datetime
) -> Decision:
    """CONTRACT §3 step 8: the first handoff decision, else the decision after the last event."""
    state = ConversationState()
    for index, event in enumerate(events):
        apply_event(policy, state, event)
        if not changes_assessment(event) or not could_hand_off(policy, state):
            continue
        a = assess(policy, state)
        if a.action == "handoff":
            return evaluate(policy, state, roster, event.at, index, a)
    last = events[-1].at if events else at
    return evaluate(policy, state, roster, last, len(events) - 1 if events else None)


def changes_assessment(event: Event) -> bool:
    """Whether folding `event` can change what `assess` says (notes, sources, bot lines: no)."""
    if event.type == "message":
        return event.data["role"] == "visitor"
    return event.type not in ("note", "source")


def could_hand_off(policy: Policy, state: ConversationState) -> bool:
    """A cheap, exact gate: False only when no segment could hand off in this state.

    A handoff needs a trigger, or every criterion of a segment met (so every fact it
    reads known) and an intent score at or above that segment's threshold.
    """
    score = 0.0
    for signal in policy.signals:
        count = state.counts.get(signal.id)
        if count:
            if signal.trigger:
                return True
            score += signal.points(count)
    for segment in policy.segments:
        if score < segment.spec.intent_threshold:
            continue
        unread = [f for f in segment.gate_facts if not _given(state, f)]
        # Refute cheaply first, the costliest facts to read having the cheapest gates.
        if all(state.may_have_said(f) for f in reversed(unread)) and all(
            _said(state, f) for f in unread
        ):
            return True
    return False


def _given(state: ConversationState, fact: str) -> bool:
    return fact in state.slots or fact in state.identity or fact in DERIVED_FACTS


def _said(state: ConversationState, fact: str) -> bool:
    entry = state.said_fact(fact)
    return entry is not None and entry["value"] is not None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return _show_float(value)
    if value is None:
        return "none"
    return str(value)


def _show_float(value: float) -> str:
    if value % 1.0 != 0.0:  # also NaN and infinities
        return str(value)
    return grouped(int(value))


def _intent(policy: Policy, state: ConversationState, steps: list[Step] | None):
    signals, score, triggers = [], 0.0, []
    for signal in policy.signals:
        count = state.counts.get(signal.id, 0)
        if not count:
            continue
        points = signal.points(count)
        score += points
        evidence = state.evidence.get(signal.id, [])
        signals.append({"id": signal.id, "count": count, "points": points, "evidence": evidence})
        if signal.trigger:
            triggers.append(signal.id)
        if steps is not None:
            what = "; ".join(
                [f"page {e['page']}" if "page" in e else _said_text(e) for e in evidence[:3]]
            )
            kind = "trigger, hands off on its own" if signal.trigger else f"{_show(points)} points"
            cap = f", counted up to {signal.max_count}" if signal.max_count else ""
            steps.append(
                Step(
                    "signal",
                    points,
                    f"Signal {signal.id} fired {count}× ({what}){cap}: {kind}.",
                    {"id": signal.id, "count": count},
                )
            )
    return signals, score, triggers


def _said_text(e: dict) -> str:
    return f"event {e['event']} said “{e.get('words', '')}”"


def _intent_sentence(score, threshold, triggers, signals) -> str:
    if triggers:
        return f"Trigger {', '.join(triggers)} fired: hand off whatever the score."
    if threshold is None:
        return f"Intent score {_show(score)}."
    verdict = "reaches" if score >= threshold else "is below"
    return f"Intent score {_show(score)} {verdict} the threshold {_show(threshold)}."


def _segment(policy: Policy, ctx: dict, steps: list[Step] | None) -> CompiledSegment | None:
    for seg in policy.segments:
        if steps is None:
            if seg.when.test(ctx):
                return seg
            continue
        matched, clauses = seg.when.judge(ctx)
        why = "; ".join(clauses)
        if matched:
            steps.append(Step("segment", seg.spec.id, f"Segment {seg.spec.id}: {why}."))
            return seg
        steps.append(Step("segment", None, f"Not segment {seg.spec.id}: {why}."))
    return None


def _criteria(seg: CompiledSegment, facts: dict, ctx: dict, steps: list[Step] | None):
    out = []
    for c in seg.criteria:
        entry = facts.get(c.fact)
        value = entry["value"] if entry else None
        if c.fact == "timeline_days" and says_no_timeline(facts):
            status = "unmet"
        elif value is None:
            status = "unknown"
        else:
            status = "met" if c.cond.test(ctx) else "unmet"
        evidence = entry["evidence"] if entry else None
        out.append(
            {
                "id": c.id,
                "status": status,
                "value": value,
                "expected": c.expected,
                "evidence": evidence,
            }
        )
        if steps is not None:
            steps.append(
                Step(
                    "criterion",
                    status,
                    _criterion_sentence(c.id, status, value, c.expected, evidence),
                )
            )
    return out


def _criterion_sentence(cid, status, value, expected, evidence) -> str:
    if status == "unknown":
        return f"Criterion {cid}: unknown (needs {expected}); the bot should ask."
    if value is None:
        return (
            f"Criterion {cid}: unmet: the visitor has no timeline (“{evidence.get('words', '')}”)."
        )
    source = ""
    if evidence:
        source = f", from {evidence['source']}"
        if evidence.get("words"):
            source += f" “{evidence['words']}”"
    return f"Criterion {cid}: {status}: {_show(value)} (needs {expected}{source})."


def _route(policy: Policy, ctx: dict, decision: Decision):
    checked = []
    for route in policy.routes:
        matched, clauses = route.when.judge(ctx)
        detail = "; ".join(clauses)
        checked.append({"id": route.spec.id, "matched": matched, "detail": detail})
        verdict = "matched" if matched else "did not match"
        decision.steps.append(Step("route", matched, f"Route {route.spec.id} {verdict}: {detail}."))
        if matched:
            return route, checked
    return None, checked


def _handoff(policy: Policy, a: Assessment, roster: RosterState, now: datetime, decision: Decision):
    ctx = dict(a.ctx, segment=decision.segment)
    route, checked = _route(policy, ctx, decision)
    why = (
        f"the visitor triggered {', '.join(a.intent['triggers'])}"
        if a.intent["triggers"]
        else f"qualified for {decision.segment} with intent {_show(a.intent['score'])} "
        f"≥ {_show(a.intent['threshold'])}"
    )
    if route is None:
        decision.route = {"id": None, "team": None, "priority": "normal", "checked": checked}
        decision.mode, decision.priority = "queued", "normal"
        decision.reason = f"Handoff ({why}), but no route matched: it waits unassigned."
        return
    spec = route.spec
    team_id = spec.team
    decision.route = {"id": spec.id, "team": team_id, "priority": spec.priority, "checked": checked}
    decision.priority = spec.priority
    schedule = policy.schedule_for(team_id)
    next_open, holiday = None, None
    if schedule is None:
        is_open, local, zone = True, now.astimezone(_zone(policy)), policy.model.timezone
    else:
        local, zone = schedule.local(now), schedule.timezone
        is_open = schedule.is_open_local(local)
        if not is_open:
            next_open, holiday = schedule.next_open(now), schedule.holiday(local.date())
    decision.hours = {
        "team": team_id,
        "open": is_open,
        "local_time": local_iso(local),
        "timezone": zone,
        "next_open": local_iso(next_open) if next_open else None,
        "holiday": holiday,
    }
    decision.steps.append(
        Step("hours", is_open, _hours_sentence(team_id, is_open, local, zone, next_open, holiday))
    )
    team = policy.teams[team_id]
    rep_team, reps_filter, mode = team_id, route.reps, "live"
    if not is_open:
        ah = team.after_hours
        action = ah.action if ah else "next_business_day"
        if ah and ah.priority:
            decision.priority = ah.priority
        if action == "on_call" and ah is not None:
            rep_team, reps_filter, mode = ah.team, None, "on_call"
        else:
            mode = "next_business_day" if action == "next_business_day" else "after_hours_notify"
            contact = (ah.contact or team.contact) if ah else None
            decision.after_hours = {
                "action": action,
                "contact": contact,
                "due": decision.hours["next_open"],
            }
            decision.steps.append(
                Step("after_hours", action, _after_hours_sentence(team_id, action, contact, ah))
            )
    chosen_rep = None
    if mode in ("live", "on_call"):
        rep_team_spec = policy.teams[rep_team]
        reps = _team_reps(policy, roster, rep_team)
        chosen = assign(reps, rep_team, rep_team_spec.assign, reps_filter, roster)
        decision.assignment = chosen.to_dict()
        chosen_rep = chosen.rep
        for s in chosen.skipped:
            decision.steps.append(
                Step("candidate", False, f"Skipped {s['rep']}: {s['why']}.", {"rep": s["rep"]})
            )
        if chosen.rep is None:
            mode = "queued"
            decision.steps.append(
                Step(
                    "assignment",
                    None,
                    f"No rep of {rep_team} can take it now: it waits in the team queue.",
                )
            )
        else:
            decision.steps.append(
                Step(
                    "assignment",
                    chosen.rep.id,
                    f"Assigned to {chosen.rep.id} of {rep_team} by "
                    f"{chosen.strategy.replace('_', ' ')}.",
                )
            )
    decision.mode = mode
    decision.after_hours = decision.after_hours or (
        {"action": "on_call", "contact": None, "due": None} if mode == "on_call" else None
    )
    who = f" to {decision.rep}" if decision.rep else ""
    decision.reason = (
        f"Handoff {MODE_WORDS[mode]}{who} via route {spec.id} (team {team_id}): {why}."
    )
    decision.say = _say(policy, a, decision, route_id=spec.id, mode=mode, rep=chosen_rep)


def _zone(policy: Policy) -> ZoneInfo:
    return ZoneInfo(policy.model.timezone)


def _team_reps(policy: Policy, roster: RosterState, team: str):
    if roster.reps is None:
        return policy.reps_by_team.get(team, ())
    return tuple(r for r in roster.reps if team in r.teams)


def _hours_sentence(team, is_open, local, zone, next_open, holiday) -> str:
    when = wall_clock(local)
    if is_open:
        return f"Team {team} is open ({when} {zone})."
    why = f", {holiday}" if holiday else ""
    nxt = f"; next opening {wall_clock(next_open)}" if next_open else "; it never opens"
    return f"Team {team} is closed ({when} {zone}{why}){nxt}."


def _after_hours_sentence(team, action, contact, ah) -> str:
    if action == "notify":
        return f"After hours, team {team} notifies {contact} and waits for the next opening."
    lead = "After hours" if ah else f"Team {team} has no after-hours path, so it"
    return f"{lead}: waits flagged for the next business day."


def nurture_context(a: Assessment) -> dict[str, Any]:
    """What nurture rules' `when` sees: the facts, segment, and unmet and unknown criteria."""
    segment = a.segment.spec.id if a.segment else None
    return dict(a.ctx, segment=segment, unmet=frozenset(a.unmet), unknown=frozenset(a.missing))


def nurture_rule(policy: Policy, a: Assessment) -> str | None:
    """The id of the first nurture rule that applies to an assessment, if any."""
    ctx = nurture_context(a)
    return next((r.spec.id for r in policy.nurture if r.when.test(ctx)), None)


def _nurture(policy: Policy, a: Assessment, decision: Decision) -> None:
    ctx = nurture_context(a)
    unmet = ", ".join(a.unmet)
    for rule in policy.nurture:
        if rule.when.test(ctx):
            decision.nurture = {
                "id": rule.spec.id,
                "action": rule.spec.action.model_dump(exclude_none=True),
            }
            why = "; ".join(rule.when.explain(ctx))
            decision.steps.append(
                Step("nurture", rule.spec.id, f"Nurture rule {rule.spec.id} applies: {why}.")
            )
            decision.reason = (
                f"Not qualified ({unmet} unmet): nurture '{rule.spec.id}', never a rep."
            )
            decision.say = _say(policy, a, decision, nurture=rule.spec.action)
            return
    decision.reason = f"Not qualified ({unmet} unmet): nurture, and no nurture rule applies."


def _qualify(policy: Policy, a: Assessment, decision: Decision) -> None:
    decision.ask = a.missing
    if a.segment is None:
        decision.reason = "No segment matches yet: the bot keeps the conversation."
    elif a.missing:
        decision.reason = f"Still qualifying: the bot should ask about {', '.join(a.missing)}."
        template = policy.templates.get(f"qualify.{a.missing[0]}") or policy.templates["qualify"]
        decision.say = template.render({"criterion": a.missing[0].replace("_", " ")})
    else:
        decision.reason = (
            f"Qualified, but intent {_show(a.intent['score'])} is below "
            f"{_show(a.intent['threshold'])}: the bot keeps the conversation."
        )


def _say(
    policy: Policy,
    a: Assessment,
    decision: Decision,
    *,
    route_id=None,
    mode=None,
    rep=None,
    nurture=None,
) -> str:
    values: dict[str, Any] = {}
    name = a.facts.get("name")
    if name:
        values["visitor.name"] = name["value"]
        values["visitor.first_name"] = str(name["value"]).split()[0] if name["value"] else None
    if "company" in a.facts:
        values["company"] = a.facts["company"]["value"]
    if nurture is not None:
        values["resources"] = ", ".join(nurture.resources) or None
        values["resources_note"] = (
            f" ({', '.join(nurture.resources)})" if nurture.resources else None
        )
        values["sequence"] = nurture.sequence
        values["follow_up"] = _days(nurture.follow_up_in)
        template: Template = policy.templates["nurture"]
        return template.render(values)
    assert decision.route is not None, "a handoff's say needs its route"
    team_id = decision.route["team"]
    team = policy.teams[team_id]
    values["team"] = team.name or team_id
    values["route"] = route_id
    if rep is not None:
        values["rep.name"] = rep.name or rep.id
        values["rep.first_name"] = (rep.name or rep.id).split()[0]
    if decision.hours and decision.hours["next_open"]:
        zone = ZoneInfo(decision.hours["timezone"])
        opening = datetime.fromisoformat(decision.hours["next_open"]).astimezone(zone)
        values["next_open"] = opening
        values["timezone"] = opening.tzname()
    template = policy.templates.get(f"route.{route_id}.{mode}") or policy.templates[mode]
    return template.render(values)


def _days(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    days = seconds // 86400
    if days and seconds % 86400 == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{seconds // 3600} hours"
