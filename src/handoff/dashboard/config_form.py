"""A form generated from an integration's typed config: one input per field, and back to a dict.

Inputs are named `config.<field>`; a secret is a password input whose blank value keeps the
stored secret, and `clear.<field>` (a checkbox) removes an optional one.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import SecretStr

from handoff.errors import Invalid
from handoff.integrations.base import REGISTRY

PREFIX = "config."


@dataclass(frozen=True)
class FormField:
    """One input: the field's name, the input kind, whether required, its default, its choices."""

    name: str
    input: str  # text | number | checkbox | select | json | password
    required: bool
    default: Any
    choices: tuple[str, ...] = ()
    step: str = "1"

    @property
    def shown_default(self) -> str:
        """The default as the form shows it (JSON for lists and maps, blank for none)."""
        if self.default is None:
            return ""
        return json.dumps(self.default) if self.input == "json" else str(self.default)

    def shown(self, value: Any) -> str:
        """A stored value as the input's value."""
        if value is None or self.input == "password":
            return ""
        return json.dumps(value) if self.input == "json" else str(value)


def form_fields(integration: str) -> list[FormField]:
    """The inputs of an integration's config, in declaration order."""
    found = []
    for name, info in REGISTRY[integration].Config.model_fields.items():
        required = info.is_required()
        default = None if required else info.get_default(call_default_factory=True)
        kind, choices, step = _input(_unwrap(info.annotation))
        found.append(FormField(name, kind, required, default, choices, step))
    return found


def parse(integration: str, form: Mapping[str, Any]) -> dict[str, Any]:
    """The raw config a form describes (unknown `config.*` names kept, for save to refuse)."""
    fields = {f.name: f for f in form_fields(integration)}
    config: dict[str, Any] = {}
    for field in fields.values():
        key = PREFIX + field.name
        if field.input == "checkbox":
            config[field.name] = key in form
        elif field.input == "password":
            config[field.name] = None if f"clear.{field.name}" in form else form.get(key, "")
        elif (text := str(form.get(key, "")).strip()) and field.input == "json":
            config[field.name] = _json(field.name, text)
        elif text:
            config[field.name] = text
    for key, value in form.items():
        if key.startswith(PREFIX) and key[len(PREFIX) :] not in fields:
            config[key[len(PREFIX) :]] = value
    return config


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise Invalid(f"'{name}' is not valid JSON", field=PREFIX + name) from None


def _unwrap(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return annotation


def _input(annotation: Any) -> tuple[str, tuple[str, ...], str]:
    origin = typing.get_origin(annotation)
    if annotation is SecretStr:
        return "password", (), "1"
    if annotation is bool:
        return "checkbox", (), "1"
    if annotation in (int, float):
        return "number", (), "1" if annotation is int else "any"
    if origin is Literal:
        return "select", tuple(map(str, typing.get_args(annotation))), "1"
    if origin in (list, dict) or annotation in (list, dict):
        return "json", (), "1"
    return "text", (), "1"
