"""Mutation testing of tokenapi/ (mutmut): run it, then print the score.

    python robustness/mutation.py [--max-children N]

Bounded: one or two workers, mutmut's per-mutant timeout, only the suite's
fast tests (``-m "not e2e"``, see ``[tool.mutmut]`` in pyproject.toml), and
hypothesis' ``mutation`` profile (few examples, derandomized, no shrinking).
Prints the raw counts, the raw score (killed + timeouts over all mutants) and
the score once the survivors listed in ``equivalent_mutants.txt`` are set aside.
"""

# Every command line here is built by this script, not taken from input.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MUTMUT = Path(sys.executable).parent / "mutmut"


def equivalent_mutants() -> dict[str, str]:
    names = {}
    for line in (HERE / "equivalent_mutants.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition("  ")
            names[name] = why.strip()
    return names


def survivors() -> list[str]:
    output = subprocess.run(
        [str(MUTMUT), "results"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [
        line.split(":")[0].strip()
        for line in output.splitlines()
        if line.strip().endswith(": survived")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-children", type=int, default=int(os.environ.get("MUTATION_JOBS", 2)))
    parser.add_argument("--min-score", type=float, default=90.0)
    args = parser.parse_args()
    # A fresh run: results left from other code would be counted otherwise.
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutation", DATABASE_URL="")
    print("mutation: mutmut over tokenapi/, a few minutes per core...", flush=True)
    run = subprocess.run(
        [str(MUTMUT), "run", "--max-children", str(args.max_children)],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    if run.returncode:
        print(f"mutation: mutmut run failed with status {run.returncode}", file=sys.stderr)
        return run.returncode
    subprocess.run(
        [str(MUTMUT), "export-cicd-stats"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    left = survivors()
    known = equivalent_mutants()
    equivalent = [name for name in left if name in known]
    unexplained = [name for name in left if name not in known]
    killed = stats["killed"] + stats["timeout"]
    total = stats["total"] - stats["skipped"]
    print("mutation: " + ", ".join(f"{key} {value}" for key, value in stats.items()))
    print(f"mutation: raw score {killed}/{total} = {100 * killed / total:.1f}%")
    adjusted = 100 * killed / (total - len(equivalent))
    print(
        f"mutation: score {killed}/{total - len(equivalent)} = {adjusted:.1f}% "
        f"({len(equivalent)} equivalent survivors set aside, robustness/equivalent_mutants.txt)"
    )
    for name in unexplained:
        print(f"  survived: {name}")
    return 0 if adjusted >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
