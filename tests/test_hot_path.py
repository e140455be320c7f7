"""Behaviour the hot path's shortcuts must keep: caches follow settings, GET skips nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    model = get_user_model()
    login = "someone@example.com" if model.USERNAME_FIELD == "email" else "someone"
    return model._default_manager.create_user(login, password="secret-password")


def test_a_new_secret_key_voids_tokens_signed_with_the_cached_old_one(user):  # type: ignore[no-untyped-def]
    token = token_generator.make_token(user)
    assert token_generator.check_token(user, token)  # the old key is cached now
    with override_settings(SECRET_KEY="a-brand-new-key"):
        assert not token_generator.check_token(user, token)
        new_token = token_generator.make_token(user)
        assert token_generator.check_token(user, new_token)
    assert not token_generator.check_token(user, new_token)
    assert token_generator.check_token(user, token)


def test_a_rotated_key_keeps_verifying_once_it_moves_to_the_fallbacks(user):  # type: ignore[no-untyped-def]
    with override_settings(SECRET_KEY="the-old-key"):
        token = token_generator.make_token(user)
        assert token_generator.check_token(user, token)
    with override_settings(SECRET_KEY="the-new-key"):
        assert not token_generator.check_token(user, token)
        with override_settings(SECRET_KEY_FALLBACKS=["the-old-key"]):
            assert token_generator.check_token(user, token)
            assert token_generator.make_token(user) != token


def test_a_generator_with_its_own_secret_does_not_share_the_settings_keys(user):  # type: ignore[no-untyped-def]
    class OwnSecret(TokenGenerator):
        secret = "a-generator-key"

    class OwnFallbacks(TokenGenerator):
        secret_fallbacks = ["a-generator-key"]  # noqa: RUF012 (the attribute's documented type)

    own = OwnSecret()
    assert token_generator.check_token(user, token_generator.make_token(user))
    token = own.make_token(user)
    assert own.check_token(user, token)
    assert not token_generator.check_token(user, token)
    assert OwnFallbacks().check_token(user, token)
    assert not OwnFallbacks().check_token(user, token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_post_parameters_still_win_over_the_query_string_field_by_field(client, user):  # type: ignore[no-untyped-def]
    token = token_generator.make_token(user)
    response = client.post(f"/api/sync/?user=0&token={token}", {"user": str(user.pk)})
    assert response.status_code == 200, response.content
    response = client.post(f"/api/sync/?user={user.pk}&token={token}", {"token": "wrong"})
    assert response.status_code == 403, response.content


@pytest.mark.parametrize("method", ["get", "head"])
def test_get_and_head_read_the_query_string_and_never_a_form_body(client, user, method):  # type: ignore[no-untyped-def]
    token = token_generator.make_token(user)
    body = f"user={user.pk}&token={token}"
    response = client.generic(
        method.upper(), "/api/sync/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 401
    response = client.generic(method.upper(), f"/api/sync/?{body}")
    assert response.status_code == 200


def test_parameters_of_a_request_built_by_hand_are_read(user):  # type: ignore[no-untyped-def]
    from django.http import HttpRequest, QueryDict

    from tokenapi.credentials import parse_credentials

    token = token_generator.make_token(user)
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(f"user={user.pk}&token={token}")
    assert parse_credentials(request) == (str(user.pk), token)


def test_a_query_set_by_middleware_is_read_even_without_a_query_string(rf, user):  # type: ignore[no-untyped-def]
    from django.http import QueryDict

    from tokenapi.credentials import parse_credentials

    token = token_generator.make_token(user)
    request = rf.get("/api/sync/")
    assert parse_credentials(request) is None
    request.GET = QueryDict(f"user={user.pk}&token={token}")
    assert parse_credentials(request) == (str(user.pk), token)


def test_the_backend_follows_a_changed_user_model():  # type: ignore[no-untyped-def]
    from django.apps import apps

    from tokenapi.backends import TokenBackend

    # With auth.User in use, a real switch; auth.User cannot be switched back to.
    model_name = "testapp.EmailUser"
    other = apps.get_model(model_name)._default_manager.create_user(
        "other@example.com", password="secret-password"
    )
    token = token_generator.make_token(other)
    backend = TokenBackend()
    backend.authenticate(None, pk="1", token=token)  # caches the current model
    with override_settings(AUTH_USER_MODEL=model_name):
        assert backend.authenticate(None, pk=str(other.pk), token=token) == other
