"""The example project's notes API, in-process: every view style, per-user notes, bad input.

The end-to-end tests (test_example_e2e.py) serve the same code under gunicorn;
these pin the behaviour of each view precisely and run with both user models.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api import views
from api.management.commands.demo_setup import DEMO_PASSWORD_DEFAULT, DEMO_USERNAME
from api.models import MAX_TEXT_LENGTH, Note
from tests.helpers import make_user
from tokenapi.tokens import token_generator

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db

NOTE_URLS = {
    "function": "/api/notes/",
    "class-based": "/api/cbv/notes/",
    "async": "/api/async/notes/",
}
route = pytest.mark.parametrize("url", list(NOTE_URLS.values()), ids=list(NOTE_URLS))


def basic(user: Any, token: str | None = None) -> dict[str, str]:
    pair = f"{user.pk}:{token or token_generator.make_token(user)}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(pair).decode()}


def send(client: Client, method: str, url: str, user: Any, style: str, **fields: Any) -> Any:
    """Call ``url`` as ``user``, credentials sent the way ``style`` says."""
    token = token_generator.make_token(user)
    if style == "parameters" and method == "GET":
        return client.get(url, {"user": user.pk, "token": token, **fields})
    if style == "parameters":
        return client.post(url, {"user": user.pk, "token": token, **fields})
    if style == "json":
        body = {"user": str(user.pk), "token": token, **fields}
        if method == "GET":  # a JSON body on a GET is unusual but allowed
            return client.generic("GET", url, json.dumps(body), "application/json")
        return client.post(url, body, content_type="application/json")
    if method == "GET":
        return client.get(url, **basic(user, token))
    return client.post(url, fields, **basic(user, token))


@pytest.fixture
def alice() -> Any:
    return make_user("alice")


@pytest.fixture
def bob() -> Any:
    return make_user("bob")


# -- each style, each credential source ----------------------------------------


@route
@pytest.mark.parametrize("style", ["parameters", "json", "basic"])
def test_a_user_creates_then_lists_a_note(client: Client, alice: Any, url: str, style: str) -> None:
    created = send(client, "POST", url, alice, style, text="Buy milk")
    assert created.status_code == 201, created.content
    note = created.json()["note"]
    assert note["text"] == "Buy milk"
    assert Note.objects.get(pk=note["id"]).owner == alice

    listed = send(client, "GET", url, alice, style)
    assert listed.status_code == 200, listed.content
    assert listed.json() == {"success": True, "notes": [note]}


@route
def test_notes_are_listed_newest_first(client: Client, alice: Any, url: str) -> None:
    for text in ("first", "second", "third"):
        Note.objects.create(owner=alice, text=text)
    texts = [note["text"] for note in client.get(url, **basic(alice)).json()["notes"]]
    assert texts == ["third", "second", "first"]


@route
def test_each_user_sees_only_their_own_notes(
    client: Client, alice: Any, bob: Any, url: str
) -> None:
    Note.objects.create(owner=alice, text="alice's secret")
    send(client, "POST", url, bob, "basic", text="bob's note")

    alice_notes = client.get(url, **basic(alice)).json()["notes"]
    bob_notes = client.get(url, **basic(bob)).json()["notes"]
    assert [note["text"] for note in alice_notes] == ["alice's secret"]
    assert [note["text"] for note in bob_notes] == ["bob's note"]


@route
def test_a_note_is_created_for_the_token_owner_not_for_a_user_field(
    client: Client, alice: Any, bob: Any, url: str
) -> None:
    # The pair decides who writes; a forged "owner" in the body changes nothing.
    response = client.post(url, {"text": "mine", "owner": bob.pk}, **basic(alice))
    assert response.status_code == 201
    assert Note.objects.get().owner == alice


@route
def test_someone_elses_user_id_with_my_token_is_refused(
    client: Client, alice: Any, bob: Any, url: str
) -> None:
    Note.objects.create(owner=alice, text="alice's secret")
    response = client.get(url, **basic(alice, token_generator.make_token(bob)))
    assert response.status_code == 403
    assert response.json()["success"] is False
    assert b"secret" not in response.content


# -- refusals and bad input: JSON errors, never a 500 ----------------------------


@route
def test_no_credentials_is_401_with_a_challenge(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


@route
@pytest.mark.parametrize(
    "header",
    ["Basic", "Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode()],
    ids=["no-space", "bad-base64", "no-colon"],
)
def test_a_malformed_authorization_header_is_400(client: Client, url: str, header: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=header)
    assert response.status_code == 400
    assert response.json()["success"] is False


@route
@pytest.mark.parametrize("user_id", ["abc", "-1", "0", "1e9", str(2**70), "\x00"])
def test_a_wrong_pair_is_403(client: Client, alice: Any, url: str, user_id: str) -> None:
    token = token_generator.make_token(alice)
    response = client.get(url, {"user": user_id, "token": token})
    assert response.status_code == 403
    assert response.json() == {"success": False, "errors": "Incorrect user and token pair."}


BAD_FORM_TEXT = {
    "missing": {},
    "empty": {"text": ""},
    "blank": {"text": "   \n"},
    "too-long": {"text": "x" * (MAX_TEXT_LENGTH + 1)},
    "nul": {"text": "a\x00b"},
}


@route
@pytest.mark.parametrize("fields", list(BAD_FORM_TEXT.values()), ids=list(BAD_FORM_TEXT))
def test_bad_form_text_is_400(client: Client, alice: Any, url: str, fields: dict) -> None:
    response = client.post(url, fields, **basic(alice))
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert "text" in response.json()["errors"]
    assert not Note.objects.exists()


BAD_JSON_BODIES = {
    "number": b'{"text": 5}',
    "list": b'{"text": ["a"]}',
    "null": b'{"text": null}',
    "lone-surrogate": b'{"text": "\\ud800"}',
    "nul-escape": b'{"text": "a\\u0000b"}',
    "array-body": b'["text"]',
    "not-json": b"text=hello",
    "not-utf8": b'{"text": "\xff"}',
    "too-deep": b"[" * 100_000 + b"]" * 100_000,
}


@route
@pytest.mark.parametrize("body", list(BAD_JSON_BODIES.values()), ids=list(BAD_JSON_BODIES))
def test_bad_json_bodies_are_400(client: Client, alice: Any, url: str, body: bytes) -> None:
    response = client.post(url, body, content_type="application/json", **basic(alice))
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert not Note.objects.exists()


@route
def test_a_note_of_exactly_the_maximum_length_and_any_script_is_kept(
    client: Client, alice: Any, url: str
) -> None:
    text = ("Grüße 🗒️ " * MAX_TEXT_LENGTH)[:MAX_TEXT_LENGTH]
    response = client.post(url, {"text": text}, **basic(alice))
    assert response.status_code == 201, response.content
    assert Note.objects.get().text == text


@route
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_405_in_json(client: Client, alice: Any, url: str, method: str) -> None:
    response = getattr(client, method)(url, **basic(alice))
    assert response.status_code == 405
    assert response.json()["success"] is False
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


# -- Django REST framework: DRF's own error shape, 401 rather than 403 -----------


DRF_URL = "/api/drf/notes/"
DRF_NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
DRF_WRONG_PAIR = {"detail": "Incorrect user and token pair."}


def test_drf_notes_are_served_when_drf_is_installed(client: Client, alice: Any) -> None:
    # The test extra installs DRF: the endpoint must be there, not silently absent.
    assert views.drf_available()
    assert reverse("drf-notes") == DRF_URL
    assert client.get(DRF_URL, **basic(alice)).status_code == 200


@pytest.mark.parametrize("style", ["parameters", "json", "basic"])
def test_drf_a_user_creates_then_lists_a_note(client: Client, alice: Any, style: str) -> None:
    created = send(client, "POST", DRF_URL, alice, style, text="via DRF")
    assert created.status_code == 201, created.content
    note = created.json()["note"]
    assert created.json() == {"success": True, "note": note}
    assert note["text"] == "via DRF"
    assert Note.objects.get(pk=note["id"]).owner == alice

    listed = send(client, "GET", DRF_URL, alice, style)
    assert listed.status_code == 200, listed.content
    assert listed.json() == {"success": True, "notes": [note]}


def test_drf_basic_auth_with_a_json_body(client: Client, alice: Any) -> None:
    response = client.post(
        DRF_URL, {"text": "JSON + Basic"}, content_type="application/json", **basic(alice)
    )
    assert response.status_code == 201, response.content
    assert Note.objects.get().text == "JSON + Basic"


def test_drf_each_user_sees_only_their_own_notes(client: Client, alice: Any, bob: Any) -> None:
    Note.objects.create(owner=alice, text="alice's secret")
    assert client.post(DRF_URL, {"text": "bob's note"}, **basic(bob)).status_code == 201
    # A forged owner in the body changes nothing: the pair decides who writes.
    client.post(DRF_URL, {"text": "also bob's", "owner": alice.pk}, **basic(bob))

    alice_notes = client.get(DRF_URL, **basic(alice)).json()["notes"]
    bob_notes = client.get(DRF_URL, **basic(bob)).json()["notes"]
    assert [note["text"] for note in alice_notes] == ["alice's secret"]
    assert [note["text"] for note in bob_notes] == ["also bob's", "bob's note"]


def test_drf_without_credentials_is_401_with_the_challenge(client: Client, alice: Any) -> None:
    Note.objects.create(owner=alice, text="alice's secret")
    for response in (client.get(DRF_URL), client.post(DRF_URL, {"text": "anonymous"})):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Basic realm="api"'
        assert response.json() == DRF_NO_CREDENTIALS
    assert Note.objects.count() == 1


def test_drf_ignores_a_session_login(client: Client, alice: Any) -> None:
    # Only TokenAuthentication is configured: a session cookie alone is not enough.
    client.force_login(alice)
    response = client.get(DRF_URL)
    assert response.status_code == 401
    assert response.json() == DRF_NO_CREDENTIALS


@pytest.mark.parametrize("user_id", ["bob", "abc", "-1", "0", "1e9", str(2**70), "\x00"])
def test_drf_a_wrong_pair_is_401_with_the_challenge(
    client: Client, alice: Any, bob: Any, user_id: str
) -> None:
    Note.objects.create(owner=alice, text="alice's secret")
    # Alice's token with someone else's id, or with an id nobody can have.
    pk = str(bob.pk) if user_id == "bob" else user_id
    response = client.get(DRF_URL, {"user": pk, "token": token_generator.make_token(alice)})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert response.json() == DRF_WRONG_PAIR


def test_drf_a_tampered_token_is_401(client: Client, alice: Any) -> None:
    token = token_generator.make_token(alice)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.post(DRF_URL, {"text": "no"}, **basic(alice, tampered))
    assert response.status_code == 401
    assert response.json() == DRF_WRONG_PAIR
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["Basic", "Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode()],
    ids=["no-space", "bad-base64", "no-colon"],
)
def test_drf_a_malformed_authorization_header_is_400(client: Client, header: str) -> None:
    response = client.get(DRF_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "WWW-Authenticate" not in response


@pytest.mark.parametrize("fields", list(BAD_FORM_TEXT.values()), ids=list(BAD_FORM_TEXT))
def test_drf_bad_form_text_is_400(client: Client, alice: Any, fields: dict) -> None:
    response = client.post(DRF_URL, fields, **basic(alice))
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert "text" in response.json()["errors"]
    assert not Note.objects.exists()


@pytest.mark.parametrize("body", list(BAD_JSON_BODIES.values()), ids=list(BAD_JSON_BODIES))
def test_drf_bad_json_bodies_are_400(client: Client, alice: Any, body: bytes) -> None:
    response = client.post(DRF_URL, body, content_type="application/json", **basic(alice))
    assert response.status_code == 400, response.content
    assert not Note.objects.exists()


def test_drf_post_needs_no_csrf_token(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(DRF_URL, {"text": "no CSRF"}, **basic(alice))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_drf_other_methods_are_405(client: Client, alice: Any, method: str) -> None:
    response = getattr(client, method)(DRF_URL, **basic(alice))
    assert response.status_code == 405
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


# -- the index -------------------------------------------------------------------


def test_the_index_lists_endpoints_that_exist(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    assert set(NOTE_URLS.values()) <= set(endpoints.values())
    assert reverse("api_token_new") in endpoints.values()
    for url in endpoints.values():
        assert client.get(url).status_code != 404, url


# -- demo_setup ----------------------------------------------------------------


def run_demo_setup(monkeypatch: pytest.MonkeyPatch, password: str | None = None) -> str:
    if password is None:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DEMO_PASSWORD", password)
    out = io.StringIO()
    call_command("demo_setup", "--base-url", "http://testserver/", stdout=out)
    return out.getvalue()


def curl_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("curl ")]


def demo_user() -> Any:
    return get_user_model()._default_manager.get_by_natural_key(DEMO_USERNAME)


def test_demo_setup_creates_the_demo_user_once(monkeypatch: pytest.MonkeyPatch) -> None:
    first = run_demo_setup(monkeypatch)
    assert "created" in first
    user = demo_user()
    assert user.check_password(DEMO_PASSWORD_DEFAULT)
    token = token_generator.make_token(user)

    second = run_demo_setup(monkeypatch)
    assert "password unchanged" in second
    assert get_user_model()._default_manager.count() == 1
    # Running it again must not log the demo's clients out.
    assert token_generator.check_token(demo_user(), token)


def test_demo_setup_resets_a_changed_demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    run_demo_setup(monkeypatch)
    output = run_demo_setup(monkeypatch, password="another password")
    assert "password reset" in output
    assert demo_user().check_password("another password")


def test_demo_setup_prints_commands_with_a_working_token(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = curl_lines(run_demo_setup(monkeypatch))
    user = demo_user()
    assert len(lines) >= 8
    assert all("http://testserver/" in line for line in lines)
    assert "http://testserver//" not in "".join(lines)
    basic_lines = [line for line in lines if " -u " in line]
    assert basic_lines
    pair = basic_lines[0].split(" -u ")[1].split()[0]
    user_id, token = pair.split(":")
    assert user_id == str(user.pk)
    assert token_generator.check_token(user, token)


def test_demo_setup_shows_the_default_password_but_not_one_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = run_demo_setup(monkeypatch)
    assert DEMO_PASSWORD_DEFAULT in default
    from_env = run_demo_setup(monkeypatch, password="s3cret-from-env")
    assert "s3cret-from-env" not in from_env
    assert '"$DEMO_PASSWORD"' in from_env


# -- settings from the environment --------------------------------------------


def example_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the example's settings in a fresh interpreter with ``env``; print a few."""
    script = (
        "import json, example.settings as s; "
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME']), 'debug': s.DEBUG, "
        "'fallbacks': s.SECRET_KEY_FALLBACKS, 'hosts': s.ALLOWED_HOSTS, "
        "'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in _EXAMPLE_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=EXAMPLE_PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


_EXAMPLE_VARIABLES = {
    "DATABASE_URL",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",
    "DJANGO_SETTINGS_MODULE",
    "AXES_FAILURE_LIMIT",
    "REDIS_URL",
}


def test_settings_default_to_development_values() -> None:
    result = example_settings(DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(EXAMPLE_PROJECT / "db.sqlite3")
    assert values["debug"] is True
    assert values["fallbacks"] == []
    assert values["hosts"] == ["127.0.0.1", "localhost"]


def test_settings_come_from_the_environment() -> None:
    result = example_settings(
        DATABASE_URL="postgres://someone@db.example.com:5432/notes",
        SECRET_KEY="new",
        SECRET_KEY_FALLBACKS="old, older,",
        DEBUG="false",
        ALLOWED_HOSTS="api.example.com,.example.org",
        CONN_MAX_AGE="60",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "notes"
    assert values["debug"] is False
    assert values["fallbacks"] == ["old", "older"]
    assert values["hosts"] == ["api.example.com", ".example.org"]
    assert values["conn_max_age"] == 60


@pytest.mark.parametrize(
    "env",
    [{"DEBUG": "false"}, {"DEBUG": "maybe"}, {"CONN_MAX_AGE": "forever"}],
    ids=["production-without-secret-key", "bad-debug", "bad-conn-max-age"],
)
def test_settings_refuse_unsafe_or_invalid_values(env: dict[str, str]) -> None:
    result = example_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def example_axes_settings(**env: str) -> dict[str, Any]:
    script = (
        "import json, example.settings as s; "
        "print(json.dumps({'limit': s.AXES_FAILURE_LIMIT, 'handler': s.AXES_HANDLER, "
        "'cache': s.CACHES['default'] if hasattr(s, 'CACHES') else None, "
        "'backends': s.AUTHENTICATION_BACKENDS, 'middleware': s.MIDDLEWARE[-1], "
        "'apps': s.INSTALLED_APPS, 'lockout': s.AXES_LOCKOUT_CALLABLE, "
        "'username': s.AXES_USERNAME_CALLABLE, 'sensitive': s.AXES_SENSITIVE_PARAMETERS, "
        "'cool_off': s.AXES_COOLOFF_TIME.total_seconds()}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in _EXAMPLE_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=EXAMPLE_PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_axes_is_configured_as_the_readme_says_with_the_database_handler() -> None:
    values = example_axes_settings()
    assert values["limit"] == 5
    assert values["handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert values["cache"] is None  # Django's default local-memory cache
    assert values["backends"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "tokenapi.backends.TokenBackend",
    ]
    assert values["middleware"] == "axes.middleware.AxesMiddleware"
    assert "axes" in values["apps"]
    assert values["lockout"] == "tokenapi.contrib.axes.lockout_response"
    assert values["username"] == "tokenapi.contrib.axes.get_username"
    assert values["sensitive"] == ["token"]
    assert values["cool_off"] == 15 * 60


def test_axes_counts_in_redis_when_redis_url_is_set() -> None:
    values = example_axes_settings(
        REDIS_URL="redis://cache.example.com:6379/3", AXES_FAILURE_LIMIT="3"
    )
    assert values["limit"] == 3
    assert values["handler"] == "axes.handlers.cache.AxesCacheHandler"
    assert values["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example.com:6379/3",
    }


def test_a_failure_limit_that_is_not_a_number_is_refused() -> None:
    result = example_settings(AXES_FAILURE_LIMIT="many")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_the_wsgi_and_asgi_entry_points_load_the_site() -> None:
    script = (
        "import example.asgi, example.wsgi; "
        "from django.urls import reverse; print(reverse('async-notes'))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in _EXAMPLE_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=EXAMPLE_PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/api/async/notes/"
