"""tokenapi.contrib.axes: the login name axes counts failures by.

The lockout answer needs axes in INSTALLED_APPS: test_axes.py tests it, end to end.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tests.integration_utils import LOGIN, make_user
from tokenapi.backends import MASKED_TOKEN
from tokenapi.contrib.axes import get_username


def _token_failure(user_id: object) -> dict[str, object]:
    # What the backend sends with user_login_failed for a wrong token.
    return {"pk": user_id, "token": MASKED_TOKEN}


@pytest.mark.django_db
def test_username_of_a_failed_token_check_is_the_users_login() -> None:
    user = make_user()
    request = RequestFactory().get("/")
    assert get_username(request, _token_failure(str(user.pk))) == LOGIN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_id",
    ["abc", "1e9", str(2**70), "", None, "12345678-1234-1234-1234-12345678"],
)
def test_username_of_a_token_check_for_no_valid_id_is_none(
    user_id: object, django_assert_num_queries: Any
) -> None:
    make_user()
    with django_assert_num_queries(0):
        assert get_username(RequestFactory().get("/"), _token_failure(user_id)) is None


@pytest.mark.django_db
def test_username_of_a_token_check_for_an_unknown_user_is_the_marked_id() -> None:
    user = make_user()
    unknown = str(user.pk + 1) if isinstance(user.pk, int) else str(uuid.uuid4())
    request = RequestFactory().get("/")
    assert get_username(request, _token_failure(unknown)) == f"#{unknown}"


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        pytest.param({"username": "bob", "password": "x"}, "bob", id="authenticate() credentials"),
        pytest.param({"password": "x"}, None, id="no login name"),
        pytest.param({"pk": "1", "token": "not the mask"}, None, id="pk from another sender"),
    ],
)
def test_username_of_a_login_attempt(credentials: dict[str, object], expected: str | None) -> None:
    assert get_username(RequestFactory().post("/"), credentials) == expected


def test_username_by_the_user_models_login_field() -> None:
    field = get_user_model().USERNAME_FIELD
    assert get_username(RequestFactory().post("/"), {field: LOGIN}) == LOGIN


def test_username_without_credentials_is_the_login_form_field() -> None:
    request = RequestFactory().post("/", {"username": "bob", "password": "x"})
    assert get_username(request, None) == "bob"
    assert get_username(RequestFactory().post("/"), None) is None
