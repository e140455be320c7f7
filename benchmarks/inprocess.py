"""The in-process benchmarks, run inside one environment by ``run.py``.

``setup --db PATH CELL...``: the database, its user, each request cell checked;
prints the versions and each cell's query count and request, as JSON.
``callgrind --db PATH --calls N CELL...``: loops for callgrind to count.
``CELL --db PATH [pyperf options]``: times one cell with pyperf.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import gc
import hashlib
import hmac
import itertools
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

# Run as a script, this directory comes first on sys.path, and the checkout's
# root does not: in the 2.1.1 environment, ``tokenapi`` must be 2.1.1's.
from cells import CELLS, Cell

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

USER_PK = 1
PASSWORD = "benchmark-password"  # noqa: S105 (a throwaway user in a throwaway database)
VERSIONS = ["Django", "django-tokenapi", "django-tokenapi3", "djangorestframework"]
VERSIONS += ["djangorestframework-simplejwt", "django-rest-knox", "django-ninja", "pyperf"]
VERSIONS += ["gunicorn", "uvicorn"]
# One knox token for the user, the same in every process: knox reads all the user's
# tokens on each request, and a new one per process would slow it down run after run.
KNOX_TOKEN = "0123456789abcdef" * 4  # a throwaway user's


def setup_django(argv: list[str]) -> None:
    os.environ["BENCH_DB"] = argv[argv.index("--db") + 1]
    # project/settings.py installs tokenapi.sessions for the cells measured with it only.
    modes = {CELLS[name].sessions for name in argv if name in CELLS}
    if len(modes) > 1:
        raise SystemExit("cells with and without tokenapi.sessions run in separate processes")
    os.environ["BENCH_SESSIONS"] = "1" if True in modes else ""
    import django

    django.setup()


def request_spec(cell: Cell) -> tuple[str, dict[str, str]]:
    """The path (with its query string) and the headers that authenticate ``cell``."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=USER_PK)
    if cell.auth in ("basic", "params"):
        if cell.sessions:  # a session per process, as a login opens
            from tokenapi.views import issue_token

            token = issue_token(user)["token"]
        else:
            from tokenapi.tokens import token_generator

            token = token_generator.make_token(user)
        if cell.auth == "params":
            return f"{cell.path}?user={user.pk}&token={token}", {}
        pair = base64.b64encode(f"{user.pk}:{token}".encode()).decode()
        return cell.path, {"Authorization": f"Basic {pair}"}
    if cell.auth == "drf-token":
        from rest_framework.authtoken.models import Token

        return cell.path, {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0]}"}
    if cell.auth == "knox":
        from django.utils import timezone
        from knox.crypto import hash_token
        from knox.models import AuthToken
        from knox.settings import CONSTANTS, knox_settings

        # What AuthToken.objects.create(user) stores, for a token known in advance.
        AuthToken.objects.get_or_create(
            digest=hash_token(KNOX_TOKEN),
            defaults={"token_key": KNOX_TOKEN[: CONSTANTS.TOKEN_KEY_LENGTH], "user": user,
                      "expiry": timezone.now() + knox_settings.TOKEN_TTL},
        )  # fmt: skip
        return cell.path, {"Authorization": f"Token {KNOX_TOKEN}"}
    if cell.auth == "jwt":
        from rest_framework_simplejwt.tokens import AccessToken

        return cell.path, {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    return cell.path, {}


def settings_for(name: str) -> Any:
    from django.test import override_settings

    return override_settings(**(CELLS[name].settings if name in CELLS else {}))


def verify_func(cell: Cell) -> Callable[[], object]:
    """One call of what ``cell`` measures, checked to succeed once."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=USER_PK)
    func: Callable[[], object]
    if cell.name == "hmac":
        # What any HMAC token costs at least: one HMAC-SHA256 of the same input
        # with a key derived beforehand, and a constant-time comparison.
        key = hashlib.sha256(b"salt" + b"secret").digest()
        message = f"{user.pk}\x00{user.password}\x00{int(time.time())}".encode()
        expected = hmac.new(key, message, hashlib.sha256).digest()
        func = lambda: hmac.compare_digest(  # noqa: E731
            hmac.new(key, message, hashlib.sha256).digest(), expected
        )
    elif cell.name.startswith("check_token"):
        from tokenapi.tokens import token_generator

        token = token_generator.make_token(user)
        func = lambda: token_generator.check_token(user, token)  # noqa: E731
    elif cell.name == "simplejwt-AccessToken":
        from rest_framework_simplejwt.tokens import AccessToken

        token = str(AccessToken.for_user(user))
        func = lambda: AccessToken(token)  # noqa: E731
    else:
        raise ValueError(f"unknown cell {cell.name}")
    if not func():
        raise SystemExit(f"{cell.name}: the token does not verify")
    return func


def cell_func(cell: Cell) -> Callable[[], object]:
    """One request through Django's test client, or one call of a verify cell."""
    from django.test import Client

    if not cell.path:
        return verify_func(cell)
    (path, headers), client = request_spec(cell), Client()
    return lambda: client.get(path, headers=headers)


def setup(names: list[str]) -> dict[str, Any]:
    """Create the user; check that each request cell answers 200 for it; what to report."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user(pk=USER_PK, username="bench", password=PASSWORD)
    versions = {"Python": platform.python_version()}
    for name in VERSIONS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    cells: dict[str, Any] = {}
    for cell in (CELLS[name] for name in names if CELLS[name].path):
        request = cell_func(cell)
        request()  # connect, warm caches
        with CaptureQueriesContext(connection) as queries:
            response: Any = request()
        if response.status_code != 200 or json.loads(response.content).get("user") != USER_PK:
            raise SystemExit(f"{cell.name}: {response.status_code} {response.content!r}")
        path, headers = request_spec(cell)
        cells[cell.name] = {"queries": len(queries), "path": path, "headers": headers}
    return {"versions": versions, "cells": cells}


def call(func: Callable[[], object], times: int) -> None:
    """Call ``func`` from inside one C function, consume_iterator(), which callgrind counts."""
    collections.deque(itertools.starmap(func, itertools.repeat((), times)), maxlen=0)


def count_instructions(names: list[str], calls: int) -> list[str]:
    """Each cell's loop, one callgrind dump each, after calls enough to specialize bytecode."""
    for name in ["noop", *names]:  # "noop": the loop's own cost
        with settings_for(name):
            func = (lambda: None) if name == "noop" else cell_func(CELLS[name])
            [func() for _ in range(20)]  # outside consume_iterator: not counted
            gc.collect()  # every loop starts with the collector in the same state
            call(func, calls)
    return ["noop", *names]


def bench(argv: list[str]) -> None:
    import pyperf

    def pass_args(cmd: list[str], args: Any) -> None:
        cmd.extend([args.cell, "--db", args.db])

    runner = pyperf.Runner(add_cmdline_args=pass_args)
    runner.argparser.add_argument("cell", choices=sorted(CELLS))
    runner.argparser.add_argument("--db", required=True)
    args = runner.parse_args(argv)
    prepared: list[Callable[[], object]] = []

    def time_func(loops: int) -> float:
        if not prepared:  # in the worker only, outside the timed part
            setup_django(argv)
            settings_for(args.cell).enable()
            prepared.append(cell_func(CELLS[args.cell]))
        start = time.perf_counter()
        call(prepared[0], loops)
        return time.perf_counter() - start

    runner.bench_time_func(args.cell, time_func)


def main(argv: list[str]) -> None:
    command, names = argv[0], [arg for arg in argv[1:] if arg in CELLS]
    if command not in ("setup", "callgrind"):
        return bench(argv)
    setup_django(argv)
    if command == "setup":
        print(json.dumps(setup(names)))
    else:
        print(json.dumps(count_instructions(names, int(argv[argv.index("--calls") + 1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
