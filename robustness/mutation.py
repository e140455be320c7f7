"""Mutation testing of tokenapi/ (mutmut) with the fast tests (``[tool.mutmut]``): the scores.

    python robustness/mutation.py [--only 'tokenapi.conf*'] [--max-children N]

Prints the counts; the raw score (caught over all mutants tested, nothing set aside);
the score with the survivors of ``equivalent_mutants.txt`` set aside, matched by file,
source line and mutated line, which survive code edits as mutmut's numbered names do
not; every other survivor. Exits non-zero under MIN_SCORE.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MUTMUT = str(Path(sys.executable).parent / "mutmut")
CAUGHT = ("killed", "timeout", "segfault")  # mutmut's statuses of a mutant the tests caught
MIN_SCORE = 90.0  # percent, equivalents set aside


def mutmut(*args: str) -> str:
    run = subprocess.run([MUTMUT, *args], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return run.stdout


def equivalent_mutants() -> set[tuple[str, ...]]:
    """(file, source line, mutated line) of each mutant in the list (tab-separated, then why)."""
    lines = (HERE / "equivalent_mutants.txt").read_text(encoding="utf-8").splitlines()
    return {tuple(line.split("\t")[:3]) for line in lines if line and not line.startswith("#")}


def change(name: str) -> tuple[str, str, str]:
    """What mutant ``name`` changes: its file, the source line(s), the mutated line(s)."""
    diff = mutmut("show", name).splitlines()
    path = next(line[4:].strip() for line in diff if line.startswith("--- "))
    removed = [line[1:].strip() for line in diff if line[:1] == "-" and line[:3] != "---"]
    added = [line[1:].strip() for line in diff if line[:1] == "+" and line[:3] != "+++"]
    return path, " ".join(removed), " ".join(added)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="mutmut's mutant names or patterns, e.g. 'tokenapi.conf*'")
    parser.add_argument("--max-children", type=int, default=int(os.environ.get("MUTATION_JOBS", 2)))
    args = parser.parse_args()
    # A fresh run: results left from other code would be counted otherwise.
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutation", DATABASE_URL="")
    print(f"mutation: mutmut over {args.only or 'tokenapi/'}, minutes per core...", flush=True)
    command = [MUTMUT, "run", "--max-children", str(args.max_children)]
    command += [args.only] if args.only else []
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if run.returncode:
        print(f"mutation: mutmut run failed ({run.returncode}):\n{run.stdout[-3000:]}")
        return run.returncode
    lines = mutmut("results", "--all", "true").splitlines()
    statuses = dict(line.strip().rsplit(": ", 1) for line in lines if ": " in line)
    counts = Counter(statuses.values())
    caught = sum(counts[status] for status in CAUGHT)
    total = sum(counts.values()) - counts["skipped"] - counts["not checked"]
    known = equivalent_mutants()
    survivors = {name: change(name) for name, status in statuses.items() if status == "survived"}
    equivalent = [name for name, key in survivors.items() if key in known]
    print("mutation: " + ", ".join(f"{status} {n}" for status, n in counts.most_common()))
    print(f"mutation: raw score {caught}/{total} = {100 * caught / total:.1f}%")
    kept = total - len(equivalent)
    adjusted = 100 * caught / kept
    print(f"mutation: score {caught}/{kept} = {adjusted:.1f}%, {len(equivalent)} equivalents aside")
    for name, (path, source, mutated) in sorted(survivors.items()):
        if name not in equivalent:
            print(f"  survived: {path}: {source}\n        ->  {mutated}")
    if not args.only and (stale := len(known - set(survivors.values()))):
        print(f"mutation: {stale} listed equivalents matched no survivor: review the list")
    return 0 if adjusted >= MIN_SCORE else 1


if __name__ == "__main__":
    sys.exit(main())
