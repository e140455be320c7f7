"""Every error the app answers with: its HTTP status and its message, in one place.

The messages of django-tokenapi 2.x are kept word for word: clients may match on them.
"""

from __future__ import annotations

from typing import NamedTuple


class ApiError(NamedTuple):
    status: int
    message: str
    challenge: bool = False
    """Whether the answer carries ``WWW-Authenticate``, telling the client what to send."""


class RequestError(Exception):
    """The request cannot be served as it is; ``error`` says how to answer it."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


# Credentials of a token-protected request.
MALFORMED_HEADER = ApiError(400, "Invalid Authorization header format.")
MALFORMED_BASIC = ApiError(400, "Invalid Basic auth encoding.")
MALFORMED_CREDENTIALS = ApiError(400, "'user' and 'token' must be strings.")
# tokenapi.contrib.channels: browsers send their pair in Sec-WebSocket-Protocol.
MALFORMED_SUBPROTOCOL = ApiError(400, "Invalid credentials encoding in Sec-WebSocket-Protocol.")
MISSING_CREDENTIALS = ApiError(
    401, "Must include 'user' and 'token' parameters with request.", challenge=True
)
# A wrong pair: 2.x answered 403 from a protected view and 401 from its token route.
VIEW_PAIR_REFUSED = ApiError(403, "Incorrect user and token pair.")
ENDPOINT_PAIR_REFUSED = ApiError(401, "Token did not match user.", challenge=True)
# <token>/<user>.json: 2.x answered without a challenge; the token is in the path.
PATH_PAIR_REFUSED = ApiError(401, "Token did not match user.")

# Request bodies.
MALFORMED_BODY = ApiError(400, "Unable to read the request body.")
MALFORMED_JSON = ApiError(400, "Request body must be a JSON object.")
MALFORMED_QUERY = ApiError(400, "Unable to read the query string.")

# Logging in (new.json).
MISSING_LOGIN = ApiError(401, "Must include 'username' and 'password' as POST parameters.")
MALFORMED_LOGIN = ApiError(
    400, "'username' and 'password' must be strings of valid text without NUL characters."
)
LOGIN_FAILED = ApiError(401, "Unable to log you in, please try again.")
POST_REQUIRED = ApiError(405, "Must access via a POST request.")
GET_OR_POST_REQUIRED = ApiError(405, "Must access via a GET or POST request.")

# Sessions (tokenapi.sessions).
MALFORMED_DEVICE = ApiError(400, "'device' must be text of at most 128 characters.")
MALFORMED_SESSION = ApiError(400, "'session' must be a session id.")
NO_CURRENT_SESSION = ApiError(
    400, "This token belongs to no session: name one in 'session', or use logoutall.json."
)
SESSION_NOT_FOUND = ApiError(404, "No such session.")
