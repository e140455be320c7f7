#!/usr/bin/env python3
"""What a mobile app does with the example API, in plain Python (standard library only).

1. Log in once with username + password for a user id + token, and store the pair
   (an app keeps it in the keychain; this script in a JSON file only you can read).
2. Call protected endpoints with the pair: as request parameters, in a JSON body,
   and as ``Authorization: Basic base64(user:token)``.
3. With ``--websocket`` (a server of ``example.asgi``; needs the ``websockets``
   package): open the notes feed, a WebSocket, with the pair in the
   ``Authorization`` header as native apps do (browsers, which cannot set it,
   offer it as a subprotocol), read the notes, write one through it.
4. Refresh the token before it expires; verify it; list the user's devices.
5. When the server refuses the pair (401 or 403: expired token, password
   changed, logged out, key rotated; close code 4401 or 4403 on the WebSocket),
   log in again and retry once.
6. On request, log this device out (``--logout``) or every device (``--logout-all``).

Exit status: 0 when every answer was as expected, 1 otherwise.

    python3 example_project/client.py --url http://127.0.0.1:8000 -v [--websocket]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_USERNAME = "demo"
# DEVELOPMENT DEFAULT, the same as demo_setup's.
DEFAULT_PASSWORD = "demo-password-for-development-only"  # noqa: S105
DEFAULT_STORE = Path.home() / ".tokenapi-example-client.json"
TIMEOUT = 10  # seconds per request


class UnexpectedAnswerError(Exception):
    """The server answered something a correct client cannot go on with."""


class RefusedError(Exception):
    """The server refused the user + token pair (401 or 403)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('errors', '')}".strip())
        self.status = status


class Client:
    device = "client.py"  # the name this login's session gets in the device list

    def __init__(
        self, url: str, username: str, password: str, store: Path, verbose: bool, websocket: bool
    ) -> None:
        self.url = url.rstrip("/")
        self.websocket = websocket
        self.username = username
        self.password = password
        self.store = store
        self.verbose = verbose
        self.user: object = None
        self.token: str | None = None

    # -- output --------------------------------------------------------------

    def say(self, step: str, message: str) -> None:
        print(f"[{step:<8}] {message}", flush=True)

    def secret(self, value: str) -> str:
        """A token as shown on screen: enough to tell tokens apart, not enough to use one."""
        return f"{value[:10]}..." if len(value) > 10 else "..."

    # -- HTTP ----------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        basic: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        """Send one request; return the status and the JSON object answered."""
        headers = {"Accept": "application/json"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if basic:
            headers["Authorization"] = self.basic_authorization()
        if self.verbose:
            self.show_request(method, path, headers, form, json_body)
        # The URL is the one the user asked for; main() accepts only http(s).
        request = urllib.request.Request(  # noqa: S310
            self.url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise UnexpectedAnswerError(
                f"{method} {path}: cannot reach {self.url}: {exc}"
            ) from None
        try:
            body = json.loads(raw)
        except ValueError:
            raise UnexpectedAnswerError(
                f"{method} {path} -> {status}, not JSON: {raw[:80]!r}"
            ) from None
        if not isinstance(body, dict):
            raise UnexpectedAnswerError(f"{method} {path} -> {status}, not a JSON object: {body!r}")
        if self.verbose:
            shown = {**body, "token": self.secret(str(body["token"]))} if "token" in body else body
            print(f"           <- {status} {json.dumps(shown)[:200]}")
        return status, body

    def basic_authorization(self) -> str:
        pair = f"{self.user}:{self.token}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def show_request(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        form: dict[str, Any] | None,
        json_body: dict[str, Any] | None,
    ) -> None:
        def masked(fields: dict[str, Any]) -> dict[str, Any]:
            shown = dict(fields)
            if "password" in shown:
                shown["password"] = "<hidden>"  # noqa: S105 (a mask)
            if "token" in shown:
                shown["token"] = self.secret(str(shown["token"]))
            return shown

        print(f"           -> {method} {self.url}{path}")
        for name, value in headers.items():
            if name == "Authorization":
                value = f"Basic base64({self.user}:{self.secret(str(self.token))})"
            print(f"              {name}: {value}")
        if form is not None:
            # Encoded as sent, but with the secrets left readable as masked.
            print(f"              {urllib.parse.urlencode(masked(form), safe='<>.')}")
        if json_body is not None:
            print(f"              {json.dumps(masked(json_body))}")

    def expect(self, status: int, body: dict[str, Any], wanted: int, what: str) -> None:
        if status == wanted and body.get("success") is True:
            return
        raise UnexpectedAnswerError(f"{what}: expected {wanted}, got {status} {json.dumps(body)}")

    # -- the token -----------------------------------------------------------

    def load(self) -> bool:
        """Take the stored pair if it was stored for this site and user."""
        try:
            stored = json.loads(self.store.read_text())
        except (OSError, ValueError):
            return False
        if not isinstance(stored, dict) or stored.get("url") != self.url:
            return False
        if stored.get("username") != self.username or not stored.get("token"):
            return False
        self.user, self.token = stored.get("user"), stored["token"]
        self.say("store", f"using the stored token {self.secret(self.token)} of user {self.user}")
        return True

    def save(self, expires: str) -> None:
        stored = {
            "url": self.url,
            "username": self.username,
            "user": self.user,
            "token": self.token,
            "expires": expires,
        }
        # Readable by the owner only: the pair is as good as a password until it expires.
        descriptor = os.open(self.store, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w") as file:
            json.dump(stored, file)
        self.say("store", f"saved user {self.user} + token to {self.store}")

    def take_token(self, body: dict[str, Any], what: str) -> None:
        token, user, expires = body.get("token"), body.get("user"), body.get("expires")
        if not isinstance(token, str) or user is None or not isinstance(expires, str):
            raise UnexpectedAnswerError(f"{what}: no token, user and expires in {json.dumps(body)}")
        self.user, self.token = user, token
        self.save(expires)

    def login(self) -> None:
        status, body = self.request(
            "POST",
            "/token/new.json",
            form={"username": self.username, "password": self.password, "device": self.device},
        )
        if status == 401:
            raise UnexpectedAnswerError(f"login as {self.username!r} refused: {body.get('errors')}")
        self.expect(status, body, 200, "login")
        self.say(
            "login",
            f"POST /token/new.json -> 200: user {body.get('user')}, token "
            f"{self.secret(str(body.get('token')))}, expires {body.get('expires')}",
        )
        self.take_token(body, "login")

    def refresh(self) -> None:
        old = self.token
        status, body = self.request("POST", "/token/refresh.json", basic=True)
        self.check_refused(status, body)
        self.expect(status, body, 200, "refresh")
        self.say(
            "refresh",
            f"POST /token/refresh.json -> 200: token {self.secret(str(body.get('token')))}"
            f" (was {self.secret(str(old))}), expires {body.get('expires')}",
        )
        self.take_token(body, "refresh")

    def verify(self) -> None:
        status, body = self.request("POST", "/token/verify.json", basic=True)
        self.check_refused(status, body)
        self.expect(status, body, 200, "verify")
        self.say("verify", "POST /token/verify.json (Basic auth) -> 200: the pair is valid")

    def devices(self) -> None:
        status, body = self.request("POST", "/token/sessions.json", basic=True)
        self.check_refused(status, body)
        self.expect(status, body, 200, "devices")
        sessions = body.get("sessions")
        if not isinstance(sessions, list):
            raise UnexpectedAnswerError(f"devices: no list of sessions in {json.dumps(body)}")
        for session in sessions:
            mark = " (this one)" if session.get("current") else ""
            self.say(
                "devices",
                f"{session.get('device') or 'unnamed'}{mark}, since {session.get('created')}",
            )

    def logout(self, everywhere: bool) -> None:
        path = "/token/logoutall.json" if everywhere else "/token/logout.json"
        status, body = self.request("POST", path, basic=True)
        self.expect(status, body, 200, path)
        status, body = self.request("POST", "/token/verify.json", basic=True)
        if status != 401:
            raise UnexpectedAnswerError(f"verify after logout: expected 401, got {status}")
        self.store.unlink(missing_ok=True)
        self.say("logout", f"POST {path} -> 200: the token is refused now; forgotten")

    def check_refused(self, status: int, body: dict[str, Any]) -> None:
        if status in (401, 403):
            raise RefusedError(status, body)

    def with_login_retry(self, step: Any, *args: Any) -> Any:
        """Run ``step``; if the server refuses the pair, log in again and run it once more."""
        try:
            return step(*args)
        except RefusedError as exc:
            self.say("relogin", f"the server refused the stored pair ({exc}); logging in again")
        self.login()
        return step(*args)

    # -- the API -------------------------------------------------------------

    def create_note(self, path: str, text: str, style: str) -> int:
        credentials = {"user": self.user, "token": self.token, "text": text}
        if style == "parameters":
            status, body = self.request("POST", path, form=credentials)
        else:
            status, body = self.request("POST", path, json_body=credentials)
        self.check_refused(status, body)
        self.expect(status, body, 201, f"POST {path}")
        note = body.get("note")
        if not isinstance(note, dict) or note.get("text") != text:
            raise UnexpectedAnswerError(f"POST {path}: the note is not what was sent: {body}")
        self.say("create", f"POST {path} ({style}) -> 201: note {note.get('id')}")
        return int(note["id"])

    def list_notes(self, path: str, must_include: list[int]) -> None:
        status, body = self.request("GET", path, basic=True)
        self.check_refused(status, body)
        self.expect(status, body, 200, f"GET {path}")
        notes = body.get("notes")
        if not isinstance(notes, list):
            raise UnexpectedAnswerError(f"GET {path}: no list of notes in {json.dumps(body)}")
        ids = [note.get("id") for note in notes if isinstance(note, dict)]
        missing = [note_id for note_id in must_include if note_id not in ids]
        if missing:
            raise UnexpectedAnswerError(f"GET {path}: notes {missing} just created are missing")
        self.say("list", f"GET {path} (Basic auth) -> 200: {len(notes)} notes")

    def watch_feed(self) -> None:
        """Read the notes feed (``ws/notes/``) and write a note through it."""
        try:
            from websockets.exceptions import ConnectionClosed, WebSocketException
            from websockets.sync.client import connect
        except ImportError:
            raise UnexpectedAnswerError("--websocket needs the websockets package") from None
        url = "ws" + self.url.removeprefix("http") + "/ws/notes/"  # ws:// or wss://
        text = "Written by client.py (WebSocket)"
        if self.verbose:
            print(f"           -> WebSocket {url}")
            shown = f"{self.user}:{self.secret(str(self.token))}"
            print(f"              Authorization: Basic base64({shown})")
        try:
            with connect(
                url,
                additional_headers={"Authorization": self.basic_authorization()},
                open_timeout=TIMEOUT,
            ) as feed:
                notes = json.loads(feed.recv(timeout=TIMEOUT))["notes"]
                feed.send(json.dumps({"text": text}))
                note = json.loads(feed.recv(timeout=TIMEOUT))["note"]
        except ConnectionClosed as exc:
            received = exc.rcvd
            if received is not None and received.code in (4401, 4403):
                raise RefusedError(received.code - 4000, {"errors": received.reason}) from None
            raise UnexpectedAnswerError(f"WebSocket {url} closed: {exc}") from None
        except (WebSocketException, OSError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            raise UnexpectedAnswerError(f"WebSocket {url}: {exc!r}") from None
        if not isinstance(note, dict) or note.get("text") != text:
            raise UnexpectedAnswerError(f"WebSocket {url}: the note is not what was sent: {note}")
        self.say(
            "feed",
            f"WebSocket /ws/notes/ (Authorization header): {len(notes)} notes, "
            f"then note {note.get('id')} written through it",
        )

    def has_drf(self) -> bool:
        status, body = self.request("GET", "/")
        self.expect(status, body, 200, "GET /")
        endpoints = body.get("endpoints")
        return isinstance(endpoints, dict) and "/api/drf/notes/" in endpoints.values()

    def run(self) -> None:
        self.say("start", f"{self.url} as {self.username!r}")
        if not self.load():
            self.login()
        self.with_login_retry(self.verify)
        first = self.with_login_retry(
            self.create_note, "/api/notes/", "Written by client.py (form parameters)", "parameters"
        )
        second = self.with_login_retry(
            self.create_note, "/api/async/notes/", "Written by client.py (JSON body)", "JSON body"
        )
        created = [first, second]
        paths = ["/api/notes/", "/api/cbv/notes/", "/api/async/notes/"]
        if self.has_drf():
            paths.append("/api/drf/notes/")
            created.append(
                self.with_login_retry(
                    self.create_note,
                    "/api/drf/notes/",
                    "Written by client.py (Django REST framework)",
                    "JSON body",
                )
            )
        else:
            self.say("list", "/api/drf/notes/ not served (Django REST framework not installed)")
        for path in paths:
            self.with_login_retry(self.list_notes, path, created)
        if self.websocket:
            self.with_login_retry(self.watch_feed)
        self.with_login_retry(self.refresh)
        self.verify()
        self.devices()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="the site (default: %(default)s)")
    parser.add_argument("--username", default=DEFAULT_USERNAME, help="default: %(default)s")
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE,
        help="where the user + token pair is kept between runs (default: %(default)s)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show every request and answer"
    )
    parser.add_argument(
        "--websocket",
        action="store_true",
        help="also use the notes feed (a server of example.asgi; needs websockets)",
    )
    logout = parser.add_mutually_exclusive_group()
    logout.add_argument("--logout", action="store_true", help="then log this device out")
    logout.add_argument("--logout-all", action="store_true", help="then log out every device")
    args = parser.parse_args(argv)
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must start with http:// or https://")
    # From the environment rather than the command line, where other users could read it.
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    client = Client(args.url, args.username, password, args.store, args.verbose, args.websocket)
    try:
        client.run()
        if args.logout or args.logout_all:
            client.logout(everywhere=args.logout_all)
    except (UnexpectedAnswerError, RefusedError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print("OK: every answer was as expected.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
