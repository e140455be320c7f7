"""Small helpers shared by the test modules: users, tokens and requests."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import quote, urlencode

import jsonschema
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.http import HttpResponse
from django.test import Client
from django.utils.http import int_to_base36

from tokenapi.contrib.openapi import load_description

PASSWORD = "correct horse battery staple"
# How django-tokenapi 2.1.1 salted its HMAC (it kept the name of the class it copied).
LEGACY_KEY_SALT = "tokenapi.tokens.PasswordResetTokenGenerator"
LEGACY_EPOCH = datetime.date(2001, 1, 1)


def login_of(name: str) -> str:
    """The login of user ``name`` for the active user model (a username or an email)."""
    if get_user_model().USERNAME_FIELD == "email":
        return f"{name}@example.com"
    return name


def make_user(name: str = "alice", password: str = PASSWORD, **fields: Any) -> Any:
    """Create a user of the active user model, whatever its ``USERNAME_FIELD``."""
    user_model = get_user_model()
    fields[user_model.USERNAME_FIELD] = login_of(name)
    return user_model._default_manager.create_user(password=password, **fields)


def legacy_day(today: datetime.date | None = None) -> int:
    """Days since 2001-01-01: the timestamp of a 2.1.1 token minted on ``today``."""
    return ((today or datetime.date.today()) - LEGACY_EPOCH).days


def make_legacy_token(user: Any, day: int | None = None, secret: str | None = None) -> str:
    """Mint a token exactly as django-tokenapi 2.1.1 did, written out with hashlib.

    2.1.1: ``"%s-%s" % (int_to_base36(days), salted_hmac(LEGACY_KEY_SALT,
    str(pk) + password + str(days)).hexdigest()[::2])``, salted_hmac being SHA-1
    keyed with ``sha1(key_salt + SECRET_KEY)``. Kept independent of
    ``django.utils.crypto`` so that it pins the algorithm rather than repeats it.
    """
    if day is None:
        day = legacy_day()
    salted_secret = (LEGACY_KEY_SALT + (secret or settings.SECRET_KEY)).encode()
    key = hashlib.sha1(salted_secret).digest()  # noqa: S324 (2.1.1 used SHA-1)
    value = f"{user.pk}{user.password}{day}".encode()
    digest = hmac.new(key, value, hashlib.sha1).hexdigest()
    return f"{int_to_base36(day)}-{digest[::2]}"


def basic_auth(user: object, token: str) -> str:
    """An ``Authorization: Basic`` header value for ``user`` and ``token``."""
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def send_pair(
    client: Client, how: str, path: str, user_id: object, token: str, method: str = "get"
) -> Any:
    """Send ``user_id`` + ``token`` to ``path`` as ``how`` says; ``method`` for basic, query."""
    pair = {"user": str(user_id), "token": token}
    if how == "basic":
        return getattr(client, method)(path, HTTP_AUTHORIZATION=basic_auth(user_id, token))
    if how == "query":
        return getattr(client, method)(f"{path}?{urlencode(pair)}")
    if how == "form":  # multipart/form-data, as the test client posts a dict
        return client.post(path, pair)
    if how == "urlencoded":
        return client.post(path, urlencode(pair), "application/x-www-form-urlencoded")
    if how == "json":
        return client.post(path, json.dumps(pair), content_type="application/json")
    assert how == "url"
    return client.get(f"/token/{token}/{quote(str(user_id))}.json")


def json_body(response: HttpResponse) -> Any:
    """The response's JSON body, checking that it says it is JSON."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return json.loads(response.content)


def assert_json_error(response: HttpResponse, status: int) -> dict[str, Any]:
    """Assert the 2.x error shape ``{"success": false, "errors": "..."}`` with ``status``."""
    assert response.status_code == status, (response.status_code, response.content)
    data = json_body(response)
    assert data["success"] is False
    assert isinstance(data["errors"], str) and data["errors"]
    assert set(data) == {"success", "errors"}
    return data


def documented_response(path: str, method: str, status: int) -> dict[str, Any]:
    """The response the shipped OpenAPI description documents, ``$ref`` resolved."""
    description = load_description()
    response: dict[str, Any] = description["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = description["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def assert_documented(path: str, method: str, response: HttpResponse) -> None:
    """Check that ``response`` is one the description documents: status, headers and body."""
    description = load_description()
    documented = documented_response(path, method, response.status_code)

    def validate(instance: object, schema: dict[str, Any]) -> None:
        # Wrapped so that "#/components/..." references resolve in the description.
        jsonschema.Draft202012Validator(
            {"allOf": [schema], "components": description["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        ).validate(instance)

    for name, header in documented.get("headers", {}).items():
        if "$ref" in header:
            header = description["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
        if name not in response:
            assert not header.get("required"), f"{name} header missing"
            continue
        value: object = response[name]
        if header["schema"].get("type") == "integer":
            value = int(response[name])
        validate(value, header["schema"])
    (media_type,) = documented["content"]
    assert response["Content-Type"].split(";")[0] == media_type
    validate(json.loads(response.content), documented["content"][media_type]["schema"])


class OldHasher(PBKDF2PasswordHasher):
    """PBKDF2 as an older Django release set it up: fewer iterations (few, to be fast)."""

    iterations = 1


class NewHasher(PBKDF2PasswordHasher):
    """PBKDF2 after a Django upgrade: a password login re-hashes an OldHasher hash."""

    iterations = 2


def give_old_hash(user: Any, django_settings: Any) -> None:
    """Store ``user``'s password as an older Django did, then upgrade the site's hasher."""
    user.password = OldHasher().encode(PASSWORD, OldHasher().salt())
    user.save()
    django_settings.PASSWORD_HASHERS = ["tests.helpers.NewHasher"]
