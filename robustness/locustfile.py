"""The load mix of robustness/load.py (locust): every request checks its own status.

Closed loop: each API client sends its next request as soon as it has an
answer; one more client logs in at a steady pace (see ``LoginClient``). The
demo user's pair comes from the environment that load.py sets.
A response with any other status than its request's expected one counts as a
failure; 5xx answers are counted apart and written to ``LOAD_RESULT``.
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from typing import Any

from locust import FastHttpUser, constant, constant_pacing, events, task

statuses: Counter[int] = Counter()


@events.request.add_listener
def count_status(response: Any = None, exception: Any = None, **kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    statuses[status] += 1


@events.quitting.add_listener
def write_result(environment: Any, **kwargs: Any) -> None:
    path = os.environ.get("LOAD_RESULT")
    if path:
        with open(path, "w") as result:
            json.dump({str(status): n for status, n in sorted(statuses.items())}, result)


def basic(user: str, token: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def expect(
    client: FastHttpUser, status: int, method: str, path: str, name: str, **kwargs: Any
) -> None:
    """Send a request; any other status than ``status`` is a failure."""
    with client.client.request(method, path, name=name, catch_response=True, **kwargs) as response:
        if response.status_code == status:
            response.success()
        else:
            response.failure(f"expected {status}, got {response.status_code}")


class ApiClient(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.user = os.environ["LOAD_USER"]
        self.token = os.environ["LOAD_TOKEN"]

    # A valid pair on a protected view, each style, each credential source.
    @task(3)
    def notes_function_view_query(self) -> None:
        query = f"?user={self.user}&token={self.token}"
        expect(self, 200, "GET", "/api/notes/" + query, "protected: function view, query")

    @task(3)
    def notes_class_view_basic(self) -> None:
        headers = basic(self.user, self.token)
        expect(self, 200, "GET", "/api/cbv/notes/", "protected: class view, Basic", headers=headers)

    @task(3)
    def notes_async_view_basic(self) -> None:
        headers = basic(self.user, self.token)
        expect(
            self, 200, "GET", "/api/async/notes/", "protected: async view, Basic", headers=headers
        )

    @task(3)
    def notes_drf_view_basic(self) -> None:
        headers = basic(self.user, self.token)
        expect(self, 200, "GET", "/api/drf/notes/", "protected: DRF view, Basic", headers=headers)

    @task(3)
    def verify(self) -> None:
        pair = {"user": self.user, "token": self.token}
        expect(self, 200, "POST", "/token/verify.json", "verify", data=pair)

    @task(2)
    def refresh(self) -> None:
        pair = {"user": self.user, "token": self.token}
        expect(self, 200, "POST", "/token/refresh.json", "refresh", json=pair)

    # Bad credentials.
    @task(3)
    def wrong_token_on_protected_view(self) -> None:
        headers = basic(self.user, self.token[:-1] + ("A" if self.token[-1] != "A" else "B"))
        expect(self, 403, "GET", "/api/notes/", "bad: wrong token, protected view", headers=headers)

    @task(2)
    def unknown_user_verify(self) -> None:
        pair = {"user": "987654321", "token": self.token}
        expect(self, 401, "POST", "/token/verify.json", "bad: unknown user, verify", data=pair)


class LoginClient(FastHttpUser):
    """One client logging in every 2 s, with the right password, then a wrong one.

    A login hashes the password (PBKDF2, Django's default 1,000,000 iterations:
    about half a second of CPU, on purpose), so logins are paced rather than
    looped: at the rate of the other clients they would measure only the hasher.
    """

    fixed_count = 1
    wait_time = constant_pacing(2)

    def on_start(self) -> None:
        self.password = os.environ["LOAD_PASSWORD"]
        self.attempts = 0

    @task
    def log_in(self) -> None:
        self.attempts += 1
        if self.attempts % 2:
            login = {"username": "demo", "password": self.password}
            expect(self, 200, "POST", "/token/new.json", "obtain", data=login)
        else:
            login = {"username": "demo", "password": "not-the-password"}
            expect(self, 401, "POST", "/token/new.json", "bad: wrong password, obtain", data=login)
