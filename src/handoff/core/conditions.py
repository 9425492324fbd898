"""Conditions (`when`, nurture `when`, route `reps`), compiled once when a policy loads.

A condition is a map of name -> matcher, all of which must hold; `any`, `all`
and `not` combine them. A matcher is a value (equals), a list (one of), or a map
of operators. An unknown name matches nothing but `exists: false` and `not`.
On set-valued names (`signals`, `unmet`, `unknown`) a value means "contains"
and a list "contains any".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from handoff.core.problems import Path, did_you_mean, one_of

OPERATORS = ("eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt", "exists")
_SYMBOL = {"eq": "=", "ne": "≠", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}
_NUMERIC = ("gte", "gt", "lte", "lt")
_COLLECTIONS = (list, frozenset, set, tuple)  # values tested as sets


@dataclass(frozen=True)
class Name:
    """A name a condition may test: set-valued or not, and its allowed values if known."""

    is_set: bool = False
    values: tuple[str, ...] | None = None


Scope = Mapping[str, Name] | None  # None: any name is allowed (rep attributes)
Issue = tuple[Path, str, bool]  # where, what, whether it is about the key


class Cond:
    """A compiled condition."""

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """Whether the condition holds for these facts."""
        raise NotImplementedError

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """Whether the condition holds, and one short clause per test marked ✓ or ✗."""
        raise NotImplementedError

    def explain(self, ctx: Mapping[str, Any]) -> list[str]:
        """One short clause per test, marked ✓ or ✗, for the trace."""
        return self.judge(ctx)[1]


class Always(Cond):
    """No `when`: always holds."""

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """Always true."""
        return True

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """Holds, and says it has no condition."""
        return True, ["no condition ✓"]


@dataclass(frozen=True)
class Leaf(Cond):
    """One name tested by one operator."""

    name: str
    op: str
    operand: Any
    is_set: bool
    wanted: str = field(init=False, compare=False)  # '≥ 250000', 'one of emea, apac'

    def __post_init__(self) -> None:
        object.__setattr__(self, "wanted", _describe(self.op, self.operand, self.is_set))

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """Apply the operator to the named value."""
        value = ctx.get(self.name)
        op, operand = self.op, self.operand
        if op == "exists":
            known = value is not None and (bool(value) or not self._is_set(value))
            return known is bool(operand)
        if value is None:
            return False
        if self._is_set(value):
            hit = not (operand if isinstance(operand, frozenset) else {operand}).isdisjoint(value)
            return not hit if op in ("ne", "not_in") else hit
        if op == "eq":
            return bool(value == operand)
        if op == "ne":
            return bool(value != operand)
        if op == "in":
            return value in operand
        if op == "not_in":
            return value not in operand
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False  # only numbers are ordered
        if op == "gte":
            return bool(value >= operand)
        if op == "gt":
            return bool(value > operand)
        if op == "lte":
            return bool(value <= operand)
        return bool(value < operand)

    def _is_set(self, value: Any) -> bool:
        return self.is_set or isinstance(value, _COLLECTIONS)

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """E.g. 'deal_size 300000 ≥ 250000 ✓' or 'territory unknown ✗ (needs northeast)'."""
        held = self.test(ctx)
        mark = "✓" if held else "✗"
        value = ctx.get(self.name)
        if self.op == "exists":
            return held, [f"{self.name} {'known' if self.operand else 'unknown'} {mark}"]
        if value is None or (self.is_set and not value):
            shown = "none" if self.is_set else "unknown"
        else:
            shown = ", ".join(sorted(value)) if self.is_set else _fmt(value)
        return held, [f"{self.name} {shown} {mark} (needs {self.wanted})"]


@dataclass(frozen=True)
class AllOf(Cond):
    """Every part holds."""

    parts: tuple[Cond, ...]

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """True when every part is true."""
        return all(p.test(ctx) for p in self.parts)

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """True when every part is true; the clauses of every part."""
        held, lines = True, []
        for part in self.parts:
            ok, clauses = part.judge(ctx)
            held = held and ok
            lines += clauses
        return held, lines


@dataclass(frozen=True)
class AnyOf(Cond):
    """At least one part holds."""

    parts: tuple[Cond, ...]

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """True when a part is true."""
        return any(p.test(ctx) for p in self.parts)

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """True when a part is true; the parts joined by 'or'."""
        held, inner = False, []
        for part in self.parts:
            ok, clauses = part.judge(ctx)
            held = held or ok
            inner.append("; ".join(clauses))
        return held, [f"any of ({' or '.join(inner)}) {'✓' if held else '✗'}"]


@dataclass(frozen=True)
class NoneOf(Cond):
    """`not`: the part does not hold."""

    part: Cond

    def test(self, ctx: Mapping[str, Any]) -> bool:
        """True when the part is false."""
        return not self.part.test(ctx)

    def judge(self, ctx: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """True when the part is false; the negated part."""
        ok, clauses = self.part.judge(ctx)
        return not ok, [f"not ({'; '.join(clauses)}) {'✗' if ok else '✓'}"]


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _describe(op: str, operand: Any, is_set: bool) -> str:
    if op == "exists":
        return "known" if operand else "unknown"
    if op in ("in", "not_in") or (is_set and isinstance(operand, frozenset)):
        items = ", ".join(_fmt(v) for v in sorted(operand, key=str))
        if op in ("ne", "not_in"):
            return f"none of {items}"
        return items if len(operand) == 1 else f"one of {items}"
    if op == "eq":
        return _fmt(operand)
    return f"{_SYMBOL[op]} {_fmt(operand)}"


def compile_condition(raw: Any, path: Path, scope: Scope) -> tuple[Cond, list[Issue]]:
    """Compile a raw condition; problems come back with their path, never raised."""
    issues: list[Issue] = []
    if raw is None:
        return Always(), issues
    cond = _compile(raw, path, scope, issues)
    return cond, issues


def _compile(raw: Any, path: Path, scope: Scope, issues: list[Issue]) -> Cond:
    if not isinstance(raw, dict):
        issues.append((path, "a condition must be a mapping of name: matcher", False))
        return Always()
    parts: list[Cond] = []
    for key, value in raw.items():
        here = path + (key,)
        if key in ("any", "all"):
            if not isinstance(value, list) or not value:
                issues.append((here, f"'{key}' takes a non-empty list of conditions", False))
                continue
            subs = tuple(_compile(v, here + (i,), scope, issues) for i, v in enumerate(value))
            parts.append(AnyOf(subs) if key == "any" else AllOf(subs))
        elif key == "not":
            parts.append(NoneOf(_compile(value, here, scope, issues)))
        else:
            parts.extend(_leaves(str(key), value, here, scope, issues))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _leaves(name: str, raw: Any, path: Path, scope: Scope, issues: list[Issue]) -> list[Leaf]:
    spec = Name()
    if scope is not None:
        if name not in scope:
            hint = did_you_mean(name, list(scope) + ["any", "all", "not"])
            issues.append((path, f"unknown name '{name}' in condition{hint}", True))
            return []
        spec = scope[name]
    ops = raw if isinstance(raw, dict) else {"in" if isinstance(raw, list) else "eq": raw}
    leaves = []
    for op, operand in ops.items():
        if op not in OPERATORS:
            issues.append(
                (path + (op,), f"unknown operator '{op}'{did_you_mean(op, OPERATORS)}", True)
            )
            continue
        checked = _operand(name, op, operand, spec, path + (op,), issues)
        if checked is not _BAD:
            leaves.append(Leaf(name, op, checked, spec.is_set))
    return leaves


_BAD = object()


def _operand(name: str, op: str, operand: Any, spec: Name, path: Path, issues: list[Issue]):
    if op == "exists":
        if not isinstance(operand, bool):
            issues.append((path, "'exists' takes true or false", False))
            return _BAD
        return operand
    if op in _NUMERIC:
        if spec.is_set or isinstance(operand, bool) or not isinstance(operand, int | float):
            issues.append((path, f"'{op}' takes a number", False))
            return _BAD
        return operand
    many = op in ("in", "not_in") or spec.is_set
    items = operand if isinstance(operand, list) else [operand]
    if op in ("in", "not_in") and not isinstance(operand, list):
        issues.append((path, f"'{op}' takes a list", False))
        return _BAD
    if spec.values is not None:
        for i, item in enumerate(items):
            if str(item) not in spec.values:
                where = path + (i,) if isinstance(operand, list) else path
                hint = did_you_mean(str(item), spec.values) or f" (known: {one_of(spec.values)})"
                issues.append((where, f"'{item}' is not a known {name}{hint}", False))
                return _BAD
    if many:
        return frozenset(items)
    return operand


def clauses(raw: Any) -> frozenset | None:
    """The top-level clauses of a raw condition as a set, for reachability lints.

    None when the condition uses `any`/`not` at the top (not a plain conjunction).
    """
    if raw is None:
        return frozenset()
    if not isinstance(raw, dict) or any(k in ("any", "not") for k in raw):
        return None
    out: set[Any] = set()
    for key, value in raw.items():
        if key == "all":
            if not isinstance(value, list):
                return None
            for sub in value:
                inner = clauses(sub)
                if inner is None:
                    return None
                out |= inner
        else:
            out.add((key, _freeze(value)))
    return frozenset(out)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return frozenset(_freeze(v) for v in value)
    return value
