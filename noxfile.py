"""The CI matrix and checks: ``nox`` runs them all, ``nox -l`` lists them.

Matrix cells are named ``tests-<django>-<database>`` (``tests-dj52-postgres``,
...). Each installs the app with its ``test`` extra and the example project's
requirements under the cell's Django, then runs ``make suites``: the Makefile
stays the one list of test suites. A cell skips, never fails, when its Python
or its database server is not on this machine; that is found out when the cell
runs, so that listing the sessions probes nothing.

Environment knobs: ``TOKENAPI_TEST_POSTGRES`` and ``TOKENAPI_TEST_MARIADB``
(server URLs without a database name), ``TOKENAPI_TEST_DB_PREFIX`` (database
names are ``<prefix>_<session>``, so sessions and checkouts can share a server).
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import nox

nox.needs_version = ">=2025.10.16"
nox.options.default_venv_backend = "uv"
nox.options.download_python = "never"  # the matrix uses the machine's interpreters
nox.options.error_on_missing_interpreters = False  # a missing Python skips its cells
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

LINT_PATHS = ["tokenapi", "tests", "example_project", "benchmarks", "robustness", ".ci", "docs"]
LINT_PATHS += ["noxfile.py"]
EDITABLE = ["--quiet", "-e"]

# Django series -> (requirement, Python).
DJANGO = {
    "dj42": ("Django>=4.2,<4.3", "3.11"),
    "dj52": ("Django>=5.2,<5.3", "3.11"),
    "dj6": ("Django>=6.0,<7", "3.13"),
}
# The series whose cells also run the end-to-end servers and the longer property runs.
NEWEST_LTS = "dj52"
SERVERS = {
    "postgres": os.environ.get("TOKENAPI_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
    "mariadb": os.environ.get("TOKENAPI_TEST_MARIADB", "mysql://root@127.0.0.1:3306"),
}
DATABASES = ["sqlite", *SERVERS]
# make test is the dj52-sqlite cell (with coverage); CI runs it first, so not twice.
nox.options.sessions = [
    *(f"tests-{dj}-{db}" for dj in DJANGO for db in DATABASES if (dj, db) != ("dj52", "sqlite")),
    *(f"properties-{db}" for db in SERVERS),
    "lint",
    "docs",
    "package",
]


def database_url(session: nox.Session, database: str) -> str:
    """The database URL of the session; skip the session if the server does not answer."""
    if database == "sqlite":
        return ""  # the test settings then use SQLite in memory
    parts = urlsplit(SERVERS[database])
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 3).close()
    except OSError:
        session.skip(f"{database} does not answer on {parts.hostname}:{parts.port}")
    prefix = os.environ.get("TOKENAPI_TEST_DB_PREFIX", "tok")
    name = session.name.replace("-", "_")
    return f"{SERVERS[database].rstrip('/')}/{prefix}_{name}"


def install(session: nox.Session, django: str) -> None:
    constraints = Path(session.create_tmp()) / "constraints.txt"
    constraints.write_text(DJANGO[django][0] + "\n")
    requirements = ["-r", "example_project/requirements-test.txt", "-c", str(constraints)]
    session.install(*EDITABLE, ".[test]", *requirements)


def run_suites(session: nox.Session, django: str, database: str) -> None:
    url = database_url(session, database)
    install(session, django)
    # Coverage is measured once, by make test itself; the cells check behaviour.
    # Real servers are slow to start: once per database, with the newest LTS.
    e2e = "yes" if django == NEWEST_LTS and database != "sqlite" else "no"
    pytest_args = ["--create-db", *session.posargs]
    session.run(
        "make",
        "--no-print-directory",
        "suites",
        f"VENV={session.virtualenv.location}",
        "COVERAGE=no",
        f"E2E={e2e}",
        f"REPORTS=.nox/reports/{session.name}",
        f"PYTEST_ARGS={shlex.join(pytest_args)}",
        external=True,
        env={"DATABASE_URL": url},
    )


def define(name: str, python: str, tags: list[str], doc: str, run: Callable[..., None]) -> None:
    """Register a generated session: nox names sessions after their functions."""

    def session_function(session: nox.Session) -> None:
        run(session)

    session_function.__doc__ = doc
    nox.session(name=name, python=python, tags=tags)(session_function)


for _django, (_requirement, _python) in DJANGO.items():
    for _database in DATABASES:
        define(
            f"tests-{_django}-{_database}",
            _python,
            ["matrix", _django, _database],
            f"The test suites with {_requirement} on {_database}.",
            functools.partial(run_suites, django=_django, database=_database),
        )


def run_properties(session: nox.Session, database: str) -> None:
    url = database_url(session, database)
    install(session, NEWEST_LTS)
    env = {"DATABASE_URL": url, "HYPOTHESIS_PROFILE": "ci"}
    for settings in ("tests.settings", "tests.settings_custom_user"):
        report = f".nox/reports/{session.name}/{settings}.xml"
        pytest = ["pytest", "-p", "no:cacheprovider", "--no-cov", "--create-db"]
        pytest += [f"--ds={settings}", f"--junit-xml={report}", "tests/test_properties.py"]
        session.run(*pytest, env=env)


for _database in SERVERS:
    define(
        f"properties-{_database}",
        DJANGO[NEWEST_LTS][1],
        ["properties", _database],
        f"The property-based tests with more examples on {_database}, both user models.",
        functools.partial(run_properties, database=_database),
    )


@nox.session(python=None, tags=["checks"])
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict with django-stubs on tokenapi/."""
    session.install("-r", ".ci/requirements-lint.txt", *EDITABLE, ".[test]")
    session.run("ruff", "check", *LINT_PATHS)
    session.run("ruff", "format", "--check", *LINT_PATHS)
    session.run("mypy")  # configured in pyproject.toml: strict, files = tokenapi


@nox.session(python=None, tags=["checks"])
def docs(session: nox.Session) -> None:
    """The manual (docs/), built as make docs builds it: any warning fails."""
    session.install("-r", "docs/requirements.txt", *EDITABLE, ".[test]")
    output = Path(session.create_tmp()) / "html"
    session.run("sphinx-build", "-b", "html", "-W", "--keep-going", "-n", "-q", "docs", str(output))


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
    """Build the sdist and wheel, check them, and use the wheel alone in a fresh virtualenv."""
    session.install("-r", ".ci/requirements-package.txt")
    tmp = Path(session.create_tmp()).resolve()
    dist, smoke = tmp / "dist", tmp / "smoke"
    shutil.rmtree(dist, ignore_errors=True)
    shutil.rmtree(smoke, ignore_errors=True)
    session.run("python", "-m", "build", "-q", "--installer", "uv", "--outdir", str(dist), ".")
    session.run("twine", "check", "--strict", *map(str, sorted(dist.iterdir())))
    session.run("python", ".ci/check_dist.py", str(dist))
    # Away from the source tree, the wheel must import from site-packages and pass the checks.
    smoke.mkdir()
    (smoke / "smoke_settings.py").write_text(SMOKE_SETTINGS)
    python = str(smoke / "venv" / "bin" / "python")
    session.run("uv", "venv", "--quiet", "-p", sys.executable, str(smoke / "venv"))
    session.run(
        "uv", "pip", "install", "--quiet", "--python", python, str(next(dist.glob("*.whl")))
    )
    with session.chdir(smoke):
        code = "import tokenapi, sys; sys.exit('site-packages' not in tokenapi.__file__)"
        session.run(python, "-c", code, external=True)
        session.run(
            str(smoke / "venv" / "bin" / "django-admin"),
            "check",
            "--fail-level=WARNING",
            "--settings=smoke_settings",
            f"--pythonpath={smoke}",
            external=True,
        )
