"""JSON encoding for the hot paths: orjson, falling back to the standard library.

orjson refuses integers beyond 64 bits and non-string keys; those values take the
standard encoder, so every value that encoded before still encodes. Decoding stays
with the standard library, which keeps big integers exact.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def dumps(value: Any) -> str:
    """`value` as compact JSON text (the stores' JSON columns)."""
    return dumps_bytes(value).decode()
