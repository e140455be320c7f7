"""Load the example project under gunicorn + PostgreSQL with locust, and print the figures.

Creates its own PostgreSQL database (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/tok_load``), serves the example project on
a free 127.0.0.1 port, drives it with ``locustfile.py`` (64 users, 30 s by
default), then stops the server and drops the database, whatever happened.
Prints requests/s, p50 and p99 latency, unexpected statuses and 5xx; exits
non-zero if there is any unexpected status or 5xx.

    python robustness/load.py [--users 64] [--seconds 30] [--workers N]
"""

# Every command line here is built by this script, not taken from input.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from server import BIN, obtain_token, serve  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tok_load"


def admin_connection(database_url: str) -> tuple[psycopg.Connection, str]:
    """A connection to the server's ``postgres`` database, and the name of ours."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name:
        raise SystemExit(
            f"load: DATABASE_URL must name a PostgreSQL database, not {database_url!r}"
        )
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    return psycopg.connect(admin_url, autocommit=True), name


def create_database(database_url: str) -> None:
    connection, name = admin_connection(database_url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(database_url: str) -> None:
    connection, name = admin_connection(database_url)
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run_locust(
    base_url: str, pair: tuple[str, str], password: str, args: argparse.Namespace, out: Path
) -> int:
    env = dict(
        os.environ,
        LOAD_USER=pair[0],
        LOAD_TOKEN=pair[1],
        LOAD_PASSWORD=password,
        LOAD_RESULT=str(out / "statuses.json"),
    )
    command = [
        str(BIN / "locust"),
        "--locustfile",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(out / "load"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    return subprocess.run(command, env=env, check=False).returncode


def read_figures(out: Path) -> dict[str, float]:
    with open(out / "load_stats.csv", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    total = rows["Aggregated"]
    statuses = json.loads((out / "statuses.json").read_text())
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p99": float(total["99%"]),
        "server_errors": sum(n for status, n in statuses.items() if int(status) >= 500),
        "no_response": statuses.get("0", 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=30)
    # Sync workers: one request each at a time; 2 per core plus one, minus the load tool's share.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ.setdefault("CONN_MAX_AGE", "60")  # one connection per worker, as in production
    # The mix sends bad credentials from one address all along: with django-axes
    # installed, a real limit would turn the rest of the run into 429s. Failures
    # are still recorded (the cost under load); the lockout has its own tests.
    os.environ.setdefault("AXES_FAILURE_LIMIT", "1000000000")
    create_database(database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="tokenapi-load-") as tmp:
            out = Path(tmp)
            with serve(database_url, workers=args.workers) as site:
                pair = obtain_token(site)
                status = run_locust(site.base_url, pair, site.password, args, out)
            figures = read_figures(out)
    finally:
        drop_database(database_url)
    print(
        f"load: {args.users} users, {args.seconds} s, {args.workers} gunicorn workers, PostgreSQL: "
        f"{figures['requests']} requests, {figures['rps']:.0f} requests/s, "
        f"p50 {figures['p50']:.0f} ms, p99 {figures['p99']:.0f} ms, "
        f"{figures['failures']} unexpected statuses, {figures['server_errors']} 5xx "
        f"(locust exit {status})"
    )
    bad = figures["failures"] or figures["server_errors"] or not figures["requests"]
    return 1 if bad or status else 0


if __name__ == "__main__":
    sys.exit(main())
