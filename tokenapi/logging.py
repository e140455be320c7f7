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
query parameter, everything shaped like a token (current and 2.x formats,
also percent-encoded) and Basic credentials, and escapes control characters
in a record's arguments, so that no request line can forge a log line.
"""

from __future__ import annotations

import logging
import re

MASK = "********"
_TOKEN_PARAMETER = re.compile(r"(?<=[?&;])(token=)[^&;#\s\"']*", re.IGNORECASE)
# <base36 time>-<43 URL-safe characters> (current) or -<20 hex digits> (2.x); the dash
# may come percent-encoded.
_TOKEN_SHAPE = re.compile(
    r"(?<![\w-])[0-9a-z]{1,13}(?:-|%2d)(?:[\w-]{43}|[0-9a-f]{20})(?![\w-])", re.IGNORECASE
)
_BASIC_CREDENTIALS = re.compile(r"(\bBasic\s+)[A-Za-z0-9+/=._~-]+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redact(text: str) -> str:
    """``text`` with every token in it masked."""
    text = _TOKEN_PARAMETER.sub(rf"\1{MASK}", text)
    text = _TOKEN_SHAPE.sub(MASK, text)
    return _BASIC_CREDENTIALS.sub(rf"\1{MASK}", text)


def _clean_argument(value: str) -> str:
    # A path may hold a decoded newline; the message template itself is trusted.
    return _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", redact(value))


class RedactTokens(logging.Filter):
    """Mask tokens in a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
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
