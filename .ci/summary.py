"""Add up test results: ``N passed, N failed, N skipped`` over many pytest runs.

    python .ci/summary.py REPORTS_DIR [EXPECTED_RUN ...]
    python .ci/summary.py --nox NOX_REPORT.json REPORTS_DIR

Each pytest run writes a JUnit XML file into ``REPORTS_DIR`` (or a folder under
it). The first form totals them; a run named in ``EXPECTED_RUN`` counts as one
failure more when its report is missing (pytest died before writing it) or when
its exit code, which ``make suites`` keeps in ``<run>.exit``, says it failed
without a failed test to show for it (a usage error, no test collected). The
second form also prints one line per nox session of ``nox --report``, a failed
session counting as a failure. Either exits 1 on any failure or when no test ran.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.etree import ElementTree


def test_counts_of(report: Path) -> dict[str, int]:
    """Tests passed, failed (errors too) and skipped in one JUnit XML file."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for suite in ElementTree.parse(report).getroot().iter("testsuite"):  # noqa: S314 (our own files)
        total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        counts["passed"] += total - skipped - failed
        counts["failed"] += failed
        counts["skipped"] += skipped
    return counts


def test_counts(reports: Path) -> dict[str, int]:
    """The counts of every XML file under ``reports``, added up."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for path in sorted(reports.rglob("*.xml")):
        for key, value in test_counts_of(path).items():
            counts[key] += value
    return counts


def nox_failures(report: Path) -> int:
    """Print one line per nox session; return how many failed (a missing report is one)."""
    try:
        sessions = json.loads(report.read_text())["sessions"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"FAIL nox: no report ({exc})")
        return 1
    failed = 0
    for session in sessions:
        result = session["result"]
        detail = session.get("reason") or f"{session.get('duration', 0):.0f} s"
        if result == "skipped":
            print(f"SKIPPED: {session['name']}: {detail}")
        elif result == "success":
            print(f"PASS {session['name']} ({detail})")
        else:
            print(f"FAIL {session['name']} ({result}: {detail})")
            failed += 1
    return failed


def run_failure(reports: Path, run: str) -> str | None:
    """Why ``run`` failed beyond its failed tests, if it did."""
    report, exit_file = reports / f"{run}.xml", reports / f"{run}.exit"
    if not report.exists():
        return "pytest wrote no report"
    code = exit_file.read_text().strip() if exit_file.exists() else "0"
    if code != "0" and not test_counts_of(report)["failed"]:
        return f"pytest exited {code} with no failed test"
    return None


def main(argv: list[str]) -> int:
    sessions_failed = 0
    if argv[:1] == ["--nox"]:
        sessions_failed = nox_failures(Path(argv[1]))
        argv = argv[2:]
    reports, expected = Path(argv[0]), argv[1:]
    counts = test_counts(reports)
    counts["failed"] += sessions_failed
    for run in expected:
        failed = run_failure(reports, run)
        if failed:
            print(f"FAIL {run}: {failed}")
            counts["failed"] += 1
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] or not counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
