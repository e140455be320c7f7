"""Pins of tokenapi.views: what each endpoint answers, status and body."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def make_user(login: str = "pin@example.com", password: str = "pin-password", **fields: object):
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}, **fields
    )


def post_json(client: Client, url: str, body: object):
    return client.post(url, json.dumps(body), "application/json")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "\ud800", "password": "pin-password"},
        {"username": "pin@example.com", "password": "pin-\udfff"},
    ],
    ids=["surrogate-username", "surrogate-password"],
)
def test_login_with_lone_surrogate_is_a_400(body: dict[str, str]) -> None:
    # A JSON body can carry a lone surrogate, which no hasher or database takes: it was a 500.
    make_user()
    response = post_json(Client(raise_request_exception=True), "/token/new.json", body)
    assert response.status_code == 400
    assert json.loads(response.content)["success"] is False
