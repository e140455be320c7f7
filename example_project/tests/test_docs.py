"""The code blocks of README.rst and docs/ run as a reader runs them.

Console blocks are pasted, command by command and page after page, into a shell against
one ``make demo``-like server (the demo's password and lockout limit: the examples must
not lock their reader out); their printed output must match, ``...`` standing for
anything. The sample token ``dj3x2k-8bH0...`` in a command stands for the last token an
earlier command printed, as the reader pastes their own. Python blocks marked
``:class: script`` run there too, printing what the comments of their ``print()`` calls
say; the README's quickstart goes into a site fresh from
``startproject``; every Python block compiles and uses what it imports, and settings
blocks load. Blocks marked ``:class: no-test`` (installing an unpublished release, or a
feature of another model) only compile.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.examples import Block, code_blocks, pages
from tests.server import (
    EXAMPLE_PROJECT,
    Server,
    base_environment,
    bind_free_port,
    manage,
    server_database,
    start_server,
)

DEMO_URL = "http://127.0.0.1:8000"
SAMPLE_TOKEN = "dj3x2k-8bH0..."
TOKEN = re.compile(r'"token": "([^"]+)"|^token: (\S+)$', re.MULTILINE)
BIN = str(Path(sys.executable).parent)


def blocks(language: str) -> list[Block]:
    return [block for page in pages() for block in code_blocks(page) if block.language == language]


def commands(block: Block) -> list[tuple[str, str]]:
    """Each ``$`` command of a console block (continued lines joined) and its output."""
    pairs: list[tuple[str, str]] = []
    lines = block.code.splitlines()
    while lines:
        line = lines.pop(0)
        assert line.startswith("$ "), f"{block.page}: {line!r} is no command"
        command = line[2:]
        while command.endswith("\\"):
            command = command[:-1] + " " + lines.pop(0).strip()
        output = []
        while lines and not lines[0].startswith("$ "):
            output.append(lines.pop(0))
        pairs.append((command, "\n".join(output).strip()))
    return pairs


def as_run_here(command: str, site: Server, token: str) -> str:
    """The command with this server's address, the token held, and this Python."""
    command = command.replace(DEMO_URL, site.url).replace(SAMPLE_TOKEN, token)
    command = re.sub(r"^(\.venv/bin/)?python ", f"{shlex.quote(sys.executable)} ", command)
    command = command.replace(" manage.py ", f" {EXAMPLE_PROJECT / 'manage.py'} ")
    return command.replace(" example_project/", f" {EXAMPLE_PROJECT}/")


def matches(expected: str, output: str) -> bool:
    pattern = ".*".join(map(re.escape, expected.replace(SAMPLE_TOKEN, "...").split("...")))
    return re.fullmatch(pattern, output, re.DOTALL) is not None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    """The example as ``make demo`` serves it: development settings, 5 failures lock out."""
    tmp = tmp_path_factory.mktemp("docs")
    with server_database(tmp, "docs") as url:
        env = base_environment(url)
        for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "AXES_FAILURE_LIMIT"):
            env.pop(name)
        with bind_free_port() as sock:
            port = sock.getsockname()[1]
        manage(env, "demo_setup", "--base-url", f"http://127.0.0.1:{port}")
        server = start_server(env, tmp, sock=bind_free_port(port))
        try:
            yield server, {**env, "PATH": f"{BIN}{os.pathsep}{env['PATH']}"}
        finally:
            server.stop()
        assert "Traceback" not in server.log(), server.log()


@pytest.mark.e2e
def test_console_examples_and_scripts_run_against_the_demo_as_printed(
    demo: tuple[Server, dict[str, str]], tmp_path: Path
) -> None:
    server, env = demo
    token, ran = "", 0
    for block in [*blocks("console"), *blocks("python")]:
        script = "script" in block.classes
        if "no-test" in block.classes or (block.language == "python" and not script):
            continue
        where = f"{block.page}, {block.section!r}"
        if script:
            result = subprocess.run(
                [sys.executable, "-c", block.code.replace(DEMO_URL, server.url)],
                cwd=tmp_path,
                env={**env, "PYTHONPATH": str(tmp_path)},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert result.returncode == 0, f"{where}:\n{result.stdout}{result.stderr}"
            # What it prints is what the comments of its print() calls say.
            printed = re.findall(r"^print\(.*\)  # (.*)$", block.code, re.MULTILINE)
            assert result.stdout.splitlines() == printed, where
            ran += 1
            continue
        for command, expected in commands(block):
            result = subprocess.run(
                ["bash", "-c", as_run_here(command, server, token)],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            # stdout only: curl's progress meter, which a terminal does not show, is on stderr.
            output = result.stdout.replace("\r\n", "\n").strip()
            assert result.returncode == 0, f"{where}: {command}\n{output}{result.stderr}"
            assert matches(expected, output), f"{where}: {command}\n{output}\n!=\n{expected}"
            found = TOKEN.findall(output)
            token = "".join(found[-1]) if found else token
            ran += 1
    # Every page that shows a command runs, the generated client among them.
    assert ran >= 15
    assert (tmp_path / "tokenclient").is_dir()


def test_the_quickstart_works_in_a_site_fresh_from_startproject(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env.pop("DATABASE_URL", None)

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{args}\n{result.stdout}{result.stderr}"
        return result.stdout

    run("-m", "django", "startproject", "mysite", ".")
    site = tmp_path / "mysite"
    for name in ("settings.py", "urls.py"):
        with open(site / name, "a", encoding="utf-8") as module:
            module.write("\n" + quickstart(name))
    (site / "views.py").write_text(quickstart("views.py"), encoding="utf-8")
    run("manage.py", "check", "--fail-level", "WARNING")
    run("manage.py", "migrate", "--verbosity", "0")
    calls = """
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
get_user_model().objects.create_user("demo", password="pw")
client = Client()
answer = client.post("/token/new.json", {"username": "demo", "password": "pw"}).json()
pair = {"user": answer["user"], "token": answer["token"]}
print(client.get("/api/whoami/", pair).json(), client.get("/api/whoami/").status_code)
"""
    output = run("manage.py", "shell", "-c", calls)
    assert output.split("\n")[-2] == "{'username': 'demo', 'success': True} 401"


def quickstart(module: str) -> str:
    """The README's quickstart block for ``module``, the one whose first line names it."""
    found = [b.code for b in code_blocks("README.rst") if b.code.startswith(f"# {module}\n")]
    assert len(found) == 1, module
    return found[0]


@pytest.mark.parametrize(
    "block", blocks("python"), ids=lambda block: f"{block.page}:{block.section}"
)
def test_python_examples_compile_import_what_they_use_and_settings_load(block: Block) -> None:
    compiled = compile(block.code, block.page, "exec")
    # Unused imports and redefinitions (ruff comes with openapi-python-client).
    lint = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F401,F811"]
    result = subprocess.run(
        [*lint, "--stdin-filename", "example.py", "-"],
        input=block.code, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    if {"no-test", "script"} & set(block.classes.split()) or block.section == "Quickstart":
        return  # compiled only, run elsewhere (above), or not runnable here
    from django.urls import include, path

    namespace: dict[str, Any] = {"INSTALLED_APPS": [], "MIDDLEWARE": [], "urlpatterns": []}
    namespace.update(path=path, include=include)
    exec(compiled, namespace)  # noqa: S102 (our own documentation)
    if "LOGGING" in namespace:  # configured apart: the tests' own logging stays as it is
        config = f"import logging.config; logging.config.dictConfig({namespace['LOGGING']!r})"
        result = subprocess.run([sys.executable, "-c", config], capture_output=True, check=False)
        assert result.returncode == 0, result.stderr
