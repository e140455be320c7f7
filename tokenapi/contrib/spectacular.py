"""drf-spectacular: describe ``TokenAuthentication`` as a security scheme of generated schemas.

Imported by the app's ``ready()`` when drf-spectacular is installed; defining
the extension class is what registers it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

# The scheme's name here and in the app's own description, openapi.json.
SCHEME_NAME = "tokenapiAuth"
SCHEME_DESCRIPTION = (
    "HTTP Basic with the user id as the user name and the token as the password. "
    "The same pair may instead be sent as `user` and `token` form or query "
    "parameters, or in a JSON object body."
)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tokenapi.contrib.rest_framework.TokenAuthentication"
    name = SCHEME_NAME
    match_subclasses = True

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "basic", "description": SCHEME_DESCRIPTION}
