"""django-ninja operations protected by tokenapi's auth class, on operations and a router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Router

from tokenapi.contrib.ninja import TokenAuth, install

api = NinjaAPI(urls_namespace="tokenapi-tests")
install(api)
router = Router(auth=TokenAuth())


def _whoami(request: HttpRequest) -> dict[str, Any]:
    return {"user": str(request.user.pk), "auth": str(request.auth.pk)}  # type: ignore[attr-defined]


@api.api_operation(["GET", "POST"], "/sync/", auth=TokenAuth())
def sync_operation(request: HttpRequest) -> dict[str, Any]:
    return _whoami(request)


@api.api_operation(["GET", "POST"], "/async/", auth=TokenAuth())
async def async_operation(request: HttpRequest) -> dict[str, Any]:
    return _whoami(request)


@api.get("/public/")
def public_operation(request: HttpRequest) -> dict[str, Any]:
    return {"user": str(request.user.pk)}


@router.api_operation(["GET", "POST"], "/whoami/")
async def router_operation(request: HttpRequest) -> dict[str, Any]:
    return _whoami(request)


api.add_router("/router/", router)

# Without install(): django-ninja's own answers.
uninstalled = NinjaAPI(urls_namespace="tokenapi-tests-uninstalled", auth=TokenAuth())
uninstalled.get("/")(public_operation)

urlpatterns = [path("ninja/", api.urls), path("uninstalled/", uninstalled.urls)]
