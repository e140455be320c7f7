"""Fuzz the token endpoints from their OpenAPI description (schemathesis).

The example project (``demo_site.py``); every request carries the demo user's pair as
HTTP Basic, one in three its real values in the body or path too (``before_call``: this
module is schemathesis' hooks too), so that 200 answers get checked. Bounded by
``FUZZ_MAX_EXAMPLES`` per operation and ``FUZZ_SECONDS``; ``FUZZ_SEED`` fixes the seed.
No server error; status, content type, headers and body as described; the exit status
is schemathesis', which prints the cases tried and every failure.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import schemathesis
from demo_site import ROOT, demo_site  # this directory comes first on sys.path

SCHEMA = ROOT / "tokenapi" / "contrib" / "openapi" / "openapi.json"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,"
CHECKS += "response_headers_conformance,response_schema_conformance"
_cases = itertools.count()


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    user, token, path = os.environ["FUZZ_USER"], os.environ["FUZZ_TOKEN"], case.operation.path
    if next(_cases) % 3:
        return
    if path == "/new.json":
        case.body = {"username": "demo", "password": os.environ["FUZZ_PASSWORD"]}
    elif path in ("/verify.json", "/refresh.json"):
        case.body = {"user": user, "token": token}
    elif path == "/{token}/{user}.json":
        case.path_parameters = {"token": token, "user": user}


def main() -> int:
    with demo_site("fuzz") as site:
        command = [str(Path(sys.executable).parent / "st"), "run", str(SCHEMA)]
        command += ["--url", f"{site.url}/token", "--checks", CHECKS, "--workers", "1"]
        command += ["--max-examples", os.environ.get("FUZZ_MAX_EXAMPLES", "200")]
        command += ["--max-time", os.environ.get("FUZZ_SECONDS", "120")]
        command += ["--seed", os.environ.get("FUZZ_SEED", "20260301")]
        command += ["--auth", f"{site.user}:{site.token}", "--request-timeout", "10"]
        command += ["--continue-on-failure", "--generation-database", "none", "--no-color"]
        here = str(Path(__file__).resolve().parent)
        env = os.environ | {
            "SCHEMATHESIS_HOOKS": "fuzz",
            "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
            "FUZZ_USER": site.user,
            "FUZZ_TOKEN": site.token,
            "FUZZ_PASSWORD": site.password,
        }
        return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
