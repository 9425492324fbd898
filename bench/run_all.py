"""Run every benchmark and write bench/RESULTS.md: the machine, the date, each figure and its goal.

    .venv/bin/python bench/run_all.py [--load-duration 600] [--quick]

`make bench` runs it with a 60-second sustained load (the full run is 10 minutes); the
file says which. Each script's own output follows the summary.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
GOAL_LINE = re.compile(r"goal|PASS|MISS|throughput|^(sqlite|postgresql)\s+\d", re.IGNORECASE)


def plan(load_seconds: float, quick: bool) -> list[tuple[str, list[str]]]:
    """(script, arguments) for every benchmark, in order."""
    return [
        ("engine.py", ["--iterations", "2000", "--warmup", "200"] if quick else []),
        ("extraction.py", []),
        ("ingest.py", ["--events", "1500"] if quick else []),
        ("metrics.py", ["--handoffs", "100000", "--sqlite-only"] if quick else []),
        ("replay.py", ["--conversations", "5000"] if quick else []),
        ("load.py", ["--duration", f"{load_seconds:g}"]),
    ]


def machine() -> list[str]:
    """What the figures were measured on."""
    memory = next(
        (line.split()[1] for line in _run(["free", "-m"]).splitlines() if line.startswith("Mem")),
        "?",
    )
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "?",
    )  # fmt: skip
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {_run(['nproc']).strip()} × {cpu}",
        f"- memory: {memory} MB",
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- PostgreSQL: {_run(['psql', '--version']).strip() or 'not found'}",
    ]


def kept_by_hand(results: Path) -> list[str]:
    """The sections of an earlier RESULTS.md written by hand (full-length runs), kept as they are.

    They stand between the summary table and "## Output of each script"; each starts with "## ".
    """
    if not results.exists():
        return []
    text = results.read_text(encoding="utf-8")
    start, end = text.find("\n## "), text.find("\n## Output of each script")
    if start < 0 or end <= start:
        return []
    return [text[start + 1 : end].rstrip("\n"), ""]


def main() -> None:
    """Run the plan; write RESULTS.md; exit 1 if a script failed to run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load-duration", type=float, default=600.0)
    parser.add_argument("--quick", action="store_true", help="fewer iterations everywhere")
    args = parser.parse_args()
    summary, details, failed = [], [], []
    load_before = os.getloadavg()
    for script, extra in plan(args.load_duration, args.quick):
        if not (BENCH / script).exists():
            continue
        print(f"== {script} {' '.join(extra)}", flush=True)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(BENCH / script), *extra],
            capture_output=True, text=True, cwd=BENCH.parent, env=os.environ,
        )  # fmt: skip
        took = time.monotonic() - started
        output = (done.stdout + done.stderr).strip()
        print(output, flush=True)
        goals = [line.strip() for line in done.stdout.splitlines() if GOAL_LINE.search(line)]
        if done.returncode:
            failed.append(script)
            goals.append(f"exited {done.returncode}")
        cells = "<br>".join(_cell(g) for g in goals or ["(no goal line)"])
        summary.append(f"| `{' '.join([script, *extra])}` | {took:.0f} s | {cells} |")
        details.append(f"### `{script}`\n\n```\n{output}\n```\n")
    busy = f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    note = (
        f"Load average (1 min) {busy}: anything else running skews the figures. "
        f"The sustained load ran for {args.load_duration:g} s"
        + (" (the full run is 600 s: `python bench/load.py`)." if args.load_duration < 600 else ".")
        + (" `--quick`: fewer iterations than each script's default." if args.quick else "")
    )
    text = "\n".join([
        "# Benchmark results", "", "Written by `bench/run_all.py` (`make bench`).", "",
        *machine(), "", note, "",
        "| benchmark | took | figures next to their goals |", "| --- | ---: | --- |",
        *summary, "", *kept_by_hand(BENCH / "RESULTS.md"), "## Output of each script", "",
        *details,
    ])  # fmt: skip
    (BENCH / "RESULTS.md").write_text(text, encoding="utf-8")
    print(f"wrote {BENCH / 'RESULTS.md'}")
    sys.exit(1 if failed else 0)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout
    except OSError:
        return ""


if __name__ == "__main__":
    main()
