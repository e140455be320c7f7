"""The example project served by gunicorn, called over HTTP as its users call it.

``make demo`` on fresh SQLite; then, on one database (``DATABASE_URL``'s, or SQLite), a
production-like server for the printed commands, ``client.py`` and the access log, two more
through a key rotation, django-axes lockouts with its database and Redis handlers, and
``example.asgi`` under uvicorn: django-ninja and the Channels notes feed over WebSockets.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import stat
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.helpers import basic_auth
from tests.server import (
    ASGI_WORKER,
    EXAMPLE_PROJECT,
    GUNICORN_CONF,
    REPO,
    Server,
    base_environment,
    bind_free_port,
    database_kind,
    manage,
    running_server,
    server_database,
    start_server,
)

pytestmark = pytest.mark.e2e

# Characters a shell or a form encoding could mangle, to prove the printed commands quote.
DEMO_PASSWORD = "e2e pass & 'quote' \"dq\" $HOME %20 ü"
CLIENT = EXAMPLE_PROJECT / "client.py"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: Any


def request(
    server: Server,
    method: str,
    path: str,
    form: dict[str, Any] | None = None,
    pair: tuple[Any, str] | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    """Send a form and/or the pair as Basic auth, from the loopback address ``source``."""
    headers = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    if pair is not None:
        headers["Authorization"] = basic_auth(*pair)
    body = None if form is None else urllib.parse.urlencode(form)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, 30, (source, 0))
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    # django-ninja adds "; charset=utf-8".
    assert response.headers["Content-Type"].split(";")[0] == "application/json", raw[:200]
    return Answer(response.status, response.headers, json.loads(raw))


def log_in(server: Server, password: str = DEMO_PASSWORD, source: str = "127.0.0.1") -> Answer:
    form = {"username": "demo", "password": password}
    return request(server, "POST", "/token/new.json", form=form, source=source)


def new_pair(server: Server, source: str = "127.0.0.1") -> tuple[Any, str]:
    body = log_in(server, source=source).body
    return body["user"], body["token"]


def verify(server: Server, pair: tuple[Any, str]) -> int:
    return request(server, "POST", "/token/verify.json", pair=pair).status


def run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, **options
    )


def assert_clean_log(server: Server) -> None:
    log = server.log()
    assert "Traceback" not in log, log
    assert '" 500 ' not in log, log
    assert DEMO_PASSWORD not in log


# -- make demo, and the printed commands ------------------------------------------


@dataclass
class Site:
    """A server of the example, its environment, and what demo_setup printed for it."""

    server: Server
    env: dict[str, str]
    setup_output: str = ""
    # The loopback network its clients connect from: servers on one database share
    # django-axes' counts there, and those of 127.0.0.1 are the demo server's.
    network: str = "127.0.0"


def start_demo(env: dict[str, str], log_dir: Path, workers: int = 1) -> Site:
    """``make demo``'s last steps: demo_setup for the server's address, then gunicorn."""
    with bind_free_port() as sock:
        port = sock.getsockname()[1]
    # Free again for demo_setup, which checks that nothing listens there yet.
    output = manage(env, "demo_setup", "--base-url", f"http://127.0.0.1:{port}")
    server = start_server(env, log_dir, sock=bind_free_port(port), workers=workers)
    return Site(server, env, output)


def run_curl_commands_as_printed(demo: Site) -> list[dict[str, Any]]:
    """Paste each printed command into a shell (curl must be installed); each must succeed."""
    commands = [line for line in demo.setup_output.splitlines() if line.startswith("curl ")]
    assert len(commands) == 12, demo.setup_output
    answers = []
    for command in commands:
        result = run(["bash", "-c", command], env=demo.env)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        answer = json.loads(result.stdout)
        assert answer["success"] is True, f"{command}\n{answer}"
        answers.append(answer)
    # Tokens travel in bodies and headers only: no URL, so no access log, holds one.
    token = re.search(r" -d token=(\S+) ", demo.setup_output)[1]  # type: ignore[index]
    assert not any(token in url for url in re.findall(r"http://\S+", demo.setup_output))
    assert token not in demo.server.log()
    return answers


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with server_database(tmp_path_factory.mktemp("e2e-db")) as url:
        manage(base_environment(url), "migrate", "--noinput")
        yield url


@pytest.fixture(scope="module")
def demo(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example served as in production, with a password from the environment."""
    env = base_environment(database_url, DEMO_PASSWORD=DEMO_PASSWORD)
    demo = start_demo(env, tmp_path_factory.mktemp("logs"))
    try:
        yield demo
    finally:
        demo.server.stop()
    assert_clean_log(demo.server)


@pytest.mark.skipif(database_kind() != "sqlite3", reason="make demo's database is SQLite")
def test_make_demo_serves_the_site_and_its_curl_commands_work_as_printed(tmp_path: Path) -> None:
    # As on a fresh machine: no settings in the environment, gunicorn's own config.
    env = base_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DEMO_PASSWORD", "AXES_FAILURE_LIMIT"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput")
    demo = start_demo(env, tmp_path, workers=2)
    try:
        assert "password=demo-password-for-development-only" in demo.setup_output
        # The demo's friendly default limit, and how to lift a lockout.
        assert "# 5 failed logins or token checks lock a client out" in demo.setup_output
        assert "manage.py axes_reset" in demo.setup_output
        answers = run_curl_commands_as_printed(demo)
        openapi = request(demo.server, "GET", "/token/openapi.json").body
    finally:
        demo.server.stop()
    assert_clean_log(demo.server)
    texts = {answer["note"]["text"] for answer in answers if "note" in answer}
    assert texts == {"Hello from curl", "Hello from a JSON body"}
    assert all(answer["notes"] for answer in answers if "notes" in answer)
    assert set(answers[-3]) >= {"token", "expires"}, "the refresh gave no token"
    assert [s["device"] for s in answers[-2]["sessions"] if s["current"]] == ["make demo"]
    assert {"username": "demo", "success": True} in answers  # the README's quickstart view
    # The token endpoints' description, with the absolute URL the example serves them at.
    assert openapi["servers"] == [{"url": f"{demo.server.url}/token"}]


def test_make_demo_runs_the_steps_these_tests_replay() -> None:
    dry_run = run(["make", "-n", "demo"], cwd=REPO).stdout
    steps = [
        "example_project/manage.py demo_setup --base-url http://127.0.0.1:8000",
        "gunicorn -c example_project/gunicorn.conf.py --chdir example_project",
        "--bind 127.0.0.1:8000 example.wsgi",
    ]
    positions = [dry_run.find(step) for step in steps]
    assert -1 not in positions, dry_run
    assert positions == sorted(positions), dry_run


def test_curl_commands_with_a_password_from_the_environment_work_as_printed(demo: Site) -> None:
    # They read it from $DEMO_PASSWORD (test_demo_setup.py), quoted for the shell.
    run_curl_commands_as_printed(demo)


def test_the_access_log_masks_tokens_in_query_strings_and_the_2x_route(demo: Site) -> None:
    user, token = new_pair(demo.server)
    query = urllib.parse.urlencode({"user": user, "token": token})
    assert request(demo.server, "GET", f"/api/notes/?{query}").status == 200
    assert request(demo.server, "GET", f"/token/{token}/{user}.json").status == 200
    assert request(demo.server, "GET", f"/token/{token}/{user}0.json").status == 401
    assert request(demo.server, "GET", "/token/abc%0aFORGED/1.json").status == 401
    # gunicorn logs a request just after answering it.
    lines = [
        f'127.0.0.1 "GET /api/notes/?user={user}&token=******** HTTP/1.1" 200 ',
        f'127.0.0.1 "GET /token/********/{user}.json HTTP/1.1" 200 ',
        f'127.0.0.1 "GET /token/********/{user}0.json HTTP/1.1" 401 ',
        '127.0.0.1 "GET /token/abc%0aFORGED/1.json HTTP/1.1" 401 ',
    ]
    deadline = time.monotonic() + 10
    while not all(line in demo.server.log() for line in lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    log = demo.server.log()
    assert all(line in log for line in lines), log
    assert token not in log
    assert "\nFORGED" not in log


# -- client.py ------------------------------------------------------------------


def run_client(
    demo: Site, store: Path, *args: str, path: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(CLIENT), "--url", demo.server.url + path, "--store", str(store)]
    return run([*command, *args], env={**demo.env, **env})


def test_the_client_calls_every_endpoint_keeps_its_pair_and_logs_in_again(
    demo: Site, tmp_path: Path
) -> None:
    store = tmp_path / "pair.json"
    first = run_client(demo, store, "--verbose")
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    for path in ("/api/notes/", "/api/cbv/notes/", "/api/async/notes/", "/api/drf/notes/"):
        assert f"GET {path} (Basic auth) -> 200" in out
    assert "POST /api/notes/ (parameters) -> 201" in out
    assert "POST /api/async/notes/ (JSON body) -> 201" in out
    assert "POST /api/drf/notes/ (JSON body) -> 201" in out
    assert "[refresh ] POST /token/refresh.json -> 200" in out
    assert out.rstrip().endswith("OK: every answer was as expected.")
    # --verbose shows each request, but neither the password nor a whole token.
    stored = json.loads(store.read_text())
    assert "username=demo&password=<hidden>" in out
    assert f"Authorization: Basic base64({stored['user']}:" in out
    assert DEMO_PASSWORD not in out
    assert stored["token"] not in out
    # The pair it stored is live, and readable by its owner only.
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert verify(demo.server, (stored["user"], stored["token"])) == 200

    again = run_client(demo, store)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using the stored token" in again.stdout
    assert "[login" not in again.stdout

    stored = json.loads(store.read_text())
    tampered = stored["token"][:-4] + "AAAA"  # as after a password change
    store.write_text(json.dumps({**stored, "token": tampered}))
    relogin = run_client(demo, store)
    assert relogin.returncode == 0, relogin.stdout + relogin.stderr
    assert "[relogin ] the server refused the stored pair" in relogin.stdout
    assert json.loads(store.read_text())["token"] != tampered


def test_the_client_lists_devices_and_logs_one_or_every_device_out(
    demo: Site, tmp_path: Path
) -> None:
    phone, laptop = tmp_path / "phone.json", tmp_path / "laptop.json"
    assert run_client(demo, laptop).returncode == 0
    result = run_client(demo, phone, "--logout")
    out = result.stdout
    assert "(this one)" in out and "POST /token/logout.json -> 200" in out, out + result.stderr
    assert not phone.exists()
    laptop_pair = tuple(json.loads(laptop.read_text())[key] for key in ("user", "token"))
    assert verify(demo.server, laptop_pair) == 200  # the other device keeps working
    result = run_client(demo, laptop, "--logout-all")
    assert "POST /token/logoutall.json -> 200" in result.stdout, result.stdout + result.stderr
    assert verify(demo.server, laptop_pair) == 401


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {"DEMO_PASSWORD": "not the password"}, "FAILED: login as 'demo' refused"),
        (("--username", "nobody"), {}, "FAILED: login as 'nobody' refused"),
        # Django's HTML (a CSRF refusal from the admin), not an answer of the token API.
        ((), {"path": "/admin"}, "FAILED: POST /token/new.json -> 403, not JSON"),
    ],
    ids=["wrong-password", "unknown-user", "not-the-api"],
)
def test_the_client_fails_when_it_cannot_log_in(
    demo: Site, tmp_path: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    result = run_client(demo, tmp_path / "pair.json", *args, **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "pair.json").exists()


# -- more servers on the same database, and a key rotation -------------------------


def test_servers_share_the_database_and_tokens_survive_a_key_rotation(
    demo: Site, database_url: str, tmp_path: Path
) -> None:
    # The demo server signs with the old key. Mid-rotation, as the manual's deploying
    # guide describes it, node B still signs with the old key and accepts the new one;
    # node A signs with the new key and accepts the old one.
    old_key, new_key = demo.env["SECRET_KEY"], "e2e-rotated-secret-key"
    user, old_token = new_pair(demo.server)

    def node_env(key: str, fallback: str) -> dict[str, str]:
        return base_environment(
            database_url, SECRET_KEY=key, SECRET_KEY_FALLBACKS=fallback, CONN_MAX_AGE="60"
        )

    with (
        running_server(node_env(old_key, new_key), tmp_path) as node_b,
        running_server(node_env(new_key, old_key), tmp_path) as node_a,
    ):
        # One database: a note written through one server is read through another.
        form = {"user": user, "token": old_token, "text": "from node B"}
        created = request(node_b, "POST", "/api/notes/", form=form)
        assert created.status == 201, created.body
        listed = request(node_a, "GET", "/api/async/notes/", pair=(user, old_token))
        assert created.body["note"] in listed.body["notes"]

        from_b = log_in(node_b).body["token"]
        from_a = log_in(node_a).body["token"]
        refreshed = request(node_a, "POST", "/token/refresh.json", pair=(user, old_token))
        assert refreshed.status == 200, refreshed.body
        for node in (node_a, node_b):
            for token in (old_token, from_b, from_a, refreshed.body["token"]):
                assert verify(node, (user, token)) == 200
        # The demo server knows the old key only: node A's tokens, fresh or refreshed,
        # are signed with the new one, and node B's still with the old one.
        tokens = (from_b, from_a, refreshed.body["token"])
        assert [verify(demo.server, (user, token)) for token in tokens] == [200, 401, 401]

        # Sessions: a device logged out through one node is refused at once by the other.
        logout = request(node_a, "POST", "/token/logout.json", pair=(user, from_b))
        assert logout.status == 200, logout.body
        assert [verify(node_b, (user, t)) for t in (from_b, from_a)] == [401, 200]
        everywhere = request(node_b, "POST", "/token/logoutall.json", pair=(user, from_a))
        assert everywhere.status == 200, everywhere.body
        assert [verify(node_a, (user, t)) for t in (from_a, old_token)] == [401, 401]
    for node in (node_a, node_b):
        assert_clean_log(node)


# -- django-axes: lockouts answered in JSON ------------------------------------------

LIMIT = 3
LOCKOUT = "Account locked: too many login attempts. Please try again later."
AXES_CACHE_KEYS = "*axes-*"  # what axes' cache handler stores, whatever the key prefix


def assert_locked_out(answer: Answer) -> None:
    assert (answer.status, answer.body) == (429, {"success": False, "errors": LOCKOUT})
    assert answer.headers["Retry-After"] == "900"  # the example's 15 minutes


def axes_keys(redis_url: str, delete: bool = False) -> list[bytes]:
    """The keys of axes' counters in Redis, deleted when ``delete`` says so."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=AXES_CACHE_KEYS))
        if keys and delete:
            client.delete(*keys)
        return keys
    finally:
        client.close()


@pytest.fixture(scope="module", params=["database", "redis-cache"])
def site(
    request: pytest.FixtureRequest, demo: Site, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The example with AXES_FAILURE_LIMIT=3 and two workers: the counts must be shared."""
    handler, network = {}, "127.0.1"
    if request.param == "redis-cache":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set")
        handler, network = {"REDIS_URL": os.environ["REDIS_URL"]}, "127.0.2"
        axes_keys(handler["REDIS_URL"], delete=True)
    # The demo's database, where its user is.
    env = {**demo.env, "AXES_FAILURE_LIMIT": str(LIMIT), **handler}
    with running_server(env, tmp_path_factory.mktemp("axes"), workers=2) as server:
        yield Site(server, env, network=network)
    if handler:
        axes_keys(handler["REDIS_URL"], delete=True)
    assert_clean_log(server)


def test_failed_logins_and_token_checks_lock_the_client_out_in_json(site: Site) -> None:
    client = f"{site.network}.2"
    user, token = new_pair(site.server, client)
    wrong = (user, "1-" + "A" * 43)
    # A wrong password, a wrong token on a token_required view, then on DRF's view: axes
    # answers the failure that reaches the limit (3) with the lockout already.
    assert log_in(site.server, "wrong", client).status == 401
    assert request(site.server, "GET", "/api/notes/", pair=wrong, source=client).status == 403
    assert_locked_out(request(site.server, "GET", "/api/drf/notes/", pair=wrong, source=client))
    assert_locked_out(request(site.server, "POST", "/token/verify.json", pair=wrong, source=client))
    # The right password is refused while locked out...
    assert_locked_out(log_in(site.server, source=client))
    # ...but a token the client already holds keeps working, and other clients are let in.
    notes = request(site.server, "GET", "/api/notes/", pair=(user, token), source=client)
    assert notes.status == 200, notes.body
    assert log_in(site.server, source=f"{site.network}.3").status == 200


def test_the_counts_are_kept_by_the_configured_handler(site: Site) -> None:
    client = f"{site.network}.4"
    for _ in range(LIMIT):
        log_in(site.server, "wrong", client)
    assert_locked_out(log_in(site.server, source=client))
    in_database = manage(site.env, "axes_list_attempts")
    if "REDIS_URL" in site.env:
        assert client not in in_database
        assert axes_keys(site.env["REDIS_URL"])
    else:
        assert client in in_database
        # Lifting the lockout (make demo prints axes_reset, which lifts them all).
        manage(site.env, "axes_reset_ip", client)
        assert log_in(site.server, source=client).status == 200


# -- example.asgi under uvicorn: django-ninja, and the notes feed over WebSockets ------

FEED = "/ws/notes/"
SOCKET_USER = "socket-user"


@pytest.fixture(scope="module")
def asgi(demo: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example's ASGI application, on the demo's database, one process (one channel layer)."""
    options = ("-c", str(GUNICORN_CONF), "--worker-class", ASGI_WORKER)
    log_dir = tmp_path_factory.mktemp("asgi")
    with running_server(demo.env, log_dir, app="example.asgi", options=options) as server:
        yield Site(server, demo.env)
    assert_clean_log(server)


def open_feed(site: Site, query: str = "", **options: Any) -> ClientConnection:
    url = site.server.url.replace("http://", "ws://") + FEED + query
    return connect(url, open_timeout=30, close_timeout=10, **options)


def close_of(socket: ClientConnection) -> tuple[int, str]:
    """The code and reason of the close the server sends next."""
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=30)
    assert closed.value.rcvd is not None, closed.value
    return closed.value.rcvd.code, closed.value.rcvd.reason


def subprotocol(user: Any, token: str) -> str:
    pair = base64.urlsafe_b64encode(f"{user}:{token}".encode()).decode().rstrip("=")
    return f"tokenapi.auth.{pair}"


def test_django_ninja_answers_as_the_decorator_under_asgi(asgi: Site) -> None:
    user, token = new_pair(asgi.server)
    note = request(asgi.server, "POST", "/api/ninja/notes/", {"text": "ninja"}, (user, token))
    assert note.status == 201, note.body
    listed = request(asgi.server, "GET", "/api/ninja/notes/", pair=(user, token))
    assert note.body["note"] in listed.body["notes"]
    assert "Authorization" in listed.headers["Vary"]
    wrong = request(asgi.server, "GET", "/api/ninja/notes/", pair=(user, "1-" + "A" * 43))
    assert (wrong.status, wrong.body) == (
        403,
        {"success": False, "errors": "Incorrect user and token pair."},
    )
    missing = request(asgi.server, "POST", "/api/ninja/notes/", {"text": "anonymous"})
    assert (missing.status, missing.headers["WWW-Authenticate"]) == (401, 'Basic realm="api"')


@pytest.mark.parametrize("source", ["header", "subprotocol", "query"])
def test_a_socket_with_a_pair_gets_its_notes_then_the_new_ones(asgi: Site, source: str) -> None:
    user, token = new_pair(asgi.server)
    first = request(
        asgi.server, "POST", "/api/notes/", {"text": f"before, {source}"}, (user, token)
    )
    options: dict[str, Any] = {
        "header": {"additional_headers": {"Authorization": basic_auth(user, token)}},
        "subprotocol": {"subprotocols": ["tokenapi", subprotocol(user, token)]},
        "query": {"query": "?" + urllib.parse.urlencode({"user": user, "token": token})},
    }[source]
    with open_feed(asgi, **options) as feed:
        # What a browser checks: the answer is one it offered, never its credentials.
        assert feed.subprotocol == ("tokenapi" if source == "subprotocol" else None)
        assert first.body["note"] in json.loads(feed.recv(timeout=30))["notes"]
        second = request(asgi.server, "POST", "/api/async/notes/", {"text": "after"}, (user, token))
        assert json.loads(feed.recv(timeout=30)) == {"note": second.body["note"]}
    assert token not in asgi.server.log()  # the query string's is masked in the access log


@pytest.mark.parametrize(
    ("options", "code"),
    [
        pytest.param({}, 4401, id="no-credentials"),
        pytest.param({"additional_headers": {"Authorization": "Basic %%%"}}, 4400, id="malformed"),
        pytest.param({"subprotocols": ["tokenapi", subprotocol(1, "1-x")]}, 4403, id="wrong-pair"),
        pytest.param({"query": "?user=%ff%00&token=" + "9" * 5000}, 4403, id="ugly-query"),
    ],
)
def test_a_socket_without_a_valid_pair_is_closed_cleanly(
    asgi: Site, options: dict[str, Any], code: int
) -> None:
    with open_feed(asgi, **options) as feed:
        assert close_of(feed)[0] == code


def set_password(site: Site, username: str, password: str) -> None:
    """Create the user if need be and set their password, as the admin would."""
    code = (
        "from django.contrib.auth.models import User; "
        f"user = User.objects.get_or_create(username={username!r})[0]; "
        f"user.set_password({password!r}); user.save()"
    )
    manage(site.env, "shell", "-c", code)


def test_a_password_change_closes_the_users_open_socket(asgi: Site) -> None:
    set_password(asgi, SOCKET_USER, "first password 1")
    login = {"username": SOCKET_USER, "password": "first password 1"}
    pair = request(asgi.server, "POST", "/token/new.json", login).body
    header = {"Authorization": basic_auth(pair["user"], pair["token"])}
    with open_feed(asgi, additional_headers=header) as feed:
        assert json.loads(feed.recv(timeout=30)) == {"notes": []}
        for junk in ("not JSON", b"\xff", json.dumps({"text": ""})):
            feed.send(junk)
            assert json.loads(feed.recv(timeout=30))["success"] is False
        feed.send(json.dumps({"text": "before"}))
        assert json.loads(feed.recv(timeout=30))["note"]["text"] == "before"
        set_password(asgi, SOCKET_USER, "second password 2")
        feed.send(json.dumps({"text": "after"}))
        assert close_of(feed) == (4403, "Incorrect user and token pair.")
    login["password"] = "second password 2"
    pair = request(asgi.server, "POST", "/token/new.json", login).body
    notes = request(asgi.server, "GET", "/api/ninja/notes/", pair=(pair["user"], pair["token"]))
    assert [note["text"] for note in notes.body["notes"]] == ["before"]


def test_the_client_uses_the_feed_with_the_header(asgi: Site, tmp_path: Path) -> None:
    result = run_client(asgi, tmp_path / "pair.json", "--websocket")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WebSocket /ws/notes/ (Authorization header): " in result.stdout
