"""The example project under gunicorn on a free loopback port, for the fuzz and load runs.

Whatever these functions start, they stop: the server in a ``finally``, the
temporary directory with it.
"""

# Every command line here is built by this script, not taken from input.
# ruff: noqa: S603

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Site:
    base_url: str
    env: dict[str, str]
    password: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site_env(database_url: str, password: str) -> dict[str, str]:
    """The example project's settings, production-like: DEBUG off, a fresh secret."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        DEMO_PASSWORD=password,
        # The tree being measured, not an installed copy of it.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            # 405: the view answered, so the site is up.
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL we built)
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully, then for good."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def serve(database_url: str | None = None, workers: int = 2, threads: int = 1) -> Iterator[Site]:
    """Migrate a database, create the demo user, serve the site; stop it all afterwards.

    Without ``database_url``, a SQLite file in a temporary directory.
    """
    with tempfile.TemporaryDirectory(prefix="tokenapi-robustness-") as tmp:
        database_url = database_url or f"sqlite:///{tmp}/site.sqlite3"
        password = secrets.token_urlsafe(16)
        env = site_env(database_url, password)
        manage(env, "migrate", "--noinput")
        manage(env, "demo_setup")
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--chdir",
                str(EXAMPLE),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--error-logfile",
                "-",
                "--access-logfile",
                os.devnull,
                "example.wsgi",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"{base_url}/token/new.json", process)
            yield Site(base_url=base_url, env=env, password=password)
        finally:
            stop(process)
            log.close()
            errors = (Path(tmp) / "gunicorn.log").read_text(errors="replace")
            if "Traceback" in errors:
                print("gunicorn logged tracebacks:\n" + errors[-4000:], file=sys.stderr)


def obtain_token(site: Site, username: str = "demo") -> tuple[str, str]:
    """Log the demo user in; return its ``(user id, token)``."""
    body = urllib.parse.urlencode({"username": username, "password": site.password}).encode()
    with urllib.request.urlopen(f"{site.base_url}/token/new.json", body, timeout=10) as response:  # noqa: S310
        answer = json.load(response)
    return str(answer["user"]), answer["token"]
