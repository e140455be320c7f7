"""django-axes: lockouts answered in JSON, failed token checks counted against their user.

Settings (extra ``axes``)::

    AXES_LOCKOUT_CALLABLE = "tokenapi.contrib.axes.lockout_response"
    AXES_USERNAME_CALLABLE = "tokenapi.contrib.axes.get_username"

Failed token checks already reach axes: the backend sends ``user_login_failed``
with the request. These two make the answer an API answer and give axes the
user's login name, so lockouts by user name count them too.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from tokenapi.backends import MASKED_TOKEN, get_user_id_parser
from tokenapi.http import JsonError

# The credentials key django.contrib.auth.authenticate() callers use for the login name.
USERNAME_KEY = "username"
AXES_DEFAULT_STATUS = 429  # axes' own default for AXES_HTTP_RESPONSE_CODE
# Marks the name failures for an id of nobody are counted under (see _login_name).
UNKNOWN_USER_PREFIX = "#"


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: ``{"success": false, "errors": ...}`` with axes' status.

    The status is ``AXES_HTTP_RESPONSE_CODE`` (429 by default); ``Retry-After``
    tells when the lockout ends, if it ends by itself (``AXES_COOLOFF_TIME``).
    Axes passes the original response and the credentials in varying ways
    across versions and code paths; neither is needed.
    """
    # Imported here: axes.helpers needs axes in INSTALLED_APPS, get_username does not.
    from axes.helpers import get_cool_off, get_lockout_message

    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", AXES_DEFAULT_STATUS)
    response = JsonError(str(get_lockout_message()), status=status)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


def get_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the login name a failure or a login attempt is about.

    For a failed token check, the login name of the user the id names (one
    query, on failures only): a lockout by user name then counts wrong tokens
    and wrong passwords together. Elsewhere, what axes itself would read.
    """
    if credentials is None:
        # As axes without credentials: the login form's field.
        return request.POST.get(USERNAME_KEY)
    if credentials.get("token") == MASKED_TOKEN and "pk" in credentials:
        return _login_name(credentials["pk"])
    username_field = get_user_model().USERNAME_FIELD
    username = credentials.get(USERNAME_KEY, credentials.get(username_field))
    return None if username is None else str(username)


def _login_name(user_id: object) -> str | None:
    pk = get_user_id_parser()(user_id)
    if pk is None:  # an id no user can have: nothing to count against
        return None
    user_model = get_user_model()
    login = (
        user_model._default_manager.filter(pk=pk)
        .values_list(user_model.USERNAME_FIELD, flat=True)
        .first()
    )
    if login is None:
        # Counted all the same, as axes counts wrong passwords for unknown
        # logins: a lockout that came only for real users would tell which ids exist.
        return f"{UNKNOWN_USER_PREFIX}{pk}"
    return str(login)
