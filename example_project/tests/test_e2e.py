"""The example project served by gunicorn, called over HTTP as its users would call it.

* ``make demo``'s steps on a fresh SQLite database, then every curl command it
  prints, run as printed.
* ``client.py`` against a production-like server (DEBUG off, a real secret key)
  on the database ``DATABASE_URL`` names.
* Two servers sharing one PostgreSQL database: tokens work on either, and keep
  working across a ``SECRET_KEY`` rotation.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.server import (
    EXAMPLE_PROJECT,
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
class Demo:
    server: Server
    env: dict[str, str]
    setup_output: str


def demo_env(database_url: str) -> dict[str, str]:
    """What ``make demo`` runs with on a fresh machine: no settings in the environment."""
    env = base_environment(database_url)
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DEMO_PASSWORD", "AXES_FAILURE_LIMIT"):
        env.pop(name, None)
    return env


def start_demo(env: dict[str, str], log_dir: Path, workers: int = 1) -> Demo:
    """``make demo``'s steps: migrate, demo_setup for the server's address, gunicorn."""
    manage(env, "migrate", "--noinput")
    sock = bind_free_port()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        output = manage(env, "demo_setup", "--base-url", url)
    except BaseException:
        sock.close()
        raise
    server = start_server(env, log_dir, sock=sock, workers=workers)
    return Demo(server=server, env=env, setup_output=output)


@pytest.fixture(scope="module")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with server_database(tmp_path_factory.mktemp("e2e-db")) as url:
        yield url


@pytest.fixture(scope="module")
def production_demo(
    e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The example served as in production, on the database DATABASE_URL names."""
    env = base_environment(e2e_database_url, DEMO_PASSWORD=DEMO_PASSWORD)
    demo = start_demo(env, tmp_path_factory.mktemp("logs"))
    try:
        yield demo
    finally:
        demo.server.stop()
    assert_clean_log(demo.server)


def assert_clean_log(server: Server) -> None:
    log = server.log()
    assert "Traceback" not in log, log
    assert '" 500 ' not in log, log
    assert DEMO_PASSWORD not in log


def curl_commands(setup_output: str) -> list[str]:
    return [line for line in setup_output.splitlines() if line.startswith("curl ")]


def run_curl_commands_as_printed(demo: Demo) -> list[dict[str, Any]]:
    """Paste each printed command into a shell (curl must be installed); each must succeed."""
    commands = curl_commands(demo.setup_output)
    assert len(commands) >= 8, demo.setup_output
    answers = []
    for command in commands:
        assert demo.server.url in command
        result = subprocess.run(
            ["bash", "-c", command],
            env=demo.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        answer = json.loads(result.stdout)
        assert answer["success"] is True, f"{command}\n{answer}"
        answers.append(answer)
    return answers


def fetch_json(url: str) -> Any:
    """GET ``url``; it must answer 200 with a JSON ``Content-Type`` and a JSON body."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


def assert_openapi_description(description: Any) -> None:
    assert description["openapi"].startswith("3.1")
    assert set(description["paths"]) == {
        "/new.json",
        "/{token}/{user}.json",
        "/verify.json",
        "/refresh.json",
    }
    # The paths resolve under the prefix the example includes tokenapi.urls at.
    assert description["servers"] == [{"url": "/token"}]


def run_client(demo: Demo, store: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CLIENT), "--url", demo.server.url, "--store", str(store), *args],
        env={**demo.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def call(url: str, path: str, user: object, token: str, **form: str) -> tuple[int, dict[str, Any]]:
    """POST ``form`` plus the pair as parameters; return the status and the JSON answer."""
    data = urllib.parse.urlencode({"user": user, "token": token, **form}).encode()
    try:
        with urllib.request.urlopen(f"{url}{path}", data=data, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def get(url: str, path: str, user: object, token: str) -> tuple[int, dict[str, Any]]:
    """GET with the pair in an ``Authorization: Basic`` header."""
    pair = base64.b64encode(f"{user}:{token}".encode()).decode()
    request = urllib.request.Request(f"{url}{path}", headers={"Authorization": f"Basic {pair}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def login(url: str, password: str) -> tuple[object, str]:
    data = urllib.parse.urlencode({"username": "demo", "password": password}).encode()
    with urllib.request.urlopen(f"{url}/token/new.json", data=data, timeout=30) as response:
        answer = json.loads(response.read())
    return answer["user"], answer["token"]


# -- make demo ------------------------------------------------------------------


def test_make_demo_serves_the_site_and_its_curl_commands_work_as_printed(tmp_path: Path) -> None:
    # Like `make demo` on a fresh machine: SQLite, development defaults, gunicorn's own config.
    demo = start_demo(demo_env(f"sqlite:///{tmp_path / 'db.sqlite3'}"), tmp_path, workers=2)
    try:
        assert "password=demo-password-for-development-only" in demo.setup_output
        # The demo's friendly default limit, and how to lift a lockout.
        assert "# 5 failed logins or token checks lock a client out" in demo.setup_output
        assert "manage.py axes_reset" in demo.setup_output
        assert any("/api/drf/notes/" in line for line in curl_commands(demo.setup_output))
        answers = run_curl_commands_as_printed(demo)
        openapi = fetch_json(f"{demo.server.url}/token/openapi.json")
    finally:
        demo.server.stop()
    assert_clean_log(demo.server)
    texts = {answer["note"]["text"] for answer in answers if "note" in answer}
    assert texts == {"Hello from curl", "Hello from a JSON body"}
    listed = [answer["notes"] for answer in answers if "notes" in answer]
    assert listed and all(len(notes) >= 1 for notes in listed)
    assert any("token" in answer for answer in answers[1:]), "the refresh gave no token"
    assert_openapi_description(openapi)


def test_make_demo_runs_the_steps_these_tests_replay(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    dry_run = subprocess.run(
        ["make", "-n", "demo", f"VENV={venv}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    steps = [
        f"-m venv {venv}",
        "pip install --quiet -e . -r example_project/requirements.txt",
        "example_project/manage.py migrate --noinput",
        "example_project/manage.py demo_setup --base-url http://127.0.0.1:8000",
        f"exec {venv}/bin/gunicorn -c example_project/gunicorn.conf.py --chdir example_project",
        "--bind 127.0.0.1:8000 example.wsgi",
    ]
    positions = [dry_run.find(step) for step in steps]
    assert -1 not in positions, dry_run
    assert positions == sorted(positions), dry_run


def test_curl_commands_with_a_password_from_the_environment_work_as_printed(
    production_demo: Demo,
) -> None:
    assert '"$DEMO_PASSWORD"' in production_demo.setup_output
    assert DEMO_PASSWORD not in production_demo.setup_output
    run_curl_commands_as_printed(production_demo)


def test_the_openapi_description_is_served_as_json(production_demo: Demo) -> None:
    description = fetch_json(f"{production_demo.server.url}/token/openapi.json")
    assert_openapi_description(description)
    # Its paths are the live endpoints: a login at server + "/new.json" works.
    base = production_demo.server.url + description["servers"][0]["url"]
    data = urllib.parse.urlencode({"username": "demo", "password": DEMO_PASSWORD}).encode()
    with urllib.request.urlopen(f"{base}/new.json", data=data, timeout=30) as response:
        assert json.loads(response.read())["success"] is True


# -- client.py ------------------------------------------------------------------


def test_the_client_logs_in_stores_the_pair_and_calls_every_endpoint(
    production_demo: Demo, tmp_path: Path
) -> None:
    store = tmp_path / "pair.json"
    result = run_client(production_demo, store)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for step in ("[login", "[verify", "[create", "[list", "[refresh"):
        assert step in out, out
    for path in ("/api/notes/", "/api/cbv/notes/", "/api/async/notes/", "/api/drf/notes/"):
        assert f"GET {path} (Basic auth) -> 200" in out
    assert "POST /api/notes/ (parameters) -> 201" in out
    assert "POST /api/async/notes/ (JSON body) -> 201" in out
    assert "POST /api/drf/notes/ (JSON body) -> 201" in out
    assert out.rstrip().endswith("OK: every answer was as expected.")
    assert DEMO_PASSWORD not in out

    stored = json.loads(store.read_text())
    assert set(stored) >= {"user", "token", "expires"}
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    # The token it stored is a live one, and never reached the access log.
    assert (
        call(production_demo.server.url, "/token/verify.json", stored["user"], stored["token"])[0]
        == 200
    )
    assert stored["token"] not in production_demo.server.log()


def test_the_client_shows_each_request_it_sends_but_not_its_secrets(
    production_demo: Demo, tmp_path: Path
) -> None:
    store = tmp_path / "pair.json"
    result = run_client(production_demo, store, "--verbose")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"-> POST {production_demo.server.url}/token/new.json" in out
    assert "username=demo&password=<hidden>" in out
    assert "Content-Type: application/json" in out
    assert f"Authorization: Basic base64({json.loads(store.read_text())['user']}:" in out
    assert "<- 201 " in out
    token = json.loads(store.read_text())["token"]
    assert token not in out
    assert DEMO_PASSWORD not in out


def test_the_client_reuses_its_stored_pair(production_demo: Demo, tmp_path: Path) -> None:
    store = tmp_path / "pair.json"
    assert run_client(production_demo, store).returncode == 0
    again = run_client(production_demo, store)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using the stored token" in again.stdout
    assert "[login" not in again.stdout


def test_the_client_logs_in_again_when_its_token_is_refused(
    production_demo: Demo, tmp_path: Path
) -> None:
    store = tmp_path / "pair.json"
    assert run_client(production_demo, store).returncode == 0
    stored = json.loads(store.read_text())
    stored["token"] = stored["token"][:-4] + "AAAA"  # as after a password change
    store.write_text(json.dumps(stored))

    result = run_client(production_demo, store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[relogin ] the server refused the stored pair" in result.stdout
    assert "[login" in result.stdout
    assert json.loads(store.read_text())["token"] != stored["token"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {"DEMO_PASSWORD": "not the password"}, "FAILED: login as 'demo' refused"),
        (("--username", "nobody"), {}, "FAILED: login as 'nobody' refused"),
    ],
    ids=["wrong-password", "unknown-user"],
)
def test_the_client_fails_when_it_cannot_log_in(
    production_demo: Demo, tmp_path: Path, args: tuple[str, ...], env: dict, message: str
) -> None:
    result = run_client(production_demo, tmp_path / "pair.json", *args, **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "pair.json").exists()


def test_the_client_fails_on_an_answer_that_is_not_the_api(
    production_demo: Demo, tmp_path: Path
) -> None:
    not_the_api = f"{production_demo.server.url}/admin"
    result = subprocess.run(
        [sys.executable, str(CLIENT), "--url", not_the_api, "--store", str(tmp_path / "p.json")],
        env=production_demo.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    # Django's HTML (a CSRF refusal from the admin), not an answer of the token API.
    assert "FAILED: POST /token/new.json -> 403, not JSON" in result.stderr


# -- two servers, one database, a key rotation -----------------------------------


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="DATABASE_URL is not set")
@pytest.mark.skipif(database_kind() != "postgresql", reason="the two-node test runs on PostgreSQL")
def test_two_servers_share_tokens_and_survive_a_key_rotation(
    production_demo: Demo, e2e_database_url: str, tmp_path: Path
) -> None:
    # production_demo has migrated the shared database and created the demo user.
    old_key, new_key = "node-key-2025", "node-key-2026"

    def node_env(**keys: str) -> dict[str, str]:
        return base_environment(e2e_database_url, CONN_MAX_AGE="60", **keys)

    # Both nodes sign with the same key: a token from one works on the other.
    with (
        running_server(node_env(SECRET_KEY=old_key), tmp_path) as node_a,
        running_server(node_env(SECRET_KEY=old_key), tmp_path) as node_b,
    ):
        user, old_token = login(node_a.url, DEMO_PASSWORD)
        assert call(node_b.url, "/token/verify.json", user, old_token)[0] == 200
        status, created = call(node_b.url, "/api/notes/", user, old_token, text="from node B")
        assert status == 201
        status, listed = get(node_a.url, "/api/cbv/notes/", user, old_token)
        assert status == 200
        assert created["note"]["id"] in [note["id"] for note in listed["notes"]]

    # The rotation, one server at a time as README.rst describes it. Node B first
    # learns the new key as a fallback; node A then signs with the new key and
    # keeps the old one as a fallback. Mid-rotation, each accepts the other's tokens.
    rotated = node_env(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=old_key)
    with running_server(rotated, tmp_path) as node_a:
        prepared = node_env(SECRET_KEY=old_key, SECRET_KEY_FALLBACKS=new_key)
        with running_server(prepared, tmp_path) as node_b:
            _, token_from_a = login(node_a.url, DEMO_PASSWORD)
            _, token_from_b = login(node_b.url, DEMO_PASSWORD)
            assert token_from_a != token_from_b  # same second maybe, different keys
            assert call(node_b.url, "/token/verify.json", user, token_from_a)[0] == 200
            assert call(node_a.url, "/token/verify.json", user, token_from_b)[0] == 200

        # Node B restarted with the new key too: old tokens still work on both.
        with running_server(rotated, tmp_path) as node_b:
            for node in (node_a, node_b):
                assert call(node.url, "/token/verify.json", user, old_token)[0] == 200
                assert get(node.url, "/api/async/notes/", user, old_token)[0] == 200
            _, new_token = login(node_b.url, DEMO_PASSWORD)
            assert call(node_a.url, "/token/verify.json", user, new_token)[0] == 200
            status, refreshed = call(node_a.url, "/token/refresh.json", user, old_token)
            assert status == 200

    # Once the old key is dropped, only tokens signed with the new one remain:
    # so the new and refreshed tokens were signed with it, and the old one was not.
    with running_server(node_env(SECRET_KEY=new_key), tmp_path) as node:
        for token in (new_token, refreshed["token"], token_from_a):
            assert call(node.url, "/token/verify.json", user, token)[0] == 200
        for token in (old_token, token_from_b):
            assert call(node.url, "/token/verify.json", user, token)[0] == 401
        assert get(node.url, "/api/notes/", user, old_token)[0] == 403
