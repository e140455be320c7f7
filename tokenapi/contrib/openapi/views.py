"""Serve the OpenAPI description, its server set to where the site put the endpoints."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from tokenapi.contrib.openapi import load_description

# The route of tokenapi.urls' "new.json": what precedes it is the base of every path.
NEW_TOKEN_ROUTE = "new.json"  # noqa: S105 (a URL, not a password)


@require_safe
def openapi_description(request: HttpRequest) -> JsonResponse:
    """Answer the description, with ``servers`` the absolute URL of this site's token URLs.

    Client generators need an absolute URL; it is built from the request, so behind a
    proxy set ``SECURE_PROXY_SSL_HEADER`` (and ``USE_X_FORWARDED_HOST`` if the proxy
    changes the host) for it to say ``https://`` and the public host.
    """
    description = load_description()
    try:
        new_token_url = reverse("api_token_new")
    except NoReverseMatch:  # e.g. included under a namespace: keep the documented default
        pass
    else:
        prefix = new_token_url.removesuffix(NEW_TOKEN_ROUTE)
        description["servers"] = [{"url": request.build_absolute_uri(prefix).rstrip("/")}]
    # Django's JsonResponse: tokenapi.http's would add the "success" key of API answers.
    return JsonResponse(description, json_dumps_params={"indent": 2})
