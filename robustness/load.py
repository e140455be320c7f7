"""Load the example project with a mix of good and bad requests; every status is checked.

The example project (``demo_site.py``) on PostgreSQL, beside ``DATABASE_URL``'s
database (default ``postgres://postgres@127.0.0.1:5432/tok_load``; on SQLite the
concurrent writes of failed checks end in "database is locked"); ``LOAD_WORKERS``
sync workers (2 per core + 1); ``benchmarks/load.py`` with ``LOAD_CONNECTIONS``
(16) for ``LOAD_SECONDS`` (30). No logins in the mix: PBKDF2 makes each cost half
a second of CPU, on purpose. Exits non-zero on any unexpected status.
"""

from __future__ import annotations

import json
import os
import sys
from base64 import b64encode

from demo_site import ROOT, Site, demo_site  # this directory comes first on sys.path

sys.path.insert(0, str(ROOT / "benchmarks"))  # before this directory: load is the generator

from load import Request, run


def mix(site: Site) -> list[Request]:
    def basic(token: str) -> dict[str, str]:
        return {"Authorization": "Basic " + b64encode(f"{site.user}:{token}".encode()).decode()}

    good, wrong = basic(site.token), basic(site.token[:-1] + "AB"[site.token[-1] == "A"])
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    pair = f"user={site.user}&token={site.token}"
    return [
        Request(f"/api/notes/?{pair}", name="function view, query"),
        Request("/api/cbv/notes/", good, name="class view, Basic"),
        Request("/api/async/notes/", good, name="async view, Basic"),
        Request("/api/drf/notes/", good, name="DRF view, Basic"),
        Request("/token/verify.json", form, "POST", pair.encode(), name="verify.json"),
        Request("/token/refresh.json", {"Content-Type": "application/json"}, "POST",
                json.dumps({"user": site.user, "token": site.token}).encode(), name="refresh.json"),
        Request("/api/notes/", wrong, status=403, name="wrong token"),
        Request("/token/verify.json", form, "POST", f"user=987654321&token={site.token}".encode(),
                status=401, name="unknown user"),
    ]  # fmt: skip


def main() -> int:
    seconds = float(os.environ.get("LOAD_SECONDS", 30))
    connections = int(os.environ.get("LOAD_CONNECTIONS", 16))
    workers = int(os.environ.get("LOAD_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    # Bad credentials all along from one address: no lockout (it has its own tests).
    limits = {"AXES_FAILURE_LIMIT": "1000000000", "CONN_MAX_AGE": "60"}
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tok_load")
    with demo_site("load", workers=workers, **limits) as site:
        figures = run(site.url, mix(site), seconds, connections)
    print(
        f"load: {connections} connections, {figures.seconds:.0f} s, {workers} workers: "
        f"{len(figures.latencies)} requests, {figures.rps:.0f} requests/s, "
        f"p50 {figures.percentile(50):.0f} ms, p99 {figures.percentile(99):.0f} ms, "
        f"statuses {dict(sorted(figures.statuses.items()))}"
    )
    for what, count in figures.unexpected.most_common():
        print(f"  unexpected: {what} ({count} times)")
    return 1 if figures.unexpected or not figures.latencies else 0


if __name__ == "__main__":
    sys.exit(main())
