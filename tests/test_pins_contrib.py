"""Pins of tokenapi.contrib that the integration suites run under other settings.

The mutation run uses the default test settings only: these pin, under them,
what the django-axes and DRF integrations hand on.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings

from tests.test_pins_backends import RecordingBackend
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("credentials", "username"),
    [
        ({"username": "name"}, "name"),
        ({"username": 5}, "5"),
        ({"username": "name", "email": "e@example.com"}, "name"),
        ({"email": "e@example.com"}, "e@example.com"),
        ({"password": "x"}, None),
    ],
    ids=["username", "not-a-string", "username-first", "login-field", "neither"],
)
@override_settings(AUTH_USER_MODEL="testapp.EmailUser")
def test_axes_username_of_a_login_attempt(credentials: dict[str, object], username: str) -> None:
    from tokenapi.contrib.axes import get_username

    assert get_user_model().USERNAME_FIELD == "email"
    assert get_username(RequestFactory().post("/"), credentials) == username


@override_settings(
    AUTHENTICATION_BACKENDS=["tests.test_pins_backends.RecordingBackend"],
    REST_FRAMEWORK={"UNAUTHENTICATED_USER": None},
)
def test_drf_authentication_hands_the_django_request_on() -> None:
    from rest_framework.request import Request

    from tokenapi.contrib.rest_framework import TokenAuthentication

    user_model = get_user_model()
    user = user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: "drf@example.com", "password": "pw"}
    )
    token = token_generator.make_token(user)
    django_request = RequestFactory().get("/", {"user": str(user.pk), "token": token})
    RecordingBackend.requests = []
    assert TokenAuthentication().authenticate(Request(django_request)) == (user, token)
    assert RecordingBackend.requests == [django_request]
