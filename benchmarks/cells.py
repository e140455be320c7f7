"""What is measured: every cell, where it runs and what it is compared with.

Plain data, importable without Django: the runner reads it to plan a run,
``inprocess.py`` reads it inside each environment to build the request.
"""

from __future__ import annotations

from dataclasses import dataclass

CURRENT = "current"  # this app, DRF, simplejwt
LEGACY = "legacy"  # django-tokenapi 2.1.1, which also imports as ``tokenapi``


@dataclass(frozen=True)
class Cell:
    name: str
    label: str
    env: str = CURRENT
    kind: str = "request"  # "request": one GET through the test client; "verify": one call
    path: str = ""
    auth: str = ""  # how the client authenticates: basic, params, drf-token, jwt
    asynchronous: bool = False  # through AsyncClient and an ``async def`` view
    baseline: str = ""  # the cell its target ratio is taken against
    target: float = 0.0  # in-process: max ratio to baseline (time); 0 means none
    server_target: float = 0.0  # under gunicorn: min ratio to baseline (req/s)
    server: bool = False  # also measured under gunicorn
    requires: str = ""  # a module that must import, else the cell is left out


REQUEST_CELLS = [
    Cell("plain", "plain view: no auth, no query", path="/plain/", server=True),
    Cell("bare", "bare view: no auth, fetches the user", path="/bare/", server=True),
    Cell(
        "tokenapi",
        "tokenapi3 @token_required, Basic",
        path="/token-required/",
        auth="basic",
        baseline="bare",
        target=1.10,
        server_target=0.93,
        server=True,
    ),
    Cell(
        "tokenapi-params",
        "tokenapi3 @token_required, query parameters",
        path="/token-required/",
        auth="params",
        baseline="bare",
        target=1.10,
    ),
    Cell(
        "bare-async",
        "bare async view: no auth, fetches the user",
        path="/bare-async/",
        asynchronous=True,
    ),
    Cell(
        "tokenapi-async",
        "tokenapi3 @token_required async view, Basic",
        path="/token-required-async/",
        auth="basic",
        asynchronous=True,
        baseline="bare-async",
    ),
    Cell(
        "tokenapi-2.1.1",
        "django-tokenapi 2.1.1 @token_required, Basic",
        env=LEGACY,
        path="/token-required/",
        auth="basic",
        baseline="bare",
        server=True,
    ),
    Cell(
        "bare-2.1.1-env",
        "bare view in the 2.1.1 environment (control)",
        env=LEGACY,
        path="/bare/",
        baseline="bare",
    ),
    Cell(
        "drf", "DRF APIView: no auth, fetches the user", path="/drf/", baseline="bare", server=True
    ),
    Cell(
        "drf-tokenapi",
        "tokenapi3 DRF TokenAuthentication, Basic",
        path="/drf-tokenapi/",
        auth="basic",
        baseline="drf",
        target=1.10,
        server_target=0.95,
        server=True,
        requires="tokenapi.contrib.rest_framework",
    ),
    Cell(
        "drf-token",
        "DRF TokenAuthentication",
        path="/drf-token/",
        auth="drf-token",
        baseline="drf",
        server=True,
    ),
    Cell(
        "simplejwt",
        "simplejwt JWTAuthentication",
        path="/drf-jwt/",
        auth="jwt",
        baseline="drf",
        server=True,
    ),
]

VERIFY_CELLS = [
    Cell("hmac", "one hmac.new().digest() + compare_digest (the floor)", kind="verify"),
    Cell("check_token", "tokenapi3 check_token", kind="verify", baseline="hmac", target=2.5),
    Cell(
        "check_token-fallbacks",
        "tokenapi3 check_token, 3 SECRET_KEY_FALLBACKS unused",
        kind="verify",
        baseline="check_token",
        target=1.05,
    ),
    Cell(
        "check_token-no-legacy",
        "tokenapi3 check_token, legacy tokens refused",
        kind="verify",
        baseline="check_token",
        target=1.05,
    ),
    Cell(
        "check_token-legacy",
        "tokenapi3 check_token of a 2.1.1 token",
        kind="verify",
        baseline="hmac",
    ),
    Cell("make_token", "tokenapi3 make_token", kind="verify", baseline="hmac"),
    Cell(
        "check_token-2.1.1",
        "django-tokenapi 2.1.1 check_token",
        env=LEGACY,
        kind="verify",
        baseline="hmac",
    ),
    Cell(
        "django-check_token",
        "Django default_token_generator.check_token",
        kind="verify",
        baseline="hmac",
    ),
    Cell(
        "simplejwt-AccessToken",
        "simplejwt AccessToken(token)",
        kind="verify",
        baseline="hmac",
        requires="rest_framework_simplejwt",
    ),
]

CELLS = {cell.name: cell for cell in REQUEST_CELLS + VERIFY_CELLS}

# Counted by callgrind too (instructions per call: deterministic, immune to noise).
CALLGRIND_CELLS = [
    "hmac",
    "check_token",
    "check_token-fallbacks",
    "check_token-no-legacy",
    "check_token-legacy",
    "make_token",
    "check_token-2.1.1",
    "django-check_token",
    "simplejwt-AccessToken",
    "bare",
    "tokenapi",
    "tokenapi-params",
    "tokenapi-2.1.1",
    "bare-2.1.1-env",
    "drf",
    "drf-tokenapi",
    "drf-token",
    "simplejwt",
]
