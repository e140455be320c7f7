"""The OpenAPI 3.1 description of the token endpoints, shipped as ``openapi.json``."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

DESCRIPTION_PATH = Path(__file__).with_name("openapi.json")


@functools.cache
def _read_description() -> dict[str, Any]:
    description: dict[str, Any] = json.loads(DESCRIPTION_PATH.read_text(encoding="utf-8"))
    return description


def load_description() -> dict[str, Any]:
    """Return the description as a new dict, free for the caller to change."""
    return copy.deepcopy(_read_description())
