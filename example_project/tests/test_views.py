"""The notes API in-process: its five views, per-user notes, bad input, the index.

How tokenapi reads and checks the pair is the library's tests' subject; here the
pair only opens the door to the example's own code.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from api.models import MAX_TEXT_LENGTH, Note
from tests.helpers import basic_auth, make_user
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

ROUTES = {
    "function": "/api/notes/",
    "class-based": "/api/cbv/notes/",
    "async": "/api/async/notes/",
    "drf": "/api/drf/notes/",
    "ninja": "/api/ninja/notes/",
}
every_route = pytest.mark.parametrize("url", list(ROUTES.values()), ids=list(ROUTES))
# Django REST framework and django-ninja answer other methods themselves.
OWN_ROUTES = {name: url for name, url in ROUTES.items() if name not in ("drf", "ninja")}


def pair_header(user: Any, token: str | None = None) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": basic_auth(user.pk, token or token_generator.make_token(user))}


# -- what each view does with a valid pair ---------------------------------------

# Where the pair travels (in the body with the text, or in the header) and the body's type.
CREATE_STYLES = {
    "form-with-pair": (True, MULTIPART_CONTENT),
    "json-with-pair": (True, "application/json"),
    "basic-and-form": (False, MULTIPART_CONTENT),
    "basic-and-json": (False, "application/json"),
}


@every_route
@pytest.mark.parametrize(
    ("pair_in_body", "content_type"), list(CREATE_STYLES.values()), ids=list(CREATE_STYLES)
)
def test_a_user_creates_then_lists_a_note(
    client: Client, url: str, pair_in_body: bool, content_type: str
) -> None:
    alice = make_user("alice")
    token = token_generator.make_token(alice)
    # As long as a note may be, in several scripts (and four-byte UTF-8 on MariaDB).
    text = ("Grüße 🗒️ " * MAX_TEXT_LENGTH)[:MAX_TEXT_LENGTH]
    fields = {"text": text}
    if pair_in_body:
        fields.update(user=str(alice.pk), token=token)
    headers = {} if pair_in_body else pair_header(alice, token)
    created = client.post(url, fields, content_type=content_type, **headers)
    assert created.status_code == 201, created.content
    note = created.json()["note"]
    assert created.json() == {"success": True, "note": note}
    assert (Note.objects.get(pk=note["id"]).owner, Note.objects.get().text) == (alice, text)

    listed = client.get(url, **pair_header(alice))
    assert listed.status_code == 200, listed.content
    assert listed.json() == {"success": True, "notes": [note]}


@every_route
def test_notes_are_listed_newest_first_to_their_owner_only(client: Client, url: str) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    for text in ("first", "second", "third"):
        Note.objects.create(owner=alice, text=text)
    # The pair decides who writes: a forged "owner" field changes nothing.
    response = client.post(url, {"text": "bob's", "owner": alice.pk}, **pair_header(bob))
    assert response.status_code == 201

    def texts(user: Any) -> list[str]:
        return [note["text"] for note in client.get(url, **pair_header(user)).json()["notes"]]

    assert texts(alice) == ["third", "second", "first"]
    assert texts(bob) == ["bob's"]


# -- refusals: each route is protected; DRF answers 401 where token_required says 403 --


@pytest.mark.parametrize(
    ("url", "wrong_pair_status"),
    [(url, 401 if name == "drf" else 403) for name, url in ROUTES.items()],
    ids=list(ROUTES),
)
def test_each_route_refuses_a_missing_or_wrong_pair(
    client: Client, url: str, wrong_pair_status: int
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    Note.objects.create(owner=alice, text="alice's secret")
    for anonymous in (client.get(url), client.post(url, {"text": "anonymous"})):
        assert anonymous.status_code == 401
        assert anonymous["WWW-Authenticate"] == 'Basic realm="api"'
    # Alice's id with Bob's token.
    forged = client.get(url, **pair_header(alice, token_generator.make_token(bob)))
    assert forged.status_code == wrong_pair_status
    assert b"secret" not in forged.content
    assert Note.objects.count() == 1


# -- bad input: a 400 saying what is wrong, never a 500, and no note ---------------


def error(message: str) -> dict[str, Any]:
    return {"success": False, "errors": message}


NO_TEXT = error("Must include a non-empty 'text'.")
TOO_LONG = error(f"'text' must be at most {MAX_TEXT_LENGTH} characters.")
NOT_STORABLE = error("'text' must be UTF-8 text without NUL characters.")
NOT_JSON = error("The request body is not valid JSON.")
DRF_PARSE_ERROR = {"detail": ANY}  # DRF's own answer to a body it cannot parse
# The example's own JSON parser turns DRF's RecursionError into this 400.
DRF_TOO_DEEP = {"detail": "JSON parse error - the body is nested too deeply."}

# id: (form fields or a JSON body, the answer of the token_required views, DRF's answer)
BAD_INPUT = {
    "missing": ({}, NO_TEXT, NO_TEXT),
    "empty": ({"text": ""}, NO_TEXT, NO_TEXT),
    "blank": ({"text": "   \n"}, NO_TEXT, NO_TEXT),
    "too-long": ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, TOO_LONG, TOO_LONG),
    "nul": ({"text": "a\x00b"}, NOT_STORABLE, NOT_STORABLE),
    "json-number": (b'{"text": 5}', NO_TEXT, NO_TEXT),
    "json-list": (b'{"text": ["a"]}', NO_TEXT, NO_TEXT),
    "json-null": (b'{"text": null}', NO_TEXT, NO_TEXT),
    "lone-surrogate": (b'{"text": "\\ud800"}', NOT_STORABLE, NOT_STORABLE),
    "nul-escape": (b'{"text": "a\\u0000b"}', NOT_STORABLE, NOT_STORABLE),
    "array-body": (b'["text"]', error("The request body must be a JSON object."), NO_TEXT),
    "not-json": (b"text=hello", NOT_JSON, DRF_PARSE_ERROR),
    "not-utf8": (b'{"text": "\xff"}', NOT_JSON, DRF_PARSE_ERROR),
    "too-deep": (b"[" * 100_000 + b"]" * 100_000, NOT_JSON, DRF_TOO_DEEP),
}
BAD_INPUT_CASES = [
    pytest.param(url, body, drf_answer if route == "drf" else own_answer, id=f"{route}-{name}")
    for route, url in ROUTES.items()
    for name, (body, own_answer, drf_answer) in BAD_INPUT.items()
]


@pytest.mark.parametrize(("url", "body", "answer"), BAD_INPUT_CASES)
def test_bad_input_is_a_400_and_makes_no_note(
    client: Client, url: str, body: dict[str, Any] | bytes, answer: dict[str, Any]
) -> None:
    content_type = "application/json" if isinstance(body, bytes) else MULTIPART_CONTENT
    response = client.post(url, body, content_type, **pair_header(make_user("alice")))
    assert response.status_code == 400, response.content
    assert response.json() == answer
    assert not Note.objects.exists()


@pytest.mark.parametrize("url", list(OWN_ROUTES.values()), ids=list(OWN_ROUTES))
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_a_405_in_json(client: Client, url: str, method: str) -> None:
    response = getattr(client, method)(url, **pair_header(make_user("alice")))
    assert response.status_code == 405
    assert response.json() == error(f"Method {method.upper()} not allowed; use GET or POST.")
    assert response["Allow"] == "GET, HEAD, POST"


# -- the index -------------------------------------------------------------------


def test_the_index_lists_every_endpoint_and_each_exists(client: Client) -> None:
    endpoints = client.get("/").json()["endpoints"]
    # DRF is among the example's requirements: its view must not be silently absent.
    assert set(ROUTES.values()) <= set(endpoints.values())
    assert {"/token/new.json", "/token/openapi.json", "/api/whoami/"} <= set(endpoints.values())
    for url in endpoints.values():
        assert client.get(url).status_code != 404, url
