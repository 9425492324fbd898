"""The installed engine is the compiled one, unless a pure-Python build was asked for."""

from __future__ import annotations

import os

from handoff.core import is_compiled


def test_the_core_runs_compiled_unless_a_pure_build_was_asked_for() -> None:
    pure = os.environ.get("HANDOFF_PURE_PYTHON", "") not in ("", "0")
    assert is_compiled() is not pure, (
        "HANDOFF_PURE_PYTHON is set but the core is compiled" if pure
        else "the core runs as Python: setup.py did not compile it; "
        "`.venv/bin/pip install -v --no-deps -e .` shows why"
    )
