"""django-axes: lockouts answered in JSON, and one failure counter per person.

Settings (extra ``axes``)::

    AXES_LOCKOUT_CALLABLE = "tokenapi.contrib.axes.lockout_response"
    AXES_USERNAME_CALLABLE = "tokenapi.contrib.axes.get_username"

Failed token checks already reach axes: the backend sends ``user_login_failed``
with the request. These two make the answer an API answer and name what a
lockout by user name counts: a password login counts under the user's stored
login, however the database's collation lets it be spelled (``ALICE``,
``alice ``, ``alicé`` on MariaDB); a failed token check counts under the user
id, apart from password logins, so that junk tokens sent for someone's id
cannot lock them out of logging in.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_variables

from tokenapi.backends import MASKED_TOKEN, get_user_id_parser, is_storable_text
from tokenapi.http import JsonError

# The credentials key django.contrib.auth.authenticate() callers use for the login name.
USERNAME_KEY = "username"
AXES_DEFAULT_STATUS = 429  # axes' own default for AXES_HTTP_RESPONSE_CODE
# Marks the names failed token checks are counted under: "#<user id>", never a login.
TOKEN_CHECK_PREFIX = "#"  # noqa: S105 (a marker, not a password)


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


@sensitive_variables()  # the credentials of a login hold its password
def get_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the name a failure or a login attempt counts under.

    For a failed token check, ``#`` and the user id as its key spells it (no
    query, the same for an id of nobody: a lockout reveals no ids). For a
    login, the user's stored login when the database finds one for the name
    given (one query), else the name as given.
    """
    if credentials is None:
        # As axes without credentials: the login form's field.
        username = request.POST.get(USERNAME_KEY)
    elif credentials.get("token") == MASKED_TOKEN and "pk" in credentials:
        pk = get_user_id_parser()(credentials["pk"])
        return None if pk is None else f"{TOKEN_CHECK_PREFIX}{pk}"
    else:
        username_field = get_user_model().USERNAME_FIELD
        username = credentials.get(USERNAME_KEY, credentials.get(username_field))
    return None if username is None else _stored_login(str(username))


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
