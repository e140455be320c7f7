"""tokenapi.logging: tokens never reach a log through a path or a query string."""

from __future__ import annotations

import logging
import sys
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest

from tests.helpers import make_legacy_token
from tokenapi.logging import MASK, RedactTokens, redact
from tokenapi.tokens import token_generator

CURRENT = "t9xk2a-" + "Ab_-" * 10 + "xyz"  # the shape of a token: base36 time, 43 characters
LEGACY = "8zk-0123456789abcdef0123"


REDACTED = {
    "path": (f"GET /token/{CURRENT}/7.json HTTP/1.1", f"GET /token/{MASK}/7.json HTTP/1.1"),
    "legacy-path": (f"/token/{LEGACY}/7.json", f"/token/{MASK}/7.json"),
    "encoded-dash": (f"/token/{CURRENT.replace('-', '%2D', 1)}/7.json", f"/token/{MASK}/7.json"),
    "query": ("/api/notes/?user=7&token=whatever&x=1", f"/api/notes/?user=7&token={MASK}&x=1"),
    "query-upper-semicolon": ("/api/?TOKEN=abc;user=1", f"/api/?TOKEN={MASK};user=1"),
    "query-empty": ("/api/?token=", f"/api/?token={MASK}"),
    "query-password": ("/token/new.json?password=s3cret", f"/token/new.json?password={MASK}"),
    "basic": ("Authorization: Basic NzpzZWNyZXQ=", f"Authorization: Basic {MASK}"),
    # A character percent-encoded, the parameter's name too: the same token.
    "percent-encoded": (f"/token/{CURRENT[:9]}%4a{CURRENT[10:]}/7.json", f"/token/{MASK}/7.json"),
    "parameter-name-encoded": ("/api/?user=7&tok%65n=abc-def", f"/api/?user=7&tok%65n={MASK}"),
    # The 2.x route's token place, whatever it holds: nearly a token is nearly one.
    "one-character-more": (f"/token/{CURRENT}x/7.json HTTP/1.1", f"/token/{MASK}/7.json HTTP/1.1"),
    "one-character-less": (f"/token/{CURRENT[:-1]}/7.json", f"/token/{MASK}/7.json"),
    "mac-alone": (f"/token/{CURRENT.partition('-')[2]}/7.json?a=1", f"/token/{MASK}/7.json?a=1"),
    # Nothing else changes.
    "other-parameters": ("/api/notes/5.json?page=2&tokens=3", "/api/notes/5.json?page=2&tokens=3"),
    "new-json": ("/token/new.json", "/token/new.json"),
    "longer-than-a-token": (f"/x/{CURRENT}extra/", f"/x/{CURRENT}extra/"),  # not a token: longer
    "a-slug": ("/user/token-of-the-day/", "/user/token-of-the-day/"),
}


@pytest.mark.parametrize(("text", "expected"), REDACTED.values(), ids=REDACTED)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_masks_real_tokens_of_every_format(user: Any) -> None:
    session = token_generator.make_session_token(user, mock.Mock(pk=2**40, key="k"), 10**9)
    for token in (token_generator.make_token(user), make_legacy_token(user), session):
        assert redact(f"/token/{token}/{user.pk}.json") == f"/token/{MASK}/{user.pk}.json"
        assert redact(f"?token={quote(token)}") == f"?token={MASK}"
        assert redact(f"sent {quote(token, safe='')} here") == f"sent {MASK} here"


def record(msg: str, args: Any) -> logging.LogRecord:
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)


class Atoms(dict):  # type: ignore[type-arg]
    """Like gunicorn's access-log atoms: a dict that answers missing keys."""

    def __missing__(self, key: str) -> str:
        return "-"


@pytest.mark.parametrize(
    ("message", "args"),
    [
        (f'"GET /token/{CURRENT}/1.json HTTP/1.1" %s %s', (200, 17)),
        ('"%s" %s %s', (f"GET /api/?user=1&token={CURRENT} HTTP/1.1", 200, 17)),
        ("%(r)s %(s)s %(missing)s", Atoms(r=f"GET /token/{LEGACY}/1.json HTTP/1.1", s=200)),
    ],
    ids=["in-the-message", "in-tuple-arguments", "in-gunicorn-atoms"],
)
def test_filter_masks_tokens_in_messages_and_arguments(message: str, args: Any) -> None:
    log_record = record(message, args)
    assert RedactTokens().filter(log_record) is True
    text = log_record.getMessage()
    assert CURRENT not in text and LEGACY not in text
    assert MASK in text
    if isinstance(args, Atoms):
        assert log_record.args is args  # changed in place, missing keys still answered
        assert text.endswith(" 200 -")


def test_filter_leaves_other_records_alone() -> None:
    log_record = record("%s took %d ms", ("/api/notes/", 12))
    assert RedactTokens().filter(log_record) is True
    assert log_record.getMessage() == "/api/notes/ took 12 ms"
    no_args = logging.LogRecord("x", logging.INFO, __file__, 1, {"a": 1}, None, None)
    assert RedactTokens().filter(no_args) is True
    assert no_args.msg == {"a": 1}


def test_filter_escapes_control_characters_in_arguments_only() -> None:
    # A decoded path may hold a newline: it must not start a forged log line.
    log_record = record('"%s" %s\n', ("GET /a\nFORGED\x00\x7f\tb HTTP/1.1", 200))
    RedactTokens().filter(log_record)
    assert log_record.getMessage() == '"GET /a\\x0aFORGED\\x00\\x7f\\x09b HTTP/1.1" 200\n'


def test_filter_masks_tokens_in_exception_texts() -> None:
    # Django's APPEND_SLASH error quotes the URL, query string included.
    try:
        raise RuntimeError(f"You called this URL via POST: /api/notes?token={CURRENT}")
    except RuntimeError:
        log_record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Error", (), sys.exc_info())
    RedactTokens().filter(log_record)
    assert CURRENT not in logging.Formatter().format(log_record)
    assert f"token={MASK}" in log_record.exc_text  # type: ignore[operator]


def test_filter_escapes_unicode_line_separators_too() -> None:
    log_record = record("%s", ("a\u2028b\x85c\u2029d",))
    RedactTokens().filter(log_record)
    assert log_record.getMessage() == "a\\u2028b\\x85c\\u2029d"
