"""schemathesis hooks of robustness/fuzz.py: put valid credentials into some cases.

Random user ids, tokens and passwords never authenticate, so without this the
200 answers (and their schemas) would go untested. One case in three gets the
demo user's real values, from the environment that fuzz.py sets.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import schemathesis

_counter = itertools.count()


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    if next(_counter) % 3:
        return
    user, token = os.environ["FUZZ_USER"], os.environ["FUZZ_TOKEN"]
    path = case.operation.path
    if path == "/new.json":
        case.body = {"username": "demo", "password": os.environ["FUZZ_PASSWORD"]}
    elif path in ("/verify.json", "/refresh.json"):
        case.body = {"user": user, "token": token}
    elif path == "/{token}/{user}.json":
        case.path_parameters = {"token": token, "user": user}
