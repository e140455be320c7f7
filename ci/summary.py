"""Print one line per CI step and matrix cell, then ``N passed, N failed``; exit 1 on a failure.

Usage: ``python ci/summary.py NOX_REPORT.json [NAME=EXIT_CODE ...]``. The report
is the one ``nox --report`` writes; each ``NAME=EXIT_CODE`` adds a step run
outside nox (``make-test=0``). A missing report counts as one failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# nox's result names: success, skipped, failed, aborted.
SUCCESS, SKIPPED = "success", "skipped"


def read_results(report: Path, steps: list[str]) -> list[tuple[str, str, str]]:
    """``(name, result, detail)`` for each step, then each nox session."""
    results = []
    for step in steps:
        name, _, code = step.partition("=")
        results.append((name, SUCCESS if code == "0" else "failed", f"exit code {code}"))
    try:
        sessions = json.loads(report.read_text())["sessions"]
    except (OSError, ValueError, KeyError) as exc:
        return [*results, ("nox", "failed", f"no report: {exc}")]
    for session in sessions:
        detail = session.get("reason") or f"{session.get('duration', 0):.0f} s"
        results.append((session["name"], session["result"], detail))
    return results


def main(argv: list[str]) -> int:
    results = read_results(Path(argv[0]), argv[1:])
    counts = {SUCCESS: 0, SKIPPED: 0, "failed": 0}
    for name, result, detail in results:
        if result == SKIPPED:
            print(f"SKIPPED: {name}: {detail}")
            counts[SKIPPED] += 1
        elif result == SUCCESS:
            print(f"PASS {name} ({detail})")
            counts[SUCCESS] += 1
        else:
            print(f"FAIL {name} ({result}: {detail})")
            counts["failed"] += 1
    print(f"{counts[SUCCESS]} passed, {counts['failed']} failed, {counts[SKIPPED]} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
