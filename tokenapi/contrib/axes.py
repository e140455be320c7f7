"""django-axes: lockouts answered in JSON, one failure counter per person, no token stored.

Settings (extra ``axes``)::

    AXES_LOCKOUT_CALLABLE = "tokenapi.contrib.axes.lockout_response"
    AXES_USERNAME_CALLABLE = "tokenapi.contrib.axes.get_username"

Failed token checks already reach axes: the backend sends ``user_login_failed``
with the request. These two make the answer an API answer and name what a
lockout by user name counts: a password login counts under the user's stored
login, however the database's collation lets it be spelled (``ALICE``,
``alice ``, ``alicé`` on MariaDB); a failed token check counts under the user
id, apart from password logins, so that junk tokens sent for someone's id
cannot lock them out of logging in. The path axes records of a failure has its
tokens masked (the 2.x route puts one there) and NUL escaped (PostgreSQL refuses it).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.debug import sensitive_variables

from tokenapi.backends import MASKED_TOKEN, get_user_id_parser, is_storable_text
from tokenapi.http import JsonError
from tokenapi.logging import redact

# The credentials key django.contrib.auth.authenticate() callers use for the login name.
USERNAME_KEY = "username"
AXES_DEFAULT_STATUS = 429  # axes' own default for AXES_HTTP_RESPONSE_CODE
# Marks the names failed token checks are counted under: "#<user id>", never a login.
TOKEN_CHECK_PREFIX = "#"  # noqa: S105 (a marker, not a password)
MAX_NAME_LENGTH = 255  # axes' username columns


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: ``{"success": false, "errors": ...}`` with axes' status.

    The status is ``AXES_HTTP_RESPONSE_CODE`` (429 by default); ``Retry-After``
    tells when the lockout ends, if it ends by itself (``AXES_COOLOFF_TIME``).
    Like the answers it replaces, it is never cached and varies on
    ``Authorization``. Axes passes the original response and the credentials
    in varying ways across versions and code paths; neither is needed.
    """
    # Imported here: axes.helpers needs axes in INSTALLED_APPS, get_username does not.
    from axes.helpers import get_cool_off, get_lockout_message

    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", AXES_DEFAULT_STATUS)
    response = JsonError(str(get_lockout_message()), status=status)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Authorization",))
    return response


@sensitive_variables()  # the credentials of a login hold its password
def get_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the name a failure or a login attempt counts under.

    For a failed token check, ``#`` and the user id as its key spells it (no
    query, the same for an id of nobody: a lockout reveals no ids). For a
    login, the user's stored login when the database finds one for the name
    given (one query), else the name as given.
    """
    _clean_path_record(request)
    if credentials is None:
        # As axes without credentials: the login form's field.
        username = request.POST.get(USERNAME_KEY)
    elif credentials.get("token") == MASKED_TOKEN and "pk" in credentials:
        pk = get_user_id_parser()(credentials["pk"])
        return None if pk is None else f"{TOKEN_CHECK_PREFIX}{pk}"[:MAX_NAME_LENGTH]
    else:
        username_field = get_user_model().USERNAME_FIELD
        username = credentials.get(USERNAME_KEY, credentials.get(username_field))
    return None if username is None else _stored_login(str(username))[:MAX_NAME_LENGTH]


def _clean_path_record(request: HttpRequest) -> None:
    # Axes stores and logs the path of each failure, read before this is called:
    # the 2.x route puts a token there, and PostgreSQL refuses a NUL in text.
    path = getattr(request, "axes_path_info", None)
    if isinstance(path, str):
        request.axes_path_info = redact(path).replace("\x00", "\\x00")  # type: ignore[attr-defined]


def _stored_login(username: str) -> str:
    # The database decides who a name means: on MariaDB's default collations "ALICE"
    # and "alice " log in as alice, and must count against her, not afresh.
    if not is_storable_text(username):
        return username
    user_model = get_user_model()
    login = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username})
        .values_list(user_model.USERNAME_FIELD, flat=True)
        .first()
    )
    return username if login is None else str(login)
