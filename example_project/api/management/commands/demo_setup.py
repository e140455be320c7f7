"""``manage.py demo_setup``: check the address, migrate, create the demo user, print curl commands.

Run it as often as you like: an existing demo user keeps its password, and so
its tokens, unless ``DEMO_PASSWORD`` changed. ``make demo`` runs it before it
starts the server, so that a busy address is reported before anything else.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.views import drf_available
from tokenapi.views import issue_token

DEMO_USERNAME = "demo"
DEMO_PASSWORD_DEFAULT = "demo-password-for-development-only"  # noqa: S105 DEVELOPMENT DEFAULT
# What the printed commands say instead of a password given in the environment,
# so that a real password ends up in no terminal scrollback or CI log.
PASSWORD_FROM_ENV = '"$DEMO_PASSWORD"'  # noqa: S105 (a shell variable, not a password)


class Command(BaseCommand):
    help = "Create the demo user if needed and print ready-to-paste curl commands."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where the site is served (default: %(default)s)",
        )

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        check_address_is_free(base_url)
        call_command("migrate", interactive=False, verbosity=0)
        password = os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT
        user, status = ensure_demo_user(password)
        self.stdout.write(f"Demo user {DEMO_USERNAME!r} (pk {user.pk}): {status}.")
        shown_password = (
            shlex.quote(password) if password == DEMO_PASSWORD_DEFAULT else PASSWORD_FROM_ENV
        )
        # A session of its own: the last commands below list and end it.
        issued = issue_token(user, device="make demo")
        token, expires = issued["token"], issued["expires"]
        self.stdout.write(
            f"A token for it, valid until {expires:%Y-%m-%d %H:%M} UTC, is in the commands below.\n"
        )
        for comment, command in curl_commands(base_url.rstrip("/"), user.pk, token, shown_password):
            self.stdout.write(f"# {comment}")
            self.stdout.write(f"{command}\n")
        self.stdout.write(
            "# What a mobile app does, step by step (Python standard library only):\n"
            f"# python3 example_project/client.py --url {base_url.rstrip('/')}\n"
            f"# The admin is at /admin/: {python()} example_project/manage.py createsuperuser"
        )
        self.stdout.write(
            "# The token endpoints, described in OpenAPI 3.1:"
            f" {base_url.rstrip('/')}/token/openapi.json"
        )
        if apps.is_installed("axes"):
            self.stdout.write(
                f"# {settings.AXES_FAILURE_LIMIT} failed logins or token checks lock a client out"
                f" (HTTP 429);\n# unlock: {python()} example_project/manage.py axes_reset"
            )


def check_address_is_free(base_url: str) -> None:
    """Raise ``CommandError`` if a server already listens where the site is to be served."""
    parts = urlsplit(base_url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    with socket.socket() as sock:
        try:
            sock.bind(address)
        except OSError as exc:
            raise CommandError(
                f"Cannot serve on {address[0]}:{address[1]}: {exc.strerror}. Stop what serves "
                "there, or serve elsewhere, e.g. make demo DEMO_BIND=127.0.0.1:8001"
            ) from None


def python() -> str:
    """This Python, as a command to paste from the repository: the virtualenv's, not python3."""
    executable = Path(sys.executable)
    try:
        return str(executable.relative_to(Path.cwd()))
    except ValueError:
        return str(executable)


def ensure_demo_user(password: str) -> tuple[Any, str]:
    """Return the demo user, created or given ``password`` only when needed, and what was done."""
    user_model = get_user_model()
    try:
        user = user_model._default_manager.get_by_natural_key(DEMO_USERNAME)
    except user_model.DoesNotExist:
        fields = {user_model.USERNAME_FIELD: DEMO_USERNAME}
        return user_model._default_manager.create_user(password=password, **fields), "created"
    if user.check_password(password):
        # Setting it again would change the hash and void every token already handed out.
        return user, "already there, password unchanged"
    user.set_password(password)
    user.save(update_fields=["password"])
    return user, "already there, password reset to DEMO_PASSWORD"


def curl_commands(base: str, pk: object, token: str, password: str) -> list[tuple[str, str]]:
    """The commands, each with what it shows; ``password`` is already shell-quoted."""
    basic = f"-u {shlex.quote(f'{pk}:{token}')}"
    params = f"-d user={shlex.quote(str(pk))} -d token={shlex.quote(token)}"
    json_user = pk if isinstance(pk, int) else str(pk)  # a UUID key travels as a string
    json_body = json.dumps({"user": json_user, "token": token, "text": "Hello from a JSON body"})
    commands = [
        (
            "Obtain a token: POST username and password (a JSON body works too)",
            f"curl -d username={DEMO_USERNAME} --data-urlencode password={password}"
            f" {base}/token/new.json",
        ),
        (
            "Who am I: the README's quickstart view, with Basic auth",
            f"curl {basic} {base}/api/whoami/",
        ),
        (
            "Create a note, user and token sent as parameters (function view)",
            f"curl {params} --data-urlencode 'text=Hello from curl' {base}/api/notes/",
        ),
        ("List your notes with Basic auth (function view)", f"curl {basic} {base}/api/notes/"),
        ("The same through a class-based view", f"curl {basic} {base}/api/cbv/notes/"),
        (
            "Create a note in an async view, everything in a JSON body",
            f"curl -H 'Content-Type: application/json' -d {shlex.quote(json_body)}"
            f" {base}/api/async/notes/",
        ),
        ("List them through the async view", f"curl {basic} {base}/api/async/notes/"),
    ]
    if drf_available():
        commands.append(
            ("List them through Django REST framework", f"curl {basic} {base}/api/drf/notes/")
        )
    commands += [
        (
            "Check the token without putting it in a URL",
            f"curl -X POST {basic} {base}/token/verify.json",
        ),
        (
            "Trade it for a fresh one before it expires",
            f"curl -X POST {basic} {base}/token/refresh.json",
        ),
        (
            "List your devices: one session per login, this one marked current",
            f"curl -X POST {basic} {base}/token/sessions.json",
        ),
        (
            "Log this device out, last: the token above stops working"
            " (/token/logoutall.json logs out every device)",
            f"curl -X POST {basic} {base}/token/logout.json",
        ),
    ]
    return commands
