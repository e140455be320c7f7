"""What is measured: every cell, where it runs and what it is compared with (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CURRENT = "current"  # this app, DRF, simplejwt, knox
LEGACY = "legacy"  # django-tokenapi 2.1.1, which also imports as ``tokenapi``


@dataclass(frozen=True)
class Cell:
    name: str
    label: str
    env: str = CURRENT
    path: str = ""  # a request through the test client; none: one call (``inprocess.verify``)
    auth: str = ""  # how the client authenticates: basic, params, drf-token, jwt, knox
    baseline: str = ""  # the cell its ratios and target are taken against
    target: float = 0.0  # max ratio to baseline, in time and instructions; 0: none
    server_target: float = 0.0  # under gunicorn: min ratio to baseline in req/s; 0: none
    server: bool = True  # request cells: also measured under gunicorn
    asgi: bool = False  # served by project.asgi with uvicorn's worker, not by project.wsgi
    settings: dict[str, Any] = field(default_factory=dict)  # overridden while it runs
    # With tokenapi.sessions installed, and its tokens: the app changes the stateless
    # tokens' query too, so these cells have a database and processes of their own.
    sessions: bool = False
    faster_than: str = ""  # a cell it must beat in the same run
    hmac_target: float = 0.0  # max instructions it adds to its baseline, in "hmac" cells

    @property
    def group(self) -> str:  # the cells that share a virtualenv, settings and database
        return f"{self.env}-sessions" if self.sessions else self.env

    @property
    def floor(self) -> str:  # what every cell of its kind is also compared with
        return "bare" if self.path else "hmac"


REQUEST_CELLS = [
    Cell("bare", "bare view: no auth, fetches the user", path="/bare/"),
    # tokenapi compiles its one query once (tokenapi.queries): its floor is a view that
    # fetches the user with that query, not with the ORM's get(), which compiles per call.
    Cell("bare-compiled", "bare view fetching the user with tokenapi's compiled query",
         path="/bare-compiled/", baseline="bare", server=False),
    Cell("tokenapi", "tokenapi3 @token_required, Basic", path="/token-required/", auth="basic",
         baseline="bare-compiled", target=1.10, server_target=0.93, hmac_target=2.0),
    Cell("tokenapi-params", "tokenapi3 @token_required, query parameters",
         path="/token-required/", auth="params", baseline="bare-compiled", target=1.10,
         server=False),
    Cell("tokenapi-2.1.1", "django-tokenapi 2.1.1 @token_required, Basic",
         path="/token-required/", env=LEGACY, auth="basic", baseline="bare"),
    Cell("bare-2.1.1-env", "bare view in the 2.1.1 environment (control)", path="/bare/",
         env=LEGACY, baseline="bare", server=False),
    Cell("drf", "DRF APIView: no auth, fetches the user", path="/drf/", baseline="bare"),
    Cell("drf-tokenapi", "tokenapi3 DRF TokenAuthentication, Basic", path="/drf-tokenapi/",
         auth="basic", baseline="drf", target=1.10, server_target=0.95),
    Cell("drf-token", "DRF TokenAuthentication", path="/drf-token/", auth="drf-token",
         baseline="drf"),
    Cell("simplejwt", "simplejwt JWTAuthentication", path="/drf-jwt/", auth="jwt",
         baseline="drf"),
    Cell("knox", "knox TokenAuthentication (stored tokens)", path="/drf-knox/", auth="knox",
         baseline="drf"),
    Cell("bare-sessions-env", "bare view with tokenapi.sessions installed (control)",
         path="/bare/", baseline="bare", server=False, sessions=True),
    Cell("tokenapi-sessions", "tokenapi3 sessions: @token_required, Basic",
         path="/token-required/", auth="basic", baseline="bare-compiled", target=1.15,
         sessions=True),
    Cell("drf-tokenapi-sessions", "tokenapi3 sessions: DRF TokenAuthentication, Basic",
         path="/drf-tokenapi/", auth="basic", baseline="drf", faster_than="knox", sessions=True),
    # Under ASGI (uvicorn): async views, and django-ninja's async operations.
    Cell("bare-async", "bare async view, ASGI: no auth, fetches the user", path="/bare-async/",
         asgi=True),
    Cell("tokenapi-async", "tokenapi3 @token_required, async view, ASGI, Basic",
         path="/token-required-async/", auth="basic", baseline="bare-async", asgi=True),
    Cell("ninja", "django-ninja async operation, ASGI: no auth, fetches the user",
         path="/ninja/bare/", baseline="bare-async", asgi=True),
    Cell("ninja-tokenapi", "tokenapi3 ninja TokenAuth, async operation, ASGI, Basic",
         path="/ninja/whoami/", auth="basic", baseline="ninja", asgi=True),
]  # fmt: skip

VERIFY_CELLS = [
    Cell("hmac", "one hmac.new().digest() + compare_digest (the floor)"),
    Cell("check_token", "tokenapi3 check_token", baseline="hmac", target=2.5),
    Cell("check_token-fallbacks", "tokenapi3 check_token, 3 SECRET_KEY_FALLBACKS unused",
         baseline="check_token", target=1.05,
         settings={"SECRET_KEY_FALLBACKS": ["old-1" * 10, "old-2" * 10, "old-3" * 10]}),
    Cell("check_token-no-legacy", "tokenapi3 check_token, legacy tokens refused",
         baseline="check_token", target=1.05, settings={"TOKENAPI_ACCEPT_LEGACY_TOKENS": False}),
    Cell("check_token-2.1.1", "django-tokenapi 2.1.1 check_token", env=LEGACY, baseline="hmac"),
    Cell("simplejwt-AccessToken", "simplejwt AccessToken(token)", baseline="hmac"),
]  # fmt: skip

CELLS = {cell.name: cell for cell in REQUEST_CELLS + VERIFY_CELLS}
