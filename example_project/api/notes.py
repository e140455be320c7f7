"""What every notes view shares: reading a note's text from untrusted input."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from api.models import MAX_TEXT_LENGTH


class InvalidNoteError(ValueError):
    """The request cannot make a note; the message says why, for the client."""


def read_fields(request: HttpRequest) -> Mapping[str, Any]:
    """The request's form fields, or its JSON object body when it is sent as JSON."""
    content_type = (request.content_type or "").lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, too deeply nested
            raise InvalidNoteError("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise InvalidNoteError("The request body must be a JSON object.")
        return data
    return request.POST


def clean_text(value: object) -> str:
    """Return the text of a new note, or raise :class:`InvalidNoteError`."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidNoteError("Must include a non-empty 'text'.")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidNoteError(f"'text' must be at most {MAX_TEXT_LENGTH} characters.")
    # PostgreSQL refuses NUL in text, and no database stores lone surrogates
    # (which a JSON "\ud800" escape can produce).
    if "\x00" in value or not _encodes_as_utf8(value):
        raise InvalidNoteError("'text' must be UTF-8 text without NUL characters.")
    return value


def _encodes_as_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
