"""Read a request's user id + token, from wherever the client put them.

Sources, first complete pair wins: request parameters (POST, then query
string), a JSON object body, then ``Authorization: Basic``. Untrusted input
never raises anything but :class:`RequestError`.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError

from tokenapi import conf, errors
from tokenapi.errors import RequestError

# What reading request.POST or request.body raises on a body that cannot be read.
BODY_ERRORS = (
    BadRequest,
    MultiPartParserError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
FORM = "application/x-www-form-urlencoded"
SECRET_FIELDS = ("password", "token")
UTF_8 = codecs.lookup("utf-8").name


def parse_credentials(
    request: HttpRequest, *, other_schemes_are_errors: bool = True
) -> tuple[str, str] | None:
    """Return the request's ``(user id, token)``, or ``None`` if it has none.

    Raise :class:`RequestError` for a malformed body, ``Authorization`` header
    or JSON credentials. ``other_schemes_are_errors=False`` lets an
    ``Authorization`` header of another scheme pass as no credentials, even
    without a space (``null``, ``Bearer``), as DRF's own classes do.
    """
    user, token = _from_parameters(request)
    if user and token:
        return user, token
    if is_json(request):
        body = json_object_or_none(request)
        if body is not None:
            user, token = _from_json(body)
            if user and token:
                return user, token
    header = request.META.get("HTTP_AUTHORIZATION")
    if header:
        if not other_schemes_are_errors and header.partition(" ")[0].lower() != "basic":
            return None
        user, token = parse_basic_authorization(header)
        if user and token:
            return user, token
    return None


def require_credentials(request: HttpRequest) -> tuple[str, str]:
    """Return the request's ``(user id, token)``; raise :class:`RequestError` if it has none."""
    credentials = parse_credentials(request)
    if credentials is None:
        raise RequestError(errors.MISSING_CREDENTIALS)
    return credentials


def parse_basic_authorization(header: str) -> tuple[str | None, str | None]:
    """Return the user id and token of a Basic ``Authorization`` header.

    Other schemes give ``(None, None)``; a malformed header raises
    :class:`RequestError`.
    """
    scheme, space, encoded = header.partition(" ")
    if not space:
        raise RequestError(errors.MALFORMED_HEADER)
    if scheme.lower() != "basic":
        return None, None
    try:
        # Not validate=True: 2.x accepted whatever b64decode() accepts.
        decoded = base64.b64decode(encoded.strip()).decode("utf-8")
        user, token = decoded.split(":", 1)
    except (binascii.Error, ValueError):  # ValueError covers non-ASCII and UnicodeDecodeError
        raise RequestError(errors.MALFORMED_BASIC) from None
    return user, token


def is_json(request: HttpRequest) -> bool:
    """Whether the request says its body is JSON (``application/json`` or ``*+json``)."""
    content_type = (request.content_type or "").lower()
    return content_type == "application/json" or content_type.endswith("+json")


def _from_parameters(request: HttpRequest) -> tuple[str | None, str | None]:
    user = token = None
    # Django parses a form body for POST only: for GET and HEAD, request.POST is
    # always empty, and building it would cost more than the rest of this module.
    if request.method not in ("GET", "HEAD"):
        post = read_form(request)  # which checks the charset too
        user = post.get("user")
        token = post.get("token")
    else:
        _check_charset(request)  # before Django decodes the query string in it
    if (user is None or token is None) and _has_query(request):
        try:
            query = request.GET
        except TooManyFieldsSent:  # Django's own answer would be an HTML page
            raise RequestError(errors.MALFORMED_QUERY) from None
        # Field by field, as 2.x did: POST first, then the query string.
        if user is None:
            user = query.get("user")
        if token is None:
            token = query.get("token")
    return user, token


def read_form(request: HttpRequest) -> QueryDict:
    """Return ``request.POST``; raise :class:`RequestError` if the body cannot be read.

    A URL-encoded form in another charset than UTF-8 (old Android and Java
    clients send ISO-8859-1) is decoded in its own charset; Django 5 refuses
    those, and Django 4.2 fails on a charset it does not know.
    """
    charset = _check_charset(request)
    try:
        # Django 5 refuses any other charset, even UTF-8 spelled "UTF8".
        form_charset = charset if request.content_type == FORM else None
        if form_charset and form_charset.lower() != UTF_8 and request.method == "POST":
            request.POST = QueryDict(request.body, encoding=codecs.lookup(form_charset).name)
        form = request.POST
    # LookupError: a form in a charset nobody knows; UnicodeError: one it cannot decode.
    except (*BODY_ERRORS, LookupError, UnicodeError):
        raise RequestError(errors.MALFORMED_BODY) from None
    # Error reports show POST fields: not these (sensitive_post_parameters, added to).
    hidden = getattr(request, "sensitive_post_parameters", ())
    if hidden != "__ALL__":
        added = [field for field in SECRET_FIELDS if field not in hidden]
        request.sensitive_post_parameters = [*hidden, *added]  # type: ignore[attr-defined]
    return form


def _check_charset(request: HttpRequest) -> str | None:
    """Return the request's declared charset; raise :class:`RequestError` if it is no text one.

    Django decodes the query string and forms in it: a codec that is no text
    encoding (rot13, base64, zlib) would make it raise where no one catches it.
    """
    charset = request.content_params.get("charset") if request.content_params else None
    if charset is not None:
        try:
            codec = codecs.lookup(charset)
        except LookupError:
            return charset  # Django ignores a charset it does not know
        # The flag str.encode() and bytes.decode() themselves go by.
        if not getattr(codec, "_is_text_encoding", True):
            raise RequestError(errors.MALFORMED_BODY)
    return charset


def _has_query(request: HttpRequest) -> bool:
    if not conf.get().query_string_credentials:
        return False
    # WSGIRequest and ASGIRequest build request.GET from QUERY_STRING on first
    # use: without one it is empty, and parsing nothing costs a third of a Basic
    # request's credential reading. A GET already built or set is always read.
    return "GET" in request.__dict__ or bool(request.META.get("QUERY_STRING"))


def _from_json(body: dict[str, Any]) -> tuple[str | None, str | None]:
    user, token = body.get("user"), body.get("token")
    if isinstance(user, int) and not isinstance(user, bool):
        user = str(user)
    if user is not None and not isinstance(user, str):
        raise RequestError(errors.MALFORMED_CREDENTIALS)
    if token is not None and not isinstance(token, str):
        raise RequestError(errors.MALFORMED_CREDENTIALS)
    return user, token


def read_fields(request: HttpRequest) -> dict[str, Any]:
    """Return the fields of a form body or a JSON object body.

    Raise :class:`RequestError` for a body that cannot be read, or JSON that
    is not an object.
    """
    if is_json(request):
        fields = json_object_or_none(request)
        if fields is None:
            raise RequestError(errors.MALFORMED_JSON)
        return fields
    return read_form(request).dict()


def json_object_or_none(request: HttpRequest) -> dict[str, Any] | None:
    """Return the request's body as a JSON object, or ``None`` if it is not one.

    Raise :class:`RequestError` if the body cannot be read at all.
    """
    try:
        data = json.loads(request.body)
    except BODY_ERRORS:
        raise RequestError(errors.MALFORMED_BODY) from None
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deep, too many digits
        return None
    return data if isinstance(data, dict) else None
