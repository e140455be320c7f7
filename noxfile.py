"""The CI matrix and checks: ``nox`` runs them all, ``nox -l`` lists them.

Matrix cells are named ``<django>-<database>`` (``dj52-postgres``, ...). Each
runs ``make test`` in its own virtualenv, so the test suites are listed in one
place, the Makefile; only the Django version, the Python and ``DATABASE_URL``
change from cell to cell. A cell is skipped, never failed, when its Python or
its database server is not on this machine.

Environment knobs: ``TOKENAPI_TEST_POSTGRES`` and ``TOKENAPI_TEST_MARIADB``
(server URLs without a database name), ``TOKENAPI_TEST_DB_PREFIX`` (database
names are ``<prefix>_<cell>``, so cells and checkouts can share a server).
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import nox

nox.needs_version = ">=2025.10.16"  # download_python
nox.options.default_venv_backend = "uv"
nox.options.download_python = "never"  # the matrix uses the machine's interpreters
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

ROOT = Path(__file__).parent
LINT_PATHS = ["tokenapi", "tests", "example_project", "benchmarks", "ci", "noxfile.py"]

# Django series -> (requirement, version prefix, Pythons to try in order).
DJANGO = {
    "dj42": ("Django>=4.2,<4.3", "4.2.", ("3.11",)),
    "dj52": ("Django>=5.2,<5.3", "5.2.", ("3.11",)),
    "dj6": ("Django>=6.0,<7", "6.", ("3.13", "3.12")),
}
# The end-to-end tests (real gunicorn servers) run in this series' server cells only.
E2E_DJANGO = "dj52"
SERVERS = {
    "postgres": os.environ.get("TOKENAPI_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    "mariadb": os.environ.get("TOKENAPI_TEST_MARIADB", "mysql://root@127.0.0.1:3306"),
}
DATABASES = ["sqlite", *SERVERS]


def _pyenv(*args: str) -> str:
    command = ["pyenv", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603


def _expose_pyenv_interpreters() -> None:
    """Let ``python3.X`` find every pyenv-installed Python, not only the selected one."""
    if not shutil.which("pyenv"):
        return
    selected = os.environ.get("PYENV_VERSION") or _pyenv("version-name").strip()
    installed = _pyenv("versions", "--bare", "--skip-aliases", "--skip-envs").split()
    versions = [version for version in selected.split(":") if version]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys([*versions, *installed]))


def _has_python(version: str) -> bool:
    if sys.version_info[:2] == tuple(map(int, version.split("."))):
        return True
    try:
        found = subprocess.run(  # noqa: S603 (our own constant versions)
            [f"python{version}", "-c", ""], capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 3):
            return True
    except OSError:
        return False


def _database_url(cell: str, database: str) -> str:
    if database == "sqlite":
        return ""  # the test settings then use SQLite in memory
    prefix = os.environ.get("TOKENAPI_TEST_DB_PREFIX", "tok")
    return f"{SERVERS[database].rstrip('/')}/{prefix}_{cell.replace('-', '_')}"


def _run_cell(session: nox.Session, cell: str, django: str, database: str) -> None:
    requirement, series, _ = DJANGO[django]
    venv = session.virtualenv.location
    constraints = Path(session.create_tmp()) / "constraints.txt"
    constraints.write_text(requirement + "\n")
    _install_as_make_would(session, venv, constraints)
    session.run(  # an extra of the Makefile's install could have pulled in another Django
        "python",
        "-c",
        "import sys, django; print('Django', django.__version__);"
        "sys.exit(not django.__version__.startswith(sys.argv[1]))",
        series,
    )
    # Coverage is measured once, by make test itself; the cells check behaviour.
    args = ["--no-cov", "-p", "no:cacheprovider"]
    if django != E2E_DJANGO or database == "sqlite":
        # Real servers are slow to start; the in-process suites cover every Django,
        # and make test has already run them on SQLite with the newest Django LTS.
        args += ["-m", "not e2e"]
    pytest_args = shlex.join([*args, *session.posargs])
    env = {"DATABASE_URL": _database_url(cell, database)}
    session.run(
        "make",
        "--no-print-directory",
        f"VENV={venv}",
        "test",
        f"PYTEST_ARGS={pytest_args}",
        external=True,
        env=env,
    )


def _install_as_make_would(session: nox.Session, venv: str, constraints: Path) -> None:
    """Run the Makefile's install recipe for this venv, with uv for pip and the cell's Django.

    The recipe stays the one list of what the tests need; uv installs it
    about three times faster than pip, which counts over nine cells.
    """
    recipe = session.run(
        "make",
        "--dry-run",
        "--silent",  # no "is up to date" line when a reused venv has it all
        "--no-print-directory",
        f"VENV={venv}",
        f"{venv}/.test-installed",
        external=True,
        silent=True,
    )
    for line in str(recipe).splitlines():
        command, *args = shlex.split(line) or [""]
        if command == f"{venv}/bin/pip" and args[:1] == ["install"]:
            session.install(*args[1:], "-c", str(constraints))
        elif command:
            session.run("sh", "-c", line, external=True)


def _cell_session(
    cell: str, django: str, database: str, skip_reason: str | None
) -> Callable[[nox.Session], None]:
    def cell_session(session: nox.Session) -> None:
        if skip_reason:
            session.skip(skip_reason)
        _run_cell(session, cell, django, database)

    cell_session.__doc__ = f"The test suites on {database} with {DJANGO[django][0]}."
    return cell_session


def _server_down(database: str) -> str | None:
    if database not in SERVERS or _answers(SERVERS[database]):
        return None
    parts = urlsplit(SERVERS[database])
    return f"{database} does not answer on {parts.hostname}:{parts.port}"


# Skips are decided here, before nox builds a virtualenv for nothing.
_expose_pyenv_interpreters()
_servers_down = {database: _server_down(database) for database in DATABASES}
for _django, (_, _, _pythons) in DJANGO.items():
    _python = next((v for v in _pythons if _has_python(v)), None)
    _no_python = None if _python else f"no Python {' or '.join(_pythons)} on this machine"
    for _database in DATABASES:
        _cell = f"{_django}-{_database}"
        _skip_reason = _no_python or _servers_down[_database]
        nox.session(
            name=_cell,
            python=False if _skip_reason else _python,
            tags=["matrix", _django, _database],
        )(_cell_session(_cell, _django, _database, _skip_reason))


@nox.session(python=None, tags=["checks"])
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict with django-stubs on tokenapi/."""
    session.install("-r", "ci/requirements-lint.txt", "-e", ".[test]")
    paths = [path for path in LINT_PATHS if (ROOT / path).exists()]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    session.run("mypy")  # configured in pyproject.toml: strict, files = tokenapi


SMOKE_SETTINGS = """\
SECRET_KEY = "smoke-test"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "tokenapi"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tokenapi.backends.TokenBackend",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "tokenapi.urls"
"""


@nox.session(python=None, tags=["checks"])
def package(session: nox.Session) -> None:
    """Build the sdist and wheel, check them, and use the wheel in a fresh virtualenv."""
    session.install("-r", "ci/requirements-package.txt")
    tmp = Path(session.create_tmp()).resolve()
    dist = tmp / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "-q", "--installer", "uv", "--outdir", str(dist), ".")
    session.run("twine", "check", "--strict", *map(str, sorted(dist.iterdir())))
    session.run("python", "ci/check_dist.py", str(dist))

    # The wheel alone, away from the source tree, must import and pass Django's checks.
    smoke = tmp / "smoke"
    shutil.rmtree(smoke, ignore_errors=True)
    smoke.mkdir()
    (smoke / "smoke_settings.py").write_text(SMOKE_SETTINGS)
    wheel = next(dist.glob("*.whl"))
    python = str(smoke / "venv" / "bin" / "python")
    session.run("uv", "venv", "--quiet", "-p", sys.executable, str(smoke / "venv"))
    session.run("uv", "pip", "install", "--quiet", "--python", python, str(wheel))
    with session.chdir(smoke):
        session.run(
            python,
            "-c",
            "import tokenapi, sys; print(tokenapi.__file__);"
            "sys.exit('site-packages' not in tokenapi.__file__)",
            external=True,
        )
        session.run(
            str(smoke / "venv" / "bin" / "django-admin"),
            "check",
            "--fail-level=WARNING",
            "--settings=smoke_settings",
            f"--pythonpath={smoke}",
            external=True,
        )
