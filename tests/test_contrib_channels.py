"""tokenapi.contrib.channels: the middleware and the consumer mixin, over raw ASGI messages."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path

from tests.helpers import basic_auth
from tokenapi import errors
from tokenapi.contrib.channels import TokenAuthMiddleware, TokenRequiredMixin
from tokenapi.tokens import token_generator

# The consumers' database calls run in threads that must see the test's rows.
pytestmark = pytest.mark.django_db(transaction=True)


class EchoConsumer(TokenRequiredMixin, AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.send_json({"user": str(self.scope["user"].pk), "echo": content})

    async def feed_note(self, message: dict[str, Any]) -> None:  # a group send's handler
        await self.send_json({"note": message["text"]})


APP = TokenAuthMiddleware(URLRouter([path("ws/", EchoConsumer.as_asgi())]))


def subprotocol(user: object, token: str) -> str:
    pair = base64.urlsafe_b64encode(f"{user}:{token}".encode()).decode().rstrip("=")
    return f"tokenapi.auth.{pair}"


def scope_of(
    headers: dict[bytes, bytes] | None = None, query: bytes = b"", protocols: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "type": "websocket",
        "path": "/ws/",
        "query_string": query,
        "headers": list((headers or {}).items()),
        "subprotocols": list(protocols),
        "client": ("127.0.0.1", 50000),
    }


def converse(scope: dict[str, Any], *messages: Any) -> list[dict[str, Any]]:
    """Connect, send ``messages`` (as text unless typed; run if callable), return what came out."""

    async def scenario() -> list[dict[str, Any]]:
        communicator = ApplicationCommunicator(APP, scope)
        await communicator.send_input({"type": "websocket.connect"})
        out = [await communicator.receive_output(5)]
        for message in messages:
            if callable(message):
                await sync_to_async(message)()
                continue
            if "type" not in message:
                message = {"type": "websocket.receive", "text": json.dumps(message)}
            await communicator.send_input(message)
            if out[-1]["type"] == "websocket.close":  # one more would be an error of the server's
                assert await communicator.receive_nothing(0.2)
            else:
                out.append(await communicator.receive_output(5))
        await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        await communicator.wait(5)
        return out

    return async_to_sync(scenario)()


def sources(user: Any, token: str) -> dict[str, dict[str, Any]]:
    return {
        "header": scope_of({b"authorization": basic_auth(user.pk, token).encode()}),
        "query": scope_of(query=f"user={user.pk}&token={token}".encode()),
        "subprotocol": scope_of(protocols=("tokenapi", subprotocol(user.pk, token))),
        "beside-the-apps-own": scope_of(protocols=(subprotocol(user.pk, token), "v2")),
    }


ACCEPTED = {"header": None, "query": None, "subprotocol": "tokenapi"}


@pytest.mark.parametrize(("source", "accepted"), [*ACCEPTED.items(), ("beside-the-apps-own", "v2")])
def test_each_source_lets_the_user_in_and_the_right_subprotocol_is_answered(
    user: Any, token: str, source: str, accepted: str | None
) -> None:
    out = converse(sources(user, token)[source], {"hello": 1})
    reply = json.dumps({"user": str(user.pk), "echo": {"hello": 1}})
    accept = {"type": "websocket.accept", "subprotocol": accepted}
    assert out == [accept, {"type": "websocket.send", "text": reply}]


def close(error: Any, subprotocol: str | None = None) -> list[dict[str, Any]]:
    """What a socket refused for ``error`` receives: an accept, then a close that says why."""
    reason = {"code": 4000 + error.status, "reason": error.message}
    return [
        {"type": "websocket.accept", "subprotocol": subprotocol},
        {"type": "websocket.close", **reason},
    ]


def header(value: bytes) -> dict[str, Any]:
    return scope_of({b"authorization": value})


def query(value: bytes) -> dict[str, Any]:
    return scope_of(query=value)


def offered(value: str) -> dict[str, Any]:
    return scope_of(protocols=("tokenapi", value))


REFUSED = {
    "none": (scope_of(), errors.MISSING_CREDENTIALS),
    "bad-base64": (header(b"Basic %%%"), errors.MALFORMED_BASIC),
    "header-not-utf-8": (header(b"Basic \xff\xfe"), errors.MALFORMED_BASIC),
    "query-not-utf-8": (query(b"user=\xff&token=\xfe"), errors.VIEW_PAIR_REFUSED),
    "wrong-pair": (query(b"user=1&token=1-x"), errors.VIEW_PAIR_REFUSED),
    "too-many-fields": (query(b"&".join([b"a=1"] * 1001)), errors.MALFORMED_QUERY),
    "subprotocol-bad-base64": (offered("tokenapi.auth.%%"), errors.MALFORMED_SUBPROTOCOL),
    "subprotocol-no-colon": (offered("tokenapi.auth.YWJj"), errors.MALFORMED_SUBPROTOCOL),
    "subprotocol-not-ascii": (offered("tokenapi.auth.é"), errors.MALFORMED_SUBPROTOCOL),
    "subprotocol-empty-pair": (offered("tokenapi.auth.Og"), errors.MISSING_CREDENTIALS),
    "subprotocol-wrong-pair": (offered(subprotocol(1, "1-x")), errors.VIEW_PAIR_REFUSED),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_socket_without_a_valid_pair_is_closed_with_a_clear_code(user: Any, case: str) -> None:
    scope, error = REFUSED[case]
    # Offered credentials: the answer must name another subprotocol, even to close.
    accepted = "tokenapi" if scope["subprotocols"] else None
    assert converse(scope, {"hello": 1}, {"again": 2}) == close(error, accepted)


def test_a_password_change_closes_the_socket_at_its_next_message(user: Any, token: str) -> None:
    def change_password() -> None:
        user.set_password(f"changed {user.password}")
        user.save()

    scope = sources(user, token)["header"]
    reply = {"type": "websocket.send", "text": json.dumps({"user": str(user.pk), "echo": {}})}
    # From the client, or from the channel layer (a group send): checked again either way.
    group_send = {"type": "feed.note", "text": "new"}
    for message in ({}, group_send):
        out = converse(scope, {}, change_password, message, {})
        assert out[1:] == [reply, *close(errors.VIEW_PAIR_REFUSED)[1:]]
        scope = sources(user, token_generator.make_token(user))["header"]
    with CaptureQueriesContext(connection) as queries:
        assert len(converse(scope, {}, group_send)) == 3
    # The connection's check, then one per message; MariaDB's reconnections set up more.
    table = get_user_model()._meta.db_table
    assert len([query for query in queries if table in query["sql"]]) == 3, queries.captured_queries


@pytest.mark.sessions
def test_a_logout_closes_its_sessions_sockets_at_their_next_message(
    user: Any, failed_logins: list[Any]
) -> None:
    from tokenapi.sessions.models import end_sessions
    from tokenapi.views import issue_token

    scope = sources(user, issue_token(user)["token"])["header"]
    reply = {"type": "websocket.send", "text": json.dumps({"user": str(user.pk), "echo": {}})}
    out = converse(scope, {}, lambda: end_sessions(user), {})
    assert out[1:] == [reply, *close(errors.VIEW_PAIR_REFUSED)[1:]]
    assert failed_logins == []  # the pair was no guess: its owner's lockout count stays


def test_a_consumer_without_the_middleware_is_a_configuration_error() -> None:
    async def connect() -> None:
        communicator = ApplicationCommunicator(EchoConsumer.as_asgi(), scope_of())
        await communicator.send_input({"type": "websocket.connect"})
        await communicator.wait(5)  # raises what the consumer raised

    with pytest.raises(TypeError, match="TokenAuthMiddleware"):
        async_to_sync(connect)()


def test_the_middleware_sets_the_user_of_http_scopes_too_and_hides_the_token(
    user: Any, token: str
) -> None:
    scopes: list[dict[str, Any]] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scopes.append(scope)

    app = TokenAuthMiddleware(inner)
    outer = object()  # a user an outer middleware set, from a session say
    for scope in (
        {**sources(user, token)["header"], "type": "http", "method": "POST"},
        sources(user, token)["subprotocol"],
        {**scope_of(), "user": outer},
        {**scope_of({b"authorization": b"Basic %%%"}), "user": outer},
        {"type": "lifespan"},
    ):
        async_to_sync(app)(scope, None, None)
    assert [scope.get("user") for scope in scopes[:3]] == [user, user, outer]
    assert isinstance(scopes[3]["user"], AnonymousUser)  # bad credentials: nobody
    assert scopes[4] == {"type": "lifespan"}
    assert scopes[1]["subprotocols"] == ["tokenapi"]  # what consumers see, and may answer
    assert token not in repr(scopes[0]) + repr(scopes[1])
