"""load_policy: YAML text -> a validated, compiled Policy, or every problem at once."""

from __future__ import annotations

import copy
import hashlib
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from handoff.core import lint
from handoff.core.compiled import (
    CRITERION_FACTS,
    CompiledNurture,
    CompiledRoute,
    CompiledSegment,
    Criterion,
    Policy,
    Territory,
)
from handoff.core.conditions import Cond, Name, Scope, compile_condition
from handoff.core.facts import AUTHORITY_VALUES, FACT_NAMES, Extractor, NoExtractor
from handoff.core.messages import DEFAULTS, Template, TemplateError, compile_template
from handoff.core.policy import PolicyModel
from handoff.core.problems import Path, PolicyError, Problem, did_you_mean
from handoff.core.schedule import compile_schedule
from handoff.core.signals import ProductMatcher, SignalMatcher, glob_regex, words_regex
from handoff.core.source import Source, parse

ExtractorFactory = Callable[[str, dict[str, float]], Extractor]


def read_policy_text(path_or_text: str | FilePath) -> tuple[str, str]:
    """(text, file name) from a path, or from YAML text given directly."""
    if isinstance(path_or_text, FilePath):
        return path_or_text.read_text(encoding="utf-8"), str(path_or_text)
    if "\n" not in path_or_text and path_or_text.endswith((".yaml", ".yml")):
        return FilePath(path_or_text).read_text(encoding="utf-8"), path_or_text
    return path_or_text, "<policy>"


def load_policy(
    path_or_text: str | FilePath,
    *,
    file: str | None = None,
    version: int | None = None,
    extractor: ExtractorFactory | None = None,
) -> Policy:
    """Load and compile a policy; raises PolicyError carrying every problem."""
    text, name = read_policy_text(path_or_text)
    src, problems = parse(text, file or name)
    if problems:
        raise PolicyError(problems)
    if not isinstance(src.data, dict):
        raise PolicyError([src.problem((), "a policy must be a mapping of sections")])
    model, problems = _validate(src)
    if model is None:
        raise PolicyError(sorted(problems, key=_order))
    builder = _Builder(src, model)
    policy = builder.build(version, extractor)
    problems += builder.problems
    if problems:
        raise PolicyError(sorted(dict.fromkeys(problems), key=_order))
    policy.warnings = sorted(lint.warnings(policy, src), key=_order)
    return policy


def _validate(src: Source) -> tuple[PolicyModel | None, list[Problem]]:
    """Validate the model; on errors, drop what is wrong and validate again to find the rest."""
    data = copy.deepcopy(src.data)
    problems: list[Problem] = []
    for _ in range(8):
        try:
            return PolicyModel.model_validate(data), problems
        except ValidationError as exc:
            found = _pydantic_problems(src, exc)
            problems += [p for p in found if p not in problems]
            if not any(_drop(data, tuple(e["loc"])) for e in exc.errors()):
                return None, problems
    return None, problems


def _drop(data: Any, loc: Path) -> bool:
    """Remove the value at `loc` (or its container when it is required); True when removed."""
    for cut in range(len(loc), 0, -1):
        parent = data
        try:
            for step in loc[: cut - 1]:
                parent = parent[step]
            key = loc[cut - 1]
            if (
                isinstance(parent, dict)
                and key in parent
                and (cut < len(loc) or key not in _REQUIRED)
            ):
                del parent[key]
                return True
            if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                del parent[key]
                return True
        except (KeyError, IndexError, TypeError):
            continue
    return False


_REQUIRED = {"id", "team", "when", "action", "name", "segments"}


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _order(p: Problem) -> tuple[int, int]:
    return (p.line, p.column)


def _pydantic_problems(src: Source, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ".".join(str(x) for x in loc)
        if err["type"] == "extra_forbidden":
            key = loc[-1]
            hint = did_you_mean(str(key), _fields_at(loc[:-1]))
            out.append(src.problem(loc, f"unknown key '{key}'{hint}", key=True))
        elif err["type"] == "missing":
            out.append(src.problem(loc[:-1], f"missing required key '{loc[-1]}'"))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            out.append(src.problem(loc, f"{where}: {msg}"))
    return out


def _fields_at(loc: Path) -> list[str]:
    tp: Any = PolicyModel
    for step in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(step, str):
            field = tp.model_fields.get(step)
            if field is None:
                return []
            tp = field.annotation
        else:
            args = typing.get_args(_unwrap(tp))
            tp = args[-1] if args else Any
    tp = _unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


class _Builder:
    """Compiles the parts of a validated model, collecting problems with their positions."""

    def __init__(self, src: Source, model: PolicyModel):
        self.src = src
        self.model = model
        self.problems: list[Problem] = []

    def error(self, path: Path, message: str, key: bool = False) -> None:
        self.problems.append(self.src.problem(path, message, key=key))

    def build(self, version: int | None, extractor: ExtractorFactory | None) -> Policy:
        m = self.model
        self._check_ids()
        self._check_zone(m.timezone, ("timezone",))
        criterion_ids = sorted({c for s in m.segments for c in s.qualify})
        facts = self._fact_scope()
        seg_scope = {**facts, "signals": Name(True, self._ids(m.signals)), "intent_score": Name()}
        route_scope = {**seg_scope, "segment": Name(False, self._ids(m.segments))}
        nurture_scope = {
            **route_scope,
            "unmet": Name(True, tuple(criterion_ids)),
            "unknown": Name(True, tuple(criterion_ids)),
        }
        rates = dict(m.rates)
        factory = extractor or (lambda currency, rates: NoExtractor())
        policy = Policy(
            model=m,
            source=self.src.text,
            sha256=hashlib.sha256(self.src.text.encode()).hexdigest(),
            file=self.src.file,
            version=version,
            signals=self._signals(),
            products=self._products(),
            territories=self._territories(),
            segments=self._segments(seg_scope),
            routes=self._routes(route_scope),
            nurture=tuple(
                CompiledNurture(n, self._cond(n.when, ("nurture", i, "when"), nurture_scope))
                for i, n in enumerate(m.nurture)
            ),
            schedules=self._schedules(),
            templates=self._templates(criterion_ids),
            extractor=factory(m.currency, rates),
        )
        self._check_teams()
        policy.reps_by_team = {t: tuple(r for r in m.reps if t in r.teams) for t in m.teams}
        return policy

    def _ids(self, items: list[Any]) -> tuple[str, ...]:
        return tuple(x.id for x in items)

    def _check_ids(self) -> None:
        for section in ("signals", "segments", "routes", "reps", "nurture"):
            seen: set[str] = set()
            for i, item in enumerate(getattr(self.model, section)):
                if item.id in seen:
                    self.error((section, i, "id"), f"duplicate id '{item.id}' in {section}")
                seen.add(item.id)

    def _check_zone(self, zone: str, path: Path) -> None:
        if not _is_zone(zone):
            self.error(path, f"unknown time zone '{zone}' (use an IANA name such as Europe/Paris)")

    def _fact_scope(self) -> dict[str, Name]:
        m = self.model
        scope = {name: Name() for name in FACT_NAMES}
        scope["authority"] = Name(False, AUTHORITY_VALUES)
        scope["territory"] = Name(False, tuple(m.territories))
        scope["product"] = Name(False, tuple(m.products))
        return scope

    def _cond(self, raw: Any, path: Path, scope: Scope) -> Cond:
        cond, issues = compile_condition(raw, path, scope)
        for where, message, at_key in issues:
            self.error(where, message, key=at_key)
        return cond

    def _words(self, items: list[str], path: Path) -> list[str]:
        lists = {"competitors": self.model.competitors, **self.model.lists}
        out: list[str] = []
        for item in items:
            out.extend(lists.get(item) or [item])
        if not out:
            self.error(path, "no words to look for")
        return out

    def _signals(self) -> tuple[SignalMatcher, ...]:
        out = []
        for i, s in enumerate(self.model.signals):
            path = ("signals", i, "when")
            kinds = [k for k in ("page", "says", "mentions") if getattr(s.when, k) is not None]
            if len(kinds) != 1:
                self.error(path, "a signal's when names exactly one of page, says or mentions")
                continue
            kind = kinds[0]
            values = getattr(s.when, kind)
            base = dict(
                id=s.id, kind=kind, weight=s.weight, max_count=s.max_count, trigger=s.trigger
            )
            if kind == "page":
                out.append(SignalMatcher(**base, pattern=glob_regex(values)))
            elif kind == "mentions":
                words = self._words(values, path + ("mentions",))
                out.append(SignalMatcher(**base, pattern=words_regex(words) if words else None))
            else:
                pats = tuple(self._regex(p, path + ("says", j)) for j, p in enumerate(values))
                out.append(SignalMatcher(**base, patterns=tuple(p for p in pats if p)))
        return tuple(out)

    def _regex(self, pattern: str, path: Path) -> re.Pattern[str] | None:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            self.error(path, f"bad regular expression '{pattern}': {exc.msg} at position {exc.pos}")
            return None

    def _products(self) -> tuple[ProductMatcher, ...]:
        return tuple(
            ProductMatcher(
                pid,
                glob_regex(p.pages) if p.pages else None,
                words_regex(p.words) if p.words else None,
            )
            for pid, p in self.model.products.items()
        )

    def _territories(self) -> tuple[Territory, ...]:
        out = []
        for tid, t in self.model.territories.items():
            if t.country is None and t.region is None:
                self.error(("territories", tid), "a territory names a country, a region or both")
            countries = frozenset(c.upper() for c in t.country) if t.country else None
            regions = frozenset(r.upper() for r in t.region) if t.region else None
            out.append(Territory(tid, countries, regions))
        return tuple(out)

    def _segments(self, scope: dict[str, Name]) -> tuple[CompiledSegment, ...]:
        out = []
        for i, seg in enumerate(self.model.segments):
            when = self._cond(seg.when, ("segments", i, "when"), scope)
            criteria = tuple(
                c
                for cid, raw in seg.qualify.items()
                if (c := self._criterion(cid, raw, ("segments", i, "qualify", cid))) is not None
            )
            out.append(CompiledSegment(seg, when, criteria))
        return tuple(out)

    def _criterion(self, cid: str, raw: Any, path: Path) -> Criterion | None:
        fact = CRITERION_FACTS.get(cid, cid)
        if fact not in FACT_NAMES:
            known = list(CRITERION_FACTS) + list(FACT_NAMES)
            self.error(path, f"unknown criterion '{cid}'{did_you_mean(cid, known)}", key=True)
            return None
        if cid == "timeline":
            days = raw.get("within_days") if isinstance(raw, dict) else None
            if len(raw or {}) != 1 or isinstance(days, bool) or not isinstance(days, int):
                self.error(path, "timeline takes {within_days: N}")
                return None
            raw = {"lte": days}
        scope = self._fact_scope()
        cond = self._cond({fact: raw}, path[:-1], scope)
        expected = "; ".join(x.split(" (needs ", 1)[-1].rstrip(")") for x in cond.explain({}))
        if cid == "timeline":
            expected = f"within {raw['lte']} days"
        return Criterion(cid, fact, cond, expected)

    def _routes(self, scope: dict[str, Name]) -> tuple[CompiledRoute, ...]:
        out = []
        for i, r in enumerate(self.model.routes):
            if r.team not in self.model.teams:
                hint = did_you_mean(r.team, self.model.teams)
                self.error(
                    ("routes", i, "team"), f"route '{r.id}' names unknown team '{r.team}'{hint}"
                )
            when = self._cond(r.when, ("routes", i, "when"), scope)
            reps = self._cond(r.reps, ("routes", i, "reps"), None) if r.reps is not None else None
            out.append(CompiledRoute(r, when, reps))
        return tuple(out)

    def _schedules(self) -> dict[str, Any]:
        out = {}
        for sid, spec in self.model.schedules.items():
            zone = spec.timezone or self.model.timezone
            if spec.timezone is None and not _is_zone(zone):
                zone = "UTC"  # the policy's own time zone is reported already
            sched, problems = compile_schedule(
                id=sid, timezone=zone, hours=spec.hours, holidays=spec.holidays
            )
            for p in problems:
                self.error(("schedules", sid) + tuple(p.path), p.message)
            if sched is not None:
                out[sid] = sched
        return out

    def _check_teams(self) -> None:
        m = self.model
        for tid, team in m.teams.items():
            path = ("teams", tid)
            if team.schedule and team.schedule not in m.schedules:
                hint = did_you_mean(team.schedule, m.schedules)
                self.error(
                    path + ("schedule",),
                    f"team '{tid}' names unknown schedule '{team.schedule}'{hint}",
                )
            ah = team.after_hours
            if ah is None:
                continue
            if ah.action == "on_call":
                if not ah.team:
                    self.error(path + ("after_hours",), "on_call needs the on-call 'team'")
                elif ah.team not in m.teams:
                    hint = did_you_mean(ah.team, m.teams)
                    self.error(
                        path + ("after_hours", "team"), f"unknown on-call team '{ah.team}'{hint}"
                    )
            if ah.action == "notify" and not (ah.contact or team.contact):
                self.error(path + ("after_hours",), "notify needs a 'contact' to tell")
        for i, rep in enumerate(m.reps):
            for j, team_id in enumerate(rep.teams):
                if team_id not in m.teams:
                    hint = did_you_mean(team_id, m.teams)
                    self.error(
                        ("reps", i, "teams", j),
                        f"rep '{rep.id}' is in unknown team '{team_id}'{hint}",
                    )

    def _templates(self, criterion_ids: list[str]) -> dict[str, Template]:
        msgs = self.model.messages
        texts: dict[str, tuple[str, Path]] = {k: (v, ()) for k, v in DEFAULTS.items()}
        for key in (
            "live",
            "on_call",
            "next_business_day",
            "after_hours_notify",
            "queued",
            "nurture",
        ):
            if getattr(msgs, key) is not None:
                texts[key] = (getattr(msgs, key), ("messages", key))
        for cid, text in msgs.qualify.items():
            if cid not in criterion_ids:
                self.error(
                    ("messages", "qualify", cid),
                    f"no criterion '{cid}'{did_you_mean(cid, criterion_ids)}",
                    key=True,
                )
            texts[f"qualify.{cid}"] = (text, ("messages", "qualify", cid))
        route_ids = [r.id for r in self.model.routes]
        for rid, per_mode in msgs.routes.items():
            if rid not in route_ids:
                self.error(
                    ("messages", "routes", rid),
                    f"no route '{rid}'{did_you_mean(rid, route_ids)}",
                    key=True,
                )
            for mode, text in per_mode.items():
                texts[f"route.{rid}.{mode}"] = (text, ("messages", "routes", rid, mode))
        out = {}
        for key, (text, path) in texts.items():
            try:
                out[key] = compile_template(text)
            except TemplateError as exc:
                self.error(path, str(exc))
        return out
