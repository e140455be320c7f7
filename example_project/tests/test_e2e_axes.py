"""django-axes in the example project, under gunicorn: lockouts answered in JSON.

The example configures axes as README.rst tells sites to. With
``AXES_FAILURE_LIMIT=3``, wrong passwords to ``new.json`` and wrong tokens on
protected views count against the client's address; once locked out, it gets a
JSON 429, even with the right password, while tokens it already holds keep
working. Once with axes' database handler, once with its cache handler on the
Redis ``REDIS_URL`` names (skipped when it is unset).

Each client connects from an address of its own on the loopback network
(127.0.0.2, 127.0.0.3, ...), so that one test's lockout is not another's.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.server import Server, base_environment, manage, running_server, server_database

pytestmark = pytest.mark.e2e

LIMIT = 3
PASSWORD = "axes e2e password"
LOCKOUT_BODY = {
    "success": False,
    "errors": "Account locked: too many login attempts. Please try again later.",
}
COOL_OFF_SECONDS = "900"  # the example's 15 minutes
AXES_CACHE_KEYS = "*axes-*"  # what axes' cache handler stores, whatever the key prefix


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: Any


@dataclass
class Site:
    server: Server
    env: dict[str, str]
    user: Any

    def request(
        self,
        source: str,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
        pair: tuple[Any, str] | None = None,
    ) -> Answer:
        """Send a request from the loopback address ``source``; the answer must be JSON."""
        headers = {"Accept": "application/json"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if pair is not None:
            encoded = base64.b64encode(f"{pair[0]}:{pair[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {encoded}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.server.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        assert response.headers["Content-Type"] == "application/json", raw[:200]
        return Answer(response.status, response.headers, json.loads(raw))

    def log_in(self, source: str, password: str) -> Answer:
        form = {"username": "demo", "password": password}
        return self.request(source, "POST", "/token/new.json", form=form)


def assert_locked_out(answer: Answer) -> None:
    assert answer.status == 429, answer.body
    assert answer.body == LOCKOUT_BODY
    assert answer.headers["Retry-After"] == COOL_OFF_SECONDS


def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


def delete_axes_keys(url: str) -> None:
    """Delete axes' counters, and only those, from the Redis database ``url`` names."""
    client = redis_client(url)
    try:
        keys = list(client.scan_iter(match=AXES_CACHE_KEYS))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(scope="module", params=["database", "redis-cache"])
def handler(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment selecting each axes handler; the Redis one starts and ends clean."""
    if request.param == "database":
        yield {}
        return
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set")
    delete_axes_keys(redis_url)
    try:
        yield {"REDIS_URL": redis_url}
    finally:
        delete_axes_keys(redis_url)


@pytest.fixture(scope="module")
def site(handler: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example with AXES_FAILURE_LIMIT=3, two workers, on a database of its own."""
    tmp_path = tmp_path_factory.mktemp("axes")
    with server_database(tmp_path) as database_url:
        env = base_environment(
            database_url, AXES_FAILURE_LIMIT=str(LIMIT), DEMO_PASSWORD=PASSWORD, **handler
        )
        manage(env, "migrate", "--noinput")
        manage(env, "demo_setup")
        # Two workers: the counts must be shared, not kept per process.
        with running_server(env, tmp_path, workers=2) as server:
            answer = Site(server, env, None).log_in("127.0.0.9", PASSWORD)
            assert answer.status == 200, answer.body
            yield Site(server, env, answer.body["user"])
        log = server.log()
        assert "Traceback" not in log, log
        assert '" 500 ' not in log, log


def handler_name(site: Site) -> str:
    return "cache" if "REDIS_URL" in site.env else "database"


def test_wrong_passwords_lock_the_client_out_in_json(site: Site) -> None:
    client = "127.0.0.2"
    token = site.log_in(client, PASSWORD).body["token"]

    statuses = []
    for _ in range(LIMIT + 1):
        answer = site.log_in(client, "wrong")
        statuses.append(answer.status)
    # Axes answers the failure that reaches the limit with the lockout already.
    assert statuses == [401] * (LIMIT - 1) + [429, 429]
    assert_locked_out(answer)
    # The right password is refused while locked out...
    assert_locked_out(site.log_in(client, PASSWORD))
    # ...but a token the client already holds keeps working,
    notes = site.request(client, "GET", "/api/notes/", pair=(site.user, token))
    assert notes.status == 200, notes.body
    # and another client is not locked out.
    assert site.log_in("127.0.0.4", PASSWORD).status == 200


def test_failed_token_checks_count_as_failures(site: Site) -> None:
    client = "127.0.0.3"
    wrong = (site.user, "1-" + "A" * 43)
    # One wrong password, then wrong tokens on a decorated view and on DRF.
    assert site.log_in(client, "wrong").status == 401
    refused = site.request(client, "GET", "/api/notes/", pair=wrong)
    assert refused.status == 403
    assert refused.body == {"success": False, "errors": "Incorrect user and token pair."}
    assert_locked_out(site.request(client, "GET", "/api/drf/notes/", pair=wrong))
    assert_locked_out(site.request(client, "POST", "/token/verify.json", pair=wrong))
    assert_locked_out(site.log_in(client, PASSWORD))


def test_the_counts_are_kept_by_the_configured_handler(site: Site) -> None:
    client = "127.0.0.5"
    for _ in range(LIMIT):
        site.log_in(client, "wrong")
    assert_locked_out(site.log_in(client, PASSWORD))
    in_database = manage(site.env, "axes_list_attempts")
    if handler_name(site) == "database":
        assert client in in_database
        # Lifting the lockout (`make demo` prints `axes_reset`, which lifts them all).
        manage(site.env, "axes_reset_ip", client)
        assert site.log_in(client, PASSWORD).status == 200
    else:
        assert client not in in_database
        redis = redis_client(site.env["REDIS_URL"])
        try:
            assert list(redis.scan_iter(match=AXES_CACHE_KEYS))
        finally:
            redis.close()
