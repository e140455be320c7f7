"""With the app, a Django upgrade's password re-hash at login ends no token, of any format."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.helpers import (
    PASSWORD,
    NewHasher,
    give_old_hash,
    json_body,
    login_of,
    make_legacy_token,
)
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.sessions


class NewerHasher(NewHasher):
    iterations = 3


def log_in(client: Client) -> dict[str, Any]:
    response = client.post("/token/new.json", {"username": login_of("alice"), "password": PASSWORD})
    assert response.status_code == 200, response.content
    return json_body(response)


def verify(client: Client, user: Any, token: str) -> int:
    return client.post("/token/verify.json", {"user": user.pk, "token": token}).status_code


@pytest.fixture
def old_user(user: Any, settings: Any) -> Any:
    give_old_hash(user, settings)
    return user


def test_with_the_app_no_token_dies_of_a_rehash(
    client: Client, old_user: Any, settings: Any
) -> None:
    stateless, legacy = token_generator.make_token(old_user), make_legacy_token(old_user)
    phone = log_in(client)["token"]  # re-hashes with NewHasher
    settings.PASSWORD_HASHERS = [f"{__name__}.NewerHasher"]
    log_in(client)  # and again
    old_user.refresh_from_db()
    assert old_user.password.startswith("pbkdf2_sha256$3$")  # both re-hashes happened
    assert [verify(client, old_user, t) for t in (stateless, legacy, phone)] == [200, 200, 200]


def test_with_the_app_a_password_change_after_a_rehash_still_ends_every_token(
    client: Client, old_user: Any
) -> None:
    stateless, phone = token_generator.make_token(old_user), log_in(client)["token"]
    old_user.refresh_from_db()
    old_user.set_password("another one entirely")
    old_user.save()
    assert [verify(client, old_user, t) for t in (stateless, phone)] == [401, 401]
    fresh = type(old_user).objects.get(pk=old_user.pk)
    assert verify(client, fresh, token_generator.make_token(fresh)) == 200
