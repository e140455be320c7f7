"""The one way this repository starts a server: gunicorn on a socket bound here.

The example project's end-to-end tests, the benchmarks and the robustness runs
all serve through :func:`running_server`: WSGI applications with gunicorn's
own workers, ASGI ones (HTTP and WebSockets) with uvicorn's, ``ASGI_WORKER``.
Each server gets a free 127.0.0.1 port (a socket bound here and handed to
gunicorn, so no other process can take the port in between), its own
environment, and a bounded start-up wait. It is stopped by its PID, and its
whole process group is killed if it does not stop in time: nothing is left
behind.

Servers use a database of their own, never a test database: an SQLite file in
a temporary directory, or, when ``DATABASE_URL`` names PostgreSQL or MariaDB,
a database named after it with a suffix, created before and dropped after.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPO / "example_project"
GUNICORN_CONF = EXAMPLE_PROJECT / "gunicorn.conf.py"
# uvicorn serving in gunicorn's processes: the same socket handling, stop and logging.
ASGI_WORKER = "uvicorn_worker.UvicornWorker"
START_TIMEOUT = 60.0  # seconds; the machine may be busy, a healthy start takes one or two
STOP_TIMEOUT = 15.0
COMMAND_TIMEOUT = 180.0  # migrate on a loaded machine

# Variables of this process that must not leak into the servers' environment.
_DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    # A server uses Redis (for django-axes' counts) only when a test says so.
    "REDIS_URL",
    "AXES_FAILURE_LIMIT",
)
# The tests fail logins and token checks on purpose, all from 127.0.0.1: a
# limit no test reaches, except the lockout tests, which set their own.
NO_LOCKOUT_LIMIT = "1000"


def base_environment(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of an example project process: production-like settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _DROPPED and not name.startswith("COV_CORE_")
    }
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="e2e-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        AXES_FAILURE_LIMIT=NO_LOCKOUT_LIMIT,
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` of the example project; return its output, fail with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE_PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def bind_free_port(port: int = 0) -> socket.socket:
    """A listening socket on ``port`` of 127.0.0.1, by default one the system chooses."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock


@dataclass
class Server:
    """One gunicorn master (and its workers) serving the example project."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    stopped: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop gracefully by PID (SIGTERM); kill the process group if that takes too long."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT)
        # The server runs in a session of its own, so its group holds exactly its processes.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)


def start_server(
    env: dict[str, str],
    log_dir: Path,
    *,
    app: str = "example.wsgi",
    chdir: Path = EXAMPLE_PROJECT,
    python: str = sys.executable,
    workers: int = 1,
    options: tuple[str, ...] = ("-c", str(GUNICORN_CONF)),
    ready_path: str = "/",
    sock: socket.socket | None = None,
) -> Server:
    """Start gunicorn serving ``app`` and wait until ``ready_path`` answers 200.

    By default the example project, as ``make demo`` serves it; ``python`` is
    the interpreter whose gunicorn serves (another virtualenv's, say), and
    ``options`` gunicorn's other command-line options.
    """
    sock = sock or bind_free_port()
    port = sock.getsockname()[1]
    log_path = log_dir / f"gunicorn-{port}.log"
    command = [python, "-m", "gunicorn", *options, "--chdir", str(chdir)]
    command += ["--bind", f"fd://{sock.fileno()}", "--workers", str(workers), app]
    with sock, open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=chdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[sock.fileno()],
            start_new_session=True,
        )
    server = Server(process=process, port=port, log_path=log_path)
    try:
        wait_until_ready(server, ready_path)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_ready(server: Server, path: str = "/") -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}{path}", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn not ready after {START_TIMEOUT}s:\n{server.log()}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_server(env: dict[str, str], log_dir: Path, **options: Any) -> Iterator[Server]:
    """:func:`start_server`, stopped on the way out whatever happens."""
    server = start_server(env, log_dir, **options)
    try:
        yield server
    finally:
        server.stop()


# -- the servers' database ------------------------------------------------------


def database_kind() -> str:
    """``sqlite3``, ``postgresql`` or ``mysql``: what ``DATABASE_URL`` names (empty = SQLite)."""
    url = os.environ.get("DATABASE_URL") or ""
    if not url:
        return "sqlite3"
    engine = dj_database_url.parse(url)["ENGINE"]
    return engine.rsplit(".", 1)[-1].replace("postgresql_psycopg2", "postgresql")


@contextlib.contextmanager
def server_database(tmp_dir: Path, suffix: str = "e2e") -> Iterator[str]:
    """Create the servers' database beside ``DATABASE_URL``'s; yield its URL; drop it after."""
    url = os.environ.get("DATABASE_URL") or ""
    if database_kind() == "sqlite3" or not url:
        yield f"sqlite:///{tmp_dir / f'{suffix}.sqlite3'}"
        return
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_{suffix}"
    parts = urlsplit(url)
    e2e_url = urlunsplit(parts._replace(path=f"/{name}"))
    kind = database_kind()
    if kind == "postgresql":
        create, drop = _postgresql(config, name)
    elif kind == "mysql":
        create, drop = _mysql(config, name)
    else:
        raise RuntimeError(f"No end-to-end database for {config['ENGINE']}.")
    drop()  # left over from an interrupted run
    create()
    try:
        yield e2e_url
    finally:
        drop()


Statement = Callable[[], None]


def _postgresql(config: dict[str, Any], name: str) -> tuple[Statement, Statement]:
    import psycopg
    from psycopg import sql

    def execute(statement: sql.Composed) -> None:
        with psycopg.connect(
            dbname="postgres",
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    database = sql.Identifier(name)
    return (
        lambda: execute(sql.SQL("CREATE DATABASE {}").format(database)),
        # FORCE: a server killed mid-request may leave a connection behind.
        lambda: execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database)),
    )


def _mysql(config: dict[str, Any], name: str) -> tuple[Statement, Statement]:
    import pymysql

    def execute(statement: str) -> None:
        connection = pymysql.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=int(config.get("PORT") or 3306),
            user=config.get("USER") or "root",
            password=config.get("PASSWORD") or "",
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    quoted = "`" + name.replace("`", "``") + "`"
    return (
        lambda: execute(
            f"CREATE DATABASE {quoted} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ),
        lambda: execute(f"DROP DATABASE IF EXISTS {quoted}"),
    )
