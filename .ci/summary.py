"""Add up test results: ``N passed, N failed, N skipped`` over many pytest runs.

    python .ci/summary.py REPORTS_DIR [RUN ...]
    python .ci/summary.py --nox NOX_REPORT.json REPORTS_DIR

Each pytest run writes a JUnit XML file into ``REPORTS_DIR`` (or a folder under
it); the counts of all of them are added up. A ``RUN`` named counts as one more
failure when its ``<RUN>.xml`` is missing (pytest died first) or its exit code,
which ``make suites`` keeps in ``<RUN>.exit``, says it failed with no failed test
to show for it (a usage error, nothing collected). ``--nox`` also prints a line per
session of ``nox --report``, a failed one counting as a failure. Exits 1 on any
failure, or when no test passed.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree


def test_counts(*reports: Path) -> Counter[str]:
    """Tests passed, failed (errors too) and skipped in these JUnit XML files."""
    counts: Counter[str] = Counter(passed=0, failed=0, skipped=0)
    for report in reports:
        for suite in ElementTree.parse(report).getroot().iter("testsuite"):  # noqa: S314 (ours)
            total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            counts.update(passed=total - skipped - failed, failed=failed, skipped=skipped)
    return counts


def run_failure(reports: Path, run: str) -> str | None:
    """Why ``run`` failed beyond its failed tests, if it did."""
    report, exit_file = reports / f"{run}.xml", reports / f"{run}.exit"
    if not report.exists():
        return "pytest wrote no report"
    code = exit_file.read_text().strip() if exit_file.exists() else "0"
    if code != "0" and not test_counts(report)["failed"]:
        return f"pytest exited {code} with no failed test"
    return None


def nox_failures(report: Path) -> int:
    """Print one line per nox session; return how many failed (a missing report is one)."""
    try:
        sessions = json.loads(report.read_text())["sessions"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"FAIL nox: no report ({exc})")
        return 1
    for session in sessions:
        name, result = session["name"], session["result"]
        detail = session.get("reason") or f"{session.get('duration', 0):.0f} s"
        if result == "skipped":
            print(f"SKIPPED: {name}: {detail}")
        else:
            print(f"{'PASS' if result == 'success' else 'FAIL'} {name} ({detail})")
    return sum(session["result"] not in ("success", "skipped") for session in sessions)


def main(argv: list[str]) -> int:
    failed = 0
    if argv[:1] == ["--nox"]:
        failed, argv = nox_failures(Path(argv[1])), argv[2:]
    reports, runs = Path(argv[0]), argv[1:]
    counts = test_counts(*sorted(reports.rglob("*.xml")))
    for run in runs:
        why = run_failure(reports, run)
        if why:
            print(f"FAIL {run}: {why}")
            failed += 1
    counts["failed"] += failed
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] or not counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
