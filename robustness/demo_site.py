"""The example project and its demo user, served by ``tests/server.py``, for fuzz and load."""

from __future__ import annotations

import contextlib
import json
import secrets
import sys
import tempfile
import urllib.parse
import urllib.request
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import base_environment, manage, running_server, server_database  # noqa: E402

Site = namedtuple("Site", "url user token password")  # the demo user's id, token and password


@contextlib.contextmanager
def demo_site(name: str, workers: int = 2, **settings: str) -> Iterator[Site]:
    """The example project on a database of its own (SQLite, or beside ``DATABASE_URL``'s)."""
    password = secrets.token_urlsafe(16)
    with (
        tempfile.TemporaryDirectory(prefix=f"tokenapi-{name}-") as tmp,
        server_database(Path(tmp), name) as database_url,
    ):
        env = base_environment(database_url, DEMO_PASSWORD=password, **settings)
        manage(env, "migrate", "--noinput")
        manage(env, "demo_setup")
        with running_server(env, Path(tmp), workers=workers) as server:
            login = urllib.parse.urlencode({"username": "demo", "password": password}).encode()
            with urllib.request.urlopen(f"{server.url}/token/new.json", login, timeout=30) as r:  # noqa: S310
                answer = json.load(r)
            yield Site(server.url, str(answer["user"]), answer["token"], password)
        if "Traceback" in (log := server.log()):
            print(f"{name}: the server logged tracebacks:\n{log[-4000:]}", file=sys.stderr)
            raise SystemExit(1)
