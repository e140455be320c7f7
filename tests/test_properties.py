"""Properties of every input surface, checked on generated input (hypothesis).

* No input gives a 5xx or lets an exception escape; every error is JSON.
* A valid user + token pair authenticates, from every credential source.
* Any single-character change to a valid token fails.
* A token never authenticates another user.

Under the sessions settings, logins and minted tokens are session tokens.

``HYPOTHESIS_PROFILE=ci`` tries more examples than the default profile.
"""

from __future__ import annotations

import base64
import json
import os
from urllib.parse import quote, urlencode

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.helpers import assert_json_error, make_user, send_pair
from tokenapi.backends import TokenBackend
from tokenapi.tokens import token_generator
from tokenapi.views import issue_token

# Database speed varies between backends and machines: bound examples, not time.
BOUNDED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("dev", max_examples=25, **BOUNDED)
settings.register_profile("ci", max_examples=200, **BOUNDED)
# Mutation testing reruns the suite per mutant: few examples, the same ones each time.
# (It also runs each test more than once per process, on new TestCase instances.)
settings.register_profile(
    "mutation",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a killed mutant needs no shrinking
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PROTECTED = [
    "/api/sync/",
    "/api/async/",
    "/api/class/",
    "/token/verify.json",
    "/token/refresh.json",
]
ENDPOINTS = [*PROTECTED, "/token/new.json"]
SOURCES = ["urlencoded", "form", "query", "json", "basic"]
CREDENTIAL_ERRORS = {400, 401, 403}

# Text a client can send in a form, a query string or a URL: well-formed Unicode.
# (JSON bodies can carry lone surrogates too, and get them below.)
valid_text = st.text(st.characters(exclude_categories=["Cs"]))
user_ids = st.one_of(
    valid_text,
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.uuids().map(str),
    st.uuids().map(lambda u: u.hex),
    st.from_regex(r"[0-9a-fA-FxX{}-]{1,40}", fullmatch=True),  # broken UUIDs
    st.sampled_from(["abc", "-1", "0", "1e9", str(2**70), "1.0", " 1", "1 ", "٣", "1\x00"]),
)
tokens = st.one_of(
    valid_text,
    st.from_regex(r"[0-9a-z]{1,14}-[A-Za-z0-9_-]{0,50}", fullmatch=True),  # token-shaped
    st.from_regex(r"[0-9a-z]{1,6}-[0-9a-f]{20}", fullmatch=True),  # legacy-shaped
    st.from_regex(r"[0-9a-z]{1,14}\.[0-9a-z]{1,14}-[A-Za-z0-9_-]{0,50}", fullmatch=True),  # session
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
CREDENTIAL_KEYS = ["user", "token", "username", "password", "email"]
field_names = st.sampled_from([*CREDENTIAL_KEYS, ""]) | st.text(
    st.characters(exclude_categories=["Cs"]), max_size=8
)


def assert_clean_error(response: HttpResponse, allowed: set[int]) -> None:
    """A 4xx from ``allowed`` with a JSON ``{"success": false, "errors": ...}`` body."""
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    assert_json_error(response, response.status_code)


class HostileInputTests(TestCase):
    """Whatever a client sends, the answer is a clean 4xx, never a 5xx or a traceback."""

    @classmethod
    def setUpTestData(cls) -> None:
        # A user that exists, so that ids such as "1" reach the token check.
        cls.user = make_user("resident")
        cls.user_token = token_generator.make_token(cls.user)

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=True)

    @given(
        endpoint=st.sampled_from(PROTECTED),
        source=st.sampled_from(SOURCES),
        user=user_ids,
        token=tokens,
    )
    def test_arbitrary_user_and_token(
        self, endpoint: str, source: str, user: str, token: str
    ) -> None:
        response = send_pair(self.client, source, endpoint, user, token, "post")
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(user=user_ids, token=tokens)
    @example(user="1", token="")
    def test_arbitrary_user_and_token_in_the_url(self, user: str, token: str) -> None:
        response = self.client.get(f"/token/{quote(token, safe='')}/{quote(user, safe='')}.json")
        if response.status_code == 404:
            # The URL pattern did not match (an empty or "/"-holding part): not our view.
            return
        assert_clean_error(response, {401})

    @given(user=user_ids)
    def test_existing_users_token_with_arbitrary_id(self, user: str) -> None:
        response = send_pair(self.client, "urlencoded", "/api/sync/", user, self.user_token)
        if response.status_code == 200:
            # Only a spelling of the resident's own key may pass.
            assert json.loads(response.content)["user"] == str(self.user.pk)
        else:
            assert_clean_error(response, {401, 403})

    @given(
        endpoint=st.sampled_from(PROTECTED),
        header=st.one_of(
            st.text(),
            st.binary().map(lambda raw: raw.decode("latin-1")),  # what WSGI makes of raw bytes
            st.binary().map(lambda raw: "Basic " + base64.b64encode(raw).decode()),
            st.text().map(lambda text: "Basic " + text),
        ),
    )
    def test_arbitrary_authorization_header(self, endpoint: str, header: str) -> None:
        response = self.client.post(endpoint, HTTP_AUTHORIZATION=header)
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(
        endpoint=st.sampled_from(ENDPOINTS),
        body=json_values | st.dictionaries(st.sampled_from(CREDENTIAL_KEYS), json_values),
    )
    @example(endpoint="/token/new.json", body={"email": "\ud800", "password": "x"})
    def test_arbitrary_json_body(self, endpoint: str, body: object) -> None:
        response = self.client.post(endpoint, json.dumps(body), "application/json")
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(
        endpoint=st.sampled_from(ENDPOINTS),
        fields=st.lists(st.tuples(field_names, valid_text | st.just("")), max_size=8),
        encoding=st.sampled_from(["urlencoded", "multipart", "query"]),
    )
    @example(endpoint="/api/sync/", fields=[("user", ""), ("token", "")], encoding="urlencoded")
    @example(endpoint="/token/new.json", fields=[("username", "")] * 2, encoding="multipart")
    def test_repeated_and_empty_form_fields(
        self, endpoint: str, fields: list[tuple[str, str]], encoding: str
    ) -> None:
        if encoding == "urlencoded":
            response = self.client.post(
                endpoint, urlencode(fields), "application/x-www-form-urlencoded"
            )
        elif encoding == "query":
            response = self.client.post(f"{endpoint}?{urlencode(fields)}")
        else:
            grouped: dict[str, list[str]] = {}
            for name, value in fields:
                grouped.setdefault(name, []).append(value)
            response = self.client.post(endpoint, grouped)
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(
        body=st.binary(max_size=300),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "text/plain",
                "application/json",
                "application/vnd.api+json",
            ]
        ),
        endpoint=st.sampled_from(ENDPOINTS),
    )
    @example(
        body=b'{"user": 1' + b"0" * 5000 + b', "token": "x"}',
        content_type="application/json",
        endpoint="/api/sync/",
    )
    def test_arbitrary_body_bytes(self, body: bytes, content_type: str, endpoint: str) -> None:
        response = self.client.post(endpoint, body, content_type)
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(username=valid_text | st.text(), password=valid_text | st.text())
    @example(username="resident", password="wrong")
    def test_arbitrary_login(self, username: str, password: str) -> None:
        for login_field in ("username", get_user_model().USERNAME_FIELD):
            body = {login_field: username, "password": password}
            response = self.client.post("/token/new.json", json.dumps(body), "application/json")
            assert_clean_error(response, {400, 401})

    @given(pk=st.one_of(json_values, st.integers(), user_ids), token=st.one_of(json_values, tokens))
    def test_backend_never_raises(self, pk: object, token: object) -> None:
        assert TokenBackend().authenticate(None, pk=pk, token=token) is None


# Logins and passwords a user may really have: no NUL (PostgreSQL refuses it in
# text) and no lone surrogate (no database stores one).
logins = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=60).filter(
    lambda text: text.strip() == text and text
)
passwords = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1)


class ValidPairTests(TestCase):
    """Real users: their pairs pass, and nothing near them does."""

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=True)

    @given(
        login=logins,
        password=passwords,
        encoding=st.sampled_from(["form", "json"]),
        endpoint=st.sampled_from(PROTECTED),
        source=st.sampled_from(SOURCES),
    )
    def test_a_token_from_new_authenticates(
        self, login: str, password: str, encoding: str, endpoint: str, source: str
    ) -> None:
        user = make_user(login, password=password)
        # The stored login: create_user() may normalize what it was given.
        fields = {"username": user.get_username(), "password": password}
        if encoding == "json":
            obtained = self.client.post("/token/new.json", json.dumps(fields), "application/json")
        else:
            obtained = self.client.post("/token/new.json", fields)
        assert obtained.status_code == 200, obtained.content
        pair = json.loads(obtained.content)
        assert str(pair["user"]) == str(user.pk)
        token = pair["token"]
        response = send_pair(self.client, source, endpoint, user.pk, token, "post")
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert body["success"] is True
        if "user" in body:
            assert str(body["user"]) == str(user.pk)
        url_response = self.client.get(f"/token/{token}/{user.pk}.json")
        assert url_response.status_code == 200

    @given(data=st.data(), password=passwords)
    def test_any_single_character_change_fails(self, data: st.DataObject, password: str) -> None:
        user = make_user("mutable", password=password)
        token = issue_token(user)["token"]
        index = data.draw(st.integers(0, len(token) - 1), label="index")
        change = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="change")
        if change == "delete":
            changed = token[:index] + token[index + 1 :]
        else:
            char = data.draw(st.characters(exclude_categories=["Cs"]), label="char")
            assume(change == "insert" or char != token[index])
            skip = 1 if change == "replace" else 0
            changed = token[:index] + char + token[index + skip :]
        assert changed != token
        assert TokenBackend().authenticate(None, pk=user.pk, token=changed) is None
        source = data.draw(st.sampled_from(SOURCES), label="source")
        response = send_pair(self.client, source, "/api/sync/", user.pk, changed, "post")
        assert_clean_error(response, CREDENTIAL_ERRORS)

    @given(
        first=st.tuples(logins, passwords),
        second=st.tuples(logins, passwords),
        same_password=st.booleans(),
        source=st.sampled_from(SOURCES),
    )
    def test_token_never_authenticates_another_user(
        self,
        first: tuple[str, str],
        second: tuple[str, str],
        same_password: bool,
        source: str,
    ) -> None:
        owner = make_user("owner-" + first[0], password=first[1])
        other = make_user("other-" + second[0], password=first[1] if same_password else second[1])
        token = issue_token(owner)["token"]
        assert TokenBackend().authenticate(None, pk=other.pk, token=token) is None
        response = send_pair(self.client, source, "/api/sync/", other.pk, token, "post")
        assert_clean_error(response, {403})
        url_response = self.client.get(f"/token/{token}/{other.pk}.json")
        assert_clean_error(url_response, {401})
