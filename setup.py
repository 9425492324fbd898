"""Build: the decision core compiled to C with mypyc, or left pure Python.

The modules below are plain, type-checked Python; mypyc compiles them into C extensions
that `decide` runs about twice as fast (bench/engine.py). `HANDOFF_PURE_PYTHON=1` skips
compiling, and so does a machine where compiling fails: the same code then runs as Python.
Everything else is configured in pyproject.toml.
"""

import glob
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    f"src/handoff/{module}.py"
    for module in (
        "core/assignment",
        "core/compiled",
        "core/conditions",
        "core/decision",
        "core/engine",
        "core/events",
        "core/facts",
        "core/formats",
        "core/messages",
        "core/schedule",
        "core/signals",
        "core/state",
        "extract/authority",
        "extract/dates",
        "extract/extractor",
        "extract/gates",
        "extract/money",
        "extract/numbers",
        "extract/size",
        "extract/spans",
        "extract/timeline",
        "extract/topic",
    )
]


class OptionalBuildExt(build_ext):
    """Compile the core if the machine can; otherwise say so and install it as Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, headers or memory: distutils raises several kinds
            for ext in self.extensions:  # half a compiled core would not import: remove it all
                built = self.get_ext_fullpath(ext.name)
                if os.path.exists(built):
                    os.remove(built)
            stays_python(f"compiling the core failed ({exc})")


def stays_python(why: str) -> list:
    """Say why the core is not compiled, and remove an earlier editable build's modules."""
    for built in glob.glob("src/**/*.so", recursive=True):  # older than the sources now
        os.remove(built)
    if why:
        print(f"handoff: {why}; the core is installed as Python", file=sys.stderr)
    return []


def ext_modules() -> list:
    """The compiled core, unless HANDOFF_PURE_PYTHON is set or mypyc is missing."""
    if os.environ.get("HANDOFF_PURE_PYTHON", "") not in ("", "0"):
        return stays_python("")
    try:
        from mypyc.build import mypycify
    except ImportError:
        return stays_python("mypyc is not installed")
    try:  # type-checks the modules first: a type error exits
        return mypycify(
            ["--config-file", "pyproject.toml", *COMPILED], opt_level="3", group_name="handoff_core"
        )
    except SystemExit:
        return stays_python("the compiled modules failed their type check (errors above)")
    except Exception as exc:
        return stays_python(f"mypyc could not compile the core ({exc})")


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
