"""The in-process benchmarks, run inside one environment.

``inprocess.py setup --db PATH`` creates the database and its one user;
``inprocess.py check --db PATH CELL...`` makes each cell's request once and
prints, as JSON, its query count and what a load generator must send;
``inprocess.py CELL --db PATH [pyperf options]`` times one cell with pyperf.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import datetime
import hashlib
import hmac
import importlib.util
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

# Run as a script, this directory comes first on sys.path, and the checkout's
# root does not: in the 2.1.1 environment, ``tokenapi`` must be 2.1.1's.
from cells import CELLS, LEGACY, Cell

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

USER_PK = 1
PASSWORD = "benchmark-password"  # noqa: S105 (a throwaway user in a throwaway database)


def setup_django(db: str) -> None:
    os.environ["BENCH_DB"] = db
    import django

    django.setup()


def create_database() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user_model = get_user_model()
    if not user_model.objects.filter(pk=USER_PK).exists():
        user_model.objects.create_user(pk=USER_PK, username="bench", password=PASSWORD)


def available(cell: Cell) -> bool:
    from project import settings

    if (cell.env == LEGACY) == settings.CURRENT:
        raise SystemExit(f"{cell.name} belongs to the {cell.env} environment, not this one")
    return not cell.requires or importlib.util.find_spec(cell.requires) is not None


# Requests ----------------------------------------------------------------------


def request_spec(cell: Cell) -> tuple[str, dict[str, str]]:
    """The path (with its query string) and the headers that authenticate ``cell``."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=USER_PK)
    if cell.auth in ("basic", "params"):
        from tokenapi.tokens import token_generator

        token = token_generator.make_token(user)
        if cell.auth == "params":
            return f"{cell.path}?user={user.pk}&token={token}", {}
        pair = base64.b64encode(f"{user.pk}:{token}".encode()).decode()
        return cell.path, {"Authorization": f"Basic {pair}"}
    if cell.auth == "drf-token":
        from rest_framework.authtoken.models import Token

        return cell.path, {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0]}"}
    if cell.auth == "jwt":
        from rest_framework_simplejwt.tokens import AccessToken

        return cell.path, {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    return cell.path, {}


def request_func(cell: Cell) -> Callable[[], Any]:
    """One request of ``cell`` through Django's test client."""
    from django.test import AsyncClient, Client

    path, headers = request_spec(cell)
    if cell.asynchronous:
        client = AsyncClient()
        loop = asyncio.new_event_loop()
        return lambda: loop.run_until_complete(client.get(path, headers=headers))
    sync_client = Client()
    return lambda: sync_client.get(path, headers=headers)


def time_requests(cell: Cell) -> Callable[[int], float]:
    from django.test import AsyncClient, Client

    path, headers = request_spec(cell)
    if cell.asynchronous:
        client = AsyncClient()
        loop = asyncio.new_event_loop()

        async def requests(loops: int) -> float:
            start = time.perf_counter()
            for _ in range(loops):
                await client.get(path, headers=headers)
            return time.perf_counter() - start

        return lambda loops: loop.run_until_complete(requests(loops))

    sync_client = Client()

    def sync_requests(loops: int) -> float:
        start = time.perf_counter()
        for _ in range(loops):
            sync_client.get(path, headers=headers)
        return time.perf_counter() - start

    return sync_requests


# Verification alone --------------------------------------------------------------


def settings_for(cell: Cell) -> Any:
    """The settings ``cell`` runs under, as an ``override_settings``."""
    from django.test import override_settings

    if cell.name == "check_token-fallbacks":
        return override_settings(SECRET_KEY_FALLBACKS=["old-1" * 10, "old-2" * 10, "old-3" * 10])
    if cell.name == "check_token-no-legacy":
        return override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=False)
    return override_settings()


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
    elif cell.name in (
        "check_token",
        "check_token-fallbacks",
        "check_token-no-legacy",
        "check_token-2.1.1",
    ):
        from tokenapi.tokens import token_generator

        token = token_generator.make_token(user)
        func = lambda: token_generator.check_token(user, token)  # noqa: E731
    elif cell.name == "check_token-legacy":
        from django.utils.crypto import salted_hmac
        from django.utils.http import int_to_base36

        from tokenapi.tokens import token_generator

        # A token as 2.1.1 minted it today.
        day = (datetime.date.today() - datetime.date(2001, 1, 1)).days
        mac = salted_hmac(
            "tokenapi.tokens.PasswordResetTokenGenerator",
            f"{user.pk}{user.password}{day}",
            algorithm="sha1",
        ).hexdigest()[::2]
        token = f"{int_to_base36(day)}-{mac}"
        func = lambda: token_generator.check_token(user, token)  # noqa: E731
    elif cell.name == "make_token":
        from tokenapi.tokens import token_generator

        return lambda: token_generator.make_token(user)
    elif cell.name == "django-check_token":
        from django.contrib.auth.tokens import default_token_generator

        token = default_token_generator.make_token(user)
        func = lambda: default_token_generator.check_token(user, token)  # noqa: E731
    elif cell.name == "simplejwt-AccessToken":
        from rest_framework_simplejwt.tokens import AccessToken

        token = str(AccessToken.for_user(user))
        func = lambda: AccessToken(token)  # noqa: E731
    else:
        raise ValueError(f"unknown cell {cell.name}")
    if not func():
        raise SystemExit(f"{cell.name}: the token does not verify")
    return func


def time_calls(func: Callable[[], object]) -> Callable[[int], float]:
    def calls(loops: int) -> float:
        start = time.perf_counter()
        for _ in range(loops):
            func()
        return time.perf_counter() - start

    return calls


# Commands --------------------------------------------------------------------


def count_queries() -> list[str]:
    """Record every query of every connection, in every thread (async views use others)."""
    from django.db.backends.signals import connection_created

    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    def install(connection: Any, **kwargs: Any) -> None:
        connection.execute_wrappers.append(record)

    connection_created.connect(install, weak=False)
    return queries


def check(names: list[str]) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # so that the next connection gets the wrapper
    queries = count_queries()
    report: dict[str, Any] = {}
    for name in names:
        cell = CELLS[name]
        if not available(cell):
            report[name] = {"available": False}
            continue
        if cell.kind == "verify":
            with settings_for(cell):
                verify_func(cell)
            report[name] = {"available": True}
            continue
        path, headers = request_spec(cell)
        request = request_func(cell)
        request()  # connect, warm caches
        del queries[:]
        response = request()
        sql = list(queries)
        body = json.loads(response.content)
        if response.status_code != 200 or body.get("user") != USER_PK:
            raise SystemExit(f"{name}: {response.status_code} {response.content!r}")
        report[name] = {
            "available": True,
            "queries": len(sql),
            "sql": sql,
            "path": path,
            "headers": headers,
        }
    return report


def count_instructions(names: list[str], calls: int) -> list[str]:
    """Call each cell ``calls`` times inside one C function, for callgrind to count.

    The runner starts this under ``valgrind --tool=callgrind --collect-atstart=no
    --toggle-collect=consume_iterator --dump-after=consume_iterator``: only the
    loops are counted, one dump each, in the order of the names printed.
    """
    done = []
    for name in ["noop", *names]:
        overrides = None
        if name == "noop":
            func: Callable[[], object] = lambda: None  # noqa: E731 (the loop's own cost)
        else:
            cell = CELLS[name]
            if not available(cell):
                continue
            if cell.kind == "verify":
                overrides = settings_for(cell)
                overrides.enable()
                func = verify_func(cell)
            else:
                func = request_func(cell)
        for _ in range(3):  # connect, fill caches: not counted
            func()
        # deque(maxlen=0) consumes the iterator in consume_iterator(), the one
        # C function callgrind counts in.
        collections.deque(itertools.starmap(func, itertools.repeat((), calls)), maxlen=0)
        if overrides is not None:
            overrides.disable()
        done.append(name)
    return done


def bench(argv: list[str]) -> None:
    import pyperf

    def pass_args(cmd: list[str], args: Any) -> None:
        cmd.extend([args.cell, "--db", args.db])

    runner = pyperf.Runner(add_cmdline_args=pass_args)
    runner.argparser.add_argument("cell", choices=sorted(CELLS))
    runner.argparser.add_argument("--db", required=True)
    args = runner.parse_args(argv)
    cell = CELLS[args.cell]
    prepared: list[Callable[[int], float]] = []

    def time_func(loops: int) -> float:
        if not prepared:  # in the worker only, outside the timed part
            setup_django(args.db)
            if cell.kind == "verify":
                settings_for(cell).enable()
                prepared.append(time_calls(verify_func(cell)))
            else:
                prepared.append(time_requests(cell))
        return prepared[0](loops)

    runner.bench_time_func(cell.name, time_func)


def main(argv: list[str]) -> None:
    if argv[:1] == ["setup"]:
        setup_django(argv[argv.index("--db") + 1])
        create_database()
    elif argv[:1] == ["callgrind"]:
        setup_django(argv[argv.index("--db") + 1])
        calls = int(argv[argv.index("--calls") + 1])
        names = [arg for arg in argv[1:] if arg in CELLS]
        print(json.dumps(count_instructions(names, calls)))
    elif argv[:1] == ["check"]:
        setup_django(argv[argv.index("--db") + 1])
        names = [arg for arg in argv[1:] if arg in CELLS]
        print(json.dumps(check(names)))
    else:
        bench(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
