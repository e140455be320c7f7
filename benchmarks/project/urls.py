"""One view per cell; every authenticated view answers the same body."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path

from project import settings
from tokenapi.decorators import token_required

USER_PK = 1  # the one user the setup creates


def bare(request: HttpRequest) -> HttpResponse:
    """No authentication, but the one query any authentication needs."""
    return JsonResponse({"user": get_user_model()._default_manager.get(pk=USER_PK).pk})


def whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.pk})


async def bare_async(request: HttpRequest) -> HttpResponse:
    """``bare`` as an async view: the ASGI cells' baseline."""
    return JsonResponse({"user": (await get_user_model()._default_manager.aget(pk=USER_PK)).pk})


async def whoami_async(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.pk})


urlpatterns: list[URLPattern] = [
    path("bare/", bare),
    # This app's decorator in its environment, 2.1.1's in the other.
    path("token-required/", token_required(whoami)),
]
if settings.CURRENT:  # DRF, simplejwt, knox and django-ninja live beside this app only
    from tokenapi.queries import CompiledGet

    users = CompiledGet(lambda db: get_user_model()._default_manager.using(db))

    def bare_compiled(request: HttpRequest) -> HttpResponse:
        """``bare``, with the query compiled once, as tokenapi runs its own."""
        return JsonResponse({"user": users("default", USER_PK).pk})

    urlpatterns.append(path("bare-compiled/", bare_compiled))
    from knox.auth import TokenAuthentication as KnoxAuthentication
    from ninja import NinjaAPI
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.views import APIView
    from rest_framework_simplejwt.authentication import JWTAuthentication

    from tokenapi.contrib.ninja import TokenAuth, install
    from tokenapi.contrib.rest_framework import TokenAuthentication as TokenapiAuthentication

    class DrfBare(APIView):
        """DRF without authentication, fetching the user: the DRF cells' baseline."""

        def get(self, request: Request) -> Response:
            return Response({"user": get_user_model()._default_manager.get(pk=USER_PK).pk})

    class DrfWhoami(APIView):
        permission_classes = (IsAuthenticated,)

        def get(self, request: Request) -> Response:
            return Response({"user": request.user.pk})

    urlpatterns.append(path("drf/", DrfBare.as_view()))
    for route, authentication in (
        ("drf-token/", TokenAuthentication),
        ("drf-jwt/", JWTAuthentication),
        ("drf-knox/", KnoxAuthentication),
        ("drf-tokenapi/", TokenapiAuthentication),
    ):
        view = DrfWhoami.as_view(authentication_classes=(authentication,))
        urlpatterns.append(path(route, view))

    urlpatterns.append(path("token-required-async/", token_required(whoami_async)))
    urlpatterns.append(path("bare-async/", bare_async))

    ninja = NinjaAPI()
    install(ninja)

    @ninja.get("/bare/")
    async def ninja_bare(request: HttpRequest) -> dict[str, int]:
        return {"user": (await get_user_model()._default_manager.aget(pk=USER_PK)).pk}

    @ninja.get("/whoami/", auth=TokenAuth())
    async def ninja_whoami(request: HttpRequest) -> dict[str, int]:
        return {"user": request.user.pk}

    urlpatterns.append(path("ninja/", ninja.urls))
