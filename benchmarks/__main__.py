"""Run the benchmarks, print their tables and write BENCHMARKS.md.

python -m benchmarks                 # everything (scripts/bench)
python -m benchmarks -k budget       # a subset (BENCHMARKS.md untouched)
python -m benchmarks --report FILE   # re-render a saved results file
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time

from .report import Machine, render
from .report.card import load_browser_timing
from .results import RESULTS_ENV, load

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "scripts/bench"


def _pytest(results: Path, selection: str | None) -> int:
    """Run the benchmark session; return pytest's exit code."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "benchmarks",
        "-o",
        "python_files=bench_*.py",
        "--timeout=300",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    if selection:
        command += ["-k", selection]
    environment = {**os.environ, RESULTS_ENV: str(results)}
    return subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    """Run, print, write."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("-k", dest="selection", help="run only matching benchmarks")
    parser.add_argument("--report", type=Path, help="render a saved results file")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "BENCHMARKS.md", help="where to write"
    )
    parser.add_argument("--keep", type=Path, help="also save the raw results here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    if args.report is not None:
        results = args.report
    else:
        handle, name = tempfile.mkstemp(prefix="bithuman-bench-", suffix=".json")
        os.close(handle)
        results = Path(name)
        code = _pytest(results, args.selection)
        if code != 0:
            results.unlink()
            sys.stderr.write(f"benchmark session failed (pytest exit {code})\n")
            return code
        sections = load(results)
        # The browser test's figure, when it ran (it writes a file of its own).
        sections["card_browser"] = [load_browser_timing(ROOT)]
        sections["run"] = [
            {
                "elapsed_seconds": round(time.monotonic() - started, 1),
                "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            }
        ]
        results.write_text(json.dumps(sections, indent=2, sort_keys=True) + "\n")
    sections = load(results)
    if args.keep is not None:
        args.keep.write_text(results.read_text())
    if args.report is None:
        results.unlink()
    text = render(sections, Machine.here(), command=COMMAND)
    sys.stdout.write("\n" + text)
    if args.selection is None:
        args.output.write_text(text)
        sys.stdout.write(f"\nWritten to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
