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

from tests.server import (  # noqa: E402
    base_environment,
    bind_free_port,
    manage,
    running_server,
    server_database,
)

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
        with bind_free_port() as sock:
            port = sock.getsockname()[1]
        # demo_setup migrates, and checks that nothing serves at the address yet.
        manage(env, "demo_setup", "--base-url", f"http://127.0.0.1:{port}")
        sock = bind_free_port(port)
        with running_server(env, Path(tmp), workers=workers, sock=sock) as server:
            login = urllib.parse.urlencode({"username": "demo", "password": password}).encode()
            with urllib.request.urlopen(f"{server.url}/token/new.json", login, timeout=30) as r:  # noqa: S310
                answer = json.load(r)
            yield Site(server.url, str(answer["user"]), answer["token"], password)
        if "Traceback" in (log := server.log()):
            first = log.index("Traceback")
            print(
                f"{name}: the server logged tracebacks:\n{log[first - 500 : first + 3000]}",
                file=sys.stderr,
            )
            raise SystemExit(1)
