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
    assert old_user.tokenapi_state  # the hash kept at the re-hash, now cached on the instance
    old_user.set_password("another one entirely")
    old_user.save()
    assert [verify(client, old_user, t) for t in (stateless, phone)] == [401, 401]
    # The instance forgot the state: its new tokens sign the new hash.
    assert verify(client, old_user, token_generator.make_token(old_user)) == 200


def deactivate(user: Any) -> None:
    user.is_active = False
    user.save()


def make_unusable(user: Any) -> None:
    user.set_unusable_password()
    user.save()


def change_password_alone(user: Any) -> None:
    user.set_password("another one entirely")
    user.save(update_fields=["password"])


# (what the user went through first, the save after a session opened, whether it ends it)
SAVES = {
    "inactive-logs-in": (deactivate, lambda u: u.save(update_fields=["last_login"]), False),
    "unusable-logs-in": (make_unusable, lambda u: u.save(update_fields=["last_login"]), False),
    "reactivated": (deactivate, lambda u: setattr(u, "is_active", True) or u.save(), False),
    "password-alone": (lambda u: None, change_password_alone, True),
    "password-saved-unchanged": (
        lambda u: None,
        lambda u: u.save(update_fields=["password"]),
        False,
    ),
    "deactivated-alone": (
        lambda u: setattr(u, "is_active", False),
        lambda u: u.save(update_fields=["is_active"]),
        True,
    ),
}


@pytest.mark.parametrize("case", list(SAVES))
def test_a_save_ends_sessions_only_when_it_saves_a_change_that_should(user: Any, case: str) -> None:
    from tokenapi.sessions.models import Session, open_session

    before, save, ends = SAVES[case]
    before(user)
    session = open_session(user)  # e.g. by manage.py tokenapi_token, after the change
    save(user)
    assert (Session.objects.get(pk=session.pk).ended is not None) is ends
