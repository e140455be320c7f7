"""Add up test results: ``N passed, N failed, N skipped`` over many pytest runs.

    python .ci/summary.py REPORTS_DIR [EXPECTED_RUN ...]
    python .ci/summary.py --nox NOX_REPORT.json REPORTS_DIR

Each pytest run writes a JUnit XML file into ``REPORTS_DIR`` (or a folder under
it). The first form totals them; a run named in ``EXPECTED_RUN`` whose file is
missing (pytest died before writing it) counts as a failure. The second form
also prints one line per nox session of ``nox --report``, a failed session
counting as a failure. Either exits 1 on any failure or when no test ran.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.etree import ElementTree


def test_counts(reports: Path) -> dict[str, int]:
    """Tests passed, failed (errors too) and skipped in every XML file under ``reports``."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for path in sorted(reports.rglob("*.xml")):
        for suite in ElementTree.parse(path).getroot().iter("testsuite"):  # noqa: S314 (our own files)
            total, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            counts["passed"] += total - skipped - failed
            counts["failed"] += failed
            counts["skipped"] += skipped
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


def main(argv: list[str]) -> int:
    sessions_failed = 0
    if argv[:1] == ["--nox"]:
        sessions_failed = nox_failures(Path(argv[1]))
        argv = argv[2:]
    reports, expected = Path(argv[0]), argv[1:]
    missing = [run for run in expected if not (reports / f"{run}.xml").exists()]
    for run in missing:
        print(f"FAIL {run}: pytest wrote no report")
    counts = test_counts(reports)
    counts["failed"] += len(missing) + sessions_failed
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] or not counts["passed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
