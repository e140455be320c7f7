"""Fuzz the token endpoints from their OpenAPI description (schemathesis).

Serves the example project under gunicorn on a free 127.0.0.1 port, logs the
demo user in so that authenticated paths are exercised too (HTTP Basic on
every request, where generated ``user``/``token`` fields still win, and the
real values in one case of three: ``fuzz_hooks.py``), then
runs schemathesis for a bounded number of examples and seconds. Prints the
cases tried, the server errors and the schema violations; exits non-zero if
there is any.

    python robustness/fuzz.py [--max-examples N] [--max-time SECONDS] [--seed N]
"""

# Every command line here is built by this script, not taken from input.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from server import BIN, ROOT, obtain_token, serve  # noqa: E402

SCHEMA = ROOT / "tokenapi" / "contrib" / "openapi" / "openapi.json"
# What "zero server errors and zero responses that violate the schema" means.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


def run_schemathesis(
    base_url: str, auth: tuple[str, str], password: str, args: argparse.Namespace, report: Path
) -> int:
    command = [
        str(BIN / "st"),
        "run",
        str(SCHEMA),
        "--url",
        f"{base_url}/token",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--auth",
        ":".join(auth),
        "--request-timeout",
        "10",
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--no-color",
    ]
    env = dict(
        os.environ,
        SCHEMATHESIS_HOOKS="fuzz_hooks",
        PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        FUZZ_USER=auth[0],
        FUZZ_TOKEN=auth[1],
        FUZZ_PASSWORD=password,
    )
    return subprocess.run(command, env=env, check=False).returncode


def summarize(report: Path) -> dict[str, int]:
    """Count test cases and failed checks in schemathesis' NDJSON event stream."""
    cases = 0
    failures: Counter[str] = Counter()
    errors = 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        for name, payload in event.items():
            if name == "ScenarioFinished":
                recorder = payload.get("recorder", {})
                cases += len(recorder.get("cases", {}))
                for checks in recorder.get("checks", {}).values():
                    for check in checks:
                        if str(check.get("status")).lower() == "failure":
                            failures[check["name"]] += 1
            elif name == "NonFatalError":
                errors += 1
    return {
        "cases": cases,
        "server_errors": failures["not_a_server_error"],
        "schema_violations": sum(n for name, n in failures.items() if name != "not_a_server_error"),
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", 200))
    )
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("FUZZ_SECONDS", 120)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 20260301)))
    parser.add_argument("--database-url", default=os.environ.get("FUZZ_DATABASE_URL"))
    args = parser.parse_args()
    if not SCHEMA.exists():
        print(f"No OpenAPI description at {SCHEMA.relative_to(ROOT)}.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tokenapi-fuzz-") as tmp:
        report = Path(tmp) / "events.ndjson"
        with serve(args.database_url) as site:
            auth = obtain_token(site)
            status = run_schemathesis(site.base_url, auth, site.password, args, report)
        counts = summarize(report)
    print(
        f"fuzz: {counts['cases']} cases tried, {counts['server_errors']} server errors, "
        f"{counts['schema_violations']} schema violations, {counts['errors']} errors "
        f"(schemathesis exit {status}, seed {args.seed})"
    )
    clean = not (counts["server_errors"] or counts["schema_violations"] or counts["errors"])
    return 0 if clean and status == 0 and counts["cases"] else 1


if __name__ == "__main__":
    sys.exit(main())
