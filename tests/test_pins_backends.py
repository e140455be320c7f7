"""Pins of tokenapi.backends: which user ids reach the database, and what comes back."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model, user_login_failed
from django.test import RequestFactory, override_settings

from tokenapi.backends import (
    BACKEND_PATH,
    MASKED_TOKEN,
    TokenBackend,
    aauthenticate_token,
    authenticate_token,
    get_token_backend,
    get_user_id_parser,
)
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db


def make_user(login: str = "pin@example.com", password: str = "pin-password", **fields: object):
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}, **fields
    )


@pytest.mark.parametrize(
    "value",
    [float("inf"), float("-inf"), float("nan")],
    ids=["inf", "minus-inf", "nan"],
)
def test_non_finite_float_id_is_nobody(value: float) -> None:
    # int(float("inf")) raises OverflowError, which used to escape the backend.
    assert get_user_id_parser()(value) is None
    assert TokenBackend().authenticate(None, pk=value, token="x") is None
