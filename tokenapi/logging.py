"""``RedactTokens``: a logging filter that masks tokens in the paths and query strings it logs.

Clients that send ``?token=...``, or use the 2.x route ``<token>/<user>.json``,
put their token in the request line, which access logs and ``django.request``
write down. Add the filter to the handlers (or loggers) that write requests::

    LOGGING = {
        "version": 1,
        "filters": {"redact_tokens": {"()": "tokenapi.logging.RedactTokens"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        },
        "loggers": {
            "django.request": {"handlers": ["console"]},
            "django.server": {"handlers": ["console"]},
        },
    }

gunicorn's access log takes the same dictionary through ``logconfig_dict``
(logger ``gunicorn.access``). The filter masks the value of every ``token``
and ``password`` query parameter, everything shaped like a token (session,
current and 2.x formats, also percent-encoded), whatever stands in the token's
place of the 2.x route, Basic credentials and exception texts, and escapes
control characters in a record's arguments, so that no request line can forge
a log line.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

MASK = "********"
_URL_CHAR = r"(?:[\w-]|%[0-9a-f]{2})"  # a token character, as is or percent-encoded
# Any parameter named token, its name percent-encoded or not.
_PARAMETER = re.compile(r"(?<=[?&;])([^=&;#\s]*)=([^&;#\s\"']*)")
# [<base36 session id>.]<base36 time>-<43 URL-safe characters> (session, current) or
# -<20 hex digits> (2.x).
_TOKEN_SHAPE = re.compile(
    rf"(?<![\w%.-])(?:{_URL_CHAR}{{1,13}}(?:\.|%2e))?{_URL_CHAR}{{1,13}}(?:-|%2d)"
    rf"(?:{_URL_CHAR}{{43}}|{_URL_CHAR}{{20}})(?![\w-])",
    re.IGNORECASE,
)
# The 2.x route <token>/<user>.json: its token place, whatever it holds (a token with a
# character more or less is still nearly one).
_PATH_TOKEN = re.compile(r"(?<=/)[^/?#\s]{16,}(?=/[^/?#\s]+\.json(?:[?#\s\"']|$))")
_BASIC_CREDENTIALS = re.compile(r"(\bBasic\s+)[A-Za-z0-9+/=._~-]+", re.IGNORECASE)
# C0 and C1 controls and Unicode's line and paragraph separators: each can end a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# Secrets a client may put in a query string; new.json never reads a password there,
# but a client that sends one still puts it in the request line.
_SECRET_PARAMETERS = frozenset({"token", "password"})


def _mask_parameter(match: re.Match[str]) -> str:
    name = match[1]
    return f"{name}={MASK}" if unquote(name).lower() in _SECRET_PARAMETERS else match[0]


def redact(text: str) -> str:
    """``text`` with every token in it masked."""
    text = _PARAMETER.sub(_mask_parameter, text)
    text = _TOKEN_SHAPE.sub(MASK, text)
    text = _PATH_TOKEN.sub(MASK, text)
    return _BASIC_CREDENTIALS.sub(rf"\1{MASK}", text)


def _clean_argument(value: str) -> str:
    # A path may hold a decoded newline; the message template itself is trusted.
    return _CONTROL.sub(_escape, redact(value))


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class RedactTokens(logging.Filter):
    """Mask tokens in a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.exc_info and not record.exc_text:
            # An exception's text may quote a URL (Django's APPEND_SLASH error does).
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if isinstance(record.args, dict):
            # In place: gunicorn passes a dict subclass that answers missing keys.
            for key, value in record.args.items():
                if isinstance(value, str):
                    record.args[key] = _clean_argument(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(
                _clean_argument(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
